"""The profile registry: bundled profiles plus plugins, discovered lazily and cached.

Plugins are installed distributions declaring the entry-point group ``gxlib.profiles``; an entry
point may resolve to a :class:`Profile`, a path to a profile file, a directory of them, or a
callable returning any of these (or an iterable of them). A broken plugin emits a
:class:`GxlibPluginWarning` and is skipped: it never breaks ``import gxlib`` or other profiles.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from gxlib.errors import GxlibError, UnknownProfileError
from gxlib.profiles.loading import load_file
from gxlib.profiles.model import Profile

if TYPE_CHECKING:
    from importlib import metadata

ENTRY_POINT_GROUP = "gxlib.profiles"


class GxlibPluginWarning(UserWarning):
    """A profile plugin could not be loaded and was skipped."""


def bundled_profile_dir() -> Path:
    """Where the bundled profile files are: inside the wheel, or ``profiles/`` of a checkout."""
    from importlib import resources  # here, not at import: `import gxlib` stays cheap

    packaged = resources.files("gxlib") / "_profiles"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent.parent / "profiles"


class _Registry:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._profiles: dict[str, Profile] | None = None
        self._registered: dict[str, Profile] = {}
        self._origin: dict[str, str] = {}

    def _load(self) -> dict[str, Profile]:
        with self._lock:
            if self._profiles is not None:
                return self._profiles
            found: dict[str, Profile] = {}
            origin: dict[str, str] = {}
            for path in sorted(bundled_profile_dir().glob("*.toml")):
                profile = load_file(path)  # a broken bundled profile is our bug: let it raise
                found[profile.id] = profile
                origin[profile.id] = "bundled"
            for ep in _entry_points():
                try:
                    for profile in _resolve(ep.load()):
                        if profile.id in found and origin[profile.id] == "bundled":
                            raise GxlibError(f"profile id {profile.id!r} is a bundled profile")
                        found[profile.id] = profile
                        origin[profile.id] = f"plugin {ep.name} ({ep.value})"
                except Exception as exc:  # any plugin failure must only skip that plugin
                    warnings.warn(
                        f"gxlib profile plugin {ep.name!r} ({ep.value}) skipped: {exc}",
                        GxlibPluginWarning,
                        stacklevel=4,
                    )
            for pid, profile in self._registered.items():
                found[pid] = profile
                origin[pid] = "registered"
            self._profiles = found
            self._origin = origin
            return found

    def available(self) -> list[str]:
        return list(self._load())

    def get(self, profile_id: str) -> Profile:
        profiles = self._load()
        try:
            return profiles[profile_id]
        except KeyError:
            raise UnknownProfileError(
                f"no profile {profile_id!r}; available: {', '.join(profiles)}"
            ) from None

    def all(self) -> list[Profile]:
        return list(self._load().values())

    def origin(self, profile_id: str) -> str:
        self.get(profile_id)
        return self._origin[profile_id]

    def register(self, profile: Profile, *, replace: bool = False) -> Profile:
        if not isinstance(profile, Profile):
            raise GxlibError(f"register() takes a Profile, not {type(profile).__name__}")
        with self._lock:
            profiles = self._load()
            if profile.id in profiles and not replace and profiles[profile.id] != profile:
                raise GxlibError(
                    f"a profile {profile.id!r} is already registered; pass replace=True"
                )
            self._registered[profile.id] = profile
            profiles[profile.id] = profile
            self._origin[profile.id] = "registered"
            return profile

    def registered(self) -> list[Profile]:
        with self._lock:
            return list(self._registered.values())

    def unregister(self, profile_id: str) -> None:
        with self._lock:
            self._registered.pop(profile_id, None)
            self._profiles = None

    def refresh(self) -> None:
        with self._lock:
            self._profiles = None


def _entry_points() -> list[metadata.EntryPoint]:
    from importlib import metadata  # here, not at import: `import gxlib` stays cheap

    try:
        return list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    except Exception as exc:  # a corrupt distribution must not break discovery
        warnings.warn(f"gxlib could not list plugins: {exc}", GxlibPluginWarning, stacklevel=4)
        return []


def _resolve(obj: object) -> Iterable[Profile]:
    if isinstance(obj, Profile):
        return [obj]
    if isinstance(obj, (str, Path)) or hasattr(obj, "joinpath"):
        path = Path(str(obj))
        if path.is_dir():
            return [load_file(p) for p in sorted(path.glob("*.toml"))]
        return [load_file(path)]
    if callable(obj):
        return _resolve(obj())
    if isinstance(obj, Iterable):
        out: list[Profile] = []
        for item in obj:
            out.extend(_resolve(item))
        return out
    raise GxlibError(f"entry point gave {type(obj).__name__}, not a profile or a path")


_registry = _Registry()

available = _registry.available
get = _registry.get
all_profiles = _registry.all
origin = _registry.origin
register = _registry.register
registered = _registry.registered
unregister = _registry.unregister
refresh = _registry.refresh
