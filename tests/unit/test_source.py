"""The source stage: bytes to clean text, with a diagnostic for every repair or refusal."""

from __future__ import annotations

import itertools
from unittest import mock

import pytest
from gen.settings import examples
from hypothesis import example, given
from hypothesis import strategies as st

from paramcfg import source
from paramcfg.diagnostics import Diagnostic
from paramcfg.source import MAX_FILE_BYTES, Source, decode, normalise, read_source

SETTINGS = examples(200, derandomize=True)


def where(d: Diagnostic) -> tuple[str, int, int, int, int]:
    s = d.span
    assert s.end_line == s.line
    return d.code, s.line, s.col, s.end_col, s.end - s.start


def decoded(text: str) -> Source:
    return decode(text.encode("utf-8"), "p.pcfg")


# ---- full-width look-alikes ------------------------------------------------------------


def test_japanese_assignment_line():
    src = decoded("  固定資産税.税率 ＝ １．４％\n")
    assert src.ok
    assert src.text == "  固定資産税.税率 = 1.4%\n"
    # Two runs: the ASCII space between them is not a mapped character.
    assert [where(d) for d in src.diagnostics] == [
        ("PC0004", 1, 12, 13, 1),
        ("PC0004", 1, 14, 18, 4),
    ]
    first, second = src.diagnostics
    assert dict(first.args) == {"found": "＝", "meant": "="}
    assert dict(second.args) == {"found": "１．４％", "meant": "1.4%"}
    assert (second.span.start, second.span.end) == (13, 17)
    assert src.text[second.span.start : second.span.end] == "1.4%"
    assert second.message("en") == "full-width １．４％ was read as 1.4%"
    assert second.message("ja") == "全角の １．４％ を半角の 1.4% として読みました"


def test_ideographic_spaces_join_one_run():
    src = decoded("税率\u3000＝\u3000１．４％\n")
    assert src.text == "税率 = 1.4%\n"
    assert [where(d) for d in src.diagnostics] == [("PC0004", 1, 3, 10, 7)]
    assert src.diagnostics[0].args["meant"] == " = 1.4%"


def test_string_literal_left_alone():
    src = decoded('名称 = "１２３"\n')
    assert src.text == '名称 = "１２３"\n'
    assert src.diagnostics == ()


def test_comment_left_alone():
    src = decoded("税率 = 1.4% # 条例で１．４％（改正前）\n")
    assert src.text == "税率 = 1.4% # 条例で１．４％（改正前）\n"
    assert src.diagnostics == ()


def test_escaped_quote_does_not_end_string():
    src = decoded('a = "x\\"＝" ＝ 1\n')
    assert src.text == 'a = "x\\"＝" = 1\n'
    assert [where(d) for d in src.diagnostics] == [("PC0004", 1, 12, 13, 1)]


def test_full_width_quote_opens_and_closes_a_string():
    src = decoded("名称 = ＂中央区（本庁）＂ ＃ メモ：１\n")
    assert src.text == '名称 = "中央区（本庁）" # メモ：１\n'
    assert [where(d) for d in src.diagnostics] == [
        ("PC0004", 1, 6, 7, 1),
        ("PC0004", 1, 14, 15, 1),
        ("PC0004", 1, 16, 17, 1),
    ]


def test_full_width_quote_inside_ascii_string_is_text():
    src = decoded('a = "彼は＂はい＂と" ＝ 1\n')
    assert src.text == 'a = "彼は＂はい＂と" = 1\n'
    assert [where(d) for d in src.diagnostics] == [("PC0004", 1, 15, 16, 1)]


def test_adjacent_mapped_characters_make_one_run():
    # ＝ and the ＂ that opens the string are one run; the string body stays as written.
    src = decoded("a＝＂１＂\n")
    assert src.text == 'a="１"\n'
    assert [where(d) for d in src.diagnostics] == [("PC0004", 1, 2, 4, 2), ("PC0004", 1, 5, 6, 1)]
    assert dict(src.diagnostics[0].args) == {"found": "＝＂", "meant": '="'}


