"""Value nodes → exact values of a type: the one reader of a profile's and a core's values.

yen → ``int``, rate/decimal → ``Decimal``, date → ``datetime.date``, month-day →
:class:`~paramcfg.types.MonthDay`, enum member → ``str``, list → ``tuple``, record →
:class:`~paramcfg.types.RecordValue`, table → :class:`paramcfg.tables.Table` (read by
:mod:`paramcfg.grids`).  Scalars are read by :mod:`paramcfg.values`.  Problems become
diagnostics, never exceptions.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import TYPE_CHECKING

from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic, Span, display_width
from paramcfg.grids import build_table
from paramcfg.names import suggest
from paramcfg.types import (
    BoolType,
    DateType,
    DecimalType,
    EnumType,
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



class Converter:
    """Turns value nodes into exact values of a type, collecting diagnostics."""

    def __init__(self, diags: list[Diagnostic], enums: Mapping[str, EnumType]) -> None:
        self.diags = diags
        self.enums = enums
        #: Tables that could not be read whole, by their grid's span: the cells that could be
        #: read (the others ``None``), for the value checks only (see grids.build_table).
        self.partial: dict[Span, Table] = {}

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
