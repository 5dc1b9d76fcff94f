"""Golden diagnostics: each file states, on its own lines, exactly what must be reported.

A file's expectations are `#! CODE@COL` comments (see conftest.py).  The test fails on a
missing diagnostic, on an extra one, and on a wrong line or column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from helpers import ROOT, expectations

from paramcfg.engine import CoreResult, check_profile, load_core

if TYPE_CHECKING:
    from pathlib import Path

GOLDEN = ROOT / "tests" / "golden"
PROFILE_CASES = sorted((GOLDEN / "profiles").glob("*.pcfg"))
CORE_CASES = sorted((GOLDEN / "cores").glob("*.pcore"))


def _found(diagnostics) -> set[tuple[str, int, int]]:
    return {(d.code, d.span.line, d.span.col) for d in diagnostics}


@pytest.mark.parametrize("path", PROFILE_CASES, ids=lambda p: p.stem)
def test_profile_golden(path: Path, golden_core: CoreResult) -> None:
    result = check_profile(path, golden_core)
    want = expectations(path.read_text(encoding="utf-8"))
    assert want, f"{path.name} states no expectations"
    assert _found(result.diagnostics) == want


@pytest.mark.parametrize("path", CORE_CASES, ids=lambda p: p.stem)
def test_core_golden(path: Path) -> None:
    result = load_core(path)
    want = expectations(path.read_text(encoding="utf-8"))
    assert want, f"{path.name} states no expectations"
    assert _found(result.diagnostics) == want


def test_late_joiner_fixture_reports_every_mistake_in_one_run(frozen_core: CoreResult) -> None:
    # The fixture tests the language: it is checked against the core frozen at 2024.4.
    path = ROOT / "tests" / "fixtures" / "late_joiner.pcfg"
    result = check_profile(path, frozen_core)
    want = expectations(path.read_text(encoding="utf-8"))
    assert _found(result.diagnostics) == want
    assert len({code for code, _, _ in want}) >= 12
    assert not result.ok
