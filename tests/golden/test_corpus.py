"""The bad-input corpus: every file under tests/corpus/ states what paramcfg must report.

Files
    ``*.pcfg`` are tenant profiles, checked with ``check_profile`` against the shipped core
    (``package_core/``, the ``core`` fixture).  ``*.pcore`` are package cores, loaded on their
    own with ``load_core``.

Inline expectations (a file that can carry comments), as in tests/golden:
    ``#! PC0101@6 PC0405@3``    exactly these diagnostics (code@column) on this line;
    ``#!@12 PC0103@9``          the same for line 12 (for a line that cannot carry a comment);
    ``#~ PC0101@6 2025-04-01``  the diagnostic PC0101 at column 6 of this line has the text
                                after it in its English message or help; ``#~ja`` in its
                                Japanese message or help; ``#~@12 …`` / ``#~ja@12 …`` for line 12.
                                A ``#~`` adds no diagnostic, it only says more about one.

Sidecar expectations, ``NAME.expect`` next to ``NAME.pcfg`` or ``NAME.pcore``, for a file whose
bytes cannot carry such a comment (not UTF-8, UTF-16, a BOM, NUL or other control
characters, CR line ends, no final line end, empty).  One item per line; blank lines and lines
starting with ``#`` are comments::

    PC0001 5:63                   a diagnostic PC0001 at line 5, column 63
    ~ PC0001 5:63 Shift_JIS       … whose English message or help contains "Shift_JIS"
    ~ja PC0001 5:63 Shift_JIS     … whose Japanese message or help contains it

Lines and columns count from 1, in characters of the decoded text, the way paramcfg counts them:
lines end at LF, CR LF or a lone CR only (not at U+2028, U+0085, VT or FF, which
str.splitlines() would also break at).  The diagnostics found are compared with the expected
ones as a multiset of (code, line, column): a missing one, an extra one, a wrong line or column,
and one reported twice all fail.

Generated files.  The files whose exact bytes are the point (encodings, BOMs, line ends,
control and invisible characters, tabs, a cut-off end) are built by ``GENERATED`` below, and
the committed copies must equal those bytes (tests/corpus/.gitattributes keeps git from
converting line ends).  ``PYTHONPATH=tests python tests/golden/test_corpus.py`` rewrites them.

Marked cases.  ``XFAIL`` lists the files where paramcfg today says something wrong or unhelpful;
the file states what it *should* say and the test is a strict xfail until src/ is fixed.
``CRASHES`` lists those where an exception escapes today.
"""

from __future__ import annotations

import codecs
import json
import re
import string
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

import pytest
from helpers import ROOT

from paramcfg.diagnostics import CODES, render_json, render_text
from paramcfg.engine import check_profile, load_core

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from paramcfg.diagnostics import Diagnostic, Span
    from paramcfg.engine import CoreResult


@pytest.fixture(scope="session")
def core(frozen_core: CoreResult) -> CoreResult:
    """These tests are about the language: they use the sample core frozen at 2024.4."""
    return frozen_core


CORPUS = ROOT / "tests" / "corpus"

# ---- generated files ----------------------------------------------------------------------

_HEADER = 'tenant "五霞町" code 085421\nuses "ibaraki-cloud" >= 2024.4\n'
_NOTICE = (
    '  固定資産税.納税通知書 = { 表題 = "固定資産税 納税通知書", 発行者 = "五霞町長", '
    '首長名 = "五霞 三郎", 問合せ先 = "五霞町 税務課" }\n'
)
_GRID = (
    "  保育料.月額 =\n"
    "    | 所得割額    | 3号 標準 | 3号 短時間 | 2号 標準 | 2号 短時間 |\n"
    "    | < 48,600円  | 10,000円 |    9,800円 |  8,000円 |    7,900円 |\n"
    "    | >= 48,600円 | 29,500円 |   29,000円 | 26,500円 |   26,100円 |\n"
)
_CORE = 'core "mini" version 2024.4\n\nparam 税率 : rate\n  default 1.4%\n'


def _profile(comment: str, extra: str = "", *, grid: str = _GRID) -> str:
    """A clean profile plus ``extra``: line 1 the comment, 2-3 the header, 5 `from`, 6 the
    tax notice, 7-10 the childcare table, 11 on ``extra``."""
    return f"# {comment}\n{_HEADER}\nfrom 2024-04-01\n{_NOTICE}{grid}{extra}"


def _grid_first(comment: str, last: str) -> str:
    """The table (lines 6-9) before ``last`` (line 10), so that ``last`` can be cut off."""
    return f"# {comment}\n{_HEADER}\nfrom 2024-04-01\n{_GRID}{last}"


