"""Shared fixtures (the shipped core, the small core the golden profiles are checked against),
and the test tiers.

Tiers (README, "Development"): plain ``pytest`` is the *default tier*: tests marked ``slow``
are deselected and each property runs a share of its examples (gen/settings.py).
``PARAMCFG_TIER=full`` is the *full tier*: nothing is deselected and each property runs all its
examples; ``.ci/run`` runs it with ``-m "slow or hypothesis"`` after the default tier.  An
explicit ``-m`` expression is always obeyed as given.
"""

from __future__ import annotations

import pytest
from gen import settings as gen_settings
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


_SLOW_LEFT_OUT = pytest.StashKey[int]()


def _tier_line(config: pytest.Config) -> str:
    if gen_settings.FULL:
        chosen = "slow tests included"
    elif config.option.markexpr:
        chosen = f"tests chosen by -m {config.option.markexpr!r}"
    elif _SLOW_LEFT_OUT in config.stash:
        left_out = config.stash[_SLOW_LEFT_OUT]
        chosen = f"{left_out} slow test(s) left out (PARAMCFG_TIER=full runs them)"
    else:  # pytest-xdist's controller: its workers collect (and leave out) the tests
        chosen = "slow tests left out (PARAMCFG_TIER=full runs them)"
    return (f"paramcfg test tier: {gen_settings.TIER}; {chosen}; properties run "
            f"{gen_settings.EXAMPLES} examples per 100 written")


def pytest_report_header(config: pytest.Config) -> str:
    return _tier_line(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The default tier leaves out the tests marked ``slow`` (unless ``-m`` says otherwise)."""
    if gen_settings.FULL or config.option.markexpr:
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    config.stash[_SLOW_LEFT_OUT] = len(slow)
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The tier, also under -q (which hides the header)."""
    terminalreporter.write_line(_tier_line(config))
