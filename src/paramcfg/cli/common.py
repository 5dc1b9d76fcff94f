"""What every command shares: its texts, the reader's language, the Report that prints and owns the
exit code, and finding and loading the package core (once per invocation).

Exit codes (owned by :class:`Report`): 0 clean, 1 findings, 2 usage or unreadable input,
3 an internal error (a bug in paramcfg: please report it).
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from paramcfg.diagnostics import printable, render_text

if TYPE_CHECKING:
    import argparse
    import datetime as dt
    from collections.abc import Sequence

    from paramcfg.engine import CoreResult, Tenant

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "MESSAGES",
    "BadDateError",
    "Cores",
    "Report",
    "attach_report",
    "clean_tenant",
    "detect_lang",
    "expand_paths",
    "read_date",
    "report_for",
    "tenant_and_date",
]

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
    "no_core": (("no package core found for {path}: give one with --core DIR, or name it once "
                 'in a paramcfg.toml beside the profiles (core = "DIR") or in PARAMCFG_CORE'),
                ("{path} に対応するパッケージコアが見つかりません。--core DIR で指定するか、"
                 'プロファイルと同じフォルダの paramcfg.toml（core = "DIR"）か環境変数 '
                 "PARAMCFG_CORE で一度だけ指定してください")),
    "core_setting": ("{error}", "{error}（パッケージコアの設定）"),
    "init_no_core": (("no package core is found for {path} yet: first write the file {settings} "
                      'with the line: core = "{core}"'),
                     ("{path} のパッケージコアがまだ見つかりません。先に {settings} というファイルを"
                      '作り、次の 1 行を書いてください: core = "{core}"')),
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
    "bad_date": ("--on takes a date such as 2024-04-01, not {text!r}{detail}",
                 "--on には 2024-04-01 のような日付を指定します（{text!r} ではなく）{detail_ja}"),
    "no_match": ("no file matches {pattern}", "{pattern} に当てはまるファイルがありません"),
    "not_clean": ("{path} has errors; run paramcfg check {path}",
                  "{path} にエラーがあります。paramcfg check {path} で確認してください"),
    "review_marks": (("note: {path} has {count} value(s) still marked review (copied, not yet "
                      "confirmed); they are compared as written"),
                     ("注: {path} には review の付いた（写したままで未確認の）値が {count} 件あります。"
                      "書かれたとおりの値で比べます")),
    "eval_error": ("cannot evaluate: {error}", "評価できません: {error}"),
    "result": ("{rule} = {value}   ({tenant}, as of {on})",
               "{rule} = {value}  （{tenant}、{on} 時点）"),
    "projection": (("PROJECTION: {on} is after {horizon}, the last date core {core} {version} "
                    "knows the law for; computed with the law as of {horizon}, which may change"),
                   ("試算: {on} は本体 {core} {version} の法令がわかっている最終日 {horizon} より後です。"
                    "{horizon} 時点の法令のまま計算しました（実際の法令とは異なることがあります）")),
    "diff_what": (("give two profiles (diff A B), or one and --defaults to compare with the "
                   "core's defaults"),
                  ("プロファイルを二つ指定するか（diff A B）、一つと --defaults を指定して"
                   "ください（コアの既定値と比較）")),
    "diff_defaults_and_b": (("--defaults compares one profile with the core's defaults: give A "
                             "only, or drop --defaults to compare A with B"),
                            ("--defaults はプロファイル一つをコアの既定値と比べます。A だけを"
                             "指定するか、A と B を比べるなら --defaults を外してください")),
    "diff_core_deprecated": (("warning: `diff A --core` without a path is deprecated; write "
                              "`diff A --defaults` (--core PATH names the core)"),
                             ("警告: パスのない `diff A --core` は廃止予定です。`diff A --defaults` "
                              "と書いてください（--core PATH はコアの指定です）")),
    "diff_core_implies_defaults": (("warning: `diff A --core PATH` without B compares A with the "
                                    "core's defaults; write `diff A --defaults --core PATH`"),
                                   ("警告: B のない `diff A --core PATH` は A をコアの既定値と"
                                    "比べます。`diff A --defaults --core PATH` と書いてください")),
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
    "fmt_bug": (("{path}: not formatted: fmt's own check refused its result ({detail}); the file "
                 "was left alone. This is a bug in paramcfg: please report it with the file"),
                ("{path}: 整形していません。整形結果が fmt 自身の検査に通りませんでした（{detail}）。"
                 "ファイルは元のままです。paramcfg の不具合ですので、ファイルを添えて報告してください")),
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
    "rules_head": ("core {core} {version}: {count} rule(s)",
                   "コア {core} {version}: ルール {count} 個"),
    "rules_more": ("give a rule's name for the inputs it needs: paramcfg rules RULE",
                   "ルールに必要な入力は paramcfg rules ルール名 で表示します"),
    "rule_needs": ("needs {count} value(s), all of them on every evaluation:",
                   "必要な値 {count} 個（評価のたびにすべて必要です）:"),
    "rule_needs_nothing": ("needs no input", "入力は不要です"),
    "rule_all_at_once": ("all at once (replace the example values):",
                         "まとめて指定する例（例の値を置き換えてください）:"),
    "rule_inputs_file": ("with inputs.json (some values are records or lists):",
                         "inputs.json の例（レコードやリストの値があります）:"),
    "missing_inputs": (("rule {rule} needs {count} more value(s) (a missing one is never taken "
                        "as zero):"),
                       ("ルール「{rule}」には、与えられていない値があと {count} 個必要です"
                        "（ない値を 0 とみなすことはしません）:")),
    "missing_fix": ("give them all at once (replace the example values):",
                    "まとめて指定してください（例の値を置き換えてください）:"),
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
        #: A bug of paramcfg met on one file (the others were still done): exit 3.
        self.internal_error = False

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
            from paramcfg.cli.translations import os_error_text  # noqa: PLC0415

            return printable(os_error_text(value, self.lang))
        return printable(value)

    def text(self, en: str, ja: str) -> str:
        """``en`` or ``ja``, in the reader's language."""
        return ja if self.lang == "ja" else en

    def say(self, key: str, **args: object) -> None:
        print(self.msg(key, **args), file=self.out)

    def fail(self, key: str, **args: object) -> None:
        self.usage_error = True
        print(self.msg(key, **args), file=self.err)

    @property
    def exit_code(self) -> int:
        if self.internal_error:
            return EXIT_INTERNAL
        if self.usage_error:
            return EXIT_USAGE
        return EXIT_FINDINGS if self.findings else EXIT_OK


