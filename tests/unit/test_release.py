"""The release report (issue 11): the law that changed between two core releases, and what each
town must do before the new fiscal year."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import load_core_text

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from paramcfg.release import (
    TEXTS,
    DeclarationChange,
    ValueChange,
    ValueToAdd,
    release_report,
    render,
)

OLD = """\
core "町村クラウド" version 2024.4

input 課税標準額 : yen
  label "課税標準額"

param 固定資産税.税率 : rate
  default 1.4%
  min 0%
  max 2.1%
  label "固定資産税の税率"
  basis "地方税法第350条"

param 都市計画税.税率 : rate
  default 0.3%
  min 0%
  max 0.3%
  label "都市計画税の税率"
  basis "地方税法第702条の4"

param 国保.法定限度額 : yen
  fixed
  default 650,000円
  label "課税限度額（法定額）"
  basis "地方税法施行令第56条の88の2"

param 国保.課税限度額 : yen
  required
  min 0円
  max 国保.法定限度額
  label "課税限度額"

param 畜犬.手数料 : yen
  default 3,000円
  label "畜犬登録手数料"

rule 固定資産税.年税額 : yen =
  floor(課税標準額 * 固定資産税.税率, 100)
"""

# The law revision: a cap raised from FY2026, a legal maximum lowered, a new required rate
# (with its input and rule), a parameter removed.
NEW = """\
core "町村クラウド" version 2026.4

input 課税標準額 : yen
  label "課税標準額"
input 子ども支援分.対象者数 : int
  label "子ども・子育て支援金の対象者数"

param 固定資産税.税率 : rate
  default 1.4%
  min 0%
  max 2.1%
  label "固定資産税の税率"
  basis "地方税法第350条"

param 都市計画税.税率 : rate
  default 0.25%
  min 0%
  max 0.25%
  label "都市計画税の税率"
  basis "地方税法第702条の4"

param 国保.法定限度額 : yen
  fixed
  default 650,000円
  label "課税限度額（法定額）"
  basis "地方税法施行令第56条の88の2"

param 国保.課税限度額 : yen
  required
  min 0円
  max 国保.法定限度額
  label "課税限度額"

param 国保.子ども支援分.所得割率 : rate
  required
  min 0%
  max 100%
  label "子ども・子育て支援納付金課税額の所得割率"
  basis "地方税法第703条の4"

rule 固定資産税.年税額 : yen =
  floor(課税標準額 * 固定資産税.税率, 100)

rule 国保.子ども支援分.人数 : int =
  子ども支援分.対象者数

from 2026-04-01
  国保.法定限度額 = 660,000円
"""

# 一の町: its city-planning rate 0.3% is above the new maximum; it lacks the new rate.
ICHI = """\
tenant "一の町" code 080012
uses "町村クラウド" >= 2024.4

from 2024-04-01
  都市計画税.税率 = 0.3%
  国保.課税限度額 = 650,000円
"""

# 二の町: ready already (it set the new rate early): needs nothing.
NI = """\
tenant "二の町" code 080021
uses "町村クラウド" >= 2024.4

from 2024-04-01
  都市計画税.税率 = 0.2%
  国保.課税限度額 = 600,000円
  国保.子ども支援分.所得割率 = 2.5%
"""

# 三の町: pinned to the old release, and sets the removed dog fee.
SAN = """\
tenant "三の町" code 080039
uses "町村クラウド" == 2024.4

from 2024-04-01
  都市計画税.税率 = 0.2%
  国保.課税限度額 = 600,000円
  畜犬.手数料 = 2,500円
  国保.子ども支援分.所得割率 = 2%
