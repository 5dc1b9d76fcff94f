"""The late joiner's guide replays itself: every command it shows prints exactly what it shows.

docs/late-joiner-guide.md (Japanese, the main text) and docs/late-joiner-guide.en.md (its
English twin) walk a fictional town, 新町, from ``paramcfg init`` to a clean ``check`` and a
passing ``test``. This test copies package_core/ and tenant_profiles/ into a temporary folder
``paramcfg/`` and replays each guide in the town's own folder ``shinmachi/`` beside it (a folder
outside the repository), in order, following the fenced blocks of the Markdown:

- A block whose info string is ``console`` is a terminal session. A line that starts with
  ``$ `` is a command (``paramcfg …``, split like a POSIX shell line). It may end with the
  comment ``# exit N``: the exit code it must return; without one, 0. The lines after it, up
  to the next ``$ `` line or the end of the block, are exactly what it prints (standard output
  and standard error together, as a terminal shows them). Every command gives ``--lang`` so
  that the locale does not matter.
- ``LANG file=PATH`` (``pcfg``, ``toml``, ``json``, …): the block is the whole new content of
  PATH, relative to the working folder; it is written at that point of the walkthrough.
- ``LANG before file=PATH`` followed at once by ``LANG after file=PATH``: an edit. The text of
  the first block must occur exactly once in PATH, and is replaced by the second.
- ``LANG excerpt file=PATH``: the block's lines must occur, as whole consecutive lines, in PATH
  at that point.
- Any other block (``text``, ``pcfg`` without ``file=``) is illustration and is not run.

Fences start in the first column and are three or more backticks; a block is closed by a line
of at least as many backticks (so a ````` ````console ````` block may show output that itself
contains ````` ``` `````). The two guides must take the same steps: the same commands apart from
``--lang ja`` / ``--lang en``, with the same exit codes, and the same file blocks.

On a mismatch the failure shows a diff and the actual output, ready to paste into the guide.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import re
import shlex
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from helpers import ROOT

from paramcfg.cli import main

if TYPE_CHECKING:
    from pathlib import Path

GUIDES = {
    "ja": ROOT / "docs" / "late-joiner-guide.md",
    "en": ROOT / "docs" / "late-joiner-guide.en.md",
}
TOWN_FILES = "shinmachi.*"  # the files the walkthrough creates: never copied in from the repo

_FENCE = re.compile(r"^(`{3,})([^`]*)$")
_EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    exit_code: int
    expected: str
    line: int


@dataclass(frozen=True)
class Write:
    path: str
    text: str
    line: int


@dataclass(frozen=True)
class Replace:
    path: str
    old: str
    new: str
    line: int


@dataclass(frozen=True)
class Excerpt:
    path: str
    text: str
    line: int


Step = Run | Write | Replace | Excerpt


@dataclass(frozen=True)
class Block:
    lang: str
    flags: frozenset[str]
    attrs: dict[str, str]
    lines: list[str]
    line: int  # the line of the opening fence, counted from 1

    @property
    def text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines)


def _blocks(markdown: str) -> list[Block]:
    lines = markdown.split("\n")
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        fence, words = m.group(1), m.group(2).split()
        end = i + 1
        while end < len(lines) and not (
                set(lines[end].rstrip()) == {"`"} and len(lines[end].rstrip()) >= len(fence)):
            end += 1
        assert end < len(lines), f"line {i + 1}: the block is never closed"
        attrs = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        flags = frozenset(w for w in words[1:] if "=" not in w)
        out.append(Block(words[0] if words else "", flags, attrs, lines[i + 1:end], i + 1))
        i = end + 1
    return out


def _commands(block: Block) -> list[Run]:
    runs: list[Run] = []
    current: tuple[str, int] | None = None
    output: list[str] = []

    def flush() -> None:
        if current is not None:
            command, line = current
            m = _EXIT.search(command)
            code = int(m.group(1)) if m else 0
            argv = shlex.split(command[: m.start()] if m else command)
            assert argv[:1] == ["paramcfg"], f"line {line}: commands start with `paramcfg`"
            runs.append(Run(tuple(argv[1:]), code, "".join(f"{x}\n" for x in output), line))

    for offset, line in enumerate(block.lines, start=1):
        if line.startswith("$ "):
            flush()
            current, output = (line[2:], block.line + offset), []
        else:
            assert current is not None, f"line {block.line + offset}: output before any `$ `"
            output.append(line)
    flush()
    return runs


def parse_guide(markdown: str) -> list[Step]:
    """The walkthrough's steps, in order (the conventions are in this module's docstring)."""
    steps: list[Step] = []
    blocks = _blocks(markdown)
    pending: Block | None = None  # a `before` block waiting for its `after`
    for block in blocks:
        path = block.attrs.get("file")
        if pending is not None:
            where = f"line {pending.line}: a `before` block must be followed by its `after` block"
            assert "after" in block.flags, where
            assert path == pending.attrs["file"], where
            steps.append(Replace(path, pending.text, block.text, block.line))
            pending = None
        elif block.lang == "console":
            steps.extend(_commands(block))
        elif path is None:
            continue
        elif "before" in block.flags:
            pending = block
        elif "excerpt" in block.flags:
            steps.append(Excerpt(path, block.text, block.line))
        else:
            assert not block.flags, f"line {block.line}: unknown flags {sorted(block.flags)}"
            steps.append(Write(path, block.text, block.line))
    assert pending is None, f"line {pending.line}: a `before` block without its `after` block"
    return steps


def _run(argv: tuple[str, ...]) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = main(list(argv))
    return code, buf.getvalue()


def _workspace(tmp_path: Path) -> Path:
    """The town's own folder ``shinmachi/`` (the working folder, outside the repository) beside
    ``paramcfg/``, the repository's package_core/ and tenant_profiles/ as the vendor delivers
    them (issue 14: the walkthrough runs from a folder outside the repository)."""
    vendor = tmp_path / "paramcfg"
    shutil.copytree(ROOT / "package_core", vendor / "package_core")
    shutil.copytree(ROOT / "prefectures", vendor / "prefectures")
    shutil.copytree(ROOT / "tenant_profiles", vendor / "tenant_profiles",
                    ignore=shutil.ignore_patterns(TOWN_FILES))
    work = tmp_path / "shinmachi"
    work.mkdir()
    return work


def _mismatch(guide: Path, step: Run, code: int, actual: str) -> str:
    diff = "".join(difflib.unified_diff(
        step.expected.splitlines(keepends=True), actual.splitlines(keepends=True),
        "the guide", "paramcfg"))
    return (f"{guide.name}:{step.line}: `paramcfg {shlex.join(step.argv)}` exited {code} "
            f"(the guide says {step.exit_code})\n{diff}\n--- actual output ---\n{actual}")


def _apply(work: Path, step: Write | Replace | Excerpt, guide: Path) -> None:
    target = work / step.path
    where = f"{guide.name}:{step.line}: {step.path}"
    if isinstance(step, Write):
        target.write_text(step.text, encoding="utf-8")
        return
    text = target.read_text(encoding="utf-8")
    if isinstance(step, Replace):
        assert text.count(step.old) == 1, f"{where}: the `before` text must occur exactly once"
        target.write_text(text.replace(step.old, step.new), encoding="utf-8")
        return
    assert text.startswith(step.text) or f"\n{step.text}" in text, (
        f"{where}: the excerpt is not in the file; the file is:\n{text}")


@pytest.mark.parametrize("lang", [  # the English twin in the default tier (same steps, see below)
    "en", pytest.param("ja", marks=pytest.mark.slow)])
def test_the_guide_replays_exactly(lang, tmp_path, monkeypatch):
    guide = GUIDES[lang]
    steps = parse_guide(guide.read_text(encoding="utf-8"))
    work = _workspace(tmp_path)
    monkeypatch.chdir(work)
    monkeypatch.delenv("PARAMCFG_CORE", raising=False)
    for step in steps:
        if isinstance(step, Run):
            code, actual = _run(step.argv)
            assert (code, actual) == (step.exit_code, step.expected), \
                _mismatch(guide, step, code, actual)
        else:
            _apply(work, step, guide)


def _shape(step: Step, lang: str) -> tuple[object, ...]:
    if isinstance(step, Run):
        argv = list(step.argv)
        assert argv.count("--lang") == 1, f"line {step.line}: give `--lang {lang}` once"
        at = argv.index("--lang")
        assert argv[at + 1: at + 2] == [lang], f"line {step.line}: give `--lang {lang}`"
        del argv[at: at + 2]
        return ("run", tuple(argv), step.exit_code)
    if isinstance(step, Replace):
        return ("replace", step.path, step.old, step.new)
    return (type(step).__name__.lower(), step.path, step.text)


def test_the_twins_take_the_same_steps():
    shapes = {lang: [_shape(s, lang) for s in parse_guide(path.read_text(encoding="utf-8"))]
              for lang, path in GUIDES.items()}
    assert shapes["ja"] == shapes["en"]


def test_the_walkthrough_ends_clean():
    steps = parse_guide(GUIDES["ja"].read_text(encoding="utf-8"))
    runs = [s for s in steps if isinstance(s, Run)]
    assert runs[0].argv[:2] == ("init", "新町")
    last = {s.argv[0]: s for s in runs if "shinmachi.pcfg" in s.argv
            or "shinmachi.test.toml" in s.argv}
    assert last["check"].exit_code == 0
    assert last["test"].exit_code == 0


def test_the_conventions_are_read_as_documented():
    steps = parse_guide(
        "text\n"
        "````console\n"
        "$ paramcfg check a.pcfg --lang ja  # exit 1\n"
        "```\n"
        "\n"
        "$ paramcfg fmt a.pcfg --lang ja\n"
        "````\n"
        "```pcfg file=a.pcfg\nx = 1\n```\n"
        "```pcfg before file=a.pcfg\nx = 1\n```\n"
        "```pcfg after file=a.pcfg\nx = 2\n```\n"
        "```pcfg excerpt file=a.pcfg\nx = 2\n```\n"
        "```text\n$ not run\n```\n"
    )
    assert steps == [
        Run(("check", "a.pcfg", "--lang", "ja"), 1, "```\n\n", 3),
        Run(("fmt", "a.pcfg", "--lang", "ja"), 0, "", 6),
        Write("a.pcfg", "x = 1\n", 8),
        Replace("a.pcfg", "x = 1\n", "x = 2\n", 14),
        Excerpt("a.pcfg", "x = 2\n", 17),
    ]
