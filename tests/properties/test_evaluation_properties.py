"""Properties of evaluation, on whole random cores and profiles written as DSL text.

1. The compiler agrees with the reference interpreter: for every rule of a generated core, on
   generated profiles and inputs, ``evaluate`` and ``interpret`` return equal values of the
   same Python type, or both raise :class:`paramcfg.EvaluationError`.
2. A fee table declared ``increasing``/``decreasing along 所得`` gives a rule that looks it up
   (through order-keeping arithmetic) the same order in the income.
3. The shipped core's instalments add up to the annual amount, later ones in whole 1,000円.
4. Results are exact: ``int`` yen, ``int``/``Decimal`` numbers, ``bool`` — never a float.
5. ``evaluate_many`` is ``evaluate`` row by row.

Example counts scale with PARAMCFG_HYPOTHESIS_EXAMPLES (default 100 = the counts below);
with CI set the runs are derandomized.  Each generated core is evaluated for
:data:`DRAWS_PER_CORE` input draws, so the first property tries 250 × 8 = 2,000 draws.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
import pytest
from gen.cores import (
    ROW,
    MonotoneScenario,
    Scenario,
    monotone_scenarios,
    scenarios,
    values_of,
    yen_values,
)
from gen.settings import evaluation_settings
from helpers import PROFILES, ROOT, load_core_text
from hypothesis import event, given, note
from hypothesis import strategies as st

from paramcfg import types as t
from paramcfg.diagnostics import render_text
from paramcfg.engine import check_profile_text, load_tenant, load_tenant_text
from paramcfg.errors import EvaluationError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from paramcfg.engine import CoreResult, Tenant

DRAWS_PER_CORE = 8
ON = dt.date(2024, 6, 1)

# ---- helpers ---------------------------------------------------------------------------------


@attrs.frozen
class Outcome:
    kind: str  # value | error (EvaluationError) | crash (any other exception)
    value: object

    def __str__(self) -> str:
        if self.kind == "value":
            return f"{type(self.value).__name__} {self.value!r}"
        return f"{self.kind}: {type(self.value).__name__}: {self.value}"


def run(fn: Callable[[], object]) -> Outcome:
    try:
        return Outcome("value", fn())
    except EvaluationError as exc:
        return Outcome("error", exc)
    except Exception as exc:  # noqa: BLE001 - any other exception is a finding, reported below
        return Outcome("crash", exc)


def agree(compiled: Outcome, interpreted: Outcome) -> bool:
    """Equal values of the same type, or EvaluationError from both."""
    if compiled.kind == "value" and interpreted.kind == "value":
        return type(compiled.value) is type(interpreted.value) \
            and compiled.value == interpreted.value
    return compiled.kind == interpreted.kind == "error"


def assert_agree(compiled: Outcome, interpreted: Outcome, where: str = "") -> None:
    """:func:`agree` (``where`` is for the message)."""
    assert agree(compiled, interpreted), f"{where}: compiled {compiled} but interpreted {interpreted}"
    event(f"both gave {'a value' if compiled.kind == 'value' else 'an evaluation error'}")


#: What a result of each declared type may be, exactly (``type(x) in …``).
EXACT: dict[str, tuple[type, ...]] = {
    "yen": (int,), "int": (int,), "rate": (int, Decimal), "decimal": (int, Decimal),
    "bool": (bool,), "date": (dt.date,),
}


def assert_exact_value(ty: t.Type, value: object, where: str = "") -> None:
    """``value`` is exactly of declared type ``ty``, lists and records item by item."""
    if isinstance(ty, t.ListType):
        assert type(value) is tuple, f"{where}: a {ty} rule gave {value!r}"
        for item in value:
            assert_exact_value(ty.element, item, where)
    elif isinstance(ty, t.RecordType):
        fields = value.as_dict() if isinstance(value, t.RecordValue) else value
        assert isinstance(fields, dict), f"{where}: a {ty} rule gave {value!r}"
        assert set(fields) == {f.name for f in ty.fields}, where
        for f in ty.fields:
            assert_exact_value(f.type, fields[f.name], where)
    elif isinstance(ty, t.EnumType):
        assert type(value) is str, f"{where}: a {ty} rule gave {value!r}"
        assert value in ty.members, f"{where}: a {ty} rule gave {value!r}"
    elif isinstance(ty, t.TextType):
        assert type(value) is str, f"{where}: a {ty} rule gave {value!r}"
    elif isinstance(ty, t.MonthDayType):
        assert type(value) is t.MonthDay, f"{where}: a {ty} rule gave {value!r}"
    else:
        assert_exact(str(ty), Outcome("value", value), where)


def assert_exact(declared: str, outcome: Outcome, where: str = "") -> None:
    if outcome.kind != "value":
        return
    allowed = EXACT.get(declared, (str,))  # an enum member is its name
    assert type(outcome.value) in allowed, (
        f"{where}: a {declared} rule gave {type(outcome.value).__name__} {outcome.value!r}")
    if isinstance(outcome.value, Decimal):
        assert outcome.value.is_finite()


@pytest.fixture(scope="module")
def core_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("generated-cores")


def load(core_text: str, profile_text: str, folder: Path) -> tuple[CoreResult, Tenant]:
    """Load a generated core and profile; either failing to check is a generator bug."""
    core = load_core_text(folder, "gen.pcore", core_text)
    assert core.ok, "the generated core does not check:\n" + render_text(
        core.diagnostics, core.sources)
    checked = check_profile_text(profile_text, core, "gen.pcfg")
    assert checked.ok, "the generated profile does not check:\n" + render_text(
        checked.diagnostics, checked.sources)
    return core, load_tenant_text(profile_text, core, "gen.pcfg")


def show(scenario: Scenario) -> None:
    note(f"--- core ---\n{scenario.core.text}")
    note(f"--- profile ---\n{scenario.profile.text}")


# ---- 1 and 4: compiled == interpreted, exactly typed ---------------------------------------------


@evaluation_settings(250)
@given(scenario=scenarios(DRAWS_PER_CORE))
def test_compiled_rules_agree_with_the_interpreter(scenario: Scenario, core_dir):
    show(scenario)
    core, tenant = load(scenario.core.text, scenario.profile.text, core_dir)
    assert set(core.rules) == {r.name for r in scenario.core.rules}
    for draw in scenario.draws:
        for rule in scenario.core.rules:
            args = draw.args.get(rule.name, ())
            where = f"{rule.name}{args} on {draw.on} with {draw.inputs}"
            compiled = run(functools.partial(tenant.evaluate, rule.name, draw.inputs, draw.on, args))
            interpreted = run(functools.partial(tenant.interpret, rule.name, draw.inputs, draw.on,
                                                args))
            assert_agree(compiled, interpreted, where)
            if rule.type == ROW:  # the look-up of a table of records: a record, field by field
                for outcome in (compiled, interpreted):
                    if outcome.kind == "value":
                        assert core.core is not None
                        assert_exact_value(core.core.records[ROW], outcome.value, where)
                continue
            assert_exact(rule.type, compiled, where)
            assert_exact(rule.type, interpreted, where)


# ---- 2: a fee declared monotone along the income ------------------------------------------------


@evaluation_settings(150)
@given(case=monotone_scenarios())
def test_a_fee_declared_monotone_keeps_its_order(case: MonotoneScenario, core_dir):
    note(f"--- core ---\n{case.core}\n--- profile ---\n{case.profile}")
    _, tenant = load(case.core, case.profile, core_dir)
    for how in (tenant.evaluate, tenant.interpret):
        values = [how(case.rule, {"所得": income, "区": case.member}, ON) for income in case.incomes]
        note(f"{how.__name__}: {list(zip(case.incomes, values, strict=True))}")
        assert all(type(f) is int for f in values)
        fees = [f for f in values if isinstance(f, int)]
        pairs = list(itertools.pairwise(fees))
        if case.direction == "increasing":
            assert all(a <= b for a, b in pairs)
        else:
            assert all(a >= b for a, b in pairs)


def test_the_monotone_strategy_checks_the_declaration(core_dir):
    """The generated monotone tables are checked as such: a table that breaks the declared
    direction is rejected (so the property above does test a declared fee)."""
    core = ('core "mono" version 1.0\ninput 所得 : yen\n'
            "param 料 : table[所得 : yen] of yen\n  required\n  increasing along 所得\n"
            "rule r : yen = 料(所得)\n")
    result = load_core_text(core_dir, "mono.pcore", core)
    assert result.ok
    bad = ('tenant "五霞町" code 085421\nuses "mono"\nfrom 2024-04-01\n  料 =\n'
           "    | 所得 | 額 |\n    | < 100円 | 5円 |\n    | >= 100円 | 4円 |\n")
    assert not check_profile_text(bad, result).ok


# ---- 3: instalments of the shipped core ----------------------------------------------------------


@pytest.fixture(scope="module")
def goka(core) -> Tenant:
    return load_tenant(ROOT / "tenant_profiles" / "goka.pcfg", core)


@evaluation_settings(300)
@given(annual=st.one_of(st.integers(0, 10**9), st.sampled_from([0, 1, 999, 1000, 3999, 4000, 4001,
                                                                  10**9 - 1, 10**9])),
       on=st.sampled_from([dt.date(2024, 4, 1), ON, dt.date(2025, 4, 1), dt.date(2026, 2, 28)]))
def test_instalments_add_up_to_the_annual_amount(goka, annual, on):
    first = goka.evaluate("固定資産税.第1期額", {}, on, (annual,))
    later = goka.evaluate("固定資産税.第2期以降の各期額", {}, on, (annual,))
    assert type(first) is int
    assert type(later) is int
    assert first + 3 * later == annual
    assert later % 1000 == 0
    # The remainder goes to the first instalment: it is at least each later one, by less
    # than 4 × 1,000円.
    assert later <= first < later + 4000
    assert goka.interpret("固定資産税.第1期額", {}, on, (annual,)) == first
    assert goka.interpret("固定資産税.第2期以降の各期額", {}, on, (annual,)) == later


UNITS = (1, 7, 10, 100, 250, 500, 1000)


@pytest.fixture(scope="module")
def goka_units(core) -> dict[int, Tenant]:
    """五霞町 (4 instalments) with each town instalment unit (固定資産税.各期の端数単位) set
    from 2026-04-01."""
    text = (ROOT / "tenant_profiles" / "goka.pcfg").read_text(encoding="utf-8")
    if "\nfrom 2026-04-01\n" not in text:
        text = text.rstrip("\n") + "\n\nfrom 2026-04-01\n"
    return {unit: load_tenant_text(f"{text.rstrip()}\n  固定資産税.各期の端数単位 = {unit:,}円\n", core)
            for unit in UNITS}


@evaluation_settings(300)
@given(annual=st.one_of(st.integers(0, 10**9), st.sampled_from([0, 1, 6, 7, 999, 1000, 3999, 4001])),
       unit=st.sampled_from(UNITS))
def test_instalments_with_a_town_unit_add_up(goka_units, annual, unit):
    # 地方税法第20条の4の2第6項: each later instalment is a multiple of the town's unit, the
    # remainder (less than 4 units) goes to the first; the four add up to the annual tax.
    town, on = goka_units[unit], dt.date(2026, 6, 1)
    first = town.evaluate("固定資産税.第1期額", {}, on, (annual,))
    later = town.evaluate("固定資産税.第2期以降の各期額", {}, on, (annual,))
    assert type(first) is int
    assert type(later) is int
    assert first + 3 * later == annual
    assert later % unit == 0
    assert later <= first < later + 4 * unit
    assert later == annual // (4 * unit) * unit
    assert town.interpret("固定資産税.第1期額", {}, on, (annual,)) == first
    assert town.interpret("固定資産税.第2期以降の各期額", {}, on, (annual,)) == later


# ---- 1 and 4 on the shipped core and profiles ----------------------------------------------------


@pytest.fixture(scope="module")
def towns(core) -> list[Tenant]:
    return [load_tenant(p, core) for p in PROFILES]


@evaluation_settings(150)
@given(data=st.data())
def test_shipped_rules_agree_and_are_exact(towns, data):
    town = data.draw(st.sampled_from(towns), label="town")
    on = data.draw(st.dates(dt.date(2024, 4, 1), dt.date(2027, 3, 31)), label="on")
    interesting = [48_600, 57_700, 97_000, 169_000, 200_000, 300_000, 301_000, 397_000,
                   1_500_000]
    inputs = {name: data.draw(values_of(i.type, interesting), label=name)
              for name, i in town.core.inputs.items()}
    for name, rule in town.rules.items():
        args = tuple(data.draw(values_of(ty, interesting), label=f"{name}({p})")
                     for p, ty in rule.params)
        compiled = run(functools.partial(town.evaluate, name, inputs, on, args))
        interpreted = run(functools.partial(town.interpret, name, inputs, on, args))
        where = f"{town.name}: {name}{args} on {on} with {inputs}"
        assert_agree(compiled, interpreted, where)
        for outcome in (compiled, interpreted):
            if outcome.kind == "value":
                assert_exact_value(rule.type, outcome.value, where)


# ---- 5: evaluate_many -------------------------------------------------------------------------


def assert_many(tenant: Tenant, rule: str, rows: list[dict[str, object]], on: dt.date) -> None:
    one_by_one = [run(functools.partial(tenant.evaluate, rule, row, on)) for row in rows]
    many = run(lambda: tenant.evaluate_many(rule, rows, on))
    index = next((i for i, o in enumerate(one_by_one) if o.kind != "value"), None)
    failed = None if index is None else one_by_one[index]
    if failed is None:
        assert many.kind == "value", f"evaluate_many: {many}"
        assert isinstance(many.value, list)
        assert len(many.value) == len(rows)
        for got, want in zip(many.value, one_by_one, strict=True):
            assert type(got) is type(want.value)
            assert got == want.value
    else:
        # The first row that fails, fails the batch the same way, and the error names it.
        assert many.kind == failed.kind, f"evaluate_many: {many}, row by row: {failed}"
        assert getattr(many.value, "row", None) == index
        assert str(many.value).replace(f"row {index} (from 0): ", "", 1) == str(failed.value)


@evaluation_settings(60)
@given(scenario=scenarios(DRAWS_PER_CORE))
def test_evaluate_many_is_evaluate_row_by_row(scenario: Scenario, core_dir):
    show(scenario)
    _, tenant = load(scenario.core.text, scenario.profile.text, core_dir)
    on = max(d.on for d in scenario.draws)
    rows = [d.inputs for d in scenario.draws]
    for rule in scenario.core.rules:
        if not rule.params:
            assert_many(tenant, rule.name, rows, on)
        assert_many(tenant, rule.name, [], on)


@evaluation_settings(60)
@given(incomes=st.lists(yen_values([48_600, 57_700, 97_000, 169_000, 301_000]), max_size=20),
       third=st.booleans())
def test_evaluate_many_on_the_shipped_core(goka, incomes, third):
    rows = [{"所得割額": x, "認定": "3号", "時間": "標準", "生活保護世帯": False,
             "非課税世帯": False, "多子順位.未就学児": 1, "多子順位.全兄弟": 3 if third else 2}
            for x in incomes]
    for on in (ON, dt.date(2025, 6, 1)):
        assert_many(goka, "保育料.月額計算", rows, on)


# ---- bugs found by the properties: minimal reproducers ------------------------------------------
#
# All were found by test_compiled_rules_agree_with_the_interpreter on generated cores and are
# fixed (1b7f8c3, e7d59b7, c042a01); they stay as regression tests.  A limit both evaluators
# shared (50-digit division) is now answered at input: numbers have at most 30 digits.

SCALE_CORE = """core "scale" version 1.0
input 所得 : yen
param 段階 : scale[所得 : yen] of rate
  required
