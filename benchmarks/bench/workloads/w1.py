"""W1 childcare fee (保育料.月額計算, 常陸大宮市): tier lookup over a 7-bracket x 2 x 2 table with two
free tiers and the sibling reduction.

Beside the workload: its generator (:func:`fee_rows`), its hand-written twin
(:func:`fee_by_hand`), and the same rule written in each peer's language from the town's
values (:class:`FeeSpec`), so that no engine can drift from the profile.  W4 and W7 reuse them.
"""

from __future__ import annotations

import bisect
import dataclasses
from typing import TYPE_CHECKING, Any

from bench.harness import (
    ON,
    Context,
    Engine,
    Lineup,
    Section,
    paramcfg_engines,
    per_row,
    print_profile,
    rng,
    run_engines,
)
from bench.peers import cel, jsonlogic, ruleengine, zen

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterator

KEY = "W1"
FEE_RULE = "保育料.月額計算"

# 常陸大宮市's table as a vendor would type it into code: lower bounds, fees by (認定, 時間).
LOWS = (0, 48_600, 97_000, 169_000, 235_000, 301_000, 397_000)
FEES = {
    ("3号", "標準"): (5_800, 9_000, 13_300, 24_400, 30_500, 40_000, 52_000),
    ("3号", "短時間"): (5_700, 8_800, 13_000, 23_900, 30_000, 39_300, 51_100),
    ("2号", "標準"): (5_600, 8_700, 12_800, 23_000, 29_000, 38_000, 49_500),
    ("2号", "短時間"): (5_500, 8_500, 12_500, 22_500, 28_500, 37_400, 48_700),
}


# ---- the hand-written twin ---------------------------------------------------------------------


def fee_by_hand(row: dict[str, Any]) -> int:
    """The childcare rule as a vendor writes it in Python for this town (多子軽減 = 制限なし)."""
    if row["生活保護世帯"] or row["非課税世帯"] or row["認定"] == "2号":
        return 0
    base = FEES[row["認定"], row["時間"]][bisect.bisect_right(LOWS, row["所得割額"]) - 1]
    order = row["多子順位.全兄弟"]  # 制限なし: siblings of any age count
    if order >= 3:
        return 0
    if order == 2:
        return base // 2 // 10 * 10
    return base


_CERTS, _HOURS = frozenset({"2号", "3号"}), frozenset({"標準", "短時間"})


def fee_by_hand_checked(row: dict[str, Any]) -> int:
    """:func:`fee_by_hand` that first refuses what paramcfg refuses: a value of the wrong type
    (a float, a bool for a number, an unknown member). For comparison only, not the target's
    baseline."""
    income, cert, hours = row["所得割額"], row["認定"], row["時間"]
    welfare, exempt = row["生活保護世帯"], row["非課税世帯"]
    preschool, siblings = row["多子順位.未就学児"], row["多子順位.全兄弟"]
    if not (type(income) is int and type(preschool) is int and type(siblings) is int
            and type(welfare) is bool and type(exempt) is bool
            and cert in _CERTS and hours in _HOURS):
        raise TypeError(row)
    return fee_by_hand(row)


# ---- the generator -----------------------------------------------------------------------------