def test_unclosed_string_ends_at_line_end():
    src = decoded('a = "１\nb ＝ １\n')
    assert src.text == 'a = "１\nb = 1\n'
    assert [where(d) for d in src.diagnostics] == [("PC0004", 2, 3, 4, 1), ("PC0004", 2, 5, 6, 1)]


def test_comma_and_point_only_between_digits():
    src = decoded("a = １，０００\nb = 1，000\nc = ａ，ｂ．ｃ\nd = １．\n")
    assert src.text == "a = 1,000\nb = 1,000\nc = a，b．c\nd = 1．\n"
    assert [where(d) for d in src.diagnostics] == [
        ("PC0004", 1, 5, 10, 5),
        ("PC0004", 2, 6, 7, 1),
        ("PC0004", 3, 5, 6, 1),
        ("PC0004", 3, 7, 8, 1),
        ("PC0004", 3, 9, 10, 1),
        ("PC0004", 4, 5, 6, 1),
    ]


def test_every_look_alike():
    found = "０１２３４５６７８９＝％－\u2212＜＞｜（）［］｛｝：\u3000ＡＺａｚ"
    src = decoded(f"x {found}\n")
    assert src.text == "x 0123456789=%--<>|()[]{}: AZaz\n"
    assert [where(d) for d in src.diagnostics] == [("PC0004", 1, 3, 3 + len(found), len(found))]


def test_japanese_marks_are_not_look_alikes():
    src = decoded("名前 = コーヒー「大」ｰ、。・～\n")
    assert src.text == "名前 = コーヒー「大」ｰ、。・～\n"
    assert src.diagnostics == ()


def test_full_width_cap_keeps_mapping():
    src = decoded("１ " * 60 + "\n")
    assert src.text == "1 " * 60 + "\n"
    codes = [d.code for d in src.diagnostics]
    assert codes == ["PC0004"] * source.MAX_FULL_WIDTH_DIAGNOSTICS
    assert src.diagnostics[-1].span.col == 2 * 50 - 1


def test_normalise_alone():
    text, diagnostics = normalise("ａ ＝ １\r\n", "x")
    assert text == "a = 1\r\n"  # line ends are decode()'s business
    assert [where(d) for d in diagnostics] == [
        ("PC0004", 1, 1, 2, 1),
        ("PC0004", 1, 3, 4, 1),
        ("PC0004", 1, 5, 6, 1),
    ]
    assert normalise("", "x") == ("", [])


def test_chunks_of_lines():
    lines = ["a = 1", "b ＝ ２ # ３", 'c = "４"', "d = 5", "e = ６，０００"] * 3
    text = "\n".join(lines) + "\n"
    whole, diagnostics = normalise(text, "x")
    with mock.patch.object(source, "_CHUNK", 4):
        chunked, chunked_diagnostics = normalise(text, "x")
    assert chunked == whole
    assert chunked_diagnostics == diagnostics
    assert whole.splitlines()[:5] == ["a = 1", "b = 2 # ３", 'c = "４"', "d = 5", "e = 6,000"]


# ---- line ends, control characters, final newline -------------------------------------


def test_crlf_and_lone_cr():
    src = decode("a = 1\r\nb = 2\rc\x00 = ３\r\n".encode(), "p")
    assert src.ok
    assert src.text == "a = 1\nb = 2\nc  = 3\n"
    # Positions are of the new text: c is on line 3.
    assert [where(d) for d in src.diagnostics] == [("PC0003", 3, 2, 3, 1), ("PC0004", 3, 6, 7, 1)]
    assert src.diagnostics[0].span.start == src.text.index("c") + 1


