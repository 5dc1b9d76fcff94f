"""``paramcfg diff A [B]``: compare two profiles, or a profile with the core's defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paramcfg.cli.common import FORMAT_HELP, Cores, clean_tenant, report_for

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.parsing import Subcommands


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command(
        "diff", "compare two profiles, or a profile with the core's defaults (--core)",
        "二つのプロファイル、またはプロファイルとコアの既定値（--core）を比べます")
    p.add_argument("left", metavar="A", help=p.text("a profile", "プロファイル"))
    p.add_argument("right", metavar="B", nargs="?", help=p.text("another profile", "比べる相手"))
    p.add_argument("--core", metavar="PATH", nargs="?", const="", help=p.text(
        "without B: compare A with the core's defaults; PATH names the core",
        "B がないとき: A をコアの既定値と比べます。PATH でコアを指定できます"))
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help=p.text(*FORMAT_HELP))


def run(args: argparse.Namespace) -> int:
    from paramcfg.diff import diff_tenants, render  # noqa: PLC0415 - keep `--help` fast

    report = report_for(args)
    if args.right is None and args.core is None:
        report.fail("diff_what")
        return report.exit_code
    core = args.core or None  # a bare `--core` compares with the defaults of the found core
    cores = Cores()
    left = clean_tenant(args.left, core, cores, report, review_ok=True)
    if left is None:
        return report.exit_code
    right = None
    if args.right is not None:
        right = clean_tenant(args.right, core, cores, report, review_ok=True)
        if right is None:
            return report.exit_code
        if right.core.name != left.core.name:
            report.fail("diff_cores", left=left.core.name, right=right.core.name)
            return report.exit_code
    result = diff_tenants(left.core, left, right)
    report.out.write(render(result, args.format, report.lang))
    report.findings = not result.equal
    return report.exit_code
