"""Name helpers: "did you mean" suggestions for unknown names."""

from __future__ import annotations

import difflib
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


def suggest(name: str, candidates: Iterable[str]) -> tuple[str, str]:
    """A "; did you mean …?" suffix in English and Japanese, or empty strings."""
    found = closest(name, candidates)
    if not found:
        return "", ""
    en = " or ".join(f"`{c}`" for c in found)
    ja = "、".join(f"「{c}」" for c in found)
    return f"; did you mean {en}?", f"。{ja}の誤りではありませんか"
