"""Known answers for core release 2026.4 (FY2026, 令和8年度), apart from NHI: the LTC boundary,
the light vehicle tax (the 13-year heavier rate by power source, the green-reduction rows, the
corrected 小型特殊 農耕作業用 rate) and the town's instalment unit of the fixed-asset tax.

Every expected value is worked out by hand from the law (FACTS.md §3, §4, §7, §9; the core's
fixed parameters and its `from 2026-04-01` block) and the town's figures in its profile; the
working is in the comment above each case.  The library never computes an expected value.
Each case runs through the compiled rules and the reference interpreter, with exact types
(``assert_known_answer``).

The figures used below:

  LTC (那珂市): 基準額 63,360円, 円未満切捨て, the national 13 steps (FY2024–FY2026):
    第1段階 0.285, 第2段階 0.485, 第4段階 0.9, 第5段階 1.  Boundary of steps 1 and 4
    (年金収入等, at or below): 809,000円 in FY2025, 826,500円 from FY2026 (令和7年政令第394号;
    a secondary source, marked unverified in the core); step 2 up to 1,200,000円.
  Light vehicle tax (那珂市: the core's defaults = the standard rates; 五霞町: its own table,
    the same figures): 乗用自家用 旧税率 7,200 / 標準 10,800 / 経年重課 12,900 / 75% 2,700;
    乗用営業用 5,500 / 6,900 / 8,200 / 75% 1,800 / 50% 3,500 / 25% 5,200; 三輪 3,100 / 3,900 /
    4,600 / 1,000 / 2,000 / 3,000; 貨物自家用 4,000 / 5,000 / 6,000 / 1,300.  The heavier rate
    applies when fiscal_year(初度検査年月) < fiscal_year(as of) − 13 (FY2026: first inspected in
    FY2012 = 平成24年度 or earlier), and only to ガソリン等: not to 電気, 燃料電池, 天然ガス,
    メタノール, 混合メタノール, ハイブリッド nor 被けん引車.  旧税率 if first inspected before
    2015-04-01, else 標準.  Green reduction (the year after a new car's first registration): 75%
    (電気等) every class; 50% (燃費90) and 25% (燃費70) for 乗用営業用 and 三輪 only; from FY2026
    no 25% row.  小型特殊 農耕作業用 2,000 (the standard; earlier editions said 2,400).
  Fixed-asset instalments (那珂市: 4 due days): each later instalment = the annual tax ÷ 4,
    floored to the town's unit (default 1,000円, 地方税法第20条の4の2第6項); the first takes
    the rest.

Note: a hybrid first inspected in 2012 pays the OLD rate 7,200円 in FY2026 (it is exempt from
the heavier rate, and was first inspected before 2015-04-01), not 10,800円 as FACTS.md §3 says:
10,800円 is the rate of cars first inspected from 2015-04-01.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import ROOT, assert_known_answer

import paramcfg
from paramcfg.engine import check_profile_text

D = dt.date
FY2024 = D(2024, 6, 1)
FY2025 = D(2025, 6, 1)
FY2026 = D(2026, 6, 1)
TOWNS = ("naka", "goka")

LTC, STEP = "介護.年額", "介護.段階"
MOTO, CAR, CATEGORY = "軽自動車税.二輪等税額", "軽自動車税.三輪四輪税額", "軽自動車税.三輪四輪税率区分"
FIRST, LATER = "固定資産税.第1期額", "固定資産税.第2期以降の各期額"
UNIT = "固定資産税.各期の端数単位"


def elder(pension, *, household_taxed=True):
    """本人非課税, no welfare: the step follows 年金収入等 and whether the household is taxed."""
    return {"介護.生活保護等": False, "介護.世帯課税": household_taxed, "介護.本人課税": False,
            "介護.年金収入等": pension, "介護.合計所得金額": 0}


def car(kind, first_inspection, *, source="ガソリン等", green="該当なし"):
    return {"軽四輪.車種": kind, "軽四輪.初度検査年月": first_inspection,
            "軽四輪.動力源": source, "軽四輪.グリーン化区分": green}


def case(ident, town, rule, expected, *, on=FY2026, inputs=None, args=()):
    return pytest.param(town, rule, on, inputs or {}, args, expected, id=ident)


CASES = [
    # ==== 介護保険料: the step-1/step-4 boundary ==============================================
    # FY2026, household taxed, 826,500 ≤ 826,500 → 第4段階: 63,360 × 0.9 = 57,024.0 → 57,024.
    case("naka-ltc-fy2026-step4-at", "naka", LTC, 57_024, inputs=elder(826_500)),
    case("naka-ltc-fy2026-step4-at-step", "naka", STEP, 4, inputs=elder(826_500)),
    # 826,501 > 826,500 → 第5段階: 63,360 × 1 = 63,360.
    case("naka-ltc-fy2026-step5-plus1", "naka", LTC, 63_360, inputs=elder(826_501)),
    case("naka-ltc-fy2026-step5-plus1-step", "naka", STEP, 5, inputs=elder(826_501)),
    # 826,499 → 第4段階 → 57,024.
    case("naka-ltc-fy2026-step4-minus1", "naka", LTC, 57_024, inputs=elder(826_499)),
    # Household not taxed, 826,500 → 第1段階: 63,360 × 0.285 = 18,057.6 → 18,057.
    case("naka-ltc-fy2026-step1-at", "naka", LTC, 18_057,
         inputs=elder(826_500, household_taxed=False)),
    # 826,501 → 第2段階 (≤ 1,200,000): 63,360 × 0.485 = 30,729.6 → 30,729.
    case("naka-ltc-fy2026-step2-plus1", "naka", LTC, 30_729,
         inputs=elder(826_501, household_taxed=False)),
    # The last day of FY2026 (2027-03-31) still uses 826,500: 826,500 → 第4段階 → 57,024.
    case("naka-ltc-fy2026-last-day", "naka", LTC, 57_024, on=D(2027, 3, 31),
         inputs=elder(826_500)),
    # FY2025 unchanged: 809,000 ≤ 809,000 → 第4段階 → 57,024; 809,001 → 第5段階 → 63,360.
    case("naka-ltc-fy2025-step4-at", "naka", LTC, 57_024, on=FY2025, inputs=elder(809_000)),
    case("naka-ltc-fy2025-step5-plus1", "naka", LTC, 63_360, on=FY2025, inputs=elder(809_001)),
    # FY2025: 826,500 > 809,000 → 第5段階 → 63,360 (the new boundary is not back-dated).
    case("naka-ltc-fy2025-new-boundary-not-yet", "naka", LTC, 63_360, on=FY2025,
         inputs=elder(826_500)),
    # 2026-03-31 is still FY2025: 809,001 → 第5段階 → 63,360.
    case("naka-ltc-fy2025-last-day", "naka", LTC, 63_360, on=D(2026, 3, 31),
         inputs=elder(809_001)),

    # ==== 軽自動車税: the 13-year heavier rate by power source =================================
    # 乗用自家用 first inspected 2012-06 → FY2012; FY2026: 2012 < 2026 − 13 = 2013.
    # Gasoline → 経年重課 12,900.
    case("naka-car-2012-gasoline", "naka", CAR, 12_900, inputs=car("乗用自家用", D(2012, 6, 1))),
    # Hybrid → not heavier; 2012-06-01 < 2015-04-01 → 旧税率 7,200 (not 12,900).
    case("naka-car-2012-hybrid", "naka", CAR, 7_200,
         inputs=car("乗用自家用", D(2012, 6, 1), source="ハイブリッド")),
    case("naka-car-2012-hybrid-category", "naka", CATEGORY, "旧税率",
         inputs=car("乗用自家用", D(2012, 6, 1), source="ハイブリッド")),
    case("naka-car-2012-gasoline-category", "naka", CATEGORY, "経年重課",
         inputs=car("乗用自家用", D(2012, 6, 1))),
    # The same hybrid in FY2024 (2012 < 2011 false) was 旧税率 7,200 already.
    case("naka-car-2012-hybrid-fy2024", "naka", CAR, 7_200, on=FY2024,
         inputs=car("乗用自家用", D(2012, 6, 1), source="ハイブリッド")),
    # The FY2026 edge: 2013-03 → FY2012 (平成24年度) → heavier 12,900; 2013-04 → FY2013 →
    # 2013 < 2013 false → 旧税率 7,200.
    case("goka-car-2013-03-heavier", "goka", CAR, 12_900, inputs=car("乗用自家用", D(2013, 3, 1))),
    case("goka-car-2013-04-old", "goka", CAR, 7_200, inputs=car("乗用自家用", D(2013, 4, 1))),
    # A trailer (被けん引車), 貨物自家用, first inspected 2000-01 → FY1999 < 2013, but trailers
    # are exempt → 旧税率 4,000 (a gasoline one: 経年重課 6,000).
    case("naka-car-trailer", "naka", CAR, 4_000,
         inputs=car("貨物自家用", D(2000, 1, 1), source="被けん引車")),
    case("naka-car-trailer-gasoline", "naka", CAR, 6_000, inputs=car("貨物自家用", D(2000, 1, 1))),
    # Exemption holds in earlier years too (a correction, not a dated change): FY2024, trailer
    # 2000-01 → 旧税率 4,000.
    case("goka-car-trailer-fy2024", "goka", CAR, 4_000, on=FY2024,
         inputs=car("貨物自家用", D(2000, 1, 1), source="被けん引車")),

    # ==== 軽自動車税: the green-reduction rows =================================================
    # 乗用営業用, gasoline meeting 燃費90, first registered new 2025-10 (FY2025) → FY2026 50%:
    # 3,500.
    case("naka-car-green50-fy2026", "naka", CAR, 3_500,
         inputs=car("乗用営業用", D(2025, 10, 1), green="燃費90")),
    case("naka-car-green50-fy2026-category", "naka", CATEGORY, "グリーン化50",
         inputs=car("乗用営業用", D(2025, 10, 1), green="燃費90")),
    # 燃費70 has no reduction in FY2026: 2025-10 ≥ 2015-04-01, not heavier → 標準 6,900.
    case("naka-car-green25-ended-fy2026", "naka", CAR, 6_900,
         inputs=car("乗用営業用", D(2025, 10, 1), green="燃費70")),
    # In FY2025 the 25% row still applied: 乗用営業用 first registered 2024-10 → 5,200.
    case("naka-car-green25-fy2025", "naka", CAR, 5_200, on=FY2025,
         inputs=car("乗用営業用", D(2024, 10, 1), green="燃費70")),
    # 三輪 (営業用乗用) 燃費90, FY2026 → 2,000 (五霞町's own table, the same figure).
    case("goka-car-3wheel-green50", "goka", CAR, 2_000,
         inputs=car("三輪", D(2025, 7, 1), green="燃費90")),
    # 乗用自家用 meeting 燃費90: no 50% row for private cars → 標準 10,800.
    case("goka-car-private-green50-none", "goka", CAR, 10_800,
         inputs=car("乗用自家用", D(2025, 7, 1), source="ハイブリッド", green="燃費90")),
    # Electric 乗用自家用 (電気等), FY2026 → 75%: 2,700.
    case("naka-car-electric-green75", "naka", CAR, 2_700,
         inputs=car("乗用自家用", D(2025, 5, 1), source="電気", green="電気等")),

    # ==== 軽自動車税: 小型特殊 農耕作業用 2,000円 ===============================================
    # 那珂市: the core's default (= the standard) 2,000, in FY2026 and (a correction) FY2024.
    case("naka-moto-farm-fy2026", "naka", MOTO, 2_000, args=("小型特殊農耕作業用",)),
    case("naka-moto-farm-fy2024", "naka", MOTO, 2_000, on=FY2024, args=("小型特殊農耕作業用",)),
    # 五霞町's own table (corrected to 2,000 with the standard).
    case("goka-moto-farm", "goka", MOTO, 2_000, args=("小型特殊農耕作業用",)),

    # ==== 固定資産税: the instalments with the default unit (1,000円) ============================
    # 122,700 ÷ 4 = 30,675 → 30,000; first = 122,700 − 3 × 30,000 = 32,700 (as in FY2024).
    case("naka-fat-later-default", "naka", LATER, 30_000, args=(122_700,)),
    case("naka-fat-first-default", "naka", FIRST, 32_700, args=(122_700,)),
    # 3,999 ÷ 4 = 999.75 → 0; the whole 3,999 is the first instalment.
    case("naka-fat-first-small", "naka", FIRST, 3_999, args=(3_999,)),
]


@pytest.mark.parametrize(("town", "rule", "on", "inputs", "args", "expected"), CASES)
def test_known_answer(tenants, town, rule, on, inputs, args, expected):
    assert_known_answer(tenants[town], rule, on, inputs, args, expected)


# Every power source the heavier rate does not apply to: 貨物自家用 first inspected 2005-06
# (FY2005 < 2013) pays 旧税率 4,000 in FY2026; only ガソリン等 pays 経年重課 6,000.
@pytest.mark.parametrize(("source", "expected"), [
    ("ガソリン等", 6_000), ("電気", 4_000), ("燃料電池", 4_000), ("天然ガス", 4_000),
    ("メタノール", 4_000), ("混合メタノール", 4_000), ("ハイブリッド", 4_000),
    ("被けん引車", 4_000)])
def test_heavier_rate_by_power_source(tenants, source, expected):
    inputs = car("貨物自家用", D(2005, 6, 1), source=source)
    assert_known_answer(tenants["naka"], CAR, FY2026, inputs, (), expected)


# ---- the town's instalment unit ---------------------------------------------------------------


def with_unit(text: str, unit: str) -> str:
    """那珂市's profile with 固定資産税.各期の端数単位 set from 2026-04-01 (in that block if the
    profile already has one: it is the last block)."""
    if "\nfrom 2026-04-01\n" not in text:
        text = text.rstrip("\n") + "\n\nfrom 2026-04-01\n"
    return text.rstrip("\n") + f"\n  {UNIT} = {unit}\n"


@pytest.fixture(scope="module")
def naka_text():
    return (ROOT / "tenant_profiles" / "naka.pcfg").read_text(encoding="utf-8")


# 那珂市, 4 instalments, annual tax 122,700:
#   unit 100円: 122,700 ÷ 4 = 30,675 → 30,600; first = 122,700 − 3 × 30,600 = 30,900
#   unit 10円:  30,675 → 30,670; first = 122,700 − 92,010 = 30,690
#   unit 1円:   30,675 → 30,675; first = 122,700 − 92,025 = 30,675
#   unit 500円: 30,675 → 30,500; first = 122,700 − 91,500 = 31,200
# annual tax 350, unit 100円: 350 ÷ 4 = 87.5 → 0; first = 350.
@pytest.mark.parametrize(("unit", "tax", "later", "first"), [
    ("100円", 122_700, 30_600, 30_900),
    ("10円", 122_700, 30_670, 30_690),
    ("1円", 122_700, 30_675, 30_675),
    ("500円", 122_700, 30_500, 31_200),
    ("100円", 350, 0, 350),
])
def test_instalments_with_the_towns_unit(core, naka_text, unit, tax, later, first):
    town = paramcfg.load_tenant_text(with_unit(naka_text, unit), core)
    assert_known_answer(town, LATER, FY2026, {}, (tax,), later)
    assert_known_answer(town, FIRST, FY2026, {}, (tax,), first)
    # Before the town's new block the default 1,000円 still holds: 30,000 and 32,700.
    if tax == 122_700:
        assert_known_answer(town, LATER, FY2025, {}, (tax,), 30_000)
        assert_known_answer(town, FIRST, FY2025, {}, (tax,), 32_700)


def test_instalment_unit_default_is_1000_yen(tenants):
    assert tenants["naka"].parameters(FY2026)[UNIT] == 1_000
    assert tenants["goka"].parameters(FY2024)[UNIT] == 1_000


@pytest.mark.parametrize("unit", ["0円", "1,001円"])
def test_instalment_unit_outside_its_limits_is_an_error(core, naka_text, unit):
    # At least 1円 (a unit of 0 cannot divide); at most 1,000円 (the package's limit).
    result = check_profile_text(with_unit(naka_text, unit), core)
    assert not result.ok
    assert any(UNIT in d.message() for d in result.diagnostics)


# ---- the corrected 農耕作業用 standard caps the town's rate at 1.5 × 2,000 = 3,000 -----------


def _farm_rate(text: str, amount: str) -> str:
    row = "    | 小型特殊農耕作業用 | 2,000円 |"
    assert text.count(row) == 1
    return text.replace(row, f"    | 小型特殊農耕作業用 | {amount} |")


@pytest.mark.parametrize(("amount", "ok"), [("3,000円", True), ("3,001円", False)])
def test_farm_vehicle_rate_cap(core, amount, ok):
    # 五霞町 writes its own table; 1.5 × 2,000 = 3,000 is the highest it may set (the cap
    # itself is marked unverified in the core).
    text = (ROOT / "tenant_profiles" / "goka.pcfg").read_text(encoding="utf-8")
    result = check_profile_text(_farm_rate(text, amount), core)
    assert result.ok is ok
    if not ok:
        assert any(d.code == "PC0303" for d in result.diagnostics)
