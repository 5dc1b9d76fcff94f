"""The release report: what a new core release changes in the law, and what each town must do.

A law revision is a new core release (issue 11).  :func:`release_report` compares the old and
the new core — the values the law fixes and the defaults, date by date up to the new core's
horizon, and the declarations (parameters, their limits and whether they are required, inputs,
rules) — and checks every town's profile against both cores, once each, from one parse.  A
town must act on each error the new core finds that the old one did not: a required value to
add (PC0401), a value the new law rejects, a ``uses`` line the new core does not satisfy
(PC0602).  Errors under both cores are listed too: the town is not clean either way.

:func:`render` writes the report as text, Markdown or JSON, in English or Japanese, summary
first.  Values are shown as :mod:`paramcfg.diff` shows them (``48,600円``, ``1.4%``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg.check import bound_value
from paramcfg.diagnostics import Diagnostic, Severity, Span, printable, to_json_obj
from paramcfg.diff import localised, markdown_cell, markdown_code, shown_value, value_changes
from paramcfg.engine import PROFILE_SUFFIX, check_profile_each
from paramcfg.model import Core, Param, Profile, Rule, resolve
from paramcfg.tables import Table

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Container, Iterable, Mapping, Sequence

    from paramcfg.engine import CheckResult, CoreResult
    from paramcfg.model import Resolved

__all__ = [
    "DeclarationChange",
    "Finding",
    "ReleaseReport",
    "TownReport",
    "UsesChange",
    "ValueChange",
    "ValueToAdd",
    "common_actions",
    "find_profiles",
    "law_changes",
    "release_report",
    "render",
]


# ---- the data ------------------------------------------------------------------------------


@attrs.frozen
class ValueChange:
    """A value the law (a ``fixed`` value or a default) has in the new core from ``date`` on
    (``None``: from the start, a declared default) that differs from the old core's."""

    date: dt.date | None
    parameter: str
    cell: str  # a table's cell or key range, a record's field; "" for a whole value
    old: str
    new: str
    fixed: bool  # law the towns cannot change (else a default a town may override)


@attrs.frozen
class DeclarationChange:
    """A declaration added, removed or changed: ``kind`` is ``parameter``, ``enum``, ``input``
    or ``rule``; ``change`` is ``added``, ``removed``, ``status`` (required, required from a
    date, fixed, with a default), ``limits`` (min/max clauses), ``type``, ``members`` (an
    enum's: a table over it has new rows or columns) or ``body`` (a rule's)."""

    kind: str
    name: str
    change: str
    old: str
    new: str
    label: str | None = None
    basis: str | None = None


@attrs.frozen
class ValueToAdd:
    """A required value the town has no value for under the new core, from ``date`` on."""

    parameter: str
    date: dt.date | None  # None: the profile has no dated block at all
    type: str  # as the core writes it: "rate", "yen", "table[国保区分] of rate"
    limits: str  # "0%–100%", "≤ 660,000円 (国保.法定限度額)"; "" when the core sets none
    label: str | None
    basis: str | None
    #: The line of the profile's ``from`` block dated ``date``, if it has one (else a new
    #: block is needed).
    block_line: int | None = None
    new_parameter: bool = False  # not declared by the old core at all


@attrs.frozen
class Finding:
    """One error of ``paramcfg check``, with the profile line it points at."""

    diagnostic: Diagnostic
    source_line: str  # the profile line as written ("" if none)
    #: The parameter the line sets was removed by the new core (PC0404 on a name the old core
    #: declared): the line is to be deleted, not respelled.
    removed: str | None = None
    #: The parameter whose value the error is in (a grid's cell or header row included), if
    #: it can be told: what the summary of many towns names.
    parameter: str | None = None


@attrs.frozen
class UsesChange:
    """The ``uses`` line the town must change: ``reason`` is ``rejected`` (the new core does not
    satisfy it) or ``new-parameters`` (the town adds values only the new core declares)."""

    line: int
    old: str
    new: str
    reason: str


@attrs.frozen
class TownReport:
    path: str
    name: str | None  # None: the profile could not be read
    code: str | None
    to_add: tuple[ValueToAdd, ...] = ()
    rejected: tuple[Finding, ...] = ()  # errors under the new core only, other than to_add/uses
    uses: UsesChange | None = None
    still_failing: tuple[Finding, ...] = ()  # errors under the old core as well
    unreadable: str | None = None  # why the file could not be read at all

    @property
    def must_act(self) -> bool:
        return bool(self.to_add or self.rejected or self.uses or self.still_failing
                    or self.unreadable)

    def title(self, lang: str = "en") -> str:
        if self.name is None:
            return self.path
        return f"{self.name}（{self.code}）" if lang == "ja" else f"{self.name} ({self.code})"