rule 税 : yen = floor(段階(所得), 1)
"""

SCALE_PROFILE = """tenant "五霞町" code 085421
uses "scale"
from 2024-04-01
  段階 =
    | 所得 | 率 |
    | < 100円 | 10% |
    | >= 100円 | 20% |
"""


def test_a_negative_scale_key_is_an_error_in_both(core_dir):
    _, tenant = load(SCALE_CORE, SCALE_PROFILE, core_dir)
    with pytest.raises(EvaluationError):
        tenant.interpret("税", {"所得": -5}, ON)
    with pytest.raises(EvaluationError):
        tenant.evaluate("税", {"所得": -5}, ON)


ROUND_CORE = """core "round" version 1.0
input 所得 : yen
param 率 : rate
  default 1.4%
rule 税 : yen = round_half_up(所得 * 率, 1)
"""


def test_an_amount_too_large_to_round_is_an_evaluation_error_in_both(core_dir):
    _, tenant = load(ROUND_CORE, 'tenant "五霞町" code 085421\nuses "round"\nfrom 2024-04-01\n'
                     "  率 = 1.4%\n", core_dir)
    with pytest.raises(EvaluationError):
        tenant.evaluate("税", {"所得": 10**60}, ON)
    with pytest.raises(EvaluationError):
        tenant.interpret("税", {"所得": 10**60}, ON)


DIVISION_CORE = """core "division" version 1.0
input 額 : yen
rule 三分の一 : yen = floor(額 / 3, 1)
rule 四分の一 : yen = floor(額 / 4, 1000)
"""


def test_floor_of_a_quotient_agrees_for_any_amount(core_dir):
    _, tenant = load(DIVISION_CORE, 'tenant "五霞町" code 085421\nuses "division"\n'
                     "from 2024-04-01\n", core_dir)
    amount = 3 * 10**29 - 1
    assert tenant.evaluate("三分の一", {"額": amount}, ON) == 10**29 - 1
    assert tenant.interpret("三分の一", {"額": amount}, ON) == 10**29 - 1


def test_floor_of_a_quotient_of_a_huge_amount_agrees(core_dir):
    _, tenant = load(DIVISION_CORE, 'tenant "五霞町" code 085421\nuses "division"\n'
                     "from 2024-04-01\n", core_dir)
    assert tenant.interpret("四分の一", {"額": 10**30 - 1}, ON) == tenant.evaluate(
        "四分の一", {"額": 10**30 - 1}, ON)
    for how in (tenant.evaluate, tenant.interpret):  # beyond 30 digits: refused at input
        with pytest.raises(EvaluationError, match="at most 30 digits"):
            how("四分の一", {"額": 10**60}, ON)


SHORT_CIRCUIT_CORE = """core "short" version 1.0
record 世帯員 { 所得 : yen }
input 世帯 : list of 世帯員
rule 全員 : bool = all(世帯, m -> 100円 / m.所得 > 1)
rule 誰か : bool = any(世帯, m -> 100円 / m.所得 > 1)
"""


@pytest.mark.parametrize(("rule", "first"), [("全員", 1000), ("誰か", 10)])
def test_any_and_all_agree_when_a_later_item_fails(core_dir, rule, first):
    _, tenant = load(SHORT_CIRCUIT_CORE, 'tenant "五霞町" code 085421\nuses "short"\n'
                     "from 2024-04-01\n", core_dir)
    members = {"世帯": [{"所得": first}, {"所得": 0}]}
    # The first item decides, so the second (a division by zero) is never reached.
    assert tenant.evaluate(rule, members, ON) is (rule == "誰か")
    assert tenant.interpret(rule, members, ON) is (rule == "誰か")


FOLDED_CORE = """core "folded" version 1.0
input 額 : yen
param 旗 : bool
  default true
