"""``paramcfg init``: a late joiner's first profile, copied from a neighbour's.

The neighbour's file is copied as text — layout, comments and every value kept — with the
header rewritten for the new town and ``review`` put before every value, so that
``paramcfg check`` reports each one (PC0411) until someone has confirmed it against the new
town's ordinance and deleted the mark.
"""

from __future__ import annotations

import unicodedata

import attrs

from paramcfg import nodes as n
from paramcfg.check import check_code, prefecture_of
from paramcfg.diagnostics import Diagnostic, Span
from paramcfg.syntax import parse_text
from paramcfg.values import quote

__all__ = ["InitResult", "init_profile"]


@attrs.frozen
class InitResult:
    text: str
    reviewed: int  # values marked for review
    diagnostics: tuple[Diagnostic, ...]  # why it could not be made (empty on success)


def init_profile(source: str, source_path: str, name: str, code: str) -> InitResult:
    """The new town's profile text, from the neighbour's ``source``."""
    diags: list[Diagnostic] = []
    # Full-width digits (０８５４３０, typed with the IME on) are the same code: NFKC makes them
    # half-width; anything else that is not a digit is still reported, exactly.
    code = unicodedata.normalize("NFKC", code).strip()
    check_code(code, Span("--code", 1, 1, 1, len(code) + 1), diags)
    parsed = parse_text(source, source_path)
    diags.extend(d for d in parsed.diagnostics if d.level.value == "error")
    header = next((s for s in parsed.file.statements if isinstance(s, n.TenantHeader)), None)
    if header is None or diags:
        return InitResult("", 0, tuple(diags))
    # Edits from the end of the text backwards, so that earlier offsets stay valid.
    edits: list[tuple[int, int, str]] = [
        (header.span.start, header.span.end, f"tenant {quote(name)} code {code}")]
    # The neighbour's prefecture layer becomes the new town's, told by its code (a town of
    # another prefecture is within its own).
    within = next((s for s in parsed.file.statements if isinstance(s, n.Within)), None)
    prefecture = prefecture_of(code)
    if within is not None and prefecture is not None:
        edits.append((within.span.start, within.span.end, f"within {quote(prefecture)}"))
    reviewed = 0
    for s in parsed.file.statements:
        if isinstance(s, n.Assignment) and not s.review:
            edits.append((s.name_span.start, s.name_span.start, "review "))
            reviewed += 1
    text = source
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    banner = (
        f"# {name} のプロファイル。{header.name}（{header.code}）のプロファイルから作成しました。\n"
        "# 行頭に review がある値は写したままの値です。条例と照らして確認し、review を削除して\n"
        "# ください。paramcfg check は review が残っている間、その値を報告します。\n"
        f"# Profile of {name}, made from {header.name}'s. Each value marked `review` is\n"
        "# still the neighbour's: confirm it against the ordinance, then delete `review`.\n"
    )
    return InitResult(banner + text, reviewed, ())
