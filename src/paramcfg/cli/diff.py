"""``paramcfg diff A B`` / ``paramcfg diff A --defaults``: compare two profiles, or a profile
with the core's defaults.  ``--core PATH`` names the core, as for the other commands.

``--core`` used to mean both things: a bare ``--core`` compared with the defaults, and ``--core
PATH`` without B did too.  Both forms still work, with a warning that names the new spelling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from paramcfg.cli.common import FORMAT_HELP, Cores, clean_tenant, report_for

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.parsing import Subcommands

# What a bare `--core` (no PATH) leaves in args.core: the deprecated spelling of --defaults.
_BARE_CORE: Final = ""


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command(
        "diff", "compare two profiles, or a profile with the core's defaults (--defaults)",
        "二つのプロファイル、またはプロファイルとコアの既定値（--defaults）を比べます")
    p.add_argument("left", metavar="A", help=p.text("a profile", "プロファイル"))
    p.add_argument("right", metavar="B", nargs="?", help=p.text("another profile", "比べる相手"))
    p.add_argument("--defaults", action="store_true", help=p.text(
        "compare A with the core's defaults (instead of B)",
        "A をコアの既定値と比べます（B の代わりに）"))
    p.add_argument("--core", metavar="PATH", nargs="?", const=_BARE_CORE, help=p.text(
        "the package core (a folder or a .pcore file); a bare --core is the old spelling of "
        "--defaults",
        "パッケージコア（フォルダか .pcore ファイル）。パスのない --core は --defaults の旧い書き方です"))
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help=p.text(*FORMAT_HELP))


def _against_defaults(args: argparse.Namespace) -> bool | None:
    """Whether A is compared with the core's defaults; ``None`` after a usage error."""
    report = report_for(args)
    if args.core == _BARE_CORE:  # deprecated: `diff A --core`
        print(report.msg("diff_core_deprecated"), file=report.err)
        args.core = None
        if args.right is None:
            return True
    if args.defaults:
        if args.right is not None:
            report.fail("diff_defaults_and_b")
            return None
        return True
    if args.right is None:
        if args.core is None:
            report.fail("diff_what")
            return None
        # deprecated: `diff A --core PATH` compared A with the defaults of PATH
        print(report.msg("diff_core_implies_defaults"), file=report.err)
        return True
    return False


def run(args: argparse.Namespace) -> int:
    from paramcfg.diff import diff_tenants, render  # noqa: PLC0415 - keep `--help` fast

    report = report_for(args)
    defaults = _against_defaults(args)
    if defaults is None:
        return report.exit_code
    core = args.core or None
    cores = Cores()
    left = clean_tenant(args.left, core, cores, report, review_ok=True)
    if left is None:
        return report.exit_code
    right = None
    if not defaults:
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
