"""The README's Python example runs as printed and prints the output shown under it."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _example() -> tuple[str, str]:
    section = README.split("## Using the library", 1)[1]
    m = re.search(r"```python\n(.*?)```\n\n```text\n(.*?)```", section, re.DOTALL)
    assert m is not None, "the README's library example and its output"
    return m.group(1), m.group(2)


def test_the_readme_library_example_runs_and_prints_what_it_shows():
    code, expected = _example()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,  # noqa: S603 - the README of this repository
                          text=True, encoding="utf-8", check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