@attrs.frozen
class ReleaseReport:
    core: str
    old_version: str
    new_version: str
    horizon: dt.date | None  # the new core's `law through`
    values: tuple[ValueChange, ...]
    declarations: tuple[DeclarationChange, ...]
    towns: tuple[TownReport, ...]

    @property
    def acting(self) -> tuple[TownReport, ...]:
        return tuple(town for town in self.towns if town.must_act)

    @property
    def nothing(self) -> tuple[TownReport, ...]:
        return tuple(town for town in self.towns if not town.must_act)

    @property
    def exit_code(self) -> int:
        """0: no town must act; 1: some town must act."""
        return 1 if self.acting else 0


# ---- (a) the law that changed --------------------------------------------------------------


def _status_kind(p: Param) -> str:
    """``fixed``, ``required``, ``required from 2026-04-01`` or ``default``."""
    if p.fixed:
        return "fixed"
    if p.required:
        since = p.required_from
        return f"required from {since.isoformat()}" if since else "required"
    return "default"


def _status(p: Param) -> str:
    kind = _status_kind(p)
    return f"default {shown_value(p.default, p.type)}" if kind == "default" else kind


def _limits(p: Param) -> str:
    return ", ".join(f"{c.kind} {c.text}" for c in p.constraints)


def _limits_resolved(p: Param, values: Mapping[str, Resolved]) -> str:
    """``max 国保.法定限度額 (660,000円)``: each clause with what it comes to, when it names a
    parameter."""
    parts = []
    for c in p.constraints:
        text = f"{c.kind} {c.text}"
        if not isinstance(c.expr, n.Lit):
            value = bound_value(c.expr, values)
            if value is not None and not isinstance(value, Table):
                text += f" ({shown_value(value, _cell_type(p.type))})"
        parts.append(text)
    return ", ".join(parts)


def _cell_type(ty: t.Type) -> t.Type:
    if isinstance(ty, t.TableType | t.ScaleType):
        return ty.value
    if isinstance(ty, t.ListType):
        return ty.element
    return ty


def law_changes(old: Core, new: Core) -> tuple[tuple[ValueChange, ...],
                                               tuple[DeclarationChange, ...]]:
    """The values and the declarations that differ from ``old`` to ``new``.

    Values are the core's own (defaults and dated values, as :func:`paramcfg.model.resolve`
    gives them with no profile), compared as of each date on which either core changes one,
    up to the new core's horizon; a difference is reported on the first date it appears.
    """
    horizon = new.horizon
    dates = sorted({b.date for b in (*old.blocks, *new.blocks)
                    if horizon is None or b.date <= horizon})
    # Parameters of one type in both releases (a changed type is a declaration change).
    types = {name: p.type for name, p in new.params.items()
             if name in old.params and str(old.params[name].type) == str(p.type)}

    def sides(on: dt.date) -> tuple[Mapping[str, Resolved], Mapping[str, Resolved]]:
        return resolve(old, None, on), resolve(new, None, on)

    values = tuple(
        ValueChange(None if c.date == dt.date.min else c.date, c.parameter, c.cell, c.old,
                    c.new, new.params[c.parameter].fixed)
        for c in value_changes([dt.date.min, *dates], types, sides))
    latest = resolve(new, None, dates[-1] if dates else dt.date.min)
    latest_old = resolve(old, None, dates[-1] if dates else dt.date.min)
    decls: list[DeclarationChange] = []
    for name, p in new.params.items():
        q = old.params.get(name)
        if q is None:
            decls.append(DeclarationChange(
                "parameter", name, "added", "", _describe(p, latest), p.label, p.basis))
            continue
        if str(q.type) != str(p.type):
            decls.append(DeclarationChange("parameter", name, "type", str(q.type), str(p.type),
                                           p.label, p.basis))
        if _status_kind(q) != _status_kind(p):  # a changed default is among the values
            decls.append(DeclarationChange("parameter", name, "status", _status(q), _status(p),
                                           p.label, p.basis))
        if _limits(q) != _limits(p):
            decls.append(DeclarationChange(
                "parameter", name, "limits", _limits_resolved(q, latest_old),
                _limits_resolved(p, latest), p.label, p.basis))
    decls += [DeclarationChange("parameter", name, "removed", _describe(q, latest_old), "",
                                q.label, q.basis)
              for name, q in old.params.items() if name not in new.params]
    for name, e in new.enums.items():
        f = old.enums.get(name)
        if f is None:
            decls.append(DeclarationChange("enum", name, "added", "", ", ".join(e.members)))
        elif f.members != e.members:
            decls.append(DeclarationChange("enum", name, "members", ", ".join(f.members),
                                           ", ".join(e.members)))
    decls += [DeclarationChange("enum", name, "removed", ", ".join(f.members), "")
              for name, f in old.enums.items() if name not in new.enums]
    for name, i in new.inputs.items():
        j = old.inputs.get(name)
        if j is None:
            decls.append(DeclarationChange("input", name, "added", "", str(i.type), i.label))
        elif str(j.type) != str(i.type):
            decls.append(DeclarationChange("input", name, "type", str(j.type), str(i.type),
                                           i.label))
    decls += [DeclarationChange("input", name, "removed", str(j.type), "", j.label)
              for name, j in old.inputs.items() if name not in new.inputs]
    for name, r in new.rules.items():
        s = old.rules.get(name)
        if s is None:
            decls.append(DeclarationChange("rule", name, "added", "", _signature(r), r.label,
                                           r.basis))
        elif _signature(s) != _signature(r):
            decls.append(DeclarationChange("rule", name, "type", _signature(s), _signature(r),
                                           r.label, r.basis))
        elif _shape(s.body) != _shape(r.body):
            decls.append(DeclarationChange("rule", name, "body", "", "", r.label, r.basis))
    decls += [DeclarationChange("rule", name, "removed", _signature(s), "", s.label, s.basis)
              for name, s in old.rules.items() if name not in new.rules]
    return values, tuple(decls)


