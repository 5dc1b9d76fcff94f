"""``paramcfg init NAME --code CODE --from PROFILE``: a new town's profile from a neighbour's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from paramcfg.cli.common import report_for
from paramcfg.diagnostics import render_text

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.common import Report
    from paramcfg.cli.parsing import Subcommands


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command("init", "a new town's profile, copied from a neighbour's",
                               "隣の団体のプロファイルから新しい団体のプロファイルを作ります")
    p.add_argument("name", metavar="NAME", help=p.text(
        "the new town's name, e.g. 新町", "新しい団体の名前（例: 新町）"))
    p.add_argument("--code", required=True, metavar="CODE", help=p.text(
        "its 6-digit 地方公共団体コード (the check digit is verified)",
        "6 桁の地方公共団体コード（検査数字を確認します）"))
    p.add_argument("--from", dest="source", required=True, metavar="PROFILE", help=p.text(
        "the neighbour's profile to copy", "写すもとになる隣の団体のプロファイル"))
    p.add_argument("-o", "--output", metavar="FILE", help=p.text(
        "write to FILE (atomically; an existing file is never replaced)",
        "FILE に書き出します（既存のファイルは上書きしません）"))


def run(args: argparse.Namespace) -> int:
    from paramcfg.fileio import write_atomic  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.scaffold import init_profile  # noqa: PLC0415
    from paramcfg.source import read_source  # noqa: PLC0415

    report = report_for(args)
    try:
        src = read_source(args.source)
    except OSError as exc:
        report.fail("unreadable", path=args.source, error=exc)
        return report.exit_code
    result = init_profile(src.text, src.path, args.name, args.code)
    if result.diagnostics:
        report.err.write(render_text(list(result.diagnostics), {src.path: src.shown},
                                     report.lang))
        report.fail("init_failed", path=args.source)
        return report.exit_code
    if not args.output:
        report.out.write(result.text)
        return report.exit_code
    if os.path.lexists(args.output):  # a dangling link too: it is never written through
        report.fail("exists", path=args.output)
        return report.exit_code
    try:
        write_atomic(args.output, result.text)
    except OSError as exc:
        report.fail("unwritable", path=args.output, error=exc)
        return report.exit_code
    report.say("init_done", path=args.output, count=result.reviewed)
    _advise_core(report, args.source, args.output)
    return report.exit_code


def _advise_core(report: Report, source: str, output: str) -> None:
    """When no core is found for the new profile (a late joiner's own folder), say how to name
    the neighbour's core once, so that the advice above works as printed."""
    from paramcfg.engine import SETTINGS_FILE, CoreSettingError, find_core  # noqa: PLC0415

    try:
        if find_core(output) is not None:
            return
        core = find_core(source)
    except CoreSettingError:
        return  # check reports the bad setting itself
    if core is None:
        return
    folder = Path(output).resolve().parent
    try:
        relative = Path(os.path.relpath(core.resolve(), folder)).as_posix()
    except ValueError:  # another drive (Windows)
        relative = core.resolve().as_posix()
    report.say("init_no_core", path=output, settings=Path(output).parent / SETTINGS_FILE,
               core=relative)
