"""A compiled module shared by every town whose rules fold alike, bound to each town's values.

The compiler (:mod:`paramcfg.compile`) writes a module whose source names a town's values
only through generated names (``_t3``), each with a *recipe*: how to take that value from a
town's resolved parameters (a parameter's value, a table nested for look-ups, a bracket's lows,
the message of a parameter with no value on the date …).  The module is compiled once into a
:class:`Shape`; :meth:`Shape.bind` gives a town its own functions by running the same code
objects over a namespace of its own values.  Two towns whose rules fold to the same module
(the same decisions, the same parameters set) thus share the compiled code, its source and its
line map; each keeps only its values, a namespace and its function objects.

Namespaces: a town's functions have as globals a small dict of the town's values and functions,
whose ``__builtins__`` is the shape's *shared* dict — Python's builtins that generated code may
use, the runtime helpers, the constants written in the core, the generated checkers' helpers
and the error translators.  A look-up of either kind is one specialised ``LOAD_GLOBAL``.
"""

from __future__ import annotations

import functools
import linecache
import weakref
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from paramcfg import ir as r
from paramcfg import runtime as rt
from paramcfg.codegen import LinecacheEntry, nest, pool_key, span_of
from paramcfg.diagnostics import Span
from paramcfg.errors import EvaluationError, bad_call, not_a_mapping, raw_error
from paramcfg.fold import decisive_params
from paramcfg.tables import Table

if TYPE_CHECKING:
    import datetime as dt
    from types import CodeType

    from paramcfg.model import Resolved

__all__ = ["BUILTINS_USED", "CompiledRules", "Recipe", "RuleCache", "RuleFacts", "Shape", "lows",
           "nested", "no_value", "param_rounder", "value"]

#: How a town's value is taken from its resolved parameters as of the period's first day.
Recipe = Callable[["Mapping[str, Resolved]", "dt.date"], object]

#: Generates and compiles the module of some rules for towns that fold as the values given do:
#: ``(rules, values, on, label, known inputs) -> Shape`` (:func:`paramcfg.compile._generate`).
Generate = Callable[["Mapping[str, r.TypedRule]", "Mapping[str, Resolved]", "dt.date", str,
                     frozenset[str]], "Shape"]

#: The only Python builtins generated code sees.
BUILTINS_USED: dict[str, object] = {
    "min": min, "max": max, "sum": sum, "len": len, "any": any, "all": all, "type": type,
    "int": int, "bool": bool, "str": str, "Exception": Exception, "list": list, "tuple": tuple,
    "dict": dict, "id": id}


@attrs.frozen
class CompiledRules:
    """The compiled rules of one tenant for one effective period."""

    entries: Mapping[str, Callable[..., object]]
    source: str = attrs.field(repr=False)
    filename: str
    line_map: tuple[Span | None, ...] = attrs.field(repr=False)

    def run(self, name: str, inputs: Mapping[str, object], on: dt.date,
            args: tuple[object, ...] = ()) -> object:
        return self.entries[name](inputs, on, *args)


@attrs.frozen
class RuleFacts:
    """What the error translators need to know of each compiled rule (by entry index)."""

    names: tuple[str, ...]
    spans: tuple[Span, ...]
    params: tuple[list[str], ...]  # each rule's argument names
    own: tuple[list[str], ...]  # each rule's own inputs (for a did-you-mean)
    reads_inputs: tuple[bool, ...]  # whether the rule reads any input (or the date)
    known: frozenset[str]  # the inputs an entry accepts


