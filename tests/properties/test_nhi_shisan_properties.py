"""Properties of NHI 資産割 (四方式, issue 17 item 3), for any household, assets and date:

- under 四方式 the tax (total and each part) never decreases as a member's fixed-asset tax
  rises, and the 子ども・子育て支援納付金分 does not change (it has no asset part here);
- under 三方式 the asset base changes nothing;
- under 四方式 a household without fixed assets pays what it would under 三方式 (the town's
  other rates being the same).

The towns are the 田辺市 fixture of the known answers (``tanabe``), as 四方式 and 三方式; the
households are those of the area properties with land and building amounts added.
"""

from __future__ import annotations

import datetime as dt

import pytest
from gen.settings import evaluation_settings
from hypothesis import given
from hypothesis import strategies as st
from known_answers.test_nhi_shisan import tanabe

import paramcfg
from properties.test_area_properties import LEVY, PARTS, households

RULES = ("国保.年税額", *PARTS.values())
ASSET_FIELDS = ("土地の固定資産税額", "家屋の固定資産税額")
assets = st.one_of(st.just(0), st.integers(0, 3_000_000), st.integers(0, 100_000))
dates = st.dates(dt.date(2024, 4, 1), dt.date(2027, 3, 31))


@pytest.fixture(scope="module")
def towns(core):
    return {method: paramcfg.load_tenant_text(tanabe(method), core)
            for method in ("四方式", "三方式")}


@st.composite
def owners(draw):
    """A household whose members own land and buildings (any amounts, often none)."""
    household = draw(households())
    household["国保.被保険者"] = [
        {**m, **{field: draw(assets) for field in ASSET_FIELDS}}
        for m in household["国保.被保険者"]]
    return household


def without_assets(household: dict[str, object]) -> dict[str, object]:
    members = household["国保.被保険者"]
    assert isinstance(members, list)
    return {**household, "国保.被保険者": [{**m, **dict.fromkeys(ASSET_FIELDS, 0)}
                                           for m in members]}


@evaluation_settings(100)
@given(household=owners(), on=dates, field=st.sampled_from(ASSET_FIELDS),
       more=st.integers(1, 2_000_000), data=st.data())
def test_the_tax_never_decreases_as_the_asset_base_rises(towns, household, on, field, more, data):
    who = data.draw(st.integers(0, len(household["国保.被保険者"]) - 1), label="member")
    richer = {**household, "国保.被保険者": [
        {**m, field: m[field] + more} if i == who else m
        for i, m in enumerate(household["国保.被保険者"])]}
    town = towns["四方式"]
    for rule in RULES:
        before, after = town.evaluate(rule, household, on), town.evaluate(rule, richer, on)
        assert after >= before, f"{on} {rule}: {before:,} → {after:,} with {more:,} more {field}"
    assert town.evaluate(LEVY, richer, on) == town.evaluate(LEVY, household, on)


@evaluation_settings(100)
@given(household=owners(), on=dates)
def test_under_the_three_part_method_the_asset_base_changes_nothing(towns, household, on):
    town, bare = towns["三方式"], without_assets(household)
    for rule in (*RULES, LEVY):
        assert town.evaluate(rule, household, on) == town.evaluate(rule, bare, on), (on, rule)


@evaluation_settings(100)
@given(household=households(), on=dates)
def test_without_assets_the_four_part_method_is_the_three_part_one(towns, household, on):
    for rule in (*RULES, LEVY):
        four = towns["四方式"].evaluate(rule, household, on)
        assert four == towns["三方式"].evaluate(rule, household, on), (on, rule)
