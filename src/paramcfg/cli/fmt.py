"""``paramcfg fmt FILE…``: lay files out canonically (aligned grids, grouped amounts)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from paramcfg.cli.common import expand_paths, report_for
from paramcfg.diagnostics import Severity, render_text

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.parsing import Subcommands


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command(
        "fmt", "lay files out canonically (aligned grids, grouped amounts; comments kept)",
        "ファイルを標準の書式に整えます（表の桁揃え、金額の桁区切り。コメントは残します）")
    p.add_argument("files", nargs="+", metavar="FILE", help=p.text(
        "files, or folders of them (their *.pcfg)",
        "ファイル、またはそのフォルダ（中の *.pcfg）"))
    p.add_argument("--check", action="store_true", help=p.text(
        "change nothing; exit 1 if a file would be reformatted",
        "何も変更せず、整形が必要なファイルがあれば終了コード 1"))


def run(args: argparse.Namespace) -> int:
    from paramcfg.fileio import write_atomic  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.fmt import FormatError, format_text  # noqa: PLC0415
    from paramcfg.source import read_source  # noqa: PLC0415

    report = report_for(args)
    names = expand_paths(args.files, (".pcfg",), report)
    for name in names:
        path = Path(name)
        try:
            src = read_source(path)
            original = path.read_bytes()
        except OSError as exc:
            report.fail("unreadable", path=name, error=exc)
            continue
        if not src.ok or any(d.level is Severity.ERROR for d in src.diagnostics):
            # What check's source stage refuses (a control character, an undecodable file) is
            # refused here too: the text fmt would lay out is no longer the file's text (a
            # control character in a string has become a space).
            report.out.write(render_text(list(src.diagnostics),
                                         {src.path: src.shown} if src.ok else {}, report.lang))
            report.say("fmt_skipped", path=name)
            report.findings = True
            continue
        try:
            result = format_text(src.text, src.path)
        except FormatError as exc:  # fmt's self-check: a bug, never a reason to touch the file
            print(report.msg("fmt_bug", path=name, detail=exc.text(report.lang)), file=report.err)
            report.internal_error = True
            continue
        if not result.ok:
            report.out.write(render_text(list(result.diagnostics), {src.path: src.shown},
                                         report.lang))
            report.say("fmt_skipped", path=name)
            report.findings = True
            continue
        if result.text.encode("utf-8") == original:
            continue
        if args.check:
            report.say("fmt_would", path=name)
            report.findings = True
            continue
        try:
            write_atomic(path, result.text)
        except OSError as exc:
            report.fail("unwritable", path=name, error=exc)
            continue
        report.say("fmt_done", path=name)
    return report.exit_code
