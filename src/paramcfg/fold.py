"""Fold a tenant's constants into typed rules before code generation.

With the parameter values of one (tenant, period) known, comparisons, ``and``/``or``/``not``
and ``if`` over constants are decided here once instead of at every evaluation
(``保育料.多子軽減 == 制限なし`` is true or false for a town).  Arithmetic is left alone: folding
it would have to reproduce the runtime's exact arithmetic, and it is cheap.

Two modes.  ``inline=True`` (the columnar kernel's) also replaces every scalar parameter by its
value.  ``inline=False`` (the compiler's) keeps a parameter that decides nothing as a
:class:`~paramcfg.ir.ParamRef`, which the generated code reads from the town's own namespace:
the folded rules then depend on a town's values only through the decisions, so towns that
decide alike share one compiled module (see :mod:`paramcfg.shapes`).  :func:`decisive_params`
names, before folding, every parameter whose value a decision may read: with equal values of
those (and the same parameters set), two towns fold to the same rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from paramcfg import ir as r
from paramcfg.tables import Table

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from paramcfg.model import Resolved

__all__ = ["decisive_params", "fold_rules"]

#: The nodes that decide on a constant operand: a parameter directly below one may be read.
_DECIDING = (r.Compare, r.Not, r.Logic, r.Cond)


def _compare(op: str, a: Any, b: Any) -> bool:  # noqa: ANN401 - any comparable constant
    return bool({
        "==": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b, "<=": lambda: a <= b,
        ">": lambda: a > b, ">=": lambda: a >= b,
    }[op]())


class _Folder:
    def __init__(self, values: Mapping[str, Resolved], inline: bool) -> None:
        self.values = values
        self.inline = inline

    def constant(self, node: r.IR) -> tuple[bool, object]:
        """Whether ``node`` is a constant here, and its value."""
        if isinstance(node, r.Const):
            return True, node.value
        if isinstance(node, r.ParamRef):  # only when not inlined: a scalar with a value
            resolved = self.values.get(node.name)
            if resolved is not None and not isinstance(resolved.value, Table):
                return True, resolved.value
        return False, None

    def fold(self, node: r.IR) -> r.IR:
        """``node`` with decidable branches decided (and parameters inlined, if asked)."""
        if isinstance(node, r.ParamRef):
            resolved = self.values.get(node.name)
            if not self.inline or resolved is None or isinstance(resolved.value, Table):
                return node  # missing (an error if reached) or a table (looked up, not inlined)
            return r.Const(resolved.value, node.type, node.span)
        if isinstance(node, r.Const | r.InputRef | r.LocalRef | r.AsOf):
            return node
        changes: dict[str, Any] = {}
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            if isinstance(value, tuple) and value and all(_is_ir(v) for v in value):
                changes[field.name] = tuple(self.fold(v) for v in value)
            elif _is_ir(value):
                changes[field.name] = self.fold(value)
        node = attrs.evolve(node, **changes) if changes else node
        return self.decide(node) if isinstance(node, _DECIDING) else node

    def decide(self, node: r.IR) -> r.IR:
        if isinstance(node, r.Compare):
            (known_a, a), (known_b, b) = self.constant(node.left), self.constant(node.right)
            if known_a and known_b:
                return r.Const(_compare(node.op, a, b), node.type, node.span)
        if isinstance(node, r.Not):
            known, value = self.constant(node.operand)
            if known:
                return r.Const(not value, node.type, node.span)
        if isinstance(node, r.Logic):
            # Keep the order of evaluation: `false and x` never evaluates x, so it folds to
            # false, but `x and false` still evaluates x (which may raise), so it stays.
            left, right = node.left, node.right
            known, value = self.constant(left)
            if known:
                decisive = (not value) if node.op == "and" else bool(value)
                return r.Const(value, node.type, node.span) if decisive else right
            known, value = self.constant(right)
            if known:
                decisive = (not value) if node.op == "and" else bool(value)
                return node if decisive else left
        if isinstance(node, r.Cond):
            known, value = self.constant(node.cond)
            if known:
                branch = node.then if value else node.else_
                # The branch keeps the type of the `if` it replaces (yen in an `amount` if
                # stays an amount), so that code generation treats it as the interpreter does.
                return branch if branch.type == node.type else attrs.evolve(branch, type=node.type)
        return node


def fold(node: r.IR, values: Mapping[str, Resolved], *, inline: bool = True) -> r.IR:
    """``node`` with decidable branches decided; with ``inline``, every scalar parameter
    replaced by its value too."""
    return _Folder(values, inline).fold(node)


def _is_ir(value: object) -> bool:
    return attrs.has(type(value)) and hasattr(value, "type") and hasattr(value, "span") \
        and type(value).__module__ == r.__name__


def _children(node: r.IR) -> Iterable[r.IR]:
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        if isinstance(value, tuple):
            yield from (v for v in value if _is_ir(v))
        elif _is_ir(value):
            yield value


def decisive_params(node: r.IR) -> set[str]:
    """Every parameter whose value folding may read to decide something in ``node``: a
    parameter that is an operand of a comparison, ``not``, ``and``/``or`` or the condition of
    an ``if`` — or a branch of an ``if`` that is itself such an operand (folding may replace
    the ``if`` by it).  A superset: a comparison with a side that can never be constant (an
    input, a call) decides nothing, so its parameter is left out."""
    found: set[str] = set()
    stack: list[tuple[r.IR, bool]] = [(node, False)]
    while stack:
        x, read = stack.pop()
        if isinstance(x, r.ParamRef):
            if read:
                found.add(x.name)
        elif isinstance(x, r.Compare):
            both = _may_be_constant(x.left) and _may_be_constant(x.right)
            stack += [(x.left, both), (x.right, both)]
        elif isinstance(x, r.Not | r.Logic):
            stack += [(c, True) for c in _children(x)]
        elif isinstance(x, r.Cond):
            stack += [(x.cond, True), (x.then, read), (x.else_, read)]
        else:
            stack += [(c, False) for c in _children(x)]
    return found


def _may_be_constant(node: r.IR) -> bool:
    return isinstance(node, r.Const | r.ParamRef | r.Compare | r.Not | r.Logic | r.Cond)


def fold_rules(rules: Mapping[str, r.TypedRule], values: Mapping[str, Resolved], *,
               inline: bool = True) -> dict[str, r.TypedRule]:
    folder = _Folder(values, inline)
    return {name: attrs.evolve(rule, body=folder.fold(rule.body)) for name, rule in rules.items()}
