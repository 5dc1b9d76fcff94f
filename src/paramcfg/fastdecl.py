"""The fast path for every other statement: headers, declarations, rules and the assignments
:mod:`paramcfg.fastpath` leaves (records, values over several lines, comments inside).

A package core is mostly declarations and rules; Lark's LALR parser, run in Python, costs about
a millisecond for each, and building its lexers another 20 ms before the first: loading the
sample core took ~100 ms of a ~190 ms ``paramcfg check`` (issue 15).  This recursive descent
over the grammar (``grammars/paramcfg.lark``) takes a statement in a few tens of microseconds.

As in :mod:`paramcfg.fastpath`, it only ever *accepts*: it gives the very nodes and spans the
Lark path would (:class:`paramcfg.larkparser.ToNodes` is the reference, including its quirks:
the span of ``not x`` is that of ``x``, a call's ends at its last argument), and on anything
it is not sure of it gives up and the statement goes to Lark, so every syntax error is still
reported by Lark.  tests/unit/test_parser_fast_path.py proves the two equal on every file of
the project, on edge cases and on random statements.

Why the tokens are the ones Lark lexes: one regular expression tries the grammar's terminals
in the order of Lark's contextual lexer (priority, then width).  In a parser state Lark only
tries the terminals that state accepts; if the first terminal that matches here is one the
grammar accepts at this point, Lark's lexer finds it too (no terminal before it matched), and
if it is not, this parser gives up.  A name that is a keyword is taken only where that keyword
may stand (where Lark lexes it as the keyword) and gives up elsewhere.  The three terminals
that overlap a number (VERSION, CODE, INT) stand only where nothing else may; there they are
matched on their own, as Lark's lexer for that state does.  Line breaks are dropped, except
the one that ends a ``let`` binding, by the rule of :class:`paramcfg.larkparser.PostLexer`.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Final

from paramcfg import lexicon
from paramcfg import nodes as n
from paramcfg.diagnostics import Span
from paramcfg.literals import negated, percent, to_number
from paramcfg.segmenter import segment_span

if TYPE_CHECKING:
    from collections.abc import Callable

    from paramcfg.segmenter import Locator, Segment

__all__ = ["statement"]


def _group(name: str, pattern: str | None = None) -> str:
    return f"(?P<{name.lstrip('_')}>{pattern or lexicon.TERMINALS[name].regex})"


#: Blanks and a comment (both ignored by the grammar) before a token.
_SKIP: Final = re.compile(r"[ \t]*(?:#[^\n]*)?")
_TOKEN: Final = re.compile(
    r"[ \t]*(?:#[^\n]*)?(?:"
    + "|".join([
        _group("_ROWSEP"),
        "(?P<NL>\n)",
        _group("DATE"),
        _group("MONTHDAY"),
        _group("PERCENT"),
        _group("YEN"),
        _group("NUMBER"),
        _group("NAME"),
        _group("STRING", f'"{lexicon.STRING_CHAR}*"'),  # escapes are Lark's business
        _group("RANGE_OP"),
        _group("COMPARE_OP"),
        r"(?P<PUNCT>->|[-+*/=|\[\](){},:])",
    ])
    + ")"
)
_VERSION: Final = re.compile(lexicon.TERMINALS["VERSION"].regex)
_DIGITS: Final = re.compile(lexicon.TERMINALS["INT"].regex)  # INT and CODE alike

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
_SIMPLE_TYPES: Final = frozenset({"int", "decimal", "yen", "rate", "bool", "date", "monthday"})
#: The keywords that may stand where an operand starts (a name there is lexed as the keyword).
_OPERAND_KEYWORDS: Final = frozenset({"if", "not", "let", "true", "false"})
#: How tightly each binary operator binds (the grammar's layers: or_expr, and_expr, compare,
#: sum, product); `not` stands between `and` and the comparisons.
_BINDING: Final = {"or": 1, "and": 2, "COMPARE_OP": 4, "+": 5, "-": 5, "*": 6, "/": 6}
_NOT: Final = 3
_COMPARE: Final = 4
_DECL_CLAUSES: Final = frozenset({"label", "basis"})
_FIELD_CLAUSES: Final = frozenset({"default", "label"})
_PARAM_CLAUSES: Final = frozenset({"default", "required", "fixed", "min", "max", "increasing",
                                   "decreasing", "when", "set", "label", "basis"})

Tok = tuple[str, int, int]  # (kind, start, end); a keyword's and punctuation's kind is its text


class _GiveUp(Exception):  # noqa: N818 - control flow inside the fast path, never escapes
    """The fast path is not sure: the statement goes to Lark."""


class _Parser:
    """Recursive descent over the tokens of one statement."""

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
                raise _GiveUp
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
            raise _GiveUp
        return tok

    def expect_word(self, word: str) -> Tok:
        tok = self.next()
        if tok[0] != word:
            raise _GiveUp
        return tok

    def name(self) -> Tok:
        """A NAME that is no keyword (a keyword where a name may stand is Lark's business)."""
        tok = self.next()
        if tok[0] != "NAME":
            raise _GiveUp
        return tok

    def special(self, pattern: re.Pattern[str]) -> Tok:
        """VERSION, CODE or INT, where the grammar accepts only that terminal."""
        if self.peeked is not None or self.in_let:
            raise _GiveUp  # pragma: no cover - never peeked where these stand
        while True:
            self.pos = _SKIP.match(self.text, self.pos, self.end).end()  # type: ignore[union-attr]
            if self.text.startswith("\n", self.pos) and self.pos < self.end:
                self.pos += 1
                continue
            break
        m = pattern.match(self.text, self.pos, self.end)
        if m is None:
            raise _GiveUp
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

    # ---- statements ------------------------------------------------------------------

    def statement(self) -> n.Statement:
        first = self.peek()
        word = self.word(first)
        span = segment_span(self.loc, self.text, self.seg)
        node: n.Statement
        if word is None or word == "review":
            node = self.assignment(span)
        else:
            self.next()
            method = _STATEMENTS.get(word)
            if method is None:
                raise _GiveUp
            node = method(self, span)
        if self.next()[0] != "END":
            raise _GiveUp
        return node

    def core_header(self, span: Span) -> n.CoreHeader:
        name = self.expect("STRING")
        self.expect_word("version")
        version = self.special(_VERSION)
        horizon = None
        if self.is_word("law"):
            self.next()
            self.expect_word("through")
            horizon = self.date(self.expect("DATE"))
        return n.CoreHeader(self.str_of(name)[1:-1], self.str_of(version), span, self.sp(version),
                            horizon)

    def tenant_header(self, span: Span, kind: str = "tenant") -> n.TenantHeader:
        name = self.expect("STRING")
        self.expect_word("code")
        code = self.special(_DIGITS)
        return n.TenantHeader(self.str_of(name)[1:-1], self.str_of(code), span, self.sp(code),
                              kind)

    def prefecture_header(self, span: Span) -> n.TenantHeader:
        return self.tenant_header(span, "prefecture")

    def within_decl(self, span: Span) -> n.Within:
        name = self.expect("STRING")
        return n.Within(self.str_of(name)[1:-1], span, self.sp(name))

    def uses_decl(self, span: Span) -> n.Uses:
        name = self.expect("STRING")
        op = version = None
        tok = self.peek()
        if tok[0] == "COMPARE_OP":
            if self.str_of(tok) not in lexicon.VERSION_OPS:
                raise _GiveUp
            op = self.next()
            version = self.special(_VERSION)
        return n.Uses(self.str_of(name)[1:-1], self.str_of(op) if op else None,
                      self.str_of(version) if version else None, span,
                      self.sp(version) if version else None)

    def from_decl(self, span: Span) -> n.FromDecl:
        tok = self.next()
        if tok[0] in {"NAME", "DATE"}:
            return n.FromDecl(self.date(tok), span)
        raise _GiveUp

    def enum_decl(self, span: Span) -> n.EnumDecl:
        name = self.name()
        self.expect("{")
        members: list[n.EnumMember] = []
        while True:
            member = self.name()
            label = self.next() if self.peek()[0] == "STRING" else None
            members.append(n.EnumMember(self.str_of(member),
                                        self.str_of(label)[1:-1] if label else None,
                                        self.sp(member)))
            kind = self.next()[0]
            if kind == "," and self.peek()[0] == "}":
                self.next()
                break
            if kind == "}":
                break
            if kind != ",":
                raise _GiveUp
        return n.EnumDecl(self.str_of(name), tuple(members), self.clauses(_DECL_CLAUSES), span,
                          self.sp(name))

    def record_decl(self, span: Span) -> n.RecordDecl:
        name = self.name()
        self.expect("{")
        fields = [self.field_decl()]
        while True:
            kind = self.peek()[0]
            if kind == ",":
                self.next()
                kind = self.peek()[0]
            if kind == "}":
                self.next()
                break
            fields.append(self.field_decl())
        return n.RecordDecl(self.str_of(name), tuple(fields), self.clauses(_DECL_CLAUSES), span,
                            self.sp(name))

    def field_decl(self) -> n.FieldDecl:
        name = self.name()
        self.expect(":")
        type_ = self.type()
        clauses = self.clauses(_FIELD_CLAUSES)
        last = clauses[-1].span if clauses else type_.span
        return n.FieldDecl(self.str_of(name), type_, clauses, self.sp(name).to(last))

    def type_decl(self, span: Span) -> n.TypeDecl:
        name = self.name()
        self.expect("=")
        type_ = self.type()
        return n.TypeDecl(self.str_of(name), type_, self.clauses(_DECL_CLAUSES), span,
                          self.sp(name))

    def input_decl(self, span: Span) -> n.InputDecl:
        name = self.name()
        self.expect(":")
        type_ = self.type()
        return n.InputDecl(self.str_of(name), type_, self.clauses(_DECL_CLAUSES), span,
                           self.sp(name))

    def param_decl(self, span: Span) -> n.ParamDecl:
        name = self.name()
        self.expect(":")
        type_ = self.type()
        return n.ParamDecl(self.str_of(name), type_, self.clauses(_PARAM_CLAUSES), span,
                           self.sp(name))

    def rule_decl(self, span: Span) -> n.RuleDecl:
        name = self.name()
        params: list[n.RuleParam] = []
        if self.peek()[0] == "(":
            self.next()
            if self.peek()[0] == ")":
                self.next()
            else:
                while True:
                    pname = self.name()
                    self.expect(":")
                    ptype = self.type()
                    params.append(n.RuleParam(self.str_of(pname), ptype,
                                              self.sp(pname).to(ptype.span)))
                    kind = self.next()[0]
                    if kind == ")":
                        break
                    if kind != ",":
                        raise _GiveUp
        self.expect(":")
        type_ = self.type()
        self.expect("=")
        body = self.body()
        return n.RuleDecl(self.str_of(name), tuple(params), type_, body,
                          self.clauses(_DECL_CLAUSES), span, self.sp(name))

    def assignment(self, span: Span) -> n.Assignment:
        review = self.is_word("review")
        if review:
            self.next()
        name = self.name()
        self.expect("=")
        return n.Assignment(self.str_of(name), self.sp(name), self.value(), span, review=review)

    # ---- clauses -----------------------------------------------------------------------

    def clauses(self, allowed: frozenset[str]) -> tuple[n.Clause, ...]:
        out: list[n.Clause] = []
        while True:
            word = self.word(self.peek())
            if word not in allowed:
                return tuple(out)
            kw = self.next()
            if word in {"label", "basis"}:
                text = self.expect("STRING")
                out.append(n.Clause(word, self.str_of(text)[1:-1], self.sp(text)))
            elif word == "default":
                value = self.value()
                out.append(n.Clause("default", value, value.span))
            elif word in {"min", "max"}:
                expr = self.expr()
                out.append(n.Clause(word, expr, expr.span))
            elif word == "required":
                if self.is_word("from"):
                    self.next()
                    tok = self.next()
                    if tok[0] not in {"NAME", "DATE"}:
                        raise _GiveUp
                    lit = self.date(tok)
                    out.append(n.Clause("required", lit, lit.span))
                else:
                    out.append(n.Clause("required", None, self.point()))
            elif word == "fixed":
                out.append(n.Clause("fixed", None, self.point()))
            elif word == "set":  # `set by prefecture`: the parameter is the prefecture's
                self.expect_word("by")
                last = self.expect_word("prefecture")
                out.append(n.Clause("prefecture", None, self.sp(kw).to(self.sp(last))))
            elif word == "when":
                switch = self.name()
                if self.is_word("in"):  # `when S in [A, B]`
                    self.next()
                    self.expect("[")
                    members = [self.name()]
                    while self.is_word(","):
                        self.next()
                        members.append(self.name())
                    last = self.expect("]")
                else:  # `when S == A`
                    op = self.expect("COMPARE_OP")
                    if self.str_of(op) != "==":
                        raise _GiveUp
                    members = [self.name()]
                    last = members[0]
                out.append(n.Clause("when", (self.str_of(switch),
                                             tuple(self.str_of(m) for m in members)),
                                    self.sp(switch).to(self.sp(last))))
            else:  # increasing / decreasing
                self.expect_word("along")
                axis = self.name()
                out.append(n.Clause(word, self.str_of(axis), self.sp(kw).to(self.sp(axis))))

    # ---- types ---------------------------------------------------------------------------

    def type(self) -> n.TypeExpr:
        tok = self.next()
        word = self.word(tok)
        if word is None:
            if tok[0] != "NAME":
                raise _GiveUp
            return n.NamedType(self.str_of(tok), self.sp(tok))
        if word in _SIMPLE_TYPES:
            return n.SimpleType(word, self.sp(tok))
        if word == "text":
            if self.peek()[0] != "(":
                return n.TextType(None, self.point())
            self.next()
            width = self.special(_DIGITS)
            self.expect(")")
            return n.TextType(int(self.str_of(width)), self.sp(width))
        if word == "list":
            self.expect_word("of")
            inner = self.type()
            return n.ListType(inner, inner.span)
        if word == "table":
            self.expect("[")
            axes = [self.axis()]
            while (kind := self.next()[0]) == ",":
                axes.append(self.axis())
            if kind != "]":
                raise _GiveUp
            self.expect_word("of")
            value = self.type()
            return n.TableType(tuple(axes), value, axes[0].span.to(value.span))
        if word == "scale":
            self.expect("[")
            key = self.name()
            self.expect(":")
            key_type = self.type()
            self.expect("]")
            self.expect_word("of")
            value = self.type()
            return n.ScaleType(n.Axis(self.str_of(key), key_type, self.sp(key).to(key_type.span)),
                               value, self.sp(key).to(value.span))
        raise _GiveUp

    def axis(self) -> n.Axis:
        name = self.name()
        if self.peek()[0] != ":":
            span = self.sp(name)
            return n.Axis(self.str_of(name), None, span.to(span))
        self.next()
        type_ = self.type()
        return n.Axis(self.str_of(name), type_, self.sp(name).to(type_.span))

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
        text = self.str_of(tok)
        span = self.sp(tok)
        if kind == "YEN":
            return n.Lit("yen", to_number(text[:-1]), text, span)
        if kind == "PERCENT":
            return n.Lit("percent", percent(text[:-1]), text, span)
        if kind == "NUMBER":
            return n.Lit("number", to_number(text), text, span)
        if kind == "STRING":
            return n.Lit("string", text[1:-1], text, span)
        return n.Lit(kind.lower(), text, text, span)  # date, monthday

    def scalar(self, tok: Tok) -> n.Lit | n.Member:
        """A literal, a negative number or a member, as a value or a grid cell has them."""
        if tok[0] == "-":
            inner = self.next()
            if inner[0] not in _NUMBERS:
                raise _GiveUp
            lit = self.literal(inner)
            assert lit is not None  # noqa: S101 - a number kind is a literal
            assert not isinstance(lit.value, str | bool)  # noqa: S101 - and a number
            return n.Lit(lit.kind, negated(lit.value), "-" + lit.text, lit.span)
        lit = self.literal(tok)
        if lit is not None:
            return lit
        if tok[0] != "NAME":
            raise _GiveUp
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
                raise _GiveUp  # a row without its closing `|`: Lark's path reports it (PC0106)
            cells.append(self.cell(items))
            if len(cells) > 1:
                cells.pop()  # the row's closing pipe
            spans = [x.span for x in cells if x.items]
            rows.append(n.Row(tuple(cells), spans[0].to(spans[-1]) if spans else self.point()))
        if not rows:
            raise _GiveUp
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
                raise _GiveUp
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
                raise _GiveUp

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
                        raise _GiveUp
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
        raise _GiveUp

    def arg(self) -> n.Expr:
        first = self.peek()
        expr = self.expr()
        if self.peek()[0] != "->":
            return expr
        # `m -> body`: only a bare name may stand before the arrow.
        if not (isinstance(expr, n.Ref) and first[0] == "NAME" and expr.span.start == first[1]
                and expr.span.end == first[2]):
            raise _GiveUp
        self.next()
        body = self.expr()
        return n.Lambda(expr.name, body, expr.span.to(body.span))


_STATEMENTS: Final[dict[str, Callable[[_Parser, Span], n.Statement]]] = {
    "core": _Parser.core_header, "tenant": _Parser.tenant_header,
    "prefecture": _Parser.prefecture_header, "within": _Parser.within_decl,
    "uses": _Parser.uses_decl,
    "from": _Parser.from_decl, "enum": _Parser.enum_decl, "record": _Parser.record_decl,
    "type": _Parser.type_decl, "input": _Parser.input_decl, "param": _Parser.param_decl,
    "rule": _Parser.rule_decl,
}


def statement(text: str, seg: Segment, locator: Locator) -> n.Statement | None:
    """The statement of ``seg`` as the Lark path would give it, or ``None`` to ask Lark."""
    try:
        return _Parser(text, seg, locator).statement()
    except (_GiveUp, RecursionError):
        return None
