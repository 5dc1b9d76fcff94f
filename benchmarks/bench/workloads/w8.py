"""W8 the release report (issue 11) over every municipality of Japan — 1,741 towns.

Writes ``n`` tenant profiles, copies of the four sample towns, each with its own name and
地方公共団体コード (a valid check digit) and small variations (its fixed-asset tax rate; one town
in twenty still pinned to core 2024.4 with ``uses … == 2024.4``), then times the command a vendor
runs after a law revision::

    paramcfg release-report package_core/releases/2024.4 package_core TOWNS/

as a subprocess (start-up, loading both cores, checking every profile, rendering), wall-clock and
CPU time; and again against the current core with one more NHI part required from 2026-04-01
(:data:`REVISION`), so that every town must act and every profile is checked against both
cores.  ``benchmarks/release_towns.py`` runs the generator and the timer alone.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import statistics
import sys
from typing import TYPE_CHECKING

import paramcfg
from bench.harness import ROOT, Context, Row, Section, print_profile, timed_command, town_code

if TYPE_CHECKING:
    from pathlib import Path

KEY = "W8"
SAMPLES = sorted((ROOT / "tenant_profiles").glob("*.pcfg"))
OLD_CORE = ROOT / "package_core" / "releases" / "2024.4"
NEW_CORE = ROOT / "package_core"
TOWNS = 1_741  # municipalities of Japan (市区町村, 2024)

_HEADER = re.compile(r'^tenant "[^"]*" code [0-9]+$', re.MULTILINE)
_USES = re.compile(r'^uses "([^"]*)" >= ([0-9.]+)$', re.MULTILINE)
_RATE = re.compile(r"^(  固定資産税\.税率 = )1\.4%", re.MULTILINE)


# ---- the generator -----------------------------------------------------------------------------


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
        if not code.startswith("08"):  # only 茨城県's towns have a prefecture profile here
            text = text.replace('within "茨城県"\n', "\n", 1)
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


# ---- the timer ---------------------------------------------------------------------------------


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
        done, used, wall = timed_command(argv, env)
        walls.append(wall)
        cpus.append(used)
        if done.returncode not in {0, 1}:
            raise RuntimeError(f"release-report exited {done.returncode}: {done.stderr[-2000:]}")
    assert done is not None
    summary = next((line for line in done.stdout.splitlines() if line.startswith("Towns:")), "")
    towns = len(list(folder.rglob("*.pcfg")))
    return Measured(towns, statistics.median(walls), statistics.median(cpus), runs,
                    done.returncode, summary, len(done.stdout.encode("utf-8")))


# ---- the workload ------------------------------------------------------------------------------


def run(ctx: Context) -> Section:
    folder = ctx.tmp / "w8"
    generate(folder, ctx.sizes.tenants)
    runs = 1 if ctx.sizes.quick else 3
    current = measure(folder, runs=runs)
    revised = measure(folder, runs=runs, new_core=revised_core(ctx.tmp / "w8-core"))
    rows = [Row(f"`paramcfg release-report` over {m.towns:,} towns, {what} (whole command)",
                m.cpu, None, m.towns, "paramcfg",
                f"median of {m.runs} runs; {m.wall:,.2f} s wall; exit {m.exit_code}; "
                f"{m.output_bytes:,} bytes of report; {m.summary.removeprefix('Towns: ')}",
                f"{m.cpu:,.2f} s CPU")
            for what, m in (("current core", current),
                            ("current core + one NHI part required from 2026-04-01", revised))]
    return Section(KEY, f"W8 release report: core 2024.4 → current core, {current.towns:,} towns",
                   "run", rows, notes=[
                       ("Copies of the four sample towns, each with its own name, code (valid "
                        "check digit) and fixed-asset tax rate; one in twenty pinned with "
                        "`uses … == 2024.4`. The command reads and parses each profile once, "
                        "checks it against the new core, and against the old core only if the "
                        "new one finds an error: the second row, where every town has a value "
                        "to add, is the slowest case. Two worker processes (concurrent.futures, "
                        "half the towns each) were measured slower on this shared 2-core "
                        "machine: 24.4 s against 21.1 s wall for the second row at load average "
                        "1.5, 31.6 s against 25.6 s at load average 4 (each worker loads both "
                        "cores and sends its towns' findings back), so it runs in one process.")],
                   extra={"wall": max(current.wall, revised.wall),
                          "cpu": max(current.cpu, revised.cpu)})


def profile(ctx: Context) -> None:
    """Where ``release_report`` spends the time, in-process (start-up not included)."""
    from paramcfg.release import release_report  # noqa: PLC0415

    paths = generate(ctx.tmp / "w8", ctx.sizes.tenants)
    print_profile(release_report, paramcfg.load_core(OLD_CORE), ctx.core, paths)
