"""Compile typed rules to Python functions, once per shape of a core's rules.

Decisions on parameters are folded in (:mod:`paramcfg.fold`); bracket lookups become ``bisect``
over tuples; enum keys become dict lookups.  **No user text ever reaches the generated source**:
rules, inputs and constants get generated names (``_r0``, ``_i1``, ``_c2``) and every value —
numbers, member names, tables — enters through the module's namespace.  A town's values enter
under names of their own (``_t3``), each with a recipe, so that the source does not depend on
them: towns whose rules fold alike share one compiled module (:class:`RuleCache`,
:mod:`paramcfg.shapes`).  The source is registered in ``linecache`` as ``<paramcfg rule
LABEL#N>`` and every generated line maps back to the rule's span, so an error inside generated
code names the rule's file and line.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import os
import threading
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from paramcfg import ir as r
from paramcfg import runtime as rt
from paramcfg import shapes as sh
from paramcfg import types as t
from paramcfg import values as v
from paramcfg.builtins import BUILTINS
from paramcfg.codegen import (
    PRECEDENCE,
    closed,
    memo_key,
    pool_key,
    shared_operand,
    uses_memo,
    whole_chain,
)
from paramcfg.errors import EvaluationError
from paramcfg.fold import fold_rules
from paramcfg.shapes import CompiledRules, Recipe, RuleCache, RuleFacts, Shape
from paramcfg.tables import Table

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from paramcfg.diagnostics import Span
    from paramcfg.model import Resolved

__all__ = ["CompiledRules", "RuleCache", "compile_rules", "rule_cache"]

_counter = itertools.count()
_counter_lock = threading.Lock()


def _after_fork_in_child() -> None:
    global _counter_lock  # noqa: PLW0603 - a fork child must not inherit a held lock
    _counter_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)

# Input checks inlined as a plain `type(x) is …` test; the rest call runtime.check_input.
_FAST_TYPES: Final = {t.YenType: "int", t.IntType: "int", t.BoolType: "bool", t.TextType: "str",
                      t.DateType: "_date"}

#: Arithmetic on a Decimal goes through these runtime helpers, which use runtime.CONTEXT
#: whatever the thread's decimal context; ints (yen, int) use Python's exact operators.
_DECIMAL_OPS: Final = {"+": "_add", "-": "_sub", "*": "_mul"}

#: The largest int CPython stores in one digit: comparisons of two such ints are specialised.
_COMPACT: Final = 2**30 - 1

#: Rule calls inlined per generated function at most: a call that is a whole statement costs a
#: Python call otherwise, but inlining copies the callee, so a deep diamond of calls must stop.
_INLINE_CALLS: Final = 16


class _Gen:
    """Writes one module: a function per rule, plus an entry per rule that checks inputs."""

    def __init__(self, rules: Mapping[str, r.TypedRule], values: Mapping[str, Resolved],
                 on: dt.date, inputs: Mapping[str, list[str]],
                 input_types: Mapping[str, t.Type], *, share: bool = True) -> None:
        self.rules = rules
        self.share = share  # operands shared by a local (`:=`), see :meth:`expr`
        self.values = values
        self.on = on
        self.lines: list[str] = []
        self.spans: list[Span | None] = []
        self.ns: dict[str, Any] = {
            "_div": rt.div, "_scale": rt.scale,
            "_bisect": bisect.bisect_right, "_check": rt.check_input,
            "_Err": EvaluationError, "_Decimal": Decimal,
            "_bracket_error": rt.bracket_error, "_missing_param": rt.missing_param,
            "_bad_type": rt.bad_type, "_within": v.within_digits,
            "_add": rt.add, "_sub": rt.subtract, "_mul": rt.multiply, "_neg": rt.negate,
            "_date": dt.date, "_missing": _MISSING,
        }
        self.consts: dict[object, str] = {}
        #: A town's values: generated names by what they are, and how each is taken from the
        #: town's resolved parameters (see :meth:`town`).
        self.town_names: dict[tuple[object, ...], str] = {}
        self.recipes: list[tuple[str, Recipe]] = []
        self.checkers: dict[str, str] = {}  # a list or record type's checker, by the type's name
        self.helpers: list[str] = []  # the checkers' lines, written after the entries
        self.memo: dict[object, Any] = {}  # for the builtins' code templates
        self.rule_names = {name: f"_r{i}" for i, name in enumerate(rules)}
        self.rule_index = {name: i for i, name in enumerate(rules)}
        self.once: list[tuple[r.IR, str]] = []  # expressions computed once an evaluation
        self.inputs = inputs
        all_inputs = sorted({i for names in self.inputs.values() for i in names})
        self.input_names = {name: f"_i{i}" for i, name in enumerate(all_inputs)}
        self.input_types = input_types
        self.locals = itertools.count()

    # -- output
    def line(self, text: str, span: Span | None = None, indent: int = 0) -> None:
        self.lines.append("    " * indent + text)
        self.spans.append(span)

    def fresh(self, prefix: str) -> str:
        """A new generated local name: ``_l3``, ``_v4`` …"""
        return f"{prefix}{next(self.locals)}"

    def const(self, value: object) -> str:
        """A generated name bound to ``value`` in the namespace (never its text)."""
        key = pool_key(value)
        name = self.consts.get(key)
        if name is None:
            name = f"_c{len(self.consts)}"
            self.consts[key] = name
            self.ns[name] = value
        return name

    def town(self, key: tuple[object, ...], recipe: Recipe) -> str:
        """A generated name for a value of the town (``key`` says which), bound per town by
        ``recipe``: the source stays the same for every town."""
        name = self.town_names.get(key)
        if name is None:
            name = self.town_names[key] = f"_t{len(self.town_names)}"
            self.recipes.append((name, recipe))
        return name

    def param_rounder(self, mode: str, param: str, unit: int) -> str | None:
        """``x -> round_to(mode, x * param, unit)`` for whole ``x``, bound per town: in integer
        arithmetic where :func:`runtime.rate_rounder` can (the common case), else the product
        rounded as the generic code does.  ``None`` for a parameter with no value."""
        if param not in self.values:
            return None
        return self.town(("rounder", mode, param, unit), functools.partial(
            sh.param_rounder, mode, param, unit))

    # -- rules
    def rule(self, name: str, rule: r.TypedRule) -> None:
        params = [f"_a{i}" for i in range(len(rule.params))]
        inputs = [self.input_names[i] for i in self.inputs[name]]
        self.line(f"def {self.rule_names[name]}({', '.join([*params, *inputs, '_m'])}):", rule.span)
        env = {p: a for (p, _), a in zip(rule.params, params, strict=True)}
        # Shared within the evaluation (see paramcfg.codegen): looked up, else run and stored.
        key, kept = memo_key(self.rule_index[name], rule.params, params)
        self.line(f"_k = {key}", rule.span, 1)
        self.line("_v = _m.get(_k, _missing)", rule.span, 1)
        self.line("if _v is not _missing:", rule.span, 1)
        self.line("return _v" if kept is None else "return _v[0]", rule.span, 2)
        self.statements(rule.body, env, 1, "_v = ", [_INLINE_CALLS])
        self.line("_m[_k] = _v" if kept is None else f"_m[_k] = (_v, {kept})", rule.span, 1)
        self.line("return _v", rule.span, 1)
        self.line("")

    def statements(self, body: r.IR, env: Mapping[str, str], indent: int, target: str,
                   budget: list[int]) -> None:
        """``body`` as statements, the last one ``{target}{value}``.

        Top-level ``let``s become statements: one generated line each, mapped to its span.
        """
        while isinstance(body, r.LetIn):
            local = f"_l{next(self.locals)}"
            self.statement(body.value, env, indent, f"{local} = ", budget)
            env = {**env, body.name: local}
            body = body.body
        self.statement(body, env, indent, target, budget)

    def statement(self, node: r.IR, env: Mapping[str, str], indent: int, target: str,
                  budget: list[int]) -> None:
        """``{target}{node}``; a rule call that is the whole value is inlined (while ``budget``,
        the calls still to inline in this function, lasts), saving a Python call.

        The callee's arguments are evaluated first, into locals, then its statements follow,
        each mapped to the callee's own lines, so an error names the same line as a call would.
        """
        if isinstance(node, r.RuleCall) and budget[0] > 0:
            budget[0] -= 1
            callee = self.rules[node.rule]
            callee_env, args = {}, []
            for (pname, _), arg in zip(callee.params, node.args, strict=True):
                local = f"_l{next(self.locals)}"
                self.line(f"{local} = {self.expr(arg, env)}", node.span, indent)
                callee_env[pname] = local
                args.append(local)
            # The call's result is shared within the evaluation, as the callee's function does.
            key, kept = memo_key(self.rule_index[node.rule], callee.params, args)
            k, res = (key if key.isdigit() else self.fresh("_k")), self.fresh("_l")
            got = key if k == key else f"({k} := {key})"
            self.line(f"{res} = _m.get({got}, _missing)", node.span, indent)
            self.line(f"if {res} is _missing:", node.span, indent)
            self.statements(callee.body, callee_env, indent + 1, f"{res} = ", budget)
            self.line(f"_m[{k}] = {res}" if kept is None else f"_m[{k}] = ({res}, {kept})",
                      node.span, indent + 1)
            if kept is not None:
                self.line("else:", node.span, indent)
                self.line(f"{res} = {res}[0]", node.span, indent + 1)
            self.line(f"{target}{res}", node.span, indent)
            return
        self.line(f"{target}{self.expr(node, env)}", node.span, indent)

    def entry(self, name: str, rule: r.TypedRule, index: int) -> None:
        """``entry(inputs, on, *args)``: fetch and check each input once, then run.

        Errors the generated code raises are mapped back to the rule by ``_located``.
        """
        fn = f"_e{index}"
        params = [f"_a{i}" for i in range(len(rule.params))]
        self.line(f"def {fn}({', '.join(['_inp', '_on', *params])}):", rule.span)
        rule_c = self.const(name)
        self.line("try:", rule.span, 1)
        # More keys than the rule reads: a misspelt or unknown input, or an argument given by
        # name (one comparison for a good call; _extra tells which, or lets a core input the
        # rule does not read pass).
        own = sum(1 for i in self.inputs[name] if i != r.AS_OF_KEY)
        self.line(f"if len(_inp) > {own}:" if own else "if _inp:", rule.span, 2)
        self.line(f"_extra({rule_c}, _inp)", rule.span, 3)
        for input_name in self.inputs[name]:
            var = self.input_names[input_name]
            if input_name == r.AS_OF_KEY:
                self.line(f"{var} = _on", rule.span, 2)
                continue
            key = self.const(input_name)
            # A KeyError here is turned into "needs input …" by _located (one `try` for all).
            self.line(f"{var} = _inp[{key}]", rule.span, 2)
            self.check(var, rule_c, key, self.input_types[input_name], rule.span)
        for i, (pname, ptype) in enumerate(rule.params):
            self.check(f"_a{i}", rule_c, self.const(pname), ptype, rule.span)
        # The rule's own statements (no call to its function), under its function's names.
        env = {p: a for (p, _), a in zip(rule.params, params, strict=True)}
        start = len(self.lines)
        self.statements(rule.body, env, 2, "return ", [_INLINE_CALLS])
        if uses_memo(self.lines[start:]):  # the rule-call results of this evaluation
            self.lines.insert(start, "    " * 2 + "_m = {}")
            self.spans.insert(start, rule.span)
        self.line("except Exception as _exc:", rule.span, 1)
        self.line(f"raise _located(_exc, {rule_c}, {index}, _inp) from _exc", rule.span, 2)
        self.line("")

    def check(self, var: str, rule_c: str, name_c: str, ty: t.Type, span: Span) -> None:
        """Check the value in ``var`` as ``runtime.check_input`` does, with the same errors.

        Scalars get an inline test that passes only values ``check_input`` returns unchanged;
        anything else goes to ``_bad_type``, which accepts exactly what ``check_input`` accepts
        and raises its error otherwise.  Lists and records, which ``check_input`` converts, go
        through a generated checker (:meth:`checker`) or through ``check_input`` itself.
        """
        test = self.refused(var, ty)
        if test is None:
            check = self.checker(ty)
            self.line(f"{var} = {check}({rule_c}, {name_c}, {var})", span, 2)
            return
        self.line(f"if {test}:", span, 2)
        self.line(f"_bad_type({rule_c}, {name_c}, {self.const(ty)}, {var})", span, 3)

    def refused(self, var: str, ty: t.Type) -> str | None:
        """A condition, true unless ``var`` holds a value that ``check_input`` returns as it
        is; ``None`` for a type whose values it converts (lists, records) or has no test for."""
        fast = _FAST_TYPES.get(type(ty))
        if fast == "int":  # and not beyond the digits of docs/limits.md
            # Two comparisons with one-digit ints first (CPython specialises those), the
            # bounds themselves only for a value beyond them.
            low, high = self.const(-v.INPUT_BOUND), self.const(v.INPUT_BOUND)
            small_low, small_high = self.const(-_COMPACT), self.const(_COMPACT)
            return (f"type({var}) is not int or ({var} > {small_high} or {var} < {small_low}) "
                    f"and not {low} < {var} < {high}")
        if fast is not None:
            return f"type({var}) is not {fast}"
        if isinstance(ty, t.EnumType):
            return f"type({var}) is not str or {var} not in {self.const(frozenset(ty.members))}"
        if isinstance(ty, t.DecimalType | t.RateType):
            low, high = self.const(-v.INPUT_BOUND), self.const(v.INPUT_BOUND)
            return (f"not ({low} < {var} < {high} if type({var}) is int else "
                    f"type({var}) is _Decimal and _within({var}))")
        return None

    def refused_list(self, var: str, ty: t.Type) -> str | None:
        """As :meth:`refused`, for a list of scalars (a record's field): true unless ``var``
        holds a ``list`` or ``tuple`` whose every element ``check_input`` keeps as it is."""
        if not isinstance(ty, t.ListType):
            return None
        inner = self.refused("_y", ty.element)
        if inner is None:
            return None
        return (f"type({var}) is not tuple and type({var}) is not list "
                f"or {var} and any({inner} for _y in {var})")

    def checker(self, ty: t.Type) -> str:
        """The name of a function ``(rule, name, value)`` that returns what
        ``check_input(rule, name, ty, value)`` returns, or raises what it raises.

        For a list of scalars or of records of scalars, and such a record, it is generated: a
        fast pass over a plain ``list``/``tuple`` of plain ``dict``s that builds the same
        result; at the first value it is not sure of, it hands the whole value to
        ``check_input``, so that what is accepted, converted or refused, and every message,
        stay ``check_input``'s.  Other types call ``check_input`` directly.
        """
        ty_c = self.const(ty)
        name = self.checkers.get(ty_c)
        if name is not None:
            return name
        element = ty.element if isinstance(ty, t.ListType) else ty
        if isinstance(element, t.RecordType):
            tests = [self.refused(f"_f{i}", f.type) or self.refused_list(f"_f{i}", f.type)
                     for i, f in enumerate(element.fields)]
        else:
            tests = [self.refused("_x", element)]
        if None in tests:
            name = f"_check_{ty_c}"
            self.ns[name] = functools.partial(rt.check_as, ty)
            self.checkers[ty_c] = name
            return name
        name = f"_k{len(self.checkers)}"
        self.checkers[ty_c] = name
        out = self.helpers
        out.append(f"def {name}(_rule, _name, _v):")
        if isinstance(ty, t.ListType):
            out.append("    if type(_v) is list or type(_v) is tuple:")
            if isinstance(element, t.RecordType):
                out.append("        _out = []")
            out.append("        for _x in _v:")
            body = "            "
        else:
            out.append("    _x = _v")
            out.append("    while True:  # once")
            body = "        "
        if isinstance(element, t.RecordType):
            out.append(f"{body}if type(_x) is not dict:")
            out.append(f"{body}    break")
            fields = []
            for i, f in enumerate(element.fields):
                missing = "_missing" if f.default is None else self.const(f.default)
                out.append(f"{body}_f{i} = _x.get({self.const(f.name)}, {missing})")
                # A list field (of scalars) is given as a list or a tuple: kept as a tuple.
                value = f"tuple(_f{i})" if isinstance(f.type, t.ListType) else f"_f{i}"
                fields.append(f"{self.const(f.name)}: {value}")
            # A key that is no field (a misspelt one) goes to check_input, which names it;
            # only fields with a default need a look-up to count the keys that are fields.
            required = sum(1 for f in element.fields if f.default is None)
            counted = "".join(f" + ({self.const(f.name)} in _x)" for f in element.fields
                              if f.default is not None)
            tests.append(f"len(_x) > {required}{counted}" if counted
                         else f"len(_x) > {required}")
            out.append(f"{body}if {' or '.join(f'({c})' for c in tests)}:")
            out.append(f"{body}    break")
            record = "{" + ", ".join(fields) + "}"
            out.append(f"{body}_out.append({record})" if isinstance(ty, t.ListType)
                       else f"{body}return {record}")
        else:
            out.append(f"{body}if {tests[0]}:")
            out.append(f"{body}    break")
        if isinstance(ty, t.ListType):
            out.append("        else:")
            out.append("            return tuple(_out)" if isinstance(element, t.RecordType)
                       else "            return tuple(_v)")
        out.append(f"    return _check(_rule, _name, {ty_c}, _v)")
        out.append("")
        return name

    # -- expressions: each returns Python source built only from generated names
    def expr(self, node: r.IR, env: Mapping[str, str]) -> str:
        if isinstance(node, r.Const):
            return self.const(node.value)
        if isinstance(node, r.InputRef):
            return self.input_names[node.name]
        if isinstance(node, r.LocalRef):
            return env[node.name]
        if isinstance(node, r.ParamRef):
            return self.param(node)
        if isinstance(node, r.AsOf):
            return self.input_names[r.AS_OF_KEY]
        if isinstance(node, r.FieldGet):
            return f"{self.expr(node.obj, env)}[{self.const(node.field)}]"
        if isinstance(node, r.Arith) and whole_chain(node):
            # `a + b - c` on ints as Python writes it, without a bracket per operator: the
            # generated code nests no deeper than the rule does (Python refuses 200 brackets).
            group, rights = PRECEDENCE[node.op], []
            while whole_chain(node) and PRECEDENCE[node.op] == group:
                rights.append((node.op, node.right))
                node = node.left
            text = self.expr(node, env)
            for sign, right in reversed(rights):
                text += f" {sign} {self.expr(right, env)}"
            return f"({text})"
        if isinstance(node, r.Arith):
            a, b = self.expr(node.left, env), self.expr(node.right, env)
            if node.op == "/":
                return f"_div({a}, {b})"
            if r.whole(node.left.type) and r.whole(node.right.type):
                return f"({a} {node.op} {b})"  # ints: exact, and no call
            return f"{_DECIMAL_OPS[node.op]}({a}, {b})"  # in the library's decimal context
        if isinstance(node, r.Neg):
            if r.whole(node.operand.type):
                return f"(-{self.expr(node.operand, env)})"
            return f"_neg({self.expr(node.operand, env)})"
        if isinstance(node, r.Compare):
            return f"({self.expr(node.left, env)} {node.op} {self.expr(node.right, env)})"
        if isinstance(node, r.Logic):
            logic, operands = node.op, []
            while isinstance(node, r.Logic) and node.op == logic:  # `a and b and c`, unnested
                operands.append(node.right)
                node = node.left
            operands.append(node)
            operands.reverse()
            found = shared_operand(operands, key := f"\0{next(self.locals)}") if self.share else None
            if found is None:
                return "(" + f" {logic} ".join(self.expr(x, env) for x in operands) + ")"
            # `f(x) >= a and f(x) < b`: f(x) once, kept in a local (see codegen.shared_operand).
            shared, later = found
            first, local = operands[0], self.fresh("_s")
            assert isinstance(first, r.Compare)  # noqa: S101 - as shared_operand found
            head = f"(({local} := {self.expr(shared, env)}) {first.op} {self.expr(first.right, env)})"
            env = {**env, key: local}
            return "(" + f" {logic} ".join([head, *(self.expr(x, env) for x in later)]) + ")"
        if isinstance(node, r.Not):
            return f"(not {self.expr(node.operand, env)})"
        if isinstance(node, r.Cond):
            # An `else if` chain as one conditional expression, unnested:
            # `(a if c else b if d else e)` is `(a if c else (b if d else e))`.
            branches = []
            while isinstance(node, r.Cond):
                branches.append(f"{self.expr(node.then, env)} if {self.expr(node.cond, env)}")
                node = node.else_
            return "(" + " else ".join([*branches, self.expr(node, env)]) + ")"
        if isinstance(node, r.LetIn):
            local = f"_l{next(self.locals)}"
            value = self.expr(node.value, env)
            body = self.expr(node.body, {**env, node.name: local})
            return f"(({local} := {value}), {body})[1]"
        if isinstance(node, r.RuleCall):
            call = [self.expr(a, env) for a in node.args]
            call += [self.input_names[i] for i in self.inputs[node.rule]] + ["_m"]
            return f"{self.rule_names[node.rule]}({', '.join(call)})"
        if isinstance(node, r.TableLookup | r.ScaleCalc) and self.missing_table(node.param):
            # A table with no value on this date (one `required from` a later date): the rule
            # compiles, and fails only if this branch is taken, as for a scalar parameter.
            msg = self.town(("missing table", node.param),
                            functools.partial(sh.no_value, "table", node.param))
            return f"_missing_param({msg})"
        if isinstance(node, r.TableLookup):
            return self.lookup(node, env)
        if isinstance(node, r.ScaleCalc):
            self.table_value(node.param)
            table = self.town(("value", node.param), functools.partial(sh.value, node.param))
            return f"_scale({table}, {self.expr(node.key, env)})"
        if isinstance(node, r.DateFunc) and closed(node):
            # Reads no local (`fiscal_months(fiscal_year(as_of))`): the same all through the
            # evaluation, so computed once, when first reached, in a lazy cell of the memo.
            once = next((name for seen, name in self.once if seen == node), None)
            if once is None:
                once = f"_o{len(self.once)}"
                self.ns[once] = object()
                self.once.append((node, once))
            text = BUILTINS[node.builtin].template(self, node, env)
            return f"(_m[{once}] if {once} in _m else _m.setdefault({once}, {text}))"
        if isinstance(node, r.RoundTo | r.FloorQuotient | r.Extremum | r.Clamp | r.Aggregate
                      | r.DateFunc):
            return BUILTINS[node.builtin].template(self, node, env)
        raise TypeError(node)  # pragma: no cover - every IR node is handled above

    def param(self, node: r.ParamRef) -> str:
        if node.name not in self.values:
            # Fold a raise: the rule compiles, and fails only if this branch is taken.
            msg = self.town(("missing", node.name), functools.partial(sh.no_value, "parameter",
                                                                      node.name))
            return f"_missing_param({msg})"
        return self.town(("value", node.name), functools.partial(sh.value, node.name))

    def missing_table(self, name: str) -> bool:
        resolved = self.values.get(name)
        return resolved is None or not isinstance(resolved.value, Table)

    def table_value(self, name: str) -> Table:
        resolved = self.values.get(name)
        if resolved is None or not isinstance(resolved.value, Table):
            raise EvaluationError(f"table {name} has no value on {self.on}", name=name)
        return resolved.value

    def lookup(self, node: r.TableLookup, env: Mapping[str, str]) -> str:
        """A look-up in nested constants: ``T[k1][k2]…``, a dict per category axis (keyed by
        member) and a tuple per bracket axis (indexed by ``bisect``), no index arithmetic.

        Keys are evaluated in axis order, except that a bracket axis goes last when every
        category key is a plain name or constant (nothing to raise), so that the innermost
        level is one tuple per row of categories.
        """
        table = self.table_value(node.param)
        key_src = [self.expr(k, env) for k in node.keys]
        order = list(range(len(table.axes)))
        if all(axis.is_bracket or isinstance(key, r.InputRef | r.LocalRef | r.Const)
               for axis, key in zip(table.axes, node.keys, strict=True)):
            order.sort(key=lambda i: table.axes[i].is_bracket)
        name = self.town(("nested", node.param, tuple(order)),
                         functools.partial(sh.nested, node.param, tuple(order)))
        subscripts = []
        for i in order:
            key = key_src[i]
            if table.axes[i].is_bracket:
                assert table.brackets is not None  # noqa: S101 - a bracket axis
                lows = self.town(("lows", node.param), functools.partial(sh.lows, node.param))
                where = self.const(node.param)
                key = f"(_bisect({lows}, {key}) - 1 if {key} >= 0 else _bracket_error({where}, {key}))"
            subscripts.append(f"[{key}]")
        return name + "".join(subscripts)


#: What a generated record checker reads for a field that is not given: no check passes it.
_MISSING: Final = object()


# ---- modules ------------------------------------------------------------------------------------


def _generate(rules: Mapping[str, r.TypedRule], values: Mapping[str, Resolved], on: dt.date,
              label: str, known: frozenset[str]) -> Shape:
    """Generate and compile the module of ``rules`` for towns that fold as ``values`` does."""
    # Inputs are the rules' own (TypedRule.inputs, from the rules as written, kept by
    # folding), so that an input that folding made unreachable is still required, exactly as
    # the interpreter requires it.
    with _counter_lock:
        serial = next(_counter)
    filename = f"<paramcfg rule {label}#{serial}>"
    folded = fold_rules(rules, values, inline=False)
    for share in (True, False):
        gen = _Gen(folded, values, on, r.transitive_inputs(rules), r.input_types(rules),
                   share=share)
        for name, rule in gen.rules.items():
            gen.rule(name, rule)
        for i, (name, rule) in enumerate(gen.rules.items()):
            gen.entry(name, rule, i)
        for text in gen.helpers:
            gen.line(text)
        source = "\n".join(gen.lines) + "\n"
        facts = RuleFacts(
            names=tuple(gen.rules), spans=tuple(rule.span for rule in gen.rules.values()),
            # What a call of each rule takes, for the errors of a bad call (errors.bad_call).
            params=tuple([p for p, _ in rule.params] for rule in gen.rules.values()),
            own=tuple([i for i, _ in rule.inputs if i != r.AS_OF_KEY]
                      for rule in gen.rules.values()),
            reads_inputs=tuple(bool(gen.inputs[name]) for name in gen.rules), known=known)
        try:
            return Shape(source, filename, tuple(gen.spans), gen.ns, gen.recipes, facts)
        except SyntaxError:
            # Python refuses `:=` in a comprehension's iterable: generate without sharing.
            if not share:
                raise
    raise AssertionError  # pragma: no cover - the loop returns or raises


def compile_rules(
    rules: Mapping[str, r.TypedRule], values: Mapping[str, Resolved], on: dt.date, label: str,
    known_inputs: Collection[str] | None = None,
) -> CompiledRules:
    """Generate, compile and load the functions of ``rules`` for ``values`` (a module of its
    own, shared with no other town: :class:`RuleCache` shares).

    :param label: names the module in tracebacks (``<paramcfg rule LABEL>``); it is used
        only as a file name, never as code.
    :param known_inputs: the names an entry accepts among its inputs (the core's inputs);
        any other key is refused with a did-you-mean.  By default, every input of ``rules``.
    """
    known = frozenset(r.input_types(rules) if known_inputs is None else known_inputs)
    return _generate(rules, values, on, label, known).bind(values, on)


def rule_cache(rules: Mapping[str, r.TypedRule], known_inputs: Collection[str],
               label: str) -> RuleCache:
    """A :class:`~paramcfg.shapes.RuleCache` of ``rules`` that compiles with this module."""
    return RuleCache(rules, known_inputs, label, _generate)
