"""Source: turn the raw bytes of a core or profile file into clean text for the parser.

Council staff save files from Notepad, Excel and mail clients, so the bytes arrive with BOMs,
CRLF line ends, Shift_JIS, stray control characters and full-width digits typed with the IME
on.  This stage decodes the bytes, repairs what has one obvious meaning, and reports every
repair or refusal as a :class:`~paramcfg.diagnostics.Diagnostic`.  It never raises for bad
input.

Every repair after decoding keeps the text's length (one character for one character), so
the columns a diagnostic shows are the columns the person sees in their editor.  Positions
are those of the returned text, that is after CRLF and lone CR became LF.
"""

from __future__ import annotations

import array
import errno
import functools
import os
import re
import stat
import sys
import unicodedata
from itertools import islice
from typing import TYPE_CHECKING, BinaryIO, Final

import attrs

from paramcfg import lexicon
from paramcfg.diagnostics import Diagnostic, Span

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["MAX_FILE_BYTES", "NotRegularFileError", "Source", "decode", "normalise", "open_regular",
           "read_source"]

#: Files larger than this are refused unread (a profile is a few kilobytes).
MAX_FILE_BYTES: Final = 10 * 1024 * 1024

#: At most this many PC0003 per file: a binary file would otherwise bury the reader.
MAX_CONTROL_DIAGNOSTICS: Final = 20
#: At most this many PC0004 per file (the mapping itself goes on past the cap).
MAX_FULL_WIDTH_DIAGNOSTICS: Final = 50


@attrs.frozen
class Source:
    """A decoded source file.

    ``text`` is decoded and normalised and ends with ``"\\n"`` unless it is empty.  ``ok`` is
    false when the bytes could not be decoded at all; ``text`` is then ``""`` and the
    diagnostics say why.
    """

    path: str
    text: str
    diagnostics: tuple[Diagnostic, ...]
    ok: bool
    #: The text as the person typed it (before the look-alike mapping), for showing source
    #: lines: same lines and columns as ``text``, but ``＝`` stays ``＝`` under its caret.
    shown: str = ""


# ---- positions ---------------------------------------------------------------------------


