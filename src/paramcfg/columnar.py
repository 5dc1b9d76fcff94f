"""The columnar batch: one rule over columns of inputs as of one date, exactly, row errors kept.

:func:`evaluate_columns` takes the inputs as columns — a mapping from input name to a sequence
(a ``list``, a ``tuple``, a numpy array), a pandas ``DataFrame`` or an Arrow ``Table`` — and
gives every row its value, or its error (index, inputs, reason), in one pass::

    result = evaluate_columns(tenant, "保育料.月額計算", {"所得割額": [...], ...}, on)
    result.values      # one value per row; None for a row with an error
    result.errors      # RowError(index, inputs, error) for each bad row, by index

The answer for every row is the one ``tenant.evaluate(rule, row, on)`` gives for that row's
values (a numpy or Arrow column counts as the Python values its ``tolist()`` gives; a cell
holding :data:`MISSING` is a value not given).  Each input column is validated once, as a
column; where numpy is installed (``paramcfg[batch]``) and the rule allows it, a vectorised
kernel computes the valid rows exactly in int64 (:mod:`paramcfg.vector`); every other row —
and every rule the kernel does not cover, and every batch without numpy — runs through the
rule's compiled entry, one row at a time, with the same results.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from paramcfg.batch import MISSING, RowError, RowResult
from paramcfg.errors import EvaluationError, bad_call, wrong_arguments
from paramcfg.ir import called_closure
from paramcfg.rules import AS_OF_KEY

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable

    from paramcfg.engine import Tenant

__all__ = ["MISSING", "ColumnResult", "as_columns", "evaluate_columns", "numpy_available"]


@attrs.frozen
class ColumnResult:
    """Every row's outcome: ``values[i]`` (``None`` for a row with an error) and the errors."""

    values: list[object]
    errors: tuple[RowError, ...]
    #: How many rows the vectorised kernel computed (0: the compiled row loop did them all).
    vectorised: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def __len__(self) -> int:
        return len(self.values)

    def rows(self) -> list[RowResult]:
        """The same outcomes as :meth:`Tenant.evaluate_rows` gives them, one per row."""
        out = [RowResult(v) for v in self.values]
        for e in self.errors:
            out[e.index] = RowResult(error=e.error)
        return out


def numpy_available() -> bool:
    """Whether the vectorised kernel can run (numpy is installed: ``paramcfg[batch]``)."""
    try:
        import numpy as np  # noqa: F401, PLC0415 - an optional extra
    except ImportError:
        return False
    return True


def as_columns(data: object) -> tuple[dict[str, Any], int]:
    """``data`` as columns (Python lists, or numpy arrays of numbers, booleans or strings) and
    the number of rows.

    :raises ValueError: columns of different lengths.
    :raises TypeError: ``data`` is not columns, or a name is not a string.
    """
    if hasattr(data, "to_pydict") and hasattr(data, "column_names"):  # an Arrow table
        table: Any = data
        raw: Mapping[object, Any] = {name: _arrow(table.column(name))
                                     for name in table.column_names}
    elif hasattr(data, "columns") and hasattr(data, "to_dict") and hasattr(data, "iloc"):
        frame: Any = data  # a pandas DataFrame
        raw = {name: _pandas(frame[name]) for name in frame.columns}
    elif isinstance(data, Mapping):
        raw = data
    else:
        raise TypeError(f"columns must be a mapping of sequences, a pandas DataFrame or an Arrow "
                        f"table, not {type(data).__name__}")
    columns: dict[str, Any] = {}
    for name, column in raw.items():
        if not isinstance(name, str):
            raise TypeError(f"a column name must be a string, not {name!r}")
        if isinstance(column, list):
            columns[name] = column
        elif _is_array(column):
            # Numbers, booleans and strings stay an array; anything else as Python values.
            columns[name] = column if column.ndim == 1 and column.dtype.kind in "biuU" \
                else column.tolist()
        elif isinstance(column, Sequence) and not isinstance(column, str | bytes):
            columns[name] = list(column)
        else:
            raise TypeError(f"column {name} must be a sequence, not {type(column).__name__}")
    lengths = {len(c) for c in columns.values()}
    if len(lengths) > 1:
        raise ValueError("the columns have different lengths: "
                         + ", ".join(f"{n} {len(c)}" for n, c in columns.items()))
    return columns, (lengths.pop() if lengths else 0)


def _is_array(column: object) -> bool:
    return type(column).__module__ == "numpy" and type(column).__name__ == "ndarray"


def _pandas(series: Any) -> object:  # noqa: ANN401 - a pandas Series
    return series.to_numpy() if series.dtype.kind in "biu" else series.tolist()


def _arrow(column: Any) -> object:  # noqa: ANN401 - an Arrow ChunkedArray
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415

    kind = column.type
    if column.null_count == 0 and (pa.types.is_integer(kind) or pa.types.is_boolean(kind)):
        return column.to_numpy()
    return column.to_pylist()


