"""Issue 16: Excel/CSV in (import-table), Excel out (export --format xlsx) and the report page."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import time

import pytest
from helpers import ROOT

from paramcfg import types as t
from paramcfg.cli import main
from paramcfg.engine import check_profile, load_core, load_tenant, load_tenant_text
from paramcfg.report import ReportInput, render_report
from paramcfg.sheets import CellSpan, RawCell, read_table_file
from paramcfg.tablefile import import_table, value_text
from paramcfg.values import bracket_text

openpyxl = pytest.importorskip("openpyxl", reason="the staff extra (openpyxl) is not installed")

FIX = ROOT / "tests" / "fixtures" / "staff"
TOWN = ROOT / "tenant_profiles" / "hitachiomiya.pcfg"
ON = dt.date(2024, 4, 1)
SPAN = CellSpan("別表.xlsx", 7, 2, 7, 3, cell="Sheet1!B7")


@pytest.fixture(scope="module")
def core():
    return load_core(ROOT / "package_core")


def test_fixtures_are_what_the_script_makes(tmp_path):
    sys.path.insert(0, str(FIX))
    try:
        import make_tables  # type: ignore[import-not-found]  # noqa: PLC0415 - a script, on sys.path here
    finally:
        sys.path.remove(str(FIX))
    make_tables.main(tmp_path)
    for name in ("hitachiomiya-hoikuryo.xlsx", "hitachiomiya-over-ceiling.xlsx",
                 "hitachiomiya-hoikuryo.csv"):
        made, _ = read_table_file(tmp_path / name)
        committed, _ = read_table_file(FIX / name)
        assert made is not None
        assert committed is not None
        assert made.cells == committed.cells, name


@pytest.mark.parametrize("name", ["hitachiomiya-hoikuryo.xlsx", "hitachiomiya-hoikuryo.csv"])
def test_clerk_typed_table_imports_into_todays_profile_exactly(core, name):
    sheet, diags = read_table_file(FIX / name)
    assert sheet is not None
    assert not diags
    result = import_table(sheet, TOWN, core, "保育料.月額", ON, skip_rows=frozenset({4, 5}))
    assert result.ok, [str(d.span) for d in result.diagnostics]
    # byte for byte today's profile: same grid, canonical keys, formatted as fmt does
    assert result.text == TOWN.read_text(encoding="utf-8")
    assert result.grid is not None
    assert result.grid.skipped_columns == ("A（階層）",)
    new, old = load_tenant_text(result.text, core, str(TOWN)), load_tenant(TOWN, core)
    inputs = {"認定": "3号", "時間": "標準", "生活保護世帯": False, "非課税世帯": False,
              "多子順位.未就学児": 1, "多子順位.全兄弟": 1}
    for income in (0, 48_599, 48_600, 100_000, 234_999, 397_000, 1_000_000):
        row = {**inputs, "所得割額": income}
        assert new.evaluate("保育料.月額計算", row, ON) == old.evaluate("保育料.月額計算", row, ON)


def test_rows_the_rule_handles_are_refused_at_their_cells_unless_skipped(core):
    sheet, _ = read_table_file(FIX / "hitachiomiya-hoikuryo.xlsx")
    assert sheet is not None
    result = import_table(sheet, TOWN, core, "保育料.月額", ON)
    assert result.text is None
    assert [(d.code, str(d.span)) for d in result.diagnostics] == [
        ("PC0903", f"{FIX / 'hitachiomiya-hoikuryo.xlsx'}:保育料!B4"),
        ("PC0903", f"{FIX / 'hitachiomiya-hoikuryo.xlsx'}:保育料!B5")]
    assert "--skip-rows 4" in result.diagnostics[0].hint("en")


def test_cell_above_the_ceiling_is_reported_at_its_sheet_cell(core):
    sheet, _ = read_table_file(FIX / "hitachiomiya-over-ceiling.xlsx")
    assert sheet is not None
    result = import_table(sheet, TOWN, core, "保育料.月額", ON, skip_rows=frozenset({4, 5}))
    assert result.text is not None
    assert not result.ok
    [d] = result.diagnostics
    assert d.code == "PC0507"
    assert str(d.span).endswith("hitachiomiya-over-ceiling.xlsx:保育料!C8")
    assert "44,600円" in d.message("en")
    assert d.related[-1].span.line == 26  # the profile line it was written to


@pytest.mark.parametrize(("typed", "canonical"), [
    ("48,600円未満", "< 48,600円"),
    ("48,600円以上97,000円未満", "48,600円 ..< 97,000円"),
    ("397,000円以上", ">= 397,000円"),
    ("４８，６００円以上　９７，０００円未満", "48,600円 ..< 97,000円"),
    ("< 48,600円", "< 48,600円"),
    (">= 397,000円", ">= 397,000円"),
    ("48,600円 ..< 97,000円", "48,600円 ..< 97,000円"),
])
def test_bracket_keys_as_the_ordinance_or_the_profile_writes_them(typed, canonical):
    assert bracket_text(typed, t.YenType()) == canonical


@pytest.mark.parametrize("typed", ["生活保護世帯", "48,600", "48,600円以下", "1.5%未満", ""])
def test_other_keys_are_not_brackets(typed):
    assert bracket_text(typed, t.YenType()) is None


@pytest.mark.parametrize(("value", "fmt", "vt", "text"), [
    (5800, '#,##0"円"', t.YenType(), "5,800円"),
    (5800.0, "General", t.YenType(), "5,800円"),
    ("5,800円", "General", t.YenType(), "5,800円"),
    (0.014, "0.0%", t.RateType(), "1.4%"),
    (0.0035, "0.00%", t.RateType(), "0.35%"),
    ("1.4%", "General", t.RateType(), "1.4%"),
])
def test_exact_values_are_read(value, fmt, vt, text):
    assert value_text(RawCell(value, fmt), vt, SPAN) == (text, None)


@pytest.mark.parametrize(("value", "fmt", "vt", "code"), [
    (5800.5, "General", t.YenType(), "PC0904"),       # not a whole yen
    ("5,800.5円", "General", t.YenType(), "PC0904"),
    (0.0143, "0.0%", t.RateType(), "PC0904"),         # shows 1.4% but holds 1.43%
    (0.1 + 0.2, "0%", t.RateType(), "PC0904"),        # a float artefact, not what was typed
    (0.014, "General", t.RateType(), "PC0904"),       # not typed as a percentage
    ("五千八百円", "General", t.YenType(), "PC0905"),
    (True, "General", t.YenType(), "PC0905"),
])
def test_inexact_or_wrong_cells_are_refused_at_the_cell(value, fmt, vt, code):
    text, problem = value_text(RawCell(value, fmt), vt, SPAN)
    assert problem is not None
    assert text is None
    assert problem.code == code
    assert str(problem.span) == "別表.xlsx:Sheet1!B7"
    assert problem.message("ja")
    assert problem.hint("ja")
    assert problem.hint("en")


def test_an_unmatched_column_header_is_named_at_its_cell(core, tmp_path):
    book = openpyxl.load_workbook(FIX / "hitachiomiya-hoikuryo.xlsx")
    book["保育料"]["D3"] = "延長"
    book.save(tmp_path / "別表.xlsx")
    sheet, _ = read_table_file(tmp_path / "別表.xlsx")
    assert sheet is not None
    result = import_table(sheet, TOWN, core, "保育料.月額", ON, skip_rows=frozenset({4, 5}))
    assert [(d.code, str(d.span).rsplit(":", 1)[1]) for d in result.diagnostics] == [
        ("PC0902", "保育料!D2")]


def test_cli_import_table_writes_atomically_and_previews(tmp_path, capsys):
    town = tmp_path / "町.pcfg"
    text = TOWN.read_text(encoding="utf-8").replace("5,800円", "5,900円")
    town.write_text(text, encoding="utf-8")
    argv = ["import-table", str(FIX / "hitachiomiya-hoikuryo.csv"), str(town), "--param",
            "保育料.月額", "--from", "2024-04-01", "--skip-rows", "4-5", "--core",
            str(ROOT / "package_core"), "--lang", "en"]
    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "|  5,800円 |" in out
    assert "(preview:" in out
    assert town.read_text(encoding="utf-8") == text
    assert main(argv) == 0
    assert town.read_text(encoding="utf-8") == TOWN.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))


def test_missing_extra_is_a_message_not_a_traceback(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import fails as if not installed
    code = main(["import-table", str(FIX / "hitachiomiya-hoikuryo.xlsx"), str(TOWN), "--param",
                 "保育料.月額", "--from", "2024-04-01", "--lang", "en"])
    assert code == 2
    err = capsys.readouterr().err
    assert "pip install 'paramcfg[staff]'" in err
    assert "Traceback" not in err


# ---- Excel out ------------------------------------------------------------------------------


# Every table of every town back from its own Excel book: the full tier (about 7–15 s a town,
# a workbook is opened per sheet as a clerk's import does); the default tier imports the
# clerk-typed and exported books of the tests above.
@pytest.mark.parametrize("town", ["goka", "hitachiomiya", "kasumigaura", "naka"])
@pytest.mark.slow
def test_export_then_import_gives_every_table_back(core, town, tmp_path):
    path = ROOT / "tenant_profiles" / f"{town}.pcfg"
    book_path = tmp_path / "町.xlsx"
    assert main(["export", str(path), "--format", "xlsx", "--all-dates", "-o", str(book_path)]) == 0
    tenant = load_tenant(path, core)
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[0] == "パラメータ一覧"
    tables = 0
    for ws in book.worksheets[1:]:
        name, since = ws["A1"].value, ws["B2"].value.date()
        if core.core.params[name].fixed:
            continue
        sheet, diags = read_table_file(book_path, ws.title)
        assert sheet is not None
        assert not diags
        result = import_table(sheet, path, core, name, since)
        assert result.ok, (ws.title, [d.message() for d in result.diagnostics])
        assert result.text is not None
        new = load_tenant_text(result.text, core, str(path))
        assert new.values(since)[name].value == tenant.values(since)[name].value, ws.title
        tables += 1
    assert tables >= 10


def test_export_xlsx_formats(tmp_path):
    book_path = tmp_path / "町.xlsx"
    assert main(["export", str(TOWN), "--format", "xlsx", "--on", "2024-06-01", "-o",
                 str(book_path)]) == 0
    book = openpyxl.load_workbook(book_path)
    fee = book["保育料.月額"]
    assert fee["A4"].value == "所得割額"
    assert fee["B4"].value == "2号"
    assert "B4:C4" in {str(r) for r in fee.merged_cells.ranges}
    assert fee["A6"].value == "48,600円未満"
    assert fee["A7"].value == "48,600円以上97,000円未満"
    assert fee["D6"].value == 5800
    assert fee["D6"].number_format == '#,##0"円"'
    scalars = book["パラメータ一覧"]
    row = next(r for r in scalars.iter_rows(min_row=5) if r[0].value == "固定資産税.税率")
    assert row[3].value == pytest.approx(0.014)
    assert row[3].number_format == "0.0%"


# ---- the report -----------------------------------------------------------------------------


def test_report_of_four_towns_is_fast_and_self_contained(tmp_path):
    started = time.process_time()
    assert main(["report", *map(str, sorted((ROOT / "tenant_profiles").glob("*.pcfg"))),
                 "-o", str(tmp_path), "--on", "2024-06-01"]) == 0
    assert time.process_time() - started < 2.0
    pages = sorted(tmp_path.glob("*.html"))
    assert [p.stem for p in pages] == ["goka", "hitachiomiya", "kasumigaura", "naka"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        assert not re.search(r"(src|href)=\"(https?:)?//", html)
        assert "default-src 'none'" in html


def test_report_marks_the_cell_above_the_ceiling(core, tmp_path):
    sheet, _ = read_table_file(FIX / "hitachiomiya-over-ceiling.xlsx")
    assert sheet is not None
    result = import_table(sheet, TOWN, core, "保育料.月額", ON, skip_rows=frozenset({4, 5}))
    town = tmp_path / "町.pcfg"
    town.write_text(result.text, encoding="utf-8")
    html = render_report(ReportInput(core, check_profile(town, core), dt.date(2024, 6, 1)))
    assert html.count('class="over-mark"') == 1
    assert html.count('class="num over"') == 1
    assert "PC0507" in html


HOSTILE = '<script>alert(1)</script>"\'\u202eevil\u2066'


def test_untrusted_text_is_inert(core, tmp_path):
    text = TOWN.read_text(encoding="utf-8")
    text = text.replace('tenant "常陸大宮市"', f'tenant "{HOSTILE.replace(chr(34), "")}"')
    text = text.replace('通知書.発行者 = "常陸大宮市長"', '通知書.発行者 = "<b id=x>\\"q\\"\'"')
    # a file name can hold what the source stage would refuse inside the file
    town = tmp_path / "町\u202e\u2066.pcfg"
    town.write_text(text, encoding="utf-8")
    checked = check_profile(town, core)
    html = render_report(ReportInput(core, checked, dt.date(2024, 6, 1)))
    assert "<script>alert" not in html
    assert "<b id=x>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b id=x&gt;&#34;q&#34;&#39;" in html
    assert "\u202e" not in html
    assert "\u2066" not in html
    assert "町\\u202e\\u2066.pcfg" in html  # shown as an escape, not acting


def test_report_against_a_neighbour_highlights_differences(core):
    checked = check_profile(TOWN, core)
    naka = check_profile(ROOT / "tenant_profiles" / "naka.pcfg", core)
    html = render_report(ReportInput(core, checked, dt.date(2024, 6, 1), naka))
    assert 'class="param differs"' in html
    assert "那珂市" in html


def test_report_without_the_extra_says_what_to_install(tmp_path, capsys, monkeypatch):
    from paramcfg import report  # noqa: PLC0415

    monkeypatch.setattr(report, "_ENV", [])
    monkeypatch.setitem(sys.modules, "jinja2", None)
    assert main(["report", str(TOWN), "-o", str(tmp_path / "r.html"), "--lang", "ja"]) == 2
    assert "pip install 'paramcfg[staff]'" in capsys.readouterr().err


def test_template_ships_in_the_package():
    from paramcfg.report import TEMPLATES  # noqa: PLC0415

    assert (TEMPLATES / "report.html.j2").is_file()
    assert shutil.which("paramcfg") or True  # the console script is checked by .ci/run


# ---- docs/diagnostics.md: the import-table examples are real ---------------------------------

_SECTION = re.compile(r"^## (PC09\d\d) .*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _doc_examples():
    text = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for m in _SECTION.finditer(text):
        blocks = {b.group(1): b.group(2) for b in _BLOCK.finditer(m.group(0))}
        yield m.group(1), blocks["csv"], blocks["text"]


@pytest.mark.parametrize(("code", "csv_text", "pasted"), list(_doc_examples()))
def test_diagnostics_doc_examples_are_real(code, csv_text, pasted, tmp_path, capsys,
                                           monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = csv_text.encode("utf-16") if csv_text.startswith("(") else csv_text.encode()
    (tmp_path / "別表.csv").write_bytes(data)
    shutil.copy(TOWN, tmp_path / "町.pcfg")
    code_ = main(["import-table", "別表.csv", "町.pcfg", "--param", "保育料.月額", "--from",
                  "2024-04-01", "--core", str(ROOT / "package_core"), "--lang", "en"])
    assert code_ == 1
    out = capsys.readouterr().out
    assert out == pasted
    assert f"[{code}]" in pasted


def test_staff_tools_doc_replays_exactly(tmp_path, monkeypatch):
    """docs/staff-tools.md: every console block prints what it shows (as the guides do)."""
    from docs.test_guide import Run, _mismatch, _run, parse_guide  # noqa: PLC0415

    doc = ROOT / "docs" / "staff-tools.md"
    # The page is read in a copy of the repository's folders (the vendor's delivery).
    work = tmp_path
    shutil.copytree(ROOT / "package_core", work / "package_core")
    shutil.copytree(ROOT / "prefectures", work / "prefectures")
    shutil.copytree(ROOT / "tenant_profiles", work / "tenant_profiles")
    for name in ("hitachiomiya-hoikuryo.xlsx", "hitachiomiya-over-ceiling.xlsx",
                 "hitachiomiya-hoikuryo.csv"):
        shutil.copy(FIX / name, work / name)
    monkeypatch.chdir(work)
    steps = [s for s in parse_guide(doc.read_text(encoding="utf-8")) if isinstance(s, Run)]
    assert len(steps) >= 5
    for step in steps:
        code, actual = _run(step.argv)
        assert (code, actual) == (step.exit_code, step.expected), _mismatch(doc, step, code, actual)


def test_a_profile_that_does_not_parse_is_left_alone(tmp_path, capsys):
    town = tmp_path / "町.pcfg"
    text = 'tenant "新町" code 085430\nuses "ibaraki-cloud"\nfrom 2024-04-01\n  保育料.月額 = |\n'
    town.write_text(text, encoding="utf-8")
    code = main(["import-table", str(FIX / "hitachiomiya-hoikuryo.csv"), str(town), "--param",
                 "保育料.月額", "--from", "2024-04-01", "--skip-rows", "4,5", "--core",
                 str(ROOT / "package_core"), "--lang", "en"])
    assert code == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{town}:4:12: error[PC0101]")
    assert town.read_text(encoding="utf-8") == text
