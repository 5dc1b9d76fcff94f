"""Batches that keep going past bad rows: a value or an error per row, in one pass.

``Tenant.evaluate_many`` stops at the first bad row (naming it); ``Tenant.evaluate_rows``
gives every row its own outcome, so that 10,001 good households are not lost to one bad one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs

from paramcfg.errors import EvaluationError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable


__all__ = ["MISSING", "RowError", "RowResult", "run_rows"]


@attrs.frozen
class RowResult:
    """One row's outcome: its ``value``, or its ``error`` (an :class:`EvaluationError` whose
    ``row`` is the row's index, counted from 0)."""

    value: object = None
    error: EvaluationError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@attrs.frozen
class RowError:
    """A row that could not be computed: its ``index`` (from 0), the ``inputs`` it gave, and
    the ``error`` (an :class:`EvaluationError` whose ``row`` is ``index``)."""

    index: int
    inputs: Mapping[str, object]
    error: EvaluationError

    def reason(self, lang: str = "en") -> str:
        """Why, in ``lang`` ("en" or "ja"), with the rule's place."""
        return self.error.message(lang)


def run_rows(fn: Callable[..., object], rows: Iterable[Mapping[str, object]],
             on: dt.date) -> list[RowResult]:
    """``fn(row, on)`` for every row, each error kept with its row instead of raised."""
    out: list[RowResult] = []
    append = out.append
    for index, row in enumerate(rows):
        try:
            append(RowResult(fn(row, on)))
        except EvaluationError as exc:
            append(RowResult(error=exc.at_row(index)))
    return out


class _Missing:
    """A cell with no value: the row is evaluated as if its mapping had no such key."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"


#: A cell with no value (exported as paramcfg.columnar.MISSING): an input not given.
MISSING: Final = _Missing()
