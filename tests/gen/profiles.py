"""Valid tenant profiles for a real core, written as text.

:func:`profile_cases` / :func:`profiles` write the text of a *valid* tenant profile for any
core, from the core's declarations alone (no parameter name is hard-coded): every required
parameter in the first ``from`` block, a random subset of the other settable ones, values of
the declared types inside the declared limits (literal limits, limits that are other
parameters or multiples of them, tables under a ceiling table with *different* breakpoints,
monotone tables), written in the many legal ways (grouped and plain digits, both bracket key
forms, random spacing, comments, multi-line records and lists).  Damaged profiles come from
:mod:`gen.mutations`; literals from :mod:`gen.literals`; settings from :mod:`gen.settings`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from gen.literals import KANA, KANJI, Number, municipality_codes, spaces, strings, town_names, write_number
from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg.diagnostics import display_width
from paramcfg.tables import Table, fields_axis_type, limit_fields, record_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from hypothesis.strategies import DrawFn

    from paramcfg.engine import CoreResult
    from paramcfg.model import Core, Param


# ---- values as plain data ------------------------------------------------------------------


@attrs.frozen(eq=True, hash=False)
class PlainTable:
    """A table as plain data: ``brackets`` is ``((low, high), …)`` with ``high`` ``None`` for
    the open-ended last one (``None`` without a bracket axis); ``cells`` maps (bracket index
    or ``None``, category members in declared axis order) to the cell value."""

    brackets: tuple[tuple[Number, Number | None], ...] | None
    cells: Mapping[tuple[int | None, tuple[str, ...]], Any]

    def map(self, fn: Callable[[Any], Any]) -> PlainTable:
        return PlainTable(self.brackets, {k: fn(v) for k, v in self.cells.items()})


@attrs.frozen(eq=True, hash=False)
class PlainRecord:
    type_name: str
    fields: Mapping[str, Any]


def plain(value: object) -> object:
    """An engine value (``Table``, ``RecordValue``, tuples …) as plain comparable data."""
    if isinstance(value, Table):
        cells: dict[tuple[int | None, tuple[str, ...]], Any] = {}
        for idx, flat in value.positions():
            bracket: int | None = None
            cats: list[str] = []
            for axis, i in zip(value.axes, idx, strict=True):
                if axis.is_bracket:
                    bracket = i
                else:
                    assert isinstance(axis.key, t.EnumType)
                    cats.append(axis.key.members[i])
            cells[(bracket, tuple(cats))] = plain(value.cells[flat])
        brackets = (None if value.brackets is None
                    else tuple(zip(value.brackets.lows, value.brackets.highs, strict=True)))
        return PlainTable(brackets, cells)
    if isinstance(value, t.RecordValue):
        return PlainRecord(value.type_name, {k: plain(v) for k, v in value.fields})
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return value


def exactly_equal(a: object, b: object) -> bool:
    """Equal, and of the same Python type all the way down (``2000`` is not ``Decimal(2000)``).

    Bracket bounds are compared by value only (``< X`` on a decimal axis starts at int 0)."""
    if isinstance(a, PlainTable) and isinstance(b, PlainTable):
        return (a.brackets == b.brackets and a.cells.keys() == b.cells.keys()
                and all(exactly_equal(v, b.cells[k]) for k, v in a.cells.items()))
    if isinstance(a, PlainRecord) and isinstance(b, PlainRecord):
        return (a.type_name == b.type_name and a.fields.keys() == b.fields.keys()
                and all(exactly_equal(v, b.fields[k]) for k, v in a.fields.items()))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(exactly_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


# ---- limits -----------------------------------------------------------------------------------


class _Unbounded(Exception):  # noqa: N818 - control flow
    """A limit that cannot be evaluated (the checker skips those too)."""


def _refs(expr: object) -> Iterator[str]:
    if isinstance(expr, n.Ref):
        yield expr.name
    elif isinstance(expr, n.Binary):
        yield from _refs(expr.left)
        yield from _refs(expr.right)
    elif isinstance(expr, n.Unary):
        yield from _refs(expr.operand)


def _arith(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, PlainTable) and not isinstance(b, PlainTable):
        return a.map(lambda c: _arith(op, c, b))
    if isinstance(b, PlainTable) and not isinstance(a, PlainTable):
        return b.map(lambda c: _arith(op, a, c))
    if not isinstance(a, int | Decimal) or not isinstance(b, int | Decimal):
        raise _Unbounded
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return Decimal(a) * Decimal(b) if isinstance(a, Decimal) or isinstance(b, Decimal) else a * b
    if op == "/":
        return Decimal(a) / Decimal(b)
    raise _Unbounded


def eval_limit(expr: object, env: Mapping[str, object]) -> object:
    """A ``min``/``max`` expression: literals, parameters, + - * / and unary minus."""
    if isinstance(expr, n.Lit):
        if expr.kind in {"yen", "number", "percent"}:
            return expr.value
        raise _Unbounded
    if isinstance(expr, n.Ref):
        if expr.name not in env:
            raise _Unbounded
        return env[expr.name]
    if isinstance(expr, n.Unary) and expr.op == "-":
        return _arith("*", -1, eval_limit(expr.operand, env))
    if isinstance(expr, n.Binary):
        return _arith(expr.op, eval_limit(expr.left, env), eval_limit(expr.right, env))
    raise _Unbounded


#: (id of a core, how many of its blocks are in force) → (the core, its plain values).
_CORE_VALUES: dict[tuple[int, int], tuple[Core, dict[str, object]]] = {}


def core_values(core: Core, on: dt.date) -> dict[str, object]:
    """The core's own values on ``on`` (defaults, then its dated blocks), as plain data."""
    in_force = sum(block.date <= on for block in core.blocks)
    cached = _CORE_VALUES.get((id(core), in_force))
    if cached is None or cached[0] is not core:
        out = {name: plain(p.default) for name, p in core.params.items() if p.default is not None}
        for block in core.blocks:
            if block.date <= on:
                out.update({a.name: plain(a.value) for a in block.assignments})
        cached = _CORE_VALUES[(id(core), in_force)] = (core, out)
    return dict(cached[1])


