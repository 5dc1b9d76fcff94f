"""Tables whose cells are records (issue 17, item 1; docs/language.md §4.3).

A record's fields are one more, last column axis of the grid; each cell is read with its
field's type; limits apply to each field they fit, monotony to each numeric field; a look-up
returns the record. Every tool (fmt, diff, export, import-table, report, explain, the columnar
kernel) sees the fields as columns.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from helpers import ROOT, assert_known_answer
from hypothesis import given, settings
from hypothesis import strategies as st

from paramcfg import types as t
from paramcfg.diff import diff_tenants
from paramcfg.engine import check_profile, load_core, load_tenant, load_tenant_text
from paramcfg.export import export_data, to_json
from paramcfg.fmt import format_text
from paramcfg.interpret import render_explanation
from paramcfg.tables import Table

if TYPE_CHECKING:
    from pathlib import Path

    from paramcfg.engine import CoreResult

ON = dt.date(2024, 6, 1)
GOKA = ROOT / "tenant_profiles" / "goka.pcfg"

CORE = """\
core "段階" version 1.0

enum 認定区分 { 2号, 3号 }
enum 区分 { 甲, 乙 }

record 介護段階 {
  段階 : int     label "所得段階"
  乗率 : decimal label "基準額に対する割合"
}

record 料金 {
  額   : yen
  率   : rate
  対象 : bool
  種別 : 区分
  期限 : monthday
  開始 : date
  名称 : text(10)
}

param 上限 : table[所得 : yen] of 介護段階
  fixed
  default
    | 所得           | 段階 | 乗率 |
    | < 1,000,000円  |    8 |    2 |
    | >= 1,000,000円 |   13 |  2.5 |

param 課税段階 : table[所得 : yen, 認定区分] of 介護段階
  required
  min 0
  max 上限
  increasing along 所得

param 料金表 : table[区分] of 料金
  required
  min 0円

input 所得 : yen
input 認定 : 認定区分

rule 本人段階 : 介護段階 =
  課税段階(所得, 認定)

rule 段階 : int =
  本人段階.段階

rule 年額(基準 : yen) : yen =
  floor(基準 * 本人段階.乗率, 1)
"""

STEPS = """\
  課税段階 =
    | 所得           | 2号 段階 | 2号 乗率 | 3号 段階 | 3号 乗率 |
    | < 500,000円    |        6 |      1.2 |        6 |      1.1 |
    | < 1,200,000円  |        7 |      1.3 |        7 |     1.25 |
    | >= 1,200,000円 |        8 |      1.7 |        9 |      2.5 |
"""

FEES = """\
  料金表 =
    | 区分 |      額 |   率 | 対象  | 種別 | 期限    | 開始       | 名称       |
    | 甲   | 1,000円 | 1.5% | true  | 乙   | 4月30日 | 2024-04-01 | "甲の料金" |
    | 乙   | 2,000円 |   0% | false | 甲   | 2月末日 | 2025-04-01 | "乙"       |
