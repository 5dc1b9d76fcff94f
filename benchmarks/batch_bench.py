"""The annual batch (issue 15): W8 columnar fee batch, W9 ``paramcfg batch`` end to end.

Self-contained (it does not import benchmarks/run.py), same methodology: every engine runs in
the same process and run as its baselines, on the same households; answers are checked against
the hand-written baseline before timing (a mismatch stops the run); times are medians of
interleaved passes of CPU time (``time.process_time``; W9: the command's user + system time,
its worker processes included, and its wall time).

    .venv/bin/pip install -e '.[batch]' openfisca-core     # the peers
    .venv/bin/python benchmarks/batch_bench.py             # 100,000 households; prints a table
    .venv/bin/python benchmarks/batch_bench.py --quick     # 2,000 households, seconds (CI)
    .venv/bin/python benchmarks/batch_bench.py --write     # and puts the section in RESULTS.md

- W8: 保育料.月額計算 of 常陸大宮市 over N households: a hand-written loop over row dicts; a bare
  numpy program (columns ready); OpenFisca's ``Simulation`` with the columns ready (a one-person
  entity, the fee as a formula over ``SingleAmountTaxScale``); paramcfg's ``evaluate_many``
  and ``evaluate_columns`` (Python lists, numpy columns ready, and the row loop forced).
- W9: ``paramcfg batch`` on N households from CSV to CSV, ``--jobs 1`` and ``--jobs 2``,
  against a hand-written ``csv`` loop (read, convert, compute, write) in one process.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import paramcfg
from paramcfg.columnar import evaluate_columns

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
TOWN = ROOT / "tenant_profiles" / "hitachiomiya.pcfg"
FEE = "保育料.月額計算"
ON = dt.date(2024, 6, 1)
HEAD = "## W8/W9 the annual batch (issue 15)"


def fee_spec(town: Any) -> tuple[tuple[int, ...], dict[tuple[str, str], tuple[int, ...]]]:
    p = town.parameters(ON)
    assert p["保育料.多子軽減"] == "制限なし", "the baselines are written for 多子軽減 = 制限なし"
    table = p["保育料.月額"]
    lows = tuple(table.brackets.lows)
    return lows, {(c, t): tuple(table.lookup(low, c, t) for low in lows)
                  for c in ("2号", "3号") for t in ("標準", "短時間")}


def households(n: int, lows: tuple[int, ...], seed: int = 4) -> list[dict[str, Any]]:
    rnd = random.Random(seed)  # noqa: S311 - test data
    edges = [x for low in lows[1:] for x in (low - 1, low)] + [0, 57_699, 57_700]
    out = []
    for _ in range(n):
        order = rnd.choice([1, 1, 2, 3])
        out.append({
            "所得割額": rnd.choice(edges) if rnd.random() < 0.2 else rnd.randrange(0, 600_000),
            "認定": rnd.choice(["2号", "3号", "3号"]), "時間": rnd.choice(["標準", "短時間"]),
            "生活保護世帯": rnd.random() < 0.05, "非課税世帯": rnd.random() < 0.1,
            "多子順位.未就学児": rnd.randint(1, order), "多子順位.全兄弟": order})
    return out


def make_by_hand(lows: tuple[int, ...], fees: dict[tuple[str, str], tuple[int, ...]]) -> Any:
    def fee_by_hand(row: dict[str, Any]) -> int:
        if row["生活保護世帯"] or row["非課税世帯"] or row["認定"] == "2号":
            return 0
        base = fees[row["認定"], row["時間"]][bisect.bisect_right(lows, row["所得割額"]) - 1]
        order = row["多子順位.全兄弟"]
        if order >= 3:
            return 0
        return base // 2 // 10 * 10 if order == 2 else base
    return fee_by_hand


# ---- W8 ----------------------------------------------------------------------------------------


def w8_engines(town: Any, rows: list[dict[str, Any]]) -> list[tuple[str, str, Any, Any]]:
    """(name, note, prepare, run): run(prepare()) gives one int per household."""
    lows, fees = fee_spec(town)
    by_hand = make_by_hand(lows, fees)
    python_columns = {k: [r[k] for r in rows] for k in rows[0]}
    engines: list[tuple[str, str, Any, Any]] = [
        ("hand-written loop", "`[fee_by_hand(row) for row in rows]`, row dicts",
         lambda: rows, lambda data: [by_hand(r) for r in data]),
        ("paramcfg Tenant.evaluate_many", "row dicts", lambda: rows,
         lambda data: town.evaluate_many(FEE, data, ON)),
        ("**paramcfg evaluate_columns** (Python lists)", "columns of Python values",
         lambda: python_columns, lambda data: evaluate_columns(town, FEE, data, ON).values),
        ("paramcfg evaluate_columns, row loop forced", ("`vectorise=False`: the compiled entry per "
                                                        "row (what runs without numpy)"),
         lambda: python_columns,
         lambda data: evaluate_columns(town, FEE, data, ON, vectorise=False).values),
    ]
    try:
        import numpy as np  # noqa: PLC0415 - optional
    except ImportError:
        return engines
    numpy_columns = {k: np.array(v) for k, v in python_columns.items()}
    engines.append(("**paramcfg evaluate_columns** (numpy columns ready)",
                    "int64, bool and str arrays; the result as a list of Python ints",
                    lambda: numpy_columns,
                    lambda data: evaluate_columns(town, FEE, data, ON).values))
    table = np.array([fees["3号", "標準"], fees["3号", "短時間"]], dtype=np.int64)
    lows_a = np.array(lows, dtype=np.int64)

    def bare(c: dict[str, Any]) -> Any:
        base = table[c["short"].astype(np.int64), np.searchsorted(lows_a, c["income"], "right") - 1]
        base = np.where(c["free"], 0, base)
        return np.where(c["order"] >= 3, 0, np.where(c["order"] == 2, base // 20 * 10, base))

    def np_columns() -> dict[str, Any]:
        return {"income": numpy_columns["所得割額"], "short": numpy_columns["時間"] == "短時間",
                "free": numpy_columns["生活保護世帯"] | numpy_columns["非課税世帯"]
                | (numpy_columns["認定"] == "2号"), "order": numpy_columns["多子順位.全兄弟"]}

    engines.append(("bare numpy scale", ("hand-written: fancy indexing + `searchsorted` + "
                                         "`where`, columns ready (booleans precomputed)"),
                    np_columns, bare))
    openfisca = openfisca_engine(lows, fees, np, np_columns)
    if openfisca is not None:
        engines.append(openfisca)
    return engines


def openfisca_engine(lows: tuple[int, ...], fees: dict[tuple[str, str], tuple[int, ...]], np: Any,
                     columns: Any) -> tuple[str, str, Any, Any] | None:
    try:
        from openfisca_core import (  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415
            entities,
            periods,
            taxbenefitsystems,
            taxscales,
        )
        from openfisca_core import variables as ofv  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415
        from openfisca_core.simulations import (  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415
            SimulationBuilder,
        )
    except ImportError:
        return None
    person = entities.build_entity(key="person", plural="persons", label="household",
                                   is_person=True)
    system = taxbenefitsystems.TaxBenefitSystem([person])
    scales = {}
    for t in ("標準", "短時間"):
        scale = taxscales.SingleAmountTaxScale()
        for low, fee in zip(lows, fees["3号", t], strict=True):
            scale.add_bracket(low, fee)
        scales[t] = scale

    def fee_formula(p: Any, period: Any) -> Any:
        income, short = p("income", period), p("short", period)
        free, order = p("free", period), p("order", period)
        base = np.where(short, scales["短時間"].calc(income), scales["標準"].calc(income))
        base = np.where(free, 0, base)
        return np.where(order >= 3, 0, np.where(order == 2, base // 20 * 10, base))

    month = periods.DateUnit.MONTH
    for name, kind, formula in (("income", int, None), ("short", bool, None),
                                ("free", bool, None), ("order", int, None),
                                ("fee", int, fee_formula)):
        body = {"value_type": kind, "entity": person, "definition_period": month, "label": name}
        if formula is not None:
            body["formula"] = formula
        system.add_variable(type(name, (ofv.Variable,), body))
    period = periods.period("2024-06")

    def simulate(c: dict[str, Any]) -> Any:
        sim = SimulationBuilder().build_default_simulation(system, count=len(c["income"]))
        for name, values in c.items():
            sim.set_input(name, period, values)
        return sim.calculate("fee", period)

    return ("OpenFisca `Simulation` (columns ready)",
            ("a one-person entity; `set_input` of the four columns + `calculate`; computes in "
             "int32/float32"), columns, simulate)


def w8(n: int, repeats: int, town: Any) -> list[tuple[str, float, str]]:
    rows = households(n, fee_spec(town)[0])
    engines = w8_engines(town, rows)
    want = engines[0][3](engines[0][2]())
    prepared = []
    for name, note, prepare, run in engines:
        data = prepare()
        got = [int(x) for x in run(data)]
        assert got == want, f"W8: {name} differs from the hand-written loop"
        prepared.append((name, note, data, run))
    times: dict[str, list[float]] = {name: [] for name, *_ in prepared}
    for _ in range(repeats):
        for name, _, data, run in prepared:
            start = time.process_time()
            run(data)
            times[name].append((time.process_time() - start) / n)
    return [(name, statistics.median(times[name]), note) for name, note, _, _ in prepared]


# ---- W9 ----------------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["世帯番号", *rows[0]])
        for i, r in enumerate(rows):
            writer.writerow([f"H{i:06d}", *(("true" if v else "false") if isinstance(v, bool)
                                            else v for v in r.values())])


def hand_csv(src: Path, out: Path, by_hand: Any) -> None:
    """The hand-written baseline: read, convert, compute and write, in one loop."""
    with src.open(encoding="utf-8", newline="") as f, out.open("w", encoding="utf-8",
                                                                 newline="") as g:
        reader, writer = csv.reader(f), csv.writer(g)
        header = next(reader)
        writer.writerow(["line", "世帯番号", FEE])
        for line, cells in enumerate(reader, 2):
            row: dict[str, Any] = dict(zip(header, cells, strict=True))
            row["所得割額"] = int(row["所得割額"])
            row["多子順位.全兄弟"] = int(row["多子順位.全兄弟"])
            row["生活保護世帯"] = row["生活保護世帯"] == "true"
            row["非課税世帯"] = row["非課税世帯"] == "true"
            writer.writerow([line, row["世帯番号"], by_hand(row)])


def timed_command(argv: list[str]) -> tuple[float, float]:
    """(CPU seconds of the command and its workers, wall seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime), wall


