"""Tables: verified lookup structures, bracket merging, and cell-by-cell comparisons.

A table has at most one *bracket* axis (half-open numeric ranges ``[low, high)`` covering
``[0, ∞)``) and any number of *category* axes (every member of an enum exactly once).
Cells are stored flat, row-major over the axes in declared order; a bracket lookup is a
``bisect`` over the sorted lower bounds.

Tables are read from grids by :mod:`paramcfg.grids`.
"""

from __future__ import annotations

import bisect
import itertools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from paramcfg import nodes as n
from paramcfg.diagnostics import Span
from paramcfg.types import (
    Axis,
    DecimalType,
    EnumType,
    Field,
    FieldsKey,
    IntType,
    RateType,
    RecordType,
    RecordValue,
    ScaleType,
    TableType,
    Type,
    YenType,
)
from paramcfg.values import Number, describe_range

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = [
    "Brackets",
    "Table",
    "axis_enum",
    "check_monotone",
    "compare_cells",
    "describe_range",
    "fields_axis_type",
    "limit_fields",
    "merged_brackets",
    "numeric_field",
    "record_of",
    "records_from_fields",
]

@attrs.frozen
class Brackets:
    """The brackets of one axis: ``lows[i] <= key < highs[i]``; the last high is ``None`` (∞)."""

    lows: tuple[Number, ...]
    highs: tuple[Number | None, ...]
    spans: tuple[Span, ...] = attrs.field(eq=False)

    def index(self, key: Number) -> int:
        """The bracket that ``key`` falls in, or -1 below the first."""
        return bisect.bisect_right(self.lows, key) - 1

    def describe(self, i: int, t: Type) -> tuple[str, str]:
        return describe_range(self.lows[i], self.highs[i], t)


def merged_brackets(a: Brackets, b: Brackets) -> list[tuple[Number, Number | None, int, int]]:
    """The bracket merger: the key ranges on which neither side's bracket changes, each as
    ``(low, high, i, j)`` with ``a``'s bracket ``i`` and ``b``'s bracket ``j`` (-1 below a side's
    first bracket, or in a gap); ``high`` ``None`` for no end).  The breakpoints are the lower
    bounds of both, and the ends of brackets followed by a gap; O((n + m) log(n + m))."""
    ends = {h for x in (a, b) for k, h in enumerate(x.highs)
            if h is not None and (k + 1 == len(x.lows) or x.lows[k + 1] != h)}
    points = sorted(set(a.lows) | set(b.lows) | ends)
    out: list[tuple[Number, Number | None, int, int]] = []
    i = j = -1
    for k, low in enumerate(points):
        while i + 1 < len(a.lows) and a.lows[i + 1] <= low:
            i += 1
        while j + 1 < len(b.lows) and b.lows[j + 1] <= low:
            j += 1
        out.append((low, points[k + 1] if k + 1 < len(points) else None,
                    _within(a, i, low), _within(b, j, low)))
    return out


def _within(b: Brackets, i: int, key: Number) -> int:
    """``i`` if ``key`` is below the end of bracket ``i``, else -1 (in a gap after it: only a
    partial table, one read for its checks though a bracket is missing, has gaps)."""
    high = b.highs[i] if i >= 0 else None
    return -1 if high is not None and key >= high else i


