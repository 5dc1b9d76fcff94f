"""The command line: exit codes, summary lines, JSON, languages."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import CORE_DIR, FROZEN_CORE_DIR, PROFILES, ROOT

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, MESSAGES, detect_lang, main

LATE_JOINER = ROOT / "tests" / "fixtures" / "late_joiner.pcfg"


def test_shipped_profiles_are_clean(capsys):
    assert main(["check", *map(str, PROFILES)]) == EXIT_OK
    out = capsys.readouterr().out
    assert len(PROFILES) == 4
    for path in PROFILES:
        assert f"{path}: " in out
    assert "checked 4 profile(s): 4 clean, 0 with errors" in out


def test_findings_exit_1_with_a_summary_line(capsys):
    code = main(["check", "--core", str(FROZEN_CORE_DIR), str(LATE_JOINER), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == EXIT_FINDINGS
    assert f"{LATE_JOINER}: 新町 (085422): 16 error(s), 2 warning(s)" in out
    assert "Traceback" not in out


def test_summary_in_japanese(capsys):
    main(["check", "--core", str(FROZEN_CORE_DIR), str(LATE_JOINER), "--lang", "ja"])
    out = capsys.readouterr().out
    assert f"{LATE_JOINER}: 新町（085422）: エラー 16 件、警告 2 件" in out
    assert "エラー[PC0601]" in out
    assert "= ヒント:" in out


def test_json_output_parses_and_carries_positions(capsys):
    code = main(["check", "--core", str(FROZEN_CORE_DIR), str(LATE_JOINER), "--format", "json"])
    assert code == EXIT_FINDINGS
    data = json.loads(capsys.readouterr().out)
    (entry,) = data
    assert entry["file"] == str(LATE_JOINER)
    assert entry["ok"] is False
    assert entry["tenant"] == "新町"
    first = entry["diagnostics"][0]
    assert set(first) >= {"code", "severity", "file", "line", "col", "end_line", "end_col",
                          "message", "hint"}
    assert (first["code"], first["line"], first["col"]) == ("PC0601", 5, 18)


def test_missing_file_is_a_usage_error(capsys, tmp_path):
    code = main(["check", "--core", str(CORE_DIR), str(tmp_path / "nope.pcfg")])
    assert code == EXIT_USAGE
    assert "cannot read" in capsys.readouterr().err


def test_no_core_found_is_a_usage_error(capsys, tmp_path):
    profile = tmp_path / "町.pcfg"
    shutil.copy(PROFILES[0], profile)
    assert main(["check", str(profile), "--lang", "en"]) == EXIT_USAGE
    assert "no package core found" in capsys.readouterr().err


def test_core_found_above_the_profile(tmp_path):
    shutil.copytree(CORE_DIR, tmp_path / "package_core")
    shutil.copytree(ROOT / "prefectures", tmp_path / "prefectures")
    (tmp_path / "towns").mkdir()
    profile = tmp_path / "towns" / "goka.pcfg"
    shutil.copy(ROOT / "tenant_profiles" / "goka.pcfg", profile)
    assert main(["check", str(profile)]) == EXIT_OK


def test_a_broken_core_is_reported_once_and_stops(capsys, tmp_path):
    core = tmp_path / "core.pcore"
    core.write_text('core "ibaraki-cloud" version 2024.4\nparam 税率 : 割合 default 1%\n',
                    encoding="utf-8")
    code = main(["check", "--core", str(core), *map(str, PROFILES), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == EXIT_USAGE
    assert captured.out.count("error[PC0201]") == 1
    assert "has errors; fix them first" in captured.err


def test_bad_option_is_usage():
    assert main(["check", "--format", "xml", "x.pcfg"]) == EXIT_USAGE


def test_lang_from_environment(monkeypatch):
    monkeypatch.delenv("PARAMCFG_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert detect_lang() == "ja"
    monkeypatch.setenv("PARAMCFG_LANG", "en")
    assert detect_lang() == "en"
    assert detect_lang("ja") == "ja"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_cli_message_exists_in_both_languages(key):
    en, ja = MESSAGES[key]
    assert en
    assert ja
    assert any(ord(ch) > 0x3000 for ch in ja), "the Japanese text must be Japanese"


def test_usage_errors_and_help_in_japanese(capsys):
    assert main(["init", "新町", "--lang", "ja"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("使い方: paramcfg init ")
    assert "エラー: 次の引数が必要です: --code, --from" in err
    assert main(["check", "--help", "--lang", "ja"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "テナントプロファイルをパッケージコアに照らして確認します" in out
    assert "オプション:" in out


def test_unknown_command_in_japanese(capsys):
    assert main(["fmtx", "--lang", "ja"]) == EXIT_USAGE
    assert "引数 COMMAND: 'fmtx' は指定できません（選べるもの: 'check'" in capsys.readouterr().err
