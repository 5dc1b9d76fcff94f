"""First measurement: the compiled childcare rule against the same rule written by hand.

Run: python benchmarks/first_measurement.py  (prints the median time per evaluation of each and
their ratio, measured in one run; both must give the same fee for every row).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import statistics
import time
from pathlib import Path

import paramcfg

ROOT = Path(__file__).resolve().parent.parent
ON = dt.date(2024, 6, 1)

# 常陸大宮市's 3号 table, from its profile: lower bounds and fees by (認定, 時間).
LOWS = (0, 48_600, 97_000, 169_000, 235_000, 301_000, 397_000)
FEES = {
    ("3号", "標準"): (5_800, 9_000, 13_300, 24_400, 30_500, 40_000, 52_000),
    ("3号", "短時間"): (5_700, 8_800, 13_000, 23_900, 30_000, 39_300, 51_100),
    ("2号", "標準"): (5_600, 8_700, 12_800, 23_000, 29_000, 38_000, 49_500),
    ("2号", "短時間"): (5_500, 8_500, 12_500, 22_500, 28_500, 37_400, 48_700),
}


def by_hand(row: dict[str, object]) -> int:
    """The same rule, as a vendor would write it in Python (the city's own sibling rule)."""
    if row["生活保護世帯"] or row["非課税世帯"] or row["認定"] == "2号":
        return 0
    income = row["所得割額"]
    base = FEES[(row["認定"], row["時間"])][bisect.bisect_right(LOWS, income) - 1]
    order = row["多子順位.全兄弟"]  # 制限なし: siblings of any age count
    if order >= 3:
        return 0
    if order == 2:
        return base // 2 // 10 * 10
    return base


def rows(n: int) -> list[dict[str, object]]:
    rnd = random.Random(1)
    return [{
        "所得割額": rnd.randrange(0, 600_000), "認定": rnd.choice(["2号", "3号"]),
        "時間": rnd.choice(["標準", "短時間"]), "生活保護世帯": rnd.random() < 0.05,
        "非課税世帯": rnd.random() < 0.1, "多子順位.未就学児": 1,
        "多子順位.全兄弟": rnd.choice([1, 1, 2, 3]),
    } for _ in range(n)]


def median_per_call(fn, data, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for row in data:
            fn(row)
        times.append((time.perf_counter() - start) / len(data))
    return statistics.median(times)


def main() -> None:
    core = paramcfg.load_core(ROOT / "package_core")
    town = paramcfg.load_tenant(ROOT / "tenant_profiles" / "hitachiomiya.pcfg", core)
    data = rows(20_000)
    compiled = town.compiled(ON).entries["保育料.月額計算"]
    assert [compiled(r, ON) for r in data] == [by_hand(r) for r in data]
    hand = median_per_call(by_hand, data)
    comp = median_per_call(lambda r: compiled(r, ON), data)
    api = median_per_call(lambda r: town.evaluate("保育料.月額計算", r, ON), data)
    interp = median_per_call(lambda r: town.interpret("保育料.月額計算", r, ON), data[:2000], 3)
    print(f"hand-written Python      {hand * 1e9:8.0f} ns/eval   1.00x")
    print(f"paramcfg compiled        {comp * 1e9:8.0f} ns/eval   {comp / hand:.2f}x")
    print(f"paramcfg Tenant.evaluate {api * 1e9:8.0f} ns/eval   {api / hand:.2f}x")
    print(f"paramcfg interpreter     {interp * 1e9:8.0f} ns/eval   {interp / hand:.2f}x")


if __name__ == "__main__":
    main()
