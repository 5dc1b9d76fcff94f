"""``paramcfg export PROFILE --format toml|json``: a tenant's resolved parameter values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paramcfg.cli.common import (
    CORE_HELP,
    FORMAT_HELP,
    ON_HELP,
    PROFILE_HELP,
    PROJECTION_HELP,
    Cores,
    report_for,
    tenant_and_date,
)

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.parsing import Subcommands


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command("export", "a tenant's resolved parameter values as TOML, JSON or "
                               "an Excel book (xlsx: paramcfg[staff])",
                               "ある日付時点のパラメータの値を TOML、JSON、Excel ブック（xlsx。"
                               "paramcfg[staff] が必要）で書き出します")
    p.add_argument("profile", metavar="PROFILE", help=p.text(*PROFILE_HELP))
    p.add_argument("--on", metavar="DATE", help=p.text(*ON_HELP))
    p.add_argument("--all-dates", action="store_true", help=p.text(
        "every effective period", "すべての適用期間"))
    p.add_argument("--format", choices=("toml", "json", "xlsx"), required=True,
                   help=p.text(*FORMAT_HELP))
    p.add_argument("-o", "--output", metavar="FILE", help=p.text(
        "write to FILE (atomically) instead of standard output",
        "標準出力でなく FILE に書き出します"))
    p.add_argument("--projection", action="store_true", help=p.text(*PROJECTION_HELP))
    p.add_argument("--core", metavar="PATH", help=p.text(*CORE_HELP))


def run(args: argparse.Namespace) -> int:
    from paramcfg.errors import EvaluationError  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.export import export_data, to_json, to_toml  # noqa: PLC0415
    from paramcfg.fileio import write_atomic  # noqa: PLC0415

    report = report_for(args)
    found = tenant_and_date(args.profile, args.core, args.on, Cores(), report)
    if found is None:
        return report.exit_code
    tenant, on = found
    if args.format == "xlsx":  # issue 16: the staff tools' Excel book
        from paramcfg.cli.staff import export_xlsx  # noqa: PLC0415

        return export_xlsx(tenant, None if args.all_dates else on, args.output, report.lang)
    try:
        data = export_data(tenant, None if args.all_dates else on, all_dates=args.all_dates,
                           projection=args.projection)
    except EvaluationError as exc:
        report.fail("eval_error", error=exc.message(report.lang))
        return report.exit_code
    text = to_toml(data) if args.format == "toml" else to_json(data)
    if not args.output:
        report.out.write(text)
        return report.exit_code
    try:
        write_atomic(args.output, text)
    except OSError as exc:
        report.fail("unwritable", path=args.output, error=exc)
    return report.exit_code
