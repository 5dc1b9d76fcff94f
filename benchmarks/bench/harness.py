"""The measuring harness: sizes, engines, interleaved timing in one run, agreement checks.

Every workload builds a list of :class:`Engine` (the hand-written baseline first) and hands it to
:func:`run_engines`, which checks each engine's answers against the baseline's and then times
them all in interleaved passes, so that ratios are measured in the same run on the same load.
"""

from __future__ import annotations

import cProfile
import dataclasses
import datetime as dt
import gc
import io
import pstats
import random
import resource
import statistics
import subprocess
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

HERE = Path(__file__).resolve().parent.parent  # benchmarks/
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
ON = dt.date(2024, 6, 1)
TOWN = ROOT / "tenant_profiles" / "hitachiomiya.pcfg"


# ==============================================================================================
# Sizes
# ==============================================================================================


@dataclasses.dataclass(frozen=True)
class Sizes:
    quick: bool
    rows: int             # rows generated for W1-W3 (fast engines time all of them)
    pass_seconds: float   # slow engines time as many rows as fit in this per repeat
    min_rows: int         # ... but never fewer than this
    repeats: int
    batch: int            # W4 households
    batch_repeats: int
    params: int           # W5 parameters
    lines: int            # W5 second profile: lines
    cli_repeats: int      # W6
    tenants: int          # W7, W8


FULL = Sizes(quick=False, rows=20_000, pass_seconds=0.2, min_rows=500, repeats=11, batch=100_000,
             batch_repeats=5, params=3_069, lines=10_000, cli_repeats=15, tenants=1_741)
QUICK = Sizes(quick=True, rows=400, pass_seconds=0.01, min_rows=50, repeats=3, batch=2_000,
              batch_repeats=2, params=60, lines=200, cli_repeats=2, tenants=8)


@dataclasses.dataclass(frozen=True)
class Context:
    """What every workload gets: the sizes, a temporary folder, the sample core and town."""

    sizes: Sizes
    tmp: Path
    core: Any
    town: Any


# ==============================================================================================
# Engines, rows, sections
# ==============================================================================================


@dataclasses.dataclass
class Engine:
    """One way of computing a workload's answer: ``run(prepare(rows))`` gives one result per row.

    ``prepare`` turns the shared rows into the engine's own input form (ASCII keys, CEL values,
    numpy columns …) outside the timing; ``run`` is timed and returns the results.
    """

    name: str
    prepare: Callable[[list[Any]], Any]
    run: Callable[[Any], list[Any]]
    role: str = "peer"  # hand | paramcfg | peer | info
    note: str = ""
    normalise: Callable[[Any], Any] | None = None
    all_rows: bool = False  # time every row, however slow


@dataclasses.dataclass
class Row:
    """One line of a result table."""

    name: str
    seconds: float | None    # median per evaluation (or per run for W5/W6, per tenant for W7)
    ratio: float | None
    checked: int
    role: str
    note: str = ""
    figure: str = ""         # a figure that is not a time (W7 memory)


@dataclasses.dataclass
class Section:
    key: str
    title: str
    unit: str               # what `seconds` is per
    rows: list[Row]
    notes: list[str] = dataclasses.field(default_factory=list)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    checked: str = ""        # the heading of the "checked" column (default: "<unit>s checked")

    def row(self, name: str) -> Row | None:
        return next((r for r in self.rows if r.name == name), None)


@dataclasses.dataclass
class Lineup:
    """What the peer adapters bring to a workload: engines to time, rows for the peers that are
    not installed, and notes for the report.  Lineups add up."""

    engines: list[Engine] = dataclasses.field(default_factory=list)
    absent: list[Row] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def __add__(self, other: Lineup) -> Lineup:
        return Lineup(self.engines + other.engines, self.absent + other.absent,
                      self.notes + other.notes)


class DisagreementError(AssertionError):
    pass


# ==============================================================================================
# Measuring
# ==============================================================================================


def rng(seed: int) -> random.Random:
    """A seeded generator: every run measures the same rows."""
    return random.Random(seed)  # noqa: S311 - test data, not secrets


def exact_int(value: object) -> int:
    """A result as an exact ``int``; a fractional or non-numeric result is a wrong answer."""
    if isinstance(value, bool):
        raise DisagreementError(f"a bool where an amount was expected: {value!r}")
    if isinstance(value, int):
        return int(value)  # also CEL's IntType
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise DisagreementError(f"not a whole number of yen: {value!r}")


def cpu() -> float:
    """The process's CPU time: other processes sharing the machine do not inflate it (wall time
    would), so ratios measured on a busy machine stay fair."""
    return time.process_time()


def timed(run: Callable[[Any], list[Any]], data: Any) -> float:
    """CPU seconds of one ``run(data)``, with the cycle collector paused."""
    gc.collect()
    gc.disable()
    try:
        start = cpu()
        run(data)
        return cpu() - start
    finally:
        gc.enable()


