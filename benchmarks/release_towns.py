"""W8: the release report (issue 11) over every municipality of Japan — 1,741 towns.

Generates the towns and times ``paramcfg release-report`` over them, alone (the generator and
the timer live in ``bench/workloads/w8.py``; ``benchmarks/run.py`` runs them as workload W8)::

    .venv/bin/python benchmarks/release_towns.py              # 1,741 towns, three runs
    .venv/bin/python benchmarks/release_towns.py --towns 100 --keep /tmp/towns
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the `bench` package beside this file

from bench.harness import town_code
from bench.workloads.w8 import (
    NEW_CORE,
    OLD_CORE,
    REVISION,
    SAMPLES,
    TOWNS,
    Measured,
    generate,
    measure,
    revised_core,
)

__all__ = ["NEW_CORE", "OLD_CORE", "REVISION", "SAMPLES", "TOWNS", "Measured", "generate", "main",
           "measure", "revised_core", "town_code"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--towns", type=int, default=TOWNS, help="how many profiles (1,741)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the median is shown)")
    parser.add_argument("--keep", type=Path, help="write the profiles here and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="paramcfg-w8-") as tmp:
        folder = args.keep or Path(tmp) / "towns"
        generate(folder, args.towns)
        for label, core in (("current core", NEW_CORE),
                            ("with a revision", revised_core(Path(tmp) / "revised"))):
            m = measure(folder, args.runs, new_core=core)
            print(f"release-report over {m.towns:,} towns, {label}: {m.wall:.2f} s wall, "
                  f"{m.cpu:.2f} s CPU (median of {m.runs}); exit {m.exit_code}; "
                  f"{m.output_bytes:,} bytes of report")
            print(f"  {m.summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
