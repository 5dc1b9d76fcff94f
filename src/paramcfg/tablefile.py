"""Tables from Excel and CSV: a sheet's grid read into a profile's canonical grid syntax.

Council staff keep the ordinance's 別表 in Excel.  This module reads one table from an ``.xlsx``
sheet (openpyxl, an optional extra: ``pip install 'paramcfg[staff]'``) or a ``.csv`` file and
turns it into grid rows for one table parameter, matched against the core's axes by header text.
Nothing is guessed: a header, key or value that cannot be read exactly is a diagnostic at its
cell (``別表.xlsx:保育料!B7``), and the grid is not produced.

Values stay exact.  An Excel number is a binary float inside the file: a yen cell must hold an
exact integer, and a rate is taken by its shortest decimal form (``repr``), which must be what
the cell shows under its number format (``1.4%`` shown, 0.014 held).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final

import attrs

from paramcfg import types as t
from paramcfg.diagnostics import Diagnostic, Related, Severity
from paramcfg.fileio import write_atomic
from paramcfg.fmt import format_text
from paramcfg.sheets import (
    CellSpan,
    MissingExtraError,
    RawCell,
    Sheet,
    cell_ref,
    column_letters,
    parse_area,
    read_table_file,
)
from paramcfg.syntax import parse_text
from paramcfg.tables import fields_axis_type
from paramcfg.values import bracket_text, format_decimal, format_typed

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from paramcfg import model
    from paramcfg.engine import CoreResult

__all__ = [
    "CellSpan",
    "ImportResult",
    "ImportedGrid",
    "MissingExtraError",
    "Sheet",
    "cell_ref",
    "grid_from_sheet",
    "import_table",
    "ordinance_key",
    "parse_area",
    "read_table_file",
]


# ---- the grid ---------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Text compared loosely: NFKC (full-width digits and letters folded), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _text(cell: RawCell | None) -> str:
    if cell is None:
        return ""
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    return str(value)


def ordinance_key(low: object, high: object | None, key: t.Type, first: bool) -> str:
    """A bracket as an ordinance writes it: ``48,600円未満``, ``48,600円以上97,000円未満``,
    ``397,000円以上``."""
    lo = format_typed(low, key)
    if high is None:
        return f"{lo}以上"
    hi = format_typed(high, key)
    return f"{hi}未満" if first else f"{lo}以上{hi}未満"


@attrs.frozen
class ImportedGrid:
    """A table read from a sheet: grid rows in profile syntax and where each cell came from."""

    param: str
    lines: tuple[str, ...]
    #: per grid row (the header first), per cell: the sheet cell it was read from
    spans: tuple[tuple[CellSpan, ...], ...]
    area: str
    skipped_columns: tuple[str, ...] = ()


def _bad(code: str, span: CellSpan, **args: str) -> Diagnostic:
    return Diagnostic(code, span, args)


def _decimal_of(value: float) -> Decimal:
    # The shortest decimal that reads back as the same float: what the clerk typed, if the
    # clerk typed a decimal at all (never the float's full binary expansion).
    return Decimal(repr(value))


_PERCENT_DECIMALS: Final = re.compile(r"0(?:\.(0+))?%")


def _shown_decimals(number_format: str) -> int | None:
    """The decimals a percentage format shows (``0.0%`` → 1), None if it is not one."""
    m = _PERCENT_DECIMALS.search(number_format)
    if m is None:
        return None
    return len(m[1] or "")


def value_text(cell: RawCell, vt: t.Type, span: CellSpan) -> tuple[str | None, Diagnostic | None]:
    """A value cell in profile syntax, exactly, or the diagnostic that refuses it."""
    v = cell.value
    shown = _text(cell)
    if cell.formula:
        return None, _bad("PC0905", span, found=shown, expected=str(vt),
                          detail="a formula whose result the file does not hold",
                          detail_ja="結果が保存されていない数式です",
                          fix="open the book in Excel and save it (Excel stores each result)",
                          fix_ja="Excel で開いて保存し直してください（計算結果が保存されます）")
    if isinstance(v, bool):
        if isinstance(vt, t.BoolType):
            return ("true" if v else "false"), None
        return None, _wrong(span, shown, vt)
    if isinstance(v, dt.datetime | dt.date):
        if isinstance(vt, t.DateType):
            day = v.date() if isinstance(v, dt.datetime) else v
            return day.isoformat(), None
        return None, _wrong(span, shown, vt)
    if isinstance(vt, t.YenType | t.IntType):
        unit = "円" if isinstance(vt, t.YenType) else ""
        if isinstance(v, int):
            return f"{v:,}{unit}", None
        if isinstance(v, float):
            d = _decimal_of(v)
            if d != d.to_integral_value():
                return None, _inexact(span, shown, vt)
            return f"{int(d):,}{unit}", None
        s = _norm(shown)
        if unit:
            s = s.removesuffix("円")
        if re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})*|-?[0-9]+", s):
            return f"{int(s.replace(',', '')):,}{unit}", None
        if re.fullmatch(r"-?[0-9][0-9,]*\.[0-9]+", s):
            return None, _inexact(span, shown, vt)
        return None, _wrong(span, shown, vt)
    if isinstance(vt, t.RateType):
        if isinstance(v, int | float):
            d = Decimal(v) if isinstance(v, int) else _decimal_of(v)
            decimals = _shown_decimals(cell.number_format)
            if decimals is None:
                return None, _bad("PC0904", span, found=shown, expected=str(vt),
                                  detail="a number in a cell not formatted as a percentage",
                                  detail_ja="パーセント表示でないセルの数値です",
                                  fix="type the rate with %, e.g. 1.4% (a percentage cell)",
                                  fix_ja="率は 1.4% のように % を付けて入力してください")
            percent = d * 100
            if percent != percent.quantize(Decimal(1).scaleb(-decimals)) or len(
                    d.normalize().as_tuple().digits) > 15:  # float precision
                return None, _bad(
                    "PC0904", span, found=f"{format_decimal(percent)}%", expected=str(vt),
                    detail=f"the cell shows {decimals} decimal(s) of a percent but holds "
                           f"{format_decimal(percent)}%",
                    detail_ja=f"セルの表示は小数 {decimals} 桁ですが、値は "
                              f"{format_decimal(percent)}% です",
                    fix="type the rate itself (not a formula), shown with all its decimals",
                    fix_ja="数式ではなく率そのものを入力し、小数の桁をすべて表示してください")
            return f"{format_decimal(percent)}%", None
        s = _norm(shown)
        if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?%", s):
            return f"{format_decimal(Decimal(s[:-1]))}%", None
        return None, _wrong(span, shown, vt)
    if isinstance(vt, t.DecimalType):
        if isinstance(v, int):
            return f"{v:,}", None
        if isinstance(v, float):
            d = _decimal_of(v)
            if len(d.normalize().as_tuple().digits) > 15:  # float precision
                return None, _inexact(span, shown, vt)
            return format_decimal(d), None
        s = _norm(shown).replace(",", "")
        try:
            return format_decimal(Decimal(s)), None
        except InvalidOperation:
            return None, _wrong(span, shown, vt)
    if isinstance(vt, t.BoolType):
        s = _norm(shown).lower()
        if s in {"true", "false"}:
            return s, None
        return None, _wrong(span, shown, vt)
    if isinstance(vt, t.EnumType):
        for m in vt.members:
            if _norm(m) == _norm(shown):
                return m, None
        return None, _wrong(span, shown, vt)
    if isinstance(vt, t.TextType):
        return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"', None
    return None, _wrong(span, shown, vt)


def _inexact(span: CellSpan, shown: str, vt: t.Type) -> Diagnostic:
    return _bad("PC0904", span, found=shown, expected=str(vt),
                detail="not an exact whole amount", detail_ja="端数のある数値です",
                fix="type the whole amount in yen, with no decimals (and no formula that divides)",
                fix_ja="小数のない円の金額を入力してください（割り算の数式は使わないでください）")


def _wrong(span: CellSpan, shown: str, vt: t.Type) -> Diagnostic:
    from paramcfg.convert import _example  # noqa: PLC0415 - the checker's own example

    example = _example(vt)
    eg = "" if example in vt.name_en else f", e.g. {example}"
    eg_ja = "" if example in vt.name_ja else f"（例: {example}）"
    return _bad("PC0905", span, found=shown, expected=str(vt),
                detail=f"it is not {vt.name_en}", detail_ja=f"{vt.name_ja}ではありません",
                fix=f"type {vt.name_en} here{eg}", fix_ja=f"{vt.name_ja}を入力してください{eg_ja}")


def _header_text(parts: Iterable[str]) -> str:
    out: list[str] = []
    for p in parts:
        if p and (not out or out[-1] != p):
            out.append(p)
    return " ".join(out)


def grid_from_sheet(sheet: Sheet, param: model.Param, *, skip_rows: frozenset[int] = frozenset(),
                    area: tuple[int, int, int, int] | None = None,
                    ) -> tuple[ImportedGrid | None, list[Diagnostic]]:
    """The grid of ``param`` read from ``sheet`` (or its ``area``), skipping ``skip_rows``.

    The header row is the first row with a cell naming the table's first axis (``所得割額``);
    the table starts at that column and ends at the first empty row.  Columns left of it are
    labels (``第3階層``) and are not read.
    """
    ty = param.type
    assert isinstance(ty, t.TableType | t.ScaleType)  # noqa: S101 - callers check
    # A table of records: its fields are the last column axis (``| 合計所得金額 | 段階 | 乗率 |``),
    # each column read with its field's type.
    axes = fields_axis_type(ty).axes
    col_type: dict[int, t.Type] = {}
    r0_, c0_, r1_, c1_ = area or (1, 1, sheet.max_row, sheet.max_col)
    rows = [r for r in range(r0_, r1_ + 1) if r not in skip_rows]

    def text(r: int, c: int) -> str:
        return _text(sheet.get(r, c))

    first = _norm(axes[0].name)
    header_at = next(((r, c) for r in rows for c in range(c0_, c1_ + 1)
                      if _norm(text(r, c)) == first), None)
    if header_at is None:
        return None, [_bad("PC0902", sheet.span(r0_, c0_), found="", expected=axes[0].name,
                           detail=f"no cell names the table's first axis {axes[0].name}",
                           detail_ja=f"表の最初の軸「{axes[0].name}」の見出しのセルがありません",
                           fix=f"head the key column with {axes[0].name}",
                           fix_ja=f"キーの列の見出しを「{axes[0].name}」にしてください")]
    hr, kc = header_at
    skipped = tuple(f"{column_letters(c)}（{text(hr, c)}）" if text(hr, c) else column_letters(c)
                    for c in range(c0_, kc) if any(text(r, c) for r in rows))
    # Row axes: the header cells that name the axes in order; a bracket axis is always alone.
    n_row = 1
    if not axes[0].is_bracket:
        while n_row < len(ty.axes) and _norm(text(hr, kc + n_row)) == _norm(
                axes[n_row].name):
            n_row += 1
    col_axes = axes[n_row:]
    last_col = max((c for (r, c) in sheet.cells if r in rows and c <= c1_), default=kc)
    value_cols = [c for c in range(kc + n_row, last_col + 1)
                  if any(text(r, c) for r in rows if r >= hr)]
    # Header rows: as many as there are column axes, while the key cell is empty or repeats
    # the axis name (a header merged down).
    header_rows = [hr]
    later = [r for r in rows if r > hr]
    for r in later[: max(len(col_axes) - 1, 0)]:
        if text(r, kc) and _norm(text(r, kc)) != first:
            break
        header_rows.append(r)
    diags: list[Diagnostic] = []
    header_line = ["| " + " | ".join(a.name for a in axes[:n_row])]
    header_spans = [sheet.span(hr, kc + i) for i in range(n_row)]
    if col_axes:
        combos: dict[str, str] = {}
        combo_type: dict[str, t.Type] = {}
        import itertools  # noqa: PLC0415

        for combo in itertools.product(*(_members(a) for a in col_axes)):
            combos[_norm("".join(combo))] = " ".join(combo)
            last = col_axes[-1].key
            combo_type[" ".join(combo)] = (last.record.fields[last.members.index(combo[-1])].type
                                           if isinstance(last, t.FieldsKey) else ty.value)
        names = []
        for c in value_cols:
            head = _header_text(text(r, c) for r in header_rows)
            found = combos.get(_norm(head))
            span = sheet.span(header_rows[-1] if not text(hr, c) else hr, c)
            if found is None:
                diags.append(_bad(
                    "PC0902", span, found=head, expected=", ".join(combos.values()),
                    detail=f"the column header {head!r} names no column of {param.name}",
                    detail_ja=f"列の見出し「{head}」は「{param.name}」の列になりません",
                    fix=f"head each column with one of: {' / '.join(combos.values())}",
                    fix_ja=f"列の見出しは次のどれかにしてください: {' / '.join(combos.values())}"))
                continue
            names.append(found)
            col_type[c] = combo_type[found]
            header_spans.append(span)
        header_line.append(" | ".join(names))
    elif value_cols:
        header_line.append(text(hr, value_cols[0]) or param.name.rsplit(".", 1)[-1])
        header_spans.append(sheet.span(hr, value_cols[0]))
        if len(value_cols) > 1:
            c = value_cols[1]
            diags.append(_bad("PC0902", sheet.span(hr, c), found=text(hr, c), expected="",
                              detail=f"{param.name} has one value column; this is a second one",
                              detail_ja=f"「{param.name}」の値の列は一つです。これは二つ目の列です",
                              fix="remove the extra column, or select the table with --range",
                              fix_ja="余分な列を削除するか、--range で表の範囲を指定してください"))
    lines = [" | ".join(header_line) + " |"]
    spans: list[tuple[CellSpan, ...]] = [tuple(header_spans)]
    data_rows = [r for r in rows if r > header_rows[-1]]
    previous_high = "0円" if isinstance(axes[0].key, t.YenType) else "0"
    for r in data_rows:
        if not any(text(r, c) for c in range(kc, last_col + 1)):
            break  # the table ends at the first empty row
        cells: list[str] = []
        row_spans: list[CellSpan] = []
        for i, axis in enumerate(axes[:n_row]):
            span = sheet.span(r, kc + i)
            raw = text(r, kc + i)
            key = (bracket_text(raw, axis.key) if axis.is_bracket
                   else next((m for m in _members(axis) if _norm(m) == _norm(raw)), None))
            if key is None:
                diags.append(_key_problem(span, raw, axis, r))
                continue
            if axis.is_bracket:
                # `48,600円 ..< 97,000円` right after `< 48,600円` is written as the profiles
                # write it, `< 97,000円`; a bracket that does not start there stays explicit
                # (and the check reports the gap or overlap at this cell).
                low, sep, high = key.partition(" ..< ")
                if sep and low == previous_high:
                    key = f"< {high}"
                previous_high = high if sep else key.removeprefix("< ")
            cells.append(key)
            row_spans.append(span)
        for c in value_cols:
            span = sheet.span(r, c)
            cell = sheet.get(r, c)
            vt = col_type.get(c, ty.value)
            if cell is None:
                diags.append(_bad("PC0905", span, found="", expected=str(vt),
                                  detail="the cell is empty", detail_ja="セルが空です",
                                  fix="type the value of this cell", fix_ja="このセルの値を入力してください"))
                continue
            value, problem = value_text(cell, vt, span)
            if problem is not None:
                diags.append(problem)
                continue
            assert value is not None  # noqa: S101 - no problem, a value
            cells.append(value)
            row_spans.append(span)
        lines.append("| " + " | ".join(cells) + " |")
        spans.append(tuple(row_spans))
    if len(lines) == 1 and not diags:
        diags.append(_bad("PC0905", sheet.span(header_rows[-1] + 1, kc), found="",
                          expected=str(ty.value), detail="the table has no rows",
                          detail_ja="表に行がありません", fix="type the rows under the header",
                          fix_ja="見出しの下に行を入力してください"))
    last_row = data_rows[len(lines) - 2] if len(lines) > 1 else hr
    where = f"{cell_ref(hr, kc)}:{cell_ref(last_row, value_cols[-1] if value_cols else kc)}"
    if sheet.name:
        where = f"{sheet.name}!{where}"
    if diags:
        return None, diags
    return ImportedGrid(param.name, tuple(lines), tuple(spans), where, skipped), []


def _members(axis: t.Axis) -> tuple[str, ...]:
    assert isinstance(axis.key, t.EnumType)  # noqa: S101 - a category axis
    return axis.key.members


def _key_problem(span: CellSpan, raw: str, axis: t.Axis, row: int) -> Diagnostic:
    if axis.is_bracket:
        return _bad("PC0903", span, found=raw, axis=axis.name,
                    expected="48,600円未満 / 48,600円以上97,000円未満 / 397,000円以上",
                    fix=(f"write the bracket as the ordinance does (48,600円以上97,000円未満), or "
                         f"leave this row out with --skip-rows {row} if the package handles it by a "
                         "rule (生活保護世帯, 非課税世帯)"),
                    fix_ja=("区分は条例の書き方（48,600円以上97,000円未満）で書いてください。パッケージの"
                            "ルールが扱う行（生活保護世帯、非課税世帯など）なら --skip-rows "
                            f"{row} で読み飛ばしてください"))
    members = " / ".join(_members(axis))
    return _bad("PC0903", span, found=raw, axis=axis.name, expected=members,
                fix=f"write one of: {members}", fix_ja=f"次のどれかを書いてください: {members}")


# ---- into a profile -----------------------------------------------------------------------


@attrs.frozen
class ImportResult:
    """What an import produced: the new profile text (None if refused) and the findings."""

    text: str | None
    diagnostics: tuple[Diagnostic, ...]
    grid: ImportedGrid | None = None
    sources: dict[str, str] = attrs.field(factory=dict)

    @property
    def ok(self) -> bool:
        return self.text is not None and not any(
            d.level is Severity.ERROR for d in self.diagnostics)


def splice(text: str, path: str, name: str, date: dt.date, grid: Sequence[str]) -> str:
    """``text`` with ``name = grid`` set in the ``from date`` block: replacing the value set
    there, else added at the block's end, else in a new block placed in date order."""
    parsed = parse_text(text, path)
    lines = text.splitlines()
    from paramcfg import nodes as n  # noqa: PLC0415

    statements = parsed.file.statements
    blocks: list[tuple[dt.date | None, int, int]] = []  # date, first line, last line
    for s in statements:
        if isinstance(s, n.FromDecl):
            try:
                d = dt.date.fromisoformat(str(s.date.text))
            except ValueError:
                d = None
            blocks.append((d, s.span.line, s.span.end_line))
        elif blocks and isinstance(s, n.Assignment):
            d, first, _ = blocks[-1]
            blocks[-1] = (d, first, s.span.end_line)
    body = ["  " + name + " =", *("    " + g for g in grid)]
    for s in statements:
        if isinstance(s, n.Assignment) and s.name == name:
            owner = next((b for b in reversed(blocks) if b[1] <= s.span.line), None)
            if owner is not None and owner[0] == date:
                return _join([*lines[: s.span.line - 1], *body, *lines[s.span.end_line:]])
    for d, _, last in blocks:
        if d == date:
            return _join([*lines[:last], *body, *lines[last:]])
    later = next((b for b in blocks if b[0] is not None and b[0] > date), None)
    block = [f"from {date.isoformat()}", *body]
    if later is None:
        return _join([*lines, "", *block])
    at = later[1] - 1
    while at > 0 and lines[at - 1].lstrip().startswith("#"):
        at -= 1  # the new block goes above the comments that introduce the later one
    return _join([*lines[:at], *block, "", *lines[at:]])


