"""cel-python (``pip install cel-python``): a CEL expression, the rows converted to CEL values
(``json_to_cel``) before timing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bench.harness import Engine, Lineup, exact_int
from bench.peers import load, not_installed

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

NAME = "cel-python"


def lineup(text: str, prepare: Callable[[list[Any]], list[Any]], note: str,
           notes: Sequence[str] = ()) -> Lineup:
    """``text`` timed on the CEL values of ``prepare(rows)``; ``notes`` go to the report only
    when CEL ran."""
    celpy = load("celpy")
    if celpy is None:
        return Lineup(absent=[not_installed(NAME, "cel-python")])
    env = celpy.Environment()
    program = env.program(env.compile(text))

    def prepare_cel(rows: list[Any]) -> list[Any]:
        return [celpy.json_to_cel(r) for r in prepare(rows)]

    def run(data: list[Any]) -> list[Any]:
        return [program.evaluate(r) for r in data]

    return Lineup([Engine(NAME, prepare_cel, run, normalise=exact_int, note=note)],
                  notes=list(notes))
