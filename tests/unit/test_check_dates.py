"""Checks on later effective dates: each date costs what changes on it, and what changes is
still checked (issue 15: the check once looked at every parameter on every date)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
from helpers import load_core_text

from paramcfg import check
from paramcfg.engine import check_profile_text

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

CORE = """core "dates" version 1.0

param 上限 : yen default 100円
param 額 : yen required max 上限 min 0円
param 後から : yen required from 2026-04-01
"""


def _fillers(count: int) -> str:
    return "".join(f"param 他.項目{i:03d} : yen default 1円 min 0円\n" for i in range(count))


def test_a_later_change_of_a_bound_is_checked_against_the_unchanged_value(tmp_path: Path) -> None:
    core = load_core_text(tmp_path, "c.pcore", CORE)
    assert core.ok, core.diagnostics
    # 額 = 50円 is within 上限 100円 until 2025-04-01, when the town lowers 上限 to 40円 and
    # leaves 額 as it was: 50円 > 40円 on that date (PC0303 at 額's line 4).  後から is required
    # from 2026-04-01 and never given: missing on that date, blamed on the block in force then
    # (line 5, `from 2025-04-01`, once the line that gave 後から is taken out).
    profile = ('tenant "五霞町" code 085421\nuses "dates" >= 1.0\nfrom 2024-04-01\n'
               "  額 = 50円\n  後から = 1円\n")
    result = check_profile_text(profile, core)
    assert result.ok, result.diagnostics
    lowered = profile.replace("  後から = 1円\n", "") + "from 2025-04-01\n  上限 = 40円\n"
    result = check_profile_text(lowered, core)
    found = [(d.code, d.span.line, d.args.get("date")) for d in result.diagnostics]
    assert found == [("PC0303", 4, None), ("PC0401", 5, "2026-04-01")]


def test_each_date_checks_only_what_changes(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    params, dates = 300, 200
    core = load_core_text(tmp_path, "c.pcore", CORE + _fillers(params))
    assert core.ok, core.diagnostics
    lines = ['tenant "五霞町" code 085421', 'uses "dates" >= 1.0', "from 2024-04-01",
             "  額 = 50円", "  後から = 1円"]
    for k in range(dates):
        lines += [f"from {2025 + k // 12}-{k % 12 + 1:02d}-01", f"  他.項目{k % params:03d} = {k}円"]
    looked_at: list[str] = []
    real = check._ValueChecker.check

    def counting(self: check._ValueChecker, p: object, *args: object) -> None:
        looked_at.append(p.name)  # type: ignore[attr-defined]
        real(self, p, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(check._ValueChecker, "check", counting)
    assert core.core is not None
    walked = _Walked(core.core.params)
    counted = attrs.evolve(core, core=attrs.evolve(core.core, params=walked))
    result = check_profile_text("\n".join(lines) + "\n", counted)
    assert result.ok, result.diagnostics
    # The first date checks every parameter (303); each later date only the one it changes.
    assert len(looked_at) == params + 3 + dates
    # And the parameters are walked a few times in all, not once per date (201 dates).
    assert walked.seen < 10 * (params + 3)


class _Walked(dict[str, Any]):
    """The core's parameters, counting how many the check walks through."""

    seen = 0

    def values(self) -> Any:
        for value in super().values():
            self.seen += 1
            yield value
