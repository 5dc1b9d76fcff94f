"""W3 the national health insurance tax of a household (国保.年税額, 那珂市): a list of members,
aggregates, reductions, caps and the month-by-month care part, against a hand-written twin.

Beside the workload: its generator (:func:`nhi_rows`) and its hand-written twin
(:func:`nhi_by_hand`).  Peers are not run on W3 (issue 7 asks for hand-written Python only).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import paramcfg
from bench.harness import (
    ON,
    ROOT,
    Context,
    Engine,
    Section,
    paramcfg_engines,
    per_row,
    print_profile,
    rng,
    run_engines,
)

KEY = "W3"
NHI_RULE = "国保.年税額"

# 那珂市's NHI figures for FY2024 (tenant_profiles/naka.pcfg), typed into hand-written code; the
# law's figures from the core. The hand-written function is what a vendor would write from the
# same rules: one loop per part, the care part month by month.
NHI_TOWN = ROOT / "tenant_profiles" / "naka.pcfg"
NHI_PARTS = ("医療分", "支援金分", "介護分")
NHI_RATE = {"医療分": Decimal("0.064"), "支援金分": Decimal("0.024"), "介護分": Decimal("0.022")}
NHI_PER_MEMBER = {"医療分": 25_000, "支援金分": 10_000, "介護分": 12_000}
NHI_PER_HOUSEHOLD = {"医療分": 20_000, "支援金分": 8_000, "介護分": 6_000}
NHI_CAP = {"医療分": 650_000, "支援金分": 240_000, "介護分": 170_000}
NHI_BASIC, NHI_EARNER, NHI_ADD5, NHI_ADD2 = 430_000, 100_000, 295_000, 545_000  # FY2024
NHI_KEEP = (Decimal("0.3"), Decimal("0.5"), Decimal("0.8"), Decimal(1))  # after 7/5/2割, none
NHI_APRIL = dt.date(2024, 4, 1)
#: The first day of the month after each month of FY2024 (May 2024 … April 2025).
NHI_MONTH_ENDS = tuple(dt.date(2024 + (m < 5), m, 1) for m in (5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4))
#: 特定世帯 / 特定継続世帯: the share of the medical and support per-household amounts kept.
NHI_SPECIFIC = {"該当なし": Decimal(1), "特定世帯": Decimal("0.5"), "特定継続世帯": Decimal("0.75")}


# ---- the hand-written twin ---------------------------------------------------------------------


def _age(birth: dt.date, on: dt.date) -> int:
    years = on.year - birth.year
    return years - 1 if (on.month, on.day) < (birth.month, birth.day) else years


def _nhi_part(part: str, members: list[dict[str, Any]], keep: Decimal,
              specific: str = "該当なし") -> int:
    if not members:
        return 0
    base = sum(max(m["総所得金額等"] - NHI_BASIC, 0) for m in members)
    flat = NHI_PER_HOUSEHOLD[part] * (NHI_SPECIFIC[specific] if part != "介護分" else 1)
    amount = int(base * NHI_RATE[part]) + int(flat * keep)
    for m in members:
        per = int(NHI_PER_MEMBER[part] * keep)
        amount += per // 2 if _age(m["生年月日"], NHI_APRIL) < 6 else per  # preschool: half
    return min(amount, NHI_CAP[part])


def nhi_by_hand(row: dict[str, Any]) -> int:
    members = row["国保.被保険者"]
    judged = sum(m["軽減判定所得"] for m in members) + row["国保.被保険者以外の判定所得"]
    base7 = NHI_BASIC + NHI_EARNER * (max(row["国保.給与所得者等の数"], 1) - 1)
    n = len(members) + row["国保.特定同一世帯所属者数"]
    keep = NHI_KEEP[0 if judged <= base7 else 1 if judged <= base7 + NHI_ADD5 * n
                    else 2 if judged <= base7 + NHI_ADD2 * n else 3]
    specific = row["国保.特定世帯区分"]
    total = (_nhi_part("医療分", members, keep, specific) // 100 * 100
             + _nhi_part("支援金分", members, keep, specific) // 100 * 100)
    care = 0  # month by month: members aged 40-64 at the end of the month
    for first in NHI_MONTH_ENDS:
        care += _nhi_part("介護分", [m for m in members if 40 <= _age(m["生年月日"], first) < 65],
                          keep)
    return total + care // 1200 * 100


# ---- the generator -----------------------------------------------------------------------------


def nhi_rows(n: int, seed: int = 3) -> list[dict[str, Any]]:
    rnd = rng(seed)
    out = []
    for _ in range(n):
        members = []
        for _ in range(rnd.choice([1, 1, 2, 2, 3, 4, 5, 6])):
            u = rnd.random()
            income = (0 if u < 0.25 else rnd.randrange(0, 1_000_000) if u < 0.6
                      else rnd.randrange(0, 15_000_000))
            birth = dt.date(rnd.randrange(1950, 2024), rnd.randrange(1, 13), rnd.randrange(1, 29))
            judged = max(income - 150_000, 0) if _age(birth, NHI_APRIL) >= 65 else income
            members.append({"生年月日": birth, "総所得金額等": income, "軽減判定所得": judged})
        out.append({"国保.被保険者": members,
                    "国保.被保険者以外の判定所得": rnd.choice([0, 0, 0, rnd.randrange(0, 2_000_000)]),
                    "国保.特定同一世帯所属者数": rnd.choice([0, 0, 0, 1]),
                    "国保.給与所得者等の数": rnd.randrange(0, 4),
                    "国保.特定世帯区分": rnd.choice(["該当なし"] * 6 + ["特定世帯", "特定継続世帯"])})
    return out


# ---- the workload ------------------------------------------------------------------------------


def run(ctx: Context) -> Section:
    town = paramcfg.load_tenant(NHI_TOWN, ctx.core)
    engines = [
        Engine("hand-written Python (Decimal rates)", list, per_row(nhi_by_hand), "hand",
               all_rows=True, note="one loop over the members"),
        *paramcfg_engines(town, NHI_RULE),
    ]
    rows = run_engines(engines, nhi_rows(ctx.sizes.rows), ctx.sizes)
    return Section(KEY, "W3 national health insurance tax of a household (国保.年税額, 那珂市 "
                   "FY2024: 1–6 members, three parts, 7/5/2-割 reductions, preschool halving, "
                   "caps, care part month by month)", "household", rows, notes=[
                       ("The sample core's own rule (package_core/, section 5) with 那珂市's "
                       "figures; the hand-written twin is written from the same law in plain "
                       "Python (one loop per part, the care part month by month). Households "
                       "have members of every age, so some reach 40 or 65 during the year. Peers "
                       "are not run on W3: the issue asks for hand-written Python only.")])


def profile(ctx: Context) -> None:
    """Where ``evaluate_many`` spends the time (the rule is compiled before profiling)."""
    nhi = paramcfg.load_tenant(NHI_TOWN, ctx.core)
    rows = nhi_rows(ctx.sizes.rows)
    nhi.evaluate_many(NHI_RULE, rows[:1], ON)
    print_profile(nhi.evaluate_many, NHI_RULE, rows, ON)
