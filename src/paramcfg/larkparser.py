"""The Lark parser: the grammar, its post-lexer, and the transformer that builds nodes.

``grammars/paramcfg.lark`` is analysed once by the developers and shipped as data
(:mod:`paramcfg.grammar_tables`); :mod:`paramcfg.syntax` holds the one parser of the process.
The transformer builds :mod:`paramcfg.nodes` while the LALR parser reduces (no parse tree is
made); literal tokens are read by :mod:`paramcfg.literals`, as in the fast path.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from lark import Lark, Token, Transformer

from paramcfg import lexicon
from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic, Span
from paramcfg.literals import ANY_ESCAPE, GOOD_ESCAPES, negated, percent, to_number, unquote

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from paramcfg.segmenter import Locator

__all__ = ["PARSER_OPTIONS", "PostLexer", "ToNodes", "build_parser", "grammar_file", "grammar_text"]


def grammar_file(name: str) -> str | None:
    # Installed wheel: grammars/ is shipped inside the package.  Source checkout or editable
    # install: it sits at the repository root.
    packaged = resources.files("paramcfg").joinpath("grammars").joinpath(name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    path = Path(__file__).resolve().parents[2] / "grammars" / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def grammar_text() -> str:
    text = grammar_file("paramcfg.lark")
    if text is None:
        raise FileNotFoundError("grammars/paramcfg.lark is missing from the installation")
    return text


class PostLexer:
    """Drop line breaks inside a statement, except the one that ends a ``let`` binding.

    (A break before a grid row is lexed as ``_ROWSEP`` and never reaches here as ``_NL``.)
    """

    always_accept: ClassVar[tuple[str, ...]] = ("_NL",)
    _OPEN: ClassVar[frozenset[str]] = frozenset({"LPAR", "LSQB", "LBRACE"})
    _CLOSE: ClassVar[frozenset[str]] = frozenset({"RPAR", "RSQB", "RBRACE"})
    # A break right after one of these never ends a binding: the expression goes on.
    _JOIN_AFTER: ClassVar[frozenset[str]] = frozenset(
        {"+", "-", "=", ",", "->", ":", *lexicon.MUL_OPS, *lexicon.COMPARE_OPS,
         *lexicon.JOIN_AFTER_KEYWORDS, *lexicon.BRACKETS}
    )

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth = 0
        in_let = False
        prev = ""
        for tok in stream:
            kind = tok.type
            if kind == "_NL":
                if depth == 0 and in_let and prev not in self._JOIN_AFTER:
                    in_let = False
                    yield Token.new_borrow_pos(lexicon.LETSEP, tok.value, tok)
                continue
            if kind in self._OPEN:
                depth += 1
            elif kind in self._CLOSE:
                depth = max(depth - 1, 0)
            elif kind == "LET" and depth == 0:
                in_let = True
            prev = str(tok.value)
            yield tok


#: The options the parser is built with; part of the shipped tables' fingerprint.
PARSER_OPTIONS: Final[dict[str, Any]] = {
    "parser": "lalr", "lexer": "contextual", "maybe_placeholders": True,
}


def build_parser(grammar: str, transformer: ToNodes | None = None) -> Lark:
    """The parser analysed from ``grammar`` (~100 ms): no shipped tables, no cache."""
    # grammar_tables.build, written out: grammar_tables imports this module to regenerate the
    # shipped tables, so this module does not import it.
    return Lark(grammar, **PARSER_OPTIONS, postlex=PostLexer(), transformer=transformer or ToNodes())



class ToNodes(Transformer[Token, Any]):
    """Builds nodes while the LALR parser reduces (no parse tree is made)."""

    loc: Locator
    problems: list[Diagnostic]

    # -- helpers
    def _sp(self, tok: Token) -> Span:
        return self.loc.span(tok.start_pos or 0, tok.end_pos or 0)

    @staticmethod
    def _span_of(item: object) -> Span:
        span = getattr(item, "span", None)
        if isinstance(span, Span):
            return span
        raise TypeError(item)  # pragma: no cover - every child is a node or a token

    def _cover(self, items: Sequence[Any]) -> Span:
        spans = [self._sp(i) if isinstance(i, Token) else self._span_of(i)
                 for i in items if i is not None]
        return spans[0].to(spans[-1])

    # -- literals
    def yen(self, c: list[Token]) -> n.Lit:
        return n.Lit("yen", to_number(c[0][:-1]), str(c[0]), self._sp(c[0]))

    def percent(self, c: list[Token]) -> n.Lit:
        return n.Lit("percent", percent(c[0][:-1]), str(c[0]), self._sp(c[0]))

    def number(self, c: list[Token]) -> n.Lit:
        return n.Lit("number", to_number(c[0]), str(c[0]), self._sp(c[0]))

    def date(self, c: list[Token]) -> n.Lit:
        return n.Lit("date", str(c[0]), str(c[0]), self._sp(c[0]))

    def monthday(self, c: list[Token]) -> n.Lit:
        return n.Lit("monthday", str(c[0]), str(c[0]), self._sp(c[0]))

    def string(self, c: list[Token]) -> n.Lit:
        tok = c[0]
        for m in ANY_ESCAPE.finditer(str(tok)):
            if m.group(1) in GOOD_ESCAPES:
                continue
            start = (tok.start_pos or 0) + m.start()
            self.problems.append(Diagnostic("PC0104", self.loc.span(start, start + 2), {
                "literal": f"`{m.group(0)}`", "kind": "escape in text",
                "kind_ja": "文字列のエスケープ",
                "fix": 'the escapes are \\n \\t \\" and \\\\ (write \\\\ for a backslash)',
                "fix_ja": 'エスケープは \\n \\t \\" \\\\ だけです（\\ 自体は \\\\ と書きます）'}))
        return n.Lit("string", unquote(str(tok)), str(tok), self._sp(tok))

    def true(self, c: list[Token]) -> n.Lit:
        return n.Lit("bool", value=True, text="true", span=self._sp(c[0]))

    def false(self, c: list[Token]) -> n.Lit:
        return n.Lit("bool", value=False, text="false", span=self._sp(c[0]))

    def negative(self, c: list[Any]) -> n.Lit:
        inner: n.Lit = {"NUMBER": self.number, "YEN": self.yen, "PERCENT": self.percent}[
            c[-1].type
        ]([c[-1]])
        value = inner.value
        assert isinstance(value, int | Decimal)  # noqa: S101 - numbers only by the grammar
        return n.Lit(inner.kind, negated(value), "-" + inner.text, inner.span)

    def member(self, c: list[Token]) -> n.Member:
        return n.Member(str(c[0]), self._sp(c[0]))

    @staticmethod
    def _inner(c: list[Any]) -> tuple[Any, ...]:
        # Children of a `!` rule: drop the punctuation tokens, keep the nodes.
        return tuple(i for i in c if i is not None and not isinstance(i, Token))

    def list_value(self, c: list[Any]) -> n.ListValue:
        return n.ListValue(self._inner(c), self._cover(c))

    def field_value(self, c: list[Any]) -> n.FieldValue:
        return n.FieldValue(str(c[0]), self._sp(c[0]), c[1], self._cover(c))

    def record_value(self, c: list[Any]) -> n.RecordValue:
        return n.RecordValue(self._inner(c), self._cover(c))

    def key_op(self, c: list[Token]) -> n.KeyOp:
        return n.KeyOp(str(c[0]), self._sp(c[0]))

    def cell(self, c: list[Any]) -> n.Cell:
        items = tuple(c)
        return n.Cell(items, self._cover(list(items)) if items else self.loc.span(0, 0))

    def row(self, c: list[n.Cell]) -> n.Row:
        cells = list(c)
        if cells and cells[-1].items:
            self._unclosed_row(cells[-1])
        if len(cells) > 1 and not cells[-1].items:
            cells.pop()  # the row's closing pipe
        spans = [x.span for x in cells if x.items]
        span = spans[0].to(spans[-1]) if spans else self.loc.span(0, 0)
        return n.Row(tuple(cells), span)

    def _unclosed_row(self, last: n.Cell) -> None:
        """A row must end with `|` (docs/language.md): what follows the last `|` is either the
        rest of a row whose `|` was forgotten (PC0106) or rows pasted from a spreadsheet with
        their cells split by tabs (PC0107; the segmenter keeps those with the table)."""
        text, base = self.loc.text, self.loc.base
        start, end = last.span.start, last.span.end
        if "\t" in text[start:end] or "\n" in text[start:end]:
            line_end = text.find("\n", start, end)
            first = text[start : end if line_end < 0 else line_end]
            first = first.split("#", 1)[0].rstrip() if '"' not in first else first.rstrip()
            cells = [x.strip() for x in first.split("\t") if x.strip()]
            self.problems.append(Diagnostic(
                "PC0107", self.loc.span(start - base, start + len(first) - base),
                {"fix": "| " + " | ".join(cells) + " |"}))
            return
        line_start = text.rfind("\n", 0, start) + 1
        fixed = text[line_start:end].strip() + " |"
        self.problems.append(Diagnostic("PC0106", self.loc.span(end - base, end + 1 - base),
                                        {"fix": fixed}))

    def grid(self, c: list[n.Row]) -> n.Grid:
        return n.Grid(tuple(c), c[0].span.to(c[-1].span))

    # -- types
    def simple_type(self, c: list[Token]) -> n.SimpleType:
        return n.SimpleType(str(c[0]), self._sp(c[0]))

    def text_type(self, c: list[Token | None]) -> n.TextType:
        tok = c[0]
        if tok is None:
            return n.TextType(None, self.loc.span(0, 0))
        return n.TextType(int(tok), self._sp(tok))

    def list_type(self, c: list[Any]) -> n.ListType:
        return n.ListType(c[0], self._span_of(c[0]))

    def axis(self, c: list[Any]) -> n.Axis:
        return n.Axis(str(c[0]), c[1], self._cover(c))

    def table_type(self, c: list[Any]) -> n.TableType:
        return n.TableType(tuple(c[:-1]), c[-1], self._cover(c))

    def scale_type(self, c: list[Any]) -> n.ScaleType:
        key = n.Axis(str(c[0]), c[1], self._cover(c[:2]))
        return n.ScaleType(key, c[2], self._cover(c))

    def named_type(self, c: list[Token]) -> n.NamedType:
        return n.NamedType(str(c[0]), self._sp(c[0]))

    # -- expressions
    def ref(self, c: list[Token]) -> n.Ref:
        return n.Ref(str(c[0]), self._sp(c[0]))

    def call(self, c: list[Any]) -> n.Call:
        args = tuple(a for a in c[1:] if a is not None)
        return n.Call(str(c[0]), args, self._cover(c))

    def lambda_(self, c: list[Any]) -> n.Lambda:
        return n.Lambda(str(c[0]), c[1], self._cover(c))

    def binary(self, c: list[Any]) -> n.Binary:
        return n.Binary(str(c[1]), c[0], c[2], self._cover(c))

    compare_op = binary

    def and_op(self, c: list[Any]) -> n.Binary:
        return n.Binary("and", c[0], c[1], self._cover(c))

    def or_op(self, c: list[Any]) -> n.Binary:
        return n.Binary("or", c[0], c[1], self._cover(c))

    def not_op(self, c: list[Any]) -> n.Unary:
        return n.Unary("not", c[0], self._cover(c))

    def neg(self, c: list[Any]) -> n.Unary:
        return n.Unary("-", c[-1], self._cover(c))

    def if_expr(self, c: list[Any]) -> n.If:
        return n.If(c[0], c[1], c[2], self._cover(c))

    def let_body(self, c: list[Any]) -> n.Let:
        return n.Let(str(c[0]), c[1], c[2], self._cover(c))

    def list_expr(self, c: list[Any]) -> n.ListExpr:
        return n.ListExpr(self._inner(c), self._cover(c))

    # -- clauses
    def _clause(self, kind: str, c: list[Any]) -> n.Clause:
        arg = c[0] if c else None
        span = self._cover(c) if c else self.loc.span(0, 0)
        return n.Clause(kind, arg, span)

    def default_clause(self, c: list[Any]) -> n.Clause:
        return self._clause("default", c)

    def required_clause(self, c: list[Token | None]) -> n.Clause:
        # `required from DATE`: arg is the date's literal (a NAME there is reported by the model
        # as a bad date, as in a `from` line); plain `required`: no arg.
        tok = c[0] if c else None
        if tok is None:
            return n.Clause("required", None, self.loc.span(0, 0))
        lit = self.date([tok])
        return n.Clause("required", lit, lit.span)

    def fixed_clause(self, c: list[Any]) -> n.Clause:
        return self._clause("fixed", c)

    def min_clause(self, c: list[Any]) -> n.Clause:
        return self._clause("min", c)

    def max_clause(self, c: list[Any]) -> n.Clause:
        return self._clause("max", c)

    def label_clause(self, c: list[Token]) -> n.Clause:
        return n.Clause("label", unquote(str(c[0])), self._sp(c[0]))

    def basis_clause(self, c: list[Token]) -> n.Clause:
        return n.Clause("basis", unquote(str(c[0])), self._sp(c[0]))

    def monotone_clause(self, c: list[Token]) -> n.Clause:
        return n.Clause(str(c[0]), str(c[2]), self._sp(c[0]).to(self._sp(c[2])))

    def owner_clause(self, c: list[Token]) -> n.Clause:
        # `set by prefecture`: the parameter is the prefecture's (docs/language.md, layers).
        return n.Clause("prefecture", None, self._cover(c))

    def when_clause(self, c: list[Token]) -> n.Clause:
        # `when 国保.賦課方式 == 三方式` or `when 国保.賦課方式 in [三方式, 四方式]` (all tokens
        # kept): arg is (parameter, (member, …)); the span runs from the parameter to the end.
        members = tuple(str(x) for x in c[3:] if x.type == "NAME")
        return n.Clause("when", (str(c[1]), members), self._sp(c[1]).to(self._sp(c[-1])))

    # -- statements (their span is set to the whole segment by the caller)
    def law_clause(self, c: list[Token]) -> n.Lit:
        return self.date(c)

    def core_header(self, c: list[Any]) -> n.CoreHeader:
        name, version, horizon = c
        return n.CoreHeader(unquote(str(name)), str(version), self._cover([name, version]),
                            self._sp(version), horizon)

    def tenant_header(self, c: list[Token]) -> n.TenantHeader:
        return n.TenantHeader(unquote(str(c[0])), str(c[1]), self._cover(c), self._sp(c[1]))

    def prefecture_header(self, c: list[Token]) -> n.TenantHeader:
        return n.TenantHeader(unquote(str(c[0])), str(c[1]), self._cover(c), self._sp(c[1]),
                              "prefecture")

    def within_decl(self, c: list[Token]) -> n.Within:
        return n.Within(unquote(str(c[0])), self._cover(c), self._sp(c[0]))

    def uses_decl(self, c: list[Token | None]) -> n.Uses:
        name, op, version = c
        assert name is not None  # noqa: S101 - required by the grammar
        return n.Uses(
            unquote(str(name)),
            str(op) if op is not None else None,
            str(version) if version is not None else None,
            self._sp(name),
            self._sp(version) if version is not None else None,
        )

    def enum_member(self, c: list[Token | None]) -> n.EnumMember:
        name, label = c
        assert name is not None  # noqa: S101 - required by the grammar
        return n.EnumMember(str(name), unquote(str(label)) if label else None, self._sp(name))

    def enum_decl(self, c: list[Any]) -> n.EnumDecl:
        members = tuple(x for x in c[1:] if isinstance(x, n.EnumMember))
        clauses = tuple(x for x in c[1:] if isinstance(x, n.Clause))
        return n.EnumDecl(str(c[0]), members, clauses, self._cover(c), self._sp(c[0]))

    def field_decl(self, c: list[Any]) -> n.FieldDecl:
        return n.FieldDecl(str(c[0]), c[1], tuple(c[2:]), self._cover(c))

    def record_decl(self, c: list[Any]) -> n.RecordDecl:
        fields = tuple(x for x in c[1:] if isinstance(x, n.FieldDecl))
        clauses = tuple(x for x in c[1:] if isinstance(x, n.Clause))
        return n.RecordDecl(str(c[0]), fields, clauses, self._cover(c), self._sp(c[0]))

    def type_decl(self, c: list[Any]) -> n.TypeDecl:
        return n.TypeDecl(str(c[0]), c[1], tuple(c[2:]), self._cover(c), self._sp(c[0]))

    def input_decl(self, c: list[Any]) -> n.InputDecl:
        return n.InputDecl(str(c[0]), c[1], tuple(c[2:]), self._cover(c), self._sp(c[0]))

    def param_decl(self, c: list[Any]) -> n.ParamDecl:
        return n.ParamDecl(str(c[0]), c[1], tuple(c[2:]), self._cover(c), self._sp(c[0]))

    def rule_param(self, c: list[Any]) -> n.RuleParam:
        return n.RuleParam(str(c[0]), c[1], self._cover(c))

    def rule_params(self, c: list[Any]) -> tuple[n.RuleParam, ...]:
        return tuple(p for p in c if p is not None)

    def rule_decl(self, c: list[Any]) -> n.RuleDecl:
        name, params, type_, body, *clauses = c
        return n.RuleDecl(
            str(name), params or (), type_, body, tuple(clauses),
            self._cover([name, body]), self._sp(name),
        )

    def from_decl(self, c: list[Token]) -> n.FromDecl:
        lit = self.date(c)  # a NAME here (令和7年4月1日) is reported by the model as a bad date
        return n.FromDecl(lit, lit.span)

    def assignment(self, c: list[Any]) -> n.Assignment:
        review, name, value = c
        return n.Assignment(str(name), self._sp(name), value, self._cover([name, value]),
                            review=review is not None)

    def start(self, c: list[Any]) -> Any:  # noqa: ANN401 - a statement node
        return c[0]

