"""W4 batch: 100,000 households of W1 through ``Tenant.evaluate_many`` against a hand-written loop,
and OpenFisca's vectorised single-amount scale on the same brackets.

The generator and the hand-written twin are W1's (:mod:`bench.workloads.w1`); beside this
workload is the same rule written for numpy columns over OpenFisca's scales.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bench.harness import ON, Context, Engine, Lineup, Section, per_row, run_engines
from bench.peers import openfisca
from bench.workloads import w1
from bench.workloads.w1 import FEE_RULE, FeeSpec, fee_by_hand, fee_by_hand_checked, fee_rows

KEY = "W4"


#: The W1 inputs as the four numpy columns the vectorised baselines read (booleans fused).
COLUMNS: dict[str, type] = {"income": int, "free": bool, "short": bool, "order": int}


def fee_columns(np: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The households as :data:`COLUMNS` (numpy arrays)."""
    return {
        "income": np.fromiter((r["所得割額"] for r in rows), np.int64, len(rows)),
        "free": np.fromiter((r["生活保護世帯"] or r["非課税世帯"] or r["認定"] == "2号"
                             for r in rows), bool, len(rows)),
        "short": np.fromiter((r["時間"] == "短時間" for r in rows), bool, len(rows)),
        "order": np.fromiter((r["多子順位.全兄弟"] for r in rows), np.int64, len(rows)),
    }


def scale_fee(np: Any, make_scale: Any, spec: FeeSpec) -> Any:
    """The W1 rule on :data:`COLUMNS`, the base fee from one ``SingleAmountTaxScale`` per
    保育時間 (written for 多子軽減 = 制限なし)."""
    scales = {t: make_scale((lo, spec.fee["3号", t][i]) for lo, _, i in spec.ranges())
              for t in ("標準", "短時間")}

    def vectorised(c: dict[str, Any]) -> Any:
        base = np.where(c["short"], scales["短時間"].calc(c["income"]),
                        scales["標準"].calc(c["income"]))
        base = np.where(c["free"], 0, base)
        return np.where(c["order"] >= 3, 0, np.where(c["order"] == 2, base // 20 * 10, base))

    return vectorised


def openfisca_peers(spec: FeeSpec) -> Lineup:
    """The W1 rule on numpy columns over OpenFisca's scales (:func:`scale_fee`)."""
    loaded = openfisca.load_numpy_scales()
    if loaded is None:
        return Lineup(absent=[openfisca.absent()])
    np, make_scale = loaded
    if not spec.unlimited:
        return Lineup(absent=[dataclasses.replace(
            openfisca.absent(), note="the vectorised baseline is written for 多子軽減 = 制限なし")])
    vectorised = scale_fee(np, make_scale, spec)

    def columns(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return fee_columns(np, rows)

    def with_columns(rows: list[dict[str, Any]]) -> Any:
        return vectorised(columns(rows))

    return Lineup([
        Engine("OpenFisca SingleAmountTaxScale, numpy (columns ready)", columns, vectorised,
               normalise=int, all_rows=True,
               note="`SingleAmountTaxScale.calc` per 保育時間 + numpy `where`; the households "
                    "are already numpy columns"),
        Engine("OpenFisca SingleAmountTaxScale, numpy (from the row dicts)", list, with_columns,
               normalise=int, all_rows=True,
               note="the same, timing the conversion of the row dicts into columns too"),
    ])


def evaluate_many_engine(town: Any) -> Engine:
    """``Tenant.evaluate_many`` of the W1 rule over the row dicts."""
    def run_many(data: list[Any]) -> list[Any]:
        result: list[Any] = town.evaluate_many(FEE_RULE, data, ON)
        return result

    return Engine("paramcfg Tenant.evaluate_many", list, run_many, "paramcfg", all_rows=True)


def run(ctx: Context) -> Section:
    town, sizes = ctx.town, ctx.sizes
    engines = [
        Engine("hand-written loop", list, per_row(fee_by_hand), "hand", all_rows=True,
               note="`[fee_by_hand(row) for row in rows]`"),
        Engine("hand-written loop, checking its inputs", list, per_row(fee_by_hand_checked),
               "info", all_rows=True, note="for comparison (see W1)"),
        evaluate_many_engine(town),
    ]
    peer = openfisca_peers(FeeSpec.of(town))
    rows = run_engines(engines + peer.engines, fee_rows(sizes.batch, seed=4),
                       dataclasses.replace(sizes, repeats=sizes.batch_repeats)) + peer.absent
    return Section(KEY, f"W4 batch: {sizes.batch:,} households of W1", "household", rows,
                   extra={"batch": sizes.batch})


def profile(ctx: Context) -> None:
    """Where ``evaluate_many`` spends the time on a batch (W1's profile on the batch size)."""
    w1.profile(ctx, ctx.sizes.batch)
