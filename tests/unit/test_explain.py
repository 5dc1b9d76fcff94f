"""docs/diagnostics.md and `paramcfg explain`: one section per code, and examples that hold.

docs/diagnostics.md is the source of `paramcfg explain CODE`.  These tests check its shape (one
section per registered code, in code order, each with a meaning, an example and a fix in both
languages) and that every example still makes paramcfg report exactly the diagnostics pasted
under it (code, line and column; the wording may change without breaking the test).
"""

from __future__ import annotations

import re

import pytest
from helpers import ROOT

from paramcfg.cli import EXIT_OK, EXIT_USAGE, main
from paramcfg.diagnostics import CODES
from paramcfg.engine import check_profile, load_core

DOC = ROOT / "docs" / "diagnostics.md"
SRC = ROOT / "src" / "paramcfg"

_HEADING = re.compile(r"^## (\S+)(.*)$", re.MULTILINE)
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# `町.pcfg:6:3: error[PC0302]: …`: the first line of each pasted diagnostic.
_REPORTED = re.compile(r"^\S+?:(\d+):(\d+): \w+\[(PC\d{4})\]: ", re.MULTILINE)

# The docs cannot show the bytes that some examples are about; the file checked is this.
_RAW = {
    "PC0001": lambda text: text.encode("cp932"),
    "PC0002": lambda text: b"\xef\xbb\xbf" + text.encode(),
    "PC0003": lambda text: text.replace("true ", "true\x0b", 1).encode(),
}
# Examples whose snippet is checked as a profile although it is a core's text.
_CORE_GIVEN_AS_PROFILE = {"PC0203"}


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _sections() -> dict[str, str]:
    """Each section by its code, cut as `paramcfg explain` cuts it."""
    text = _doc()
    starts = [m.start() for m in _HEADING.finditer(text)]
    pieces = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    return {_HEADING.match(p).group(1): p for p in pieces}  # type: ignore[union-attr]


def _blocks(section: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _BLOCK.finditer(section)}


def _reported_in_src(code: str) -> bool:
    return any(f'"{code}"' in p.read_text(encoding="utf-8")
               for p in SRC.rglob("*.py") if p.name != "codes.py")  # codes.py registers them


# ---- the file's shape ----------------------------------------------------------------------


def test_every_code_has_exactly_one_section_and_no_section_is_unknown():
    headings = [m.group(1) for m in _HEADING.finditer(_doc())]
    unknown = [h for h in headings if h not in CODES]
    assert not unknown, f"sections for codes that are not in CODES: {unknown}"
    twice = sorted({h for h in headings if headings.count(h) > 1})
    assert not twice, f"codes with more than one section: {twice}"
    missing = [c for c in CODES if c not in headings]
    assert not missing, f"codes without a section: {missing}"


def test_sections_are_in_code_order():
    headings = [m.group(1) for m in _HEADING.finditer(_doc())]
    assert headings == sorted(headings)


def test_every_code_is_in_the_table_of_codes():
    intro = _doc().split("\n## ", 1)[0]
    for code, c in CODES.items():
        assert f"| {code} | {c.name} | {c.severity.value} |" in intro


@pytest.mark.parametrize("code", sorted(CODES))
def test_heading_gives_the_registered_name(code):
    section = _sections()[code]
    assert section.splitlines()[0] == f"## {code} {CODES[code].name}"


@pytest.mark.parametrize("code", sorted(CODES))
def test_section_explains_in_both_languages(code):
    section = _sections()[code]
    for part in ("**Meaning.** ", "**Example.**", "**Fix.** ", "**意味** ", "**直し方** "):
        assert section.count(part) == 1, f"{code}: {part.strip()} should appear once"
    ja = section.split("**意味** ", 1)[1]
    assert re.search("[\u3040-\u30ff\u4e00-\u9fff]", ja), f"{code}: the Japanese part is empty"


@pytest.mark.parametrize("code", sorted(CODES))
def test_example_or_not_reported_yet(code):
    section = _sections()[code]
    blocks = _blocks(section)
    if "csv" in blocks:  # import-table's codes: replayed by tests/test_staff.py
        assert "text" in blocks, f"{code}: the example has no pasted output"
        return
    if "pcfg" in blocks:
        assert "text" in blocks, f"{code}: the example has no pasted output"
        found = {c for _, _, c in _REPORTED.findall(blocks["text"])}
        assert code in found, f"{code}: the pasted output does not show {code}"
        return
    assert "(not reported yet)" in section, f"{code}: no example, and not marked as unreported"
    assert not _reported_in_src(code), (
        f"{code} is reported by src/ now: give its section a real example")


