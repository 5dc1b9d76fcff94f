"""Issue 14, the late joiner's side: init, diff, fmt, explain and finding the core."""

from __future__ import annotations

from helpers import ROOT

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
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