"""


@pytest.fixture
def world(tmp_path):
    old = load_core_text(tmp_path, "old.pcore", OLD)
    new = load_core_text(tmp_path, "new.pcore", NEW)
    assert old.ok, old.diagnostics
    assert new.ok, new.diagnostics
    towns = tmp_path / "towns"
    towns.mkdir()
    for name, text in (("ichi", ICHI), ("ni", NI), ("san", SAN)):
        (towns / f"{name}.pcfg").write_text(text, encoding="utf-8")
    return tmp_path, old, new, sorted(towns.glob("*.pcfg"))


def test_the_law_that_changed(world):
    _, old, new, profiles = world
    r = release_report(old, new, profiles)
    assert (r.core, r.old_version, r.new_version) == ("町村クラウド", "2024.4", "2026.4")
    assert r.values == (
        ValueChange(None, "都市計画税.税率", "", "0.3%", "0.25%", fixed=False),
        ValueChange(dt.date(2026, 4, 1), "国保.法定限度額", "", "650,000円", "660,000円",
                    fixed=True),
    )
    assert r.declarations == (
        DeclarationChange("parameter", "都市計画税.税率", "limits", "min 0%, max 0.3%",
                          "min 0%, max 0.25%", "都市計画税の税率", "地方税法第702条の4"),
        DeclarationChange("parameter", "国保.子ども支援分.所得割率", "added", "",
                          "rate, required, min 0%, max 100%",
                          "子ども・子育て支援納付金課税額の所得割率", "地方税法第703条の4"),
        DeclarationChange("parameter", "畜犬.手数料", "removed", "yen, default 3,000円", "",
                          "畜犬登録手数料"),
        DeclarationChange("input", "子ども支援分.対象者数", "added", "", "int",
                          "子ども・子育て支援金の対象者数"),
        DeclarationChange("rule", "国保.子ども支援分.人数", "added", "", "int"),
    )


def test_what_each_town_must_do(world):
    _, old, new, profiles = world
    r = release_report(old, new, profiles)
    ichi, ni, san = r.towns
    assert [t.name for t in r.acting] == ["一の町", "三の町"]
    assert [t.name for t in r.nothing] == ["二の町"]
    assert r.exit_code == 1
    # 一の町: one value to add, one value now rejected (check's own diagnostic, PC0302).
    assert ichi.to_add == (ValueToAdd(
        "国保.子ども支援分.所得割率", dt.date(2024, 4, 1), "rate", "0%–100%",
        "子ども・子育て支援納付金課税額の所得割率", "地方税法第703条の4", block_line=4,
        new_parameter=True),)
    (rejected,) = ichi.rejected
    assert rejected.diagnostic.code == "PC0302"
    assert rejected.diagnostic.span.line == 5
    assert rejected.source_line == "都市計画税.税率 = 0.3%"
    assert rejected.diagnostic.message("en") == (
        "都市計画税.税率 = 0.3% is above the maximum 0.25%")
    assert ichi.uses is not None
    assert (ichi.uses.line, ichi.uses.old, ichi.uses.new, ichi.uses.reason) == (
        2, 'uses "町村クラウド" >= 2024.4', 'uses "町村クラウド" >= 2026.4', "new-parameters")
    assert ichi.still_failing == ()
    # 二の町 needs nothing.
    assert not ni.must_act
    # 三の町: its uses line rejects the new core; the removed parameter is now unknown.
    assert san.uses is not None
    assert (san.uses.old, san.uses.reason) == ('uses "町村クラウド" == 2024.4', "rejected")
    assert [f.diagnostic.code for f in san.rejected] == ["PC0404"]
    assert san.rejected[0].removed == "畜犬.手数料"
    assert san.rejected[0].source_line == "畜犬.手数料 = 2,500円"
    assert san.to_add == ()


def test_errors_under_both_cores_are_listed_apart(world):
    tmp_path, old, new, _ = world
    broken = tmp_path / "yon.pcfg"
    broken.write_text(ICHI.replace("国保.課税限度額 = 650,000円", "国保.課税限度額 = 700,000円")
                      .replace("一の町", "四の町"), encoding="utf-8")
    (town,) = release_report(old, new, [broken]).towns
    # Above the cap of FY2024 and of FY2026: check reports each, under the old core too.
    assert [f.diagnostic.code for f in town.still_failing] == ["PC0303", "PC0303"]
    assert [f.diagnostic.code for f in town.rejected] == ["PC0302"]


def test_text_report_summary_first(world):
    _, old, new, profiles = world
    text = render(release_report(old, new, profiles), "text", "en")
    lines = text.splitlines()
    assert lines[0] == ("Release report: 町村クラウド 2024.4 → 2026.4 (the new core states no "
                        "horizon (`law through`))")
    assert lines[3] == ("Towns: 3 profile(s): 2 must act before the new fiscal year, 1 need "
                        "nothing")
    assert "Towns that need nothing (1):" in lines
    assert "  二の町 (080021)" in lines
    common = lines.index("What most towns must do:")
    assert lines[common + 1:common + 4] == [
        "  add 国保.子ども支援分.所得割率 from 2024-04-01: 1 town(s)",
        "  delete the line setting 畜犬.手数料 (removed from the core): 1 town(s)",
        "  change 都市計画税.税率 (now rejected, PC0302): 1 town(s)"]
    assert "    国保.法定限度額: 650,000円 → 660,000円   (law)" in lines
    assert "  from 2026-04-01" in lines
    assert ("    国保.子ども支援分.所得割率: add from 2024-04-01 (rate, 0%–100%, "
            "子ども・子育て支援納付金課税額の所得割率, basis: 地方税法第703条の4); in the "
            "`from 2024-04-01` block, line 4") in lines
    assert "      | 都市計画税.税率 = 0.3%" in lines
    assert ('    uses "町村クラウド" == 2024.4 → uses "町村クラウド" >= 2026.4 (the new core '
            "does not satisfy it)") in lines
    assert ("  limits of parameter 都市計画税.税率 (都市計画税の税率): min 0%, max 0.3% → "
            "min 0%, max 0.25%") in lines
    assert "  removed parameter 畜犬.手数料 (畜犬登録手数料) (was: yen, default 3,000円)" in lines
    # The summary comes before any detail.
    assert text.index("Towns that need nothing") < text.index("THE LAW THAT CHANGED") < \
        text.index("WHAT EACH TOWN MUST DO")


def test_text_report_in_japanese(world):
    _, old, new, profiles = world
    lines = render(release_report(old, new, profiles), "text", "ja").splitlines()
    assert "団体: 3 件のプロファイルのうち、新年度までに対応が必要 2 件、対応不要 1 件" in lines
    assert "  二の町（080021）" in lines
    assert ("    国保.子ども支援分.所得割率: 2024-04-01 から追加（rate、0%–100%、"
            "子ども・子育て支援納付金課税額の所得割率、根拠: 地方税法第703条の4）。"
            "4 行目の from 2024-04-01 ブロックに書いてください") in lines
    assert "  新しい法令で認められない値:" in lines
    assert any(x.endswith("ichi.pcfg:5:3: [PC0302] 「都市計画税.税率」の値 0.3% は上限 0.25% を"
                          "超えています") for x in lines)
    assert "      = ヒント: 0.25% 以下の値にしてください" in lines
    assert ('    uses "町村クラウド" == 2024.4 → uses "町村クラウド" >= 2026.4'
            "（新しいコアがこの条件を満たしません）") in lines
    assert ("  パラメータ「国保.子ども支援分.所得割率」（子ども・子育て支援納付金課税額の所得割率）を"
            "新設: rate, required, min 0%, max 100%") in lines
    assert "    国保.法定限度額: 650,000円 → 660,000円   （法定）" in lines


def test_markdown_report(world):
    _, old, new, profiles = world
    md = render(release_report(old, new, profiles), "markdown", "en")
    lines = md.splitlines()
    assert lines[0].startswith("# Release report: 町村クラウド 2024.4 → 2026.4")
    assert "| from | parameter | cell | kind | old | new |" in lines
    assert "| 2026-04-01 | 国保.法定限度額 |  | law | 650,000円 | 660,000円 |" in lines
    assert "### 一の町 (080012) — `" in md
    assert ('- `uses "町村クラウド" == 2024.4` → `uses "町村クラウド" >= 2026.4` (the new '
            "core does not satisfy it)") in lines
    assert "**Values the new law rejects**" in lines
    assert "  - `都市計画税.税率 = 0.3%`" in lines
    assert "Towns that need nothing (1):" in lines
    assert "二の町 (080021)" in lines


def test_json_report(world):
    _, old, new, profiles = world
    data = json.loads(render(release_report(old, new, profiles), "json", "en"))
    assert data["summary"]["acting"] == 2
    assert data["common"][0] == {"action": "add", "parameter": "国保.子ども支援分.所得割率",
                                 "detail": "2024-04-01", "towns": 1}
    assert data["summary"]["nothing"] == 1
    assert data["nothing"] == [{"path": str(profiles[1]), "name": "二の町", "code": "080021"}]
    ichi = data["towns"][0]
    assert ichi["to_add"][0] == {
        "parameter": "国保.子ども支援分.所得割率", "date": "2024-04-01", "type": "rate",
        "limits": "0%–100%", "label": "子ども・子育て支援納付金課税額の所得割率",
        "basis": "地方税法第703条の4", "block_line": 4, "new_parameter": True}
    assert ichi["rejected"][0]["code"] == "PC0302"
    assert ichi["rejected"][0]["source_line"] == "都市計画税.税率 = 0.3%"
    assert data["values"][1] == {"from": "2026-04-01", "parameter": "国保.法定限度額",
                                 "cell": "", "old": "650,000円", "new": "660,000円",
                                 "fixed": True}


def test_every_text_has_both_languages():
    for key, (en, ja) in TEXTS.items():
        assert en, key
        assert ja, key


# ---- the command line ---------------------------------------------------------------------


def test_cli_exit_1_when_a_town_must_act(world, capsys):
    tmp_path, *_ = world
    code = main(["release-report", str(tmp_path / "old.pcore"), str(tmp_path / "new.pcore"),
                 str(tmp_path / "towns"), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == EXIT_FINDINGS
    assert "2 must act before the new fiscal year" in captured.out
    assert captured.err == ""  # no progress counter: stderr is not a terminal


def test_cli_exit_0_when_no_town_must_act(world, capsys):
    tmp_path, *_ = world
    code = main(["release-report", str(tmp_path / "old.pcore"), str(tmp_path / "new.pcore"),
                 str(tmp_path / "towns" / "ni.pcfg"), "--format", "json"])
    assert code == EXIT_OK
    assert json.loads(capsys.readouterr().out)["summary"]["nothing"] == 1


def test_cli_never_writes_to_its_inputs(world, capsys):
    tmp_path, *_ = world
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    main(["release-report", str(tmp_path / "old.pcore"), str(tmp_path / "new.pcore"),
          str(tmp_path / "towns"), "--format", "markdown"])
    capsys.readouterr()
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files
    assert {p: p.read_bytes() for p in files} == before


@pytest.mark.parametrize("case", ["missing-core", "broken-core", "missing-folder", "empty",
                                  "other-package"])
def test_cli_bad_input_is_exit_2_without_a_traceback(world, capsys, case):
    tmp_path, *_ = world
    old, new, towns = tmp_path / "old.pcore", tmp_path / "new.pcore", tmp_path / "towns"
    if case == "missing-core":
        old = tmp_path / "nope.pcore"
    elif case == "broken-core":
        new = tmp_path / "broken.pcore"
        new.write_text('core "町村クラウド" version 2026.4\nparam 税率 : 割合 default 1%\n',
                       encoding="utf-8")
    elif case == "missing-folder":
        towns = tmp_path / "どこにもない"
    elif case == "empty":
        towns = tmp_path / "空"
        towns.mkdir()
    else:
        new = tmp_path / "other.pcore"
        new.write_text(NEW.replace("町村クラウド", "別のクラウド"), encoding="utf-8")
    code = main(["release-report", str(old), str(new), str(towns), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == EXIT_USAGE
    assert "Traceback" not in captured.out + captured.err
    assert captured.err


def test_cli_an_unreadable_profile_among_others_is_reported_and_exit_2(world, capsys):
    tmp_path, *_ = world
    code = main(["release-report", str(tmp_path / "old.pcore"), str(tmp_path / "new.pcore"),
                 str(tmp_path / "towns"), str(tmp_path / "消えた町.pcfg"), "--lang", "ja"])
    captured = capsys.readouterr()
    assert code == EXIT_USAGE
    assert "消えた町.pcfg を読み込めません" in captured.err
    assert "新年度までに対応が必要 2 件" in captured.out


# ---- new law from a date, and the horizon ----------------------------------------------------

NEW_FROM = NEW.replace('core "町村クラウド" version 2026.4\n',
                       'core "町村クラウド" version 2026.4\n  law through 2027-03-31\n').replace(
    "param 国保.子ども支援分.所得割率 : rate\n  required\n",
    "param 国保.子ども支援分.所得割率 : rate\n  required from 2026-04-01\n") + """
