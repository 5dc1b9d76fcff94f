"""Statement cutting: source text → :class:`Segment` s, one per statement, before parsing.

A statement is a line plus its continuation lines.  Each statement is parsed on its own
(:mod:`paramcfg.syntax`), so a broken line costs exactly one diagnostic and never hides the
errors of the lines after it.

A line continues the statement above when

* a bracket ``(``, ``[`` or ``{`` opened above is still open,
* it starts with ``|`` (a grid row),
* it starts with a clause keyword (``default``, ``min`` …) or ``then``/``else``/``and``/``or``,
* the line above ends with an operator, ``=``, ``,`` or ``->``, or
* the line above starts with ``let`` (a rule body goes on below its bindings).

A line that starts with a statement keyword (``param``, ``from`` …), or an assignment
(``名前 =``) indented no deeper than the statement's first line, always starts a new statement,
so an unclosed bracket cannot swallow the lines after it.  The keyword classes are the
lexicon's (:mod:`paramcfg.lexicon`).
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Final, NamedTuple

import attrs

from paramcfg import lexicon
from paramcfg import nodes as n
from paramcfg.diagnostics import Span

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "CONTINUATION_KEYWORDS", "MAX_DEPTH", "MAX_LINES", "MAX_STATEMENT_CHARS", "MAX_TABLE_CELLS",
    "MAX_UNCLOSED_REPORTED", "STATEMENT_KEYWORDS", "Locator", "Problem", "Segment",
    "assigned_name", "comments", "segment", "segment_span",
]

STATEMENT_KEYWORDS: Final = lexicon.STATEMENT_KEYWORDS
CONTINUATION_KEYWORDS: Final = lexicon.CONTINUATION_KEYWORDS
# Line endings after which the statement goes on (an operator waits for its right side).
_CONTINUES_AFTER = re.compile(
    r"(?:[=+\-*/<>,(\[{]|->|\.\.<|\b(?:" + "|".join(sorted(lexicon.JOIN_AFTER_KEYWORDS)) + r"))[ \t]*$")
# The last characters that can end a match of _CONTINUES_AFTER in right-stripped code.
_OPERATOR_ENDS: Final = frozenset("=+-*/<>,([{")
_WORD_ENDS: Final = frozenset(word[-1] for word in lexicon.JOIN_AFTER_KEYWORDS)


def _continues_after(code: str) -> bool:
    """``_CONTINUES_AFTER.search(code)`` for right-stripped ``code``, mostly without the regex
    (which tries every position of the line)."""
    last = code[-1:]
    if last in _OPERATOR_ENDS:
        return True
    return last in _WORD_ENDS and _CONTINUES_AFTER.search(code) is not None


_FIRST_WORD = re.compile(rf"[ \t]*({lexicon.LINE_WORD}|\|)?")
_ASSIGNMENT_START = re.compile(rf"[ \t]*{lexicon.LINE_NAME}[ \t]*=(?!=)")
_OPENERS: Final = lexicon.BRACKETS
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


#: What :func:`_scan_line` stops at: a string (closed, or open to the end of the line), a
#: comment, a bracket.  Inside a string a backslash takes the next character with it.
_SCAN_TOKEN: Final = re.compile(r'"(?:[^"\\]|\\.)*("?)|#|[()\[\]{}]')


def _scan_line(line: str, base: int, stack: list[tuple[str, int]]) -> _Scan:
    if _SCANNED.search(line) is None:
        return _Scan(None, len(stack), line.rstrip())
    deepest = len(stack)
    for m in _SCAN_TOKEN.finditer(line):
        ch = line[m.start()]
        if ch == '"':
            if not m.group(1):  # no closing quote: the string runs to the end of the line
                return _Scan(base + m.start(), deepest, line.rstrip())
        elif ch == "#":
            code_end = m.start()
            return _Scan(None, deepest, line[:code_end].rstrip(), code_end)
        elif ch in _OPENERS:
            stack.append((ch, base + m.start()))
            deepest = max(deepest, len(stack))
        elif stack and stack[-1][0] == _CLOSERS[ch]:
            stack.pop()
    return _Scan(None, deepest, line.rstrip())


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
    prev_row = False  # the line above is a grid row (or a pasted one) or ends with `=`
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
        tab_row = "\t" in stripped and "|" not in line and _ASSIGNMENT_START.match(line) is None
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
            # A row pasted from a spreadsheet (cells split by tabs, no `|`) under `=` or a
            # grid row belongs to that table: it is reported once there (PC0107).
            or (tab_row and prev_row)
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
        prev_row = first == "|" or tab_row or scan.code_end.rstrip().endswith("=")
        if not stack and not prev_continues:
            # A completed `let` binding leaves the rule body pending; any other completed
            # line is the body itself (or an ordinary statement).
            let_pending = logical_first == "let"
        cur.end = line_start + len(scan.code_end)  # a trailing comment is not the statement's
    if cur is not None:
        segments.append(cur.close(stack, budget))
    return segments


class Locator:
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



_ASSIGNED_NAME = re.compile(rf"[ \t]*(?:{lexicon.TERMINALS['REVIEW'].pattern}[ \t]+)?"
                            rf"({lexicon.LINE_NAME}|{lexicon.LINE_DIGIT_NAME})[ \t]*=(?!=)")


def assigned_name(text: str, seg: Segment) -> list[str]:
    """What a broken statement was: the parameter it assigned, or ``:tenant`` / ``:core`` for
    a header line (so that the header is not also reported missing)."""
    m = _ASSIGNED_NAME.match(text, seg.start, seg.end)
    if m:
        return [m.group(1)]
    head = re.match(r"[ \t]*(tenant|prefecture|core)\b", text[seg.start : seg.end])
    if head is None:
        return []
    return [":core" if head.group(1) == "core" else ":tenant"]  # a prefecture's is its header



def comments(text: str, locator: Locator) -> Iterator[n.Comment]:
    """Every comment, found by the same scan that knows strings (a `#` inside "…" is text)."""
    offset = 0
    for line in text.split("\n"):
        if "#" in line:
            scan = _scan_line(line, 0, [])
            if scan.comment_at >= 0:
                start = offset + scan.comment_at
                yield n.Comment(line[scan.comment_at :], locator.span(start, offset + len(line)))
        offset += len(line) + 1


def segment_span(locator: Locator, text: str, seg: Segment) -> Span:
    start = seg.start
    while start < seg.end and text[start] in " \t":
        start += 1
    return locator.span(start, seg.end)

