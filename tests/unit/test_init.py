"""`paramcfg init`: a late joiner's first profile from a neighbour's."""

from __future__ import annotations

import pytest
from helpers import PROFILES, ROOT

from paramcfg.cli import EXIT_OK, EXIT_USAGE, main
from paramcfg.engine import check_profile_text
from paramcfg.scaffold import init_profile


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.stem)
def test_every_copied_value_is_reported_until_reviewed(profile, core):
    source = profile.read_text(encoding="utf-8")
    result = init_profile(source, str(profile), "新町", "085430")
    assert result.diagnostics == ()
    assert 'tenant "新町" code 085430\n' in result.text
    checked = check_profile_text(result.text, core, "新町.pcfg")
    assert {d.code for d in checked.diagnostics} == {"PC0411"}
    assert len(checked.diagnostics) == result.reviewed > 0
    # Once every value is confirmed (the marks deleted), the profile is clean: nothing else
    # was changed but the header.
    confirmed = result.text.replace("review ", "")
    assert check_profile_text(confirmed, core, "新町.pcfg").diagnostics == ()
    assert confirmed.endswith(source.split("\n", 1)[1])


def test_a_wrong_check_digit_writes_nothing(tmp_path, capsys):
    out = tmp_path / "新町.pcfg"
    code = main(["init", "新町", "--code", "085431", "--from", str(ROOT / "tenant_profiles" /
                 "goka.pcfg"), "-o", str(out), "--lang", "en"])
    assert code == EXIT_USAGE
    assert not out.exists()
    assert "the check digit should be 0, not 1" in capsys.readouterr().err


def test_an_existing_file_is_never_replaced(tmp_path):
    out = tmp_path / "新町.pcfg"
    out.write_text("大事な内容\n", encoding="utf-8")
    code = main(["init", "新町", "--code", "085430", "--from", str(ROOT / "tenant_profiles" /
                 "goka.pcfg"), "-o", str(out)])
    assert code == EXIT_USAGE
    assert out.read_text(encoding="utf-8") == "大事な内容\n"


def test_init_writes_the_file(tmp_path, capsys):
    out = tmp_path / "新町.pcfg"
    code = main(["init", "新町", "--code", "085430", "--from", str(ROOT / "tenant_profiles" /
                 "naka.pcfg"), "-o", str(out), "--lang", "en"])
    assert code == EXIT_OK
    assert out.read_text(encoding="utf-8").startswith("# 新町 のプロファイル。那珂市（082261）")
    assert "marked `review`" in capsys.readouterr().out
