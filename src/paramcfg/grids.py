"""Grids → tables: reading a table written as rows of ``| … |`` cells, with every check.

Grid layout (see docs/language.md): the header's leading cells name the row axes, each further
header cell names one column by the members of the remaining axes; if every axis is a row axis
there is one value column with a free header.  A bracket axis is always a row axis and then
the only one.  Brackets must be sorted, without gap or overlap, and cover ``[0, ∞)``; every
member of a category axis appears exactly once.  Cells are read by the caller's
:class:`~paramcfg.convert.Converter`.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic, Span
from paramcfg.tables import Brackets, Table, axis_enum, fields_axis_type, records_from_fields
from paramcfg.types import FieldsKey
from paramcfg.values import Number, bracket_text, describe_range, format_typed, node_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from paramcfg.convert import Converter
    from paramcfg.types import Axis, ScaleType, TableType, Type

__all__ = ["MAX_MISSING_REPORTED", "build_table", "verify_brackets"]


# Each grid problem has its own code (issue 14; PC0509 was all of them): PC0509 a row's cell
# count, PC0510 the header's row axis, PC0511 the value column, PC0512 a column header, PC0513 a
# row's member key, PC0514 a bracket key, PC0515 a cell's value.


def node_text_of(cell: n.Cell) -> str:
    """A cell's items as written, separated by spaces."""
    return " ".join(node_text(i) for i in cell.items)


def _single_member(cell: n.Cell) -> str | None:
    if len(cell.items) == 1 and isinstance(cell.items[0], n.Member):
        return cell.items[0].name
    return None


