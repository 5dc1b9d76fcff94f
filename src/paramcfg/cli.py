"""The ``paramcfg`` command: a thin face over the public API.

Exit codes (owned by :class:`Report`): 0 clean, 1 findings, 2 usage or unreadable input,
3 an internal error (a bug in paramcfg: please report it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from paramcfg.diagnostics import Diagnostic, render_text, to_json_obj

if TYPE_CHECKING:
    from collections.abc import Sequence

    from paramcfg.engine import CheckResult, CoreResult

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERNAL: Final = 3

# CLI texts in both languages; a key missing in one language is a test failure.
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "clean": ("{path}: {name} ({code}): clean", "{path}: {name}（{code}）: 問題ありません"),
    "findings": ("{path}: {name} ({code}): {errors} error(s), {warnings} warning(s)",
                 "{path}: {name}（{code}）: エラー {errors} 件、警告 {warnings} 件"),
    "unusable": ("{path}: {errors} error(s), {warnings} warning(s); the profile could not be read",
                 "{path}: エラー {errors} 件、警告 {warnings} 件。プロファイルを読み込めませんでした"),
    "total": ("checked {files} profile(s): {clean} clean, {bad} with errors",
              "{files} 件のプロファイルを確認: 問題なし {clean} 件、エラーあり {bad} 件"),
    "core_bad": ("the package core {path} has errors; fix them first",
                 "パッケージコア {path} にエラーがあります。先に修正してください"),
    "no_core": ("no package core found for {path}: give one with --core DIR",
                "{path} に対応するパッケージコアが見つかりません。--core DIR で指定してください"),
    "unreadable": ("cannot read {path}: {error}", "{path} を読み込めません: {error}"),
    "unknown_code": ("unknown diagnostic code {code}; codes look like PC0301",
                     "診断コード {code} はありません。PC0301 のような形です"),
    "internal": (("internal error in paramcfg (a bug, not your file's fault); please report "
                  "it with the text below"),
                 ("paramcfg の内部エラーです（ファイルの誤りではありません）。"
                  "以下の内容を添えて報告してください")),
}


def detect_lang(explicit: str | None = None) -> str:
    """``--lang``, else ``PARAMCFG_LANG``, else the locale (``ja*`` → Japanese), else English."""
    if explicit:
        return explicit
    for var in ("PARAMCFG_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


class Report:
    """Collects outcomes and owns the exit code (as black's Report does)."""

    def __init__(self, lang: str, out: TextIO, err: TextIO) -> None:
        self.lang = lang
        self.out = out
        self.err = err
        self.findings = False
        self.usage_error = False

    def msg(self, key: str, **args: object) -> str:
        en, ja = MESSAGES[key]
        return (ja if self.lang == "ja" else en).format(**args)

    def say(self, key: str, **args: object) -> None:
        print(self.msg(key, **args), file=self.out)

    def fail(self, key: str, **args: object) -> None:
        self.usage_error = True
        print(self.msg(key, **args), file=self.err)

    @property
    def exit_code(self) -> int:
        if self.usage_error:
            return EXIT_USAGE
        return EXIT_FINDINGS if self.findings else EXIT_OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="paramcfg",
        description="Check and use paramcfg tenant profiles against a package core.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="check tenant profiles against the package core")
    check.add_argument("profiles", nargs="+", metavar="PROFILE", help="tenant profile files")
    check.add_argument("--core", metavar="PATH",
                       help="the package core (a .pcore file or a folder of them); default: "
                            "the nearest package_core/ folder at or above each profile")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=("ja", "en"), help="language of messages "
                       "(default: PARAMCFG_LANG, else the locale)")

    explain = sub.add_parser("explain", help="explain a diagnostic code, e.g. PC0302")
    explain.add_argument("code", metavar="CODE")
    explain.add_argument("--lang", choices=("ja", "en"))
    return p


def _load_core(path: Path, cache: dict[Path, CoreResult]) -> CoreResult:
    from paramcfg.engine import load_core  # noqa: PLC0415 - keep `--help` fast

    key = path.resolve()
    if key not in cache:
        cache[key] = load_core(path)
    return cache[key]


def _cmd_check(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.engine import check_profile, find_core  # noqa: PLC0415 - keep `--help` fast

    cores: dict[Path, CoreResult] = {}
    results: list[CheckResult] = []
    shown_core_errors: set[Path] = set()
    json_out: list[dict[str, object]] = []
    for name in args.profiles:
        core_path = Path(args.core) if args.core else find_core(name)
        if core_path is None:
            report.fail("no_core", path=name)
            continue
        try:
            core = _load_core(core_path, cores)
        except OSError as exc:
            report.fail("unreadable", path=core_path, error=exc.strerror or exc)
            continue
        if not core.ok:
            key = core_path.resolve()
            if key not in shown_core_errors:
                shown_core_errors.add(key)
                _emit(report, args.format, list(core.diagnostics), core.sources, json_out)
                report.fail("core_bad", path=core_path)
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
        return
    if len(results) > 1:
        bad = sum(not r.ok for r in results)
        report.say("total", files=len(results), clean=len(results) - bad, bad=bad)


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


def _cmd_explain(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.explain import explain_code  # noqa: PLC0415 - keep `--help` fast

    text = explain_code(args.code.upper(), report.lang)
    if text is None:
        report.fail("unknown_code", code=args.code)
        return
    print(text, file=report.out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    report = Report(detect_lang(getattr(args, "lang", None)), sys.stdout, sys.stderr)
    try:
        {"check": _cmd_check, "explain": _cmd_explain}[args.command](args, report)
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - the last line of defence: never a bare traceback
        print(report.msg("internal"), file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL
    return report.exit_code