def _shape(node: object) -> object:
    """A syntax tree without its source positions: two rules written alike at different
    lines of the two cores have the same shape."""
    if isinstance(node, Span):
        return None
    kind = type(node)
    if attrs.has(kind):
        return (kind.__name__,
                tuple(_shape(getattr(node, f.name)) for f in attrs.fields(kind)))
    if isinstance(node, tuple | list):
        return tuple(_shape(x) for x in node)
    return node


def _signature(r: Rule) -> str:
    """``(区分 : 資産区分, 課税標準額 : yen) : yen``, or ``yen`` for a rule of no arguments."""
    args = ", ".join(f"{name} : {ty}" for name, ty in r.params)
    return f"({args}) : {r.type}" if args else str(r.type)


def _describe(p: Param, values: Mapping[str, Resolved]) -> str:
    """``rate, required from 2026-04-01, min 0%, max 100%``."""
    parts = [str(p.type), _status(p)]
    if p.constraints:
        parts.append(_limits_resolved(p, values))
    return ", ".join(parts)


# ---- (b) each town -------------------------------------------------------------------------


def _range(p: Param, values: Mapping[str, Resolved]) -> str:
    """What the town may write: ``0%–100%``, ``≤ 660,000円 (国保.法定限度額)``."""
    low: list[str] = []
    high: list[str] = []
    ty = _cell_type(p.type)
    for c in p.constraints:
        value = bound_value(c.expr, values)
        if value is None or isinstance(value, Table):
            shown = c.text
        elif isinstance(c.expr, n.Lit):
            shown = shown_value(value, ty)
        else:
            shown = f"{shown_value(value, ty)} ({c.text})"
        (low if c.kind == "min" else high).append(shown)
    if len(low) == 1 and len(high) == 1 and "(" not in low[0] + high[0] and \
            not any(isinstance(c.expr, n.Ref) for c in p.constraints):
        return f"{low[0]}–{high[0]}"
    return ", ".join([*(f"≥ {x}" for x in low), *(f"≤ {x}" for x in high)])


def _finding(d: Diagnostic, lines: Sequence[str], names: Container[str] = ()) -> Finding:
    line = lines[d.span.line - 1].strip() if 1 <= d.span.line <= len(lines) else ""
    return Finding(d, line, parameter=_parameter_at(d, lines, names))


def _parameter_at(d: Diagnostic, lines: Sequence[str], names: Container[str]) -> str | None:
    """The parameter the diagnostic is about: its own ``name`` argument, else the assignment
    (``NAME =``) that the diagnostic's line belongs to, found upwards from that line (a grid's
    rows follow their assignment)."""
    named = d.args.get("name")
    if isinstance(named, str) and named in names:
        return named
    for text in reversed(lines[: max(d.span.line, 0)]):
        head = text.strip().removeprefix("review ").strip()
        name, eq, _ = head.partition("=")
        if eq and name.strip() in names:
            return name.strip()
        if head.startswith("from "):
            break
    return None


