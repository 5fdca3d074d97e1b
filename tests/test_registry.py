"""The profile registry: bundled profiles, registration, plugins that fail."""

from __future__ import annotations

import warnings
from importlib import metadata
from pathlib import Path

import pytest

import gxlib
from gxlib import profiles
from gxlib.profiles import registry

PLUGIN_PROFILE = (
    Path(__file__).parent
    / "data"
    / "plugin"
    / "src"
    / "gxlib_example_plugin"
    / "profiles"
    / "example-mini.toml"
)


@pytest.fixture(autouse=True)
def _fresh_registry():  # type: ignore[no-untyped-def]
    profiles.refresh()
    yield
    profiles.unregister("example-mini")
    profiles.refresh()


def test_bundled() -> None:
    assert profiles.available()[:2] == ["gov-2019", "gov-2021"]
    assert profiles.origin("gov-2021") == "bundled"
    assert profiles.get("gov-2019").source == "国办公开办函〔2019〕60号"
    with pytest.raises(gxlib.UnknownProfileError):
        profiles.get("nope")


def test_every_bundled_profile_validates_and_round_trips() -> None:
    for path in sorted(profiles.bundled_profile_dir().glob("*.toml")):
        p = profiles.load_file(path)
        assert profiles.profile_from_dict(profiles.profile_to_dict(p)) == p


def test_register_and_use() -> None:
    p = profiles.load_file(PLUGIN_PROFILE)
    profiles.register(p)
    assert "example-mini" in profiles.available()
    r = gxlib.parse_text("示例插件年报\n一、申请情况\n新收申请数量 | 7 |")
    assert (r.profile, r.value("requests", "new", "total")) == ("example-mini", 7)
    with pytest.raises(gxlib.GxlibError):
        profiles.register(
            profiles.get("gov-2019").__class__(
                **{
                    **{
                        a: getattr(p, a)
                        for a in ("id", "version", "title", "source", "sections", "tables")
                    },
                    "version": "9",
                }
            )
        )


def test_broken_plugin_warns_and_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = metadata.EntryPoint(
        name="broken", value="no_such_module_xyz:thing", group=profiles.ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(registry, "_entry_points", lambda: [broken])
    profiles.refresh()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ids = profiles.available()
    assert ids == ["gov-2019", "gov-2021"]
    assert any(
        issubclass(w.category, profiles.GxlibPluginWarning) and "broken" in str(w.message)
        for w in caught
    )


def test_plugin_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeEP:
        name = "fake"
        value = "fake:obj"

        def __init__(self, obj: object) -> None:
            self.obj = obj

        def load(self) -> object:
            return self.obj

    for obj in (
        PLUGIN_PROFILE,
        str(PLUGIN_PROFILE),
        PLUGIN_PROFILE.parent,
        lambda: PLUGIN_PROFILE,
        [PLUGIN_PROFILE],
        profiles.load_file(PLUGIN_PROFILE),
    ):
        monkeypatch.setattr(registry, "_entry_points", lambda o=obj: [FakeEP(o)])
        profiles.refresh()
        assert "example-mini" in profiles.available(), obj


def test_profile_errors_are_located(tmp_path: Path) -> None:
    text = PLUGIN_PROFILE.read_text(encoding="utf-8").replace('label = "总计"', 'lable = "总计"')
    with pytest.raises(
        gxlib.ProfileError,
        match=r"extra fields found \(lable\) @ \$\.tables\[0\]"
        r"\.columns\[0\]",
    ):
        profiles.loads(text)
    bad = PLUGIN_PROFILE.read_text(encoding="utf-8").replace(
        'section = "requests"', 'section = "nope"'
    )
    with pytest.raises(gxlib.ProfileError, match=r"unknown section 'nope' @ \$\.tables\[0\]"):
        profiles.loads(bad)
    dup = PLUGIN_PROFILE.read_text(encoding="utf-8").replace(
        'rows = [{ key = "new", label = "新收申请数量" }]',
        'rows = [{ key = "new", label = "新收申请数量" }, { key = "x", label = "新收申请 数量" }]',
    )
    with pytest.raises(gxlib.ProfileError, match="clashes"):
        profiles.loads(dup)
    with pytest.raises(gxlib.ProfileError, match="TOML"):
        profiles.loads("id = ")
    with pytest.raises(gxlib.ProfileError):
        profiles.load_file(tmp_path / "absent.toml")
