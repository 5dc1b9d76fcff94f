"""Households from a file, and a batch in worker processes (``paramcfg batch``, issue 15).

:func:`read_households` reads a ``.csv``, ``.jsonl`` or ``.parquet`` file into columns of exact
input values, each unreadable row kept with its line and reason; records such as NHI members
may come from a second file keyed by household (:class:`Members`).  :func:`run_batch` runs
:func:`paramcfg.columnar.evaluate_columns` over them in chunks, in worker processes if asked
(a :class:`~paramcfg.engine.Tenant` pickles as its checked core and profile).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import datetime as dt
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
    from collections.abc import Callable, Iterable, Iterator

    from paramcfg.columnar import ColumnResult
    from paramcfg.engine import Tenant

__all__ = ["Households", "InputFileError", "Members", "Rejected", "read_households", "run_batch"]

#: An empty cell: the input is not given.
MISSING_CELL: Final = MISSING


class InputFileError(ValueError):
    """A file the batch cannot use at all (no row can be read from it): ``str`` is English,
    :meth:`message` gives either language."""

    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.ja = ja

    def message(self, lang: str = "en") -> str:
        return self.ja if lang == "ja" else str(self)


@attrs.frozen
class Rejected:
    """A row that gave no result: where it is (``line`` of ``file``, from 1; ``file`` empty:
    the households file), what it held, and why (English and Japanese)."""

    line: int
    fields: Mapping[str, object]
    reason: str
    reason_ja: str
    file: str = ""

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
    rejected: list[Rejected]          # households, and rows of the members file, by line
    names: list[str]                  # the file's column names, in order
    #: The members file's column names (with ``Members``), for the rejected rows of that file.
    member_names: list[str] = attrs.field(factory=list)
    #: How many rows of the members file were read (with ``Members``).
    members_read: int = 0


@attrs.frozen
class Members:
    """Records such as NHI members (国保.被保険者, a list of records) from a second file:
    ``path`` (``.csv``, ``.jsonl`` or ``.parquet``), one member a row, each naming its household
    in the column ``key``, which the households file has too (compared as text).  ``input``
    is the input the members fill; ``None``: the rule's only input that is a list of records."""

    path: str
    key: str
    input: str | None = None


def read_households(path: str, types: Mapping[str, t.Type],
                    members: Members | None = None) -> Households:
    """Read ``path`` (``.csv`` with a header row, ``.jsonl`` one JSON object per line, or
    ``.parquet`` with pyarrow installed) into columns of exact values of ``types`` (the
    inputs the rule needs).  A value that cannot be read rejects its row, located, and reading
    goes on; a cell left empty is an input not given.  With ``members``, the list of records
    it names is read from that second file and joined by key (:func:`_join`).

    :raises OSError: a file cannot be read.
    :raises InputFileError: a file's format is not known, or its header lacks an input or the
        key.
    """
    member_input = _member_input(types, members) if members is not None else None
    own = {name: ty for name, ty in types.items() if name != member_input}
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        out = _read_parquet(path, own)
        read = list(zip(out.lines, out.fields, strict=True))
    elif suffix in {".csv", ".jsonl"}:
        out = Households(path, {name: [] for name in own}, [], [], [], [])
        needed = dict.fromkeys(own, _NEEDED)
        if members is not None:
            needed[members.key] = _KEY
        with Path(path).open(encoding="utf-8-sig", newline="") as f:
            read = list(_csv_records(f, out, needed) if suffix == ".csv"
                        else _jsonl_records(f, out))
    else:
        raise InputFileError(f"{path}: the inputs must be a .csv, .jsonl or .parquet file",
                             f"{path}: 入力は .csv、.jsonl、.parquet のいずれかのファイルにしてください")
    lines = [line for line, _ in read]
    records = [record for _, record in read]
    del read
    failed: dict[int, Rejected] = {}  # a row's first unreadable value, by the inputs' order
    if suffix != ".parquet":
        for name, ty in own.items():
            column = [record.get(name, MISSING_CELL) for record in records]
            out.columns[name] = _convert(column, ty, name, failed, path, lines, records)
    if members is not None and member_input is not None:
        out.columns[member_input] = _join(members, member_input, types[member_input], out,
                                          lines, records, failed)
    if failed:
        keep = [i for i in range(len(records)) if i not in failed]
        out.columns = {name: [column[i] for i in keep] if isinstance(column, list)
                       else column[keep]  # a numpy column of a Parquet file stays one
                       for name, column in out.columns.items()}
        lines = [lines[i] for i in keep]
        records = [records[i] for i in keep]
        out.rejected.extend(failed.values())
    out.rejected.sort(key=lambda r: (r.file not in {"", path}, r.line))
    out.lines, out.fields = lines, list(records)
    return out


