"""Properties of the four areas added in core 2026.5, for every sample town (FY2026).

- 法人住民税: the 均等割 never decreases as the capital or the number of employees rises,
  never exceeds 1.2 × the standard amount (× months / 12) and is a multiple of 100円; the
  法人税割 never decreases as the 法人税額 rises and its rate is never above the cap of its
  business-year period nor below the standard.
- 証明書: a fee is the unit fee × the number of copies (so it never decreases with more
  copies); a family-register fee is never above the standard amount; an exempt use pays 0円.
- 学校給食費と就学援助: the family's monthly share is between 0円 and the town's fee; whoever
  qualifies for aid keeps qualifying when the income falls; the aid never rises with income.
- 副食費: the meal charge never decreases as the income-tax amount rises (other facts fixed)
  and is either 0円 or the town's amount.
- 延長保育: the monthly fee never decreases with more uses and never exceeds the monthly cap.
- The checks hold the ceilings: a town's 均等割 above 1.2 ×, a family-register fee above the
  standard, an aid multiple below 1 or a 法人税割 rate above the cap is reported at the cell.
"""

from __future__ import annotations

import datetime as dt

import pytest
from gen.settings import evaluation_settings
from helpers import ROOT
from hypothesis import given
from hypothesis import strategies as st

import paramcfg
from paramcfg.engine import check_profile_text

TOWNS = ("hitachiomiya", "naka", "kasumigaura", "goka")
FY2026 = dt.date(2026, 6, 1)
PERIODS = ("平成26年9月以前開始", "令和元年9月以前開始", "令和元年10月以後開始")


@pytest.fixture(scope="module")
def towns(core):
    return {town: paramcfg.load_tenant(ROOT / "tenant_profiles" / f"{town}.pcfg", core)
            for town in TOWNS}


def town_of(data, towns):
    name = data.draw(st.sampled_from(TOWNS), label="town")
    return name, towns[name]


capitals = st.one_of(
    st.integers(0, 10_000_000_000),
    st.sampled_from([0, 10_000_000, 10_000_001, 100_000_000, 100_000_001, 1_000_000_000,
                     1_000_000_001, 5_000_000_000, 5_000_000_001]),
)
starts = st.one_of(
    st.dates(dt.date(2010, 1, 1), dt.date(2030, 12, 31)),
    st.sampled_from([dt.date(2014, 9, 30), dt.date(2014, 10, 1), dt.date(2015, 4, 1),
                     dt.date(2019, 9, 30), dt.date(2019, 10, 1), dt.date(2024, 4, 1),
                     dt.date(2029, 3, 31), dt.date(2029, 4, 1)]),
)


@st.composite
def corporations(draw):
    capital = draw(capitals, label="capital")
    return {"法人住民税.事業年度開始日": draw(starts, label="start"),
            "法人住民税.法人税額": draw(st.integers(0, 50_000_000), label="tax"),
            "法人住民税.資本金等の額": capital,
            "法人住民税.資本金と資本準備金": draw(st.integers(0, capital), label="paid-in"),
            "法人住民税.資本金等なし": False,
            "法人住民税.従業者数": draw(st.integers(0, 200), label="staff"),
            "法人住民税.月数": draw(st.integers(1, 12), label="months")}


@evaluation_settings(60)
@given(data=st.data())
def test_per_capita_levy_is_monotone_and_within_its_cap(towns, data):
    name, town = town_of(data, towns)
    before = data.draw(corporations(), label="corporation")
    after = {**before,
             "法人住民税.資本金等の額": before["法人住民税.資本金等の額"]
             + data.draw(st.integers(0, 5_000_000_000), label="more capital"),
             "法人住民税.従業者数": before["法人住民税.従業者数"]
             + data.draw(st.integers(0, 100), label="more staff")}
    low = town.evaluate("法人住民税.均等割額", before, FY2026)
    high = town.evaluate("法人住民税.均等割額", after, FY2026)
    assert high >= low, f"{name}: {low:,} → {high:,} with more capital or staff"
    standard = town.evaluate("法人住民税.均等割年額", before, FY2026)
    assert low % 100 == 0
    assert low <= standard * before["法人住民税.月数"] // 12
    params = town.parameters(FY2026)
    capital = max(before["法人住民税.資本金等の額"], before["法人住民税.資本金と資本準備金"])
    staff = "50人超" if before["法人住民税.従業者数"] > 50 else "50人以下"
    ceiling = params["法人住民税.均等割.標準税率"].lookup(capital, staff) * 12 // 10
    assert standard <= ceiling, f"{name}: {standard:,} above 1.2 × the standard"


