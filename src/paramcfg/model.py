"""Model: the resolved :class:`Core` and :class:`Profile`, and the one timeline resolver.

They are built from statements by :mod:`paramcfg.modelbuild`.  :class:`Timeline` is the only
place that decides a parameter's value as of a date (:func:`resolve` for one date).  Checks
that relate a profile to the core's rules live in :mod:`paramcfg.check`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg.diagnostics import Span

__all__ = [
    "Assigned",
    "Block",
    "Core",
    "Input",
    "Param",
    "Profile",
    "Resolved",
    "Rule",
    "Timeline",
    "parse_version",
    "resolve",
]


def parse_version(text: str) -> tuple[int, ...]:
    """``"2024.4"`` → ``(2024, 4)``; trailing zero parts do not count (2024.4.0 is 2024.4)."""
    parts = [int(p) for p in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


@attrs.frozen
class Constraint:
    """A ``min``/``max`` clause: an expression over literals and other parameters."""

    kind: str  # "min" | "max"
    expr: n.Expr
    text: str  # the expression as written, for messages
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Param:
    name: str
    type: t.Type
    required: bool
    fixed: bool
    default: object | None
    constraints: tuple[Constraint, ...]
    monotone: tuple[tuple[str, str], ...]  # (direction, axis name)
    label: str | None
    basis: str | None
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)
    default_span: Span | None = attrs.field(eq=False, default=None)
    #: ``when P == M`` / ``when P in [M, N]``: (P, (M, …)): the parameter is used only while
    #: enum parameter P is one of the members.
    when: tuple[str, tuple[str, ...]] | None = None
    when_span: Span | None = attrs.field(eq=False, default=None)
    #: ``required from DATE``: required on every date from this one on, with no value before
    #: it (new law that a town must fill in); ``None`` with ``required``: on every date.
    required_from: dt.date | None = None
    #: ``set by prefecture``: the prefecture's value; a town profile cannot set it.
    prefecture: bool = False

    def required_on(self, on: dt.date) -> bool:
        """Whether a profile must give this parameter a value in force on ``on``."""
        return self.required and (self.required_from is None or on >= self.required_from)


@attrs.frozen
class Input:
    name: str
    type: t.Type
    label: str | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Rule:
    name: str
    params: tuple[tuple[str, t.Type], ...]
    type: t.Type
    body: n.Expr
    label: str | None
    basis: str | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Assigned:
    """One value set in a dated block, with where it was written."""

    name: str
    value: object
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Block:
    date: dt.date
    assignments: tuple[Assigned, ...]
    span: Span = attrs.field(eq=False)

    def get(self, name: str) -> Assigned | None:
        return next((a for a in self.assignments if a.name == name), None)


@attrs.frozen
class Core:
    name: str
    version: tuple[int, ...]
    files: tuple[str, ...]
    enums: Mapping[str, t.EnumType]
    records: Mapping[str, t.RecordType]
    aliases: Mapping[str, t.Type]
    inputs: Mapping[str, Input]
    params: Mapping[str, Param]
    rules: Mapping[str, Rule]
    blocks: tuple[Block, ...]
    span: Span = attrs.field(eq=False)
    #: ``law through DATE``: the last date for which the core's law is known complete.
    #: Evaluating as of a later date is refused unless a projection is asked for.
    horizon: dt.date | None = None

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))

    def beyond_horizon(self, on: dt.date) -> bool:
        """Whether ``on`` is after the last date this core's law is known for."""
        return self.horizon is not None and on > self.horizon