def _join(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def import_table(sheet: Sheet, profile_path: str | Path, core: CoreResult, param_name: str,
                 date: dt.date, *, skip_rows: frozenset[int] = frozenset(),
                 area: tuple[int, int, int, int] | None = None,
                 profile_text: str | None = None) -> ImportResult:
    """Read ``param_name``'s grid from ``sheet`` and set it in the profile as of ``date``.

    Returns the new profile text, formatted as ``fmt`` lays it out, with the diagnostics of
    the import (at the sheet's cells) and of checking the new profile; a diagnostic about an
    imported cell is moved to that cell, with a note giving the profile line.  The text is
    None when the table could not be read (nothing to write).
    """
    from paramcfg.engine import check_profile_text  # noqa: PLC0415 - engine imports much
    from paramcfg.source import read_source  # noqa: PLC0415

    assert core.core is not None  # noqa: S101 - callers load a good core
    shown = str(profile_path)
    param = core.core.params[param_name]
    grid, diags = grid_from_sheet(sheet, param, skip_rows=skip_rows, area=area)
    if grid is None:
        return ImportResult(None, tuple(diags))
    if profile_text is None:
        src = read_source(profile_path, display_path=shown)
        if not src.ok:
            return ImportResult(None, (*diags, *src.diagnostics), grid)
        profile_text = src.text
    broken = [d for d in parse_text(profile_text, shown).diagnostics
              if d.level is Severity.ERROR]
    if broken:  # the profile's own errors first, at its own lines: nothing is spliced
        return ImportResult(None, tuple(broken), grid, {shown: profile_text})
    spliced = splice(profile_text, shown, param_name, date, grid.lines)
    formatted = format_text(spliced, shown)
    if not formatted.ok:
        return ImportResult(None, formatted.diagnostics, grid)
    checked = check_profile_text(formatted.text, core, shown)
    out: list[Diagnostic] = []
    lines = formatted.text.splitlines()
    head = _grid_line(checked.profile, param_name, date, lines)
    for d in checked.diagnostics:
        moved = _to_cell(d, head, lines, grid) if head is not None else None
        out.append(moved or d)
    return ImportResult(formatted.text, tuple(out), grid, dict(checked.sources))


def _grid_line(profile: model.Profile | None, name: str, date: dt.date,
               lines: Sequence[str]) -> int | None:
    """The line of the grid's header row of ``name`` in the ``from date`` block."""
    if profile is None:
        return None
    for b in profile.blocks:
        if b.date == date:
            a = b.get(name)
            if a is None:
                return None
            return next((i for i in range(a.span.line, len(lines) + 1)
                         if lines[i - 1].lstrip().startswith("|")), None)
    return None


def _to_cell(d: Diagnostic, head: int, lines: list[str], grid: ImportedGrid) -> Diagnostic | None:
    i = d.span.line - head
    if not 0 <= i < len(grid.spans) or d.span.line > len(lines):
        return None
    j = lines[d.span.line - 1][: d.span.col - 1].count("|") - 1
    row = grid.spans[i]
    if not 0 <= j < len(row):
        return None
    note = Related(d.span, "written to the profile here", "プロファイルのこの行に書き込みました")
    return attrs.evolve(d, span=row[j], related=(*d.related, note))


def write_profile(path: str | Path, text: str) -> None:
    write_atomic(path, text)
