from __future__ import annotations

import csv
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "seeds"

# Hypothesis settings profiles: GXLIB_HYPOTHESIS=ci|dev|thorough (default: dev locally, ci in CI).
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("GXLIB_HYPOTHESIS", "ci" if os.environ.get("CI") else "dev"))


def seed_path(stem: str) -> Path:
    return SEEDS / f"{stem}.txt"


def load_expected(stem: str) -> list[dict[str, object]]:
    """The hand-transcribed cells of a seed (tests/fixtures/seeds/<stem>.csv)."""
    rows: list[dict[str, object]] = []
    with open(FIXTURES / f"{stem}.csv", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            value: object = None
            if rec["status"] == "number":
                v = rec["value"]
                value = Decimal(v) if rec["table"] in MONEY.get(rec["column"], ()) else int(v)
            rows.append({**rec, "value": value})
    return rows


# columns holding money, by table (both formats)
MONEY = {"amount": ("procurement", "fees")}


@pytest.fixture(scope="session")
def seeds() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SEEDS.glob("*.txt"))}
