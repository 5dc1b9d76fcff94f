"""Rules: resolve names and check types with units, giving a typed expression tree (IR).

Units: ``yen + yen`` is yen; ``yen × rate`` (or ``yen / 3``) is a fractional *amount* that
must be rounded — ``floor(x, 100)`` — before it is yen again; ``yen + rate`` is an error.
Dimensionless numbers are ``int``, ``decimal`` and ``rate``.  Rules call rules as a DAG.

The IR itself is :mod:`paramcfg.ir`; the typing rule of each builtin function is its entry of
:data:`paramcfg.builtins.BUILTINS`.  The IR names are re-exported here for callers that import
them from ``paramcfg.rules``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg.builtins import BUILTINS
from paramcfg.convert import Converter
from paramcfg.diagnostics import Diagnostic, Related, Span
from paramcfg.ir import (
    AMOUNT,
    AS_OF,
    AS_OF_KEY,
    BOOL,
    DATE,
    DEC,
    DIMLESS,
    INT,
    IR,
    MONEY,
    MONTHDAY,
    RATE,
    YEN,
    Aggregate,
    Arith,
    AsOf,
    Clamp,
    Compare,
    Cond,
    Const,
    DateFunc,
    Extremum,
    FieldGet,
    FloorQuotient,
    InputRef,
    LetIn,
    LocalRef,
    Logic,
    Neg,
    Not,
    ParamRef,
    RoundTo,
    RuleCall,
    ScaleCalc,
    TableLookup,
    TypedRule,
    _dimless_join,
    _money_join,
    assignable,
    input_types,
    join,
    transitive_inputs,
    walk,
    with_inputs,
)
from paramcfg.names import suggest
from paramcfg.values import parse_date, too_long, too_long_diagnostic

if TYPE_CHECKING:
    from collections.abc import Mapping

    from paramcfg.model import Core, Rule

# The IR names are re-exported (other modules imported them from here before paramcfg.ir).
__all__ = [
    "AGGREGATES", "AMOUNT", "AS_OF", "AS_OF_KEY", "BOOL", "DATE", "DATE_FUNCTIONS",
    "DATE_SIGNATURES", "DEC", "DIMLESS", "INT", "IR", "MONEY", "MONTHDAY", "RATE", "ROUNDING",
    "YEN", "Aggregate", "Arith", "AsOf", "Clamp", "Compare", "Cond", "Const", "DateFunc",
    "Extremum", "FieldGet", "FloorQuotient", "InputRef", "LetIn", "LocalRef", "Logic", "Neg",
    "Not", "ParamRef", "RoundTo", "RuleCall", "ScaleCalc", "TableLookup", "TypedRule",
    "assignable", "input_types", "join", "transitive_inputs", "type_rules", "walk",
]

#: The builtins by family, from the registry.
ROUNDING: Final = tuple(name for name, b in BUILTINS.items() if b.family == "rounding")
AGGREGATES: Final = (*(name for name, b in BUILTINS.items() if b.family == "aggregate"),
                     "min", "max")
DATE_FUNCTIONS: Final = tuple(name for name, b in BUILTINS.items() if b.family == "date")
#: The date functions: argument types and result type.
DATE_SIGNATURES: Final = {name: (BUILTINS[name].arg_types, BUILTINS[name].result)
                          for name in DATE_FUNCTIONS}


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

    def bad(self, code: str, span: Span, **args: str) -> None:
        """Report a specific rule error (PC0805–PC0812): the code's templates say what to write."""
        self.diags.append(Diagnostic(code, span, args))

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
                self.bad("PC0811", body.span, name=rule.name, declared=str(rule.type),
                         found=str(body.type))
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
                    self.bad("PC0807", e.span, op="not", op_ja="not ", found=str(operand.type))
                    return None
                return Not(operand, BOOL, e.span)
            if not isinstance(operand.type, MONEY + DIMLESS):
                self.error(e.span, f"cannot negate {operand.type}", f"{operand.type} に負号は付けられません",
                           "only numbers and amounts have a sign: write 0円 - x for an amount",
                           "符号があるのは数値と金額だけです（金額なら 0円 - x と書けます）")
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
                       "x -> … は sum、count、any、all、min、max、map の引数にだけ書けます",
                       "give it to one of them: sum(世帯員, m -> m.所得)",
                       "それらの関数に渡してください: sum(世帯員, m -> m.所得)")
            return None
        self.error(e.span, "a list cannot stand here", "ここにリストは書けません",
                   "declare the list as a parameter (param 閉庁日 : list of monthday) and use its name",
                   "リストはパラメータとして宣言し（param 閉庁日 : list of monthday）、"
                   "その名前を使ってください")
        return None

    def literal(self, lit: n.Lit) -> IR | None:
        value = lit.value
        if too_long(lit):
            self.diags.append(too_long_diagnostic(lit))
            return None
        if lit.kind == "yen":
            assert isinstance(value, int | Decimal)  # noqa: S101 - by the lexer
            if isinstance(value, Decimal) and value != value.to_integral_value():
                self.error(lit.span, f"{lit.text} is not whole yen", f"{lit.text} は円単位ではありません",
                           "write whole yen such as 1円; a fraction of a yen comes from x * rate, "
                           "rounded with floor(…, 1)",
                           "1円 のように円単位で書いてください"
                           "（端数は x * 率 で生じ、floor(…, 1) で処理します）")
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
                           f"ルール「{name}」には引数が必要です: {name}(…)",
                           f"call it as {_rule_call(rule)}",
                           f"{_rule_call(rule)} の形で呼び出してください")
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
            self.bad("PC0805", e.span, left=str(lt), op=e.op, right=str(rt))
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
            self.bad("PC0806", e.span, left=str(lt), op=e.op, right=str(rt))
            return None
        return Compare(e.op, left, right, BOOL, e.span)

    def logic(self, e: n.Binary, scope: Mapping[str, t.Type]) -> IR | None:
        left = self.expr(e.left, scope, BOOL)
        right = self.expr(e.right, scope, BOOL)
        if left is None or right is None:
            return None
        for side in (left, right):
            if not isinstance(side.type, t.BoolType):
                self.bad("PC0807", side.span, op=e.op, op_ja=f"{e.op} ", found=str(side.type))
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
            self.bad("PC0807", c.span, op="if", op_ja="if の条件", found=str(c.type))
            return None
        ty = join(a.type, b.type)
        if ty is None:
            self.bad("PC0808", e.span, then=str(a.type), else_=str(b.type))
            return None
        return Cond(c, a, b, ty, e.span)

    # -- calls
    def call(self, e: n.Call, scope: Mapping[str, t.Type], expected: t.Type | None) -> IR | None:
        name = e.name
        builtin = BUILTINS.get(name)
        if builtin is not None:
            return builtin.typing(self, e, scope, expected)
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
                self.bad("PC0809", key.span, name=name, key=str(param.type.key.key),
                         key_ja=f"キーは {param.type.key.key}", found=str(key.type))
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
                    self.bad("PC0812", a.span, name=name, what=f"argument {pname}",
                             what_ja=f"引数「{pname}」", want=str(ptype), want_ja=f" {ptype} ",
                             found=str(a.type), found_ja=str(a.type), call=_rule_call(rule))
                    return None
                args.append(a)
            self.calls.add(name)
            return RuleCall(name, tuple(args), rule.type, e.span)
        known = [*BUILTINS, *self.core.rules,
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
                self.bad("PC0809", k.span, name=e.name, key=f"{axis.name} : {axis.key}",
                         key_ja=f"軸「{axis.name}」は {axis.key}", found=str(k.type))
                return None
            keys.append(k)
        return TableLookup(e.name, tuple(keys), table.value, e.span)


def _rule_call(rule: Rule) -> str:
    """How a rule is called, as its declaration gives it: ``税額(課税標準額 : yen)``."""
    return f"{rule.name}({', '.join(f'{p} : {ty}' for p, ty in rule.params)})"


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
    return with_inputs(typed)