def w9(n: int, repeats: int, town: Any) -> list[tuple[str, float, float, str]]:
    lows, fees = fee_spec(town)
    by_hand = make_by_hand(lows, fees)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = folder / "households.csv"
        write_csv(src, households(n, lows, seed=9))
        hand_out = folder / "hand.csv"
        hand_csv(src, hand_out, by_hand)
        want = hand_out.read_text(encoding="utf-8")
        command = [sys.executable, "-m", "paramcfg", "batch", str(TOWN), FEE, "--inputs", str(src),
                   "--on", ON.isoformat(), "--keep", "世帯番号"]
        runs = {}
        for jobs in ("1", "2"):
            out = folder / f"out{jobs}.csv"
            runs[jobs] = [*command, "-o", str(out), "--jobs", jobs]
            subprocess.run(runs[jobs], check=True, stderr=subprocess.DEVNULL)  # noqa: S603
            assert out.read_text(encoding="utf-8") == want, f"W9: --jobs {jobs} differs"
        times: dict[str, list[tuple[float, float]]] = {"hand": [], "1": [], "2": []}
        for _ in range(repeats):
            start, wall = time.process_time(), time.perf_counter()
            hand_csv(src, hand_out, by_hand)
            times["hand"].append((time.process_time() - start, time.perf_counter() - wall))
            for jobs in ("1", "2"):
                times[jobs].append(timed_command(runs[jobs]))
    rows: list[tuple[str, float, float, str]] = []
    for key, name, note in (
            ("hand", "hand-written csv loop", "read, convert, compute, write; one process"),
            ("1", "**paramcfg batch --jobs 1**", ("the whole command: start-up, core and profile "
                                                 "check, CSV read with per-cell conversion, "
                                                 "evaluate_columns, atomic writes")),
            ("2", "**paramcfg batch --jobs 2**", ("the same, two worker processes (CPU: all "
                                                 "processes)"))):
        cpu = statistics.median(c for c, _ in times[key])
        wall = statistics.median(w for _, w in times[key])
        rows.append((name, cpu, wall, note))
    return rows


