"""The builtins registry (src/paramcfg/builtins.py): the docs agree with it, every builtin
evaluates alike compiled and interpreted, and the interpreter stays naive."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import ROOT, assert_known_answer, load_core_text

from paramcfg import ir, rules
from paramcfg.builtins import BUILTINS
from paramcfg.engine import load_tenant_text
from paramcfg.errors import EvaluationError

ON = dt.date(2025, 6, 2)


def _docs_calls() -> list[str]:
    """The first column of the table of calls in docs/language.md, one cell per row."""
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    table = text.split("**Calls.**", 1)[1].split("| call | result |", 1)[1]
    cells = []
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells.append(line.split(" | ", 1)[0].lstrip("| "))
    return cells


def test_the_docs_table_of_calls_names_exactly_the_registry():
    cells = _docs_calls()
    documented = {name for cell in cells
                  for name in re.findall(r"`([a-z_]+)\(", cell)}
    assert documented == set(BUILTINS)
    for builtin in BUILTINS.values():
        assert any(f"`{builtin.signature}`" in cell for cell in cells), builtin.signature
        assert builtin.doc
        assert "\n" not in builtin.doc


def test_the_type_checker_knows_no_builtin_outside_the_registry():
    assert set(rules.ROUNDING) | set(rules.AGGREGATES) | set(rules.DATE_FUNCTIONS) | {"clamp"} \
        == set(BUILTINS)


# ---- every builtin, compiled and interpreted ---------------------------------------------------

CORE = """core "builtins" version 1.0
record 人 { 年齢 : int, 所得 : yen }
input x : yen
input n : int
input d : date
input 人々 : list of 人
input 閉庁 : list of monthday
param 率 : rate default 1.4%
param 単位 : yen default 100円
rule r_floor : yen = floor(x * 率, 100)
rule r_ceil : yen = ceil(x * 率, 100)
rule r_round_half_up : yen = round_half_up(x / 3, 10)
rule r_round_half_even : int = round_half_even(n / 4, 1)
rule r_min : yen = min(x, 単位, 50,000円)
rule r_max : yen = max(x, 単位)
rule r_clamp : yen = clamp(x, 1,000円, 9,000円)
rule r_sum : yen = sum(人々, m -> m.所得)
rule r_count : int = count(人々, m -> m.年齢 >= 40)
rule r_any : bool = any(人々, m -> m.年齢 >= 65)
rule r_all : bool = all(人々, m -> m.所得 > 0円)
rule r_map : int = sum(map(人々, m -> m.年齢))
rule r_min_list : int = min(人々, m -> m.年齢)
rule r_fiscal_year : int = fiscal_year(d)
rule r_age_on : int = age_on(d, as_of)
rule r_months_between : int = months_between(d, as_of)
rule r_fiscal_date : date = fiscal_date(2月末日, 2024)
rule r_business_day : date = business_day(d, 閉庁)
rule r_add_months : date = add_months(d, n)
rule r_fiscal_months : int = count(fiscal_months(fiscal_year(d)))
"""

INPUTS = {
    "x": 12_345, "n": 6, "d": dt.date(1980, 1, 31),
    "人々": [{"年齢": 41, "所得": 100}, {"年齢": 70, "所得": 5}, {"年齢": 3, "所得": 1}],
    "閉庁": [],
}

EXPECTED = {
    "r_floor": 100, "r_ceil": 200, "r_round_half_up": 4_120, "r_round_half_even": 2,
    "r_min": 100, "r_max": 12_345, "r_clamp": 9_000, "r_sum": 106, "r_count": 2,
    "r_any": True, "r_all": True, "r_map": 114, "r_min_list": 3, "r_fiscal_year": 1979,
    "r_age_on": 45, "r_months_between": 544, "r_fiscal_date": dt.date(2025, 2, 28),
    "r_business_day": dt.date(1980, 1, 31), "r_add_months": dt.date(1980, 7, 31),
    "r_fiscal_months": 12,
}


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("builtins"), "b.pcore", CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text('tenant "五霞町" code 085421\nuses "builtins"\nfrom 2024-04-01\n',
                            core, "五霞町.pcfg")


def test_every_builtin_has_a_case_here(town):
    """Adding a builtin means adding its case to CORE and EXPECTED."""
    used: set[str] = set()
    for rule in town.rules.values():
        ir.walk(rule.body, lambda node: used.add(node.builtin) if hasattr(node, "builtin") else None)
    assert used == set(BUILTINS)
    assert set(EXPECTED) == set(town.rules)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_builtin_gives_its_answer_compiled_and_interpreted(town, rule):
    assert_known_answer(town, rule, ON, INPUTS, (), EXPECTED[rule])


def test_an_empty_list_has_no_minimum_in_either_evaluator(town):
    inputs = {**INPUTS, "人々": []}
    for how in (town.evaluate, town.interpret):
        with pytest.raises(EvaluationError) as err:
            how("r_min_list", inputs, ON)
        assert err.value.rule == "r_min_list"
        assert err.value.span is not None


def test_business_day_moves_over_closed_days_and_explains_why(town):
    inputs = {**INPUTS, "d": dt.date(2025, 5, 3)}  # 憲法記念日, then みどりの日, 振替休日
    assert_known_answer(town, "r_business_day", ON, inputs, (), dt.date(2025, 5, 7))
    step = town.explain("r_business_day", inputs, ON)
    calendar = [s for s in step.children if s.kind == "calendar"]
    assert len(calendar) == 1
    assert "2025-05-03 憲法記念日" in calendar[0].detail
    assert calendar[0].detail.endswith("2025-05-06 みどりの日 振替休日")


# ---- floor(a / b, unit): the language's exact rule, not an interpreter pattern ------------------

EXACT_CORE = """core "exact" version 1.0
input a : yen
input b : int
input k : int
param 直接 : bool default true
rule q : yen = floor(a * b / k, 1)
rule q_via_if : yen = floor(if 直接 then a * b / k else 0円, 1)
"""

# a * b / 3 = 10**49 + 6…6.67: 50 whole digits, so the 50-digit Decimal quotient is rounded up
# to …667, where the exact floor is …666.
BIG = {"a": 3 * 10**24 + 2, "b": 10**25, "k": 3}
PRODUCT = BIG["a"] * BIG["b"]


@pytest.fixture(scope="module")
def exact(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("exact"), "e.pcore", EXACT_CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text('tenant "五霞町" code 085421\nuses "exact"\nfrom 2024-04-01\n',
                            core, "五霞町.pcfg")


def test_the_example_is_one_where_a_decimal_quotient_would_round_wrongly():
    from paramcfg import runtime as rt  # noqa: PLC0415

    naive = rt.round_to("floor", rt.div(PRODUCT, 3), 1)
    assert naive != PRODUCT // 3


def test_floor_of_a_whole_quotient_is_exact_in_both_evaluators(exact):
    assert exact.rules["q"].body.__class__ is ir.FloorQuotient
    assert_known_answer(exact, "q", ON, BIG, (), PRODUCT // 3)


def test_a_quotient_only_folding_exposes_is_rounded_alike(exact):
    """The compiler folds `if 直接` away and sees floor(a * b / k); it must still round the
    Decimal quotient, as the interpreter (which sees the `if`) does."""
    assert exact.rules["q_via_if"].body.__class__ is ir.RoundTo
    from paramcfg import runtime as rt  # noqa: PLC0415

    assert_known_answer(exact, "q_via_if", ON, BIG, (), rt.round_to("floor", rt.div(PRODUCT, 3), 1))


def test_the_interpreter_dispatches_builtins_only_through_the_registry():
    """No builtin pattern is matched in the interpreter itself (it is the compiler's oracle)."""
    source = (ROOT / "src" / "paramcfg" / "interpret.py").read_text(encoding="utf-8")
    assert "floor_quotient" not in source
    assert "RoundTo" not in source.replace("r.RoundTo: self._builtin", "")


# ---- one computation of the inputs a rule needs ------------------------------------------------


def test_a_rules_inputs_are_computed_once_and_kept_by_folding(town):
    rule = town.rules["r_age_on"]
    assert rule.inputs == ((ir.AS_OF_KEY, ir.DATE), ("d", ir.DATE))
    assert rules.transitive_inputs(town.rules)["r_age_on"] == [ir.AS_OF_KEY, "d"]
    assert rules.input_types(town.rules)["x"] == ir.YEN
    from paramcfg.fold import fold_rules  # noqa: PLC0415

    folded = fold_rules(town.rules, town.values(ON))
    assert all(folded[name].inputs == r.inputs for name, r in town.rules.items())


def test_paramcfg_rules_still_exports_the_ir_names():
    for name in ("Const", "InputRef", "RoundTo", "TypedRule", "AS_OF_KEY", "walk",
                 "transitive_inputs", "input_types", "type_rules"):
        assert hasattr(rules, name)
    assert rules.Const is ir.Const