rule 三分の一 : yen = floor((if 旗 then 額 else 額 * 1.5%) / 3, 1)
"""


def test_floor_of_a_quotient_agrees_after_folding(core_dir):
    """Division is exact to 50 significant digits, so a 50-digit amount divided by 3 and
    floored would be off by one in both evaluators: such amounts are refused at input
    (docs/limits.md: 30 digits), and the largest accepted one is exact."""
    _, tenant = load(FOLDED_CORE, 'tenant "五霞町" code 085421\nuses "folded"\n'
                     "from 2024-04-01\n", core_dir)
    for how in (tenant.evaluate, tenant.interpret):
        with pytest.raises(EvaluationError, match="at most 30 digits"):
            how("三分の一", {"額": 6 * 10**49 - 1}, ON)
        assert how("三分の一", {"額": 6 * 10**29 - 1}, ON) == 2 * 10**29 - 1


def test_folding_keeps_the_type_of_the_if(core_dir):
    """Regression: a folded `if` with a yen branch in an amount `if` is rounded as an amount
    by both evaluators, so they agree."""
    _, tenant = load(FOLDED_CORE, 'tenant "五霞町" code 085421\nuses "folded"\n'
                     "from 2024-04-01\n", core_dir)
    amount = 6 * 10**29 - 1
    assert tenant.evaluate("三分の一", {"額": amount}, ON) == tenant.interpret(
        "三分の一", {"額": amount}, ON)


RATE_TABLE_CORE = """core "rates" version 1.0
input 所得 : yen
param 率 : table[所得 : yen] of rate
  required
