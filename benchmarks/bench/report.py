"""The report: the targets of issue 7 (and issues 11 and 15) from the measured sections, the console
summary, and the writer of ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from bench.harness import ROOT, Section, Sizes, fmt_ratio, fmt_time
from bench.peers.openfisca import SIMULATION
from bench.workloads.w9 import COLUMNS_READY

#: The distributions measured for the library-versions line of RESULTS.md.
DISTRIBUTIONS = ("paramcfg", "lark", "attrs", "cattrs", "tomli-w", "zen-engine", "rule-engine",
                 "panzi-json-logic", "cel-python", "openfisca-core", "numpy")


@dataclasses.dataclass
class Target:
    text: str
    figure: str
    met: bool | None  # None: could not be measured (a peer is missing)


#: Why a target is not met, from the profiles (``--profile W…``) taken when it was worked on.
#: Printed under the table for each target the run finds not met.
WHY_NOT_MET: dict[str, str] = {
    "W1 compiled ≤": (
        "**W1.** What is left is checking the inputs. The generated entry checks each of the "
        "household's seven inputs (`type(x) is int` for amounts and counts, `is` tests for the "
        "two booleans, membership for the two enums) before it computes, so that a float or an "
        "unknown member is refused, never turned into a wrong fee; the hand-written function "
        "checks nothing. Timed in one run, the generated entry took 327 ns, the same entry "
        "with only its input checks deleted 231 ns (1.33× the hand-written 174 ns). Each "
        "check is already the cheapest exact test CPython 3.11 has (alternatives measured: "
        "chained `is`, `itemgetter` + `map(type, …)`, closures, literal constants — none "
        "faster). Reaching 1.5× would need the fetch-and-check in C (an extension module) or "
        "a caller trusted to pass exact types; neither is done. The row *hand-written Python, "
        "checking its inputs* shows the fair comparison: the same hand-written function made "
        "to refuse what paramcfg refuses takes as long as paramcfg's compiled rule (within a "
        "few per cent, one way or the other from run to run)."),
    "W3 NHI household": (
        "**W3.** Issue 15 shared sub-rule results within an evaluation, generated the member "
        "list's input check, rounds an amount times a run-time rate in integers and keeps "
        "`add_months` answers: about 3.2× → 2.5× in steady alternate runs. Where the time goes "
        "now (cProfile): 限度額適用前の額 is three quarters of it; each call walks the members "
        "three times (所得割, 均等割, the count of 対象者), calling the 対象者 test per member per "
        "walk, with about 137 memo look-ups a household; the rest is Decimal arithmetic "
        "(`sum × 所得割率 / 月数`) and `age_on`. The hand-written twin does one loop a part. What "
        "would close it: fusing the walks of one `let` group over the same list into one loop "
        "(keeping which error is raised first), specialising 限度額適用前の額 for its constant "
        "区分 argument, and `floor(Σ × rate / n, 1)` in integers with a proof of exactness."),
    "W4 evaluate_many": (
        "**W4.** `evaluate_many` calls the same checked entry once per row (see W1): the "
        "per-row input checks are the difference (compare *hand-written loop, checking its "
        "inputs*). A generated loop without the per-row call saved only 3% (the list append "
        "costs about as much as the call)."),
    "W5 (10,000 lines)": (
        "**W5, 10,000 lines.** On the machine this was tuned on it is met (about 4×): the "
        "common assignment is parsed without Lark, unchanged checks are not re-run on later "
        "dates, the cycle collector is paused while a file is read and `Span` is not a frozen "
        "class. What is left in the profile: segmenting (about 24 ms), one syntax node object "
        "per value and cell, building values and tables (about 37 ms) and checking five dates "
        "(about 23 ms)."),
    "W5 load_core": (
        "**W5, load_core.** Issue 15 took it from about 4× the check of the profile that sets "
        "the 3,069 parameters to about 1.3×: declarations no longer go through Lark (a "
        "hand-written parser, `fastdecl`, gives Lark's nodes) and the segmenter scans lines "
        "with strings by one regular expression. What is left, by cProfile: parsing about half "
        "(per token, the Python of the recursive descent: about 12 tokens and a `min`/`max` "
        "expression per declaration, against one value per assignment in the profile), "
        "building the model (`modelbuild`, about a quarter: types, converted defaults) and "
        "segmenting. What would close it: a tokenizer that lexes a whole statement with one "
        "`finditer` (no call per token), and a cheaper model build for declarations whose "
        "defaults are plain literals."),
    "W6 `paramcfg check`": (
        "**W6.** Measured in-process (`python -X importtime`, `--profile W6`): a clean check "
        "no longer imports Lark or cattrs, builds no Lark parser (the hand-written parsers "
        "take every statement of the sample core and profile), imports only the `check` "
        "command's module, and the 41 syntax-node classes are plain slotted classes; that "
        "halved the time. What is left above `import lark, attrs, cattrs`: paramcfg's own "
        "imports, most of it still creating about 70 attrs classes (the types, the rules' typed "
        "IR, the model, source and diagnostics: each costs a few hundred microseconds, attrs "
        "compiling its methods), and loading the sample core (2,062 lines: parsing about half, "
        "then the model and the typing of its 76 rules). What would close it: the types, IR and "
        "model classes made as the syntax nodes were (plain slotted classes, one compiled "
        "`__init__` for all), so that start-up creates no attrs class; then a faster "
        "declaration tokenizer (see W5, load_core)."),
    "W9 columnar fee batch": (
        "**W9, numpy columns ready.** About a fifth of the time is validating the two enum "
        "columns (each string matched by its UCS-4 code points against the two members), about "
        "a fifth is turning the int64 result into a list of Python ints (`tolist`, so that "
        "every value is an `int`, as `evaluate` gives), and the rest is the kernel: one numpy "
        "pass per node of the folded rule (look-up index, conditionals, floor), with the bad-row "
        "bookkeeping. The bare numpy program does none of the validation, keeps its result in "
        "numpy and fuses the booleans by hand. What would close the rest: an option to return "
        "the int64 array itself; categories given as codes (a pandas `Categorical`); fusing the "
        "kernel's passes."),
}


def _secs(sections: dict[str, Section], key: str, name: str) -> float | None:
    section = sections.get(key)
    row = section.row(name) if section else None
    return row.seconds if row else None


def targets(sections: dict[str, Section]) -> list[Target]:
    out: list[Target] = []

    def ratio_target(key: str, text: str, name: str, limit: float) -> None:
        section = sections.get(key)
        if section is None:
            return
        hand = section.rows[0]
        row = section.row(name)
        if row is None or row.ratio is None:
            out.append(Target(text, "not measured", None))
            return
        out.append(Target(text, f"{row.ratio:.2f}× ({fmt_time(row.seconds)} vs "
                                f"{fmt_time(hand.seconds)})", row.ratio <= limit))

    ratio_target("W1", "W1 compiled ≤ 1.5× hand-written", "paramcfg compiled", 1.5)
    ratio_target("W2", "W2 compiled ≤ 1.5× hand-written (Decimal)", "paramcfg compiled", 1.5)
    ratio_target("W3", "W3 NHI household compiled ≤ 1.5× hand-written (issue 15)",
                 "paramcfg compiled", 1.5)
    if "W1" in sections:
        mine = _secs(sections, "W1", "paramcfg compiled")
        for name, text, limit in (
                ("GoRules zen-engine decision table",
                 "W1 compiled ≥ 100× faster than zen-engine's decision table", 100.0),
                ("GoRules zen-engine compiled expression",
                 "W1 compiled faster than zen-engine's compiled expression", 1.0)):
            theirs = _secs(sections, "W1", name)
            if mine is None or theirs is None:
                out.append(Target(text, "zen-engine not installed", None))
                continue
            speedup = theirs / mine
            met = speedup >= limit if limit > 1 else speedup > 1
            out.append(Target(text, f"{speedup:,.1f}× faster ({fmt_time(mine)} vs "
                                    f"{fmt_time(theirs)})", met))
    ratio_target("W4", "W4 evaluate_many ≤ 1.5× the hand-written loop",
                 "paramcfg Tenant.evaluate_many", 1.5)
    if "W5" in sections:
        for key, label in (("a", "parameters"), ("b", "lines"), ("c", "effective dates")):
            info = sections["W5"].extra.get(key)
            if info is None:
                continue
            ratio = info["check"] / info["toml"]
            size = {"a": sections["W5"].rows[1].checked, "b": info["lines"]}.get(key, info["dates"])
            out.append(Target(
                f"W5 ({size:,} {label}) parse + check ≤ 1 s and ≤ 5× tomllib",
                f"{fmt_time(info['check'])}, {ratio:.1f}× tomllib ({fmt_time(info['toml'])})",
                info["check"] <= 1.0 and ratio <= 5.0))
        a = sections["W5"].extra["a"]
        out.append(Target(
            f"W5 load_core of the {sections['W5'].rows[1].checked:,}-parameter core no slower "
            "than checking the profile that sets them (issue 15)",
            f"{fmt_time(a['core'])} vs {fmt_time(a['check'])} ({a['core'] / a['check']:.2f}×)",
            a["core"] <= a["check"]))
    if "W6" in sections:
        row = next(r for r in sections["W6"].rows if r.role == "paramcfg")
        out.append(Target('W6 `paramcfg check` start-up ≤ 1.5× `python -c "import lark, attrs, '
                          'cattrs"`',
                          f"{row.ratio:.2f}× ({fmt_time(row.seconds)})", (row.ratio or 0) <= 1.5))
    if "W7" in sections:
        per = sections["W7"].extra["per_loaded"]
        out.append(Target("W7 ≤ 200 KB per tenant", f"{per / 1024:,.1f} KiB per loaded tenant "
                          f"({sections['W7'].extra['per_compiled'] / 1024:,.1f} KiB with one "
                          "period compiled)", per <= 200 * 1024))
        w7 = sections["W7"].extra
        n = sections["W7"].rows[0].checked
        out.append(Target(f"W7 {n:,} towns with the NHI rule compiled ≤ 200 KB each, first "
                          "evaluations ≤ 30 s in total (issue 15)",
                          f"{w7['per_nhi'] / 1024:,.1f} KiB per tenant, {w7['time']:,.2f} s",
                          w7["per_nhi"] <= 200 * 1024 and w7["time"] <= 30))
    if "W9" in sections:
        text = "W9 columnar fee batch ≤ OpenFisca's per-row time, exact (issue 15)"
        mine, theirs = _secs(sections, "W9", COLUMNS_READY), _secs(sections, "W9", SIMULATION)
        if mine is None or theirs is None:
            out.append(Target(text, "numpy or OpenFisca not installed", None))
        else:
            out.append(Target(text, f"{mine / theirs:.2f}× ({fmt_time(mine)} vs "
                                    f"{fmt_time(theirs)}), every row equal to the hand-written "
                                    "loop's", mine <= theirs))
    if "W8" in sections:
        wall, used = sections["W8"].extra["wall"], sections["W8"].extra["cpu"]
        n = sections["W8"].rows[0].checked
        # CPU time, as every other row: on this shared machine the wall time depends on what
        # else runs (the command is single-threaded, so on an idle machine the two agree).
        out.append(Target(f"W8 release report over {n:,} towns < 30 s, the slower of its "
                          "two rows (issue 11)",
                          f"{used:,.1f} s CPU ({wall:,.1f} s wall)", used < 30))
    return out


def source_state() -> str:
    """The paramcfg commit measured, and whether its work tree had changes."""
    git = shutil.which("git")
    if git is None:
        return "unknown (no git)"
    head = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, check=False)
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    dirty = subprocess.run([git, "status", "--porcelain", "--untracked-files=no", "--", "src"],  # noqa: S603
                           cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    return f"commit {head.stdout.strip()}" + (" with uncommitted changes in src/" if dirty else "")


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB memory"
    versions = []
    for dist in DISTRIBUTIONS:
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    load = ""
    with contextlib.suppress(OSError):
        load = f"; load average at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    return {
        "source": source_state(),
        "machine": f"{cpu}, {os.cpu_count()} logical CPUs{memory}; {platform.platform()}{load}",
        "python": f"{platform.python_implementation()} {platform.python_version()} "
                  f"({sys.executable})",
        "libraries": ", ".join(versions),
    }


def _table(section: Section) -> list[str]:
    if section.key in {"W7", "W8"}:
        head = ["| measure | figure | tenants | notes |", "|---|---:|---:|---|"]
        body = [f"| {r.name} | {r.figure or fmt_time(r.seconds)} | {r.checked:,} | {r.note} |"
                for r in section.rows]
        return head + body
    ratio_to = {"W5": "ratio to tomllib", "W6": "ratio to import lark, attrs, cattrs"}.get(
        section.key, "ratio to hand-written")
    checked = section.checked or f"{section.unit}s checked"
    head = [f"| engine | median per {section.unit} | {ratio_to} | {checked} | notes |",
            "|---|---:|---:|---:|---|"]
    body = []
    for r in section.rows:
        name = f"**{r.name}**" if r.role == "paramcfg" else r.name
        body.append(f"| {name} | {fmt_time(r.seconds)} | {fmt_ratio(r.ratio)} | "
                    f"{r.checked:,} | {r.note} |")
    return head + body


def render(sections: dict[str, Section], sizes: Sizes, elapsed: float) -> str:
    info = machine()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmark results", "",
        (f"Written by `python benchmarks/run.py{' --quick' if sizes.quick else ''}` on {now} "
        f"in {elapsed:,.0f} s. Every workload ran paramcfg and its baselines in the same process "
        "and run; before timing, every engine's answers were checked against the hand-written "
        "baseline's (the run stops on any difference). Times are medians per evaluation over "
        f"{sizes.repeats} interleaved passes (W4, W9: {sizes.batch_repeats} batches; W6: "
        f"{sizes.cli_repeats} runs) of **CPU time** — `time.process_time()`, and for W6, W8 and "
        "W10 the command's user + system time from `getrusage`, its worker processes included — "
        "so that other processes on a shared machine do not inflate them; W6, W8 and W10 also "
        "give the wall time. Slow engines time fewer "
        "rows; the column *checked* says how many."), "",
        f"- **paramcfg:** {info['source']}",
        f"- **Machine:** {info['machine']}",
        f"- **Python:** {info['python']}",
        f"- **Libraries:** {info['libraries']}", "",
        "## Targets (issues 7, 11 and 15)", "",
        "| target | measured | met |", "|---|---|---|",
    ]
    for t in targets(sections):
        met = "n/a" if t.met is None else "**met**" if t.met else "**not met**"
        out.append(f"| {t.text} | {t.figure} | {met} |")
    out += ["", ("For a target not met, `python benchmarks/run.py --profile W1` (W1 … W10) prints "
            "where paramcfg spends the time (cProfile; W6: import times and the whole command; "
            "W7: the memory kept, by line).")]
    why = [text for t in targets(sections) if t.met is False
           for key, text in WHY_NOT_MET.items() if t.text.startswith(key)]
    if why:
        out += ["", "### Why the targets not met are not met", ""]
        out += [f"- {text}" for text in why]
    for section in sections.values():
        out += ["", f"## {section.title}", "", *_table(section)]
        if section.notes:
            out.append("")
            out += [f"- {n}" for n in section.notes]
    out += ["", "## How to reproduce", "", "```sh",
            "python3 -m venv .venv && .venv/bin/pip install -e '.[bench,batch]'",
            ".venv/bin/python benchmarks/run.py                # this file (a few minutes)",
            ".venv/bin/python benchmarks/run.py --quick        # smoke run, seconds, writes nothing",
            ".venv/bin/python benchmarks/run.py --only W9,W10  # the annual batch (issue 15)",
            ".venv/bin/python benchmarks/run.py --profile W5   # where the time goes (W1…W10)",
            "```", ""]
    return "\n".join(out)


def print_section(section: Section) -> None:
    print(f"\n== {section.title}")
    for r in section.rows:
        figure = r.figure or (fmt_time(r.seconds) if r.seconds is not None else r.note)
        print(f"  {r.name:<58} {figure:>14}  {fmt_ratio(r.ratio):>9}  ({r.checked:,} checked)")
