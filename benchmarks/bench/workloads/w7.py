"""W7 scale: 1,741 generated tenants loaded into one core: memory per tenant (tracemalloc) and
total load time, every tenant's W1 answers checked; then the NHI household rule (W3's) compiled
in every tenant (issue 15 item 6): memory per tenant, first evaluations, compiled modules shared.

Beside the workload: its generator (:func:`generate_towns`); the hand-written twin is W1's rule
for any town's values (:func:`bench.workloads.w1.fee_general`).
"""

from __future__ import annotations

import gc
import tracemalloc
from decimal import Decimal
from typing import TYPE_CHECKING

import paramcfg
from bench.harness import ON, Context, DisagreementError, Row, Section, agree, cpu, rng, town_code
from bench.workloads.w1 import FEE_RULE, FeeSpec, fee_general, fee_rows
from bench.workloads.w3 import NHI_CAP, NHI_PARTS, NHI_RULE, nhi_rows

if TYPE_CHECKING:
    from pathlib import Path

KEY = "W7"
NOTICES = ("固定資産税.納税通知書", "住民税.納税通知書", "軽自動車税.納税通知書", "国保.納税通知書",
           "介護.納入通知書")


def generate_towns(folder: Path, n: int, spec: FeeSpec, seed: int = 7) -> list[tuple[Path, FeeSpec]]:
    """``n`` profiles of the sample core, each with its own code, name, fees and options."""
    rnd = rng(seed)
    folder.mkdir()
    out = []
    columns = [("3号", "標準"), ("3号", "短時間"), ("2号", "標準"), ("2号", "短時間")]
    for i in range(n):
        code = town_code(f"{1 + i % 47:02d}{100 + i // 47:03d}")
        name = f"試験市{i:04d}"
        factor = Decimal(rnd.randrange(850, 1001)) / 1000
        fee = {k: tuple(int(v * factor) // 100 * 100 for v in cells) for k, cells in spec.fee.items()}
        unlimited = rnd.random() < 0.5
        rows = []
        for lo, hi, j in spec.ranges():
            key = f"< {hi:,}円" if hi is not None else f">= {lo:,}円"
            rows.append(f"    | {key} | " + " | ".join(f"{fee[c][j]:,}円" for c in columns) + " |")
        text = "\n".join([
            f'tenant "{name}" code {code}', 'uses "ibaraki-cloud" >= 2024.4', "",
            "from 2024-04-01", "  保育料.月額 =",
            "    | 所得割額 | 3号 標準 | 3号 短時間 | 2号 標準 | 2号 短時間 |", *rows,
            f"  保育料.多子軽減 = {'制限なし' if unlimited else '国の基準'}",
            f"  固定資産税.税率 = {rnd.choice(['1.4%', '1.5%', '1.6%'])}",
            # one town in ten without the per-household part (another shape of the NHI rule)
            *(["  国保.賦課方式 = 二方式"] if i % 10 == 9 else []),
            "  固定資産税.納期限 = [4月30日, 7月31日, 12月25日, 2月末日]",
            f"  住民税.級地 = {rnd.choice(['1級地', '2級地', '3級地'])}",
            "  国保.所得割率 =", "    | 国保区分 | 率 |",
            *(f"    | {part} | {rnd.randrange(150, 800) / 100}% |" for part in NHI_PARTS),
            "  国保.均等割額 =", "    | 国保区分 | 額 |",
            *(f"    | {part} | {rnd.randrange(50, 350) * 100:,}円 |" for part in NHI_PARTS),
            "  国保.課税限度額 =", "    | 国保区分 | 額 |",
            *(f"    | {part} | {NHI_CAP[part]:,}円 |" for part in NHI_PARTS),  # FY2024
            f"  介護.基準額 = {rnd.randrange(5400, 8400) * 10:,}円",
            f'  通知書.発行者 = "{name}長"', '  通知書.首長名 = "試験 太郎"',
            *(line for notice in NOTICES for line in (
                f"  {notice} = {{", f'    表題 = "{notice}"', f'    問合せ先 = "{name} 税務課"', "  }")),
            # core 2026.4 requires the NHI support levy's values from FY2026
            "", "from 2026-04-01",
            f"  国保.子ども支援分.所得割率 = {rnd.randrange(20, 60) / 100}%",
            f"  国保.子ども支援分.均等割額 = {rnd.randrange(10, 30) * 100:,}円",
            "  国保.子ども支援分.課税限度額 = 30,000円",
            ""])
        path = folder / f"{code}.pcfg"
        path.write_text(text, encoding="utf-8")
        out.append((path, FeeSpec(spec.lows, fee, unlimited, spec.threshold)))
    return out


def run(ctx: Context) -> Section:
    core = ctx.core
    towns = generate_towns(ctx.tmp / "w7", ctx.sizes.tenants, FeeSpec.of(ctx.town))
    paths = [p for p, _ in towns]
    gc.collect()
    start = cpu()
    tenants = [paramcfg.load_tenant(p, core) for p in paths]
    load_time = cpu() - start
    bad = [t.check_result for t in tenants if t.check_result.diagnostics]
    if bad:
        raise DisagreementError(f"W7: {bad[0].path}: {bad[0].diagnostics[0].message()}")
    sample = fee_rows(50, seed=8)
    start = cpu()
    for t, (_, spec) in zip(tenants, towns, strict=True):
        got = [t.evaluate(FEE_RULE, r, ON) for r in sample]
        agree(f"W7 {t.name}", got, [fee_general(spec, r) for r in sample], sample)
    first_eval_time = cpu() - start
    del tenants
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tenants = [paramcfg.load_tenant(p, core) for p in paths]
    gc.collect()
    loaded = tracemalloc.get_traced_memory()[0]
    for t in tenants:
        t.evaluate(FEE_RULE, sample[0], ON)
    gc.collect()
    compiled = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    n = len(tenants)
    per_loaded = (loaded - before) / n
    per_compiled = (compiled - before) / n
    del tenants
    nhi = _nhi(core, paths)
    rows = [
        Row("memory per tenant, loaded", None, None, n, "paramcfg",
            "tracemalloc, after `load_tenant` of every tenant", f"{per_loaded / 1024:,.1f} KiB"),
        Row("memory per tenant, loaded + one period compiled", None, None, n, "info",
            "after one `evaluate` of W1 in each tenant", f"{per_compiled / 1024:,.1f} KiB"),
        Row("load time per tenant", load_time / n, None, n, "paramcfg",
            f"total {load_time:,.2f} s for {n:,} tenants (`load_tenant`: read, parse, check)"),
        Row("first evaluation per tenant (compile one period + 50 rows)", first_eval_time / n,
            None, n, "info", f"total {first_eval_time:,.2f} s"),
        Row("memory per tenant, loaded + NHI household rule compiled", None, None, n, "paramcfg",
            "tracemalloc, after one `evaluate` of W3's 国保.年税額 in each tenant (no W1)",
            f"{nhi['per_nhi'] / 1024:,.1f} KiB"),
        Row("first NHI evaluation per tenant (compile + 1 household)", nhi["time"] / n, None, n,
            "paramcfg", f"total {nhi['time']:,.2f} s; {nhi['modules']} compiled module(s) "
            f"shared by the {n:,} tenants; each answer equal to the reference interpreter's"),
    ]
    return Section(KEY, f"W7 scale: {n:,} generated tenants in one core (ibaraki-cloud)",
                   "tenant", rows, notes=[
                       ("Each generated profile has its own code (valid check digit), name, fee "
                       "table (the sample town's scaled by 0.85–1.00), 多子軽減 option and tax "
                       "rate; each tenant's W1 answers on 50 households are checked against a "
                       "hand-written rule fed with that tenant's table.")],
                   extra={"per_loaded": per_loaded, "per_compiled": per_compiled,
                          "load_time": load_time, **nhi})


def _nhi(core: paramcfg.CoreResult, paths: list[Path]) -> dict[str, float]:
    """The NHI household rule in every tenant: the CPU time of the first evaluations (each
    compiles the rule for its tenant, or binds the module an identical tenant compiled), the
    memory kept per tenant (loaded + compiled), and how many compiled modules they share."""
    household = nhi_rows(1, seed=9)[0]
    tenants = [paramcfg.load_tenant(p, core) for p in paths]
    gc.collect()
    start = cpu()
    got = [t.evaluate(NHI_RULE, household, ON) for t in tenants]
    first = cpu() - start
    for t, value in zip(tenants, got, strict=True):  # the oracle, outside the timing
        agree(f"W7 NHI {t.name}", [value], [t.interpret(NHI_RULE, household, ON)], [household])
    modules = len({t._entry(NHI_RULE, ON).__code__.co_filename for t in tenants})
    del tenants, got
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tenants = [paramcfg.load_tenant(p, core) for p in paths]
    for t in tenants:
        t.evaluate(NHI_RULE, household, ON)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"time": first, "per_nhi": (after - before) / len(tenants), "modules": modules}


def profile(ctx: Context) -> None:
    """The memory kept by the loaded tenants, by line and by traceback."""
    towns = generate_towns(ctx.tmp / "w7", ctx.sizes.tenants, FeeSpec.of(ctx.town))
    gc.collect()
    tracemalloc.start(25)
    first = tracemalloc.take_snapshot()
    tenants = [paramcfg.load_tenant(p, ctx.core) for p, _ in towns]
    gc.collect()
    second = tracemalloc.take_snapshot()
    n = len(tenants)
    for group in ("lineno", "traceback"):
        stats = second.compare_to(first, group)
        total = sum(s.size_diff for s in stats)
        print(f"\n--- memory kept by {n:,} loaded tenants, by {group}: "
              f"{total / n / 1024:,.1f} KiB per tenant")
        for s in stats[: 15 if group == "lineno" else 6]:
            print(f"{s.size_diff / n / 1024:8.1f} KiB/tenant {s.count_diff / n:8.0f} blocks/tenant")
            frames = s.traceback.format(limit=1 if group == "lineno" else 8, most_recent_first=True)
            print("    " + "\n    ".join(f.strip() for f in frames if f.strip()))
    tracemalloc.stop()
    del tenants