@attrs.frozen
class FieldLimit:
    """A limit of a table of records: the fields it applies to (:func:`paramcfg.tables.
    limit_fields`, as the checker decides) and its value."""

    fits: tuple[str, ...]
    value: object


def _field_bound(value: object, field: str) -> object:
    """A limit's value for one field: a table of records' cells reduced to that field."""
    if isinstance(value, PlainTable) and any(isinstance(c, PlainRecord)
                                             for c in value.cells.values()):
        return value.map(lambda c: c.fields[field] if isinstance(c, PlainRecord) else c)
    return value


@attrs.frozen
class Limits:
    """The limits one value must meet: ``(kind, bound)`` with kind ``min`` or ``max``."""

    items: tuple[tuple[str, object], ...] = ()

    def scalar(self) -> tuple[Number | None, Number | None]:
        lo: Number | None = None
        hi: Number | None = None
        for kind, b in self.items:
            if not isinstance(b, int | Decimal) or isinstance(b, bool):
                continue
            if kind == "min":
                lo = b if lo is None else max(lo, b)
            else:
                hi = b if hi is None else min(hi, b)
        return lo, hi

    def for_cell(self, bracket: tuple[Number, Number | None] | None,
                 cats: tuple[str, ...]) -> Limits:
        """The limits of one table cell: a ceiling table counts with every cell of it whose
        bracket overlaps the cell's bracket (so the lowest ceiling over the range wins)."""
        out: list[tuple[str, object]] = []
        for kind, b in self.items:
            if not isinstance(b, PlainTable):
                out.append((kind, b))
                continue
            keys: list[tuple[int | None, tuple[str, ...]]]
            if b.brackets is None:
                keys = [(None, cats)]
            elif bracket is None:
                keys = [(j, cats) for j in range(len(b.brackets))]
            else:
                lo, hi = bracket
                keys = [(j, cats) for j, (blo, bhi) in enumerate(b.brackets)
                        if (bhi is None or lo < bhi) and (hi is None or blo < hi)]
            out.extend((kind, b.cells[k]) for k in keys)
        return Limits(tuple(out))


# ---- numbers inside limits ---------------------------------------------------------------



#: Where a limit leaves a side open: a plausible range (negatives only now and then).
_SOFT: dict[type, tuple[Number, Number]] = {
    t.YenType: (-50_000, 100_000_000),
    t.IntType: (-1000, 1_000_000),
    t.RateType: (Decimal(-1), Decimal(1)),
    t.DecimalType: (Decimal(-1000), Decimal(1_000_000)),
}
_DEFAULT_LOW: dict[type, Number] = {
    t.YenType: 0, t.IntType: 0, t.RateType: Decimal(0), t.DecimalType: Decimal(0)}


class Infeasible(Exception):  # noqa: N818
    """The limits leave no value (a core this generator cannot serve)."""


def _places(x: Decimal) -> int:
    exp = x.normalize().as_tuple().exponent
    assert isinstance(exp, int)
    return max(0, -exp)


