"""The typed expression tree (IR) of rules, and the facts derived from it once.

The type checker (:mod:`paramcfg.rules`) builds it; the reference interpreter
(:mod:`paramcfg.interpret`), the constant folder (:mod:`paramcfg.fold`) and the compiler
(:mod:`paramcfg.compile`) consume it.  Every node is typed and names are resolved to inputs,
parameters, locals, rules or constants.  The builtin functions' nodes (``RoundTo``,
``FloorQuotient``, ``Extremum``, ``Clamp``, ``Aggregate``, ``DateFunc``) name their entry of
:data:`paramcfg.builtins.BUILTINS` by :attr:`builtin`.

Also here, because the typer and the builtins' typing rules both need them: the unit algebra
of types (:func:`join`, :func:`assignable`) and the one computation of the inputs each rule may
read (:attr:`TypedRule.inputs`, filled by :func:`with_inputs`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

from paramcfg import types as t
from paramcfg.diagnostics import Span
from paramcfg.model import Rule

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["AS_OF", "AS_OF_KEY", "IR", "TypedRule", "assignable", "called_closure", "input_types", "join",
           "transitive_inputs", "walk", "whole", "with_inputs"]

AS_OF: Final = "as_of"  # the evaluation date, usable in any rule
# `as_of` travels like an input: compiled code is shared by every date of a period, so the
# date cannot be folded in.  No input can have this name (it is not a word).
AS_OF_KEY: Final = "\x00as_of"

MONEY = (t.YenType, t.AmountType)
DIMLESS = (t.IntType, t.DecimalType, t.RateType)
YEN, AMOUNT, INT, DEC, RATE = t.YenType(), t.AmountType(), t.IntType(), t.DecimalType(), t.RateType()
BOOL, DATE = t.BoolType(), t.DateType()
MONTHDAY = t.MonthDayType()

# ---- IR --------------------------------------------------------------------------------------


@attrs.frozen
class Const:
    value: object
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class InputRef:
    name: str
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class ParamRef:
    name: str
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class LocalRef:
    name: str
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class AsOf:
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class FieldGet:
    obj: IR
    field: str
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Arith:
    op: str  # + - * /
    left: IR
    right: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Neg:
    operand: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Compare:
    op: str
    left: IR
    right: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Logic:
    op: str  # and or
    left: IR
    right: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Not:
    operand: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Cond:
    cond: IR
    then: IR
    else_: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class LetIn:
    name: str
    value: IR
    body: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class RuleCall:
    rule: str
    args: tuple[IR, ...]
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class TableLookup:
    param: str
    keys: tuple[IR, ...]
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class ScaleCalc:
    param: str
    key: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class RoundTo:
    mode: str  # floor ceil round_half_up round_half_even
    operand: IR
    unit: int | Decimal
    type: t.Type
    span: Span = attrs.field(eq=False)

    @property
    def builtin(self) -> str:
        return self.mode


@attrs.frozen
class FloorQuotient:
    """``floor(a / b, unit)`` of whole numbers: exact integer division at any size (the
    language's rule for that form, docs/language.md), not a Decimal quotient rounded."""

    dividend: IR
    divisor: IR
    unit: int
    type: t.Type
    span: Span = attrs.field(eq=False)

    @property
    def builtin(self) -> str:
        return "floor"


@attrs.frozen
class Extremum:
    op: str  # min max
    args: tuple[IR, ...]
    type: t.Type
    span: Span = attrs.field(eq=False)

    @property
    def builtin(self) -> str:
        return self.op


@attrs.frozen
class Clamp:
    operand: IR
    low: IR
    high: IR
    type: t.Type
    span: Span = attrs.field(eq=False)

    @property
    def builtin(self) -> str:
        return "clamp"


@attrs.frozen
class Aggregate:
    kind: str  # sum count any all min max map
    source: IR
    var: str | None
    body: IR | None
    type: t.Type
    span: Span = attrs.field(eq=False)

    @property
    def builtin(self) -> str:
        return self.kind


@attrs.frozen
class DateFunc:
    name: str
    args: tuple[IR, ...]
    type: t.Type
    span: Span = attrs.field(eq=False)

    @property
    def builtin(self) -> str:
        return self.name


IR: TypeAlias = (
    "Const | InputRef | ParamRef | LocalRef | AsOf | FieldGet | Arith | Neg | Compare | Logic"
    " | Not | Cond | LetIn | RuleCall | TableLookup | ScaleCalc | RoundTo | FloorQuotient"
    " | Extremum | Clamp | Aggregate | DateFunc"
)
#: The nodes of builtin function calls (each has a ``builtin`` name).
BuiltinNode: TypeAlias = "RoundTo | FloorQuotient | Extremum | Clamp | Aggregate | DateFunc"


@attrs.frozen
class TypedRule:
    name: str
    params: tuple[tuple[str, t.Type], ...]
    type: t.Type
    body: IR
    calls: frozenset[str]
    rule: Rule = attrs.field(eq=False)
    #: Every input the rule or a rule it calls may read, sorted by name, with its type
    #: (:data:`AS_OF_KEY`, a date, when it reads the evaluation date).  Both evaluators check
    #: all of them before evaluating, so a missing input fails the same way whichever branch
    #: is taken.  Computed once, by :func:`with_inputs`; folding keeps it (an input that
    #: folding made unreachable is still required).
    inputs: tuple[tuple[str, t.Type], ...] = ()

    @property
    def span(self) -> Span:
        return self.rule.span


# ---- the unit algebra of types -----------------------------------------------------------------


def _dimless_join(a: t.Type, b: t.Type) -> t.Type:
    if isinstance(a, t.IntType) and isinstance(b, t.IntType):
        return INT
    if isinstance(a, t.RateType | t.IntType) and isinstance(b, t.RateType | t.IntType):
        return RATE
    return DEC


def _money_join(a: t.Type, b: t.Type) -> t.Type:
    return YEN if isinstance(a, t.YenType) and isinstance(b, t.YenType) else AMOUNT


def join(a: t.Type, b: t.Type) -> t.Type | None:
    """The type of a value that is either ``a`` or ``b`` (branches, min/max), or ``None``."""
    if isinstance(a, MONEY) and isinstance(b, MONEY):
        return _money_join(a, b)
    if isinstance(a, DIMLESS) and isinstance(b, DIMLESS):
        return _dimless_join(a, b)
    if isinstance(a, t.TextType) and isinstance(b, t.TextType):
        return t.TextType()
    return a if a == b else None


def whole(ty: t.Type) -> bool:
    """Values of ``ty`` are always Python ints at run time."""
    return isinstance(ty, t.YenType | t.IntType)


def assignable(target: t.Type, value: t.Type) -> bool:
    if isinstance(target, t.YenType):
        return isinstance(value, t.YenType)
    if isinstance(target, t.IntType):
        return isinstance(value, t.IntType)
    if isinstance(target, t.DecimalType | t.RateType):
        return isinstance(value, DIMLESS)
    if isinstance(target, t.TextType):
        return isinstance(value, t.TextType)
    return target == value


# ---- facts derived from the IR, computed once ---------------------------------------------


def _inputs_of(node: IR) -> set[str]:
    found: set[str] = set()

    def note(x: IR) -> None:
        if isinstance(x, InputRef):
            found.add(x.name)
        elif isinstance(x, AsOf):
            found.add(AS_OF_KEY)

    walk(node, note)
    return found


def _closures(rules: Mapping[str, TypedRule]) -> dict[str, frozenset[str]]:
    """For each rule, every input it or a rule it calls may read, with :data:`AS_OF_KEY` when
    it reads the evaluation date."""
    direct = {name: _inputs_of(rule.body) for name, rule in rules.items()}
    # Each rule's closure once, from its callees' (a diamond of calls has exponentially many
    # paths: walking each took 28 s for 23 layers), depth first without recursion (a long
    # chain of calls is not limited by Python's stack).  A cycle, an error the checker
    # reports, is cut where it closes.
    callees = {name: sorted(rule.calls) for name, rule in rules.items()}
    closed: dict[str, frozenset[str]] = {}
    for root in rules:
        if root in closed:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        active = {root}
        while stack:
            name, i = stack[-1]
            calls = callees[name]
            if i < len(calls):
                stack[-1] = (name, i + 1)
                callee = calls[i]
                if callee not in closed and callee not in active and callee in rules:
                    active.add(callee)
                    stack.append((callee, 0))
                continue
            acc = set(direct[name])
            for callee in calls:
                acc |= closed.get(callee, frozenset())
            closed[name] = frozenset(acc)
            active.discard(name)
            stack.pop()
    return closed


def with_inputs(rules: Mapping[str, TypedRule]) -> dict[str, TypedRule]:
    """``rules`` with :attr:`TypedRule.inputs` filled: the one place they are computed."""
    types: dict[str, t.Type] = {AS_OF_KEY: DATE}

    def note(x: IR) -> None:
        if isinstance(x, InputRef):
            types.setdefault(x.name, x.type)

    for rule in rules.values():
        walk(rule.body, note)
    closed = _closures(rules)
    return {name: attrs.evolve(rule, inputs=tuple((i, types[i]) for i in sorted(closed[name])))
            for name, rule in rules.items()}


def transitive_inputs(rules: Mapping[str, TypedRule]) -> dict[str, list[str]]:
    """For each rule, the names of :attr:`TypedRule.inputs` (sorted, with :data:`AS_OF_KEY`
    when it reads the evaluation date)."""
    return {name: [i for i, _ in rule.inputs] for name, rule in rules.items()}


def called_closure(rules: Mapping[str, TypedRule], root: str) -> set[str]:
    """``root`` and every rule it calls, directly or through other rules."""
    wanted: set[str] = set()
    stack = [root]
    while stack:
        name = stack.pop()
        if name not in wanted:
            wanted.add(name)
            stack.extend(rules[name].calls)
    return wanted


def input_types(rules: Mapping[str, TypedRule]) -> dict[str, t.Type]:
    """The type of every input that some rule reads (from :attr:`TypedRule.inputs`)."""
    return {i: ty for rule in rules.values() for i, ty in rule.inputs if i != AS_OF_KEY}


def walk(node: IR, fn: Callable[[IR], object]) -> None:
    """Call ``fn`` on ``node`` and every IR node below it."""
    fn(node)
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        if isinstance(value, tuple):
            for v in value:
                if attrs.has(type(v)) and hasattr(v, "type"):
                    walk(v, fn)
        elif attrs.has(type(value)) and hasattr(value, "type") and not isinstance(value, t.Type):
            walk(value, fn)
