"""The checker's rules, one by one, with hand-worked expectations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from helpers import ROOT, load_core_text

from paramcfg import types as t
from paramcfg.check import code_check_digit
from paramcfg.engine import check_profile_text
from paramcfg.model import resolve
from paramcfg.tables import Brackets, Table, compare_cells

HEADER = 'tenant "五霞町" code 085421\nuses "golden" >= 2024.4\n'
NOTICE = '  通知書 = { 表題 = "通知書", 首長名 = "太郎" }\n'
FEES = (
    "  料金 =\n"
    "    | 所得         |     甲 |     乙 |\n"
    "    | < 100,000円  | 1,000円 |   900円 |\n"
    "    | >= 100,000円 | 2,000円 | 1,800円 |\n"
)


def codes(result) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in result.diagnostics]


# ---- 地方公共団体コード ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    # FACTS.md test vectors.  Worked example, 131016 千代田区: 1*6 + 3*5 + 1*4 + 0*3 + 1*2 = 27;
    # 27 mod 11 = 5; (11 - 5) mod 10 = 6.  For 082252 常陸大宮市: 0+40+8+6+10 = 64; 64 mod 11 = 9;
    # 11 - 9 = 2.
    ["011002", "131016", "082015", "082252", "082261", "082309", "085421"],
)
def test_check_digit_of_real_codes(code):
    assert code_check_digit(code[:5]) == int(code[5])


def test_check_digit_edge_cases():
    # r = 0 gives 1: 00000 → sum 0.  r = 1 gives 0: 00001 → 2*1 = 2, r = 2 → 9; find r = 1:
    # 10000 → 6; 00010 → 3; 00100 → 4; 01000 → 5; 20000 → 12 → r = 1 → 0.
    assert code_check_digit("00000") == 1
    assert code_check_digit("20000") == 0


def test_wrong_check_digit_names_the_right_one(golden_core):
    text = HEADER.replace("085421", "085429") + "from 2024-04-01\n" + NOTICE + FEES
    result = check_profile_text(text, golden_core)
    (d,) = result.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("PC0601", 1, 19)
    assert "should be 1, not 9" in d.message()


# ---- effective dates ----------------------------------------------------------------------


def test_values_persist_until_replaced_and_core_defaults_fill_the_rest(golden_core):
    text = (HEADER + "from 2024-04-01\n" + NOTICE + FEES + "  税率 = 1.5%\n"
            "from 2025-04-01\n  税率 = 1.6%\n")
    result = check_profile_text(text, golden_core)
    assert result.diagnostics == ()
    core, profile = golden_core.core, result.profile
    assert resolve(core, profile, dt.date(2024, 3, 31)).get("料金") is None
    on_2024 = resolve(core, profile, dt.date(2024, 4, 1))
    assert on_2024["税率"].value == Decimal("0.015")
    assert on_2024["税率"].origin == "profile"
    assert on_2024["上乗せ率"].value == Decimal("0.003")  # the core's default
    assert on_2024["上乗せ率"].origin == "default"
    on_2025 = resolve(core, profile, dt.date(2026, 1, 1))
    assert on_2025["税率"].value == Decimal("0.016")
    assert on_2025["料金"].since == dt.date(2024, 4, 1)  # unchanged since the first block


def test_required_value_missing_from_the_first_block_only(golden_core):
    text = (HEADER + "from 2024-04-01\n" + NOTICE + "from 2025-04-01\n" + FEES)
    result = check_profile_text(text, golden_core)
    assert codes(result) == [("PC0401", 3, 1)]
    assert "as of 2024-04-01" in result.diagnostics[0].message()


def test_a_later_bad_value_is_blamed_on_its_own_line(golden_core):
    text = HEADER + "from 2024-04-01\n" + NOTICE + FEES + "from 2025-04-01\n  上乗せ率 = 0.4%\n"
    result = check_profile_text(text, golden_core)
    assert codes(result) == [("PC0302", 10, 3)]


# ---- tables against a ceiling with different breakpoints -------------------------------------


def fee_table(rows: str) -> str:
    return (HEADER + "from 2024-04-01\n" + NOTICE + "  料金 =\n"
            "    | 所得 | 甲 | 乙 |\n" + rows)


def test_ceiling_merged_over_different_breakpoints(golden_core):
    # Ceiling (golden core): [0,100k) 甲 1,000 乙 900; [100k,200k) 2,000 / 1,800; [200k,∞) 3,000 / 2,700.
    # The town's bracket [50k, 250k) spans all three; 乙 = 1,000 exceeds 900 on [50k, 100k)
    # only, and 甲 = 1,000 is within every ceiling part.
    text = fee_table(
        "    | < 50,000円 | 800円 | 700円 |\n"
        "    | < 250,000円 | 1,000円 | 1,000円 |\n"
        "    | >= 250,000円 | 3,000円 | 2,700円 |\n"
    )
    result = check_profile_text(text, golden_core)
    (d,) = result.diagnostics
    assert d.code == "PC0507"
    assert d.args["cell"] == "乙"
    assert d.args["range"] == "from 50,000円 to below 100,000円"
    assert d.args["bound"] == "900円"
    assert d.args["split"] == "100,000円"
    assert "50,000円 以上 100,000円 未満" in d.message("ja")


def test_ceiling_exceeded_only_in_a_later_part_of_the_bracket():
    # compare_cells directly: a cell of 2,500 over [150k, 300k) against ceiling 2,000 on
    # [100k, 200k) and 3,000 on [200k, ∞): exceeded on [150k, 200k), split at 200k.
    axis = t.Axis("所得", t.YenType())
    ty = t.TableType((axis,), t.YenType())
    town = Table(ty, Brackets((0, 150_000, 300_000), (150_000, 300_000, None), ()),
                 (1_000, 2_500, 2_600), ())
    ceiling = Table(ty, Brackets((0, 100_000, 200_000), (100_000, 200_000, None), ()),
                    (1_000, 2_000, 3_000), ())
    (ex,) = compare_cells(town, ceiling)
    assert (ex.value, ex.bound, ex.low, ex.high) == (2_500, 2_000, 150_000, 200_000)
    assert ex.split == 200_000


def test_equal_to_the_ceiling_is_allowed(golden_core):
    text = fee_table(
        "    | < 100,000円 | 1,000円 | 900円 |\n"
        "    | < 200,000円 | 2,000円 | 1,800円 |\n"
        "    | >= 200,000円 | 3,000円 | 2,700円 |\n"
    )
    assert check_profile_text(text, golden_core).diagnostics == ()


def test_table_lookup_by_bisect(golden_core):
    result = check_profile_text(fee_table(
        "    | < 50,000円 | 800円 | 700円 |\n"
        "    | 50,000円 ..< 150,000円 | 900円 | 800円 |\n"
        "    | >= 150,000円 | 1,900円 | 1,800円 |\n"), golden_core)
    assert result.diagnostics == ()
    table = resolve(golden_core.core, result.profile, dt.date(2024, 4, 1))["料金"].value
    assert isinstance(table, Table)
    assert table.lookup(0, "甲") == 800
    assert table.lookup(49_999, "乙") == 700
    assert table.lookup(50_000, "乙") == 800  # half-open: the boundary belongs to the next row
    assert table.lookup(10**12, "甲") == 1_900


# ---- cross-parameter caps ---------------------------------------------------------------------


def test_one_and_a_half_times_the_standard_rate(golden_core):
    # 標準額 1級地 2,000円 → cap 1.5 × 2,000 = 3,000円 (exact Decimal arithmetic).
    text = (HEADER + "from 2024-04-01\n" + NOTICE + FEES + "  額 =\n    | 階級 | 額 |\n"
            "    | 1級地 | 3,000円 |\n    | 2級地 | 3,601円 |\n    | 3級地 | 4,500円 |\n")
    result = check_profile_text(text, golden_core)
    (d,) = result.diagnostics
    assert d.code == "PC0303"
    assert d.args["name"] == "額[2級地]"
    assert d.args["bound"] == "3,600円"  # 1.5 × 2,400
    assert d.args["bound_expr"] == "1.5 * 標準額"


def test_cap_from_another_parameter_changes_with_the_core(core):
    # 国保.課税限度額 ≤ 国保.法定限度額 cell by cell; the core raises the statutory 医療分 cap
    # from 650,000円 to 660,000円 on 2025-04-01: 660,000 is wrong in FY2024 and right from FY2025.
    # (五霞町's profile has a block from 2026-04-01 already, so the raise comes later in FY2026.)
    base = (ROOT / "tenant_profiles" / "goka.pcfg").read_text(encoding="utf-8")
    raised = ("  国保.課税限度額 =\n    | 国保区分 | 課税限度額 |\n    | 医療分   |  660,000円 |\n"
              "    | 支援金分 |  260,000円 |\n    | 介護分   |  170,000円 |\n")
    assert check_profile_text(base + "\nfrom 2026-10-01\n" + raised, core).ok
    row = "| 医療分   |  630,000円 |"
    assert base.count(row) == 1
    early = base.replace(row, "| 医療分   |  660,000円 |")
    result = check_profile_text(early, core)
    assert [d.code for d in result.diagnostics] == ["PC0303"]
    assert result.diagnostics[0].args["bound"] == "650,000円"
    assert result.diagnostics[0].args["name"] == "国保.課税限度額[医療分]"


def test_a_town_cap_above_the_fy2023_statutory_cap_is_found_in_fy2023_only(core):
    # かすみがうら市 starts on 2023-04-01 with 支援金分 220,000円, the FY2023 statutory cap; the
    # FY2024 cap (240,000円) is not allowed before 2024-04-01.
    base = (ROOT / "tenant_profiles" / "kasumigaura.pcfg").read_text(encoding="utf-8")
    row = "| 支援金分 |  220,000円 |"
    assert base.count(row) == 1
    result = check_profile_text(base.replace(row, "| 支援金分 |  240,000円 |"), core)
    assert [(d.code, d.args["bound"]) for d in result.diagnostics] == [("PC0303", "220,000円")]


# ---- `when`: a value that no rule uses with the town's option ---------------------------------

GOKA = (ROOT / "tenant_profiles" / "goka.pcfg").read_text(encoding="utf-8")
HOUSEHOLD_ROWS = ("    | 医療分   |  22,000円 |\n    | 支援金分 |   7,000円 |\n"
                  "    | 介護分   |   6,500円 |\n")


def test_a_per_household_amount_under_the_two_part_method_is_reported(core):
    # 五霞町 levies 平等割 (三方式); switched to 二方式, its 平等割額 would never be used, nor
    # (from FY2026) the support levy's 平等割額.
    assert GOKA.count("  国保.賦課方式 = 三方式\n") == 1
    text = GOKA.replace("  国保.賦課方式 = 三方式\n", "  国保.賦課方式 = 二方式\n")
    result = check_profile_text(text, core, "goka.pcfg")
    d, levy = result.diagnostics
    assert (levy.code, levy.args["date"]) == ("PC0412", "2026-04-01")
    assert levy.span.line == next(i for i, x in enumerate(text.splitlines(), start=1)
                                  if x.startswith("  国保.子ども支援分.平等割額 ="))
    line = text.splitlines().index("  国保.平等割額 =") + 1
    assert (d.code, d.span.line, d.span.col) == ("PC0412", line, 3)
    assert d.args["switch"] == "国保.賦課方式"
    assert d.args["actual"] == "二方式"
    assert d.args["date"] == "2024-04-01"  # reported once, on the first date only


def test_switching_method_later_reports_the_value_left_behind_on_that_date(core):
    switched = GOKA.replace("from 2025-04-01\n", "from 2025-04-01\n  国保.賦課方式 = 二方式\n")
    result = check_profile_text(switched, core, "goka.pcfg")
    assert [(d.code, d.args["date"]) for d in result.diagnostics] == [
        ("PC0412", "2025-04-01"), ("PC0412", "2026-04-01")]  # 平等割額, 子ども支援分.平等割額
    # Setting the amounts back to the core's default (0円) is the fix.
    zeros = HOUSEHOLD_ROWS.replace("22,000円", "     0円").replace("7,000円", "   0円").replace(
        "6,500円", "   0円")
    levy = "  国保.子ども支援分.平等割額 = 1,200円"
    assert switched.count(levy) == 1
    fixed = switched.replace(
        "  国保.賦課方式 = 二方式\n",
        "  国保.賦課方式 = 二方式\n  国保.平等割額 =\n    | 国保区分 | 平等割額 |\n" + zeros).replace(
        levy, "  国保.子ども支援分.平等割額 = 0円")
    assert check_profile_text(fixed, core, "goka.pcfg").ok


@pytest.mark.parametrize(("clause", "code", "line"), [
    ("when 国保.方式 == 三方式", "PC0201", 9),          # no such parameter
    ("when 国保.税率 == 三方式", "PC0711", 9),          # not an enum parameter
    ("when 国保.賦課方式 == 四方式", "PC0712", 9),      # not a member
    ("when 国保.賦課方式 == 三方式\n  when 国保.賦課方式 == 二方式", "PC0704", 10),  # twice
])
def test_a_wrong_when_clause_is_a_core_error(tmp_path, clause, code, line):
    result = load_core_text(tmp_path, "c.pcore", (
        'core "c" version 1\nenum 方式 { 三方式, 二方式 }\n'
        "param 国保.賦課方式 : 方式\n  default 三方式\n"
        "param 国保.税率 : rate\n  default 1%\n"
        f"param 国保.平等割額 : yen\n  default 0円\n  {clause}\n"))
    assert [(d.code, d.span.line) for d in result.diagnostics] == [(code, line)]
