"""Tenant acceptance tests: cases council staff write from their own worked examples.

A test file sits beside its profile — ``goka.pcfg`` and ``goka.test.toml`` — and lists cases:

.. code-block:: toml

    [[case]]
    name = "3号 標準 所得割額 10万円 第1子"
    rule = "保育料.月額計算"
    on = 2024-06-01
    expected = "29,500円"

    [case.inputs]
    "所得割額" = "100,000円"
    "認定" = "3号"

Values are read by the types the core declares (``"100,000円"``, ``"1.4%"``, ``true``, dates);
TOML numbers are read exactly (never as float).  A rule's own arguments go in ``[case.args]``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from paramcfg.errors import EvaluationError
from paramcfg.export import parse_input
from paramcfg.interpret import render_explanation
from paramcfg.values import format_typed

if TYPE_CHECKING:
    from pathlib import Path

    from paramcfg.engine import Tenant

__all__ = ["CaseResult", "profile_of", "run_file"]

TEST_SUFFIX = ".test.toml"


@attrs.frozen
class CaseResult:
    name: str
    rule: str
    ok: bool
    expected: str
    actual: str
    detail: str = ""  # the explanation of the actual result, or the error


def profile_of(test_file: Path) -> Path:
    """The profile a test file belongs to: ``goka.test.toml`` → ``goka.pcfg``."""
    return test_file.with_name(test_file.name.removesuffix(TEST_SUFFIX) + ".pcfg")


def read_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of a test file.

    :raises ValueError: if it is not TOML or has no ``[[case]]`` list.
    """
    with path.open("rb") as f:
        data = tomllib.load(f, parse_float=Decimal)
    cases = data.get("case")
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        raise ValueError("no [[case]] tables")
    return cases


def _run_case(tenant: Tenant, case: dict[str, Any], index: int, lang: str,
              projection: bool) -> CaseResult:
    name = str(case.get("name", f"case {index + 1}"))
    rule_name = str(case.get("rule", ""))
    rule = tenant.rules.get(rule_name)
    if rule is None:
        return CaseResult(name, rule_name, ok=False, expected="?", actual="?",
                          detail=f"no rule {rule_name!r} in core {tenant.core.name}")
    on = case.get("on")
    if not isinstance(on, dt.date):
        return CaseResult(name, rule_name, ok=False, expected="?", actual="?",
                          detail="`on` must be a date such as 2024-06-01")
    declared = {n: i.type for n, i in tenant.core.inputs.items()}
    params = dict(rule.params)
    given = case.get("args", {})
    unknown = [k for k in case.get("inputs", {}) if k not in declared]
    missing = [p for p in params if p not in given]
    problem = (f"unknown input {unknown[0]}" if unknown else
               f"{rule_name} needs the arguments {', '.join(missing)} in [case.args]"
               if missing else "")
    if problem:
        return CaseResult(name, rule_name, ok=False, expected="?", actual="?",
                          detail=f"the case is not well formed: {problem}")
    try:
        inputs = {k: parse_input(v, declared[k]) for k, v in case.get("inputs", {}).items()}
        args = tuple(parse_input(given[p], ty) for p, ty in params.items())
        expected = parse_input(case.get("expected"), rule.type)
    except (ValueError, TypeError) as exc:
        return CaseResult(name, rule_name, ok=False, expected="?", actual="?",
                          detail=f"the case is not well formed: {exc}")
    want = format_typed(expected, rule.type)
    # A case past the core's law horizon runs only as an explicit projection (the case's own
    # `projection = true`, or --projection for the whole run).
    projection = projection or case.get("projection") is True
    try:
        actual = tenant.evaluate(rule_name, inputs, on, args, projection=projection)
    except EvaluationError as exc:
        return CaseResult(name, rule_name, ok=False, expected=want, actual="error",
                          detail=exc.message(lang))
    got = format_typed(actual, rule.type)
    if actual == expected:
        return CaseResult(name, rule_name, ok=True, expected=want, actual=got)
    trace = render_explanation(tenant.explain(rule_name, inputs, on, args, projection=projection),
                               tenant.value_types(), lang)
    return CaseResult(name, rule_name, ok=False, expected=want, actual=got, detail=trace)


def run_file(tenant: Tenant, path: Path, lang: str = "en", *,
             projection: bool = False) -> list[CaseResult]:
    """Run every case of ``path`` against ``tenant``; explanations in ``lang``.

    :param projection: run cases dated after the core's law horizon as projections (a case
        may also say ``projection = true`` itself); otherwise such a case fails, refused.
    """
    return [_run_case(tenant, case, i, lang, projection)
            for i, case in enumerate(read_cases(path))]