def _key(d: Diagnostic) -> tuple[str, str, int, int]:
    return (d.code, d.span.file, d.span.line, d.span.col)


def town_report(old: Core, new: Core, after: CheckResult,
                before: CheckResult | None) -> TownReport:
    """What one town must do, from its profile checked against the new core and, when that
    finds an error, the old one (``before``; ``None`` only if ``after`` has no error)."""
    profile: Profile | None = after.profile or (before.profile if before else None)
    lines = after.sources.get(after.path, "").splitlines()
    names = {*new.params, *old.params}
    was = {_key(d) for d in before.diagnostics
           if d.level is Severity.ERROR} if before is not None else set()
    to_add: list[ValueToAdd] = []
    rejected: list[Finding] = []
    still: list[Finding] = []
    uses: UsesChange | None = None
    for d in after.diagnostics:
        if d.level is not Severity.ERROR:
            continue
        if _key(d) in was:
            still.append(_finding(d, lines, names))
        elif d.code == "PC0401" and d.args.get("name") in new.params:
            to_add.append(_to_add(old, new, after.profile, d))
        elif d.code == "PC0602" and profile is not None and profile.uses_span is not None:
            uses = _uses(new, profile, lines, "rejected")
        else:
            found = _finding(d, lines, names)
            name = d.args.get("name")
            if d.code == "PC0404" and name in old.params and name not in new.params:
                found = attrs.evolve(found, removed=name)
            rejected.append(found)
    if uses is None and profile is not None and profile.uses_span is not None and any(
            a.new_parameter for a in to_add) and (profile.version or ()) < new.version:
        uses = _uses(new, profile, lines, "new-parameters")
    return TownReport(after.path, profile.name if profile else None,
                      profile.code if profile else None, tuple(to_add), tuple(rejected), uses,
                      tuple(still))


def _to_add(old: Core, new: Core, profile: Profile | None, d: Diagnostic) -> ValueToAdd:
    p = new.params[d.args["name"]]
    try:
        date: dt.date | None = dt.date.fromisoformat(d.args.get("date", ""))
    except ValueError:
        date = None
    values = resolve(new, profile, date or dt.date.max)
    block = next((b for b in profile.blocks if b.date == date), None) if profile else None
    return ValueToAdd(p.name, date, str(p.type), _range(p, values), p.label, p.basis,
                      block.span.line if block else None, p.name not in old.params)


def _uses(new: Core, profile: Profile, lines: Sequence[str], reason: str) -> UsesChange:
    assert profile.uses_span is not None  # noqa: S101 - the callers check
    line = profile.uses_span.line
    old = lines[line - 1].strip() if line <= len(lines) else ""
    return UsesChange(line, old, f'uses "{new.name}" >= {new.version_text}', reason)


def find_profiles(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Path]]:
    """The profiles named: each file as given, each folder's ``*.pcfg`` files (in its
    sub-folders too), sorted.  Also the paths that are neither (missing, unreadable)."""
    found: list[Path] = []
    missing: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            try:
                found.extend(sorted(p for p in path.rglob(f"*{PROFILE_SUFFIX}") if p.is_file()))
            except OSError:
                missing.append(path)
        elif path.is_file():
            found.append(path)
        else:
            missing.append(path)
    return found, missing


def release_report(old: CoreResult, new: CoreResult,
                   profiles: Iterable[str | os.PathLike[str]], *,
                   progress: Callable[[int], None] | None = None) -> ReleaseReport:
    """The law that changed from ``old`` to ``new``, and what each town must do.

    Each profile is read and parsed once and checked against the new core once, and against
    the old core once if the new core finds an error (to tell new errors from old ones).  ``progress``,
    if given, is called with the number of profiles done after each one.

    :raises ValueError: if a core could not be loaded (show its diagnostics first).
    """
    if old.core is None or new.core is None or not old.ok or not new.ok:
        raise ValueError("both cores must load without errors")
    values, decls = law_changes(old.core, new.core)
    towns: list[TownReport] = []
    for i, path in enumerate(profiles, start=1):
        try:
            results = check_profile_each(path, (new, old))
        except OSError as exc:
            towns.append(TownReport(str(path), None, None, unreadable=str(exc.strerror or exc)))
        else:
            after = next(results)
            # A profile clean under the new core needs nothing: the old check would not
            # change that, so it is not run.
            before = next(results) if not after.ok else None
            towns.append(town_report(old.core, new.core, after, before))
        if progress is not None:
            progress(i)
    return ReleaseReport(new.core.name, old.core.version_text, new.core.version_text,
                         new.core.horizon, values, decls, tuple(towns))


