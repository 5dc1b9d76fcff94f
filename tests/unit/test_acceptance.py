"""`paramcfg test`: town acceptance tests beside each profile."""

from __future__ import annotations

import shutil

from helpers import ROOT

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main

PROFILES = ROOT / "tenant_profiles"


def test_every_sample_town_ships_passing_tests(capsys):
    assert sorted(p.name for p in PROFILES.glob("*.test.toml")) == [
        "goka.test.toml", "hitachiomiya.test.toml", "kasumigaura.test.toml", "naka.test.toml"]
    assert main(["test", str(PROFILES), "--lang", "en"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "0 failed" in out.splitlines()[-1]


def _town(tmp_path, cases: str):
    shutil.copytree(ROOT / "package_core", tmp_path / "package_core")
    shutil.copytree(ROOT / "prefectures", tmp_path / "prefectures")
    (tmp_path / "towns").mkdir()
    shutil.copy(PROFILES / "naka.pcfg", tmp_path / "towns" / "naka.pcfg")
    test_file = tmp_path / "towns" / "naka.test.toml"
    test_file.write_text(cases, encoding="utf-8")
    return test_file


WRONG = """
[[case]]
name = "3号 標準 97,000円（誤った期待値）"
rule = "保育料.月額計算"
on = 2024-06-01
expected = "16,000円"
[case.inputs]
"所得割額" = "97,000円"
"認定" = "3号"
"時間" = "標準"
"生活保護世帯" = false
"非課税世帯" = false
"多子順位.未就学児" = 1
"多子順位.全兄弟" = 1
"""


def test_a_failing_case_shows_expected_actual_and_the_trace(tmp_path, capsys):
    path = _town(tmp_path, WRONG)
    assert main(["test", str(path), "--lang", "en"]) == EXIT_FINDINGS
    out = capsys.readouterr().out
    assert "FAIL 3号 標準 97,000円（誤った期待値） (保育料.月額計算): expected 16,000円, got 22,000円" in out
    assert "table 保育料.月額[" in out  # the explanation names the cell that was used
    assert "naka.pcfg:" in out


def test_a_profile_path_finds_its_tests(tmp_path, capsys):
    path = _town(tmp_path, WRONG.replace('"16,000円"', '"22,000円"'))
    assert main(["test", str(path.with_name("naka.pcfg")), "--lang", "ja"]) == EXIT_OK
    assert "合格 1 件、不合格 0 件" in capsys.readouterr().out


def test_a_malformed_case_is_reported_not_raised(tmp_path, capsys):
    path = _town(tmp_path, WRONG.replace('"所得割額" = "97,000円"', '"所得割額" = 97000.5'))
    assert main(["test", str(path), "--lang", "en"]) == EXIT_FINDINGS
    assert "not well formed" in capsys.readouterr().out


def test_no_tests_is_a_usage_error(tmp_path, capsys):
    assert main(["test", str(tmp_path), "--lang", "en"]) == EXIT_USAGE
    assert "no acceptance tests" in capsys.readouterr().err
