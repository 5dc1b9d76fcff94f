"""Export: a tenant's parameters as JSON or TOML, and CLI input values read by their types.

Values stay exact: yen are ints, rates are Decimal strings in JSON and TOML, dates are ISO
strings, tables become lists of rows (:mod:`paramcfg.plain`, the one cattrs converter).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from paramcfg import nodes as n
from paramcfg import syntax, values
from paramcfg import types as t
from paramcfg.convert import Converter
from paramcfg.plain import converter, structure_parameters, unstructure_value
from paramcfg.runtime import CONTEXT
from paramcfg.values import format_value

if TYPE_CHECKING:
    from paramcfg.diagnostics import Diagnostic
    from paramcfg.engine import Tenant

__all__ = [
    "converter", "export_data", "parse_input", "structure_parameters", "to_json", "to_toml",
    "unstructure_value",
]

# The plain-data conversions live in paramcfg.plain (engine and interpret use them, and sit
# below this module); they are re-exported here for the callers of the old paths.

def _number(raw: int | Decimal) -> Decimal:
    """A number given as data (JSON, TOML) as a Decimal, refused (:class:`types.TooManyDigitsError`)
    beyond the digits of docs/limits.md before anything is converted:
    ``int(Decimal("1E+999999999"))`` never ends."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if not values.within_digits(raw):
        if isinstance(raw, Decimal) and not raw.is_finite():
            raise ValueError(raw)
        raise values.TooManyDigitsError(_shown(raw))
    return Decimal(raw)


def _shown(value: object) -> str:
    text = format_value(value) if isinstance(value, int) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: A comma that separates list items: not one that groups digits (followed by exactly three).
_LIST_COMMA: Final = re.compile(r",(?!\d{3}(?:\D|$))")
_NUMERIC: Final = (t.YenType, t.IntType, t.RateType, t.DecimalType)


def _read(text: str, ty: t.Type) -> object:
    """Text as a value of scalar type ``ty``, read as a profile reads it (the profile's own
    literal reader, :func:`paramcfg.syntax.parse_value`, then :class:`paramcfg.types.Converter`).

    The command line is a little more forgiving than a profile, where that cannot mislead:
    an amount or a rate may leave off 円 (``48600``; a rate then is the fraction itself,
    ``0.014``), a whole number may be written ``3.0``, a space may stand before 円 or %, and
    a date may be written in the era (``令和6年4月1日``) or any ISO form."""
    text = text.strip()
    if isinstance(ty, _NUMERIC):
        if sum(ch.isdigit() for ch in text) > values.MAX_INPUT_DIGITS:
            raise values.TooManyDigitsError(_shown(text))  # before anything is read
        if text[-1:] in {"円", "%"}:
            text = text[:-1].rstrip() + text[-1]
    if isinstance(ty, t.DateType):
        text = values.era_to_iso(text) or text
    node, problems = syntax.parse_value(text)
    if isinstance(node, n.Lit):
        node = _forgiven(node, ty)
    diags: list[Diagnostic] = list(problems)
    value = Converter(diags, {}).convert(_INPUT, ty, node) if node is not None else None
    if isinstance(value, Decimal) and isinstance(node, n.Lit) and node.kind == "percent" and \
            node.text.endswith("%"):
        # As before the literal reader was shared: 100% is Decimal("1"), not the profile's
        # Decimal("1.00") (equal, but a rule's JSON output would show the digits).
        value = CONTEXT.divide(value.scaleb(2), 100)
    if value is None or diags:
        if isinstance(ty, t.DateType) and not (isinstance(node, n.Lit) and node.kind == "date"):
            with contextlib.suppress(ValueError):
                return dt.date.fromisoformat(text)  # 20240401 and the other ISO forms
        detail = diags[0].message("en") if diags else "not one value"
        raise ValueError(f"{_shown(text)}: {detail}")
    return value


_INPUT: Final = "the input"


def _forgiven(lit: n.Lit, ty: t.Type) -> n.Lit:
    """A bare number as what the command line also accepts it as (see :func:`_read`)."""
    if lit.kind != "number":
        return lit
    if isinstance(ty, t.YenType):
        return attrs.evolve(lit, kind="yen")
    if isinstance(ty, t.RateType):
        return attrs.evolve(lit, kind="percent")  # the fraction itself: 0.014
    if isinstance(ty, t.IntType) and isinstance(lit.value, Decimal) and \
            lit.value == lit.value.to_integral_value():
        return attrs.evolve(lit, value=int(lit.value))
    return lit