class _Locator:
    """Line and column of character offsets asked for in rising order, in linear time.

    Counting newlines from the start for each of 50 diagnostics in a 10 MB file would scan
    500 MB; walking forward from the previous answer scans the text once.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._line = 1
        self._line_start = 0

    def locate(self, offset: int) -> tuple[int, int]:
        if offset < self._pos:
            self._pos, self._line, self._line_start = 0, 1, 0
        newlines = self._text.count("\n", self._pos, offset)
        if newlines:
            self._line += newlines
            self._line_start = self._text.rfind("\n", self._pos, offset) + 1
        self._pos = offset
        return self._line, offset - self._line_start + 1

    def span(self, path: str, start: int, end: int) -> Span:
        """A span on one line from ``start`` to ``end`` (exclusive)."""
        line, col = self.locate(start)
        return Span(path, line, col, line, col + (end - start), start, end)


def _sorted(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(diagnostics, key=Diagnostic.sort_key))


# ---- bytes to text -----------------------------------------------------------------------

_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
#: How much of the file the UTF-16 guess looks at: the first lines tell.
_UTF16_SAMPLE: Final = 1024

# Characters of Japanese text: CJK punctuation, kana, kanji, full-width and half-width forms.
_JAPANESE: Final = re.compile("[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
_KANA_KANJI: Final = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
# What cp932 makes of bytes that Shift_JIS text does not hold (0x80, 0xA0, 0xFD to 0xFF).
_NOT_CP932_TEXT: Final = re.compile("[\x80\uf8f0-\uf8f3]")


def _format_size(n: int) -> str:
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} B"


def _looks_like_utf16(data: bytes) -> bool:
    """True when NUL bytes crowd one of the two byte positions, as in UTF-16 text.

    ASCII characters (spaces, ``=``, digits, newlines: every profile has many) are a NUL
    and a byte in UTF-16; a UTF-8 file has NULs only by accident, and then not in step.
    """
    sample = data[:_UTF16_SAMPLE]
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    high, low = max(even, odd), min(even, odd)
    # A few NULs (a stray one in a UTF-8 line) prove nothing; a quarter of the characters
    # being ASCII with the NULs nearly all on one side does.
    return high >= 4 and high * 4 >= pairs and low * 4 <= high


def _looks_like_cp932(data: bytes) -> bool:
    """True when ``data`` reads as Japanese in cp932 and worse than that as UTF-8.

    UTF-8 Japanese often decodes as cp932 too (as mojibake), so one corrupt byte in a UTF-8
    file must not make it "Shift_JIS".  Read as UTF-8, a Shift_JIS file is mostly errors and
    stray letters of other scripts, with the odd kanji by chance (保育料 gives one).
    """
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return False
    if _KANA_KANJI.search(text) is None or _NOT_CP932_TEXT.search(text) is not None:
        return False
    as_utf8 = data.decode("utf-8", "replace")
    errors = as_utf8.count("\ufffd")
    japanese = _JAPANESE.subn("", as_utf8)[1]
    other = len(as_utf8) - len(as_utf8.encode("ascii", "ignore")) - errors - japanese
    return errors + other > japanese


def _fold_line_ends(text: str) -> str:
    # Staff mean a line break by every one of these; the grammar knows only LF.
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _invalid_utf8(data: bytes, skipped: int, error: UnicodeDecodeError, path: str) -> Diagnostic:
    """PC0001 at the first bad byte; ``skipped`` bytes (a BOM) were cut from ``data``."""
    bad = error.start
    prefix = _fold_line_ends(data[:bad].decode("utf-8"))
    line, col = _Locator(prefix).locate(len(prefix))
    offset = bad + skipped
    byte = data[bad]
    detail = f"byte 0x{byte:02X} at offset {offset} is not UTF-8"
    detail_ja = f"オフセット {offset} のバイト 0x{byte:02X} は UTF-8 ではありません"
    if _looks_like_cp932(data):
        detail += "; it looks like Shift_JIS (cp932)"
        detail_ja += "。Shift_JIS（cp932）で保存されているようです"
    span = Span(path, line, col, line, col + 1, len(prefix), len(prefix) + 1)
    return Diagnostic("PC0001", span, {"detail": detail, "detail_ja": detail_ja})


def decode(data: bytes, path: str, *, max_bytes: int = MAX_FILE_BYTES) -> Source:
    """Decode and normalise the bytes of a file shown to people as ``path``.

    Never raises.  See the module docstring for what is repaired and what is refused.
    """
    whole_file = Span.point(path)
    if len(data) > max_bytes:
        args = {
            "what": "the file size",
            "what_ja": "ファイルサイズ",
            "limit": _format_size(max_bytes),
        }
        return Source(path, "", (Diagnostic("PC0005", whole_file, args),), ok=False)

    if data.startswith(_UTF16_BOMS) or _looks_like_utf16(data):
        args = {"detail": "it looks like UTF-16", "detail_ja": "UTF-16 で保存されているようです"}
        return Source(path, "", (Diagnostic("PC0001", whole_file, args),), ok=False)

    diagnostics: list[Diagnostic] = []
    skipped = 0
    if data.startswith(_UTF8_BOM):
        diagnostics.append(Diagnostic("PC0002", whole_file))
        skipped = len(_UTF8_BOM)
        data = data[skipped:]

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        diagnostics.append(_invalid_utf8(data, skipped, error, path))
        return Source(path, "", _sorted(diagnostics), ok=False)

    text = _fold_line_ends(text)
    text, found = _replace_controls(text, path)
    diagnostics.extend(found)
    shown = text
    text, found = normalise(text, path)
    diagnostics.extend(found)
    if text and not text.endswith("\n"):
        text += "\n"
        shown += "\n"
    return Source(path, text, _sorted(diagnostics), ok=True, shown=shown)


class NotRegularFileError(OSError):
    """A named pipe, a device or a socket was given as a file: reading it could block for ever
    (a pipe with no writer) or never end (``/dev/zero``), so it is refused unread."""

    def __init__(self, path: str) -> None:
        super().__init__(errno.EINVAL, None, path)

    def message(self, lang: str) -> str:
        if lang == "ja":
            return "通常のファイルではありません（名前付きパイプ・デバイスなど）。読み込みません"
        return "not a regular file (a named pipe, a device or a socket); it is not read"

    def __str__(self) -> str:
        return self.message("en")


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading in binary, if it is a regular file (links followed).

    Opened without blocking, then checked on the open descriptor (no race with a swap): a
    named pipe with no writer would otherwise block ``open`` for ever.

    :raises NotRegularFileError: for a named pipe, a device or a socket (an ``OSError``).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        problem: OSError | None = None
        if stat.S_ISDIR(mode):
            problem = IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        elif not stat.S_ISREG(mode):
            problem = NotRegularFileError(os.fspath(path))
        else:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    if problem is not None:
        os.close(fd)
        raise problem
    return os.fdopen(fd, "rb")


def read_source(
    path: str | os.PathLike[str],
    *,
    display_path: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> Source:
    """Read and :func:`decode` a file.

    Reads at most ``max_bytes + 1`` bytes, so a huge file is refused without loading it.
    A file that cannot be read (missing, a directory, no permission) raises :class:`OSError`
    unchanged: that is the caller's to report, not a diagnostic about the file's content.
    """
    with open_regular(path) as f:
        data = f.read(max_bytes + 1)
    shown = display_path if display_path is not None else os.fspath(path)
    return decode(data, shown, max_bytes=max_bytes)


# ---- control characters ------------------------------------------------------------------

# Cc except TAB and LF (CR is gone by now), a BOM past the start, the Unicode line and
# paragraph separators, which Python's splitlines() would count as line breaks, zero-width
# characters, and the bidirectional controls, which make an editor show text in another order
# than it is read (Trojan Source, CVE-2021-42574): embeddings and overrides U+202A-202E,
# isolates U+2066-2069, the marks U+200E, U+200F and U+061C.
_CONTROL: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029\u200b-\u200f\u2060"
    "\u202a-\u202e\u2066-\u2069\u061c]")

_C0_NAMES: Final = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
    "ESC", "FS", "GS", "RS", "US",
)  # fmt: skip
_C1_NAMES: Final = (
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU",
    "RI", "SS2", "SS3", "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGCI",
    "SCI", "CSI", "ST", "OSC", "PM", "APC",
)  # fmt: skip


def _char_name(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x20:
        name = _C0_NAMES[cp]
    elif cp == 0x7F:
        name = "DEL"
    elif 0x80 <= cp < 0xA0:
        name = _C1_NAMES[cp - 0x80]
    elif cp == 0xFEFF:
        name = "BYTE ORDER MARK"
    else:
        name = unicodedata.name(ch, "")
    return f"U+{cp:04X} ({name})" if name else f"U+{cp:04X}"


def _replace_controls(text: str, path: str) -> tuple[str, list[Diagnostic]]:
    """Report control characters (up to the cap) and replace each with one space."""
    if _CONTROL.search(text) is None:
        return text, []
    locator = _Locator(text)
    diagnostics = [
        Diagnostic("PC0003", locator.span(path, m.start(), m.end()), {"char": _char_name(m[0])})
        for m in islice(_CONTROL.finditer(text), MAX_CONTROL_DIAGNOSTICS)
    ]
    # A space, not nothing: the columns of everything after it stay what the editor shows.
    return _CONTROL.sub(" ", text), diagnostics


# ---- full-width look-alikes --------------------------------------------------------------


def _full_width_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for first, ascii_first, count in ((0xFF10, "0", 10), (0xFF21, "A", 26), (0xFF41, "a", 26)):
        for i in range(count):
            table[first + i] = chr(ord(ascii_first) + i)
    for full, half in zip("＝％－\u2212＜＞｜（）［］｛｝：\u3000＂＃", '=%--<>|()[]{}: "#', strict=True):
        table[ord(full)] = half
    return table


def _as_str_table(table: dict[int, str]) -> str:
    # A str indexed by code point: str.translate looks it up faster than a dict, and leaves
    # characters past its end (IndexError is a LookupError) as they are.
    # Every code point up to the table's last, decoded at once (UTF-32 of 0, 1, 2 …): three
    # times faster than chr() of each, at every core load (issue 15, start-up).
    identity = array.array("I", range(max(table) + 1)).tobytes().decode(
        "utf-32-le" if sys.byteorder == "little" else "utf-32-be", "surrogatepass")
    parts: list[str] = []
    done = 0
    for cp in sorted(table):
        parts += [identity[done:cp], table[cp]]
        done = cp + 1
    parts.append(identity[done:])
    return "".join(parts)


@functools.cache
def _full_width() -> str:
    """The look-alike mapping as a ``str.translate`` table, built on first use (~10 ms: most
    files have no look-alike and never need it).

    One character for one character, never NFKC: NFKC changes lengths and so columns, and
    would also touch ー, 「」 and half-width kana, which are meant as written.  ， and ． are
    mapped apart, only between two digits (１，０００ and １．４): elsewhere they are Japanese
    punctuation.
    """
    return _as_str_table(_full_width_table())


_GROUPING: Final = re.compile("(?<=[0-9])，(?=[0-9])")
_DECIMAL_POINT: Final = re.compile("(?<=[0-9])．(?=[0-9])")

# Any look-alike at all: a file with none (the usual case) costs this one search.
_CANDIDATE: Final = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _full_width_table()) + "，．]")

# One match of _KEEP is a stretch that must stay as written, with the look-alike that opens
# it and the one that closes it.  re.split() on it puts the text outside strings and
# comments at every sixth place of its result, and the mapping is then a few str methods
# on joined lists: no Python code runs per character or per token.
#
# Group 1 opens: a full-width ＂ or ＃ (mapped, and from then on a string or comment just as
# " or # would start), or nothing.  Groups 2 and 3 only mark which.  Group 4 stays as
# written: the body of that string or comment, or an ASCII string or comment whole.
# Group 5 closes a string opened by ＂: with " or with ＂ (mapped); in a string opened by ",
# a ＂ is just text.  An unclosed string ends at the line end, as the grammar's STRING cannot
# span lines; a backslash escapes the next character.
# The string and comment patterns are the lexicon's (the grammar's STRING and COMMENT), unrolled
# for speed; a string opened by ＂ also ends at ＂.
_ASCII_STRING: Final = f'"{lexicon.STRING_CHAR}*(?:{lexicon.STRING_ESCAPE}{lexicon.STRING_CHAR}*)*"?'
_FW_STRING_CHAR: Final = lexicon.STRING_CHAR.replace('[^"', '[^"＂', 1)
_FW_STRING_BODY: Final = f"{_FW_STRING_CHAR}*(?:{lexicon.STRING_ESCAPE}{_FW_STRING_CHAR}*)*"
_COMMENT: Final = lexicon.TERMINALS["COMMENT"].pattern
_KEEP: Final = re.compile(
    r"(＂()|＃()|)"
    rf"((?(2){_FW_STRING_BODY}|(?(3){_COMMENT[1:]}|(?:{_ASCII_STRING}|{_COMMENT}))))"
    r'((?(2)["＂]?))'
)
_STEP: Final = 6  # the text before a match, then its five groups
_ENDS: Final = {"": "", '"': '"', "＂": '"', "＃": "#"}  # what groups 1 and 5 can hold

# Characters to join pieces with: one not in the text keeps the pieces apart, and none is a
# digit, so the digit test of ， and ． never looks across a piece boundary.
_SEPARATORS: Final = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
#: Text is mapped in chunks of whole lines this long or a little longer, and a chunk with no
#: look-alike is skipped: one full-width digit must not cost a pass over 10 MB.
_CHUNK: Final = 1 << 16

_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")
_ASCII: Final = re.compile(r"[\x00-\x7f]")


def _translate(text: str) -> str:
    text = text.translate(_full_width())
    if "，" in text:
        text = _GROUPING.sub(",", text)
    if "．" in text:
        text = _DECIMAL_POINT.sub(".", text)
    return text


def _map_lines(text: str, separator: str | None) -> str:
    """``text`` (whole lines) with every look-alike outside strings and comments mapped."""
    parts: list[str] = _KEEP.split(text)
    count = len(parts) // _STEP
    # Groups 2 and 3 are markers (None or ""), not text.
    parts[2::_STEP] = parts[3::_STEP] = [""] * count
    parts[1::_STEP] = map(_ENDS.__getitem__, parts[1::_STEP])
    parts[5::_STEP] = map(_ENDS.__getitem__, parts[5::_STEP])
    # The text outside matches is mapped; group 4 stays.  The edges of these pieces sit next
    # to a quote, a comment sign or a line end, never a digit, so translating them joined
    # decides ， and ． rightly.
    outside = parts[0::_STEP]
    if separator is None:
        parts[0::_STEP] = [_translate(p) for p in outside]
    else:
        parts[0::_STEP] = _translate(separator.join(outside)).split(separator)
    return "".join(parts)


def _map(text: str) -> str:
    """``text`` with every look-alike outside strings and comments mapped."""
    separator = next((s for s in _SEPARATORS if s not in text), None)
    chunks: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        # Chunks end at a line end: strings and comments never run past one.
        end = text.find("\n", min(pos + _CHUNK, n))
        end = n if end < 0 else end + 1
        chunk = text[pos:end]
        if _CANDIDATE.search(chunk) is not None:
            chunk = _map_lines(chunk, separator)
        chunks.append(chunk)
        pos = end
    return "".join(chunks)


def _first_difference(a: str, b: str, pos: int) -> int:
    """The first index at or after ``pos`` where ``a`` and ``b`` differ, or -1.

    Slices are compared in C with doubling lengths, then halved: a long unchanged stretch
    costs a few comparisons, not a Python step per character.
    """
    n, lo, step = len(a), pos, 256
    while True:
        if lo >= n:
            return -1
        hi = min(lo + step, n)
        if a[lo:hi] != b[lo:hi]:
            break
        lo, step = hi, step * 2
    while hi - lo > 1:  # a[lo:hi] differs from b[lo:hi]
        mid = (lo + hi) // 2
        if a[lo:mid] != b[lo:mid]:
            hi = mid
        else:
            lo = mid
    return lo


def _mapped_runs(old: str, new: str, limit: int) -> list[tuple[int, int]]:
    """The first ``limit`` maximal runs of mapped characters, as (start, end) offsets.

    A character was mapped exactly when it was non-ASCII and is ASCII now: every look-alike
    is non-ASCII and maps to ASCII.  So a run ends where ``old`` has ASCII or ``new`` has
    non-ASCII, which also ends it at the line end.
    """
    runs: list[tuple[int, int]] = []
    pos, n = 0, len(old)
    while len(runs) < limit and (start := _first_difference(old, new, pos)) >= 0:
        # Search ``new`` only up to where ``old`` turns ASCII (a line end at the latest): the
        # mapped text is mostly ASCII, so an unbounded search could run to the end of file.
        was_ascii = _ASCII.search(old, start)
        end = was_ascii.start() if was_ascii else n
        still_wide = _NON_ASCII.search(new, start, end)
        if still_wide:
            end = still_wide.start()
        runs.append((start, end))
        pos = end
    return runs


def normalise(text: str, path: str) -> tuple[str, list[Diagnostic]]:
    """Map full-width look-alikes to ASCII outside strings and comments.

    ``text`` has LF line ends.  The result has the same length; each maximal run of mapped
    characters on a line gives one PC0004 (at most 50 per file; the mapping goes on).
    """
    if _CANDIDATE.search(text) is None:
        return text, []
    new_text = _map(text)
    if new_text == text:
        return text, []
    locator = _Locator(new_text)
    diagnostics = [
        Diagnostic("PC0004", locator.span(path, start, end),
                   _describe_run(text[start:end], new_text[start:end]))
        for start, end in _merge_number_runs(
            new_text, _mapped_runs(text, new_text, MAX_FULL_WIDTH_DIAGNOSTICS))
    ]
    return new_text, diagnostics


def _merge_number_runs(new: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One warning for one number: ``１,０００`` is two mapped runs around an ASCII comma."""
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start == merged[-1][1] + 1 and new[start - 1] in ",." \
                and new[start - 2 : start - 1].isdigit() and new[start : start + 1].isdigit():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _describe_run(found: str, meant: str) -> dict[str, str]:
    """PC0004's arguments; an ideographic space is invisible, so it is named."""
    if set(found) == {"\u3000"}:  # nothing visible: name it
        return {"found": f"{found} (U+3000 IDEOGRAPHIC SPACE)", "meant": "spaces",
                "found_ja": "スペース（全角スペース U+3000）", "meant_ja": "スペース"}
    return {"found": found, "meant": meant}
