"""W6 CLI start-up: ``paramcfg check`` on one small profile against ``python -c pass`` and
``python -c "import lark, attrs, cattrs"`` (subprocesses, median of several runs, interleaved).

The baseline is importing paramcfg's runtime dependencies alone (issue 15; issue 7 compared
with ``import lark, attrs``, still shown).  A clean check imports neither lark nor cattrs.
"""

from __future__ import annotations

import io
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.harness import (
    ROOT,
    TOWN,
    Context,
    DisagreementError,
    Row,
    Section,
    fmt_time,
    timed_command,
)

KEY = "W6"


def paramcfg_command() -> list[str]:
    script = shutil.which("paramcfg", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "paramcfg"]


def cli_env(tmp: Path) -> dict[str, str]:
    """The environment of W6's commands: warm bytecode for every module (in a private
    PYTHONPYCACHEPREFIX, so nothing is written beside the sources), English messages.  The
    analysed grammar ships inside the package (grammars/paramcfg.lark.json): no grammar cache."""
    env = {**os.environ, "PARAMCFG_LANG": "en", "PYTHONPYCACHEPREFIX": str(tmp / "w6-pycache")}
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    return env


def run(ctx: Context) -> Section:
    sizes = ctx.sizes
    env = cli_env(ctx.tmp)
    profile_path = str(TOWN.relative_to(ROOT))
    check = [*paramcfg_command(), "check", profile_path]
    main_name = f"paramcfg check {profile_path}"
    nocache = {k: v for k, v in env.items() if k != "PYTHONPYCACHEPREFIX"}
    nocache["PYTHONDONTWRITEBYTECODE"] = "1"
    # name → (argv, environment, role, note)
    commands: dict[str, tuple[list[str], dict[str, str], str, str]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], env, "info", ""),
        'python -c "import lark, attrs, cattrs"': (
            [sys.executable, "-c", "import lark, attrs, cattrs"], env, "hand",
            "paramcfg's runtime dependencies alone (the baseline of issue 15)"),
        'python -c "import lark, attrs"': ([sys.executable, "-c", "import lark, attrs"], env,
                                           "info", "the parsing dependencies alone (issue 7)"),
        main_name: (check, env, "paramcfg", "warm bytecode; the shipped analysed grammar"),
        f"{main_name}, PYTHONDONTWRITEBYTECODE=1": (check, nocache, "info", (
            "bytecode only where pip wrote it: an editable install's modules are compiled at "
            "every start, as in this sandbox, which sets PYTHONDONTWRITEBYTECODE=1")),
    }

    def once(argv: list[str], environ: dict[str, str]) -> tuple[float, float]:
        """(CPU time, wall time) of one run of the command."""
        done, used, wall = timed_command(argv, environ)
        if done.returncode != 0 or (argv[-1] == profile_path and ": clean" not in done.stdout):
            raise DisagreementError(f"{argv}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
        return used, wall

    for argv, environ, _, _ in commands.values():
        once(argv, environ)  # warm the file cache and the bytecode cache
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
    for _ in range(sizes.cli_repeats):  # interleaved, so drift hits every command alike
        for name, (argv, environ, _, _) in commands.items():
            times[name].append(once(argv, environ))
    med = {k: statistics.median(c for c, _ in v) for k, v in times.items()}
    wall = {k: statistics.median(w for _, w in v) for k, v in times.items()}
    base = med['python -c "import lark, attrs, cattrs"']
    rows = [Row(name, med[name], med[name] / base, sizes.cli_repeats, role,
                f"wall {fmt_time(wall[name])}" + (f"; {note}" if note else ""))
            for name, (_, _, role, note) in commands.items()]
    return Section(KEY, "W6 CLI start-up (CPU time of a subprocess, median; ratio to "
                   '`python -c "import lark, attrs, cattrs"`)', "run", rows, notes=[
                       (f"Each command ran {sizes.cli_repeats} times, interleaved, after one "
                        "warm-up run, with the same Python; bytecode is cached in a temporary "
                        "PYTHONPYCACHEPREFIX; the analysed grammar ships in the package. "
                        "`paramcfg check` must print `clean`.")],
                   checked="runs")


def profile(ctx: Context) -> None:
    """Import times (``python -X importtime``) and the whole command under cProfile."""
    profile_path = str(TOWN.relative_to(ROOT))
    env = cli_env(ctx.tmp)
    argv = [sys.executable, "-m", "paramcfg", "check", profile_path]
    subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)  # noqa: S603 - warm
    done = subprocess.run([sys.executable, "-X", "importtime", *argv[1:]], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, check=False)
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), int(m.group(1)), len(m.group(3)), m.group(4)))
    total = sum(self_us for _, self_us, _, _ in rows)
    print(f"imports: {len(rows)} modules, {total / 1000:.1f} ms self time in total")
    print(f"{'cumulative ms':>14} {'self ms':>8}  module (top-level imports and the heaviest)")
    for cum, self_us, depth, name in sorted(rows, reverse=True)[:40]:
        print(f"{cum / 1000:14.1f} {self_us / 1000:8.1f}  {'  ' * (depth // 2)}{name}")
    prof_file = ctx.tmp / "paramcfg-cli.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof_file), *argv[1:]],  # noqa: S603
                   cwd=ROOT, env=env, capture_output=True, check=False)
    buf = io.StringIO()
    pstats.Stats(str(prof_file), stream=buf).strip_dirs().sort_stats("cumulative").print_stats(40)
    text = buf.getvalue()
    print("\n--- the whole command under cProfile, by cumulative time\n"
          + text[text.find("   ncalls"):])
