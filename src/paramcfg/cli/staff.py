"""The council staff's commands (issue 16): ``import-table``, ``report`` and ``export --format xlsx``.

A command module of ``paramcfg.cli`` (listed in its ``COMMANDS``): :func:`add_parser` adds both
commands, :func:`run` runs the one named (each command has its own ``add_*``/``run_*``);
:func:`export_xlsx` is called by the ``export`` command for ``--format xlsx``.  The Excel and
HTML libraries are an optional extra: without them each command says
``pip install 'paramcfg[staff]'`` and exits 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from paramcfg.cli.common import read_date, today_in_japan
from paramcfg.diagnostics import printable, render_text

if TYPE_CHECKING:
    import argparse
    import datetime as dt
    from collections.abc import Callable

    from paramcfg.cli.parsing import CommandParser, Subcommands
    from paramcfg.engine import CoreResult, Tenant
    from paramcfg.tablefile import MissingExtraError

__all__ = ["COMMANDS", "add_parser", "add_parsers", "export_xlsx", "run"]

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_USAGE: Final = 2

_MESSAGES: Final = {
    "no_core": ("{path}: no package_core/ folder found at or above it; give --core",
                "{path}: この場所かその上に package_core/ フォルダがありません。--core で指定してください"),
    "bad_core": ("{path}: the core has errors; run paramcfg check first",
                 "{path}: コアにエラーがあります。先に paramcfg check を実行してください"),
    "unreadable": ("cannot read {path}: {error}", "{path} を読み込めません: {error}"),
    "unwritable": ("cannot write {path}: {error}", "{path} に書き込めません: {error}"),
    "bad_date": ("{text} is not a date; write it as YYYY-MM-DD, e.g. 2024-04-01",
                 "{text} は日付ではありません。2024-04-01 のように書いてください"),
    "not_table": ("{name} is not a table parameter of core {core}",
                  "「{name}」はコア {core} の表のパラメータではありません"),
    "fixed": ("{name} is fixed by the core; a profile cannot set it",
              "「{name}」はコアで固定された値です。プロファイルでは設定できません"),
    "bad_rows": ("{text} is not a list of row numbers such as 4,5 or 4-5",
                 "{text} は行番号の並び（4,5 や 4-5）ではありません"),
    "bad_range": ("{text} is not a cell range such as B2:F12",
                  "{text} はセル範囲（B2:F12 など）ではありません"),
    "imported": ("{profile}: {name} from {date}: {rows} row(s) imported from {where}",
                 "{profile}: {name}（{date} から）: {where} から {rows} 行を取り込みました"),
    "preview": ("(preview: {profile} was not changed)",
                "（プレビューです。{profile} は変更していません）"),
    "not_written": ("{profile} was not changed", "{profile} は変更していません"),
    "skipped_columns": ("columns left of the table, not read: {columns}",
                        "表の左の列は読み込んでいません: {columns}"),
    "wrote": ("{path}: {tenant}: report written ({errors} error(s), {warnings} warning(s))",
              "{path}: {tenant}: 報告書を書き出しました（エラー {errors} 件、警告 {warnings} 件）"),
    "output_kind": ("-o must name a folder when several profiles are given",
                    "複数のプロファイルを指定したときは、-o にフォルダを指定してください"),
    "xlsx_stdout": ("an Excel book is binary: give -o FILE.xlsx",
                    "Excel ブックはバイナリです。-o FILE.xlsx を指定してください"),
}


class _Out:
    """Messages in the reader's language, each value from a file shown escaped."""

    def __init__(self, lang: str, out: TextIO, err: TextIO) -> None:
        self.lang, self.out, self.err = lang, out, err

    def msg(self, key: str, **args: object) -> str:
        en, ja = _MESSAGES[key]
        return (ja if self.lang == "ja" else en).format(
            **{k: printable(v) for k, v in args.items()})

    def say(self, key: str, **args: object) -> None:
        print(self.msg(key, **args), file=self.out)

    def fail(self, key: str, **args: object) -> int:
        print(self.msg(key, **args), file=self.err)
        return EXIT_USAGE

    def missing(self, exc: MissingExtraError) -> int:
        print(exc.message(self.lang), file=self.err)
        return EXIT_USAGE


