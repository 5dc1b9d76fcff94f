"""GoRules zen-engine (``pip install zen-engine``): a JDM decision graph and a compiled expression."""

from __future__ import annotations

import json
import re
import statistics
from typing import TYPE_CHECKING, Any

from bench.harness import Engine, Lineup, exact_int, fmt_time, timed
from bench.peers import load, not_installed

if TYPE_CHECKING:
    from collections.abc import Callable

TABLE = "GoRules zen-engine decision table"
EXPRESSION = "GoRules zen-engine compiled expression"


def _node(ident: str, kind: str, x: int, content: dict[str, Any]) -> dict[str, Any]:
    return {"id": ident, "type": kind, "name": ident, "position": {"x": x, "y": 0},
            "content": content}


def graph(inputs: list[tuple[str, str]], output: str, rules: list[dict[str, str]],
          expressions: dict[str, str]) -> dict[str, Any]:
    """A GoRules JDM graph: input → first-hit decision table (passing its input through) →
    expression node → output.  ``inputs`` are (column id, field) pairs; each rule maps column ids
    to unary tests and ``o`` to the output."""
    common = {"inputField": None, "outputPath": None, "executionMode": "single"}
    table = {"hitPolicy": "first", "passThrough": True, "rules": rules,
             "inputs": [{"id": c, "name": f, "field": f} for c, f in inputs],
             "outputs": [{"id": "o", "name": output, "field": output}], **common}
    exprs = {"expressions": [{"id": f"x{i}", "key": k, "value": v}
                             for i, (k, v) in enumerate(expressions.items())],
             "passThrough": False, **common}
    nodes = [_node("in", "inputNode", 0, {"schema": ""}),
             _node("table", "decisionTableNode", 1, table),
             _node("expr", "expressionNode", 2, exprs),
             _node("out", "outputNode", 3, {"schema": ""})]
    edges = [{"id": f"e{i}", "sourceId": a, "targetId": b, "type": "edge"}
             for i, (a, b) in enumerate((("in", "table"), ("table", "expr"), ("expr", "out")))]
    return {"nodes": nodes, "edges": edges}


def _duration(text: str) -> float:
    """zen's ``performance`` field ("22.5µs", "1.2ms") in seconds."""
    m = re.fullmatch(r"([\d.]+)\s*(ns|µs|us|ms|s)", text.strip())
    if m is None:
        raise ValueError(text)
    return float(m.group(1)) * {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]


def _overhead(zen: Any, decision: Any, rows: list[dict[str, Any]]) -> str:
    """What zen says it spends inside the engine, against what a call costs from Python."""
    inside = statistics.median(_duration(decision.evaluate(r)["performance"]) for r in rows)
    empty = {"nodes": [_node("in", "inputNode", 0, {"schema": ""}),
                       _node("out", "outputNode", 1, {"schema": ""})],
             "edges": [{"id": "e", "sourceId": "in", "targetId": "out", "type": "edge"}]}
    nothing = zen.ZenEngine().create_decision(json.dumps(empty))
    per_call = timed(lambda data: [nothing.evaluate(r) for r in data], rows) / len(rows)
    return (f"zen-engine's decision reports a median of {fmt_time(inside)} spent inside the "
            f"engine (its `performance` field); an empty graph (input → output, no node) costs "
            f"{fmt_time(per_call)} per `evaluate` from Python, so most of the decision table's "
            "time is the Python binding's fixed cost per call, not the table.")


def lineup(*, jdm: dict[str, Any], result: str, expression: str,
           prepare: Callable[[list[Any]], Any], table_note: str, expression_note: str,
           sample: list[dict[str, Any]]) -> Lineup:
    """The decision graph ``jdm`` (answer in its field ``result``) and the one-line
    ``expression``, both fed ``prepare(rows)``; ``sample`` (prepared rows) measures zen's
    fixed cost per call for a note."""
    zen = load("zen")
    if zen is None:
        return Lineup(absent=[not_installed("GoRules zen-engine", "zen-engine")])
    decision = zen.ZenEngine().create_decision(json.dumps(jdm))
    note = _overhead(zen, decision, sample)
    compiled = zen.compile_expression(expression)

    def run_table(data: list[Any]) -> list[Any]:
        return [decision.evaluate(r)["result"][result] for r in data]

    def run_expr(data: list[Any]) -> list[Any]:
        return [compiled.evaluate(r) for r in data]

    return Lineup([Engine(TABLE, prepare, run_table, normalise=exact_int, note=table_note),
                   Engine(EXPRESSION, prepare, run_expr, normalise=exact_int,
                          note=expression_note)], notes=[note])
