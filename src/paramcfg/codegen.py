"""Helpers of the rule compiler's body generation (:mod:`paramcfg.compile`).

Constants pooled by exact value, nested table constants, int chains written inline, and the
per-evaluation sharing of rule-call results (:func:`memo_key`).

**Sharing results within one evaluation.**  Rules are pure: within one evaluation (one call of
an entry) a rule called with the same arguments gives the same value.  The generated code keeps
a dict ``_m``, made by the entry and passed to every rule function, from a call's key to its
result.  A call is looked up there first and evaluated (then stored) only when it is not there:
a lazy cell, so a call is evaluated exactly where, and only if, the unshared code would have
evaluated it first — a sub-rule under an untaken branch is still never evaluated, and an error
is raised by the same call as before (an evaluation that raises ends, so no failed result is
ever shared).  The interpreter (the oracle, and ``explain``) stays naive.

A key is the rule's index and its arguments: an argument of a type whose equal values are
interchangeable (int, yen, bool, text, date, enum member) by value; any other (a rate or
decimal, whose equal values may differ in exponent; a record; a list) by identity, with the
object kept alive in the stored value so that its id cannot be reused within the evaluation.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeGuard

import attrs

from paramcfg import ir as r
from paramcfg import types as t

if TYPE_CHECKING:
    from collections.abc import Sequence

    from paramcfg.diagnostics import Span
    from paramcfg.tables import Table

__all__ = ["PRECEDENCE", "closed", "memo_key", "nest", "pool_key", "shared_operand", "whole_chain"]

#: Parameter types whose equal values are interchangeable: a memo key holds them by value.
_BY_VALUE: Final = (t.YenType, t.IntType, t.BoolType, t.TextType, t.DateType, t.EnumType)


def memo_key(index: int, params: Sequence[tuple[str, t.Type]], args: Sequence[str]) -> tuple[str, str | None]:
    """The source of a call's memo key, and of the tuple of objects it names by identity
    (``None`` when it names none: the stored value is then the result itself, else
    ``(result, kept)``).  ``args`` are generated local names, never user text."""
    if not args:
        return str(index), None
    parts, kept = [str(index)], []
    for (_, ty), arg in zip(params, args, strict=True):
        if isinstance(ty, _BY_VALUE):
            parts.append(arg)
        else:
            parts.append(f"id({arg})")
            kept.append(arg)
    key = f"({', '.join(parts)})"
    return key, (f"({', '.join(kept)},)" if kept else None)


#: Types whose equal values are interchangeable (same type, same text): pooled by value.
_PLAIN: Final = frozenset({int, str, bool, dt.date, t.MonthDay, type(None)})


PRECEDENCE: Final = {"+": 1, "-": 1, "*": 2}


def whole_chain(node: r.IR) -> TypeGuard[r.Arith]:
    """An int ``+``, ``-`` or ``*`` written inline (see :meth:`compile._Gen.expr`)."""
    return (isinstance(node, r.Arith) and node.op in PRECEDENCE and r.whole(node.left.type)
            and r.whole(node.right.type))


def pool_key(value: object) -> object:
    """Constants share one name only if they are of the same types and exact representation
    all the way down: ``(Decimal("0"),) == (0,)`` in Python, but a rate table's cells are not
    its lows, and a record ``{x = 1.00}`` is not ``{x = 1.0}`` (``Decimal`` by its text)."""
    kind = type(value)
    if kind is tuple:
        assert isinstance(value, tuple)  # noqa: S101 - for mypy
        return (tuple, tuple(pool_key(v) for v in value))
    if kind is Decimal:
        return (Decimal, str(value))
    if kind is t.RecordValue:
        assert isinstance(value, t.RecordValue)  # noqa: S101 - for mypy
        return (t.RecordValue, value.type_name, pool_key(value.fields))
    if kind is frozenset:
        assert isinstance(value, frozenset)  # noqa: S101 - for mypy
        return (frozenset, frozenset(pool_key(v) for v in value))
    if kind in _PLAIN:
        return (kind, value)
    return (kind, id(value))  # anything else is shared only with itself


def nest(table: Table, order: Sequence[int]) -> object:
    """``table``'s cells nested along the axes in ``order``: a tuple for a bracket axis, a dict
    from member to the next level for a category axis."""
    sizes = [len(table.brackets.lows) if axis.is_bracket and table.brackets is not None
             else len(axis.key.members) if isinstance(axis.key, t.EnumType) else 0
             for axis in table.axes]
    strides = [1] * len(sizes)
    for i in range(len(sizes) - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]

    def level(depth: int, offset: int) -> object:
        if depth == len(order):
            return table.cells[offset]
        i = order[depth]
        axis = table.axes[i]
        if axis.is_bracket:
            return tuple(level(depth + 1, offset + j * strides[i]) for j in range(sizes[i]))
        assert isinstance(axis.key, t.EnumType)  # noqa: S101 - a category axis
        return {m: level(depth + 1, offset + j * strides[i]) for j, m in enumerate(axis.key.members)}

    return level(0, 0)


#: Nodes that bind a name: a shared operand is never looked for below them (the name may hide
#: one the operand reads).
_BINDERS: Final = (r.LetIn, r.Aggregate)
_LEAVES: Final = (r.Const, r.LocalRef, r.InputRef, r.ParamRef, r.AsOf)
_OPAQUE: Final = (*_BINDERS, *_LEAVES)


def shared_operand(operands: Sequence[r.IR], key: str) -> tuple[r.IR, list[r.IR]] | None:
    """In ``a op b and c op d …`` (operands in evaluation order), the left side ``x`` of the
    first comparison, when it recurs in a later operand: ``(x, later operands with x read from
    the local ``key``)``.  ``x`` is evaluated first of all, unconditionally, so a later
    occurrence (evaluated after it, if at all, in the same scope) has the same value and
    cannot raise: reading it back is exact.  ``None`` when there is nothing to share."""
    first = operands[0]
    if not isinstance(first, r.Compare) or isinstance(first.left, _LEAVES):
        return None
    shared = first.left
    found = [False]

    def swap(node: r.IR) -> r.IR:
        if node == shared:
            found[0] = True
            return r.LocalRef(key, node.type, node.span)
        if isinstance(node, _OPAQUE):
            return node
        changes: dict[str, Any] = {}
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            if isinstance(value, tuple) and all(attrs.has(type(x)) and hasattr(x, "type")
                                                and not isinstance(x, t.Type) for x in value):
                changes[field.name] = tuple(swap(x) for x in value)
            elif attrs.has(type(value)) and hasattr(value, "type") and not isinstance(value, t.Type):
                changes[field.name] = swap(value)
        return attrs.evolve(node, **changes) if changes else node

    later = [swap(x) for x in operands[1:]]
    return (shared, later) if found[0] else None


def closed(node: r.IR) -> bool:
    """``node`` reads no local name (only inputs, parameters, constants and the date): within
    one evaluation it always has the same value."""
    found = []
    r.walk(node, lambda x: found.append(x) if isinstance(x, r.LocalRef) else None)
    return not found


class LinecacheEntry:
    """Lives in a generated module's namespace; its finalizer drops the module's source from
    linecache (3,000 reloads kept 3,000 sources, +57 MB)."""

    __slots__ = ("__weakref__",)


def span_of(exc: BaseException, filename: str, line_map: tuple[Span | None, ...]) -> Span | None:
    """The DSL span of the innermost generated line that ``exc`` passed through."""
    tb = exc.__traceback__
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename and 0 < tb.tb_lineno <= len(line_map):
            found = line_map[tb.tb_lineno - 1]
        tb = tb.tb_next
    return found


#: A generated line that reads or passes the evaluation's memo of rule-call results (``_m``).
_USES_MEMO: Final = re.compile(r"\b_m\b")


def uses_memo(lines: Sequence[str]) -> bool:
    """Whether generated ``lines`` share rule-call results: only then does an entry make a memo
    (a dict per evaluation is a cost the simplest rules need not pay)."""
    return any(_USES_MEMO.search(line) for line in lines)
