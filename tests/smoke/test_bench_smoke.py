"""The benchmark harness still runs and every engine still agrees (tiny sizes, no timing)."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from helpers import ROOT


@pytest.mark.slow  # about 10 s: every workload through every engine
def test_benchmark_harness_smoke():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(bench)
        sections = bench.smoke()  # raises DisagreementError if two engines disagree
    finally:
        sys.modules.pop(spec.name, None)
    assert sections
