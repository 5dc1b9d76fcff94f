"""Known answers for the areas of issue 4: NHI tax, LTC premium, per-capita inhabitant tax,
dog fees, due dates and notices, for the four sample towns.

Every expected value is worked out by hand from the law (FACTS.md; the core's fixed
parameters) and the town's figures in its profile; the working is in the comment above each
case.  The library never computes an expected value.  Each case runs through the compiled
rules (``evaluate``) and the reference interpreter (``interpret``).

The towns' figures used below (profiles in tenant_profiles/):

  naka 那珂市 (from 2024-04-01): 2級地; NHI 三方式, 所得割 6.40% / 2.40% / 2.20%, 均等割
    25,000 / 10,000 / 12,000, 平等割 20,000 / 8,000 / 6,000 (医療 / 支援 / 介護), caps
    650,000 / 240,000 / 170,000, from FY2025 660,000 / 260,000 / 170,000; NHI due days
    7/31 … 2月末日, 3/31; LTC 基準額 63,360, 円未満切捨て, the national 13 steps.
  hitachiomiya 常陸大宮市 (from 2024-04-01): 3級地; NHI 二方式 6.40% / 3.40% / 3.00%,
    27,600 / 14,300 / 15,400; LTC 69,360, 百円未満切捨て.
  kasumigaura かすみがうら市 (from 2023-04-01): 3級地; NHI 二方式 6.00% / 2.50% / 2.10%,
    32,000 / 14,000 / 16,000 (the city's real FY2023 figures), caps FY2023 650,000 / 220,000
    / 170,000; LTC 66,000 (FY2023), 67,200 (from FY2024), 十円未満切捨て.
  goka 五霞町 (from 2024-04-01): 3級地; NHI 三方式 7.00% / 2.60% / 2.30%, 26,000 / 9,500 /
    13,000, 平等割 22,000 / 7,000 / 6,500, caps 630,000 / 220,000 / 160,000; NHI December
    instalment 12月末日; LTC 72,000, 円未満四捨五入, 15 steps (13: < 10,000,000 × 2.4,
    14: < 15,000,000 × 2.5, 15: × 2.6); dog fees 3,000 / 550 / 1,600 / 340.
  Every town: prefectural per-capita 1,000 + 1,000 (茨城県 超過課税).

Law (the core): NHI 基礎控除 430,000; reduction thresholds 7割 ≤ 430,000 + 100,000 × (earners
− 1); 5割 ≤ that + A × (members + 特定同一世帯所属者); 2割 ≤ that + B × (…), with A / B =
290,000 / 535,000 (FY2023), 295,000 / 545,000 (FY2024), 305,000 / 560,000 (FY2025);
preschool 均等割 halved; care part for ages 40–64, month by month; each part floored to 100.
LTC step boundaries 800,000 (809,000 from FY2025) and 1,200,000; multipliers (FY2024–FY2026)
0.285, 0.485, 0.685, 0.9, 1.0, 1.2, 1.3, 1.5, 1.7, 1.9, 2.1, 2.3, 2.4 (FY2021–FY2023: nine
steps, 0.3, 0.5, 0.7, 0.9, 1.0, 1.2, 1.3, 1.5, 1.7).  Per-capita: municipal 3,000 +
prefectural 1,000 (+500 each to FY2023), forest environment tax 1,000 from FY2024; non-taxable
at or below 基本額 × N + 100,000 (+ 加算額 with dependants): 2級地 315,000 / 189,000, 3級地
280,000 / 168,000.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from helpers import ROOT, assert_known_answer

import paramcfg
from paramcfg import types as t

D = dt.date
FY2023 = D(2023, 6, 1)
FY2024 = D(2024, 6, 1)
FY2025 = D(2025, 6, 1)
TOWNS = ("hitachiomiya", "naka", "kasumigaura", "goka")

NHI = "国保.年税額"
MED, SUP, CARE = "国保.医療分税額", "国保.支援金分税額", "国保.介護分税額"
REDUCTION = "国保.軽減割合"
CARE_MONTHS = "国保.介護分該当月数"
LTC, STEP = "介護.年額", "介護.段階"
PER_CAPITA = "住民税.均等割額"
DOG = "畜犬.合計手数料"


def member(birth, income, judged=None):
    """One NHI member: 生年月日, 総所得金額等 and 軽減判定所得 (default: the same income)."""
    return {"生年月日": birth, "総所得金額等": income,
            "軽減判定所得": income if judged is None else judged}


def household(*members, others=0, former=0, earners=1, specific="該当なし"):
    return {"国保.被保険者": list(members), "国保.被保険者以外の判定所得": others,
            "国保.特定同一世帯所属者数": former, "国保.給与所得者等の数": earners,
            "国保.特定世帯区分": specific}


def elder(*, welfare=False, household_taxed=False, self_taxed=False, pension=0, income=0):
    return {"介護.生活保護等": welfare, "介護.世帯課税": household_taxed,
            "介護.本人課税": self_taxed, "介護.年金収入等": pension, "介護.合計所得金額": income}


def resident(income, *, dependants=0, welfare=False, disabled=False):
    return {"住民税.合計所得金額": income, "住民税.同一生計配偶者等の数": dependants,
            "住民税.生活保護": welfare, "住民税.障害者等": disabled}


def case(ident, town, rule, expected, *, on=FY2024, inputs=None, args=()):
    return pytest.param(town, rule, on, inputs or {}, args, expected, id=ident)


# A member aged 50 all year (care part every month) and one aged 30 (no care part).
AGED50 = D(1974, 6, 1)
AGED30 = D(1994, 6, 1)

CASES = [
    # ==== 国民健康保険税: the statutory reductions, at and one yen above each boundary =========
    # 那珂市 FY2024, one member, one earner: 7割 ≤ 430,000 + 100,000 × 0 = 430,000.
    case("naka-nhi-7wari-at", "naka", REDUCTION, Decimal("0.7"),
         inputs=household(member(AGED50, 430_000))),
    case("naka-nhi-7wari-plus1", "naka", REDUCTION, Decimal("0.5"),
         inputs=household(member(AGED50, 430_001))),
    # 5割 ≤ 430,000 + 295,000 × 1 = 725,000 (FY2024).
    case("naka-nhi-5wari-at", "naka", REDUCTION, Decimal("0.5"),
         inputs=household(member(AGED50, 725_000))),
    case("naka-nhi-5wari-plus1", "naka", REDUCTION, Decimal("0.2"),
         inputs=household(member(AGED50, 725_001))),
    # 2割 ≤ 430,000 + 545,000 × 1 = 975,000 (FY2024).
    case("naka-nhi-2wari-at", "naka", REDUCTION, Decimal("0.2"),
         inputs=household(member(AGED50, 975_000))),
    case("naka-nhi-2wari-plus1", "naka", REDUCTION, Decimal(0),
         inputs=household(member(AGED50, 975_001))),
    # FY2025, two members, two earners: 7割 ≤ 430,000 + 100,000 × 1 = 530,000;
    # 5割 ≤ 530,000 + 305,000 × 2 = 1,140,000; 2割 ≤ 530,000 + 560,000 × 2 = 1,650,000.
    case("naka-nhi-fy2025-5wari-at", "naka", REDUCTION, Decimal("0.5"), on=FY2025,
         inputs=household(member(AGED50, 600_000), member(AGED30, 540_000), earners=2)),
    case("naka-nhi-fy2025-5wari-plus1", "naka", REDUCTION, Decimal("0.2"), on=FY2025,
         inputs=household(member(AGED50, 600_001), member(AGED30, 540_000), earners=2)),
    case("naka-nhi-fy2025-2wari-plus1", "naka", REDUCTION, Decimal(0), on=FY2025,
         inputs=household(member(AGED50, 1_110_001), member(AGED30, 540_000), earners=2)),
    # かすみがうら市 FY2023: three members and one 特定同一世帯所属者 count 4 for 5割/2割:
    # 5割 ≤ 430,000 + 290,000 × 4 = 1,590,000; 2割 ≤ 430,000 + 535,000 × 4 = 2,570,000.
    # The judging income adds the non-member head's 200,000 to the members' 1,390,000.
    case("kasumigaura-nhi-fy2023-5wari-at", "kasumigaura", REDUCTION, Decimal("0.5"), on=FY2023,
         inputs=household(member(AGED50, 1_390_000), member(AGED30, 0), member(D(2015, 1, 1), 0),
                          others=200_000, former=1)),
    case("kasumigaura-nhi-fy2023-5wari-plus1", "kasumigaura", REDUCTION, Decimal("0.2"),
         on=FY2023,
         inputs=household(member(AGED50, 1_390_001), member(AGED30, 0), member(D(2015, 1, 1), 0),
                          others=200_000, former=1)),
    # 常陸大宮市 FY2025: the judging income uses 軽減判定所得 (a pensioner's 150,000 special
    # deduction applied), not 総所得金額等: 380,000 + 50,000 = 430,000 → 7割.
    case("hitachiomiya-nhi-judged-income-7wari", "hitachiomiya", REDUCTION, Decimal("0.7"),
         on=FY2025, inputs=household(member(D(1955, 6, 1), 530_000, judged=380_000),
                                     others=50_000)),

    # ==== 国民健康保険税: whole households ======================================================
    # 那珂市 FY2024, one member aged 50, income 430,000 → 7割; income part base 0.
    #   医療 25,000 × 0.3 + 20,000 × 0.3 = 7,500 + 6,000 = 13,500
    #   支援 10,000 × 0.3 + 8,000 × 0.3 = 3,000 + 2,400 = 5,400
    #   介護 12,000 × 0.3 + 6,000 × 0.3 = 3,600 + 1,800 = 5,400 → total 24,300.
    case("naka-nhi-7wari-total", "naka", NHI, 24_300, inputs=household(member(AGED50, 430_000))),
    # One yen more → 5割; income part: base 1 × 6.40% = 0.064 → 円未満切捨て 0 (each part).
    #   医療 12,500 + 10,000 = 22,500; 支援 5,000 + 4,000 = 9,000; 介護 6,000 + 3,000 = 9,000
    #   → total 40,500.
    case("naka-nhi-5wari-total", "naka", NHI, 40_500, inputs=household(member(AGED50, 430_001))),
    # At the 5割 boundary, 725,000: base 295,000.
    #   医療 295,000 × 6.40% = 18,880 + 22,500 = 41,380 → 41,300
    #   支援 295,000 × 2.40% = 7,080 + 9,000 = 16,080 → 16,000
    #   介護 295,000 × 2.20% = 6,490 + 9,000 = 15,490 → 15,400 → total 72,700.
    case("naka-nhi-5wari-boundary-total", "naka", NHI, 72_700,
         inputs=household(member(AGED50, 725_000))),
    # かすみがうら市 FY2023 (二方式), no reduction (judging income 3,000,000): a member aged 42,
    # a spouse turning 41 in May (aged 40–64 all year) and a preschool child (aged 3 on 1 April).
    #   base 3,000,000 − 430,000 = 2,570,000 (the others have 0)
    #   医療 2,570,000 × 6% = 154,200; 均等割 32,000 × 2 + 32,000 / 2 = 80,000 → 234,200
    #   支援 2,570,000 × 2.5% = 64,250; 14,000 × 2 + 7,000 = 35,000 → 99,250 → 99,200
    #   介護 (two members 40–64) 2,570,000 × 2.1% = 53,970; 16,000 × 2 = 32,000 → 85,970 → 85,900
    *[case(f"kasumigaura-nhi-fy2023-{part}", "kasumigaura", rule, expected, on=FY2023,
           inputs=household(member(D(1980, 6, 15), 3_000_000), member(D(1982, 5, 1), 0),
                            member(D(2020, 1, 10), 0)))
      for part, rule, expected in (("medical", MED, 234_200), ("support", SUP, 99_200),
                                   ("care", CARE, 85_900), ("total", NHI, 419_300))],
    # 常陸大宮市 FY2024 (二方式: no 平等割), one member aged 30 (no care part), income 2,000,000,
    # no reduction (2,000,000 > 975,000): base 1,570,000.
    #   医療 1,570,000 × 6.40% = 100,480 + 27,600 = 128,080 → 128,000
    #   支援 1,570,000 × 3.40% = 53,380 + 14,300 = 67,680 → 67,600; 介護 0 → total 195,600.
    case("hitachiomiya-nhi-two-part", "hitachiomiya", NHI, 195_600,
         inputs=household(member(AGED30, 2_000_000))),
    # 常陸大宮市 FY2024, a parent aged 35 with no income and a child aged 2 → 7割, and the
    # preschool child's reduced 均等割 is halved again.
    #   医療 27,600 × 0.3 = 8,280 + 8,280 / 2 = 4,140 → 12,420 → 12,400
    #   支援 14,300 × 0.3 = 4,290 + 2,145 → 6,435 → 6,400; 介護 0 (aged 35) → total 18,800.
    case("hitachiomiya-nhi-7wari-preschool", "hitachiomiya", NHI, 18_800,
         inputs=household(member(D(1989, 1, 1), 0), member(D(2022, 3, 1), 0))),
    # A child aged 6 on 1 April (born 1 April 2018: 6 on 2024-04-01, so no longer preschool in
    # FY2024) pays the full reduced amount: 医療 8,280 × 2 = 16,560 → 16,500;
    # 支援 4,290 × 2 = 8,580 → 8,500 → total 25,000.
    case("hitachiomiya-nhi-born-1-april-not-preschool", "hitachiomiya", NHI, 25_000,
         inputs=household(member(D(1989, 1, 1), 0), member(D(2018, 4, 1), 0))),
    # Born 2 April 2018: 5 on 1 April 2024 → preschool: 医療 8,280 + 4,140 = 12,420 → 12,400;
    # 支援 4,290 + 2,145 = 6,435 → 6,400 → total 18,800.
    case("hitachiomiya-nhi-born-2-april-preschool", "hitachiomiya", NHI, 18_800,
         inputs=household(member(D(1989, 1, 1), 0), member(D(2018, 4, 2), 0))),
    # 五霞町 FY2024, one member aged 50 with income 20,000,000: every part hits the town's cap.
    #   医療 19,570,000 × 7% = 1,369,900 + 26,000 + 22,000 > 630,000 → 630,000
    #   支援 19,570,000 × 2.6% = 508,820 + … > 220,000 → 220,000
    #   介護 19,570,000 × 2.3% = 450,110 + … > 160,000 → 160,000 → total 1,010,000.
    *[case(f"goka-nhi-cap-{part}", "goka", rule, expected,
           inputs=household(member(AGED50, 20_000_000)))
      for part, rule, expected in (("medical", MED, 630_000), ("support", SUP, 220_000),
                                   ("care", CARE, 160_000), ("total", NHI, 1_010_000))],
    # 那珂市 raises its caps with the statutory ones: 650,000 + 240,000 + 170,000 = 1,060,000 in
    # FY2024, 660,000 + 260,000 + 170,000 = 1,090,000 in FY2025.
    case("naka-nhi-caps-fy2024", "naka", NHI, 1_060_000,
         inputs=household(member(AGED50, 20_000_000))),
    case("naka-nhi-caps-fy2025", "naka", NHI, 1_090_000, on=FY2025,
         inputs=household(member(AGED50, 20_000_000))),

    # ==== 国民健康保険税: members reaching 40 and 65 during the year (介護分, 月割) ==============
    # Born 1984-10-15: reaches 40 on 2024-10-14 (the day before the birthday), so October is the
    # first month charged: October–March = 6 months.
    case("naka-care-months-turning-40", "naka", CARE_MONTHS, 6,
         args=(member(D(1984, 10, 15), 0),)),
    # Born 1 November 1984: reaches 40 on 31 October → October counts too: 6 months.
    case("naka-care-months-born-on-the-1st", "naka", CARE_MONTHS, 6,
         args=(member(D(1984, 11, 1), 0),)),
    # Born 2 November 1984: reaches 40 on 1 November → November–March = 5 months.
    case("naka-care-months-born-on-the-2nd", "naka", CARE_MONTHS, 5,
         args=(member(D(1984, 11, 2), 0),)),
    # Born 1959-08-20: reaches 65 on 2024-08-19 → charged up to the month before: April–July = 4.
    case("naka-care-months-turning-65", "naka", CARE_MONTHS, 4,
         args=(member(D(1959, 8, 20), 0),)),
    # The member turning 40 alone, income 3,000,000 (no reduction): a full year's care part
    # would be 2,570,000 × 2.20% = 56,540 + 12,000 + 6,000 = 74,540; charged for 6 months:
    # 74,540 × 6 / 12 = 37,270 → 37,200.
    case("naka-care-turning-40", "naka", CARE, 37_200,
         inputs=household(member(D(1984, 10, 15), 3_000_000))),
    # The member turning 65, income 3,000,000: 74,540 × 4 / 12 = 24,846.66… → 24,800.
    case("naka-care-turning-65", "naka", CARE, 24_800,
         inputs=household(member(D(1959, 8, 20), 3_000_000))),
    # … and the whole tax: 医療 164,480 + 25,000 + 20,000 = 209,480 → 209,400;
    # 支援 61,680 + 10,000 + 8,000 = 79,680 → 79,600; 介護 24,800 → total 313,800.
    case("naka-nhi-turning-65-total", "naka", NHI, 313_800,
         inputs=household(member(D(1959, 8, 20), 3_000_000))),
    # 五霞町 FY2024: a member aged 45 with income 2,430,000 and a spouse born 1985-01-20 who
    # reaches 40 on 2025-01-19 (January–March). Judging income 2,430,000 > 2割 430,000 +
    # 545,000 × 2 = 1,520,000 → no reduction. Base 2,000,000 × 2.3% = 46,000.
    #   April–December (9 months), one care member: 46,000 + 13,000 + 6,500 = 65,500
    #   January–March (3 months), two: 46,000 + 13,000 × 2 + 6,500 = 78,500
    #   (9 × 65,500 + 3 × 78,500) / 12 = (589,500 + 235,500) / 12 = 68,750 → 68,700.
    case("goka-care-spouse-turning-40", "goka", CARE, 68_700,
         inputs=household(member(D(1979, 6, 1), 2_430_000), member(D(1985, 1, 20), 0))),

    # ==== 介護保険料: every step (那珂市 FY2024, 基準額 63,360, 円未満切捨て) =====================
    # 1: 生活保護 → 63,360 × 0.285 = 18,057.6 → 18,057.
    case("naka-ltc-step1-welfare", "naka", LTC, 18_057, inputs=elder(welfare=True)),
    # 1: household non-taxed, 年金収入等 800,000 (≤ 800,000 in FY2024) → 18,057.
    case("naka-ltc-step1-at-800000", "naka", LTC, 18_057, inputs=elder(pension=800_000)),
    # 2: 800,001 → 63,360 × 0.485 = 30,729.6 → 30,729.
    case("naka-ltc-step2", "naka", LTC, 30_729, inputs=elder(pension=800_001)),
    # 2: 1,200,000 (≤ 1,200,000) → 30,729.
    case("naka-ltc-step2-at-1200000", "naka", LTC, 30_729, inputs=elder(pension=1_200_000)),
    # 3: 1,200,001 → 63,360 × 0.685 = 43,401.6 → 43,401.
    case("naka-ltc-step3", "naka", LTC, 43_401, inputs=elder(pension=1_200_001)),
    # 4: self non-taxed, household taxed, 800,000 → 63,360 × 0.9 = 57,024.
    case("naka-ltc-step4", "naka", LTC, 57_024, inputs=elder(household_taxed=True, pension=800_000)),
    # 5: … 800,001 → 63,360 × 1.0 = 63,360.
    case("naka-ltc-step5", "naka", LTC, 63_360, inputs=elder(household_taxed=True, pension=800_001)),
    # 6–13: self taxed, by 合計所得金額 (the upper bounds are exclusive).
    # 6: 1,199,999 < 1,200,000 → × 1.2 = 76,032.
    case("naka-ltc-step6", "naka", LTC, 76_032,
         inputs=elder(household_taxed=True, self_taxed=True, income=1_199_999)),
    # 7: 1,200,000 → × 1.3 = 82,368.
    case("naka-ltc-step7", "naka", LTC, 82_368,
         inputs=elder(household_taxed=True, self_taxed=True, income=1_200_000)),
    # 8: 2,100,000 → × 1.5 = 95,040.
    case("naka-ltc-step8", "naka", LTC, 95_040,
         inputs=elder(household_taxed=True, self_taxed=True, income=2_100_000)),
    # 9: 3,200,000 → × 1.7 = 107,712.
    case("naka-ltc-step9", "naka", LTC, 107_712,
         inputs=elder(household_taxed=True, self_taxed=True, income=3_200_000)),
    # 10: 4,200,000 → × 1.9 = 120,384.
    case("naka-ltc-step10", "naka", LTC, 120_384,
         inputs=elder(household_taxed=True, self_taxed=True, income=4_200_000)),
    # 11: 5,200,000 → × 2.1 = 133,056.
    case("naka-ltc-step11", "naka", LTC, 133_056,
         inputs=elder(household_taxed=True, self_taxed=True, income=5_200_000)),
    # 12: 6,200,000 → × 2.3 = 145,728.
    case("naka-ltc-step12", "naka", LTC, 145_728,
         inputs=elder(household_taxed=True, self_taxed=True, income=6_200_000)),
    # 13: 7,200,000 → × 2.4 = 152,064.
    case("naka-ltc-step13", "naka", LTC, 152_064,
         inputs=elder(household_taxed=True, self_taxed=True, income=7_200_000)),
    # The step numbers themselves: 6,199,999 → step 11; a non-taxed 1,200,001 → step 3.
    case("naka-ltc-step-number-11", "naka", STEP, 11,
         inputs=elder(household_taxed=True, self_taxed=True, income=6_199_999)),
    case("naka-ltc-step-number-3", "naka", STEP, 3, inputs=elder(pension=1_200_001)),
    # FY2025: the 800,000 boundary is 809,000. 809,000 → step 1 (18,057), 809,001 → step 2
    # (30,729); in FY2024 the same 809,000 was step 2.
    case("naka-ltc-fy2025-809000-step1", "naka", LTC, 18_057, on=FY2025,
         inputs=elder(pension=809_000)),
    case("naka-ltc-fy2025-809001-step2", "naka", LTC, 30_729, on=FY2025,
         inputs=elder(pension=809_001)),
    case("naka-ltc-fy2024-809000-step2", "naka", LTC, 30_729, inputs=elder(pension=809_000)),
    case("naka-ltc-fy2025-step4-at-809000", "naka", STEP, 4, on=FY2025,
         inputs=elder(household_taxed=True, pension=809_000)),
    # 五霞町's extra steps (基準額 72,000, 四捨五入): 9,999,999 → 13 (× 2.4 = 172,800);
    # 10,000,000 → 14 (× 2.5 = 180,000); 15,000,000 → 15 (× 2.6 = 187,200).
    case("goka-ltc-step13", "goka", LTC, 172_800,
         inputs=elder(household_taxed=True, self_taxed=True, income=9_999_999)),
    case("goka-ltc-step14", "goka", LTC, 180_000,
         inputs=elder(household_taxed=True, self_taxed=True, income=10_000_000)),
    case("goka-ltc-step15", "goka", LTC, 187_200,
         inputs=elder(household_taxed=True, self_taxed=True, income=15_000_000)),
    case("goka-ltc-step-number-15", "goka", STEP, 15,
         inputs=elder(household_taxed=True, self_taxed=True, income=15_000_000)),
    # The towns' rounding rules on step 1 (× 0.285):
    # 常陸大宮市 69,360 × 0.285 = 19,767.6 → 百円未満切捨て 19,700.
    case("hitachiomiya-ltc-step1-floor-100", "hitachiomiya", LTC, 19_700,
         inputs=elder(welfare=True)),
    # かすみがうら市 FY2024 67,200 × 0.285 = 19,152 → 十円未満切捨て 19,150.
    case("kasumigaura-ltc-step1-floor-10", "kasumigaura", LTC, 19_150,
         inputs=elder(welfare=True)),
    # かすみがうら市 FY2023 (基準額 66,000) is in the previous plan period, FY2021–FY2023, with
    # the national 9 steps (0.3, 0.5, 0.7, 0.9, 1.0, 1.2, 1.3, 1.5, 1.7 ≥ 3,200,000):
    # step 2: 66,000 × 0.5 = 33,000.
    case("kasumigaura-ltc-fy2023-step2", "kasumigaura", LTC, 33_000, on=FY2023,
         inputs=elder(pension=1_000_000)),
    # Step 9, the top one then, also for 7,200,000: 66,000 × 1.7 = 112,200 (十円未満切捨て).
    case("kasumigaura-ltc-fy2023-top-step", "kasumigaura", STEP, 9, on=FY2023,
         inputs=elder(household_taxed=True, self_taxed=True, income=7_200_000)),
    case("kasumigaura-ltc-fy2023-top", "kasumigaura", LTC, 112_200, on=FY2023,
         inputs=elder(household_taxed=True, self_taxed=True, income=7_200_000)),
    # 五霞町 step 6 at 1,000,000: 72,000 × 1.2 = 86,400 (四捨五入: nothing to round).
    case("goka-ltc-step6", "goka", LTC, 86_400,
         inputs=elder(household_taxed=True, self_taxed=True, income=1_000_000)),

    # ==== 個人住民税 均等割 + 森林環境税 ========================================================
    # 那珂市 (2級地) FY2024, single: non-taxable at or below 315,000 + 100,000 = 415,000.
    case("naka-per-capita-at-threshold", "naka", PER_CAPITA, 0, inputs=resident(415_000)),
    # 415,001: 3,000 + (1,000 + 1,000) + 1,000 (森林環境税) = 6,000.
    case("naka-per-capita-plus1", "naka", PER_CAPITA, 6_000, inputs=resident(415_001)),
    # 常陸大宮市 (3級地) FY2024, two dependants (N = 3): 280,000 × 3 + 100,000 + 168,000 =
    # 1,108,000 → 0; one yen more → 6,000.
    case("hitachiomiya-per-capita-dependants-at", "hitachiomiya", PER_CAPITA, 0,
         inputs=resident(1_108_000, dependants=2)),
    case("hitachiomiya-per-capita-dependants-plus1", "hitachiomiya", PER_CAPITA, 6_000,
         inputs=resident(1_108_001, dependants=2)),
    # かすみがうら市 (3級地) FY2023, single, 380,001 > 380,000: 3,000 + 500 (復興) + 1,000 +
    # 1,000 + 500 (復興) + 0 (no forest environment tax before FY2024) = 6,000.
    case("kasumigaura-per-capita-fy2023", "kasumigaura", PER_CAPITA, 6_000, on=FY2023,
         inputs=resident(380_001)),
    # … of which the municipal part is 3,500 in FY2023 and 3,000 in FY2024.
    case("kasumigaura-per-capita-municipal-fy2023", "kasumigaura", "住民税.均等割.市町村民税額",
         3_500, on=FY2023, inputs=resident(380_001)),
    case("kasumigaura-per-capita-municipal-fy2024", "kasumigaura", "住民税.均等割.市町村民税額",
         3_000, inputs=resident(380_001)),
    # 障害者等 with 合計所得金額 1,350,000 (≤ 1,350,000) → non-taxable; 1,350,001 → 6,000.
    case("goka-per-capita-disabled-at", "goka", PER_CAPITA, 0,
         inputs=resident(1_350_000, disabled=True)),
    case("goka-per-capita-disabled-plus1", "goka", PER_CAPITA, 6_000,
         inputs=resident(1_350_001, disabled=True)),
    # 生活保護 → non-taxable whatever the income.
    case("goka-per-capita-welfare", "goka", PER_CAPITA, 0,
         inputs=resident(5_000_000, welfare=True)),

    # ==== 畜犬登録 ===============================================================================
    # 五霞町: registration 3,000 + rabies tag 550 = 3,550.
    case("goka-dog-register-and-tag", "goka", DOG, 3_550,
         inputs={"畜犬.手続": ["登録", "注射済票交付"]}),
    # 那珂市 (core defaults): re-issue of the licence 1,600 + of the tag 340 = 1,940.
    case("naka-dog-reissues", "naka", DOG, 1_940,
         inputs={"畜犬.手続": ["鑑札再交付", "注射済票再交付"]}),
    # Two dogs registered with their tags: 2 × 3,000 + 2 × 550 = 7,100.
    case("hitachiomiya-dog-two-dogs", "hitachiomiya", DOG, 7_100,
         inputs={"畜犬.手続": ["登録", "登録", "注射済票交付", "注射済票交付"]}),
    case("kasumigaura-dog-none", "kasumigaura", DOG, 0, inputs={"畜犬.手続": []}),
]

#: Due dates worked out from the calendar: weekdays counted from 1 January (2024-01-01 and
#: 2029-01-01 were Mondays, 2025-01-01 a Wednesday), holidays from the 国民の祝日に関する法律.
DUE_DATES = [
    # 五霞町 FY2024 NHI: 7/31 Wed; 8/31 Sat → 9/2 Mon; 9/30 Mon; 10/31 Thu; 11/30 Sat → 12/2;
    # 12/31 is closed, 1/1 元日, 1/2–1/3 closed, 1/4–1/5 a weekend → 2025-01-06 Mon;
    # 1/31 Fri; 2/28 Fri; 3/31 Mon.
    pytest.param("goka", "国保.各期の納期限", D(2024, 4, 1),
                 ["2024-07-31", "2024-09-02", "2024-09-30", "2024-10-31", "2024-12-02",
                  "2025-01-06", "2025-01-31", "2025-02-28", "2025-03-31"], id="goka-nhi-fy2024"),
    # 那珂市 FY2029 fixed-asset tax: 2029-04-29 昭和の日 is a Sunday, so 4/30 is a 振替休日 →
    # 5/1 Tue; 7/31 Tue; 12/25 Tue; 2030-02-28 Thu.
    pytest.param("naka", "固定資産税.各期の納期限", D(2029, 4, 1),
                 ["2029-05-01", "2029-07-31", "2029-12-25", "2030-02-28"],
                 id="naka-fixed-asset-fy2029-substitute-holiday"),
    # 那珂市 FY2024 inhabitant tax: 6/30 Sun → 7/1 Mon; 8/31 Sat → 9/2 Mon; 10/31 Thu;
    # 2025-01-31 Fri.
    pytest.param("naka", "住民税.各期の納期限", D(2024, 4, 1),
                 ["2024-07-01", "2024-09-02", "2024-10-31", "2025-01-31"],
                 id="naka-inhabitant-fy2024"),
    # 常陸大宮市 FY2025 LTC (core default days): 7/31 Thu; 8/31 Sun → 9/1; 9/30 Tue; 10/31 Fri;
    # 11/30 Sun → 12/1; 12/25 Thu; 2026-01-31 Sat → 2/2 Mon; 2/28 Sat → 3/2 Mon.
    pytest.param("hitachiomiya", "介護.各期の納期限", D(2025, 4, 1),
                 ["2025-07-31", "2025-09-01", "2025-09-30", "2025-10-31", "2025-12-01",
                  "2025-12-25", "2026-02-02", "2026-03-02"], id="hitachiomiya-ltc-fy2025"),
]


def test_every_area_and_town_is_covered():
    assert {p.values[0] for p in CASES} == set(TOWNS)
    rules = {p.values[1] for p in CASES}
    assert {NHI, MED, SUP, CARE, REDUCTION, CARE_MONTHS, LTC, STEP, PER_CAPITA, DOG} <= rules
    assert len(CASES) >= 40


@pytest.mark.parametrize(("town", "rule", "on", "inputs", "args", "expected"), CASES)
def test_known_answer(tenants, town, rule, on, inputs, args, expected):
    assert_known_answer(tenants[town], rule, on, inputs, args, expected)


@pytest.mark.parametrize(("town", "rule", "on", "expected"), DUE_DATES)
def test_due_dates(tenants, town, rule, on, expected):
    # The FY2029 case is past the core's law horizon: it is asked for as a projection (the
    # town's days of FY2026 carried forward), which is what it tests: the calendar.
    want = tuple(D.fromisoformat(d) for d in expected)
    ahead = tenants[town].is_projection(on)
    assert tenants[town].evaluate(rule, {}, on, projection=ahead) == want
    assert tenants[town].interpret(rule, {}, on, projection=ahead) == want


def test_light_vehicle_due_date_moves_over_a_weekend(tenants):
    # 5月31日 in FY2025 is a Saturday (2025-01-01 Wed + 150 days) → Monday 2 June.
    for method in ("evaluate", "interpret"):
        assert getattr(tenants["kasumigaura"], method)("軽自動車税.納付期限", {}, FY2025) == D(2025, 6, 2)


def test_notices_follow_their_dates(tenants):
    # かすみがうら市 adds スマホ決済 to the fixed-asset notice from 2025-04-01.
    town = tenants["kasumigaura"]
    before = town.evaluate("固定資産税.通知書", {}, FY2024)
    after = town.evaluate("固定資産税.通知書", {}, FY2025)
    assert isinstance(before, t.RecordValue)
    assert before.get("支払方法") == ("口座振替", "金融機関窓口", "コンビニ")
    assert after.get("支払方法") == ("口座振替", "金融機関窓口", "コンビニ", "スマホ決済")
    assert town.interpret("固定資産税.通知書", {}, FY2025) == after


def test_every_notice_has_the_shared_issuer(tenants):
    # The issuer and the mayor are set once per town and read by every notice.
    assert tenants["naka"].evaluate("通知書.発行者名", {}, FY2024) == "那珂市長"
    assert tenants["goka"].evaluate("通知書.首長氏名", {}, FY2024) == "五霞 三郎"
    notice = tenants["naka"].evaluate("国保.通知書", {}, FY2024)
    assert notice.get("問合せ先") == "那珂市 保険年金課 電話 029-000-0000"
    assert notice.get("用紙") == "A4"  # the record's default: 国保.納税通知書 gives none


def test_evaluating_one_rule_compiles_only_the_rules_it_calls(core):
    # A batch of one tax for many towns must not compile (and keep) the whole package per town.
    town = paramcfg.load_tenant(ROOT / "tenant_profiles" / "naka.pcfg", core)
    inputs = household(member(AGED50, 430_000))
    assert town.evaluate(REDUCTION, inputs, FY2024) == Decimal("0.7")
    compiled = set(town._period_entries(FY2024))
    assert compiled == {REDUCTION, "国保.軽減判定所得", "国保.7割軽減基準額"}
    # The whole tax then compiles what it needs, and agrees with compiling everything at once.
    assert town.evaluate(NHI, inputs, FY2024) == 24_300
    assert NHI in town._period_entries(FY2024)
    assert "介護.年額" not in town._period_entries(FY2024)
    assert town.compiled(FY2024).entries[NHI](inputs, FY2024) == 24_300


# 特定世帯 / 特定継続世帯: 那珂市 FY2024, one member aged 70 (no care part), no income, whose
# spouse moved to 後期高齢者医療 (counted for 5割/2割, not a member) → 7割軽減.
#   該当なし:  医療 25,000×0.3 + 20,000×0.3 = 7,500 + 6,000 = 13,500; 支援 3,000 + 2,400 = 5,400
#              → 18,900
#   特定世帯:  平等割 halved first: 医療 7,500 + 20,000×0.5×0.3 = 3,000 → 10,500;
#              支援 3,000 + 8,000×0.5×0.3 = 1,200 → 4,200 → 14,700
#   特定継続世帯: 医療 7,500 + 20,000×0.75×0.3 = 4,500 → 12,000; 支援 3,000 + 1,800 → 4,800
#              → 16,800
@pytest.mark.parametrize(("specific", "expected"), [
    ("該当なし", 18_900), ("特定世帯", 14_700), ("特定継続世帯", 16_800)])
def test_specific_household_per_household_amount(tenants, specific, expected):
    inputs = household(member(D(1954, 1, 1), 0), former=1, specific=specific)
    assert_known_answer(tenants["naka"], NHI, FY2024, inputs, (), expected)