# Where main() leaves the invocation's report on the parsed arguments (a name no option has).
_REPORT: Final = "_paramcfg_report"


def attach_report(args: argparse.Namespace, report: Report) -> None:
    """Make ``report`` the one :func:`report_for` gives the command run with ``args``."""
    setattr(args, _REPORT, report)


def report_for(args: argparse.Namespace) -> Report:
    """The invocation's report: the one :func:`paramcfg.cli.main` made (so that it knows the exit
    code even when the reader goes away mid-output), else a new one on stdout and stderr."""
    report = getattr(args, _REPORT, None)
    if isinstance(report, Report):
        return report
    return Report(detect_lang(getattr(args, "lang", None)), sys.stdout, sys.stderr)


class Cores:
    """The package cores of one invocation, each loaded once however many profiles use it."""

    def __init__(self) -> None:
        self._loaded: dict[Path, CoreResult] = {}

    def load(self, path: Path) -> CoreResult:
        """The core at ``path`` (a ``.pcore`` file or a folder of them).

        :raises OSError: if it cannot be read.
        """
        from paramcfg.engine import load_core  # noqa: PLC0415 - keep `--help` fast

        key = path.resolve()
        if key not in self._loaded:
            self._loaded[key] = load_core(path)
        return self._loaded[key]


def core_path(profile: str, core: str | None, report: Report | None = None) -> Path | None:
    """The core named by ``--core``, else the one :func:`paramcfg.engine.find_core` finds for
    ``profile`` (a ``paramcfg.toml`` or ``package_core/`` at or above it, or ``PARAMCFG_CORE``).
    A bad ``paramcfg.toml`` is reported on ``report`` (and gives ``None``)."""
    from paramcfg.engine import CoreSettingError, find_core  # noqa: PLC0415 - `--help` fast

    if core:
        return Path(core)
    try:
        return find_core(profile)
    except CoreSettingError as exc:
        if report is not None:
            report.fail("core_setting", error=exc.message(report.lang))
        return None


def today_in_japan() -> dt.date:
    """Today in Japan (UTC+9, no summer time), whatever the machine's clock zone: a fiscal year
    starts on 1 April there, not at midnight UTC."""
    import datetime as dt  # noqa: PLC0415 - keep `--help` fast

    return dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()


class BadDateError(ValueError):
    """A date on the command line that is not one; ``detail`` says why, in both languages."""

    def __init__(self, detail: str = "", detail_ja: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_ja = detail_ja


def read_date(text: str) -> dt.date:
    """A date as a clerk types it: ``2024-04-01``, ``2024/4/1``, ``令和6年4月1日`` (元年 too),
    full-width digits included.  An era date is read by the profile language's own era table
    (:func:`paramcfg.values.era_to_iso`), so the two never disagree.

    :raises BadDateError: not a date, or a day that does not exist (the detail says which).
    """
    import calendar  # noqa: PLC0415 - keep `--help` fast
    import datetime as dt  # noqa: PLC0415
    import re  # noqa: PLC0415
    import unicodedata  # noqa: PLC0415

    from paramcfg.values import era_to_iso  # noqa: PLC0415

    shown = unicodedata.normalize("NFKC", text).strip()
    iso = era_to_iso(shown)
    m = re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})", iso or shown)
    if m is None:
        raise BadDateError
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        raise BadDateError(f" (there is no month {month})", f"（{month}月はありません）")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise BadDateError(f" ({calendar.month_name[month]} {year} has {last} days)",
                           f"（{year}年{month}月は{last}日までです）")
    return dt.date(year, month, day)


