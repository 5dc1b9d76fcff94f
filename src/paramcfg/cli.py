"""The ``paramcfg`` command: a thin face over the public API.

Exit codes (owned by :class:`Report`): 0 clean, 1 findings, 2 usage or unreadable input,
3 an internal error (a bug in paramcfg: please report it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn, TextIO

from paramcfg.diagnostics import Diagnostic, Severity, printable, render_text, to_json_obj

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from paramcfg.engine import CheckResult, CoreResult, Tenant

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
    "unwritable": ("cannot write {path}: {error} (nothing was changed)",
                   "{path} に書き込めません: {error}（ファイルは変更していません）"),
    "no_rule": ("no rule {rule} in core {core}{hint}",
                "コア {core} にルール「{rule}」はありません{hint_ja}"),
    "bad_input": ("--input {name}: {value!r} is not {expected}",
                  "--input {name}: {value!r} は{expected_ja}ではありません"),
    "too_many_digits": (("--input {name}: {value} has more than {limit} digits; no real figure "
                         "does (docs/limits.md)"),
                        ("--input {name}: {value} は {limit} 桁を超えています。実際の金額や率で"
                         "これほどの桁数はありません（docs/limits.md）")),
    "record_input": (("--input {name}: {name} is {type}, made of records: give the inputs in a JSON "
                     "file with --inputs FILE.json"),
                     ("--input {name}: {name} は {type}（レコード）です。入力を JSON ファイルにして "
                     "--inputs FILE.json で渡してください")),
    "bad_assignment": ("--input takes NAME=VALUE, not {text!r}",
                       "--input は 名前=値 の形で指定します（{text!r} ではなく）"),
    "unknown_input": ("rule {rule} has no input or argument {name}{hint}",
                      "ルール「{rule}」に入力・引数「{name}」はありません{hint_ja}"),
    "bad_json": ("cannot read {path} as JSON: {error}",
                 "{path} を JSON として読み込めません: {error}"),
    "bad_date": ("--on takes a date such as 2024-04-01, not {text!r}",
                 "--on には 2024-04-01 のような日付を指定します（{text!r} ではなく）"),
    "not_clean": ("{path} has errors; run paramcfg check {path}",
                  "{path} にエラーがあります。paramcfg check {path} で確認してください"),
    "eval_error": ("cannot evaluate: {error}", "評価できません: {error}"),
    "result": ("{rule} = {value}   ({tenant}, as of {on})",
               "{rule} = {value}  （{tenant}、{on} 時点）"),
    "projection": (("PROJECTION: {on} is after {horizon}, the last date core {core} {version} "
                    "knows the law for; computed with the law as of {horizon}, which may change"),
                   ("試算: {on} は本体 {core} {version} の法令がわかっている最終日 {horizon} より後です。"
                    "{horizon} 時点の法令のまま計算しました（実際の法令とは異なることがあります）")),
    "diff_what": (("give two profiles (diff A B), or one and --core to compare with the "
                   "core's defaults"),
                  ("プロファイルを二つ指定するか（diff A B）、一つと --core を指定して"
                   "ください（コアの既定値と比較）")),
    "diff_cores": (("the profiles use different cores ({left}, {right}); compare profiles of "
                    "one core"), "二つのプロファイルのコアが違います（{left}、{right}）"),
    "init_failed": ("nothing was written: fix the code or {path} first",
                    "ファイルは作成していません。先にコードか {path} を直してください"),
    "exists": ("{path} already exists; give another name with -o (it is never replaced)",
               "{path} は既にあります。-o で別の名前を指定してください（上書きはしません）"),
    "init_done": (("wrote {path}: {count} value(s) marked `review`; run paramcfg check {path} "
                   "and confirm each one"),
                  ("{path} を作成しました。review の付いた値が {count} 個あります。"
                   "paramcfg check {path} で一つずつ確認してください")),
    "fmt_skipped": ("{path}: not formatted: fix the errors above first",
                    "{path}: 整形していません。先に上のエラーを直してください"),
    "fmt_would": ("would reformat {path}", "{path} は整形されます"),
    "fmt_done": ("reformatted {path}", "{path} を整形しました"),
    "no_tests": ("no acceptance tests found (files named NAME.test.toml beside NAME.pcfg)",
                 "受入テストが見つかりません（NAME.pcfg と同じ場所の NAME.test.toml）"),
    "bad_tests": ("cannot read the tests in {path}: {error}",
                  "{path} のテストを読み込めません: {error}"),
    "test_file": ("{path}: {tenant}: {passed} passed, {failed} failed",
                  "{path}: {tenant}: 合格 {passed} 件、不合格 {failed} 件"),
    "test_fail": ("  FAIL {name} ({rule}): expected {expected}, got {actual}",
                  "  不合格 {name}（{rule}）: 期待値 {expected}、計算結果 {actual}"),
    "test_total": ("{passed} passed, {failed} failed", "合格 {passed} 件、不合格 {failed} 件"),
    "release_cores": (("the cores are different packages ({old}, {new}); a release report "
                       "compares two releases of one core"),
                      ("二つのコアは別のパッケージです（{old}、{new}）。リリース通知は同じコアの"
                       "二つのリリースを比べます")),
    "no_profiles": ("no tenant profiles (*.pcfg) in {paths}",
                    "{paths} にテナントプロファイル（*.pcfg）がありません"),
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
        # A tenant name, a path, a value or an error's text may hold a line break or an escape
        # sequence: each is printed escaped, so that no file can print a line of its own.
        safe = {k: self._shown(v) for k, v in args.items()}
        return (ja if self.lang == "ja" else en).format(**safe)

    def _shown(self, value: object) -> object:
        if isinstance(value, int | Decimal):
            return value
        if isinstance(value, OSError):
            from paramcfg.source import NotRegularFileError  # noqa: PLC0415 - `--help` fast

            if isinstance(value, NotRegularFileError):
                return printable(value.message(self.lang))
        return printable(value)

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


# argparse's own messages, in Japanese (its English comes through gettext, which has no
# Japanese catalogue here).
_ARGPARSE_JA: Final = (
    (re.compile(r"the following arguments are required: (.*)"), r"次の引数が必要です: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"解釈できない引数です: \1"),
    (re.compile(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)"),
     r"引数 \1 に \2 は指定できません（選べるもの: \3）"),
    (re.compile(r"argument (\S+): expected one argument"), r"引数 \1 には値を一つ指定します"),
)


class _Formatter(argparse.HelpFormatter):
    lang = "en"

    def add_usage(self, usage: str | None, actions: Any, groups: Any,  # noqa: ANN401
                  prefix: str | None = None) -> None:
        # An empty prefix is argparse building a subcommand's `prog`: leave that alone.
        if prefix is None and self.lang == "ja":
            prefix = "使い方: "
        super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the reader's language: usage, section titles and errors."""

    lang = "en"

    def error(self, message: str) -> NoReturn:
        if self.lang == "ja":
            for pattern, replacement in _ARGPARSE_JA:
                message = pattern.sub(replacement, message)
        self.print_usage(sys.stderr)
        label = "エラー" if self.lang == "ja" else "error"
        self.exit(EXIT_USAGE, f"{self.prog}: {label}: {message}\n")