def median_run(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The median CPU time of ``repeats`` calls after one warm-up call, and the last result."""
    result = fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        start = cpu()
        result = fn()
        times.append(cpu() - start)
    return statistics.median(times), result


def agree(name: str, got: Sequence[Any], expected: Sequence[Any], rows: Sequence[Any]) -> None:
    if len(got) != len(expected):
        raise DisagreementError(f"{name}: {len(got)} results for {len(expected)} rows")
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        if g != e:
            raise DisagreementError(f"{name} disagrees on row {i}: got {g!r}, expected {e!r}; "
                               f"row = {rows[i]!r}")


def prepare(engine: Engine, rows: list[Any], expected: list[Any], sizes: Sizes) -> tuple[Any, int]:
    """The engine's input for the rows it will time, after checking every one of its answers.

    Fast engines run every row; slow ones as many rows as fit in ``sizes.pass_seconds``.
    """
    n = len(rows)
    if not engine.all_rows:
        probe = rows[: min(n, 200)]
        data = engine.prepare(probe)
        engine.run(data)  # warm-up (lazy compilation, caches)
        per = max(timed(engine.run, data) / len(probe), 1e-9)
        n = max(min(n, int(sizes.pass_seconds / per)), min(sizes.min_rows, n))
    subset = rows[:n]
    data = engine.prepare(subset)
    got = engine.run(data)
    if engine.normalise is not None:
        got = [engine.normalise(g) for g in got]
    agree(engine.name, got, expected[:n], subset)
    return data, n


def run_engines(engines: list[Engine], rows: list[Any], sizes: Sizes) -> list[Row]:
    """Median time per evaluation of every engine; the first is the hand-written baseline,
    whose answers every other engine must reproduce.

    The passes are interleaved (one pass of each engine, then the next round), so that a change
    in the machine's load during the run hits every engine alike and the ratios stay fair.
    """
    hand = engines[0]
    expected = hand.run(hand.prepare(rows))
    ready = [(e, *prepare(e, rows, expected, sizes)) for e in engines]
    times: list[list[float]] = [[] for _ in engines]
    for _ in range(sizes.repeats):
        for i, (e, data, n) in enumerate(ready):
            times[i].append(timed(e.run, data) / n)
    out = [Row(e.name, statistics.median(t), None, n, e.role, e.note)
           for (e, _, n), t in zip(ready, times, strict=True)]
    base = out[0].seconds
    for r in out:
        r.ratio = r.seconds / base if (r.seconds is not None and base) else None
    return out


def per_row(fn: Callable[[Any], Any]) -> Callable[[list[Any]], list[Any]]:
    """A runner that calls ``fn`` once per row (a hand-written twin)."""
    def run(data: list[Any]) -> list[Any]:
        return [fn(r) for r in data]

    return run


def paramcfg_engines(town: Any, rule: str, *, compiled_note: str = "",
                     interpret_note: str = "") -> list[Engine]:
    """paramcfg's three ways of running ``rule`` on rows that are its inputs (a mapping each):
    the raw compiled entry, ``Tenant.evaluate`` and the reference interpreter (which times only
    as many rows as fit, being slow)."""
    compiled = town.compiled(ON).entries[rule]

    def run_compiled(data: list[Any]) -> list[Any]:
        return [compiled(r, ON) for r in data]

    def run_evaluate(data: list[Any]) -> list[Any]:
        return [town.evaluate(rule, r, ON) for r in data]

    def run_interpret(data: list[Any]) -> list[Any]:
        return [town.interpret(rule, r, ON) for r in data]

    return [
        Engine("paramcfg compiled", list, run_compiled, "paramcfg", all_rows=True,
               note=compiled_note),
        Engine("paramcfg Tenant.evaluate", list, run_evaluate, "paramcfg", all_rows=True),
        Engine("paramcfg reference interpreter", list, run_interpret, "paramcfg",
               note=interpret_note),
    ]


def timed_command(argv: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str],
                                                                  float, float]:
    """Run a command in the repository (output captured as text); with its CPU time (user +
    system, from ``getrusage``) and its wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def missing(name: str, why: str) -> Row:
    return Row(name, None, None, 0, "peer", why)


def print_profile(fn: Callable[..., Any], *args: Any, limit: int = 30) -> None:
    """Run ``fn(*args)`` under cProfile and print the heaviest functions, by own and by
    cumulative time (``run.py --profile W…``)."""
    prof = cProfile.Profile()
    prof.runcall(fn, *args)
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(limit)
        text = buf.getvalue()
        print(f"\n--- sorted by {key}\n" + text[text.find("   ncalls"):])


# ==============================================================================================
# Shared by the generators and the report
# ==============================================================================================


def town_code(first5: str) -> str:
    """``first5`` and its check digit, from ``paramcfg.check.code_check_digit``, its one owner."""
    from paramcfg.check import code_check_digit  # noqa: PLC0415 - keep the harness import light

    return first5 + str(code_check_digit(first5))


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1e-6:
        return f"{seconds * 1e9:,.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:,.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:,.1f} ms"
    return f"{seconds:,.2f} s"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio:,.2f}×" if ratio < 100 else f"{ratio:,.0f}×"