def _line_ends(text: str, *ends: str) -> bytes:
    """``text`` with its LF line ends replaced by ``ends`` in turn.

    Mind the order: a CR followed by an empty line ending in LF is one CR LF, not two ends.
    """
    lines = text.split("\n")
    out = [line + ends[i % len(ends)] for i, line in enumerate(lines[:-1])]
    return "".join([*out, lines[-1]]).encode()


# Line 10's last cell, 27,000円, is above the ceiling (26,600円 from 48,600円 to 97,000円),
# and line 11 has a wrong value at its end: both must keep their columns whatever ends a line.
_LINE_ENDS = _profile(
    "line ends: the columns and lines of the diagnostics do not depend on them",
    "  都市計画税.課税 = yes\n",
    grid=_GRID.replace("26,100円", "27,000円"),
)
# Line 11 has an invisible character at column 18 (after `true`); line 12 has a wrong value,
# which shows that the character did not start a new line.
_AFTER_TRUE = "  都市計画税.課税 = true{}\n  都市計画税.税率 = 0.5%\n"
_UTF16_TEXT = _profile("saved as UTF-16 (Notepad: Unicode)")

GENERATED: dict[str, bytes] = {
    # ---- encodings ----
    "invalid_utf8_latin1_nbsp.pcfg": _profile("a Latin-1 no-break space (byte A0) after =").encode()
    + "  都市計画税.税率 =".encode()
    + b"\xa00.2%\n",
    "mixed_shift_jis_line.pcfg": _profile("one line pasted from a Shift_JIS file").encode()
    + "  都市計画税.課税 = true  # ".encode()
    + "課税する".encode("cp932")
    + b"\n",
    "shift_jis.pcfg": _profile("the whole profile saved as Shift_JIS (cp932)").encode("cp932"),
    "truncated_mid_character.pcfg": _profile("cut in the middle of the UTF-8 bytes of a kanji").encode()
    + "  都市計画税.課税 = true  # 課".encode()[:-1],
    "utf16_le_bom.pcfg": codecs.BOM_UTF16_LE + _UTF16_TEXT.encode("utf-16-le"),
    "utf16_be_bom.pcfg": codecs.BOM_UTF16_BE + _UTF16_TEXT.encode("utf-16-be"),
    "utf16_le_nobom.pcfg": _UTF16_TEXT.encode("utf-16-le"),
    "utf16_be_nobom.pcfg": _UTF16_TEXT.encode("utf-16-be"),
    "utf8_bom.pcfg": codecs.BOM_UTF8 + _profile("saved as UTF-8 with a BOM").encode(),
    "utf8_bom_line1_column.pcfg": codecs.BOM_UTF8
    + (_HEADER.replace("085421", "085422") + "\nfrom 2024-04-01\n" + _NOTICE + _GRID).encode(),
    "core_utf16.pcore": codecs.BOM_UTF16_LE + _CORE.encode("utf-16-le"),
    # ---- line ends ----
    "crlf.pcfg": _line_ends(_LINE_ENDS, "\r\n"),
    "cr_only.pcfg": _line_ends(_LINE_ENDS, "\r"),
    "mixed_line_ends.pcfg": _line_ends(_LINE_ENDS, "\r\n", "\r", "\n"),
    # ---- control and invisible characters ----
    "nul_byte.pcfg": _profile("a NUL byte", _AFTER_TRUE.format("\x00")).encode(),
    "control_esc.pcfg": _profile("an ESC character", _AFTER_TRUE.format("\x1b")).encode(),
    "control_nel.pcfg": _profile("U+0085 NEXT LINE (C1 control)", _AFTER_TRUE.format("\x85")).encode(),
    "control_u2028.pcfg": _profile("U+2028 LINE SEPARATOR", _AFTER_TRUE.format("\u2028")).encode(),
    "control_vt.pcfg": _profile("U+000B, Word's Shift+Enter", _AFTER_TRUE.format("\x0b")).encode(),
    "control_bom_mid_file.pcfg": _profile(
        "two files joined: a BOM at the start of line 11", "\ufeff  都市計画税.課税 = true\n"
    ).encode(),
    "nbsp_between_tokens.pcfg": _profile(
        "U+00A0 NO-BREAK SPACE before =", "  都市計画税.課税\u00a0= true\n"
    ).encode(),
    "bidi_override_in_comment.pcfg": _profile(
        "Trojan Source: U+202E RIGHT-TO-LEFT OVERRIDE and U+202C in a comment",
        "  都市計画税.課税 = true  # \u202e eurt \u202c\n"
    ).encode(),
    "bidi_isolate_in_string.pcfg": (
        f"# Trojan Source: U+2067 and U+2069 (isolates) in a string\n{_HEADER}\nfrom 2024-04-01\n"
        + _NOTICE.replace('"五霞町長"', '"五霞町長\u2067\u2069"') + _GRID
    ).encode(),
    "bidi_mark_in_name.pcfg": _profile(
        "U+200F RIGHT-TO-LEFT MARK inside a parameter name", "  都市計画税.\u200f課税 = true\n"
    ).encode(),
    "zero_width_space_in_name.pcfg": _profile(
        "U+200B ZERO WIDTH SPACE inside a parameter name", "  都市計画税.\u200b課税 = true\n"
    ).encode(),
    "ideographic_space.pcfg": _profile(
        "U+3000 IDEOGRAPHIC SPACE (全角スペース) as indentation and around =",
        "\u3000\u3000都市計画税.税率\u3000=\u30000.2%\n",
    ).encode(),
    "grid_tabs.pcfg": _profile(
        "tabs in grid rows and as indentation; a tab is one column",
        "\t都市計画税.課税 = yes\n",
        grid=_GRID.replace("    | < 48,600円  |", "    |\t< 48,600円\t|").replace(
            "    | >= 48,600円 | 29,500円 |   29,000円 | 26,500円 |   26,100円 |",
            "\t|\t>= 48,600円\t|\t31,500円\t|\t29,000円\t|\t26,500円\t|\t26,100円\t|",
        ),
    ).encode(),
    # ---- empty and cut-off files ----
    "empty.pcfg": b"",
    "core_empty.pcore": b"",
    "truncated_mid_statement.pcfg": _profile("cut after =", "  固定資産税.税率 =").encode(),
    "truncated_mid_grid.pcfg": _profile(
        "cut in the middle of a grid row",
        grid=_GRID.replace("   29,000円 | 26,500円 |   26,100円 |\n", "   29,0"),
    ).encode(),
    "truncated_grid_last_cell.pcfg": _profile(
        "cut inside the last cell of a grid, before 円", grid=_GRID.replace("26,100円 |\n", "26,100")
    ).encode(),
    "truncated_mid_string.pcfg": _grid_first(
        "cut in the middle of a string", '  固定資産税.納税通知書 = { 表題 = "固定資産税 納'
    ).encode(),
}

