"""docs/areas/*.md: every `paramcfg` command shown prints what the page shows.

Each page of the business areas shows real commands and their outputs. This test copies
package_core/ and tenant_profiles/ into a temporary folder, writes each ```json file=NAME block
there, and runs each `$ paramcfg …` line of a ```text block (in English, as pasted). The lines
shown under a command must appear in its output in the same order: a page may shorten a long
explanation (and says so), but every line it shows, with its values and its core and profile
line numbers, must still be true. A line that is a note in full-width parentheses, such as
``│  ├─ （非課税の判定は上と同じなので省略）``, marks where lines were left out.
"""

from __future__ import annotations

import shlex
import shutil

import pytest
from helpers import ROOT

from docs.test_guide import _blocks, _run

PAGES = sorted((ROOT / "docs" / "areas").glob("*.md"))


def _commands(text: str) -> list[tuple[list[str], list[str]]]:
    runs: list[tuple[list[str], list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            argv = shlex.split(line[2:])
            assert argv[0] == "paramcfg"
            runs.append((argv[1:], []))
        elif runs:
            runs[-1][1].append(line)
    return runs


def _is_note(line: str) -> bool:
    text = line.lstrip(" │├└─")
    return text.startswith("（") and text.endswith("）")


def _in_order(shown: list[str], actual: list[str]) -> bool:
    it = iter(actual)
    return all(any(line == a for a in it) for line in shown if line.strip() and not _is_note(line))


# One page in the default tier (the replay machinery), every page in the full tier (CI).
@pytest.mark.parametrize("page", [
    p if p.stem == "childcare" else pytest.param(p, marks=pytest.mark.slow) for p in PAGES],
    ids=[p.stem for p in PAGES])
def test_every_command_on_the_page_prints_what_it_shows(page, tmp_path, monkeypatch):
    work = tmp_path / "work"
    shutil.copytree(ROOT / "package_core", work / "package_core")
    shutil.copytree(ROOT / "prefectures", work / "prefectures")
    shutil.copytree(ROOT / "tenant_profiles", work / "tenant_profiles")
    monkeypatch.chdir(work)
    monkeypatch.setenv("PARAMCFG_LANG", "en")
    ran = 0
    for block in _blocks(page.read_text(encoding="utf-8")):
        if "file" in block.attrs:
            (work / block.attrs["file"]).write_text(block.text, encoding="utf-8")
        elif block.lang == "text":
            for argv, shown in _commands(block.text):
                code, actual = _run(tuple(argv))
                assert code == 0, f"{page.name}: paramcfg {shlex.join(argv)} exited {code}\n{actual}"
                assert _in_order(shown, actual.splitlines()), (
                    f"{page.name}: paramcfg {shlex.join(argv)} printed\n{actual}")
                ran += 1
    if page.name != "README.md":
        assert ran, f"{page.name} shows no command"
