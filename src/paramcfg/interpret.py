"""The reference interpreter: walks the typed IR, simply and obviously.

It is the oracle the compiler is tested against, and it serves ``explain``: with a tracer it
records every rule applied, every parameter value used (with the profile line it came from)
and every table cell chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from paramcfg import ir as r
from paramcfg import runtime as rt
from paramcfg import types as t
from paramcfg.builtins import BUILTINS
from paramcfg.diagnostics import Span
from paramcfg.errors import (
    EvaluationError,
    missing_input,
    not_a_mapping,
    raw_error,
    wrong_arguments,
)
from paramcfg.tables import Table
from paramcfg.values import format_typed, format_value

if TYPE_CHECKING:
    from collections.abc import Callable

    from paramcfg.model import Resolved

__all__ = ["Interpreter", "Step", "render_explanation", "step_to_json"]

#: What Python itself may raise while evaluating; each becomes an EvaluationError.
_RAW: Final = (ArithmeticError, TypeError, ValueError, LookupError)


@attrs.frozen
class Step:
    """One line of an explanation: a rule applied, a value used, a cell chosen."""

    kind: str  # rule | param | input | lookup | scale | calendar | projection
    name: str
    value: object
    detail: str = ""
    span: Span | None = attrs.field(default=None, eq=False)
    children: tuple[Step, ...] = ()


class _Frame:
    def __init__(self, name: str, args: tuple[object, ...]) -> None:
        self.name = name
        self.args = args
        self.children: list[Step] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, step: Step, key: tuple[str, str] | None = None) -> None:
        if key is not None:
            if key in self.seen:
                return
            self.seen.add(key)
        self.children.append(step)


class Interpreter:
    """Evaluate typed rules for one set of parameter values (one tenant, one date)."""

    def __init__(
        self,
        rules: Mapping[str, r.TypedRule],
        values: Mapping[str, Resolved],
        on: dt.date,
        *,
        trace: bool = False,
        needed: tuple[dict[str, list[str]], dict[str, t.Type]] | None = None,
    ) -> None:
        self.rules = rules
        self.values = values
        self.on = on
        self.trace = trace
        self.frames: list[_Frame] = []
        self.inputs: Mapping[str, object] = {}
        self.checked: dict[str, object] = {}
        self.memo: dict[tuple[str, object], tuple[object, Step | None]] = {}
        self._last_step: Step | None = None
        self.rule_name = ""
        # ``needed`` is accepted for callers written before TypedRule.inputs; the inputs a rule
        # needs are its own, computed once by the type checker.
        del needed
        self._dispatch: dict[type, Callable[[Any, dict[str, object]], object]] = {
            r.Const: self._const, r.InputRef: self._input, r.ParamRef: self._param,
            r.LocalRef: self._local, r.AsOf: self._as_of, r.FieldGet: self._field,
            r.Arith: self._arith, r.Neg: self._neg, r.Compare: self._compare,
            r.Logic: self._logic, r.Not: self._not, r.Cond: self._cond, r.LetIn: self._let,
            r.RuleCall: self._call, r.TableLookup: self._lookup, r.ScaleCalc: self._scale,
            r.RoundTo: self._builtin, r.FloorQuotient: self._builtin,
            r.Extremum: self._builtin, r.Clamp: self._builtin, r.Aggregate: self._builtin,
            r.DateFunc: self._builtin,
        }

    # -- entry
    def _start(self, name: str, inputs: Mapping[str, object]) -> None:
        """Check every input the rule may read, before evaluating (as compiled code does)."""
        self.inputs = inputs
        self.checked = {}
        self.memo = {}
        self.rule_name = name
        rule = self.rules[name]
        needed = [(i, ty) for i, ty in rule.inputs if i != r.AS_OF_KEY]
        if needed and not isinstance(inputs, Mapping):
            raise not_a_mapping(name, inputs, rule.span)
        for input_name, ty in needed:
            if input_name not in inputs:
                raise missing_input(name, input_name, rule.span)
            self.checked[input_name] = _located(rule.span, rt.check_input, name, input_name, ty,
                                                inputs[input_name])

    def run(self, name: str, inputs: Mapping[str, object], args: tuple[object, ...] = ()) -> object:
        """The value of rule ``name``; ``inputs`` by input name."""
        try:
            self._start(name, inputs)
            self.frames = []
            return self._apply(name, args, top=True)
        except _RAW as exc:
            raise raw_error(exc, name, self.rules[name].span) from exc

    def explain(self, name: str, inputs: Mapping[str, object],
                args: tuple[object, ...] = ()) -> Step:
        """Evaluate with tracing and return the explanation tree."""
        self.trace = True
        root = _Frame("", ())
        try:
            self._start(name, inputs)
            self.frames = [root]
            self._apply(name, args, top=True)
        except _RAW as exc:
            raise raw_error(exc, name, self.rules[name].span) from exc
        return root.children[0]

    def _apply(self, name: str, args: tuple[object, ...], *, top: bool = False) -> object:
        rule = self.rules[name]
        if top:
            if len(args) != len(rule.params):
                raise wrong_arguments(name, [p for p, _ in rule.params], len(args), rule.span)
            # Arguments from the caller of the top rule are checked like inputs (those of a
            # rule call inside are typed by the checker, as in compiled code).
            args = tuple(_located(rule.span, rt.check_input, name, pname, ty, a)
                         for (pname, ty), a in zip(rule.params, args, strict=True))
        env = dict(zip((p for p, _ in rule.params), args, strict=True))
        if not self.trace:
            return self.eval(rule.body, env)
        frame = _Frame(name, args)
        self.frames.append(frame)
        try:
            value = self.eval(rule.body, env)
        finally:
            self.frames.pop()
        detail = ", ".join(f"{p} = {format_typed(a, ty)}"
                           for (p, ty), a in zip(rule.params, args, strict=True))
        # The same rule with the same arguments is explained once per caller (a rule called
        # for every member of a household would otherwise repeat its whole working).
        step = Step("rule", name, value, detail, rule.span, tuple(frame.children))
        self.frames[-1].add(step, ("rule", f"{name}({detail})"))
        self._last_step = step
        return value

    def _note(self, step: Step, key: tuple[str, str] | None = None) -> None:
        if self.trace and self.frames:
            self.frames[-1].add(step, key)

    def eval(self, node: r.IR, env: dict[str, object]) -> object:
        try:
            return self._dispatch[type(node)](node, env)
        except EvaluationError as exc:
            if exc.rule and exc.span is not None:
                raise
            # A runtime helper's error: placed at this expression and named by the rule that
            # was asked for, as compiled code does.
            raise EvaluationError(exc.msg, exc.span or node.span, rule=exc.rule or self.rule_name,
                                  name=exc.name, msg_ja=exc.msg_ja) from None
        except _RAW as exc:
            # One error contract with compiled code: whatever Python raises (an impossible
            # date, a decimal trap) is an EvaluationError at the innermost expression.
            raise raw_error(exc, self.rule_name, node.span) from exc

    # -- leaves
    def _const(self, node: r.Const, env: dict[str, object]) -> object:
        return node.value

    def _input(self, node: r.InputRef, env: dict[str, object]) -> object:
        if node.name in self.checked:
            value = self.checked[node.name]
        else:
            if node.name not in self.inputs:
                raise missing_input(self.rule_name, node.name, node.span)
            value = rt.check_input(self.rule_name, node.name, node.type, self.inputs[node.name])
            self.checked[node.name] = value
        if self.trace:  # formatting is for the explanation only (and a 5,000-digit int can't)
            self._note(Step("input", node.name, value, format_typed(value, node.type)),
                       ("input", node.name))
        return value

    def _param(self, node: r.ParamRef, env: dict[str, object]) -> object:
        resolved = self.values.get(node.name)
        if resolved is None:
            raise EvaluationError(
                f"parameter {node.name} has no value on {self.on} (rule {self.rule_name})",
                node.span, rule=self.rule_name, name=node.name)
        if self.trace and not isinstance(resolved.value, Table):
            self._note(Step("param", node.name, resolved.value,
                            format_typed(resolved.value, node.type), resolved.span),
                       ("param", node.name))
        return resolved.value

    def _local(self, node: r.LocalRef, env: dict[str, object]) -> object:
        return env[node.name]

    def _as_of(self, node: r.AsOf, env: dict[str, object]) -> object:
        return self.on

    def _field(self, node: r.FieldGet, env: dict[str, object]) -> object:
        obj = self.eval(node.obj, env)
        if isinstance(obj, t.RecordValue):
            return obj.get(node.field)
        assert isinstance(obj, dict)  # noqa: S101 - records are dicts once checked
        return obj[node.field]

    # -- operators
    def _arith(self, node: r.Arith, env: dict[str, object]) -> object:
        a = self.eval(node.left, env)
        b = self.eval(node.right, env)
        assert isinstance(a, int | Decimal)  # noqa: S101 - typed
        assert isinstance(b, int | Decimal)  # noqa: S101 - typed
        # In the library's decimal context, never the thread's (runtime.add …).
        if node.op == "+":
            return rt.add(a, b)
        if node.op == "-":
            return rt.subtract(a, b)
        if node.op == "*":
            return rt.multiply(a, b)
        return rt.div(a, b)

    def _neg(self, node: r.Neg, env: dict[str, object]) -> object:
        value = self.eval(node.operand, env)
        assert isinstance(value, int | Decimal)  # noqa: S101 - typed
        return rt.negate(value)

    def _compare(self, node: r.Compare, env: dict[str, object]) -> object:
        a: Any = self.eval(node.left, env)
        b: Any = self.eval(node.right, env)
        op = node.op
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        return a >= b

    def _logic(self, node: r.Logic, env: dict[str, object]) -> object:
        left = self.eval(node.left, env)
        if node.op == "and":
            return left and self.eval(node.right, env)
        return left or self.eval(node.right, env)

    def _not(self, node: r.Not, env: dict[str, object]) -> object:
        return not self.eval(node.operand, env)

    def _cond(self, node: r.Cond, env: dict[str, object]) -> object:
        if self.eval(node.cond, env):
            return self.eval(node.then, env)
        return self.eval(node.else_, env)

    def _let(self, node: r.LetIn, env: dict[str, object]) -> object:
        return self.eval(node.body, {**env, node.name: self.eval(node.value, env)})

    def _call(self, node: r.RuleCall, env: dict[str, object]) -> object:
        """A rule call; evaluated once per rule and arguments in a run (rules are pure), so
        that a diamond of calls (a0 = a1 + b1, b0 = a1 - b1, …) costs one evaluation per
        rule, not one per path."""
        args = tuple(self.eval(a, env) for a in node.args)
        try:
            key = (node.rule, _exact_key(args))
        except _Unkeyable:
            return self._apply(node.rule, args)
        hit = self.memo.get(key)
        if hit is not None:
            value, step = hit
            if step is not None:
                self.frames[-1].add(step, ("rule", f"{node.rule}({step.detail})"))
            return value
        value = self._apply(node.rule, args)
        self.memo[key] = (value, self._last_step if self.trace else None)
        return value

    # -- tables
    def _table(self, name: str, span: Span) -> Table:
        resolved = self.values.get(name)
        if resolved is None:
            raise EvaluationError(f"table {name} has no value on {self.on} (rule {self.rule_name})",
                                  span, rule=self.rule_name, name=name)
        table = resolved.value
        assert isinstance(table, Table)  # noqa: S101 - typed
        return table

    def _lookup(self, node: r.TableLookup, env: dict[str, object]) -> object:
        table = self._table(node.param, node.span)
        keys = tuple(self.eval(k, env) for k in node.keys)
        try:
            flat = table.flat_index(keys)
        except KeyError:
            raise EvaluationError(
                f"{format_value(keys[0]) if keys else '?'} is outside every bracket of "
                f"{node.param} (rule {self.rule_name})", node.span, rule=self.rule_name,
                name=node.param) from None
        value = table.cells[flat]
        if self.trace:
            idx = next(i for i, f in table.positions() if f == flat)
            cats, _rng, rng_ja = table.cell_label(idx)
            axis = next((a.name for a in table.axes if a.is_bracket), "")
            where = " / ".join(p for p in (f"{axis} {rng_ja}" if rng_ja else "", cats) if p)
            self._note(Step("lookup", node.param, value, where, table.cell_spans[flat]))
        return value

    def _scale(self, node: r.ScaleCalc, env: dict[str, object]) -> object:
        table = self._table(node.param, node.span)
        key = self.eval(node.key, env)
        assert isinstance(key, int | Decimal)  # noqa: S101 - typed
        value = rt.scale(table, key)
        self._note(Step("scale", node.param, value, format_value(key)))
        return value

    # -- functions
    def _builtin(self, node: r.BuiltinNode, env: dict[str, object]) -> object:
        """A builtin function's call, as its registry entry says (builtins.py)."""
        return BUILTINS[node.builtin].interpret(self, node, env)

    def note(self, kind: str, name: str, value: object, detail: str) -> None:
        """Record a step of the explanation (for a builtin's interpreter function)."""
        self._note(Step(kind, name, value, detail))


