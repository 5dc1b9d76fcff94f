"""rule-engine (``pip install rule-engine``): one expression, ``Rule(text).evaluate(row)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bench.harness import Engine, Lineup, exact_int
from bench.peers import load, not_installed

if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "rule-engine"


def lineup(text: str, prepare: Callable[[list[Any]], Any], note: str) -> Lineup:
    rule_engine = load("rule_engine")
    if rule_engine is None:
        return Lineup(absent=[not_installed(NAME, "rule-engine")])
    rule = rule_engine.Rule(text)

    def run(data: list[Any]) -> list[Any]:
        return [rule.evaluate(r) for r in data]

    return Lineup([Engine(NAME, prepare, run, normalise=exact_int, note=note)])