def _lang(args: argparse.Namespace) -> str:
    from paramcfg.cli import detect_lang  # noqa: PLC0415 - the one language rule

    return detect_lang(getattr(args, "lang", None))


def _h(parser: argparse.ArgumentParser, en: str, ja: str) -> str:
    return ja if getattr(parser, "lang", "en") == "ja" else en


def _core(core_arg: str | None, near: str, out: _Out) -> CoreResult | int:
    from paramcfg.engine import find_core, load_core  # noqa: PLC0415 - keep `--help` fast

    path = Path(core_arg) if core_arg else find_core(near)
    if path is None:
        return out.fail("no_core", path=near)
    try:
        core = load_core(path)
    except OSError as exc:
        return out.fail("unreadable", path=path, error=exc.strerror or exc)
    if not core.ok:
        out.out.write(render_text(list(core.diagnostics), core.sources, out.lang))
        return out.fail("bad_core", path=path)
    return core


def _new_parser(subparsers: Subcommands, name: str, en: str, ja: str) -> CommandParser:
    p = subparsers.add_command(name, en, ja)  # takes --lang itself
    p.add_argument("--core", metavar="PATH", help=_h(
        p, "the package core (default: the nearest package_core/ folder)",
        "パッケージコア（既定: いちばん近い package_core/ フォルダ）"))
    return p


# ---- import-table -----------------------------------------------------------------------------


def _rows(text: str | None) -> frozenset[int] | None:
    if not text:
        return frozenset()
    rows: set[int] = set()
    for part in text.split(","):
        lo, sep, hi = part.strip().partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            return None
        rows.update(range(int(lo), int(hi if sep else lo) + 1))
    return frozenset(rows)


def add_import_table(subparsers: Subcommands) -> None:
    p = _new_parser(subparsers, "import-table",
                    "set a table parameter in a profile from an Excel (.xlsx) or CSV table",
                    "Excel（.xlsx）や CSV の表を、プロファイルの表のパラメータとして取り込みます")
    p.add_argument("table", metavar="TABLE_FILE", help=_h(p, ".xlsx or .csv file",
                                                          ".xlsx または .csv のファイル"))
    p.add_argument("profile", metavar="PROFILE", help=_h(p, "the tenant profile to write",
                                                         "書き込むテナントプロファイル"))
    p.add_argument("--param", required=True, metavar="NAME", help=_h(
        p, "the table parameter, e.g. 保育料.月額", "表のパラメータ（例: 保育料.月額）"))
    p.add_argument("--from", dest="date", required=True, metavar="DATE", help=_h(
        p, "the effective date of the values (the `from` block)", "値の適用開始日（from の日付）"))
    p.add_argument("--sheet", metavar="NAME", help=_h(p, "the sheet (default: the first)",
                                                      "シート名（既定: 最初のシート）"))
    p.add_argument("--range", dest="area", metavar="A1:F12", help=_h(
        p, "read only these cells", "このセル範囲だけを読みます"))
    p.add_argument("--skip-rows", metavar="ROWS", help=_h(
        p, "sheet rows to leave out, e.g. 4,5 or 4-5 (rows the package handles by a rule)",
        "読み飛ばす行番号（例: 4,5 や 4-5。パッケージのルールが扱う行）"))
    p.add_argument("--dry-run", action="store_true", help=_h(
        p, "print the profile as it would be written; change nothing",
        "書き込む内容を表示するだけで、ファイルは変更しません"))


