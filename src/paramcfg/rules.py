"""Rules: resolve names and check types with units, giving a typed expression tree (IR).

Units: ``yen + yen`` is yen; ``yen × rate`` (or ``yen / 3``) is a fractional *amount* that
must be rounded — ``floor(x, 100)`` — before it is yen again; ``yen + rate`` is an error.
Dimensionless numbers are ``int``, ``decimal`` and ``rate``.  Rules call rules as a DAG.

The IR is what both the reference interpreter (:mod:`paramcfg.interpret`) and the compiler
(:mod:`paramcfg.compile`) consume: every node is typed and names are resolved to inputs,
parameters, locals, rules or constants.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg.convert import Converter
from paramcfg.diagnostics import Diagnostic, Related, Span
from paramcfg.model import Rule
from paramcfg.names import suggest
from paramcfg.values import parse_date, too_long, too_long_diagnostic

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from paramcfg.model import Core

__all__ = ["AS_OF_KEY", "ROUNDING", "TypedRule", "input_types", "transitive_inputs", "type_rules", "walk"]

ROUNDING: Final = ("floor", "ceil", "round_half_up", "round_half_even")
AGGREGATES: Final = ("sum", "count", "any", "all", "min", "max", "map")
DATE_FUNCTIONS: Final = ("fiscal_year", "age_on", "months_between", "fiscal_date", "business_day",
                         "add_months", "fiscal_months")
AS_OF: Final = "as_of"  # the evaluation date, usable in any rule
# `as_of` travels like an input: compiled code is shared by every date of a period, so the
# date cannot be folded in.  No input can have this name (it is not a word).
AS_OF_KEY: Final = "\x00as_of"

MONEY = (t.YenType, t.AmountType)
DIMLESS = (t.IntType, t.DecimalType, t.RateType)
YEN, AMOUNT, INT, DEC, RATE = t.YenType(), t.AmountType(), t.IntType(), t.DecimalType(), t.RateType()
BOOL, DATE = t.BoolType(), t.DateType()
MONTHDAY = t.MonthDayType()
#: The date functions: argument types and result type.
DATE_SIGNATURES: Final[dict[str, tuple[tuple[t.Type, ...], t.Type]]] = {
    "fiscal_year": ((DATE,), INT),
    "age_on": ((DATE, DATE), INT),
    "months_between": ((DATE, DATE), INT),
    "fiscal_date": ((MONTHDAY, INT), DATE),
    "business_day": ((DATE, t.ListType(MONTHDAY)), DATE),
    "add_months": ((DATE, INT), DATE),
    "fiscal_months": ((INT,), t.ListType(DATE)),
}

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
    mode: str
    operand: IR
    unit: int | Decimal
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Extremum:
    op: str  # min max
    args: tuple[IR, ...]
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Clamp:
    operand: IR
    low: IR
    high: IR
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Aggregate:
    kind: str  # sum count any all min max map
    source: IR
    var: str | None
    body: IR | None
    type: t.Type
    span: Span = attrs.field(eq=False)


@attrs.frozen
class DateFunc:
    name: str
    args: tuple[IR, ...]
    type: t.Type
    span: Span = attrs.field(eq=False)


IR: TypeAlias = (
    "Const | InputRef | ParamRef | LocalRef | AsOf | FieldGet | Arith | Neg | Compare | Logic"
    " | Not | Cond | LetIn | RuleCall | TableLookup | ScaleCalc | RoundTo | Extremum | Clamp"
    " | Aggregate | DateFunc"
)


@attrs.frozen
class TypedRule:
    name: str
    params: tuple[tuple[str, t.Type], ...]
    type: t.Type
    body: IR
    calls: frozenset[str]
    rule: Rule = attrs.field(eq=False)

    @property
    def span(self) -> Span:
        return self.rule.span


# ---- type helpers ------------------------------------------------------------------------------


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


# ---- the typer ------------------------------------------------------------------------------


class _Unresolved(Exception):  # noqa: N818 - control flow inside this module
    """A bare name that is no variable: it may still be an enum member of the expected type."""

    def __init__(self, ref: n.Ref, *, reported: bool = False) -> None:
        super().__init__(ref.name)
        self.ref = ref
        self.reported = reported  # already reported (an unknown field): say nothing more


class _Typer:
    def __init__(self, core: Core, diags: list[Diagnostic]) -> None:
        self.core = core
        self.diags = diags
        self.calls: set[str] = set()

    # -- reporting
    def error(self, span: Span, en: str, ja: str, fix: str = "", fix_ja: str = "") -> None:
        self.diags.append(Diagnostic("PC0801", span, {
            "detail": en, "detail_ja": ja, "fix": fix or "see the rules section of docs/language.md",
            "fix_ja": fix_ja or "docs/language.md のルールの節を参照してください"}))

    def unknown(self, ref: n.Ref, scope: Mapping[str, t.Type], expected: t.Type | None) -> None:
        if isinstance(expected, t.EnumType):
            Converter(self.diags, {}).unknown_member(expected, ref.name, ref.span)
            return
        pool = [*scope, *self.core.inputs, *self.core.params, *self.core.rules]
        hint, hint_ja = suggest(ref.name, pool)
        self.diags.append(Diagnostic("PC0201", ref.span, {
            "kind": "name", "kind_ja": "名前", "name": ref.name, "suggestion": hint,
            "suggestion_ja": hint_ja}))

    # -- entry
    def rule(self, rule: Rule) -> TypedRule | None:
        self.calls = set()
        scope = dict(rule.params)
        body = self.expr(rule.body, scope, rule.type)
        if body is None:
            return None
        if not assignable(rule.type, body.type):
            if isinstance(rule.type, t.YenType) and isinstance(body.type, t.AmountType):
                self.diags.append(Diagnostic("PC0802", body.span, {"name": rule.name}))
            else:
                self.error(body.span,
                           f"rule {rule.name} returns {rule.type}, but its body is {body.type}",
                           f"ルール「{rule.name}」の型は {rule.type} ですが、本体は {body.type} です")
            return None
        return TypedRule(rule.name, rule.params, rule.type, body, frozenset(self.calls), rule)

    # -- expressions
    def expr(self, e: n.Expr, scope: Mapping[str, t.Type], expected: t.Type | None) -> IR | None:
        try:
            return self._expr(e, scope, expected)
        except _Unresolved as u:
            if not u.reported:
                self.unknown(u.ref, scope, expected)
            return None

    def _expr(self, e: n.Expr, scope: Mapping[str, t.Type], expected: t.Type | None) -> IR | None:
        if isinstance(e, n.Lit):
            return self.literal(e)
        if isinstance(e, n.Ref):
            return self.ref(e, scope, expected)
        if isinstance(e, n.Binary):
            if e.op in {"and", "or"}:
                return self.logic(e, scope)
            if e.op in {"+", "-", "*", "/"}:
                return self.arith(e, scope)
            return self.compare(e, scope)
        if isinstance(e, n.Unary):
            operand = self.expr(e.operand, scope, expected)
            if operand is None:
                return None
            if e.op == "not":
                if not isinstance(operand.type, t.BoolType):
                    self.error(e.span, f"`not` needs true/false, not {operand.type}",
                               f"not には真偽値が必要です（{operand.type} ではなく）")
                    return None
                return Not(operand, BOOL, e.span)
            if not isinstance(operand.type, MONEY + DIMLESS):
                self.error(e.span, f"cannot negate {operand.type}", f"{operand.type} に負号は付けられません")
                return None
            return Neg(operand, operand.type, e.span)
        if isinstance(e, n.If):
            return self.cond(e, scope, expected)
        if isinstance(e, n.Let):
            value = self.expr(e.value, scope, None)
            if value is None:
                return None
            body = self.expr(e.body, {**scope, e.name: value.type}, expected)
            return None if body is None else LetIn(e.name, value, body, body.type, e.span)
        if isinstance(e, n.Call):
            return self.call(e, scope, expected)
        if isinstance(e, n.Lambda):
            self.error(e.span, "a function `x -> …` can only be given to sum, count, any, all, "
                       "min, max or map",
                       "x -> … は sum、count、any、all、min、max、map の引数にだけ書けます")
            return None
        self.error(e.span, "a list cannot stand here", "ここにリストは書けません")
        return None

    def literal(self, lit: n.Lit) -> IR | None:
        value = lit.value
        if too_long(lit):
            self.diags.append(too_long_diagnostic(lit))
            return None
        if lit.kind == "yen":
            assert isinstance(value, int | Decimal)  # noqa: S101 - by the lexer
            if isinstance(value, Decimal) and value != value.to_integral_value():
                self.error(lit.span, f"{lit.text} is not whole yen", f"{lit.text} は円単位ではありません")
                return None
            return Const(int(value), YEN, lit.span)
        if lit.kind == "percent":
            return Const(value, RATE, lit.span)
        if lit.kind == "number":
            return Const(value, INT if isinstance(value, int) else DEC, lit.span)
        if lit.kind == "bool":
            return Const(value, BOOL, lit.span)
        if lit.kind == "string":
            return Const(value, t.TextType(), lit.span)
        if lit.kind == "date":
            diags: list[Diagnostic] = []
            d = parse_date(lit, diags)
            self.diags.extend(diags)
            return None if d is None else Const(d, DATE, lit.span)
        conv = Converter(self.diags, {})
        md = conv.convert("", t.MonthDayType(), lit)
        return None if md is None else Const(md, t.MonthDayType(), lit.span)

    def ref(self, ref: n.Ref, scope: Mapping[str, t.Type], expected: t.Type | None) -> IR:
        name = ref.name
        found = self.variable(name, scope, ref.span)
        if found is not None:
            return found
        # Dotted: the longest prefix that names a variable, then fields of records.
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            base = self.variable(".".join(parts[:cut]), scope, ref.span)
            if base is not None:
                return self.fields(base, parts[cut:], ref)
        if isinstance(expected, t.EnumType) and name in expected.members:
            return Const(name, expected, ref.span)
        raise _Unresolved(ref)

    def variable(self, name: str, scope: Mapping[str, t.Type], span: Span) -> IR | None:
        if name in scope:
            return LocalRef(name, scope[name], span)
        if name in self.core.inputs:
            return InputRef(name, self.core.inputs[name].type, span)
        if name in self.core.params:
            return ParamRef(name, self.core.params[name].type, span)
        rule = self.core.rules.get(name)
        if rule is not None:
            if rule.params:
                self.error(span, f"rule {name} needs arguments: {name}(…)",
                           f"ルール「{name}」には引数が必要です: {name}(…)")
                return None
            self.calls.add(name)
            return RuleCall(name, (), rule.type, span)
        if name == AS_OF:
            return AsOf(DATE, span)
        return None

    def fields(self, base: IR, path: list[str], ref: n.Ref) -> IR:
        out = base
        for field in path:
            rec = out.type
            f = rec.field(field) if isinstance(rec, t.RecordType) else None
            if f is None:
                pool = [x.name for x in rec.fields] if isinstance(rec, t.RecordType) else []
                hint, hint_ja = suggest(field, pool)
                self.diags.append(Diagnostic("PC0201", ref.span, {
                    "kind": f"field of {rec}", "kind_ja": f"{rec}の項目", "name": field,
                    "suggestion": hint, "suggestion_ja": hint_ja}))
                raise _Unresolved(ref, reported=True) from None
            out = FieldGet(out, field, f.type, ref.span)
        return out

    def pair(self, a: n.Expr, b: n.Expr, scope: Mapping[str, t.Type]) -> tuple[IR, IR] | None:
        """Type two operands; a bare member name takes the other side's enum type."""
        try:
            left = self._expr(a, scope, None)
        except _Unresolved:
            right = self.expr(b, scope, None)
            if right is None:
                return None
            left = self.expr(a, scope, right.type)
            return None if left is None else (left, right)
        if left is None:
            return None
        right = self.expr(b, scope, left.type)
        return None if right is None else (left, right)

    def arith(self, e: n.Binary, scope: Mapping[str, t.Type]) -> IR | None:
        operands = self.pair(e.left, e.right, scope)
        if operands is None:
            return None
        left, right = operands
        lt, rt = left.type, right.type
        result: t.Type | None = None
        if e.op in {"+", "-"}:
            if isinstance(lt, MONEY) and isinstance(rt, MONEY):
                result = _money_join(lt, rt)
            elif isinstance(lt, DIMLESS) and isinstance(rt, DIMLESS):
                result = _dimless_join(lt, rt)
        elif e.op == "*":
            if isinstance(lt, MONEY) and isinstance(rt, DIMLESS):
                result = YEN if isinstance(lt, t.YenType) and isinstance(rt, t.IntType) else AMOUNT
            elif isinstance(lt, DIMLESS) and isinstance(rt, MONEY):
                result = YEN if isinstance(rt, t.YenType) and isinstance(lt, t.IntType) else AMOUNT
            elif isinstance(lt, DIMLESS) and isinstance(rt, DIMLESS):
                result = _dimless_join(lt, rt)
        elif isinstance(lt, MONEY) and isinstance(rt, DIMLESS):
            result = AMOUNT
        elif isinstance(lt, MONEY) and isinstance(rt, MONEY):
            result = DEC
        elif isinstance(lt, DIMLESS) and isinstance(rt, DIMLESS):
            result = RATE if isinstance(lt, t.RateType) or isinstance(rt, t.RateType) else DEC
        if result is None:
            self.error(e.span, f"cannot compute {lt} {e.op} {rt}",
                       f"{lt} {e.op} {rt} は計算できません",
                       "amounts combine with amounts (円) and scale by numbers or rates; "
                       "write 円 on amounts",
                       "金額どうしの加減、金額と数値・率の乗除だけができます。金額には円を付けてください")
            return None
        return Arith(e.op, left, right, result, e.span)

    def compare(self, e: n.Binary, scope: Mapping[str, t.Type]) -> IR | None:
        operands = self.pair(e.left, e.right, scope)
        if operands is None:
            return None
        left, right = operands
        lt, rt = left.type, right.type
        ordered = e.op not in {"==", "!="}
        ok = (
            (isinstance(lt, MONEY) and isinstance(rt, MONEY))
            or (isinstance(lt, DIMLESS) and isinstance(rt, DIMLESS))
            or (isinstance(lt, t.DateType) and isinstance(rt, t.DateType))
            or (not ordered and join(lt, rt) is not None)
        )
        if not ok:
            self.error(e.span, f"cannot compare {lt} {e.op} {rt}", f"{lt} と {rt} は {e.op} で比べられません")
            return None
        return Compare(e.op, left, right, BOOL, e.span)

    def logic(self, e: n.Binary, scope: Mapping[str, t.Type]) -> IR | None:
        left = self.expr(e.left, scope, BOOL)
        right = self.expr(e.right, scope, BOOL)
        if left is None or right is None:
            return None
        for side in (left, right):
            if not isinstance(side.type, t.BoolType):
                self.error(side.span, f"`{e.op}` needs true/false, not {side.type}",
                           f"{e.op} には真偽値が必要です（{side.type} ではなく）")
                return None
        return Logic(e.op, left, right, BOOL, e.span)

    def cond(self, e: n.If, scope: Mapping[str, t.Type], expected: t.Type | None) -> IR | None:
        c = self.expr(e.cond, scope, BOOL)
        a = self.expr(e.then, scope, expected)
        if a is None or c is None:
            return None
        b = self.expr(e.else_, scope, expected or a.type)
        if b is None:
            return None
        if not isinstance(c.type, t.BoolType):
            self.error(c.span, f"`if` needs true/false, not {c.type}",
                       f"if の条件には真偽値が必要です（{c.type} ではなく）")
            return None
        ty = join(a.type, b.type)
        if ty is None:
            self.error(e.span, f"the branches differ: {a.type} and {b.type}",
                       f"then と else の型が違います: {a.type} と {b.type}")
            return None
        return Cond(c, a, b, ty, e.span)

    # -- calls
    def call(self, e: n.Call, scope: Mapping[str, t.Type], expected: t.Type | None) -> IR | None:
        name = e.name
        if name in ROUNDING:
            return self.rounding(e, scope)
        if name in {"min", "max"} and not (len(e.args) == 2 and isinstance(e.args[1], n.Lambda)):
            return self.extremum(e, scope, expected)
        if name in AGGREGATES:
            return self.aggregate(e, scope)
        if name == "clamp":
            return self.clamp(e, scope, expected)
        if name in DATE_FUNCTIONS:
            return self.date_func(e, scope)
        param = self.core.params.get(name)
        if param is not None and isinstance(param.type, t.TableType):
            return self.lookup(e, param.type, scope)
        if param is not None and isinstance(param.type, t.ScaleType):
            if len(e.args) != 1:
                return self.arity(e, 1)
            key = self.expr(e.args[0], scope, param.type.key.key)
            if key is None:
                return None
            if not assignable(param.type.key.key, key.type):
                self.error(key.span, f"{name} is keyed by {param.type.key.key}, not {key.type}",
                           f"「{name}」のキーは {param.type.key.key} です（{key.type} ではなく）")
                return None
            result = AMOUNT if isinstance(key.type, MONEY) else DEC
            return ScaleCalc(name, key, result, e.span)
        rule = self.core.rules.get(name)
        if rule is not None:
            if len(e.args) != len(rule.params):
                return self.arity(e, len(rule.params))
            args = []
            for arg, (pname, ptype) in zip(e.args, rule.params, strict=True):
                a = self.expr(arg, scope, ptype)
                if a is None:
                    return None
                if not assignable(ptype, a.type):
                    self.error(a.span, f"argument {pname} of {name} is {ptype}, not {a.type}",
                               f"「{name}」の引数「{pname}」は {ptype} です（{a.type} ではなく）")
                    return None
                args.append(a)
            self.calls.add(name)
            return RuleCall(name, tuple(args), rule.type, e.span)
        known = [*ROUNDING, *AGGREGATES, "clamp", *DATE_FUNCTIONS, *self.core.rules,
                 *(p for p, d in self.core.params.items()
                   if isinstance(d.type, t.TableType | t.ScaleType))]
        hint, hint_ja = suggest(name, known)
        self.diags.append(Diagnostic("PC0201", e.span, {
            "kind": "function or table", "kind_ja": "関数・表", "name": name,
            "suggestion": hint, "suggestion_ja": hint_ja}))
        return None

    def arity(self, e: n.Call, want: int) -> IR | None:
        """Report a wrong number of arguments; returns ``None`` for the caller to pass on."""
        self.diags.append(Diagnostic("PC0804", e.span, {
            "name": e.name, "expected": str(want), "found": str(len(e.args))}))
        return None

    def rounding(self, e: n.Call, scope: Mapping[str, t.Type]) -> IR | None:
        if len(e.args) != 2:
            return self.arity(e, 2)
        x = self.expr(e.args[0], scope, None)
        unit_node = e.args[1]
        if x is None:
            return None
        if not (isinstance(unit_node, n.Lit) and unit_node.kind in {"number", "yen"}
                and isinstance(unit_node.value, int | Decimal) and unit_node.value > 0):
            self.error(unit_node.span, f"the unit of {e.name} is a positive number such as 100",
                       f"{e.name} の単位は 100 のような正の数です")
            return None
        unit = unit_node.value
        if isinstance(x.type, MONEY):
            if not isinstance(unit, int):
                self.error(unit_node.span, "yen are rounded to whole yen: 1, 10, 100, 1000 …",
                           "金額の端数処理の単位は 1、10、100、1000 などの整数です")
                return None
            return RoundTo(e.name, x, unit, YEN, e.span)
        if isinstance(x.type, DIMLESS):
            return RoundTo(e.name, x, unit, INT if isinstance(unit, int) else DEC, e.span)
        self.error(x.span, f"{e.name} rounds numbers and amounts, not {x.type}",
                   f"{e.name} は数値と金額の端数処理です（{x.type} ではなく）")
        return None

    def extremum(self, e: n.Call, scope: Mapping[str, t.Type], expected: t.Type | None) -> IR | None:
        if len(e.args) < 2:
            return self.arity(e, 2)
        args = [self.expr(a, scope, expected) for a in e.args]
        if any(a is None for a in args):
            return None
        typed = [a for a in args if a is not None]
        ty: t.Type | None = typed[0].type
        for a in typed[1:]:
            ty = join(ty, a.type) if ty is not None else None
        if ty is None or not isinstance(ty, MONEY + DIMLESS + (t.DateType,)):
            self.error(e.span, f"{e.name} needs numbers, amounts or dates of one kind",
                       f"{e.name} には同じ種類の数値・金額・日付が必要です")
            return None
        return Extremum(e.name, tuple(typed), ty, e.span)

    def clamp(self, e: n.Call, scope: Mapping[str, t.Type], expected: t.Type | None) -> IR | None:
        if len(e.args) != 3:
            return self.arity(e, 3)
        x, lo, hi = (self.expr(a, scope, expected) for a in e.args)
        if x is None or lo is None or hi is None:
            return None
        ty = join(x.type, lo.type)
        ty = join(ty, hi.type) if ty is not None else None
        if ty is None or not isinstance(ty, MONEY + DIMLESS):
            self.error(e.span, "clamp(x, low, high) needs numbers or amounts of one kind",
                       "clamp(x, 下限, 上限) には同じ種類の数値か金額が必要です")
            return None
        return Clamp(x, lo, hi, ty, e.span)

    def aggregate(self, e: n.Call, scope: Mapping[str, t.Type]) -> IR | None:
        if not e.args or len(e.args) > 2:
            return self.arity(e, 2)
        source = self.expr(e.args[0], scope, None)
        if source is None:
            return None
        if not isinstance(source.type, t.ListType):
            self.error(source.span, f"{e.name} needs a list, not {source.type}",
                       f"{e.name} にはリストが必要です（{source.type} ではなく）")
            return None
        elem = source.type.element
        if len(e.args) == 1:
            if e.name == "map":
                return self.arity(e, 2)
            if e.name == "count":
                return Aggregate("count", source, None, None, INT, e.span)
            if (e.name in {"any", "all"} and isinstance(elem, t.BoolType)) or (
                    e.name in {"sum", "min", "max"} and isinstance(elem, MONEY + DIMLESS)):
                ty = BOOL if e.name in {"any", "all"} else elem
                return Aggregate(e.name, source, None, None, ty, e.span)
            self.error(e.span, f"{e.name} over a list of {elem} needs a function: "
                       f"{e.name}(list, m -> …)",
                       f"{elem} のリストの {e.name} には関数が必要です: {e.name}(リスト, m -> …)")
            return None
        fn = e.args[1]
        if not isinstance(fn, n.Lambda):
            self.error(fn.span, f"the second argument of {e.name} is a function such as m -> m.年齢",
                       f"{e.name} の2番目の引数は m -> m.年齢 のような関数です")
            return None
        body = self.expr(fn.body, {**scope, fn.param: elem}, None)
        if body is None:
            return None
        if e.name == "map":
            return Aggregate("map", source, fn.param, body, t.ListType(body.type), e.span)
        if e.name in {"count", "any", "all"}:
            if not isinstance(body.type, t.BoolType):
                self.error(body.span, f"the function of {e.name} must give true/false",
                           f"{e.name} の関数は真偽値を返す必要があります")
                return None
            result: t.Type = INT if e.name == "count" else BOOL
        elif isinstance(body.type, MONEY + DIMLESS):
            result = body.type
        else:
            self.error(body.span, f"{e.name} needs numbers or amounts, not {body.type}",
                       f"{e.name} には数値か金額が必要です（{body.type} ではなく）")
            return None
        return Aggregate(e.name, source, fn.param, body, result, e.span)

    def date_func(self, e: n.Call, scope: Mapping[str, t.Type]) -> IR | None:
        want, result = DATE_SIGNATURES[e.name]
        if len(e.args) != len(want):
            return self.arity(e, len(want))
        typed = []
        for arg, ty in zip(e.args, want, strict=True):
            a = self.expr(arg, scope, ty)
            if a is None:
                return None
            if not assignable(ty, a.type):
                self.error(a.span, f"{e.name} needs {ty.name_en} here, not {a.type}",
                           f"{e.name} のこの引数には{ty.name_ja}が必要です（{a.type} ではなく）")
                return None
            typed.append(a)
        return DateFunc(e.name, tuple(typed), result, e.span)

    def lookup(self, e: n.Call, table: t.TableType, scope: Mapping[str, t.Type]) -> IR | None:
        if len(e.args) != len(table.axes):
            return self.arity(e, len(table.axes))
        keys = []
        for arg, axis in zip(e.args, table.axes, strict=True):
            k = self.expr(arg, scope, axis.key)
            if k is None:
                return None
            if not (assignable(axis.key, k.type) or (
                    isinstance(axis.key, t.YenType) and isinstance(k.type, t.YenType))):
                self.error(k.span, f"{e.name} is keyed by {axis.name} : {axis.key}, not {k.type}",
                           f"「{e.name}」の軸「{axis.name}」は {axis.key} です（{k.type} ではなく）")
                return None
            keys.append(k)
        return TableLookup(e.name, tuple(keys), table.value, e.span)


