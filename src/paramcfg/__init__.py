"""paramcfg: parameters, not customisation.

One shared municipal business package, one profile per town.  A vendor's *package core*
declares parameters and rules; each town's *tenant profile* sets only parameter values.

Typical use by a vendor::

    import datetime as dt
    import paramcfg

    core = paramcfg.load_core("package_core")
    town = paramcfg.load_tenant("tenant_profiles/goka.pcfg", core)
    fee = town.evaluate("保育料.月額計算", {"所得割額": 100_000, ...}, on=dt.date(2024, 6, 1))
    tree = town.explain("保育料.月額計算", {...}, on=dt.date(2024, 6, 1))

Money is ``int`` yen and rates are ``Decimal``; a ``float`` is never accepted or returned.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paramcfg.batch import RowResult
    from paramcfg.diagnostics import Diagnostic, Severity, Span, render_json, render_text
    from paramcfg.engine import (
        CheckResult,
        CoreResult,
        Tenant,
        check_profile,
        check_profile_each,
        check_profile_text,
        find_core,
        find_prefecture,
        load_core,
        load_prefecture,
        load_tenant,
        load_tenant_text,
    )
    from paramcfg.errors import CheckFailed, EvaluationError, LawHorizonError, ParamcfgError
    from paramcfg.interpret import Step, render_explanation
    from paramcfg.release import ReleaseReport, TownReport, release_report
    from paramcfg.tables import Table
    from paramcfg.types import MonthDay, RecordValue

# Where each public name lives.  They are imported on first use (PEP 562), so that a command
# such as `paramcfg check` loads only the stages it runs.
_HOMES = {
    "Diagnostic": "diagnostics", "Severity": "diagnostics", "Span": "diagnostics",
    "render_json": "diagnostics", "render_text": "diagnostics",
    "CheckResult": "engine", "CoreResult": "engine", "Tenant": "engine",
    "check_profile": "engine", "check_profile_each": "engine", "check_profile_text": "engine",
    "find_core": "engine", "find_prefecture": "engine", "load_prefecture": "engine",
    "load_core": "engine", "load_tenant": "engine", "load_tenant_text": "engine",
    "CheckFailed": "errors", "EvaluationError": "errors", "LawHorizonError": "errors",
    "ParamcfgError": "errors",
    "ReleaseReport": "release", "TownReport": "release", "release_report": "release",
    "RowResult": "batch", "Step": "interpret", "render_explanation": "interpret",
    "Table": "tables", "MonthDay": "types", "RecordValue": "types",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'paramcfg' has no attribute {name!r}")
    import importlib  # noqa: PLC0415 - only on first use of a name

    value = getattr(importlib.import_module(f"paramcfg.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names too, though they are imported only on first use."""
    return sorted({*globals(), *__all__})


__all__ = [
    "CheckFailed",
    "CheckResult",
    "CoreResult",
    "Diagnostic",
    "EvaluationError",
    "LawHorizonError",
    "MonthDay",
    "ParamcfgError",
    "RecordValue",
    "ReleaseReport",
    "RowResult",
    "Severity",
    "Span",
    "Step",
    "Table",
    "Tenant",
    "TownReport",
    "check_profile",
    "check_profile_each",
    "check_profile_text",
    "find_core",
    "find_prefecture",
    "load_core",
    "load_prefecture",
    "load_tenant",
    "load_tenant_text",
    "release_report",
    "render_explanation",
    "render_json",
    "render_text",
]

__version__ = "0.1.0"