@attrs.frozen
class Profile:
    path: str
    name: str
    code: str
    core_name: str | None
    version_op: str | None
    version: tuple[int, ...] | None
    blocks: tuple[Block, ...]
    span: Span = attrs.field(eq=False)
    code_span: Span = attrs.field(eq=False)
    uses_span: Span | None = attrs.field(eq=False, default=None)
    #: Parameters whose written value was rejected: not reported again as missing.
    rejected: frozenset[str] = frozenset()
    #: Blocks left out for a bad or out-of-order date.
    dropped_blocks: int = 0
    #: Tables written in a block that could not be read whole (each problem is reported): the
    #: cells that could be read, the others ``None``, by the block's date. Only the checks read
    #: them (one problem never hides the others); they are never a value in force.
    partial: tuple[tuple[dt.date, Assigned], ...] = ()
    #: ``tenant`` (a town) or ``prefecture`` (values for every town of a prefecture).
    kind: str = "tenant"
    #: ``within "茨城県"``: the name of the town's prefecture layer, and where it is written.
    within: str | None = None
    within_span: Span | None = attrs.field(eq=False, default=None)
    #: The prefecture profile the town's values are laid over (set once it is loaded and
    #: matches :attr:`within`): its values stand wherever the town sets none.
    layer: Profile | None = None

    @property
    def origin(self) -> str:
        """What :class:`Resolved` calls a value this profile sets: ``profile`` (a town's) or
        ``prefecture``."""
        return "prefecture" if self.kind == "prefecture" else "profile"

    def change_dates(self) -> set[dt.date]:
        """The dates on which a value of this profile or of its layer takes effect."""
        own = {b.date for b in self.blocks}
        return own | (self.layer.change_dates() if self.layer is not None else set())


@attrs.frozen
class Resolved:
    """A parameter's value as of a date and where it came from."""

    value: object
    origin: str  # "default" | "core" | "prefecture" | "profile"
    span: Span | None = attrs.field(eq=False)
    since: dt.date | None = None

    @property
    def layer(self) -> str:
        """The layer the value comes from, as outputs name it: ``default`` (the core's
        default), ``core`` (a dated value of the core), ``prefecture`` or ``tenant``."""
        return "tenant" if self.origin == "profile" else self.origin

    @property
    def provenance(self) -> str:
        """The layer and the line: ``prefecture prefectures/ibaraki.pcfg:19``."""
        return f"{self.layer} {self.span.file}:{self.span.line}" if self.span else self.layer


class Timeline:
    """Every parameter's value as of rising dates, in layers: the core's default and dated
    values, then the prefecture's (a town's layer), then the profile's own.  Each layer keeps
    its own timeline; a value in force is the profile's if it sets one, else the prefecture's,
    else the core's.  Stepping forward makes each assignment's :class:`Resolved` once, however
    many dates are asked for."""

    def __init__(self, core: Core, profile: Profile | None) -> None:
        defaults = {name: Resolved(p.default, "default", p.default_span)
                    for name, p in core.params.items() if p.default is not None}
        # Of each list of blocks (sorted by date), those up to the date asked for are taken.
        layers: list[tuple[dict[str, Resolved], str, tuple[Block, ...]]] = [
            (defaults, "core", core.blocks)]
        if profile is not None and profile.layer is not None:
            layers.append(({}, profile.layer.origin, profile.layer.blocks))
        if profile is not None:
            layers.append(({}, profile.origin, profile.blocks))
        self._layers = tuple(layers)
        self._taken = [0] * len(layers)
        self._on = dt.date.min

    def as_of(self, on: dt.date) -> dict[str, Resolved]:
        """The values as of ``on``; ``on`` is never earlier than the date asked for before."""
        if on < self._on:
            raise ValueError(f"{on} is before {self._on}: a timeline only steps forward")
        self._on = on
        merged: dict[str, Resolved] = {}
        for i, (layer, origin, blocks) in enumerate(self._layers):
            while self._taken[i] < len(blocks) and blocks[self._taken[i]].date <= on:
                block = blocks[self._taken[i]]
                for a in block.assignments:
                    layer[a.name] = Resolved(a.value, origin, a.span, block.date)
                self._taken[i] += 1
            merged.update(layer)
        return merged


def resolve(core: Core, profile: Profile | None, on: dt.date) -> dict[str, Resolved]:
    """Every parameter's value as of ``on`` (:class:`Timeline`)."""
    return Timeline(core, profile).as_of(on)
