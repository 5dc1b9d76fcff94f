"""Start-up (issue 15): `paramcfg check` of a clean profile imports what it runs and no more:
not Lark (the fast paths take every statement), not cattrs, not the other commands' modules;
and parsing one command's line alone changes nothing the user sees."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ROOT

from paramcfg.cli import build_parser, main

PROBE = """
import sys
from paramcfg.cli import main
code = main(["check", "tenant_profiles/hitachiomiya.pcfg"])
loaded = sorted(m for m in sys.modules
                if m.split(".")[0] in {"lark", "cattrs"} or m.startswith("paramcfg.cli."))
print(code, loaded)
"""


def test_a_clean_check_imports_neither_lark_nor_cattrs_nor_other_commands() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, check=True, env={"PARAMCFG_LANG": "en", "PATH": ""})
    assert done.stdout.splitlines()[-1] == (
        "0 ['paramcfg.cli.check', 'paramcfg.cli.common', 'paramcfg.cli.parsing', "
        "'paramcfg.cli.translations']")


@pytest.mark.parametrize("argv", [
    ["check", "--bogus", "x.pcfg"], ["check"], ["check", "x.pcfg", "--format", "yaml"],
    ["release-report", "--lang", "ja"], ["eval"],
])
def test_a_bad_command_line_is_reported_with_the_whole_usage(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argv)
    shown = capsys.readouterr()
    parser, _ = build_parser("ja" if "ja" in argv else "en")
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(argv)
    assert (code, shown.err) == (exc.value.code, capsys.readouterr().err)
    assert code == 2


def test_help_of_one_command_is_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--help", "--lang", "en"]) == 0
    one = capsys.readouterr().out
    parser, _ = build_parser("en")
    with pytest.raises(SystemExit):
        parser.parse_args(["check", "--help"])
    assert one == capsys.readouterr().out
    assert one.startswith("usage: paramcfg check")