"""

HEAD = 'tenant "五霞町" code 085421\nuses "段階"\n\nfrom 2024-04-01\n'
PROFILE = HEAD + STEPS + FEES


@pytest.fixture(scope="module")
def steps_core(tmp_path_factory: pytest.TempPathFactory) -> CoreResult:
    path = tmp_path_factory.mktemp("records") / "段階.pcore"
    path.write_text(CORE, encoding="utf-8")
    result = load_core(path)
    assert result.ok, [f"{d.span}: {d.message()}" for d in result.diagnostics]
    return result


def _check(core: CoreResult, text: str, tmp_path: Path) -> list[tuple[str, int, int, str, str]]:
    path = tmp_path / "町.pcfg"
    path.write_text(text, encoding="utf-8")
    return [(d.code, d.span.line, d.span.col, d.message("en"), d.message("ja"))
            for d in check_profile(path, core).diagnostics]


# ---- reading ----------------------------------------------------------------------------------


def test_a_grid_of_records_reads_each_field_with_its_type(steps_core):
    tenant = load_tenant_text(PROFILE, steps_core, "町.pcfg")
    steps = tenant.values(ON)["課税段階"].value
    assert isinstance(steps, Table)
    row = steps.lookup(600_000, "3号")
    assert row == t.RecordValue("介護段階", (("段階", 7), ("乗率", Decimal("1.25"))))
    assert type(row.get("段階")) is int  # a step is a whole number, never 7.0
    fees = tenant.values(ON)["料金表"].value
    assert isinstance(fees, Table)
    assert fees.lookup("甲").as_dict() == {
        "額": 1000, "率": Decimal("0.015"), "対象": True, "種別": "乙",
        "期限": t.MonthDay(4, 30), "開始": dt.date(2024, 4, 1), "名称": "甲の料金"}
    assert fees.lookup("乙").get("期限") == t.MonthDay(2, None)


def test_the_shipped_ltc_steps_are_a_table_of_records(core):
    param = core.core.params["介護.課税段階"]
    assert str(param.type) == "table[合計所得金額 : yen] of 介護段階"
    tenant = load_tenant(GOKA, core)
    # 五霞町's own 15 steps: 12,000,000円 is in 10,000,000円 ..< 15,000,000円, step 14 at 2.5.
    steps = tenant.values(ON)["介護.課税段階"].value
    assert isinstance(steps, Table)
    assert steps.lookup(12_000_000).as_dict() == {"段階": 14, "乗率": Decimal("2.5")}


# ---- rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("income", "kind", "step"), [
    (0, "2号", 6), (499_999, "3号", 6), (500_000, "2号", 7), (1_199_999, "3号", 7),
    (1_200_000, "3号", 9), (10**9, "2号", 8)])
def test_a_lookup_returns_the_record_and_rules_read_its_fields(steps_core, income, kind, step):
    # The row the income falls in, in the column of its 認定区分: e.g. 1,200,000円 is the
    # first income of the last row `>= 1,200,000円`, whose 3号 段階 is 9.
    tenant = load_tenant_text(PROFILE, steps_core, "町.pcfg")
    assert_known_answer(tenant, "段階", ON, {"所得": income, "認定": kind}, (), step)


@pytest.mark.parametrize(("income", "kind", "expected"), [
    (100_000, "3号", 66_000),     # 60,000円 × 1.1 = 66,000円
    (600_000, "2号", 78_000),     # 60,000円 × 1.3 = 78,000円
    (600_000, "3号", 75_000),     # 60,000円 × 1.25 = 75,000円
    (2_000_000, "3号", 150_000),  # 60,000円 × 2.5 = 150,000円
])
def test_a_field_multiplies_exactly(steps_core, income, kind, expected):
    tenant = load_tenant_text(PROFILE, steps_core, "町.pcfg")
    assert_known_answer(tenant, "年額", ON, {"所得": income, "認定": kind}, (60_000,), expected)


def test_the_record_itself_is_a_result_and_is_explained(steps_core):
    tenant = load_tenant_text(PROFILE, steps_core, "町.pcfg")
    inputs = {"所得": 600_000, "認定": "3号"}
    want = t.RecordValue("介護段階", (("段階", 7), ("乗率", Decimal("1.25"))))
    assert tenant.evaluate("本人段階", inputs, ON) == want
    assert tenant.interpret("本人段階", inputs, ON) == want
    shown = render_explanation(tenant.explain("段階", inputs, ON))
    assert "本人段階 = {段階 = 7, 乗率 = 1.25}" in shown, shown
    assert "table 課税段階[所得 500,000円 以上 1,200,000円 未満 / 3号] = {段階 = 7, 乗率 = 1.25}" \
        in shown, shown


def test_the_shipped_step_rule_reads_the_field(core):
    tenant = load_tenant(GOKA, core)
    base = {"介護.生活保護等": False, "介護.世帯課税": True, "介護.本人課税": True,
            "介護.年金収入等": 0}
    # 五霞町: 7,200,000円 ..< 10,000,000円 is step 13; 15,000,000円 and above step 15.
    for income, step in ((7_200_000, 13), (9_999_999, 13), (15_000_000, 15)):
        assert_known_answer(tenant, "介護.段階", ON, {**base, "介護.合計所得金額": income}, (),
                            step)


def test_the_columnar_batch_agrees_row_by_row(core):
    tenant = load_tenant(GOKA, core)
    rows = [{"介護.生活保護等": False, "介護.世帯課税": True, "介護.本人課税": taxed,
             "介護.年金収入等": 500_000, "介護.合計所得金額": income}
            for taxed in (True, False) for income in (0, 1_199_999, 1_200_000, 20_000_000)]
    many = tenant.evaluate_many("介護.段階", rows, ON)
    assert list(many) == [tenant.evaluate("介護.段階", row, ON) for row in rows]
    assert list(many) == [6, 6, 7, 15, 4, 4, 4, 4]


# ---- checks, with their diagnostics -------------------------------------------------------------


def _one(found: list[tuple[str, int, int, str, str]]) -> tuple[str, int, int, str, str]:
    assert len(found) == 1, found
    return found[0]


def test_a_cell_of_the_wrong_type_names_the_row_and_the_field(steps_core, tmp_path):
    text = PROFILE.replace("|        7 |      1.3 |", "|      7円 |      1.3 |")
    code, line, col, en, ja = _one(_check(steps_core, text, tmp_path))
    assert (code, line, col) == ("PC0301", 8, 28)
    assert en.startswith("課税段階[< 1,200,000円, 2号].段階 expects a whole number")
    assert "課税段階[< 1,200,000円, 2号].段階" in ja


def test_a_field_column_missing_is_reported(steps_core, tmp_path):
    text = PROFILE.replace("| 3号 乗率 |", "| 3号 倍率 |")
    found = _check(steps_core, text, tmp_path)
    assert [(c, line, col) for c, line, col, _, _ in found] == [("PC0201", 6, 49)]
    assert found[0][3] == "unknown field of 介護段階 `倍率`; did you mean `乗率`?"
    assert "介護段階の項目" in found[0][4]


def test_a_field_is_never_a_row_axis(steps_core, tmp_path):
    text = HEAD + "  課税段階 =\n    | 介護段階 | 2号 |\n    | 段階 | 1 |\n" + FEES
    found = _check(steps_core, text, tmp_path)
    assert [c for c, *_ in found] == ["PC0510"]


def test_limits_apply_to_each_field_they_fit(steps_core, tmp_path):
    # `min 0` fits both fields; `max 上限` (a table of the same record) field by field.
    text = PROFILE.replace("|      1.1 |", "|     -0.1 |")
    code, line, col, en, ja = _one(_check(steps_core, text, tmp_path))
    assert (code, line, col) == ("PC0302", 7, 61)
    assert en.startswith("課税段階[3号 乗率, 所得 from 0円 to below 500,000円] = -0.1 is below")
    assert "「課税段階[3号 乗率, 所得 from 0円 to below 500,000円]」" in ja


def test_a_ceiling_of_the_same_record_is_checked_field_by_field(steps_core, tmp_path):
    # 2.1 from 500,000円 to below 1,200,000円: the ceiling's 乗率 is 2 below 1,000,000円.
    text = PROFILE.replace("|     1.25 |", "|      2.1 |")
    code, line, col, en, ja = _one(_check(steps_core, text, tmp_path))
    assert (code, line, col) == ("PC0507", 8, 61)
    assert en.startswith("課税段階[3号 乗率] = 2.1 is above 上限 2 for 所得 from 500,000円 to "
                         "below 1,000,000円")
    assert ja.startswith("「課税段階」の 3号 乗率 の値 2.1 が")


def test_every_numeric_field_is_monotone(steps_core, tmp_path):
    text = PROFILE.replace("|        8 |      1.7 |", "|        5 |      1.7 |")
    code, line, col, en, ja = _one(_check(steps_core, text, tmp_path))
    assert (code, line, col) == ("PC0508", 9, 30)
    assert en.startswith("課税段階[2号 段階] = 5 for 所得 from 1,200,000円 up is lower than the "
                         "row above (7)")
    assert "2号 段階" in ja


def test_an_amount_limit_applies_to_the_yen_fields_only(steps_core, tmp_path):
    text = PROFILE.replace("| 2,000円 |", "| -1円    |")
    code, line, col, en, _ = _one(_check(steps_core, text, tmp_path))
    assert (code, line, col) == ("PC0302", 13, 14)
    assert en.startswith("料金表[乙 額] = -1円 is below")


def test_a_field_of_a_table_record_must_be_one_value(tmp_path):
    core = CORE.replace("  名称 : text(10)\n", "  名称 : text(10)\n  一覧 : list of int\n")
    path = tmp_path / "段階.pcore"
    path.write_text(core, encoding="utf-8")
    found = [(d.code, d.span.line, d.message("en"), d.message("ja"))
             for d in load_core(path).diagnostics]
    assert [(c, line) for c, line, _, _ in found] == [("PC0714", 35)]
    assert "field 一覧 of record 料金 is list of int" in found[0][2]
    assert "レコード「料金」の項目「一覧」は list of int です" in found[0][3]


@pytest.mark.parametrize(("limit", "fits"), [
    ("min 0円", False), ("max 2.5", True), ("min 0", True), ("max 1%", True),
    ("max 2 * 上限", True), ("max 料金表", False)])
def test_a_limit_must_fit_some_field(tmp_path, limit, fits):
    core = CORE.replace("  min 0\n  max 上限\n", f"  {limit}\n")
    path = tmp_path / "段階.pcore"
    path.write_text(core, encoding="utf-8")
    found = [(d.code, d.message("en"), d.message("ja")) for d in load_core(path).diagnostics]
    if fits:
        assert found == []
        return
    assert [c for c, _, _ in found] == ["PC0715"]
    assert found[0][1].startswith(f"`{limit}` fits no field of 介護段階, the cells of 課税段階")
    assert "どの項目にも当てはまりません" in found[0][2]


# ---- the tools ----------------------------------------------------------------------------------


def test_fmt_aligns_a_grid_of_records_and_keeps_its_meaning():
    messy = (HEAD + "  課税段階 =\n    |所得|2号 段階|2号 乗率|3号 段階|3号 乗率|\n"
             "    |< 500,000円|6|1.2|6|1.1|\n    |< 1,200,000円|7|1.3|7|1.25|\n"
             "    |>= 1,200,000円|8|1.7|9|2.5|\n" + FEES)
    once = format_text(messy, "町.pcfg")
    assert once.ok
    assert once.text == PROFILE
    assert format_text(once.text, "町.pcfg").text == once.text


def test_diff_compares_field_by_field(steps_core):
    left = load_tenant_text(PROFILE, steps_core, "a.pcfg")
    right = load_tenant_text(PROFILE.replace("|      1.7 |", "|      1.8 |").replace(
        '"甲の料金"', '"甲"      '), steps_core, "b.pcfg")
    changes = {(c.parameter, c.cell): (c.old, c.new)
               for c in diff_tenants(steps_core.core, left, right).changes}
    assert changes == {
        ("課税段階", "2号 乗率, 所得 1,200,000円 以上"): ("1.7", "1.8"),
        ("料金表", "甲 名称"): ("甲の料金", "甲")}


def test_diff_of_the_shipped_steps_names_the_field(core):
    goka = load_tenant(GOKA, core)
    naka = load_tenant(ROOT / "tenant_profiles" / "naka.pcfg", core)
    changes = {(c.parameter, c.cell): (c.old, c.new)
               for c in diff_tenants(core.core, naka, goka).changes}
    assert changes[("介護.課税段階", "段階, 合計所得金額 15,000,000円 以上")] == ("13", "15")
    assert changes[("介護.課税段階", "乗率, 合計所得金額 15,000,000円 以上")] == ("2.4", "2.6")


def test_export_gives_each_row_its_fields(steps_core):
    tenant = load_tenant_text(PROFILE, steps_core, "町.pcfg")
    data = export_data(tenant, ON)["parameters"]
    assert data["課税段階"][1] == {"所得.from": 0, "所得.below": 500_000, "認定区分": "3号",
                                "value": {"段階": 6, "乗率": Decimal("1.1")}}
    assert '"段階": 6,' in to_json({"x": data["課税段階"]})  # an int, not 6.0


def test_excel_export_then_import_gives_the_steps_back(core, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from paramcfg.sheets import read_table_file  # noqa: PLC0415
    from paramcfg.tablefile import import_table  # noqa: PLC0415
    from paramcfg.xlsx_export import to_xlsx  # noqa: PLC0415

    tenant = load_tenant(GOKA, core)
    book_path = tmp_path / "町.xlsx"
    book_path.write_bytes(to_xlsx(tenant, ON))
    ws = openpyxl.load_workbook(book_path)["介護.課税段階"]
    assert [ws.cell(4, c).value for c in (1, 2, 3)] == ["合計所得金額", "段階", "乗率"]
    assert (ws["B5"].value, ws["B5"].number_format) == (6, "#,##0")
    assert ws["C5"].value == pytest.approx(1.2)
    sheet, diags = read_table_file(book_path, "介護.課税段階")
    assert sheet is not None
    assert not diags
    result = import_table(sheet, GOKA, core, "介護.課税段階", dt.date(2025, 4, 1))
    assert result.ok, [d.message() for d in result.diagnostics]
    assert result.text is not None
    new = load_tenant_text(result.text, core, str(GOKA))
    when = dt.date(2025, 6, 1)
    assert new.values(when)["介護.課税段階"].value == tenant.values(when)["介護.課税段階"].value


def test_the_report_shows_the_fields_as_columns(core):
    pytest.importorskip("jinja2")
    from paramcfg.report import ReportInput, render_report  # noqa: PLC0415

    html = render_report(ReportInput(core, check_profile(GOKA, core), ON))
    part = html[html.index("介護.課税段階"):]
    assert "段階" in part
    assert "乗率" in part
    assert ">2.6<" in part
    assert ">15<" in part


# ---- compiled and interpreted agree on any record table ---------------------------------------


@st.composite
def _record_tables(draw: st.DrawFn) -> tuple[str, list[int], dict[tuple[int, str], tuple[int, int, Decimal]]]:
    """A profile's steps table with random breakpoints and cells (each column monotone), and
    the cells as (step, amount, multiplier) per (bracket index, 認定区分)."""
    points = sorted(set(draw(st.lists(st.integers(1, 5_000_000), max_size=5))))
    cells: dict[tuple[int, str], tuple[int, int, Decimal]] = {}
    for kind in ("2号", "3号"):
        steps = sorted(draw(st.lists(st.integers(0, 99), min_size=len(points) + 1,
                                     max_size=len(points) + 1)))
        rates = sorted(draw(st.lists(st.decimals(0, 3, places=3), min_size=len(points) + 1,
                                     max_size=len(points) + 1)))
        amounts = sorted(draw(st.lists(st.integers(0, 10**6), min_size=len(points) + 1,
                                       max_size=len(points) + 1)))
        for b in range(len(points) + 1):
            cells[(b, kind)] = (steps[b], amounts[b], rates[b])
    return "", points, cells


@settings(deadline=None, max_examples=20)
@given(_record_tables(), st.lists(st.integers(0, 6_000_000), min_size=1, max_size=6),
       st.sampled_from(["2号", "3号"]))
def test_compiled_and_interpreted_agree_on_random_record_tables(tmp_path_factory, table, incomes,
                                                                  kind):
    _, points, cells = table
    core = """\
