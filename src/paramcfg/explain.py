"""``paramcfg explain CODE``: the code's section of docs/diagnostics.md.

docs/diagnostics.md is the one source of the long explanations; the wheel ships a copy of it
inside the package, and a source checkout reads it from the repository.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from paramcfg.diagnostics import CODES

__all__ = ["diagnostics_doc", "explain_code"]


def diagnostics_doc() -> str:
    packaged = resources.files("paramcfg").joinpath("data").joinpath("diagnostics.md")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md").read_text(
        encoding="utf-8"
    )


def explain_code(code: str, lang: str = "en") -> str | None:
    """The documentation of ``code``, or ``None`` if there is no such code."""
    if code not in CODES:
        return None
    c = CODES[code]
    match = re.search(
        rf"^## {re.escape(code)}\b.*?(?=^## |\Z)", diagnostics_doc(), re.MULTILINE | re.DOTALL
    )
    head = f"{code} {c.name} ({c.severity.label(lang)})"
    if match is None:
        message = c.message_ja if lang == "ja" else c.message_en
        return f"{head}\n{message}"
    section = match.group(0).rstrip()
    english, sep, japanese = section.partition("**意味**")
    if not sep:
        return section + "\n"
    if lang != "ja":
        return english.rstrip() + "\n"
    # Japanese: the heading, the meaning, the (shared) example, and how to fix it.
    heading = english.split("\n", 1)[0]
    example = re.search(r"\*\*Example\.\*\*(.*?)(?=\*\*Fix\.\*\*)", english, re.DOTALL)
    meaning, _, fix = japanese.partition("**直し方**")
    parts = [heading, "", "**意味**" + meaning.rstrip()]
    if example:
        parts += ["", "**例**" + example.group(1).rstrip()]
    if fix:
        parts += ["", "**直し方**" + fix.rstrip()]
    return "\n".join(parts) + "\n"