def run_import_table(args: argparse.Namespace, out: TextIO | None = None,
                     err: TextIO | None = None) -> int:
    from paramcfg import types as t  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.fileio import write_atomic  # noqa: PLC0415
    from paramcfg.tablefile import (  # noqa: PLC0415
        MissingExtraError,
        import_table,
        parse_area,
        read_table_file,
    )

    o = _Out(_lang(args), out or sys.stdout, err or sys.stderr)
    try:
        date = read_date(args.date)  # 2024-04-01, 2024/4/1 or 令和6年4月1日, as --on takes
    except ValueError:
        return o.fail("bad_date", text=args.date)
    skip = _rows(args.skip_rows)
    if skip is None:
        return o.fail("bad_rows", text=args.skip_rows)
    area = None
    if args.area:
        area = parse_area(args.area)
        if area is None:
            return o.fail("bad_range", text=args.area)
    core = _core(args.core, args.profile, o)
    if isinstance(core, int):
        return core
    assert core.core is not None  # noqa: S101 - a good core
    param = core.core.params.get(args.param)
    if param is None or not isinstance(param.type, t.TableType | t.ScaleType):
        return o.fail("not_table", name=args.param, core=core.core.name)
    if param.fixed:
        return o.fail("fixed", name=args.param)
    try:
        sheet, diags = read_table_file(args.table, args.sheet)
    except MissingExtraError as exc:
        return o.missing(exc)
    if sheet is None:
        o.out.write(render_text(diags, {}, o.lang))
        o.say("not_written", profile=args.profile)
        return EXIT_FINDINGS
    try:
        result = import_table(sheet, args.profile, core, args.param, date, skip_rows=skip,
                              area=area)
    except OSError as exc:
        return o.fail("unreadable", path=args.profile, error=exc.strerror or exc)
    if result.text is None or result.grid is None:
        o.out.write(render_text(list(result.diagnostics), result.sources, o.lang))
        o.say("not_written", profile=args.profile)
        return EXIT_FINDINGS
    if args.dry_run:
        o.out.write(result.text)
    else:
        try:
            write_atomic(args.profile, result.text)
        except OSError as exc:
            return o.fail("unwritable", path=args.profile, error=exc.strerror or exc)
    grid = result.grid
    if grid.skipped_columns:
        o.say("skipped_columns", columns=", ".join(grid.skipped_columns))
    o.say("imported", profile=args.profile, name=args.param, date=date.isoformat(),
          rows=len(grid.lines) - 1, where=f"{args.table}:{grid.area}")
    if result.diagnostics:
        o.out.write(render_text(list(result.diagnostics), result.sources, o.lang))
    if args.dry_run:
        o.say("preview", profile=args.profile)
    return EXIT_OK if result.ok else EXIT_FINDINGS


# ---- report ---------------------------------------------------------------------------------------


def add_report(subparsers: Subcommands) -> None:
    p = _new_parser(subparsers, "report",
                    "a self-contained HTML page per town: values, tables, charts, check results",
                    "団体ごとの報告書（HTML 1 ファイル）: 値、表、グラフ、チェック結果")
    p.add_argument("profiles", nargs="+", metavar="PROFILE", help=_h(
        p, "tenant profiles", "テナントプロファイル"))
    p.add_argument("-o", "--output", metavar="PATH", help=_h(
        p, "FILE.html for one profile, or a folder (default: NAME.report.html beside each "
        "profile)", "プロファイルが一つなら FILE.html、複数ならフォルダ（既定: 各プロファイルと"
        "同じ場所の NAME.report.html）"))
    p.add_argument("--on", metavar="DATE", help=_h(p, "as of this date (default: today)",
                                                   "この日付時点で（既定: 今日）"))
    p.add_argument("--against", metavar="PROFILE", help=_h(
        p, "highlight what differs from this neighbour's profile",
        "この団体のプロファイルとの違いを強調します"))
    p.add_argument("--against-core", action="store_true", help=_h(
        p, "highlight what differs from the core's defaults", "コアの既定値との違いを強調します"))


