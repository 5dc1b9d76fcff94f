"""The public facade: load a core, load and check tenant profiles, and evaluate a tenant's rules.

Loading and checking are :mod:`paramcfg.loading`'s (re-exported here, the API's one address);
this module adds the :class:`Tenant`, a checked profile ready to evaluate.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import weakref
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from paramcfg import model
from paramcfg.errors import (
    CheckFailed,
    EvaluationError,
    bad_call,
    horizon_error,
    wrong_arguments,
)
from paramcfg.loading import (
    CORE_ENV,
    CORE_SUFFIX,
    MAX_DIAGNOSTICS,
    PROFILE_SUFFIX,
    SETTINGS_FILE,
    CheckResult,
    CoreResult,
    CoreSettingError,
    Prefecture,
    check_profile,
    check_profile_each,
    check_profile_text,
    find_core,
    find_prefecture,
    load_core,
    load_prefecture,
)
from paramcfg.names import suggest
from paramcfg.rules import AS_OF_KEY, TypedRule, input_types, transitive_inputs
from paramcfg.types import YenType

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from paramcfg.batch import RowResult
    from paramcfg.compile import CompiledRules, RuleCache
    from paramcfg.diagnostics import Diagnostic
    from paramcfg.interpret import Step
    from paramcfg.types import Type

__all__ = [
    "CORE_ENV",
    "CORE_SUFFIX",
    "MAX_DIAGNOSTICS",
    "PROFILE_SUFFIX",
    "SETTINGS_FILE",
    "CheckResult",
    "CoreResult",
    "CoreSettingError",
    "Prefecture",
    "Tenant",
    "check_profile",
    "check_profile_each",
    "check_profile_text",
    "find_core",
    "find_prefecture",
    "load_core",
    "load_prefecture",
    "load_tenant",
    "load_tenant_text",
]

#: Evaluation dates whose compiled entries a tenant keeps at hand (see Tenant.evaluate).
_MAX_DATES = 1024

#: Per loaded core (by id, dropped with it): the compiled modules its towns share.
_RULE_CACHES: dict[int, RuleCache] = {}


def _rule_cache(core: CoreResult, known_inputs: frozenset[str]) -> RuleCache:
    """The cache of compiled modules shared by every tenant of ``core`` (one per loaded core:
    towns whose rules fold alike share compiled code, each with its own values)."""
    found = _RULE_CACHES.get(id(core))
    if found is None:
        from paramcfg.compile import rule_cache  # noqa: PLC0415 - not needed by `check`

        assert core.core is not None  # noqa: S101 - a tenant's core loaded
        made = rule_cache(core.rules, known_inputs, f"{core.core.name}")
        found = _RULE_CACHES.setdefault(id(core), made)
        if found is made:
            weakref.finalize(core, _RULE_CACHES.pop, id(core), None)
    return found


class Tenant:
    """One town's profile over a core, ready to evaluate rules as of any date.

    Compiled rules are cached per effective period (the span between two dates on which some
    value changes); the cache is safe to fill from several threads at once.  Obtain one with
    :func:`load_tenant` or :func:`load_tenant_text`.
    """

    def __init__(self, core: CoreResult, profile: model.Profile, result: CheckResult) -> None:
        if core.core is None:  # pragma: no cover - load_tenant checks this
            raise CheckFailed("the core could not be loaded", core.diagnostics)
        self._core_result = core
        self.core: model.Core = core.core
        self.profile = profile
        self.check_result = result
        dates = {b.date for b in self.core.blocks} | profile.change_dates()
        self.start: dt.date | None = profile.blocks[0].date if profile.blocks else None
        self._dates = sorted(d for d in dates if self.start is None or d >= self.start)
        self._lock = threading.RLock()  # compiled() holds it while values() takes it
        self._values: dict[dt.date, Mapping[str, model.Resolved]] = {}
        self._compiled: dict[dt.date, CompiledRules] = {}
        #: The compiled entries by evaluation date (not period), so that evaluate() finds them
        #: with one dict look-up; emptied when it grows past _MAX_DATES.
        self._entries: dict[dt.date, Mapping[str, Callable[..., object]]] = {}
        #: Per effective period, the entries compiled so far: a rule is compiled, with the
        #: rules it calls, the first time it is evaluated (see _entry).
        self._lazy: dict[dt.date, dict[str, Callable[..., object]]] = {}
        self._needed: tuple[dict[str, list[str]], dict[str, Type]] | None = None
        self._known: frozenset[str] | None = None

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as the checked core and profile only (no lock, no compiled code): a process
        pool or a distributed engine ships a tenant, and the worker compiles what it runs."""
        return (Tenant, (self._core_result, self.profile, self.check_result))

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def layer(self) -> model.Profile | None:
        """The prefecture profile under this town's values (``within``), if it has one."""
        return self.profile.layer

    @property
    def rules(self) -> Mapping[str, TypedRule]:
        return self._core_result.rules

    def period(self, on: dt.date) -> dt.date:
        """The first day of the effective period that contains ``on``.

        :raises EvaluationError: if ``on`` is before the profile's first effective date.
        """
        if self.start is None or on < self.start:
            first = self.start.isoformat() if self.start else "(none)"
            raise EvaluationError(
                f"{self.name} has no values before its first effective date {first}; "
                f"{on.isoformat()} is too early", name=self.name,
                msg_ja=f"{self.name} には最初の適用開始日 {first} より前の値がありません"
                       f"（{on.isoformat()} は早すぎます）")
        return self._dates[bisect.bisect_right(self._dates, on) - 1]

    def periods(self) -> list[dt.date]:
        """The first day of each effective period, from the first effective date on."""
        return list(self._dates)

    def values(self, on: dt.date) -> Mapping[str, model.Resolved]:
        """Every parameter's value as of ``on``, with where it was set."""
        start = self.period(on)
        found = self._values.get(start)
        if found is None:
            found = model.resolve(self.core, self.profile, start)
            with self._lock:
                found = self._values.setdefault(start, found)
        return found

    def value_types(self) -> dict[str, Type]:
        """The type of each name an explanation shows: inputs, rules, and each parameter's
        value type (a table's cell type), so that amounts print with 円 and rates with %."""
        types: dict[str, Type] = {name: i.type for name, i in self.core.inputs.items()}
        for name, p in self.core.params.items():
            types[name] = getattr(p.type, "value", p.type)  # a table's cells
        types.update({name: r.type for name, r in self.rules.items()})
        return types

    def parameters(self, on: dt.date, *, projection: bool = False) -> dict[str, object]:
        """Every parameter's exact value as of ``on`` (tables as :class:`Table`).

        :raises LawHorizonError: ``on`` is after the core's law horizon and ``projection`` is
            false.
        """
        self._guard(on, projection)
        return {name: r.value for name, r in self.values(on).items()}

    def compiled(self, on: dt.date) -> CompiledRules:
        """Every rule compiled for the effective period of ``on`` (the module is shared with
        every tenant of the core whose rules fold alike; the values are this tenant's)."""
        start = self.period(on)
        found = self._compiled.get(start)
        if found is None:
            with self._lock:
                found = self._compiled.get(start)
                if found is None:
                    cache = _rule_cache(self._core_result, self.known_inputs)
                    found = cache.compile(None, self.values(start), start)
                    self._compiled[start] = found
        return found

    def _period_entries(self, on: dt.date) -> dict[str, Callable[..., object]]:
        start = self.period(on)
        found = self._lazy.get(start)
        if found is None:
            with self._lock:
                found = self._lazy.setdefault(start, {})
        return found

    def _entry(self, rule: str, on: dt.date) -> Callable[..., object]:
        """The compiled function of ``rule`` as of ``on``.  Only ``rule`` and the rules it calls
        are compiled (once per period): a batch of one tax in 1,741 towns does not compile,
        nor keep in memory, the whole package for each town."""
        entries = self._period_entries(on)
        fn = entries.get(rule)
        if fn is not None:
            return fn
        typed = self._rule(rule)
        start = self.period(on)
        full = self._compiled.get(start)
        if full is not None:  # everything is compiled already: take its entry, and keep it
            fn = full.entries[typed.name]
            entries.setdefault(typed.name, fn)
            return fn
        with self._lock:
            fn = entries.get(rule)
            if fn is None:
                # The rule and the rules it calls, in a module shared with every tenant of
                # the core whose rules fold alike (compiled by the first of them).
                cache = _rule_cache(self._core_result, self.known_inputs)
                part = cache.compile(typed.name, self.values(start), start)
                for name, f in part.entries.items():
                    entries.setdefault(name, f)
                fn = entries[typed.name]
        return fn

    def _rule(self, rule: str) -> TypedRule:
        found = self.rules.get(rule)
        if found is None:
            if rule in self.core.rules:
                raise CheckFailed(f"rule {rule} has errors in the core; run paramcfg check")
            hint, _ = suggest(rule, self.rules)
            raise EvaluationError(f"no rule {rule} in core {self.core.name}{hint}", name=rule)
        return found

    @property
    def horizon(self) -> dt.date | None:
        """The last date for which the core's law is known (``law through``), if it says."""
        return self.core.horizon

    def is_projection(self, on: dt.date) -> bool:
        """Whether ``on`` is after the core's law horizon: a value as of ``on`` can only be a
        projection (the law as of the horizon, carried forward)."""
        return self.core.beyond_horizon(on)

    def _guard(self, on: dt.date, projection: bool) -> None:
        """Refuse a date after the core's law horizon unless a projection was asked for."""
        if not projection and self.core.beyond_horizon(on):
            raise horizon_error(self.core.name, self.core.version_text,
                                 str(self.core.horizon), on.isoformat())

    def evaluate(self, rule: str, inputs: Mapping[str, object], on: dt.date,
                 args: Sequence[object] = (), *, projection: bool = False) -> object:
        """The exact value of ``rule`` (``int`` yen, ``Decimal`` rates …) for ``inputs`` as of
        ``on``.

        :param projection: allow ``on`` after the core's law horizon (the law as of the
            horizon is carried forward; see :meth:`is_projection`).
        :raises LawHorizonError: ``on`` is after the core's law horizon and ``projection`` is
            false.
        :raises EvaluationError: a missing or ill-typed input, a date before the first
            effective date, a key outside every bracket.
        """
        entries = self._entries.get(on)  # only dates within the law horizon are kept here
        if entries is None:
            self._rule(rule)  # an unknown rule is reported before a date that is too early
            self._guard(on, projection)
            entries = self._period_entries(on)
            if not self.core.beyond_horizon(on):  # a projection's date is never kept here
                if len(self._entries) >= _MAX_DATES:
                    self._entries.clear()
                self._entries[on] = entries
        fn = entries.get(rule)
        if fn is None:  # not compiled yet (or no such rule: _entry raises)
            fn = self._entry(rule, on)
        try:
            return fn(inputs, on, *args) if args else fn(inputs, on)
        except TypeError:  # the entry turns every other error into an EvaluationError
            raise self._call_error(rule, inputs, args) from None

    def evaluate_as(self, kind: type[T], rule: str, inputs: Mapping[str, object], on: dt.date,
                    args: Sequence[object] = (), *, projection: bool = False) -> T:
        """:meth:`evaluate`, typed for the caller's type checker: the value of ``rule`` as a
        ``kind`` (``int`` for yen and int rules, ``Decimal`` for rates, ``bool``, ``date``,
        ``str`` for enums and text, ``tuple`` for lists, :class:`RecordValue` …)::

            fee: int = town.evaluate_as(int, "保育料.月額計算", inputs, on)

        :raises EvaluationError: the rule's declared type is not a ``kind`` (checked before
            evaluating), or as :meth:`evaluate`.
        """
        typed = self._rule(rule)
        expected = python_class(typed.type)
        if expected is not None and not issubclass(expected, kind):
            raise _wrong_kind(typed, kind)
        value = self.evaluate(rule, inputs, on, args, projection=projection)
        if kind is Decimal and type(value) is int:
            value = Decimal(value)  # a rate that came out whole is still a rate
        if not isinstance(value, kind):
            raise _wrong_kind(typed, kind)
        return value

    def evaluate_yen(self, rule: str, inputs: Mapping[str, object], on: dt.date,
                     args: Sequence[object] = (), *, projection: bool = False) -> int:
        """:meth:`evaluate_as` ``(int, …)`` for a rule of type ``yen``: the amount in int yen.

        :raises EvaluationError: the rule is not of type ``yen``, or as :meth:`evaluate`.
        """
        typed = self._rule(rule)
        if not isinstance(typed.type, YenType):
            raise _wrong_kind(typed, int, "yen")
        return self.evaluate_as(int, rule, inputs, on, args, projection=projection)

    def evaluate_many(self, rule: str, rows: Iterable[Mapping[str, object]],
                      on: dt.date, *, projection: bool = False) -> list[object]:
        """:meth:`evaluate` for many rows as of one date (compiled once, looked up once).

        :raises LawHorizonError: ``on`` is after the law horizon and ``projection`` is false.
        :raises EvaluationError: at the first bad row, with its index in ``row`` (and the
            message); :meth:`evaluate_rows` keeps going instead.
        """
        self._rule(rule)
        self._guard(on, projection)
        fn = self._batch_entry(rule, on)
        out: list[object] = []
        append = out.append
        try:
            for row in rows:
                append(fn(row, on))
        except EvaluationError as exc:
            raise exc.at_row(len(out)) from None
        return out

    def evaluate_rows(self, rule: str, rows: Iterable[Mapping[str, object]],
                      on: dt.date, *, projection: bool = False) -> list[RowResult]:
        """Every row's value or error, in one pass: a bad row costs its own result only.

        :raises LawHorizonError: ``on`` is after the law horizon and ``projection`` is false
            (the whole batch: no row can be computed).
        """
        from paramcfg.batch import run_rows  # noqa: PLC0415 - only batches need it

        self._rule(rule)
        self._guard(on, projection)
        return run_rows(self._batch_entry(rule, on), rows, on)

    def interpret(self, rule: str, inputs: Mapping[str, object], on: dt.date,
                  args: Sequence[object] = (), *, projection: bool = False) -> object:
        """Like :meth:`evaluate`, by the reference interpreter (slow, simple, the oracle)."""
        from paramcfg.interpret import Interpreter  # noqa: PLC0415 - not needed by `check`

        self._check_call(rule, inputs, args)
        self._guard(on, projection)
        return Interpreter(self.rules, self.values(on), on, needed=self._inputs_needed()).run(
            rule, inputs, tuple(args))

    def explain(self, rule: str, inputs: Mapping[str, object], on: dt.date,
                args: Sequence[object] = (), *, projection: bool = False) -> Step:
        """Evaluate and explain: each rule applied, each parameter used with the profile line
        it came from, each table bracket and cell chosen.  A projection (``on`` after the law
        horizon) starts with a ``projection`` step that says so."""
        from paramcfg.interpret import Interpreter, projection_step  # noqa: PLC0415

        self._check_call(rule, inputs, args)
        self._guard(on, projection)
        step = Interpreter(self.rules, self.values(on), on, needed=self._inputs_needed()).explain(
            rule, inputs, tuple(args))
        if self.core.beyond_horizon(on):
            step = projection_step(step, self.core.name, self.core.version_text,
                                   self.core.horizon)
        return step

    @property
    def known_inputs(self) -> frozenset[str]:
        """The names accepted among the inputs of any rule: the core's inputs (a key that is
        none of them is refused, with a did-you-mean from the rule's own inputs)."""
        known = self._known
        if known is None:
            known = self._known = frozenset(self.core.inputs) | frozenset(
                name for rule in self.rules.values() for name, _ in rule.inputs)
        return known

    def check_call(self, rule: str, inputs: object, args: Sequence[object] = ()) -> None:
        """Check a call of ``rule`` without evaluating it: its arguments, the input names and
        that every input it needs is given (all the missing ones in one error).  The values
        themselves are checked when the rule is evaluated.

        :raises EvaluationError: naming the rule and the input or argument at fault.
        """
        self._check_call(rule, inputs, args)

    def _bad_call(self, rule: str, inputs: object,
                  args: Sequence[object]) -> EvaluationError | None:
        typed = self._rule(rule)
        own = [i for i, _ in typed.inputs if i != AS_OF_KEY]
        return bad_call(typed.name, [p for p, _ in typed.params], own, self.known_inputs,
                        inputs, len(args), typed.span)

    def _check_call(self, rule: str, inputs: object, args: Sequence[object]) -> None:
        found = self._bad_call(rule, inputs, args)
        if found is not None:
            raise found

    def _call_error(self, rule: str, inputs: object, args: Sequence[object]) -> EvaluationError:
        """Compiled entries take exactly the rule's arguments: a call with others raised."""
        found = self._bad_call(rule, inputs, args)
        if found is not None:
            return found
        typed = self._rule(rule)
        return wrong_arguments(typed.name, [p for p, _ in typed.params], len(args), typed.span)

    def _batch_entry(self, rule: str, on: dt.date) -> Callable[[object, dt.date], object]:
        """The compiled entry for a batch, which gives no arguments: for a rule that takes
        some (checked once per batch), a function that refuses each row as :meth:`evaluate`
        would (an empty batch is still an empty list)."""
        if not self._rule(rule).params:
            return self._entry(rule, on)

        def refuse(inputs: object, on: dt.date) -> object:
            del on
            raise self._call_error(rule, inputs, ())

        return refuse

    def _inputs_needed(self) -> tuple[dict[str, list[str]], dict[str, Type]]:
        if self._needed is None:
            self._needed = (transitive_inputs(self.rules), input_types(self.rules))
        return self._needed

    def structure(self, cls: type[T], on: dt.date, *, prefix: str = "") -> T:
        """The parameters as of ``on`` structured into a vendor's attrs class with cattrs.

        Attribute names are the parameter names with ``prefix`` removed and dots replaced by
        underscores (``固定資産税.税率`` → ``固定資産税_税率``).
        """
        from paramcfg.plain import structure_parameters  # noqa: PLC0415 - cattrs is imported late

        return structure_parameters(self.parameters(on), cls, prefix=prefix)


