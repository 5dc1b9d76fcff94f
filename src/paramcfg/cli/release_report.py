"""``paramcfg release-report OLD_CORE NEW_CORE PROFILE…``: what a new core release changes in the
law, and what each town must do before the new fiscal year."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from paramcfg.cli.common import FORMAT_HELP, Cores, report_for
from paramcfg.diagnostics import render_text

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.parsing import Subcommands
    from paramcfg.engine import CoreResult


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command(
        "release-report", "what a new core release changes in the law, and what each town must do",
        "新しいコアのリリースで変わる法令と、各団体が新年度までにすべきこと")
    p.add_argument("old", metavar="OLD_CORE", help=p.text(
        "the release in use (a .pcore file or its folder)",
        "使用中のリリース（.pcore ファイルかそのフォルダ）"))
    p.add_argument("new", metavar="NEW_CORE", help=p.text("the new release", "新しいリリース"))
    p.add_argument("profiles", nargs="+", metavar="PROFILE_OR_FOLDER", help=p.text(
        "tenant profiles, or folders of them (*.pcfg, sub-folders included)",
        "テナントプロファイル、またはそのフォルダ（*.pcfg、下位フォルダも）"))
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                   help=p.text(*FORMAT_HELP))


def run(args: argparse.Namespace) -> int:
    import time  # noqa: PLC0415 - keep `--help` fast

    from paramcfg.release import find_profiles, release_report, render  # noqa: PLC0415

    report = report_for(args)
    loaded = Cores()
    cores: dict[str, CoreResult] = {}
    for key in ("old", "new"):
        path = Path(getattr(args, key))
        try:
            core = loaded.load(path)
        except OSError as exc:
            report.fail("unreadable", path=path, error=exc)
            return report.exit_code
        if not core.ok:
            report.err.write(render_text(list(core.diagnostics), core.sources, report.lang))
            report.fail("core_bad", path=path)
            return report.exit_code
        cores[key] = core
    old, new = cores["old"].core, cores["new"].core
    if old is not None and new is not None and old.name != new.name:
        report.fail("release_cores", old=old.name, new=new.name)
        return report.exit_code
    profiles, missing = find_profiles(args.profiles)
    for path in missing:
        report.fail("unreadable", path=path, error=report.text(
            "no such file or folder", "そのようなファイルやフォルダはありません"))
    if not profiles:
        if not missing:
            report.fail("no_profiles", paths=", ".join(args.profiles))
        return report.exit_code
    started = time.monotonic()
    shown = False
    live = report.err.isatty()

    def progress(done: int) -> None:
        nonlocal shown
        if live and (shown or time.monotonic() - started > 1):
            shown = True
            report.err.write(f"\r{done:,}/{len(profiles):,}")
            report.err.flush()

    result = release_report(cores["old"], cores["new"], profiles, progress=progress)
    if shown:
        report.err.write("\r" + " " * 24 + "\r")
    report.out.write(render(result, args.format, report.lang))
    report.findings = bool(result.acting)
    if any(town.unreadable for town in result.towns):
        report.usage_error = True
    return report.exit_code