# ---- marked cases ---------------------------------------------------------------------------

#: An exception escapes check_profile / load_core today.
CRASHES: dict[str, str] = {}

#: paramcfg's answer today is wrong or unhelpful; the file states what it should be.
XFAIL: dict[str, str] = {
    **CRASHES,
    "katakana_fullwidth_minus_lookalike.pcfg": (
        "－ inside a katakana word is mapped to a minus: PC0004 + PC0101 + a PC0401 cascade"
    ),
}

# ---- expectations -----------------------------------------------------------------------------


class Note(NamedTuple):
    """A text that a diagnostic's message or help must contain, in one language."""

    lang: str
    code: str
    line: int
    col: int
    text: str


class Expected(NamedTuple):
    diagnostics: Counter[tuple[str, int, int]]
    notes: list[Note]


_INLINE = re.compile(r"#!(?:@(\d+))?((?:\s+PC\d{4}@\d+)+)")
_INLINE_NOTE = re.compile(r"#~(ja)?(?:@(\d+))?\s+(PC\d{4})@(\d+)\s+(.+?)\s*$")
_SIDECAR = re.compile(r"(PC\d{4}) (\d+):(\d+)")
_SIDECAR_NOTE = re.compile(r"~(ja)? (PC\d{4}) (\d+):(\d+) (.+)")


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".expect")


def _expected(path: Path) -> Expected:
    found: Counter[tuple[str, int, int]] = Counter()
    notes: list[Note] = []
    sidecar = _sidecar(path)
    if sidecar.exists():
        for raw in sidecar.read_text(encoding="utf-8").splitlines():
            item = raw.strip()
            if not item or item.startswith("#"):
                continue
            if m := _SIDECAR.fullmatch(item):
                found[m[1], int(m[2]), int(m[3])] += 1
            elif m := _SIDECAR_NOTE.fullmatch(item):
                notes.append(Note(m[1] or "en", m[2], int(m[3]), int(m[4]), m[5].strip()))
            else:
                pytest.fail(f"{sidecar.name}: cannot read {raw!r}")
        return Expected(found, notes)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if m := _INLINE.search(line):
            target = int(m[1]) if m[1] else lineno
            for item in m[2].split():
                code, col = item.split("@")
                found[code, target, int(col)] += 1
        if m := _INLINE_NOTE.search(line):
            target = int(m[2]) if m[2] else lineno
            notes.append(Note(m[1] or "en", m[3], target, int(m[4]), m[5]))
    return Expected(found, notes)


# ---- running --------------------------------------------------------------------------------


def _run(path: Path, core: CoreResult) -> tuple[Sequence[Diagnostic], Mapping[str, str]]:
    if path.suffix == ".pcore":
        loaded = load_core(path)
        return loaded.diagnostics, loaded.sources
    checked = check_profile(path, core)
    return checked.diagnostics, checked.sources