def _items(text: str, ty: t.ListType) -> list[object]:
    """``[登録, 注射済票交付]``, ``[1,000円, 2,000円]``: a list written as a profile writes it
    (a comma followed by exactly three digits groups digits, as in the language)."""
    node, _ = syntax.parse_value(text)
    items = node.items if isinstance(node, n.ListValue) else ()
    if isinstance(node, n.ListValue) and all(isinstance(i, n.Lit | n.Member) for i in items):
        if isinstance(ty.element, t.EnumType | t.TextType):
            return [_word(i) for i in items]
        return [parse_input(values.node_text(i), ty.element) for i in items]
    # Not a profile's list (text with spaces, say): items as written between the commas.
    inner = text.strip()[1:-1].strip()
    return [] if not inner else [parse_input(v.strip(), ty.element) for v in _LIST_COMMA.split(inner)]


def _word(item: n.Value) -> str:
    """A list item given for a text or a member: a name as written, a string without quotes."""
    if isinstance(item, n.Lit) and item.kind == "string":
        return str(item.value)
    return values.node_text(item)


def parse_input(raw: object, ty: t.Type) -> object:
    """Plain data (command-line text, or JSON read with ``parse_float=Decimal``) as the exact
    value of ``ty``: ``"48,600円"`` → ``48600``, ``"1.4%"`` → ``Decimal("0.014")``.  Text is
    read as a profile reads a value (:func:`_read`).

    :raises ValueError: if ``raw`` is not a value of ``ty``; a ``float`` never is.
    """
    if isinstance(raw, float):
        raise ValueError(f"{raw!r} is a float; give the exact figure as text")
    if isinstance(ty, t.EnumType | t.TextType):
        if isinstance(raw, str):
            return raw
        raise ValueError(raw)
    if isinstance(ty, t.ListType):
        if isinstance(raw, str) and raw.strip().startswith("[") and raw.strip().endswith("]") \
                and not isinstance(ty.element, t.RecordType | t.ListType):
            return _items(raw.strip(), ty)
        if isinstance(raw, list | tuple):
            return [parse_input(v, ty.element) for v in raw]
        raise ValueError(raw)
    if isinstance(ty, t.RecordType):
        if isinstance(raw, dict):
            return {f.name: parse_input(raw[f.name], f.type) for f in ty.fields if f.name in raw}
        raise ValueError(raw)
    if isinstance(raw, str) and isinstance(ty, (*_NUMERIC, t.BoolType, t.DateType, t.MonthDayType)):
        return _read(raw, ty)
    if isinstance(ty, t.YenType | t.IntType):
        if not isinstance(raw, int | Decimal):
            raise ValueError(raw)
        value = _number(raw)
        if value != value.to_integral_value():
            raise ValueError(raw)
        return int(value)
    if isinstance(ty, t.RateType | t.DecimalType):
        if not isinstance(raw, int | Decimal):
            raise ValueError(raw)
        return _number(raw)
    if isinstance(ty, t.BoolType) and isinstance(raw, bool):
        return raw
    if isinstance(ty, t.DateType) and isinstance(raw, dt.date):
        return raw
    if isinstance(ty, t.MonthDayType) and isinstance(raw, t.MonthDay):
        return raw
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
    if tenant.profile.kind == "prefecture":
        head["kind"] = "prefecture"
    if tenant.layer is not None:
        head["prefecture"] = tenant.layer.name
    if tenant.horizon is not None:
        head["law_through"] = tenant.horizon
    if all_dates:
        head["periods"] = [
            {"from": start, **_marked(tenant, start),
             "parameters": _values(tenant, start, projection),
             "sources": _sources(tenant, start)}
            for start in tenant.periods()
        ]
        return head
    assert on is not None  # noqa: S101 - the caller gives a date unless all_dates
    head["as_of"] = on
    head.update(_marked(tenant, on))
    head["parameters"] = _values(tenant, on, projection)
    head["sources"] = _sources(tenant, on)
    return head


def _marked(tenant: Tenant, on: dt.date) -> dict[str, Any]:
    return {"projection": True} if tenant.is_projection(on) else {}


def _values(tenant: Tenant, on: dt.date, projection: bool) -> dict[str, Any]:
    return {name: unstructure_value(value)
            for name, value in sorted(tenant.parameters(on, projection=projection).items())}


def _sources(tenant: Tenant, on: dt.date) -> dict[str, str]:
    """Where each value comes from: its layer and line (``tenant tenant_profiles/naka.pcfg:40``,
    ``prefecture prefectures/ibaraki.pcfg:19``, ``default package_core/….pcore:586``)."""
    return {name: r.provenance for name, r in sorted(tenant.values(on).items())}


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
