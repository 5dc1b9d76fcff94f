"""Test helpers: paths, and inline expectations in golden files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping, Sequence

    from paramcfg.engine import CoreResult, Tenant

ROOT = Path(__file__).resolve().parent.parent
CORE_DIR = ROOT / "package_core"
#: The sample core as it was when the language tests (corpus, late joiner, limits) were written:
#: they test the language, so the sample package growing new required parameters must not
#: change what they expect.
FROZEN_CORE_DIR = ROOT / "tests" / "fixtures" / "frozen_core"
PROFILES = sorted((ROOT / "tenant_profiles").glob("*.pcfg"))

# `#! PC0302@3 PC0405@7` on a line: exactly these diagnostics (code@column) on that line.
# `#!@12 PC0103@9` anywhere: the same for line 12 (for lines that cannot carry a comment).
_EXPECT = re.compile(r"#!(?:@(\d+))?((?:\s+PC\d{4}@\d+)+)")


def expectations(text: str) -> set[tuple[str, int, int]]:
    out: set[tuple[str, int, int]] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _EXPECT.search(line)
        if m:
            target = int(m.group(1)) if m.group(1) else lineno
            for item in m.group(2).split():
                code, col = item.split("@")
                out.add((code, target, int(col)))
    return out


def assert_known_answer(tenant: Tenant, rule: str, on: dt.date, inputs: Mapping[str, object],
                        args: Sequence[object], expected: object) -> None:
    """``rule`` gives ``expected`` (of exactly its type) compiled and interpreted alike."""
    compiled = tenant.evaluate(rule, inputs, on, args)
    interpreted = tenant.interpret(rule, inputs, on, args)
    assert compiled == expected
    assert interpreted == expected
    assert type(compiled) is type(expected)
    assert type(interpreted) is type(expected)


def load_core_text(folder: Path, name: str, text: str) -> CoreResult:
    """``text`` written to ``folder / name`` and loaded as a core (its diagnostics kept)."""
    from paramcfg.engine import load_core  # noqa: PLC0415

    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_core(path)