#: Why a column must be in a file's header (English, Japanese).
_NEEDED: Final = ("the rule needs it", "ルールが使う入力です")
_KEY: Final = ("--key: it names each household, in both files",
               "--key: 両方のファイルで世帯を示す列です")


def _require(path: str, names: Iterable[str], needed: Mapping[str, tuple[str, str]]) -> None:
    """Refuse a file whose header lacks a needed column (all of them named, each with why)."""
    have = set(names)
    missing = [name for name in needed if name not in have]
    if missing:
        raise InputFileError(
            f"{path}:1: no column " + ", ".join(f"{m} ({needed[m][0]})" for m in missing),
            f"{path}:1: 列がありません: " + "、".join(f"{m}（{needed[m][1]}）" for m in missing))


# ---- members from a second file, joined by household key -----------------------------------


def _member_input(types: Mapping[str, t.Type], members: Members) -> str:
    """The input that ``members`` fills: the one it names, or the rule's only list of records."""
    lists = [name for name, ty in types.items()
             if isinstance(ty, t.ListType) and isinstance(ty.element, t.RecordType)]
    if members.input is not None:
        if members.input in lists:
            return members.input
        en, ja = ", ".join(lists) or "none", "、".join(lists) or "ありません"
        raise InputFileError(
            f"--members-input {members.input}: not an input of the rule that is a list of "
            f"records (the rule's: {en})",
            f"--members-input {members.input}: ルールが使うレコードのリストの入力ではありません"
            f"（このルールのもの: {ja}）")
    if len(lists) == 1:
        return lists[0]
    if not lists:
        raise InputFileError(
            f"--members {members.path}: the rule needs no list of records (such as "
            "国保.被保険者) for members to fill; leave --members out",
            f"--members {members.path}: このルールは被保険者などのレコードのリストを使いません。"
            "--members を外してください")
    raise InputFileError(
        f"--members {members.path}: the rule needs several lists of records ({', '.join(lists)}); "
        "name the one the file fills with --members-input",
        f"--members {members.path}: このルールはレコードのリストを複数使います（{'、'.join(lists)}）。"
        "ファイルが与えるものを --members-input で指定してください")


def _key_text(raw: object) -> str | None:
    """A household key as text (a whole number as its digits), or None if there is none."""
    if type(raw).__module__ == "numpy":
        raw = raw.item()  # type: ignore[attr-defined]  # a Parquet cell
    if isinstance(raw, str):
        return raw if raw.strip() else None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    return None


