"""Households from a file, and a batch in worker processes (``paramcfg batch``, issue 15).

:func:`read_households` reads a ``.csv``, ``.jsonl`` or ``.parquet`` file into columns of exact
input values, each unreadable row kept with its line and reason; :func:`run_batch` runs
:func:`paramcfg.columnar.evaluate_columns` over them in chunks, in worker processes if asked
(a :class:`~paramcfg.engine.Tenant` pickles as its checked core and profile).
"""

from __future__ import annotations

import concurrent.futures
import csv
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from paramcfg import types as t
from paramcfg import values as v
from paramcfg.batch import MISSING, RowError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Iterator

    from paramcfg.columnar import ColumnResult
    from paramcfg.engine import Tenant

__all__ = ["Households", "Rejected", "read_households", "run_batch"]

#: An empty cell: the input is not given.
MISSING_CELL: Final = MISSING


@attrs.frozen
class Rejected:
    """A row that gave no result: where it is (``line`` of the file, from 1), what it held,
    and why (English and Japanese)."""

    line: int
    fields: Mapping[str, object]
    reason: str
    reason_ja: str

    def message(self, lang: str = "en") -> str:
        return self.reason_ja if lang == "ja" else self.reason


@attrs.define
class Households:
    """The rows of an input file: the exact inputs of the rows that could be read, as columns,
    and the rows that could not (with their reason)."""

    path: str
    columns: dict[str, list[object]]
    lines: list[int]                  # the file line of each readable row
    fields: list[Mapping[str, object]]  # each readable row as it was read
    rejected: list[Rejected]
    names: list[str]                  # the file's column names, in order


