"""W8: the release report (issue 11) over every municipality of Japan — 1,741 towns.

Writes ``n`` tenant profiles, copies of the four sample towns, each with its own name and
地方公共団体コード (a valid check digit) and small variations (its fixed-asset tax rate; one town
in twenty still pinned to core 2024.4 with ``uses … == 2024.4``), then times the command a vendor
runs after a law revision::

    paramcfg release-report package_core/releases/2024.4 package_core TOWNS/

as a subprocess (start-up, loading both cores, checking every profile, rendering), wall-clock and
CPU time; and again against the current core with one more NHI part required from 2026-04-01
(:data:`REVISION`), so that every town must act and every profile is checked against both
cores.  ``benchmarks/run.py`` runs it as workload W8; alone::

    .venv/bin/python benchmarks/release_towns.py              # 1,741 towns, three runs
    .venv/bin/python benchmarks/release_towns.py --towns 100 --keep /tmp/towns
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from paramcfg.check import code_check_digit

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "tenant_profiles").glob("*.pcfg"))
OLD_CORE = ROOT / "package_core" / "releases" / "2024.4"
NEW_CORE = ROOT / "package_core"
TOWNS = 1_741  # municipalities of Japan (市区町村, 2024)

_HEADER = re.compile(r'^tenant "[^"]*" code [0-9]+$', re.MULTILINE)
_USES = re.compile(r'^uses "([^"]*)" >= ([0-9.]+)$', re.MULTILINE)
_RATE = re.compile(r"^(  固定資産税\.税率 = )1\.4%", re.MULTILINE)


def town_code(first5: str) -> str:
    """``first5`` and its check digit."""
    return first5 + str(code_check_digit(first5))


def generate(folder: Path, n: int = TOWNS, seed: int = 11) -> list[Path]:
    """``n`` profiles in ``folder``: the sample towns in turn, renamed and varied."""
    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        text = texts[i % len(texts)]
        code = town_code(f"{1 + i % 47:02d}{100 + i // 47:03d}")
        name = f"試験町{i + 1:04d}"
        text = _HEADER.sub(f'tenant "{name}" code {code}', text, count=1)
        if i % 20 == 19:  # pinned to the release it was written for
            text = _USES.sub(r'uses "\1" == 2024.4', text, count=1)
        text = _RATE.sub(lambda m: m.group(1) + rnd.choice(["1.4%", "1.5%", "1.6%"]), text,
                         count=1)
        path = folder / f"{code}.pcfg"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


#: A revision every town must act on: one more NHI rate,
#: required from 2026-04-01, so that every town has a value to add (the slowest case: each
#: profile is then checked against both cores).
REVISION = """
param 国保.ベンチマーク加算.所得割率 : rate
  required from 2026-04-01
  min 0%
  max 100%
  label "ベンチマーク用の追加の税率（どの町も未設定）"

"""


def revised_core(folder: Path) -> Path:
    """The current core with :data:`REVISION` added before its dated blocks, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(NEW_CORE.glob("*.pcore")):
        text = source.read_text(encoding="utf-8")
        at = re.search(r"^from ", text, re.MULTILINE)
        cut = at.start() if at else len(text)
        (folder / source.name).write_text(text[:cut] + REVISION + text[cut:], encoding="utf-8")
    return folder


@dataclasses.dataclass
class Measured:
    towns: int
    wall: float  # median seconds, whole command
    cpu: float  # median user + system seconds of the command
    runs: int
    exit_code: int
    summary: str  # the report's town summary line
    output_bytes: int


def measure(folder: Path, runs: int = 3, fmt: str = "text",
            new_core: Path = NEW_CORE) -> Measured:
    """Time ``paramcfg release-report`` over ``folder`` ``runs`` times (medians)."""
    argv = [sys.executable, "-m", "paramcfg", "release-report", str(OLD_CORE), str(new_core),
            str(folder), "--format", fmt, "--lang", "en"]
    env = {**os.environ, "PARAMCFG_LANG": "en"}
    walls, cpus = [], []
    done = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                              check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode not in {0, 1}:
            raise RuntimeError(f"release-report exited {done.returncode}: {done.stderr[-2000:]}")
    assert done is not None
    summary = next((line for line in done.stdout.splitlines() if line.startswith("Towns:")), "")
    towns = len(list(folder.rglob("*.pcfg")))
    return Measured(towns, statistics.median(walls), statistics.median(cpus), runs,
                    done.returncode, summary, len(done.stdout.encode("utf-8")))


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
