"""The report page: one self-contained HTML file per town, for council staff (issue 16).

It shows the town, its core and version, each business area's parameters (value, label, legal
basis, the profile line each came from), every table as a grid, for each fee table with a
ceiling a step chart (one per column, the ceiling beside it, cells above it marked), the
diagnostics of ``check`` beside the values they concern and, optionally, what differs from a
neighbour or from the core's defaults.

The page needs no network and no script: inline CSS and SVG only, a Content-Security-Policy
that forbids everything else, so that it opens from a USB stick on a closed network (LGWAN)
and prints for a 決裁.  It is rendered with Jinja2 (an optional extra) with autoescaping on,
and every text that comes from a file also goes through :func:`printable` first, so that a
bidirectional control or a line break in a name shows as ``\\u202e`` instead of acting.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from paramcfg import model
from paramcfg import types as t
from paramcfg.diagnostics import Diagnostic, Severity, printable
from paramcfg.diff import compare_values
from paramcfg.engine import CheckResult, CoreResult
from paramcfg.tablefile import MissingExtraError, ordinance_key
from paramcfg.tables import Table
from paramcfg.values import format_typed

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


__all__ = ["ReportInput", "render_report"]

TEMPLATES: Final = Path(__file__).resolve().parent / "templates"


@attrs.frozen
class ReportInput:
    """One town to report on, as of a date; ``against`` is a neighbour (or None)."""

    core: CoreResult
    checked: CheckResult
    on: dt.date
    against: CheckResult | None = None
    against_core_defaults: bool = False


def _s(value: object) -> str:
    return printable(value)


def _area(name: str) -> str:
    return name.split(".", 1)[0]


def _line_of(span: object) -> str:
    if span is None:
        return ""
    return _s(f"{span.file}:{span.line}")  # type: ignore[attr-defined]


def _members(axis: t.Axis) -> tuple[str, ...]:
    assert isinstance(axis.key, t.EnumType)  # noqa: S101 - a category axis
    return axis.key.members


def _column_headers(col_axes: Sequence[t.Axis]) -> list[list[tuple[str, int]]]:
    """Header rows over the value columns: level k groups the columns by their first k+1
    members (``3号`` over ``標準`` and ``短時間``)."""
    import itertools  # noqa: PLC0415

    combos = list(itertools.product(*(_members(a) for a in col_axes)))
    levels: list[list[tuple[str, int]]] = []
    for k in range(len(col_axes)):
        row: list[tuple[str, int]] = []
        depth = k + 1
        for prefix, group in itertools.groupby(combos, key=lambda c: c[:depth]):
            row.append((_s(prefix[-1]), len(list(group))))
        levels.append(row)
    return levels


def _table_view(name: str, table: Table, flags: Mapping[int, list[str]]) -> dict[str, Any]:
    """A table as header rows and body rows of display text, with each cell's flags."""
    axes = table.axes
    bracket = axes[0].is_bracket
    n_row = 1 if bracket else len(axes) - (1 if len(axes) > 1 else 0)
    if not bracket and len(axes) == 1:
        n_row = 1
    col_axes = axes[n_row:]
    sizes = table._sizes()  # noqa: SLF001 - the table's own shape
    n_cols = 1
    for s in sizes[n_row:]:
        n_cols *= s
    rows = []
    for r_index in range(len(table.cells) // n_cols):
        keys = []
        rest = r_index
        idx: list[int] = []
        for size in reversed(sizes[:n_row]):
            idx.insert(0, rest % size)
            rest //= size
        for axis, i in zip(axes[:n_row], idx, strict=True):
            if axis.is_bracket:
                assert table.brackets is not None  # noqa: S101 - a bracket axis
                keys.append(_s(ordinance_key(table.brackets.lows[i], table.brackets.highs[i],
                                             axis.key, i == 0)))
            else:
                keys.append(_s(_members(axis)[i]))
        cells = []
        for c in range(n_cols):
            flat = r_index * n_cols + c
            cells.append({"text": _s(format_typed(table.cells[flat], table.cell_type(flat))),
                          "notes": flags.get(flat, []),
                          "over": any(n.startswith("PC0507") for n in flags.get(flat, []))})
        rows.append({"keys": keys, "cells": cells})
    return {
        "name": _s(name),
        "row_axes": [_s(a.name) for a in axes[:n_row]],
        "levels": _column_headers(col_axes) if col_axes else [[(_s(name.rsplit(".", 1)[-1]), 1)]],
        "rows": rows,
    }


# ---- the step chart ---------------------------------------------------------------------------

_W: Final = 420
_H: Final = 250
_LEFT: Final = 64
_RIGHT: Final = 12
_TOP: Final = 14
_BOTTOM: Final = 34


def _steps(table: Table, column: int, n_cols: int, x_end: Decimal) -> list[tuple[Decimal, Decimal,
                                                                                 Decimal]]:
    assert table.brackets is not None  # noqa: S101 - a bracket table
    out = []
    for i, (low, high) in enumerate(zip(table.brackets.lows, table.brackets.highs, strict=True)):
        value = table.cells[i * n_cols + column]
        out.append((Decimal(low), Decimal(high) if high is not None else x_end, Decimal(value)))
    return out


def _nice_step(span: Decimal) -> Decimal:
    """A round grid step giving 4 to 10 lines over ``span``."""
    step = Decimal(1)
    while span / step > 10:
        for factor in (2, Decimal("2.5"), 2):
            step *= factor
            if span / step <= 10:
                break
    return step


def _chart(name: str, bound_name: str, table: Table, bound: Table, column: int, label: str,
           over: set[int]) -> dict[str, Any]:
    assert table.brackets is not None  # noqa: S101 - callers check
    assert bound.brackets is not None  # noqa: S101
    n_cols = len(table.cells) // len(table.brackets.lows)
    last = max(table.brackets.lows[-1], bound.brackets.lows[-1])
    x_end = Decimal(last) + max(Decimal(last) / 4, Decimal(1))
    fee = _steps(table, column, n_cols, x_end)
    cap = _steps(bound, column, len(bound.cells) // len(bound.brackets.lows), x_end)
    y_max = max(v for _, _, v in fee + cap)
    y_step = _nice_step(y_max)
    y_top = (y_max // y_step + 1) * y_step
    x_step = _nice_step(x_end)
    plot_w = Decimal(_W - _LEFT - _RIGHT)
    plot_h = Decimal(_H - _TOP - _BOTTOM)

    def x(v: Decimal) -> str:
        return f"{_LEFT + v * plot_w / x_end:.1f}"

    def y(v: Decimal) -> str:
        return f"{_TOP + plot_h - v * plot_h / y_top:.1f}"

    def path(steps: list[tuple[Decimal, Decimal, Decimal]]) -> str:
        points = []
        for lo, hi, v in steps:
            points += [f"{x(lo)},{y(v)}", f"{x(hi)},{y(v)}"]
        return " ".join(points)

    yen = t.YenType()
    return {
        "title": _s(label),
        "width": _W, "height": _H, "left": _LEFT, "top": _TOP,
        "right": _W - _RIGHT, "bottom": _H - _BOTTOM,
        "fee_path": path(fee), "cap_path": path(cap),
        "steps": [{"x1": x(lo), "x2": x(hi), "y": y(v), "over": i in over,
                   "mx": f"{(Decimal(x(lo)) + Decimal(x(hi))) / 2:.1f}",
                   "text": _s(f"{format_typed(int(v), yen)}")}
                  for i, (lo, hi, v) in enumerate(fee)],
        "cap_steps": [{"x1": x(lo), "x2": x(hi), "y": y(v)} for lo, hi, v in cap],
        "x_ticks": [{"x": x(v), "text": _s(f"{int(v) // 10_000:,}万")}
                    for v in _range(Decimal(0), x_end, x_step)],
        "y_ticks": [{"y": y(v), "text": _s(f"{int(v):,}")} for v in _range(Decimal(0), y_top,
                                                                        y_step)],
        "name": _s(name), "bound_name": _s(bound_name),
    }


def _range(start: Decimal, stop: Decimal, step: Decimal) -> list[Decimal]:
    out = []
    v = start
    while v <= stop:
        out.append(v)
        v += step
    return out


# ---- the page ---------------------------------------------------------------------------------


def _diag_text(d: Diagnostic) -> str:
    level = d.level.label("ja")
    return _s(f"{level}[{d.code}] {d.message('ja')} — {d.hint('ja')}")


def _ceiling(param: model.Param, params: Mapping[str, model.Param]) -> str | None:
    """The table parameter this table must stay under (``max 保育料.国基準``), if any."""
    from paramcfg import nodes as n  # noqa: PLC0415

    for c in param.constraints:
        if c.kind == "max" and isinstance(c.expr, n.Ref) and c.expr.name in params:
            other = params[c.expr.name]
            if isinstance(other.type, t.TableType) and any(a.is_bracket for a in other.type.axes):
                return c.expr.name
    return None


def page_data(inp: ReportInput) -> dict[str, Any]:
    """Everything the template shows, as display strings (already made printable)."""
    core = inp.core.core
    profile = inp.checked.profile
    assert core is not None  # noqa: S101 - callers load a good core
    values = model.resolve(core, profile, inp.on)
    other: Mapping[str, model.Resolved] | None = None
    if inp.against is not None:
        other = model.resolve(core, inp.against.profile, inp.on)
    elif inp.against_core_defaults:
        other = model.resolve(core, None, inp.on)
    diags = list(inp.checked.diagnostics)
    used: set[int] = set()
    areas: dict[str, list[dict[str, Any]]] = {}
    charts: list[dict[str, Any]] = []
    for name, param in core.params.items():
        resolved = values.get(name)
        if resolved is None or (param.fixed and resolved.origin != "profile" and not _ceiling_of(
                name, core.params)):
            continue
        mine: list[str] = []
        cell_flags: dict[int, list[str]] = {}
        lines = _lines_of(resolved)
        # A table of records is shown with its fields as columns (each cell one field).
        value = resolved.value.by_field() if isinstance(resolved.value, Table) else resolved.value
        for i, d in enumerate(diags):
            if resolved.origin == "profile" and d.span.file == inp.checked.path and \
                    lines[0] <= d.span.line <= lines[1]:
                used.add(i)
                flat = _cell_of(value, d)
                if flat is not None:
                    cell_flags.setdefault(flat, []).append(f"{d.code} {_diag_text(d)}")
                mine.append(_diag_text(d))
        entry: dict[str, Any] = {
            "name": _s(name), "label": _s(param.label or ""), "basis": _s(param.basis or ""),
            "origin": (_line_of(resolved.span) if resolved.origin == "profile"
                       else f"都道府県 {_line_of(resolved.span)}" if resolved.origin == "prefecture"
                       else "コアの既定値" if resolved.origin == "default" else "コアの定め"),
            "from_profile": resolved.origin == "profile",
            "since": resolved.since.isoformat() if resolved.since else "",
            "diagnostics": mine, "table": None, "value": "", "differs": [],
        }
        if isinstance(value, Table):
            entry["table"] = _table_view(name, value, cell_flags)
        else:
            entry["value"] = _s(format_typed(value, param.type))
        if other is not None:
            entry["differs"] = [
                {"cell": _s(cell), "theirs": _s(b), "mine": _s(a)}
                for cell, b, a in compare_values(param.type, other.get(name), resolved)]
        areas.setdefault(_s(_area(name)), []).append(entry)
        bound_name = _ceiling(param, core.params)
        bound = values.get(bound_name) if bound_name else None
        if bound_name and bound is not None and isinstance(value, Table) and \
                isinstance(bound.value, Table) and value.brackets is not None:
            over = {flat for flat, notes in cell_flags.items()
                    if any(n.startswith("PC0507") for n in notes)}
            n_cols = len(value.cells) // len(value.brackets.lows)
            ceiling = bound.value.by_field()
            assert ceiling.brackets is not None  # noqa: S101 - a bracket table (_ceiling)
            for column in range(n_cols):
                if not isinstance(value.cell_type(column), t.YenType | t.IntType | t.DecimalType
                                  | t.RateType) or len(ceiling.cells) != len(
                                      ceiling.brackets.lows) * n_cols:
                    # A field with no steps to draw (text, a member, a date), or a ceiling whose
                    # columns are not the table's (a table of yen over a table of records).
                    continue
                idx = next(i for i, flat in value.positions() if flat == column)
                label = value.cell_label(idx)[0]
                rows_over = {flat // n_cols for flat in over if flat % n_cols == column}
                charts.append(_chart(name, bound_name, value, ceiling, column, label,
                                     rows_over))
    loose = [_diag_text(d) for i, d in enumerate(diags) if i not in used]
    errors = sum(d.level is Severity.ERROR for d in diags)
    return {
        "tenant": _s(profile.name if profile else inp.checked.path),
        "code": _s(profile.code if profile else ""),
        "core": _s(core.name), "version": _s(core.version_text),
        "horizon": core.horizon.isoformat() if core.horizon else "",
        "path": _s(inp.checked.path), "on": inp.on.isoformat(),
        "periods": [b.date.isoformat() for b in (profile.blocks if profile else ())],
        "areas": areas, "charts": charts, "loose": loose,
        "errors": errors, "warnings": sum(d.level is Severity.WARNING for d in diags),
        "against": (_s(inp.against.profile.name if inp.against and inp.against.profile else "")
                    or ("コアの既定値" if inp.against_core_defaults else "")),
    }


def _ceiling_of(name: str, params: Mapping[str, model.Param]) -> bool:
    """Whether ``name`` is some table's ceiling (shown although the town cannot change it)."""
    return any(_ceiling(p, params) == name for p in params.values())


def _lines_of(resolved: model.Resolved) -> tuple[int, int]:
    if resolved.span is None:
        return (0, -1)
    last = resolved.span.end_line
    if isinstance(resolved.value, Table):
        last = max([last, *(s.end_line for s in resolved.value.cell_spans)])
    return resolved.span.line, last


def _cell_of(value: object, d: Diagnostic) -> int | None:
    if not isinstance(value, Table):
        return None
    for flat, span in enumerate(value.cell_spans):
        if span.line == d.span.line and span.col == d.span.col:
            return flat
    return None


def _environment() -> Any:  # noqa: ANN401 - an optional module's class
    try:
        import jinja2  # noqa: PLC0415 - optional extra, imported when used
    except ImportError as exc:
        raise MissingExtraError("jinja2") from exc
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


_ENV: list[Any] = []


def render_report(inp: ReportInput) -> str:
    """The report page of one town as HTML text.

    :raises MissingExtraError: Jinja2 is not installed.
    """
    if not _ENV:
        _ENV.append(_environment())
    template = _ENV[0].get_template("report.html.j2")
    return str(template.render(**page_data(inp)))
