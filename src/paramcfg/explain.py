"""``paramcfg explain CODE …``: the code's section of docs/diagnostics.md.

docs/diagnostics.md is the one source of the long explanations; the wheel ships a copy of it
inside the package, and a source checkout reads it from the repository.

In English the section is printed as written (Markdown). In Japanese it is rendered for a
terminal: headings, bold labels, code blocks and tables become plain text, and the example's
output is the Japanese one, made by checking the section's example with the sample core of the
file's introduction (the pasted output is in English).
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from importlib import resources
from pathlib import Path

from paramcfg.codes import CODES
from paramcfg.diagnostics import display_width, render_text

__all__ = ["diagnostics_doc", "explain_code", "normalise_code", "render_markdown"]

_CODE_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def diagnostics_doc() -> str:
    packaged = resources.files("paramcfg").joinpath("data").joinpath("diagnostics.md")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md").read_text(
        encoding="utf-8"
    )


def normalise_code(text: str) -> str:
    """``PC0411`` from ``PC0411``, ``pc0411``, ``0411``, ``411`` or full-width ``ＰＣ０４１１``;
    anything else is returned upper-cased (and then found in no registry)."""
    s = unicodedata.normalize("NFKC", text).strip().upper()
    if s.isascii() and s.isdigit() and len(s) <= 4:
        return f"PC{int(s):04d}"
    return s


def _section(code: str) -> str | None:
    match = re.search(
        rf"^## {re.escape(code)}\b.*?(?=^## |\Z)", diagnostics_doc(), re.MULTILINE | re.DOTALL
    )
    return None if match is None else match.group(0).rstrip()


def explain_code(code: str, lang: str = "en") -> str | None:
    """The documentation of ``code`` (``PC0411``, ``pc0411`` or ``0411``), or ``None`` if there
    is no such code."""
    code = normalise_code(code)
    if code not in CODES:
        return None
    c = CODES[code]
    section = _section(code)
    head = f"{code} {c.name} ({c.severity.label(lang)})"
    if section is None:
        message = c.message_ja if lang == "ja" else c.message_en
        return f"{head}\n{message}\n"
    english, sep, japanese = section.partition("**意味**")
    if not sep:
        return section + "\n"
    if lang != "ja":
        return english.rstrip() + "\n"
    # Japanese: the heading, the meaning, the example with its Japanese output, the fix.
    example = re.search(r"\*\*Example\.\*\*(.*?)(?=\*\*Fix\.\*\*)", english, re.DOTALL)
    meaning, _, fix = japanese.partition("**直し方**")
    parts = [f"## {code} {c.name}（{c.severity.label('ja')}）", "", "**意味**" + meaning.rstrip()]
    if example:
        parts += ["", "**例**" + _japanese_example(code, example.group(1)).rstrip()]
    if fix:
        parts += ["", "**直し方**" + fix.rstrip()]
    return render_markdown("\n".join(parts)) + "\n"


# ---- the example's output in Japanese ----------------------------------------------------------

#: Examples about bytes that the Markdown cannot show (see tests/unit/test_explain.py): their pasted
#: output is kept.
_RAW_EXAMPLES = frozenset({"PC0001", "PC0002", "PC0003"})
_SAMPLE_CORE = "package_core/sample.pcore"


def _japanese_example(code: str, example: str) -> str:
    blocks = [(m.group(1), m.group(2)) for m in _CODE_BLOCK.finditer(example)]
    snippet = next((body for kind, body in blocks if kind == "pcfg"), None)
    if snippet is None or code in _RAW_EXAMPLES:
        return example
    layer = next((body for kind, body in blocks if kind == "prefecture"), None)
    output = _check_in_japanese(snippet, code, layer)
    if output is None:
        return example
    return _CODE_BLOCK.sub(
        lambda m: f"```text\n{output}```" if m.group(1) == "text" else m.group(0), example)


def _check_in_japanese(snippet: str, code: str, layer: str | None = None) -> str | None:
    """The Japanese diagnostics of ``snippet`` checked as the docs check it (with ``layer``, the
    example's prefecture profile, as ``prefectures/県.pcfg``), or ``None`` when the sample core
    cannot be read (the pasted English output is shown then)."""
    from paramcfg.engine import (  # noqa: PLC0415 - slow import
        check_profile_text,
        load_core,
        load_prefecture,
    )

    intro = diagnostics_doc().split("\n## ", 1)[0]
    sample = intro.split("### The sample core", 1)[-1]
    core_text = next((m.group(2) for m in _CODE_BLOCK.finditer(sample) if m.group(1) == "pcfg"),
                     None)
    if core_text is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "package_core"
        folder.mkdir()
        (folder / "sample.pcore").write_text(core_text, encoding="utf-8")
        core = load_core(folder)
        if not core.ok:
            return None
        if snippet.startswith("core ") and code != "PC0203":
            path = Path(tmp) / "コア.pcore"
            path.write_text(snippet, encoding="utf-8")
            result = load_core(path)
            text = render_text(list(result.diagnostics), result.sources, "ja")
            shown = text.replace(str(path), "コア.pcore")
        else:
            prefecture = None
            if layer is not None:
                (Path(tmp) / "prefectures").mkdir()
                (Path(tmp) / "prefectures" / "県.pcfg").write_text(layer, encoding="utf-8")
                prefecture = load_prefecture(Path(tmp) / "prefectures" / "県.pcfg", core)
            checked = check_profile_text(snippet, core, "町.pcfg", prefecture)
            text = render_text(list(checked.diagnostics), {**core.sources, **checked.sources},
                               "ja")
            shown = text.replace(str(Path(tmp) / "prefectures"), "prefectures")
        shown = shown.replace(str(folder / "sample.pcore"), _SAMPLE_CORE)
    return "\n".join(line for line in shown.splitlines() if line) + "\n"


# ---- Markdown for a terminal -------------------------------------------------------------------


def render_markdown(text: str) -> str:
    """``text`` without Markdown marks: ``## H`` becomes ``H`` underlined, ``**意味**`` becomes
    ``【意味】``, a fenced block is indented four spaces, a table is aligned by display width,
    and inline code loses its backticks."""
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                out.append(("    " + lines[i]).rstrip())
                i += 1
            i += 1
            continue
        if line.startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out.extend(_table(lines[i:j]))
            i = j
            continue
        heading = re.match(r"^#+ (.*)$", line)
        if heading:
            title = _inline(heading.group(1))
            out += [title, "=" * display_width(title)]
        else:
            out.append(_inline(line))
        i += 1
    return "\n".join(out).rstrip()


def _inline(text: str) -> str:
    text = re.sub(r"\*\*(.+?)\*\*", r"【\1】", text)
    text = re.sub(r"【(.+?)】 ", r"【\1】", text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"\1", text)
    return re.sub(r"`([^`]+)`", r"\1", text)


def _table(rows: list[str]) -> list[str]:
    cells = [[_inline(c.strip()) for c in row.strip().strip("|").split("|")] for row in rows
             if not re.fullmatch(r"\|[\s:|-]*\|?", row.strip())]
    width = [max(display_width(r[k]) for r in cells if k < len(r))
             for k in range(max(len(r) for r in cells))]
    return ["  ".join(c + " " * (width[k] - display_width(c)) for k, c in enumerate(r)).rstrip()
            for r in cells]
