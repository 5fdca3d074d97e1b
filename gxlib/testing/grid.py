"""The official table geometry of a profile's table, built from the profile alone.

Real reports are flattenings of these grids; the renderers in :mod:`gxlib.testing.render` write
them the ways real documents do. Stub groups span the rows below them, column groups span their
member columns, a ``flat`` table is header rows over one row of values.
"""

from __future__ import annotations

from attrs import frozen

from gxlib.profiles.model import Group
from gxlib.profiles.model import Table as TableSpec


@frozen
class GCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    kind: str = "label"  # label | value | title


@frozen
class TableGrid:
    cells: tuple[GCell, ...]
    n_rows: int
    n_cols: int

    def rows(self) -> list[list[GCell]]:
        out: list[list[GCell]] = [[] for _ in range(self.n_rows)]
        for c in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[c.row].append(c)
        return out

    def covering(self) -> dict[tuple[int, int], GCell]:
        """Every grid position → the cell that covers it."""
        out: dict[tuple[int, int], GCell] = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    out[(r, k)] = c
        return out


def _chain(groups: dict[str, Group], key: str | None) -> list[Group]:
    out: list[Group] = []
    while key is not None:
        g = groups[key]
        out.insert(0, g)
        key = g.parent
    return out


def build_grid(
    spec: TableSpec,
    values: dict[tuple[str, str], str],
    rows: list[str] | None = None,
    *,
    row_label: dict[str, str] | None = None,
    col_label: dict[str, str] | None = None,
) -> TableGrid:
    """The grid of ``spec`` with cell texts ``values[(row, column)]`` for the rows ``rows``."""
    row_keys = rows if rows is not None else [r.key for r in spec.rows if not r.optional]
    rl = row_label or {}
    cl = col_label or {}
    if spec.layout == "flat":
        return _flat_grid(spec, values, row_keys, rl, cl)
    groups = {g.key: g for g in spec.groups}
    chains = {k: _chain(groups, spec.row(k).group) for k in row_keys}
    depth = max((len(c) for c in chains.values()), default=0) + 1
    cells: list[GCell] = []
    r = 0
    ncols = len(spec.columns)
    width = depth + ncols
    for anchor in spec.anchors[:1]:
        cells.append(GCell(anchor, r, 0, colspan=width, header=True, kind="title"))
        r += 1
    cgroups = {g.key: g for g in spec.column_groups}
    header_rows = 2 if cgroups else 1
    titles = list(spec.header[1:]) if spec.header else []
    corner = spec.header[0] if spec.header else ""
    top = r
    cells.append(GCell(corner, r, 0, rowspan=len(titles) + header_rows, colspan=depth, header=True))
    for t in titles:
        cells.append(GCell(t, r, depth, colspan=ncols, header=True))
        r += 1
    col = depth
    i = 0
    while i < ncols:
        c = spec.columns[i]
        if c.group is not None and c.group in cgroups:
            members = [x for x in spec.columns if x.group == c.group]
            cells.append(GCell(cgroups[c.group].label, r, col, colspan=len(members), header=True))
            for j, m in enumerate(members):
                cells.append(GCell(cl.get(m.key, m.label), r + 1, col + j, header=True))
            col += len(members)
            i += len(members)
        else:
            cells.append(GCell(cl.get(c.key, c.label), r, col, rowspan=header_rows, header=True))
            col += 1
            i += 1
    r += header_rows
    assert r - top == len(titles) + header_rows
    # data rows, with stub groups spanning the rows below them
    opened: dict[str, bool] = {}
    for k in row_keys:
        chain = chains[k]
        for level, g in enumerate(chain):
            if opened.get(g.key):
                continue
            span = sum(1 for kk in row_keys if g in chains[kk])
            cells.append(GCell(rl.get(g.key, g.label), r, level, rowspan=span))
            opened[g.key] = True
        row = spec.row(k)
        cells.append(GCell(rl.get(k, row.label), r, len(chain), colspan=depth - len(chain)))
        for j, c in enumerate(spec.columns):
            cells.append(GCell(values.get((k, c.key), ""), r, depth + j, kind="value"))
        r += 1
    return TableGrid(tuple(cells), r, width)


def _flat_grid(
    spec: TableSpec,
    values: dict[tuple[str, str], str],
    row_keys: list[str],
    rl: dict[str, str],
    cl: dict[str, str],
) -> TableGrid:
    ncols = len(spec.columns)
    groups = {g.key: g for g in spec.groups}
    has_groups = any(spec.row(k).group for k in row_keys)
    cells: list[GCell] = []
    col = 0
    seen: set[str] = set()
    for k in row_keys:
        row = spec.row(k)
        if row.group is None:
            cells.append(
                GCell(
                    rl.get(k, row.label),
                    0,
                    col,
                    rowspan=2 if has_groups else 1,
                    colspan=ncols,
                    header=True,
                )
            )
        elif row.group not in seen:
            members = [x for x in row_keys if spec.row(x).group == row.group]
            cells.append(
                GCell(groups[row.group].label, 0, col, colspan=ncols * len(members), header=True)
            )
            seen.add(row.group)
        if row.group is not None:
            cells.append(GCell(rl.get(k, row.label), 1, col, colspan=ncols, header=True))
        col += ncols
    label_row = 2 if has_groups else 1
    for i, k in enumerate(row_keys):
        for j, c in enumerate(spec.columns):
            cells.append(GCell(cl.get(c.key, c.label), label_row, i * ncols + j, header=True))
            cells.append(
                GCell(values.get((k, c.key), ""), label_row + 1, i * ncols + j, kind="value")
            )
    return TableGrid(tuple(cells), label_row + 2, col)
