"""The tokens, values and expressions of the hand-written fast path (:mod:`paramcfg.fastdecl`).

A recursive descent that gives the very nodes and spans Lark's transformer gives, or gives up
(:class:`GiveUp`) and lets Lark take the statement; why its tokens are the ones Lark lexes is
told in :mod:`paramcfg.fastdecl`.  Split from it to keep each module readable: this one reads
tokens, literals, values, grids and expressions; that one headers, declarations, clauses and
types.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Final

from paramcfg import lexicon
from paramcfg import nodes as n
from paramcfg.diagnostics import Span
from paramcfg.literals import literal_node, negated

if TYPE_CHECKING:

    from paramcfg.segmenter import Locator, Segment

__all__ = ["DIGITS", "SIMPLE_TYPES", "VERSION", "GiveUp", "Reader", "Tok"]


#: Blanks and a comment (both ignored by the grammar) before a token.
_SKIP: Final = re.compile(r"[ \t]*(?:#[^\n]*)?")
#: The line break is kept (it may end a `let` binding); of the terminals before it only the row
#: separator starts with one, and it must win.
_TOKEN: Final = re.compile(
    r"[ \t]*(?:#[^\n]*)?(?:"
    + "|".join([*lexicon.FAST_TOKEN_GROUPS, "(?P<NL>\n)", r"(?P<PUNCT>->|[-+*/=|\[\](){},:])"])
    + ")"
)
VERSION: Final = re.compile(lexicon.TERMINALS["VERSION"].regex)
DIGITS: Final = re.compile(lexicon.TERMINALS["INT"].regex)  # INT and CODE alike

_KEYWORDS: Final = lexicon.KEYWORDS
_OPEN: Final = frozenset(lexicon.BRACKETS)
_CLOSE: Final = frozenset(lexicon.BRACKETS.values())
#: After one of these a line break never ends a `let` binding (PostLexer._JOIN_AFTER).
_JOIN_AFTER: Final = frozenset({"+", "-", "=", ",", "->", ":", *lexicon.MUL_OPS,
                                *lexicon.COMPARE_OPS, *lexicon.JOIN_AFTER_KEYWORDS,
                                *lexicon.BRACKETS})
_NUMBERS: Final = frozenset({"YEN", "PERCENT", "NUMBER"})
_LITERALS: Final = _NUMBERS | {"DATE", "MONTHDAY", "STRING"}
#: What a grid cell may hold besides a key operator: literals, names, a minus sign.
_CELL_ITEMS: Final = _LITERALS | {"-", "NAME", "true", "false"}
SIMPLE_TYPES: Final = frozenset({"int", "decimal", "yen", "rate", "bool", "date", "monthday"})
#: The keywords that may stand where an operand starts (a name there is lexed as the keyword).
_OPERAND_KEYWORDS: Final = frozenset({"if", "not", "let", "true", "false"})
#: How tightly each binary operator binds (the grammar's layers: or_expr, and_expr, compare,
#: sum, product); `not` stands between `and` and the comparisons.
_BINDING: Final = {"or": 1, "and": 2, "COMPARE_OP": 4, "+": 5, "-": 5, "*": 6, "/": 6}
_NOT: Final = 3
_COMPARE: Final = 4

Tok = tuple[str, int, int]  # (kind, start, end); a keyword's and punctuation's kind is its text


class GiveUp(Exception):  # noqa: N818 - control flow inside the fast path, never escapes
    """The fast path is not sure: the statement goes to Lark."""



class Reader:
    """Recursive descent over the tokens of one statement: tokens, values, expressions."""

    __slots__ = ("depth", "end", "in_let", "loc", "peeked", "pos", "prev", "seg", "text")

    def __init__(self, text: str, seg: Segment, loc: Locator) -> None:
        self.text = text
        self.seg = seg
        self.loc = loc
        self.pos = seg.start
        self.end = seg.end
        self.peeked: Tok | None = None
        # The post-lexer's state (larkparser.PostLexer.process).
        self.depth = 0
        self.in_let = False
        self.prev = ""

    # ---- tokens ----------------------------------------------------------------------

    def _lex(self) -> Tok:
        text = self.text
        while True:
            if self.pos >= self.end:
                return "END", self.end, self.end
            m = _TOKEN.match(text, self.pos, self.end)
            if m is None:
                if _SKIP.match(text, self.pos, self.end).end() == self.end:  # type: ignore[union-attr]
                    self.pos = self.end
                    return "END", self.end, self.end
                raise GiveUp
            kind = m.lastgroup
            assert kind is not None  # noqa: S101 - one group always matches
            start, self.pos = m.start(kind), m.end()
            if kind == "NL":
                if self.depth == 0 and self.in_let and self.prev not in _JOIN_AFTER:
                    self.in_let = False
                    return "LETSEP", start, self.pos
                continue
            value = text[start : self.pos]
            if kind == "PUNCT":
                kind = value
                if value in _OPEN:
                    self.depth += 1
                elif value in _CLOSE:
                    self.depth = max(self.depth - 1, 0)
            elif kind == "NAME" and value in _KEYWORDS:
                kind = value  # a keyword's kind is the word itself
                if value == "let" and self.depth == 0:
                    self.in_let = True
            self.prev = value
            return kind, start, self.pos

    def peek(self) -> Tok:
        if self.peeked is None:
            self.peeked = self._lex()
        return self.peeked

    def next(self) -> Tok:
        tok = self.peek()
        self.peeked = None
        return tok

    @staticmethod
    def word(tok: Tok) -> str | None:
        """The keyword a token is, if it is one."""
        return tok[0] if tok[0] in _KEYWORDS else None

    def is_word(self, word: str) -> bool:
        return self.peek()[0] == word

    def expect(self, kind: str) -> Tok:
        tok = self.next()
        if tok[0] != kind:
            raise GiveUp
        return tok

    def expect_word(self, word: str) -> Tok:
        tok = self.next()
        if tok[0] != word:
            raise GiveUp
        return tok

    def name(self) -> Tok:
        """A NAME that is no keyword (a keyword where a name may stand is Lark's business)."""
        tok = self.next()
        if tok[0] != "NAME":
            raise GiveUp
        return tok

    def special(self, pattern: re.Pattern[str]) -> Tok:
        """VERSION, CODE or INT, where the grammar accepts only that terminal."""
        if self.peeked is not None or self.in_let:
            raise GiveUp  # pragma: no cover - never peeked where these stand
        while True:
            self.pos = _SKIP.match(self.text, self.pos, self.end).end()  # type: ignore[union-attr]
            if self.text.startswith("\n", self.pos) and self.pos < self.end:
                self.pos += 1
                continue
            break
        m = pattern.match(self.text, self.pos, self.end)
        if m is None:
            raise GiveUp
        self.pos = m.end()
        self.prev = m.group()
        return "SPECIAL", m.start(), m.end()

    def str_of(self, tok: Tok) -> str:
        return self.text[tok[1] : tok[2]]

    def sp(self, tok: Tok) -> Span:
        """The span of a token (on one line: no token but a line break spans two), as
        :meth:`Locator.span` gives it."""
        start, end = tok[1], tok[2]
        starts = self.loc.line_starts
        line = bisect.bisect_right(starts, start)
        first = starts[line - 1]
        return Span(self.loc.path, line, start - first + 1, line, end - first + 1, start, end)

    def point(self) -> Span:
        """What the Lark path gives a clause without an argument: the statement's start."""
        return self.loc.span(self.seg.start, self.seg.start)

    # ---- values ----------------------------------------------------------------------------

    def date(self, tok: Tok) -> n.Lit:
        text = self.str_of(tok)
        return n.Lit("date", text, text, self.sp(tok))

    def literal(self, tok: Tok) -> n.Lit | None:
        """The literal a token is, or ``None``."""
        kind = tok[0]
        if kind not in _LITERALS:
            if kind == "true":
                return n.Lit("bool", value=True, text="true", span=self.sp(tok))
            if kind == "false":
                return n.Lit("bool", value=False, text="false", span=self.sp(tok))
            return None
        return literal_node(kind, self.str_of(tok), self.sp(tok))

    def scalar(self, tok: Tok) -> n.Lit | n.Member:
        """A literal, a negative number or a member, as a value or a grid cell has them."""
        if tok[0] == "-":
            inner = self.next()
            if inner[0] not in _NUMBERS:
                raise GiveUp
            lit = self.literal(inner)
            assert lit is not None  # noqa: S101 - a number kind is a literal
            assert not isinstance(lit.value, str | bool)  # noqa: S101 - and a number
            return n.Lit(lit.kind, negated(lit.value), "-" + lit.text, lit.span)
        lit = self.literal(tok)
        if lit is not None:
            return lit
        if tok[0] != "NAME":
            raise GiveUp
        return n.Member(self.str_of(tok), self.sp(tok))

    def value(self) -> n.Value:
        kind = self.peek()[0]
        if kind == "ROWSEP":
            return self.grid()
        tok = self.next()
        if kind == "[":
            items: list[n.Value] = []
            if self.peek()[0] == ",":  # `[,]`: a lone comma only before the bracket
                self.next()
                return n.ListValue((), self.sp(tok).to(self.sp(self.expect("]"))))
            while self.peek()[0] != "]":
                items.append(self.value())
                if self.peek()[0] != ",":
                    break
                self.next()
            close = self.expect("]")
            return n.ListValue(tuple(items), self.sp(tok).to(self.sp(close)))
        if kind == "{":
            fields: list[n.FieldValue] = []
            if self.peek()[0] == ",":  # `{,}`: a lone comma only before the brace
                self.next()
                return n.RecordValue((), self.sp(tok).to(self.sp(self.expect("}"))))
            while self.peek()[0] != "}":
                name = self.name()
                self.expect("=")
                value = self.value()
                fields.append(n.FieldValue(self.str_of(name), self.sp(name), value,
                                           self.sp(name).to(value.span)))
                if self.peek()[0] == ",":
                    self.next()
            close = self.expect("}")
            return n.RecordValue(tuple(fields), self.sp(tok).to(self.sp(close)))
        return self.scalar(tok)

    def grid(self) -> n.Grid:
        rows: list[n.Row] = []
        while self.peek()[0] == "ROWSEP":
            self.next()
            self.expect("|")
            cells: list[n.Cell] = []
            items: list[n.CellItem] = []
            while True:
                tok = self.peek()
                kind = tok[0]
                if kind == "|":
                    self.next()
                    cells.append(self.cell(items))
                    items = []
                elif kind in {"COMPARE_OP", "RANGE_OP"}:
                    self.next()
                    items.append(n.KeyOp(self.str_of(tok), self.sp(tok)))
                elif kind in _CELL_ITEMS:
                    self.next()
                    items.append(self.scalar(tok))
                else:
                    break  # the next row, the end, or a keyword after the table
            if items:
                raise GiveUp  # a row without its closing `|`: Lark's path reports it (PC0106)
            cells.append(self.cell(items))
            if len(cells) > 1:
                cells.pop()  # the row's closing pipe
            spans = [x.span for x in cells if x.items]
            rows.append(n.Row(tuple(cells), spans[0].to(spans[-1]) if spans else self.point()))
        if not rows:
            raise GiveUp
        return n.Grid(tuple(rows), rows[0].span.to(rows[-1].span))

    def cell(self, items: list[n.CellItem]) -> n.Cell:
        if not items:
            return n.Cell((), self.point())
        return n.Cell(tuple(items), items[0].span.to(items[-1].span))

    # ---- expressions ---------------------------------------------------------------------

    def body(self) -> n.Expr:
        if not self.is_word("let"):
            return self.expr()
        self.next()
        name = self.name()
        self.expect("=")
        value = self.expr()
        self.expect("LETSEP")
        body = self.body()
        return n.Let(self.str_of(name), value, body, self.sp(name).to(body.span))

    def expr(self) -> n.Expr:
        if not self.is_word("if"):
            return self.binary(0)
        self.next()
        cond = self.expr()
        self.expect_word("then")
        then = self.expr()
        self.expect_word("else")
        else_ = self.expr()
        return n.If(cond, then, else_, cond.span.to(else_.span))

    def binary(self, level: int) -> n.Expr:
        """The operators binding tighter than ``level`` (_BINDING), by precedence climbing: the
        tree of the grammar's layered rules (or_expr … product), left-associative, at most one
        comparison in a row (a second is Lark's error to report)."""
        if self.is_word("not"):
            # `not` stands where a not_expr may (below `and`): its operand is a not_expr.
            if level > _NOT:
                raise GiveUp
            self.next()
            operand = self.binary(_NOT)
            left: n.Expr = n.Unary("not", operand, operand.span.to(operand.span))
        else:
            left = self.unary()
        while True:
            tok = self.peek()
            binding = _BINDING.get(tok[0], 0)
            if binding <= level:
                return left
            self.next()
            right = self.binary(binding)
            op = self.str_of(tok) if binding == _COMPARE else tok[0]
            left = n.Binary(op, left, right, left.span.to(right.span))
            if binding == _COMPARE and self.peek()[0] == "COMPARE_OP":
                raise GiveUp

    def unary(self) -> n.Expr:
        if self.peek()[0] != "-":
            return self.atom()
        minus = self.next()
        operand = self.unary()
        return n.Unary("-", operand, self.sp(minus).to(operand.span))

    def atom(self) -> n.Expr:
        tok = self.next()
        kind = tok[0]
        lit = self.literal(tok)
        if lit is not None:
            return lit
        # Where an operand may start, Lark's lexer knows no keyword but `if`, `not` and `let`
        # (and the literals): any other (`max`, `min`) is lexed as the name it is.
        if kind == "NAME" or (kind in _KEYWORDS and kind not in _OPERAND_KEYWORDS):
            name, span = self.str_of(tok), self.sp(tok)
            if self.peek()[0] != "(":
                return n.Ref(name, span)
            self.next()
            args: list[n.Expr] = []
            if self.peek()[0] == ")":
                self.next()
            else:
                while True:
                    args.append(self.arg())
                    after = self.next()[0]
                    if after == ")":
                        break
                    if after != ",":
                        raise GiveUp
            return n.Call(name, tuple(args), span.to(args[-1].span if args else span))
        if kind == "(":
            inner = self.expr()
            self.expect(")")
            return inner
        if kind == "[":
            items: list[n.Expr] = []
            if self.peek()[0] != "]":
                items.append(self.expr())
                while self.peek()[0] == ",":
                    self.next()
                    items.append(self.expr())
            close = self.expect("]")
            return n.ListExpr(tuple(items), self.sp(tok).to(self.sp(close)))
        raise GiveUp

    def arg(self) -> n.Expr:
        first = self.peek()
        expr = self.expr()
        if self.peek()[0] != "->":
            return expr
        # `m -> body`: only a bare name may stand before the arrow.
        if not (isinstance(expr, n.Ref) and first[0] == "NAME" and expr.span.start == first[1]
                and expr.span.end == first[2]):
            raise GiveUp
        self.next()
        body = self.expr()
        return n.Lambda(expr.name, body, expr.span.to(body.span))
