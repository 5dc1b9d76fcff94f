"""Types: the type of every parameter, field, axis and expression, and the two composite
value classes (:class:`MonthDay`, :class:`RecordValue`).

Types only: reading values (:mod:`paramcfg.convert`) and writing them as text
(:mod:`paramcfg.values`) live elsewhere.  Names that used to be defined here are still
reachable as ``paramcfg.types.X`` through :func:`__getattr__` until the callers move.
"""

from __future__ import annotations

import calendar
import datetime as dt

import attrs

from paramcfg.diagnostics import Span

__all__ = [
    "SCALAR_FIELD_TYPES",
    "AmountType",
    "Axis",
    "BoolType",
    "DateType",
    "DecimalType",
    "EnumType",
    "Field",
    "FieldsKey",
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
    "Type",
    "YenType",
]

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

    def __getitem__(self, name: str) -> object:
        """``record[field]``, as compiled rules read a field (of a record or of a ``dict``)."""
        return self.get(name)


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
class FieldsKey(EnumType):
    """The key of the axis that a record table's fields make when they are laid out as one
    more, last category axis (:meth:`paramcfg.tables.Table.by_field`): its members are the
    record's field names."""

    record: RecordType = attrs.field(eq=False)


#: The types a field of a table's record may have: one value that one grid cell holds.
SCALAR_FIELD_TYPES: tuple[type[Type], ...] = (
    IntType, DecimalType, YenType, RateType, BoolType, EnumType, MonthDayType, DateType, TextType)


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


