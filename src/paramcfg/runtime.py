"""Helpers that evaluated rules call: exact rounding, division, scales, dates, input checks.

Both the reference interpreter and the generated code use these, so the two can only differ
in how they walk the rule, never in arithmetic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from paramcfg import types as t
from paramcfg import values as v
from paramcfg.errors import EvaluationError

if TYPE_CHECKING:
    from paramcfg.tables import Table

__all__ = ["check_input", "div", "round_to", "scale"]

#: Arithmetic context: far more digits than any tax needs, and traps instead of NaN/Infinity.
CONTEXT: Final = decimal.Context(
    prec=50,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_MODES: Final = {
    "floor": decimal.ROUND_FLOOR,
    "ceil": decimal.ROUND_CEILING,
    "round_half_up": decimal.ROUND_HALF_UP,
    "round_half_even": decimal.ROUND_HALF_EVEN,
}
_ONE: Final = Decimal(1)
#: The most days each month has (2月29日 is a day of the year: it exists in leap years).
_MONTH_DAYS: Final = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Decimal arithmetic always in CONTEXT, never in the calling thread's context (issue 12, item 3:
# a caller's ``localcontext(prec=7)`` changed a tax by 100円).  Whole numbers stay ``int``.
_ADD: Final = CONTEXT.add
_SUBTRACT: Final = CONTEXT.subtract
_MULTIPLY: Final = CONTEXT.multiply
_MINUS: Final = CONTEXT.minus


def add(a: int | Decimal, b: int | Decimal) -> int | Decimal:
    """``a + b``: exact for ints, in :data:`CONTEXT` once a Decimal is involved."""
    if type(a) is int and type(b) is int:
        return a + b
    return _ADD(a, b)


def subtract(a: int | Decimal, b: int | Decimal) -> int | Decimal:
    """``a - b``, as :func:`add`."""
    if type(a) is int and type(b) is int:
        return a - b
    return _SUBTRACT(a, b)


def multiply(a: int | Decimal, b: int | Decimal) -> int | Decimal:
    """``a * b``, as :func:`add`."""
    if type(a) is int and type(b) is int:
        return a * b
    return _MULTIPLY(a, b)


def negate(a: int | Decimal) -> int | Decimal:
    """``-a``, as :func:`add` (Python's ``-Decimal`` rounds to the thread's precision)."""
    if type(a) is int:
        return -a
    return _MINUS(a)


def total(values: Iterable[int | Decimal]) -> int | Decimal:
    """``sum(values, 0)``, as :func:`add`."""
    result: int | Decimal = 0
    for value in values:
        result = add(result, value)
    return result


def div(a: int | Decimal, b: int | Decimal) -> Decimal:
    """Exact-as-can-be division (50 significant digits); division by zero raises."""
    if not b:
        raise EvaluationError("division by zero", msg_ja="0 で割ることはできません")
    try:
        return CONTEXT.divide(Decimal(a), Decimal(b))
    except decimal.DecimalException as exc:
        raise EvaluationError(f"{a} / {b} is beyond exact arithmetic ({type(exc).__name__})") from None


def floor_quotient(a: int, b: int, unit: int) -> int:
    """``floor(a / b, unit)`` for whole numbers, exactly: ``a // (b * unit) * unit``.

    Both evaluators use this for that pattern, so they agree for amounts of any size.
    """
    if not b:
        raise EvaluationError("division by zero", msg_ja="0 で割ることはできません")
    return a // (b * unit) * unit


def round_to(mode: str, x: int | Decimal, unit: int | Decimal) -> int | Decimal:
    """Round ``x`` to a multiple of ``unit`` with a named mode (floor, ceil, round_half_up —
    ties away from zero —, round_half_even).  Integral results are ``int``."""
    if isinstance(x, int) and isinstance(unit, int):
        if mode == "floor":
            return x // unit * unit
        if mode == "ceil":
            return -(-x // unit) * unit
    try:
        q = CONTEXT.divide(Decimal(x), Decimal(unit)).quantize(_ONE, rounding=_MODES[mode],
                                                               context=CONTEXT)
    except decimal.DecimalException as exc:
        raise EvaluationError(
            f"{x} is too large to round exactly ({type(exc).__name__})") from None
    if isinstance(unit, int):
        return int(q) * unit
    return _MULTIPLY(q, unit)


#: :func:`rate_rounder` works in integers only while ``x * coefficient(rate)`` has fewer digits
#: than this, where :func:`round_to` of the product in CONTEXT (50 digits) is shown to agree.
_EXACT_DIGITS: Final = 28


def rate_rounder(mode: str, rate: Decimal, unit: int) -> Callable[[int], int] | None:
    """``x -> round_to(mode, x * rate, unit)`` for whole ``x``, in integer arithmetic, or
    ``None`` where that cannot be shown to give the same answer.

    With ``rate = num / den``, the result is ``x * num / den`` rounded to a multiple of ``unit``:
    ``divmod(x * num, den * unit)`` gives the floor and the exact remainder, from which every
    mode follows.  This equals :func:`round_to` on the Decimal product (computed in CONTEXT,
    whatever the thread's context) while ``x * coefficient(rate)`` has fewer than 28 digits;
    beyond that (10**25 yen and more at a rate of two digits) it takes the Decimal path.
    """
    if not (rate.is_finite() and isinstance(unit, int) and not isinstance(unit, bool)
            and 0 < unit < 10**9 and mode in _MODES):
        return None
    _, digits, exponent = rate.as_tuple()
    assert isinstance(exponent, int)  # noqa: S101 - finite
    if exponent > 0 or exponent < -20:  # rates are fractions with a few places
        return None
    coefficient = int("".join(map(str, digits)))
    limit = 10 ** (_EXACT_DIGITS - 1) // max(coefficient, 1)
    num, den = rate.as_integer_ratio()
    step = den * unit
    if step > 10**20:  # round_to divides to 50 digits: exact enough only for such steps
        return None
    def slow(x: int) -> int:
        result = round_to(mode, _MULTIPLY(x, rate), unit)
        assert isinstance(result, int)  # noqa: S101 - an int unit gives an int
        return result

    if mode == "floor":
        def rounded(x: int) -> int:
            if -limit < x < limit:
                return x * num // step * unit
            return slow(x)
    elif mode == "ceil":
        def rounded(x: int) -> int:
            if -limit < x < limit:
                return -(-x * num // step) * unit
            return slow(x)
    elif mode == "round_half_up":  # ties away from zero
        def rounded(x: int) -> int:
            if -limit < x < limit:
                q, rest = divmod(x * num, step)
                rest *= 2
                if rest > step or (rest == step and q >= 0):
                    q += 1
                return q * unit
            return slow(x)
    else:  # round_half_even
        def rounded(x: int) -> int:
            if -limit < x < limit:
                q, rest = divmod(x * num, step)
                rest *= 2
                if rest > step or (rest == step and q & 1):
                    q += 1
                return q * unit
            return slow(x)
    return rounded


#: rate_rounder's answers by (mode, rate, unit) for :func:`round_product`; emptied when full.
_ROUNDERS: dict[tuple[str, Decimal, int], Callable[[int], int] | None] = {}


def round_product(mode: str, a: int | Decimal, b: int | Decimal, unit: int) -> int | Decimal:
    """``round_to(mode, multiply(a, b), unit)``, the same answer: in integer arithmetic when
    one factor is an int and the other a Decimal (``floor(額 * (100% - 軽減割合), 1)``), by
    :func:`rate_rounder`, kept per rate (rates computed at run time take few values).

    Keyed by the rate's value: equal rates written with different exponents (0.3, 0.30) give
    the same rounded product, since ``round_to`` of a product in CONTEXT depends on its value
    only.
    """
    x, rate = (a, b) if type(a) is int else (b, a)
    if type(x) is int and type(rate) is Decimal:
        key = (mode, rate, unit)
        try:
            found = _ROUNDERS[key]
        except KeyError:
            if len(_ROUNDERS) >= 4096:
                _ROUNDERS.clear()
            found = _ROUNDERS[key] = rate_rounder(mode, rate, unit)
        if found is not None:
            return found(x)
    return round_to(mode, multiply(a, b), unit)


def scale(table: Table, x: int | Decimal) -> Decimal:
    """Marginal-rate scale: each slice ``[low, high)`` of ``x`` at its own rate."""
    assert table.brackets is not None  # noqa: S101 - a scale is always bracketed
    if x < 0:
        raise EvaluationError(f"{x} is below the first bracket of the scale")
    result = Decimal(0)
    for low, high, rate in zip(table.brackets.lows, table.brackets.highs, table.cells,
                               strict=True):
        if x <= low:
            break
        top = x if high is None or x < high else high
        result = _ADD(result, _MULTIPLY(subtract(top, low), rate))
    return result


def fiscal_year(d: dt.date) -> int:
    """Japanese fiscal year: 1 April to 31 March, named by the year it starts in."""
    return d.year if d.month >= 4 else d.year - 1


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in completed years on the date ``on`` (birthday reached → one year older)."""
    years = on.year - birth.year
    return years - 1 if (on.month, on.day) < (birth.month, birth.day) else years


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``; negative when ``end`` is earlier."""
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _calendar_year(fiscal: int, month: int) -> int:
    """The calendar year of ``month`` in fiscal year ``fiscal`` (January–March: the next one)."""
    if not 1 <= fiscal <= 9998:
        raise EvaluationError(f"fiscal year {fiscal} is outside 1 … 9998")
    return fiscal if month >= 4 else fiscal + 1


def fiscal_date(day: t.MonthDay, year: int) -> dt.date:
    """The date of ``day`` (such as 2月末日) in fiscal year ``year``: April to December fall in
    ``year``, January to March in ``year + 1``."""
    return day.on(_calendar_year(year, day.month))


#: add_months keeps its recent answers: a household rule moves the same few dates (the months of
#: the fiscal year, plus one) again and again, for every member (37 calls a household in W3, 12
#: distinct).  A pure function of a date and an int, so a kept answer is the answer (an error
#: is never kept).  age_on is not kept: its pairs (a member's birth date, a date) rarely repeat.
@functools.lru_cache(maxsize=4096, typed=True)
def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; a day past the end of the target month becomes its last
    day (2024-01-31 plus one month is 2024-02-29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise EvaluationError(f"{day.isoformat()} plus {months} months is outside the calendar")
    if day.day <= 28:  # every month has it (the common case: month starts)
        return dt.date(year, month + 1, day.day)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def fiscal_months(year: int) -> tuple[dt.date, ...]:
    """The first day of each month of fiscal year ``year``: 1 April … 1 March."""
    return tuple(dt.date(_calendar_year(year, m), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3))


#: How far a due date may move: the longest run of closed days in a real calendar (Golden
#: Week plus a weekend, or the New Year closure plus a weekend) is far shorter.
MAX_CLOSED_RUN: Final = 31


def _closed(day: dt.date, closed: Sequence[t.MonthDay]) -> bool:
    return any(md.on(day.year) == day for md in closed)


def business_day(day: dt.date, closed: Sequence[t.MonthDay]) -> dt.date:
    """``day`` if it is a business day, else the first business day after it.

    Not a business day: Saturday, Sunday, a national holiday (国民の祝日, 振替休日 and 国民の休日,
    from the maintained calendar of the ``jpholiday`` package), or a day of the year listed
    in ``closed`` (such as the New Year closure 12月29日 … 1月3日).
    """
    import jpholiday  # noqa: PLC0415 - only rules that move due dates need the calendar

    current = day
    for _ in range(MAX_CLOSED_RUN):
        if current.weekday() < 5 and not _closed(current, closed) \
                and not jpholiday.is_holiday(current):
            return current
        try:
            current += dt.timedelta(days=1)
        except OverflowError:
            break
    raise EvaluationError(f"no business day within {MAX_CLOSED_RUN} days from {day.isoformat()}",
                          msg_ja=f"{day.isoformat()} から {MAX_CLOSED_RUN} 日以内に開庁日がありません")


def closed_reason(day: dt.date, closed: Sequence[t.MonthDay]) -> str | None:
    """Why ``day`` is not a business day (for explanations), or ``None`` if it is one."""
    import jpholiday  # noqa: PLC0415 - see business_day

    name = jpholiday.is_holiday_name(day)
    if name:
        return str(name)
    if _closed(day, closed):
        return "閉庁日"
    if day.weekday() >= 5:
        return "土曜日" if day.weekday() == 5 else "日曜日"
    return None


_TOO_LONG: Final = f"at most {v.MAX_INPUT_DIGITS} digits written out in full"
_FRACTION: Final = "a fraction of a yen: amounts are whole yen, as int"
_WHY_JA: Final = {
    _FRACTION: "1 円未満の端数があります。金額は円単位の int で渡してください",
    "use int yen, never float": "円は int で渡してください。float は使えません",
    'use Decimal("…"), never float': 'Decimal("…") で渡してください。float は使えません',
    _TOO_LONG: f"数値は全桁を書いて {v.MAX_INPUT_DIGITS} 桁までです",
}


def _bad(rule: str, name: str, ty: t.Type, value: object, why: str = "") -> EvaluationError:
    try:
        shown = repr(value)
    except ValueError:  # an int too long for CPython to print: say its size
        shown = v.format_value(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    extra = f" ({why})" if why else ""
    extra_ja = f"。{_WHY_JA.get(why, why)}" if why else ""
    return EvaluationError(
        f"{name} of rule {rule} must be {ty.name_en}, not {shown}{extra}", rule=rule,
        name=name,
        msg_ja=f"ルール「{rule}」の「{name}」は{ty.name_ja}でなければなりません（{shown} ではなく）"
               f"{extra_ja}")


def _unknown_fields(rule: str, name: str, ty: t.RecordType, value: Mapping[object, object]) -> None:
    """Raise: ``value`` (input ``name`` of ``rule``) has keys that are no field of ``ty``."""
    from paramcfg.errors import unknown_inputs  # noqa: PLC0415 - only on the error path
    from paramcfg.names import suggest  # noqa: PLC0415

    fields = [f.name for f in ty.fields]
    bad = [k if isinstance(k, str) else repr(k) for k in value if k not in fields]
    hint, hint_ja = suggest(bad[0], fields)
    if not hint:  # nothing close: name them all
        hint = f"; the fields of {ty.name} are {', '.join(fields)}"
        hint_ja = f"（{ty.name} の項目は {'、'.join(fields)} です）"
    raise unknown_inputs(rule, [f"{name}.{k}" for k in bad], hint, hint_ja, field=True)


def check_input(rule: str, name: str, ty: t.Type, value: object) -> object:
    """``value`` as the exact value of type ``ty``; raises :class:`EvaluationError` if it is not.

    A ``float`` is never accepted where money or a rate is expected: it cannot be exact.
    """
    if isinstance(ty, t.YenType | t.IntType):
        if type(value) is int:
            if -v.INPUT_BOUND < value < v.INPUT_BOUND:
                return value
            raise _bad(rule, name, ty, value, _TOO_LONG)
        why = "use int yen, never float" if isinstance(value, float) else (
            _FRACTION if isinstance(value, Decimal) and value.is_finite()
            and value != value.to_integral_value() else "")
        raise _bad(rule, name, ty, value, why)
    if isinstance(ty, t.DecimalType | t.RateType):
        if type(value) is int or isinstance(value, Decimal):
            if isinstance(value, Decimal) and not value.is_finite():
                raise _bad(rule, name, ty, value)
            if not v.within_digits(value):
                raise _bad(rule, name, ty, value, _TOO_LONG)
            return value
        why = 'use Decimal("…"), never float' if isinstance(value, float) else ""
        raise _bad(rule, name, ty, value, why)
    if isinstance(ty, t.BoolType):
        if isinstance(value, bool):
            return value
        raise _bad(rule, name, ty, value)
    if isinstance(ty, t.DateType):
        if type(value) is dt.date:
            return value
        raise _bad(rule, name, ty, value)
    if isinstance(ty, t.TextType):
        if isinstance(value, str):
            return value
        raise _bad(rule, name, ty, value)
    if isinstance(ty, t.EnumType):
        if isinstance(value, str) and value in ty.members:
            return value
        raise _bad(rule, name, ty, value)
    if isinstance(ty, t.MonthDayType):
        if isinstance(value, t.MonthDay) and type(value.month) is int and 1 <= value.month <= 12 \
                and (value.day is None or (type(value.day) is int
                                           and 1 <= value.day <= _MONTH_DAYS[value.month])):
            return value
        raise _bad(rule, name, ty, value)
    if isinstance(ty, t.ListType):
        if isinstance(value, Sequence) and not isinstance(value, str | bytes):
            return tuple(check_input(rule, f"{name}[{i + 1}]", ty.element, v)
                         for i, v in enumerate(value))
        raise _bad(rule, name, ty, value)
    if isinstance(ty, t.RecordType):
        if isinstance(value, t.RecordValue):
            value = value.as_dict()
        if not isinstance(value, Mapping):
            raise _bad(rule, name, ty, value)
        out = {}
        if len(value) > sum(f.name in value for f in ty.fields):  # a key that is no field
            _unknown_fields(rule, name, ty, value)
        for f in ty.fields:
            if f.name in value:
                out[f.name] = check_input(rule, f"{name}.{f.name}", f.type, value[f.name])
            elif f.default is not None:
                out[f.name] = f.default
            else:
                raise EvaluationError(f"input {name} of rule {rule} has no {f.name}",
                                      rule=rule, name=f"{name}.{f.name}")
        return out
    raise _bad(rule, name, ty, value)


# ---- called by generated code (through its namespace, never by name in user text) ------------


def check_as(ty: t.Type, rule: str, name: str, value: object) -> object:
    """An input checked against ``ty`` (the generated checker's slow path)."""
    return check_input(rule, name, ty, value)


def bad_type(rule: str, name: str, ty: t.Type, value: object) -> None:
    """Raise the full message for an input the generated fast check refused."""
    check_input(rule, name, ty, value)


def bracket_error(table: str, key: object) -> int:
    raise EvaluationError(f"{v.format_value(key)} is outside every bracket of {table}",
                          name=table,
                          msg_ja=f"{v.format_value(key)} は「{table}」のどの区分にも入りません")


def missing_param(msg: str) -> object:
    raise EvaluationError(msg)

