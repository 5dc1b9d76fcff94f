"""Known answers: the childcare fee's national rules for single-parent households, the 1号
(教育標準時間認定) fee, and 茨城県's third-child programme as a sibling option (core 2026.5).

Every expected value is worked by hand from the law (the core's fixed values, cited there) and
the town's table in its profile (tenant_profiles/*.pcfg); the working is in the comment above
each case.  The library never computes an expected value.  Each case runs compiled and
interpreted (``assert_known_answer``).

The law used (package_core/ibaraki-cloud.pcore, section 1):
- ひとり親世帯等 whose 所得割額 is below 77,101円 (年収約360万円未満相当, 保育料.ひとり親等所得基準)
  pay nothing: the 1st child at the non-taxed rate (0円 since 2019-10), the 2nd and later free
  (子ども・子育て支援法施行令第4条; 入間市・浦安市 pages).  Other households keep the 57,700円
  rule of 保育料.多子軽減所得基準.  保育料.利用者負担額 = 0 under that rule, else 保育料.月額計算.
- 1号: since 2019-10-01 every 1号 child (aged 3 or more) is free: the ceiling 保育料.1号国基準
  is 0円 from then, so a town's 保育料.1号月額 can only be 0円 (the core's default).
- 茨城県第3子: a child who is 3rd or later counted among all siblings (多子順位.全兄弟) is free
  whatever the income; otherwise the national rule (preschool count, or any-age count below
  57,700円).  かすみがうら市 switches to it on 2026-04-01 (illustrative).

Towns' 3号 rows used below (標準 / 短時間):
  那珂市        48,600..<97,000: 16,000/15,700; 169,000..<235,000: 33,000/32,400; <48,600: 9,000/8,800;
                >=397,000: 55,000/54,000
  常陸大宮市    <97,000: 9,000/8,800
  五霞町        169,000..<301,000: 35,000/34,400
  かすみがうら市 FY2024 (2023-04-01 block): >=397,000: 54,000/53,000; <133,000: 21,000/20,600;
                 <77,100: 13,500/13,200
                 FY2025–FY2026 (2025-04-01 block): <58,000: 9,900/9,700; <133,000: 18,900/18,500;
                 >=397,000: 48,600/47,700
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import ROOT, assert_known_answer

import paramcfg
from paramcfg.engine import check_profile_text

FY2024 = dt.date(2024, 6, 1)
FY2025 = dt.date(2025, 6, 1)
FY2026 = dt.date(2026, 6, 1)
D = dt.date
TOWNS = ("hitachiomiya", "naka", "kasumigaura", "goka")

FULL = "保育料.利用者負担額"
FEE = "保育料.月額計算"
SINGLE = "保育料.ひとり親等軽減"
EDU = "保育料.1号月額計算"


@pytest.fixture(scope="module")
def tenants(core):
    return {town: paramcfg.load_tenant(ROOT / "tenant_profiles" / f"{town}.pcfg", core)
            for town in TOWNS}


def child(income, cert="3号", hours="標準", *, single=False, welfare=False, exempt=False,
          preschool=1, siblings=1):
    """Inputs of 保育料.利用者負担額: ``preschool`` counts from the eldest preschool sibling,
    ``siblings`` from the eldest sibling of any age; ``single`` is ひとり親世帯等."""
    return {"所得割額": income, "認定": cert, "時間": hours, "生活保護世帯": welfare,
            "非課税世帯": exempt, "多子順位.未就学児": preschool, "多子順位.全兄弟": siblings,
            "ひとり親世帯等": single}


def case(ident, town, rule, expected, *, on=FY2024, inputs=None):
    return pytest.param(town, rule, on, inputs or {}, expected, id=ident)


CASES = [
    # ---- ひとり親世帯等 (施行令第4条: below 77,101円 the fee is 0) ----------------------------------
    # 那珂市, ひとり親, 77,100 < 77,101 → 0 (the table would say 16,000: row 48,600..<97,000).
    case("naka-single-77100", "naka", FULL, 0, inputs=child(77_100, single=True)),
    # Same household not ひとり親: 77,100 ≥ 57,700 → preschool count 1 → full 16,000.
    case("naka-not-single-77100", "naka", FULL, 16_000, inputs=child(77_100)),
    # ひとり親, 77,101 is not < 77,101 → no reduction; row 48,600..<97,000 標準 16,000; 1st child.
    case("naka-single-77101", "naka", FULL, 16_000, inputs=child(77_101, single=True)),
    # ひとり親, 所得割額 0 (均等割 only, not 非課税) → 0 < 77,101 → 0 (table: <48,600 短時間 8,800).
    case("naka-single-zero-income", "naka", FULL, 0,
         inputs=child(0, hours="短時間", single=True)),
    # ひとり親 at 200,000 ≥ 77,101: national sibling rule only; 国の基準, 2nd preschool child →
    # row 169,000..<235,000 短時間 32,400 / 2 = 16,200.
    case("naka-single-200000-2nd", "naka", FULL, 16_200,
         inputs=child(200_000, hours="短時間", single=True, preschool=2, siblings=2)),
    # The bare rule: ひとり親 and 77,100 < 77,101 → true; 77,101 → false; not ひとり親 → false.
    case("naka-single-rule-77100", "naka", SINGLE, expected=True, inputs=child(77_100, single=True)),
    case("naka-single-rule-77101", "naka", SINGLE, expected=False, inputs=child(77_101, single=True)),
    case("naka-single-rule-not-single", "naka", SINGLE, expected=False, inputs=child(10_000)),
    # 常陸大宮市 (制限なし), ひとり親, 60,000 < 77,101 → 0 (table: <97,000 短時間 8,800).
    case("hitachiomiya-single-60000", "hitachiomiya", FULL, 0,
         inputs=child(60_000, hours="短時間", single=True)),
    # 常陸大宮市, not ひとり親, 60,000 → row <97,000 短時間 8,800, 1st child → 8,800.
    case("hitachiomiya-not-single-60000", "hitachiomiya", FULL, 8_800,
         inputs=child(60_000, hours="短時間")),
    # 五霞町 FY2024, ひとり親, 250,000 ≥ 77,101 → row 169,000..<301,000 標準 35,000; 1st → 35,000.
    case("goka-single-250000", "goka", FULL, 35_000, inputs=child(250_000, single=True)),
    # かすみがうら市 FY2024, ひとり親, 77,099 < 77,101 → 0 (table: row <77,100 13,500).
    case("kasumigaura-single-77099", "kasumigaura", FULL, 0,
         inputs=child(77_099, single=True)),
    # かすみがうら市 FY2024, not ひとり親, 77,099 < 77,100 → row 58,000..<77,100 標準 13,500;
    # 77,099 ≥ 57,700 → preschool count 1 → 13,500.
    case("kasumigaura-not-single-77099", "kasumigaura", FULL, 13_500, inputs=child(77_099)),
    # ---- 茨城県第3子 (かすみがうら市 from 2026-04-01) -----------------------------------------------
    # 2026-03-31: still 国の基準; 400,000 ≥ 57,700 → preschool count 1 → FY2025 row >=397,000
    # 標準 48,600 in full, although the child is the 3rd of all siblings.
    case("kasumigaura-3rd-2026-03-31", "kasumigaura", FULL, 48_600, on=D(2026, 3, 31),
         inputs=child(400_000, preschool=1, siblings=3)),
    # 2026-04-01: 茨城県第3子 and 全兄弟 3 ≥ 3 → rank 3 → 0, whatever the income.
    case("kasumigaura-3rd-2026-04-01", "kasumigaura", FULL, 0, on=D(2026, 4, 1),
         inputs=child(400_000, preschool=1, siblings=3)),
    # FY2026, 4th of all siblings, 1,000,000 (top row), 短時間 → 0.
    case("kasumigaura-4th-top-income", "kasumigaura", FULL, 0, on=FY2026,
         inputs=child(1_000_000, hours="短時間", preschool=2, siblings=4)),
    # 2027-03-31 (the last day of the core's law): 3rd of all siblings, 500,000 → 0.
    case("kasumigaura-3rd-2027-03-31", "kasumigaura", FEE, 0, on=D(2027, 3, 31),
         inputs=child(500_000, preschool=1, siblings=3)),
    # FY2026, 2nd of all siblings and 1st preschool, 100,000 ≥ 57,700 → the prefecture's
    # programme is for the 3rd child only → preschool count 1 → row <133,000 標準 18,900 in full.
    case("kasumigaura-2nd-any-age-full", "kasumigaura", FULL, 18_900, on=FY2026,
         inputs=child(100_000, preschool=1, siblings=2)),
    # FY2026, 2nd preschool child, 100,000 → national half: 18,900 / 2 = 9,450.
    case("kasumigaura-2nd-preschool-half", "kasumigaura", FULL, 9_450, on=FY2026,
         inputs=child(100_000, preschool=2, siblings=2)),
    # FY2026, 50,000 < 57,700 → any-age count 2 → half of row <58,000 標準 9,900 = 4,950.
    case("kasumigaura-low-income-2nd", "kasumigaura", FULL, 4_950, on=FY2026,
         inputs=child(50_000, preschool=1, siblings=2)),
    # FY2026, 3rd preschool child (3 of 3) → 0 under either counting.
    case("kasumigaura-3rd-preschool", "kasumigaura", FEE, 0, on=FY2026,
         inputs=child(300_000, hours="短時間", preschool=3, siblings=3)),
    # 国の基準 town for contrast: 那珂市, 3rd of all siblings, 1st preschool, 400,000 ≥ 57,700 →
    # preschool count 1 → row >=397,000 標準 55,000 in full.
    case("naka-3rd-any-age-national", "naka", FULL, 55_000, on=FY2025,
         inputs=child(400_000, preschool=1, siblings=3)),
    # ---- 1号 (教育標準時間認定): 0円 since 2019-10-01 --------------------------------------------------
    # The ceiling is 0 from 2019-10-01 and the town's table is the core's 0円 → 0 at any income.
    case("naka-1go-500000", "naka", EDU, 0, inputs=child(500_000)),
    # 211,201 (the first yen of the old top bracket) → 0.
    case("hitachiomiya-1go-211201", "hitachiomiya", EDU, 0, on=FY2025, inputs=child(211_201)),
    # 生活保護 → 0 by the rule's first branch.
    case("goka-1go-welfare", "goka", EDU, 0, on=FY2026, inputs=child(0, welfare=True)),
    # 所得割額 0, 非課税 → 0.
    case("kasumigaura-1go-nontaxed", "kasumigaura", EDU, 0, inputs=child(0, exempt=True)),
]


@pytest.mark.parametrize(("town", "rule", "on", "inputs", "expected"), CASES)
def test_known_answer(tenants, town, rule, on, inputs, expected):
    assert_known_answer(tenants[town], rule, on, inputs, (), expected)


def test_the_fee_without_the_household_status_is_unchanged(tenants):
    """保育料.月額計算 keeps its seven inputs (no ひとり親世帯等), so every caller of the existing
    rule still works; the fee with the single-parent rule is 保育料.利用者負担額."""
    inputs = child(77_100, single=True)
    del inputs["ひとり親世帯等"]
    # 77,100 → 那珂市 row 48,600..<97,000 標準 16,000; 1st child → 16,000.
    assert tenants["naka"].evaluate(FEE, inputs, FY2024) == 16_000
    with pytest.raises(paramcfg.EvaluationError, match="ひとり親世帯等"):
        tenants["naka"].evaluate(FULL, inputs, FY2024)


def test_the_1go_ceiling_is_zero_since_2019_10(tenants):
    """The core's 1号 ceiling: 0円 in force from 2019-10-01, so in every year a town uses."""
    for on in (FY2024, FY2025, FY2026):
        ceiling = tenants["naka"].parameters(on)["保育料.1号国基準"]
        assert ceiling.cells == (0,)


NAKA_FIRST_BLOCK = "from 2024-04-01\n"


@pytest.mark.parametrize("fee", ["100円", "16,100円"])
def test_a_1go_table_above_zero_is_refused(core, fee):
    """A town that writes a 1号 fee above 0円 is told at the cell that it exceeds the ceiling
    (0円 since 2019-10-01), with the ceiling's name."""
    text = (ROOT / "tenant_profiles" / "naka.pcfg").read_text(encoding="utf-8")
    assert text.count(NAKA_FIRST_BLOCK) == 1
    table = ("  保育料.1号月額 =\n"
             "    | 所得割額   | 月額 |\n"
             "    | < 77,101円 |  0円 |\n"
             f"    | >= 77,101円 | {fee} |\n")
    changed = text.replace(NAKA_FIRST_BLOCK, NAKA_FIRST_BLOCK + table)
    (d,) = check_profile_text(changed, core, "naka-1go.pcfg").diagnostics
    line = next(i for i, x in enumerate(changed.splitlines(), start=1) if fee in x)
    assert (d.code, d.span.line) == ("PC0507", line)
    assert "保育料.1号国基準" in d.message()