def _parser(lang: str) -> argparse.ArgumentParser:
    """The command line, with help in ``lang``."""

    def h(en: str, ja: str) -> str:
        return ja if lang == "ja" else en

    class Formatter(_Formatter):
        pass

    Formatter.lang = lang

    class Parser(_Parser):
        pass

    Parser.lang = lang

    def localised(made: argparse.ArgumentParser) -> argparse.ArgumentParser:
        """Section titles and --help in the reader's language."""
        made._positionals.title = h("arguments", "引数")  # noqa: SLF001 - argparse's own titles
        made._optionals.title = h("options", "オプション")  # noqa: SLF001
        made.add_argument("-h", "--help", action="help", help=h(
            "show this help and exit", "このヘルプを表示して終了します"))
        return made

    p = localised(Parser(formatter_class=Formatter, add_help=False, prog="paramcfg", description=h(
        "Check and use paramcfg tenant profiles against a package core.",
        "テナントプロファイルをパッケージコアに照らして確認し、使います。")))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           parser_class=Parser)

    def command(name: str, en: str, ja: str) -> argparse.ArgumentParser:
        made = localised(sub.add_parser(name, help=h(en, ja), description=h(en, ja),
                                        formatter_class=Formatter, add_help=False))
        made.add_argument("--lang", choices=("ja", "en"), help=h(
            "language of messages (default: PARAMCFG_LANG, else the locale)",
            "メッセージの言語（既定: PARAMCFG_LANG、なければロケール）"))
        return made

    core_help = h("the package core (a .pcore file or a folder of them); default: the nearest "
                  "package_core/ folder at or above the profile",
                  "パッケージコア（.pcore ファイルかそのフォルダ）。既定: プロファイルのある"
                  "フォルダかその上にある package_core/")
    on_help = h("as of this date, e.g. 2024-06-01 (default: today)",
                "この日付時点で（例: 2024-06-01、既定: 今日）")
    projection_help = h(
        "allow a date after the core's law horizon (law through …): compute with the law as of "
        "the horizon, marked as a projection",
        "本体の法令の期限（law through …）より後の日付でも、期限時点の法令で試算します（試算と表示）")

    check = command("check", "check tenant profiles against the package core",
                    "テナントプロファイルをパッケージコアに照らして確認します")
    check.add_argument("profiles", nargs="+", metavar="PROFILE",
                       help=h("tenant profile files", "テナントプロファイルのファイル"))
    check.add_argument("--core", metavar="PATH", help=core_help)
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help=h("output format", "出力の形式"))

    ev = command("eval", "evaluate a rule for one tenant as of a date",
                 "ある団体のルールを、ある日付時点で計算します")
    ev.add_argument("profile", metavar="PROFILE", help=h("the tenant profile", "プロファイル"))
    ev.add_argument("rule", metavar="RULE", help=h("the rule to evaluate", "計算するルール"))
    ev.add_argument("--input", action="append", default=[], metavar="NAME=VALUE", help=h(
        "an input or rule argument, e.g. 所得割額=100,000円 (repeatable)",
        "入力またはルールの引数（例: 所得割額=100,000円、繰り返し指定可）"))
    ev.add_argument("--inputs", metavar="FILE.json", help=h(
        "inputs as a JSON object (numbers are read exactly, never as float)",
        "入力を JSON オブジェクトで（数値は正確に読み取ります）"))
    ev.add_argument("--on", metavar="DATE", help=on_help)
    ev.add_argument("--explain", action="store_true", help=h(
        "show the rules applied, parameters used and table cells chosen",
        "適用したルール、使ったパラメータ、選んだ表のセルを表示します"))
    ev.add_argument("--projection", action="store_true", help=projection_help)
    ev.add_argument("--core", metavar="PATH", help=core_help)
    ev.add_argument("--format", choices=("text", "json"), default="text",
                    help=h("output format", "出力の形式"))

    df = command("diff", "compare two profiles, or a profile with the core's defaults (--core)",
                 "二つのプロファイル、またはプロファイルとコアの既定値（--core）を比べます")
    df.add_argument("left", metavar="A", help=h("a profile", "プロファイル"))
    df.add_argument("right", metavar="B", nargs="?", help=h("another profile", "比べる相手"))
    df.add_argument("--core", metavar="PATH", nargs="?", const="", help=h(
        "without B: compare A with the core's defaults; PATH names the core",
        "B がないとき: A をコアの既定値と比べます。PATH でコアを指定できます"))
    df.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                    help=h("output format", "出力の形式"))

    fm = command("fmt", "lay files out canonically (aligned grids, grouped amounts; comments "
                 "kept)", "ファイルを標準の書式に整えます（表の桁揃え、金額の桁区切り。コメントは残します）")
    fm.add_argument("files", nargs="+", metavar="FILE", help=h("files", "ファイル"))
    fm.add_argument("--check", action="store_true", help=h(
        "change nothing; exit 1 if a file would be reformatted",
        "何も変更せず、整形が必要なファイルがあれば終了コード 1"))

    it = command("init", "a new town's profile, copied from a neighbour's",
                 "隣の団体のプロファイルから新しい団体のプロファイルを作ります")
    it.add_argument("name", metavar="NAME", help=h(
        "the new town's name, e.g. 新町", "新しい団体の名前（例: 新町）"))
    it.add_argument("--code", required=True, metavar="CODE", help=h(
        "its 6-digit 地方公共団体コード (the check digit is verified)",
        "6 桁の地方公共団体コード（検査数字を確認します）"))
    it.add_argument("--from", dest="source", required=True, metavar="PROFILE", help=h(
        "the neighbour's profile to copy", "写すもとになる隣の団体のプロファイル"))
    it.add_argument("-o", "--output", metavar="FILE", help=h(
        "write to FILE (atomically; an existing file is never replaced)",
        "FILE に書き出します（既存のファイルは上書きしません）"))

    ts = command("test", "run a town's acceptance tests (NAME.test.toml beside NAME.pcfg)",
                 "受入テストを実行します（NAME.pcfg と同じ場所の NAME.test.toml）")
    ts.add_argument("paths", nargs="*", metavar="PATH", help=h(
        "test files, profiles or folders (default: tenant_profiles/, else .)",
        "テストファイル、プロファイル、フォルダ（既定: tenant_profiles/、なければ .）"))
    ts.add_argument("--projection", action="store_true", help=projection_help)
    ts.add_argument("--core", metavar="PATH", help=core_help)

    ex = command("export", "a tenant's resolved parameter values as TOML or JSON",
                 "ある日付時点のパラメータの値を TOML か JSON で書き出します")
    ex.add_argument("profile", metavar="PROFILE", help=h("the tenant profile", "プロファイル"))
    ex.add_argument("--on", metavar="DATE", help=on_help)
    ex.add_argument("--all-dates", action="store_true", help=h(
        "every effective period", "すべての適用期間"))
    ex.add_argument("--format", choices=("toml", "json"), required=True,
                    help=h("output format", "出力の形式"))
    ex.add_argument("-o", "--output", metavar="FILE", help=h(
        "write to FILE (atomically) instead of standard output",
        "標準出力でなく FILE に書き出します"))
    ex.add_argument("--projection", action="store_true", help=projection_help)
    ex.add_argument("--core", metavar="PATH", help=core_help)

    rr = command("release-report",
                 "what a new core release changes in the law, and what each town must do",
                 "新しいコアのリリースで変わる法令と、各団体が新年度までにすべきこと")
    rr.add_argument("old", metavar="OLD_CORE", help=h(
        "the release in use (a .pcore file or its folder)",
        "使用中のリリース（.pcore ファイルかそのフォルダ）"))
    rr.add_argument("new", metavar="NEW_CORE", help=h(
        "the new release", "新しいリリース"))
    rr.add_argument("profiles", nargs="+", metavar="PROFILE_OR_FOLDER", help=h(
        "tenant profiles, or folders of them (*.pcfg, sub-folders included)",
        "テナントプロファイル、またはそのフォルダ（*.pcfg、下位フォルダも）"))
    rr.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                    help=h("output format", "出力の形式"))

    explain = command("explain", "explain a diagnostic code, e.g. PC0302",
                      "診断コードの説明を表示します（例: PC0302）")
    explain.add_argument("code", metavar="CODE", help=h("a code such as PC0302",
                                                        "PC0302 のようなコード"))
    from paramcfg import cli_batch  # noqa: PLC0415 - its own module (issue 15)

    cli_batch.add_parser(sub, lang)
    return p


