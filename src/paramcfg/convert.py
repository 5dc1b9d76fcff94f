"""Value nodes → exact values of a type: the one reader of a profile's and a core's values.

yen → ``int``, rate/decimal → ``Decimal``, date → ``datetime.date``, month-day →
:class:`~paramcfg.types.MonthDay`, enum member → ``str``, list → ``tuple``, record →
:class:`~paramcfg.types.RecordValue`, table → :class:`paramcfg.tables.Table` (read by
:mod:`paramcfg.grids`).  Scalars are read by :mod:`paramcfg.values`.  Problems become
diagnostics, never exceptions.
"""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic, Span, display_width
from paramcfg.grids import build_table
from paramcfg.names import suggest
from paramcfg.types import (
    BoolType,
    DateType,
    DecimalType,
    EnumType,
    FieldsKey,
    IntType,
    ListType,
    MonthDay,
    MonthDayType,
    RateType,
    RecordType,
    RecordValue,
    ScaleType,
    TableType,
    TextType,
    Type,
    YenType,
)
from paramcfg.values import (
    bad_literal,
    era_to_iso,
    format_typed,
    node_text,
    parse_date,
    parse_monthday,
    too_long,
    too_long_diagnostic,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from paramcfg.tables import Table

__all__ = ["Converter"]


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



_SCALED_YEN: Final = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)(千|万|百万|億)円")
_SCALE: Final = {"千": 1_000, "万": 10_000, "百万": 1_000_000, "億": 100_000_000}


def _short(t: Type) -> tuple[str, str]:
    """The type's name without its built-in example (``a rate``, ``率``)."""
    return t.name_en.split(" such as ")[0], t.name_ja.split("（例")[0]


def _fits(value: object, t: Type) -> bool:
    if isinstance(t, YenType):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(t, RateType | DecimalType):
        return isinstance(value, Decimal)
    if isinstance(t, IntType):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(t, BoolType):
        return isinstance(value, bool)
    if isinstance(t, DateType | MonthDayType | TextType | EnumType):
        return not isinstance(value, bool | int | Decimal)
    return False


def _fix(t: Type, node: n.Value, example: str, short_en: str, short_ja: str, *,
         own: bool) -> tuple[str, str]:
    """What to write instead of ``node``, where the mistake is recognisable; else the type
    with the parameter's own example."""
    text = node_text(node)
    whose_en = "this parameter's default" if own else "for example"
    whose_ja = "この値の既定値" if own else "例"
    if isinstance(t, DateType):
        iso = era_to_iso(text)
        if iso is not None:
            return f"write {iso}", f"{iso} と書いてください"
    if isinstance(t, YenType):
        m = _SCALED_YEN.fullmatch(text)
        if m is not None:
            amount = Decimal(m.group(1).replace(",", "")) * _SCALE[m.group(2)]
            if amount == amount.to_integral_value():
                yen = f"{int(amount):,}円"
                return ((f"{text} is {yen}: write {yen} (amounts are written in yen, without "
                         f"{m.group(2)})"),
                        (f"{text} は {yen} です。{yen} と書いてください（金額は{m.group(2)}を使わず円で"
                         "書きます）"))
        if isinstance(node, n.Lit) and node.kind == "number" and isinstance(node.value, int):
            yen = f"{node.value:,}円"
            return (f"write {yen} (an amount takes 円)", f"{yen} と書いてください（金額には円を付けます）")
    if isinstance(t, RateType) and isinstance(node, n.Lit) and node.kind == "number":
        return ((f"a rate is written with %: if {text} is the rate, write {text}% "
                 f"({whose_en}: {example})"),
                f"率には % を付けます。{text} が率なら {text}% と書いてください（{whose_ja}: {example}）")
    if isinstance(t, BoolType) and isinstance(node, n.Lit) and node.kind == "number":
        return ("write true or false (not 1 or 0)", "true か false と書いてください（1 や 0 ではなく）")
    if isinstance(t, IntType) and isinstance(node, n.Lit) and node.kind == "yen":
        return (f"write the number without 円, e.g. {example}",
                f"円を付けずに数だけを書いてください（例: {example}）")
    return (f"write {short_en}, {whose_en} {example}" if not own else
            f"write {short_en} ({whose_en}: {example})",
            f"{short_ja}を書いてください（{whose_ja}: {example}）")


class Converter:
    """Turns value nodes into exact values of a type, collecting diagnostics."""

    def __init__(self, diags: list[Diagnostic], enums: Mapping[str, EnumType],
                 defaults: Mapping[str, object] | None = None) -> None:
        self.diags = diags
        self.enums = enums
        #: The parameters' defaults, for examples in messages (a profile's converter).
        self.defaults: Mapping[str, object] = defaults or {}
        #: Tables that could not be read whole, by their grid's span: the cells that could be
        #: read (the others ``None``), for the value checks only (see grids.build_table).
        self.partial: dict[Span, Table] = {}

    def wrong(self, name: str, t: Type, node: n.Value) -> None:
        kind_en, kind_ja = _kind_of(node)
        example = self.example(name, t)
        short_en, short_ja = _short(t)
        fix_en, fix_ja = _fix(t, node, example, short_en, short_ja,
                              own=example != _example(t))
        self.diags.append(
            Diagnostic(
                "PC0301",
                node.span,
                {
                    "name": name,
                    "expected": short_en if isinstance(t, BoolType) else
                    f"{short_en} such as {example}",
                    "expected_ja": short_ja if isinstance(t, BoolType) else
                    f"{short_ja}（例: {example}）",
                    "found": node_text(node),
                    "found_kind": kind_en,
                    "found_kind_ja": kind_ja,
                    "example": example,
                    "fix": fix_en,
                    "fix_ja": fix_ja,
                },
            )
        )

    def example(self, name: str, t: Type) -> str:
        """An example value for ``name`` of type ``t``: the parameter's own default where it has
        a scalar one (0.3% for a rate whose default is 0.3%), else one of the type."""
        base, _, index = name.partition("[")
        value = self.defaults.get(base)
        if index and isinstance(value, tuple) and value:
            value = value[0]  # an element of a list: the default list's first element
        elif index:
            value = None
        if value is not None and not isinstance(value, tuple | RecordValue | dict) and (
                not isinstance(value, bool) or isinstance(t, BoolType)):
            shown = format_typed(value, t)
            if _fits(value, t):
                return shown
        return _example(t)

    def convert(self, name: str, t: Type, node: n.Value) -> object | None:
        """The exact value of ``node`` as type ``t``, or ``None`` after a diagnostic."""
        if isinstance(t, TableType | ScaleType):
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
        hint_en, hint_ja = suggest(name, t.members)
        # The fields of a table's record, written as its last column axis, are fields.
        kind, kind_ja = ("field", "項目") if isinstance(t, FieldsKey) else ("member", "区分")
        self.diags.append(
            Diagnostic(
                "PC0201",
                span,
                {"kind": f"{kind} of {t.name}", "kind_ja": f"{t.name}の{kind_ja}", "name": name,
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
                        self.diags.append(bad_literal(
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
        self.diags.append(bad_literal(
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