class Shape:
    """One compiled module, shared by every town whose rules it computes.  It stays alive as
    long as one town's functions do (their globals hold it): a cache may keep it weakly."""

    __slots__ = ("__weakref__", "code", "facts", "filename", "line_map", "recipes", "shared",
                 "source")

    def __init__(self, source: str, filename: str, line_map: tuple[Span | None, ...],
                 shared: dict[str, Any], recipes: list[tuple[str, Recipe]],
                 facts: RuleFacts) -> None:
        self.source = source
        self.filename = filename
        self.line_map = line_map
        self.recipes = tuple(recipes)
        self.facts = facts
        self.code: CodeType = compile(source, filename, "exec")
        self.shared = {**BUILTINS_USED, **shared, "_located": self._located,
                       "_extra": self._extra, "_shape": self}
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        # The generated lines stay in linecache (for tracebacks) exactly as long as the shape.
        owner = self.shared["_linecache_entry"] = LinecacheEntry()
        weakref.finalize(owner, linecache.cache.pop, filename, None)

    def bind(self, values: Mapping[str, Resolved], on: dt.date) -> CompiledRules:
        """The functions of this module for a town with ``values`` as of ``on``."""
        namespace: dict[str, Any] = {"__builtins__": self.shared}
        for name, recipe in self.recipes:
            namespace[name] = recipe(values, on)
        exec(self.code, namespace)  # noqa: S102 - generated from typed IR with generated names only
        entries = {name: namespace[f"_e{i}"] for i, name in enumerate(self.facts.names)}
        return CompiledRules(entries, self.source, self.filename, self.line_map)

    def _located(self, exc: Exception, name: str, index: int, inputs: object) -> Exception:
        """An error raised inside generated code, as one that names the DSL rule and line."""
        facts = self.facts
        if isinstance(exc, KeyError) and exc.__traceback__ is not None \
                and exc.__traceback__.tb_next is None and isinstance(inputs, Mapping):
            # Raised by the entry itself: an input was not given.
            # Every missing input at once (or the misspelt key that explains one).
            found = bad_call(name, facts.params[index], facts.own[index], facts.known, inputs,
                             span=facts.spans[index])
            if found is not None:
                return found
        if isinstance(exc, EvaluationError):
            if exc.span is not None and exc.rule:
                return exc
            span = exc.span or span_of(exc, self.filename, self.line_map) or facts.spans[index]
            return EvaluationError(exc.msg, span, rule=exc.rule or name, name=exc.name,
                                   msg_ja=exc.msg_ja)
        if not isinstance(inputs, Mapping) and facts.reads_inputs[index]:
            return not_a_mapping(name, inputs, facts.spans[index])
        if isinstance(exc, ArithmeticError | TypeError | ValueError | LookupError):
            return raw_error(exc, name, span_of(exc, self.filename, self.line_map)
                             or facts.spans[index])
        return exc  # not ours to translate (KeyboardInterrupt is not an Exception anyway)

    def _extra(self, name: str, inputs: Mapping[str, object]) -> None:
        """Raise if an input key is unknown or an argument (see the entry's length test)."""
        facts = self.facts
        if isinstance(inputs, Mapping) and facts.known.issuperset(inputs):
            return  # inputs of the core that this rule does not read: one household, many rules
        index = facts.names.index(name)
        found = bad_call(name, facts.params[index], facts.own[index], facts.known, inputs,
                         span=facts.spans[index])
        if found is not None:
            raise found


# ---- recipes: how each of a town's values is taken from its resolved parameters -----------------


def value(name: str, values: Mapping[str, Resolved], _on: dt.date) -> object:
    return values[name].value


def no_value(kind: str, name: str, _values: Mapping[str, Resolved], on: dt.date) -> str:
    return f"{kind} {name} has no value on {on}"


def _table(name: str, values: Mapping[str, Resolved]) -> Table:
    table = values[name].value
    assert isinstance(table, Table)  # noqa: S101 - the shape's key says it is a table
    return table


def nested(name: str, order: tuple[int, ...], values: Mapping[str, Resolved], _on: dt.date) -> object:
    return nest(_table(name, values), order)


def lows(name: str, values: Mapping[str, Resolved], _on: dt.date) -> object:
    brackets = _table(name, values).brackets
    assert brackets is not None  # noqa: S101 - a bracket axis
    return brackets.lows