# ---- rendering -----------------------------------------------------------------------------

#: Texts of the report in both languages; a key missing in one language is a test failure.
TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Release report: {core} {old} → {new}", "リリース通知: {core} {old} → {new}"),
    "horizon": ("law through {date}", "{date} までの法令を収録"),
    "no_horizon": ("the new core states no horizon (`law through`)",
                   "新しいコアに法令の収録期限（law through）がありません"),
    "law_summary": (("The law: {values} value(s) changed, {added} new parameter(s), {removed} "
                     "removed, {status} with a new status (required, fixed …), {limits} with new "
                     "limits, {enums} enum(s), {inputs} input(s) and {rules} rule(s) added, "
                     "removed or changed"),
                    ("法令: 値の変更 {values} 件、新しいパラメータ {added} 件、削除 {removed} 件、"
                     "必須・固定などの変更 {status} 件、制限の変更 {limits} 件、列挙型の追加・削除・"
                     "変更 {enums} 件、入力の追加・削除・変更 {inputs} 件、ルールの追加・削除・変更 "
                     "{rules} 件")),
    "town_summary": (("Towns: {towns} profile(s): {acting} must act before the new fiscal year, "
                     "{nothing} need nothing"),
                     ("団体: {towns} 件のプロファイルのうち、新年度までに対応が必要 {acting} 件、"
                     "対応不要 {nothing} 件")),
    "kinds": (("  {add} must add values, {rejected} have values the new law rejects, {uses} "
              "must change the uses line, {still} have errors under the old core too, "
              "{unreadable} unreadable"),
              ("  値の追加 {add} 件、新しい法令で認められない値 {rejected} 件、uses 行の変更 "
              "{uses} 件、旧コアでもエラー {still} 件、読み込めないもの {unreadable} 件")),
    "common_head": ("What most towns must do:", "多くの団体に共通する対応:"),
    "common_add": ("add {name} from {date}: {towns} town(s)",
                   "{name} を {date} から追加: {towns} 団体"),
    "common_delete": ("delete the line setting {name} (removed from the core): {towns} town(s)",
                      "{name} の行を削除（コアから廃止）: {towns} 団体"),
    "common_rejected": ("change {name} (now rejected, {code}): {towns} town(s)",
                        "{name} を修正（新しい法令で認められない値、{code}）: {towns} 団体"),
    "nothing_head": ("Towns that need nothing ({count}):", "対応不要の団体（{count} 件）:"),
    "law_head": ("The law that changed", "変更された法令"),
    "values_head": ("Values (old → new)", "値（変更前 → 変更後）"),
    "from": ("from {date}", "{date} から"),
    "start": ("as declared (from the start)", "宣言の値（当初から）"),
    "fixed": ("law", "法定"),
    "default": ("default", "既定値"),
    "decl_head": ("Declarations", "宣言"),
    "decl_added": ("new {kind} {name}{label}: {new}", "{kind}「{name}」{label}を新設: {new}"),
    "decl_removed": ("removed {kind} {name}{label} (was: {old})",
                     "{kind}「{name}」{label}を削除（旧: {old}）"),
    "decl_status": ("{kind} {name}{label} is now {new} (was: {old})",
                    "{kind}「{name}」{label}が {new} に（旧: {old}）"),
    "decl_limits": ("limits of {kind} {name}{label}: {old} → {new}",
                    "{kind}「{name}」{label}の制限: {old} → {new}"),
    "decl_type": ("type of {kind} {name}{label}: {old} → {new}",
                  "{kind}「{name}」{label}の型: {old} → {new}"),
    "decl_members": ("members of {kind} {name}{label}: {old} → {new}",
                     "{kind}「{name}」{label}の要素: {old} → {new}"),
    "decl_body": ("{kind} {name}{label}: its formula changed", "{kind}「{name}」{label}の式を変更"),
    "parameter": ("parameter", "パラメータ"),
    "enum": ("enum", "列挙型"),
    "input": ("input", "入力"),
    "rule": ("rule", "ルール"),
    "towns_head": ("What each town must do", "各団体の対応事項"),
    "add_head": ("Values to add:", "追加する値:"),
    "add": ("{name}: add from {date} ({what})", "{name}: {date} から追加（{what}）"),
    "add_any": ("{name}: add ({what})", "{name}: 追加（{what}）"),
    "in_block": ("in the `from {date}` block, line {line}",
                 "{line} 行目の from {date} ブロックに書いてください"),
    "new_block": ("in a new `from {date}` block",
                  "新しい from {date} ブロックを作って書いてください"),
    "removed_note": ("{name} was removed in core {version}: delete this line",
                     "「{name}」はコア {version} で廃止されました。この行を削除してください"),
    "rejected_head": ("Values the new law rejects:", "新しい法令で認められない値:"),
    "uses_head": ("The uses line (line {line}):", "uses 行（{line} 行目）:"),
    "uses_rejected": ("the new core does not satisfy it", "新しいコアがこの条件を満たしません"),
    "uses_new": ("the values to add exist only from core {version}",
                 "追加する値はコア {version} からのものです"),
    "still_head": ("Errors under the old core too (run paramcfg check):",
                   "旧コアでもエラーになっているもの（paramcfg check で確認してください）:"),
    "unreadable": ("cannot read {path}: {error}", "{path} を読み込めません: {error}"),
    "none": ("none", "なし"),
    "basis": ("basis", "根拠"),
}


