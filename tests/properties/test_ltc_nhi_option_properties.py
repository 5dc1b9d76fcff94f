"""Properties of the options of issue 17 item 3, for any base amount, step, household and date.

- **Rounding up** (介護.端数処理 = 円未満/十円未満/百円未満切上げ): the premium is a multiple of
  its unit, at least the premium rounded down with the same unit and at most one unit above it
  (equal exactly when the exact amount is already a multiple), and at least the premium rounded
  half up.  With rounding up the premium still never decreases as income rises.
- **所得未申告** (NHI): a household with an undeclared member gets no 7/5/2割 reduction, so its tax
  (total and each part) is never below the same household declared, and is exactly the declared
  tax when the declared household gets no reduction either.

The LTC towns are the sample profile of 那珂市 with its base amount and rounding replaced
(``ltc_city`` of the known answers); the NHI households are those of the area properties.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from gen.settings import evaluation_settings
from helpers import ROOT
from hypothesis import given
from hypothesis import strategies as st
from known_answers.test_ltc_nhi_options import ltc_city

import paramcfg
from properties.test_area_properties import LEVY, PARTS, TOWNS, households

UNITS = {1: "円未満", 10: "十円未満", 100: "百円未満"}
NHI_RULES = ("国保.年税額", *PARTS.values(), LEVY)


@pytest.fixture(scope="module")
def town_with(core):
    """那珂市 with base amount ``base`` and rounding ``mode`` (each built once)."""
    @functools.cache
    def build(base: int, mode: str) -> paramcfg.Tenant:
        return paramcfg.load_tenant_text(ltc_city("naka", "那珂市", "082261", f"{base:,}円", mode), core)
    return build


@pytest.fixture(scope="module")
def towns(core):
    return {town: paramcfg.load_tenant(ROOT / "tenant_profiles" / f"{town}.pcfg", core)
            for town in TOWNS}


@st.composite
def statuses(draw):
    """Any person: welfare, household and self taxation, pension and total income."""
    income = draw(st.one_of(st.integers(0, 20_000_000),
                            st.sampled_from([800_000, 809_000, 826_500, 1_200_000, 7_200_000])))
    return {"介護.生活保護等": draw(st.booleans()), "介護.世帯課税": draw(st.booleans()),
            "介護.本人課税": draw(st.booleans()), "介護.年金収入等": income,
            "介護.合計所得金額": income}


#: Base amounts: any, and the published ones (東大阪市 85,110, 鹿児島市 74,900, the sample towns').
bases = st.one_of(st.integers(0, 200_000), st.sampled_from([85_110, 74_900, 63_360, 69_360, 67_200]))
dates = st.dates(dt.date(2024, 4, 1), dt.date(2027, 3, 31))


@evaluation_settings(150)
@given(base=bases, unit=st.sampled_from(sorted(UNITS)), person=statuses(), on=dates,
       interpret=st.integers(0, 4))
def test_rounding_up_is_within_one_unit_above_rounding_down(town_with, base, unit, person, on, interpret):
    prefix = UNITS[unit]
    up = town_with(base, f"{prefix}切上げ").evaluate("介護.年額", person, on)
    down = town_with(base, f"{prefix}切捨て").evaluate("介護.年額", person, on)
    half = town_with(base, f"{prefix}四捨五入").evaluate("介護.年額", person, on)
    assert up % unit == 0
    assert down <= half <= up <= down + unit, (base, unit, person, on, down, half, up)
    exact = base * town_with(base, f"{prefix}切上げ").evaluate("介護.乗率", person, on)
    assert (up == down) == (exact % unit == 0), (base, unit, person, on, exact)
    if interpret == 0:
        assert town_with(base, f"{prefix}切上げ").interpret("介護.年額", person, on) == up


@evaluation_settings(100)
@given(base=bases, unit=st.sampled_from(sorted(UNITS)), person=statuses(),
       more=st.integers(0, 5_000_000), on=dates)
def test_rounded_up_premium_never_decreases_as_income_rises(town_with, base, unit, person, more, on):
    town = town_with(base, f"{UNITS[unit]}切上げ")
    richer = {**person, "介護.年金収入等": person["介護.年金収入等"] + more,
              "介護.合計所得金額": person["介護.合計所得金額"] + more}
    assert town.evaluate("介護.年額", richer, on) >= town.evaluate("介護.年額", person, on)


@evaluation_settings(100)
@given(data=st.data())
def test_an_undeclared_member_never_lowers_the_nhi_tax(towns, data):
    name = data.draw(st.sampled_from(sorted(towns)), label="town")
    first = 2023 if name == "kasumigaura" else 2024
    on = data.draw(st.dates(dt.date(first, 4, 1), dt.date(2027, 3, 31)), label="on")
    town = towns[name]
    declared = data.draw(households(), label="household")
    who = data.draw(st.lists(st.integers(0, len(declared["国保.被保険者"]) - 1), min_size=1),
                    label="undeclared members")
    undeclared = {**declared, "国保.被保険者": [
        {**m, "所得未申告": i in who} for i, m in enumerate(declared["国保.被保険者"])]}
    assert town.evaluate("国保.軽減割合", undeclared, on) == 0
    no_reduction = town.evaluate("国保.軽減割合", declared, on) == 0
    for rule in NHI_RULES:
        plain, without = town.evaluate(rule, declared, on), town.evaluate(rule, undeclared, on)
        assert without >= plain, f"{name} {on} {rule}: {plain:,} → {without:,} undeclared"
        if no_reduction:
            assert without == plain, f"{name} {on} {rule}: no reduction either way"