def test_nul_in_the_middle_of_a_line():
    src = decode(b"x = 1\nrate = 1\x002\n", "p")
    assert src.ok
    assert src.text == "x = 1\nrate = 1 2\n"
    (d,) = src.diagnostics
    assert where(d) == ("PC0003", 2, 9, 10, 1)
    assert (d.span.start, d.span.end) == (14, 15)
    assert dict(d.args) == {"char": "U+0000 (NUL)"}
    assert d.level.value == "error"
    assert d.message("en") == "the file contains the control character U+0000 (NUL)"


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x1b", "U+001B (ESC)"),
        ("\x0c", "U+000C (FF)"),
        ("\x7f", "U+007F (DEL)"),
        ("\x85", "U+0085 (NEL)"),
        ("\ufeff", "U+FEFF (BYTE ORDER MARK)"),
        ("\u2028", "U+2028 (LINE SEPARATOR)"),
        ("\u2029", "U+2029 (PARAGRAPH SEPARATOR)"),
    ],
)
def test_other_control_characters(char, name):
    src = decoded(f"ab{char}c")
    assert src.text == "ab c\n"
    assert [(where(d), d.args["char"]) for d in src.diagnostics] == [(("PC0003", 1, 3, 4, 1), name)]


def test_tab_is_not_a_control_character():
    assert decoded("\ta\t= 1\n").diagnostics == ()


def test_control_cap_keeps_replacing():
    src = decoded("\x01" * 30)
    assert src.text == " " * 30 + "\n"
    assert len(src.diagnostics) == source.MAX_CONTROL_DIAGNOSTICS
    assert [d.span.col for d in src.diagnostics] == list(range(1, 21))


def test_final_newline():
    assert decoded("a = 1").text == "a = 1\n"
    assert decoded("a = 1\n").text == "a = 1\n"
    assert decoded("\n").text == "\n"
    empty = decode(b"", "p")
    assert (empty.text, empty.diagnostics, empty.ok) == ("", (), True)


# ---- encodings ---------------------------------------------------------------------------


def test_utf8_bom_is_stripped_with_a_warning():
    src = decode(b"\xef\xbb\xbfa = \xef\xbc\x91\n", "p")  # a = １
    assert src.ok
    assert src.text == "a = 1\n"
    assert [where(d) for d in src.diagnostics] == [("PC0002", 1, 1, 2, 0), ("PC0004", 1, 5, 6, 1)]
    assert src.diagnostics[0].level.value == "warning"


def test_bom_only():
    src = decode(b"\xef\xbb\xbf", "p")
    assert (src.text, src.ok, [d.code for d in src.diagnostics]) == ("", True, ["PC0002"])


