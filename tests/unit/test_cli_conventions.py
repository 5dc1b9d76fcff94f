"""CLI conventions (issue 14): --version, --lang anywhere, bare help, folders and patterns,
compact output and code selection, dates as clerks write them, all missing inputs at once, the
rules command, Japanese through a gettext catalogue, help wrapped by display width."""

from __future__ import annotations

import argparse
import ast
import json
import shutil
from pathlib import Path

import pytest
from helpers import FROZEN_CORE_DIR, PROFILES, ROOT

from paramcfg import __version__
from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from paramcfg.cli.parsing import wrap_display
from paramcfg.cli.translations import ARGPARSE_JA, ARGPARSE_JA_PLURAL
from paramcfg.diagnostics import display_width

NAKA = str(ROOT / "tenant_profiles" / "naka.pcfg")
LATE_JOINER = ROOT / "tests" / "fixtures" / "late_joiner.pcfg"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (EXIT_OK, f"paramcfg {__version__}\n")


@pytest.mark.parametrize("argv", [[], ["--lang", "ja"]])
def test_bare_paramcfg_prints_the_help_and_exits_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert out == ""
    assert "check" in err
    assert "release-report" in err
    assert ("使い方: paramcfg" if argv else "usage: paramcfg") in err


def test_lang_before_the_command(capsys):
    code, out, _ = run(capsys, "--lang", "ja", "check", str(ROOT / "tenant_profiles"))
    assert code == EXIT_OK
    assert "那珂市（082261）: 問題ありません" in out
    assert "4 件のプロファイルを確認" in out
    # and after it, as before
    code, out, _ = run(capsys, "check", NAKA, "--lang", "en")
    assert out.endswith("那珂市 (082261): clean\n")


