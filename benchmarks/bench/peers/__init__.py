"""Adapters for the peer engines, one module per peer.

Each adapter imports its peer only when a workload asks for it, and turns a rule written in the
peer's language (by the workload, from the town's values) into timed :class:`~bench.harness.Engine`
objects; a peer that is not installed becomes a row saying so.
"""

from __future__ import annotations

import importlib
from typing import Any

from bench.harness import Row, missing


def load(module: str) -> Any:
    """The module, or ``None`` if its package is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def not_installed(name: str, distribution: str) -> Row:
    return missing(name, f"not installed (`pip install {distribution}`)")