def draw_number(draw: DrawFn, ty: t.Type, lo: Number | None, hi: Number | None) -> Number:
    """An exact number of ``ty`` in ``[lo, hi]`` (bounds inclusive; either may be open)."""
    soft_lo, soft_hi = _SOFT[type(ty)]
    if lo is None:
        negative = draw(st.integers(0, 9)) == 0
        lo = soft_lo if negative else _DEFAULT_LOW[type(ty)]
        if hi is not None and hi < lo:
            lo = min(soft_lo, hi)
    if hi is None:
        hi = max(soft_hi, lo)
    if lo > hi:
        raise Infeasible(f"{ty}: no value in [{lo}, {hi}]")
    whole = isinstance(ty, t.YenType | t.IntType)
    scale = 100 if isinstance(ty, t.RateType) else 1  # rates are written in percent
    mode = draw(st.sampled_from(("low", "high", "any", "any", "any", "round")))
    if whole:
        ilo, ihi = math.ceil(lo), math.floor(hi)
        if ilo > ihi:
            raise Infeasible(f"{ty}: no whole value in [{lo}, {hi}]")
        if mode == "low":
            return ilo
        if mode == "high":
            return ihi
        if mode == "round" and ilo // 100 < ihi // 100:
            return draw(st.integers(-(-ilo // 100), ihi // 100)) * 100
        return draw(st.integers(ilo, ihi))
    if mode in {"low", "high"}:
        edge = Decimal(lo if mode == "low" else hi)
        if _places(edge * scale) <= 6:
            return edge
    places = draw(st.integers(0, 3))
    while True:
        factor = scale * 10**places
        klo, khi = math.ceil(Decimal(lo) * factor), math.floor(Decimal(hi) * factor)
        if klo <= khi:
            break
        places += 1
        if places > 8:
            raise Infeasible(f"{ty}: no short decimal in [{lo}, {hi}]")
    if mode == "round":
        k = draw(st.sampled_from([klo, khi, (klo + khi) // 2]))
    else:
        k = draw(st.integers(klo, khi))
    return Decimal(k).scaleb(-places) / scale if scale != 1 else Decimal(k).scaleb(-places)


def _just_outside(ty: t.Type, bound: Number, side: str) -> Number:
    """The nearest value of ``ty`` beyond ``bound`` (above a max, below a min)."""
    sign = 1 if side == "max" else -1
    if isinstance(ty, t.YenType | t.IntType):
        return math.floor(bound) + 1 if side == "max" else math.ceil(bound) - 1
    scale = 100 if isinstance(ty, t.RateType) else 1
    unit = Decimal(1).scaleb(-(_places(Decimal(bound) * scale) + 1))
    return Decimal(bound) + sign * unit / scale


#: Stands for the one value written outside its limits until the text is complete.
PLACEHOLDER = "\ue000"


@attrs.define
class Marker:
    """Chooses at most one numeric value of a profile to be written, in a second version of
    the text, just outside one of its limits."""

    normal: str = ""
    broken: str = ""
    in_cell: bool = False
    done: bool = False

    def offer(self, draw: DrawFn, ty: t.Type, text: str, lo: Number | None,
              hi: Number | None, *, in_cell: bool) -> str:
        """``text`` itself, or the placeholder if this value is the one chosen."""
        sides = [side for side, b in (("max", hi), ("min", lo)) if b is not None]
        if self.done or not sides or draw(st.integers(0, 4)) != 0:
            return text
        side = draw(st.sampled_from(sides))
        outside = _just_outside(ty, hi if side == "max" else lo, side)  # type: ignore[arg-type]
        self.normal, self.broken = text, write_number(draw, ty, outside)
        self.in_cell, self.done = in_cell, True
        return PLACEHOLDER


# ---- writing other values ---------------------------------------------------------------



def _monthdays() -> st.SearchStrategy[tuple[str, t.MonthDay]]:
    def write(md: t.MonthDay) -> tuple[str, t.MonthDay]:
        return str(md), md
    return st.integers(1, 12).flatmap(
        lambda m: st.one_of(st.none(), st.integers(1, calendar.monthrange(2024, m)[1]))
        .map(lambda d: write(t.MonthDay(m, d))))


def _list_separator(draw: DrawFn, before: str, *, multiline: str | None) -> str:
    if multiline is not None and draw(st.integers(0, 3)) == 0:
        return ",\n" + multiline
    # `[100,200]` is the one number 100200: after a digit the comma needs a space.
    least = 1 if before[-1:].isdigit() else 0
    return "," + spaces(draw, least)


@st.composite
def inline_values(draw: DrawFn, ty: t.Type, limits: Limits,
                  continuation: str | None = None, marker: Marker | None = None,
                  ) -> tuple[str, object]:
    """A value of ``ty`` written on one line, or over several lines indented ``continuation``
    when that is given, with its expected plain value."""
    if isinstance(ty, t.YenType | t.IntType | t.RateType | t.DecimalType):
        lo, hi = limits.scalar()
        value = draw_number(draw, ty, lo, hi)
        text = write_number(draw, ty, value)
        if marker is not None:
            text = marker.offer(draw, ty, text, lo, hi, in_cell=False)
        return text, value
    if isinstance(ty, t.BoolType):
        value = draw(st.booleans())
        return ("true" if value else "false"), value
    if isinstance(ty, t.DateType):
        day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)))
        return day.isoformat(), day
    if isinstance(ty, t.MonthDayType):
        return draw(_monthdays())
    if isinstance(ty, t.TextType):
        return draw(strings(ty.width))
    if isinstance(ty, t.EnumType):
        member = draw(st.sampled_from(ty.members))
        return member, member
    if isinstance(ty, t.ListType):
        size = draw(st.integers(0, 5))
        items = [draw(inline_values(ty.element, limits)) for _ in range(size)]
        text = "[" + spaces(draw)
        for i, (item, _) in enumerate(items):
            if i:
                text += _list_separator(draw, items[i - 1][0], multiline=continuation)
            text += item
        if items and draw(st.integers(0, 4)) == 0:
            text += ","  # a trailing comma is allowed
        return text + spaces(draw) + "]", tuple(v for _, v in items)
    if isinstance(ty, t.RecordType):
        return draw(records(ty, continuation))
    raise NotImplementedError(f"no inline value for {ty}")


@st.composite
def records(draw: DrawFn, ty: t.RecordType, continuation: str | None) -> tuple[str, object]:
    """A record value with every field (fields with a default now and then left out)."""
    fields = list(ty.fields)
    fields = draw(st.permutations(fields))
    drop_defaults = draw(st.integers(0, 5)) == 0
    written: list[str] = []
    values: dict[str, object] = {}
    multiline = continuation is not None and draw(st.booleans())
    for f in fields:
        if drop_defaults and f.default is not None and draw(st.booleans()):
            continue
        text, value = draw(inline_values(f.type, Limits()))
        written.append(f"{f.name}{spaces(draw)}={spaces(draw)}{text}")
        values[f.name] = value
    for f in ty.fields:
        if f.name not in values:
            assert f.default is not None
            values[f.name] = plain(f.default)
    ordered = {f.name: values[f.name] for f in ty.fields}
    if multiline:
        assert continuation is not None
        inner = continuation + draw(st.sampled_from(("  ", "    ", "\t")))
        lines = []
        for i, w in enumerate(written):
            comma = "," if i < len(written) - 1 and draw(st.booleans()) else ""
            comment = _comment(draw) if draw(st.integers(0, 4)) == 0 else ""
            lines.append(f"{inner}{w}{comma}{comment}")
        closing = continuation + draw(st.sampled_from(("", " ")))
        return "{" + _comment_or_nothing(draw) + "\n" + "\n".join(lines) + "\n" + closing + "}", \
            PlainRecord(ty.name, ordered)
    body = ""
    for i, w in enumerate(written):
        if i:
            body += draw(st.sampled_from((",", ", ", " ", "  ,  ")))
        body += w
    if written and draw(st.integers(0, 4)) == 0:
        body += ","
    return "{" + spaces(draw, 1) + body + spaces(draw, 1) + "}", PlainRecord(ty.name, ordered)


# ---- tables ------------------------------------------------------------------------------------

_FREE_HEADERS = ("税額", "額", "金額", "値", "免税点", "率")


def _overlap(a: tuple[Number, Number | None], b: tuple[Number, Number | None]) -> bool:
    return (b[1] is None or a[0] < b[1]) and (a[1] is None or b[0] < a[1])


def _breakpoints(draw: DrawFn, key: t.Type, limits: Limits) -> list[Number]:
    """Random breakpoints, often at, or one off, the breakpoints of a ceiling table."""
    whole = isinstance(key, t.YenType | t.IntType)
    step: Number = 1 if whole else Decimal("0.01")
    near: list[Number] = []
    for _, b in limits.items:
        if isinstance(b, PlainTable) and b.brackets:
            for low, _high in b.brackets:
                near.extend(x for x in (low - step, low, low + step) if x > 0)
    fresh = (st.integers(1, 1_000_000) if whole
             else st.decimals(Decimal("0.01"), Decimal(10_000), places=2))
    point: st.SearchStrategy[Number] = st.one_of(st.sampled_from(near), fresh) if near else fresh
    return sorted(set(draw(st.lists(point, max_size=7))))


def _key_cell(draw: DrawFn, key: t.Type, i: int, brackets: list[tuple[Number, Number | None]]
              ) -> str:
    low, high = brackets[i]
    if high is None:
        return f">={spaces(draw)}{write_number(draw, key, low)}"
    if draw(st.booleans()):
        return f"<{spaces(draw)}{write_number(draw, key, high)}"
    return (f"{write_number(draw, key, low)}{spaces(draw)}..<{spaces(draw)}"
            f"{write_number(draw, key, high)}")


def _monotone_column(draw: DrawFn, ty: t.Type, ranges: list[tuple[Number | None, Number | None]],
                     direction: str | None) -> list[Number]:
    """Numbers, one per bracket, each in its range, never falling (or rising) down the rows."""
    if direction is None:
        return [draw_number(draw, ty, lo, hi) for lo, hi in ranges]
    if direction == "decreasing":
        return list(reversed(_monotone_column(draw, ty, ranges[::-1], "increasing")))
    # A cell can go no higher than any cell below it may be: suffix minimum of the ceilings,
    # and no lower than any cell above it must be: prefix maximum of the floors.
    caps: list[Number | None] = []
    cap: Number | None = None
    for _, hi in reversed(ranges):
        cap = hi if cap is None else (cap if hi is None else min(cap, hi))
        caps.append(cap)
    caps.reverse()
    out: list[Number] = []
    floor: Number | None = None
    for (lo, _), hi in zip(ranges, caps, strict=True):
        floor = lo if floor is None else (floor if lo is None else max(floor, lo))
        low = floor if not out else (out[-1] if floor is None else max(out[-1], floor))
        out.append(draw_number(draw, ty, low, hi))
    return out


@st.composite
def tables(draw: DrawFn, ty: t.TableType | t.ScaleType, limits: Limits,
           monotone: tuple[tuple[str, str], ...], indent: str, marker: Marker | None = None,
           ) -> tuple[str, PlainTable]:
    """A grid (starting with a line break) for ``ty`` inside ``limits``, and its value."""
    # A table of records is written with its fields as one more, last column axis.
    rec = record_of(ty)
    axes = fields_axis_type(ty).axes
    bracket_at = next((i for i, a in enumerate(axes) if a.is_bracket), None)
    cat_axes = [a for a in axes if not a.is_bracket]
    combos = list(itertools.product(*(_enum(a).members for a in cat_axes)))

    def value_type(cats: tuple[str, ...]) -> t.Type:
        return ty.value if rec is None else next(f.type for f in rec.fields if f.name == cats[-1])

    def cell_limits(bracket: tuple[Number, Number | None] | None, cats: tuple[str, ...]) -> Limits:
        if rec is None:
            return limits.for_cell(bracket, cats)
        items = tuple((kind, _field_bound(b.value, cats[-1])) for kind, b in limits.items
                      if isinstance(b, FieldLimit) and cats[-1] in b.fits)
        return Limits(items).for_cell(bracket, cats[:-1])

    if bracket_at is not None:
        key = axes[bracket_at].key
        points = _breakpoints(draw, key, Limits(tuple(
            (kind, b.value if isinstance(b, FieldLimit) else b) for kind, b in limits.items)))
        zero: Number = 0 if isinstance(key, t.YenType | t.IntType) else Decimal(0)
        lows = [zero, *points]
        brackets: list[tuple[Number, Number | None]] | None = [
            (lo, hi) for lo, hi in zip(lows, [*points, None], strict=True)]
    else:
        brackets = None
    direction = next((d for d, axis in monotone if bracket_at is not None
                      and axis == axes[bracket_at].name), None)
    values: dict[tuple[int | None, tuple[str, ...]], Any] = {}
    texts: dict[tuple[int | None, tuple[str, ...]], str] = {}
    for cats in combos:
        vt = value_type(cats)
        rows = list(range(len(brackets))) if brackets is not None else [None]
        if isinstance(vt, t.YenType | t.IntType | t.RateType | t.DecimalType):
            ranges = [cell_limits(None if r is None or brackets is None else brackets[r],
                                  cats).scalar() for r in rows]
            column = _monotone_column(draw, vt, ranges, direction)
            for r, v, (lo, hi) in zip(rows, column, ranges, strict=True):
                values[(r, cats)] = v
                texts[(r, cats)] = write_number(draw, vt, v)
                if marker is not None:
                    texts[(r, cats)] = marker.offer(draw, vt, texts[(r, cats)], lo, hi,
                                                    in_cell=True)
        else:
            for r in rows:
                texts[(r, cats)], values[(r, cats)] = draw(inline_values(vt, Limits()))
    if rec is None:
        value = PlainTable(None if brackets is None else tuple(brackets), values)
    else:
        records = {(r, cats[:-1]): PlainRecord(rec.name, {
            f.name: values[(r, (*cats[:-1], f.name))] for f in rec.fields})
            for (r, cats) in values}
        value = PlainTable(None if brackets is None else tuple(brackets), records)

    # Layout: which axes are row axes (a bracket axis is always the only one), column order.
    if bracket_at is not None:
        row_axes = [bracket_at]
    else:
        real = len(ty.axes)  # the fields of a record are never a row axis
        chosen = draw(st.lists(st.booleans(), min_size=real, max_size=real))
        row_axes = [i for i, c in enumerate(chosen) if c] or [draw(st.integers(0, real - 1))]
    col_axes = [i for i in range(len(axes)) if i not in row_axes]
    col_keys = draw(st.permutations(list(itertools.product(
        *(_enum(axes[i]).members for i in col_axes)))))
    used_names = {a.name for a in axes}
    free = draw(st.sampled_from([h for h in _FREE_HEADERS if h not in used_names]))
    header = [axes[i].name for i in row_axes]
    header += [spaces(draw, 1).join(k) for k in col_keys] if col_axes else [free]

    def cat_key(row_members: dict[int, str], col: tuple[str, ...]) -> tuple[str, ...]:
        members = dict(row_members)
        members.update(zip(col_axes, col, strict=True))
        return tuple(members[i] for i in range(len(axes)) if i != bracket_at)

    grid: list[list[str]] = [header]
    if brackets is not None:
        for r in range(len(brackets)):
            row = [_key_cell(draw, axes[bracket_at].key, r, brackets)]  # type: ignore[index]
            row += [texts[(r, cat_key({}, k))] for k in col_keys]
            grid.append(row)
    else:
        row_keys = draw(st.permutations(list(itertools.product(
            *(_enum(axes[i]).members for i in row_axes)))))
        for rk in row_keys:
            members = dict(zip(row_axes, rk, strict=True))
            grid.append([*rk, *(texts[(None, cat_key(members, k))] for k in col_keys)])
    return _layout(draw, grid, indent), value


def _enum(axis: t.Axis) -> t.EnumType:
    assert isinstance(axis.key, t.EnumType)
    return axis.key


def _layout(draw: DrawFn, grid: list[list[str]], indent: str) -> str:
    """Rows under the assignment: aligned like `fmt` would, or ragged with random blanks."""
    row_indent = indent + draw(st.sampled_from(("  ", "  ", "", "    ", "\t", " ")))
    aligned = draw(st.booleans())
    widths = [max(display_width(row[c]) for row in grid) for c in range(len(grid[0]))]
    lines = []
    for r, row in enumerate(grid):
        cells = []
        for c, cell in enumerate(row):
            if aligned:
                pad = " " * (widths[c] - display_width(cell))
                body = cell + pad if c == 0 or r == 0 else pad + cell
                cells.append(f" {body} ")
            else:
                cells.append(f"{spaces(draw)}{cell}{spaces(draw)}")
        comment = _comment(draw) if draw(st.integers(0, 5)) == 0 else ""
        lines.append(row_indent + "|" + "|".join(cells) + "|" + comment)
    return "\n" + "\n".join(lines)


# ---- comments, names, codes -------------------------------------------------------------------

_COMMENT_TEXT = st.text(
    alphabet=st.sampled_from(list(KANJI[:20] + KANA[:10] + "abc 123|{}[]\"'#=<>%円＝％１＃＂｜（）\u3000")),
    max_size=20,
)


def _comment(draw: DrawFn) -> str:
    """A trailing comment: full-width characters, quotes and pipes in it mean nothing."""
    return spaces(draw) + "#" + draw(_COMMENT_TEXT)


def _comment_or_nothing(draw: DrawFn) -> str:
    return _comment(draw) if draw(st.integers(0, 4)) == 0 else ""




def _version_requirement(draw: DrawFn, version: tuple[int, ...]) -> str:
    """Mostly `>= <the core's version>`; also a lower version, `==`, or none at all."""
    text = ".".join(map(str, version))
    kind = draw(st.sampled_from((">=", ">=", ">=", ">=lower", "==", "")))
    if kind == ">=lower":
        lower = list(version[: draw(st.integers(1, len(version)))])
        if draw(st.booleans()) and lower[-1] > 0:
            lower[-1] -= 1
        text = ".".join(map(str, lower))
        kind = ">="
    if not kind:
        return ""
    return f"{spaces(draw, 1)}{kind}{spaces(draw)}{text}"


# ---- whole profiles ------------------------------------------------------------------------------


@attrs.frozen
class ProfileCase:
    """A generated profile: its text and what each ``from`` block sets (as plain values).

    ``broken`` is the same text with one number just outside one of its limits, and
    ``broken_line`` the line the checker must blame: the cell's line in a grid, else the line
    the assignment starts on (``None`` when no limited number was written)."""

    text: str
    blocks: tuple[tuple[dt.date, Mapping[str, object]], ...]
    broken: str | None = None
    broken_line: int | None = None

    def expected(self, on: dt.date) -> dict[str, tuple[dt.date, object]]:
        """What the profile itself sets as of ``on``: name → (since, value)."""
        out: dict[str, tuple[dt.date, object]] = {}
        for day, values in self.blocks:
            if day <= on:
                out.update({k: (day, v) for k, v in values.items()})
        return out


def _order(core: Core, names: list[str]) -> list[str]:
    """Parameters ordered so that those another one's limit refers to come first."""
    deps = {name: {r for c in core.params[name].constraints for r in _refs(c.expr)
                   if r in names and r != name} for name in names}
    out: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in out or name in visiting:
            return
        visiting.add(name)
        for d in sorted(deps[name]):
            visit(d)
        visiting.discard(name)
        out.append(name)

    for name in names:
        visit(name)
    return out


def _with_dependents(core: Core, names: list[str], settable: list[str]) -> list[str]:
    """``names`` and every settable parameter whose limit refers to one of them (and so on):
    a new value on one side of a limit is written together with a new value on the other,
    or the value left in force (perhaps the core's default) could fall outside."""
    out = list(names)
    changed = True
    while changed:
        changed = False
        for name in settable:
            if name not in out and any(r in out for c in core.params[name].constraints
                                       for r in _refs(c.expr)):
                out.append(name)
                changed = True
    return out


def _dates(core: Core) -> st.SearchStrategy[dt.date]:
    """Dates for a valid profile's blocks: none after the core's law horizon (PC0413)."""
    last = min(dt.date(2060, 12, 31), core.horizon or dt.date.max)
    near_core = [b.date + dt.timedelta(days=d) for b in core.blocks for d in (-1, 0, 1)
                 if b.date + dt.timedelta(days=d) <= last]
    options = [
        st.dates(dt.date(1990, 1, 1), last),
        st.integers(2000, min(2040, last.year - (last < dt.date(last.year, 4, 1)))).map(
            lambda y: dt.date(y, 4, 1)),
    ]
    if near_core:
        options.append(st.sampled_from(near_core))
    return st.one_of(options)


def _blank_or_comment_lines(draw: DrawFn, indent: str) -> list[str]:
    kinds = draw(st.lists(st.sampled_from(("", "comment")), max_size=2))
    return ["" if k == "" else indent + _comment(draw).lstrip(" \t") for k in kinds]


@st.composite
def profile_cases(draw: DrawFn, core_result: CoreResult) -> ProfileCase:
    """A valid profile for the core of ``core_result`` (see the module docstring)."""
    core = core_result.core
    assert core is not None, "the core did not load"
    # A town sets neither the core's fixed values nor its prefecture's (`set by prefecture`).
    settable = [name for name, p in core.params.items() if not p.fixed and not p.prefecture]
    required = [name for name in settable if core.params[name].required]
    optional = [name for name in settable if not core.params[name].required]

    # Structure: the dates, and which parameters each block sets.
    n_blocks = draw(st.integers(1, 4)) if settable else 0
    dates = sorted(draw(st.lists(_dates(core), min_size=n_blocks, max_size=n_blocks, unique=True)))
    plan: list[list[str]] = []
    for i in range(n_blocks):
        pool = settable if i else optional
        extra = draw(st.lists(st.sampled_from(pool), unique=True)) if pool else []
        names = (required if i == 0 else []) + extra
        if not names:
            names = [draw(st.sampled_from(settable))]
        plan.append(draw(st.permutations(_with_dependents(core, names, settable))))

    # `when S == M` (or `in [M, …]`): a parameter used only under an option is set only with
    # that option, so S is M wherever the profile sets S (and set in the first block if the
    # core says otherwise); a parameter whose switch cannot be M (fixed, or wanted as two
    # members) is not set at all.
    forced: dict[str, str] = {}
    for name in settable:
        when = core.params[name].when
        if when is None or not any(name in names for names in plan):
            continue
        switch, members = when
        member = forced.get(switch, members[0])
        usable = switch in settable and member in members
        if not usable and core_values(core, dates[0]).get(switch) not in members:
            plan = [[x for x in names if x != name] for names in plan]
            continue
        if usable:
            forced[switch] = member
            if core.params[switch].default != member and switch not in plan[0]:
                plan[0] = [*plan[0], switch]
    plan = [names or [draw(st.sampled_from([x for x in settable
                                            if x not in forced and core.params[x].when is None]))]
            for names in plan] if settable else plan

    # Values, limits first: a parameter's value must meet its limits on every date from its
    # block to the next block that sets it again, with the values in force on each such date
    # (the core's dated changes and the profile's own values) on the other side.
    changes = sorted({*dates, *(b.date for b in core.blocks)})
    generated: dict[str, list[tuple[dt.date, object]]] = {}
    written: dict[tuple[int, str], str] = {}
    indents: dict[tuple[int, str], str] = {}
    marker = Marker()

    def env(on: dt.date) -> dict[str, object]:
        values = core_values(core, on)
        for name, timeline in generated.items():
            for day, value in timeline:
                if day <= on:
                    values[name] = value
        return values

    for name in _order(core, settable):
        p = core.params[name]
        at = [i for i, names in enumerate(plan) if name in names]
        for k, i in enumerate(at):
            start = dates[i]
            end = dates[at[k + 1]] if k + 1 < len(at) else None
            window = [d for d in changes if d >= start and (end is None or d < end)]
            limits: list[tuple[str, object]] = []
            for day in window:
                values = env(day)
                for c in p.constraints:
                    try:
                        bound = eval_limit(c.expr, values)
                    except _Unbounded:
                        continue
                    rec = record_of(p.type)
                    if rec is not None:
                        bound = FieldLimit(limit_fields(rec, c.expr, lambda x: core.params[x].type
                                                        if x in core.params else None), bound)
                    limits.append((c.kind, bound))
            indent = draw(st.sampled_from(("  ", "  ", "  ", "", "    ", " ", "\t")))
            value: object
            if name in forced:
                text, value = f"{indent}{name} = {forced[name]}", forced[name]
            else:
                text, value = draw(_param_value(p, Limits(tuple(limits)), indent, marker))
            generated.setdefault(name, []).append((start, value))
            written[(i, name)] = text
            indents[(i, name)] = indent

    # Text.
    lines: list[str] = []
    if draw(st.booleans()):
        lines += [f"#{draw(_COMMENT_TEXT)}" for _ in range(draw(st.integers(1, 3)))]
    town = draw(st.one_of(town_names(), strings(30).map(lambda s: s[0][1:-1])))
    code = draw(municipality_codes())
    lines.append(f'tenant{spaces(draw, 1)}"{town}"{spaces(draw, 1)}code{spaces(draw, 1)}{code}'
                 f"{_comment_or_nothing(draw)}")
    lines.append(f'uses{spaces(draw, 1)}"{core.name}"{_version_requirement(draw, core.version)}'
                 f"{_comment_or_nothing(draw)}")
    blocks: list[tuple[dt.date, dict[str, object]]] = []
    for i, names in enumerate(plan):
        lines += _blank_or_comment_lines(draw, "")
        lines.append(f"from{spaces(draw, 1)}{dates[i].isoformat()}{_comment_or_nothing(draw)}")
        for name in names:
            lines += _blank_or_comment_lines(draw, indents[(i, name)])
            if PLACEHOLDER in written[(i, name)]:
                statement_line = sum(item.count("\n") + 1 for item in lines) + 1
            lines.append(written[(i, name)])
        blocks.append((dates[i], {
            name: next(v for d, v in generated[name] if d == dates[i]) for name in names}))
    if draw(st.integers(0, 3)) == 0:  # trailing blanks, and lines of blanks only
        lines = [line + draw(st.sampled_from(("", "", "", " ", "\t", "  "))) for line in lines]
    text = "\n".join(lines) + "\n" * draw(st.integers(0, 2))
    if not marker.done:
        return ProfileCase(text, tuple(blocks))
    placeholder_at = text.index(PLACEHOLDER)
    broken_line = text.count("\n", 0, placeholder_at) + 1 if marker.in_cell else statement_line
    return ProfileCase(text.replace(PLACEHOLDER, marker.normal), tuple(blocks),
                       text.replace(PLACEHOLDER, marker.broken), broken_line)


@st.composite
def _param_value(draw: DrawFn, p: Param, limits: Limits, indent: str,
                 marker: Marker | None = None) -> tuple[str, object]:
    """One assignment line (or lines) for ``p`` and the value it sets."""
    ty = p.type
    eq = f"{spaces(draw)}={spaces(draw)}"
    value: object
    if isinstance(ty, t.TableType | t.ScaleType):
        grid, value = draw(tables(ty, limits, p.monotone, indent, marker))
        return f"{indent}{p.name}{spaces(draw)}={_comment_or_nothing(draw)}{grid}", value
    multiline = isinstance(ty, t.RecordType | t.ListType) and draw(st.booleans())
    continuation = indent + "  " if multiline else None
    text, value = draw(inline_values(ty, limits, continuation, marker))
    if draw(st.integers(0, 7)) == 0:
        # A line that ends with `=` goes on: the value may stand on the next line.
        eq = f"{spaces(draw)}={_comment_or_nothing(draw)}\n{indent}  "
    return f"{indent}{p.name}{eq}{text}{_comment_or_nothing(draw)}", value


def profiles(core_result: CoreResult) -> st.SearchStrategy[str]:
    """The text of a valid profile for the core of ``core_result``."""
    return profile_cases(core_result).map(lambda case: case.text)