# ---- report ------------------------------------------------------------------------------------


def fmt(seconds: float) -> str:
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def report(n8: int, r8: list[tuple[str, float, str]], n9: int,
           r9: list[tuple[str, float, float, str]], took: float) -> str:
    hand = r8[0][1]
    peer = next((s for name, s, _ in r8 if name.startswith("OpenFisca")), None)
    lines = [HEAD, "", ("(Issue 15 names these rows W8 and W9; the release report of issue 11, "
                        "above, is also called W8.)"), "", (
             f"Written by `python benchmarks/batch_bench.py` on "
             f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC in {took:.0f} s; "
             f"{platform.python_implementation()} {platform.python_version()}, "
             f"{os.cpu_count()} logical CPUs shared with other work (load average at the end "
             f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}). CPU times, medians of "
             "interleaved passes; every engine's answers were checked against the hand-written "
             "baseline first."), "",
             f"### W8 columnar fee batch: {n8:,} households of 保育料.月額計算 (常陸大宮市)", "",
             ("| engine | CPU per household | ratio to hand-written loop | ratio to OpenFisca | "
              "notes |"), "|---|---:|---:|---:|---|"]
    for name, s, note in r8:
        vs_peer = f"{s / peer:.2f}×" if peer else "—"
        lines.append(f"| {name} | {fmt(s)} | {s / hand:.2f}× | {vs_peer} | {note} |")
    if peer is None:
        lines.append("| OpenFisca `Simulation` | — | — | — | not installed "
                     "(`pip install openfisca-core`) |")
    hand9 = r9[0][1]
    lines += ["", f"### W9 `paramcfg batch` end to end: {n9:,} households, CSV to CSV", "",
              "| command | CPU (all processes) | wall | CPU ratio to hand-written | notes |",
              "|---|---:|---:|---:|---|"]
    lines += [f"| {name} | {fmt(cpu)} | {fmt(wall)} | {cpu / hand9:.2f}× | {note} |"
              for name, cpu, wall, note in r9]
    ready = next(s for name, s, _ in r8 if "numpy columns ready" in name)
    lines += ["", "### Targets (issue 15)", "", "| target | measured | met |", "|---|---|---|"]
    if peer is None:
        lines.append(f"| W8 columnar fee batch ≤ OpenFisca's per-row time, exact | {fmt(ready)}; "
                     "OpenFisca not installed | not measured |")
    else:
        met = "**met**" if ready <= peer else "**not met**"
        lines.append(f"| W8 columnar fee batch ≤ OpenFisca's per-row time, exact | {fmt(ready)} vs "
                     f"{fmt(peer)} ({ready / peer:.2f}×), every row equal to the hand-written "
                     f"loop's | {met} |")
    lines += ["", NOTES]
    return "\n".join(lines) + "\n"


