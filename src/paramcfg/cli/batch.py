"""``paramcfg batch``: one rule over every household of a file, nothing lost.

    paramcfg batch PROFILE RULE --inputs FILE.csv|.jsonl|.parquet --on DATE -o OUT [--jobs N]
                   [--members FILE --key COLUMN [--members-input INPUT]]

Writes each readable row's result to ``OUT`` (CSV, or JSON Lines if ``OUT`` ends in
``.jsonl``) and each rejected row — a value that cannot be read, or an error of the rule — with
its file, line and reason to ``OUT``'s ``.rejected`` sibling (``out.csv`` → ``out.rejected.csv``),
both atomically.  Exit 0: every row has its result; 1: some rows were rejected; 2: usage or an
unreadable input; 3: an internal error.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import argparse

    from paramcfg.batchfiles import Households, Rejected
    from paramcfg.columnar import ColumnResult
    from paramcfg.engine import Tenant

__all__ = ["add_parser", "run"]

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

#: Messages, English and Japanese.
MESSAGES = {
    "no_core": ("no package core found for {path}; give --core PATH",
                "{path} のパッケージコアが見つかりません。--core PATH で指定してください"),
    "bad_date": ("--on {text}: not a date; write it as 2024-06-01",
                 "--on {text}: 日付ではありません。2024-06-01 のように書いてください"),
    "unreadable": ("cannot read {path}: {error}", "{path} を読めません: {error}"),
    "not_clean": ("{path} (or its core) has errors; run paramcfg check {path}",
                  "{path}（またはそのコア）に誤りがあります。paramcfg check {path} を実行してください"),
    "no_rule": ("no rule {rule} in core {core}{hint}",
                "コア {core} にルール {rule} はありません{hint}"),
    "has_args": ("rule {rule} takes arguments ({params}); batch runs rules without arguments",
                 "ルール {rule} は引数（{params}）をとります。batch は引数のないルールだけを計算します"),
    "bad_inputs": ("{error}", "{error}"),
    "eval_error": ("{error}", "{error}"),
    "bad_jobs": ("--jobs {jobs}: give 1 or more", "--jobs {jobs}: 1 以上を指定してください"),
    "needs_members": ("{option} needs --members FILE", "{option} は --members FILE と一緒に指定してください"),
    "needs_key": (("--members {path}: give --key COLUMN, the column that names the household in "
                  "both files (such as 世帯番号)"),
                  ("--members {path}: --key COLUMN で、両方のファイルで世帯を示す列（世帯番号など）を"
                  "指定してください")),
    "members_summary": (("{members:,} member rows of {path}: {rejected:,} rejected (unreadable, or "
                         "matching no household)"),
                        ("{path} の {members:,} 行のうち {rejected:,} 行は使えませんでした（読めないか、"
                         "対応する世帯がありません）")),
    "summary": (("{rows:,} rows: {results:,} results written to {out}, {rejected:,} rejected "
                 "(written to {rejected_path}, each with its line and reason)"),
                ("{rows:,} 行: {results:,} 件の結果を {out} に書きました。{rejected:,} 行は計算できません"
                 "でした（行番号と理由を {rejected_path} に書きました）")),
    "internal": ("internal error (a bug in paramcfg; please report it with the text below)",
                 "内部エラーです（paramcfg の不具合です。以下の内容を添えて報告してください）"),
}


def _msg(lang: str, key: str, **fields: object) -> str:
    en, ja = MESSAGES[key]
    return (ja if lang == "ja" else en).format(**fields)


def add_parser(subparsers: Any) -> None:  # noqa: ANN401 - paramcfg.cli.parsing.Subcommands
    """Add ``batch`` to the command line's sub-commands (help in the reader's language)."""
    p = subparsers.add_command(
        "batch", "evaluate a rule for every household of a file, keeping every row",
        "ファイルの全世帯についてルールを計算します（計算できない行も理由とともに残します）")
    h = p.text
    p.add_argument("profile", metavar="PROFILE", help=h("the tenant profile", "プロファイル"))
    p.add_argument("rule", metavar="RULE", help=h("the rule to evaluate", "計算するルール"))
    p.add_argument("--inputs", required=True, metavar="FILE", help=h(
        "households: .csv (a header row of input names), .jsonl (one JSON object per line; "
        "lists of records such as members inline) or .parquet",
        "世帯: .csv（1 行目に入力名）、.jsonl（1 行に JSON オブジェクト 1 つ。被保険者などの"
        "一覧もその中に）、.parquet"))
    p.add_argument("--on", required=True, metavar="DATE", help=h(
        "as of this date, e.g. 2024-06-01", "この日付時点で（例: 2024-06-01）"))
    p.add_argument("-o", "--output", required=True, metavar="OUT", help=h(
        "results (.csv, or .jsonl), written atomically; rejected rows go to OUT's .rejected "
        "sibling", "結果（.csv か .jsonl、一括で書き換え）。計算できない行は OUT の .rejected 付きの"
        "ファイルへ"))
    p.add_argument("--keep", action="append", default=[], metavar="COLUMN", help=h(
        "copy this input column into the results (repeatable), e.g. a household number",
        "この入力列を結果にも写します（繰り返し可。世帯番号など）"))
    p.add_argument("--members", metavar="FILE", help=h(
        "members (such as 国保.被保険者) from a second file, one a row (.csv, .jsonl or "
        ".parquet), joined to the households by --key",
        "被保険者など（レコードのリスト）を別のファイル（1 行に 1 人。.csv、.jsonl、.parquet）から"
        "読み、--key の列で世帯に結びつけます"))
    p.add_argument("--key", metavar="COLUMN", help=h(
        "with --members: the column that names the household in both files, e.g. 世帯番号",
        "--members と一緒に: 両方のファイルで世帯を示す列（例: 世帯番号）"))
    p.add_argument("--members-input", metavar="INPUT", help=h(
        "with --members: the input the members fill (default: the rule's only list of records)",
        "--members と一緒に: 被保険者などで埋める入力（既定: ルールが使う唯一のレコードのリスト）"))
    p.add_argument("--jobs", type=int, default=1, metavar="N", help=h(
        "worker processes (default 1)", "ワーカープロセスの数（既定 1）"))
    p.add_argument("--projection", action="store_true", help=h(
        "allow a date after the core's law horizon (a marked projection)",
        "本体の法令の期限より後の日付でも試算します"))
    p.add_argument("--core", metavar="PATH", help=h(
        "the package core (default: the nearest package_core/ folder)",
        "パッケージコア（既定: 最も近い package_core/ フォルダ）"))


def run(args: argparse.Namespace, err: TextIO | None = None) -> int:
    """Run ``paramcfg batch``; returns the exit code (messages on ``err``, standard error by
    default).  Never raises: an unexpected exception is an internal error (exit 3)."""
    err = err or sys.stderr
    lang = args.lang or _detect_lang()
    try:
        return _run(args, lang, err)
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - the last line of defence: never a bare traceback
        print(_msg(lang, "internal"), file=err)
        traceback.print_exc(file=err)
        return EXIT_INTERNAL


def _detect_lang() -> str:
    from paramcfg.cli.common import detect_lang  # noqa: PLC0415 - the command line's own rule

    return detect_lang(None)


def _run(args: argparse.Namespace, lang: str, err: TextIO) -> int:
    import datetime as dt  # noqa: PLC0415

    from paramcfg.batchfiles import (  # noqa: PLC0415
        InputFileError,
        Members,
        read_households,
        run_batch,
    )
    from paramcfg.errors import EvaluationError  # noqa: PLC0415
    from paramcfg.names import suggest  # noqa: PLC0415
    from paramcfg.rules import AS_OF_KEY  # noqa: PLC0415

    def fail(key: str, **fields: object) -> int:
        print(f"paramcfg batch: {_msg(lang, key, **fields)}", file=err)
        return EXIT_USAGE

    if args.jobs < 1:
        return fail("bad_jobs", jobs=args.jobs)
    members = None
    if args.members is None:
        for option, given in (("--key", args.key), ("--members-input", args.members_input)):
            if given is not None:
                return fail("needs_members", option=option)
    elif args.key is None:
        return fail("needs_key", path=args.members)
    else:
        members = Members(args.members, args.key, args.members_input)
    try:
        on = dt.date.fromisoformat(args.on)
    except ValueError:
        return fail("bad_date", text=args.on)
    found = _tenant(args, lang, fail, err)
    if isinstance(found, int):
        return found
    tenant = found
    rule = tenant.rules.get(args.rule)
    if rule is None:
        hint, hint_ja = suggest(args.rule, tenant.rules)
        return fail("no_rule", rule=args.rule, core=tenant.core.name,
                    hint=hint_ja if lang == "ja" else hint)
    if rule.params:
        return fail("has_args", rule=args.rule, params=", ".join(p for p, _ in rule.params))
    needed_by, types = tenant._inputs_needed()  # noqa: SLF001 - the rule's inputs
    wanted = {name: types[name] for name in needed_by[rule.name] if name != AS_OF_KEY}
    try:
        households = read_households(args.inputs, wanted, members)
    except OSError as exc:
        return fail("unreadable", path=getattr(exc, "filename", None) or args.inputs,
                    error=exc.strerror or exc)
    except InputFileError as exc:
        return fail("bad_inputs", error=exc.message(lang))
    except (ValueError, UnicodeDecodeError) as exc:
        return fail("bad_inputs", error=exc)
    for name in args.keep:
        if name not in households.names:
            return fail("bad_inputs", error=f"{args.inputs}: --keep {name}: no such column")
    try:
        with _progress(err, len(households.lines)) as tick:
            result = run_batch(tenant, rule.name, households.columns, on,
                               projection=args.projection, jobs=args.jobs, progress=tick)
    except EvaluationError as exc:  # the whole batch: a date too early or too late
        print(f"paramcfg batch: {exc.message(lang)}", file=err)
        return EXIT_USAGE
    rejected = _rejections(households, result, rule.name)
    output = Path(args.output)
    rejected_path = output.with_name(f"{output.stem}.rejected{output.suffix}")
    _write_results(output, households, result, rule.name, args.keep)
    _write_rejected(rejected_path, households, rejected, lang)
    rows = sum(r.file in {"", households.path} for r in rejected)  # households, not members
    print(_msg(lang, "summary", rows=len(households.lines) + rows - len(result.errors),
               results=len(households.lines) - len(result.errors), out=output, rejected=rows,
               rejected_path=rejected_path), file=err)
    if members is not None:
        print(_msg(lang, "members_summary", path=members.path, members=households.members_read,
                   rejected=len(rejected) - rows), file=err)
    return EXIT_REJECTED if rejected else EXIT_OK


def _tenant(args: argparse.Namespace, lang: str, fail: Any, err: TextIO) -> Tenant | int:  # noqa: ANN401
    from paramcfg.diagnostics import render_text  # noqa: PLC0415
    from paramcfg.engine import (  # noqa: PLC0415
        Tenant,
        check_profile,
        find_core,
        load_core,
        shown_diagnostics,
    )

    core_path = Path(args.core) if args.core else find_core(args.profile)
    if core_path is None:
        return int(fail("no_core", path=args.profile))
    try:
        core = load_core(core_path)
        result = check_profile(args.profile, core)
    except OSError as exc:
        return int(fail("unreadable", path=getattr(exc, "filename", None) or args.profile,
                        error=exc.strerror or exc))
    if not core.ok or not result.ok or result.profile is None:
        err.write(render_text(shown_diagnostics(core, result),
                                     result.sources, lang))
        return int(fail("not_clean", path=args.profile))
    return Tenant(core, result.profile, result)


@contextlib.contextmanager
def _progress(err: TextIO, total: int) -> Any:  # noqa: ANN401 - a context manager
    """A progress bar on a terminal (tqdm, if installed); nothing otherwise."""
    bar = None
    if err.isatty():
        try:
            from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415
        except ImportError:
            tqdm = None
        if tqdm is not None:
            bar = tqdm(total=total, file=err, unit="row", unit_scale=True, leave=False)
    last = [0]

    def tick(done: int) -> None:
        if bar is not None:
            bar.update(done - last[0])
            last[0] = done

    try:
        yield tick
    finally:
        if bar is not None:
            bar.close()


def _rejections(households: Households, result: ColumnResult, rule: str) -> list[Rejected]:
    """Every rejected row, in file order: unreadable ones and those the rule refused."""
    from paramcfg.batchfiles import Rejected  # noqa: PLC0415

    path = households.path
    out = list(households.rejected)
    for e in result.errors:
        line = households.lines[e.index]
        error = e.error
        en = error.msg.split(": ", 1)[1] if error.msg.startswith("row ") else error.msg
        ja = error.msg_ja or en
        ja = ja.split(": ", 1)[1] if ja.startswith(f"{e.index} 行目") else ja
        where = f" ({error.span})" if error.span is not None else ""
        out.append(Rejected(line, households.fields[e.index],
                            f"{path}:{line}: {rule}: {en}{where}",
                            f"{path}:{line}: {rule}: {ja}{where}", path))
    out.sort(key=lambda r: (r.file not in {"", path}, r.line))  # households first, then members
    return out


def _cell(value: object) -> str:
    kind = type(value)
    if kind is int or kind is str:
        return str(value)
    from paramcfg.export import unstructure_value  # noqa: PLC0415

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    plain = unstructure_value(value)
    return plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False, default=str)


def _write_results(path: Path, households: Households, result: ColumnResult, rule: str,
                   keep: list[str]) -> None:
    from paramcfg.export import unstructure_value  # noqa: PLC0415
    from paramcfg.fileio import write_atomic  # noqa: PLC0415

    bad = {e.index for e in result.errors}
    buffer = io.StringIO()
    if path.suffix.lower() == ".jsonl":
        for i, value in enumerate(result.values):
            if i not in bad:
                record = {"line": households.lines[i],
                          **{k: households.fields[i].get(k) for k in keep},
                          rule: unstructure_value(value)}
                buffer.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    else:
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["line", *keep, rule])
        for i, value in enumerate(result.values):
            if i not in bad:
                fields = households.fields[i]
                writer.writerow([households.lines[i], *(_cell(fields.get(k, "")) for k in keep),
                                 _cell(value)])
    write_atomic(path, buffer.getvalue())


def _write_rejected(path: Path, households: Households, rejected: list[Rejected],
                    lang: str) -> None:
    from paramcfg.fileio import write_atomic  # noqa: PLC0415

    buffer = io.StringIO()
    if path.suffix.lower() == ".jsonl":
        for r in rejected:
            record = {"file": r.file or households.path, "line": r.line,
                      "reason": r.message(lang), "row": dict(r.fields)}
            buffer.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    else:  # the members file's own columns after the households file's
        names = [*households.names,
                 *(k for k in households.member_names if k not in households.names)]
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["file", "line", "reason", *names])
        for r in rejected:
            writer.writerow([r.file or households.path, r.line, r.message(lang),
                             *(_cell(r.fields.get(k, "")) for k in names)])
    write_atomic(path, buffer.getvalue())
