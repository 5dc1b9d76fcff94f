"""Issue 14, the late joiner's side: init, diff, fmt, explain and finding the core."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from helpers import ROOT

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from paramcfg.engine import CORE_ENV, CoreSettingError, check_profile_text, find_core
from paramcfg.fmt import format_text
from paramcfg.scaffold import init_profile

GOKA = ROOT / "tenant_profiles" / "goka.pcfg"
NAKA = ROOT / "tenant_profiles" / "naka.pcfg"


# ---- init --code with full-width digits ---------------------------------------------------


def test_init_accepts_a_code_typed_in_full_width_digits():
    result = init_profile(GOKA.read_text(encoding="utf-8"), str(GOKA), "新町", "０８５４３０")
    assert result.diagnostics == ()
    assert 'tenant "新町" code 085430\n' in result.text


def test_init_names_the_character_that_is_not_a_digit(tmp_path, capsys):
    out = tmp_path / "新町.pcfg"
    code = main(["init", "新町", "--code", "08543O", "--from", str(GOKA), "-o", str(out),
                 "--lang", "ja"])
    assert code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "数字 0〜9 以外の 'O' が含まれています" in err
    assert "6 桁です（6 桁が必要）" not in err


# ---- diff while review marks remain ------------------------------------------------------


def test_diff_runs_while_review_marks_remain(tmp_path, capsys):
    out = tmp_path / "新町.pcfg"
    assert main(["init", "新町", "--code", "085430", "--from", str(NAKA), "-o", str(out)]) == 0
    capsys.readouterr()
    code = main(["diff", str(out), str(NAKA), "--core", str(ROOT / "package_core"),
                 "--lang", "en"])
    captured = capsys.readouterr()
    assert code == EXIT_OK, captured  # the same values: nothing differs
    assert "still marked review" in captured.err
    assert "has errors" not in captured.err
    # A real error still refuses, as before.
    out.write_text(out.read_text(encoding="utf-8").replace(
        "code 085430", "code 085431"), encoding="utf-8")
    assert main(["diff", str(out), str(NAKA), "--core", str(ROOT / "package_core")]) == \
        EXIT_USAGE


def test_diff_shows_what_a_reviewed_copy_changed(tmp_path, capsys):
    out = tmp_path / "新町.pcfg"
    assert main(["init", "新町", "--code", "085430", "--from", str(NAKA), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "固定資産税.税率 = 1.4%" in text
    out.write_text(text.replace("固定資産税.税率 = 1.4%", "固定資産税.税率 = 1.5%", 1),
                   encoding="utf-8")
    capsys.readouterr()
    code = main(["diff", str(out), str(NAKA), "--core", str(ROOT / "package_core")])
    assert code == EXIT_FINDINGS
    assert "固定資産税.税率" in capsys.readouterr().out


# ---- fmt keeps a block's assignments indented after a rule ---------------------------------


def test_fmt_keeps_assignments_after_a_rule_in_their_block():
    text = ('tenant "新町" code 085430\nuses "ibaraki-cloud" >= 2024.4\n\nfrom 2024-04-01\n'
            "  固定資産税.税率 = 1.4%\n  rule 税額(x: yen) : yen = x\n住民税.均等割 = 3,000円\n")
    result = format_text(text, "t.pcfg")
    assert result.text.endswith("  rule 税額(x: yen) : yen = x\n  住民税.均等割 = 3,000円\n")
    assert format_text(result.text, "t.pcfg").text == result.text


# ---- a cell over several ceiling brackets ---------------------------------------------------

_FEES = """tenant "新町" code 085430
uses "ibaraki-cloud" >= 2024.4

from 2024-04-01
  保育料.月額 =
    | 所得割額                | 3号 標準 | 3号 短時間 | 2号 標準 | 2号 短時間 |
    | < 48,600円              |  5,800円 |    5,700円 |  5,600円 |    5,500円 |
    | < 97,000円              |  9,000円 |    8,800円 |  8,700円 |    8,500円 |
    | < 169,000円             | 20,000円 |   19,000円 | 19,000円 |   18,000円 |
    | < 300,000円             | 40,000円 |   39,000円 | 38,000円 |   37,000円 |
{row}
    | >= 397,000円            | 90,000円 |   89,000円 | 88,000円 |   87,000円 |