def evaluate_columns(tenant: Tenant, rule: str, columns: object, on: dt.date, *,
                     projection: bool = False, vectorise: bool = True,
                     first_row: int = 0) -> ColumnResult:
    """``rule`` for every row of ``columns`` as of ``on``: each row's value or error.

    :param first_row: the index of the first row in a larger batch (errors count from it).
    :param vectorise: use the numpy kernel where it applies (the results are the same either
        way; ``False`` forces the compiled row loop).
    :raises LawHorizonError: ``on`` is after the core's law horizon and ``projection`` is false.
    :raises EvaluationError: no such rule, a rule that takes arguments, a column that is no
        input of the core (a misspelling: refused once, whichever path would run), or a date
        before the profile's first effective date (no row can be computed).
    """
    typed = tenant._rule(rule)  # noqa: SLF001 - the same checks as evaluate_rows
    tenant._guard(on, projection)  # noqa: SLF001
    if typed.params:
        raise wrong_arguments(typed.name, [p for p, _ in typed.params], 0, typed.span)
    cols, n = as_columns(columns)
    fn = tenant._entry(typed.name, on)  # noqa: SLF001
    needed_by, types = tenant._inputs_needed()  # noqa: SLF001
    needed = [i for i in needed_by[typed.name] if i != AS_OF_KEY]
    # Column names once for the batch, as evaluate checks a row's keys (errors.bad_call, the one
    # place that decides): the kernel reads only the columns it needs, the row loop all of them.
    unknown = bad_call(typed.name, (), needed, tenant.known_inputs,
                       dict.fromkeys([*needed, *cols]), span=typed.span)
    if unknown is not None:
        raise unknown
    values: list[object] = [None] * n
    todo: Sequence[int] = range(n)
    done = 0
    if vectorise and n and all(name in cols for name in needed) and numpy_available():
        kernel = _kernel(tenant, typed.name, on)
        if kernel is not None:
            found = _vectorised(kernel, cols, n, needed, types)
            if found is not None:
                values, todo = found
                done = n - len(todo)
    errors = _row_loop(fn, cols, todo, values, on, first_row)
    return ColumnResult(values, tuple(errors), done)


def _row_loop(fn: Callable[..., object], cols: Mapping[str, Any], todo: Sequence[int],
              values: list[object], on: dt.date, first_row: int) -> list[RowError]:
    """The compiled entry for each row in ``todo`` (its checks give the exact errors)."""
    if not todo:
        return []
    names = list(cols)
    # A row is given to the entry as Python values (a numpy cell as its .item()).
    columns: list[Any] = [
        cols[name].tolist() if _is_array(cols[name]) and len(todo) > len(cols[name]) // 8
        else cols[name] for name in names]
    arrays = [_is_array(c) for c in columns]
    holes = any(not a and MISSING in c for c, a in zip(columns, arrays, strict=True))
    errors: list[RowError] = []
    if isinstance(todo, range) and todo == range(len(todo)) and not any(arrays):
        rows: Iterable[dict[str, object]] = (dict(zip(names, cells, strict=True))
                                             for cells in zip(*columns, strict=True))
    else:
        rows = (dict(zip(names, [c[i].item() if a else c[i]
                                 for c, a in zip(columns, arrays, strict=True)], strict=True))
                for i in todo)
    for i, given in zip(todo, rows, strict=False):
        row = {k: v for k, v in given.items() if v is not MISSING} if holes else given
        try:
            values[i] = fn(row, on)
        except EvaluationError as exc:
            errors.append(RowError(first_row + i, row, exc.at_row(first_row + i)))
    return errors


def _vectorised(kernel: Any, cols: Mapping[str, list[object]], n: int,  # noqa: ANN401
                needed: Sequence[str], types: Mapping[str, Any]
                ) -> tuple[list[object], list[int]] | None:
    """The kernel's values for the rows it can compute, and the rows left to the row loop;
    ``None`` if the batch overflows int64 (then the row loop does every row)."""
    import numpy as np  # noqa: PLC0415 - an optional extra

    from paramcfg import vector  # noqa: PLC0415

    arrays: dict[str, Any] = {}
    oks = []
    for name in needed:
        found = vector.input_column(types[name], cols[name])
        if found is None:
            return None
        arrays[name], ok = found
        if ok is not None:
            oks.append(ok)
    try:
        values, bad = kernel.run(arrays, n)
    except vector.Overflow:
        return None
    except vector.Unsupported:  # pragma: no cover - found when the kernel was made
        return None
    if bad is not None:
        oks.append(~bad)
    if not oks:
        return values, []
    good = oks[0]
    for ok in oks[1:]:
        good = good & ok
    todo = np.flatnonzero(~good).tolist()
    for i in todo:
        values[i] = None
    return values, todo


#: The kernel of each (tenant, period, rule), or None where the rule is not vectorised.
_KERNELS: weakref.WeakKeyDictionary[Tenant, dict[tuple[dt.date, str], Any]] = \
    weakref.WeakKeyDictionary()
_KERNELS_LOCK = threading.Lock()


def _kernel(tenant: Tenant, rule: str, on: dt.date) -> Any:  # noqa: ANN401 - a vector.Kernel
    from paramcfg import vector  # noqa: PLC0415 - needs numpy
    from paramcfg.fold import fold_rules  # noqa: PLC0415

    start = tenant.period(on)
    with _KERNELS_LOCK:
        kernels = _KERNELS.setdefault(tenant, {})
    key = (start, rule)
    if key in kernels:
        return kernels[key]
    wanted = called_closure(tenant.rules, rule)
    values = tenant.values(start)
    closure = {name: typed for name, typed in tenant.rules.items() if name in wanted}
    kernel: Any = vector.Kernel(fold_rules(closure, values), values, rule)
    try:  # one dry run on no rows finds what the kernel does not cover
        kernel.run(_empty_inputs(tenant, rule), 0)
    except vector.Unsupported:
        kernel = None
    except vector.Overflow:
        pass  # a constant beyond int64: each batch finds it again and takes the row loop
    kernels[key] = kernel
    return kernel


def _empty_inputs(tenant: Tenant, rule: str) -> dict[str, Any]:
    from paramcfg import vector  # noqa: PLC0415 - needs numpy

    needed_by, types = tenant._inputs_needed()  # noqa: SLF001
    out: dict[str, Any] = {}
    for name in needed_by[rule]:
        if name == AS_OF_KEY:
            continue
        found = vector.input_column(types[name], [])
        if found is None:
            raise vector.Unsupported(name)
        out[name] = found[0]
    return out
