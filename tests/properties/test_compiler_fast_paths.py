"""The compiler's fast paths give what the general path gives, exactly.

- ``runtime.rate_rounder`` (``round(x * rate, unit)`` in integer arithmetic) equals
  ``runtime.round_to`` on the Decimal product (in the library's context) for every mode,
  negative amounts and rates, amounts beyond its integer range, and in a caller's narrowed
  decimal context, which changes neither.
- Compiled rules that take those paths (a folded rate, a folded divisor) equal the interpreter.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pytest
from gen.settings import evaluation_settings
from helpers import load_core_text
from hypothesis import given
from hypothesis import strategies as st

from paramcfg import runtime as rt
from paramcfg.engine import load_tenant_text
from paramcfg.errors import EvaluationError

MODES = ("floor", "ceil", "round_half_up", "round_half_even")
ON = dt.date(2024, 6, 1)

amounts = st.one_of(
    st.integers(-10_000, 10_000),
    st.integers(-(10**12), 10**12),
    # Around the edge of the integer path (10**27 // coefficient) and far beyond it.
    st.integers(-(10**30), 10**30),
    st.sampled_from([10**25, -(10**25), 7 * 10**25, 10**27 - 1, 10**40 + 1, -(10**60) - 7]),
)
rates = st.one_of(
    st.decimals(Decimal(-2), Decimal(2), places=3),
    st.decimals(Decimal(-1), Decimal(1), places=8),
    st.sampled_from([Decimal("0.014"), Decimal("0.0140"), Decimal("0.5"), Decimal("-0.5"),
                     Decimal("0.125"), Decimal(0), Decimal("0.000"), Decimal(1), Decimal(3),
                     Decimal("1E-20"), Decimal("0.33333333333333333333")]),
)
units = st.sampled_from([1, 2, 3, 7, 10, 25, 50, 100, 1000, 10_000, 999_999_999])


@evaluation_settings(2000)
@given(mode=st.sampled_from(MODES), rate=rates, unit=units, x=amounts)
def test_rate_rounder_equals_round_to(mode, rate, unit, x):
    rounder = rt.rate_rounder(mode, rate, unit)
    if rounder is None:
        return  # the compiler keeps the general path
    assert _outcome(lambda: rounder(x)) == _outcome(
        lambda: rt.round_to(mode, rt.multiply(x, rate), unit))


def _outcome(fn):
    """The value and its type, or the error message (round_to refuses amounts too large to
    round exactly; the fast path must refuse them alike)."""
    try:
        value = fn()
    except EvaluationError as exc:
        return ("error", exc.msg)  # the interpreter does not locate this one; compiled does
    return (type(value), value)


@pytest.mark.parametrize("mode", MODES)
def test_rate_rounder_at_every_tie(mode):
    """Halves exactly (positive and negative, odd and even quotients) and their neighbours."""
    rounder = rt.rate_rounder(mode, Decimal("0.5"), 10)
    assert rounder is not None
    for x in range(-100, 101):
        assert rounder(x) == rt.round_to(mode, x * Decimal("0.5"), 10), x


@pytest.mark.parametrize("mode", MODES)
def test_rate_rounder_in_a_narrowed_context(mode):
    """A caller's 6-digit context changes neither path: both compute in the library's own
    context (issue 12, item 3), so they give the exact answer."""
    rounder = rt.rate_rounder(mode, Decimal("0.0123"), 100)
    assert rounder is not None
    exact = {x: rt.round_to(mode, rt.multiply(x, Decimal("0.0123")), 100)
             for x in (123_456_789, -987_654_321, 5, 10**29 + 7)}
    with decimal.localcontext() as ctx:
        ctx.prec = 6
        for x, want in exact.items():
            assert rounder(x) == want
            assert rt.round_to(mode, rt.multiply(x, Decimal("0.0123")), 100) == want


def test_rate_rounder_refuses_what_it_cannot_prove():
    assert rt.rate_rounder("floor", Decimal("NaN"), 100) is None
    assert rt.rate_rounder("floor", Decimal("1E+3"), 100) is None   # not a fraction
    assert rt.rate_rounder("floor", Decimal("1E-30"), 100) is None  # too many places
    assert rt.rate_rounder("floor", Decimal("0.5"), 0) is None
    assert rt.rate_rounder("up", Decimal("0.5"), 1) is None


CORE = """core "fast" version 1.0
input 額 : yen
param 率 : rate default 1.4%
param 負率 : decimal default -0.375
rule 切捨 : yen = floor(floor(額, 1000) * 率, 100)
rule 切上 : yen = ceil(額 * 率, 10)
rule 四捨五入 : yen = round_half_up(負率 * 額, 1)
rule 偶数丸め : yen = round_half_even(額 * 負率, 100)
rule 半額 : yen = floor(額 / 2, 10)
rule 負除 : yen = floor(額 / -3, 1)
"""


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("fast"), "fast.pcore", CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text('tenant "五霞町" code 085421\nuses "fast"\nfrom 2024-04-01\n', core)


def test_the_fast_paths_are_taken(town):
    source = town.compiled(ON).source
    assert "_round(" not in source
    assert "_floor_quotient(" not in source


@evaluation_settings(300)
@given(x=amounts)
def test_compiled_fast_paths_equal_the_interpreter(town, x):
    for rule in ("切捨", "切上", "四捨五入", "偶数丸め", "半額", "負除"):
        got = _outcome(lambda rule=rule: town.evaluate(rule, {"額": x}, ON))
        assert got == _outcome(lambda rule=rule: town.interpret(rule, {"額": x}, ON)), rule
        assert got[0] in {int, "error"}