def build_table(name: str, t: TableType | ScaleType, grid: n.Grid, conv: Converter) -> Table | None:
    """Read ``grid`` as a value of ``t``; diagnostics go to ``conv.diags``.

    One problem never hides the others (issue 14): with a misspelt column header, the cells of
    the other columns are still read; with a gap between brackets, the rows are still read. When
    the table cannot be made whole but its rows are in order, the cells that could be read are
    kept in ``conv.partial`` (by the grid's span; the rest are ``None``) so that the value
    checks (ceilings, monotony) still run on them.
    """
    diags = conv.diags
    before = len(diags)
    header, *rows = grid.rows
    # A table of records is read with its fields as one more, last column axis (never a row
    # axis): each value column names the remaining members, then the field.
    whole_type = t
    t = fields_axis_type(t)
    axes = t.axes
    field_of = _field_types(t)
    # Row axes: the leading header cells that name axes, in declared order.
    row_axes: list[int] = []
    for cell in header.cells:
        member = _single_member(cell)
        idx = next((i for i, a in enumerate(axes[:len(whole_type.axes)]) if a.name == member),
                   None)
        if idx is None or (row_axes and idx <= row_axes[-1]):
            break
        row_axes.append(idx)
    bracket = next((i for i, a in enumerate(axes) if a.is_bracket), None)
    if not row_axes:
        first = header.cells[0] if header.cells else None
        diags.append(Diagnostic("PC0510", first.span if first else header.span, {
            "axis": axes[0].name, "found": node_text_of(first) if first else ""}))
        return None
    if bracket is not None and row_axes != [bracket]:
        diags.append(Diagnostic("PC0510", header.span, {
            "axis": axes[bracket].name,
            "found": " | ".join(node_text_of(c) for c in header.cells[:len(row_axes)])}))
        return None
    col_axes = [i for i in range(len(axes)) if i not in row_axes]
    columns = _read_columns(header, len(row_axes), [axes[i] for i in col_axes], conv)
    if columns is None:
        return None
    ncols = len(columns)
    # Rows: keys, then one value per column.
    lows: list[Number] = []
    highs: list[Number | None] = []
    key_spans: list[Span] = []
    cat_rows: list[tuple[tuple[int, ...], Span]] = []
    values: dict[tuple[int, ...], tuple[Any, Span]] = {}
    prev_high: Number | None = 0
    rows_whole = True  # every row has its key: the rows' order and coverage can be judged
    for row in rows:
        if len(row.cells) != len(row_axes) + ncols:
            diags.append(Diagnostic("PC0509", row.span, {
                "found": str(len(row.cells)), "expected": str(len(row_axes) + ncols)}))
            rows_whole = False
            continue
        if bracket is not None:
            key = _bracket_key(row.cells[0], prev_high, axes[bracket], conv)
            if key is None:
                prev_high = None
                rows_whole = False
                continue
            low, high = key
            lows.append(low)
            highs.append(high)
            key_spans.append(row.cells[0].span)
            prev_high = high
            row_key: tuple[int, ...] = (len(lows) - 1,)
        else:
            keys: list[int] = []
            for k, ax in enumerate(row_axes):
                found = _member_of(row.cells[k], axes[ax], conv)
                if found is None:
                    break
                keys.append(found)
            if len(keys) != len(row_axes):
                rows_whole = False
                continue
            row_key = tuple(keys)
            cat_rows.append((row_key, row.cells[0].span))
        for c, col in enumerate(columns):
            cell = row.cells[len(row_axes) + c]
            if field_of and col is None:
                continue  # a column that names no field: its cells have no type to read
            value = (_cell_value(name, t.value, cell, conv) if not field_of or col is None else
                     _cell_value(_field_name(name, row, len(row_axes), col,
                                             [axes[i] for i in col_axes]),
                                 field_of[col[-1]][1], cell, conv))
            if value is not None and col is not None:
                values[(*row_key, *col)] = (value, cell.span)
    whole = len(diags) == before
    if bracket is not None:
        brackets = Brackets(tuple(lows), tuple(highs), tuple(key_spans))
        if not rows_whole:
            return None
        checked = len(diags)
        if not verify_brackets(brackets, axes[bracket], grid, diags):
            whole = False
        if not whole:
            # In order and without overlap (a gap or a missing end is fine): the rows that are
            # there are checked against the core's limits.
            if not any(d.code in {"PC0501", "PC0503"} for d in diags[checked:]):
                conv.partial[grid.span] = records_from_fields(
                    whole_type, _partial(t, axes, row_axes, values, brackets))
            return None
        cells, spans = _flatten(axes, row_axes, values, len(lows))
        return records_from_fields(whole_type, Table(t, brackets, cells, spans))
    if not rows_whole:
        return None
    if not _verify_categories(axes, row_axes, cat_rows, diags, grid) or not whole:
        if not any(d.code == "PC0506" for d in diags[before:]):
            conv.partial[grid.span] = records_from_fields(
                whole_type, _partial(t, axes, row_axes, values, None))
        return None
    cells, spans = _flatten(axes, row_axes, values, 0)
    return records_from_fields(whole_type, Table(t, None, cells, spans))


def _field_name(name: str, row: n.Row, nrow: int, col: tuple[int, ...], col_axes: list[Axis],
                ) -> str:
    """How a record table's cell is named while it is read: ``介護.課税段階[< 1,200,000円].段階``,
    ``表[甲, 3号].額`` (the row's keys as written, the column's members, then the field)."""
    keys = [node_text_of(c) for c in row.cells[:nrow]]
    keys += [axis_enum(a).members[i] for a, i in zip(col_axes[:-1], col[:-1], strict=True)]
    return f"{name}[{', '.join(keys)}].{axis_enum(col_axes[-1]).members[col[-1]]}"


def _field_types(t: TableType | ScaleType) -> list[tuple[str, Type]]:
    """Each field's name and type, by member index, when the last axis is a record's fields."""
    key = t.axes[-1].key if t.axes else None
    return [(f.name, f.type) for f in key.record.fields] if isinstance(key, FieldsKey) else []


def _partial(t: TableType | ScaleType, axes: tuple[Axis, ...], row_axes: list[int],
             values: dict[tuple[int, ...], tuple[Any, Span]], brackets: Brackets | None) -> Table:
    """The cells that could be read, ``None`` for the others (for the value checks only)."""
    cells, spans = _flatten(axes, row_axes, values, len(brackets.lows) if brackets else 0,
                            partial=True)
    return Table(t, brackets, cells, spans)