NOTES = """\
Where the time goes (cProfile and stage timings on this machine, 100,000 households):

- **W8, numpy columns ready.** About a fifth of the time is validating the two enum columns
  (each string matched by its UCS-4 code points against the two members), about a fifth is
  turning the int64 result into a list of Python ints (`tolist`, so that every value is an
  `int`, as `evaluate` gives), and the rest is the kernel: one numpy pass per node of the folded
  rule (look-up index, conditionals, floor), with the bad-row bookkeeping. The bare numpy
  program does none of the validation, keeps its result in numpy and fuses the booleans by
  hand. What would close the rest: an option to return the int64 array itself; categories given
  as codes (a pandas `Categorical`); fusing the kernel's passes.
- **W8, Python lists.** Most of the time is building the numpy columns from Python objects
  (`np.fromiter` per column, a type scan per column) and `tolist` at the end; the kernel itself
  is as above. Still faster than `evaluate_many`, which checks every input of every row.
- **W8, row loop forced** (no numpy): a row dict is built from the columns for each household
  and the compiled entry, with its input checks, runs per row; building the dicts costs as much
  as the entry. `evaluate_many` is the better call for rows already held as dicts.
- **W9.** About 0.5 s of CPU is fixed: start-up, loading and checking the core and the profile.
  Reading the CSV (the `csv` module, then each column converted in bulk), keeping each row's
  fields for the rejected file and `--keep`, and writing the results with the `csv` module take
  most of the rest; evaluating is a small part. `--jobs 2` does not pay at this size: the CSV is
  read and written in the parent, and each worker loads the tenant (a pickle of about 300 KB)
  and compiles the rule again; the parallel part is the evaluation only. It pays for a rule
  whose evaluation dominates (the NHI household, W3: ~90 µs a household).
"""


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8")
    if HEAD in old:
        before, _, rest = old.partition(HEAD)
        after = rest[rest.find("\n## ", 1) + 1:] if "\n## " in rest[1:] else ""
        old = before.rstrip("\n") + "\n\n" + after if after else before.rstrip("\n") + "\n"
    RESULTS.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="2,000 households, two passes")
    p.add_argument("--write", action="store_true", help="put the section into RESULTS.md")
    args = p.parse_args(argv)
    n, repeats, cli_repeats = (2_000, 2, 1) if args.quick else (100_000, 5, 3)
    started = time.perf_counter()
    town = paramcfg.load_tenant(TOWN, paramcfg.load_core(ROOT / "package_core"))
    r8 = w8(n, repeats, town)
    r9 = w9(n, cli_repeats, town)
    text = report(n, r8, n, r9, time.perf_counter() - started)
    print(text)
    if args.write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