def _file_lines(data: bytes) -> list[str]:
    """The lines of a corpus file as paramcfg counts them, read leniently (bad bytes count as
    one character each, which is all a position before them needs)."""
    data = data.removeprefix(codecs.BOM_UTF8)
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _assert_inside(span: Span, lines: Sequence[str], what: str) -> None:
    count = max(len(lines) - (lines[-1] == ""), 1)  # a final LF ends the last line
    assert 1 <= span.line <= count, f"{what}: line {span.line} is outside 1..{count}"
    width = len(lines[span.line - 1])
    assert 1 <= span.col <= width + 1, f"{what}: column {span.col} is outside 1..{width + 1}"
    assert (span.end_line, span.end_col) >= (span.line, span.col), f"{what}: ends before it starts"
    assert span.end_line <= count, f"{what}: end line {span.end_line} is outside 1..{count}"
    end_width = len(lines[span.end_line - 1])
    # A point span just past the line's last character is one column wide.
    limit = max(end_width + 1, span.col + 1 if span.end_line == span.line else 1)
    assert span.end_col <= limit, f"{what}: end column {span.end_col} is outside 1..{limit}"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _case(path: Path, reasons: Mapping[str, str]) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=reasons[path.name])] if path.name in reasons else []
    return pytest.param(path, id=path.name, marks=marks)


CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in {".pcfg", ".pcore"})


# ---- tests ----------------------------------------------------------------------------------


def test_corpus_is_complete() -> None:
    names = {p.name for p in CASES}
    assert len(names) >= 60
    assert set(GENERATED) <= names, sorted(set(GENERATED) - names)
    assert set(XFAIL) <= names, sorted(set(XFAIL) - names)
    assert set(CRASHES) <= set(XFAIL)
    for sidecar in CORPUS.glob("*.expect"):
        stems = [sidecar.with_suffix(s) for s in (".pcfg", ".pcore")]
        assert sum(p.exists() for p in stems) == 1, f"{sidecar.name} belongs to no single file"
    for name in GENERATED:
        assert _sidecar(CORPUS / name).exists(), f"{name} is generated and needs a .expect"
    for path in CASES:
        assert sum(_expected(path).diagnostics.values()), f"{path.name} states no expectations"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_file_has_exactly_its_bytes(name: str) -> None:
    path = CORPUS / name
    assert path.exists(), f"{name} is missing: run `{REGENERATE}`"
    assert path.read_bytes() == GENERATED[name], f"{name} differs: run `{REGENERATE}`"


@pytest.mark.parametrize("path", [_case(p, CRASHES) for p in CASES])
def test_no_exception_and_every_position_is_inside_the_file(path: Path, core: CoreResult) -> None:
    diagnostics, sources = _run(path, core)
    lines = _file_lines(path.read_bytes())
    for d in diagnostics:
        assert d.code in CODES
        where = f"{d.code} at {d.span}"
        if d.span.file == str(path):
            _assert_inside(d.span, lines, where)
        else:
            _assert_inside(d.span, sources[d.span.file].split("\n"), where)
        for rel in d.related:
            _assert_inside(rel.span, sources[rel.span.file].split("\n"), f"{where}, note {rel.span}")
    for lang in ("en", "ja"):
        render_text(diagnostics, sources, lang)
        assert len(json.loads(render_json(diagnostics, lang))) == len(diagnostics)
        for d in diagnostics:
            code = CODES[d.code]
            message, hint = d.message(lang), d.hint(lang)
            templates = (code.message_ja, code.hint_ja) if lang == "ja" else (code.message_en, code.hint_en)
            for rendered, template in zip((message, hint), templates, strict=True):
                unfilled = [f for f in _fields(template) if "{" + f + "}" in rendered]
                assert not unfilled, f"{d.code} at {d.span} ({lang}) leaves {unfilled} unfilled"


@pytest.mark.parametrize("path", [_case(p, XFAIL) for p in CASES])
def test_reports_what_the_file_expects(path: Path, core: CoreResult) -> None:
    want = _expected(path)
    diagnostics, _ = _run(path, core)
    found = Counter((d.code, d.span.line, d.span.col) for d in diagnostics)
    assert sorted(found.elements()) == sorted(want.diagnostics.elements()), "\n".join(
        f"{d.code} {d.span.line}:{d.span.col} {d.message()}" for d in diagnostics
    )
    for note in want.notes:
        at = [d for d in diagnostics if (d.code, d.span.line, d.span.col) == note[1:4]]
        texts = [f"{d.message(note.lang)}\n{d.hint(note.lang)}" for d in at]
        assert any(note.text in t for t in texts), f"{note}: not in {texts}"


REGENERATE = "PYTHONPATH=tests python tests/golden/test_corpus.py"

if __name__ == "__main__":
    for _name, _data in GENERATED.items():
        (CORPUS / _name).write_bytes(_data)
