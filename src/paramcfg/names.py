"""Name helpers: "did you mean" suggestions for unknown names."""

from __future__ import annotations

import difflib
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["closest", "suggest"]


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The declared names nearest to ``name`` (stdlib difflib; works on kanji as on ASCII).

    A dotted name is also compared by its last part, so ``保育料.月額表`` finds
    ``保育料.月額`` and ``税率`` finds ``固定資産税.税率``.
    """
    pool = sorted(set(candidates))
    found = difflib.get_close_matches(name, pool, n=n, cutoff=0.5)
    if len(found) < n:
        tail = name.rsplit(".", 1)[-1]
        by_tail = {c.rsplit(".", 1)[-1]: c for c in pool}
        for match in difflib.get_close_matches(tail, list(by_tail), n=n, cutoff=0.6):
            if by_tail[match] not in found:
                found.append(by_tail[match])
    return found[:n]


def _foreign_letters(name: str) -> list[str]:
    """Letters of a script that looks like Latin but is not (Cyrillic А, Greek Α)."""
    return [ch for ch in name if unicodedata.name(ch, "").startswith(("CYRILLIC", "GREEK"))]


def suggest(name: str, candidates: Iterable[str]) -> tuple[str, str]:
    """A "; did you mean …?" suffix in English and Japanese, or empty strings.

    Half-width katakana is compared in its full-width form (ｺﾝﾋﾞﾆ finds コンビニ), and a letter
    that only looks Latin (Cyrillic А in А4) is named, since the two look the same on screen.
    """
    pool = list(candidates)
    found = closest(name, pool)
    folded = unicodedata.normalize("NFKC", name)
    note_en = note_ja = ""
    if folded != name and folded in pool:
        found = [folded, *(c for c in found if c != folded)]
        note_en, note_ja = " (written in half-width katakana)", "（半角カナで書かれています）"
    foreign = _foreign_letters(name)
    if foreign:
        ch = foreign[0]
        code = f"U+{ord(ch):04X} {unicodedata.name(ch)}"
        note_en = f" (`{ch}` is {code}, not a Latin letter)"
        note_ja = f"（「{ch}」はラテン文字ではなく {code} です）"
    if not found:
        return note_en, note_ja
    en = " or ".join(f"`{c}`" for c in found)
    ja = "、".join(f"「{c}」" for c in found)
    return f"; did you mean {en}?{note_en}", f"。{ja}の誤りではありませんか{note_ja}"