@evaluation_settings(60)
@given(data=st.data())
def test_corporate_income_levy_is_monotone_and_its_rate_within_the_law(towns, data):
    name, town = town_of(data, towns)
    before = data.draw(corporations(), label="corporation")
    after = {**before, "法人住民税.法人税額": before["法人住民税.法人税額"]
             + data.draw(st.integers(0, 50_000_000), label="more tax")}
    low = town.evaluate("法人住民税.法人税割額", before, FY2026)
    high = town.evaluate("法人住民税.法人税割額", after, FY2026)
    assert high >= low, f"{name}: {low:,} → {high:,} with more 法人税額"
    assert low % 100 == 0
    rate = town.evaluate("法人住民税.法人税割率", before, FY2026)
    period = town.evaluate("法人住民税.期間", before, FY2026)
    params = town.parameters(FY2026)
    assert params["法人住民税.法人税割.標準税率"].lookup(period) <= rate
    assert rate <= params["法人住民税.法人税割.制限税率"].lookup(period)


@evaluation_settings(60)
@given(data=st.data())
def test_certificate_fees_scale_with_copies_and_respect_the_standard(towns, data):
    name, town = town_of(data, towns)
    kind = data.draw(st.sampled_from(["戸籍全部事項証明書", "除籍全部事項証明書", "戸籍記載事項証明書",
                                      "除籍記載事項証明書", "受理証明書"]), label="kind")
    how = data.draw(st.sampled_from(["窓口", "コンビニ"]), label="how")
    use = data.draw(st.sampled_from(["一般", "公的年金", "生活保護", "児童扶養手当", "戦没者遺族等"]),
                    label="use")
    copies = data.draw(st.integers(0, 20), label="copies")
    one = town.evaluate("証明書.戸籍手数料額", {}, FY2026, (kind, how, use, 1))
    many = town.evaluate("証明書.戸籍手数料額", {}, FY2026, (kind, how, use, copies))
    more = town.evaluate("証明書.戸籍手数料額", {}, FY2026, (kind, how, use, copies + 1))
    assert many == one * copies
    assert more >= many
    params = town.parameters(FY2026)
    assert one <= params["証明書.戸籍.標準手数料"].lookup(kind, how), name
    if params["証明書.免除"].lookup(use):
        assert one == 0
    resident = data.draw(st.sampled_from(["住民票の写し", "印鑑登録証明書", "所得課税証明書"]),
                         label="resident")
    unit = town.evaluate("証明書.住民等手数料額", {}, FY2026, (resident, how, use, 1))
    assert town.evaluate("証明書.住民等手数料額", {}, FY2026, (resident, how, use, copies)) \
        == unit * copies


@evaluation_settings(60)
@given(data=st.data())
def test_school_lunch_share_and_aid(towns, data):
    name, town = town_of(data, towns)
    kind = data.draw(st.sampled_from(["小学校", "中学校"]), label="kind")
    base = data.draw(st.integers(0, 6_000_000), label="standard")
    income = data.draw(st.integers(0, 10_000_000), label="income")
    lower = data.draw(st.integers(0, income), label="lower income")
    welfare = data.draw(st.booleans(), label="welfare")
    fam = {"就学援助.世帯の所得": income, "就学援助.生活保護基準額": base,
           "就学援助.生活保護世帯": welfare}
    poorer = {**fam, "就学援助.世帯の所得": lower}
    fee = town.parameters(FY2026)["給食.月額"].lookup(kind)
    share = town.evaluate("給食.家庭の負担月額", fam, FY2026, (kind,))
    assert 0 <= share <= fee, name
    if town.evaluate("就学援助.対象", fam, FY2026):
        assert town.evaluate("就学援助.対象", poorer, FY2026)
    first = data.draw(st.booleans(), label="first grade")
    assert town.evaluate("就学援助.年額", poorer, FY2026, (kind, first)) \
        >= town.evaluate("就学援助.年額", fam, FY2026, (kind, first))


