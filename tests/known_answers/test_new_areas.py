"""Known answers for the four areas added in core 2026.5 (issue 17, item 3): 法人住民税,
証明書等交付手数料, 学校給食費と就学援助, 保育の副食費と延長保育, for the four sample towns.

Every expected value is worked out by hand from the law in the core and the town's values in
its profile (the `# 計算:` comment above each case); the library never computes an expected
value.  Each case runs through the compiled rules and the reference interpreter.

Law (the core): 法人税割 standard 12.3% / 9.7% / 6.0% (business years starting to 2014-09-30 /
to 2019-09-30 / from 2019-10-01), caps 14.7% / 12.1% / 8.4%; tax base floored to 1,000円, tax
to 100円.  均等割 standard (年額, 50人以下 / 50人超): 資本金等 ≤ 1千万 50,000 / 120,000; ≤ 1億
130,000 / 150,000; ≤ 10億 160,000 / 400,000; ≤ 50億 410,000 / 1,750,000; more 410,000 /
3,000,000; no capital 50,000; × months / 12 floored to 100円; from business years starting
2015-04-01 the capital is at least 資本金 + 資本準備金.  戸籍 fees 450 / 750 / 350 / 450 / 350;
other certificates 300 by default.  School lunch: national support 5,200円 a month for public
primary schools from FY2026; aid units (R5) 学用品費 11,630 / 22,730, 通学用品費 2,270,
新入学 54,060 / 63,000, 校外活動費 1,600 / 2,310.  副食費 waived below 57,700円 (77,101円
for single parents), non-taxed, public assistance, or third and later preschool children.

The towns' values (all illustrative, from 2026-04-01; tenant_profiles/*.pcfg):
  goka 五霞町: standard corporate rates; convenience-store fees 100円 lower (住民票 200,
    戸籍全部 350, 除籍 650); fees waived for 公的年金, 生活保護, 児童扶養手当, 戦没者遺族等;
    lunch 4,800 / 5,500, the town pays the primary-school remainder; aid multiple 1.3; 副食費
    4,500; extended hours 200円 a time, 2,000円 a month at most.
  hitachiomiya 常陸大宮市: 法人税割 8.4% for business years starting 2024-04-01 … 2029-03-31,
    not for corporations with 資本金等 ≤ 100,000,000 and 法人税額 ≤ 10,000,000; lunch 5,600 /
    5,700; multiple 1.2; 副食費 4,800; extended hours 300 / 150円, caps 2,500 / 1,500円.
  kasumigaura かすみがうら市: 均等割 2,100,000 and 3,600,000 (1.2 ×) for 50人超 over 10億;
    fees waived for 公的年金 and 生活保護; lunch 4,500 / 5,300; multiple 1.5; extended hours
    100円, cap 3,000円.
  naka 那珂市: 法人税割 14.7% / 12.1% / 7.2% with no period or size limit; convenience-store
    住民票 150; fees waived for 公的年金, 生活保護, 児童扶養手当; lunch 5,200 / 6,000, the city
    pays the lower-secondary lunch; multiple 1.0; 副食費 5,000.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from helpers import assert_known_answer

D = dt.date
FY2025 = D(2025, 6, 1)
FY2026 = D(2026, 6, 1)
TOWNS = ("hitachiomiya", "naka", "kasumigaura", "goka")

CORP, CORP_RATE = "法人住民税.税額", "法人住民税.法人税割率"
CORP_INCOME, CORP_CAPITA = "法人住民税.法人税割額", "法人住民税.均等割額"
FAMILY_REGISTER, RESIDENT = "証明書.戸籍手数料額", "証明書.住民等手数料額"
LUNCH, LUNCH_FAMILY = "給食.保護者負担月額", "給食.家庭の負担月額"
NEAR_ASSISTANCE, AID = "就学援助.準要保護", "就学援助.年額"
MEAL, EXTENDED = "副食費.月額計算", "延長保育.月額"
YES, NO = True, False  # a boolean expected value


def corp(start, tax=0, capital=10_000_000, *, paid_in=None, none=False, staff=5, months=12):
    """A corporation's return: business year start, 法人税額, capital, employees, months."""
    return {"法人住民税.事業年度開始日": start, "法人住民税.法人税額": tax,
            "法人住民税.資本金等の額": capital,
            "法人住民税.資本金と資本準備金": capital if paid_in is None else paid_in,
            "法人住民税.資本金等なし": none, "法人住民税.従業者数": staff, "法人住民税.月数": months}


