"""JsonLogic (``pip install panzi-json-logic``): a rule as JSON data, ``jsonLogic(rule, row)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bench.harness import Engine, Lineup, exact_int
from bench.peers import load, not_installed

if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "JsonLogic (panzi-json-logic)"


def lineup(logic: Any, prepare: Callable[[list[Any]], Any], note: str,
           remark: Callable[[Callable[[Any, Any], Any]], str] | None = None) -> Lineup:
    """``logic`` timed on ``prepare(rows)``; ``remark(jsonLogic)``, if given, writes a note for
    the report with the engine at hand (e.g. how its floats would have rounded)."""
    json_logic = load("json_logic")
    if json_logic is None:
        return Lineup(absent=[not_installed(NAME, "panzi-json-logic")])
    notes = [remark(json_logic.jsonLogic)] if remark is not None else []

    def run(data: list[Any]) -> list[Any]:
        return [json_logic.jsonLogic(logic, r) for r in data]

    return Lineup([Engine(NAME, prepare, run, normalise=exact_int, note=note)], notes=notes)
