"""``paramcfg export --format xlsx``: a town's parameters as an Excel book for council staff.

One sheet of scalar parameters (one column per effective date), then one sheet per table
parameter and effective date on which its value changes.  Headers and labels are Japanese;
yen are integers shown as ``#,##0"円"``; rates are percentages (the cell holds the exact
decimal fraction, written from its ``Decimal`` text, never through a float of ours); dates
are dates.  A table sheet is laid out as :mod:`paramcfg.tablefile` reads it (a header row
naming the axes, merged column headers, ordinance-style bracket keys), so that export then
import gives the same table.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from paramcfg import types as t
from paramcfg.tablefile import MissingExtraError, ordinance_key
from paramcfg.tables import Table
from paramcfg.values import format_typed

if TYPE_CHECKING:
    from paramcfg.engine import Tenant

__all__ = ["YEN_FORMAT", "sheet_title", "to_xlsx"]

YEN_FORMAT: Final = '#,##0"円"'
SCALARS: Final = "パラメータ一覧"
#: The row where a table's header starts (rows 1-2 say which parameter and date).
HEADER_ROW: Final = 4


def _openpyxl() -> Any:  # noqa: ANN401 - an optional module
    try:
        import openpyxl  # noqa: PLC0415 - optional extra, imported when used
    except ImportError as exc:
        raise MissingExtraError("openpyxl") from exc
    return openpyxl


def sheet_title(name: str, date: dt.date | None, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of ``[]:*?/\\``), unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)
    if date is not None:
        base = f"{base} {date:%Y%m%d}"
    title = base[:31]
    n = 2
    while title in taken:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title)
    return title


def _percent_format(value: Decimal) -> str:
    exponent = (value * 100).normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return "0%" if decimals == 0 else "0." + "0" * decimals + "%"


def _put(cell: Any, value: object, ty: t.Type) -> None:  # noqa: ANN401 - an openpyxl cell
    """Write one value exactly, with the number format that shows it as a profile would."""
    if isinstance(ty, t.YenType) and isinstance(value, int):
        cell.value = value
        cell.number_format = YEN_FORMAT
    elif isinstance(ty, t.RateType) and isinstance(value, Decimal):
        cell.value = value  # openpyxl writes a Decimal by its text: exact
        cell.number_format = _percent_format(value)
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(ty, t.IntType) and isinstance(value, int):
        cell.value = value
        cell.number_format = "#,##0"  # a whole number (a step, a count): no decimals shown
    elif isinstance(value, int | Decimal):
        cell.value = value
        cell.number_format = "#,##0.########"
    else:
        cell.value = format_typed(value, ty)


def _periods(tenant: Tenant, on: dt.date | None) -> list[dt.date]:
    if on is not None:
        return [tenant.period(on)]
    return [d for d in tenant.periods() if not tenant.is_projection(d)] or tenant.periods()[:1]


def to_xlsx(tenant: Tenant, on: dt.date | None = None) -> bytes:
    """The book of ``tenant``'s values as of ``on`` (every effective date when None).

    :raises MissingExtraError: openpyxl is not installed.
    """
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="EEF2F6")
    center = Alignment(horizontal="center", vertical="center")
    book = openpyxl.Workbook()
    scalars = book.active
    taken = {SCALARS}
    scalars.title = SCALARS
    dates = _periods(tenant, on)
    core = tenant.core
    scalars["A1"] = f"{tenant.name}（{tenant.profile.code}）"
    scalars["A1"].font = Font(bold=True, size=14)
    scalars["A2"] = f"パッケージ本体 {core.name} {core.version_text}"
    header = ["パラメータ", "名称", "法令上の根拠", *(f"{d.isoformat()} から" for d in dates)]
    for c, text in enumerate(header, start=1):
        cell = scalars.cell(HEADER_ROW, c, text)
        cell.font, cell.fill, cell.alignment = bold, head_fill, center
    values = {d: tenant.values(d) for d in dates}
    row = HEADER_ROW + 1
    for name, param in core.params.items():
        if isinstance(param.type, t.TableType | t.ScaleType):
            continue
        if all(name not in values[d] for d in dates):
            continue
        scalars.cell(row, 1, name)
        scalars.cell(row, 2, param.label or "")
        scalars.cell(row, 3, param.basis or "")
        for i, d in enumerate(dates):
            resolved = values[d].get(name)
            if resolved is not None:
                _put(scalars.cell(row, 4 + i), resolved.value, param.type)
        row += 1
    for col, width in zip("ABC", (34, 40, 40), strict=True):
        scalars.column_dimensions[col].width = width
    for i in range(len(dates)):
        scalars.column_dimensions[get_column_letter(4 + i)].width = 18
    scalars.freeze_panes = f"B{HEADER_ROW + 1}"

    for name, param in core.params.items():
        if not isinstance(param.type, t.TableType | t.ScaleType):
            continue
        previous: object = None
        for d in dates:
            resolved = values[d].get(name)
            if resolved is None or not isinstance(resolved.value, Table):
                continue
            if resolved.value == previous:
                continue
            previous = resolved.value
            ws = book.create_sheet(sheet_title(name, d if len(dates) > 1 else None, taken))
            ws["A1"] = name
            ws["A1"].font = bold
            ws["B1"] = param.label or ""
            ws["A2"] = "適用開始日"
            _put(ws["B2"], resolved.since or d, t.DateType())
            _table(ws, resolved.value, name, bold, head_fill, center)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(ws: Any, table: Table, name: str, bold: Any, fill: Any,  # noqa: ANN401
           center: Any) -> None:  # noqa: ANN401
    import itertools  # noqa: PLC0415

    # A table of records: its fields are the last column axis, each column with the number
    # format of its field's type.
    table = table.by_field()
    axes = table.axes
    n_row = 1 if axes[0].is_bracket or len(axes) == 1 else len(axes) - 1
    col_axes = axes[n_row:]
    members = [a.key.members for a in col_axes if isinstance(a.key, t.EnumType)]
    combos = list(itertools.product(*members)) if col_axes else [()]
    levels = max(len(col_axes), 1)
    top = HEADER_ROW
    for i, axis in enumerate(axes[:n_row]):
        cell = ws.cell(top, 1 + i, axis.name)
        cell.font, cell.fill, cell.alignment = bold, fill, center
        if levels > 1:
            ws.merge_cells(start_row=top, start_column=1 + i, end_row=top + levels - 1,
                           end_column=1 + i)
    for k in range(levels):
        col = 1 + n_row
        groups = ([(c[: k + 1], len(list(g))) for c, g in
                   itertools.groupby(combos, key=lambda c, k=k: c[: k + 1])] if col_axes
                  else [((name.rsplit(".", 1)[-1],), 1)])
        for prefix, width in groups:
            cell = ws.cell(top + k, col, prefix[-1])
            cell.font, cell.fill, cell.alignment = bold, fill, center
            if width > 1:
                ws.merge_cells(start_row=top + k, start_column=col, end_row=top + k,
                               end_column=col + width - 1)
            col += width
    n_cols = len(combos)
    sizes = table._sizes()  # noqa: SLF001 - the table's own shape
    for r in range(len(table.cells) // n_cols):
        rest, idx = r, list[int]()
        for size in reversed(sizes[:n_row]):
            idx.insert(0, rest % size)
            rest //= size
        row = top + levels + r
        for i, (axis, j) in enumerate(zip(axes[:n_row], idx, strict=True)):
            if axis.is_bracket:
                assert table.brackets is not None  # noqa: S101 - a bracket axis
                key = ordinance_key(table.brackets.lows[j], table.brackets.highs[j], axis.key,
                                    j == 0)
            else:
                assert isinstance(axis.key, t.EnumType)  # noqa: S101 - a category axis
                key = axis.key.members[j]
            ws.cell(row, 1 + i, key)
        for c in range(n_cols):
            flat = r * n_cols + c
            _put(ws.cell(row, 1 + n_row + c), table.cells[flat], table.cell_type(flat))
    ws.column_dimensions["A"].width = 30
