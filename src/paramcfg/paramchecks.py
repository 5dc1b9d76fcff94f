"""Checks of a core's parameter declarations that need all of them at once: the names a limit
reads, the limits of a table of records, the switches of ``when`` clauses.  Run by
:func:`paramcfg.modelbuild.build_core` once every parameter is built; each problem is a
diagnostic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg.diagnostics import Diagnostic
from paramcfg.names import suggest
from paramcfg.tables import limit_fields, record_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from paramcfg.model import Param

__all__ = ["check_constraint_names", "check_record_limits", "check_when"]


def check_constraint_names(params: Mapping[str, Param], diags: list[Diagnostic]) -> None:
    """A name in `min`/`max` must be a parameter: an unknown one would silently never bind."""
    for p in params.values():
        for c in p.constraints:
            stack: list[object] = [c.expr]
            while stack:
                e = stack.pop()
                if isinstance(e, n.Ref) and e.name not in params:
                    hint, hint_ja = suggest(e.name, params)
                    diags.append(Diagnostic("PC0201", e.span, {
                        "kind": "parameter", "kind_ja": "パラメータ", "name": e.name,
                        "suggestion": hint, "suggestion_ja": hint_ja}))
                elif isinstance(e, n.Binary):
                    stack += [e.left, e.right]
                elif isinstance(e, n.Unary):
                    stack.append(e.operand)


def check_record_limits(params: Mapping[str, Param], diags: list[Diagnostic]) -> None:
    """A ``min``/``max`` of a table of records must fit one of its fields at least (an amount
    limit on a record of numbers would silently check nothing)."""
    def type_of(name: str) -> t.Type | None:
        return params[name].type if name in params else None

    for p in params.values():
        rec = record_of(p.type)
        fields = [f"{f.name} : {f.type}" for f in rec.fields] if rec is not None else []
        diags.extend(Diagnostic("PC0715", c.span, {
            "name": p.name, "limit": f"{c.kind} {c.text}", "record": str(rec),
            "fields": ", ".join(fields), "fields_ja": "、".join(fields)})
            for c in p.constraints if rec is not None and not limit_fields(rec, c.expr, type_of))


def check_when(params: Mapping[str, Param], diags: list[Diagnostic]) -> None:
    """``when P == M`` / ``when P in [M, N]``: P is a parameter of an enum type and each
    member named one of its members (one PC0712 for each that is not)."""
    for p in params.values():
        if p.when is None or p.when_span is None:
            continue
        name, members = p.when
        switch = params.get(name)
        if switch is None:
            hint, hint_ja = suggest(name, params)
            diags.append(Diagnostic("PC0201", p.when_span, {
                "kind": "parameter", "kind_ja": "パラメータ", "name": name,
                "suggestion": hint, "suggestion_ja": hint_ja}))
        elif not isinstance(switch.type, t.EnumType):
            diags.append(Diagnostic("PC0711", p.when_span, {
                "switch": name, "type": str(switch.type)}))
        else:
            enum = switch.type
            diags.extend(Diagnostic("PC0712", p.when_span, {
                "switch": name, "member": member, "enum": enum.name,
                "members": ", ".join(enum.members), "members_ja": "、".join(enum.members)})
                for member in members if member not in enum.members)
