"""Diff: two tenants' values, or a tenant against the core's defaults, per effective date.

Scalars are compared as values; tables cell by cell over the merged brackets of both sides, so
two fee tables with different breakpoints are compared income range by income range.  A change
is reported on the first date it appears, not again on every later date it persists.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

import attrs

from paramcfg import types as t
from paramcfg.diagnostics import printable
from paramcfg.model import resolve
from paramcfg.tables import Table, merged_brackets
from paramcfg.values import describe_range, format_typed, format_value

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from paramcfg.engine import Tenant
    from paramcfg.model import Core, Resolved

__all__ = ["Change", "DiffResult", "compare_values", "diff_tenants", "localised",
           "markdown_cell", "markdown_code", "render", "shown_value", "value_changes"]

_MISSING = "(none)"


@attrs.frozen
class Change:
    """One difference: ``parameter`` (and, for a table, ``cell``) from ``date`` on."""

    date: dt.date
    parameter: str
    cell: str
    old: str
    new: str
    #: Where each side's value comes from (:attr:`~paramcfg.model.Resolved.provenance`:
    #: ``prefecture prefectures/ibaraki.pcfg:19``); empty where it is not asked for.
    old_from: str = ""
    new_from: str = ""


@attrs.frozen
class DiffResult:
    left: str
    right: str
    changes: tuple[Change, ...]
    parameters: int  # parameters compared
    differing: int  # parameters with at least one change
    at_default: int  # parameters where `town` has the core's default on its last date
    town: str = ""  # the town whose values are counted in `at_default`

    @property
    def equal(self) -> bool:
        return not self.changes


def _cells(table: Table) -> Iterator[tuple[str, int, object, t.Type]]:
    """(category label, bracket index or -1 without a bracket axis, value, its type) for every
    cell; a table of records field by field (the field ends the label: ``3号 乗率``)."""
    table = table.by_field()
    for idx, flat in table.positions():
        cats, _, _ = table.cell_label(idx)
        b = next((i for a, i in zip(table.axes, idx, strict=True) if a.is_bracket), -1)
        yield cats, b, table.cells[flat], table.cell_type(flat)


def _table_changes(a: Table, b: Table) -> list[tuple[str, str, str]]:
    """(cell, old, new) for every merged key range where the tables differ."""
    types = {cats: ty for cats, _, _, ty in (*_cells(b), *_cells(a))}
    axis = next((x for x in a.axes if x.is_bracket), None)
    if a.brackets is None or b.brackets is None or axis is None:
        left = {cats: v for cats, _, v, _ in _cells(a)}
        right = {cats: v for cats, _, v, _ in _cells(b)}
        return [(cats, shown_value(left.get(cats), types[cats]),
                 shown_value(right.get(cats), types[cats]))
                for cats in sorted(set(left) | set(right)) if left.get(cats) != right.get(cats)]
    merged = merged_brackets(a.brackets, b.brackets)
    cells_a = {(cats, i): v for cats, i, v, _ in _cells(a)}
    cells_b = {(cats, i): v for cats, i, v, _ in _cells(b)}
    out: list[tuple[str, str, str]] = []
    for cats in sorted({cats for cats, _ in cells_a}):
        runs: list[tuple[Any, Any, object, object]] = []  # low, high, va, vb
        for low, high, i, j in merged:
            va, vb = cells_a.get((cats, i)), cells_b.get((cats, j))
            if runs and runs[-1][2:] == (va, vb) and runs[-1][1] == low:
                runs[-1] = (runs[-1][0], high, va, vb)
            else:
                runs.append((low, high, va, vb))
        for low, high, va, vb in runs:
            if va != vb:
                rng = describe_range(low, high, axis.key)[1]
                label = f"{cats}, {axis.name} {rng}" if cats else f"{axis.name} {rng}"
                out.append((label, shown_value(va, types[cats]), shown_value(vb, types[cats])))
    return out


_TABLE = "(table)"


def shown_value(value: object, ty: t.Type) -> str:
    """A parameter's value as diff and the release report show it: ``48,600円``, ``1.4%``,
    a record field by field, ``(none)`` for no value and ``(table)`` for a whole table."""
    if value is None:
        return _MISSING
    if isinstance(value, Table):
        return _TABLE  # a whole table against nothing: its cells are in the profile
    if isinstance(value, t.RecordValue):
        return "{" + ", ".join(f"{k} = {format_value(v)}" for k, v in value.fields) + "}"
    return format_typed(value, ty)


def compare_values(ty: t.Type, a: Resolved | None,
                   b: Resolved | None) -> list[tuple[str, str, str]]:
    """``(cell, old, new)`` for each difference between two values of one parameter: one for
    a scalar (cell ``""``), one per field of a record, one per merged key range of a table."""
    va = a.value if a is not None else None
    vb = b.value if b is not None else None
    if va == vb:
        return []
    if isinstance(va, Table) and isinstance(vb, Table):
        return _table_changes(va, vb)
    if isinstance(va, t.RecordValue) and isinstance(vb, t.RecordValue) and \
            isinstance(ty, t.RecordType):
        # Field by field: "発行者: 常陸大宮市長 → 五霞町長" reads better than two whole records.
        return [(f.name, shown_value(va.get(f.name), f.type), shown_value(vb.get(f.name), f.type))
                for f in ty.fields if va.get(f.name) != vb.get(f.name)]
    value_type = ty.value if isinstance(ty, t.TableType | t.ScaleType) else ty
    return [("", shown_value(va, value_type), shown_value(vb, value_type))]


def value_changes(
    dates: Iterable[dt.date], types: Mapping[str, t.Type],
    sides: Callable[[dt.date], tuple[Mapping[str, Resolved], Mapping[str, Resolved]]],
    *, provenance: bool = False,
) -> Iterator[Change]:
    """Each difference between two sides' values of the parameters in ``types``, as of each of
    the rising ``dates`` (``sides(on)`` gives both sides' values): reported on the first date
    it appears, not again while it persists, and anew if it comes back after being equal.
    ``provenance``: each change says where each side's value comes from."""
    last: dict[tuple[str, str], tuple[str, str]] = {}
    for on in dates:
        a, b = sides(on)
        for name, ty in types.items():
            ra, rb = a.get(name), b.get(name)
            found = compare_values(ty, ra, rb)
            for cell, old, new in found:
                if last.get((name, cell)) != (old, new):
                    yield Change(on, name, cell, old, new,
                                 _from(ra) if provenance else "", _from(rb) if provenance else "")
                    last[(name, cell)] = (old, new)
            seen_now = {cell for cell, _, _ in found}
            for key in [k for k in last if k[0] == name and k[1] not in seen_now]:
                del last[key]  # equal again: a later difference is reported anew


def _from(r: Resolved | None) -> str:
    return r.provenance if r is not None else ""


def diff_tenants(core: Core, left: Tenant, right: Tenant | None) -> DiffResult:
    """Differences from ``left`` to ``right`` (``None``: the core's defaults)."""
    dates = sorted(set(left.periods()) | set(right.periods() if right else []))
    if right is None:
        dates = sorted(set(dates) | {b.date for b in core.blocks if b.date >= dates[0]})
    def sides(on: dt.date) -> tuple[Mapping[str, Resolved], Mapping[str, Resolved]]:
        # Against the core, the core's default is the "before" and the town's value the
        # "after": what the town changed from the package as delivered.
        if right is None:
            return _values(core, None, on), _values(core, left, on)
        return _values(core, left, on), _values(core, right, on)

    types = {name: p.type for name, p in core.params.items() if not p.fixed}
    changes = list(value_changes(dates, types, sides, provenance=True))
    differing = {c.parameter for c in changes}
    settable = [n for n, p in core.params.items() if not p.fixed]
    final = _values(core, left, dates[-1])
    defaults = resolve(core, None, dates[-1])
    at_default = sum(1 for n in settable if n in final and n in defaults
                     and final[n].value == defaults[n].value)
    this = f"{left.check_result.path} ({left.name})"
    return DiffResult(
        this if right is not None else f"core {core.name} defaults",
        f"{right.check_result.path} ({right.name})" if right is not None else this,
        tuple(changes), len(settable), len(differing), at_default, left.name,
    )


def _values(core: Core, tenant: Tenant | None, on: dt.date) -> Mapping[str, Resolved]:
    if tenant is None:
        return resolve(core, None, on)
    if tenant.start is not None and on < tenant.start:
        return {}
    return tenant.values(on)


def _summary(d: DiffResult, lang: str) -> str:
    if lang == "ja":
        return (f"{d.parameters} 個のパラメータのうち {d.differing} 個が異なります"
                f"（{d.town}でコアの既定値のままのもの {d.at_default} 個）")
    return (f"{d.differing} of {d.parameters} parameters differ; {d.at_default} of "
            f"{d.town}'s values are the core's default")


def _tagged(value: str, source: str, lang: str) -> str:
    """A value with the prefecture line it comes from, where it comes from a prefecture's
    profile: ``1,000円 (prefecture prefectures/ibaraki.pcfg:19)``.  A town's own values and the
    core's are shown as they are (the heading names the two files)."""
    layer, _, where = source.partition(" ")
    if layer != "prefecture":
        return value
    return f"{value} ({'都道府県' if lang == 'ja' else 'prefecture'} {where})"


def localised(text: str, lang: str) -> str:
    """``(none)`` and ``(table)`` in the reader's language; a value as it is."""
    if lang == "ja":
        return {_MISSING: "（なし）", _TABLE: "（表）"}.get(text, text)
    return text


def markdown_cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell or on one Markdown line: control characters
    escaped by :func:`~paramcfg.diagnostics.printable` (a line break cannot end the row or start
    a heading), then ``\\``, ``|`` and every character that could start emphasis, code, HTML
    or an entity backslash-escaped, as is the ``](`` of a link and a leading ``#``, ``>``,
    ``+`` or ``-`` (a heading, a quote or a list after the ``- `` of a list item), so that a
    value shows as written."""
    out = printable(text).replace("\\", "\\\\")
    for ch in "|*_`<&~":
        out = out.replace(ch, "\\" + ch)
    out = out.replace("](", "\\](")
    return "\\" + out if out[:1] in ("#", ">", "+", "-") else out


def markdown_code(text: str) -> str:
    """``text`` as a Markdown code span: control characters escaped, and fenced with more
    backticks than any run of them inside, so that a backtick cannot end the span."""
    out = printable(text)
    run = max((len(r) for r in re.findall("`+", out)), default=0)
    fence = "`" * (run + 1)
    pad = " " if out.startswith("`") or out.endswith("`") else ""
    return f"{fence}{pad}{out}{pad}{fence}"


def render(d: DiffResult, fmt: str = "text", lang: str = "en") -> str:
    """The diff as ``text``, ``markdown`` or ``json``."""
    d = attrs.evolve(d, changes=tuple(
        attrs.evolve(c, old=localised(c.old, lang), new=localised(c.new, lang)) for c in d.changes))
    if fmt == "json":
        data: dict[str, Any] = {
            "left": d.left, "right": d.right, "equal": d.equal, "parameters": d.parameters,
            "differing": d.differing, "at_default": d.at_default,
            "changes": [{"from": c.date.isoformat(), "parameter": c.parameter, "cell": c.cell,
                         "old": c.old, "new": c.new, "old_from": c.old_from,
                         "new_from": c.new_from} for c in d.changes],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        head = "| 適用日 | パラメータ | セル | 変更前 | 変更後 |" if lang == "ja" else \
            "| from | parameter | cell | old | new |"
        lines = [f"**{markdown_cell(d.left)} → {markdown_cell(d.right)}**", "", head,
                 "|---|---|---|---|---|"]
        lines += [f"| {c.date} | {markdown_cell(c.parameter)} | {markdown_cell(c.cell)} | "
                  f"{markdown_cell(_tagged(c.old, c.old_from, lang))} | "
                  f"{markdown_cell(_tagged(c.new, c.new_from, lang))} |" for c in d.changes]
        lines += ["", markdown_cell(_summary(d, lang))]
        return "\n".join(lines) + "\n"
    lines = [f"{d.left} → {d.right}"]
    date = None
    for c in d.changes:
        if c.date != date:
            date = c.date
            lines.append(f"from {date}")
        where = f"[{c.cell}]" if c.cell else ""
        lines.append(f"  {c.parameter}{where}: {_tagged(c.old, c.old_from, lang)} → "
                     f"{_tagged(c.new, c.new_from, lang)}")
    lines.append(_summary(d, lang))
    return "\n".join(printable(line) for line in lines) + "\n"