core "記録" version 1.0
enum 認定区分 { 2号, 3号 }
record 行 {
  段階 : int
  額   : yen
  乗率 : decimal
}
param 表 : table[所得 : yen, 認定区分] of 行
  required
  min 0
  increasing along 所得
input 所得 : yen
input 認定 : 認定区分
rule 該当行 : 行 =
  表(所得, 認定)
rule 合計 : yen =
  該当行.額 * 該当行.段階 + floor(該当行.額 * 該当行.乗率, 1)
"""
    lows = [0, *points]
    highs: list[int | None] = [*points, None]
    lines = ["  表 =", "    | 所得 | 3号 額 | 2号 乗率 | 3号 段階 | 2号 段階 | 2号 額 | 3号 乗率 |"]
    for b, (low, high) in enumerate(zip(lows, highs, strict=True)):
        key = f">= {low:,}円" if high is None else f"{low:,}円 ..< {high:,}円"
        (s2, a2, r2), (s3, a3, r3) = cells[(b, "2号")], cells[(b, "3号")]
        lines.append(f"    | {key} | {a3:,}円 | {r2} | {s3} | {s2} | {a2:,}円 | {r3} |")
    profile = 'tenant "町" code 085421\nuses "記録"\nfrom 2024-04-01\n' + "\n".join(lines) + "\n"
    folder = tmp_path_factory.mktemp("random")
    (folder / "記録.pcore").write_text(core, encoding="utf-8")
    loaded = load_core(folder / "記録.pcore")
    assert loaded.ok, [d.message() for d in loaded.diagnostics]
    tenant = load_tenant_text(profile, loaded, "町.pcfg")
    for income in incomes:
        b = sum(1 for p in points if p <= income)
        step, amount, rate = cells[(b, kind)]
        # The cell the income falls in, by hand: amount × step + floor(amount × rate).
        want = amount * step + int((amount * rate).to_integral_value(rounding="ROUND_FLOOR"))
        inputs = {"所得": income, "認定": kind}
        assert tenant.evaluate("合計", inputs, ON) == want
        assert tenant.interpret("合計", inputs, ON) == want


def test_the_numpy_kernel_reads_a_field_of_a_record_lookup(core):
    pytest.importorskip("numpy")
    from paramcfg.columnar import evaluate_columns  # noqa: PLC0415

    tenant = load_tenant(GOKA, core)
    n = 6
    columns = {"介護.生活保護等": [False] * n, "介護.世帯課税": [True] * n,
               "介護.本人課税": [True, True, True, False, True, True],
               "介護.年金収入等": [500_000] * n,
               "介護.合計所得金額": [0, 1_199_999, 1_200_000, 5, 15_000_000, 99_999_999]}
    fast = evaluate_columns(tenant, "介護.段階", columns, ON)
    slow = evaluate_columns(tenant, "介護.段階", columns, ON, vectorise=False)
    assert fast.vectorised == n  # the field 段階 (int) of the looked-up row, in numpy
    # 五霞町's steps by hand: below 1,200,000円 step 6, from it 7, 15,000,000円 and above 15;
    # the fourth row is not taxed itself, its household is: step 4.
    assert fast.values == slow.values == [6, 6, 7, 4, 15, 15]
    # A decimal field (乗率) is not in numpy: the row loop gives the same values.
    assert evaluate_columns(tenant, "介護.乗率", columns, ON).values == evaluate_columns(
        tenant, "介護.乗率", columns, ON, vectorise=False).values


SURCHARGE_CORE = """\
core "加算" version 1.0

