"""Computing the release report: the law that changed between two core releases, and each town's
actions (issue 11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg.check import bound_value
from paramcfg.diagnostics import Diagnostic, Severity, Span
from paramcfg.diff import shown_value, value_changes
from paramcfg.engine import PROFILE_SUFFIX, check_profile_each
from paramcfg.model import Core, Param, Profile, Rule, resolve
from paramcfg.release.report import (
    DeclarationChange,
    Finding,
    ReleaseReport,
    TownReport,
    UsesChange,
    ValueChange,
    ValueToAdd,
)
from paramcfg.tables import Table

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Container, Iterable, Mapping, Sequence

    from paramcfg.engine import CheckResult, CoreResult
    from paramcfg.model import Resolved



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
    status = f"default {shown_value(p.default, p.type)}" if kind == "default" else kind
    return f"{status}, set by prefecture" if p.prefecture else status


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
        if (_status_kind(q), q.prefecture) != (_status_kind(p), p.prefecture):  # a changed
            # default is among the values; a parameter given to the prefecture is a new status
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