@attrs.frozen
class Table:
    """A verified table value.  ``cells`` is flat and row-major over ``type.axes``."""

    type: TableType | ScaleType
    brackets: Brackets | None
    cells: tuple[Any, ...]
    cell_spans: tuple[Span, ...] = attrs.field(eq=False)
    #: A table of records: each field's cell, flat over (cell, field) — the cells of
    #: :meth:`by_field`.  ``cell_spans`` then holds each record's first field.
    field_spans: tuple[Span, ...] = attrs.field(eq=False, default=())

    @property
    def axes(self) -> tuple[Axis, ...]:
        return self.type.axes

    @property
    def record(self) -> RecordType | None:
        """The record type of the cells, if each cell is a record."""
        return record_of(self.type)

    def cell_type(self, flat: int) -> Type:
        """The type of cell ``flat``: the value type, or in a table whose fields are its last
        axis (:meth:`by_field`) the type of that cell's field."""
        last = self.axes[-1].key if self.axes else None
        if isinstance(last, FieldsKey):
            return last.record.fields[flat % len(last.record.fields)].type
        return self.type.value

    def by_field(self, keep: Callable[[Field], bool] | None = None) -> Table:
        """A table of records with its fields as one more, last category axis (as its grid
        writes them: ``| 合計所得金額 | 段階 | 乗率 |``): each cell one field's value, ``None``
        for a field that ``keep`` leaves out. Any other table as it is."""
        rec = self.record
        if rec is None:
            return self
        cells = tuple(
            None if c is None or (keep is not None and not keep(f)) else c.get(f.name)
            for c in self.cells for f in rec.fields)
        return Table(fields_axis_type(self.type), self.brackets, cells, self.field_spans)

    def _sizes(self) -> list[int]:
        return [len(self.brackets.lows) if a.is_bracket and self.brackets is not None
                else len(axis_enum(a).members) for a in self.axes]

    def flat_index(self, keys: Sequence[object]) -> int:
        """The cell index for one key per axis (a number for a bracket axis, a member name)."""
        index = 0
        for axis, size, key in zip(self.axes, self._sizes(), keys, strict=True):
            if axis.is_bracket:
                assert self.brackets is not None  # noqa: S101 - by construction
                assert isinstance(key, int | Decimal)  # noqa: S101 - typed by the caller
                i = self.brackets.index(key)
                if i < 0:
                    raise KeyError(key)
            else:
                assert isinstance(key, str)  # noqa: S101 - typed by the caller
                i = axis_enum(axis).members.index(key)
            index = index * size + i
        return index

    def lookup(self, *keys: object) -> Any:  # noqa: ANN401 - the table's value type
        return self.cells[self.flat_index(keys)]

    def positions(self) -> Iterator[tuple[tuple[int, ...], int]]:
        """Every cell as (one index per axis, flat index)."""
        for flat, idx in enumerate(itertools.product(*(range(s) for s in self._sizes()))):
            yield idx, flat

    def cell_label(self, idx: Sequence[int]) -> tuple[str, str, str]:
        """How a cell is named in messages: its category members (``3号 標準``), and its
        bracket in English and Japanese (empty when the table has no bracket axis)."""
        members = []
        rng = ("", "")
        for axis, i in zip(self.axes, idx, strict=True):
            if axis.is_bracket:
                assert self.brackets is not None  # noqa: S101 - by construction
                rng = self.brackets.describe(i, axis.key)
            else:
                members.append(axis_enum(axis).members[i])
        return " ".join(members), rng[0], rng[1]

    def map(self, fn: Callable[[Any], Any]) -> Table:
        return Table(self.type, self.brackets, tuple(fn(c) for c in self.cells), self.cell_spans,
                     self.field_spans)


def record_of(t: Type) -> RecordType | None:
    """The record type of a table type whose cells are records (not of one whose fields are
    already an axis)."""
    if isinstance(t, TableType) and isinstance(t.value, RecordType) and not (
            t.axes and isinstance(t.axes[-1].key, FieldsKey)):
        return t.value
    return None


def fields_axis_type(t: TableType | ScaleType) -> TableType | ScaleType:
    """A table-of-records type with the record's fields as one more, last category axis (named
    by the record type); any other table type as it is."""
    rec = record_of(t)
    if rec is None:
        return t
    key = FieldsKey(rec.name, tuple(f.name for f in rec.fields), rec.span, rec)
    return TableType((*t.axes, Axis(rec.name, key)), rec)


def records_from_fields(t: TableType | ScaleType, by_field: Table) -> Table:
    """The table of records of type ``t`` whose fields ``by_field`` holds as its last axis (a
    field that could not be read, ``None``, stays ``None`` in its record)."""
    rec = record_of(t)
    if rec is None:
        return by_field
    k = len(rec.fields)
    cells = tuple(
        None if all(v is None for v in by_field.cells[i:i + k]) else
        RecordValue(rec.name, tuple(zip((f.name for f in rec.fields), by_field.cells[i:i + k],
                                        strict=True)))
        for i in range(0, len(by_field.cells), k))
    return Table(t, by_field.brackets, cells, by_field.cell_spans[::k], by_field.cell_spans)


def numeric_field(f: Field) -> bool:
    """A field that ``min``/``max`` and ``increasing``/``decreasing`` apply to."""
    return isinstance(f.type, IntType | DecimalType | YenType | RateType)


