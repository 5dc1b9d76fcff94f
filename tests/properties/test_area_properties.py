"""Properties of the NHI tax and the LTC premium, for every sample town and fiscal year.

- The NHI tax never decreases when one member's income rises (total and each part).
- Each NHI part never exceeds the town's cap on that date; the support levy (子ども支援分) is
  0円 before FY2026.
- A birth (産前産後軽減) never raises the NHI tax.
- The LTC premium never decreases as income rises, for a fixed household status.

Households are random (1–6 members of any age, incomes 0 … 30,000,000円, members reaching 40
or 65 during the year, births in the year, non-members' income, 特定同一世帯所属者, earners);
dates run from each town's first fiscal year to FY2026; compiled rules are checked, and on a
sample of them the reference interpreter too.
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
PARTS = {"医療分": "国保.医療分税額", "支援金分": "国保.支援金分税額", "介護分": "国保.介護分税額"}
LEVY = "国保.子ども支援分税額"
FY2026 = dt.date(2026, 4, 1)

#: Incomes near the interesting places: the 430,000 deduction and reduction thresholds, and
#: large enough to reach every cap.
incomes = st.one_of(
    st.integers(0, 30_000_000),
    st.sampled_from([0, 430_000, 430_001, 725_000, 975_000, 1_140_000, 1_650_000]),
    st.integers(400_000, 2_000_000),
)


@st.composite
def members(draw):
    birth = draw(st.dates(dt.date(1945, 1, 1), dt.date(2025, 3, 31)))
    income = draw(incomes)
    judged = draw(st.one_of(st.just(income), st.integers(0, income)))
    member = {"生年月日": birth, "総所得金額等": income, "軽減判定所得": judged}
    if draw(st.integers(0, 3)) == 0:  # a birth (産前産後軽減), single or multiple
        member["出産予定日"] = [draw(st.dates(dt.date(2023, 1, 1), dt.date(2027, 6, 30)))]
        member["多胎"] = draw(st.booleans())
    return member


@st.composite
def households(draw):
    return {
        "国保.被保険者": draw(st.lists(members(), min_size=1, max_size=6)),
        "国保.被保険者以外の判定所得": draw(st.one_of(st.just(0), incomes)),
        "国保.特定同一世帯所属者数": draw(st.integers(0, 2)),
        "国保.給与所得者等の数": draw(st.integers(0, 4)),
        "国保.特定世帯区分": draw(st.sampled_from(["該当なし", "特定世帯", "特定継続世帯"])),
    }


@pytest.fixture(scope="module")
def towns(core):
    return {town: paramcfg.load_tenant(ROOT / "tenant_profiles" / f"{town}.pcfg", core)
            for town in TOWNS}


def draw_town(data, towns):
    """A town and a date in one of its fiscal years (かすみがうら市's profile starts in FY2023)."""
    name = data.draw(st.sampled_from(TOWNS), label="town")
    first = 2023 if name == "kasumigaura" else 2024
    on = data.draw(st.dates(dt.date(first, 4, 1), dt.date(2027, 3, 31)), label="on")
    return name, towns[name], on


@evaluation_settings(120)
@given(data=st.data())
def test_nhi_tax_never_decreases_when_a_member_earns_more(towns, data):
    name, town, on = draw_town(data, towns)
    before = data.draw(households(), label="household")
    i = data.draw(st.integers(0, len(before["国保.被保険者"]) - 1), label="member")
    raise_by = data.draw(st.integers(1, 5_000_000), label="raise")
    after = {**before, "国保.被保険者": [dict(m) for m in before["国保.被保険者"]]}
    richer = after["国保.被保険者"][i]
    richer["総所得金額等"] += raise_by
    richer["軽減判定所得"] += raise_by
    for rule in ("国保.年税額", *PARTS.values(), LEVY):
        low, high = town.evaluate(rule, before, on), town.evaluate(rule, after, on)
        assert high >= low, f"{name} {on} {rule}: {low:,} → {high:,} when member {i + 1} earns more"


@evaluation_settings(120)
@given(data=st.data())
def test_each_nhi_part_stays_within_its_cap(towns, data):
    name, town, on = draw_town(data, towns)
    household = data.draw(households(), label="household")
    caps = town.parameters(on)["国保.課税限度額"]
    total = 0
    for part, rule in PARTS.items():
        amount = town.evaluate(rule, household, on)
        assert 0 <= amount <= caps.lookup(part), f"{name} {on} {rule}: {amount:,}"
        assert amount % 100 == 0  # each part is floored to 100円
        total += amount
    levy = town.evaluate(LEVY, household, on)
    if on < FY2026:
        assert levy == 0, f"{name} {on}: the support levy before FY2026"
    else:
        assert 0 <= levy <= town.parameters(on)["国保.子ども支援分.課税限度額"]
        assert levy % 100 == 0
    total += levy
    assert town.evaluate("国保.年税額", household, on) == total
    if data.draw(st.integers(0, 4), label="interpret?") == 0:
        assert town.interpret("国保.年税額", household, on) == total


@evaluation_settings(150)
@given(data=st.data())
def test_ltc_premium_never_decreases_as_income_rises(towns, data):
    name, town, on = draw_town(data, towns)
    status = {
        "介護.生活保護等": data.draw(st.booleans(), label="welfare"),
        "介護.世帯課税": data.draw(st.booleans(), label="household taxed"),
        "介護.本人課税": data.draw(st.booleans(), label="self taxed"),
    }
    low = data.draw(st.one_of(st.integers(0, 20_000_000),
                              st.sampled_from([800_000, 809_000, 1_200_000, 7_200_000])), label="low")
    high = low + data.draw(st.integers(0, 5_000_000), label="more")

    def premium(income):
        inputs = {**status, "介護.年金収入等": income, "介護.合計所得金額": income}
        return town.evaluate("介護.年額", inputs, on), town.evaluate("介護.段階", inputs, on)

    (p_low, s_low), (p_high, s_high) = premium(low), premium(high)
    assert p_high >= p_low, f"{name} {on} {status}: {low:,} → {p_low:,}, {high:,} → {p_high:,}"
    assert s_high >= s_low


@evaluation_settings(80)
@given(data=st.data())
def test_a_birth_never_raises_the_nhi_tax(towns, data):
    name, town, on = draw_town(data, towns)
    without = data.draw(households(), label="household")
    for m in without["国保.被保険者"]:
        m.pop("出産予定日", None)
        m.pop("多胎", None)
    i = data.draw(st.integers(0, len(without["国保.被保険者"]) - 1), label="member")
    withbirth = {**without, "国保.被保険者": [dict(m) for m in without["国保.被保険者"]]}
    withbirth["国保.被保険者"][i]["出産予定日"] = [
        data.draw(st.dates(on - dt.timedelta(days=400), on + dt.timedelta(days=400)), label="birth")]
    withbirth["国保.被保険者"][i]["多胎"] = data.draw(st.booleans(), label="multiple")
    for rule in ("国保.年税額", *PARTS.values(), LEVY):
        plain, reduced = town.evaluate(rule, without, on), town.evaluate(rule, withbirth, on)
        assert reduced <= plain, f"{name} {on} {rule}: {plain:,} → {reduced:,} with a birth"
