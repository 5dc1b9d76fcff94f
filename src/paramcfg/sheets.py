"""Sheets from Excel and CSV: the cells of one ``.xlsx`` sheet or ``.csv`` file, as read.

The first half of the staff tools' import (:mod:`paramcfg.tablefile` turns a sheet into a
profile's grid).  openpyxl is an optional extra (``pip install 'paramcfg[staff]'``), imported
only when an ``.xlsx`` file is read; a missing extra is :class:`MissingExtraError`, never a
traceback.  A cell is located as Excel names it (``別表.xlsx:保育料!B7``).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any, Final

import attrs

from paramcfg.diagnostics import Diagnostic, Span

__all__ = [
    "EXTRA_HINT",
    "CellSpan",
    "MissingExtraError",
    "RawCell",
    "Sheet",
    "cell_ref",
    "column_letters",
    "parse_area",
    "read_table_file",
]

#: What to install for the Excel and report features.
EXTRA_HINT: Final = "pip install 'paramcfg[staff]'"


class MissingExtraError(ImportError):
    """An optional dependency of the staff tools is not installed."""

    def __init__(self, package: str) -> None:
        super().__init__(f"{package} is not installed; install the staff tools with: {EXTRA_HINT}")
        self.package = package

    def message(self, lang: str) -> str:
        if lang == "ja":
            return (f"{self.package} がインストールされていません。次のコマンドで職員向けの機能を"
                    f"入れてください: {EXTRA_HINT}")
        return str(self)


@attrs.define(slots=True, unsafe_hash=True)
class CellSpan(Span):
    """A cell of a spreadsheet: shown as ``別表.xlsx:Sheet1!B7`` (``別表.csv:B7``).

    ``line`` and ``col`` are the cell's row and column (1-based), so that diagnostics sort by
    position and JSON output still has numbers.
    """

    cell: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.cell}"


def column_letters(col: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


_REF: Final = re.compile(r"^([A-Za-z]{1,3})([1-9][0-9]{0,6})$")


def _parse_ref(text: str) -> tuple[int, int] | None:
    m = _REF.match(text.strip())
    if m is None:
        return None
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - ord("A") + 1
    return int(m[2]), col


def parse_area(text: str) -> tuple[int, int, int, int] | None:
    """``B1:F11`` → (first row, first col, last row, last col); None if it is not a range."""
    parts = text.split(":")
    if len(parts) != 2:
        return None
    a, b = _parse_ref(parts[0]), _parse_ref(parts[1])
    if a is None or b is None:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


@attrs.frozen
class RawCell:
    """One non-empty cell as the file holds it."""

    value: object  # str, int, float, bool, datetime; never None
    number_format: str = "General"
    #: a formula whose result the file does not hold (saved by a program that does not compute)
    formula: bool = False


@attrs.frozen
class Sheet:
    """The cells of one sheet (or CSV file), by (row, column), merged ranges filled in."""

    file: str
    name: str | None
    cells: dict[tuple[int, int], RawCell]
    max_row: int
    max_col: int

    def span(self, row: int, col: int) -> CellSpan:
        ref = cell_ref(row, col)
        return CellSpan(self.file, row, col, row, col + 1, cell=f"{self.name}!{ref}" if self.name
                        else ref)

    def get(self, row: int, col: int) -> RawCell | None:
        return self.cells.get((row, col))


def _unreadable(file: str, en: str, ja: str, fix: str, fix_ja: str) -> Diagnostic:
    return Diagnostic("PC0901", Span.point(file), {"detail": en, "detail_ja": ja, "fix": fix,
                                                   "fix_ja": fix_ja})


def read_table_file(path: str | Path, sheet: str | None = None
                    ) -> tuple[Sheet | None, list[Diagnostic]]:
    """Read ``path`` (``.xlsx`` or ``.csv``): its cells, or diagnostics saying why not.

    :raises MissingExtraError: an ``.xlsx`` file and openpyxl is not installed.
    """
    p = Path(path)
    shown = str(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return _read_csv(p, shown)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(p, shown, sheet)
    return None, [_unreadable(
        shown, f"{p.suffix or 'a file without extension'} is not a table file paramcfg reads",
        f"{p.suffix or '拡張子のないファイル'} は読める表のファイルではありません",
        "save the table as .xlsx (Excel book) or .csv",
        "表を .xlsx（Excel ブック）か .csv で保存してください")]


def _read_csv(p: Path, shown: str) -> tuple[Sheet | None, list[Diagnostic]]:
    try:
        data = p.read_bytes()
    except OSError as exc:
        return None, [_unreadable(shown, f"cannot read it: {exc.strerror or exc}",
                                  f"読み込めません: {exc.strerror or exc}",
                                  "check the path", "パスを確認してください")]
    # Excel on Japanese Windows saves "CSV" in Shift_JIS (cp932); "CSV UTF-8" with a BOM.
    # A NUL byte is UTF-16 ("Unicode text"), which cp932 would decode into nonsense.
    for encoding in ("utf-8-sig", "cp932") if b"\x00" not in data else ():
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None, [_unreadable(shown, "the file is neither UTF-8 nor Shift_JIS (cp932)",
                                  "UTF-8 でも Shift_JIS（cp932）でもありません",
                                  "save it from Excel as CSV UTF-8",
                                  "Excel で「CSV UTF-8」として保存し直してください")]
    cells: dict[tuple[int, int], RawCell] = {}
    max_row = max_col = 0
    for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        for c, value in enumerate(row, start=1):
            if value.strip():
                cells[r, c] = RawCell(value)
                max_row, max_col = max(max_row, r), max(max_col, c)
    return Sheet(shown, None, cells, max_row, max_col), []


def _openpyxl() -> Any:  # noqa: ANN401 - an optional module
    try:
        import openpyxl  # noqa: PLC0415 - optional extra, imported when used
    except ImportError as exc:
        raise MissingExtraError("openpyxl") from exc
    return openpyxl


def _read_xlsx(p: Path, shown: str, sheet: str | None) -> tuple[Sheet | None, list[Diagnostic]]:
    openpyxl = _openpyxl()
    import zipfile  # noqa: PLC0415

    try:
        # data_only: a formula cell gives the result Excel saved with it, never the formula.
        book = openpyxl.load_workbook(p, data_only=True)
        formulas = openpyxl.load_workbook(p, data_only=False)
    except OSError as exc:
        return None, [_unreadable(shown, f"cannot read it: {exc.strerror or exc}",
                                  f"読み込めません: {exc.strerror or exc}",
                                  "check the path", "パスを確認してください")]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        return None, [_unreadable(shown, f"it is not an Excel book ({type(exc).__name__})",
                                  f"Excel ブックとして読めません（{type(exc).__name__}）",
                                  "open it in Excel and save it again as .xlsx",
                                  "Excel で開き、.xlsx として保存し直してください")]
    names = list(book.sheetnames)
    if sheet is None:
        sheet = names[0]
    if sheet not in names:
        listed = "、".join(names)
        return None, [_unreadable(shown, f"it has no sheet {sheet!r} (sheets: {', '.join(names)})",
                                  f"シート「{sheet}」がありません（シート: {listed}）",
                                  "give --sheet one of the sheets listed",
                                  "--sheet に上のどれかのシート名を指定してください")]
    ws, wf = book[sheet], formulas[sheet]
    cells: dict[tuple[int, int], RawCell] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                raw = wf.cell(cell.row, cell.column).value
                if isinstance(raw, str) and raw.startswith("="):
                    cells[cell.row, cell.column] = RawCell(raw, "General", formula=True)
                continue
            cells[cell.row, cell.column] = RawCell(cell.value, cell.number_format or "General")
    # A merged range holds its value in its top-left cell: every cell of it reads that value,
    # so that a header merged over two columns names both.
    for rng in ws.merged_cells.ranges:
        top = cells.get((rng.min_row, rng.min_col))
        if top is None:
            continue
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                cells.setdefault((r, c), top)
    max_row = max((r for r, _ in cells), default=0)
    max_col = max((c for _, c in cells), default=0)
    return Sheet(shown, sheet, cells, max_row, max_col), []
