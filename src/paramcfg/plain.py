"""Values as plain data: JSON-shaped (``unstructure_value``) and into a vendor's attrs classes
(``structure_parameters``, with cattrs).  Exact numbers stay exact: a ``Decimal`` is never
turned into a ``float``.  Used by the API (:mod:`paramcfg.engine`), explanations
(:mod:`paramcfg.interpret`) and :mod:`paramcfg.export`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from paramcfg.tables import Table
from paramcfg.types import MonthDay, RecordValue

__all__ = ["converter", "structure_parameters", "unstructure_value"]

T = TypeVar("T")

converter = cattrs.Converter()
# Exact numbers cross the boundary as they are; a float is never made from a Decimal.
converter.register_structure_hook(
    Decimal, lambda v, _: v if isinstance(v, Decimal) else Decimal(str(v)))
converter.register_structure_hook(
    dt.date, lambda v, _: v if isinstance(v, dt.date) else dt.date.fromisoformat(v))
converter.register_structure_hook(MonthDay, lambda v, _: v)
converter.register_structure_hook(Table, lambda v, _: v)
converter.register_structure_hook(RecordValue, lambda v, _: v)


def unstructure_value(value: object) -> Any:  # noqa: ANN401 - JSON-shaped data
    """A value as plain data: ints, Decimal, strings, lists and dicts."""
    if isinstance(value, bool | int | Decimal | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, MonthDay):
        return str(value)
    if isinstance(value, tuple | list):
        return [unstructure_value(v) for v in value]
    if isinstance(value, RecordValue):
        return {k: unstructure_value(v) for k, v in value.fields}
    if isinstance(value, Table):
        return _table_rows(value)
    return converter.unstructure(value)


def _table_rows(table: Table) -> list[dict[str, Any]]:
    rows = []
    for idx, flat in table.positions():
        row: dict[str, Any] = {}
        for axis, i in zip(table.axes, idx, strict=True):
            if axis.is_bracket:
                assert table.brackets is not None  # noqa: S101 - a bracket axis
                row[f"{axis.name}.from"] = unstructure_value(table.brackets.lows[i])
                high = table.brackets.highs[i]
                row[f"{axis.name}.below"] = None if high is None else unstructure_value(high)
            else:
                row[axis.name] = axis.key.members[i]  # type: ignore[attr-defined]
        row["value"] = unstructure_value(table.cells[flat])
        rows.append(row)
    return rows


def structure_parameters(values: dict[str, object], cls: type[T], *, prefix: str = "") -> T:
    """Build ``cls`` (an attrs class) from parameter values.

    Attribute ``固定資産税_税率`` receives parameter ``固定資産税.税率`` (with ``prefix`` removed
    from the parameter names first).  Attributes with no parameter keep their defaults.
    """
    data = {}
    for name, value in values.items():
        if prefix and not name.startswith(prefix):
            continue
        data[name.removeprefix(prefix).replace(".", "_")] = value
    fields = {f.name for f in cls.__attrs_attrs__}  # type: ignore[attr-defined]
    return converter.structure({k: v for k, v in data.items() if k in fields}, cls)
