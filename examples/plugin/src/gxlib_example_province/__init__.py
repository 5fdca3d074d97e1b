"""Entry point of the example province plugin: the folder holding its profile files."""

from pathlib import Path


def profile_dir() -> Path:
    return Path(__file__).parent / "profiles"
