"""``paramcfg check PROFILE…``: check tenant profiles against their package core."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from paramcfg.cli.common import CORE_HELP, FORMAT_HELP, Cores, Report, core_path, report_for
from paramcfg.diagnostics import render_text, to_json_obj

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from paramcfg.cli.parsing import Subcommands
    from paramcfg.diagnostics import Diagnostic
    from paramcfg.engine import CheckResult


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command("check", "check tenant profiles against the package core",
                               "テナントプロファイルをパッケージコアに照らして確認します")
    p.add_argument("profiles", nargs="+", metavar="PROFILE",
                   help=p.text("tenant profile files", "テナントプロファイルのファイル"))
    p.add_argument("--core", metavar="PATH", help=p.text(*CORE_HELP))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=p.text(*FORMAT_HELP))


def run(args: argparse.Namespace) -> int:
    from paramcfg.engine import check_profile  # noqa: PLC0415 - keep `--help` fast

    report = report_for(args)
    cores = Cores()
    results: list[CheckResult] = []
    shown_core_errors: set[Path] = set()
    json_out: list[dict[str, object]] = []
    for name in args.profiles:
        path = core_path(name, args.core, report)
        if path is None:
            report.fail("no_core", path=name)
            continue
        try:
            core = cores.load(path)
        except OSError as exc:
            report.fail("unreadable", path=path, error=exc.strerror or exc)
            continue
        if not core.ok:
            key = path.resolve()
            if key not in shown_core_errors:
                shown_core_errors.add(key)
                _emit(report, args.format, list(core.diagnostics), core.sources, json_out)
                report.fail("core_bad", path=path)
            continue
        try:
            result = check_profile(name, core)
        except OSError as exc:
            report.fail("unreadable", path=name, error=exc.strerror or exc)
            continue
        results.append(result)
        _emit(report, args.format, list(result.diagnostics), result.sources, json_out,
              summary=result)
        if not result.ok:
            report.findings = True
    if args.format == "json":
        print(json.dumps(json_out, ensure_ascii=False, indent=2), file=report.out)
    elif len(results) > 1:
        bad = sum(not r.ok for r in results)
        report.say("total", files=len(results), clean=len(results) - bad, bad=bad)
    return report.exit_code


def _emit(
    report: Report, fmt: str, diags: list[Diagnostic], sources: dict[str, str] | object,
    json_out: list[dict[str, object]], summary: CheckResult | None = None,
) -> None:
    if fmt == "json":
        entry: dict[str, object] = {"diagnostics": [to_json_obj(d, report.lang) for d in diags]}
        if summary is not None:
            entry.update({
                "file": summary.path, "ok": summary.ok, "errors": summary.errors,
                "warnings": summary.warnings,
                "tenant": summary.profile.name if summary.profile else None,
                "code": summary.profile.code if summary.profile else None,
            })
        json_out.append(entry)
        return
    if diags:
        report.out.write(render_text(diags, sources, report.lang))  # type: ignore[arg-type]
    if summary is None:
        return
    if summary.profile is None:
        report.say("unusable", path=summary.path, errors=summary.errors,
                   warnings=summary.warnings)
    elif summary.ok and not summary.warnings:
        report.say("clean", path=summary.path, name=summary.profile.name,
                   code=summary.profile.code)
    else:
        report.say("findings", path=summary.path, name=summary.profile.name,
                   code=summary.profile.code, errors=summary.errors,
                   warnings=summary.warnings)
