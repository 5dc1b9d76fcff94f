"""``paramcfg check PROFILE…``: check tenant profiles against their package core.

A PROFILE may be a folder (its ``*.pcfg``, sorted) or a pattern the shell did not expand
(PowerShell).  ``--format`` gives the full text (source line, underline, help), ``compact`` (one
line per diagnostic), ``json`` or ``sarif`` (SARIF 2.1.0, for code scanning); ``--select`` and
``--ignore`` keep or drop diagnostic codes (a prefix such as ``PC04`` names every code under it).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from paramcfg.cli.common import (
    CORE_HELP,
    Cores,
    Report,
    core_path,
    expand_paths,
    report_for,
)
from paramcfg.diagnostics import Severity, printable, render_text, to_json_obj

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from pathlib import Path

    from paramcfg.cli.parsing import Subcommands
    from paramcfg.diagnostics import Diagnostic
    from paramcfg.engine import CheckResult

FORMATS = ("text", "compact", "json", "sarif")


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command("check", "check tenant profiles against the package core",
                               "テナントプロファイルをパッケージコアに照らして確認します")
    p.add_argument("profiles", nargs="+", metavar="PROFILE", help=p.text(
        "tenant profile files, or folders of them (their *.pcfg)",
        "テナントプロファイルのファイル、またはそのフォルダ（中の *.pcfg）"))
    p.add_argument("--core", metavar="PATH", help=p.text(*CORE_HELP))
    p.add_argument("--format", choices=FORMATS, default="text", help=p.text(
        "output format: text (default), compact (one line per diagnostic), json, sarif "
        "(SARIF 2.1.0)",
        "出力の形式: text（既定）、compact（診断 1 件を 1 行で）、json、sarif（SARIF 2.1.0）"))
    p.add_argument("--select", action="append", default=[], metavar="CODE[,CODE]", help=p.text(
        "report only these diagnostic codes (a prefix such as PC04 selects all under it)",
        "これらの診断コードだけを報告します（PC04 のような前方一致も可）"))
    p.add_argument("--ignore", action="append", default=[], metavar="CODE[,CODE]", help=p.text(
        "do not report these diagnostic codes (a prefix such as PC04 ignores all under it)",
        "これらの診断コードを報告しません（PC04 のような前方一致も可）"))


class CodeFilter:
    """``--select`` and ``--ignore``: which diagnostics are reported."""

    def __init__(self, select: Sequence[str], ignore: Sequence[str], report: Report) -> None:
        self.select = self._codes(select, report)
        self.ignore = self._codes(ignore, report)

    @staticmethod
    def _codes(values: Sequence[str], report: Report) -> tuple[str, ...]:
        from paramcfg.codes import CODES  # noqa: PLC0415 - keep `--help` fast

        codes: list[str] = []
        for value in values:
            for raw in value.split(","):
                code = raw.strip().upper()
                if not code:
                    continue
                if code.isdigit():  # `0411` for PC0411
                    code = "PC" + code
                if not any(known.startswith(code) for known in CODES):
                    report.fail("unknown_code", code=raw.strip())
                    continue
                codes.append(code)
        return tuple(codes)

    @property
    def active(self) -> bool:
        return bool(self.select or self.ignore)

    def keep(self, d: Diagnostic) -> bool:
        if self.select and not d.code.startswith(self.select):
            return False
        return not d.code.startswith(self.ignore) if self.ignore else True


def run(args: argparse.Namespace) -> int:
    from paramcfg.engine import check_profile  # noqa: PLC0415 - keep `--help` fast

    report = report_for(args)
    codes = CodeFilter(args.select, args.ignore, report)
    names = expand_paths(args.profiles, (".pcfg",), report)
    cores = Cores()
    checked = bad = 0
    shown_core_errors: set[Path] = set()
    json_out: list[dict[str, object]] = []
    every: list[Diagnostic] = []  # for sarif
    for name in names:
        path = core_path(name, args.core, report)
        if path is None:
            report.fail("no_core", path=name)
            continue
        try:
            core = cores.load(path)
        except OSError as exc:
            report.fail("unreadable", path=path, error=exc)
            continue
        if not core.ok:
            key = path.resolve()
            if key not in shown_core_errors:
                shown_core_errors.add(key)
                _emit(report, args.format, list(core.diagnostics), core.sources, json_out, every)
                report.fail("core_bad", path=path)
            continue
        try:
            result = check_profile(name, core)
        except OSError as exc:
            report.fail("unreadable", path=name, error=exc)
            continue
        diags = [d for d in result.diagnostics if codes.keep(d)]
        errors = sum(d.level is Severity.ERROR for d in diags) if codes.active else result.errors
        warnings = (sum(d.level is Severity.WARNING for d in diags) if codes.active
                    else result.warnings)
        failed = result.profile is None or errors > 0
        checked += 1
        bad += failed
        _emit(report, args.format, diags, result.sources, json_out, every,
              summary=(result, errors, warnings))
        if failed:
            report.findings = True
    if args.format == "json":
        print(json.dumps(json_out, ensure_ascii=False, indent=2), file=report.out)
    elif args.format == "sarif":
        from paramcfg import __version__  # noqa: PLC0415
        from paramcfg.sarif import to_sarif  # noqa: PLC0415

        print(json.dumps(to_sarif(every, report.lang, __version__), ensure_ascii=False,
                         indent=2), file=report.out)
    elif checked > 1 or (args.format == "compact" and checked):
        report.say("total", files=checked, clean=checked - bad, bad=bad)
    return report.exit_code


def _emit(
    report: Report, fmt: str, diags: list[Diagnostic], sources: dict[str, str] | object,
    json_out: list[dict[str, object]], every: list[Diagnostic],
    summary: tuple[CheckResult, int, int] | None = None,
) -> None:
    if fmt == "sarif":
        every.extend(diags)
        return
    if fmt == "json":
        entry: dict[str, object] = {"diagnostics": [to_json_obj(d, report.lang) for d in diags]}
        if summary is not None:
            result, errors, warnings = summary
            entry.update({
                "file": result.path, "ok": result.profile is not None and errors == 0,
                "errors": errors, "warnings": warnings,
                "tenant": result.profile.name if result.profile else None,
                "code": result.profile.code if result.profile else None,
            })
        json_out.append(entry)
        return
    if fmt == "compact":
        for d in diags:
            print(printable(f"{d.span}: {d.level.label(report.lang)}[{d.code}]: "
                            f"{d.message(report.lang)}"), file=report.out)
        if summary is not None and summary[0].profile is None:
            result, errors, warnings = summary
            report.say("unusable", path=result.path, errors=errors, warnings=warnings)
        return
    if diags:
        report.out.write(render_text(diags, sources, report.lang))  # type: ignore[arg-type]
    if summary is None:
        return
    result, errors, warnings = summary
    if result.profile is None:
        report.say("unusable", path=result.path, errors=errors, warnings=warnings)
    elif errors == 0 and not warnings:
        report.say("clean", path=result.path, name=result.profile.name,
                   code=result.profile.code)
    else:
        report.say("findings", path=result.path, name=result.profile.name,
                   code=result.profile.code, errors=errors, warnings=warnings)