def _cycles(typed: Mapping[str, TypedRule], diags: list[Diagnostic]) -> set[str]:
    """Report each cycle of rule calls once; return the rules on a cycle."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []
    bad: set[str] = set()

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for callee in sorted(typed[name].calls):
            if callee not in typed:
                continue
            if state.get(callee) == 1:
                cycle = [*stack[stack.index(callee):], callee]
                bad.update(cycle)
                rule = typed[name]
                diags.append(Diagnostic("PC0803", rule.span, {"cycle": " → ".join(cycle)},
                                        related=(Related(typed[callee].span, "the rule it calls",
                                                         "呼び出し先のルールの宣言"),)))
            elif callee not in state:
                visit(callee)
        stack.pop()
        state[name] = 2

    for name in typed:
        if name not in state:
            visit(name)
    return bad


def _too_deep(rule: Rule, diags: list[Diagnostic]) -> bool:
    if n.nesting(rule.body) <= n.MAX_NESTING:
        return False
    diags.append(Diagnostic("PC0005", rule.span, {
        "what": f"the nesting of rule {rule.name} (operators, if/else if, let and calls)",
        "what_ja": f"ルール「{rule.name}」の式の入れ子の深さ（演算子・if/else if・let・呼び出し）",
        "limit": f"{n.MAX_NESTING} levels", "limit_ja": f"{n.MAX_NESTING} 段"}, related=(Related(
            rule.span, "split it: give parts of it their own rules, or a table",
            "分けてください（部分を別のルールにするか、表にする）"),)))
    return True


def type_rules(core: Core, diags: list[Diagnostic]) -> dict[str, TypedRule]:
    """Type every rule of ``core``; rules with errors (or on a cycle) are left out, as is a rule
    nested deeper than :data:`~paramcfg.nodes.MAX_NESTING` (reported as ``PC0005`` at the rule)."""
    typer = _Typer(core, diags)
    typed = {}
    for rule in core.rules.values():
        if _too_deep(rule, diags):
            continue
        tr = typer.rule(rule)
        if tr is not None:
            typed[rule.name] = tr
    for name in _cycles(typed, diags):
        typed.pop(name, None)
    # A rule that calls a rule with errors cannot run either.
    changed = True
    while changed:
        changed = False
        for name, tr in list(typed.items()):
            if any(c not in typed for c in tr.calls):
                del typed[name]
                changed = True
    return typed


def _inputs_of(node: IR) -> set[str]:
    found: set[str] = set()

    def note(x: IR) -> None:
        if isinstance(x, InputRef):
            found.add(x.name)
        elif isinstance(x, AsOf):
            found.add(AS_OF_KEY)

    walk(node, note)
    return found


def transitive_inputs(rules: Mapping[str, TypedRule]) -> dict[str, list[str]]:
    """For each rule, every input it or a rule it calls may read (sorted), with
    :data:`AS_OF_KEY` when it reads the evaluation date.  Both evaluators check all of them
    before evaluating, so a missing input fails the same way whichever branch is taken."""
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
    return {name: sorted(closed[name]) for name in rules}


def input_types(rules: Mapping[str, TypedRule]) -> dict[str, t.Type]:
    """The type of every input that some rule reads."""
    found: dict[str, t.Type] = {}

    def note(x: IR) -> None:
        if isinstance(x, InputRef):
            found.setdefault(x.name, x.type)

    for rule in rules.values():
        walk(rule.body, note)
    return found


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
