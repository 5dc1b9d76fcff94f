"""``paramcfg rules [RULE…]``: the rules of a package core, and for a rule every input and
argument it needs, with its type, label and an example value, so that a clerk can give them all
in one ``eval`` (the command to paste is printed).

The inputs a rule needs are the engine's own list (:func:`paramcfg.rules.transitive_inputs`):
every input the rule or a rule it calls may read, which is what ``evaluate`` checks before
computing anything.  ``eval`` uses :func:`needed` too, to report every missing input at once.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

from paramcfg.cli.common import Cores, core_path, report_for
from paramcfg.diagnostics import printable, render_text

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping

    from paramcfg.cli.parsing import Subcommands
    from paramcfg.model import Input
    from paramcfg.rules import TypedRule
    from paramcfg.types import Type

__all__ = ["Needed", "add_parser", "eval_command", "example_json", "example_text", "needed", "run"]


def add_parser(subparsers: Subcommands) -> None:
    p = subparsers.add_command(
        "rules", "list a core's rules, or the inputs a rule needs (types, labels, examples)",
        "コアのルールの一覧、またはルールに必要な入力（型・ラベル・例）を表示します")
    p.add_argument("rules", nargs="*", metavar="RULE", help=p.text(
        "rules to describe (default: list every rule)", "説明するルール（既定: すべてのルールの一覧）"))
    p.add_argument("--core", metavar="PATH", help=p.text(
        "the package core (a .pcore file or a folder of them); default: the nearest "
        "package_core/ folder here or above",
        "パッケージコア（.pcore ファイルかそのフォルダ）。既定: 今のフォルダかその上にある package_core/"))
    p.add_argument("--profile", metavar="PROFILE", help=p.text(
        "a tenant profile: its core, and its name in the printed eval command",
        "プロファイル（そのコアを使い、表示する eval コマンドにも入れます）"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=p.text("output format", "出力の形式"))


class Needed(NamedTuple):
    """One value a rule needs: an argument of the rule or an input of the core."""

    name: str
    type: Type
    label: str | None
    argument: bool  # a rule argument (else an input)


def needed(rules: Mapping[str, TypedRule], declared: Mapping[str, Input],
           rule: str) -> list[Needed]:
    """What ``rule`` needs: its own arguments, then every input it or a rule it calls may read
    (``declared``: the core's inputs, for their labels)."""
    from paramcfg.rules import AS_OF_KEY, input_types, transitive_inputs  # noqa: PLC0415

    typed = rules[rule]
    found = [Needed(name, ty, None, argument=True) for name, ty in typed.params]
    types = input_types(rules)
    for name in transitive_inputs(rules).get(rule, []):
        if name == AS_OF_KEY:
            continue
        decl = declared.get(name)
        ty = decl.type if decl is not None else types[name]
        found.append(Needed(name, ty, decl.label if decl is not None else None, argument=False))
    return found


def example_text(ty: Type) -> str:
    """An example value of ``ty`` as ``--input NAME=VALUE`` takes it."""
    from paramcfg import types as t  # noqa: PLC0415 - keep `--help` fast

    if isinstance(ty, t.EnumType):
        return ty.members[0] if ty.members else "…"
    if isinstance(ty, t.TextType):
        return "…"
    return {
        t.IntType: "3", t.DecimalType: "1.5", t.YenType: "100,000円", t.RateType: "1.4%",
        t.BoolType: "true", t.DateType: "2024-04-01", t.MonthDayType: "4月30日",
    }.get(type(ty), "…")


def example_json(ty: Type) -> object:
    """An example value of ``ty`` as ``--inputs FILE.json`` takes it (records and lists too)."""
    from paramcfg import types as t  # noqa: PLC0415 - keep `--help` fast

    if isinstance(ty, t.ListType):
        return [example_json(ty.element)]
    if isinstance(ty, t.RecordType):
        return {f.name: example_json(f.type) for f in ty.fields}
    if isinstance(ty, t.BoolType):
        return True
    if isinstance(ty, t.IntType):
        return 3
    return example_text(ty)


def _structured(ty: Type) -> bool:
    from paramcfg import types as t  # noqa: PLC0415 - keep `--help` fast

    return isinstance(ty, t.ListType | t.RecordType)


def eval_command(profile: str, rule: str, items: list[Needed],
                 given: Mapping[str, object] | None = None) -> str:
    """The ``paramcfg eval`` command that gives every value in ``items`` (``given`` values kept),
    with ``--inputs FILE.json`` when one of them is a record or a list."""
    parts = ["paramcfg", "eval", _quoted(profile), _quoted(rule)]
    if any(_structured(i.type) for i in items):
        return " ".join([*parts, "--inputs", "inputs.json"])
    for i in items:
        value = given.get(i.name) if given and i.name in given else example_text(i.type)
        parts.extend(["--input", _quoted(f"{i.name}={value}")])
    return " ".join(parts)


def inputs_json(items: list[Needed]) -> str:
    """The ``--inputs`` file that gives every value in ``items``, with example values."""
    return json.dumps({i.name: example_json(i.type) for i in items}, ensure_ascii=False, indent=2)


def _quoted(text: str) -> str:
    """``text`` as a shell word: as it is when every character is a letter, a digit (of any
    script) or harmless punctuation, else in single quotes."""
    import shlex  # noqa: PLC0415 - keep `--help` fast

    if text and all(ch.isalnum() or ch in "._-=,%/:+@々ー" for ch in text):
        return text
    return shlex.quote(text)


def describe(item: Needed, lang: str) -> str:
    """One line: ``  NAME : TYPE  「label」  e.g. VALUE`` (an argument marked as one)."""
    label = f"  「{item.label}」" if item.label else ""
    kind = (" (引数)" if lang == "ja" else " (argument)") if item.argument else ""
    example = "例" if lang == "ja" else "e.g."
    shown = (json.dumps(example_json(item.type), ensure_ascii=False) if _structured(item.type)
             else example_text(item.type))
    return printable(f"  {item.name} : {item.type}{kind}{label}  {example} {shown}")


def run(args: argparse.Namespace) -> int:
    from paramcfg.names import suggest  # noqa: PLC0415 - keep `--help` fast

    report = report_for(args)
    start = args.profile or "."
    path = core_path(start, args.core)
    if path is None:
        report.fail("no_core", path=start)
        return report.exit_code
    try:
        core = Cores().load(path)
    except OSError as exc:
        report.fail("unreadable", path=path, error=exc)
        return report.exit_code
    if not core.ok or core.core is None:
        report.out.write(render_text(list(core.diagnostics), core.sources, report.lang))
        report.fail("core_bad", path=path)
        return report.exit_code
    for name in args.rules:
        if name not in core.rules:
            hint, hint_ja = suggest(name, core.rules)
            report.fail("no_rule", rule=name, core=core.core.name, hint=hint, hint_ja=hint_ja)
    if report.usage_error:
        return report.exit_code
    profile = args.profile or "PROFILE"
    if args.format == "json":
        out: list[dict[str, object]] = []
        for name in args.rules or list(core.rules):
            typed = core.rules[name]
            items = needed(core.rules, core.core.inputs, name)
            out.append({
                "rule": name, "type": str(typed.type), "label": typed.rule.label,
                "basis": typed.rule.basis, "file": typed.span.file, "line": typed.span.line,
                "arguments": [_item_json(i) for i in items if i.argument],
                "inputs": [_item_json(i) for i in items if not i.argument],
            })
        print(json.dumps(out, ensure_ascii=False, indent=2), file=report.out)
        return report.exit_code
    if not args.rules:
        report.say("rules_head", core=core.core.name, version=core.core.version_text,
                   count=len(core.rules))
        for name, typed in core.rules.items():
            label = f"  「{typed.rule.label}」" if typed.rule.label else ""
            print(printable(f"  {name} : {typed.type}{label}"), file=report.out)
        report.say("rules_more")
        return report.exit_code
    for n, name in enumerate(args.rules):
        if n:
            print(file=report.out)
        typed = core.rules[name]
        items = needed(core.rules, core.core.inputs, name)
        label = f"  「{typed.rule.label}」" if typed.rule.label else ""
        print(printable(f"{name} : {typed.type}{label}   ({typed.span})"), file=report.out)
        report.say("rule_needs" if items else "rule_needs_nothing", count=len(items))
        for item in items:
            print(describe(item, report.lang), file=report.out)
        report.say("rule_all_at_once")
        print(printable("  " + eval_command(profile, name, items)), file=report.out)
        if any(_structured(i.type) for i in items):
            report.say("rule_inputs_file")
            for line in inputs_json(items).splitlines():
                print(printable("  " + line), file=report.out)
    return report.exit_code


def _item_json(item: Needed) -> dict[str, object]:
    return {"name": item.name, "type": str(item.type), "label": item.label,
            "example": example_json(item.type)}
