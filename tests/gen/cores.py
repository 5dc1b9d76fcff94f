"""Hypothesis strategies that write whole random package cores and profiles as DSL text.

:func:`scenarios` draws a :class:`Scenario`: the text of a core (enums with Japanese, ASCII and
digit-leading member names such as ``2号``; a record of household members; inputs of every
scalar kind, a ``list of`` the record and a ``list of yen``; parameters with limits, defaults
and dated changes in the core; bracket tables with the bracket axis anywhere among the axes,
category tables, a marginal-rate ``scale``; *probe* rules that apply one feature (a look-up, a
rounding at halves, a date function, an aggregate) to plain inputs so that its result is seen
as it is; and rules whose bodies come from a typed expression generator that keeps the unit
rules and calls earlier rules), a valid profile for it (one to three dated blocks), and several
input draws (dates, inputs, rule arguments; keys at and beside every breakpoint, negative and
huge amounts, empty lists; now and then one input missing or of the wrong kind) to evaluate
every rule with.

The generator only writes well-typed rules: a core that fails its checks is a bug in this module
(or in the checker), never something a test should skip.

:func:`monotone_scenarios` draws a small core with a fee table declared ``increasing`` (or
``decreasing``) ``along 所得``, a profile whose table obeys it, a rule that looks the fee up
through transformations that keep the order, and incomes to compare.

:func:`values_of` draws valid input values for any declared :mod:`paramcfg.types` type, for the
shipped core.

Literals are written by :mod:`gen.literals`; settings come from :mod:`gen.settings`.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
from hypothesis import strategies as st

from gen.literals import int_literal, one_in, plain_decimal, rate_literal, value_literal, yen_literal
from paramcfg import types as t

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from hypothesis.strategies import DrawFn

# ---- types of the generator ------------------------------------------------------------------
#
# Declared types are strings: "yen", "int", "rate", "decimal", "bool", "date", "enum:NAME",
# "rec" (a household member), "list:rec", "list:yen".  The generator asks for *targets*: the
# declared scalars, plus "money" (yen or a fractional amount) and "num" (int, rate or decimal).

MONEY_TARGETS = ("yen", "money")


def satisfies(declared: str, target: str) -> bool:
    """Whether a value declared (or generated) as ``declared`` may stand where ``target`` is."""
    if declared == target:
        return True
    if target == "money":
        return declared == "yen"
    if target == "num":
        return declared in {"int", "rate", "decimal"}
    return False


def target_of(declared: str) -> str:
    """The generator target for a declared scalar type."""
    return "num" if declared in {"rate", "decimal"} else declared


# ---- names ---------------------------------------------------------------------------------

_BASES = ("所得", "税額", "控除", "料金", "基本", "割合", "人数", "年齢", "限度", "加算", "減免",
          "対象", "係数", "単価", "判定", "期限", "調整", "fee", "base", "amount", "limit", "qty",
          "Rate_", "n_", "x")
_GROUPS = ("保育料", "固定資産税", "国保", "住民税", "tax")
#: Enum members: Japanese, ASCII and digit-leading.  None ends in an ASCII digit, so no member
#: can be mistaken for a generated name (which always does).
_MEMBERS = ("2号", "3号", "1級地", "2級地", "13年超", "甲", "乙", "丙", "丁", "標準", "短時間",
            "A型", "B型", "alpha", "beta", "Gamma", "第1子", "その他", "土地", "家屋")
_ENUM_NAMES = ("区分", "認定区分", "保育時間", "種別", "Kind", "税率区分")
_LAMBDA_VARS = ("m", "員", "p", "人", "each")
_LET_NAMES = ("基", "tmp", "値", "額", "t")
_AXIS_NAMES = ("所得", "収入", "所得割額", "income")
_FREE_HEADERS = ("額", "税額", "値", "率", "value")
#: The record of a table of records (TableSpec value "row"): its fields, as (name, type).
ROW = "段階行"
ROW_FIELDS = (("額", "yen"), ("段", "int"))


class Names:
    """Fresh names: a base and a running number, now and then inside a dotted group."""

    def __init__(self, draw: DrawFn) -> None:
        self.draw = draw
        self.counter = itertools.count(1)

    def fresh(self, pool: Sequence[str] = _BASES, *, dotted: bool = False) -> str:
        name = f"{self.draw(st.sampled_from(pool))}{next(self.counter)}"
        if dotted and one_in(self.draw, 4):
            name = f"{self.draw(st.sampled_from(_GROUPS))}.{name}"
        return name



_NICE_RATES = tuple(Decimal(x) for x in ("0", "0.5", "0.1", "0.015", "0.25", "0.05", "0.005",
                                          "0.014", "0.3", "1", "0.125"))


def rates(lo: Decimal = Decimal(0), hi: Decimal = Decimal(1)) -> st.SearchStrategy[Decimal]:
    """Rates with at most three decimals in percent (1.4% is Decimal("0.014")); often a round
    one such as 50% or 1.5%, so that amounts fall exactly on halves and rounding modes differ."""
    nice = [r for r in _NICE_RATES if lo <= r <= hi]
    any_rate = st.integers(int(lo * 100_000), int(hi * 100_000)).map(
        lambda k: (Decimal(k) / 100_000).normalize())
    return st.one_of(st.sampled_from(nice), any_rate) if nice else any_rate


# ---- the core as plain data ------------------------------------------------------------------


@attrs.frozen
class ParamSpec:
    name: str
    type: str
    required: bool
    fixed: bool = False
    low: object = None  # a literal lower limit, or None
    high: object = None  # a literal upper limit, or None
    high_param: str | None = None  # `max <param>`: a fixed yen parameter
    default: object = None


@attrs.frozen
class TableSpec:
    """A table parameter: ``axes`` in declared order, each ``("bracket", name, key type)`` or
    ``("enum", enum name)``; ``scale`` for a marginal-rate scale."""

    name: str
    axes: tuple[tuple[str, ...], ...]
    value: str  # yen, rate, int, or row: the record ROW (fields 額 : yen, 段 : int)
    required: bool
    scale: bool = False
    monotone: str | None = None  # increasing / decreasing along the bracket axis
    default: TableValue | None = None

    @property
    def bracket(self) -> int | None:
        return next((i for i, a in enumerate(self.axes) if a[0] == "bracket"), None)


@attrs.frozen
class TableValue:
    """Breakpoints (the lows after 0) and cells keyed by (bracket index or None, members)."""

    points: tuple[int, ...] | None
    cells: dict[tuple[int | None, tuple[str, ...]], object] = attrs.field(hash=False)


@attrs.frozen
class RuleSpec:
    name: str
    params: tuple[tuple[str, str], ...]
    type: str


@attrs.frozen
class CoreSpec:
    text: str
    name: str
    enums: dict[str, tuple[str, ...]] = attrs.field(hash=False)
    record: dict[str, tuple[str, object]] = attrs.field(hash=False)  # field → (type, default)
    inputs: dict[str, str] = attrs.field(hash=False)
    params: dict[str, ParamSpec] = attrs.field(hash=False)
    tables: dict[str, TableSpec] = attrs.field(hash=False)
    rules: tuple[RuleSpec, ...]
    changes: tuple[tuple[dt.date, dict[str, object]], ...]  # the core's own `from` blocks


@attrs.frozen
class ProfileSpec:
    text: str
    dates: tuple[dt.date, ...]
    #: Yen amounts worth probing: every breakpoint and yen value the profile or core sets.
    interesting: tuple[int, ...]


@attrs.frozen
class Draw:
    """One evaluation: a date, the inputs, and the arguments for each rule that takes some."""

    on: dt.date
    inputs: dict[str, object] = attrs.field(hash=False)
    args: dict[str, tuple[object, ...]] = attrs.field(hash=False)


@attrs.frozen
class Scenario:
    core: CoreSpec
    profile: ProfileSpec
    draws: tuple[Draw, ...]


# ---- the typed expression generator -----------------------------------------------------------


@attrs.frozen
class Scope:
    """Locals (rule arguments, lets, lambda parameters) with their declared or generated type."""

    locals: tuple[tuple[str, str], ...] = ()
    items: tuple[str, ...] = ()  # the lambda parameters among the locals, innermost last

    def add(self, name: str, ty: str) -> Scope:
        return Scope((*self.locals, (name, ty)), self.items)

    def item(self, name: str, ty: str) -> Scope:
        return Scope((*self.locals, (name, ty)), (*self.items, name))


class ExprGen:
    """Writes well-typed expressions for a core under construction.

    Every compound is parenthesised, so precedence never matters.  ``known`` says whether the
    type checker will pass the expected type down to this position: only then may a bare enum
    member stand there (``認定 == 2号``, a table key, a rule argument, a rule body).
    """

    def __init__(self, draw: DrawFn, names: Names, enums: dict[str, tuple[str, ...]],
                 record: dict[str, tuple[str, object]], inputs: dict[str, str],
                 params: dict[str, ParamSpec], tables: dict[str, TableSpec]) -> None:
        self.draw = draw
        self.names = names
        self.enums = enums
        self.record = record
        self.inputs = inputs
        self.params = params
        self.tables = tables
        self.rules: list[RuleSpec] = []
        #: The rule without arguments that looks up each table of records (`料金3.行`): its
        #: fields are read as `料金3.行.額`.
        self.row_rules: dict[str, str] = {}

    def row_fields(self, target: str) -> list[str]:
        return [f"{rule}.{f}" for rule in self.row_rules.values() for f, ty in ROW_FIELDS
                if satisfies(ty, target)]

    # -- helpers
    def pick(self, options: Sequence[str]) -> str:
        return self.draw(st.sampled_from(options))

    def variables(self, scope: Scope, target: str) -> list[str]:
        out = [n for n, ty in scope.locals if satisfies(ty, target)]
        out += [n for n, ty in self.inputs.items() if satisfies(ty, target)]
        out += [n for n, p in self.params.items() if satisfies(p.type, target)]
        out += [r.name for r in self.rules if not r.params and satisfies(r.type, target)]
        out += self.row_fields(target)
        for var, ty in scope.locals:
            if ty == "rec":
                out += [f"{var}.{f}" for f, (fty, _) in self.record.items() if satisfies(fty, target)]
        return out

    def lists(self, scope: Scope, kind: str) -> list[str]:
        out = [n for n, ty in scope.locals if ty == kind]
        out += [n for n, ty in self.inputs.items() if ty == kind]
        out += [n for n, p in self.params.items() if p.type == kind]
        return out

    # -- entry
    def expr(self, scope: Scope, target: str, depth: int, *, known: bool = True) -> str:
        if depth <= 0 or one_in(self.draw, 5):
            return self.leaf(scope, target, known=known)
        builders = self.compounds(target, known=known)
        choice = self.draw(st.sampled_from(builders))
        return choice(scope, depth - 1)

    def leaf(self, scope: Scope, target: str, *, known: bool) -> str:
        # Inside a lambda, mostly the item: `m -> m.所得`, not a constant function.
        if len(scope.items) > 0 and self.draw(st.booleans()):
            item = scope.items[-1]
            own = [v for v in self.variables(scope, target) if v == item or v.startswith(f"{item}.")]
            if own:
                return self.pick(own)
        found = self.variables(scope, target)
        if found and self.draw(st.integers(0, 2)) != 0:
            return self.pick(found)
        return self.literal(scope, target, known=known)

    def literal(self, scope: Scope, target: str, *, known: bool) -> str:
        d = self.draw
        if target in MONEY_TARGETS:
            if target == "money" and one_in(d, 3):
                return f"({self.literal(scope, 'yen', known=known)} * {self.rate_lit()})"
            return yen_literal(d, d(st.one_of(st.integers(0, 2_000), st.integers(0, 3_000_000))))
        if target == "int":
            return int_literal(d, d(st.integers(0, 2_000)))
        if target == "num":
            kind = d(st.sampled_from(["int", "rate", "rate", "decimal"]))
            if kind == "int":
                return int_literal(d, d(st.integers(0, 100)))
            if kind == "rate":
                return self.rate_lit()
            return plain_decimal(d(st.decimals(Decimal(0), Decimal(100), places=2)))
        if target == "bool":
            return d(st.sampled_from(["true", "false"]))
        if target == "date":
            if one_in(d, 3):
                return "as_of"
            return d(st.dates(dt.date(1950, 1, 1), dt.date(2035, 12, 31))).isoformat()
        assert target.startswith("enum:")
        enum = target[5:]
        found = self.variables(scope, target)
        if known or not found:
            return self.pick(self.enums[enum])
        return self.pick(found)

    def rate_lit(self) -> str:
        return rate_literal(self.draw, self.draw(rates(Decimal(0), Decimal("1.5"))))

    def mode(self) -> str:
        return self.pick(["floor", "ceil", "round_half_up", "round_half_even"])

    def unit(self, *, whole: bool) -> str:
        options = ["1", "10", "100", "1000", "1,000", "100円", "10円"]
        if not whole:
            options += ["0.01", "0.5", "0.001", "0.25"]
        return self.pick(options)

    def divisor(self, scope: Scope, depth: int) -> str:
        """Mostly a non-zero literal (a zero divisor is an error in both evaluators)."""
        kind = self.draw(st.integers(0, 5))
        if kind == 0:
            return self.expr(scope, "num", depth)
        if kind == 1:
            return self.rate_lit()
        return str(self.draw(st.sampled_from([2, 3, 4, 7, 12, 100])))

    # -- compounds
    def compounds(self, target: str, *, known: bool) -> list[Callable[[Scope, int], str]]:
        e = self.expr
        out: list[Callable[[Scope, int], str]] = []

        def add(fn: Callable[[Scope, int], str], weight: int = 1) -> None:
            out.extend([fn] * weight)

        def cond(s: Scope, k: int) -> str:
            return (f"(if {e(s, 'bool', k)} then {e(s, target, k, known=known)} "
                    f"else {e(s, target, k)})")

        add(cond)
        rules = [r for r in self.rules if satisfies(r.type, target)]
        if rules:
            add(lambda s, k: self.call(s, self.draw(st.sampled_from(rules)), k), 2)
        if target.startswith("enum:"):
            return out
        if target == "date":
            add(lambda s, k: f"{self.pick(['min', 'max'])}({e(s, 'date', k)}, {e(s, 'date', k)})")
            # Due dates: a day of the year placed in a fiscal year, moved past closed days.
            add(lambda s, k: f"fiscal_date({self.monthday()}, fiscal_year({e(s, 'date', k)}))")
            add(lambda s, k: f"business_day({e(s, 'date', k)}, 閉庁日)")
            add(lambda s, k: f"add_months({e(s, 'date', k)}, {e(s, 'int', k)})")
            return out
        if target == "bool":
            self._bool_compounds(add)
            return out
        # numbers and money
        add(lambda s, k: f"({e(s, target, k)} {self.pick(['+', '-'])} {e(s, target, k)})", 2)
        add(lambda s, k: f"(-{e(s, target, k)})")
        add(lambda s, k: self._extremum(s, target, k))
        add(lambda s, k: f"clamp({e(s, target, k)}, {e(s, target, k)}, {e(s, target, k)})")
        if target in MONEY_TARGETS:
            add(lambda s, k: f"{self.mode()}({e(s, 'money', k)}, {self.unit(whole=True)})", 4)
            add(lambda s, k: (f"({e(s, 'yen', k)} * {e(s, 'int', k)})" if self.draw(st.booleans())
                              else f"({e(s, 'int', k)} * {e(s, 'yen', k)})"))
            self._money_tables(add, target)
        if target == "money":
            add(lambda s, k: f"({e(s, 'money', k)} * {e(s, 'num', k)})", 2)
            add(lambda s, k: f"({e(s, 'num', k)} * {e(s, 'money', k)})")
            add(lambda s, k: f"({e(s, 'money', k)} / {self.divisor(s, k)})", 2)
        if target in {"int", "num"}:
            add(lambda s, k: f"({e(s, target, k)} * {e(s, target, k)})")
            add(lambda s, k: f"{self.mode()}({e(s, 'num', k)}, {self.unit(whole=True)})")
            add(lambda s, k: f"fiscal_year({e(s, 'date', k)})")
            # Month by month (月割): how many months of a fiscal year satisfy a condition.
            add(lambda s, k: (f"count(fiscal_months(fiscal_year({e(s, 'date', k)})), m -> "
                              f"age_on({e(s, 'date', k)}, add_months(m, 1)) >= {e(s, 'int', k)})"))
            add(lambda s, k: (f"{self.pick(['age_on', 'months_between'])}({e(s, 'date', k)}, "
                              f"{e(s, 'date', k)})"), 2)
            for name, spec in self.tables.items():
                if spec.value == "int" and not spec.scale:
                    add(self._lookup_of(name), 3)
        if target == "num":
            add(lambda s, k: f"({e(s, 'num', k)} / {self.divisor(s, k)})")
            add(lambda s, k: f"({e(s, 'money', k)} / {e(s, 'money', k)})")
            add(lambda s, k: f"{self.mode()}({e(s, 'num', k)}, {self.unit(whole=False)})")
            for name, spec in self.tables.items():
                if spec.value == "rate" and not spec.scale:
                    add(self._lookup_of(name), 3)
        self._aggregates(add, target)
        return out

    def _bool_compounds(self, add: Callable[..., None]) -> None:
        e = self.expr

        def op() -> str:
            return self.pick(["<", "<=", ">", ">=", "==", "!="])

        def eq() -> str:
            return self.pick(["==", "!="])

        add(lambda s, k: f"({e(s, 'money', k)} {op()} {e(s, 'money', k)})", 3)
        add(lambda s, k: f"({e(s, 'num', k)} {op()} {e(s, 'num', k)})", 2)
        add(lambda s, k: f"({e(s, 'date', k)} {op()} {e(s, 'date', k)})")

        def same(s: Scope, _k: int) -> str:
            # Both sides equal (often two constants, which the compiler decides in advance).
            side = self.leaf(s, self.pick(["yen", "num", "date"]), known=True)
            return f"({side} {op()} {side})"

        add(same)
        add(lambda s, k: f"({e(s, 'bool', k)} {eq()} {e(s, 'bool', k)})")
        add(lambda s, k: f"({e(s, 'bool', k)} {self.pick(['and', 'or'])} {e(s, 'bool', k)})", 2)
        add(lambda s, k: f"(not {e(s, 'bool', k)})")
        for enum in self.enums:
            target = f"enum:{enum}"

            def compare(s: Scope, k: int, target: str = target) -> str:
                # The left side is typed without an expected type; a bare member on the left
                # is typed once the right side is known.
                if self.draw(st.booleans()):
                    return f"({e(s, target, k, known=False)} {eq()} {e(s, target, k)})"
                return f"({self.pick(self.enums[target[5:]])} {eq()} {e(s, target, k, known=False)})"

            add(compare)
        self._aggregates(add, "bool")

    def _extremum(self, s: Scope, target: str, k: int) -> str:
        n = self.draw(st.integers(2, 3))
        args = ", ".join(self.expr(s, target, k) for _ in range(n))
        return f"{self.pick(['min', 'max'])}({args})"

    def _money_tables(self, add: Callable[..., None], target: str) -> None:
        for name, spec in self.tables.items():
            if spec.scale and target == "money":
                add(lambda s, _k, name=name: f"{name}({self.leaf(s, 'yen', known=True)})", 2)
                add(lambda s, k, name=name: f"{name}({self.expr(s, 'yen', k)})", 2)
            elif spec.value == "yen" and not spec.scale:
                add(lambda s, k, name=name: self.lookup(s, name, k), 4)

    def _aggregates(self, add: Callable[..., None], target: str) -> None:
        for source in ("list:rec", "list:yen"):
            if not self.lists(Scope(), source) and source == "list:yen":
                continue

            def agg(s: Scope, k: int, source: str = source) -> str:
                lists = self.lists(s, source)
                if not lists:
                    return self.leaf(s, target, known=True)
                lst = self.pick(lists)
                var = self.names.fresh(_LAMBDA_VARS)
                inner = s.item(var, "rec" if source == "list:rec" else "yen")
                if target == "bool":
                    return f"{self.pick(['any', 'all'])}({lst}, {var} -> {self.expr(inner, 'bool', k)})"
                if target == "int" and self.draw(st.integers(0, 2)) != 0:
                    if self.draw(st.booleans()):
                        return f"count({lst})"
                    return f"count({lst}, {var} -> {self.expr(inner, 'bool', k)})"
                if source == "list:yen" and target in MONEY_TARGETS and self.draw(st.booleans()):
                    return f"sum({lst})"
                fn = self.pick(["sum", "sum", "min", "max", "map"])
                if fn == "map":  # a list made item by item, then summed
                    return f"sum(map({lst}, {var} -> {self.expr(inner, target, k)}))"
                return f"{fn}({lst}, {var} -> {self.expr(inner, target, k)})"

            add(agg, 2)

    def monthday(self) -> str:
        month = self.draw(st.integers(1, 12))
        if self.draw(st.booleans()):
            return f"{month}月末日"
        return f"{month}月{self.draw(st.integers(1, 28))}日"

    def _lookup_of(self, name: str) -> Callable[[Scope, int], str]:
        """A builder of a look-up of table ``name``."""
        return lambda s, k: self.lookup(s, name, k)

    def lookup(self, scope: Scope, name: str, depth: int) -> str:
        spec = self.tables[name]
        keys = []
        for axis in spec.axes:
            if axis[0] == "bracket":
                # Mostly an input or argument as it is, so that keys land on breakpoints.
                keys.append(self.expr(scope, axis[2], depth) if one_in(self.draw, 3)
                            else self.leaf(scope, axis[2], known=True))
            else:
                keys.append(self.expr(scope, f"enum:{axis[1]}", depth))
        return f"{name}({', '.join(keys)})"

    def call(self, scope: Scope, rule: RuleSpec, depth: int) -> str:
        if not rule.params:
            return rule.name
        args = ", ".join(self.expr(scope, target_of(ty), depth) for _, ty in rule.params)
        return f"{rule.name}({args})"

    # -- probes: one feature applied to plain inputs, its result shown as it is
    def probe(self, scope: Scope) -> tuple[str, Callable[[], str]]:
        """A rule type and a body that applies one feature to inputs, arguments or literals:
        a table or scale look-up, a rounding, a date function, an aggregate.  Nothing masks
        the result (an amount is shown exactly as ``amount / 1円``, a decimal)."""
        def leaf(scope: Scope, target: str, *, known: bool) -> str:
            # Mostly an input or an argument: they change from one draw to the next.
            found = [n for n, ty in (*scope.locals, *self.inputs.items()) if satisfies(ty, target)]
            if found and not one_in(self.draw, 4):
                return self.pick(found)
            return self.leaf(scope, target, known=known)

        options: list[tuple[str, Callable[[], str]]] = [
            ("yen", lambda: f"{self.mode()}(({leaf(scope, 'yen', known=True)} * "
                            f"{leaf(scope, 'num', known=True)}), {self.unit(whole=True)})"),
            ("yen", lambda: f"{self.mode()}(({leaf(scope, 'yen', known=True)} / "
                            f"{self.divisor(scope, 0)}), {self.unit(whole=True)})"),
            # Halves: an odd multiple of a half unit is where the four modes differ.
            *[("yen", lambda: f"{self.pick(['round_half_up', 'round_half_even', self.mode()])}(("
                              f"{leaf(scope, 'yen', known=True)} "
                              f"{self.pick(['/ 2', '* 50%', '/ 20', '* 0.5'])}), "
                              f"{self.pick(['1', '1円', '10'])})")] * 2,
            ("decimal", lambda: f"(({leaf(scope, 'yen', known=True)} * "
                                f"{leaf(scope, 'num', known=True)}) / 1円)"),
            ("int", lambda: f"{self.mode()}({leaf(scope, 'num', known=True)}, "
                            f"{self.unit(whole=True)})"),
            ("int", lambda: f"age_on({leaf(scope, 'date', known=True)}, "
                            f"{self.pick(['as_of', leaf(scope, 'date', known=True)])})"),
            ("int", lambda: (f"months_between({leaf(scope, 'date', known=True)}, "
                             f"{leaf(scope, 'date', known=True)})")),
            ("int", lambda: f"fiscal_year({leaf(scope, 'date', known=True)})"),
        ]
        def scale_ratio(name: str) -> Callable[[], str]:
            return lambda: f"({name}({leaf(scope, 'yen', known=True)}) / 1円)"

        def scale_rounded(name: str) -> Callable[[], str]:
            return lambda: (f"{self.mode()}({name}({leaf(scope, 'yen', known=True)}), "
                            f"{self.unit(whole=True)})")

        def looked_up(name: str) -> Callable[[], str]:
            return lambda: self.lookup(scope, name, 0)

        for name, spec in self.tables.items():
            if spec.scale:
                options.append(("decimal", scale_ratio(name)))
                options.append(("yen", scale_rounded(name)))
            elif spec.value == "row":
                options += [("yen", functools.partial("{}.額".format, self.row_rules[name])),
                            ("int", functools.partial("{}.段".format, self.row_rules[name]))]
            else:
                ty = "decimal" if spec.value == "rate" else spec.value
                options += [(ty, looked_up(name))] * 2
        lists = self.lists(scope, "list:rec")
        if lists:
            options += [
                ("yen", lambda: f"{self.pick(['sum', 'min', 'max'])}({lists[0]}, m -> m.所得)"),
                ("int", lambda: f"count({lists[0]}, m -> (m.年齢 >= {self.draw(st.integers(0, 80))}))"),
                ("bool", lambda: f"{self.pick(['any', 'all'])}({lists[0]}, m -> "
                                 f"(m.所得 > {leaf(scope, 'yen', known=True)}))"),
            ]
        return self.draw(st.sampled_from(options)) if options else ("yen", lambda: "0円")

    # -- a rule
    def rule_text(self, rule: RuleSpec, depth: int) -> str:
        d = self.draw
        scope = Scope(tuple(rule.params))
        lines = []
        head = f"rule {rule.name}"
        if rule.params:
            head += "(" + ", ".join(f"{p} : {self.type_text(ty)}" for p, ty in rule.params) + ")"
        head += f" : {self.type_text(rule.type)} ="
        for _ in range(d(st.integers(0, 2))):
            kind = d(st.sampled_from(["yen", "money", "int", "num", "bool", "date", "enum",
                                      "list:rec"]))
            name = self.names.fresh(_LET_NAMES)
            if kind == "enum":
                kind = f"enum:{d(st.sampled_from(sorted(self.enums)))}"
            if kind == "list:rec":
                lists = self.lists(scope, "list:rec")
                value = self.pick(lists)
                if d(st.booleans()):
                    value = f"(if {self.expr(scope, 'bool', 1)} then {value} else {self.pick(lists)})"
            else:
                value = self.expr(scope, kind, depth - 1, known=False)
            lines.append(f"  let {name} = {value}")
            scope = scope.add(name, kind)
        target = target_of(rule.type)
        if one_in(d, 4):
            # A top-level `if` written over lines: `then` and `else` start continuation lines.
            lines.append(f"  if {self.expr(scope, 'bool', depth - 1)}")
            lines.append(f"    then {self.expr(scope, target, depth - 1)}")
            lines.append(f"    else {self.expr(scope, target, depth - 1)}")
        else:
            lines.append(f"  {self.expr(scope, target, depth)}")
        if len(lines) == 1 and d(st.booleans()):
            text = f"{head} {lines[0].strip()}"
        else:
            text = "\n".join([head, *lines])
        if d(st.booleans()):
            text += '\n  label "生成されたルール"'
        return text

    def type_text(self, ty: str) -> str:
        return ty.removeprefix("enum:")


# ---- cores -----------------------------------------------------------------------------------


@st.composite
def table_values(draw: DrawFn, spec: TableSpec, enums: dict[str, tuple[str, ...]],
                 *, low: int | None = None, high: int | None = None) -> TableValue:
    """Cells for ``spec``: breakpoints from 0 to ∞, values monotone where it is declared."""
    cats = [enums[a[1]] for a in spec.axes if a[0] == "enum"]
    combos = list(itertools.product(*cats))
    points: tuple[int, ...] | None = None
    brackets: list[int | None] = [None]
    if spec.bracket is not None:
        points = tuple(sorted(set(draw(st.lists(
            st.one_of(st.integers(1, 1_000), st.integers(1, 5_000_000)), max_size=6)))))
        brackets = list(range(len(points) + 1))

    def value(kind: str = spec.value) -> object:
        if kind == "yen":
            lo = -50_000 if low is None else low
            return draw(st.integers(lo, 1_000_000 if high is None else high))
        if kind == "int":
            return draw(st.integers(-10, 100))
        return draw(rates(Decimal(0), Decimal("0.6")))

    def monotone(column: list[object]) -> list[object]:
        if spec.monotone is not None:
            column.sort(reverse=spec.monotone == "decreasing")
        return column

    cells: dict[tuple[int | None, tuple[str, ...]], object] = {}
    for combo in combos:
        column: list[object]
        if spec.value == "row":  # a record per cell, each field monotone on its own
            fields = [monotone([value(ty) for _ in brackets]) for _, ty in ROW_FIELDS]
            column = list(zip(*fields, strict=True))
        else:
            column = monotone([value() for _ in brackets])
        for b, v in zip(brackets, column, strict=True):
            cells[(b, combo)] = v
    return TableValue(points, cells)


def grid_text(draw: DrawFn, spec: TableSpec, value: TableValue, indent: str,
              enums: dict[str, tuple[str, ...]]) -> str:
    """The grid of ``value`` under an assignment or a ``default``, one row per line."""
    axes = spec.axes
    cat_idx = [i for i, a in enumerate(axes) if a[0] == "enum"]
    if spec.bracket is not None:
        row_axes = [spec.bracket]
    else:
        row_axes = [i for i in cat_idx if draw(st.booleans())] or [cat_idx[0]]
    col_axes = [i for i in cat_idx if i not in row_axes]
    # A table of records: its fields are one more, last column axis.
    fields = [f for f, _ in ROW_FIELDS] if spec.value == "row" else [None]

    def lit(v: object, field: str | None) -> str:
        if field is None:
            return value_literal(draw, spec.value, v)
        k = next(i for i, (f, _) in enumerate(ROW_FIELDS) if f == field)
        assert isinstance(v, tuple)
        return value_literal(draw, ROW_FIELDS[k][1], v[k])

    col_keys = draw(st.permutations([
        (k, f) for k in itertools.product(*(enums[axes[i][1]] for i in col_axes)) for f in fields]))
    header = [axes[i][1] for i in row_axes]
    header += ([" ".join(k if f is None else (*k, f)) for k, f in col_keys]
               if col_axes or spec.value == "row" else [draw(st.sampled_from(_FREE_HEADERS))])
    grid = [header]

    def cat_key(members: dict[int, str]) -> tuple[str, ...]:
        return tuple(members[i] for i in cat_idx)

    if spec.bracket is not None:
        assert value.points is not None
        lows = [0, *value.points]
        highs: list[int | None] = [*value.points, None]
        key_ty = axes[spec.bracket][2]
        for b, (lo, hi) in enumerate(zip(lows, highs, strict=True)):
            if hi is None:
                key = f">= {_key_literal(draw, key_ty, lo)}"
            elif draw(st.booleans()):
                key = f"< {_key_literal(draw, key_ty, hi)}"
            else:
                key = f"{_key_literal(draw, key_ty, lo)} ..< {_key_literal(draw, key_ty, hi)}"
            row = [key]
            for ck, field in col_keys:
                members = dict(zip(col_axes, ck, strict=True))
                row.append(lit(value.cells[(b, cat_key(members))], field))
            grid.append(row)
    else:
        row_keys = draw(st.permutations(list(itertools.product(
            *(enums[axes[i][1]] for i in row_axes)))))
        for rk in row_keys:
            row = list(rk)
            for ck, field in col_keys:
                members = dict(zip(row_axes, rk, strict=True))
                members.update(zip(col_axes, ck, strict=True))
                row.append(lit(value.cells[(None, cat_key(members))], field))
            grid.append(row)
    width = [max(len(r[c]) for r in grid) for c in range(len(grid[0]))]
    lines = ["| " + " | ".join(cell.ljust(width[c]) for c, cell in enumerate(row)) + " |"
             for row in grid]
    return "".join(f"\n{indent}{line}" for line in lines)


def _key_literal(draw: DrawFn, key_ty: str, value: int) -> str:
    return yen_literal(draw, value) if key_ty == "yen" else int_literal(draw, value)


@st.composite
def scalar_values(draw: DrawFn, p: ParamSpec, enums: dict[str, tuple[str, ...]],
                  ceiling: int | None = None) -> object:
    """A value of parameter ``p`` inside its limits (``ceiling``: the lowest value its `max`
    parameter takes on any date)."""
    if p.type == "yen":
        lo = p.low if isinstance(p.low, int) else -100_000
        hi = ceiling if ceiling is not None else 3_000_000
        return draw(st.one_of(st.integers(lo, hi), st.sampled_from([lo, hi])))
    if p.type == "int":
        return draw(st.integers(-5, 40))
    if p.type == "rate":
        rate_lo = p.low if isinstance(p.low, Decimal) else Decimal(-1)
        rate_hi = p.high if isinstance(p.high, Decimal) else Decimal(2)
        return draw(rates(rate_lo, rate_hi))
    if p.type == "decimal":
        return draw(st.decimals(Decimal(-10), Decimal(1000), places=3))
    if p.type == "bool":
        return draw(st.booleans())
    if p.type == "date":
        return draw(st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31)))
    if p.type.startswith("enum:"):
        return draw(st.sampled_from(enums[p.type[5:]]))
    if p.type == "list:yen":
        return tuple(draw(st.lists(st.integers(0, 500_000), max_size=4)))
    raise AssertionError(p.type)


def _declared(ty: str) -> str:
    if ty.startswith("enum:"):
        return ty[5:]
    return {"list:yen": "list of yen"}.get(ty, ty)


@st.composite
def cores(draw: DrawFn) -> CoreSpec:
    """A random core that type-checks (see the module docstring)."""
    names = Names(draw)
    lines = [f'core "gen-core" version {draw(st.integers(1, 2030))}.{draw(st.integers(0, 12))}', ""]

    # Enums: members drawn from one pool, so two enums may share a member name (scoped).
    enums: dict[str, tuple[str, ...]] = {}
    for _ in range(draw(st.integers(1, 3))):
        name = names.fresh(_ENUM_NAMES)
        members = tuple(draw(st.lists(st.sampled_from(_MEMBERS), min_size=1, max_size=4,
                                      unique=True)))
        enums[name] = members
        body = ", ".join(m + (f' "{m}の説明"' if draw(st.booleans()) else "") for m in members)
        lines.append(f"enum {name} {{ {body} }}")
    enum_names = sorted(enums)

    # The record of a household member, and the inputs.
    record: dict[str, tuple[str, object]] = {"所得": ("yen", None), "年齢": ("int", None)}
    if draw(st.booleans()):
        record["障害"] = ("bool", draw(st.sampled_from([None, False, True])))
    if draw(st.booleans()):
        record["続柄"] = (f"enum:{draw(st.sampled_from(enum_names))}", None)
    if draw(st.booleans()):
        record["生年月日"] = ("date", None)
    if draw(st.booleans()):
        record["年齢"] = ("int", draw(st.integers(0, 90)))
    rec_name = names.fresh(("世帯員", "Member"))
    fields = []
    for f, (ty, default) in record.items():
        text = f"  {f} : {_declared(ty)}"
        if default is not None:
            text += f" default {value_literal(draw, ty, default)}"
        fields.append(text)
    lines += [f"record {rec_name} {{", *fields, "}"]

    inputs: dict[str, str] = {}
    kinds = ["yen", "yen", "int", "rate", "bool", "date"]
    kinds += [f"enum:{e}" for e in enum_names]  # every enum has an input (see ExprGen.literal)
    kinds += draw(st.lists(st.sampled_from(["yen", "int", "rate", "decimal", "bool", "date"]),
                           max_size=3))
    for ty in kinds:
        inputs[names.fresh(dotted=True)] = ty
    inputs[names.fresh(("世帯", "members"))] = "list:rec"
    if draw(st.booleans()):
        inputs[names.fresh(("控除", "deductions"))] = "list:yen"
    for name, ty in inputs.items():
        decl = f"list of {rec_name}" if ty == "list:rec" else _declared(ty)
        lines.append(f"input {name} : {decl}")

    # Scalar parameters: a fixed ceiling (changed by the core from a date) and some others.
    params: dict[str, ParamSpec] = {}
    changes: dict[str, object] = {}
    change_date = draw(st.sampled_from([dt.date(2025, 4, 1), dt.date(2024, 10, 1),
                                        dt.date(2026, 1, 1)]))
    ceiling = names.fresh(("上限", "cap"), dotted=True)
    ceiling_default = draw(st.integers(0, 2_000_000))
    params[ceiling] = ParamSpec(ceiling, "yen", required=False, fixed=True, default=ceiling_default)
    ceiling_change = draw(st.integers(0, 2_000_000)) if draw(st.booleans()) else None
    if ceiling_change is not None:
        changes[ceiling] = ceiling_change
    lowest = min(ceiling_default, 10**9 if ceiling_change is None else ceiling_change)
    for kind in draw(st.lists(st.sampled_from(["yen", "yen", "rate", "rate", "int", "decimal",
                                               "bool", "date", "enum", "list:yen"]),
                              min_size=1, max_size=5)):
        ty = f"enum:{draw(st.sampled_from(enum_names))}" if kind == "enum" else kind
        name = names.fresh(dotted=True)
        low: object = None
        high: object = None
        high_param: str | None = None
        if ty == "yen" and draw(st.booleans()):
            low = 0
        if ty == "yen" and draw(st.booleans()):
            high_param = ceiling
        if ty == "rate" and draw(st.booleans()):
            low, high = Decimal(0), Decimal(1)
        spec = ParamSpec(name, ty, required=draw(st.booleans()), low=low, high=high,
                         high_param=high_param)
        if not spec.required:
            spec = attrs.evolve(spec, default=draw(scalar_values(
                spec, enums, lowest if high_param else None)))
        params[name] = spec
    for p in params.values():
        lines.append(f"param {p.name} : {_declared(p.type)}")
        if p.fixed:
            lines.append("  fixed")
        if p.required:
            lines.append("  required")
        else:
            lines.append(f"  default {value_literal(draw, p.type, p.default)}")
        if p.low is not None:
            lines.append(f"  min {value_literal(draw, p.type, p.low)}")
        if p.high is not None:
            lines.append(f"  max {value_literal(draw, p.type, p.high)}")
        if p.high_param is not None:
            lines.append(f"  max {p.high_param}")
        if draw(st.booleans()):
            lines.append(f'  label "{p.name}の値"')
    # Closed days for business_day (a list cannot be written inside a rule).
    closed = draw(st.lists(st.tuples(st.integers(1, 12), st.integers(0, 28)), max_size=4))
    lines.append("param 閉庁日 : list of monthday")
    lines.append("  fixed")
    days = ", ".join(f"{m}月末日" if d == 0 else f"{m}月{d}日" for m, d in closed)
    lines.append(f"  default [{days}]")

    # Tables: a fee table `table[所得 : yen, <enums>] of yen` (the bracket axis anywhere among
    # the axes), now and then a second bracket table keyed by an int, a category table of one
    # or two axes, and a marginal-rate scale.
    def bracket_table(key_ty: str, value_ty: str) -> TableSpec:
        n_cat = draw(st.integers(0, min(2, len(enum_names))))
        axes: list[tuple[str, ...]] = [("enum", e) for e in draw(st.permutations(enum_names))[:n_cat]]
        axes.insert(draw(st.integers(0, len(axes))),
                    ("bracket", draw(st.sampled_from(_AXIS_NAMES)), key_ty))
        return TableSpec(names.fresh(("料金", "fee", "保育料表"), dotted=True), tuple(axes),
                         value_ty, required=draw(st.booleans()),
                         monotone=draw(st.sampled_from([None, "increasing", "decreasing"])))

    tables: dict[str, TableSpec] = {}
    specs = [bracket_table("yen", "yen")]
    if draw(st.booleans()):
        specs.append(bracket_table(draw(st.sampled_from(["int", "yen"])),
                                   draw(st.sampled_from(["int", "rate"]))))
    if draw(st.booleans()):  # a table of records, bracketed or of categories only
        specs.append(bracket_table("yen", "row") if draw(st.booleans()) else TableSpec(
            names.fresh(("段階表", "rows"), dotted=True),
            tuple(("enum", e) for e in draw(st.lists(st.sampled_from(enum_names), min_size=1,
                                                     max_size=2, unique=True))),
            "row", required=draw(st.booleans())))
        lines += [f"record {ROW} {{", *(f"  {f} : {ty}" for f, ty in ROW_FIELDS), "}"]
    cat_only = draw(st.lists(st.sampled_from(enum_names), min_size=1, max_size=2, unique=True))
    specs.append(TableSpec(names.fresh(("区分表", "table"), dotted=True),
                           tuple(("enum", e) for e in cat_only),
                           draw(st.sampled_from(["yen", "rate", "int"])), required=draw(st.booleans())))
    specs.append(TableSpec(names.fresh(("段階", "scale")), (("bracket", "所得", "yen"),),
                           "rate", required=draw(st.booleans()), scale=True))
    for declared in specs:
        tspec = declared if declared.required else attrs.evolve(
            declared, default=draw(table_values(declared, enums)))
        tables[tspec.name] = tspec
        if tspec.scale:
            decl = f"scale[{tspec.axes[0][1]} : yen] of rate"
        else:
            decl = "table[" + ", ".join(f"{a[1]} : {a[2]}" if a[0] == "bracket" else a[1]
                                        for a in tspec.axes) + (
                f"] of {ROW}" if tspec.value == "row" else f"] of {tspec.value}")
        lines.append(f"param {tspec.name} : {decl}")
        if tspec.required:
            lines.append("  required")
        else:
            assert tspec.default is not None
            lines.append("  default" + grid_text(draw, tspec, tspec.default, "    ", enums))
        if tspec.monotone is not None:
            assert tspec.bracket is not None
            axis = tspec.axes[tspec.bracket][1]
            lines.append(f"  {tspec.monotone} along {axis}")

    # Rules, each calling only earlier ones: first probes of single features, then rules
    # with random bodies (which may call the probes).
    gen = ExprGen(draw, names, enums, record, inputs, params, tables)
    rules: list[RuleSpec] = []
    for name, tspec in tables.items():
        if tspec.value == "row":  # the look-up whose fields rules read: `料金3.行.額`
            lines += ["", f"rule {name}.行 : {ROW} =", f"  {gen.lookup(Scope(), name, 0)}"]
            gen.row_rules[name] = f"{name}.行"
            rules.append(RuleSpec(f"{name}.行", (), ROW))  # evaluated too: a record
    for _ in range(draw(st.integers(2, 6))):
        rule_params = [(names.fresh(("引数", "arg", "区")), ty)
                       for ty in draw(st.lists(st.sampled_from(["yen", "int", "rate", "date"]),
                                               max_size=1))]
        ret, probe_body = gen.probe(Scope(tuple(rule_params)))
        rule = RuleSpec(names.fresh(("probe", "確認"), dotted=True), tuple(rule_params), ret)
        head = f"rule {rule.name}"
        if rule_params:
            head += "(" + ", ".join(f"{p} : {ty}" for p, ty in rule_params) + ")"
        lines += ["", f"{head} : {ret} =", f"  {probe_body()}"]
        gen.rules.append(rule)
        rules.append(rule)
    for _ in range(draw(st.integers(2, 6))):
        ret = draw(st.sampled_from(["yen", "yen", "yen", "int", "rate", "decimal", "bool", "date",
                                    "enum"]))
        if ret == "enum":
            ret = f"enum:{draw(st.sampled_from(enum_names))}"
        ptypes = draw(st.lists(st.sampled_from(["yen", "int", "rate", "bool", "date", "enum"]),
                               max_size=2))
        rule_params = []
        for ty in ptypes:
            pty = f"enum:{draw(st.sampled_from(enum_names))}" if ty == "enum" else ty
            rule_params.append((names.fresh(("引数", "arg", "区")), pty))
        rule = RuleSpec(names.fresh(("計算", "算定", "rule", "判定"), dotted=True),
                        tuple(rule_params), ret)
        lines.append("")
        # Shallow rules show each feature's result plainly; deep ones combine them.
        lines.append(gen.rule_text(rule, draw(st.sampled_from([1, 1, 2, 2, 3, 4]))))
        gen.rules.append(rule)
        rules.append(rule)

    core_changes: tuple[tuple[dt.date, dict[str, object]], ...] = ()
    if changes:
        lines += ["", f"from {change_date.isoformat()}"]
        lines += [f"  {k} = {value_literal(draw, 'yen', v)}" for k, v in changes.items()]
        core_changes = ((change_date, changes),)
    return CoreSpec("\n".join(lines) + "\n", "gen-core", enums, record, inputs, params, tables,
                    tuple(rules), core_changes)


# ---- profiles ----------------------------------------------------------------------------------

_CODES = ("085421", "082261", "082121", "083411")  # valid 地方公共団体コード (check digits hold)


@st.composite
def profiles(draw: DrawFn, core: CoreSpec) -> ProfileSpec:
    """A valid profile: every required parameter in the first block, random others later."""
    first = draw(st.dates(dt.date(2023, 1, 1), dt.date(2026, 6, 30)))
    later = draw(st.lists(st.integers(1, 900), max_size=2, unique=True))
    dates = [first, *sorted(first + dt.timedelta(days=k) for k in later)]
    settable = [n for n, p in core.params.items() if not p.fixed] + list(core.tables)
    required = [n for n, p in core.params.items() if p.required]
    required += [n for n, s in core.tables.items() if s.required]
    ceiling_values = [p.default for p in core.params.values() if p.fixed]
    ceiling_values += [v for _, ch in core.changes for v in ch.values()]
    lowest = min(v for v in ceiling_values if isinstance(v, int))
    assert all(isinstance(v, int) for v in ceiling_values), ceiling_values  # ceilings are yen
    interesting: set[int] = {0}
    for p in core.params.values():
        if p.type == "yen" and isinstance(p.default, int):
            interesting.add(p.default)
    for spec in core.tables.values():
        if spec.default is not None and spec.default.points:
            interesting.update(spec.default.points)
    town = draw(st.sampled_from(["五霞町", "那珂市", "生成村"]))
    lines = [f'tenant "{town}" code {draw(st.sampled_from(_CODES))}', 'uses "gen-core"']
    for i, day in enumerate(dates):
        pool = [n for n in settable if n not in required] if i == 0 else settable
        chosen = list(required) if i == 0 else []
        if pool:
            chosen += draw(st.lists(st.sampled_from(pool), unique=True))
        if not chosen:
            chosen = [draw(st.sampled_from(settable))]  # every block sets something
        lines.append(f"from {day.isoformat()}")
        for name in chosen:
            if name in core.tables:
                spec = core.tables[name]
                value = draw(table_values(spec, core.enums))
                if value.points:
                    interesting.update(value.points)
                comment = "  # 表" if one_in(draw, 4) else ""
                lines.append(f"  {name} ={comment}{grid_text(draw, spec, value, '    ', core.enums)}")
            else:
                p = core.params[name]
                v = draw(scalar_values(p, core.enums, lowest if p.high_param else None))
                if p.type == "yen":
                    assert isinstance(v, int)
                    interesting.add(v)
                lines.append(f"  {name} = {value_literal(draw, p.type, v)}")
    return ProfileSpec("\n".join(lines) + "\n", tuple(dates), tuple(sorted(interesting)))


# ---- inputs ------------------------------------------------------------------------------------

HUGE = (10**12, 10**18, -(10**15), 10**28, 10**40, 10**60)


def yen_values(interesting: Sequence[int] = ()) -> st.SearchStrategy[int]:
    """Yen amounts: small, ordinary, negative, huge, and exactly at (or one off) breakpoints."""
    near = sorted({x + d for x in interesting for d in (-1, 0, 1)})
    options = [st.integers(-1_000, 1_000), st.integers(0, 5_000_000), st.integers(-(10**7), 0),
               st.tuples(st.integers(-200, 200), st.integers(0, 4)).map(lambda p: p[0] * 5 * 10**p[1]),
               st.sampled_from(HUGE)]
    if near:
        options += [st.sampled_from(near)] * 3
    return st.one_of(options)


def int_values() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(-3, 120), st.integers(-(10**9), 10**9), st.sampled_from(HUGE))


def rate_values() -> st.SearchStrategy[int | Decimal]:
    """Rates and decimals: exact ``Decimal`` mostly, an ``int`` now and then (both accepted)."""
    return st.one_of(rates(Decimal(-1), Decimal(2)),
                     st.decimals(Decimal(-(10**6)), Decimal(10**6), places=4),
                     st.integers(-2, 3))


def dates() -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(1930, 1, 1), dt.date(2040, 12, 31))


@st.composite
def members(draw: DrawFn, core: CoreSpec, interesting: Sequence[int]) -> dict[str, object]:
    out: dict[str, object] = {}
    for f, (ty, default) in core.record.items():
        if default is not None and one_in(draw, 3):
            continue  # the field's default applies
        out[f] = draw(scalar_inputs(core, ty, interesting))
    return out


def scalar_inputs(core: CoreSpec, ty: str, interesting: Sequence[int]) -> st.SearchStrategy:
    if ty == "yen":
        return yen_values(interesting)
    if ty == "int":
        return int_values()
    if ty in {"rate", "decimal"}:
        return rate_values()
    if ty == "bool":
        return st.booleans()
    if ty == "date":
        return dates()
    if ty.startswith("enum:"):
        return st.sampled_from(core.enums[ty[5:]])
    if ty == "list:rec":
        return st.lists(members(core, interesting), max_size=4)
    if ty == "list:yen":
        return st.lists(yen_values(interesting), max_size=4)
    raise AssertionError(ty)


@st.composite
def evaluation_dates(draw: DrawFn, core: CoreSpec, profile: ProfileSpec) -> dt.date:
    """Mostly a day the profile is in force (its block dates, the core's change date and the day
    before it, any day of the next three years); now and then the day before the profile
    starts, which is an error in both evaluators."""
    first = profile.dates[0]
    kind = draw(st.integers(0, 12))
    if kind == 6:
        return first - dt.timedelta(days=draw(st.integers(1, 400)))
    if kind in {7, 8}:
        return draw(st.sampled_from(profile.dates))
    changes = [d + dt.timedelta(days=k) for d, _ in core.changes for k in (-1, 0) if d > first]
    if kind == 9 and changes:
        return draw(st.sampled_from(changes))
    return draw(st.dates(first, first + dt.timedelta(days=1200)))


def bad_values(core: CoreSpec, ty: str) -> st.SearchStrategy[object]:
    """Values that are not valid inputs of ``ty``: floats, strings, bools for numbers, unknown
    members, ``datetime`` for a date, non-finite decimals, malformed household members."""
    common: list[object] = [None, "1", 1.5]
    if ty in {"yen", "int"}:
        return st.sampled_from([*common, True, Decimal(100), 100.0, 10**3 + 0.5])
    if ty in {"rate", "decimal"}:
        return st.sampled_from([*common, 0.014, True, Decimal("NaN"), Decimal("Infinity"),
                                Decimal("-Infinity")])
    if ty == "bool":
        return st.sampled_from([*common, 0, 1, "true"])
    if ty == "date":
        return st.sampled_from([*common, dt.datetime(2024, 4, 1, tzinfo=dt.UTC), "2024-04-01", 20240401])
    if ty.startswith("enum:"):
        return st.sampled_from([*common, "存在しない", core.enums[ty[5:]][0] + " ", 2])
    if ty == "list:rec":
        required = {f for f, (_, default) in core.record.items() if default is None}
        partial = dict.fromkeys(sorted(required)[1:], 1)
        return st.sampled_from([*common, 5, {"所得": 1, "年齢": 2}, [partial],
                                [{"所得": 1.5, "年齢": 3}], [{"所得": 1, "年齢": "3"}], ["x"]])
    if ty == "list:yen":
        return st.sampled_from([*common, 5, [1.5], ["1"], [True], {1: 2}])
    raise AssertionError(ty)


@st.composite
def draws(draw: DrawFn, core: CoreSpec, profile: ProfileSpec) -> Draw:
    """Valid inputs and arguments; about one draw in six damages one of them (missing, or of
    the wrong kind), which both evaluators must refuse alike."""
    on = draw(evaluation_dates(core, profile))
    inputs = {name: draw(scalar_inputs(core, ty, profile.interesting))
              for name, ty in core.inputs.items()}
    if inputs.get(next((n for n, ty in core.inputs.items() if ty == "list:rec"), "")) and \
            draw(st.booleans()):
        name = next(n for n, ty in core.inputs.items() if ty == "list:rec")
        inputs[name] = tuple(inputs[name])  # any sequence will do
    args = {r.name: tuple(draw(scalar_inputs(core, ty, profile.interesting)) for _, ty in r.params)
            for r in core.rules if r.params}
    if one_in(draw, 6):
        name = draw(st.sampled_from(sorted(core.inputs)))
        if one_in(draw, 3):
            del inputs[name]
        else:
            inputs[name] = draw(bad_values(core, core.inputs[name]))
    if args and one_in(draw, 8):
        chosen = draw(st.sampled_from(sorted(args)))
        rule = next(r for r in core.rules if r.name == chosen)
        i = draw(st.integers(0, len(rule.params) - 1))
        bad = draw(bad_values(core, rule.params[i][1]))
        args[rule.name] = (*args[rule.name][:i], bad, *args[rule.name][i + 1:])
    return Draw(on, inputs, args)


@st.composite
def scenarios(draw: DrawFn, draws_per_core: int = 8) -> Scenario:
    core = draw(cores())
    profile = draw(profiles(core))
    evaluations = tuple(draw(draws(core, profile)) for _ in range(draws_per_core))
    return Scenario(core, profile, evaluations)


# ---- the monotone fee ----------------------------------------------------------------------------


@attrs.frozen
class MonotoneScenario:
    core: str
    profile: str
    direction: str  # increasing / decreasing
    rule: str
    member: str
    incomes: tuple[int, ...]


@st.composite
def monotone_scenarios(draw: DrawFn) -> MonotoneScenario:
    """A fee table declared monotone along 所得, a profile that obeys it, a rule that keeps the
    order of the fee (adding, capping, clamping, scaling by a non-negative rate and rounding),
    and incomes around every breakpoint (none negative: that is outside every bracket)."""
    direction = draw(st.sampled_from(["increasing", "decreasing"]))
    members_ = tuple(draw(st.lists(st.sampled_from(_MEMBERS), min_size=1, max_size=3, unique=True)))
    enums = {"区分": members_}
    with_enum = draw(st.booleans())
    axes: tuple[tuple[str, ...], ...] = (("bracket", "所得", "yen"),)
    if with_enum:
        axes = ((("enum", "区分"), *axes) if draw(st.booleans()) else (*axes, ("enum", "区分")))
    spec = TableSpec("保育料.月額", axes, "yen", required=True, monotone=direction)
    value = draw(table_values(spec, enums, low=0))
    keys = ", ".join("所得" if a[0] == "bracket" else "区" for a in axes)
    fee = f"保育料.月額({keys})"

    def transform(inner: str, depth: int) -> str:
        c = draw(st.integers(0, 200_000))
        kind = draw(st.integers(0, 9 if depth else 0))
        if kind == 0:
            return inner
        nested = transform(inner, depth - 1)
        if kind == 1:
            return f"({nested} + {c}円)"
        if kind == 2:
            return f"({nested} - {c}円)"
        if kind == 3:
            return f"{draw(st.sampled_from(['max', 'min']))}({nested}, {c}円)"
        if kind == 4:
            hi = c + draw(st.integers(0, 500_000))
            return f"clamp({nested}, {c}円, {hi}円)"
        if kind == 5:
            mode = draw(st.sampled_from(["floor", "ceil", "round_half_up", "round_half_even"]))
            rate = rate_literal(draw, draw(rates(Decimal(0), Decimal(2))))
            return f"{mode}({nested} * {rate}, {draw(st.sampled_from(['1', '10', '100', '1000']))})"
        if kind == 6:
            return f"({nested} * {draw(st.integers(0, 5))})"
        if kind == 7:
            return f"floor({nested} / {draw(st.integers(1, 12))}, 10)"
        if kind == 8:
            # A second look-up at a lower income that also rises with the income.
            other = fee.replace("所得", "floor(所得 / 2, 1)")
            return f"({nested} + {other})"
        # A step in the same direction as the table.
        op = ">=" if direction == "increasing" else "<"
        return f"(if 所得 {op} {draw(st.integers(0, 1_000_000))}円 then {nested} + {c}円 else {nested})"

    body = transform(fee, draw(st.integers(0, 3)))
    core = "\n".join([
        'core "mono" version 1.0',
        f"enum 区分 {{ {', '.join(members_)} }}",
        "input 所得 : yen",
        "input 区 : 区分",
        "param 保育料.月額 : table[" + ", ".join(
            "所得 : yen" if a[0] == "bracket" else "区分" for a in axes) + "] of yen",
        "  required",
        f"  {direction} along 所得",
        f"rule 保育料.料 : yen = {body}",
        "",
    ])
    profile = ('tenant "五霞町" code 085421\nuses "mono"\nfrom 2024-04-01\n  保育料.月額 ='
               + grid_text(draw, spec, value, "    ", enums) + "\n")
    points = value.points or ()
    incomes = draw(st.lists(st.one_of(
        st.sampled_from(sorted({max(0, p + d) for p in (0, *points) for d in (-1, 0, 1)})),
        st.integers(0, 6_000_000), st.sampled_from([10**12, 10**20])), min_size=2, max_size=12))
    return MonotoneScenario(core, profile, direction, "保育料.料",
                            draw(st.sampled_from(members_)), tuple(sorted(incomes)))


# ---- values of declared types (for the shipped core) ------------------------------------------


def values_of(ty: t.Type, interesting: Sequence[int] = ()) -> st.SearchStrategy[object]:
    """Valid input values of a declared type."""
    if isinstance(ty, t.YenType):
        return yen_values(interesting)
    if isinstance(ty, t.IntType):
        return int_values()
    if isinstance(ty, t.RateType | t.DecimalType):
        return rate_values()
    if isinstance(ty, t.BoolType):
        return st.booleans()
    if isinstance(ty, t.DateType):
        return dates()
    if isinstance(ty, t.EnumType):
        return st.sampled_from(ty.members)
    if isinstance(ty, t.TextType):
        return st.text(max_size=5)
    if isinstance(ty, t.MonthDayType):
        return st.builds(t.MonthDay, st.integers(1, 12), st.one_of(st.none(), st.integers(1, 28)))
    if isinstance(ty, t.ListType):
        return st.lists(values_of(ty.element, interesting), max_size=4)
    if isinstance(ty, t.RecordType):
        return st.fixed_dictionaries({f.name: values_of(f.type, interesting) for f in ty.fields})
    raise NotImplementedError(str(ty))