def test_second_bom_is_a_control_character():
    src = decode(b"\xef\xbb\xbf\xef\xbb\xbfa\n", "p")
    assert src.text == " a\n"
    assert [where(d) for d in src.diagnostics] == [("PC0002", 1, 1, 2, 0), ("PC0003", 1, 1, 2, 1)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused(encoding):
    src = decode('tenant "中央区" code 131016\n税率 = 1.4%\n'.encode(encoding), "p")
    assert not src.ok
    assert src.text == ""
    (d,) = src.diagnostics
    assert where(d) == ("PC0001", 1, 1, 2, 0)
    assert d.args["detail"] == "it looks like UTF-16"
    assert d.args["detail_ja"] == "UTF-16 で保存されているようです"
    assert d.message("en") == "the file is not valid UTF-8 (it looks like UTF-16)"


def test_shift_jis_is_refused_and_named():
    data = "x = 1\r\n名前 = 保育料\r\n".encode("cp932")
    src = decode(data, "p")
    assert not src.ok
    assert src.text == ""
    (d,) = src.diagnostics
    # The first bad byte is the first byte of 名 (0x96), at byte offset 7: line 2, column 1.
    assert where(d) == ("PC0001", 2, 1, 2, 1)
    assert d.span.start == 6  # "x = 1\n" in the text's terms: the CRLF counts as one
    assert d.args["detail"] == "byte 0x96 at offset 7 is not UTF-8; it looks like Shift_JIS (cp932)"
    assert d.args["detail_ja"].endswith("Shift_JIS（cp932）で保存されているようです")
    assert "オフセット 7" in d.args["detail_ja"]


def test_shift_jis_mid_line():
    data = "保育料".encode("cp932")
    assert data == b"\x95\xdb\x88\xe7\x97\xbf"
    src = decode(b"fee = " + data + b"\n", "p")
    (d,) = src.diagnostics
    assert where(d) == ("PC0001", 1, 7, 8, 1)
    assert "byte 0x95 at offset 6" in d.args["detail"]
    assert "Shift_JIS (cp932)" in d.args["detail"]


def test_other_invalid_utf8_is_not_called_shift_jis():
    src = decode("名前 = 1\n".encode() + b"\xff\xff\n", "p")
    (d,) = src.diagnostics
    assert where(d) == ("PC0001", 2, 1, 2, 1)
    assert d.args["detail"] == "byte 0xFF at offset 11 is not UTF-8"


def test_corrupt_utf8_japanese_is_not_called_shift_jis():
    # Both read as cp932 too (as mojibake); neither is Shift_JIS.
    truncated = decode("名前 = 保育料\n".encode()[:-3], "p")
    assert truncated.diagnostics[0].args["detail"] == "byte 0xE6 at offset 15 is not UTF-8"
    stray = decode("名前 = 1\n".encode() + b"\x81\n", "p")
    assert stray.diagnostics[0].args["detail"] == "byte 0x81 at offset 11 is not UTF-8"


def test_invalid_utf8_after_bom_counts_file_offsets():
    src = decode(b"\xef\xbb\xbfab\xc3", "p")  # a truncated sequence at the end
    assert not src.ok
    assert [where(d) for d in src.diagnostics] == [("PC0002", 1, 1, 2, 0), ("PC0001", 1, 3, 4, 1)]
    assert src.diagnostics[1].args["detail"] == "byte 0xC3 at offset 5 is not UTF-8"


def test_a_stray_nul_is_not_utf16():
    src = decode(b"ab\x00cd\n", "p")
    assert src.ok
    assert [d.code for d in src.diagnostics] == ["PC0003"]


# ---- size ----------------------------------------------------------------------------------


def test_oversized_input_is_refused():
    src = decode(b"a = 1\n" * 20, "p", max_bytes=100)
    assert not src.ok
    assert src.text == ""
    (d,) = src.diagnostics
    assert where(d) == ("PC0005", 1, 1, 2, 0)
    assert dict(d.args) == {"what": "the file size", "what_ja": "ファイルサイズ", "limit": "100 B"}
    assert d.message("en") == "the file size exceeds the limit of 100 B"


def test_size_limit_is_inclusive_and_formatted():
    assert decode(b"x" * 100, "p", max_bytes=100).ok
    assert decode(b"x" * 2049, "p", max_bytes=2048).diagnostics[0].args["limit"] == "2 KiB"
    big = decode(b"x" * (MAX_FILE_BYTES + 1), "p")
    assert not big.ok
    assert big.diagnostics[0].args["limit"] == "10 MiB"


# ---- reading files -----------------------------------------------------------------------


def test_read_source(tmp_path):
    path = tmp_path / "中央区.pcfg"
    path.write_bytes("a ＝ 1\r\n".encode())
    src = read_source(path)
    assert src == Source(str(path), "a = 1\n", src.diagnostics, ok=True, shown="a ＝ 1\n")
    assert [where(d) for d in src.diagnostics] == [("PC0004", 1, 3, 4, 1)]
    assert src.diagnostics[0].span.file == str(path)
    shown = read_source(str(path), display_path="tenant_profiles/中央区.pcfg")
    assert shown.path == "tenant_profiles/中央区.pcfg"
    assert shown.diagnostics[0].span.file == "tenant_profiles/中央区.pcfg"


def test_read_source_refuses_large_file(tmp_path):
    path = tmp_path / "big.pcfg"
    path.write_bytes(b"a = 1\n" * 1000)
    src = read_source(path, max_bytes=1024)
    assert not src.ok
    assert [d.code for d in src.diagnostics] == ["PC0005"]


def test_read_source_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_source(tmp_path / "missing.pcfg")
    with pytest.raises(OSError):  # noqa: PT011 - the platform picks the subclass
        read_source(tmp_path)


# ---- properties --------------------------------------------------------------------------

_LOOK_ALIKES = "".join(chr(cp) for cp in source._full_width_table())


def _reference(text: str) -> str:
    """A plain character-by-character statement of the mapping rules."""
    table = source._full_width_table()
    digits = "0123456789０１２３４５６７８９"
    out = list(text)
    state = ""  # "", '"' (string opened by "), "＂" (opened by ＂) or "#" (comment)
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\n":
            state = ""
        elif state == "#":
            pass
        elif state:
            if c == "\\" and i + 1 < len(text) and text[i + 1] != "\n":
                i += 1
            elif c == '"':
                state = ""
            elif c == "＂" and state == "＂":
                out[i] = '"'
                state = ""
        elif c in "，．":
            if 0 < i < len(text) - 1 and text[i - 1] in digits and text[i + 1] in digits:
                out[i] = ",."["，．".index(c)]
        elif ord(c) in table:
            out[i] = table[ord(c)]
            state = {'"': "＂", "#": "#"}.get(out[i], "")
        elif c in '"#':
            state = c
        i += 1
    return "".join(out)


_pieces = st.sampled_from(
    ['"', "＂", "#", "＃", "\\", "\n", " ", "a", "字", "１", "1", "，", "．", "＝", "\u3000", "ー"]
)
_tricky_text = st.lists(_pieces, max_size=40).map("".join)


@SETTINGS
@given(_tricky_text)
@example('"\\\\"＝')  # an escaped backslash, then the closing quote
@example("＂\\＂＝＂＝")  # an escaped ＂ does not close
@example('"\\')  # a backslash at the very end
@example("１，１，１．１．")
def test_normalise_matches_reference(text):
    mapped, diagnostics = normalise(text, "x")
    assert mapped == _reference(text)
    assert len(mapped) == len(text)
    # The warnings cover the changed characters, one per maximal run; a number's ASCII
    # separator may join two runs into one warning (１,０００ is one number).
    changed = [i for i, (a, b) in enumerate(zip(text, mapped, strict=True)) if a != b]
    covered = [i for d in diagnostics for i in range(d.span.start, d.span.end)]
    assert set(changed) <= set(covered)
    assert all(mapped[i] in ",." for i in set(covered) - set(changed))
    for d in diagnostics:
        found = text[d.span.start : d.span.end]
        assert d.args["found"].startswith(found)
        if set(found) != {"\u3000"}:  # an invisible run is named instead of shown
            assert d.args["meant"] == mapped[d.span.start : d.span.end]
        line_start = mapped.rfind("\n", 0, d.span.start) + 1
        assert d.span.line == mapped.count("\n", 0, d.span.start) + 1
        assert d.span.col == d.span.start - line_start + 1
    for a, b in itertools.pairwise(diagnostics):
        assert a.span.end < b.span.start  # maximal: runs never touch


@SETTINGS
@given(_tricky_text)
def test_normalise_same_in_chunks_and_without_a_separator(text):
    expected = normalise(text, "x")
    with mock.patch.object(source, "_CHUNK", 2):
        assert normalise(text, "x") == expected
    # Every join separator in the text forces the piece-by-piece path.
    crowded = source._SEPARATORS + "\n" + text
    mapped, _ = normalise(crowded, "x")
    assert mapped[len(source._SEPARATORS) + 1 :] == expected[0]


_bytes = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(["\r", "\r\n", "\x00", "\ufeff", "１", "＂", "a", "\n", "é"]))
    .map("".join)
    .map(str.encode),
    st.text(max_size=40).map(lambda t: t.encode("cp932", "replace")),
)


@SETTINGS
@given(_bytes)
def test_decode_never_raises(data):
    src = decode(data, "p")
    assert src.diagnostics == tuple(sorted(src.diagnostics, key=Diagnostic.sort_key))
    for d in src.diagnostics:
        assert d.message("en")
        assert d.message("ja")
    if not src.ok:
        assert src.text == ""
        return
    assert "\r" not in src.text
    assert "\x00" not in src.text
    assert not src.text or src.text.endswith("\n")
    # Only LF breaks lines, so editors, splitlines() and the parser agree on line numbers.
    assert src.text.splitlines() == src.text.split("\n")[:-1]
    for d in src.diagnostics:
        if d.code in {"PC0003", "PC0004"}:
            assert src.text.count("\n", 0, d.span.start) + 1 == d.span.line
            assert 0 <= d.span.start < d.span.end <= len(src.text)
