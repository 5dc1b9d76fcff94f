"""Types and exact values.

Every type knows how to turn a literal node into an exact Python value (``convert``):
yen → ``int``, rate/decimal → ``Decimal``, date → ``datetime.date``, month-day →
:class:`MonthDay`, enum member → ``str``, list → ``tuple``, record → :class:`RecordValue`,
table → :class:`paramcfg.tables.Table`.  Problems become diagnostics, never exceptions.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Final

import attrs

from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic, Span, display_width

if TYPE_CHECKING:
    from collections.abc import Mapping


__all__ = [
    "AmountType",
    "Axis",
    "BoolType",
    "DateType",
    "DecimalType",
    "EnumType",
    "Field",
    "IntType",
    "ListType",
    "MonthDay",
    "MonthDayType",
    "RateType",
    "RecordType",
    "RecordValue",
    "ScaleType",
    "TableType",
    "TextType",
    "TooManyDigitsError",
    "Type",
    "YenType",
    "within_digits",
]

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


@attrs.frozen
class MonthDay:
    """A day of the year such as 4月30日; ``day`` is ``None`` for 末日 (the month's end)."""

    month: int
    day: int | None

    def on(self, year: int) -> dt.date:
        if self.day is not None and self.day <= 28:  # in every month of every year
            return dt.date(year, self.month, self.day)
        last = calendar.monthrange(year, self.month)[1]
        return dt.date(year, self.month, last if self.day is None else min(self.day, last))

    def __str__(self) -> str:
        return f"{self.month}月{'末日' if self.day is None else f'{self.day}日'}"


@attrs.frozen
class RecordValue:
    """A record's field values, in the record type's field order."""

    type_name: str
    fields: tuple[tuple[str, object], ...]

    def get(self, name: str) -> object:
        for key, value in self.fields:
            if key == name:
                return value
        raise KeyError(name)

    def as_dict(self) -> dict[str, object]:
        return dict(self.fields)


class Type:
    """Base of all types.  ``name_en``/``name_ja`` describe it in messages."""

    name_en: str = "a value"
    name_ja: str = "値"

    def describe(self) -> str:
        return self.name_en


@attrs.frozen
class IntType(Type):
    name_en = "a whole number"
    name_ja = "整数"

    def __str__(self) -> str:
        return "int"


@attrs.frozen
class DecimalType(Type):
    name_en = "a number"
    name_ja = "数値"

    def __str__(self) -> str:
        return "decimal"


@attrs.frozen
class YenType(Type):
    name_en = "an amount in yen such as 48,600円"
    name_ja = "金額（例: 48,600円）"

    def __str__(self) -> str:
        return "yen"


@attrs.frozen
class AmountType(Type):
    """A fractional amount of yen (``yen × rate``): must be rounded before it is ``yen``."""

    name_en = "a fractional amount of yen (round it first)"
    name_ja = "端数のある金額（先に端数処理が必要）"

    def __str__(self) -> str:
        return "amount"


@attrs.frozen
class RateType(Type):
    name_en = "a rate such as 1.4%"
    name_ja = "率（例: 1.4%）"

    def __str__(self) -> str:
        return "rate"


@attrs.frozen
class BoolType(Type):
    name_en = "true or false"
    name_ja = "true または false"

    def __str__(self) -> str:
        return "bool"


@attrs.frozen
class DateType(Type):
    name_en = "a date such as 2024-04-01"
    name_ja = "日付（例: 2024-04-01）"

    def __str__(self) -> str:
        return "date"


@attrs.frozen
class MonthDayType(Type):
    name_en = "a day of the year such as 4月30日 or 2月末日"
    name_ja = "月日（例: 4月30日、2月末日）"

    def __str__(self) -> str:
        return "monthday"


@attrs.frozen
class TextType(Type):
    width: int | None = None
    name_en = 'text in double quotes "…"'
    name_ja = '"…" で囲んだ文字列'

    def __str__(self) -> str:
        return "text" if self.width is None else f"text({self.width})"


@attrs.frozen
class EnumType(Type):
    name: str
    members: tuple[str, ...]
    labels: tuple[str | None, ...]
    span: Span = attrs.field(eq=False)

    @property
    def name_en(self) -> str:  # type: ignore[override]
        return f"one of {', '.join(self.members)}"

    @property
    def name_ja(self) -> str:  # type: ignore[override]
        return f"{'、'.join(self.members)} のいずれか"

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class ListType(Type):
    element: Type
    name_en = "a list [ … ]"
    name_ja = "リスト [ … ]"

    def __str__(self) -> str:
        return f"list of {self.element}"


@attrs.frozen
class Field:
    name: str
    type: Type
    default: object | None
    label: str | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class RecordType(Type):
    name: str
    fields: tuple[Field, ...]
    span: Span = attrs.field(eq=False)
    name_en = "a record { 項目 = 値 … }"
    name_ja = "レコード { 項目 = 値 … }"

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class Axis:
    """A table axis.  A numeric ``key`` type makes it a bracket axis, an enum a category axis."""

    name: str
    key: Type

    @property
    def is_bracket(self) -> bool:
        return not isinstance(self.key, EnumType)

    def __str__(self) -> str:
        if isinstance(self.key, EnumType) and self.key.name == self.name:
            return self.name
        return f"{self.name} : {self.key}"


@attrs.frozen
class TableType(Type):
    """A single-amount lookup: the value of the one cell the keys fall in."""

    axes: tuple[Axis, ...]
    value: Type
    name_en = "a table (rows starting with |)"
    name_ja = "表（| で始まる行）"

    def __str__(self) -> str:
        return f"table[{', '.join(map(str, self.axes))}] of {self.value}"


@attrs.frozen
class ScaleType(Type):
    """A marginal-rate scale: each slice of the key is taken at its own rate."""

    key: Axis
    value: Type
    name_en = "a scale (rows starting with |)"
    name_ja = "税率表（| で始まる行）"

    @property
    def axes(self) -> tuple[Axis, ...]:
        return (self.key,)

    def __str__(self) -> str:
        return f"scale[{self.key}] of {self.value}"


NUMERIC_TYPES: Final = (IntType, DecimalType, YenType, RateType)

# ---- literal conversion ---------------------------------------------------------------


def _kind_of(node: n.Value) -> tuple[str, str]:
    """How a value node is described when it is of the wrong kind."""
    if isinstance(node, n.Lit):
        return {
            "yen": ("an amount in yen", "金額"),
            "percent": ("a rate", "率"),
            "number": ("a number", "数値"),
            "date": ("a date", "日付"),
            "monthday": ("a day of the year", "月日"),
            "string": ("text", "文字列"),
            "bool": ("true/false", "真偽値"),
        }[node.kind]
    if isinstance(node, n.Member):
        return "a name", "名前"
    if isinstance(node, n.ListValue):
        return "a list", "リスト"
    if isinstance(node, n.RecordValue):
        return "a record", "レコード"
    return "a table", "表"


def _example(t: Type) -> str:
    return {
        IntType: "3", DecimalType: "1.5", YenType: "48,600円", RateType: "1.4%",
        BoolType: "true", DateType: "2024-04-01", MonthDayType: "4月30日",
    }.get(type(t), '"…"' if isinstance(t, TextType) else
          (t.members[0] if isinstance(t, EnumType) and t.members else "…"))


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
        diags.append(_bad_literal(lit, ("date", "日付"), (
            f"write a day that exists, as YYYY-MM-DD{detail}",
            f"実在する日付を YYYY-MM-DD の形で書いてください{detail_ja}")))
    return None


def _bad_literal(lit: n.Lit, kind: tuple[str, str], fix: tuple[str, str]) -> Diagnostic:
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


class Converter:
    """Turns value nodes into exact values of a type, collecting diagnostics."""

    def __init__(self, diags: list[Diagnostic], enums: Mapping[str, EnumType]) -> None:
        self.diags = diags
        self.enums = enums

    def wrong(self, name: str, t: Type, node: n.Value) -> None:
        kind_en, kind_ja = _kind_of(node)
        iso = era_to_iso(node_text(node)) if isinstance(t, DateType) else None
        self.diags.append(
            Diagnostic(
                "PC0301",
                node.span,
                {
                    "name": name,
                    "expected": t.name_en,
                    "expected_ja": t.name_ja,
                    "found": node_text(node),
                    "found_kind": kind_en,
                    "found_kind_ja": kind_ja,
                    "example": iso or _example(t),
                },
            )
        )

    def convert(self, name: str, t: Type, node: n.Value) -> object | None:
        """The exact value of ``node`` as type ``t``, or ``None`` after a diagnostic."""
        if isinstance(t, TableType | ScaleType):
            from paramcfg.tables import build_table  # noqa: PLC0415 - tables imports types

            if not isinstance(node, n.Grid):
                self.wrong(name, t, node)
                return None
            return build_table(name, t, node, self)
        if isinstance(node, n.Lit) and too_long(node):
            self.diags.append(too_long_diagnostic(node))
            return None
        if isinstance(t, ListType):
            if not isinstance(node, n.ListValue):
                self.wrong(name, t, node)
                return None
            items = [self.convert(f"{name}[{i + 1}]", t.element, item)
                     for i, item in enumerate(node.items)]
            return None if any(i is None for i in items) else tuple(items)
        if isinstance(t, RecordType):
            return self._record(name, t, node)
        if isinstance(t, EnumType):
            if isinstance(node, n.Member) and node.name in t.members:
                return node.name
            if isinstance(node, n.Member | n.Lit) and (
                node_text(node) in t.members
            ):  # a number-like member such as 2号 always lexes as a name; this is defensive
                return node_text(node)
            if isinstance(node, n.Member):
                self.unknown_member(t, node.name, node.span)
            else:
                self.wrong(name, t, node)
            return None
        if isinstance(node, n.Lit):
            return self._scalar(name, t, node)
        self.wrong(name, t, node)
        return None

    def unknown_member(self, t: EnumType, name: str, span: Span) -> None:
        from paramcfg.names import suggest  # noqa: PLC0415 - tiny helper, avoids a cycle

        hint_en, hint_ja = suggest(name, t.members)
        self.diags.append(
            Diagnostic(
                "PC0201",
                span,
                {"kind": f"member of {t.name}", "kind_ja": f"{t.name}の区分", "name": name,
                 "suggestion": hint_en, "suggestion_ja": hint_ja},
            )
        )

    def _scalar(self, name: str, t: Type, lit: n.Lit) -> object | None:
        kind = lit.kind
        value = lit.value
        if isinstance(t, YenType):
            if kind == "yen" or (kind == "number" and value == 0):
                assert isinstance(value, int | Decimal)  # noqa: S101 - by the lexer
                if isinstance(value, Decimal):
                    if value != value.to_integral_value():
                        self.diags.append(_bad_literal(
                            lit, ("amount in whole yen", "円単位の金額"),
                            ("amounts are whole yen; round the figure as the ordinance says",
                             "金額は1円単位です。条例の定めに従って端数を処理してください")))
                        return None
                    return int(value)
                return value
        elif isinstance(t, RateType):
            if kind == "percent" or (kind == "number" and value == 0):
                assert isinstance(value, int | Decimal)  # noqa: S101 - by the lexer
                return Decimal(value)
        elif isinstance(t, IntType):
            if kind == "number" and isinstance(value, int):
                return value
        elif isinstance(t, DecimalType):
            if kind == "number":
                assert isinstance(value, int | Decimal)  # noqa: S101 - by the lexer
                return Decimal(value)
        elif isinstance(t, BoolType):
            if kind == "bool":
                return value
        elif isinstance(t, TextType):
            if kind == "string":
                assert isinstance(value, str)  # noqa: S101 - by the lexer
                if t.width is not None and display_width(value) > t.width:
                    self.diags.append(
                        Diagnostic("PC0304", lit.span, {
                            "name": name, "width": str(display_width(value)),
                            "limit": str(t.width)})
                    )
                    return None
                return value
        elif isinstance(t, DateType):
            if kind == "date":
                return parse_date(lit, self.diags, "PC0104")
        elif isinstance(t, MonthDayType) and kind == "monthday":
            return self._monthday(lit)
        self.wrong(name, t, lit)
        return None

    def _monthday(self, lit: n.Lit) -> MonthDay | None:
        with contextlib.suppress(ValueError):
            return parse_monthday(str(lit.value))
        self.diags.append(_bad_literal(
            lit, ("day of the year", "月日"),
            ("write a real day such as 4月30日, or 2月末日 for the month's last day",
             "4月30日 のような実在する日か、月末なら 2月末日 と書いてください")))
        return None

    def _record(self, name: str, t: RecordType, node: n.Value) -> RecordValue | None:
        if not isinstance(node, n.RecordValue):
            self.wrong(name, t, node)
            return None
        given: dict[str, n.FieldValue] = {}
        ok = True
        for fv in node.fields:
            if t.field(fv.name) is None:
                from paramcfg.names import suggest  # noqa: PLC0415 - avoids a cycle

                hint_en, hint_ja = suggest(fv.name, [f.name for f in t.fields])
                self.diags.append(Diagnostic("PC0201", fv.name_span, {
                    "kind": f"field of {t.name}", "kind_ja": f"{t.name}の項目",
                    "name": fv.name, "suggestion": hint_en, "suggestion_ja": hint_ja}))
                ok = False
            elif fv.name in given:
                self.diags.append(Diagnostic("PC0405", fv.name_span, {
                    "name": f"{name}.{fv.name}", "date": "this record",
                    "date_ja": "このレコード"}))
                ok = False
            else:
                given[fv.name] = fv
        values: list[tuple[str, object]] = []
        for f in t.fields:
            if f.name in given:
                v = self.convert(f"{name}.{f.name}", f.type, given[f.name].value)
                ok = ok and v is not None
                values.append((f.name, v))
            elif f.default is not None:
                values.append((f.name, f.default))
            else:
                self.diags.append(Diagnostic("PC0305", node.span, {"name": name, "field": f.name}))
                ok = False
        return RecordValue(t.name, tuple(values)) if ok else None


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

