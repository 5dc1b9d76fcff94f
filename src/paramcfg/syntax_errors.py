"""Syntax-error wording: what the parser or the cutter found, said to people (en + ja).

Terminals are named as people know them (never by Lark's names); a keyword glued to what
follows (``from2025-04-01``), a full-width character, a second decimal point each get their
own advice.  Every message here is a registered diagnostic (:mod:`paramcfg.diagnostics`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Final

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from paramcfg import lexicon
from paramcfg.diagnostics import Diagnostic
from paramcfg.segmenter import MAX_DEPTH, MAX_LINES, MAX_STATEMENT_CHARS, MAX_TABLE_CELLS

if TYPE_CHECKING:
    from lark import Lark, Token

    from paramcfg.diagnostics import Span
    from paramcfg.segmenter import Locator, Problem, Segment

__all__ = ["TERMINAL_WORDING", "describe_terminal", "problem_diagnostic", "syntax_diagnostic"]

# How terminals are named to people (never Lark's names).
TERMINAL_WORDING: Final[dict[str, tuple[str, str]]] = {
    "NAME": ("a name", "名前"),
    "YEN": ("an amount such as 48,600円", "金額（例: 48,600円）"),
    "PERCENT": ("a rate such as 1.4%", "率（例: 1.4%）"),
    "NUMBER": ("a number", "数値"),
    "INT": ("a whole number", "整数"),
    "CODE": ("a 6-digit code such as 085421", "6桁のコード（例: 085421）"),
    "VERSION": ("a version such as 2024.4", "版（例: 2024.4）"),
    "VERSION_OP": (">= or ==", ">= または =="),
    "DATE": ("a date such as 2024-04-01", "日付（例: 2024-04-01）"),
    "MONTHDAY": ("a day such as 4月30日", "月日（例: 4月30日）"),
    "STRING": ('text in double quotes "…"', '"…" で囲んだ文字列'),
    "COMPARE_OP": ("a comparison", "比較演算子"),
    "PLUS": ("+", "+"),
    "MINUS": ("-", "-"),
    "MUL_OP": ("* or /", "* または /"),
    "RANGE_OP": ("..<", "..<"),
    "_ROWSEP": ("a table row on the next line, starting with |",
                "次の行から | で始まる表の行"),
    "_LETSEP": ("a new line after the let binding", "let の後の改行"),
    "$END": ("the end of the statement", "文の終わり"),
}


def describe_terminal(name: str, parser: Lark) -> tuple[str, str]:
    if name in TERMINAL_WORDING:
        return TERMINAL_WORDING[name]
    term = parser.get_terminal(name)
    pattern = getattr(term.pattern, "value", name)
    text = f"`{pattern}`"
    return text, text


def _describe_token(tok: Token) -> tuple[str, str]:
    if tok.type == "$END":
        return "the statement ends too early", "文が途中で終わっています"
    if tok.type in {"_ROWSEP", "_LETSEP", "_NL"}:
        return "unexpected line break", "ここで改行はできません"
    return f"unexpected `{tok}`", f"「{tok}」はここに書けません"


_VALUE_STARTS: Final = frozenset({"YEN", "PERCENT", "NUMBER", "STRING", "DATE"})


def _expected(names: set[str], parser: Lark) -> tuple[str, str]:
    if names >= _VALUE_STARTS:
        # Where any value may stand, listing every token helps nobody.
        return ('a value such as 1.4%, 48,600円, 2024-04-01 or "text"',
                '値（1.4%、48,600円、2024-04-01、"文字列" など）')
    described = sorted({describe_terminal(x, parser) for x in names if x != "_NL"})
    if len(described) > 6:
        en = ", ".join(d[0] for d in described[:6]) + ", …"
        ja = "、".join(d[1] for d in described[:6]) + " など"
    else:
        en = " or ".join(d[0] for d in described) or "nothing more"
        ja = "、".join(d[1] for d in described) or "何も"
    return en, ja


def _closer(what: str) -> str:
    return lexicon.BRACKETS.get(what, '"')


_LIMITS: Final = {
    "depth": ("brackets nested", "括弧の入れ子の深さ", MAX_DEPTH),
    "cells": ("the number of table cells in one statement", "一つの表のセルの数",
              MAX_TABLE_CELLS),
    "size": ("the length of one statement", "一つの文の長さ", MAX_STATEMENT_CHARS),
    "lines": ("the number of lines", "行数", MAX_LINES),
}


def problem_diagnostic(p: Problem, locator: Locator) -> Diagnostic:
    span = locator.span(p.offset, p.offset + 1)
    if p.kind in _LIMITS:
        what, what_ja, limit = _LIMITS[p.kind]
        return Diagnostic("PC0005", span, {
            "what": f"{what} ({p.amount:,})", "what_ja": f"{what_ja}（{p.amount:,}）",
            "limit": f"{limit:,}", "limit_ja": f"{limit:,}"})
    name = "the string" if p.kind == "string" else f"the bracket `{p.kind}`"
    name_ja = '文字列の「"」' if p.kind == "string" else f"括弧「{p.kind}」"
    return Diagnostic("PC0103", span, {"what": name, "what_ja": name_ja,
                                       "closer": _closer(p.kind)})



_FIXES: Final = {
    "、，": ("write a half-width comma `,`", "半角のカンマ「,」で区切ってください"),
    "．。": ("write a half-width `.` (the dot in 固定資産税.税率 is half-width)",
            "半角の「.」を書いてください（固定資産税.税率 の「.」は半角です）"),
    "“”„「」『』‘’": ('put text in half-width double quotes "…"',
                    '文字列は半角の「"」で囲んでください'),
}
_GLUED = re.compile(
    "(" + "|".join(sorted(lexicon.GLUED_KEYWORDS, key=lambda w: (-len(w), w))) + ')(?=[0-9"])')


def _char_help(ch: str) -> tuple[str, str, str]:
    """How to name a character in a message, and what to do about it (en, ja)."""
    shown = f"`{ch}`"
    if not ch.isascii() or not ch.isprintable():
        shown = f"`{ch}` (U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED')})"
    for chars, (fix, fix_ja) in _FIXES.items():
        if ch in chars:
            return shown, fix, fix_ja
    if unicodedata.category(ch) == "Zs":
        return shown, "replace it with an ordinary half-width space", "普通の半角スペースに置き換えてください"
    return (shown, 'delete it, or put text in double quotes "…"',
            '削除するか、文字列なら "…" で囲んでください')


def syntax_diagnostic(exc: UnexpectedInput, loc: Locator, parser: Lark, seg: Segment) -> Diagnostic:
    seg_text = loc.text[seg.start : seg.end]
    glued = _GLUED.match(seg_text)
    if glued:
        # `from2025-04-01`: Japanese has no spaces, but keywords need one after them.
        word = glued.group(1)
        fixed = f"{word} {seg_text[len(word):].split()[0]}"
        return Diagnostic("PC0101", _abs_span(loc, seg, 0, len(word)), {
            "found": f"`{word}` runs into what follows it", "found_ja": f"「{word}」の後に空白がありません",
            "expected": f"a space after it: {fixed}", "expected_ja": f"空白（{fixed}）"})
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        char = exc.char
        if char == "." and pos and seg_text[pos - 1 : pos].isdigit():
            # 0.1.2%: a second decimal point is a malformed number, not a stray character.
            return Diagnostic("PC0101", _abs_span(loc, seg, pos, pos + 1), {
                "found": "a second decimal point `.`", "found_ja": "二つ目の小数点「.」",
                "expected": "one decimal point in a number", "expected_ja": "小数点が一つの数値"})
        shown, fix, fix_ja = _char_help(char)
        return Diagnostic("PC0102", _abs_span(loc, seg, pos, pos + 1),
                          {"char": shown, "fix": fix, "fix_ja": fix_ja})
    assert isinstance(exc, UnexpectedToken)  # noqa: S101 - the only other kind LALR raises
    tok = exc.token
    found_en, found_ja = _describe_token(tok)
    if tok.type == "STRING" and re.match(r"[ \t]*=", seg_text[tok.end_pos or 0 :]):
        found_en = f"unexpected {tok}: a parameter name is written without quotes"
        found_ja = f"{tok} はここに書けません。パラメータ名は引用符で囲みません"
    # LALR merges states, so `exc.expected` can list terminals that could never follow here;
    # asking the interactive parser what it really accepts gives an honest list.
    try:
        accepted = set(exc.interactive_parser.accepts())  # type: ignore[no-untyped-call]
    except (UnexpectedInput, AttributeError):  # pragma: no cover - defensive
        accepted = set(exc.expected)
    exp_en, exp_ja = _expected(accepted or set(exc.expected), parser)
    if tok.type == "$END":
        end = seg.end - seg.start
        span = _abs_span(loc, seg, max(end - 1, 0), end)
    else:
        span = _abs_span(loc, seg, tok.start_pos or 0, tok.end_pos or 0)
    return Diagnostic(
        "PC0101",
        span,
        {"found": found_en, "found_ja": found_ja, "expected": exp_en, "expected_ja": exp_ja},
    )


def _abs_span(loc: Locator, seg: Segment, start: int, end: int) -> Span:
    loc.base = seg.start
    try:
        return loc.span(start, end)
    finally:
        loc.base = 0