def test_check_takes_a_folder_and_a_pattern_the_shell_left(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check", "tenant_profiles")
    assert code == EXIT_OK
    assert out.index("goka.pcfg") < out.index("hitachiomiya.pcfg") < out.index("naka.pcfg")
    code, out2, _ = run(capsys, "check", "tenant_profiles/*.pcfg")  # as PowerShell passes it
    assert (code, out2) == (EXIT_OK, out)
    code, _, err = run(capsys, "check", "tenant_profiles/*.pfcg")
    assert code == EXIT_USAGE
    assert "no file matches tenant_profiles/*.pfcg" in err
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == EXIT_USAGE
    assert "no tenant profiles (*.pcfg)" in err


def test_fmt_takes_a_folder(capsys, tmp_path):
    for p in PROFILES:
        shutil.copy(p, tmp_path / p.name)
    messy = tmp_path / "naka.pcfg"
    messy.write_text(messy.read_text(encoding="utf-8").replace("1.4%", "1.40%", 1),
                     encoding="utf-8")
    code, out, _ = run(capsys, "fmt", "--check", str(tmp_path), "--lang", "en")
    assert messy.read_text(encoding="utf-8").count("1.40%") == 1  # --check changes nothing
    assert (code, out) == (EXIT_FINDINGS, f"would reformat {messy}\n")


def test_compact_output_is_one_line_per_diagnostic(capsys):
    code, out, _ = run(capsys, "check", "--core", str(FROZEN_CORE_DIR), str(LATE_JOINER),
                       "--format", "compact", "--lang", "en")
    assert code == EXIT_FINDINGS
    lines = out.splitlines()
    assert len(lines) == 16 + 2 + 1  # 16 errors, 2 warnings, the total
    assert all(line.startswith(f"{LATE_JOINER}:") for line in lines[:-1])
    assert "error[PC" in lines[0]
    assert lines[-1] == "checked 1 profile(s): 0 clean, 1 with errors"


def test_select_and_ignore_codes(capsys):
    args = ("check", "--core", str(FROZEN_CORE_DIR), str(LATE_JOINER), "--format", "compact",
            "--lang", "en")
    _, out, _ = run(capsys, *args)
    codes = [line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines()[:-1]]
    first = codes[0]
    _, out, _ = run(capsys, *args, "--select", first)
    assert all(f"[{first}]" in line for line in out.splitlines()[:-1])
    assert len(out.splitlines()) - 1 == codes.count(first)
    _, out, _ = run(capsys, *args, "--ignore", f"{first},{first[2:]}")  # PC0411 or 0411
    assert f"[{first}]" not in out
    assert len(out.splitlines()) - 1 == len(codes) - codes.count(first)
    # Ignoring every code that gave an error leaves the warnings: no longer a failing profile.
    _, out, _ = run(capsys, *args)
    error_codes = {c for c, line in zip(codes, out.splitlines(), strict=False) if "error[" in line}
    warning_codes = set(codes) - error_codes
    assert warning_codes
    code, out, _ = run(capsys, *args, "--ignore", ",".join(sorted(error_codes)))
    assert code == EXIT_OK
    assert len(out.splitlines()) - 1 == sum(c in warning_codes for c in codes)
    assert out.splitlines()[-1] == "checked 1 profile(s): 1 clean, 0 with errors"
    code, _, err = run(capsys, *args, "--select", "PC9")
    assert code == EXIT_USAGE
    assert "unknown diagnostic code PC9" in err


def test_on_takes_era_and_slash_dates(capsys):
    rule = ("eval", NAKA, "固定資産税.年税額", "--input", "区分=土地", "--input",
            "課税標準額=1,000,000円", "--format", "json")
    results = []
    for on in ("2024-04-01", "2024/4/1", "令和6年4月1日", "２０２４－０４－０１"):
        code, out, err = run(capsys, *rule, "--on", on)
        assert code == EXIT_OK, err
        results.append(json.loads(out))
    assert all(r == results[0] for r in results)
    assert results[0]["on"] == "2024-04-01"
    code, _, err = run(capsys, *rule, "--on", "令和6年2月30日", "--lang", "en")
    assert code == EXIT_USAGE
    assert "(February 2024 has 29 days)" in err
    code, _, err = run(capsys, *rule, "--on", "4月1日", "--lang", "ja")
    assert code == EXIT_USAGE
    assert "--on には 2024-04-01 のような日付を指定します" in err


def test_a_missing_argument_is_named_never_printed_as_none(capsys):
    code, _, err = run(capsys, "eval", NAKA, "固定資産税.年税額", "--on", "2024-04-01",
                       "--lang", "en")
    assert code == EXIT_USAGE
    assert "None" not in err
    assert "  区分 : 資産区分 (argument)  e.g. 土地" in err
    assert "  課税標準額 : yen (argument)  e.g. 100,000円" in err
    assert "--input 区分=土地 --input 課税標準額=100,000円" in err


def test_rules_lists_the_rules_of_the_core(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "rules", "--lang", "en")
    assert code == EXIT_OK
    assert out.startswith("core ibaraki-cloud ")
    assert "  固定資産税.年税額 : yen  「固定資産税の年税額（区分ごと）」\n" in out


def test_rules_gives_every_input_and_a_command_that_works(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "rules", "保育料.月額計算", "--profile", "tenant_profiles/naka.pcfg",
                       "--lang", "en")
    assert code == EXIT_OK
    assert "needs 7 value(s)" in out
    command = out.splitlines()[-1].split()
    assert command[:4] == ["paramcfg", "eval", "tenant_profiles/naka.pcfg", "保育料.月額計算"]
    code, result, err = run(capsys, *command[1:], "--on", "2024-06-01")
    assert code == EXIT_OK, err
    assert result.startswith("保育料.月額計算 = ")


def test_rules_json_examples_evaluate(capsys, monkeypatch, tmp_path):
    # The example of every input, records and lists included, is a value eval accepts.
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "rules", "国保.年税額", "--format", "json")
    assert code == EXIT_OK
    (described,) = json.loads(out)
    inputs = {i["name"]: i["example"] for i in described["inputs"]}
    assert "国保.被保険者" in inputs
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(inputs, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "eval", NAKA, "国保.年税額", "--inputs", str(path),
                         "--on", "2024-06-01")
    assert code == EXIT_OK, err


