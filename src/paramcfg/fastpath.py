"""A fast path for the common statement: ``名前 = 値`` recognised without Lark.

Most statements of a profile are one assignment: `名前 = 値`, where the value is one literal
or name, a flat list of them, or a grid.  Lark's LALR parser, run in Python, costs ~100 µs
for such a statement; recognising it here costs a few.  The fast path only ever *accepts*:
it gives the very nodes (and spans) the Lark path would, and on anything it is not sure of
(another statement, a nested value, a comment, an escape, a keyword used as a name, and
every error) it gives up and the statement goes to Lark as before, so every diagnostic is
still Lark's.  tests/unit/test_parser_fast_path.py proves the two paths equal.

The tokens are the grammar's terminals, tried in the order of Lark's contextual lexer
(priority first: DATE and MONTHDAY, then YEN and PERCENT, then NUMBER, then the rest), so
the first alternative that matches is the terminal Lark would lex.  Lark's lexer in a given
parser state knows only the terminals that state accepts; where this regex finds one that
the state would not accept, the parse below gives up, and it never accepts a name that is a
keyword (Lark would lex it as the keyword wherever the keyword may stand).

The token patterns are the lexicon's (:mod:`paramcfg.lexicon`), which a test holds equal to
the grammar's; only STRING is narrowed here to strings without escapes (the fast path gives
an escape to Lark).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from paramcfg import fastdecl, lexicon
from paramcfg import nodes as n
from paramcfg.diagnostics import Span
from paramcfg.literals import literal_node, negated

if TYPE_CHECKING:
    from paramcfg.segmenter import Locator, Segment

__all__ = ["KEYWORDS", "fast_statement"]


_FAST_TOKEN: Final = re.compile(
    r"[ \t]*(?:"
    + "|".join([*lexicon.FAST_TOKEN_GROUPS, lexicon.token_group("PUNCT", r"[-=|\[\],]")])
    + ")"
)
#: Every keyword of the grammar (a NAME that is one of these is lexed as the keyword wherever
#: the keyword may stand); ``true`` and ``false`` are handled as the literals they are.
KEYWORDS: Final = lexicon.KEYWORDS
_NUMBER_KINDS: Final = frozenset({"YEN", "PERCENT", "NUMBER"})
_SCALAR_KINDS: Final = frozenset({"DATE", "MONTHDAY", "STRING", "NAME"}) | _NUMBER_KINDS


class _GiveUp(Exception):  # noqa: N818 - control flow inside the fast path, never escapes
    """The fast path is not sure: the statement goes to Lark."""


class _FastParser:
    """Recursive descent over the tokens of one statement (see above)."""

    __slots__ = ("end", "first_line", "line", "line_start", "path", "pos", "seg_start", "text")

    def __init__(self, text: str, path: str, seg: Segment) -> None:
        self.text = text
        self.path = path
        self.seg_start = seg.start
        self.line = self.first_line = seg.line
        self.line_start = seg.start
        self.end = seg.end
        self.pos = seg.start

    def next(self) -> tuple[str, int, int]:
        """The next token as (kind, start, end); ``("END", end, end)`` at the end."""
        if self.pos >= self.end:
            return "END", self.end, self.end
        m = _FAST_TOKEN.match(self.text, self.pos, self.end)
        if m is None:
            if self.text[self.pos : self.end].strip(" \t"):
                raise _GiveUp
            self.pos = self.end
            return "END", self.end, self.end
        kind = m.lastgroup
        start, self.pos = m.start(kind), m.end()  # type: ignore[arg-type]
        if kind == "PUNCT":
            return self.text[start], start, self.pos
        if kind == "ROWSEP":
            self.line += 1
            self.line_start = start + 1
        return kind, start, self.pos  # type: ignore[return-value]

    def span(self, start: int, end: int) -> Span:
        line, col = self.line, start - self.line_start + 1
        return Span(self.path, line, col, line, col + (end - start), start, end)

    def scalar(self, kind: str, start: int, end: int) -> n.Lit | n.Member:
        """The literal or name of a token that starts a value; gives up on anything else."""
        text = self.text[start:end]
        if kind == "-":
            kind, start, end = self.next()
            if kind not in _NUMBER_KINDS:
                raise _GiveUp
            inner = self.scalar(kind, start, end)
            assert isinstance(inner, n.Lit)  # noqa: S101 - a number kind gives a Lit
            value = inner.value
            assert isinstance(value, int | Decimal)  # noqa: S101 - numbers only
            return n.Lit(inner.kind, negated(value), "-" + inner.text, inner.span)
        span = self.span(start, end)
        lit = literal_node(kind, text, span)
        if lit is not None:
            return lit
        if kind == "NAME":
            if text == "true":
                return n.Lit("bool", value=True, text="true", span=span)
            if text == "false":
                return n.Lit("bool", value=False, text="false", span=span)
            if text in KEYWORDS:
                raise _GiveUp
            return n.Member(text, span)
        raise _GiveUp

    def list_value(self, start: int) -> n.ListValue:
        items: list[n.Lit | n.Member] = []
        while True:
            kind, s, e = self.next()
            if kind == "]":
                break
            if kind not in _SCALAR_KINDS and kind != "-":
                raise _GiveUp
            items.append(self.scalar(kind, s, e))
            kind, s, e = self.next()
            if kind == "]":
                break
            if kind != ",":
                raise _GiveUp
        return n.ListValue(tuple(items), self.span(start, start + 1).to(self.span(s, e)))

    def grid(self) -> tuple[n.Grid, tuple[str, int, int]]:
        """Rows up to the end of the statement; the last token read is returned too."""
        rows: list[n.Row] = []
        tok = ("ROWSEP", 0, 0)
        while tok[0] == "ROWSEP":
            tok = self.next()
            if tok[0] != "|":
                raise _GiveUp
            cells: list[n.Cell] = []
            items: list[n.Lit | n.Member | n.KeyOp] = []
            while True:
                kind, s, e = tok = self.next()
                if kind in {"|", "ROWSEP", "END"}:
                    cells.append(self._cell(items))
                    if kind != "|":
                        break
                    items = []
                elif kind in {"COMPARE_OP", "RANGE_OP"}:
                    items.append(n.KeyOp(self.text[s:e], self.span(s, e)))
                elif kind in _SCALAR_KINDS or kind == "-":
                    items.append(self.scalar(kind, s, e))
                else:
                    raise _GiveUp
            if cells[-1].items:
                raise _GiveUp  # a row without its closing `|`: Lark's path reports it (PC0106)
            if len(cells) > 1:
                cells.pop()  # the row's closing pipe
            spans = [x.span for x in cells if x.items]
            rows.append(n.Row(tuple(cells), _cover(spans) if spans else self._empty()))
        return n.Grid(tuple(rows), _cover([rows[0].span, rows[-1].span])), tok

    def _cell(self, items: list[n.Lit | n.Member | n.KeyOp]) -> n.Cell:
        if not items:
            return n.Cell((), self._empty())
        return n.Cell(tuple(items), _cover([i.span for i in items]))

    def _empty(self) -> Span:
        """What the Lark path gives an empty cell or row: a point at the statement's start."""
        start = self.seg_start
        return Span(self.path, self.first_line, 1, self.first_line, 1, start, start)

    def assignment(self) -> n.Assignment:
        kind, s, e = self.next()
        first = s  # the statement's span starts at its first token, as _segment_span's does
        review = kind == "NAME" and self.text[s:e] == "review"
        if review:
            kind, s, e = self.next()
        name = self.text[s:e]
        if kind != "NAME" or name in KEYWORDS:
            raise _GiveUp
        name_span = self.span(s, e)
        if self.next()[0] != "=":
            raise _GiveUp
        kind, s, e = self.next()
        value: n.Value
        if kind == "ROWSEP":
            value, last = self.grid()
        else:
            if kind == "[":
                value = self.list_value(s)
            elif kind in _SCALAR_KINDS or kind == "-":
                value = self.scalar(kind, s, e)
            else:
                raise _GiveUp
            last = self.next()
        if last[0] != "END":
            raise _GiveUp
        # The last token ends the statement, on the line this parser has reached.
        span = Span(self.path, self.first_line, first - self.seg_start + 1, self.line,
                    self.end - self.line_start + 1, first, self.end)
        return n.Assignment(name, name_span, value, span, review=review)


def _cover(spans: list[Span]) -> Span:
    """``spans[0].to(spans[-1])``; one span is its own cover (an equal span, not made again)."""
    first, last = spans[0], spans[-1]
    return first if first is last else first.to(last)


def fast_statement(text: str, seg: Segment, locator: Locator) -> n.Statement | None:
    """The statement of ``seg`` as the Lark path would give it, or ``None`` to ask Lark: the
    common assignment here, every other statement by :mod:`paramcfg.fastdecl`."""
    if _DECLARATION.match(text, seg.start, seg.end) is None:
        try:
            return _FastParser(text, locator.path, seg).assignment()
        except _GiveUp:
            pass
    return fastdecl.statement(text, seg, locator)


#: A statement that starts with a statement keyword (other than ``review``): never an assignment
#: this module takes (its first name would be a keyword), so it goes to fastdecl at once.
_DECLARATION: Final = re.compile(
    r"[ \t]*(?:" + "|".join(sorted(lexicon.GLUED_KEYWORDS)) + r")(?![\w.])")

