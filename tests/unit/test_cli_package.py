"""The command line as a package: one module per command, registered by one line, each core loaded
once per invocation, and `--help` that loads no stage of the pipeline."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import types

import pytest
from helpers import PROFILES, ROOT

import paramcfg.cli
import paramcfg.engine
from paramcfg.cli import COMMANDS, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from paramcfg.cli.common import report_for


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_module_has_add_parser_and_run(name):
    module = importlib.import_module(name)
    assert callable(module.add_parser)
    assert callable(module.run)


def test_the_commands_help_lists_them_in_order(capsys):
    assert main(["--help"]) == EXIT_OK
    out = capsys.readouterr().out
    names = ["check", "eval", "diff", "fmt", "init", "test", "export", "release-report", "explain"]
    positions = [re.search(rf"\n    {name}\s", out).start() for name in names]  # type: ignore[union-attr]
    assert positions == sorted(positions)


def _hello_module(calls: list[str]) -> types.ModuleType:
    """A command written elsewhere, as another helper would write one."""
    module = types.ModuleType("hello_command")

    def add_parser(subparsers):  # a plain add_parser, not add_command
        p = subparsers.add_parser("hello", help="say hello")
        p.add_argument("who")

    def run(args):
        report = report_for(args)
        calls.append(f"{args.who} {args.lang}")
        report.say("fmt_done", path=args.who)
        report.findings = args.who == "bad"
        return report.exit_code

    module.add_parser = add_parser  # type: ignore[attr-defined]
    module.run = run  # type: ignore[attr-defined]
    return module


def test_registering_a_command_is_one_line(monkeypatch, capsys):
    calls: list[str] = []
    monkeypatch.setitem(sys.modules, "hello_command", _hello_module(calls))
    monkeypatch.setattr(paramcfg.cli, "COMMANDS", (*COMMANDS, "hello_command"))
    assert main(["hello", "町", "--lang", "ja"]) == EXIT_OK
    assert capsys.readouterr().out == "町 を整形しました\n"
    assert main(["hello", "bad", "--lang", "en"]) == EXIT_FINDINGS
    assert calls == ["町 ja", "bad en"]
    # A command that used plain add_parser still gets `-h`, `--lang` and Japanese argparse.
    assert main(["hello", "--lang", "ja"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("使い方: paramcfg hello [-h] [--lang {ja,en}] who")
    assert "エラー: 次の引数が必要です: who" in err


def _count_core_loads(monkeypatch) -> list[object]:
    loads: list[object] = []
    real = paramcfg.engine.load_core

    def counting(path, *args, **kwargs):
        loads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(paramcfg.engine, "load_core", counting)
    return loads


def test_test_command_loads_the_core_once_for_all_towns(monkeypatch, capsys):
    loads = _count_core_loads(monkeypatch)
    assert main(["test", str(ROOT / "tenant_profiles"), "--lang", "en"]) == EXIT_OK
    assert capsys.readouterr().out.count(" passed, 0 failed\n") == len(PROFILES) + 1
    assert len(loads) == 1


def test_diff_loads_the_core_once_for_both_profiles(monkeypatch, capsys):
    loads = _count_core_loads(monkeypatch)
    assert main(["diff", str(PROFILES[0]), str(PROFILES[1]), "--lang", "en"]) == EXIT_FINDINGS
    assert "→" in capsys.readouterr().out
    assert len(loads) == 1


def test_help_loads_no_stage_of_the_pipeline():
    code = (
        "import sys\n"
        "from paramcfg.cli import main\n"
        "for argv in (['--help'], ['check', '--help'], ['eval', '--help', '--lang', 'ja']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('paramcfg', 'lark')))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                          check=True, cwd=ROOT)
    loaded = set(done.stdout.splitlines()[-1].split())
    assert "paramcfg.cli.check" in loaded
    assert loaded.isdisjoint({"lark", "paramcfg.engine", "paramcfg.syntax", "paramcfg.model",
                              "paramcfg.check", "paramcfg.compile", "paramcfg.release"})


def test_python_dash_m_paramcfg_runs_the_same_command_line():
    done = subprocess.run([sys.executable, "-m", "paramcfg", "explain", "PC9999", "--lang", "en"],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == EXIT_USAGE
    assert done.stderr == "unknown diagnostic code PC9999; codes look like PC0301\n"
