"""The benchmark harness still runs and every engine still agrees (tiny sizes, no timing)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys

import pytest
from helpers import ROOT

BENCHMARKS = ROOT / "benchmarks"


@pytest.mark.slow  # about 10 s: every workload through every engine
def test_benchmark_harness_smoke():
    spec = importlib.util.spec_from_file_location("bench_run", BENCHMARKS / "run.py")
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(bench)
        sections = bench.smoke()  # raises DisagreementError if two engines disagree
    finally:
        sys.modules.pop(spec.name, None)

    # Every workload module in benchmarks/bench/workloads/ is registered, and the quick run
    # exercised each one, in order: a new workload cannot be left out of the smoke run.
    on_disk = {p.stem.upper() for p in (BENCHMARKS / "bench" / "workloads").glob("w*.py")}
    assert on_disk == set(bench.WORKLOADS)
    assert list(sections) == list(bench.WORKLOADS)
    for key, section in sections.items():
        assert section.key == key
        assert any(r.seconds is not None or r.figure for r in section.rows), key

    # A peer is reported absent only when it really is not installed (never skipped silently);
    # the rows of the columnar batch (W9) that need numpy name paramcfg's extra instead.
    for section in sections.values():
        for row in section.rows:
            if row.seconds is None and not row.figure:
                m = re.fullmatch(r"not installed \(`pip install ([\w-]+|'paramcfg\[batch\]')`\)",
                                 row.note)
                assert m is not None, (section.key, row.name, row.note)
                distribution = "numpy" if m.group(1) == "'paramcfg[batch]'" else m.group(1)
                try:
                    version = importlib.metadata.version(distribution)
                except importlib.metadata.PackageNotFoundError:
                    continue
                raise AssertionError(f"{section.key}: {row.name} is installed ({version}) "
                                     "but was reported absent")