# ---- the examples still hold -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_core(tmp_path_factory):
    """The sample core printed in the file's introduction, which every example is checked with."""
    intro = _doc().split("\n## ", 1)[0]
    core_text = _blocks(intro.split("### The sample core", 1)[1])["pcfg"]
    folder = tmp_path_factory.mktemp("doc") / "package_core"
    folder.mkdir()
    (folder / "sample.pcore").write_text(core_text, encoding="utf-8")
    result = load_core(folder)
    assert result.ok, [f"{d.span}: {d.message()}" for d in result.diagnostics]
    return result


_EXAMPLES = sorted(c for c, s in _sections().items() if "pcfg" in _blocks(s))


@pytest.mark.parametrize("code", _EXAMPLES)
def test_example_reports_what_is_pasted_under_it(code, sample_core, tmp_path):
    blocks = _blocks(_sections()[code])
    snippet = blocks["pcfg"]
    want = {(c, int(line), int(col)) for line, col, c in _REPORTED.findall(blocks["text"])}
    data = _RAW.get(code, str.encode)(snippet)
    if snippet.startswith("core ") and code not in _CORE_GIVEN_AS_PROFILE:
        path = tmp_path / "コア.pcore"
        path.write_bytes(data)
        diagnostics = load_core(path).diagnostics
    else:
        path = tmp_path / "町.pcfg"
        path.write_bytes(data)
        if "prefecture" in blocks:  # the town's prefecture layer, beside it (PC0605)
            (tmp_path / "prefectures").mkdir()
            (tmp_path / "prefectures" / "県.pcfg").write_text(blocks["prefecture"], "utf-8")
        diagnostics = check_profile(path, sample_core).diagnostics
    assert {(d.code, d.span.line, d.span.col) for d in diagnostics} == want


# ---- paramcfg explain ----------------------------------------------------------------------


def test_explain_prints_the_section(capsys):
    assert main(["explain", "PC0302", "--lang", "en"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("## PC0302 out-of-range\n")
    assert "**Meaning.**" in out
    assert "error[PC0302]" in out
    assert "## PC0303" not in out
    assert "**意味**" not in out  # English readers get the English half
    assert out.strip() == _sections()["PC0302"].split("**意味**")[0].strip()


def test_explain_accepts_lower_case(capsys):
    assert main(["explain", "pc0302", "--lang", "en"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("## PC0302 out-of-range\n")


def test_explain_the_last_section(capsys):
    last = max(CODES)
    assert main(["explain", last, "--lang", "ja"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(f"{last} ")
    assert "【直し方】" in out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_explain_unknown_code_is_a_usage_error(capsys, lang):
    assert main(["explain", "PC9999", "--lang", lang]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "PC9999" in captured.err


def test_explain_in_japanese(capsys):
    assert main(["explain", "PC0302", "--lang", "ja"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("PC0302 out-of-range（エラー）\n")
    for part in ("【意味】", "【直し方】"):
        assert re.search(re.escape(part) + "[\u3040-\u30ff\u4e00-\u9fff]", out), part


# ---- issue 14: codes without PC, several at once, Japanese for a terminal -----------------


@pytest.mark.parametrize("spelling", ["0411", "pc0411", "PC0411", "411", "ＰＣ０４１１"])
def test_explain_accepts_the_code_without_pc(capsys, spelling):
    assert main(["explain", spelling, "--lang", "en"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("## PC0411 review-pending\n")


def test_explain_several_codes_at_once(capsys):
    assert main(["explain", "0302", "PC0303", "--lang", "en"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.index("## PC0302 ") < out.index("## PC0303 ")


def test_explain_shows_the_known_codes_and_names_the_unknown_one(capsys):
    assert main(["explain", "0302", "PC9999", "--lang", "en"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out.startswith("## PC0302 ")
    assert "PC9999" in captured.err


@pytest.mark.parametrize("code", sorted(CODES))
def test_explain_in_japanese_is_plain_text_with_a_japanese_example(code, capsys):
    assert main(["explain", code, "--lang", "ja"]) == EXIT_OK
    out = capsys.readouterr().out
    for mark in ("```", "**", "## ", "|---"):
        assert mark not in out, f"{code}: raw Markdown {mark!r}"
    if "pcfg" in _blocks(_sections()[code]) and code not in {"PC0001", "PC0002", "PC0003"}:
        assert f"エラー[{code}]" in out or f"警告[{code}]" in out, out
        assert "error[" not in out
        assert "help:" not in out
