"""Known answers for the NHI part of core release 2026.4: the 子ども・子育て支援納付金分 (support
levy, from FY2026), the FY2026 statutory caps, and 産前産後軽減 (since 2024-01).

Every expected value is worked out by hand from the law (FACTS.md §6 and §9; the core's fixed
parameters) and the towns' figures in their profiles; the working is in the comment above each
case.  The library never computes an expected value.  Each case runs through the compiled
rules (``evaluate``) and the reference interpreter (``interpret``), with the exact type.

The towns' FY2026 figures (tenant_profiles/, block from 2026-04-01; the support-levy values
are illustrative, 例示):

  naka 那珂市 (三方式): 所得割 6.4% / 2.4% / 2.2%, 均等割 25,000 / 10,000 / 12,000, 平等割
    20,000 / 8,000 / 6,000 (医療 / 支援 / 介護), caps 670,000 / 260,000 / 170,000;
    support levy 0.3%, 1,500, 平等割 1,000, 18歳以上加算 0, cap 30,000.
  hitachiomiya 常陸大宮市 (二方式): 6.4% / 3.4% / 3%, 27,600 / 14,300 / 15,400, caps
    660,000 / 260,000 / 170,000; support levy 0.35%, 1,900, 18歳以上加算 100, cap 30,000.
  kasumigaura かすみがうら市 (二方式): 6% / 2.5% / 2.1%, 32,000 / 14,000 / 16,000, caps
    650,000 / 240,000 / 170,000; support levy 0.4%, 1,800, 18歳以上加算 100, cap 30,000.
  goka 五霞町 (三方式): 7% / 2.6% / 2.3%, 26,000 / 9,500 / 13,000, 平等割 22,000 / 7,000 /
    6,500, caps 630,000 / 220,000 / 160,000; support levy 0.32%, 1,400, 平等割 1,200,
    cap 28,000.

Law (the core): 基礎控除 430,000; FY2026 reduction thresholds as FY2025 (the FY2026 additions
are 未確認): 7割 ≤ 430,000 + 100,000 × (earners − 1); 5割 ≤ that + 305,000 × members; 2割 ≤
that + 560,000 × members.  Support levy: members under 18 on 1 April (up to the 31 March after
their 18th birthday) pay no per-member amount; adults pay (均等割額 + 18歳以上加算額) × (1 −
reduction); 平等割 only 三方式; capped, floored to 100.  産前産後: the member's income part and
per-member amount are charged for (12 − months)/12, months = the birth month − 1 … + 2 (single)
or − 3 … + 2 (multiple), from 2024-01 on; per-member amounts floored to 1 yen per member, the
income part on the household's sum.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from helpers import ROOT, assert_known_answer

import paramcfg

D = dt.date
FY2023 = D(2023, 6, 1)
FY2025 = D(2025, 6, 1)
FY2026 = D(2026, 6, 1)
TOWNS = ("hitachiomiya", "naka", "kasumigaura", "goka")

NHI = "国保.年税額"
MED, SUP, CARE = "国保.医療分税額", "国保.支援金分税額", "国保.介護分税額"
LEVY = "国保.子ども支援分税額"
REDUCTION = "国保.軽減割合"
BIRTH_MONTHS = "国保.産前産後軽減月数"


def member(birth, income, *, judged=None, births=None, multiple=None):
    """One NHI member; 出産予定日 and 多胎 only when given (else the record's defaults)."""
    m = {"生年月日": birth, "総所得金額等": income,
         "軽減判定所得": income if judged is None else judged}
    if births is not None:
        m["出産予定日"] = births
    if multiple is not None:
        m["多胎"] = multiple
    return m


def household(*members, others=0, former=0, earners=1, specific="該当なし"):
    return {"国保.被保険者": list(members), "国保.被保険者以外の判定所得": others,
            "国保.特定同一世帯所属者数": former, "国保.給与所得者等の数": earners,
            "国保.特定世帯区分": specific}


def case(ident, town, rule, expected, *, on=FY2026, inputs=None, args=()):
    return pytest.param(town, rule, on, inputs or {}, args, expected, id=ident)


AGED50 = D(1976, 1, 1)  # 50 on 2026-04-01: 40–64 all of FY2026

# 那珂市: parents aged 45 and 43 (income 2,000,000 and 0), a child who is 18 on 1 April 2026
# (born 2008-04-01: reaches 18 on 2026-03-31, so no longer a child in FY2026), one who is 17
# (born 2008-04-02: reaches 18 on 2026-04-01, a child until 2027-03-31) and one aged 10.
# One earner, 5 members: 5割 ≤ 430,000 + 305,000 × 5 = 1,955,000 < 2,000,000 ≤ 2割
# 430,000 + 560,000 × 5 = 3,230,000 → 20%.  Base 1,570,000.
NAKA_FAMILY = household(member(D(1981, 1, 1), 2_000_000), member(D(1983, 1, 1), 0),
                        member(D(2008, 4, 1), 0), member(D(2008, 4, 2), 0),
                        member(D(2015, 5, 5), 0))
# The same with the eldest child one day younger: two children of 17.
NAKA_FAMILY_ONE_DAY_YOUNGER = household(
    member(D(1981, 1, 1), 2_000_000), member(D(1983, 1, 1), 0), member(D(2008, 4, 2), 0),
    member(D(2008, 4, 2), 0), member(D(2015, 5, 5), 0))

# 那珂市: a mother aged 30 (income 2,430,000, base 2,000,000) expecting on 2026-08-20 and a
# father aged 32 with no income; one earner, 2 members: 2,430,000 > 430,000 + 560,000 × 2 =
# 1,550,000 → no reduction.  Single birth: July … October = 4 months, so she is charged 8.
MOTHER = member(D(1995, 6, 1), 2_430_000, births=[D(2026, 8, 20)])
FATHER = member(D(1993, 6, 1), 0)
NAKA_BIRTH = household(MOTHER, FATHER)

CASES = [
    # ==== 子ども支援分: the per-member exemption up to the 31 March after the 18th birthday ====
    # NAKA_FAMILY: 所得割 1,570,000 × 0.3% = 4,710; 均等割 1,500 × 0.8 = 1,200 for the parents
    # and the 18-year-old = 3,600 (the 17- and 10-year-olds 0); 平等割 1,000 × 0.8 = 800
    # → 9,110 → 9,100.
    case("naka-levy-children-18-and-17", "naka", LEVY, 9_100, inputs=NAKA_FAMILY),
    # One day younger: only the parents pay: 4,710 + 2,400 + 800 = 7,910 → 7,900.
    case("naka-levy-children-both-17", "naka", LEVY, 7_900, inputs=NAKA_FAMILY_ONE_DAY_YOUNGER),
    # The other parts of NAKA_FAMILY (the 10-year-old is not preschool):
    #   医療 1,570,000 × 6.4% = 100,480 + 20,000 × 5 + 16,000 = 216,480 → 216,400
    #   支援 1,570,000 × 2.4% = 37,680 + 8,000 × 5 + 6,400 = 84,080 → 84,000
    #   介護 (the parents, 45 and 43, all year) 34,540 + 9,600 × 2 + 4,800 = 58,540 → 58,500
    #   total 216,400 + 84,000 + 58,500 + 9,100 = 368,000.
    case("naka-fy2026-family-medical", "naka", MED, 216_400, inputs=NAKA_FAMILY),
    case("naka-fy2026-family-total", "naka", NHI, 368_000, inputs=NAKA_FAMILY),
    # 常陸大宮市 (二方式, 18歳以上加算 100円): an adult aged 29 with income 2,000,000 and a
    # child aged 4 (preschool); 2 members: 2,000,000 > 430,000 + 560,000 × 2 → no reduction.
    #   levy 1,570,000 × 0.35% = 5,495 + (1,900 + 100) for the adult, 0 for the child
    #        = 7,495 → 7,400 (no 平等割: 二方式)
    #   医療 100,480 + 27,600 + 13,800 (preschool half) = 141,880 → 141,800
    #   支援 1,570,000 × 3.4% = 53,380 + 14,300 + 7,150 = 74,830 → 74,800; 介護 0
    #   total 141,800 + 74,800 + 7,400 = 224,000.
    *[case(f"hitachiomiya-fy2026-preschool-{part}", "hitachiomiya", rule, expected,
           inputs=household(member(D(1996, 6, 1), 2_000_000), member(D(2021, 6, 1), 0)))
      for part, rule, expected in (("levy", LEVY, 7_400), ("total", NHI, 224_000))],
    # かすみがうら市 (二方式): an adult aged 50 with income 1,000,000 and a child aged 16; 2
    # members: 430,000 < 1,000,000 ≤ 430,000 + 305,000 × 2 = 1,040,000 → 50%.  Base 570,000.
    #   levy 570,000 × 0.4% = 2,280 + (1,800 + 100) × 0.5 = 950 → 3,230 → 3,200
    #   医療 34,200 + 16,000 × 2 = 66,200; 支援 14,250 + 7,000 × 2 = 28,250 → 28,200
    #   介護 570,000 × 2.1% = 11,970 + 8,000 = 19,970 → 19,900
    #   total 66,200 + 28,200 + 19,900 + 3,200 = 117,500.
    *[case(f"kasumigaura-fy2026-5wari-{part}", "kasumigaura", rule, expected,
           inputs=household(member(AGED50, 1_000_000), member(D(2010, 1, 1), 0)))
      for part, rule, expected in (("levy", LEVY, 3_200), ("total", NHI, 117_500))],

    # ==== 子ども支援分: the caps ==================================================================
    # 五霞町, one member aged 50, income 20,000,000: levy 19,570,000 × 0.32% = 62,624 + 1,400 +
    # 1,200 > 28,000 (the town's cap, below the statutory 30,000) → 28,000; the other parts
    # hit 630,000 / 220,000 / 160,000 → total 1,038,000.
    *[case(f"goka-fy2026-cap-{part}", "goka", rule, expected,
           inputs=household(member(AGED50, 20_000_000)))
      for part, rule, expected in (("levy", LEVY, 28_000), ("medical", MED, 630_000),
                                   ("total", NHI, 1_038_000))],
    # 那珂市 follows the FY2026 statutory caps: 670,000 + 260,000 + 170,000 + 30,000 = 1,130,000.
    case("naka-fy2026-caps-total", "naka", NHI, 1_130_000,
         inputs=household(member(AGED50, 20_000_000))),
    # 那珂市, one member aged 50, no reduction, at the levy's cap: base 9,166,667 × 0.3% =
    # 27,500.001 → 27,500 + 1,500 + 1,000 = 30,000 = the cap → 30,000.
    case("naka-levy-at-cap", "naka", LEVY, 30_000,
         inputs=household(member(AGED50, 9_596_667))),
    # Base 9,166,600: 27,499.8 → 27,499 + 2,500 = 29,999 → 29,900 (below the cap).
    case("naka-levy-below-cap", "naka", LEVY, 29_900,
         inputs=household(member(AGED50, 9_596_600))),

    # ==== the reductions at their FY2026 boundaries (one member, one earner) ===================
    # 7割 ≤ 430,000: levy 1,500 × 0.3 = 450 + 1,000 × 0.3 = 300 → 750 → 700.
    case("naka-fy2026-7wari-at", "naka", REDUCTION, Decimal("0.7"),
         inputs=household(member(AGED50, 430_000))),
    case("naka-levy-7wari-at", "naka", LEVY, 700, inputs=household(member(AGED50, 430_000))),
    # 430,001 → 5割: 所得割 1 × 0.3% → 0; 750 + 500 = 1,250 → 1,200.
    case("naka-fy2026-7wari-plus1", "naka", REDUCTION, Decimal("0.5"),
         inputs=household(member(AGED50, 430_001))),
    case("naka-levy-7wari-plus1", "naka", LEVY, 1_200, inputs=household(member(AGED50, 430_001))),
    # 5割 ≤ 430,000 + 305,000 = 735,000 (the FY2025 addition kept): base 305,000 × 0.3% = 915
    # + 750 + 500 = 2,165 → 2,100.  One yen more → 2割: 915 + 1,200 + 800 = 2,915 → 2,900.
    case("naka-fy2026-5wari-at", "naka", REDUCTION, Decimal("0.5"),
         inputs=household(member(AGED50, 735_000))),
    case("naka-levy-5wari-at", "naka", LEVY, 2_100, inputs=household(member(AGED50, 735_000))),
    case("naka-fy2026-5wari-plus1", "naka", REDUCTION, Decimal("0.2"),
         inputs=household(member(AGED50, 735_001))),
    case("naka-levy-5wari-plus1", "naka", LEVY, 2_900, inputs=household(member(AGED50, 735_001))),
    # 2割 ≤ 430,000 + 560,000 = 990,000: 1,680 + 1,200 + 800 = 3,680 → 3,600.  One yen more
    # → no reduction: 1,680 + 1,500 + 1,000 = 4,180 → 4,100.
    case("naka-fy2026-2wari-at", "naka", REDUCTION, Decimal("0.2"),
         inputs=household(member(AGED50, 990_000))),
    case("naka-levy-2wari-at", "naka", LEVY, 3_600, inputs=household(member(AGED50, 990_000))),
    case("naka-fy2026-2wari-plus1", "naka", REDUCTION, Decimal(0),
         inputs=household(member(AGED50, 990_001))),
    case("naka-levy-2wari-plus1", "naka", LEVY, 4_100, inputs=household(member(AGED50, 990_001))),

    # ==== 産前産後軽減 ==========================================================================
    # NAKA_BIRTH (the mother charged 8 of 12 months):
    #   医療 所得割 2,000,000 × 8 × 6.4% ÷ 12 = 85,333.3 → 85,333; 均等割 25,000 × 8 ÷ 12 =
    #        16,666 + 25,000 (father); 平等割 20,000 (not reduced) → 146,999 → 146,900
    #   支援 2,000,000 × 8 × 2.4% ÷ 12 = 32,000 + 6,666 + 10,000 + 8,000 = 56,666 → 56,600
    #   介護 0 (both under 40)
    #   levy 2,000,000 × 8 × 0.3% ÷ 12 = 4,000 + 1,500 × 8 ÷ 12 = 1,000 + 1,500 + 1,000
    #        = 7,500 → 7,500
    #   total 146,900 + 56,600 + 7,500 = 211,000.
    case("naka-birth-months", "naka", BIRTH_MONTHS, 4, args=(MOTHER,), inputs=NAKA_BIRTH),
    case("naka-birth-medical", "naka", MED, 146_900, inputs=NAKA_BIRTH),
    case("naka-birth-levy", "naka", LEVY, 7_500, inputs=NAKA_BIRTH),
    case("naka-birth-total", "naka", NHI, 211_000, inputs=NAKA_BIRTH),
    # Without the birth: 医療 128,000 + 50,000 + 20,000 = 198,000; 支援 48,000 + 20,000 + 8,000
    # = 76,000; levy 6,000 + 3,000 + 1,000 = 10,000 → total 284,000.
    case("naka-no-birth-total", "naka", NHI, 284_000,
         inputs=household(member(D(1995, 6, 1), 2_430_000), FATHER)),
    # Multiple birth, expected 2026-08-20: May … October = 6 months.
    case("naka-birth-multiple-months", "naka", BIRTH_MONTHS, 6,
         args=(member(D(1995, 6, 1), 0, births=[D(2026, 8, 20)], multiple=True),)),
    # Expected 2026-04-10: March … June 2026; FY2026 has April, May, June = 3, FY2025 March = 1.
    case("naka-birth-april-fy2026", "naka", BIRTH_MONTHS, 3,
         args=(member(D(1995, 6, 1), 0, births=[D(2026, 4, 10)]),)),
    case("naka-birth-april-fy2025", "naka", BIRTH_MONTHS, 1, on=FY2025,
         args=(member(D(1995, 6, 1), 0, births=[D(2026, 4, 10)]),)),
    # Expected 2023-12-15: November 2023 … February 2024, but only from January 2024 (the start
    # of the measure): 2 months in FY2023.  かすみがうら市 has FY2023 values.
    case("kasumigaura-birth-before-2024", "kasumigaura", BIRTH_MONTHS, 2, on=FY2023,
         args=(member(D(1995, 6, 1), 0, births=[D(2023, 12, 15)]),)),
    # The care part month by month: a mother born 1986-11-15 reaches 40 on 2026-11-14, so the
    # care part runs November … March (5 months); father aged 32; no reduction.  Her monthly
    # amount: 2,000,000 × 2.2% = 44,000 + 12,000 + 平等割 6,000 = 62,000.
    #   Birth expected 2026-08-20 (July … October): no overlap: 62,000 × 5 ÷ 12 = 25,833 → 25,800.
    case("naka-care-birth-before-40", "naka", CARE, 25_800,
         inputs=household(member(D(1986, 11, 15), 2_430_000, births=[D(2026, 8, 20)]),
                          FATHER)),
    #   Birth expected 2026-12-10 (November … February): November … February only the
    #   平等割 6,000 (income part and 均等割 not charged), March 62,000:
    #   (6,000 × 4 + 62,000) ÷ 12 = 86,000 ÷ 12 = 7,166 → 7,100.
    case("naka-care-birth-after-40", "naka", CARE, 7_100,
         inputs=household(member(D(1986, 11, 15), 2_430_000, births=[D(2026, 12, 10)]),
                          FATHER)),

    # ==== FY2025: unchanged by the release ======================================================
    # 那珂市 FY2025, the household of docs/areas/nhi-tax.md: head 1980-05-10 (1,500,000), spouse
    # 1984-10-15 (300,000; 40 since 2024-10-14, so 40–64 all FY2025), child 2019-08-01 (5 on
    # 2025-04-01: preschool); two earners: 530,000 + 305,000 × 3 = 1,445,000 < 1,800,000 ≤
    # 530,000 + 560,000 × 3 = 2,210,000 → 20%.
    #   医療 68,480 + 20,000 × 2 + 10,000 + 16,000 = 134,480 → 134,400
    #   支援 25,680 + 8,000 × 2 + 4,000 + 6,400 = 52,080 → 52,000
    #   介護 23,540 + 9,600 × 2 + 4,800 = 47,540 → 47,500; levy 0 (before FY2026)
    #   total 233,900.
    *[case(f"naka-fy2025-unchanged-{part}", "naka", rule, expected, on=FY2025,
           inputs=household(member(D(1980, 5, 10), 1_500_000), member(D(1984, 10, 15), 300_000),
                            member(D(2019, 8, 1), 0), earners=2))
      for part, rule, expected in (("levy", LEVY, 0), ("total", NHI, 233_900))],
]


def test_every_town_is_covered():
    assert {p.values[0] for p in CASES} == set(TOWNS)
    assert {NHI, MED, CARE, LEVY, REDUCTION, BIRTH_MONTHS} <= {p.values[1] for p in CASES}


@pytest.mark.parametrize(("town", "rule", "on", "inputs", "args", "expected"), CASES)
def test_known_answer(tenants, town, rule, on, inputs, args, expected):
    assert_known_answer(tenants[town], rule, on, inputs, args, expected)


#: Columns of 軽自動車税.三輪四輪.税率 that core 2026.4 added (the FY2026 green reduction rows);
#: a profile that sets them cannot be read by core 2024.4, so the comparison drops them.
_NEW_LIGHT_VEHICLE_COLUMNS = ("グリーン化50", "グリーン化25")


def _drop_new_light_vehicle_columns(text: str) -> str:
    out: list[str] = []
    in_table, keep = False, None
    for line in text.split("\n"):
        if in_table and line.startswith("    |"):
            cells = line.strip()[1:-1].split("|")
            if keep is None:  # the header row
                keep = [i for i, c in enumerate(cells)
                        if c.strip() not in _NEW_LIGHT_VEHICLE_COLUMNS]
            out.append("    |" + "|".join(cells[i] for i in keep) + "|")
            continue
        in_table, keep = line.strip() == "軽自動車税.三輪四輪.税率 =", None
        out.append(line)
    return "\n".join(out)


def _profile_for_release_2024_4(town: str) -> str:
    """The town's profile as core 2024.4 reads it: `uses >= 2024.4`, no FY2026 block, no
    light-vehicle columns that 2026.4 added (not NHI, so the NHI comparison is unaffected)."""
    text = (ROOT / "tenant_profiles" / f"{town}.pcfg").read_text(encoding="utf-8")
    text = text.replace('uses "ibaraki-cloud" >= 2026.5', 'uses "ibaraki-cloud" >= 2024.4')
    head, sep, _ = text.partition("\nfrom 2026-04-01\n")
    assert sep, town
    return _drop_new_light_vehicle_columns(head) + "\n"


#: Households for the comparison with the released core: every reduction level, preschool
#: children, a member reaching 40 and one reaching 65 during the year, 特定世帯, caps.
RELEASE_HOUSEHOLDS = [
    household(member(AGED50, 430_000)),
    household(member(D(1980, 5, 10), 1_500_000), member(D(1984, 10, 15), 300_000),
              member(D(2019, 8, 1), 0), earners=2),
    household(member(D(1960, 1, 15), 300_000), member(D(1955, 6, 1), 530_000, judged=380_000),
              others=50_000),
    household(member(D(1954, 1, 1), 0), former=1, specific="特定世帯"),
    household(member(AGED50, 20_000_000), member(D(2022, 3, 1), 0)),
    household(member(D(1985, 2, 2), 3_333_333), member(D(1984, 7, 31), 777_777),
              member(D(2008, 4, 1), 12_345), earners=3, specific="特定継続世帯"),
]


@pytest.mark.parametrize("town", [  # one town in the default tier; each loads release 2024.4
    TOWNS[0], *(pytest.param(town, marks=pytest.mark.slow) for town in TOWNS[1:])])
def test_fy2023_to_fy2025_are_unchanged_from_release_2024_4(tmp_path, town, tenants):
    # The released core (kept verbatim) and its profile give the same amounts, part by part,
    # for every household and date before FY2026; the new core adds only a 0円 fourth part.
    old_core = paramcfg.load_core(ROOT / "package_core" / "releases" / "2024.4")
    assert old_core.ok
    path = tmp_path / f"{town}.pcfg"
    path.write_text(_profile_for_release_2024_4(town), encoding="utf-8")
    old = paramcfg.load_tenant(path, old_core)
    new = tenants[town]
    first = 2023 if town == "kasumigaura" else 2024
    dates = [D(y, m, d) for y in range(first, 2026) for (m, d) in ((4, 1), (9, 30))]
    dates += [D(2026, 3, 31)]
    for on in dates:
        for inputs in RELEASE_HOUSEHOLDS:
            for rule in (MED, SUP, CARE, NHI):
                assert new.evaluate(rule, inputs, on) == old.evaluate(rule, inputs, on), (
                    town, on, rule, inputs)
            assert new.evaluate(LEVY, inputs, on) == 0


def test_the_release_comparison_strips_only_the_fy2026_block():
    text = _profile_for_release_2024_4("naka")
    assert "子ども支援分" not in text
    assert re.search(r"^from 2025-04-01$", text, re.MULTILINE)


def test_the_levy_params_are_not_read_before_fy2026(tenants):
    # Before 2026-04-01 the core's switch is off, so the part is 0円 whatever the town's values.
    params = tenants["naka"].parameters(FY2025)
    assert params["国保.子ども支援分.賦課"] is False
    assert params["国保.子ども支援分.法定限度額"] == 0
    params = tenants["naka"].parameters(FY2026)
    assert params["国保.子ども支援分.賦課"] is True
    assert params["国保.子ども支援分.法定限度額"] == 30_000
    assert params["国保.法定限度額"].lookup("医療分") == 670_000


def test_a_town_without_fy2026_levy_values_is_told_from_2026_04_01(core):
    # The rate, the per-member amount and the town's cap are `required from 2026-04-01`: a
    # profile that stops at FY2025 is complete up to 2026-03-31 and gets PC0401 for each.
    text = _profile_for_release_2024_4("naka").replace(
        'uses "ibaraki-cloud" >= 2024.4', 'uses "ibaraki-cloud" >= 2026.5')
    result = paramcfg.check_profile_text(text, core, "naka-fy2025.pcfg")
    missing = sorted((str(d.args["name"]), d.args["date"])
                     for d in result.diagnostics if d.code == "PC0401")
    assert missing == [("国保.子ども支援分.均等割額", "2026-04-01"),
                       ("国保.子ども支援分.所得割率", "2026-04-01"),
                       ("国保.子ども支援分.課税限度額", "2026-04-01")]
    assert paramcfg.check_profile(ROOT / "tenant_profiles" / "naka.pcfg", core).ok