def param_rounder(mode: str, name: str, unit: int, values: Mapping[str, Resolved],
                   _on: dt.date) -> Callable[[int], object]:
    rate = values[name].value
    assert isinstance(rate, Decimal | int)  # noqa: S101 - a rate or decimal parameter
    found = rt.rate_rounder(mode, rate, unit) if type(rate) is Decimal else None
    return found if found is not None else functools.partial(_round_product, mode, rate, unit)


def _round_product(mode: str, rate: Decimal | int, unit: int, x: int) -> object:
    """``round(x * rate, unit)`` exactly as the generic code computes it."""
    return rt.round_to(mode, rt.multiply(x, rate), unit)


class Plan:
    """A rule and the rules it calls (or every rule), with what their module depends on."""

    __slots__ = ("decisive", "label", "params", "rules")

    def __init__(self, rules: dict[str, r.TypedRule], label: str) -> None:
        self.rules = rules
        self.label = label
        params: set[str] = set()
        decisive: set[str] = set()

        def note(x: r.IR) -> None:
            if isinstance(x, r.ParamRef):
                params.add(x.name)
            elif isinstance(x, r.TableLookup | r.ScaleCalc):
                params.add(x.param)

        for rule in rules.values():
            r.walk(rule.body, note)
            decisive |= decisive_params(rule.body)
        self.params = tuple(sorted(params))
        self.decisive = tuple(sorted(decisive))

    def key(self, values: Mapping[str, Resolved]) -> tuple[object, ...]:
        """What the generated source depends on: which parameters have a value (a table: of
        which type), and the values that folding may decide on."""
        parts: list[object] = []
        for name in self.params:
            found = values.get(name)
            if found is None:
                parts.append(None)
            elif isinstance(found.value, Table):
                parts.append((found.value.type, found.value.brackets is None))
            else:
                parts.append(True)
        for name in self.decisive:
            found = values.get(name)
            parts.append(None if found is None or isinstance(found.value, Table)
                         else pool_key(found.value))
        return tuple(parts)


class RuleCache:
    """The compiled modules of one core's rules, shared by its towns.

    Per rule asked for (with the rules it calls; or the whole core), one module per *shape*:
    towns whose rules fold to the same source (the same parameters set, the same values where
    folding decides something) share its compiled code, and each gets its own functions over
    its own values (:meth:`Shape.bind`).  Shapes are kept weakly: one lives as long as some
    town's functions use it.  Safe to use from several threads (at worst a shape is compiled
    twice and one is kept).
    """

    def __init__(self, rules: Mapping[str, r.TypedRule], known_inputs: Collection[str],
                 label: str, generate: Generate) -> None:
        self.rules = rules
        self.generate = generate
        self.known = frozenset(known_inputs)
        self.label = label  # names the modules in tracebacks; only ever a file name
        self._plans: dict[str | None, Plan] = {}
        self._shapes: weakref.WeakValueDictionary[tuple[object, ...], Shape] = \
            weakref.WeakValueDictionary()

    def plan(self, root: str | None) -> Plan:
        found = self._plans.get(root)
        if found is None:
            if root is None:
                closure, label = dict(self.rules), f"{self.label}:all"
            else:
                wanted = r.called_closure(self.rules, root)
                closure = {name: x for name, x in self.rules.items() if name in wanted}
                label = f"{self.label}:r{list(self.rules).index(root)}"
            found = self._plans.setdefault(root, Plan(closure, label))
        return found

    def compile(self, root: str | None, values: Mapping[str, Resolved], on: dt.date
                ) -> CompiledRules:
        """The functions of ``root`` and the rules it calls (``None``: every rule) for a town
        with ``values`` as of ``on`` (the first day of its effective period)."""
        plan = self.plan(root)
        key = (root, plan.key(values))
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes.setdefault(key, self.generate(plan.rules, values, on, plan.label,
                                                           self.known))
        return shape.bind(values, on)
