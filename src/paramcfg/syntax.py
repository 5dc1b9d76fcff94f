"""Parse: text → statements (``nodes``), with syntax errors as diagnostics.

The source is cut into *statements* first (:func:`segment`): a statement is a line plus its
continuation lines.  Each statement is parsed on its own by one LALR parser, so a broken line
costs exactly one diagnostic and never hides the errors of the lines after it.

A line continues the statement above when

* a bracket ``(``, ``[`` or ``{`` opened above is still open,
* it starts with ``|`` (a grid row),
* it starts with a clause keyword (``default``, ``min`` …) or ``then``/``else``/``and``/``or``,
* the line above ends with an operator, ``=``, ``,`` or ``->``, or
* the line above starts with ``let`` (a rule body goes on below its bindings).

A line that starts with a statement keyword (``param``, ``from`` …), or an assignment
(``名前 =``) indented no deeper than the statement's first line, always starts a new statement,
so an unclosed bracket cannot swallow the lines after it.
"""

from __future__ import annotations

import bisect
import decimal
import os
import re
import threading
import unicodedata
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, NamedTuple

import attrs
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from paramcfg import grammar_tables
from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic, Span

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["ParseResult", "parse_text", "segment"]

STATEMENT_KEYWORDS: Final = frozenset(
    {"core", "tenant", "uses", "enum", "record", "type", "input", "param", "rule", "from",
     "review"}
)
CONTINUATION_KEYWORDS: Final = frozenset(
    {
        "default", "required", "fixed", "min", "max", "increasing", "decreasing", "when",
        "label", "basis", "then", "else", "and", "or", "law",
    }
)
# Line endings after which the statement goes on (an operator waits for its right side).
_CONTINUES_AFTER = re.compile(r"(?:[=+\-*/<>,(\[{]|->|\.\.<|\b(?:then|else|and|or|not))[ \t]*$")
# The last characters that can end a match of _CONTINUES_AFTER in right-stripped code.
_OPERATOR_ENDS: Final = frozenset("=+-*/<>,([{")
_WORD_ENDS: Final = frozenset("nedrt")  # then else and or not


def _continues_after(code: str) -> bool:
    """``_CONTINUES_AFTER.search(code)`` for right-stripped ``code``, mostly without the regex
    (which tries every position of the line)."""
    last = code[-1:]
    if last in _OPERATOR_ENDS:
        return True
    return last in _WORD_ENDS and _CONTINUES_AFTER.search(code) is not None
_FIRST_WORD = re.compile(r"[ \t]*([^\W\d]\w*|\|)?")
_ASSIGNMENT_START = re.compile(r"[ \t]*[^\W\d][\w.]*[ \t]*=(?!=)")
_OPENERS: Final = {"(": ")", "[": "]", "{": "}"}
_CLOSERS: Final = {")": "(", "]": "[", "}": "{"}


#: Limits that keep a hostile or broken file from exhausting time or memory (docs/limits.md).
#: Each is answered with a PC0005 diagnostic before the statement is parsed.
MAX_LINES: Final = 20_000  # lines per file; a real profile has a few hundred
MAX_DEPTH: Final = 64  # brackets open at once; real values nest two or three deep
MAX_TABLE_CELLS: Final = 100_000  # cells (| characters) in one statement
MAX_STATEMENT_CHARS: Final = 1_000_000  # characters in one statement
#: Unclosed brackets reported per file (more than the 500 diagnostics a file shows); the rest
#: are counted in one PC0005.
MAX_UNCLOSED_REPORTED: Final = 1_000


@attrs.frozen
class Problem:
    """Something the segmenter found before parsing: ``kind`` is ``string``, an opening
    bracket, ``depth``, ``cells``, ``size`` or ``lines``; ``amount`` is the count for a limit."""

    kind: str
    offset: int
    amount: int = 0


@attrs.frozen
class Segment:
    """One statement's text: ``text[start:end]``, starting at line ``line`` column 1.

    A segment with ``problems`` is reported and not parsed.
    """

    start: int
    end: int
    line: int
    problems: tuple[Problem, ...] = ()
    unreported: int = 0  # unclosed brackets past the file's budget: counted, not reported


