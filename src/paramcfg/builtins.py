"""The builtin functions of the rule language: one registry entry per function.

Each :class:`Builtin` holds everything about one function: its signature and one-line doc (the
table of docs/language.md §5.7 is checked against :data:`BUILTINS` by tests/unit/test_builtins.py),
its typing rule (called by the type checker, :mod:`paramcfg.rules`), its runtime function, the
code template the compiler (:mod:`paramcfg.compile`) writes for it and the function the
reference interpreter (:mod:`paramcfg.interpret`) evaluates it with.  Adding a builtin is one
entry here plus tests (CONTRIBUTING.md).

Functions of one family (the four roundings, the aggregates, the date functions) share their
rules.  A code template returns Python source built only from what the generator gives it —
generated names of constants and of sub-expressions — and reaches a runtime function through a
generated constant name, never by splicing any text of the rule.  An interpreter function is
the plain meaning of the call, with no optimisation, so that it stays the compiler's oracle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from paramcfg import ir
from paramcfg import nodes as n
from paramcfg import runtime as rt
from paramcfg import types as t
from paramcfg.errors import EvaluationError
from paramcfg.ir import BOOL, DATE, DIMLESS, INT, MONEY, MONTHDAY, YEN

if TYPE_CHECKING:
    from paramcfg.diagnostics import Span

__all__ = ["BUILTINS", "Builtin", "Generator", "Interpreting", "Typer"]


# ---- what each part of an entry is given -------------------------------------------------------


class Typer(Protocol):
    """What a typing rule may ask of the type checker."""

    def expr(self, e: n.Expr, scope: Mapping[str, t.Type], expected: t.Type | None
             ) -> ir.IR | None: ...

    def error(self, span: Span, en: str, ja: str, fix: str = "", fix_ja: str = "") -> None: ...

    def arity(self, e: n.Call, want: int) -> ir.IR | None: ...

    def bad(self, code: str, span: Span, **args: str) -> None: ...


def _argument(ty: Typer, e: n.Call, span: Span, what: tuple[str, str], want: tuple[str, str],
              found: str | tuple[str, str]) -> None:
    """Report an argument of a builtin of the wrong kind (PC0812), with the call as it is written."""
    found_en, found_ja = (found, found) if isinstance(found, str) else found
    ty.bad("PC0812", span, name=e.name, what=what[0], what_ja=what[1], want=want[0],
           want_ja=want[1], found=found_en, found_ja=found_ja, call=BUILTINS[e.name].signature)


_FIRST = ("the first argument", "1番目の引数")
_SECOND = ("the second argument", "2番目の引数")
_ARGUMENTS = ("the arguments", "引数")


class Generator(Protocol):
    """What a code template may ask of the compiler: generated names only."""

    memo: dict[object, Any]

    def expr(self, node: ir.IR, env: Mapping[str, str]) -> str: ...

    def const(self, value: object) -> str: ...

    def fresh(self, prefix: str) -> str: ...

    def param_rounder(self, mode: str, param: str, unit: int) -> str | None: ...


class Interpreting(Protocol):
    """What an interpreter function may ask of the reference interpreter."""

    rule_name: str
    trace: bool

    def eval(self, node: ir.IR, env: dict[str, object]) -> object: ...

    def note(self, kind: str, name: str, value: object, detail: str) -> None: ...


TypingRule = Callable[[Typer, n.Call, Mapping[str, t.Type], "t.Type | None"], "ir.IR | None"]
Template = Callable[[Generator, Any, Mapping[str, str]], str]
Interpret = Callable[[Interpreting, Any, dict[str, object]], object]


@attrs.frozen
class Builtin:
    """One builtin function."""

    name: str
    signature: str  # as docs/language.md writes the call, e.g. "floor(x, unit)"
    doc: str  # one line (docs/language.md has the full text, in English only)
    typing: TypingRule
    template: Template
    interpret: Interpret
    runtime: Callable[..., object] | None = None  # what both evaluators call, if anything
    family: str = ""  # rounding, aggregate or date: functions that share their rules
    #: A date function's argument types and result type (the others type their own way).
    arg_types: tuple[t.Type, ...] = ()
    result: t.Type | None = None


# ---- rounding: floor ceil round_half_up round_half_even --------------------------------------


def _type_rounding(ty: Typer, e: n.Call, scope: Mapping[str, t.Type],
                   _expected: t.Type | None) -> ir.IR | None:
    if len(e.args) != 2:
        return ty.arity(e, 2)
    x = ty.expr(e.args[0], scope, None)
    unit_node = e.args[1]
    if x is None:
        return None
    if not (isinstance(unit_node, n.Lit) and unit_node.kind in {"number", "yen"}
            and isinstance(unit_node.value, int | Decimal) and unit_node.value > 0):
        ty.bad("PC0810", unit_node.span, name=e.name, want="a positive number such as 100",
               want_ja="100 のような正の数")
        return None
    unit = unit_node.value
    if isinstance(x.type, MONEY):
        if not isinstance(unit, int):
            ty.bad("PC0810", unit_node.span, name=e.name,
                   want="a whole number of yen for an amount: 1, 10, 100, 1000 …",
                   want_ja="金額なら 1、10、100、1000 などの整数")
            return None
        result: t.Type = YEN
    elif isinstance(x.type, DIMLESS):
        result = INT if isinstance(unit, int) else ir.DEC
    else:
        _argument(ty, e, x.span, _FIRST, ("a number or an amount", "数値か金額"), str(x.type))
        return None
    if e.name == "floor" and isinstance(unit, int) and isinstance(x, ir.Arith) and x.op == "/" \
            and ir.whole(x.left.type) and ir.whole(x.right.type):
        # The language's rule: floor(a / b, u) of whole numbers is exact at any size.
        return ir.FloorQuotient(x.left, x.right, unit, result, e.span)
    return ir.RoundTo(e.name, x, unit, result, e.span)


def _compile_rounding(gen: Generator, node: ir.RoundTo | ir.FloorQuotient,
                      env: Mapping[str, str]) -> str:
    unit = gen.const(node.unit)
    if isinstance(node, ir.FloorQuotient):
        a, b = gen.expr(node.dividend, env), gen.expr(node.divisor, env)
        divisor = _folded_int(node.divisor)
        if divisor:  # a folded divisor: no check for zero, no call
            return f"({a} // {gen.const(divisor * node.unit)} * {unit})"
        return f"{gen.const(rt.floor_quotient)}({a}, {b}, {unit})"
    x = gen.expr(node.operand, env)
    if node.mode == "floor" and ir.whole(node.operand.type) and isinstance(node.unit, int):
        return f"({x} // {unit} * {unit})"  # exact on int: the common case, inline
    rounder = _rate_rounder(gen, node, env)
    if rounder is not None:
        return rounder
    return f"{gen.const(rt.round_to)}({gen.const(node.mode)}, {x}, {unit})"


def _rate_rounder(gen: Generator, node: ir.RoundTo, env: Mapping[str, str]) -> str | None:
    """``round(x * rate, unit)`` of a whole ``x`` and a Decimal rate in integer arithmetic
    (:func:`runtime.rate_rounder`): a constant rate's rounder, a rate parameter's (bound per
    town), or, for a rate known at run time, :func:`runtime.round_product`; else ``None``."""
    op = node.operand
    if not (isinstance(op, ir.Arith) and op.op == "*") or type(node.unit) is not int:
        return None
    for rate, x in ((op.right, op.left), (op.left, op.right)):
        if isinstance(rate, ir.ParamRef) and isinstance(rate.type, t.RateType | t.DecimalType) \
                and ir.whole(x.type):
            name = gen.param_rounder(node.mode, rate.name, node.unit)  # bound per town
            if name is not None:
                return f"{name}({gen.expr(x, env)})"
        if isinstance(rate, ir.Const) and type(rate.value) is Decimal and ir.whole(x.type):
            key = ("rate_rounder", node.mode, str(rate.value), node.unit)  # one per site kind
            if key not in gen.memo:
                rounder = rt.rate_rounder(node.mode, rate.value, node.unit)
                gen.memo[key] = None if rounder is None else gen.const(rounder)
            name = gen.memo[key]
            if name is not None:
                return f"{name}({gen.expr(x, env)})"
    if ir.whole(op.left.type) != ir.whole(op.right.type):  # int × a rate known at run time
        a, b = gen.expr(op.left, env), gen.expr(op.right, env)
        return f"{gen.const(rt.round_product)}({gen.const(node.mode)}, {a}, {b}, {gen.const(node.unit)})"
    return None


def _folded_int(node: ir.IR) -> int | None:
    """The value of a whole-number constant, or of a negated one (``-3`` is not folded)."""
    if isinstance(node, ir.Neg):
        value = _folded_int(node.operand)
        return None if value is None else -value
    return node.value if isinstance(node, ir.Const) and type(node.value) is int else None


def _interpret_rounding(it: Interpreting, node: ir.RoundTo | ir.FloorQuotient,
                        env: dict[str, object]) -> object:
    if isinstance(node, ir.FloorQuotient):
        a, b = it.eval(node.dividend, env), it.eval(node.divisor, env)
        assert isinstance(a, int) and isinstance(b, int)  # noqa: PT018, S101 - typed
        return rt.floor_quotient(a, b, node.unit)
    x = it.eval(node.operand, env)
    assert isinstance(x, int | Decimal)  # noqa: S101 - typed
    return rt.round_to(node.mode, x, node.unit)


# ---- min max clamp ------------------------------------------------------------------------


def _type_min_max(ty: Typer, e: n.Call, scope: Mapping[str, t.Type],
                  expected: t.Type | None) -> ir.IR | None:
    if len(e.args) == 2 and isinstance(e.args[1], n.Lambda):
        return _type_aggregate(ty, e, scope, expected)
    if len(e.args) < 2:
        return ty.arity(e, 2)
    args = [ty.expr(a, scope, expected) for a in e.args]
    if any(a is None for a in args):
        return None
    typed = [a for a in args if a is not None]
    result: t.Type | None = typed[0].type
    for a in typed[1:]:
        result = ir.join(result, a.type) if result is not None else None
    if result is None or not isinstance(result, MONEY + DIMLESS + (t.DateType,)):
        _argument(ty, e, e.span, _ARGUMENTS,
                  ("numbers, amounts or dates of one kind", "同じ種類の数値・金額・日付"),
                  ", ".join(str(a.type) for a in typed))
        return None
    return ir.Extremum(e.name, tuple(typed), result, e.span)


def _compile_min_max(gen: Generator, node: ir.Extremum | ir.Aggregate,
                     env: Mapping[str, str]) -> str:
    if isinstance(node, ir.Aggregate):
        return _compile_aggregate(gen, node, env)
    return f"{node.op}({', '.join(gen.expr(a, env) for a in node.args)})"


def _interpret_min_max(it: Interpreting, node: ir.Extremum | ir.Aggregate,
                       env: dict[str, object]) -> object:
    if isinstance(node, ir.Aggregate):
        return _interpret_aggregate(it, node, env)
    values: list[Any] = [it.eval(a, env) for a in node.args]
    return min(values) if node.op == "min" else max(values)


def _type_clamp(ty: Typer, e: n.Call, scope: Mapping[str, t.Type],
                expected: t.Type | None) -> ir.IR | None:
    if len(e.args) != 3:
        return ty.arity(e, 3)
    x, lo, hi = (ty.expr(a, scope, expected) for a in e.args)
    if x is None or lo is None or hi is None:
        return None
    result = ir.join(x.type, lo.type)
    result = ir.join(result, hi.type) if result is not None else None
    if result is None or not isinstance(result, MONEY + DIMLESS):
        _argument(ty, e, e.span, _ARGUMENTS,
                  ("numbers or amounts of one kind", "同じ種類の数値か金額"),
                  ", ".join(str(a.type) for a in (x, lo, hi)))
        return None
    return ir.Clamp(x, lo, hi, result, e.span)


def _compile_clamp(gen: Generator, node: ir.Clamp, env: Mapping[str, str]) -> str:
    x, lo, hi = (gen.expr(a, env) for a in (node.operand, node.low, node.high))
    return f"min(max({x}, {lo}), {hi})"


def _interpret_clamp(it: Interpreting, node: ir.Clamp, env: dict[str, object]) -> object:
    x: Any = it.eval(node.operand, env)
    lo: Any = it.eval(node.low, env)
    hi: Any = it.eval(node.high, env)
    return min(max(x, lo), hi)


# ---- aggregates: sum count any all map (and min max over a list) -----------------------------


def _type_aggregate(ty: Typer, e: n.Call, scope: Mapping[str, t.Type],
                    _expected: t.Type | None) -> ir.IR | None:
    if not e.args or len(e.args) > 2:
        return ty.arity(e, 2)
    source = ty.expr(e.args[0], scope, None)
    if source is None:
        return None
    if not isinstance(source.type, t.ListType):
        _argument(ty, e, source.span, _FIRST, ("a list", "リスト"), str(source.type))
        return None
    elem = source.type.element
    if len(e.args) == 1:
        if e.name == "map":
            return ty.arity(e, 2)
        if e.name == "count":
            return ir.Aggregate("count", source, None, None, INT, e.span)
        if (e.name in {"any", "all"} and isinstance(elem, t.BoolType)) or (
                e.name in {"sum", "min", "max"} and isinstance(elem, MONEY + DIMLESS)):
            result = BOOL if e.name in {"any", "all"} else elem
            return ir.Aggregate(e.name, source, None, None, result, e.span)
        _argument(ty, e, e.span, _SECOND, ("a function such as m -> …", "m -> … のような関数"),
                  (f"no function (the list is of {elem})", f"関数がありません（{elem} のリスト）"))
        return None
    fn = e.args[1]
    if not isinstance(fn, n.Lambda):
        _argument(ty, e, fn.span, _SECOND,
                  ("a function such as m -> m.年齢", "m -> m.年齢 のような関数"), ("a value", "値"))
        return None
    body = ty.expr(fn.body, {**scope, fn.param: elem}, None)
    if body is None:
        return None
    if e.name == "map":
        return ir.Aggregate("map", source, fn.param, body, t.ListType(body.type), e.span)
    if e.name in {"count", "any", "all"}:
        if not isinstance(body.type, t.BoolType):
            _argument(ty, e, body.span, ("the result of the function", "関数の結果"),
                      ("true/false", "真偽値"), str(body.type))
            return None
        result = INT if e.name == "count" else BOOL
    elif isinstance(body.type, MONEY + DIMLESS):
        result = body.type
    else:
        _argument(ty, e, body.span, ("the result of the function", "関数の結果"),
                  ("a number or an amount", "数値か金額"), str(body.type))
        return None
    return ir.Aggregate(e.name, source, fn.param, body, result, e.span)


def _compile_aggregate(gen: Generator, node: ir.Aggregate, env: Mapping[str, str]) -> str:
    source = gen.expr(node.source, env)
    if node.body is None or node.var is None:
        item = "_x"
        body = item
    else:
        item = gen.fresh("_v")
        body = gen.expr(node.body, {**env, node.var: item})
    each = f"{body} for {item} in {source}"
    if node.kind == "sum":
        return f"sum(({each}), 0)" if ir.whole(node.type) else f"{gen.const(rt.total)}(({each}))"
    if node.kind == "count":
        return f"len({source})" if node.body is None else f"sum(1 for {item} in {source} if {body})"
    if node.kind in {"any", "all"}:
        return f"{node.kind}({each})"
    if node.kind == "map":
        return f"tuple([{each}])"
    return f"{node.kind}(({each}))"


def _interpret_aggregate(it: Interpreting, node: ir.Aggregate, env: dict[str, object]) -> object:
    items = it.eval(node.source, env)
    assert isinstance(items, tuple)  # noqa: S101 - lists are tuples once checked
    if node.kind in {"any", "all"} and node.body is not None and node.var is not None:
        # Stop at the first item that decides, as `any`/`all` mean: a later item that would
        # fail to evaluate is never reached.
        want = node.kind == "any"
        for item in items:
            if bool(it.eval(node.body, {**env, node.var: item})) is want:
                return want
        return not want
    if node.body is None or node.var is None:
        values: list[Any] = list(items)
    else:
        values = [it.eval(node.body, {**env, node.var: item}) for item in items]
    kind = node.kind
    if kind == "map":
        return tuple(values)
    if kind == "count":
        return len(values) if node.body is None else sum(1 for v in values if v)
    if kind == "any":
        return any(values)
    if kind == "all":
        return all(values)
    if kind == "sum":
        return rt.total(values)
    if not values:
        raise EvaluationError(f"{kind} of an empty list (rule {it.rule_name})", node.span,
                              rule=it.rule_name,
                              msg_ja=f"空のリストの {kind} は求められません"
                                     f"（ルール「{it.rule_name}」）")
    return min(values) if kind == "min" else max(values)


# ---- date functions: a signature each, then a runtime call ---------------------------------

def _type_date(ty: Typer, e: n.Call, scope: Mapping[str, t.Type],
               _expected: t.Type | None) -> ir.IR | None:
    want, result = BUILTINS[e.name].arg_types, BUILTINS[e.name].result
    assert result is not None  # noqa: S101 - every date function has one
    if len(e.args) != len(want):
        return ty.arity(e, len(want))
    typed = []
    for arg, wanted in zip(e.args, want, strict=True):
        a = ty.expr(arg, scope, wanted)
        if a is None:
            return None
        if not ir.assignable(wanted, a.type):
            _argument(ty, e, a.span, ("this argument", "この引数"),
                      (wanted.name_en, wanted.name_ja), str(a.type))
            return None
        typed.append(a)
    return ir.DateFunc(e.name, tuple(typed), result, e.span)


def _compile_date(gen: Generator, node: ir.DateFunc, env: Mapping[str, str]) -> str:
    args = ", ".join(gen.expr(a, env) for a in node.args)
    return f"{gen.const(BUILTINS[node.name].runtime)}({args})"


def _interpret_date(it: Interpreting, node: ir.DateFunc, env: dict[str, object]) -> object:
    args: list[Any] = [it.eval(a, env) for a in node.args]
    fn = BUILTINS[node.name].runtime
    assert fn is not None  # noqa: S101 - every date function has one
    return fn(*args)


def _interpret_business_day(it: Interpreting, node: ir.DateFunc,
                            env: dict[str, object]) -> object:
    day: Any = it.eval(node.args[0], env)
    closed: Any = it.eval(node.args[1], env)
    value = rt.business_day(day, closed)
    if it.trace:
        # Say why a date moved: each day skipped, with its holiday's name or weekday.
        skipped = []
        while day < value:
            skipped.append(f"{day.isoformat()} {rt.closed_reason(day, closed)}")
            day += dt.timedelta(days=1)
        if skipped:
            it.note("calendar", node.name, value, ", ".join(skipped))
    return value


# ---- the registry ---------------------------------------------------------------------------


def _rounding(name: str, signature: str, doc: str) -> Builtin:
    return Builtin(name, signature, doc, _type_rounding, _compile_rounding,
                   _interpret_rounding, rt.round_to, "rounding")


def _aggregate(name: str, signature: str, doc: str) -> Builtin:
    return Builtin(name, signature, doc, _type_aggregate, _compile_aggregate,
                   _interpret_aggregate, family="aggregate")


def _date(name: str, signature: str, doc: str, runtime: Callable[..., object],
          types: tuple[tuple[t.Type, ...], t.Type], interpret: Interpret = _interpret_date
          ) -> Builtin:
    return Builtin(name, signature, doc, _type_date, _compile_date, interpret, runtime, "date",
                   *types)


_ENTRIES: Final = (
    _rounding("floor", "floor(x, unit)", "the largest multiple of unit not above x (切捨て)"),
    _rounding("ceil", "ceil(x, unit)", "the smallest multiple of unit not below x (切上げ)"),
    _rounding("round_half_up", "round_half_up(x, unit)",
              "to the nearest multiple of unit, halves away from zero (四捨五入)"),
    _rounding("round_half_even", "round_half_even(x, unit)",
              "to the nearest multiple of unit, halves to the even multiple (銀行丸め)"),
    Builtin("min", "min(a, b, …)", "the smallest of two or more values of one kind, or the "
            "smallest e over a list: min(list, x -> e)",
            _type_min_max, _compile_min_max, _interpret_min_max, min),
    Builtin("max", "max(a, b, …)", "the largest of two or more values of one kind, or the "
            "largest e over a list: max(list, x -> e)",
            _type_min_max, _compile_min_max, _interpret_min_max, max),
    Builtin("clamp", "clamp(x, low, high)", "x kept within [low, high]",
            _type_clamp, _compile_clamp, _interpret_clamp),
    _aggregate("sum", "sum(list, x -> e)", "the sum of e over the items (0 for an empty list)"),
    _aggregate("count", "count(list)", "the number of items, or of items for which c is true: "
               "count(list, x -> c)"),
    _aggregate("any", "any(list, x -> c)", "whether some item satisfies c"),
    _aggregate("all", "all(list, x -> c)", "whether every item satisfies c"),
    _aggregate("map", "map(list, x -> e)", "the list of e for every item, in order"),
    _date("fiscal_year", "fiscal_year(d)", "the Japanese fiscal year of date d",
          rt.fiscal_year, ((DATE,), INT)),
    _date("age_on", "age_on(birth, d)", "completed years of age on date d", rt.age_on,
          ((DATE, DATE), INT)),
    _date("months_between", "months_between(a, b)", "whole months from a to b",
          rt.months_between, ((DATE, DATE), INT)),
    _date("fiscal_date", "fiscal_date(day, year)", "the date of a monthday in fiscal year year",
          rt.fiscal_date, ((MONTHDAY, INT), DATE)),
    _date("business_day", "business_day(d, closed)",
          "d if it is a business day, else the first business day after it",
          rt.business_day, ((DATE, t.ListType(MONTHDAY)), DATE), _interpret_business_day),
    _date("add_months", "add_months(d, n)", "d moved by n whole months", rt.add_months,
          ((DATE, INT), DATE)),
    _date("fiscal_months", "fiscal_months(year)",
          "the first day of each of the 12 months of fiscal year year", rt.fiscal_months,
          ((INT,), t.ListType(DATE))),
)

#: Every builtin function, by name.
BUILTINS: Final[Mapping[str, Builtin]] = {b.name: b for b in _ENTRIES}