from 2027-04-01
  国保.法定限度額 = 700,000円
"""

# 五の町 has a block for the new fiscal year already; 六の町 has none.
GO = """\
tenant "五の町" code 080047
uses "町村クラウド" >= 2024.4

from 2024-04-01
  都市計画税.税率 = 0.2%
  国保.課税限度額 = 600,000円

from 2026-04-01
  国保.課税限度額 = 650,000円
"""


def test_required_from_a_date_and_nothing_past_the_horizon(tmp_path):
    old = load_core_text(tmp_path, "old.pcore", OLD)
    new = load_core_text(tmp_path, "new.pcore", NEW_FROM)
    assert new.ok, new.diagnostics
    go = tmp_path / "go.pcfg"
    go.write_text(GO, encoding="utf-8")
    roku = tmp_path / "roku.pcfg"
    roku.write_text(NI.replace("二の町", "六の町").replace("080021", "080055").replace(
        "  国保.子ども支援分.所得割率 = 2.5%\n", ""), encoding="utf-8")
    ready = tmp_path / "nana.pcfg"  # set from the new fiscal year: nothing to do
    ready.write_text(GO.replace("五の町", "七の町").replace("080047", "080063")
                     + "  国保.子ども支援分.所得割率 = 2.5%\n", encoding="utf-8")
    r = release_report(old, new, [go, roku, ready])
    assert r.horizon == dt.date(2027, 3, 31)
    # The 700,000円 of FY2027 is past the horizon: not this release's law.
    assert [(v.date, v.parameter, v.new) for v in r.values] == [
        (None, "都市計画税.税率", "0.25%"), (dt.date(2026, 4, 1), "国保.法定限度額", "660,000円")]
    assert DeclarationChange(
        "parameter", "国保.子ども支援分.所得割率", "added", "",
        "rate, required from 2026-04-01, min 0%, max 100%",
        "子ども・子育て支援納付金課税額の所得割率", "地方税法第703条の4") in r.declarations
    go_town, roku_town, ready_town = r.towns
    assert [(a.parameter, a.date, a.block_line) for a in go_town.to_add] == [
        ("国保.子ども支援分.所得割率", dt.date(2026, 4, 1), 8)]
    assert [(a.parameter, a.date, a.block_line) for a in roku_town.to_add] == [
        ("国保.子ども支援分.所得割率", dt.date(2026, 4, 1), None)]
    assert not ready_town.must_act
    lines = render(r, "text", "en").splitlines()
    assert ("    国保.子ども支援分.所得割率: add from 2026-04-01 (rate, 0%–100%, "
            "子ども・子育て支援納付金課税額の所得割率, basis: 地方税法第703条の4); in a new "
            "`from 2026-04-01` block") in lines
    assert lines[0] == "Release report: 町村クラウド 2024.4 → 2026.4 (law through 2027-03-31)"


def test_a_status_change_is_reported(tmp_path):
    old = load_core_text(tmp_path, "old.pcore", OLD)
    new = load_core_text(tmp_path, "new.pcore", OLD.replace(
        "version 2024.4", "version 2026.4").replace(
        "param 畜犬.手数料 : yen\n  default 3,000円\n", "param 畜犬.手数料 : yen\n  required\n"))
    assert new.ok, new.diagnostics
    r = release_report(old, new, [])
    assert r.declarations == (DeclarationChange(
        "parameter", "畜犬.手数料", "status", "default 3,000円", "required", "畜犬登録手数料"),)
    assert r.values == (ValueChange(None, "畜犬.手数料", "", "3,000円", "(none)", fixed=False),)
    assert r.exit_code == 0


# ---- docs/releasing-a-core.md ------------------------------------------------------------------


def test_the_vendor_guide_shows_real_output(tmp_path, monkeypatch):
    """Each file of the worked example is written as shown, and each `$ paramcfg` command of it
    prints exactly what the page shows. The sample package's run (§7) is run in the repository
    and may leave lines out (marked by a note in full-width parentheses): the lines it shows
    must appear in the output in that order."""
    import shlex  # noqa: PLC0415

    from docs.test_docs_areas import _in_order  # noqa: PLC0415
    from docs.test_guide import _blocks, _run  # noqa: PLC0415
    from helpers import ROOT  # noqa: PLC0415

    page = (ROOT / "docs" / "releasing-a-core.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARAMCFG_LANG", "en")
    ran = 0
    for block in _blocks(page):
        if "file" in block.attrs:
            target = tmp_path / block.attrs["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
        elif block.lines and block.lines[0].startswith("$ paramcfg "):
            argv = shlex.split(block.lines[0][2:])[1:]
            if "package_core" in argv:
                monkeypatch.chdir(ROOT)
                code, actual = _run(tuple(argv))
                monkeypatch.chdir(tmp_path)
                assert code == EXIT_FINDINGS, actual
                assert _in_order(block.lines[1:], actual.splitlines()), actual
                ran += 1
                continue
            code, actual = _run(tuple(argv))
            assert code in {EXIT_OK, EXIT_FINDINGS}, actual
            shown = block.lines[1:]
            lines = actual.splitlines()
            if shown and shown[0] != lines[0]:  # an excerpt: from its first line on
                lines = lines[lines.index(shown[0]):]
            assert lines == shown
            ran += 1
    assert ran == 4


def test_a_damaged_profile_is_listed_not_a_crash(world, capsys):
    tmp_path, *_ = world
    (tmp_path / "towns" / "壊れた町.pcfg").write_bytes(b"\xff\xfe tenant \x00 broken\n")
    (tmp_path / "towns" / "folder.pcfg").mkdir()  # a folder named like a profile: not read
    code = main(["release-report", str(tmp_path / "old.pcore"), str(tmp_path / "new.pcore"),
                 str(tmp_path / "towns"), "--format", "json"])
    captured = capsys.readouterr()
    assert code == EXIT_FINDINGS
    data = json.loads(captured.out)
    assert data["summary"]["towns"] == 4
    broken = next(t for t in data["towns"] if t["path"].endswith("壊れた町.pcfg"))
    assert broken["name"] is None
    assert broken["still_failing"]
    assert "Traceback" not in captured.err


def test_progress_on_a_terminal_after_a_second(world, monkeypatch, capsys):
    import io  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import time  # noqa: PLC0415

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tmp_path, *_ = world
    clock = iter(range(0, 1000, 2))  # each look at the clock is two seconds later
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    main(["release-report", str(tmp_path / "old.pcore"), str(tmp_path / "new.pcore"),
          str(tmp_path / "towns")])
    assert "\r1/3" in err.getvalue()
    assert "\r3/3" in err.getvalue()
    assert err.getvalue().endswith("\r")  # the counter is wiped before the report
    assert "\r" not in capsys.readouterr().out


def test_check_profile_each_is_check_profile_against_each_core(world):
    from paramcfg.engine import check_profile, check_profile_each  # noqa: PLC0415

    _, old, new, profiles = world
    for path in profiles:
        each = list(check_profile_each(path, (new, old)))
        alone = [check_profile(path, core) for core in (new, old)]
        assert [r.diagnostics for r in each] == [r.diagnostics for r in alone]
        assert [r.profile for r in each] == [r.profile for r in alone]


def test_check_profile_each_raises_oserror_at_once(tmp_path, world):
    from paramcfg.engine import check_profile_each  # noqa: PLC0415

    _, old, new, _ = world
    with pytest.raises(OSError, match="No such file"):
        check_profile_each(tmp_path / "ない.pcfg", (new, old))


def test_new_enum_members_are_reported_and_the_table_cells_to_fill(tmp_path):
    enum_old = ('core "町村クラウド" version 2024.4\n\nenum 車種 { 三輪, 乗用 }\n\n'
                "param 軽自動車税.税率 : table[車種] of yen\n  required\n  min 0円\n")
    enum_new = enum_old.replace("version 2024.4", "version 2026.4").replace(
        "{ 三輪, 乗用 }", "{ 三輪, 乗用, 貨物 }")
    old = load_core_text(tmp_path, "old.pcore", enum_old)
    new = load_core_text(tmp_path, "new.pcore", enum_new)
    town = tmp_path / "town.pcfg"
    town.write_text('tenant "一の町" code 080012\nuses "町村クラウド" >= 2024.4\n\n'
                    "from 2024-04-01\n  軽自動車税.税率 =\n    | 車種 | 税額 |\n"
                    "    | 三輪 | 3,900円 |\n    | 乗用 | 10,800円 |\n", encoding="utf-8")
    r = release_report(old, new, [town])
    assert r.declarations == (DeclarationChange("enum", "車種", "members", "三輪, 乗用",
                                                "三輪, 乗用, 貨物"),)
    (found,) = r.towns[0].rejected  # the table has no row for 貨物 now: check says so
    assert found.source_line == "| 車種 | 税額 |"
    assert "貨物" in found.diagnostic.message("en")


# ---- the real history: the four towns as they were under release 2024.4 -------------------


def test_the_four_towns_of_2024_4_are_told_exactly_what_release_2026_4_asks():
    # tests/fixtures/towns_2024.4/ holds the four sample profiles as they stood before release
    # 2026.4 (uses >= 2024.4, no FY2026 block). The new law asks each for the three values of
    # the support levy that are `required from 2026-04-01` and a new uses line; 五霞町, the only
    # town with its own light-vehicle rate table, must add the two new green-reduction columns.
    from helpers import CORE_DIR, ROOT  # noqa: PLC0415

    import paramcfg  # noqa: PLC0415

    old = paramcfg.load_core(CORE_DIR / "releases" / "2024.4")
    new = paramcfg.load_core(CORE_DIR)
    folder = ROOT / "tests" / "fixtures" / "towns_2024.4"
    report = release_report(old, new, sorted(folder.glob("*.pcfg")))
    levy = {"国保.子ども支援分.所得割率", "国保.子ども支援分.均等割額", "国保.子ども支援分.課税限度額"}
    assert len(report.acting) == 4
    for town in report.towns:
        assert {a.parameter for a in town.to_add} == levy, town.name
        assert {a.date for a in town.to_add} == {dt.date(2026, 4, 1)}
        assert town.uses is not None
        assert not town.still_failing
        rejected = {(f.parameter, f.diagnostic.code) for f in town.rejected}
        # The new core gives 茨城県's excess per-capita rate to the prefecture (`set by
        # prefecture`): each town must delete its copy and name its prefecture (PC0414).
        prefecture = {("住民税.均等割.道府県超過課税", "PC0414")}
        if town.name == "五霞町":
            assert rejected == {("軽自動車税.三輪四輪.税率", "PC0505"), *prefecture}
            assert len(town.rejected) == 3  # グリーン化50 and グリーン化25, and the tax
        else:
            assert rejected == prefecture, town.name
