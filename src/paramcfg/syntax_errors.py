"""Syntax-error wording: what the parser or the cutter found, said to people (en + ja).

Terminals are named as people know them (never by Lark's names); a keyword glued to what
follows (``from2025-04-01``), a full-width character, a second decimal point each get their
own advice.  Every message here is a registered diagnostic (:mod:`paramcfg.diagnostics`).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING, Final, NamedTuple

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from paramcfg import lexicon
from paramcfg.diagnostics import Diagnostic
from paramcfg.segmenter import MAX_DEPTH, MAX_LINES, MAX_STATEMENT_CHARS, MAX_TABLE_CELLS

if TYPE_CHECKING:
    from lark import Lark, Token

    from paramcfg.diagnostics import Span
    from paramcfg.segmenter import Locator, Problem, Segment

__all__ = [
    "TERMINAL_WORDING", "Mistake", "describe_terminal", "mistake_diagnostic", "problem_diagnostic",
    "recognise", "syntax_diagnostic",
]

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



# ---- mistakes recognised before the grammar's own message ------------------------------------
#
# A statement Lark refuses is looked at once more for forms people bring from elsewhere (a
# spreadsheet, an ordinance, a form): each is named with what to write instead.  Where the fix
# has the same length, the statement is parsed again with it (the spans still line up), so
# nothing that follows is lost: no false "set outside any from block" after `from 2025/04/01`.

_NUM: Final = lexicon.DIGITS


class Mistake(NamedTuple):
    """A recognised mistake: where it is in the statement, its code and message arguments,
    and the text to read in its place (``None``: nothing of the same length)."""

    start: int
    end: int
    code: str
    args: dict[str, str]
    replacement: str | None


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _grouped(value: Decimal) -> str:
    """``value`` as the language writes it: commas every three digits, no exponent."""
    whole, _, frac = format(value.normalize(), "f").partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def _same_length(found: str, fixed: str) -> str | None:
    return fixed.ljust(len(found)) if len(fixed) <= len(found) else None


def _foreign(found: str, fix: str, where: tuple[str, str]) -> dict[str, str]:
    return {"found": f"`{found}`", "where": where[0], "where_ja": where[1], "fix": fix}


_SPACED: Final = ("a number with a space before its unit", "数値と単位の間に空白がある書き方")
_YEN_SIGN: Final = ("an amount with a yen sign", "円記号（¥）を使った金額")
_MAN: Final = ("an amount counted in 万 or 千", "万・千を使った金額")
_ORDINANCE: Final = ("an ordinance's way of writing a bracket", "条例の区分の書き方")
_JP_DATE: Final = ("a date with slashes", "スラッシュ区切りの日付")
_NUMBER_WORDS: Final = {"万": 10_000, "千": 1_000}

_PATTERNS: Final = (
    # 3‰ → 0.3%
    ("permille", re.compile(rf"(?<![\w.,])({_NUM})[ \t]*‰")),
    # 1.4 % → 1.4%, 3,000 円 → 3,000円
    ("spaced_unit", re.compile(rf"(?<![\w.,])({_NUM})[ \t]+([%円])")),
    # ¥3,000 → 3,000円
    ("yen_sign", re.compile(rf"[¥￥][ \t]*({_NUM})(?![\w%]|\.[0-9])")),
    # 1.5万円 → 15,000円
    ("number_word", re.compile(rf"(?<![\w.,])({_NUM})([万千])円")),
    # 48,600円以上97,000円未満 → 48,600円 ..< 97,000円; 48,600円以上 → >= 48,600円
    ("ordinance_range", re.compile(rf"(?<![\w.,])({_NUM}円)以上[ \t]*({_NUM}円)未満")),
    ("ordinance_bound", re.compile(rf"(?<![\w.,])({_NUM}円)(以上|未満)")),
    # 2025/04/01 → 2025-04-01
    ("slash_date", re.compile(r"(?<![\w/.])([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})(?![\w/])")),
)


def _mistake(kind: str, m: re.Match[str]) -> Mistake | None:
    found = m.group(0)
    if kind == "permille":
        fixed = f"{_grouped(_number(m.group(1)) / 10)}%"
        return Mistake(m.start(), m.end(), "PC0105",
                       _foreign(found, fixed, ("a per-mille rate", "千分率（‰）")), None)
    if kind == "spaced_unit":
        fixed = m.group(1) + m.group(2)
        return Mistake(m.start(), m.end(), "PC0105",
                       _foreign(found, fixed, _SPACED),
                       _same_length(found, fixed))
    if kind == "yen_sign":
        fixed = f"{m.group(1)}円"
        return Mistake(m.start(), m.end(), "PC0105", _foreign(found, fixed, _YEN_SIGN),
                       _same_length(found, fixed))
    if kind == "number_word":
        value = _number(m.group(1)) * _NUMBER_WORDS[m.group(2)]
        if value != value.to_integral_value():
            return None
        fixed = f"{_grouped(value)}円"
        return Mistake(m.start(), m.end(), "PC0105", _foreign(found, fixed, _MAN), None)
    if kind == "ordinance_range":
        fixed = f"{m.group(1)} ..< {m.group(2)}"
        return Mistake(m.start(), m.end(), "PC0105", _foreign(found, fixed, _ORDINANCE), None)
    if kind == "ordinance_bound":
        fixed = (">= " if m.group(2) == "以上" else "< ") + m.group(1)
        return Mistake(m.start(), m.end(), "PC0105", _foreign(found, fixed, _ORDINANCE), None)
    year, month, day = (int(g) for g in m.groups())
    fixed = f"{year:04d}-{month:02d}-{day:02d}"
    return Mistake(m.start(), m.end(), "PC0105", _foreign(found, fixed, _JP_DATE),
                   _same_length(found, fixed))


_ASSIGNMENT: Final = re.compile(rf"[ \t]*{lexicon.LINE_NAME}[ \t]*=(?!=)")


def _pasted_rows(seg_text: str) -> list[Mistake]:
    """Rows of a grid pasted from a spreadsheet: cells split by tabs, no `|`."""
    out: list[Mistake] = []
    offset = 0
    for whole, masked in zip(seg_text.split("\n"), _mask_strings(seg_text).split("\n"),
                             strict=True):
        # A trailing comment is not a cell (a string's text stays as it is).
        line = whole[: len(masked.rstrip())]
        body = line.strip()
        if "\t" in body and "|" not in masked and not _ASSIGNMENT.match(masked):
            start = offset + len(line) - len(line.lstrip())
            cells = [c.strip() for c in body.split("\t") if c.strip()]
            fixed = "| " + " | ".join(cells) + " |"
            out.append(Mistake(start, start + len(body), "PC0107", {"fix": fixed},
                               _same_length(body, fixed)))
        offset += len(whole) + 1
    return out[:1]  # one diagnostic for the pasted block: the fix is the same for every row


def recognise(seg_text: str) -> tuple[list[Mistake], str | None]:
    """The recognised mistakes of a statement Lark refused, and the statement with each one
    fixed (``None`` unless every fix has the same length as the mistake)."""
    mistakes: list[Mistake] = []
    taken: list[tuple[int, int]] = []
    masked = _mask_strings(seg_text)
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(masked):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            found = _mistake(kind, m)
            if found is not None:
                mistakes.append(found)
                taken.append((m.start(), m.end()))
    mistakes.extend(_pasted_rows(seg_text))
    mistakes.sort(key=lambda x: x.start)
    if not mistakes or any(x.replacement is None for x in mistakes):
        return mistakes, None
    fixed = seg_text
    for x in reversed(mistakes):
        assert x.replacement is not None  # noqa: S101 - checked just above
        fixed = fixed[: x.start] + x.replacement + fixed[x.end :]
    return mistakes, fixed


_STRING_OR_COMMENT: Final = re.compile(f'"(?:{lexicon.STRING_CHAR}|{lexicon.STRING_ESCAPE})*"?|#[^\\n]*')


def _mask_strings(text: str) -> str:
    """``text`` with strings and comments blanked (same length): their text is never a mistake."""
    return _STRING_OR_COMMENT.sub(lambda m: " " * len(m.group(0)), text)


def mistake_diagnostic(x: Mistake, loc: Locator, seg: Segment) -> Diagnostic:
    return Diagnostic(x.code, _abs_span(loc, seg, x.start, x.end), x.args)