class _Scan(NamedTuple):
    """What one line leaves: its unclosed string, its deepest nesting, its code."""

    open_string: int | None
    max_depth: int
    code_end: str  # the line without its comment, right-stripped
    comment_at: int = -1  # where its comment starts, or -1


#: What :func:`_scan_line` has to look at; a line with none of these (most lines) is done at once.
_SCANNED: Final = re.compile(r'["#()\[\]{}]')


def _scan_line(line: str, base: int, stack: list[tuple[str, int]]) -> _Scan:
    if _SCANNED.search(line) is None:
        return _Scan(None, len(stack), line.rstrip())
    in_string = False
    string_start = -1
    code_end = len(line)
    deepest = len(stack)
    i = 0
    while i < len(line):
        ch = line[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            string_start = i
        elif ch == "#":
            code_end = i
            break
        elif ch in _OPENERS:
            stack.append((ch, base + i))
            deepest = max(deepest, len(stack))
        elif ch in _CLOSERS and stack and stack[-1][0] == _CLOSERS[ch]:
            stack.pop()
        i += 1
    return _Scan(base + string_start if in_string else None, deepest,
                 line[:code_end].rstrip(), code_end if code_end < len(line) else -1)


class _Statement:
    """The statement being collected by :func:`segment`."""

    __slots__ = ("depth_reported", "end", "indent", "line", "pipes", "problems", "start")

    def __init__(self, start: int, line: int, indent: int) -> None:
        self.start = start
        self.end = start
        self.line = line
        self.indent = indent
        self.problems: list[Problem] = []
        self.pipes = 0
        self.depth_reported = False

    def close(self, stack: list[tuple[str, int]], budget: list[int]) -> Segment:
        if not self.problems and not stack and self.pipes <= MAX_TABLE_CELLS and \
                self.end - self.start <= MAX_STATEMENT_CHARS:
            return Segment(self.start, self.end, self.line)  # the usual statement
        # Past the file's budget, unclosed brackets are only counted (20,000 lines of them
        # built 1.2 million diagnostics, 9 s and 1 GB, to show 500).
        shown = stack[: max(budget[0], 0)]
        budget[0] -= len(shown)
        problems = [*self.problems, *(Problem(b, off) for b, off in shown)]
        if self.pipes > MAX_TABLE_CELLS:
            problems.append(Problem("cells", self.start, self.pipes))
        if self.end - self.start > MAX_STATEMENT_CHARS:
            problems.append(Problem("size", self.start, self.end - self.start))
        return Segment(self.start, self.end, self.line, tuple(problems), len(stack) - len(shown))


def segment(text: str) -> list[Segment]:
    """Cut ``text`` into statements, noting what is wrong with each before it is parsed:
    an unclosed string or bracket, too deep a nesting, too many cells, too many lines."""
    segments: list[Segment] = []
    stack: list[tuple[str, int]] = []
    budget = [MAX_UNCLOSED_REPORTED]  # unclosed brackets still to report in this file
    cur: _Statement | None = None
    prev_continues = False  # the line above ends with an operator (_continues_after)
    let_pending = False  # a `let` binding was completed: the rule body is still to come
    logical_first = ""
    offset = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        line_start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # blank and comment-only lines neither start nor end a statement
        if lineno > MAX_LINES:
            if cur is not None:
                segments.append(cur.close(stack, budget))
            segments.append(Segment(line_start, line_start, lineno,
                                    (Problem("lines", line_start, text.count("\n") + 1),)))
            return segments
        m = _FIRST_WORD.match(line)  # always matches: the indent, then the first word if any
        first = (m.group(1) or "") if m else ""
        indent = (m.end() if m else 0) - len(first)
        fresh_assignment = cur is not None and indent <= cur.indent and \
            _ASSIGNMENT_START.match(line) is not None
        continues = cur is not None and first not in STATEMENT_KEYWORDS and not (
            fresh_assignment) and (
            bool(stack)
            or first == "|"
            or first in CONTINUATION_KEYWORDS
            or first == "let"
            or let_pending
            or prev_continues
        )
        if not continues or cur is None:
            if cur is not None:
                segments.append(cur.close(stack, budget))
            stack = []
            let_pending = False
            cur = _Statement(line_start, lineno, indent)
        if not stack:
            logical_first = first  # the line that opens a (possibly multi-line) expression
        scan = _scan_line(line, line_start, stack)
        if scan.open_string is not None:
            cur.problems.append(Problem("string", scan.open_string))
        if scan.max_depth > MAX_DEPTH and not cur.depth_reported:
            cur.depth_reported = True
            cur.problems.append(Problem("depth", line_start + indent, scan.max_depth))
            stack.clear()  # the nesting is reported once; its brackets are not also unclosed
        cur.pipes += line.count("|")
        prev_continues = _continues_after(scan.code_end)
        if not stack and not prev_continues:
            # A completed `let` binding leaves the rule body pending; any other completed
            # line is the body itself (or an ordinary statement).
            let_pending = logical_first == "let"
        cur.end = line_start + len(scan.code_end)  # a trailing comment is not the statement's
    if cur is not None:
        segments.append(cur.close(stack, budget))
    return segments


# ---- the Lark parser ---------------------------------------------------------------------


def _grammar_file(name: str) -> str | None:
    # Installed wheel: grammars/ is shipped inside the package.  Source checkout or editable
    # install: it sits at the repository root.
    packaged = resources.files("paramcfg").joinpath("grammars").joinpath(name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    path = Path(__file__).resolve().parents[2] / "grammars" / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _grammar_text() -> str:
    text = _grammar_file("paramcfg.lark")
    if text is None:
        raise FileNotFoundError("grammars/paramcfg.lark is missing from the installation")
    return text


class _PostLexer:
    """Drop line breaks inside a statement, except the one that ends a ``let`` binding.

    (A break before a grid row is lexed as ``_ROWSEP`` and never reaches here as ``_NL``.)
    """

    always_accept: ClassVar[tuple[str, ...]] = ("_NL",)
    _OPEN: ClassVar[frozenset[str]] = frozenset({"LPAR", "LSQB", "LBRACE"})
    _CLOSE: ClassVar[frozenset[str]] = frozenset({"RPAR", "RSQB", "RBRACE"})
    # A break right after one of these never ends a binding: the expression goes on.
    _JOIN_AFTER: ClassVar[frozenset[str]] = frozenset(
        {
            "+", "-", "*", "/", "=", ",", "->", ":", "<", "<=", ">", ">=", "==", "!=",
            "then", "else", "and", "or", "not", "(", "[", "{",
        }
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
                    yield Token.new_borrow_pos("_LETSEP", tok.value, tok)
                continue
            if kind in self._OPEN:
                depth += 1
            elif kind in self._CLOSE:
                depth = max(depth - 1, 0)
            elif kind == "LET" and depth == 0:
                in_let = True
            prev = str(tok.value)
            yield tok


_lock = threading.Lock()
_parser: Lark | None = None
_transformer: _ToNodes | None = None


def _after_fork_in_child() -> None:
    """A process forked while another thread parsed would wait for ``_lock`` for ever (the
    thread that holds it does not exist in the child): the child gets a fresh lock.  The
    parser keeps no state between statements that the next parse does not reset."""
    global _lock  # noqa: PLW0603 - one lock per process
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


#: The options the parser is built with; part of the shipped tables' fingerprint.
PARSER_OPTIONS: Final[dict[str, Any]] = {
    "parser": "lalr", "lexer": "contextual", "maybe_placeholders": True,
}


def build_parser(grammar: str, transformer: _ToNodes | None = None) -> Lark:
    """The parser analysed from ``grammar`` (~100 ms): no shipped tables, no cache."""
    return grammar_tables.build(grammar, PARSER_OPTIONS, postlex=_PostLexer(),
                                transformer=transformer or _ToNodes())


def _get_parser() -> tuple[Lark, _ToNodes]:
    """The one parser of this process, from the analysed grammar shipped in the package
    (:mod:`paramcfg.grammar_tables`: JSON, never a pickle, used only if it matches the grammar),
    else built from the grammar.  Nothing is read from or written to the user's folders."""
    global _parser, _transformer  # noqa: PLW0603 - one parser per process, built on first use
    if _parser is None or _transformer is None:
        transformer = _ToNodes()
        grammar = _grammar_text()
        tables = _grammar_file(grammar_tables.FILE_NAME)
        parser = None
        if tables is not None:
            parser = grammar_tables.loads(tables, grammar_tables.fingerprint(grammar, PARSER_OPTIONS),
                                          postlex=_PostLexer(), transformer=transformer)
        _parser = parser or build_parser(grammar, transformer)
        _transformer = transformer
    return _parser, _transformer


# ---- tokens to nodes -----------------------------------------------------------------------


class _Locator:
    """Offsets in the segment → spans in the file, by binary search over line starts."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.text = text
        self.line_starts = [0]
        self.line_starts.extend(m.end() for m in re.finditer("\n", text))
        self.base = 0

    def span(self, start: int, end: int) -> Span:
        start += self.base
        end += self.base
        line = bisect.bisect_right(self.line_starts, start)
        end_line = bisect.bisect_right(self.line_starts, max(end - 1, start))
        return Span(
            self.path,
            line,
            start - self.line_starts[line - 1] + 1,
            end_line,
            end - self.line_starts[end_line - 1] + 1,
            start,
            end,
        )


def _to_number(digits: str) -> int | Decimal:
    # Anything written with a decimal point stays a Decimal, so that `0.5円` can be reported
    # as a fractional yen instead of being silently truncated.
    plain = digits.replace(",", "")
    if "." in plain or len(plain) > _MAX_INT_DIGITS:
        # Python refuses int() of more than 4,300 digits; a Decimal has no such limit, and the
        # model reports any literal longer than its limit (PC0005) before using it.
        return Decimal(plain)
    return int(plain)


_MAX_INT_DIGITS: Final = 1000


def _percent(digits: str) -> Decimal:
    """``1.4`` (of ``1.4%``) as ``Decimal("0.014")``, exactly: no decimal context is used, so
    the caller's (``localcontext(prec=2)``) cannot round it."""
    return Decimal(digits.replace(",", "")).scaleb(-2, _EXACT)


def _negated(value: int | Decimal) -> int | Decimal:
    return -value if isinstance(value, int) else value.copy_negate()  # exact, any context


#: scaleb rounds to its context's precision: this one keeps every digit a statement can hold.
_EXACT: Final = decimal.Context(prec=MAX_STATEMENT_CHARS + 10, Emax=decimal.MAX_EMAX,
                                Emin=decimal.MIN_EMIN)


_ESCAPES: Final = {"\\n": "\n", "\\t": "\t", '\\"': '"', "\\\\": "\\"}
_ESCAPE_RE = re.compile(r"\\[nt\"\\]")
# Escape pairs, matched left to right so that "\\\\q" is a backslash and a q, not \\q.
_ANY_ESCAPE = re.compile(r"\\(.)")
_GOOD_ESCAPES: Final = frozenset('nt"\\')


def _unquote(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text[1:-1])


class _ToNodes(Transformer[Token, Any]):
    """Builds nodes while the LALR parser reduces (no parse tree is made)."""

    loc: _Locator
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
        return n.Lit("yen", _to_number(c[0][:-1]), str(c[0]), self._sp(c[0]))

    def percent(self, c: list[Token]) -> n.Lit:
        return n.Lit("percent", _percent(c[0][:-1]), str(c[0]), self._sp(c[0]))

    def number(self, c: list[Token]) -> n.Lit:
        return n.Lit("number", _to_number(c[0]), str(c[0]), self._sp(c[0]))

    def date(self, c: list[Token]) -> n.Lit:
        return n.Lit("date", str(c[0]), str(c[0]), self._sp(c[0]))

    def monthday(self, c: list[Token]) -> n.Lit:
        return n.Lit("monthday", str(c[0]), str(c[0]), self._sp(c[0]))

    def string(self, c: list[Token]) -> n.Lit:
        tok = c[0]
        for m in _ANY_ESCAPE.finditer(str(tok)):
            if m.group(1) in _GOOD_ESCAPES:
                continue
            start = (tok.start_pos or 0) + m.start()
            self.problems.append(Diagnostic("PC0104", self.loc.span(start, start + 2), {
                "literal": f"`{m.group(0)}`", "kind": "escape in text",
                "kind_ja": "文字列のエスケープ",
                "fix": 'the escapes are \\n \\t \\" and \\\\ (write \\\\ for a backslash)',
                "fix_ja": 'エスケープは \\n \\t \\" \\\\ だけです（\\ 自体は \\\\ と書きます）'}))
        return n.Lit("string", _unquote(str(tok)), str(tok), self._sp(tok))

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
        return n.Lit(inner.kind, _negated(value), "-" + inner.text, inner.span)

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
        if len(cells) > 1 and not cells[-1].items:
            cells.pop()  # the row's closing pipe
        spans = [x.span for x in cells if x.items]
        span = spans[0].to(spans[-1]) if spans else self.loc.span(0, 0)
        return n.Row(tuple(cells), span)

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
        return n.Clause("label", _unquote(str(c[0])), self._sp(c[0]))

    def basis_clause(self, c: list[Token]) -> n.Clause:
        return n.Clause("basis", _unquote(str(c[0])), self._sp(c[0]))

    def monotone_clause(self, c: list[Token]) -> n.Clause:
        return n.Clause(str(c[0]), str(c[2]), self._sp(c[0]).to(self._sp(c[2])))

    def when_clause(self, c: list[Token]) -> n.Clause:
        # `when 国保.賦課方式 == 三方式`: arg is (parameter, member).
        return n.Clause("when", (str(c[0]), str(c[1])), self._sp(c[0]).to(self._sp(c[1])))

    # -- statements (their span is set to the whole segment by the caller)
    def law_clause(self, c: list[Token]) -> n.Lit:
        return self.date(c)

    def core_header(self, c: list[Any]) -> n.CoreHeader:
        name, version, horizon = c
        return n.CoreHeader(_unquote(str(name)), str(version), self._cover([name, version]),
                            self._sp(version), horizon)

    def tenant_header(self, c: list[Token]) -> n.TenantHeader:
        return n.TenantHeader(_unquote(str(c[0])), str(c[1]), self._cover(c), self._sp(c[1]))

    def uses_decl(self, c: list[Token | None]) -> n.Uses:
        name, op, version = c
        assert name is not None  # noqa: S101 - required by the grammar
        return n.Uses(
            _unquote(str(name)),
            str(op) if op is not None else None,
            str(version) if version is not None else None,
            self._sp(name),
            self._sp(version) if version is not None else None,
        )

    def enum_member(self, c: list[Token | None]) -> n.EnumMember:
        name, label = c
        assert name is not None  # noqa: S101 - required by the grammar
        return n.EnumMember(str(name), _unquote(str(label)) if label else None, self._sp(name))

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


# ---- a fast path for the common statement ------------------------------------------------
#
# Most statements of a profile are one assignment: `名前 = 値`, where the value is one literal
# or name, a flat list of them, or a grid.  Lark's LALR parser, run in Python, costs ~100 µs
# for such a statement; recognising it here costs a few.  The fast path only ever *accepts*:
# it gives the very nodes (and spans) the Lark path would, and on anything it is not sure of
# (another statement, a nested value, a comment, an escape, a keyword used as a name, and
# every error) it gives up and the statement goes to Lark as before, so every diagnostic is
# still Lark's.  tests/test_fast_path.py proves the two paths equal.
#
# The tokens are the grammar's terminals, tried in the order of Lark's contextual lexer
# (priority first: DATE and MONTHDAY, then YEN and PERCENT, then NUMBER, then the rest), so
# the first alternative that matches is the terminal Lark would lex.  Lark's lexer in a given
# parser state knows only the terminals that state accepts; where this regex finds one that
# the state would not accept, the parse below gives up, and it never accepts a name that is a
# keyword (Lark would lex it as the keyword wherever the keyword may stand).

_FAST_DIGITS: Final = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_FAST_NAME_PART: Final = r"(?:[^\W0-9]\w*|[0-9]+(?=[^\x00-\x7f\W])(?!円)\w+)"
_FAST_TOKEN: Final = re.compile(
    r"[ \t]*(?:"
    r"(?P<ROWSEP>\n[ \t]*(?=\|))"
    r"|(?P<DATE>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"|(?P<MONTHDAY>[0-9]{1,2}月(?:[0-9]{1,2}日|末日))"
    rf"|(?P<PERCENT>{_FAST_DIGITS}%)"
    rf"|(?P<YEN>{_FAST_DIGITS}円)"
    rf"|(?P<NUMBER>{_FAST_DIGITS}(?![0-9]|[^\x00-\x7f\W]))"
    rf"|(?P<NAME>{_FAST_NAME_PART}(?:\.{_FAST_NAME_PART})*)"
    r'|(?P<STRING>"[^"\\\n]*")'
    r"|(?P<RANGE_OP>\.\.<)"
    r"|(?P<COMPARE_OP>==|!=|<=|>=|<|>)"
    r"|(?P<PUNCT>[-=|\[\],])"
    r")"
)
#: Every keyword of the grammar (a NAME that is one of these is lexed as the keyword wherever
#: the keyword may stand); ``true`` and ``false`` are handled as the literals they are.
_KEYWORDS: Final = frozenset({
    "core", "version", "tenant", "code", "uses", "enum", "record", "type", "input", "param",
    "rule", "from", "review", "default", "required", "fixed", "min", "max", "increasing",
    "decreasing", "along", "when", "label", "basis", "law", "through", "int", "decimal", "yen",
    "rate", "bool", "date", "monthday", "text", "list", "of", "table", "scale", "let", "if",
    "then", "else", "or", "and", "not", "true", "false",
})  # fmt: skip
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
            return n.Lit(inner.kind, _negated(value), "-" + inner.text, inner.span)
        span = self.span(start, end)
        if kind == "YEN":
            return n.Lit("yen", _to_number(text[:-1]), text, span)
        if kind == "PERCENT":
            return n.Lit("percent", _percent(text[:-1]), text, span)
        if kind == "NUMBER":
            return n.Lit("number", _to_number(text), text, span)
        if kind == "DATE":
            return n.Lit("date", text, text, span)
        if kind == "MONTHDAY":
            return n.Lit("monthday", text, text, span)
        if kind == "STRING":
            return n.Lit("string", text[1:-1], text, span)
        if kind == "NAME":
            if text == "true":
                return n.Lit("bool", value=True, text="true", span=span)
            if text == "false":
                return n.Lit("bool", value=False, text="false", span=span)
            if text in _KEYWORDS:
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
            if len(cells) > 1 and not cells[-1].items:
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
        if kind != "NAME" or name in _KEYWORDS:
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


def _fast_statement(text: str, seg: Segment, locator: _Locator) -> n.Assignment | None:
    """The statement of ``seg`` as the Lark path would give it, or ``None`` to ask Lark."""
    try:
        return _FastParser(text, locator.path, seg).assignment()
    except _GiveUp:
        return None


# ---- errors ------------------------------------------------------------------------------

# How terminals are named to people (never Lark's names).
_TERMINALS: Final[dict[str, tuple[str, str]]] = {
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
    if name in _TERMINALS:
        return _TERMINALS[name]
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


# ---- entry point --------------------------------------------------------------------------


@attrs.frozen
class ParseResult:
    file: n.SourceFile
    diagnostics: tuple[Diagnostic, ...]


def _closer(what: str) -> str:
    return _OPENERS.get(what, '"')


def parse_text(text: str, path: str) -> ParseResult:
    """Parse decoded, normalised ``text`` (see :mod:`paramcfg.source`) into statements.

    Never raises for bad input: every problem is a diagnostic, one per broken statement.
    """
    segments = segment(text)
    locator = _Locator(text, path)
    diagnostics: list[Diagnostic] = []
    statements: list[n.Statement] = []
    broken: set[str] = set()
    parser: Lark | None = None  # built on the first statement the fast path leaves to Lark
    unreported = sum(seg.unreported for seg in segments)
    if unreported:
        first = next(seg for seg in segments if seg.unreported)
        diagnostics.append(Diagnostic("PC0005", locator.span(first.start, first.start + 1), {
            "what": f"unclosed brackets ({unreported:,} more, not listed)",
            "what_ja": f"閉じていない括弧（ほかに {unreported:,} 個、一覧には出しません）",
            "limit": f"{MAX_UNCLOSED_REPORTED:,}", "limit_ja": f"{MAX_UNCLOSED_REPORTED:,} 個"}))
    with _lock:
        for seg in segments:
            if seg.problems or seg.unreported:
                diagnostics.extend(_problem(p, locator) for p in seg.problems)
                broken.update(_assigned_name(text, seg))
                continue
            fast = _fast_statement(text, seg, locator)
            if fast is not None:
                statements.append(fast)
                continue
            if parser is None:
                parser, transformer = _get_parser()
                transformer.loc = locator
                transformer.problems = diagnostics  # literal problems found while building nodes
            locator.base = seg.start
            try:
                node: n.Statement = parser.parse(text[seg.start : seg.end])  # type: ignore[assignment]
            except UnexpectedInput as exc:
                diagnostics.append(_syntax_diagnostic(exc, locator, parser, seg))
                broken.update(_assigned_name(text, seg))
                continue
            finally:
                locator.base = 0
            statements.append(attrs.evolve(node, span=_segment_span(locator, text, seg)))
    comments = tuple(_comments(text, locator))
    diagnostics.sort(key=Diagnostic.sort_key)
    return ParseResult(n.SourceFile(path, text, tuple(statements), comments, frozenset(broken)),
                       tuple(diagnostics))


_ASSIGNED_NAME = re.compile(r"[ \t]*(?:review[ \t]+)?([^\W\d][\w.]*|[0-9]+[^\x00-\x7f\W][\w.]*)"
                            r"[ \t]*=(?!=)")


def _assigned_name(text: str, seg: Segment) -> list[str]:
    """What a broken statement was: the parameter it assigned, or ``:tenant`` / ``:core`` for
    a header line (so that the header is not also reported missing)."""
    m = _ASSIGNED_NAME.match(text, seg.start, seg.end)
    if m:
        return [m.group(1)]
    head = re.match(r"[ \t]*(tenant|core)\b", text[seg.start : seg.end])
    return [f":{head.group(1)}"] if head else []


_LIMITS: Final = {
    "depth": ("brackets nested", "括弧の入れ子の深さ", MAX_DEPTH),
    "cells": ("the number of table cells in one statement", "一つの表のセルの数",
              MAX_TABLE_CELLS),
    "size": ("the length of one statement", "一つの文の長さ", MAX_STATEMENT_CHARS),
    "lines": ("the number of lines", "行数", MAX_LINES),
}


def _problem(p: Problem, locator: _Locator) -> Diagnostic:
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


def _comments(text: str, locator: _Locator) -> Iterator[n.Comment]:
    """Every comment, found by the same scan that knows strings (a `#` inside "…" is text)."""
    offset = 0
    for line in text.split("\n"):
        if "#" in line:
            scan = _scan_line(line, 0, [])
            if scan.comment_at >= 0:
                start = offset + scan.comment_at
                yield n.Comment(line[scan.comment_at :], locator.span(start, offset + len(line)))
        offset += len(line) + 1


def _segment_span(locator: _Locator, text: str, seg: Segment) -> Span:
    start = seg.start
    while start < seg.end and text[start] in " \t":
        start += 1
    return locator.span(start, seg.end)


_FIXES: Final = {
    "、，": ("write a half-width comma `,`", "半角のカンマ「,」で区切ってください"),
    "．。": ("write a half-width `.` (the dot in 固定資産税.税率 is half-width)",
            "半角の「.」を書いてください（固定資産税.税率 の「.」は半角です）"),
    "“”„「」『』‘’": ('put text in half-width double quotes "…"',
                    '文字列は半角の「"」で囲んでください'),
}
_GLUED = re.compile(r"(from|tenant|uses|core|enum|record|type|input|param|rule)(?=[0-9\"])")


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


def _syntax_diagnostic(exc: UnexpectedInput, loc: _Locator, parser: Lark, seg: Segment) -> Diagnostic:
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


def _abs_span(loc: _Locator, seg: Segment, start: int, end: int) -> Span:
    loc.base = seg.start
    try:
        return loc.span(start, end)
    finally:
        loc.base = 0