def test_rules_unknown_rule_suggests(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, _, err = run(capsys, "rules", "固定資産税.年税", "--lang", "en")
    assert code == EXIT_USAGE
    assert "固定資産税.年税額" in err


def _argparse_msgids() -> tuple[set[str], set[tuple[str, str]]]:
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    single: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)
                     and isinstance(a.value, str)]
            if node.func.id == "_" and texts:
                single.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                plural.add((texts[0], texts[1]))
    return single, plural


def test_the_catalogue_translates_every_message_argparse_can_print():
    single, plural = _argparse_msgids()
    assert "usage: " in single  # the reading works
    assert single - ARGPARSE_JA.keys() == set()
    assert plural - ARGPARSE_JA_PLURAL.keys() == set()
    # and keeps every %-field, so that argparse can fill it in
    for msgid, msgstr in ARGPARSE_JA.items():
        assert sorted(_fields(msgid)) == sorted(_fields(msgstr)), msgid


def _fields(text: str) -> list[str]:
    import re  # noqa: PLC0415

    return re.findall(r"%(?:\(\w+\))?[rsd]", text)


@pytest.mark.parametrize("argv", [
    ["check"], ["check", "--format", "yaml", "x.pcfg"], ["check", "--bogus", "x.pcfg"],
    ["eval", NAKA], ["eval", NAKA, "r", "--on"], ["fmtx"],
])
def test_no_english_leaks_from_argparse_in_japanese(capsys, argv):
    code, out, err = run(capsys, "--lang", "ja", *argv)
    assert code == EXIT_USAGE
    assert out == ""
    for english in ("usage:", "error:", "argument", "required", "invalid choice", "expected",
                    "unrecognized"):
        assert english not in err, err


def test_os_errors_in_japanese(capsys):
    code, _, err = run(capsys, "--lang", "ja", "check", "no-such-town.pcfg", "--core",
                       str(FROZEN_CORE_DIR))
    assert code == EXIT_USAGE
    assert "no-such-town.pcfg を読み込めません: そのようなファイルやフォルダはありません" in err
    assert "No such file" not in err


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_help_never_wider_than_the_terminal(capsys, monkeypatch, lang, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    from paramcfg.cli import build_parser  # noqa: PLC0415

    _parser, runs = build_parser(lang)
    names = [None, *runs]
    for name in names:
        assert main(["--lang", lang, *([name] if name else []), "--help"]) == EXIT_OK
        out = capsys.readouterr().out
        assert out
        for line in out.splitlines():
            # A single word or usage group longer than the space left (an option with its
            # choices, indented under a long command name) may overflow, as argparse's own
            # English does; nothing that can be broken does.
            if display_width(line) > columns:
                assert " " not in line.strip() or line.strip().count("[") == 1, line


def test_wrap_display_counts_wide_characters_twice():
    lines = wrap_display("パッケージコア（.pcore ファイルかそのフォルダ）。既定: 今のフォルダ", 20)
    assert all(display_width(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == \
        "パッケージコア（.pcoreファイルかそのフォルダ）。既定:今のフォルダ"
    assert not any(line.startswith(("）", "。", "、")) for line in lines)
    assert not any(line.endswith("（") for line in lines)


def test_every_command_and_option_is_documented():
    from paramcfg.cli import build_parser  # noqa: PLC0415

    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser, runs = build_parser("en")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert f"## `paramcfg {name}" in docs, name
        assert f"`paramcfg {name}" in readme, name
        for action in command._actions:
            for option in action.option_strings:
                if option not in {"-h", "--help", "--lang"}:
                    assert option in docs.split(f"## `paramcfg {name}", 1)[1].split("\n## ")[0] \
                        or option in docs.split("## Conventions", 1)[1].split("\n## ")[0], \
                        (name, option)
    assert set(runs) == set(sub.choices)