def _join(members: Members, name: str, ty: t.Type, out: Households, lines: list[int],
          records: list[Mapping[str, object]], failed: dict[int, Rejected]) -> list[object]:
    """The column ``name``: for each household, the members whose key is its key, in the order
    of the members file.  Located rejections: a household without a key, with the key of
    another household (every such household: whose members would they be?), without members,
    or with a member row that cannot be read (the household, and that member row); a member
    row whose key matches no household."""
    assert isinstance(ty, t.ListType)  # noqa: S101 - chosen by _member_input
    record = ty.element
    assert isinstance(record, t.RecordType)  # noqa: S101
    path, key, mpath = out.path, members.key, members.path
    _require(path, out.names, {key: _KEY})  # (a CSV header is checked as it is read)
    if name in out.names:
        raise InputFileError(
            f"{path}: column {name} is given here and by --members {mpath}; give it in one place",
            f"{path}: 列「{name}」がこのファイルにも --members {mpath} にもあります。"
            "どちらか一方にしてください")
    index: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for i, row in enumerate(records):
        k = _key_text(row.get(key))
        if k is None:
            failed.setdefault(i, _no_key(path, lines[i], row, key, "the household's members are "
                                         "found by it", "世帯の被保険者などをこの列で探します"))
        elif k in index:
            repeated.setdefault(k, [index[k]]).append(i)
        else:
            index[k] = i
    for k, rows in repeated.items():
        for i in rows:
            also = ", ".join(str(lines[j]) for j in rows if j != i)
            failed.setdefault(i, Rejected(
                lines[i], records[i],
                f"{path}:{lines[i]}: {key} {k} is also on line {also}; each household needs its "
                f"own {key}, by which its members in {mpath} are found",
                f"{path}:{lines[i]}: {key} {k} は {also} 行目にもあります。{mpath} の被保険者などは"
                f"{key} で世帯を探すので、世帯ごとに別の値にしてください", path))
    # Households whose row could not be read at all (the wrong width) are rejected already;
    # their members are no orphans.
    unread = {_key_text(r.fields.get(key)) for r in out.rejected} - {None}
    column: list[list[dict[str, object]]] = [[] for _ in records]
    fields = [(f, _converter(f.type)) for f in record.fields]
    bad: dict[int, int] = {}  # household → its first unreadable member row's line
    for line, row, broken in _member_rows(members, record, out):
        out.members_read += 1
        k = _key_text(row.get(key))
        at = index.get(k) if k is not None else None
        if broken is not None:  # a row of the wrong width, or not JSON: rejected as it is
            out.rejected.append(broken)
            if at is not None:  # its household is not computed without it
                bad[at] = min(bad.get(at, line), line)
            continue
        if at is None:
            if k is None:
                out.rejected.append(_no_key(mpath, line, row, key, "every member row names its "
                                            "household", "被保険者などの各行は世帯を示します", mpath))
            elif k not in repeated and k not in unread:
                out.rejected.append(Rejected(
                    line, row,
                    f"{mpath}:{line}: {key} {k} matches no household of {path}; correct the key, "
                    f"or add the household",
                    f"{mpath}:{line}: {key} {k} の世帯が {path} にありません。値を直すか、世帯を"
                    f"加えてください", mpath))
            continue
        member = _member(record, fields, row, line, mpath, out)
        if member is None:
            bad[at] = min(bad.get(at, line), line)
        else:
            column[at].append(member)
    for i, line in bad.items():
        k = _key_text(records[i].get(key))
        failed.setdefault(i, Rejected(
            lines[i], records[i],
            f"{path}:{lines[i]}: {key} {k}: its member row {mpath}:{line} cannot be read (see "
            f"that row); correct it, and this household is computed",
            f"{path}:{lines[i]}: {key} {k}: この世帯の {mpath}:{line} の行が読めません（その行を"
            f"見てください）。直せばこの世帯も計算されます", path))
    for i, found in enumerate(column):
        if not found and i not in failed:
            failed[i] = Rejected(
                lines[i], records[i],
                f"{path}:{lines[i]}: {key} {_key_text(records[i].get(key))}: no row of {mpath} "
                f"has this {key}; add the household's members ({name}), or leave the household "
                f"out",
                f"{path}:{lines[i]}: {key} {_key_text(records[i].get(key))}: {mpath} にこの {key} "
                f"の行がありません。世帯の{name}を加えるか、この世帯を外してください", path)
    return column  # type: ignore[return-value]  # a list of lists of records


def _no_key(path: str, line: int, row: Mapping[str, object], key: str, why: str, why_ja: str,
            file: str = "") -> Rejected:
    return Rejected(line, row,
                    f"{path}:{line}: column {key} is empty ({why}); fill it in",
                    f"{path}:{line}: 列「{key}」が空です（{why_ja}）。値を入れてください", file or path)


def _member(record: t.RecordType, fields: list[tuple[t.Field, Callable[[object], object]]],
            row: Mapping[str, object], line: int, path: str,
            out: Households) -> dict[str, object] | None:
    """A member row as a record value (fields left empty take their default), or None after
    its first unreadable field rejects it, located."""
    member: dict[str, object] = {}
    for f, convert in fields:
        raw = row.get(f.name, MISSING_CELL)
        if raw is MISSING_CELL or raw == "" or raw is None:
            if f.default is None:
                out.rejected.append(Rejected(
                    line, row,
                    f"{path}:{line}: column {f.name} is empty, but every {record.name} needs it; "
                    f"fill it in",
                    f"{path}:{line}: 列「{f.name}」が空ですが、{record.name} には必ず要ります。"
                    f"値を入れてください", path))
                return None
            continue
        try:
            member[f.name] = convert(raw)
        except (ValueError, ArithmeticError) as exc:
            out.rejected.append(_unreadable(path, line, row, f.name, raw, f.type, exc))
            return None
    return member