def _read_columns(
    header: n.Row, nrow: int, col_axes: list[Axis], conv: Converter
) -> list[tuple[int, ...] | None] | None:
    """The columns' member indices, ``None`` for a column whose header is wrong (reported);
    ``None`` for all when the value columns cannot be told at all."""
    diags = conv.diags
    cells = header.cells[nrow:]
    if not col_axes:
        if len(cells) != 1:
            diags.append(Diagnostic("PC0511", header.span, {"found": str(len(cells))}))
            return None
        return [()]
    columns: list[tuple[int, ...] | None] = []
    seen: dict[tuple[int, ...], Span] = {}
    for cell in cells:
        names = [i.name for i in cell.items if isinstance(i, n.Member)]
        if len(names) != len(cell.items) or len(names) != len(col_axes):
            want = " ".join(axis_enum(a).members[0] for a in col_axes)
            diags.append(Diagnostic("PC0512", cell.span, {
                "found": node_text_of(cell), "axes": ", ".join(a.name for a in col_axes),
                "axes_ja": "」「".join(a.name for a in col_axes), "example": want}))
            columns.append(None)
            continue
        idx = []
        for name_, axis, item in zip(names, col_axes, cell.items, strict=True):
            enum = axis_enum(axis)
            if name_ not in enum.members:
                conv.unknown_member(enum, name_, item.span)
                break
            idx.append(enum.members.index(name_))
        else:
            key = tuple(idx)
            if key in seen:
                diags.append(Diagnostic("PC0506", cell.span, {
                    "axis": "/".join(a.name for a in col_axes), "member": " ".join(names),
                    "where": "column", "where_ja": "列"}))
                columns.append(None)
                continue
            seen[key] = cell.span
            columns.append(key)
            continue
        columns.append(None)
    if len(seen) == len(cells):
        # Every header cell is a column: a missing column is a column the table lacks. (With
        # a misspelt header, the missing one is most likely the misspelt one: not repeated.)
        missing = (combo for combo in itertools.product(
            *(range(len(axis_enum(a).members)) for a in col_axes)) if combo not in seen)
        for combo in itertools.islice(missing, MAX_MISSING_REPORTED):
            member = " ".join(axis_enum(a).members[i]
                              for a, i in zip(col_axes, combo, strict=True))
            diags.append(Diagnostic("PC0505", header.span, {
                "axis": "/".join(a.name for a in col_axes), "member": member,
                "where": "column", "where_ja": "列"}))
        _count_the_rest(missing, diags, header.span, "columns", "列")
    return columns


#: Missing rows (or columns) of one table reported one by one, as many as a file shows; the rest
#: are counted in one PC0005 without being built.
MAX_MISSING_REPORTED = 500


def _count_the_rest(rest: Iterator[object], diags: list[Diagnostic], span: Span, where: str,
                    where_ja: str) -> None:
    more = sum(1 for _ in rest)
    if more:
        diags.append(Diagnostic("PC0005", span, {
            "what": f"the {where} this table lacks ({more:,} more, not listed)",
            "what_ja": f"この表に足りない{where_ja}（ほかに {more:,} 個。一覧にはしていません）",
            "limit": f"{MAX_MISSING_REPORTED} listed", "limit_ja": f"{MAX_MISSING_REPORTED} 個"}))


def _member_of(cell: n.Cell, axis: Axis, conv: Converter) -> int | None:
    enum = axis_enum(axis)
    member = _single_member(cell)
    if member is None:
        conv.diags.append(Diagnostic("PC0513", cell.span, {
            "found": node_text_of(cell), "enum": enum.name, "members": ", ".join(enum.members),
            "members_ja": "、".join(enum.members)}))
        return None
    if member not in enum.members:
        conv.unknown_member(enum, member, cell.span)
        return None
    return enum.members.index(member)