def _t(key: str, lang: str, **args: object) -> str:
    en, ja = TEXTS[key]
    return (ja if lang == "ja" else en).format(**args)


def _what(a: ValueToAdd, lang: str) -> str:
    parts = [a.type]
    if a.limits:
        parts.append(a.limits)
    if a.label:
        parts.append(a.label)
    if a.basis:
        parts.append(f"{_t('basis', lang)}: {a.basis}")
    return ("、" if lang == "ja" else ", ").join(parts)


def _where(a: ValueToAdd, lang: str) -> str:
    if a.date is None:
        return ""
    if a.block_line is not None:
        return _t("in_block", lang, date=a.date, line=a.block_line)
    return _t("new_block", lang, date=a.date)


def _add_line(a: ValueToAdd, lang: str) -> str:
    if a.date is None:
        return _t("add_any", lang, name=a.parameter, what=_what(a, lang))
    text = _t("add", lang, name=a.parameter, date=a.date, what=_what(a, lang))
    sep = "。" if lang == "ja" else "; "
    return f"{text}{sep}{_where(a, lang)}"


def _finding_line(f: Finding, lang: str) -> str:
    d = f.diagnostic
    return f"{d.span}: [{d.code}] {d.message(lang)}"


def _counts(r: ReleaseReport) -> dict[str, int]:
    """The summary's figures (JSON gives them as numbers; text as ``1,741``)."""
    decl = r.declarations
    acting = r.acting
    return {
        "values": len(r.values),
        "added": sum(d.kind == "parameter" and d.change == "added" for d in decl),
        "removed": sum(d.kind == "parameter" and d.change == "removed" for d in decl),
        "status": sum(d.kind == "parameter" and d.change == "status" for d in decl),
        "limits": sum(d.kind == "parameter" and d.change == "limits" for d in decl),
        "inputs": sum(d.kind == "input" for d in decl),
        "enums": sum(d.kind == "enum" for d in decl),
        "rules": sum(d.kind == "rule" for d in decl),
        "towns": len(r.towns), "acting": len(acting), "nothing": len(r.towns) - len(acting),
        "add": sum(bool(x.to_add) for x in acting),
        "rejected": sum(bool(x.rejected) for x in acting),
        "uses": sum(x.uses is not None for x in acting),
        "still": sum(bool(x.still_failing) for x in acting),
        "unreadable": sum(x.unreadable is not None for x in acting),
    }


def common_actions(r: ReleaseReport) -> list[tuple[str, str, str, int]]:
    """What many towns must do alike, most frequent first: ``(kind, parameter, detail, towns)``
    with kind ``add`` (detail: the date), ``rejected`` or ``delete`` (a removed parameter;
    detail: the diagnostic code)."""
    counts: dict[tuple[str, str, str], int] = {}
    for town in r.acting:
        seen: set[tuple[str, str, str]] = set()
        for a in town.to_add:
            seen.add(("add", a.parameter, a.date.isoformat() if a.date else ""))
        for f in town.rejected:
            if f.removed is not None:
                seen.add(("delete", f.removed, f.diagnostic.code))
            else:
                seen.add(("rejected", f.parameter or str(f.diagnostic.args.get("name", "")),
                          f.diagnostic.code))
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(*key, n) for key, n in ranked]


