"""W2 fixed-asset tax (固定資産税.年税額): exemption threshold by asset kind, 1,000-yen and 100-yen
flooring, a Decimal rate.

Beside the workload: its generator (:func:`tax_rows`), its hand-written twins
(:func:`tax_by_hand`, :func:`tax_by_hand_int`) and the rule in each peer's language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bench.harness import (
    ON,
    Context,
    DisagreementError,
    Engine,
    Lineup,
    Section,
    exact_int,
    print_profile,
    rng,
    run_engines,
)
from bench.peers import cel, jsonlogic, ruleengine, zen

if TYPE_CHECKING:
    from collections.abc import Callable

KEY = "W2"
TAX_RULE = "固定資産税.年税額"
EXEMPT = {"土地": 300_000, "家屋": 200_000, "償却資産": 1_500_000}
TAX_RATE = Decimal("0.014")


# ---- the hand-written twins --------------------------------------------------------------------


def tax_by_hand(kind: str, base: int) -> int:
    """固定資産税 by hand: exemption threshold, 1,000-yen then 100-yen flooring, Decimal rate."""
    if base < EXEMPT[kind]:
        return 0
    return int(base // 1000 * 1000 * TAX_RATE) // 100 * 100


def tax_by_hand_int(kind: str, base: int) -> int:
    """The same with the rate as the integer ratio 14/1000 (no Decimal at all)."""
    if base < EXEMPT[kind]:
        return 0
    return base // 1000 * 14 // 100 * 100


# ---- the generator -----------------------------------------------------------------------------


def tax_rows(n: int, seed: int = 2) -> list[tuple[str, int]]:
    rnd = rng(seed)
    # Thresholds and their neighbours, and multiples of 50,000 yen (an exact multiple of 100 yen
    # of tax at 1.4%, where a float that lands just below would floor wrongly).
    edges = [x for v in EXEMPT.values() for x in (v - 1, v, v + 999, v + 1000)] + [0, 7_142_857]
    edges += [50_000 * j for j in range(1, 400)]
    out = []
    for _ in range(n):
        u = rnd.random()
        if u < 0.15:
            base = rnd.choice(edges)
        elif u < 0.6:
            base = rnd.randrange(0, 3_000_000)
        else:
            base = rnd.randrange(0, 200_000_000)
        out.append((rnd.choice(list(EXEMPT)), base))
    return out


def ascii_tax_rows(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"kind": k, "base": b} for k, b in rows]


# ---- the rule in the peers' languages ----------------------------------------------------------


def _float_answer(value: Any) -> int | None:
    try:
        return exact_int(value)
    except DisagreementError:
        return None


def _float_remark(rate: Decimal, threshold: Any, b1000: Any) -> Callable[[Callable[[Any, Any], Any]], str]:
    """How JsonLogic's binary floats round the tax written the natural way (a note): ``threshold``
    and ``b1000`` are the JsonLogic rule's exemption threshold and base floored to 1,000 yen."""
    num, den = rate.as_integer_ratio()

    def naive(with_rate: float) -> dict[str, Any]:
        tax = {"*": [b1000, with_rate]}
        return {"if": [{"<": [{"var": "base"}, threshold]}, 0, {"-": [tax, {"%": [tax, 100]}]}]}

    def remark(json_logic: Callable[[Any, Any], Any]) -> str:
        sample = tax_rows(20_000, seed=9)
        wrong = sum(1 for (k, b), r in zip(sample, ascii_tax_rows(sample), strict=True)
                    if _float_answer(json_logic(naive(float(rate)), r)) != tax_by_hand(k, b))
        other = Decimal("0.011")
        counter = next((b for b in range(1_000_000, 10_000_001, 1000)
                        if _float_answer(json_logic(naive(float(other)), {
                            "kind": "土地", "base": b})) != int(b * other) // 100 * 100), None)
        shown = ""
        if counter is not None:
            got = json_logic(naive(float(other)), {"kind": "土地", "base": counter})
            shown = (f"; at 1.1% the same float formula gives {got:,.0f}円 instead of "
                     f"{int(counter * other) // 100 * 100:,}円 for a tax base of {counter:,}円")
        return (f"JsonLogic computes in binary floats. Written the natural way (`base1000 * "
                f"{float(rate)}`, floored with `%`) it gave a wrong tax for {wrong:,} of 20,000 "
                f"sample rows at this town's {(rate * 100).normalize()}%{shown}. The JsonLogic "
                f"rule timed here therefore uses integer arithmetic (the rate as {num}/{den}), "
                "which is exact.")

    return remark


def peers(exempt: dict[str, int], rate: Decimal) -> Lineup:
    num, den = rate.as_integer_ratio()
    kinds = list(exempt)

    def threshold(q: str) -> str:
        expr = str(exempt[kinds[-1]])
        for k in reversed(kinds[:-1]):
            expr = f"(kind == {q}{k}{q} ? {exempt[k]} : {expr})"
        return expr

    def logic_threshold() -> Any:
        args: list[Any] = []
        for k in kinds[:-1]:
            args.extend([{"==": [{"var": "kind"}, k]}, exempt[k]])
        return {"if": [*args, exempt[kinds[-1]]]}

    # JsonLogic in integer arithmetic: base1000 = base - base % 1000; t = base1000 * num;
    # tax = (t - t % (den * 100)) / den, exact since the numerator is a multiple of den.
    b1000 = {"-": [{"var": "base"}, {"%": [{"var": "base"}, 1000]}]}
    scaled = {"*": [b1000, num]}
    exact = {"if": [{"<": [{"var": "base"}, logic_threshold()]}, 0,
                    {"/": [{"-": [scaled, {"%": [scaled, den * 100]}]}, den]}]}
    rules = [{"_id": k, "k": f"'{k}'", "o": str(v)} for k, v in exempt.items()]
    in_table = f"base < exempt ? 0 : floor(floor(base / 1000) * 1000 * {rate} / 100) * 100"
    return (
        zen.lineup(jdm=zen.graph([("k", "kind")], "exempt", rules, {"tax": in_table}),
                   result="tax",
                   expression=(f"base < {threshold(chr(39))} ? 0 : "
                               f"floor(floor(base / 1000) * 1000 * {rate} / 100) * 100"),
                   prepare=ascii_tax_rows, sample=ascii_tax_rows(tax_rows(300, seed=12)),
                   table_note=("decision table (免税点 by kind) → expression node; zen computes "
                               "in decimal and returns whole yen as float"),
                   expression_note="`floor(floor(base / 1000) * 1000 * 0.014 / 100) * 100`")
        + ruleengine.lineup(
            f"base < {threshold(chr(39))} ? 0 : (base // 1000 * 1000 * {rate}) // 100 * 100",
            ascii_tax_rows, "Decimal arithmetic, `//` to floor")
        + jsonlogic.lineup(exact, ascii_tax_rows, f"integer arithmetic, rate as {num}/{den}",
                           remark=_float_remark(rate, logic_threshold(), b1000))
        + cel.lineup(
            f"base < {threshold(chr(34))} ? 0 : base / 1000 * 1000 * {num} / {den} / 100 * 100",
            ascii_tax_rows, (f"CEL has no decimal type: int arithmetic, rate as {num}/{den}; "
                             "rows converted to CEL values before timing"),
            notes=[("CEL (cel-python) has ints and binary doubles only; the tax is written in "
                   "int arithmetic with the rate as an integer ratio.")])
    )


# ---- the workload ------------------------------------------------------------------------------


def run(ctx: Context) -> Section:
    town = ctx.town
    p = town.parameters(ON)
    table = p["固定資産税.免税点"]
    exempt = {k: table.lookup(k) for k in table.axes[0].key.members}
    rate = p["固定資産税.税率"]
    if exempt != EXEMPT or rate != TAX_RATE:
        raise DisagreementError(f"the profile's values changed: {exempt}, {rate}; update EXEMPT/TAX_RATE")
    compiled = town.compiled(ON).entries[TAX_RULE]
    none: dict[str, object] = {}

    def run_hand(data: list[Any]) -> list[Any]:
        return [tax_by_hand(k, b) for k, b in data]

    def run_hand_int(data: list[Any]) -> list[Any]:
        return [tax_by_hand_int(k, b) for k, b in data]

    def run_compiled(data: list[Any]) -> list[Any]:
        return [compiled(none, ON, k, b) for k, b in data]

    def run_evaluate(data: list[Any]) -> list[Any]:
        return [town.evaluate(TAX_RULE, none, ON, (k, b)) for k, b in data]

    def run_interpret(data: list[Any]) -> list[Any]:
        return [town.interpret(TAX_RULE, none, ON, (k, b)) for k, b in data]

    engines = [
        Engine("hand-written Python (Decimal)", list, run_hand, "hand", all_rows=True,
               note="`int(base // 1000 * 1000 * Decimal('0.014')) // 100 * 100`"),
        Engine("hand-written Python (int ratio)", list, run_hand_int, "info", all_rows=True,
               note="for comparison: the rate as 14/1000, no Decimal"),
        Engine("paramcfg compiled", list, run_compiled, "paramcfg", all_rows=True,
               note="`entries[rule]({}, on, 区分, 課税標準額)`"),
        Engine("paramcfg Tenant.evaluate", list, run_evaluate, "paramcfg", all_rows=True),
        Engine("paramcfg reference interpreter", list, run_interpret, "paramcfg"),
    ]
    peer = peers(exempt, rate)
    rows = run_engines(engines + peer.engines, tax_rows(ctx.sizes.rows), ctx.sizes) + peer.absent
    return Section(KEY, "W2 fixed-asset tax (固定資産税.年税額: 免税点, 1,000/100-yen flooring, "
                   "Decimal rate)", "evaluation", rows, notes=peer.notes)


def profile(ctx: Context) -> None:
    """Where ``Tenant.evaluate`` spends the time (the rule is compiled before profiling)."""
    town = ctx.town
    rows = tax_rows(ctx.sizes.rows)
    town.evaluate(TAX_RULE, {}, ON, rows[0])
    print_profile(lambda: [town.evaluate(TAX_RULE, {}, ON, r) for r in rows])