class _Unkeyable(Exception):  # noqa: N818 - control flow, never escapes this module
    pass


_PLAIN: Final = frozenset({int, str, bool, dt.date, t.MonthDay, type(None)})


def _exact_key(value: object) -> object:
    """A key equal only for values of the same types and exact representation
    (``Decimal("1.0")`` is not ``Decimal("1.00")``), or :class:`_Unkeyable`."""
    kind = type(value)
    if kind is Decimal:
        return (Decimal, str(value))
    if kind is tuple or kind is list:
        assert isinstance(value, tuple | list)  # noqa: S101 - for mypy
        return (kind, tuple(_exact_key(v) for v in value))
    if kind is dict:
        assert isinstance(value, dict)  # noqa: S101 - for mypy
        return (dict, tuple((k, _exact_key(v)) for k, v in value.items()))
    if kind is t.RecordValue:
        assert isinstance(value, t.RecordValue)  # noqa: S101 - for mypy
        return (kind, value.type_name, _exact_key(value.fields))
    if kind in _PLAIN:
        return (kind, value)
    raise _Unkeyable


def _located(span: Span, check: Callable[..., object], *args: object) -> object:
    """``check(*args)``, with an evaluation error placed at the rule (as compiled code does)."""
    try:
        return check(*args)
    except EvaluationError as exc:
        raise EvaluationError(exc.msg, span, rule=exc.rule, name=exc.name,
                              msg_ja=exc.msg_ja) from None


