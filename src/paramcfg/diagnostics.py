"""Diagnostics: the data every stage reports, and how it is shown to people and machines.

A diagnostic is data (code, severity, span, message arguments, related locations); it is
rendered late, in the reader's language.  Stages never raise for bad input: they append
diagnostics to a list and carry on.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs

from paramcfg.codes import CODES, Code, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "CODES",
    "Code",
    "Diagnostic",
    "Related",
    "Severity",
    "Span",
    "display_width",
    "printable",
    "render_json",
    "render_text",
]


def display_width(text: str) -> int:
    """Terminal cells that ``text`` takes: wide and full-width characters take two.

    Combining marks take none.  East Asian *ambiguous* characters take one, as in most
    Japanese terminals configured for UTF-8.
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


@attrs.define(slots=True, unsafe_hash=True)
class Span:
    """A region of one source file.

    Lines and columns are 1-based and count characters (not bytes, not display cells);
    ``start``/``end`` are character offsets into the decoded text.

    Treat a span as immutable (it is hashed). It is not a frozen attrs class only because it
    is made for every token of every file: a frozen class's ``__init__`` costs three times as
    much (W5, issue 7).
    """

    file: str
    line: int
    col: int
    end_line: int
    end_col: int
    start: int = 0
    end: int = 0

    @classmethod
    def point(cls, file: str, line: int = 1, col: int = 1) -> Span:
        return cls(file, line, col, line, col + 1)

    def to(self, other: Span) -> Span:
        """The span from the start of ``self`` to the end of ``other``."""
        return Span(
            self.file, self.line, self.col, other.end_line, other.end_col, self.start, other.end
        )

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@attrs.frozen
class Related:
    """A secondary location shown under a diagnostic (for example the core's declaration)."""

    span: Span
    message_en: str
    message_ja: str

    def message(self, lang: str) -> str:
        return self.message_ja if lang == "ja" else self.message_en


def _fmt(template: str, args: Mapping[str, str]) -> str:
    try:
        return template.format_map(args)
    except (KeyError, IndexError, ValueError):
        # A missing argument is a bug in the stage that made the diagnostic; still show
        # the text rather than crash while reporting an error.
        return template


@attrs.frozen
class Diagnostic:
    """One finding.  ``args`` fill the code's message and hint templates."""

    code: str
    span: Span
    args: Mapping[str, str] = attrs.field(factory=dict)
    related: tuple[Related, ...] = ()
    severity: Severity | None = None

    @property
    def level(self) -> Severity:
        return self.severity or CODES[self.code].severity

    def message(self, lang: str = "en") -> str:
        code = CODES[self.code]
        if lang == "ja":
            return _fmt(code.message_ja, {**self.args, **_ja_args(self.args)})
        return _fmt(code.message_en, self.args)

    def hint(self, lang: str = "en") -> str:
        code = CODES[self.code]
        if lang == "ja":
            return _fmt(code.hint_ja, {**self.args, **_ja_args(self.args)})
        return _fmt(code.hint_en, self.args)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.file, self.span.line, self.span.col, self.code)


def _ja_args(args: Mapping[str, str]) -> dict[str, str]:
    # Every `x_ja` field falls back to `x` so that a stage may give one text for both.
    return {f"{k}_ja": v for k, v in args.items() if f"{k}_ja" not in args}


#: What must never reach a terminal or a report as is: every C0 and C1 control (a line break
#: would start a forged line, ESC an escape sequence), DEL, the Unicode line and paragraph
#: separators, the zero-width characters, a BOM, and the bidirectional controls.
_UNPRINTABLE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069"
    "\u061c\ufeff]")
_NAMED_ESCAPES: Final = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_char(m: re.Match[str]) -> str:
    ch = m[0]
    if ch in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[ch]
    cp = ord(ch)
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


def printable(text: object, *, tab: bool = False) -> str:
    """``text`` safe to print on one line: each control character (see ``_UNPRINTABLE``)
    written as an escape (``\\n``, ``\\x1b``, ``\\u2028``), everything else as it is.

    The one owner of this escaping: every value that comes from a file (a tenant name, a
    string, a path, an error's text) goes through it before it is printed, so that a ``\\n``
    in a tenant name cannot print a forged line. ``tab`` keeps tabs (a quoted source line).
    """
    s = str(text)
    if _UNPRINTABLE.search(s) is None:
        return s
    if tab:
        return "\t".join(_UNPRINTABLE.sub(_escape_char, part) for part in s.split("\t"))
    return _UNPRINTABLE.sub(_escape_char, s)


def _underline(line_text: str, col: int, end_col: int) -> str:
    """Spaces up to ``col`` then carets to ``end_col``, both measured in display cells."""
    col = max(col, 1)
    lead = display_width(line_text[: col - 1])
    marked = line_text[col - 1 : end_col - 1] if end_col > col else line_text[col - 1 : col]
    width = max(display_width(marked), 1)
    return " " * lead + "^" * width


def render_text(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, str],
    lang: str = "en",
) -> str:
    """Render diagnostics for a terminal: location, message, source line, underline, help."""
    out: list[str] = []
    lines_cache: dict[str, list[str]] = {}
    for d in diagnostics:
        span = d.span
        sev = d.level
        out.append(printable(f"{span}: {sev.label(lang)}[{d.code}]: {d.message(lang)}"))
        text = sources.get(span.file)
        if text is not None and span.line >= 1:
            lines = lines_cache.get(span.file)
            if lines is None:  # split once per file, not once per diagnostic
                lines = lines_cache[span.file] = text.splitlines()
            if span.line <= len(lines):
                src = lines[span.line - 1]
                gutter = str(span.line)
                pad = " " * len(gutter)
                end_col = span.end_col if span.end_line == span.line else len(src) + 1
                out.append(f"{pad} |")
                out.append(f"{gutter} | {printable(src, tab=True)}")
                out.append(f"{pad} | {_underline(src, span.col, end_col)}")
        hint = d.hint(lang)
        if hint:
            out.append(f"  = {'ヒント' if lang == 'ja' else 'help'}: {printable(hint)}")
        for rel in d.related:
            label = "参照" if lang == "ja" else "note"
            out.append(printable(f"  = {label}: {rel.span}: {rel.message(lang)}"))
        out.append("")
    return "\n".join(out)


def to_json_obj(d: Diagnostic, lang: str = "en") -> dict[str, object]:
    return {
        "code": d.code,
        "name": CODES[d.code].name,
        "severity": d.level.value,
        "file": d.span.file,
        "line": d.span.line,
        "col": d.span.col,
        "end_line": d.span.end_line,
        "end_col": d.span.end_col,
        "message": d.message(lang),
        "hint": d.hint(lang),
        "related": [
            {
                "file": r.span.file,
                "line": r.span.line,
                "col": r.span.col,
                "message": r.message(lang),
            }
            for r in d.related
        ],
    }


def render_json(diagnostics: Iterable[Diagnostic], lang: str = "en") -> str:
    return json.dumps([to_json_obj(d, lang) for d in diagnostics], ensure_ascii=False, indent=2)
