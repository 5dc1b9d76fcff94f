"""Known answers: every sample rule for all four towns, worked out by hand.

Each expected value is computed by hand from the law (FACTS.md, the core's fixed parameters)
and the town's figures in its profile (tenant_profiles/*.pcfg); the working is in the comment
above each case.  The library is never used to compute an expected value.  Each case is checked
with the compiled rules (``evaluate``) and with the reference interpreter (``interpret``).

Towns (profiles effective from 2024-04-01; かすみがうら市 from 2023-04-01):
  hitachiomiya 常陸大宮市  多子軽減 = 制限なし; own 235,000円 breakpoint; rates = core defaults
  naka         那珂市      多子軽減 = 国の基準; levies 都市計画税 at 0.3%
  kasumigaura  かすみがうら市  国の基準 (茨城県第3子 from 2026-04-01); a new (lower) fee table from 2025-04-01
  goka         五霞町      国の基準 until 2025-03-31, 制限なし from 2025-04-01; own rate tables
Every town: 固定資産税.税率 1.4%, four instalments, light vehicle rates = the standard rates.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import ROOT, assert_known_answer

import paramcfg

FY2024 = dt.date(2024, 6, 1)  # fiscal year 2024 (令和6年度)
FY2025 = dt.date(2025, 6, 1)  # fiscal year 2025 (令和7年度)
TOWNS = ("hitachiomiya", "naka", "kasumigaura", "goka")

FEE = "保育料.月額計算"
MOTO = "軽自動車税.二輪等税額"
CAR = "軽自動車税.三輪四輪税額"
FAT = "固定資産税.年税額"
CPT = "都市計画税.年税額"
FIRST = "固定資産税.第1期額"
LATER = "固定資産税.第2期以降の各期額"

# A variant of 那珂市 whose lowest 3号 fees are not multiples of 20円, so that a half fee
# actually loses its odd 5円 to the 10円 floor (every shipped fee is a multiple of 100円, whose
# half is always a multiple of 10円).  8,990 and 8,770 stay below the ceiling (19,500/19,300)
# and below the next row (16,000/15,700), so the variant is a valid profile.
NAKA_ROW = "| < 48,600円              |  9,000円 |    8,800円 |"
ODD_ROW = "| < 48,600円              |  8,990円 |    8,770円 |"


@pytest.fixture(scope="module")
def tenants(core):
    loaded = {town: paramcfg.load_tenant(ROOT / "tenant_profiles" / f"{town}.pcfg", core)
              for town in TOWNS}
    text = (ROOT / "tenant_profiles" / "naka.pcfg").read_text(encoding="utf-8")
    assert text.count(NAKA_ROW) == 1
    loaded["naka-odd"] = paramcfg.load_tenant_text(text.replace(NAKA_ROW, ODD_ROW), core,
                                                   "naka-odd.pcfg")
    return loaded


def child(income, cert="3号", hours="標準", *, welfare=False, exempt=False, preschool=1,
          siblings=1):
    """Inputs of 保育料.月額計算: ``preschool`` counts from the eldest preschool sibling,
    ``siblings`` from the eldest sibling of any age."""
    return {"所得割額": income, "認定": cert, "時間": hours, "生活保護世帯": welfare,
            "非課税世帯": exempt, "多子順位.未就学児": preschool, "多子順位.全兄弟": siblings}


def car(kind, first_inspection, *, source="ガソリン等", green="該当なし"):
    """Inputs of 軽自動車税.三輪四輪税額: the class, the first inspection, the power source
    (動力源区分) and the green-reduction criterion the vehicle meets (グリーン化区分)."""
    return {"軽四輪.車種": kind, "軽四輪.初度検査年月": first_inspection,
            "軽四輪.動力源": source, "軽四輪.グリーン化区分": green}


def case(ident, town, rule, expected, *, on=FY2024, inputs=None, args=()):
    return pytest.param(town, rule, on, inputs or {}, args, expected, id=ident)


D = dt.date

CASES = [
    # ---- 保育料.月額計算 (childcare monthly fee) -----------------------------------------------
    # 常陸大宮市 (制限なし).
    # 30,000 < 48,600 → row "< 48,600円", 3号 標準 = 5,800; first child → 5,800.
    case("hitachiomiya-fee-tier3", "hitachiomiya", FEE, 5_800, inputs=child(30_000)),
    # 生活保護 → tier 1, free whatever the table says → 0.
    case("hitachiomiya-fee-welfare", "hitachiomiya", FEE, 0, inputs=child(0, welfare=True)),
    # 非課税 → tier 2, free since 2019-10 → 0 (the table would say 5,700).
    case("hitachiomiya-fee-nontaxed", "hitachiomiya", FEE, 0,
         inputs=child(0, hours="短時間", exempt=True)),
    # 234,999 < 235,000 (the city's own breakpoint) → row "< 235,000円", 3号 標準 = 24,400.
    case("hitachiomiya-fee-234999", "hitachiomiya", FEE, 24_400, inputs=child(234_999)),
    # 235,000 is the first yen of row "< 301,000円" → 3号 標準 = 30,500.
    case("hitachiomiya-fee-235000", "hitachiomiya", FEE, 30_500, inputs=child(235_000)),
    # 397,000 → row ">= 397,000円", 3号 短時間 = 51,100.
    case("hitachiomiya-fee-top", "hitachiomiya", FEE, 51_100,
         inputs=child(397_000, hours="短時間")),
    # 制限なし: count siblings of any age → 2nd child although the first preschool child.
    # 300,000 → row "< 301,000円" 30,500; half = 15,250; floor to 10 = 15,250.
    case("hitachiomiya-fee-2nd-any-age", "hitachiomiya", FEE, 15_250,
         inputs=child(300_000, preschool=1, siblings=2)),
    # 制限なし, 3rd of all siblings (income 500,000, no income condition) → free → 0.
    case("hitachiomiya-fee-3rd-any-age", "hitachiomiya", FEE, 0,
         inputs=child(500_000, hours="短時間", preschool=1, siblings=3)),
    # 2号 (aged 3-5) free since 2019-10 → 0 (the table would say 49,500).
    case("hitachiomiya-fee-2go", "hitachiomiya", FEE, 0, inputs=child(500_000, cert="2号")),
    # 那珂市 (国の基準).
    # 96,999 → row "48,600円 ..< 97,000円", 3号 標準 = 16,000.
    case("naka-fee-96999", "naka", FEE, 16_000, inputs=child(96_999)),
    # 97,000 → row "97,000円 ..< 133,000円", 3号 標準 = 22,000.
    case("naka-fee-97000", "naka", FEE, 22_000, inputs=child(97_000)),
    # 国の基準, 57,699 < 57,700 → count siblings of any age → 2nd child;
    # row "48,600円 ..< 97,000円" 16,000; half = 8,000.
    case("naka-fee-57699-2nd", "naka", FEE, 8_000, inputs=child(57_699, preschool=1, siblings=2)),
    # 国の基準, 57,700 is not < 57,700 → count preschool siblings only → 1st child → 16,000.
    case("naka-fee-57700-1st", "naka", FEE, 16_000, inputs=child(57_700, preschool=1, siblings=2)),
    # 国の基準, 2nd preschool child; 200,000 → row "169,000円 ..< 235,000円",
    # 3号 短時間 = 32,400; half = 16,200.
    case("naka-fee-2nd-preschool", "naka", FEE, 16_200,
         inputs=child(200_000, hours="短時間", preschool=2, siblings=2)),
    # 国の基準, 3rd preschool child → free → 0.
    case("naka-fee-3rd-preschool", "naka", FEE, 0, inputs=child(400_000, preschool=3, siblings=3)),
    # 所得割額 0 but not 非課税 (均等割 only) → row "< 48,600円", 3号 短時間 = 8,800.
    case("naka-fee-zero-income", "naka", FEE, 8_800, inputs=child(0, hours="短時間")),
    # 那珂市 variant (see ODD_ROW): 10,000 → row "< 48,600円" 3号 標準 8,990; 2nd preschool
    # child → 8,990 / 2 = 4,495; floor to 10 = 4,490.
    case("naka-odd-half-floor-10", "naka-odd", FEE, 4_490,
         inputs=child(10_000, preschool=2, siblings=2)),
    # 10,000 < 57,700 → siblings of any age count → 2nd; 3号 短時間 8,770 / 2 = 4,385;
    # floor to 10 = 4,380.
    case("naka-odd-half-floor-10-short", "naka-odd", FEE, 4_380,
         inputs=child(10_000, hours="短時間", preschool=1, siblings=2)),
    # かすみがうら市 (国の基準; 2025-04-01 new table).
    # 48,599 → row "< 48,600円", 3号 標準 = 8,000.
    case("kasumigaura-fee-48599", "kasumigaura", FEE, 8_000, inputs=child(48_599)),
    # 48,600 → row "< 58,000円", 3号 標準 = 11,000.
    case("kasumigaura-fee-48600", "kasumigaura", FEE, 11_000, inputs=child(48_600)),
    # FY2024 table: 100,000 → row "< 133,000円", 3号 標準 = 21,000.
    case("kasumigaura-fee-2024", "kasumigaura", FEE, 21_000, inputs=child(100_000)),
    # 2025-03-31 is still under the 2024-04-01 block → 21,000.
    case("kasumigaura-fee-2025-03-31", "kasumigaura", FEE, 21_000, on=D(2025, 3, 31),
         inputs=child(100_000)),
    # 2025-04-01 block: 100,000 → row "< 133,000円", 3号 標準 = 18,900.
    case("kasumigaura-fee-2025-04-01", "kasumigaura", FEE, 18_900, on=D(2025, 4, 1),
         inputs=child(100_000)),
    # FY2025, 国の基準, 50,000 < 57,700 → siblings of any age → 2nd child;
    # 2025 row "< 58,000円" 3号 短時間 = 9,700; half = 4,850.
    case("kasumigaura-fee-2025-2nd", "kasumigaura", FEE, 4_850, on=FY2025,
         inputs=child(50_000, hours="短時間", preschool=1, siblings=2)),
    # FY2025: 397,000 → row ">= 397,000円", 3号 短時間 = 47,700.
    case("kasumigaura-fee-2025-top", "kasumigaura", FEE, 47_700, on=FY2025,
         inputs=child(397_000, hours="短時間")),
    # FY2025, 非課税 → 0.
    case("kasumigaura-fee-2025-nontaxed", "kasumigaura", FEE, 0, on=FY2025,
         inputs=child(0, exempt=True)),
    # 五霞町 (国の基準 in FY2024, 制限なし from 2025-04-01).
    # FY2024, 国の基準, 100,000 ≥ 57,700 → preschool count → 1st child;
    # row "48,600円 ..< 169,000円", 3号 標準 = 29,500.
    case("goka-fee-2024-1st", "goka", FEE, 29_500, inputs=child(100_000, preschool=1, siblings=3)),
    # FY2025, 制限なし → siblings of any age → 3rd child → free → 0.
    case("goka-fee-2025-3rd", "goka", FEE, 0, on=D(2025, 4, 1),
         inputs=child(100_000, preschool=1, siblings=3)),
    # FY2025, 制限なし → 2nd child; 29,500 / 2 = 14,750.
    case("goka-fee-2025-2nd", "goka", FEE, 14_750, on=FY2025,
         inputs=child(100_000, preschool=1, siblings=2)),
    # 300,999 → row "169,000円 ..< 301,000円", 3号 短時間 = 34,400.
    case("goka-fee-300999", "goka", FEE, 34_400, inputs=child(300_999, hours="短時間")),
    # 301,000 → row ">= 301,000円", 3号 短時間 = 49,200.
    case("goka-fee-301000", "goka", FEE, 49_200, inputs=child(301_000, hours="短時間")),
    # 生活保護 → 0.
    case("goka-fee-welfare", "goka", FEE, 0, inputs=child(500_000, welfare=True)),
    # ---- 軽自動車税.二輪等税額 (two-wheelers etc.) ------------------------------------------------
    # 五霞町's own table (= the standard rates): 原付50cc以下 2,000.
    case("goka-moto-50cc", "goka", MOTO, 2_000, args=("原付50cc以下",)),
    # 五霞町: 原付125cc以下 2,400.
    case("goka-moto-125cc", "goka", MOTO, 2_400, args=("原付125cc以下",)),
    # Core default (= standard, 地方税法第463条の15第1項): 軽二輪 3,600.
    case("hitachiomiya-moto-250cc", "hitachiomiya", MOTO, 3_600, args=("軽二輪",)),
    # Core default: 雪上車 3,000.
    case("hitachiomiya-moto-snow", "hitachiomiya", MOTO, 3_000, args=("雪上車",)),
    # Core default: 小型二輪 (over 250cc) 6,000.
    case("kasumigaura-moto-over250", "kasumigaura", MOTO, 6_000, args=("小型二輪",)),
    # Core default: ミニカー 3,700.
    case("naka-moto-minicar", "naka", MOTO, 3_700, args=("ミニカー",)),
    # Core default: 小型特殊その他 5,900.
    case("naka-moto-special", "naka", MOTO, 5_900, args=("小型特殊その他",)),
    # ---- 軽自動車税.三輪四輪税額 (three- and four-wheelers) ----------------------------------------
    # Heavier rate when fiscal_year(first inspection) < fiscal_year(as_of) - 13.
    # 2011-03 → FY2010; FY2024: 2010 < 2011 → 経年重課; 乗用自家用 12,900.
    case("naka-car-2011-03-heavier", "naka", CAR, 12_900, inputs=car("乗用自家用", D(2011, 3, 1))),
    # 2011-04 → FY2011; FY2024: 2011 < 2011 false; before 2015-04-01 → 旧税率 7,200.
    case("naka-car-2011-04-old", "naka", CAR, 7_200, inputs=car("乗用自家用", D(2011, 4, 1))),
    # as of 2025-03-31 still FY2024 → not heavier → 旧税率 7,200.
    case("naka-car-2011-04-fy2024-end", "naka", CAR, 7_200, on=D(2025, 3, 31),
         inputs=car("乗用自家用", D(2011, 4, 1))),
    # as of 2025-04-01 → FY2025: 2011 < 2012 → 経年重課 12,900.
    case("naka-car-2011-04-fy2025", "naka", CAR, 12_900, on=D(2025, 4, 1),
         inputs=car("乗用自家用", D(2011, 4, 1))),
    # The green reduction wins over the heavier rate: an electric 乗用自家用 meeting the
    # 75% criterion (電気等 gives every class a reduction in FY2024) → グリーン化 2,700.
    case("naka-car-green-beats-heavier", "naka", CAR, 2_700,
         inputs=car("乗用自家用", D(2005, 1, 1), source="電気", green="電気等")),
    # 2011-03-31 → FY2010 < 2011 → 経年重課; 貨物自家用 6,000.
    case("goka-car-2011-03-31-heavier", "goka", CAR, 6_000, on=D(2024, 4, 1),
         inputs=car("貨物自家用", D(2011, 3, 31))),
    # 2011-04-01 → FY2011, not heavier in FY2024; before 2015-04-01 → 旧税率 4,000.
    case("goka-car-2011-04-01-old", "goka", CAR, 4_000, on=D(2024, 4, 1),
         inputs=car("貨物自家用", D(2011, 4, 1))),
    # 2020-07 → FY2020, not heavier; on/after 2015-04-01 → 標準 5,000.
    case("goka-car-standard", "goka", CAR, 5_000, inputs=car("貨物自家用", D(2020, 7, 1))),
    # 貨物営業用, electric, 75% criterion (FY2024: every class) → グリーン化 1,000.
    case("goka-car-green-cargo", "goka", CAR, 1_000,
         inputs=car("貨物営業用", D(2023, 5, 1), source="電気", green="電気等")),
    # 三輪 2015-03-31 → FY2014, not heavier; before 2015-04-01 → 旧税率 3,100.
    case("hitachiomiya-car-2015-03-31-old", "hitachiomiya", CAR, 3_100,
         inputs=car("三輪", D(2015, 3, 31))),
    # 三輪 2015-04-01 → not before 2015-04-01 → 標準 3,900.
    case("hitachiomiya-car-2015-04-01-standard", "hitachiomiya", CAR, 3_900,
         inputs=car("三輪", D(2015, 4, 1))),
    # 貨物営業用 2005-06 → FY2005 < 2011 → 経年重課 4,500.
    case("hitachiomiya-car-heavier-cargo", "hitachiomiya", CAR, 4_500,
         inputs=car("貨物営業用", D(2005, 6, 1))),
    # 乗用自家用 2019-01 → FY2018, not heavier; after 2015-04-01 → 標準 10,800.
    case("hitachiomiya-car-standard", "hitachiomiya", CAR, 10_800,
         inputs=car("乗用自家用", D(2019, 1, 15))),
    # 乗用営業用 2016-05 → 標準 6,900.
    case("kasumigaura-car-standard", "kasumigaura", CAR, 6_900, inputs=car("乗用営業用", D(2016, 5, 1))),
    # 乗用営業用, natural gas, 75% criterion → グリーン化 1,800.
    case("kasumigaura-car-green", "kasumigaura", CAR, 1_800,
         inputs=car("乗用営業用", D(2023, 10, 1), source="天然ガス", green="電気等")),
    # 三輪 2010-02 → FY2009; FY2025: 2009 < 2012 → 経年重課 4,600.
    case("kasumigaura-car-heavier-3wheel", "kasumigaura", CAR, 4_600, on=FY2025,
         inputs=car("三輪", D(2010, 2, 1))),
    # ---- 固定資産税.年税額 (fixed-asset tax, 1.4% everywhere) -------------------------------------
    # 1,234,567 ≥ 300,000 → floor to 1,000 = 1,234,000; × 1.4% = 17,276; floor to 100 = 17,200.
    case("naka-fat-land", "naka", FAT, 17_200, args=("土地", 1_234_567)),
    # Same in FY2025 (那珂市's 2025 block changes only NHI caps) → 17,200.
    case("naka-fat-land-2025", "naka", FAT, 17_200, on=FY2025, args=("土地", 1_234_567)),
    # Land exactly at the threshold 300,000 → taxed: 300,000 × 1.4% = 4,200.
    case("naka-fat-land-300000", "naka", FAT, 4_200, args=("土地", 300_000)),
    # Land 299,999 < 300,000 → exempt → 0.
    case("naka-fat-land-299999", "naka", FAT, 0, args=("土地", 299_999)),
    # Land 300,999 → floor to 1,000 = 300,000; × 1.4% = 4,200.
    case("goka-fat-land-300999", "goka", FAT, 4_200, args=("土地", 300_999)),
    # Building exactly 200,000 → 200,000 × 1.4% = 2,800.
    case("goka-fat-building-200000", "goka", FAT, 2_800, args=("家屋", 200_000)),
    # Building 199,999 < 200,000 → exempt → 0.
    case("goka-fat-building-199999", "goka", FAT, 0, args=("家屋", 199_999)),
    # Depreciable assets exactly 1,500,000 → 1,500,000 × 1.4% = 21,000.
    case("kasumigaura-fat-asset-1500000", "kasumigaura", FAT, 21_000, args=("償却資産", 1_500_000)),
    # Depreciable assets 1,499,999 < 1,500,000 → exempt → 0.
    case("kasumigaura-fat-asset-1499999", "kasumigaura", FAT, 0, args=("償却資産", 1_499_999)),
    # 12,345,678 → 12,345,000; × 1.4% = 172,830; floor to 100 = 172,800.
    case("hitachiomiya-fat-building", "hitachiomiya", FAT, 172_800, args=("家屋", 12_345_678)),
    # 2,345,999 → 2,345,000; × 1.4% = 32,830; floor to 100 = 32,800.
    case("hitachiomiya-fat-asset", "hitachiomiya", FAT, 32_800, args=("償却資産", 2_345_999)),
    # ---- 都市計画税.年税額 (city-planning tax; only 那珂市 levies it, at 0.3%) -------------------
    # 1,234,567 → 1,234,000; × 0.3% = 3,702; floor to 100 = 3,700.
    case("naka-cpt-land", "naka", CPT, 3_700, args=("土地", 1_234_567, 1_234_567, True)),
    # Land exactly 300,000 → 300,000 × 0.3% = 900.
    case("naka-cpt-land-300000", "naka", CPT, 900, args=("土地", 300_000, 300_000, True)),
    # Land 299,999: fixed-asset tax exempt → no city-planning tax → 0.
    case("naka-cpt-land-299999", "naka", CPT, 0, args=("土地", 299_999, 299_999, True)),
    # Building exactly 200,000 → 200,000 × 0.3% = 600.
    case("naka-cpt-building-200000", "naka", CPT, 600, args=("家屋", 200_000, 200_000, True)),
    # Building 199,999 → exempt → 0.
    case("naka-cpt-building-199999", "naka", CPT, 0, args=("家屋", 199_999, 199_999, True)),
    # 12,345,678 → 12,345,000; × 0.3% = 37,035; floor to 100 = 37,000.
    case("naka-cpt-building", "naka", CPT, 37_000, args=("家屋", 12_345_678, 12_345_678, True)),
    # Outside the urbanisation area → 0.
    case("naka-cpt-outside", "naka", CPT, 0, args=("土地", 1_234_567, 1_234_567, False)),
    # Depreciable assets are never subject → 0.
    # Housing land (住宅用地): the fixed-asset base is 1/6 of the value and the city-planning base
    # 1/3. Value 1,500,000 → fixed-asset base 250,000 < 300,000: no fixed-asset tax, so no
    # city-planning tax either, although its own base (500,000) is above the threshold.
    case("naka-cpt-housing-land-exempt", "naka", CPT, 0, args=("土地", 500_000, 250_000, True)),
    # Value 3,000,000 → bases 500,000 (fixed-asset) and 1,000,000 (city-planning):
    # 1,000,000 × 0.3% = 3,000.
    case("naka-cpt-housing-land", "naka", CPT, 3_000, args=("土地", 1_000_000, 500_000, True)),
    case("naka-cpt-asset", "naka", CPT, 0, args=("償却資産", 5_000_000, 5_000_000, True)),
    # The other towns do not levy it (都市計画税.課税 default false) → 0.
    case("goka-cpt-not-levied", "goka", CPT, 0, args=("土地", 1_234_567, 1_234_567, True)),
    case("hitachiomiya-cpt-not-levied", "hitachiomiya", CPT, 0,
         args=("家屋", 12_345_678, 12_345_678, True)),
    case("kasumigaura-cpt-not-levied", "kasumigaura", CPT, 0, args=("土地", 1_234_567, 1_234_567, True)),
]

# Instalments: four in every town (五霞町 starts in May, still four).  Later instalments are
# floor(annual / 4, 1,000); the first takes the remainder: annual - 3 × later.
# Each entry gives the town, the annual amount, the first and each later instalment.
INSTALMENTS = [
    # 172,800 / 4 = 43,200 → 43,000; first = 172,800 - 129,000 = 43,800.
    pytest.param("hitachiomiya", 172_800, 43_800, 43_000, id="hitachiomiya-172800"),
    # 17,200 / 4 = 4,300 → 4,000; first = 17,200 - 12,000 = 5,200.
    pytest.param("naka", 17_200, 5_200, 4_000, id="naka-17200"),
    # 32,800 / 4 = 8,200 → 8,000; first = 32,800 - 24,000 = 8,800.
    pytest.param("naka", 32_800, 8_800, 8_000, id="naka-32800"),
    # Under 4,000: 3,700 / 4 = 925 → 0; first = 3,700 - 0 = 3,700 (all in the first).
    pytest.param("goka", 3_700, 3_700, 0, id="goka-3700"),
    # Exactly 4,000: 4,000 / 4 = 1,000 → 1,000; first = 4,000 - 3,000 = 1,000.
    pytest.param("goka", 4_000, 1_000, 1_000, id="goka-4000"),
    # 4,200 / 4 = 1,050 → 1,000; first = 4,200 - 3,000 = 1,200.
    pytest.param("kasumigaura", 4_200, 1_200, 1_000, id="kasumigaura-4200"),
]

CASES += [
    case(f"{p.id}-{part}", p.values[0], rule, p.values[n], args=(p.values[1],))
    for p in INSTALMENTS
    for part, rule, n in (("first", FIRST, 2), ("later", LATER, 3))
]


def test_every_town_and_rule_is_covered():
    towns = {p.values[0] for p in CASES}
    rules = {p.values[1] for p in CASES}
    assert set(TOWNS) <= towns
    assert rules == {FEE, MOTO, CAR, FAT, CPT, FIRST, LATER}
    assert len(CASES) >= 40


@pytest.mark.parametrize(("town", "rule", "on", "inputs", "args", "expected"), CASES)
def test_known_answer(tenants, town, rule, on, inputs, args, expected):
    assert_known_answer(tenants[town], rule, on, inputs, args, expected)


@pytest.mark.parametrize(("town", "annual", "first", "later"), INSTALMENTS)
def test_instalments_add_up(tenants, town, annual, first, later):
    tenant = tenants[town]
    n = 4  # every sample profile has four due dates
    assert len(tenant.parameters(FY2024)["固定資産税.納期限"]) == n
    got_first = tenant.evaluate(FIRST, {}, FY2024, (annual,))
    got_later = tenant.evaluate(LATER, {}, FY2024, (annual,))
    assert (got_first, got_later) == (first, later)
    assert got_first + (n - 1) * got_later == annual
    assert got_later % 1_000 == 0
    assert got_first >= got_later


# ---- evaluation errors -------------------------------------------------------------------------

METHODS = ("evaluate", "interpret")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("missing", ["所得割額", "多子順位.全兄弟"])
def test_missing_input_is_an_error_naming_it(tenants, method, missing):
    # 57,000 < 57,700 under 国の基準: both inputs are needed on the way to the answer.
    inputs = child(57_000, siblings=2)
    del inputs[missing]
    with pytest.raises(paramcfg.EvaluationError) as info:
        getattr(tenants["naka"], method)(FEE, inputs, FY2024)
    assert info.value.name == missing
    assert missing in str(info.value)


@pytest.mark.parametrize("method", METHODS)
def test_missing_vehicle_input_is_an_error_naming_it(tenants, method):
    inputs = car("乗用自家用", D(2011, 3, 1))
    del inputs["軽四輪.初度検査年月"]
    with pytest.raises(paramcfg.EvaluationError) as info:
        getattr(tenants["goka"], method)(CAR, inputs, FY2024)
    assert info.value.name == "軽四輪.初度検査年月"
    assert "軽四輪.初度検査年月" in str(info.value)


@pytest.mark.parametrize("method", METHODS)
def test_float_input_is_an_error(tenants, method):
    with pytest.raises(paramcfg.EvaluationError, match="所得割額"):
        getattr(tenants["kasumigaura"], method)(FEE, child(100000.0), FY2024)


@pytest.mark.parametrize("method", METHODS)
def test_float_argument_is_an_error(tenants, method):
    with pytest.raises(paramcfg.EvaluationError):
        getattr(tenants["naka"], method)(FAT, {}, FY2024, ("土地", 100000.0))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("town", TOWNS)
def test_date_before_first_effective_date_is_an_error(tenants, method, town):
    # Every sample profile starts on 2024-04-01, but かすみがうら市 on 2023-04-01 (its FY2023
    # NHI rates are known).
    first = D(2023, 4, 1) if town == "kasumigaura" else D(2024, 4, 1)
    with pytest.raises(paramcfg.EvaluationError, match=first.isoformat()):
        getattr(tenants[town], method)(FEE, child(100_000), first - dt.timedelta(days=1))


# ---- explain -----------------------------------------------------------------------------------


def _steps(step):
    yield step
    for c in step.children:
        yield from _steps(c)


def test_explain_points_at_the_profile_row(tenants):
    # 那珂市, 57,699 < 57,700 → 2nd child: row "48,600円 ..< 97,000円" 3号 標準 16,000 → 8,000.
    path = ROOT / "tenant_profiles" / "naka.pcfg"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines, start=1)
               if line.strip().startswith("| 48,600円 ..< 97,000円"))
    tree = tenants["naka"].explain(FEE, child(57_699, siblings=2), FY2024)
    assert tree.kind == "rule"
    assert tree.value == 8_000
    lookups = [s for s in _steps(tree) if s.kind == "lookup" and s.name == "保育料.月額"]
    assert len(lookups) == 1
    lookup = lookups[0]
    assert lookup.value == 16_000
    assert lookup.span is not None
    assert lookup.span.file.endswith("naka.pcfg")
    assert lookup.span.line == row
    assert "16,000円" in lines[row - 1]
    assert lines[row - 1][lookup.span.col - 1:].startswith("16,000円")
