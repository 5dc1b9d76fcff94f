"""paramcfg against hand-written Python and the rule engines a vendor would pick instead (issue 7).

One command runs every workload, each with paramcfg and its baselines in the same process and
run, checks that every engine gave the same answers (a mismatch stops the run), and writes
``benchmarks/RESULTS.md``::

    python3 -m venv .venv && .venv/bin/pip install -e '.[bench,batch]'   # + the peers, numpy
    .venv/bin/python benchmarks/run.py                # full run, a few minutes; writes RESULTS.md
    .venv/bin/python benchmarks/run.py --quick        # tiny sizes, seconds; writes nothing
    .venv/bin/python benchmarks/run.py --quick --only W9,W10   # the annual batch, seconds (CI)
    .venv/bin/python benchmarks/run.py --profile W5   # where the time goes (W1…W10)

Options: ``--quick`` (tiny sizes, still asserts agreement; writes RESULTS.md only with
``--output``), ``--only W1,W3`` (a subset), ``--output PATH``, ``--profile W…``.  A peer that is
not installed is reported as such, never faked.  :func:`smoke` is the quick run for a test.

Workloads:

- W1 childcare fee (保育料.月額計算, 常陸大宮市): tier lookup over a 7-bracket x 2 x 2 table with
  two free tiers and the sibling reduction.
- W2 fixed-asset tax (固定資産税.年税額): exemption threshold by asset kind, 1,000-yen and 100-yen
  flooring, a Decimal rate.
- W3 the national health insurance tax of a household (国保.年税額, 那珂市): a list of members,
  aggregates, reductions, caps and the month-by-month care part, against a hand-written twin.
- W4 batch: 100,000 households of W1 through ``Tenant.evaluate_many`` against a hand-written
  loop, and OpenFisca's vectorised single-amount scale on the same brackets.
- W5 parse + check of a generated profile with 3,069 parameters, and of one of 10,000 lines,
  against ``tomllib`` reading the same values from TOML.
- W6 CLI start-up: ``paramcfg check`` on one small profile against ``python -c pass`` and
  ``python -c "import lark, attrs, cattrs"`` (subprocesses, median of several runs).
- W7 scale: 1,741 generated tenants loaded into one core: memory per tenant (tracemalloc) and
  total load time.
- W8 release report (issue 11): ``paramcfg release-report`` from core 2024.4 to the current
  core over 1,741 generated towns (``benchmarks/release_towns.py``), the whole command timed.
- W9 columnar fee batch (issue 15): W1's fee over 100,000 households through
  ``evaluate_columns`` (numpy columns ready, Python lists, row loop forced) and
  ``evaluate_many``, against a hand-written loop, a bare numpy program and OpenFisca's
  ``Simulation`` with the columns ready; numpy rows need ``paramcfg[batch]``.
- W10 ``paramcfg batch`` end to end (issue 15): 100,000 households from CSV to CSV, ``--jobs 1``
  and ``--jobs 2``, against a hand-written ``csv`` loop (the whole command timed).

This file is the command line only: the harness, the peer adapters (one module per peer), the
workloads (one module per workload, with its generator and hand-written twin) and the report
are the package ``benchmarks/bench/``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the `bench` package beside this file

from bench.harness import (
    FULL,
    QUICK,
    RESULTS,
    ROOT,
    TOWN,
    Context,
    DisagreementError,
    Section,
    Sizes,
)
from bench.report import print_section, render, targets
from bench.workloads import MODULES, WORKLOADS

import paramcfg

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = ["WORKLOADS", "DisagreementError", "main", "profile", "run_all", "smoke"]


@contextlib.contextmanager
def _context(sizes: Sizes, prefix: str) -> Iterator[Context]:
    """The sample core and town, and a temporary folder that is removed afterwards."""
    core = paramcfg.load_core(ROOT / "package_core")
    town = paramcfg.load_tenant(TOWN, core)
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Context(sizes, Path(tmp), core, town)


def run_all(sizes: Sizes, only: Sequence[str] = WORKLOADS,
            echo: Callable[[Section], None] | None = None) -> dict[str, Section]:
    """Run the chosen workloads; raises :class:`DisagreementError` if any two engines differ."""
    sections: dict[str, Section] = {}
    with _context(sizes, "paramcfg-bench-") as ctx:
        for key in only:
            sections[key] = MODULES[key].run(ctx)
            if echo is not None:
                echo(sections[key])
    return sections


def smoke() -> dict[str, Section]:
    """The quick run on tiny sizes, for a test (a few seconds): every workload runs and every
    engine that is installed agrees (raises :class:`DisagreementError` otherwise).  Timings are
    not checked and nothing is written.  From a test::

        spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks/run.py")
        bench = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = bench  # dataclasses look their module up while it loads
        spec.loader.exec_module(bench)
        bench.smoke()
    """
    return run_all(QUICK)


def profile(key: str, sizes: Sizes) -> None:
    """Print where paramcfg spends the time (or memory) of one workload."""
    if key not in MODULES:
        raise SystemExit(f"unknown workload {key}; one of {', '.join(WORKLOADS)}")
    with _context(sizes, "paramcfg-profile-") as ctx:
        MODULES[key].profile(ctx)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes (seconds); still checks that the engines agree")
    parser.add_argument("--only", default=",".join(WORKLOADS),
                        help="comma-separated workloads to run (default: all)")
    parser.add_argument("--output", type=Path,
                        help="where to write the report (default: benchmarks/RESULTS.md for a "
                             "full run of every workload, nowhere otherwise)")
    parser.add_argument("--profile", metavar="W", help="profile one workload instead (W1…W10)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.profile:
        profile(args.profile.upper(), sizes)
        return 0
    only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = sorted(set(only) - set(WORKLOADS))
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}")
    start = time.perf_counter()
    sections = run_all(sizes, only, echo=print_section)
    elapsed = time.perf_counter() - start
    print("\n== targets")
    for t in targets(sections):
        met = "n/a" if t.met is None else "met" if t.met else "NOT MET"
        print(f"  {met:<8} {t.text}: {t.figure}")
    output = args.output
    if output is None and not args.quick and list(only) == list(WORKLOADS):
        output = RESULTS
    if output is not None:
        output.write_text(render(sections, sizes, elapsed), encoding="utf-8")
        print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
