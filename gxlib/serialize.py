"""JSON for reports, through cattrs: ``Report`` → JSON → ``Report`` is the identity.

Numbers keep their type: counts are JSON integers, money is a decimal string (never a float).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import cattrs
from cattrs.gen import make_dict_unstructure_fn

from gxlib.report import Cell, Report, Table
from gxlib.values import Number


def _make() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, lambda v, _: Decimal(v))
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(dt.date, lambda v, _: dt.date.fromisoformat(v))

    def num_unstructure(v: Number | None) -> Any:
        return str(v) if isinstance(v, Decimal) else v

    def num_structure(v: Any, _: Any) -> Number | None:
        if v is None or isinstance(v, int):
            return v
        return Decimal(v)

    conv.register_unstructure_hook(Number | None, num_unstructure)
    conv.register_structure_hook(Number | None, num_structure)
    conv.register_unstructure_hook(Number, num_unstructure)
    conv.register_structure_hook(Number, num_structure)
    conv.register_structure_hook(
        tuple[int, int, int] | None, lambda v, _: None if v is None else tuple(v)
    )
    conv.register_unstructure_hook(
        Table, make_dict_unstructure_fn(Table, conv, _index=cattrs.override(omit=True))
    )
    conv.register_unstructure_hook(Cell, make_dict_unstructure_fn(Cell, conv))
    return conv


converter = _make()


def report_to_dict(report: Report) -> dict[str, Any]:
    out: dict[str, Any] = converter.unstructure(report)
    out["gxlib_report"] = 1
    return out


def report_from_dict(data: dict[str, Any]) -> Report:
    body = {k: v for k, v in data.items() if k != "gxlib_report"}
    return converter.structure(body, Report)


def report_to_json(report: Report, *, indent: int | None = None) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=indent)


def report_from_json(text: str) -> Report:
    return report_from_dict(json.loads(text))
