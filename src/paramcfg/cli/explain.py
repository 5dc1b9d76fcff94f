"""``paramcfg explain CODE``: what a diagnostic code means and how to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paramcfg.cli.common import report_for

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.parsing import Subcommands


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command("explain", "explain a diagnostic code, e.g. PC0302",
                               "診断コードの説明を表示します（例: PC0302）")
    p.add_argument("code", metavar="CODE", nargs="+", help=p.text(
        "one or more codes such as PC0302, pc0302 or 0302", "PC0302・pc0302・0302 のようなコード（複数可）"))


def run(args: argparse.Namespace) -> int:
    from paramcfg.explain import explain_code  # noqa: PLC0415 - keep `--help` fast

    report = report_for(args)
    shown = 0
    for code in args.code:
        text = explain_code(code, report.lang)
        if text is None:
            report.fail("unknown_code", code=code)
            continue
        if shown:
            print(file=report.out)
        print(text, end="", file=report.out)
        shown += 1
    return report.exit_code