def read_households(path: str, types: Mapping[str, t.Type]) -> Households:
    """Read ``path`` (``.csv`` with a header row, ``.jsonl`` one JSON object per line, or
    ``.parquet`` with pyarrow installed) into columns of exact values of ``types`` (the
    inputs the rule needs).  A value that cannot be read rejects its row, located, and reading
    goes on; a cell left empty is an input not given.

    :raises OSError: the file cannot be read.
    :raises ValueError: the file's format is not known, or its header lacks an input.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        return _read_parquet(path, types)
    if suffix not in {".csv", ".jsonl"}:
        raise ValueError(f"{path}: the inputs must be a .csv, .jsonl or .parquet file")
    out = Households(path, {name: [] for name in types}, [], [], [], [])  # names: for the header
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        read = list(_csv_records(f, out) if suffix == ".csv" else _jsonl_records(f, out))
    lines = [line for line, _ in read]
    records = [record for _, record in read]
    failed: dict[int, Rejected] = {}  # a row's first unreadable value, by the inputs' order
    for name, ty in types.items():
        column = [record.get(name, MISSING_CELL) for record in records]
        out.columns[name] = _convert(column, ty, name, failed, path, lines, records)
    if failed:
        keep = [i for i in range(len(records)) if i not in failed]
        out.columns = {name: [column[i] for i in keep] for name, column in out.columns.items()}
        lines = [lines[i] for i in keep]
        records = [records[i] for i in keep]
        out.rejected = sorted([*out.rejected, *failed.values()], key=lambda r: r.line)
    out.lines, out.fields = lines, list(records)
    return out


def _convert(column: list[object], ty: t.Type, name: str, failed: dict[int, Rejected],
             path: str, lines: list[int], records: list[dict[str, object]]) -> list[object]:
    """A column's cells as exact values of ``ty``, a column at a time where every cell is
    plain (ASCII digits, ``true``/``false``, text); else cell by cell, each unreadable cell
    rejecting its row."""
    if column and set(map(type, column)) == {str}:
        texts: list[str] = column  # type: ignore[assignment]
        if isinstance(ty, t.YenType | t.IntType):
            joined = "".join(texts)
            if joined.isascii() and joined.isdigit() and min(map(len, texts)) > 0 \
                    and max(map(len, texts)) < 19:
                return list(map(int, texts))
        elif isinstance(ty, t.BoolType):
            if set(column) <= {"true", "false"}:
                return list(map("true".__eq__, column))
        elif isinstance(ty, t.EnumType | t.TextType) and "" not in column:
            # Given as it is: a wrong member is the rule's error (with its place), as for eval.
            return column
    conv = _converter(ty)
    out: list[object] = []
    for i, raw in enumerate(column):
        try:
            out.append(MISSING_CELL if raw is MISSING_CELL or raw == "" else conv(raw))
        except (ValueError, ArithmeticError) as exc:
            out.append(MISSING_CELL)
            if i not in failed:
                failed[i] = _unreadable(path, lines[i], records[i], name, raw, ty, exc)
    return out


def _csv_records(f: Any, out: Households) -> Iterator[tuple[int, dict[str, object]]]:  # noqa: ANN401
    reader = csv.reader(f)
    header = next(reader, None)
    if header is None:
        raise ValueError(f"{out.path}: the file is empty; its first line must name the columns")
    out.names = [h.strip() for h in header]
    missing = [name for name in out.columns if name not in out.names]
    if missing:
        raise ValueError(f"{out.path}:1: no column {', '.join(missing)} (the rule needs it)")
    for cells in reader:
        if not cells:
            continue
        record: dict[str, object] = dict(zip(out.names, cells, strict=False))
        if len(cells) != len(out.names):
            line = reader.line_num
            out.rejected.append(Rejected(
                line, record,
                f"{out.path}:{line}: {len(cells)} fields, but the header names "
                f"{len(out.names)}; correct this row",
                f"{out.path}:{line}: 項目が {len(cells)} 個ありますが、見出しは {len(out.names)} 個です。"
                "この行を直してください"))
            continue
        yield reader.line_num, record


def _jsonl_records(f: Any, out: Households) -> Iterator[tuple[int, dict[str, object]]]:  # noqa: ANN401
    names: dict[str, None] = {}
    for line, text in enumerate(f, 1):
        if not text.strip():
            continue
        try:
            record = json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            out.rejected.append(Rejected(line, {"text": text.rstrip("\n")},
                                         f"{out.path}:{line}: not a JSON object: {exc}",
                                         f"{out.path}:{line}: JSON のオブジェクトではありません: {exc}"))
            continue
        if not isinstance(record, dict):
            out.rejected.append(Rejected(line, {"text": text.rstrip("\n")},
                                         f"{out.path}:{line}: not a JSON object {{…}}",
                                         f"{out.path}:{line}: JSON のオブジェクト {{…}} ではありません"))
            continue
        names.update(dict.fromkeys(record))
        yield line, record
    out.names = list(names)


def _read_parquet(path: str, types: Mapping[str, t.Type]) -> Households:
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415
    except ImportError:
        raise ValueError(f"{path}: reading .parquet needs pyarrow (pip install "
                         "'paramcfg[batch]')") from None
    from paramcfg.columnar import as_columns  # noqa: PLC0415

    table = pq.read_table(path)
    missing = [name for name in types if name not in table.column_names]
    if missing:
        raise ValueError(f"{path}: no column {', '.join(missing)} (the rule needs it)")
    columns, n = as_columns(table)
    fields: list[Mapping[str, object]] = [
        dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    return Households(path, {name: columns[name] for name in types}, list(range(1, n + 1)),
                      fields, [], list(columns))


def _converter(ty: t.Type) -> Callable[[object], object]:
    from paramcfg.export import parse_input  # noqa: PLC0415 - cattrs is imported late

    def general(raw: object) -> object:
        return parse_input(raw, ty)

    if isinstance(ty, t.YenType | t.IntType):
        def whole(raw: object) -> object:
            if type(raw) is str and raw.isascii() and raw.isdigit() and len(raw) < 19:
                return int(raw)
            if type(raw) is int:
                return raw
            return parse_input(raw, ty)
        return whole
    if isinstance(ty, t.EnumType | t.TextType):
        # Given as it is: a wrong member is the rule's error (with its place), as for `eval`.
        return lambda raw: raw if type(raw) is str else parse_input(raw, ty)
    if isinstance(ty, t.BoolType):
        return lambda raw: raw == "true" if raw in ("true", "false") else parse_input(raw, ty)
    return general


def _unreadable(path: str, line: int, record: Mapping[str, object], name: str, raw: object,
                ty: t.Type, exc: Exception) -> Rejected:
    why = f" ({exc})" if isinstance(exc, v.TooManyDigitsError) else ""
    shown = v.format_value(raw) if not isinstance(raw, str) else repr(raw)
    return Rejected(
        line, record,
        f"{path}:{line}: column {name}: cannot read {shown} as {ty.name_en}{why}; "
        f"correct the value in this row",
        f"{path}:{line}: 列「{name}」: {shown} を {ty.name_ja} として読めません{why}。"
        f"この行の値を直してください")


# ---- running a batch, in worker processes if asked ---------------------------------------------


def run_batch(tenant: Tenant, rule: str, columns: Mapping[str, list[object]], on: dt.date, *,
              projection: bool = False, jobs: int = 1, chunk: int = 20_000,
              progress: Callable[[int], None] | None = None) -> ColumnResult:
    """:func:`paramcfg.columnar.evaluate_columns` over ``columns`` in chunks of ``chunk`` rows,
    in ``jobs`` worker processes (the tenant is pickled once per worker), the results in row
    order with each error's row index counted over the whole batch.  ``progress(rows_done)``
    is called after each chunk."""
    from paramcfg.columnar import ColumnResult, as_columns, evaluate_columns  # noqa: PLC0415

    cols, n = as_columns(columns)
    starts = list(range(0, n, chunk)) or [0]
    parts = [({k: v[s:s + chunk] for k, v in cols.items()}, s) for s in starts]
    values: list[object] = []
    errors: list[RowError] = []
    done = 0
    if jobs <= 1 or len(parts) == 1:
        results: Iterable[ColumnResult] = (
            evaluate_columns(tenant, rule, part, on, projection=projection, first_row=s)
            for part, s in parts)
        pool = None
    else:
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs, initializer=_worker_start, initargs=(tenant,))
        results = pool.map(_worker_run, [(rule, part, on, projection, s) for part, s in parts])
    try:
        for result in results:
            values.extend(result.values)
            errors.extend(result.errors)
            done += result.vectorised
            if progress is not None:
                progress(len(values))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return ColumnResult(values, tuple(errors), done)


_worker_tenant: Tenant | None = None


def _worker_start(tenant: Tenant) -> None:
    global _worker_tenant  # noqa: PLW0603 - one tenant per worker process
    _worker_tenant = tenant


def _worker_run(task: tuple[str, Mapping[str, list[object]], dt.date, bool, int]) -> ColumnResult:
    from paramcfg.columnar import evaluate_columns  # noqa: PLC0415

    rule, part, on, projection, first = task
    assert _worker_tenant is not None  # noqa: S101 - set by _worker_start
    return evaluate_columns(_worker_tenant, rule, part, on, projection=projection,
                            first_row=first)