def _argv_lang(argv: Sequence[str]) -> str | None:
    """``--lang`` from the command line before it is parsed, so that help is in it too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in {"ja", "en"}:
            return argv[i + 1]
        if arg in {"--lang=ja", "--lang=en"}:
            return arg.split("=", 1)[1]
    return None


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


def _read_inputs(args: argparse.Namespace, report: Report) -> dict[str, object] | None:
    raw: dict[str, object] = {}
    if args.inputs:
        try:
            with Path(args.inputs).open(encoding="utf-8") as f:
                data = json.load(f, parse_float=Decimal)
        except (OSError, ValueError) as exc:
            report.fail("bad_json", path=args.inputs, error=exc)
            return None
        if not isinstance(data, dict):
            report.fail("bad_json", path=args.inputs, error="not an object {…}")
            return None
        raw.update(data)
    for item in args.input:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            report.fail("bad_assignment", text=item)
            return None
        raw[name.strip()] = value.strip()
    return raw


def _today_in_japan() -> dt.date:
    """Today in Japan (UTC+9, no summer time), whatever the machine's clock zone: a fiscal year
    starts on 1 April there, not at midnight UTC."""
    import datetime as dt  # noqa: PLC0415 - keep `--help` fast

    return dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()


def _tenant_and_date(args: argparse.Namespace, report: Report) -> tuple[Tenant, dt.date] | None:
    """The clean tenant of ``args.profile`` and the ``--on`` date, or ``None`` after a message."""
    import datetime as dt  # noqa: PLC0415 - keep `--help` fast

    from paramcfg.engine import Tenant, check_profile, find_core  # noqa: PLC0415

    core_path = Path(args.core) if args.core else find_core(args.profile)
    if core_path is None:
        report.fail("no_core", path=args.profile)
        return None
    try:
        on = dt.date.fromisoformat(args.on) if args.on else _today_in_japan()
    except ValueError:
        report.fail("bad_date", text=args.on)
        return None
    try:
        core = _load_core(core_path, {})
        result = check_profile(args.profile, core)
    except OSError as exc:
        report.fail("unreadable", path=args.profile, error=exc.strerror or exc)
        return None
    if not core.ok or not result.ok or result.profile is None:
        report.out.write(render_text(list(core.diagnostics or result.diagnostics),
                                     result.sources, report.lang))
        report.fail("not_clean", path=args.profile)
        return None
    return Tenant(core, result.profile, result), on


def _cmd_diff(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.diff import diff_tenants, render  # noqa: PLC0415 - keep `--help` fast

    if args.right is None and args.core is None:
        report.fail("diff_what")
        return
    core_arg = args.core or None
    left = _tenant_and_date(argparse.Namespace(
        profile=args.left, core=core_arg, on=None), report)
    if left is None:
        return
    right = None
    if args.right is not None:
        found = _tenant_and_date(argparse.Namespace(
            profile=args.right, core=core_arg, on=None), report)
        if found is None:
            return
        right = found[0]
        if right.core.name != left[0].core.name:
            report.fail("diff_cores", left=left[0].core.name, right=right.core.name)
            return
    result = diff_tenants(left[0].core, left[0], right)
    report.out.write(render(result, args.format, report.lang))
    report.findings = not result.equal


def _cmd_fmt(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.fileio import write_atomic  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.fmt import format_text  # noqa: PLC0415
    from paramcfg.source import read_source  # noqa: PLC0415

    for name in args.files:
        path = Path(name)
        try:
            src = read_source(path)
            original = path.read_bytes()
        except OSError as exc:
            report.fail("unreadable", path=name, error=exc.strerror or exc)
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
        result = format_text(src.text, src.path)
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
            report.fail("unwritable", path=name, error=exc.strerror or exc)
            continue
        report.say("fmt_done", path=name)


def _cmd_init(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.fileio import write_atomic  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.scaffold import init_profile  # noqa: PLC0415
    from paramcfg.source import read_source  # noqa: PLC0415

    try:
        src = read_source(args.source)
    except OSError as exc:
        report.fail("unreadable", path=args.source, error=exc.strerror or exc)
        return
    result = init_profile(src.text, src.path, args.name, args.code)
    if result.diagnostics:
        report.err.write(render_text(list(result.diagnostics), {src.path: src.shown},
                                     report.lang))
        report.fail("init_failed", path=args.source)
        return
    if not args.output:
        report.out.write(result.text)
        return
    if os.path.lexists(args.output):  # a dangling link too: it is never written through
        report.fail("exists", path=args.output)
        return
    try:
        write_atomic(args.output, result.text)
    except OSError as exc:
        report.fail("unwritable", path=args.output, error=exc.strerror or exc)
        return
    report.say("init_done", path=args.output, count=result.reviewed)


def _test_files(paths: list[str]) -> list[Path]:
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


def _cmd_test(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.acceptance import profile_of, run_file  # noqa: PLC0415 - keep `--help` fast

    files = _test_files(args.paths)
    if not files:
        report.fail("no_tests")
        return
    total_failed = total = 0
    for path in files:
        if not path.is_file():
            report.fail("unreadable", path=path, error="no such file")
            continue
        found = _tenant_and_date(argparse.Namespace(
            profile=str(profile_of(path)), core=args.core, on=None), report)
        if found is None:
            continue
        tenant = found[0]
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


def _cmd_export(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.errors import EvaluationError  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.export import export_data, to_json, to_toml  # noqa: PLC0415
    from paramcfg.fileio import write_atomic  # noqa: PLC0415

    found = _tenant_and_date(args, report)
    if found is None:
        return
    tenant, on = found
    try:
        data = export_data(tenant, None if args.all_dates else on, all_dates=args.all_dates,
                           projection=args.projection)
    except EvaluationError as exc:
        report.fail("eval_error", error=exc.message(report.lang))
        return
    text = to_toml(data) if args.format == "toml" else to_json(data)
    if args.output:
        try:
            write_atomic(args.output, text)
        except OSError as exc:
            report.fail("unwritable", path=args.output, error=exc.strerror or exc)
        return
    report.out.write(text)


def _cmd_eval(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.errors import EvaluationError  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.export import parse_input, unstructure_value  # noqa: PLC0415
    from paramcfg.interpret import render_explanation, step_to_json  # noqa: PLC0415
    from paramcfg.names import suggest  # noqa: PLC0415
    from paramcfg.types import (  # noqa: PLC0415
        MAX_INPUT_DIGITS,
        ListType,
        RecordType,
        TooManyDigitsError,
        format_typed,
    )

    found = _tenant_and_date(args, report)
    if found is None:
        return
    tenant, on = found
    rule = tenant.rules.get(args.rule)
    if rule is None:
        hint, hint_ja = suggest(args.rule, tenant.rules)
        report.fail("no_rule", rule=args.rule, core=tenant.core.name, hint=hint, hint_ja=hint_ja)
        return
    raw = _read_inputs(args, report)
    if raw is None:
        return
    declared = {name: inp.type for name, inp in tenant.core.inputs.items()}
    params = dict(rule.params)
    inputs: dict[str, object] = {}
    rule_args: dict[str, object] = {}
    for name, value in raw.items():
        ty = params.get(name) or declared.get(name)
        if ty is None:
            hint, hint_ja = suggest(name, [*params, *declared])
            report.fail("unknown_input", rule=args.rule, name=name, hint=hint, hint_ja=hint_ja)
            return
        try:
            parsed = parse_input(value, ty)
        except TooManyDigitsError as exc:
            report.fail("too_many_digits", name=name, value=exc.shown, limit=MAX_INPUT_DIGITS)
            return
        except ValueError:
            element = ty.element if isinstance(ty, ListType) else ty
            if isinstance(element, RecordType) and not args.inputs:
                report.fail("record_input", name=name, type=str(ty))
                return
            report.fail("bad_input", name=name, value=value, expected=ty.name_en,
                        expected_ja=ty.name_ja)
            return
        (rule_args if name in params else inputs)[name] = parsed
    ordered = tuple(rule_args.get(p) for p in params)
    projection = args.projection
    try:
        value = tenant.evaluate(args.rule, inputs, on, ordered, projection=projection)
        step = tenant.explain(args.rule, inputs, on, ordered,
                              projection=projection) if args.explain else None
    except EvaluationError as exc:
        report.fail("eval_error", error=exc.message(report.lang))
        return
    types = tenant.value_types()
    core = tenant.core
    marked = tenant.is_projection(on)
    if args.format == "json":
        out: dict[str, object] = {
            "rule": args.rule, "tenant": tenant.name, "code": tenant.profile.code,
            "on": on.isoformat(), "value": unstructure_value(value),
            "core": core.name, "core_version": core.version_text,
            "law_through": core.horizon.isoformat() if core.horizon else None,
            "projection": marked,
        }
        if step is not None:
            out["explain"] = step_to_json(step)
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str), file=report.out)
        return
    report.say("result", rule=args.rule, value=format_typed(value, rule.type),
               tenant=tenant.name, on=on.isoformat())
    if marked:
        report.say("projection", on=on.isoformat(), horizon=str(core.horizon), core=core.name,
                   version=core.version_text)
    if step is not None:
        print("\n".join(printable(line) for line in
                        render_explanation(step, types, report.lang).split("\n")),
              file=report.out)


def _cmd_release_report(args: argparse.Namespace, report: Report) -> None:
    import time  # noqa: PLC0415 - keep `--help` fast

    from paramcfg.release import find_profiles, release_report, render  # noqa: PLC0415

    cores = {}
    for key in ("old", "new"):
        path = Path(getattr(args, key))
        try:
            core = _load_core(path, {})
        except OSError as exc:
            report.fail("unreadable", path=path, error=exc.strerror or exc)
            return
        if not core.ok:
            report.err.write(render_text(list(core.diagnostics), core.sources, report.lang))
            report.fail("core_bad", path=path)
            return
        cores[key] = core
    old, new = cores["old"].core, cores["new"].core
    if old is not None and new is not None and old.name != new.name:
        report.fail("release_cores", old=old.name, new=new.name)
        return
    profiles, missing = find_profiles(args.profiles)
    for path in missing:
        report.fail("unreadable", path=path, error="no such file or folder")
    if not profiles:
        if not missing:
            report.fail("no_profiles", paths=", ".join(args.profiles))
        return
    started = time.monotonic()
    shown = [False]
    live = report.err.isatty()

    def progress(done: int) -> None:
        if live and (shown[0] or time.monotonic() - started > 1):
            shown[0] = True
            report.err.write(f"\r{done:,}/{len(profiles):,}")
            report.err.flush()

    result = release_report(cores["old"], cores["new"], profiles, progress=progress)
    if shown[0]:
        report.err.write("\r" + " " * 24 + "\r")
    report.out.write(render(result, args.format, report.lang))
    report.findings = bool(result.acting)
    if any(town.unreadable for town in result.towns):
        report.usage_error = True


def _cmd_explain(args: argparse.Namespace, report: Report) -> None:
    from paramcfg.explain import explain_code  # noqa: PLC0415 - keep `--help` fast

    text = explain_code(args.code.upper(), report.lang)
    if text is None:
        report.fail("unknown_code", code=args.code)
        return
    print(text, file=report.out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = detect_lang(_argv_lang(argv))
    parser = _parser(lang)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command == "batch":
        from paramcfg import cli_batch  # noqa: PLC0415 - its own module (issue 15)

        return cli_batch.run(args)
    report = Report(lang, sys.stdout, sys.stderr)
    try:
        commands = {"check": _cmd_check, "diff": _cmd_diff, "eval": _cmd_eval,
                    "export": _cmd_export, "explain": _cmd_explain, "fmt": _cmd_fmt,
                    "init": _cmd_init, "release-report": _cmd_release_report,
                    "test": _cmd_test}
        commands[args.command](args, report)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`paramcfg … | head`): not an error of ours. Point stdout at
        # devnull so that the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return report.exit_code
    except Exception:  # noqa: BLE001 - the last line of defence: never a bare traceback
        print(report.msg("internal"), file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL
    return report.exit_code
