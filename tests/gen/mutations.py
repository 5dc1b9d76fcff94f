"""Damaged profiles, as text and as bytes: :func:`mutated_text` and :func:`mutated_bytes` make
one to five random edits to a valid profile, for the tests whose only allowed outcome is a
diagnostic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import strategies as st

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn


#: Characters worth inserting: the grammar's punctuation, full-width look-alikes, kanji, and
#: what editors and mail clients leave behind (NUL, CR, BOM, line separators, C1 controls).
MUTATION_CHARS = (
    '|{}[]()"#=<>.,-+*/:%\\_ \t\n円月日末号'
    "＝％１２，．＂＃｜（）｛｝［］：＜＞－\u2212\u3000"
    "漢町税アあ"
    "\x00\r\ufeff\u2028\u2029\x85\x1b\x7f\u0301"
)


#: Whole pieces of the language, spliced in where they do not belong.
MUTATION_SNIPPETS = (
    "from 2024-04-01", "from 2024-02-30", "from 0000-00-00", 'tenant "町" code 085421',
    'uses "x" == 1.2', 'core "x" version 1', "param p : yen", "rule r : yen = 1円",
    "enum e { a, b }", "  | < 1円 | 2円 |", "| >= 0円 |", "  default", "  max 1.5 * x",
    "let a = 1", " = ", "[", "{", "(", "|", "..<", " < ", ">=", "-", "2月末日", "13月1日",
    "0.5円", "48,60円", "1,0000円", "9" * 40, "9" * 40 + "円", "-0%", "1.4%%", "true", "末日",
    "増額 = 1円", "保育料.月額 = 1円", "固定資産税.納税通知書 = {}", "\\", '"', "＃", "＝＝",
)


@st.composite
def mutated_text(draw: DrawFn, text: str) -> str:
    """``text`` after one to five random edits."""
    for _ in range(draw(st.integers(1, 5))):
        lines = text.splitlines(keepends=True) or [""]
        op = draw(st.sampled_from(("drop", "duplicate", "swap", "digit", "delete", "insert",
                                   "insert", "truncate", "replace_line_end", "splice",
                                   "splice_line")))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "replace_line_end":
            lines[i] = lines[i].rstrip("\n") + draw(st.sampled_from(("\r\n", "\r", "", "\n\n")))
        elif op == "splice_line":
            lines.insert(i, draw(st.sampled_from(MUTATION_SNIPPETS)) + "\n")
        text = "".join(lines)
        if op == "digit":
            digits = [k for k, ch in enumerate(text) if ch.isascii() and ch.isdigit()]
            if digits:
                k = draw(st.sampled_from(digits))
                text = text[:k] + draw(st.sampled_from("0123456789".replace(text[k], ""))) + text[k + 1:]
        elif op in {"delete", "insert", "truncate", "splice"}:
            k = draw(st.integers(0, len(text)))
            if op == "splice":
                text = text[:k] + draw(st.sampled_from(MUTATION_SNIPPETS)) + text[k:]
            elif op == "delete":
                text = text[:k] + text[k + 1:]
            elif op == "insert":
                inserted = draw(st.text(st.sampled_from(MUTATION_CHARS), min_size=1, max_size=3))
                text = text[:k] + inserted + text[k:]
            else:
                text = text[:k]
    return text


_BYTE_SNIPPETS = (
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\r\n", b"\r", b"\x80", b"\xc3",
    b"\xe3\x81", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x82\xa0", b"\x93\xfa",
    b"\xef\xbc\x9d", b"\xe3\x80\x80",
)


@st.composite
def mutated_bytes(draw: DrawFn, data: bytes) -> bytes:
    """``data`` after one to five byte-level edits: flips, insertions, cuts, BOMs."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(("flip", "flip", "insert", "delete", "truncate", "prefix")))
        k = draw(st.integers(0, len(buf)))
        if op == "flip" and buf:
            k = min(k, len(buf) - 1)
            buf[k] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            buf[k:k] = draw(st.one_of(st.sampled_from(_BYTE_SNIPPETS), st.binary(min_size=1, max_size=4)))
        elif op == "delete":
            del buf[k:k + draw(st.integers(1, 3))]
        elif op == "truncate":
            del buf[k:]
        elif op == "prefix":
            buf[0:0] = draw(st.sampled_from(_BYTE_SNIPPETS))
    return bytes(buf)
