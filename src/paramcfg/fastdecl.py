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

from typing import TYPE_CHECKING, Final

from paramcfg import lexicon
from paramcfg import nodes as n
from paramcfg.fastexpr import DIGITS, SIMPLE_TYPES, VERSION, GiveUp, Reader
from paramcfg.segmenter import segment_span

if TYPE_CHECKING:
    from collections.abc import Callable

    from paramcfg.diagnostics import Span
    from paramcfg.segmenter import Locator, Segment

__all__ = ["statement"]


_DECL_CLAUSES: Final = frozenset({"label", "basis"})
_FIELD_CLAUSES: Final = frozenset({"default", "label"})
_PARAM_CLAUSES: Final = frozenset({"default", "required", "fixed", "min", "max", "increasing",
                                   "decreasing", "when", "set", "label", "basis"})


class _Parser(Reader):
    """The statements of one segment: headers, declarations, clauses and types."""

    __slots__ = ()

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
                raise GiveUp
            node = method(self, span)
        if self.next()[0] != "END":
            raise GiveUp
        return node

    def core_header(self, span: Span) -> n.CoreHeader:
        name = self.expect("STRING")
        self.expect_word("version")
        version = self.special(VERSION)
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
        code = self.special(DIGITS)
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
                raise GiveUp
            op = self.next()
            version = self.special(VERSION)
        return n.Uses(self.str_of(name)[1:-1], self.str_of(op) if op else None,
                      self.str_of(version) if version else None, span,
                      self.sp(version) if version else None)

    def from_decl(self, span: Span) -> n.FromDecl:
        tok = self.next()
        if tok[0] in {"NAME", "DATE"}:
            return n.FromDecl(self.date(tok), span)
        raise GiveUp

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
                raise GiveUp
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
                        raise GiveUp
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
                        raise GiveUp
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
                        raise GiveUp
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
                raise GiveUp
            return n.NamedType(self.str_of(tok), self.sp(tok))
        if word in SIMPLE_TYPES:
            return n.SimpleType(word, self.sp(tok))
        if word == "text":
            if self.peek()[0] != "(":
                return n.TextType(None, self.point())
            self.next()
            width = self.special(DIGITS)
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
                raise GiveUp
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
        raise GiveUp

    def axis(self) -> n.Axis:
        name = self.name()
        if self.peek()[0] != ":":
            span = self.sp(name)
            return n.Axis(self.str_of(name), None, span.to(span))
        self.next()
        type_ = self.type()
        return n.Axis(self.str_of(name), type_, self.sp(name).to(type_.span))

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
    except (GiveUp, RecursionError):
        return None
