"""Limits: hostile sizes are answered with a diagnostic, quickly and in bounded memory.

No timing is asserted (CI machines are slow and noisy); a limit that failed to act would
instead show up as a test that takes minutes, a RecursionError or a MemoryError.
"""

from __future__ import annotations

import pytest

from paramcfg.engine import MAX_DIAGNOSTICS, check_profile, check_profile_text
from paramcfg.source import MAX_FILE_BYTES
from paramcfg.syntax import MAX_DEPTH, MAX_LINES, MAX_TABLE_CELLS


@pytest.fixture(scope="session")
def core(frozen_core):
    """These tests are about the language: they use the sample core frozen at 2024.4."""
    return frozen_core


HEAD = 'tenant "五霞町" code 085421\nuses "ibaraki-cloud"\nfrom 2024-04-01\n'


def codes(result):
    return [(d.code, d.span.line) for d in result.diagnostics]


@pytest.mark.slow  # writes 50 MB
def test_a_50_mb_file_is_refused_unread(tmp_path, core):
    path = tmp_path / "huge.pcfg"
    with path.open("wb") as f:
        f.write(HEAD.encode())
        f.write(b"# " + b"x" * (50 * 1024 * 1024) + b"\n")
    result = check_profile(path, core)
    assert codes(result) == [("PC0005", 1)]
    assert MAX_FILE_BYTES < 50 * 1024 * 1024


def test_100_000_deep_nesting(core):
    text = HEAD + "  固定資産税.納期限 = " + "[" * 100_000 + "]" * 100_000 + "\n"
    result = check_profile_text(text, core)
    (limit,) = [d for d in result.diagnostics if d.code == "PC0005"]
    assert limit.span.line == 4
    assert str(MAX_DEPTH) in limit.message()


@pytest.mark.slow  # builds and checks a huge file
def test_a_million_cell_table(core):
    rows = "".join(f"    |<{i + 1}円|1円|1円|1円|1円|\n" for i in range(200_000))
    text = (HEAD + "  保育料.月額 =\n    | 所得割額 | 3号 標準 | 3号 短時間 | 2号 標準 | 2号 短時間 |\n"
            + rows)
    assert text.count("|") > 1_000_000
    result = check_profile_text(text, core)
    assert ("PC0005", 4) in codes(result)
    assert f"{MAX_TABLE_CELLS:,}" in next(
        d for d in result.diagnostics if d.code == "PC0005").message()


@pytest.mark.slow  # builds and checks a huge file
def test_too_many_lines(core):
    text = HEAD + "  固定資産税.税率 = 1.4%\n" * (MAX_LINES + 10)
    result = check_profile_text(text, core)
    assert ("PC0005", MAX_LINES + 1) in codes(result)


def test_the_number_of_diagnostics_is_capped(core):
    text = HEAD + "".join(f"  未知{i} = 1\n" for i in range(2_000))
    result = check_profile_text(text, core)
    assert len(result.diagnostics) == MAX_DIAGNOSTICS + 1
    assert result.diagnostics[-1].code == "PC0005"
    assert "2,00" in result.diagnostics[-1].message()


def test_a_long_literal(core):
    text = HEAD + "  固定資産税.税率 = " + "9" * 10_000 + "%\n"
    result = check_profile_text(text, core)
    assert ("PC0005", 4) in codes(result)


def test_check_never_writes(tmp_path, monkeypatch):
    """`check` reads profiles and the core and writes nothing beside them (nor anywhere: the
    analysed grammar ships in the package; the cache folder is set to show it is unused)."""
    import shutil  # noqa: PLC0415 - only this test copies files

    from helpers import ROOT  # noqa: PLC0415

    from paramcfg.cli import main  # noqa: PLC0415

    work = tmp_path / "work"
    shutil.copytree(ROOT / "package_core", work / "package_core")
    shutil.copytree(ROOT / "tenant_profiles", work / "tenant_profiles")
    shutil.copy(ROOT / "tests" / "fixtures" / "late_joiner.pcfg", work / "tenant_profiles")
    monkeypatch.setenv("PARAMCFG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(work)

    def snapshot():
        return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in work.rglob("*") if p.is_file()}

    before = snapshot()
    main(["check", *map(str, sorted((work / "tenant_profiles").glob("*.pcfg")))])
    assert snapshot() == before
