"""Values and their text: the one route between an exact value and how a profile writes it.

Value → text: :func:`format_value` (no unit), :func:`format_typed` (with the type's unit:
``48,600円``, ``1.4%``), :func:`literal_text` (a literal's canonical spelling, for ``fmt``),
:func:`quote` (a string literal that reads back as the same text) and :func:`describe_range`
(a bracket ``[low, high)`` in English and Japanese).  Text → value: the scalar readers
(:func:`parse_date`, :func:`parse_monthday`, :func:`era_to_iso`) and the digit limits for
numbers given from outside (:func:`within_digits`).  Node trees → values (tables included)
are read by :class:`paramcfg.convert.Converter`, which uses this module for every scalar.

This module sits just above :mod:`paramcfg.types` and below :mod:`paramcfg.tables`
(docs/architecture.md).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Final

from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic
from paramcfg.types import (
    IntType,
    ListType,
    MonthDay,
    RateType,
    RecordType,
    RecordValue,
    Type,
    YenType,
)

__all__ = [
    "INPUT_BOUND",
    "MAX_INPUT_DIGITS",
    "MAX_LITERAL_DIGITS",
    "Number",
    "TooManyDigitsError",
    "bad_literal",
    "describe_range",
    "era_to_iso",
    "format_decimal",
    "format_typed",
    "format_value",
    "literal_text",
    "node_text",
    "parse_date",
    "parse_monthday",
    "quote",
    "too_long",
    "too_long_diagnostic",
    "within_digits",
]

#: An exact number: yen and counts are ``int``, rates and decimals ``Decimal``.
Number = int | Decimal

MAX_LITERAL_DIGITS: Final = 30  # a yen amount of 10**30 is already absurd
#: Numbers given at evaluation time (API inputs and arguments, `eval --input`/`--inputs`,
#: acceptance tests) have at most this many digits written out in full, as a profile's
#: literals: enough for any real figure, and far from the sizes whose conversion takes
#: seconds to hours (``int(Decimal("1E+999999999"))`` never ends).  docs/limits.md.
MAX_INPUT_DIGITS: Final = MAX_LITERAL_DIGITS
#: An int input must lie strictly between ``-INPUT_BOUND`` and ``INPUT_BOUND``.
INPUT_BOUND: Final = 10**MAX_INPUT_DIGITS


def within_digits(value: int | Decimal) -> bool:
    """Whether ``value`` written out in full (``1E+3`` as ``1000``, ``1E-3`` as ``0.001``) has
    at most :data:`MAX_INPUT_DIGITS` digits; never converts ``value``, so it is fast for any
    size.  A NaN or an infinity is not within."""
    if isinstance(value, int):
        return -INPUT_BOUND < value < INPUT_BOUND
    if not value.is_finite() or value.adjusted() >= MAX_INPUT_DIGITS:
        return False
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # noqa: S101 - a finite Decimal
    whole = value.adjusted() + 1 if value else 1
    return max(whole, 1) + max(-exponent, 0) <= MAX_INPUT_DIGITS


class TooManyDigitsError(ValueError):
    """A number given from outside has more than :data:`MAX_INPUT_DIGITS` digits."""

    def __init__(self, shown: str) -> None:
        super().__init__(f"{shown} has more than {MAX_INPUT_DIGITS} digits (the limit of "
                         "docs/limits.md)")
        self.shown = shown


# ---- value → text ------------------------------------------------------------------------


#: Ints with more bits than this (about 4,000 digits) are not written out: CPython refuses to
#: convert an int of more than 4,300 digits to text (sys.int_info.default_max_str_digits).
_SHOWN_BITS: Final = 13_000
_LOG10_2: Final = Decimal("0.30103")


def format_value(value: object) -> str:
    """A value written as a profile would write it (``48,600円``, ``1.4%``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > _SHOWN_BITS:  # Python will not print such an int in decimal
            return f"(a number of about {int(value.bit_length() * _LOG10_2):,} digits)"
        return f"{value:,}"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):  # a record given as input
        return "{" + ", ".join(f"{k} = {format_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, RecordValue):
        return "{" + ", ".join(f"{k} = {format_value(v)}" for k, v in value.fields) + "}"
    return str(value)


def format_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        head, tail = text.split(".")
        return f"{int(head):,}.{tail}" if head not in {"-0", "0"} else text
    return f"{int(text):,}"


def format_typed(value: object, t: Type) -> str:
    """A value with its unit: ``48,600円`` for yen, ``1.4%`` for a rate."""
    if isinstance(t, YenType) and isinstance(value, int | Decimal):
        return f"{format_value(value)}円"
    if isinstance(t, RateType) and isinstance(value, Decimal):
        return f"{format_decimal(value * 100)}%"
    if isinstance(t, ListType) and isinstance(value, tuple):
        return "[" + ", ".join(format_typed(v, t.element) for v in value) + "]"
    if isinstance(t, RecordType) and isinstance(value, dict | RecordValue):
        fields = value if isinstance(value, dict) else value.as_dict()
        types = {f.name: f.type for f in t.fields}
        return "{" + ", ".join(f"{k} = {format_typed(v, types[k]) if k in types else format_value(v)}"
                               for k, v in fields.items()) + "}"
    return format_value(value)


def describe_range(low: Number, high: Number | None, t: Type) -> tuple[str, str]:
    """A bracket ``[low, high)`` of key type ``t`` in English and Japanese (``None``: no end)."""
    lo = format_typed(low, t)
    if high is None:
        return f"from {lo} up", f"{lo} 以上"
    hi = format_typed(high, t)
    return f"from {lo} to below {hi}", f"{lo} 以上 {hi} 未満"


def quote(text: str) -> str:
    """``text`` as a string literal that the parser reads back as ``text`` (every escape of
    the language: backslash, double quote, newline, tab)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def literal_text(lit: n.Lit) -> str:
    """The canonical spelling of a literal, as ``fmt`` writes it."""
    value = lit.value
    if lit.kind == "yen" and isinstance(value, int):
        return f"{value:,}円"
    if lit.kind == "percent" and isinstance(value, Decimal):
        return f"{format_decimal(value * 100)}%"
    if lit.kind == "string" and isinstance(value, str):
        return quote(value)
    if lit.kind == "bool":
        return "true" if value else "false"
    if lit.kind == "number" and isinstance(value, int):
        return str(value)
    return lit.text.replace(",", "") if lit.kind == "number" else lit.text


# ---- text → value ------------------------------------------------------------------------


def node_text(node: n.Value | n.CellItem) -> str:
    if isinstance(node, n.Lit):
        return node.text
    if isinstance(node, n.Member):
        return node.name
    if isinstance(node, n.KeyOp):
        return node.op
    return "…"


_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTHDAY_RE = re.compile(r"([0-9]{1,2})月(?:([0-9]{1,2})日|末日)")


def parse_monthday(text: str) -> MonthDay:
    """``4月30日`` or ``2月末日`` as a :class:`MonthDay`; :class:`ValueError` if it is not a real
    day of the year.  2月29日 is accepted: it falls on 2月28日 in a common year (MonthDay.on)."""
    m = _MONTHDAY_RE.fullmatch(text)
    if m is not None:
        month = int(m.group(1))
        day = int(m.group(2)) if m.group(2) else None
        if 1 <= month <= 12 and (day is None or 1 <= day <= calendar.monthrange(2024, month)[1]):
            return MonthDay(month, day)
    raise ValueError(text)


_ERA_RE = re.compile(r"(令和|平成|昭和)(元|[0-9]{1,2})年([0-9]{1,2})月([0-9]{1,2})日")
_ERAS: Final = {"令和": 2018, "平成": 1988, "昭和": 1925}


def era_to_iso(text: str) -> str | None:
    """``令和7年4月1日`` → ``2025-04-01`` (元年 is year 1), or ``None``."""
    m = _ERA_RE.fullmatch(text)
    if m is None:
        return None
    year = _ERAS[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))
    return f"{year:04d}-{int(m.group(3)):02d}-{int(m.group(4)):02d}"


def parse_date(lit: n.Lit, diags: list[Diagnostic], code: str = "PC0406") -> dt.date | None:
    """A date literal's date; an impossible or era date is reported with ``code``."""
    m = _DATE_RE.fullmatch(str(lit.value))
    detail = detail_ja = ""
    iso = era_to_iso(str(lit.value))
    if iso is not None:
        detail = f" ({lit.text} is {iso}: write {iso})"
        detail_ja = f"（{lit.text} は {iso} です。{iso} と書いてください）"
    if m is not None:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(max(year, 1), month)[1] \
                and year >= 1:
            return dt.date(year, month, day)
        if not 1 <= month <= 12:
            detail, detail_ja = f" (there is no month {month})", f"（{month}月はありません）"
        else:
            last = calendar.monthrange(max(year, 1), month)[1]
            detail = f" ({calendar.month_name[month]} {year} has {last} days)"
            detail_ja = f"（{year}年{month}月は{last}日までです）"
    if code == "PC0406":
        diags.append(Diagnostic("PC0406", lit.span, {
            "text": lit.text, "detail": detail, "detail_ja": detail_ja}))
    else:
        diags.append(bad_literal(lit, ("date", "日付"), (
            f"write a day that exists, as YYYY-MM-DD{detail}",
            f"実在する日付を YYYY-MM-DD の形で書いてください{detail_ja}")))
    return None


def bad_literal(lit: n.Lit, kind: tuple[str, str], fix: tuple[str, str]) -> Diagnostic:
    return Diagnostic(
        "PC0104",
        lit.span,
        {"literal": lit.text, "kind": kind[0], "kind_ja": kind[1], "fix": fix[0],
         "fix_ja": fix[1]},
    )


def too_long(lit: n.Lit) -> bool:
    """Whether a numeric literal has more digits than any real figure (PC0005)."""
    return lit.kind in {"yen", "percent", "number"} and \
        sum(ch.isdigit() for ch in lit.text) > MAX_LITERAL_DIGITS


def too_long_diagnostic(lit: n.Lit) -> Diagnostic:
    return Diagnostic("PC0005", lit.span, {
        "what": "the number", "what_ja": "数値の桁数",
        "limit": f"{MAX_LITERAL_DIGITS} digits", "limit_ja": f"{MAX_LITERAL_DIGITS} 桁"})


# ---- brackets as an ordinance writes them ---------------------------------------------------


_KEY_NUMBER: Final = r"(-?[0-9][0-9,]*(?:\.[0-9]+)?)"
_AMOUNT: Final = _KEY_NUMBER + r"(円|%)?"
_BRACKETS: Final = (
    (re.compile(rf"^<{_AMOUNT}$"), "below"),
    (re.compile(rf"^{_AMOUNT}\.\.<{_AMOUNT}$"), "range"),
    (re.compile(rf"^>={_AMOUNT}$"), "from"),
    (re.compile(rf"^{_AMOUNT}未満$"), "below"),
    (re.compile(rf"^{_AMOUNT}以上{_AMOUNT}未満$"), "range"),
    (re.compile(rf"^{_AMOUNT}以上$"), "from"),
)


def _key_amount(number: str, unit: str | None, key: Type) -> str | None:
    digits = number.replace(",", "")
    if isinstance(key, YenType):
        if unit not in {None, "円"} or not re.fullmatch(r"-?[0-9]+", digits):
            return None
        return f"{int(digits):,}円"
    if isinstance(key, IntType):
        return f"{int(digits):,}" if unit is None and re.fullmatch(r"-?[0-9]+", digits) else None
    if unit is not None:
        return None
    return format_decimal(Decimal(digits))


def bracket_text(text: str, key: Type) -> str | None:
    """A bracket written as an ordinance does (``48,600円以上97,000円未満``, ``…未満``, ``…以上``) or
    as a profile does, in the profile's form (``48,600円 ..< 97,000円``); ``None`` if it is not
    one.  Full-width characters and spaces are forgiven.  The one reader of that form: the
    Excel import and the grid's help both call it."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    s = s.replace("≧", ">=").replace("≦", "<=").replace("＜", "<")
    for pattern, kind in _BRACKETS:
        m = pattern.match(s)
        if m is None:
            continue
        amounts = [_key_amount(m[i], m[i + 1], key) for i in range(1, len(m.groups()), 2)]
        if any(a is None for a in amounts):
            return None
        if kind == "below":
            return f"< {amounts[0]}"
        if kind == "from":
            return f">= {amounts[0]}"
        return f"{amounts[0]} ..< {amounts[1]}"
    return None