def _key_number(item: n.CellItem, axis: Axis, conv: Converter) -> Number | None:
    if not isinstance(item, n.Lit):
        conv.wrong(axis.name, axis.key, item if not isinstance(item, n.KeyOp) else
                   n.Member(item.op, item.span))
        return None
    value = conv.convert(axis.name, axis.key, item)
    if value is None:
        return None
    assert isinstance(value, int | Decimal)  # noqa: S101 - numeric key types only
    return value


def _bracket_key(
    cell: n.Cell, prev_high: Number | None, axis: Axis, conv: Converter
) -> tuple[Number, Number | None] | None:
    """``< X`` / ``X ..< Y`` / ``>= X`` → (low, high).  ``< X`` starts where the row above
    ended (0 for the first row)."""
    items = cell.items
    ops = [i.op for i in items if isinstance(i, n.KeyOp)]
    shape = "".join("op" if isinstance(i, n.KeyOp) else "v" for i in items)
    if shape == "opv" and ops == ["<"]:
        high = _key_number(items[1], axis, conv)
        if high is None:
            return None
        return (prev_high if prev_high is not None else high, high)
    if shape == "opv" and ops == [">="]:
        low = _key_number(items[1], axis, conv)
        return None if low is None else (low, None)
    if shape == "vopv" and ops == ["..<"]:
        low = _key_number(items[0], axis, conv)
        high = _key_number(items[2], axis, conv)
        return None if low is None or high is None else (low, high)
    written = " ".join(node_text(i) for i in items)
    ordinance = "以上" in written or "未満" in written
    meant = bracket_text(written, axis.key) if ordinance else None
    if meant is not None:
        fix = (f"write `{meant}`: an ordinance's 以上 (from) … 未満 (below) is written `>=`, `..<` "
               "or `<`")
        fix_ja = (f"「{meant}」と書いてください（条例の「以上」「未満」は「>=」「..<」「<」で"
                  "書きます）")
    else:
        fix = "write `< 48,600円`, `48,600円 ..< 97,000円`, or `>= 397,000円` for the last row"
        fix_ja = "「< 48,600円」「48,600円 ..< 97,000円」、最後の行は「>= 397,000円」のように書いてください"
    conv.diags.append(Diagnostic("PC0514", cell.span, {
        "key": written, "axis": axis.name, "fix": fix, "fix_ja": fix_ja}))
    return None


def _cell_value(name: str, t: Type, cell: n.Cell, conv: Converter) -> Any:  # noqa: ANN401
    if len(cell.items) != 1 or isinstance(cell.items[0], n.KeyOp):
        conv.diags.append(Diagnostic("PC0515", cell.span, {
            "found": node_text_of(cell) or "(empty)", "found_ja": node_text_of(cell) or "（空）",
            "count": str(len(cell.items)), "example": conv.example(name, t)}))
        return None
    return conv.convert(name, t, cell.items[0])


