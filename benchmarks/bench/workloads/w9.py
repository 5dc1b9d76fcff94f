"""W9 columnar fee batch (issue 15): 保育料.月額計算 of 常陸大宮市 over 100,000 households.

The hand-written loop over row dicts (W1's twin, on W1's generator), a bare numpy program with
the columns ready, OpenFisca's ``Simulation`` with the columns ready (a one-person entity, the
fee as W4's formula over ``SingleAmountTaxScale``), and paramcfg's ``evaluate_many`` and
``evaluate_columns`` (Python lists, numpy columns ready, and the row loop forced).  Without
numpy (``paramcfg[batch]``) the numpy rows say so and the others still run.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bench.harness import (
    ON,
    Context,
    Engine,
    Lineup,
    Section,
    per_row,
    print_profile,
    run_engines,
)
from bench.peers import load, not_installed, openfisca
from bench.workloads.w1 import FEE_RULE, FeeSpec, fee_by_hand, fee_rows
from bench.workloads.w4 import COLUMNS, evaluate_many_engine, fee_columns, scale_fee
from paramcfg.columnar import evaluate_columns

KEY = "W9"
COLUMNS_READY = "paramcfg evaluate_columns (numpy columns ready)"
BARE = "bare numpy scale"
BATCH_EXTRA = "'paramcfg[batch]'"


def python_columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {k: [r[k] for r in rows] for k in rows[0]}


def columns_engine(town: Any, name: str, prepare: Any, note: str, *,
                   vectorise: bool = True) -> Engine:
    """``evaluate_columns`` of the fee on columns made by ``prepare``."""
    def run(data: dict[str, Any]) -> list[Any]:
        return evaluate_columns(town, FEE_RULE, data, ON, vectorise=vectorise).values

    return Engine(name, prepare, run, "paramcfg", all_rows=True, note=note)


def numpy_engines(town: Any, spec: FeeSpec) -> Lineup:
    """paramcfg on numpy columns, the bare numpy program and OpenFisca's ``Simulation``."""
    np = load("numpy")
    if np is None:
        return Lineup(absent=[not_installed(name, BATCH_EXTRA)
                              for name in (COLUMNS_READY, BARE, openfisca.SIMULATION)])

    def numpy_columns(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {k: np.array(v) for k, v in python_columns(rows).items()}

    def four_columns(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return fee_columns(np, rows)

    table = np.array([spec.fee["3号", "標準"], spec.fee["3号", "短時間"]], dtype=np.int64)
    lows = np.array(spec.lows, dtype=np.int64)

    def bare(c: dict[str, Any]) -> Any:
        base = table[c["short"].astype(np.int64), np.searchsorted(lows, c["income"], "right") - 1]
        base = np.where(c["free"], 0, base)
        return np.where(c["order"] >= 3, 0, np.where(c["order"] == 2, base // 20 * 10, base))

    out = Lineup([
        columns_engine(town, COLUMNS_READY, numpy_columns,
                       "int64, bool and str arrays; the result as a list of Python ints"),
        Engine(BARE, four_columns, bare, "info", normalise=int, all_rows=True,
               note="hand-written: fancy indexing + `searchsorted` + `where`, columns ready "
                    "(booleans precomputed)"),
    ])
    scales = openfisca.load_numpy_scales()
    simulate = (openfisca.simulation(COLUMNS, "fee", scale_fee(np, scales[1], spec))
                if scales is not None and spec.unlimited else None)
    if simulate is None:
        return out + Lineup(absent=[openfisca.absent(openfisca.SIMULATION)])
    return out + Lineup([Engine(
        openfisca.SIMULATION, four_columns, simulate, normalise=int, all_rows=True,
        note="a one-person entity; `set_input` of the four columns + `calculate`; computes in "
             "int32/float32")])


def run(ctx: Context) -> Section:
    town, sizes = ctx.town, ctx.sizes
    engines = [
        Engine("hand-written loop", list, per_row(fee_by_hand), "hand", all_rows=True,
               note="`[fee_by_hand(row) for row in rows]`, row dicts"),
        evaluate_many_engine(town),
        columns_engine(town, "paramcfg evaluate_columns (Python lists)", python_columns,
                       "columns of Python values"),
        columns_engine(town, "paramcfg evaluate_columns, row loop forced", python_columns,
                       "`vectorise=False`: the compiled entry per row (what runs without numpy)",
                       vectorise=False),
    ]
    more = numpy_engines(town, FeeSpec.of(town))
    rows = run_engines(engines + more.engines, fee_rows(sizes.batch, seed=4),
                       dataclasses.replace(sizes, repeats=sizes.batch_repeats)) + more.absent
    return Section(KEY, f"W9 columnar fee batch: {sizes.batch:,} households of 保育料.月額計算 "
                        "(常陸大宮市)", "household", rows, notes=NOTES)


NOTES = [
    ("**Python lists.** Most of the time is building the numpy columns from Python objects "
     "(`np.fromiter` per column, a type scan per column) and `tolist` at the end; the kernel "
     "itself is as with numpy columns ready. Still faster than `evaluate_many`, which checks "
     "every input of every row."),
    ("**Row loop forced** (no numpy): a row dict is built from the columns for each household "
     "and the compiled entry, with its input checks, runs per row; building the dicts costs as "
     "much as the entry. `evaluate_many` is the better call for rows already held as dicts."),
]


def profile(ctx: Context) -> None:
    """Where ``evaluate_columns`` spends the time on the batch (numpy columns if installed)."""
    np = load("numpy")
    columns: dict[str, Any] = python_columns(fee_rows(ctx.sizes.batch, seed=4))
    if np is not None:
        columns = {k: np.array(v) for k, v in columns.items()}
    evaluate_columns(ctx.town, FEE_RULE, columns, ON)  # compiled once, outside the profile
    print_profile(evaluate_columns, ctx.town, FEE_RULE, columns, ON)