T = TypeVar("T")


def python_class(ty: Type) -> type | None:
    """The Python class of every value of type ``ty`` (``None`` if there is no one class)."""
    from paramcfg import types as t  # noqa: PLC0415

    if isinstance(ty, t.YenType | t.IntType):
        return int
    if isinstance(ty, t.RateType | t.DecimalType):
        return Decimal
    if isinstance(ty, t.BoolType):
        return bool
    if isinstance(ty, t.DateType):
        return dt.date
    if isinstance(ty, t.EnumType | t.TextType):
        return str
    if isinstance(ty, t.MonthDayType):
        return t.MonthDay
    if isinstance(ty, t.ListType):
        return tuple
    return None


def _wrong_kind(rule: TypedRule, kind: type, wanted: str = "") -> EvaluationError:
    asked = wanted or kind.__name__
    return EvaluationError(
        f"rule {rule.name} is of type {rule.type}, so its value is not a {asked}; ask for "
        f"the type the rule declares", rule.span, rule=rule.name,
        msg_ja=f"ルール「{rule.name}」の型は {rule.type} なので、値は {asked} ではありません。"
               "ルールが宣言する型で受け取ってください")


def shown_diagnostics(core: CoreResult, result: CheckResult) -> list[Diagnostic]:
    """What to show when a tenant cannot be loaded: the core's diagnostics and, when the core
    loaded, the profile's too (a warning of the core must not hide an error of the profile)."""
    if not core.ok:
        return list(core.diagnostics)
    return [*core.diagnostics, *result.diagnostics]


