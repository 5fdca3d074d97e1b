"""Plot 依申请公开 outcomes of the bundled reports by year and by format, from one harmonised frame.

python examples/harmonised_plot.py [OUT.png]

OUT.png defaults to harmonised.png in the current folder, unless that folder is inside this
repository: then it goes to the system's temporary folder, so a run from a checkout never
writes into the repository by accident.

Needs matplotlib and pandas: ``pip install -e ".[examples]"``. The reports are those in
examples/reports/ and tests/data/seeds/, of both national formats (gov-2019 and gov-2021);
:func:`gxlib.harmonise` gives them shared keys, including gov-2021's (六)其他处理 summed into one
``other`` row like gov-2019 prints it. Two files of the two folders are byte-identical copies:
harmonise counts each report once (same ``report_id``) and warns about the copy (GX805).
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import gxlib

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "examples" / "reports", ROOT / "tests" / "data" / "seeds"]

# outcome (English label for the plot) -> the requests rows it sums, column "total"
OUTCOMES = {
    "granted": ("granted",),
    "partially granted": ("partially_granted",),
    "denied": ("denied.",),
    "unavailable": ("unavailable.",),
    "not processed": ("not_processed.",),
    "other": ("other",),
}


def outcome_of(row: str) -> str | None:
    for name, keys in OUTCOMES.items():
        for key in keys:
            # "other" is the whole row: gov-2019's as printed, gov-2021's derived by harmonise
            if row == key or (key.endswith(".") and row.startswith(key)):
                return name
    return None


def outcomes_frame() -> object:
    paths = sorted(p for folder in SOURCES for p in folder.glob("*.txt"))
    reports = [gxlib.parse(p) for p in paths]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", gxlib.DuplicateReportWarning)
        frame = gxlib.harmonise(reports)
    for w in caught:
        print(f"note: {w.message}")
    frame = frame[(frame["table"] == "requests") & (frame["column"] == "total")].copy()
    frame["outcome"] = frame["row"].map(outcome_of)
    return frame[frame["outcome"].notna()]


def plot(out: Path) -> Path:
    frame = outcomes_frame()
    order = list(OUTCOMES)
    by_year = (
        frame.dropna(subset=["year"])
        .pivot_table(index="year", columns="outcome", values="value_float", aggfunc="sum")
        .reindex(columns=order, fill_value=0)
        .fillna(0)
    )
    by_format = (
        frame.pivot_table(index="profile", columns="outcome", values="value_float", aggfunc="sum")
        .reindex(columns=order, fill_value=0)
        .fillna(0)
    )
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), constrained_layout=True)
    by_year.plot.bar(ax=axes[0], stacked=True, legend=False, rot=0)
    axes[0].set(title="Requests by outcome and report year", xlabel="year", ylabel="requests")
    by_format.plot.bar(ax=axes[1], stacked=True, rot=0)
    axes[1].set(title="Requests by outcome and format", xlabel="profile", ylabel="requests")
    axes[1].legend(title="outcome", fontsize="small")
    n = frame["report_id"].nunique()
    fig.suptitle(f"Outcomes of information requests in {n} reports (column: total)")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def default_output(cwd: Path) -> Path:
    """harmonised.png in ``cwd``, or in the temporary folder when ``cwd`` is in this repository."""
    cwd = cwd.resolve()
    if cwd == ROOT or ROOT in cwd.parents:
        return Path(tempfile.gettempdir()) / "gxlib-examples" / "harmonised.png"
    return cwd / "harmonised.png"


def main(argv: list[str]) -> None:
    out = plot(Path(argv[0]) if argv else default_output(Path.cwd()))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
