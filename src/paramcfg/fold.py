"""Fold a tenant's constants into typed rules before code generation.

With the parameter values of one (tenant, period) known, a parameter reference becomes a
constant, and comparisons, ``and``/``or``/``not`` and ``if`` over constants are decided here
once instead of at every evaluation (``保育料.多子軽減 == 制限なし`` is true or false for a
town).  Arithmetic is left alone: folding it would have to reproduce the runtime's exact
arithmetic, and it is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from paramcfg import ir as r
from paramcfg.tables import Table

if TYPE_CHECKING:
    from collections.abc import Mapping

    from paramcfg.model import Resolved

__all__ = ["fold_rules"]


def _const(node: r.IR) -> bool:
    return isinstance(node, r.Const)


def _compare(op: str, a: Any, b: Any) -> bool:  # noqa: ANN401 - any comparable constant
    return bool({
        "==": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b, "<=": lambda: a <= b,
        ">": lambda: a > b, ">=": lambda: a >= b,
    }[op]())


def fold(node: r.IR, values: Mapping[str, Resolved]) -> r.IR:
    """``node`` with parameters replaced by their values and decidable branches decided."""
    if isinstance(node, r.ParamRef):
        resolved = values.get(node.name)
        if resolved is None or isinstance(resolved.value, Table):
            return node  # missing (an error if reached) or a table (looked up, not inlined)
        return r.Const(resolved.value, node.type, node.span)
    if isinstance(node, r.Const | r.InputRef | r.LocalRef | r.AsOf):
        return node
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        if isinstance(value, tuple) and value and all(_is_ir(v) for v in value):
            changes[field.name] = tuple(fold(v, values) for v in value)
        elif _is_ir(value):
            changes[field.name] = fold(value, values)
    node = attrs.evolve(node, **changes) if changes else node
    if isinstance(node, r.Compare) and _const(node.left) and _const(node.right):
        left, right = node.left, node.right
        assert isinstance(left, r.Const)  # noqa: S101 - checked just above
        assert isinstance(right, r.Const)  # noqa: S101 - checked just above
        return r.Const(_compare(node.op, left.value, right.value), node.type, node.span)
    if isinstance(node, r.Not) and isinstance(node.operand, r.Const):
        return r.Const(not node.operand.value, node.type, node.span)
    if isinstance(node, r.Logic):
        # Keep the order of evaluation: `false and x` never evaluates x, so it folds to false,
        # but `x and false` still evaluates x (which may raise), so it stays.
        left, right = node.left, node.right
        if isinstance(left, r.Const):
            decisive = (not left.value) if node.op == "and" else bool(left.value)
            return r.Const(left.value, node.type, node.span) if decisive else right
        if isinstance(right, r.Const):
            decisive = (not right.value) if node.op == "and" else bool(right.value)
            return node if decisive else left
        return node
    if isinstance(node, r.Cond) and isinstance(node.cond, r.Const):
        branch = node.then if node.cond.value else node.else_
        # The branch keeps the type of the `if` it replaces (yen in an `amount` if stays an
        # amount), so that code generation treats it exactly as the interpreter does.
        return branch if branch.type == node.type else attrs.evolve(branch, type=node.type)
    return node


def _is_ir(value: object) -> bool:
    return attrs.has(type(value)) and hasattr(value, "type") and hasattr(value, "span") \
        and type(value).__module__ == r.__name__


def fold_rules(rules: Mapping[str, r.TypedRule], values: Mapping[str, Resolved]
               ) -> dict[str, r.TypedRule]:
    return {name: attrs.evolve(rule, body=fold(rule.body, values)) for name, rule in rules.items()}