def family(income, base, *, welfare=False):
    """School-attendance aid: the household's income and public-assistance standard (年額)."""
    return {"就学援助.世帯の所得": income, "就学援助.生活保護基準額": base,
            "就学援助.生活保護世帯": welfare}


def child(income, *, kind="2号", welfare=False, untaxed=False, single=False, order=1):
    """A childcare household for the meal charge."""
    return {"所得割額": income, "認定": kind, "生活保護世帯": welfare, "非課税世帯": untaxed,
            "ひとり親世帯等": single, "多子順位.未就学児": order}


def case(ident, town, rule, expected, *, on=FY2026, inputs=None, args=()):
    return pytest.param(town, rule, on, inputs or {}, args, expected, id=ident)


CASES = [
    # ==== 法人住民税 ===================================================================
    # 計算: 法人税割 floor(1,234,567, 1000) = 1,234,000 × 6.0% = 74,040 → 74,000;
    #       均等割 資本金等 1千万以下・5人 50,000 × 12/12 = 50,000。合計 124,000
    case("goka-corp-small", "goka", CORP, 124_000,
         inputs=corp(D(2025, 4, 1), 1_234_567)),
    # 計算: 2019-09-30 開始は 令和元年9月以前開始 9.7%: 1,000,000 × 9.7% = 97,000
    case("goka-corp-rate-2019-09-30", "goka", CORP_INCOME, 97_000,
         inputs=corp(D(2019, 9, 30), 1_000_000)),
    # 計算: 2019-10-01 開始から 6.0%: 1,000,000 × 6% = 60,000
    case("goka-corp-rate-2019-10-01", "goka", CORP_INCOME, 60_000,
         inputs=corp(D(2019, 10, 1), 1_000_000)),
    # 計算: 2014-09-30 開始は 12.3%: 1,000,000 × 12.3% = 123,000
    case("goka-corp-rate-2014-09-30", "goka", CORP_INCOME, 123_000,
         inputs=corp(D(2014, 9, 30), 1_000_000)),
    # 計算: 2014-10-01 開始は 9.7%: 1,000,000 × 9.7% = 97,000
    case("goka-corp-rate-2014-10-01", "goka", CORP_INCOME, 97_000,
         inputs=corp(D(2014, 10, 1), 1_000_000)),
    # 計算: 課税標準 999 → 0円（1,000円未満切捨て）→ 法人税割 0円
    case("goka-corp-base-below-1000", "goka", CORP_INCOME, 0,
         inputs=corp(D(2025, 4, 1), 999)),
    # 計算: 1,234,999 → 1,234,000 × 6% = 74,040 → 100円未満切捨て 74,000
    case("goka-corp-rounding", "goka", CORP_INCOME, 74_000,
         inputs=corp(D(2025, 4, 1), 1_234_999)),
    # 計算: 資本金等 10,000,001円（1千万超1億以下）・50人（50人以下）→ 130,000
    case("goka-capita-10m-plus1", "goka", CORP_CAPITA, 130_000,
         inputs=corp(D(2025, 4, 1), capital=10_000_001, staff=50)),
    # 計算: 資本金等 10,000,000円（1千万以下）・51人（50人超）→ 120,000
    case("goka-capita-51-staff", "goka", CORP_CAPITA, 120_000,
         inputs=corp(D(2025, 4, 1), capital=10_000_000, staff=51)),
    # 計算: 資本金等 5,000,000,000円（10億超50億以下）・51人 → 1,750,000
    case("goka-capita-5bn", "goka", CORP_CAPITA, 1_750_000,
         inputs=corp(D(2025, 4, 1), capital=5_000_000_000, staff=51)),
    # 計算: 資本金等 5,000,000,001円（50億超）・51人 → 3,000,000
    case("goka-capita-over-5bn", "goka", CORP_CAPITA, 3_000_000,
         inputs=corp(D(2025, 4, 1), capital=5_000_000_001, staff=51)),
    # 計算: 50億超でも50人以下なら 410,000
    case("goka-capita-over-5bn-small-staff", "goka", CORP_CAPITA, 410_000,
         inputs=corp(D(2025, 4, 1), capital=5_000_000_001, staff=50)),
    # 計算: 月割 50,000 × 7 / 12 = 29,166.66… → 100円未満切捨て 29,100
    case("goka-capita-7-months", "goka", CORP_CAPITA, 29_100,
         inputs=corp(D(2025, 4, 1), months=7)),
    # 計算: 1月未満は1月: 50,000 × 1 / 12 = 4,166.66… → 4,100
    case("goka-capita-under-a-month", "goka", CORP_CAPITA, 4_100,
         inputs=corp(D(2025, 4, 1), months=0)),
    # 計算: 資本金等の額を有しない法人等 50,000
    case("goka-capita-no-capital", "goka", CORP_CAPITA, 50_000,
         inputs=corp(D(2025, 4, 1), capital=0, none=True, staff=80)),
    # 計算: 2016-04-01 開始: max(資本金等 9,000,000, 資本金＋資本準備金 20,000,000) = 20,000,000
    #       → 1千万超1億以下・5人 130,000
    case("goka-capita-paid-in-2016", "goka", CORP_CAPITA, 130_000,
         inputs=corp(D(2016, 4, 1), capital=9_000_000, paid_in=20_000_000)),
    # 計算: 2015-03-31 開始はこの比較をしない: 9,000,000 → 1千万以下 50,000
    case("goka-capita-paid-in-2015-03-31", "goka", CORP_CAPITA, 50_000,
         inputs=corp(D(2015, 3, 31), capital=9_000_000, paid_in=20_000_000)),
    # 計算: 常陸大宮市 2025-04-01 開始（超過課税の期間内）、資本金等 5千万、法人税額 12,345,678 > 1千万
    #       → 中小法人でない → 8.4%: 12,345,000 × 8.4% = 1,036,980 → 1,036,900;
    #       均等割 1千万超1億以下・60人 150,000。合計 1,186,900
    case("hitachiomiya-corp-excess", "hitachiomiya", CORP, 1_186_900,
         inputs=corp(D(2025, 4, 1), 12_345_678, 50_000_000, staff=60)),
    # 計算: 資本金等 1億（≤ 1億）かつ法人税額 1,000万（≤ 1,000万）→ 不均一課税で標準 6%: 600,000
    case("hitachiomiya-corp-sme-standard", "hitachiomiya", CORP_INCOME, 600_000,
         inputs=corp(D(2025, 4, 1), 10_000_000, 100_000_000)),
    # 計算: 法人税額 10,000,999 > 1,000万 → 超過課税 8.4%、課税標準 10,000,000 × 8.4% = 840,000
    case("hitachiomiya-corp-sme-plus999", "hitachiomiya", CORP_INCOME, 840_000,
         inputs=corp(D(2025, 4, 1), 10_000_999, 100_000_000)),
    # 計算: 2024-03-31 開始は期間の前 → 標準 6%: 12,345,000 × 6% = 740,700
    case("hitachiomiya-corp-before-period", "hitachiomiya", CORP_INCOME, 740_700,
         inputs=corp(D(2024, 3, 31), 12_345_678, 50_000_000)),
    # 計算: 2029-04-01 開始は期間の後 → 標準 6%: 740,700
    case("hitachiomiya-corp-after-period", "hitachiomiya", CORP_INCOME, 740_700,
         inputs=corp(D(2029, 4, 1), 12_345_678, 50_000_000)),
    # 計算: 2029-03-31 開始は期間の末日 → 8.4%: 12,345,000 × 8.4% = 1,036,980 → 1,036,900
    case("hitachiomiya-corp-last-day", "hitachiomiya", CORP_INCOME, 1_036_900,
         inputs=corp(D(2029, 3, 31), 12_345_678, 50_000_000)),
    # 計算: 那珂市 令和元年10月以後開始 7.2%: 1,000,000 × 7.2% = 72,000
    case("naka-corp-7-2", "naka", CORP_INCOME, 72_000,
         inputs=corp(D(2023, 4, 1), 1_000_000)),
    # 計算: 那珂市 平成26年9月以前開始 14.7%: 1,000,000 × 14.7% = 147,000
    case("naka-corp-14-7", "naka", CORP_INCOME, 147_000,
         inputs=corp(D(2014, 4, 1), 1_000_000)),
    # 計算: 那珂市には中小法人の除外がない: 資本金等 1千万でも 7.2%
    case("naka-corp-rate", "naka", CORP_RATE, Decimal("0.072"),
         inputs=corp(D(2025, 4, 1), 1)),
    # 計算: かすみがうら市 10億超50億以下・100人 2,100,000（標準 1,750,000 × 1.2）
    case("kasumigaura-capita-2bn", "kasumigaura", CORP_CAPITA, 2_100_000,
         inputs=corp(D(2025, 4, 1), capital=2_000_000_000, staff=100)),
    # 計算: 50億超・100人 3,600,000 × 6 / 12 = 1,800,000
    case("kasumigaura-capita-6-months", "kasumigaura", CORP_CAPITA, 1_800_000,
         inputs=corp(D(2025, 4, 1), capital=6_000_000_000, staff=100, months=6)),
    # 計算: かすみがうら市の法人税割は標準 6%
    case("kasumigaura-corp-rate", "kasumigaura", CORP_RATE, Decimal("0.06"),
         inputs=corp(D(2025, 4, 1), 1)),

    # ==== 証明書等交付手数料 (args: 種類, 方法, 用途, 通数) =================================
    # 計算: 五霞町 住民票 コンビニ 200 × 3 = 600
    case("goka-cert-konbini", "goka", RESIDENT, 600, args=("住民票の写し", "コンビニ", "一般", 3)),
    # 計算: 五霞町 住民票 窓口 300 × 2 = 600
    case("goka-cert-counter", "goka", RESIDENT, 600, args=("住民票の写し", "窓口", "一般", 2)),
    # 計算: 五霞町 戸籍全部事項証明書 コンビニ 350 × 1 = 350
    case("goka-koseki-konbini", "goka", FAMILY_REGISTER, 350,
         args=("戸籍全部事項証明書", "コンビニ", "一般", 1)),
    # 計算: 除籍 窓口 750 × 2 = 1,500
    case("goka-joseki-counter", "goka", FAMILY_REGISTER, 1_500,
         args=("除籍全部事項証明書", "窓口", "一般", 2)),
    # 計算: 公的年金の手続は五霞町では免除 → 0
    case("goka-cert-pension-free", "goka", RESIDENT, 0, args=("住民票の写し", "窓口", "公的年金", 2)),
    # 計算: 常陸大宮市は免除を定めていない（既定値）: 戸籍全部 450 × 1 = 450
    case("hitachiomiya-koseki-pension", "hitachiomiya", FAMILY_REGISTER, 450,
         args=("戸籍全部事項証明書", "窓口", "公的年金", 1)),
    # 計算: 常陸大宮市 印鑑登録証明書 コンビニ（既定値）300
    case("hitachiomiya-seal-konbini", "hitachiomiya", RESIDENT, 300,
         args=("印鑑登録証明書", "コンビニ", "一般", 1)),
    # 計算: 那珂市 住民票 コンビニ 150 × 4 = 600
    case("naka-cert-konbini", "naka", RESIDENT, 600, args=("住民票の写し", "コンビニ", "一般", 4)),
    # 計算: 那珂市は戦没者遺族等を免除しない: 300
    case("naka-cert-war-bereaved", "naka", RESIDENT, 300,
         args=("住民票の写し", "窓口", "戦没者遺族等", 1)),
    # 計算: 那珂市 児童扶養手当の申請は免除 → 0
    case("naka-koseki-child-allowance", "naka", FAMILY_REGISTER, 0,
         args=("戸籍全部事項証明書", "窓口", "児童扶養手当", 2)),
    # 計算: かすみがうら市は児童扶養手当を免除しない: 所得課税証明書 300
    case("kasumigaura-tax-cert-child-allowance", "kasumigaura", RESIDENT, 300,
         args=("所得課税証明書", "窓口", "児童扶養手当", 1)),
    # 計算: かすみがうら市 生活保護の申請は免除 → 0
    case("kasumigaura-koseki-welfare", "kasumigaura", FAMILY_REGISTER, 0,
         args=("戸籍記載事項証明書", "窓口", "生活保護", 3)),
    # 計算: かすみがうら市 除かれた戸籍の記載事項証明書 450 × 2 = 900
    case("kasumigaura-joseki-item", "kasumigaura", FAMILY_REGISTER, 900,
         args=("除籍記載事項証明書", "窓口", "一般", 2)),

    # ==== 学校給食費と就学援助 ===========================================================
    # 計算: 五霞町 小学校 4,800 − 国 5,200 → 0（差額も町が負担）
    case("goka-lunch-primary", "goka", LUNCH, 0, args=("小学校",)),
    # 計算: 五霞町 中学校 5,500 − 国 0 = 5,500（町の負担なし）
    case("goka-lunch-secondary", "goka", LUNCH, 5_500, args=("中学校",)),
    # 計算: 常陸大宮市 小学校 5,600 − 5,200 = 400
    case("hitachiomiya-lunch-primary", "hitachiomiya", LUNCH, 400, args=("小学校",)),
    # 計算: 令和7年度は国の支援なし、市の額は令和8年度からなので本体の既定値 4,688
    case("hitachiomiya-lunch-fy2025", "hitachiomiya", LUNCH, 4_688, on=FY2025, args=("小学校",)),
    # 計算: かすみがうら市 小学校 4,500 < 5,200 → 0
    case("kasumigaura-lunch-primary", "kasumigaura", LUNCH, 0, args=("小学校",)),
    # 計算: かすみがうら市 中学校 5,300（国の支援は小学校だけ）
    case("kasumigaura-lunch-secondary", "kasumigaura", LUNCH, 5_300, args=("中学校",)),
    # 計算: 那珂市 中学校 6,000 は市が負担 → 0
    case("naka-lunch-secondary", "naka", LUNCH, 0, args=("中学校",)),
    # 計算: 那珂市 倍率 1.0: 所得 2,500,000 ≤ 2,500,000 × 1 → 準要保護
    case("naka-aid-at", "naka", NEAR_ASSISTANCE, YES, inputs=family(2_500_000, 2_500_000)),
    # 計算: 2,500,001 > 2,500,000 → 該当しない
    case("naka-aid-plus1", "naka", NEAR_ASSISTANCE, NO, inputs=family(2_500_001, 2_500_000)),
    # 計算: 常陸大宮市 1.2: 2,345,678 × 1.2 = 2,814,813.6 → 円未満切捨て 2,814,813; 所得 2,814,813 → 該当
    case("hitachiomiya-aid-at", "hitachiomiya", NEAR_ASSISTANCE, YES,
         inputs=family(2_814_813, 2_345_678)),
    # 計算: 2,814,814 > 2,814,813 → 該当しない
    case("hitachiomiya-aid-plus1", "hitachiomiya", NEAR_ASSISTANCE, NO,
         inputs=family(2_814_814, 2_345_678)),
    # 計算: 生活保護世帯は要保護（準要保護ではない）
    case("kasumigaura-aid-welfare", "kasumigaura", NEAR_ASSISTANCE, NO,
         inputs=family(0, 2_000_000, welfare=True)),
    # 計算: かすみがうら市 1.5: 2,000,000 × 1.5 = 3,000,000 ≥ 3,000,000 → 中学校の給食は家庭負担 0
    case("kasumigaura-aid-lunch", "kasumigaura", LUNCH_FAMILY, 0, args=("中学校",),
         inputs=family(3_000_000, 2_000_000)),
    # 計算: 3,000,001 > 3,000,000 → 家庭が 5,300 を負担
    case("kasumigaura-no-aid-lunch", "kasumigaura", LUNCH_FAMILY, 5_300, args=("中学校",),
         inputs=family(3_000_001, 2_000_000)),
    # 計算: 五霞町 1.3: 2,000,000 ≤ 2,600,000 → 小学校第1学年 学用品費 11,630 + 新入学 54,060
    #       + 校外活動費 1,600 = 67,290
    case("goka-aid-primary-first", "goka", AID, 67_290, args=("小学校", True),
         inputs=family(2_000_000, 2_000_000)),
    # 計算: 中学校第2学年 22,730 + 通学用品費 2,270 + 2,310 = 27,310
    case("goka-aid-secondary-second", "goka", AID, 27_310, args=("中学校", False),
         inputs=family(2_000_000, 2_000_000)),
    # 計算: 2,600,001 > 2,600,000 → 援助なし 0
    case("goka-aid-none", "goka", AID, 0, args=("中学校", False),
         inputs=family(2_600_001, 2_000_000)),

    # ==== 保育の副食費と延長保育 =========================================================
    # 計算: 常陸大宮市 所得割 57,700 は 57,700 未満でない → 4,800
    case("hitachiomiya-meal-at", "hitachiomiya", MEAL, 4_800, inputs=child(57_700)),
    # 計算: 57,699 < 57,700 → 免除 0
    case("hitachiomiya-meal-below", "hitachiomiya", MEAL, 0, inputs=child(57_699)),
    # 計算: ひとり親 77,100 < 77,101 → 免除 0
    case("hitachiomiya-meal-single-below", "hitachiomiya", MEAL, 0,
         inputs=child(77_100, single=True)),
    # 計算: ひとり親 77,101 → 4,800
    case("hitachiomiya-meal-single-at", "hitachiomiya", MEAL, 4_800,
         inputs=child(77_101, single=True)),
    # 計算: 所得割 300,000 でも第3子（未就学の兄姉から数えて）→ 免除 0
    case("hitachiomiya-meal-third", "hitachiomiya", MEAL, 0, inputs=child(300_000, order=3)),
    # 計算: 第2子は免除なし → 4,800
    case("hitachiomiya-meal-second", "hitachiomiya", MEAL, 4_800, inputs=child(300_000, order=2)),
    # 計算: 3号は保育料に含む → 0
    case("hitachiomiya-meal-3go", "hitachiomiya", MEAL, 0, inputs=child(300_000, kind="3号")),
    # 計算: 那珂市 非課税世帯 → 0
    case("naka-meal-untaxed", "naka", MEAL, 0, inputs=child(0, untaxed=True)),
    # 計算: 那珂市 100,000 → 市の額 5,000
    case("naka-meal", "naka", MEAL, 5_000, inputs=child(100_000)),
    # 計算: かすみがうら市（既定値）→ 4,500
    case("kasumigaura-meal", "kasumigaura", MEAL, 4_500, inputs=child(100_000)),
    # 計算: 五霞町 生活保護 → 0
    case("goka-meal-welfare", "goka", MEAL, 0, inputs=child(0, welfare=True)),
    # 計算: 五霞町 標準 200 × 7 = 1,400 < 2,000
    case("goka-extended-7", "goka", EXTENDED, 1_400,
         inputs={"時間": "標準", "延長保育.回数": 7}),
    # 計算: 200 × 10 = 2,000 = 上限
    case("goka-extended-10", "goka", EXTENDED, 2_000,
         inputs={"時間": "標準", "延長保育.回数": 10}),
    # 計算: 200 × 15 = 3,000 → 上限 2,000
    case("goka-extended-15", "goka", EXTENDED, 2_000,
         inputs={"時間": "標準", "延長保育.回数": 15}),
    # 計算: 常陸大宮市 短時間 150 × 12 = 1,800 → 上限 1,500
    case("hitachiomiya-extended-short", "hitachiomiya", EXTENDED, 1_500,
         inputs={"時間": "短時間", "延長保育.回数": 12}),
    # 計算: 常陸大宮市 標準 300 × 8 = 2,400 < 2,500
    case("hitachiomiya-extended-standard", "hitachiomiya", EXTENDED, 2_400,
         inputs={"時間": "標準", "延長保育.回数": 8}),
    # 計算: かすみがうら市 100 × 31 = 3,100 → 上限 3,000
    case("kasumigaura-extended", "kasumigaura", EXTENDED, 3_000,
         inputs={"時間": "標準", "延長保育.回数": 31}),
    # 計算: 那珂市は延長保育の料金を設定していない（既定値 0円）→ 0
    case("naka-extended", "naka", EXTENDED, 0, inputs={"時間": "標準", "延長保育.回数": 5}),
]


def test_every_new_area_and_town_is_covered():
    assert {p.values[0] for p in CASES} == set(TOWNS)
    rules = {p.values[1] for p in CASES}
    assert {CORP, CORP_CAPITA, CORP_INCOME, FAMILY_REGISTER, RESIDENT, LUNCH, LUNCH_FAMILY,
            NEAR_ASSISTANCE, AID, MEAL, EXTENDED} <= rules
    assert len(CASES) >= 40


@pytest.mark.parametrize(("town", "rule", "on", "inputs", "args", "expected"), CASES)
def test_known_answer(tenants, town, rule, on, inputs, args, expected):
    assert_known_answer(tenants[town], rule, on, inputs, args, expected)
