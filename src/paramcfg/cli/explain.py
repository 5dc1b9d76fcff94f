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
    p.add_argument("code", metavar="CODE", help=p.text("a code such as PC0302",
                                                       "PC0302 のようなコード"))


def run(args: argparse.Namespace) -> int:
    from paramcfg.explain import explain_code  # noqa: PLC0415 - keep `--help` fast

    report = report_for(args)
    text = explain_code(args.code.upper(), report.lang)
    if text is None:
        report.fail("unknown_code", code=args.code)
    else:
        print(text, file=report.out)
    return report.exit_code