def fee_rows(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """Households; one in five sits exactly on or just below a bracket boundary."""
    rnd = rng(seed)
    edges = [x for low in LOWS[1:] for x in (low - 1, low)] + [0, 57_699, 57_700]
    out = []
    for _ in range(n):
        income = rnd.choice(edges) if rnd.random() < 0.2 else rnd.randrange(0, 600_000)
        order_all = rnd.choice([1, 1, 2, 3])
        out.append({
            "所得割額": income, "認定": rnd.choice(["2号", "3号", "3号"]),
            "時間": rnd.choice(["標準", "短時間"]), "生活保護世帯": rnd.random() < 0.05,
            "非課税世帯": rnd.random() < 0.1, "多子順位.未就学児": rnd.randint(1, order_all),
            "多子順位.全兄弟": order_all,
        })
    return out


# ---- the rule for any town's values, and in the peers' languages ------------------------------


@dataclasses.dataclass(frozen=True)
class FeeSpec:
    """The town's W1 values, read from its profile, from which every peer rule is generated
    (so no engine can drift from the profile)."""

    lows: tuple[int, ...]
    fee: dict[tuple[str, str], tuple[int, ...]]   # (認定, 時間) → one fee per bracket
    unlimited: bool                               # 保育料.多子軽減 == 制限なし
    threshold: int                                # 保育料.多子軽減所得基準

    @classmethod
    def of(cls, town: Any, on: dt.date = ON) -> FeeSpec:
        p = town.parameters(on)
        table = p["保育料.月額"]
        lows = tuple(table.brackets.lows)
        fee = {(c, t): tuple(table.lookup(low, c, t) for low in lows)
               for c in ("2号", "3号") for t in ("標準", "短時間")}
        return cls(lows, fee, p["保育料.多子軽減"] == "制限なし", p["保育料.多子軽減所得基準"])

    def ranges(self) -> Iterator[tuple[int, int | None, int]]:
        highs = (*self.lows[1:], None)
        yield from ((lo, hi, i) for i, (lo, hi) in enumerate(zip(self.lows, highs, strict=True)))


def fee_general(spec: FeeSpec, row: dict[str, Any]) -> int:
    """The W1 rule for any town's values (used to check the generated towns of W7)."""
    if row["生活保護世帯"] or row["非課税世帯"] or row["認定"] == "2号":
        return 0
    base = spec.fee[row["認定"], row["時間"]][bisect.bisect_right(spec.lows, row["所得割額"]) - 1]
    unlimited = spec.unlimited or row["所得割額"] < spec.threshold
    order = row["多子順位.全兄弟"] if unlimited else row["多子順位.未就学児"]
    if order >= 3:
        return 0
    return base // 2 // 10 * 10 if order == 2 else base


def ascii_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """W1 inputs under ASCII names, for engines whose identifiers are ASCII only."""
    return [{"income": r["所得割額"], "cert": r["認定"], "time": r["時間"],
             "welfare": r["生活保護世帯"], "nontax": r["非課税世帯"],
             "order_pre": r["多子順位.未就学児"], "order_all": r["多子順位.全兄弟"]} for r in rows]


def ternary_fee(spec: FeeSpec, *, orr: str, q: str, half10: Callable[[str], str]) -> str:
    """The W1 rule as one nested ternary (the shape zen, rule-engine and CEL share).

    ``orr`` is the language's "or", ``q`` its string quote, ``half10(x)`` its ``floor(x / 2, 10)``.
    """
    def chain(time_name: str) -> str:
        cells = spec.fee["3号", time_name]
        expr = str(cells[-1])
        for _, hi, i in reversed(list(spec.ranges())):
            if hi is not None:
                expr = f"(income < {hi} ? {cells[i]} : {expr})"
        return expr

    base = (f"(welfare {orr} nontax {orr} cert == {q}2号{q} ? 0 : "
            f"(time == {q}標準{q} ? {chain('標準')} : {chain('短時間')}))")
    order = ("order_all" if spec.unlimited
             else f"(income < {spec.threshold} ? order_all : order_pre)")
    return f"{order} >= 3 ? 0 : ({order} == 2 ? {half10(base)} : {base})"


def zen_fee_graph(spec: FeeSpec) -> dict[str, Any]:
    """The base fee as a decision table (the free tiers first, then one row per bracket and
    保育時間), the sibling reduction as an expression node."""
    blank = {"w": "", "n": "", "c": "", "t": "", "i": ""}
    rules = [{**blank, "_id": "welfare", "w": "true", "o": "0"},
             {**blank, "_id": "nontax", "n": "true", "o": "0"},
             {**blank, "_id": "cert2", "c": "'2号'", "o": "0"}]
    for lo, hi, i in spec.ranges():
        cond = f"[{lo}..{hi})" if hi is not None else f">= {lo}"
        rules.extend({**blank, "_id": f"b{i}{t}", "c": "'3号'", "t": f"'{t}'", "i": cond,
                      "o": str(spec.fee["3号", t][i])} for t in ("標準", "短時間"))
    order = ("order_all" if spec.unlimited
             else f"(income < {spec.threshold} ? order_all : order_pre)")
    # zen's `/` is exact decimal division: floor(base / 20) * 10 is floor(base / 2, 10).
    reduce = f"{order} >= 3 ? 0 : ({order} == 2 ? floor(base / 20) * 10 : base)"
    inputs = [("w", "welfare"), ("n", "nontax"), ("c", "cert"), ("t", "time"), ("i", "income")]
    return zen.graph(inputs, "base", rules, {"fee": reduce})


def json_logic_fee(spec: FeeSpec) -> dict[str, Any]:
    def var(name: str) -> dict[str, Any]:
        return {"var": name}

    def chain(t: str) -> dict[str, Any]:
        args: list[Any] = []
        for _, hi, i in spec.ranges():
            if hi is None:
                args.append(spec.fee["3号", t][i])
            else:
                args.extend([{"<": [var("income"), hi]}, spec.fee["3号", t][i]])
        return {"if": args}

    base = {"if": [{"or": [var("welfare"), var("nontax"), {"==": [var("cert"), "2号"]}]}, 0,
                   {"==": [var("time"), "標準"]}, chain("標準"), chain("短時間")]}
    order: Any = (var("order_all") if spec.unlimited else
                  {"if": [{"<": [var("income"), spec.threshold]}, var("order_all"),
                          var("order_pre")]})
    # floor(base / 2, 10) from JsonLogic's operators on whole yen: (base - base % 20) / 2.
    half = {"/": [{"-": [base, {"%": [base, 20]}]}, 2]}
    return {"if": [{">=": [order, 3]}, 0, {"==": [order, 2]}, half, base]}


def peers(spec: FeeSpec) -> Lineup:
    return (
        zen.lineup(jdm=zen_fee_graph(spec), result="fee",
                   expression=ternary_fee(spec, orr="or", q="'",
                                          half10=lambda x: f"floor({x} / 20) * 10"),
                   prepare=ascii_rows, sample=ascii_rows(fee_rows(300, seed=11)),
                   table_note=("JDM graph: first-hit decision table (base fee), expression node "
                               "(sibling reduction); `ZenDecision.evaluate`"),
                   expression_note="one nested ternary; `zen.compile_expression(…).evaluate`")
        + ruleengine.lineup(
            ternary_fee(spec, orr="or", q="'", half10=lambda x: f"{x} // 20 * 10"), ascii_rows,
            "one nested ternary; `Rule(text).evaluate(row)` (its numbers are Decimal)")
        + jsonlogic.lineup(json_logic_fee(spec), ascii_rows,
                           "nested `if`; `jsonLogic(rule, row)`")
        + cel.lineup(ternary_fee(spec, orr="||", q='"', half10=lambda x: f"{x} / 20 * 10"),
                     ascii_rows, ("one nested ternary in int arithmetic; `program.evaluate`, the "
                                  "rows converted to CEL values (`json_to_cel`) before timing"))
    )


# ---- the workload ------------------------------------------------------------------------------


def run(ctx: Context) -> Section:
    town = ctx.town
    engines = [
        Engine("hand-written Python (bisect)", list, per_row(fee_by_hand), "hand", all_rows=True,
               note="constants typed into the code"),
        Engine("hand-written Python, checking its inputs", list, per_row(fee_by_hand_checked),
               "info", all_rows=True, note=("for comparison: the same, refusing a float, a bool "
                                            "for a number or an unknown member first, as "
                                            "paramcfg does")),
        *paramcfg_engines(
            town, FEE_RULE,
            compiled_note="the raw function `Tenant.compiled(on).entries[rule](inputs, on)`",
            interpret_note="`Tenant.interpret`, the test oracle"),
    ]
    peer = peers(FeeSpec.of(town))
    rows = run_engines(engines + peer.engines, fee_rows(ctx.sizes.rows), ctx.sizes) + peer.absent
    return Section(KEY, ("W1 childcare fee (保育料.月額計算, 常陸大宮市: 9 tiers, 2 free by rule and 7 "
                         "brackets × 認定 × 保育時間; sibling reduction)"),
                   "evaluation", rows, notes=[
                       ("Peers read the same households under ASCII keys (prepared outside the "
                        "timing); their rules are generated from the town's profile values, so "
                        "every engine uses the same table. One household in five sits on or "
                        "just below a bracket boundary."), *peer.notes])


def profile(ctx: Context, households: int | None = None) -> None:
    """Where ``evaluate_many`` spends the time on ``households`` rows (default: W1's number);
    the rule is compiled before profiling."""
    rows = fee_rows(ctx.sizes.rows if households is None else households)
    ctx.town.evaluate_many(FEE_RULE, rows[:1], ON)
    print_profile(ctx.town.evaluate_many, FEE_RULE, rows, ON)
