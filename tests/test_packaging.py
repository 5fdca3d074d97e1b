"""The built wheel carries the profiles; a plugin distribution adds its profile to the registry."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = Path(__file__).parent / "data" / "plugin"
SEED = Path(__file__).parent / "data" / "seeds" / "004_c38613461617f9e0.txt"

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    tmp = tmp_path_factory.mktemp("pkg")
    wheels = tmp / "wheels"
    for project in (ROOT, PLUGIN):
        _run(
            sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", wheels, project
        )
    env = tmp / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    py = env / "bin" / "python"
    gxlib_wheel = next(wheels.glob("gxlib-*.whl"))
    _run(py, "-m", "pip", "install", "-q", "--disable-pip-version-check", gxlib_wheel)
    return py, wheels


def test_wheel_ships_profiles_and_parses_a_seed(
    fresh_venv: tuple[Path, Path], tmp_path: Path
) -> None:
    py, _ = fresh_venv
    code = (
        "import sys, gxlib, gxlib.profiles as P; "
        "assert 'site-packages' in gxlib.__file__, gxlib.__file__; "
        "print(P.bundled_profile_dir().name, sorted(P.available())); "
        "r = gxlib.parse(sys.argv[1]); print(r.profile, r.value('requests', 'new', 'total'))"
    )
    out = _run(py, "-c", code, SEED, cwd=tmp_path)
    assert "_profiles ['gov-2019', 'gov-2021']" in out
    assert "gov-2021 4" in out


def test_plugin_profile_appears(fresh_venv: tuple[Path, Path], tmp_path: Path) -> None:
    py, wheels = fresh_venv
    plugin_wheel = next(wheels.glob("gxlib_example_plugin-*.whl"))
    _run(py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", plugin_wheel)
    code = (
        "import gxlib, gxlib.profiles as P; print(sorted(P.available())); "
        "print(P.origin('example-mini')); "
        "r = gxlib.parse_text('示例插件年报\\n一、申请情况\\n新收申请数量 | 7 |'); "
        "print(r.profile, r.value('requests', 'new', 'total'))"
    )
    out = _run(py, "-c", code, cwd=tmp_path)
    assert "'example-mini'" in out
    assert "plugin example-mini" in out
    assert "example-mini 7" in out