def _member_rows(members: Members, record: t.RecordType, out: Households
                 ) -> Iterator[tuple[int, Mapping[str, object], Rejected | None]]:
    """The rows of the members file, one at a time, as ``(line, row, None)``; then each row
    that could not be read as a row, as ``(line, what it held, its rejection)``."""
    path = members.path
    required = {members.key: _KEY}
    required.update({f.name: (f"a field of {record.name} without a default",
                              f"{record.name} の既定値のない項目です")
                     for f in record.fields if f.default is None})
    scratch = Households(path, {}, [], [], [], [])
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        pq = _pyarrow_parquet(path)
        source = pq.ParquetFile(path)
        scratch.names = list(source.schema_arrow.names)
        _require(path, scratch.names, required)
        _near_misses(path, scratch.names, record)
        out.member_names = scratch.names
        line = 0
        for batch in source.iter_batches(batch_size=50_000):
            for row in batch.to_pylist():
                line += 1
                yield line, row, None
        return
    if suffix not in {".csv", ".jsonl"}:
        raise InputFileError(f"{path}: the members must be a .csv, .jsonl or .parquet file",
                             f"{path}: 被保険者などは .csv、.jsonl、.parquet のいずれかの"
                             "ファイルにしてください")
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        if suffix == ".csv":
            rows = _csv_records(f, scratch, required)
            first = next(rows, None)  # reads the header: refused before any row is joined
            _near_misses(path, scratch.names, record)
            out.member_names = scratch.names
            if first is not None:
                yield (*first, None)
                for line, row in rows:
                    yield line, row, None
        else:
            for line, row in _jsonl_records(f, scratch):
                yield line, row, None
            out.member_names = scratch.names
    for r in scratch.rejected:
        yield r.line, r.fields, r


def _near_misses(path: str, names: list[str], record: t.RecordType) -> None:
    """Refuse a column that looks like a misspelt optional field (it would be left out)."""
    from paramcfg.names import suggest  # noqa: PLC0415

    absent = [f.name for f in record.fields if f.name not in names]
    known = {f.name for f in record.fields}
    for name in names:
        if name not in known and absent:
            hint, hint_ja = suggest(name, absent)
            if hint:
                raise InputFileError(
                    f"{path}:1: column {name} is no field of {record.name}{hint}",
                    f"{path}:1: 列「{name}」は {record.name} の項目ではありません{hint_ja}")


def _convert(column: list[object], ty: t.Type, name: str, failed: dict[int, Rejected],
             path: str, lines: list[int], records: list[Mapping[str, object]]) -> list[object]:
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


def _csv_records(f: Any, out: Households,  # noqa: ANN401 - a text file
                 needed: Mapping[str, tuple[str, str]]) -> Iterator[tuple[int, dict[str, object]]]:
    reader = csv.reader(f)
    header = next(reader, None)
    if header is None:
        raise InputFileError(
            f"{out.path}: the file is empty; its first line must name the columns",
            f"{out.path}: ファイルが空です。1 行目に列の名前を書いてください")
    out.names = [h.strip() for h in header]
    _require(out.path, out.names, needed)
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
                "この行を直してください", out.path))
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
                                         f"{out.path}:{line}: JSON のオブジェクトではありません: {exc}",
                                         out.path))
            continue
        if not isinstance(record, dict):
            out.rejected.append(Rejected(line, {"text": text.rstrip("\n")},
                                         f"{out.path}:{line}: not a JSON object {{…}}",
                                         f"{out.path}:{line}: JSON のオブジェクト {{…}} ではありません",
                                         out.path))
            continue
        names.update(dict.fromkeys(record))
        yield line, record
    out.names = list(names)


def _read_parquet(path: str, types: Mapping[str, t.Type]) -> Households:
    pq = _pyarrow_parquet(path)
    from paramcfg.columnar import as_columns  # noqa: PLC0415

    table = pq.read_table(path)
    _require(path, table.column_names, dict.fromkeys(types, _NEEDED))
    columns, n = as_columns(table)
    fields: list[Mapping[str, object]] = [
        dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    return Households(path, {name: columns[name] for name in types}, list(range(1, n + 1)),
                      fields, [], list(columns))


def _pyarrow_parquet(path: str) -> Any:  # noqa: ANN401 - the module pyarrow.parquet
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415
    except ImportError:
        raise InputFileError(
            f"{path}: reading .parquet needs pyarrow (pip install 'paramcfg[batch]')",
            f"{path}: .parquet を読むには pyarrow が必要です（pip install 'paramcfg[batch]'）",
        ) from None
    return pq


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
    if isinstance(ty, t.DateType):
        def day(raw: object) -> object:
            if type(raw) is str and len(raw) == 10 and raw[4] == raw[7] == "-" \
                    and raw.replace("-", "").isdigit() and raw.isascii():
                with contextlib.suppress(ValueError):  # else parse_input says why
                    return dt.date.fromisoformat(raw)
            return parse_input(raw, ty)
        return day
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
        f"この行の値を直してください", path)


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
