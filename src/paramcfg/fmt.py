"""``paramcfg fmt``: the canonical layout, checked against itself before anything is written.

Profiles are laid out canonically: headers at the left margin, ``from`` blocks with their
assignments indented two spaces, grids with aligned pipes (by display width: a kanji takes two
cells), amounts right-aligned and grouped (``48,600円``), records one field a line with the
``=`` aligned.  Statement order is kept, and so is every comment: own-line comments stay before
the statement they precede, trailing comments stay on their line.  In a core, declarations and
rules are kept exactly as written; only its dated blocks are laid out.

Like black, the formatter checks its own output: the result must parse to the same tree as the
input (spans and spelling aside) and must format to itself again; if not, nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic, Severity, display_width
from paramcfg.syntax import parse_text
from paramcfg.values import literal_text, quote

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["FormatError", "FormatResult", "format_text", "same_tree"]

_INDENT = "  "
_ROW_INDENT = "    "
_NUMERIC = ("yen", "percent", "number")


class FormatError(Exception):
    """The formatter's output failed its own check (a bug in fmt; the file is left alone)."""

    def __init__(self, reason: str, reason_ja: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reason_ja = reason_ja

    def text(self, lang: str) -> str:
        return self.reason_ja if lang == "ja" else self.reason


@attrs.frozen
class FormatResult:
    text: str
    diagnostics: tuple[Diagnostic, ...]  # syntax errors: the file is not formatted

    @property
    def ok(self) -> bool:
        return not any(d.level is Severity.ERROR for d in self.diagnostics)


# ---- values ---------------------------------------------------------------------------------


def _item_text(item: n.CellItem) -> str:
    if isinstance(item, n.Lit):
        return literal_text(item)
    if isinstance(item, n.Member):
        return item.name
    return item.op


def value_text(value: n.Value) -> str:
    """A value on one line (grids and multi-line records are laid out by the caller)."""
    if isinstance(value, n.Lit):
        return literal_text(value)
    if isinstance(value, n.Member):
        return value.name
    if isinstance(value, n.ListValue):
        return "[" + ", ".join(value_text(v) for v in value.items) + "]"
    if isinstance(value, n.RecordValue):
        return "{ " + ", ".join(f"{f.name} = {value_text(f.value)}" for f in value.fields) + " }"
    raise TypeError(value)  # grids never stand on one line


# ---- layout ----------------------------------------------------------------------------------


class _Writer:
    """Collects output lines, each with the trailing comment of the source line it renders."""

    def __init__(self, trailing: dict[int, str]) -> None:
        self.lines: list[str] = []
        self.comments: list[str | None] = []
        self.trailing = trailing
        self.used: set[int] = set()

    def emit(self, text: str, source_line: int | None = None) -> None:
        comment = None
        if source_line is not None and source_line not in self.used:
            comment = self.trailing.get(source_line)
            if comment is not None:
                self.used.add(source_line)
        self.lines.append(text.rstrip())
        self.comments.append(comment)

    def verbatim(self, text: str) -> None:
        self.lines.append(text.rstrip())
        self.comments.append(None)

    def text(self) -> str:
        """The lines, with the trailing comments of consecutive lines aligned (as gofmt does)."""
        out: list[str] = []
        i = 0
        while i < len(self.lines):
            if self.comments[i] is None:
                out.append(self.lines[i])
                i += 1
                continue
            j = i
            while j < len(self.lines) and self.comments[j] is not None:
                j += 1
            column = max(display_width(line) for line in self.lines[i:j]) + 2
            for line, comment in zip(self.lines[i:j], self.comments[i:j], strict=True):
                out.append(line + " " * (column - display_width(line)) + str(comment))
            i = j
        while out and not out[-1]:
            out.pop()
        return "\n".join(out) + "\n"


def _grid(w: _Writer, grid: n.Grid) -> None:
    rows = [[" ".join(_item_text(i) for i in cell.items) for cell in row.cells]
            for row in grid.rows]
    ncols = max(len(r) for r in rows)
    widths = [max((display_width(r[c]) for r in rows if c < len(r)), default=0)
              for c in range(ncols)]
    # A column of amounts is right-aligned; keys and names read from the left.
    right = [c > 0 and all(_is_amount(row.cells[c]) for row in grid.rows[1:] if c < len(row.cells))
             for c in range(ncols)]
    for row, texts in zip(grid.rows, rows, strict=True):
        cells = []
        for c, text in enumerate(texts):
            pad = " " * (widths[c] - display_width(text))
            cells.append(pad + text if right[c] else text + pad)
        w.emit(_ROW_INDENT + "| " + " | ".join(cells) + " |", row.span.line)


def _is_amount(cell: n.Cell) -> bool:
    item = cell.items[0] if len(cell.items) == 1 else None
    return isinstance(item, n.Lit) and item.kind in _NUMERIC


def _record(w: _Writer, indent: str, head: str, record: n.RecordValue, line: int) -> None:
    w.emit(f"{indent}{head}{{", line)
    width = max((display_width(f.name) for f in record.fields), default=0)
    for f in record.fields:
        pad = " " * (width - display_width(f.name))
        w.emit(f"{indent}{_INDENT}{f.name}{pad} = {value_text(f.value)}", f.span.line)
    w.emit(f"{indent}}}", record.span.end_line)


def _assignment(w: _Writer, s: n.Assignment, indent: str) -> None:
    head = f"{'review ' if s.review else ''}{s.name} ="
    value = s.value
    if isinstance(value, n.Grid):
        w.emit(indent + head, s.name_span.line)
        _grid(w, value)
    elif isinstance(value, n.RecordValue) and value.span.end_line > value.span.line:
        _record(w, indent, f"{head} ", value, s.name_span.line)
    else:
        w.emit(f"{indent}{head} {value_text(value)}", s.name_span.line)


def _header(s: n.Statement) -> str | None:
    if isinstance(s, n.TenantHeader):
        return f"{s.kind} {quote(s.name)} code {s.code}"
    if isinstance(s, n.Within):
        return f"within {quote(s.name)}"
    if isinstance(s, n.CoreHeader):
        horizon = f" law through {s.horizon.text}" if s.horizon is not None else ""
        return f"core {quote(s.name)} version {s.version}{horizon}"
    if isinstance(s, n.Uses):
        version = f" {s.op} {s.version}" if s.op and s.version else ""
        return f"uses {quote(s.core)}{version}"
    if isinstance(s, n.FromDecl):
        return f"from {s.date.text}"
    return None


def _lines(text: str) -> list[str]:
    return text.split("\n")


def format_text(text: str, path: str) -> FormatResult:
    """The canonical layout of decoded ``text``.

    :raises FormatError: if the result fails the formatter's own check (a bug; report it).
    """
    parsed = parse_text(text, path)
    errors = tuple(d for d in parsed.diagnostics if d.level is Severity.ERROR)
    if errors:
        return FormatResult(text, errors)
    out = _format(parsed.file)
    check = parse_text(out, path)
    if check.diagnostics or not same_tree(parsed.file.statements, check.file.statements):
        raise FormatError("the result means something else", "結果の意味が元と異なります")
    if _format(check.file) != out:
        raise FormatError("formatting the result again changes it", "結果をもう一度整形すると変わります")
    return FormatResult(out, parsed.diagnostics)


def _format(file: n.SourceFile) -> str:
    src = _lines(file.text)
    own: dict[int, str] = {}
    trailing: dict[int, str] = {}
    for c in file.comments:
        line = src[c.span.line - 1]
        (own if not line[: c.span.col - 1].strip() else trailing)[c.span.line] = c.text
    w = _Writer(trailing)
    in_block = False
    prev_end = 0  # the last source line written
    for s in file.statements:
        first, last = s.span.line, s.span.end_line
        if isinstance(s, n.FromDecl):
            in_block = True
        elif isinstance(s, n.TenantHeader | n.CoreHeader | n.Uses | n.Within):
            in_block = False
        # Anything else (a rule or a declaration, kept as written) does not end a block: the
        # assignments after it still belong to the block above, and stay indented.
        indent = _INDENT if in_block and isinstance(s, n.Assignment) else ""
        _comments_before(w, src, own, prev_end, first, indent)
        inner = [ln for ln in range(first, last + 1) if ln in own]
        mark = len(w.lines)
        header = _header(s)
        if header is not None:
            w.emit(header, first)
        elif isinstance(s, n.Assignment) and not inner:
            _assignment(w, s, indent)
        if len(w.lines) == mark or any(
                ln in trailing and ln not in w.used for ln in range(first, last + 1)):
            # Declarations (core only), and any statement whose comments the canonical layout
            # cannot carry (an own-line comment inside it, or trailing comments on lines it
            # joins): kept exactly as written, so that no comment is ever lost or moved.
            del w.lines[mark:]
            del w.comments[mark:]
            for ln in range(first, last + 1):
                w.verbatim(src[ln - 1])
                w.used.add(ln)
        prev_end = last
    _comments_before(w, src, own, prev_end, len(src) + 1, "")
    missing = set(trailing) - w.used
    if missing:  # a trailing comment on a line we did not reproduce: never drop it
        raise FormatError(f"the comment on line {min(missing)} has no place",
                          f"{min(missing)} 行目のコメントの置き場所がありません")
    return w.text()


def _comments_before(w: _Writer, src: list[str], own: dict[int, str], after: int,
                     before: int, indent: str) -> None:
    """Own-line comments between two statements, and one blank line where there was one."""
    blank = False
    for ln in range(after + 1, before):
        if ln in own:
            if blank and w.lines and w.lines[-1]:
                w.verbatim("")
            blank = False
            w.verbatim(indent + own[ln])
        elif ln <= len(src) and not src[ln - 1].strip():
            blank = True
    if blank and w.lines and w.lines[-1]:
        w.verbatim("")


# ---- the self-check -------------------------------------------------------------------------

_IGNORED = frozenset({"span", "name_span", "code_span", "version_span", "text"})


def _strip(node: Any) -> Any:  # noqa: ANN401 - any node
    if isinstance(node, tuple):
        return tuple(_strip(x) for x in node)
    if attrs.has(type(node)):
        return (type(node).__name__, *(
            _strip(getattr(node, f.name)) for f in attrs.fields(type(node))
            if f.name not in _IGNORED))
    return node


def same_tree(a: Iterable[n.Statement], b: Iterable[n.Statement]) -> bool:
    """Whether two parses say the same thing (positions and literal spelling aside)."""
    return bool(_strip(tuple(a)) == _strip(tuple(b)))