record 加算 {
  額   : yen
  回数 : int
}

param 額上限 : table[所得 : yen] of yen
  fixed
  default
    | 所得          |      額 |
    | < 100,000円   | 3,000円 |
    | >= 100,000円  | 5,000円 |

param 加算表 : table[所得 : yen] of 加算
  required
  max 額上限
"""


def test_a_ceiling_table_of_yen_bounds_the_yen_fields_and_the_report_draws_them(tmp_path):
    pytest.importorskip("jinja2")
    from paramcfg.report import ReportInput, render_report  # noqa: PLC0415

    (tmp_path / "加算.pcore").write_text(SURCHARGE_CORE, encoding="utf-8")
    core = load_core(tmp_path / "加算.pcore")
    assert core.ok, [d.message() for d in core.diagnostics]
    town = tmp_path / "町.pcfg"
    # 回数 9 is no amount: `max 額上限` (a table of yen) bounds 額 only. 4,000円 from 50,000円
    # to below 100,000円 is above that range's ceiling of 3,000円.
    town.write_text('tenant "五霞町" code 085421\nuses "加算"\nfrom 2024-04-01\n  加算表 =\n'
                    "    | 所得         |      額 | 回数 |\n"
                    "    | < 50,000円   | 1,000円 |    9 |\n"
                    "    | >= 50,000円  | 4,000円 |    9 |\n", encoding="utf-8")
    checked = check_profile(town, core)
    assert [(d.code, d.span.line, d.span.col, d.message("en")) for d in checked.diagnostics] == [
        ("PC0507", 7, 21, ("加算表[額] = 4,000円 is above 額上限 3,000円 for 所得 from 50,000円 to "
                          "below 100,000円"))]
    html = render_report(ReportInput(core, checked, ON))
    assert ">4,000円<" in html
    assert ">9<" in html
