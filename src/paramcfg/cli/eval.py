"""``paramcfg eval PROFILE RULE``: evaluate a rule for one tenant as of a date."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from paramcfg.cli.common import (
    CORE_HELP,
    FORMAT_HELP,
    ON_HELP,
    PROFILE_HELP,
    PROJECTION_HELP,
    Cores,
    Report,
    report_for,
    tenant_and_date,
)
from paramcfg.diagnostics import printable

if TYPE_CHECKING:
    import argparse

    from paramcfg.cli.parsing import Subcommands
    from paramcfg.engine import Tenant


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command("eval", "evaluate a rule for one tenant as of a date",
                               "ある団体のルールを、ある日付時点で計算します")
    p.add_argument("profile", metavar="PROFILE", help=p.text(*PROFILE_HELP))
    p.add_argument("rule", metavar="RULE", help=p.text("the rule to evaluate", "計算するルール"))
    p.add_argument("--input", action="append", default=[], metavar="NAME=VALUE", help=p.text(
        "an input or rule argument, e.g. 所得割額=100,000円 (repeatable)",
        "入力またはルールの引数（例: 所得割額=100,000円、繰り返し指定可）"))
    p.add_argument("--inputs", metavar="FILE.json", help=p.text(
        "inputs as a JSON object (numbers are read exactly, never as float)",
        "入力を JSON オブジェクトで（数値は正確に読み取ります）"))
    p.add_argument("--on", metavar="DATE", help=p.text(*ON_HELP))
    p.add_argument("--explain", action="store_true", help=p.text(
        "show the rules applied, parameters used and table cells chosen",
        "適用したルール、使ったパラメータ、選んだ表のセルを表示します"))
    p.add_argument("--projection", action="store_true", help=p.text(*PROJECTION_HELP))
    p.add_argument("--core", metavar="PATH", help=p.text(*CORE_HELP))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=p.text(*FORMAT_HELP))


def read_inputs(args: argparse.Namespace, report: Report) -> dict[str, object] | None:
    """``--inputs FILE.json`` and then each ``--input NAME=VALUE``, as given (text or JSON
    values), or ``None`` after a message."""
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


def _all_given(args: argparse.Namespace, tenant: Tenant, inputs: dict[str, object],
               rule_args: dict[str, object], report: Report) -> bool:
    """Whether every argument and input the rule needs was given; if not, all the missing ones
    are listed at once (type, label, example) with the command that gives them, never one per
    run (and a missing argument is never passed on as Python's ``None``)."""
    from paramcfg.cli.rules import describe, eval_command, inputs_json, needed  # noqa: PLC0415
    from paramcfg.errors import missing_of  # noqa: PLC0415 - the API's own list

    items = needed(tenant.rules, tenant.core.inputs, args.rule)
    absent = set(missing_of([i.name for i in items if not i.argument], inputs))
    missing = [i for i in items if (i.name not in rule_args if i.argument else i.name in absent)]
    if not missing:
        return True
    report.fail("missing_inputs", rule=args.rule, count=len(missing))
    for item in missing:
        print(describe(item, report.lang), file=report.err)
    report.fail("missing_fix")
    command = eval_command(args.profile, args.rule, items, _given_text(args))
    print(printable("  " + command), file=report.err)
    if command.endswith("--inputs inputs.json"):  # a record or a list: a JSON file it is
        for line in inputs_json(items).splitlines():
            print(printable("  " + line), file=report.err)
    return False


def _given_text(args: argparse.Namespace) -> dict[str, str]:
    """The ``--input`` values as typed, to be repeated in the suggested command."""
    given: dict[str, str] = {}
    for item in args.input:
        name, _, value = item.partition("=")
        given[name.strip()] = value.strip()
    return given


def run(args: argparse.Namespace) -> int:
    from paramcfg.errors import EvaluationError  # noqa: PLC0415 - keep `--help` fast
    from paramcfg.export import parse_input, unstructure_value  # noqa: PLC0415
    from paramcfg.interpret import render_explanation, step_to_json  # noqa: PLC0415
    from paramcfg.names import suggest  # noqa: PLC0415
    from paramcfg.types import ListType, RecordType  # noqa: PLC0415
    from paramcfg.values import MAX_INPUT_DIGITS, TooManyDigitsError, format_typed  # noqa: PLC0415

    report = report_for(args)
    found = tenant_and_date(args.profile, args.core, args.on, Cores(), report)
    if found is None:
        return report.exit_code
    tenant, on = found
    rule = tenant.rules.get(args.rule)
    if rule is None:
        hint, hint_ja = suggest(args.rule, tenant.rules)
        report.fail("no_rule", rule=args.rule, core=tenant.core.name, hint=hint, hint_ja=hint_ja)
        return report.exit_code
    raw = read_inputs(args, report)
    if raw is None:
        return report.exit_code
    declared = {name: inp.type for name, inp in tenant.core.inputs.items()}
    params = dict(rule.params)
    inputs: dict[str, object] = {}
    rule_args: dict[str, object] = {}
    for name, value in raw.items():
        ty = params.get(name) or declared.get(name)
        if ty is None:
            # only the rule's own arguments and inputs: another rule's input would be ignored here
            from paramcfg.cli.rules import needed  # noqa: PLC0415

            own = [i.name for i in needed(tenant.rules, tenant.core.inputs, args.rule)]
            hint, hint_ja = suggest(name, own)
            report.fail("unknown_input", rule=args.rule, name=name, hint=hint, hint_ja=hint_ja)
            return report.exit_code
        try:
            parsed = parse_input(value, ty)
        except TooManyDigitsError as exc:
            report.fail("too_many_digits", name=name, value=exc.shown, limit=MAX_INPUT_DIGITS)
            return report.exit_code
        except ValueError:
            element = ty.element if isinstance(ty, ListType) else ty
            if isinstance(element, RecordType) and not args.inputs:
                report.fail("record_input", name=name, type=str(ty))
                return report.exit_code
            report.fail("bad_input", name=name, value=value, expected=ty.name_en,
                        expected_ja=ty.name_ja)
            return report.exit_code
        (rule_args if name in params else inputs)[name] = parsed
    if not _all_given(args, tenant, inputs, rule_args, report):
        return report.exit_code
    ordered = tuple(rule_args[p] for p in params)
    projection = args.projection
    try:
        value = tenant.evaluate(args.rule, inputs, on, ordered, projection=projection)
        step = tenant.explain(args.rule, inputs, on, ordered,
                              projection=projection) if args.explain else None
    except EvaluationError as exc:
        report.fail("eval_error", error=exc.message(report.lang))
        return report.exit_code
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
        return report.exit_code
    report.say("result", rule=args.rule, value=format_typed(value, rule.type),
               tenant=tenant.name, on=on.isoformat())
    if marked:
        report.say("projection", on=on.isoformat(), horizon=str(core.horizon), core=core.name,
                   version=core.version_text)
    if step is not None:
        print("\n".join(printable(line) for line in
                        render_explanation(step, tenant.value_types(), report.lang).split("\n")),
              file=report.out)
    return report.exit_code