def limit_fields(rec: RecordType, expr: n.Expr,
                 type_of: Callable[[str], Type | None]) -> tuple[str, ...]:
    """The fields of ``rec`` that a ``min``/``max`` limit applies to, by the limit's kind: an
    amount (``0円``, a ``yen`` parameter, a table of yen) to the ``yen`` fields; a number or a
    rate to the ``int``, ``decimal`` and ``rate`` fields; a bare ``0`` to every numeric field;
    a table of the same record type field by field. ``type_of`` gives a parameter's type
    (``None`` for an unknown name, which is reported as such: every numeric field then)."""
    kinds = _limit_kinds(expr, type_of, rec)
    return tuple(f.name for f in rec.fields if numeric_field(f) and (
        "all" in kinds or ("yen" in kinds and isinstance(f.type, YenType)) or (
            "number" in kinds and not isinstance(f.type, YenType))))


def _limit_kinds(expr: n.Expr, type_of: Callable[[str], Type | None],
                 rec: RecordType) -> set[str]:
    if isinstance(expr, n.Lit):
        if expr.kind == "yen":
            return {"yen"}
        if expr.kind == "percent":
            return {"number"}
        if expr.kind == "number":
            return {"all"} if expr.value == 0 else {"number"}
        return set()
    if isinstance(expr, n.Ref):
        ty = type_of(expr.name)
        if ty is None:
            return {"all"}  # no such parameter: reported as an unknown name (PC0201)
        if isinstance(ty, TableType | ScaleType):
            if isinstance(ty.value, RecordType):
                return {"all"} if ty.value.name == rec.name else set()
            ty = ty.value
        if isinstance(ty, YenType):
            return {"yen"}
        return {"number"} if isinstance(ty, IntType | DecimalType | RateType) else set()
    if isinstance(expr, n.Unary):
        return _limit_kinds(expr.operand, type_of, rec)
    if isinstance(expr, n.Binary):
        left = _limit_kinds(expr.left, type_of, rec)
        right = _limit_kinds(expr.right, type_of, rec)
        if isinstance(expr.left, n.Lit) and expr.left.kind == "number":
            return right  # 1.5 * X: the kind of X
        if isinstance(expr.right, n.Lit) and expr.right.kind == "number":
            return left
        return left & right if left and right else left or right
    return set()


def axis_enum(axis: Axis) -> EnumType:
    assert isinstance(axis.key, EnumType)  # noqa: S101 - callers check is_bracket first
    return axis.key


# ---- comparisons -----------------------------------------------------------------------------


@attrs.frozen
class Excess:
    """A cell of ``table`` above ``bound`` over the key range [low, high) (whole cell if no
    bracket axis), where the bound is one figure.

    A cell whose bracket spans several brackets of a bound table gives one Excess per key range
    with its own bound (issue 14: 81,000円 over 300,000–397,000円 is above 61,000円 below
    301,000円 and above 80,000円 from there), each with the same ``parts``.
    """

    index: tuple[int, ...]
    flat: int
    value: Any
    bound: Any
    low: Number | None
    high: Number | None
    split: Number | None  # where the bound changes inside the cell's bracket, if it does
    #: The split that fixes the cell: the cell's bracket cut where the bound changes, each part
    #: ``(low, high, value)`` with the cell's value or, where that is too high, the part's bound
    #: (empty when the cell has no bracket of its own to split).
    parts: tuple[tuple[Number, Number | None, Any], ...] = ()


def _bound_flat(table: Table, bound: Table, idx: tuple[int, ...],
                bracket_i: int | None) -> int | None:
    """The flat index in ``bound`` of the cell with the same category members as cell ``idx``
    of ``table`` (and bracket ``bracket_i`` of ``bound``); ``None`` if ``bound`` has an axis
    that ``table`` lacks."""
    members = {a.name: axis_enum(a).members[i]
               for a, i in zip(table.axes, idx, strict=True) if not a.is_bracket}
    flat = 0
    for axis, size in zip(bound.axes, bound._sizes(), strict=True):  # noqa: SLF001 - same module
        if axis.is_bracket:
            if bracket_i is None:
                return None
            i = bracket_i
        else:
            member = members.get(axis.name)
            if member is None or member not in axis_enum(axis).members:
                return None
            i = axis_enum(axis).members.index(member)
        flat = flat * size + i
    return flat