def _target(profile: str, output: str | None, several: bool) -> Path:
    stem = Path(profile).stem
    if output is None:
        return Path(profile).with_name(f"{stem}.report.html")
    if not several and output.lower().endswith((".html", ".htm")):
        return Path(output)
    return Path(output) / f"{stem}.html"


def run_report(args: argparse.Namespace, out: TextIO | None = None,
               err: TextIO | None = None) -> int:
    from paramcfg.engine import check_profile  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.fileio import write_atomic  # noqa: PLC0415
    from paramcfg.report import ReportInput, render_report  # noqa: PLC0415
    from paramcfg.tablefile import MissingExtraError  # noqa: PLC0415

    o = _Out(_lang(args), out or sys.stdout, err or sys.stderr)
    try:
        on = read_date(args.on) if args.on else today_in_japan()
    except ValueError:
        return o.fail("bad_date", text=args.on)
    several = len(args.profiles) > 1
    if several and args.output and args.output.lower().endswith((".html", ".htm")):
        return o.fail("output_kind")
    cores: dict[str, CoreResult] = {}
    status = EXIT_OK
    against = None
    for profile in args.profiles:
        key = args.core or str(Path(profile).resolve().parent)
        if key not in cores:
            core = _core(args.core, profile, o)
            if isinstance(core, int):
                return core
            cores[key] = core
        core = cores[key]
        try:
            checked = check_profile(profile, core)
            if args.against and against is None:
                against = check_profile(args.against, core)
        except OSError as exc:
            return o.fail("unreadable", path=profile, error=exc.strerror or exc)
        try:
            html = render_report(ReportInput(core, checked, on, against, args.against_core))
        except MissingExtraError as exc:
            return o.missing(exc)
        target = _target(profile, args.output, several)
        try:
            if several or args.output is None:
                target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, html)
        except OSError as exc:
            return o.fail("unwritable", path=target, error=exc.strerror or exc)
        tenant = checked.profile.name if checked.profile else profile
        o.say("wrote", path=target, tenant=tenant, errors=checked.errors,
              warnings=checked.warnings)
        if not checked.ok:
            status = EXIT_FINDINGS
    return status


# ---- export --format xlsx ---------------------------------------------------------------------


def export_xlsx(tenant: Tenant, on: dt.date | None, output: str | None, lang: str,
                err: TextIO | None = None) -> int:
    """Write ``tenant``'s book to ``output`` atomically (``on`` None: every effective date)."""
    o = _Out(lang, sys.stdout, err or sys.stderr)
    if not output:
        return o.fail("xlsx_stdout")
    from paramcfg.tablefile import MissingExtraError  # noqa: PLC0415
    from paramcfg.xlsx_export import to_xlsx  # noqa: PLC0415 - an optional extra

    try:
        data = to_xlsx(tenant, on)
    except MissingExtraError as exc:
        return o.missing(exc)
    try:
        _write_bytes_atomic(Path(output), data)
    except OSError as exc:
        return o.fail("unwritable", path=output, error=exc.strerror or exc)
    return EXIT_OK


def _write_bytes_atomic(target: Path, data: bytes) -> None:
    import contextlib  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    if target.is_symlink():
        target = Path(os.path.realpath(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0o022)
        os.umask(mask)
        Path(tmp).chmod(target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~mask)
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


COMMANDS: Final[dict[str, tuple[Callable[[Subcommands], None],
                                 Callable[[argparse.Namespace], int]]]] = {
    "import-table": (add_import_table, run_import_table),
    "report": (add_report, run_report),
}


def add_parser(subparsers: Subcommands) -> None:
    """Both staff commands (``paramcfg.cli`` maps each to :func:`run`)."""
    for add, _ in COMMANDS.values():
        add(subparsers)


add_parsers = add_parser  # the name this module had before the cli package


def run(args: argparse.Namespace) -> int:
    """Run the staff command named by ``args.command``."""
    return COMMANDS[args.command][1](args)