def _action_text(kind: str, name: str, detail: str, towns: int, lang: str) -> str:
    if kind == "add":
        return _t("common_add", lang, name=name, date=detail, towns=f"{towns:,}")
    if kind == "delete":
        return _t("common_delete", lang, name=name, towns=f"{towns:,}")
    return _t("common_rejected", lang, name=name, code=detail, towns=f"{towns:,}")


def _value_date(c: ValueChange, lang: str) -> str:
    return _t("from", lang, date=c.date) if c.date else _t("start", lang)


def _decl_text(d: DeclarationChange, lang: str) -> str:
    label = (f"（{d.label}）" if lang == "ja" else f" ({d.label})") if d.label else ""
    return _t(f"decl_{d.change}", lang, kind=_t(d.kind, lang), name=d.name, label=label,
              old=d.old, new=d.new)


def _wrap(items: Sequence[str], lang: str, width: int = 96) -> list[str]:
    sep = "、" if lang == "ja" else ", "
    lines: list[str] = []
    line = ""
    for item in items:
        if line and len(line) + len(sep) + len(item) > width:
            lines.append("  " + line + sep.strip())
            line = item
        else:
            line = f"{line}{sep}{item}" if line else item
    if line:
        lines.append("  " + line)
    return lines


#: The summary shows at most this many of the actions common to many towns.
_COMMON = 10


def render(r: ReleaseReport, fmt: str = "text", lang: str = "en") -> str:
    """The report as ``text``, ``markdown`` or ``json``, summary first."""
    if fmt == "json":
        return _json(r, lang)
    md = fmt == "markdown"
    cell = markdown_cell if md else (lambda s: s)
    c = {key: f"{value:,}" for key, value in _counts(r).items()}
    horizon = _t("horizon", lang, date=r.horizon) if r.horizon else _t("no_horizon", lang)
    title = _t("title", lang, core=r.core, old=r.old_version, new=r.new_version)
    title += f"（{horizon}）" if lang == "ja" else f" ({horizon})"
    out = [f"# {markdown_cell(title)}" if md else title, ""]
    bullet = "- " if md else ""
    out.append(bullet + _t("law_summary", lang, **c))
    out.append(bullet + _t("town_summary", lang, **c))
    out.append(("  - " + _t("kinds", lang, **c).strip()) if md else _t("kinds", lang, **c))
    common = common_actions(r)[:_COMMON]
    if common:
        out += ["", _t("common_head", lang)]
        out += [f"{'- ' if md else '  '}{cell(_action_text(*x, lang))}" for x in common]
    nothing = [x.title(lang) for x in r.nothing]
    if nothing:
        out += ["", _t("nothing_head", lang, count=f"{len(nothing):,}")]
        if md:
            out += ["", ("、" if lang == "ja" else ", ").join(markdown_cell(x) for x in nothing)]
        else:
            out += _wrap(nothing, lang)
    # (a) the law
    out += ["", f"## {_t('law_head', lang)}" if md else _t("law_head", lang).upper()]
    if not r.values and not r.declarations:
        out.append(f"  {_t('none', lang)}")
    if r.values:
        out += ["", f"### {_t('values_head', lang)}" if md else _t("values_head", lang)]
        if md:
            head = ("| 適用日 | パラメータ | セル | 区分 | 変更前 | 変更後 |" if lang == "ja" else
                    "| from | parameter | cell | kind | old | new |")
            out += ["", head, "|---|---|---|---|---|---|"]
            out += [f"| {v.date or _t('start', lang)} | {cell(v.parameter)} | {cell(v.cell)} | "
                    f"{_t('fixed' if v.fixed else 'default', lang)} | "
                    f"{cell(localised(v.old, lang))} | {cell(localised(v.new, lang))} |"
                    for v in r.values]
        else:
            date: object = object()
            for v in r.values:
                if v.date != date:
                    date = v.date
                    out.append(f"  {_value_date(v, lang)}")
                where = f"[{v.cell}]" if v.cell else ""
                kind = _t("fixed" if v.fixed else "default", lang)
                kind = f"（{kind}）" if lang == "ja" else f"({kind})"
                out.append(f"    {v.parameter}{where}: {localised(v.old, lang)} → "
                           f"{localised(v.new, lang)}   {kind}")
    if r.declarations:
        out += ["", f"### {_t('decl_head', lang)}" if md else _t("decl_head", lang)]
        if md:
            out.append("")
        out += [f"- {cell(_decl_text(d, lang))}" if md else f"  {_decl_text(d, lang)}"
                for d in r.declarations]
    # (b) the towns
    if r.acting:
        out += ["", f"## {_t('towns_head', lang)}" if md else _t("towns_head", lang).upper()]
        for town in r.acting:
            out += _town(town, lang, md, r.new_version)
    # Values, names and paths come from files: in Markdown each went through markdown_cell or
    # markdown_code; in text, every line is escaped here, so that none can print a line of its
    # own (the Markdown head() above is the only text with line breaks of ours).
    return "\n".join(out if md else [printable(line) for line in out]) + "\n"