_LABELS: Final = {
    "en": {"param": "parameter", "input": "input", "lookup": "table", "scale": "scale",
           "calendar": "due date moved over",
           "projection": "PROJECTION: core {core} knows the law only through {horizon}; the law "
                         "as of then is carried forward"},
    "ja": {"param": "パラメータ", "input": "入力", "lookup": "表", "scale": "税率表",
           "calendar": "休日による期限の繰下げ",
           "projection": "試算: 本体 {core} の法令は {horizon} までです。その時点の法令のまま計算しています"},
}


def projection_step(step: Step, core: str, version: str, horizon: dt.date | None) -> Step:
    """``step`` with a first child saying that the result is a projection: the date is after
    the core's law horizon, and the law as of the horizon was carried forward."""
    note = Step("projection", core, str(horizon), f"{core} {version}")
    return attrs.evolve(step, children=(note, *step.children))


def render_explanation(step: Step, types: Mapping[str, t.Type] | None = None,
                       lang: str = "en") -> str:
    """The explanation tree as text: one line per step, with the place each value came from.

    Public as ``paramcfg.render_explanation``.  ``types`` (``Tenant.value_types()``) makes
    amounts print with 円 and rates with %; ``lang`` is "en" or "ja"::

        print(paramcfg.render_explanation(step, town.value_types(), "ja"))
    """
    lines: list[str] = []
    words = _LABELS["ja" if lang == "ja" else "en"]

    def value_text(s: Step) -> str:
        ty = (types or {}).get(s.name)
        return format_typed(s.value, ty) if ty is not None else format_value(s.value)

    def walk(s: Step, prefix: str, last: bool, top: bool) -> None:
        where = f"   [{s.span}]" if s.span is not None else ""
        label = {
            "rule": f"{s.name}({s.detail})" if s.detail else s.name,
            "param": f"{words['param']} {s.name}",
            "input": f"{words['input']} {s.name}",
            "lookup": f"{words['lookup']} {s.name}[{s.detail}]",
            "scale": f"{words['scale']} {s.name}({s.detail})",
            "calendar": f"{words['calendar']} {s.detail}",
            "projection": "",
        }[s.kind]
        if s.kind == "projection":
            text = words["projection"].format(core=s.detail, horizon=s.value)
        elif s.kind == "param":
            text = f"{label} = {s.detail}"
        else:
            text = f"{label} = {s.detail if s.kind == 'input' else value_text(s)}"
        if top:
            lines.append(text + where)
            child_prefix = ""
        else:
            lines.append(f"{prefix}{'└─ ' if last else '├─ '}{text}{where}")
            child_prefix = prefix + ("   " if last else "│  ")
        for i, child in enumerate(s.children):
            walk(child, child_prefix, i == len(s.children) - 1, top=False)

    walk(step, "", last=True, top=True)
    return "\n".join(lines)


def step_to_json(step: Step) -> dict[str, object]:
    from paramcfg.plain import unstructure_value  # noqa: PLC0415 - cattrs only when asked

    return {
        "kind": step.kind,
        "name": step.name,
        "value": unstructure_value(step.value),
        "detail": step.detail,
        "file": step.span.file if step.span else None,
        "line": step.span.line if step.span else None,
        "col": step.span.col if step.span else None,
        "children": [step_to_json(c) for c in step.children],
    }
