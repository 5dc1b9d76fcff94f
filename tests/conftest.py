"""Shared fixtures: the shipped core and the small core the golden profiles are checked against."""

from __future__ import annotations

import pytest
from helpers import CORE_DIR, FROZEN_CORE_DIR, PROFILES, ROOT

from paramcfg.engine import CoreResult, Tenant, load_core, load_tenant


def _load(path) -> CoreResult:
    result = load_core(path)
    assert result.ok, [f"{d.span}: {d.message()}" for d in result.diagnostics]
    return result


@pytest.fixture(scope="session")
def core() -> CoreResult:
    """The shipped sample core, package_core/."""
    return _load(CORE_DIR)


@pytest.fixture(scope="session")
def golden_core() -> CoreResult:
    """A small core with one parameter of each kind, for the golden profiles."""
    return _load(ROOT / "tests" / "golden" / "golden_core" / "golden.pcore")


@pytest.fixture(scope="session")
def frozen_core() -> CoreResult:
    """The sample core frozen at version 2024.4 (tests/fixtures/frozen_core), for the tests of
    the language itself: the bad-input corpus, the late joiner's fixture and the limits."""
    return _load(FROZEN_CORE_DIR)


@pytest.fixture(scope="session")
def tenants(core: CoreResult) -> dict[str, Tenant]:
    """The four sample towns over the shipped core, by file stem (``naka`` …)."""
    return {path.stem: load_tenant(path, core) for path in PROFILES}
