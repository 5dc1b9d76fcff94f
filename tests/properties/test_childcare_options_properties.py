"""Properties of the childcare fee's national rules and options (core 2026.5, section 1b), for
every sample town and fiscal year 2024–2026.

- The fee (保育料.利用者負担額) never decreases as the 所得割額 rises, the household's other
  facts fixed (the tables increase along 所得割額 and every reduction only ever stops as the
  income rises: 77,101円 for ひとり親世帯等, 57,700円 for the any-age sibling count).
- A reduction never makes the fee higher: the fee of a ひとり親世帯等 is at most the same
  household's fee otherwise; the fee is at most the fee before the single-parent rule
  (保育料.月額計算), which is at most the fee before the sibling reduction (保育料.基本額).
- 茨城県第3子: a child who is 3rd or later among all siblings pays 0円 whatever the income; the
  option's fee lies between the national rule's and the 制限なし option's for the same child.
- 1号: 0円 for every household on every date a town covers (the ceiling is 0円 since 2019-10).
"""

from __future__ import annotations

import datetime as dt

import pytest
from gen.settings import evaluation_settings
from helpers import ROOT
from hypothesis import given
from hypothesis import strategies as st

import paramcfg

TOWNS = ("hitachiomiya", "naka", "kasumigaura", "goka")
KASUMIGAURA = (ROOT / "tenant_profiles" / "kasumigaura.pcfg").read_text(encoding="utf-8")
SWITCH = "  保育料.多子軽減 = 茨城県第3子\n"
FULL = "保育料.利用者負担額"
FEE = "保育料.月額計算"
BASE = "保育料.基本額"

dates = st.one_of(
    st.dates(dt.date(2024, 4, 1), dt.date(2027, 3, 31)),
    st.sampled_from([dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1)]),
)
incomes = st.one_of(
    st.integers(0, 1_500_000),
    st.sampled_from([0, 48_599, 48_600, 57_699, 57_700, 77_100, 77_101, 96_999, 97_000,
                     168_999, 169_000, 300_999, 301_000, 396_999, 397_000]),
)


@pytest.fixture(scope="module")
def towns(core):
    loaded = {town: paramcfg.load_tenant(ROOT / "tenant_profiles" / f"{town}.pcfg", core)
              for town in TOWNS}
    assert KASUMIGAURA.count(SWITCH) == 1
    for option in ("国の基準", "制限なし"):
        loaded[f"kasumigaura-{option}"] = paramcfg.load_tenant_text(
            KASUMIGAURA.replace(SWITCH, f"  保育料.多子軽減 = {option}\n"), core,
            f"kasumigaura-{option}.pcfg")
    return loaded


@st.composite
def households(draw):
    siblings = draw(st.integers(1, 6), label="rank among all siblings")
    return {"所得割額": draw(incomes, label="income"),
            "認定": draw(st.sampled_from(["2号", "3号"]), label="cert"),
            "時間": draw(st.sampled_from(["標準", "短時間"]), label="hours"),
            "生活保護世帯": draw(st.booleans(), label="welfare"),
            "非課税世帯": draw(st.booleans(), label="non-taxed"),
            "多子順位.全兄弟": siblings,
            "多子順位.未就学児": draw(st.integers(1, siblings), label="rank among preschool"),
            "ひとり親世帯等": draw(st.booleans(), label="single parent")}


@evaluation_settings(80)
@given(data=st.data())
def test_the_fee_never_decreases_as_the_income_rises(towns, data):
    name = data.draw(st.sampled_from(TOWNS), label="town")
    on = data.draw(dates, label="on")
    low = data.draw(households(), label="household")
    high = {**low, "所得割額": low["所得割額"] + data.draw(st.integers(0, 500_000), label="more")}
    before = towns[name].evaluate(FULL, low, on)
    after = towns[name].evaluate(FULL, high, on)
    assert after >= before, f"{name} {on}: {before:,} → {after:,} as the income rose"


@evaluation_settings(80)
@given(data=st.data())
def test_a_reduction_never_makes_the_fee_higher(towns, data):
    name = data.draw(st.sampled_from(TOWNS), label="town")
    on = data.draw(dates, label="on")
    household = data.draw(households(), label="household")
    town = towns[name]
    single = town.evaluate(FULL, {**household, "ひとり親世帯等": True}, on)
    other = town.evaluate(FULL, {**household, "ひとり親世帯等": False}, on)
    full = town.evaluate(FULL, household, on)
    fee = town.evaluate(FEE, household, on)
    base = town.evaluate(BASE, household, on)
    assert single <= other
    assert 0 <= full <= fee <= base


@evaluation_settings(60)
@given(data=st.data())
def test_a_third_child_is_free_whatever_the_income_under_the_prefecture_option(towns, data):
    on = data.draw(st.dates(dt.date(2026, 4, 1), dt.date(2027, 3, 31)), label="on")
    household = {**data.draw(households(), label="household"), "認定": "3号",
                 "生活保護世帯": False, "非課税世帯": False, "ひとり親世帯等": False,
                 "多子順位.全兄弟": data.draw(st.integers(3, 8), label="3rd or later")}
    assert towns["kasumigaura"].evaluate(FULL, household, on) == 0


@evaluation_settings(60)
@given(data=st.data())
def test_the_prefecture_option_lies_between_the_national_rule_and_no_limit(towns, data):
    on = data.draw(st.dates(dt.date(2026, 4, 1), dt.date(2027, 3, 31)), label="on")
    household = data.draw(households(), label="household")
    national = towns["kasumigaura-国の基準"].evaluate(FEE, household, on)
    prefecture = towns["kasumigaura"].evaluate(FEE, household, on)
    unlimited = towns["kasumigaura-制限なし"].evaluate(FEE, household, on)
    assert unlimited <= prefecture <= national


@evaluation_settings(40)
@given(data=st.data())
def test_every_1go_child_is_free(towns, data):
    name = data.draw(st.sampled_from(TOWNS), label="town")
    on = data.draw(dates, label="on")
    household = data.draw(households(), label="household")
    assert towns[name].evaluate("保育料.1号月額計算", household, on) == 0
