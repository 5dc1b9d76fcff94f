"""`paramcfg fmt`: canonical, stable, meaning-preserving, comments kept, never loses a file."""

from __future__ import annotations

import os

import pytest
from gen.profiles import profiles
from gen.settings import property_settings
from helpers import PROFILES, ROOT
from hypothesis import given

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, main
from paramcfg.engine import check_profile_text, load_core
from paramcfg.fmt import format_text, same_tree
from paramcfg.syntax import parse_text

CORE = load_core(ROOT / "package_core")


def _assert_fmt_properties(text: str) -> str:
    once = format_text(text, "x.pcfg")
    assert once.ok
    twice = format_text(once.text, "x.pcfg")
    assert twice.text == once.text  # idempotent
    assert same_tree(parse_text(text, "x").file.statements,
                     parse_text(once.text, "x").file.statements)  # meaning kept
    before = check_profile_text(text, CORE)
    after = check_profile_text(once.text, CORE)
    if before.profile is not None:
        assert after.profile is not None
        assert after.profile.blocks == before.profile.blocks  # the same model, value for value
    return once.text


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_shipped_profiles_are_canonical(path):
    text = path.read_text(encoding="utf-8")
    assert _assert_fmt_properties(text) == text


@given(profiles(CORE))
@property_settings(0.5)
def test_generated_profiles_format_stably_and_keep_their_meaning(text):
    _assert_fmt_properties(text)


MESSY = """tenant "五霞町"   code 085421
uses "ibaraki-cloud"  >= 2024.4
# 見出しのコメント

from 2024-04-01
    固定資産税.税率=1.40%   # 行末のコメント
  都市計画税.課税 = true
  # 表の前のコメント
  固定資産税.納期限 = [4月30日,7月31日 ,12月25日, 2月末日]
  保育料.月額 =
   |所得割額|3号 標準|3号 短時間|2号 標準|2号 短時間|
   | < 48600円 | 5800円 | 5700円 | 5600円 | 5500円 |  # 最初の行
   | >= 48,600円 | 9000円 | 8800円 | 8700円 | 8500円 |
  固定資産税.納税通知書 = { 表題 = "通知書", 発行者 = "町長", 首長名 = "五霞 太郎", 問合せ先 = "税務課" }
"""

EXPECTED = """tenant "五霞町" code 085421
uses "ibaraki-cloud" >= 2024.4
# 見出しのコメント

from 2024-04-01
  固定資産税.税率 = 1.4%  # 行末のコメント
  都市計画税.課税 = true
  # 表の前のコメント
  固定資産税.納期限 = [4月30日, 7月31日, 12月25日, 2月末日]
  保育料.月額 =
    | 所得割額    | 3号 標準 | 3号 短時間 | 2号 標準 | 2号 短時間 |
    | < 48,600円  |  5,800円 |    5,700円 |  5,600円 |    5,500円 |  # 最初の行
    | >= 48,600円 |  9,000円 |    8,800円 |  8,700円 |    8,500円 |
  固定資産税.納税通知書 = { 表題 = "通知書", 発行者 = "町長", 首長名 = "五霞 太郎", 問合せ先 = "税務課" }
"""


def test_a_messy_profile_gets_the_canonical_layout():
    assert _assert_fmt_properties(MESSY) == EXPECTED


def test_fmt_check_and_write(tmp_path, capsys):
    path = tmp_path / "町.pcfg"
    path.write_text(MESSY, encoding="utf-8")
    assert main(["fmt", "--check", str(path), "--lang", "en"]) == EXIT_FINDINGS
    assert "would reformat" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == MESSY  # --check changes nothing
    assert main(["fmt", str(path)]) == EXIT_OK
    assert path.read_text(encoding="utf-8") == EXPECTED
    assert main(["fmt", "--check", str(path)]) == EXIT_OK


def test_a_file_with_syntax_errors_is_left_alone(tmp_path, capsys):
    path = tmp_path / "町.pcfg"
    broken = MESSY.replace("= true", "= @")
    path.write_text(broken, encoding="utf-8")
    assert main(["fmt", str(path), "--lang", "en"]) == EXIT_FINDINGS
    assert "not formatted" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == broken


def test_an_interrupted_write_leaves_the_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "町.pcfg"
    path.write_bytes(MESSY.encode())

    def fail(*_args, **_kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", fail)
    assert main(["fmt", str(path)]) != EXIT_OK
    assert path.read_bytes() == MESSY.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["町.pcfg"]


def test_a_core_keeps_its_law_horizon_when_formatted():
    # The header's `law through DATE` is part of the core's meaning (the engine refuses dates
    # past it): fmt used to drop it and then refuse its own output as a change of meaning.
    core = ROOT / "package_core" / "ibaraki-cloud.pcore"
    text = core.read_text(encoding="utf-8")
    assert "law through 2027-03-31" in text.splitlines()[0]
    out = format_text(text, str(core)).text
    header = next(line for line in out.splitlines() if line.startswith("core "))
    assert header.split("#")[0].rstrip().endswith("law through 2027-03-31")


@pytest.mark.parametrize(("lang", "words"), [("en", "This is a bug in paramcfg"),
                                             ("ja", "paramcfg の不具合です")])
def test_a_failed_self_check_leaves_the_file_and_says_so_without_a_traceback(
        tmp_path, capsys, monkeypatch, lang, words):
    # fmt checks its own output; when that check fails (a bug in fmt), the CLI reports it for
    # that file in the reader's language, leaves the file byte for byte and exits 3.
    import paramcfg.fmt  # noqa: PLC0415

    town = tmp_path / "町.pcfg"
    original = PROFILES[0].read_bytes().replace(b"\n", b"\n\n", 3)
    town.write_bytes(original)
    monkeypatch.setattr(paramcfg.fmt, "_format", lambda _file: 'tenant "別の町" code 085421\n')
    assert main(["fmt", "--lang", lang, str(town)]) == 3
    err = capsys.readouterr().err
    assert words in err
    assert "Traceback" not in err
    assert town.read_bytes() == original
