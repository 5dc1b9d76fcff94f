"""The fast paths the NHI household rule takes (W3) give what the general path gives, exactly.

- ``runtime.round_product`` (an int times a rate known only at run time, rounded — ``floor(額 *
  (100% - 軽減割合), 1)``) equals ``round_to`` of the Decimal product, whichever side the int
  is on, with rates equal in value but written with other exponents sharing its cache;
- the generated checker of a list of records with a list field (``国保被保険者.出産予定日``)
  accepts, converts and refuses exactly as ``runtime.check_input`` (the interpreter's) does;
- a rate parameter's rounder, bound per town, equals the interpreter in every town.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from gen.settings import evaluation_settings
from helpers import load_core_text
from hypothesis import given
from hypothesis import strategies as st

from paramcfg import runtime as rt
from paramcfg.engine import load_tenant_text
from paramcfg.errors import EvaluationError

MODES = ("floor", "ceil", "round_half_up", "round_half_even")
ON = dt.date(2024, 6, 1)

amounts = st.one_of(st.integers(-10_000, 10_000), st.integers(-(10**15), 10**15),
                    st.integers(-(10**30), 10**30))
rates = st.one_of(st.decimals(Decimal(-2), Decimal(2), places=3),
                  st.decimals(Decimal(0), Decimal(1), places=8),
                  st.sampled_from([Decimal("0.3"), Decimal("0.30"), Decimal("0.300"),
                                   Decimal("0.5"), Decimal("0.8"), Decimal(1), Decimal("1.00"),
                                   Decimal(0), Decimal("0E-5"), Decimal("1E-20")]))
units = st.sampled_from([1, 10, 100, 1000, 7])


def _outcome(fn):
    try:
        value = fn()
    except EvaluationError as exc:
        return ("error", exc.msg)
    return (type(value), value)


@evaluation_settings(2000)
@given(mode=st.sampled_from(MODES), rate=rates, unit=units, x=amounts,
       places=st.integers(0, 3), left=st.booleans())
def test_round_product_equals_round_to_of_the_product(mode, rate, unit, x, places, left):
    # The same rate written with more places (0.3 → 0.300) first: the cache is keyed by value.
    twin = rate.quantize(Decimal(1).scaleb(rate.as_tuple().exponent - places)) \
        if rate.as_tuple().exponent > -25 else rate
    assert twin == rate
    for r in (twin, rate):
        a, b = (x, r) if left else (r, x)
        assert _outcome(lambda a=a, b=b: rt.round_product(mode, a, b, unit)) == _outcome(
            lambda a=a, b=b: rt.round_to(mode, rt.multiply(a, b), unit))


CORE = """core "household" version 1.0
record 人 {
  生年月日 : date
  所得     : yen
  予定日   : list of date
    default []
  多胎     : bool
    default false
}
input 世帯 : list of 人
input 割合 : rate
param 率 : rate default 6.4%
rule 予定 : int = sum(世帯, m -> count(m.予定日) + (if m.多胎 then 10 else 0))
rule 所得割 : yen = floor(sum(世帯, m -> m.所得) * 率, 100)
rule 軽減 : yen = sum(世帯, m -> floor(m.所得 * (100% - 割合), 1))
"""

dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
bad = st.sampled_from([1.5, "2024-01-01", None, dt.datetime(2024, 1, 1, tzinfo=dt.UTC), 3, True])
lists: st.SearchStrategy[object] = st.one_of(
    st.lists(dates, max_size=3), st.lists(dates, max_size=3).map(tuple),
    st.lists(st.one_of(dates, bad), min_size=1, max_size=3),
    st.sampled_from(["2024-01-01", 5, None, frozenset()]))


@st.composite
def members(draw):
    person: dict[object, object] = {"生年月日": draw(st.one_of(dates, bad)),
                                    "所得": draw(st.one_of(st.integers(0, 10**9), bad))}
    if draw(st.booleans()):
        person["予定日"] = draw(lists)
    if draw(st.booleans()):
        person["多胎"] = draw(st.one_of(st.booleans(), bad))
    if draw(st.integers(0, 9)) == 0:
        person[draw(st.sampled_from(["予定", "出産予定日", 1]))] = 1  # no such field
    if draw(st.integers(0, 9)) == 0:
        del person["所得"]
    return person


households = st.one_of(st.lists(members(), max_size=4), st.lists(members(), max_size=4).map(tuple))


@pytest.fixture(scope="module")
def core(tmp_path_factory):
    found = load_core_text(tmp_path_factory.mktemp("household"), "household.pcore", CORE)
    assert found.ok, [d.message() for d in found.diagnostics]
    return found


@pytest.fixture(scope="module")
def town(core):
    return load_tenant_text('tenant "五霞町" code 085421\nuses "household"\nfrom 2024-04-01\n',
                            core)


def test_the_fast_paths_are_taken(town):
    source = town.compiled(ON).source
    assert "_check_" not in source  # the list of records is checked by generated code
    assert "tuple(_f" in source


@evaluation_settings(600)
@given(household=households, share=rates)
def test_compiled_household_rules_equal_the_interpreter(town, household, share):
    inputs = {"世帯": household, "割合": share}
    for rule in ("予定", "所得割", "軽減"):
        want = _outcome(lambda rule=rule: town.interpret(rule, inputs, ON))
        assert _outcome(lambda rule=rule: town.evaluate(rule, inputs, ON)) == want, rule


@evaluation_settings(200)
@given(rate=st.decimals(Decimal(0), Decimal(100), places=4), income=amounts)
def test_a_rate_parameter_rounds_as_the_interpreter_in_every_town(core, rate, income):
    town = load_tenant_text('tenant "五霞町" code 085421\nuses "household"\nfrom 2024-04-01\n'
                            f"  率 = {rate}%\n", core)
    inputs = {"世帯": [{"生年月日": ON, "所得": abs(income) % 10**20}], "割合": Decimal(0)}
    assert _outcome(lambda: town.evaluate("所得割", inputs, ON)) == _outcome(
        lambda: town.interpret("所得割", inputs, ON))
