"""Parse the bundled example reports and show section 三 (依申请公开) as a table.

python examples/quickstart.py
"""

from __future__ import annotations

from pathlib import Path

import gxlib

HERE = Path(__file__).parent


def main() -> None:
    reports = [gxlib.parse(p) for p in sorted((HERE / "reports").glob("*.txt"))]
    for r in reports:
        new = r.value("requests", "new", "total")
        errors = [d.code for d in r.errors]
        print(
            f"{r.metadata.body} {r.metadata.year} ({r.profile}): {new} new requests; "
            f"errors: {errors or 'none'}"
        )
    try:
        frame = gxlib.to_pandas(reports)
    except gxlib.MissingExtraError as exc:
        print(exc)
        return
    requests = frame[frame["table"] == "requests"]
    print(
        requests.pivot_table(
            index=["body", "row"], columns="column", values="value_float", aggfunc="first"
        ).head(12)
    )


if __name__ == "__main__":
    main()