rule 適用率 : rate = 率(所得)
"""


def test_a_zero_rate_table_gives_a_decimal(core_dir):
    _, tenant = load(RATE_TABLE_CORE, 'tenant "五霞町" code 085421\nuses "rates"\n'
                     "from 2024-04-01\n  率 =\n    | 所得 | 率 |\n    | >= 0円 | 0% |\n",
                     core_dir)
    assert type(tenant.interpret("適用率", {"所得": 5}, ON)) is Decimal
    assert type(tenant.evaluate("適用率", {"所得": 5}, ON)) is Decimal


STEP_CORE = """core "steps" version 1.0
input 係数 : decimal
param 段 : table[係数 : decimal] of int
  required
rule 段階 : int = 段(係数)
"""


def test_an_int_table_on_a_decimal_axis_gives_an_int(core_dir):
    _, tenant = load(STEP_CORE, 'tenant "五霞町" code 085421\nuses "steps"\nfrom 2024-04-01\n'
                     "  段 =\n    | 係数 | 段 |\n    | < 1 | 0 |\n    | >= 1 | 1 |\n", core_dir)
    assert type(tenant.interpret("段階", {"係数": Decimal(2)}, ON)) is int
    assert type(tenant.evaluate("段階", {"係数": Decimal(2)}, ON)) is int
