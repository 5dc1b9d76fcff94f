"""``paramcfg test [PATH…]``: run towns' acceptance tests (NAME.test.toml beside NAME.pcfg).

The tests themselves are run by :mod:`paramcfg.acceptance`; this is its command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from paramcfg.cli.common import CORE_HELP, PROJECTION_HELP, Cores, clean_tenant, report_for
from paramcfg.diagnostics import printable

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.parsing import Subcommands


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command(
        "test", "run a town's acceptance tests (NAME.test.toml beside NAME.pcfg)",
        "受入テストを実行します（NAME.pcfg と同じ場所の NAME.test.toml）")
    p.add_argument("paths", nargs="*", metavar="PATH", help=p.text(
        "test files, profiles or folders (default: tenant_profiles/, else .)",
        "テストファイル、プロファイル、フォルダ（既定: tenant_profiles/、なければ .）"))
    p.add_argument("--projection", action="store_true", help=p.text(*PROJECTION_HELP))
    p.add_argument("--core", metavar="PATH", help=p.text(*CORE_HELP))


def test_files(paths: list[str]) -> list[Path]:
    """The test files named: each folder's, each test file, and each profile's own."""
    from paramcfg.acceptance import TEST_SUFFIX  # noqa: PLC0415 - keep `--help` fast

    if not paths:
        paths = ["tenant_profiles"] if Path("tenant_profiles").is_dir() else ["."]
    found: list[Path] = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            found.extend(sorted(p.glob(f"*{TEST_SUFFIX}")))
        elif p.name.endswith(TEST_SUFFIX):
            found.append(p)
        else:  # a profile: its test file beside it
            found.append(p.with_name(p.stem + TEST_SUFFIX))
    return found


def run(args: argparse.Namespace) -> int:
    from paramcfg.acceptance import profile_of, run_file  # noqa: PLC0415 - keep `--help` fast

    report = report_for(args)
    files = test_files(args.paths)
    if not files:
        report.fail("no_tests")
        return report.exit_code
    cores = Cores()
    total_failed = total = 0
    for path in files:
        if not path.is_file():
            report.fail("unreadable", path=path,
                        error=report.text("no such file", "そのようなファイルはありません"))
            continue
        tenant = clean_tenant(str(profile_of(path)), args.core, cores, report)
        if tenant is None:
            continue
        try:
            results = run_file(tenant, path, report.lang, projection=args.projection)
        except (OSError, ValueError) as exc:
            report.fail("bad_tests", path=path, error=exc)
            continue
        failed = [r for r in results if not r.ok]
        total += len(results)
        total_failed += len(failed)
        report.say("test_file", path=path, tenant=tenant.name, passed=len(results) - len(failed),
                   failed=len(failed))
        for r in failed:
            report.say("test_fail", name=r.name, rule=r.rule, expected=r.expected,
                       actual=r.actual)
            for line in r.detail.splitlines():
                print(f"      {printable(line)}", file=report.out)
    if total:
        report.say("test_total", passed=total - total_failed, failed=total_failed)
    report.findings = report.findings or total_failed > 0
    return report.exit_code