"""
_ROW = "    | 300,000円 ..< 397,000円 | {v} |   60,000円 | 57,000円 |   57,000円 |"


def _ceiling_errors(core, row: str):
    result = check_profile_text(_FEES.format(row=row), core, "新町.pcfg")
    return [d for d in result.diagnostics if d.code == "PC0507"]


def _yen(n: int) -> str:
    return f"{n:,}円"


def test_a_cell_over_two_ceiling_brackets_is_reported_per_bracket(core):
    # 国基準 3号 標準: 61,000円 below 301,000円, 80,000円 from 301,000円 to below 397,000円.
    first, second = _ceiling_errors(core, _ROW.format(v="81,000円"))
    assert (first.args["range"], first.args["bound"]) == (
        "from 300,000円 to below 301,000円", "61,000円")
    assert (second.args["range"], second.args["bound"]) == (
        "from 301,000円 to below 397,000円", "80,000円")
    for d in (first, second):
        assert d.hint("en") == (
            "lower this cell to at most 61,000円, or split the row at 301,000円: "
            "`300,000円 ..< 301,000円` at most 61,000円, `301,000円 ..< 397,000円` at most 80,000円")


@pytest.mark.parametrize("value", [81_000, 70_000, 100_000])
def test_the_suggested_split_fixes_the_cell(core, value):
    ex = _excess(core, value)[0]
    rows = []
    for low, high, v in ex.parts:
        key = f"{_yen(low)} ..< {_yen(high)}" if high is not None else f">= {_yen(low)}"
        rows.append(f"    | {key} | {_yen(v)} |   60,000円 | 57,000円 |   57,000円 |")
    assert len(rows) == 2
    assert _ceiling_errors(core, "\n".join(rows)) == []


def _excess(core, value: int):
    from paramcfg.model import resolve  # noqa: PLC0415
    from paramcfg.tables import Table, compare_cells  # noqa: PLC0415

    result = check_profile_text(_FEES.format(row=_ROW.format(v=_yen(value))), core, "新町.pcfg")
    values = resolve(core.core, result.profile, dt.date(2024, 4, 1))
    fees, ceiling = values["保育料.月額"].value, values["保育料.国基準"].value
    assert isinstance(fees, Table)
    assert isinstance(ceiling, Table)
    out = compare_cells(fees, ceiling)
    assert out
    return out


# ---- finding the core from a folder outside the repository ----------------------------------


def _town(tmp_path, monkeypatch):
    """A vendor's delivery in tmp/paramcfg, and the late joiner's own folder tmp/town (cwd)."""
    vendor = tmp_path / "paramcfg"
    shutil.copytree(ROOT / "package_core", vendor / "package_core")
    shutil.copytree(ROOT / "tenant_profiles", vendor / "tenant_profiles")
    town = tmp_path / "town"
    town.mkdir()
    monkeypatch.chdir(town)
    monkeypatch.delenv(CORE_ENV, raising=False)
    return town


def test_init_then_check_works_as_printed_outside_the_repository(tmp_path, monkeypatch, capsys):
    town = _town(tmp_path, monkeypatch)
    assert find_core(town / "shinmachi.pcfg") is None
    assert main(["init", "新町", "--code", "085430", "--from",
                 "../paramcfg/tenant_profiles/goka.pcfg", "-o", "shinmachi.pcfg",
                 "--lang", "en"]) == EXIT_OK
    out = capsys.readouterr().out
    line = 'first write the file paramcfg.toml with the line: core = "../paramcfg/package_core"'
    assert line in out
    (town / "paramcfg.toml").write_text('core = "../paramcfg/package_core"\n', encoding="utf-8")
    assert find_core("shinmachi.pcfg") == Path("../paramcfg/package_core")
    assert main(["check", "shinmachi.pcfg", "--lang", "en"]) == EXIT_FINDINGS  # review marks
    assert "PC0411" in capsys.readouterr().out
    # In a folder below, the same setting is found by walking up.
    (town / "sub").mkdir()
    assert find_core(town / "sub" / "x.pcfg") == Path("../paramcfg/package_core")


def test_the_environment_names_the_core_when_nothing_nearer_does(tmp_path, monkeypatch):
    town = _town(tmp_path, monkeypatch)
    monkeypatch.setenv(CORE_ENV, "../paramcfg/package_core")
    assert find_core(town / "shinmachi.pcfg") == Path("../paramcfg/package_core")
    (town / "package_core").mkdir()  # nearer than the environment: it wins
    assert find_core(town / "shinmachi.pcfg") == Path("package_core")


@pytest.mark.parametrize(("setting", "en"), [
    ('core = "../nothere"\n', "core = '../nothere' names ../nothere, which does not exist"),
    ("core = \n", "cannot read the settings (Invalid value (at line 1, column 8))"),
    ('kore = "../paramcfg/package_core"\n', "no `core` setting"),
])
def test_a_bad_setting_says_what_is_wrong(tmp_path, monkeypatch, capsys, setting, en):
    town = _town(tmp_path, monkeypatch)
    (town / "paramcfg.toml").write_text(setting, encoding="utf-8")
    (town / "x.pcfg").write_text('tenant "新町" code 085430\n', encoding="utf-8")
    with pytest.raises(CoreSettingError):
        find_core(town / "x.pcfg")
    assert main(["check", "x.pcfg", "--lang", "en"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"paramcfg.toml: {en}")
    assert "Traceback" not in err


# ---- one problem never hides the others -----------------------------------------------------


def test_eighteen_mistakes_in_one_run(golden_core):
    # tests/golden/profiles/one_run.pcfg pins each one (code, line, column); here: the count,
    # and that the table with a misspelt header and the table with a gap still had their cells
    # checked against the ceiling and for falling values.
    from paramcfg.engine import check_profile  # noqa: PLC0415

    result = check_profile(ROOT / "tests" / "golden" / "profiles" / "one_run.pcfg", golden_core)
    assert result.errors == 18
    codes = [d.code for d in result.diagnostics]
    assert codes.count("PC0507") == 2
    assert codes.count("PC0508") == 2
    assert "PC0502" in codes
    assert "PC0201" in codes


def test_a_partial_table_is_never_a_value(golden_core):
    text = (ROOT / "tests" / "golden" / "profiles" / "one_run.pcfg").read_text(encoding="utf-8")
    result = check_profile_text(text, golden_core, "one_run.pcfg")
    assert result.profile is not None
    assert not result.ok
    assert [a.name for _, a in result.profile.partial] == ["料金", "料金"]
    assert all(a.name != "料金" for b in result.profile.blocks for a in b.assignments)


# ---- help lines that say what to write ------------------------------------------------------

_ONE = 'tenant "新町" code 085430\nuses "ibaraki-cloud" >= 2024.4\n\nfrom 2024-04-01\n  {line}\n'


def _hint(core, line: str, code: str, lang: str = "en") -> str:
    result = check_profile_text(_ONE.format(line=line), core, "新町.pcfg")
    (d,) = [d for d in result.diagnostics if d.code == code]
    return d.hint(lang)


@pytest.mark.parametrize(("line", "en", "ja"), [
    ("住民税.均等割.市町村民税 = 72千円",
     "72千円 is 72,000円: write 72,000円 (amounts are written in yen, without 千)",
     "72千円 は 72,000円 です。72,000円 と書いてください（金額は千を使わず円で書きます）"),
    ("住民税.均等割.市町村民税 = 3000", "write 3,000円 (an amount takes 円)",
     "3,000円 と書いてください（金額には円を付けます）"),
    # The parameter's own default (0.3%), not the type's 1.4%; and the help does not repeat
    # the message.
    ("都市計画税.税率 = 1.4",
     "a rate is written with %: if 1.4 is the rate, write 1.4% (this parameter's default: 0.3%)",
     "率には % を付けます。1.4 が率なら 1.4% と書いてください（この値の既定値: 0.3%）"),
    ('都市計画税.税率 = "0.3"', "write a rate (this parameter's default: 0.3%)",
     "率を書いてください（この値の既定値: 0.3%）"),
])
def test_pc0301_says_what_to_write(core, line, en, ja):
    assert _hint(core, line, "PC0301") == en
    assert _hint(core, line, "PC0301", "ja") == ja


def test_pc0301_message_shows_the_parameters_own_example(core):
    result = check_profile_text(_ONE.format(line="都市計画税.税率 = 1.4"), core, "新町.pcfg")
    (d,) = [d for d in result.diagnostics if d.code == "PC0301"]
    assert d.message("en") == "都市計画税.税率 expects a rate such as 0.3%, but 1.4 is a number"
    assert "1.4%" not in d.hint("en").replace("write 1.4%", "")


@pytest.mark.parametrize(("key", "meant"), [
    ("48,600円未満", "< 48,600円"),
    ("48,600円以上 97,000円未満", "48,600円 ..< 97,000円"),
    ("397,000円以上", ">= 397,000円"),
])
def test_an_ordinances_bracket_is_rewritten_in_the_help(core, key, meant):
    line = ("保育料.月額 =\n    | 所得割額 | 3号 標準 | 3号 短時間 | 2号 標準 | 2号 短時間 |\n"
            f"    | {key} | 5,800円 | 5,700円 | 5,600円 | 5,500円 |")
    result = check_profile_text(_ONE.format(line=line), core, "新町.pcfg")
    hints = [d.hint("en") for d in result.diagnostics if d.span.line == 7]
    assert any(h.startswith(f"write `{meant}`: an ordinance's 以上") for h in hints), hints