@evaluation_settings(60)
@given(data=st.data())
def test_meal_charge_never_decreases_as_income_rises(towns, data):
    name, town = town_of(data, towns)
    income = data.draw(st.one_of(st.integers(0, 500_000),
                                 st.sampled_from([57_699, 57_700, 77_100, 77_101])), label="income")
    household = {"所得割額": income,
                 "認定": data.draw(st.sampled_from(["2号", "3号"]), label="kind"),
                 "生活保護世帯": data.draw(st.booleans(), label="welfare"),
                 "非課税世帯": data.draw(st.booleans(), label="untaxed"),
                 "ひとり親世帯等": data.draw(st.booleans(), label="single"),
                 "多子順位.未就学児": data.draw(st.integers(1, 5), label="order")}
    richer = {**household, "所得割額": income + data.draw(st.integers(0, 300_000), label="raise")}
    low = town.evaluate("副食費.月額計算", household, FY2026)
    high = town.evaluate("副食費.月額計算", richer, FY2026)
    assert high >= low, f"{name}: {low:,} → {high:,} as income rises"
    assert low in (0, town.parameters(FY2026)["副食費.月額"])


@evaluation_settings(60)
@given(data=st.data())
def test_extended_hours_fee_is_monotone_and_capped(towns, data):
    name, town = town_of(data, towns)
    hours = data.draw(st.sampled_from(["標準", "短時間"]), label="hours")
    uses = data.draw(st.integers(0, 31), label="uses")
    fee = town.evaluate("延長保育.月額", {"時間": hours, "延長保育.回数": uses}, FY2026)
    more = town.evaluate("延長保育.月額", {"時間": hours, "延長保育.回数": uses + 1}, FY2026)
    assert 0 <= fee <= more
    assert fee <= town.parameters(FY2026)["延長保育.月額上限"].lookup(hours), name


# ---- the checks hold the ceilings -------------------------------------------------------------

KASUMIGAURA = (ROOT / "tenant_profiles" / "kasumigaura.pcfg").read_text(encoding="utf-8")
GOKA = (ROOT / "tenant_profiles" / "goka.pcfg").read_text(encoding="utf-8")
NAKA = (ROOT / "tenant_profiles" / "naka.pcfg").read_text(encoding="utf-8")


def _one_error(text, old, new, core):
    assert text.count(old) == 1
    changed = text.replace(old, new)
    result = check_profile_text(changed, core)
    (d,) = result.diagnostics
    line = next(i for i, x in enumerate(changed.splitlines(), start=1) if new.strip() in x)
    return d, line


def test_per_capita_levy_above_one_point_two_times_is_reported(core):
    # 3,000,000 × 1.2 = 3,600,000 is the cap; one yen more is reported at its row.
    d, line = _one_error(KASUMIGAURA, "| 410,000円 | 3,600,000円 |",
                         "| 410,000円 | 3,600,001円 |", core)
    assert (d.code, d.span.line) == ("PC0507", line)


def test_family_register_fee_above_the_standard_is_reported(core):
    d, line = _one_error(GOKA, "| 戸籍全部事項証明書 | 450円 |    350円 |",
                         "| 戸籍全部事項証明書 | 460円 |    350円 |", core)
    assert (d.code, d.span.line) == ("PC0303", line)
    assert d.args["bound"] == "450円"


def test_corporate_rate_above_the_cap_is_reported(core):
    d, line = _one_error(NAKA, "| 令和元年10月以後開始 |  7.2% |", "| 令和元年10月以後開始 |  8.5% |", core)
    assert (d.code, d.span.line) == ("PC0303", line)
    assert d.args["bound"] == "8.4%"


def test_aid_multiple_below_one_is_reported(core):
    d, line = _one_error(NAKA, "  就学援助.認定倍率 = 1\n", "  就学援助.認定倍率 = 0.9\n", core)
    assert (d.code, d.span.line, d.span.col) == ("PC0302", line, 3)
    assert d.args["bound"] == "1"
