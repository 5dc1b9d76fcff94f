"""The release report: what a new core release changes in the law, and what each town must do.

A law revision is a new core release (issue 11).  :func:`release_report` compares the old and
the new core — the values the law fixes and the defaults, date by date up to the new core's
horizon, and the declarations (parameters, their limits and whether they are required, inputs,
rules) — and checks every town's profile against both cores, once each, from one parse.  A
town must act on each error the new core finds that the old one did not: a required value to
add (PC0401), a value the new law rejects, a ``uses`` line the new core does not satisfy
(PC0602).  Errors under both cores are listed too: the town is not clean either way.

:func:`render` writes the report as text, Markdown or JSON, in English or Japanese, summary
first.  Values are shown as :mod:`paramcfg.diff` shows them (``48,600円``, ``1.4%``).

The package: :mod:`~paramcfg.release.report` holds the data, :mod:`~paramcfg.release.changes`
computes it, :mod:`~paramcfg.release.rendering` writes it.  Import the names from here.
"""

from paramcfg.release.changes import find_profiles, law_changes, release_report, town_report
from paramcfg.release.rendering import TEXTS, common_actions, render
from paramcfg.release.report import (
    DeclarationChange,
    Finding,
    ReleaseReport,
    TownReport,
    UsesChange,
    ValueChange,
    ValueToAdd,
)

__all__ = [
    "TEXTS",
    "DeclarationChange",
    "Finding",
    "ReleaseReport",
    "TownReport",
    "UsesChange",
    "ValueChange",
    "ValueToAdd",
    "common_actions",
    "find_profiles",
    "law_changes",
    "release_report",
    "render",
    "town_report",
]