def verify_brackets(b: Brackets, axis: Axis, grid: n.Grid, diags: list[Diagnostic]) -> bool:
    """Sorted, no gap, no overlap, covering ``[0, ∞)``.  Reports every problem found."""
    ok = True
    t = axis.key
    if not b.lows:
        diags.append(Diagnostic("PC0504", grid.span, {
            "axis": axis.name, "range": "at all", "range_ja": "全範囲",
            "fix": "add rows", "fix_ja": "行を追加してください"}))
        return False
    if b.lows[0] > 0:
        en, ja = describe_range(0, b.lows[0], t)
        diags.append(Diagnostic("PC0504", b.spans[0], {
            "axis": axis.name, "range": en, "range_ja": ja,
            "fix": "start the first row with `< …`, or begin it at 0",
            "fix_ja": "最初の行を「< …」で書くか、0 から始めてください"}))
        ok = False
    # Rows out of order first; gaps and overlaps are then judged in sorted order, so that
    # one misplaced row is one finding and not a cascade of gaps.
    order = []
    for i in range(len(b.lows)):
        low, high = b.lows[i], b.highs[i]
        prev = (b.lows[i - 1], b.highs[i - 1]) if i else None
        inverted = high is not None and high <= low
        if inverted or (prev is not None and (low < prev[0] or prev[1] is None)):
            this = (describe_range(low, high, t) if not inverted
                    else (f"`< {format_typed(high, t)}`", f"「< {format_typed(high, t)}」"))
            before = describe_range(*prev, t) if prev else (format_typed(0, t),) * 2
            diags.append(Diagnostic("PC0501", b.spans[i], {
                "this": this[0], "this_ja": this[1], "previous": before[0],
                "previous_ja": before[1], "axis": axis.name}))
            ok = False
        if not inverted:
            order.append(i)
    order.sort(key=lambda i: b.lows[i])
    for k in range(1, len(order)):
        i = order[k]
        low, high = b.lows[i], b.highs[i]
        prev_high = b.highs[order[k - 1]]
        if prev_high is None:
            continue  # an open-ended row not at the end: already reported as out of order
        if low > prev_high:
            en, ja = describe_range(prev_high, low, t)
            diags.append(Diagnostic("PC0502", b.spans[i], {
                "axis": axis.name, "low": format_typed(prev_high, t),
                "high": format_typed(low, t)}))
            ok = False
        elif low < prev_high:
            diags.append(Diagnostic("PC0503", b.spans[i], {
                "axis": axis.name, "low": format_typed(low, t),
                "high": format_typed(min(prev_high, high) if high is not None else prev_high, t)}))
            ok = False
    if all(h is not None for h in b.highs):
        last = max(h for h in b.highs if h is not None)
        en, ja = describe_range(last, None, t)
        diags.append(Diagnostic("PC0504", b.spans[-1], {
            "axis": axis.name, "range": en, "range_ja": ja,
            "fix": f"end with a row `>= {format_typed(last, t)}`",
            "fix_ja": f"最後の行を「>= {format_typed(last, t)}」としてください"}))
        ok = False
    return ok


def _verify_categories(
    axes: tuple[Axis, ...], row_axes: list[int], rows: list[tuple[tuple[int, ...], Span]],
    diags: list[Diagnostic], grid: n.Grid,
) -> bool:
    ok = True
    seen: set[tuple[int, ...]] = set()
    names = "/".join(axes[i].name for i in row_axes)
    for key, span in rows:
        member = " ".join(axis_enum(axes[a]).members[k] for a, k in zip(row_axes, key, strict=True))
        if key in seen:
            diags.append(Diagnostic("PC0506", span, {
                "axis": names, "member": member, "where": "row", "where_ja": "行"}))
            ok = False
        seen.add(key)
    missing = (combo for combo in itertools.product(*(range(len(axis_enum(axes[a]).members))
                                                      for a in row_axes)) if combo not in seen)
    for combo in itertools.islice(missing, MAX_MISSING_REPORTED):
        member = " ".join(axis_enum(axes[a]).members[k] for a, k in zip(row_axes, combo, strict=True))
        diags.append(Diagnostic("PC0505", grid.span, {
            "axis": names, "member": member, "where": "row", "where_ja": "行"}))
        ok = False
    _count_the_rest(missing, diags, grid.span, "rows", "行")
    return ok


def _flatten(
    axes: tuple[Axis, ...], row_axes: list[int],
    values: dict[tuple[int, ...], tuple[Any, Span]], nbrackets: int, *, partial: bool = False,
) -> tuple[tuple[Any, ...], tuple[Span, ...]]:
    sizes = [nbrackets if a.is_bracket else len(axis_enum(a).members) for a in axes]
    col_axes = [i for i in range(len(axes)) if i not in row_axes]
    cells: list[Any] = []
    spans: list[Span] = []
    nowhere = Span.point("")
    for idx in itertools.product(*(range(s) for s in sizes)):
        key = tuple(idx[i] for i in row_axes) + tuple(idx[i] for i in col_axes)
        value, span = values[key] if not partial else values.get(key, (None, nowhere))
        cells.append(value)
        spans.append(span)
    return tuple(cells), tuple(spans)
