"""OpenFisca (``pip install openfisca-core``): its vectorised ``SingleAmountTaxScale`` on numpy
columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bench.peers import load, not_installed

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from bench.harness import Row

NAME = "OpenFisca SingleAmountTaxScale (numpy)"


def absent() -> Row:
    return not_installed(NAME, "openfisca-core")


def load_numpy_scales() -> tuple[Any, Callable[[Iterable[tuple[int, int]]], Any]] | None:
    """(numpy, a maker of single-amount scales from (threshold, amount) brackets), or ``None``
    if OpenFisca or numpy is not installed.  A scale's ``calc(column)`` gives the amounts."""
    np = load("numpy")
    taxscales = load("openfisca_core.taxscales")
    if np is None or taxscales is None:
        return None

    def scale(brackets: Iterable[tuple[int, int]]) -> Any:
        made = taxscales.SingleAmountTaxScale()
        for threshold, amount in brackets:
            made.add_bracket(threshold, amount)
        return made

    return np, scale