def load_tenant(path: str | os.PathLike[str], core: CoreResult,
                prefecture: Prefecture | None = None) -> Tenant:
    """Load a tenant profile for evaluation, with its prefecture layer if it names one
    (``within``): ``prefecture`` (a :func:`load_prefecture` result or the file) if given, else
    the one :func:`find_prefecture` finds.  A prefecture profile loads too (its own values over
    the core's, for ``diff`` and ``export``).

    :raises CheckFailed: if the core, the profile or its prefecture has errors (run
        ``paramcfg check``).
    :raises OSError: if the file cannot be read.
    """
    return _tenant(check_profile(path, core, prefecture), core)


def load_tenant_text(text: str, core: CoreResult, path: str = "<profile>",
                     prefecture: Prefecture | None = None) -> Tenant:
    """Like :func:`load_tenant`, from text (a ``within`` line is looked up from ``path``)."""
    return _tenant(check_profile_text(text, core, path, prefecture), core)


def _tenant(result: CheckResult, core: CoreResult) -> Tenant:
    if not core.ok:
        raise CheckFailed("the package core has errors; run paramcfg check", core.diagnostics)
    if not result.ok or result.profile is None:
        raise CheckFailed(f"{result.path} has errors; run paramcfg check", result.diagnostics)
    return Tenant(core, result.profile, result)
