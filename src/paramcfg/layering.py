"""The prefecture layer's rules while a profile is built (docs/language.md §7.4): where a
``within`` line may stand, and who may set a parameter the core gives the prefecture.

Merging the layers by date is :class:`paramcfg.model.Timeline`'s; finding and checking a
town's prefecture profile, :mod:`paramcfg.loading`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paramcfg.diagnostics import Diagnostic, Related

if TYPE_CHECKING:
    from paramcfg import nodes as n

__all__ = ["owner", "prefecture_owned", "within_in_core", "within_in_prefecture"]


def _misplaced(s: n.Within, why: str, why_ja: str) -> Diagnostic:
    return Diagnostic("PC0205", s.span, {"what": "a `within` line", "what_ja": "within 行",
                                         "fix": f"delete it: {why}",
                                         "fix_ja": f"削除してください。{why_ja}"})


def within_in_core(s: n.Within) -> Diagnostic:
    return _misplaced(s, "only a town profile names its prefecture",
                      "都道府県を指定するのは市町村のプロファイルだけです")


def within_in_prefecture(s: n.Within) -> Diagnostic:
    return _misplaced(s, "a prefecture profile is itself the layer its towns name",
                      "都道府県のプロファイルは、市町村が within で指定する側です")


def owner(header: n.TenantHeader, within: n.Within | None) -> tuple[str, str] | None:
    """Who sets a town's prefecture-owned values, as messages name it (en, ja): the prefecture
    its ``within`` line names; ``None`` for a prefecture's own profile (it may set them)."""
    if header.kind != "tenant":
        return None
    return (within.name, within.name) if within is not None else ("its prefecture", "都道府県")


def prefecture_owned(s: n.Assignment, town: tuple[str, str], declared: Related) -> Diagnostic:
    """A town sets a parameter the core gives its prefecture (``set by prefecture``, PC0414);
    loading names the prefecture's own line, or the ``within`` line to write."""
    name, name_ja = town
    return Diagnostic("PC0414", s.name_span, {"name": s.name, "owner": name, "owner_ja": name_ja,
                                              "within": "", "within_ja": ""},
                      related=(declared,))
