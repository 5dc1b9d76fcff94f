"""Diagnostics as SARIF 2.1.0 (the Static Analysis Results Interchange Format, an OASIS standard),
so that a repository of profiles gets code-scanning annotations (``paramcfg check --format sarif``).

One run, tool ``paramcfg``; each diagnostic code used is a ``reportingDescriptor`` (its name and,
as help, where ``paramcfg explain CODE`` documents it); each diagnostic a ``result`` with its
level, its message and help in the reader's language, its region, and its related locations (the
core's declaration).  Columns count characters, as paramcfg's do: the run says
``"columnKind": "unicodeCodePoints"``.  Paths are given as relative URI references when they are
relative (so that a code-scanning service resolves them against the repository), as ``file:`` URIs
when absolute.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

from paramcfg.codes import CODES, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from paramcfg.diagnostics import Diagnostic, Span

__all__ = ["SARIF_SCHEMA", "SARIF_VERSION", "to_sarif"]

SARIF_VERSION: Final = "2.1.0"
SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"

_LEVELS: Final = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _level(severity: Severity) -> str:
    """SARIF's level of a severity (``note`` for any other that a later version adds)."""
    return _LEVELS.get(severity, "note")


def _uri(file: str) -> str:
    path = PurePath(file)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def _location(span: Span, message: str | None = None) -> dict[str, object]:
    region: dict[str, object] = {"startLine": max(span.line, 1), "startColumn": max(span.col, 1)}
    if span.end_line >= span.line:
        region["endLine"] = max(span.end_line, 1)
        if span.end_col > 0 and (span.end_line > span.line or span.end_col > span.col):
            region["endColumn"] = span.end_col
    found: dict[str, object] = {"physicalLocation": {
        "artifactLocation": {"uri": _uri(span.file)}, "region": region}}
    if message is not None:
        found["message"] = {"text": message}
    return found


def to_sarif(diagnostics: Iterable[Diagnostic], lang: str = "en",
             version: str = "") -> dict[str, object]:
    """A SARIF 2.1.0 log of ``diagnostics`` (messages in ``lang``), ready for ``json.dumps``."""
    rules: list[dict[str, object]] = []
    index: dict[str, int] = {}
    results: list[dict[str, object]] = []
    for d in diagnostics:
        if d.code not in index:
            code = CODES[d.code]
            index[d.code] = len(rules)
            rules.append({
                "id": d.code, "name": code.name,
                "shortDescription": {"text": code.name},
                "help": {"text": f"paramcfg explain {d.code}"},
                "defaultConfiguration": {"level": _level(code.severity)},
            })
        text = d.message(lang)
        hint = d.hint(lang)
        if hint:
            text += f"\n{'ヒント' if lang == 'ja' else 'help'}: {hint}"
        result: dict[str, object] = {
            "ruleId": d.code, "ruleIndex": index[d.code], "level": _level(d.level),
            "message": {"text": text}, "locations": [_location(d.span)],
        }
        if d.related:
            result["relatedLocations"] = [
                {"id": i, **_location(r.span, r.message(lang))} for i, r in enumerate(d.related)]
        results.append(result)
    driver: dict[str, object] = {"name": "paramcfg", "rules": rules}
    if version:
        driver["version"] = version
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": driver},
            "language": lang,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
