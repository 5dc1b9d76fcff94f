"""Export: a tenant's parameters as JSON or TOML, and CLI input values read by their types.

Values stay exact: yen are ints, rates are Decimal strings in JSON and TOML, dates are ISO
strings, tables become lists of rows (:mod:`paramcfg.plain`, the one cattrs converter).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from paramcfg import types as t
from paramcfg.plain import converter, structure_parameters, unstructure_value
from paramcfg.runtime import CONTEXT
from paramcfg.values import format_value

if TYPE_CHECKING:
    from paramcfg.engine import Tenant

__all__ = [
    "converter", "export_data", "parse_input", "structure_parameters", "to_json", "to_toml",
    "unstructure_value",
]

# The plain-data conversions live in paramcfg.plain (engine and interpret use them, and sit
# below this module); they are re-exported here for the callers of the old paths.

_AMOUNT = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def _number(raw: object, suffix: str) -> Decimal:
    """``raw`` as a Decimal, refused (:class:`types.TooManyDigitsError`) beyond the digits of
    docs/limits.md before anything is converted: ``int(Decimal("1E+999999999"))`` never ends."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | Decimal):
        if not t.within_digits(raw):
            if isinstance(raw, Decimal) and not raw.is_finite():
                raise ValueError(raw)
            raise t.TooManyDigitsError(_shown(raw))
        return Decimal(raw)
    if isinstance(raw, str):
        text = raw.strip().removesuffix(suffix).strip()
        if _AMOUNT.fullmatch(text):
            if sum(ch.isdigit() for ch in text) > t.MAX_INPUT_DIGITS:
                raise t.TooManyDigitsError(_shown(text))
            return Decimal(text.replace(",", ""))
    raise ValueError(raw)


def _shown(value: object) -> str:
    text = format_value(value) if isinstance(value, int) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: A comma that separates list items: not one that groups digits (followed by exactly three).
_LIST_COMMA: Final = re.compile(r",(?!\d{3}(?:\D|$))")


def parse_input(raw: object, ty: t.Type) -> object:
    """Plain data (command-line text, or JSON read with ``parse_float=Decimal``) as the exact
    value of ``ty``: ``"48,600円"`` → ``48600``, ``"1.4%"`` → ``Decimal("0.014")``.

    :raises ValueError: if ``raw`` is not a value of ``ty``; a ``float`` never is.
    """
    if isinstance(raw, float):
        raise ValueError(f"{raw!r} is a float; give the exact figure as text")
    if isinstance(ty, t.YenType | t.IntType):
        value = _number(raw, "円" if isinstance(ty, t.YenType) else "")
        if value != value.to_integral_value():
            raise ValueError(raw)
        return int(value)
    if isinstance(ty, t.RateType):
        if isinstance(raw, str) and raw.strip().endswith("%"):
            return CONTEXT.divide(_number(raw, "%"), 100)  # exact: at most 30 digits
        return _number(raw, "")
    if isinstance(ty, t.DecimalType):
        return _number(raw, "")
    if isinstance(ty, t.BoolType):
        if isinstance(raw, bool):
            return raw
        if raw in {"true", "false"}:
            return raw == "true"
        raise ValueError(raw)
    if isinstance(ty, t.DateType):
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            return dt.date.fromisoformat(raw)
        raise ValueError(raw)
    if isinstance(ty, t.MonthDayType):
        if isinstance(raw, t.MonthDay):
            return raw
        if isinstance(raw, str):
            return t.parse_monthday(raw.strip())
        raise ValueError(raw)
    if isinstance(ty, t.EnumType | t.TextType):
        if isinstance(raw, str):
            return raw
        raise ValueError(raw)
    if isinstance(ty, t.ListType):
        if isinstance(raw, str) and raw.strip().startswith("[") and raw.strip().endswith("]") \
                and not isinstance(ty.element, t.RecordType | t.ListType):
            # Command-line text as a profile writes it: [登録, 注射済票交付], [1,000円, 2,000円]
            # (a comma followed by exactly three digits groups digits, as in the language).
            inner = raw.strip()[1:-1].strip()
            raw = [] if not inner else [v.strip() for v in _LIST_COMMA.split(inner)]
        if isinstance(raw, list | tuple):
            return [parse_input(v, ty.element) for v in raw]
        raise ValueError(raw)
    if isinstance(ty, t.RecordType):
        if isinstance(raw, dict):
            return {f.name: parse_input(raw[f.name], f.type) for f in ty.fields if f.name in raw}
        raise ValueError(raw)
    raise ValueError(raw)


def export_data(tenant: Tenant, on: dt.date | None, *, all_dates: bool = False,
                projection: bool = False) -> dict[str, Any]:
    """A tenant's resolved parameters as plain data: as of one date, or every period.

    A date (or a period's first day) after the core's law horizon is refused unless
    ``projection`` is true, and is then marked ``projection = true``.

    :raises LawHorizonError: a date after the law horizon without ``projection``.
    """
    head: dict[str, Any] = {
        "tenant": tenant.name, "code": tenant.profile.code, "core": tenant.core.name,
        "core_version": tenant.core.version_text,
    }
    if tenant.horizon is not None:
        head["law_through"] = tenant.horizon
    if all_dates:
        head["periods"] = [
            {"from": start, **_marked(tenant, start),
             "parameters": _values(tenant, start, projection)}
            for start in tenant.periods()
        ]
        return head
    assert on is not None  # noqa: S101 - the caller gives a date unless all_dates
    head["as_of"] = on
    head.update(_marked(tenant, on))
    head["parameters"] = _values(tenant, on, projection)
    return head


def _marked(tenant: Tenant, on: dt.date) -> dict[str, Any]:
    return {"projection": True} if tenant.is_projection(on) else {}


def _values(tenant: Tenant, on: dt.date, projection: bool) -> dict[str, Any]:
    return {name: unstructure_value(value)
            for name, value in sorted(tenant.parameters(on, projection=projection).items())}


def _drop_none(value: Any) -> Any:  # noqa: ANN401 - plain data
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def to_toml(data: dict[str, Any]) -> str:
    """TOML (tomli-w). Rates stay exact: read them back with ``tomllib.loads(text,
    parse_float=Decimal)``. An open-ended bracket has no ``below`` key (TOML has no null)."""
    import tomli_w  # noqa: PLC0415 - only the export command needs it

    return tomli_w.dumps(_drop_none(data))


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)  # exact; a JSON number would be read as a float by most readers
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(value)


def to_json(data: dict[str, Any]) -> str:
    """JSON. Integers (yen) are numbers; decimals (rates) are strings, to stay exact."""
    import json  # noqa: PLC0415 - only the export command needs it

    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