def expand_paths(names: Sequence[str], suffixes: tuple[str, ...], report: Report) -> list[str]:
    """The files named on the command line: a folder gives its files ending in one of
    ``suffixes`` (sorted), a pattern the shell left as it is (``*.pcfg`` in PowerShell or
    cmd.exe) gives its matches (sorted); anything else is passed on as it is, to be read (and
    refused, if it cannot be) by the command.  A pattern or a folder that gives nothing is
    reported (exit 2)."""
    import glob  # noqa: PLC0415 - keep `--help` fast

    found: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            inside = sorted(str(p) for p in path.iterdir()
                            if p.name.endswith(suffixes) and p.is_file())
            if not inside:
                report.fail("no_profiles", paths=name)
            found.extend(inside)
        elif not path.exists() and glob.has_magic(name):
            matches = sorted(glob.glob(name))  # noqa: PTH207 - a pattern given as text
            if not matches:
                report.fail("no_match", pattern=name)
            found.extend(matches)
        else:
            found.append(name)
    return found


def clean_tenant(profile: str, core: str | None, cores: Cores, report: Report, *,
                 review_ok: bool = False) -> Tenant | None:
    """The tenant of ``profile`` if it and its core are clean, or ``None`` after a message.

    ``review_ok``: values still marked ``review`` (PC0411, a late joiner's copied values) do not
    stop it; they are counted in a note on the error stream.
    """
    path = core_path(profile, core, report)
    if path is None:
        report.fail("no_core", path=profile)
        return None
    return _load_clean(profile, path, cores, report, review_ok=review_ok)


def tenant_and_date(profile: str, core: str | None, on: str | None, cores: Cores,
                    report: Report) -> tuple[Tenant, dt.date] | None:
    """The clean tenant of ``profile`` and the ``--on`` date (default: today in Japan), or
    ``None`` after a message."""

    path = core_path(profile, core, report)
    if path is None:
        report.fail("no_core", path=profile)
        return None
    try:
        date = read_date(on) if on else today_in_japan()
    except BadDateError as exc:
        report.fail("bad_date", text=on, detail=exc.detail, detail_ja=exc.detail_ja)
        return None
    tenant = _load_clean(profile, path, cores, report)
    return None if tenant is None else (tenant, date)


def _load_clean(profile: str, path: Path, cores: Cores, report: Report, *,
                review_ok: bool = False) -> Tenant | None:
    from paramcfg.diagnostics import Severity  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.engine import (  # noqa: PLC0415 - keep `--help` fast
        Tenant,
        check_profile,
        shown_diagnostics,
    )

    try:
        core = cores.load(path)
        result = check_profile(profile, core)
    except OSError as exc:
        report.fail("unreadable", path=profile, error=exc)
        return None
    marked = [d for d in result.diagnostics if d.code == "PC0411"]
    if review_ok and marked and core.ok and result.profile is not None and not any(
            d.level is Severity.ERROR and d.code != "PC0411" for d in result.diagnostics):
        report.err.write(report.msg("review_marks", path=profile, count=len(marked)) + "\n")
        return Tenant(core, result.profile, result)
    if not core.ok or not result.ok or result.profile is None:
        report.out.write(render_text(shown_diagnostics(core, result),
                                     result.sources, report.lang))
        report.fail("not_clean", path=profile)
        return None
    return Tenant(core, result.profile, result)


# Help texts that several commands share, as (English, Japanese) for Parser.text.
CORE_HELP: Final = (
    ("the package core (a .pcore file or a folder of them); default: the nearest paramcfg.toml "
    '(core = "DIR") or package_core/ folder at or above the profile, else PARAMCFG_CORE'),
    ("パッケージコア（.pcore ファイルかそのフォルダ）。既定: プロファイルのあるフォルダかその上に"
    'ある paramcfg.toml（core = "DIR"）か package_core/、なければ環境変数 PARAMCFG_CORE'))
ON_HELP: Final = (("as of this date, e.g. 2024-06-01, 2024/6/1 or 令和6年6月1日 (default: today "
                   "in Japan)"),
                  "この日付時点で（例: 2024-06-01、2024/6/1、令和6年6月1日。既定: 日本時間の今日）")
PROJECTION_HELP: Final = (
    ("allow a date after the core's law horizon (law through …): compute with the law as of the "
    "horizon, marked as a projection"),
    "本体の法令の期限（law through …）より後の日付でも、期限時点の法令で試算します（試算と表示）")
FORMAT_HELP: Final = ("output format", "出力の形式")
PROFILE_HELP: Final = ("the tenant profile", "プロファイル")