def _town(town: TownReport, lang: str, md: bool, version: str) -> list[str]:
    cell = markdown_cell if md else (lambda s: s)
    ind = "- " if md else "    "
    title = town.title(lang)
    out = ["", f"### {cell(title)} — {markdown_code(town.path)}" if md else f"{title}  {town.path}"]
    if town.unreadable is not None:
        out.append(f"{ind}{cell(_t('unreadable', lang, path=town.path, error=town.unreadable))}")
        return out
    def head(text: str) -> str:
        return f"\n**{text.rstrip(':')}**\n" if md else f"  {text}"

    if town.to_add:
        out.append(head(_t("add_head", lang)))
        out += [f"{ind}{cell(_add_line(a, lang))}" for a in town.to_add]
    if town.rejected:
        out.append(head(_t("rejected_head", lang)))
        out += _findings(town.rejected, lang, md, version)
    if town.uses is not None:
        u = town.uses
        why = (_t("uses_rejected", lang) if u.reason == "rejected" else
               _t("uses_new", lang, version=u.new.rsplit(" ", 1)[-1]))
        out.append(head(_t("uses_head", lang, line=u.line)))
        arrow = f"{markdown_code(u.old)} → {markdown_code(u.new)}" if md else f"{u.old} → {u.new}"
        out.append(f"{ind}{arrow} ({why})" if lang != "ja" else f"{ind}{arrow}（{why}）")
    if town.still_failing:
        out.append(head(_t("still_head", lang)))
        out += _findings(town.still_failing, lang, md, version)
    return out


def _findings(found: Sequence[Finding], lang: str, md: bool, version: str) -> list[str]:
    out = []
    label = "ヒント" if lang == "ja" else "help"
    for f in found:
        hint = f.diagnostic.hint(lang)
        if f.removed is not None:
            hint = _t("removed_note", lang, name=f.removed, version=version)
        if md:
            out.append(f"- {markdown_cell(_finding_line(f, lang))}")
            if f.source_line:
                out.append(f"  - {markdown_code(f.source_line)}")
            if hint:
                out.append(f"  - {label}: {markdown_cell(hint)}")
        else:
            out.append(f"    {_finding_line(f, lang)}")
            if f.source_line:
                out.append(f"      | {f.source_line}")
            if hint:
                out.append(f"      = {label}: {hint}")
    return out


def _json(r: ReleaseReport, lang: str) -> str:
    def finding(f: Finding) -> dict[str, object]:
        return {**to_json_obj(f.diagnostic, lang), "source_line": f.source_line,
                "removed": f.removed}

    data: dict[str, Any] = {
        "core": r.core, "old_version": r.old_version, "new_version": r.new_version,
        "horizon": r.horizon.isoformat() if r.horizon else None,
        "summary": _counts(r),
        "common": [{"action": kind, "parameter": name, "detail": detail, "towns": n}
                   for kind, name, detail, n in common_actions(r)],
        "values": [{"from": v.date.isoformat() if v.date else None, "parameter": v.parameter,
                    "cell": v.cell, "old": localised(v.old, lang), "new": localised(v.new, lang),
                    "fixed": v.fixed} for v in r.values],
        "declarations": [attrs.asdict(d) for d in r.declarations],
        "nothing": [{"path": x.path, "name": x.name, "code": x.code} for x in r.nothing],
        "towns": [{
            "path": x.path, "name": x.name, "code": x.code, "unreadable": x.unreadable,
            "to_add": [{**attrs.asdict(a), "date": a.date.isoformat() if a.date else None}
                       for a in x.to_add],
            "rejected": [finding(f) for f in x.rejected],
            "uses": attrs.asdict(x.uses) if x.uses else None,
            "still_failing": [finding(f) for f in x.still_failing],
        } for x in r.acting],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