def compare_cells(
    table: Table, bound: Table | Number, *, above: bool = True
) -> list[Excess]:
    """Cells of ``table`` that are above (``above=True``) or below ``bound``.

    ``bound`` is a number, or a table whose category axes are among ``table``'s (matched by
    axis name and member) with or without a bracket axis of its own.  When both have bracket
    axes, possibly with different breakpoints, the two bracket lists are merged and the
    comparison runs over every merged interval, so the report names the exact key range: one
    :class:`Excess` per key range on which the bound is one figure, with that figure.
    """
    def worse(v: Any, b: Any) -> bool:  # noqa: ANN401
        if b is None:
            return False  # a bound's cell left out (a record's field no limit applies to)
        return bool(v > b) if above else bool(v < b)

    out: list[Excess] = []
    # For each bracket of ``table``, the merged key ranges it spans, with the bound's bracket.
    segments: dict[int, list[tuple[Number, Number | None, int]]] = {}
    if isinstance(bound, Table) and bound.brackets is not None and table.brackets is not None:
        for seg_low, seg_high, i, j in merged_brackets(table.brackets, bound.brackets):
            if i >= 0 and j >= 0:
                segments.setdefault(i, []).append((seg_low, seg_high, j))
    for idx, flat in table.positions():
        v = table.cells[flat]
        if v is None:
            continue  # a cell that could not be read (a partial table: see grids.build_table)
        low, high = _cell_range(table, idx)
        if not isinstance(bound, Table):
            if worse(v, bound):
                out.append(Excess(idx, flat, v, bound, low, high, None))
            continue
        if bound.brackets is None:
            bflat = _bound_flat(table, bound, idx, None)
            if bflat is not None and worse(v, bound.cells[bflat]):
                out.append(Excess(idx, flat, v, bound.cells[bflat], low, high, None))
            continue
        if low is None:
            continue  # a bracketed bound for a table without brackets: nothing to compare
        bi = next(i for a, i in zip(table.axes, idx, strict=True) if a.is_bracket)
        # Runs of merged ranges with one bound figure: [low, high, bound].
        runs: list[list[Any]] = []
        for seg_low, seg_high, j in segments.get(bi, ()):
            bflat = _bound_flat(table, bound, idx, j)
            if bflat is None:
                runs = []
                break
            b = bound.cells[bflat]
            if runs and runs[-1][2] == b:
                runs[-1][1] = seg_high
            else:
                runs.append([seg_low, seg_high, b])
        bad = [r for r in runs if worse(v, r[2])]
        if not bad:
            continue
        parts = _fixing_parts(v, runs, worse)
        for r_low, r_high, b in bad:
            split = r_low if r_low > low else (
                r_high if r_high is not None and r_high != high else None)
            out.append(Excess(idx, flat, v, b, r_low, r_high, split, parts))
    return out


def _fixing_parts(
    v: Any, runs: list[list[Any]], worse: Callable[[Any, Any], bool],  # noqa: ANN401
) -> tuple[tuple[Number, Number | None, Any], ...]:
    """The cell's bracket cut where its allowed value changes: each part keeps ``v`` where ``v``
    is allowed and takes the bound where it is not; neighbours with one value are one part."""
    parts: list[tuple[Number, Number | None, Any]] = []
    for r_low, r_high, b in runs:
        value = b if worse(v, b) else v
        if parts and parts[-1][2] == value:
            parts[-1] = (parts[-1][0], r_high, value)
        else:
            parts.append((r_low, r_high, value))
    return tuple(parts)


def _cell_range(table: Table, idx: Sequence[int]) -> tuple[Number | None, Number | None]:
    if table.brackets is None:
        return None, None
    bi = next(i for a, i in zip(table.axes, idx, strict=True) if a.is_bracket)
    return table.brackets.lows[bi], table.brackets.highs[bi]


def check_monotone(table: Table, axis_name: str, direction: str) -> list[tuple[int, int]]:
    """Pairs (flat index, flat index of the row above) where ``direction`` is broken along the
    bracket axis ``axis_name`` ("increasing": never decreases; equal neighbours are fine)."""
    if table.brackets is None:
        return []
    out = []
    k = next(i for i, a in enumerate(table.axes) if a.name == axis_name)
    stride = 1
    sizes = table._sizes()  # noqa: SLF001 - same module
    for s in sizes[k + 1:]:
        stride *= s
    for idx, flat in table.positions():
        if idx[k] == 0:
            continue
        prev = flat - stride
        v, p = table.cells[flat], table.cells[prev]
        if v is None or p is None:
            continue  # a cell that could not be read (a partial table)
        if (direction == "increasing" and v < p) or (direction == "decreasing" and v > p):
            out.append((flat, prev))
    return out
