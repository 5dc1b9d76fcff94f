"""The release report's data: what changed in the law, and what each town must do."""

from __future__ import annotations

import datetime as dt

import attrs

from paramcfg.diagnostics import Diagnostic

# ---- the data ------------------------------------------------------------------------------


@attrs.frozen
class ValueChange:
    """A value the law (a ``fixed`` value or a default) has in the new core from ``date`` on
    (``None``: from the start, a declared default) that differs from the old core's."""

    date: dt.date | None
    parameter: str
    cell: str  # a table's cell or key range, a record's field; "" for a whole value
    old: str
    new: str
    fixed: bool  # law the towns cannot change (else a default a town may override)


@attrs.frozen
class DeclarationChange:
    """A declaration added, removed or changed: ``kind`` is ``parameter``, ``enum``, ``input``
    or ``rule``; ``change`` is ``added``, ``removed``, ``status`` (required, required from a
    date, fixed, with a default), ``limits`` (min/max clauses), ``type``, ``members`` (an
    enum's: a table over it has new rows or columns) or ``body`` (a rule's)."""

    kind: str
    name: str
    change: str
    old: str
    new: str
    label: str | None = None
    basis: str | None = None


@attrs.frozen
class ValueToAdd:
    """A required value the town has no value for under the new core, from ``date`` on."""

    parameter: str
    date: dt.date | None  # None: the profile has no dated block at all
    type: str  # as the core writes it: "rate", "yen", "table[国保区分] of rate"
    limits: str  # "0%–100%", "≤ 660,000円 (国保.法定限度額)"; "" when the core sets none
    label: str | None
    basis: str | None
    #: The line of the profile's ``from`` block dated ``date``, if it has one (else a new
    #: block is needed).
    block_line: int | None = None
    new_parameter: bool = False  # not declared by the old core at all


@attrs.frozen
class Finding:
    """One error of ``paramcfg check``, with the profile line it points at."""

    diagnostic: Diagnostic
    source_line: str  # the profile line as written ("" if none)
    #: The parameter the line sets was removed by the new core (PC0404 on a name the old core
    #: declared): the line is to be deleted, not respelled.
    removed: str | None = None
    #: The parameter whose value the error is in (a grid's cell or header row included), if
    #: it can be told: what the summary of many towns names.
    parameter: str | None = None


@attrs.frozen
class UsesChange:
    """The ``uses`` line the town must change: ``reason`` is ``rejected`` (the new core does not
    satisfy it) or ``new-parameters`` (the town adds values only the new core declares)."""

    line: int
    old: str
    new: str
    reason: str


@attrs.frozen
class TownReport:
    path: str
    name: str | None  # None: the profile could not be read
    code: str | None
    to_add: tuple[ValueToAdd, ...] = ()
    rejected: tuple[Finding, ...] = ()  # errors under the new core only, other than to_add/uses
    uses: UsesChange | None = None
    still_failing: tuple[Finding, ...] = ()  # errors under the old core as well
    unreadable: str | None = None  # why the file could not be read at all

    @property
    def must_act(self) -> bool:
        return bool(self.to_add or self.rejected or self.uses or self.still_failing
                    or self.unreadable)

    def title(self, lang: str = "en") -> str:
        if self.name is None:
            return self.path
        return f"{self.name}（{self.code}）" if lang == "ja" else f"{self.name} ({self.code})"


@attrs.frozen
class ReleaseReport:
    core: str
    old_version: str
    new_version: str
    horizon: dt.date | None  # the new core's `law through`
    values: tuple[ValueChange, ...]
    declarations: tuple[DeclarationChange, ...]
    towns: tuple[TownReport, ...]

    @property
    def acting(self) -> tuple[TownReport, ...]:
        return tuple(town for town in self.towns if town.must_act)

    @property
    def nothing(self) -> tuple[TownReport, ...]:
        return tuple(town for town in self.towns if not town.must_act)

    @property
    def exit_code(self) -> int:
        """0: no town must act; 1: some town must act."""
        return 1 if self.acting else 0
