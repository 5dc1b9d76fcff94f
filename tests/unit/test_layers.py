"""The prefecture layer (issue 17, item 2): prefecture profiles, `within`, `set by prefecture`.

A small core of its own keeps the cases readable; the four sample towns and 茨城県's profile are
tested at the end.  Every value below is written by hand from the profiles in the test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from helpers import CORE_DIR, ROOT

import paramcfg
from paramcfg.check import PREFECTURES, code_check_digit, prefecture_of
from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, main
from paramcfg.diff import diff_tenants, render
from paramcfg.engine import (
    CheckResult,
    CoreResult,
    check_profile,
    find_prefecture,
    load_core,
    load_prefecture,
    load_tenant,
)
from paramcfg.export import export_data, to_json
from paramcfg.fmt import format_text
from paramcfg.scaffold import init_profile

CORE = """\
core "県域" version 2024.4 law through 2027-03-31

param 県民税.均等割 : yen
  default 1,000円
  min 0円
  set by prefecture
  label "県民税の均等割額"

param 県民税.超過課税 : yen
  default 0円
  min 0円
  set by prefecture

param 国保.限度額 : yen
  fixed
  default 650,000円

param 国保.課税限度額 : yen
  default 600,000円
  max 国保.限度額

param 手数料.住民票 : yen
  default 300円
  min 0円
  max 手数料.上限

param 手数料.上限 : yen
  default 1,000円

param 固定資産税.税率 : rate
  required
  min 0%
"""

PREFECTURE = """\
prefecture "茨城県" code 080004
uses "県域" >= 2024.4

from 2023-04-01
  県民税.超過課税 = 1,000円
  手数料.住民票 = 350円

from 2026-04-01
  県民税.超過課税 = 1,500円
  手数料.住民票 = 400円
"""

TOWN = """\
tenant "那珂市" code 082261
uses "県域" >= 2024.4
within "茨城県"

from 2024-04-01
  固定資産税.税率 = 1.4%

from 2025-04-01
  手数料.住民票 = 200円
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment: package_core/, prefectures/ibaraki.pcfg, towns/naka.pcfg; the working
    folder is its root, so that paths print short."""
    (tmp_path / "package_core").mkdir()
    (tmp_path / "package_core" / "core.pcore").write_text(CORE, encoding="utf-8")
    (tmp_path / "prefectures").mkdir()
    (tmp_path / "prefectures" / "ibaraki.pcfg").write_text(PREFECTURE, encoding="utf-8")
    (tmp_path / "towns").mkdir()
    (tmp_path / "towns" / "naka.pcfg").write_text(TOWN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def core(site: Path) -> CoreResult:
    result = load_core(site / "package_core")
    assert result.ok, [d.message() for d in result.diagnostics]
    return result


def _town(site: Path, text: str, name: str = "naka.pcfg") -> Path:
    path = site / "towns" / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(result: CheckResult) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in result.diagnostics]


# ---- codes -------------------------------------------------------------------------------


def test_prefecture_codes_follow_the_municipal_check_digit() -> None:
    # 茨城県 08: 0·6 + 8·5 + 0 + 0 + 0 = 40; 40 mod 11 = 7; (11 − 7) mod 10 = 4 → 080004.
    assert code_check_digit("08000") == 4
    # 東京都 13: 1·6 + 3·5 = 21; 21 mod 11 = 10; (11 − 10) mod 10 = 1 → 130001.
    assert code_check_digit("13000") == 1
    assert len(PREFECTURES) == 47
    assert prefecture_of("085421") == "茨城県"
    assert prefecture_of("131016") == "東京都"
    assert prefecture_of("472018") == "沖縄県"
    assert prefecture_of("482018") is None
    assert prefecture_of("０８") is None


def test_a_prefecture_profile_is_checked_on_its_own(core: CoreResult, site: Path) -> None:
    result = check_profile(site / "prefectures" / "ibaraki.pcfg", core)
    # Not required to set 固定資産税.税率 (required of towns only).
    assert result.ok, _codes(result)
    assert result.profile is not None
    assert result.profile.kind == "prefecture"
    assert result.profile.name == "茨城県"
    assert result.profile.code == "080004"


@pytest.mark.parametrize(("code", "found"), [
    ("082261", ("PC0601", 1, 23)),   # a town's code (valid, but not NN000C)
    ("090000", ("PC0604", 1, 23)),   # 栃木県's code: 9·5 = 45, 45 mod 11 = 1, digit 0
    ("080005", ("PC0601", 1, 23)),   # wrong check digit
])
def test_a_prefecture_code_must_be_its_own(core: CoreResult, site: Path, code: str,
                                           found: tuple[str, int, int]) -> None:
    path = site / "prefectures" / "ibaraki.pcfg"
    path.write_text(PREFECTURE.replace("080004", code), encoding="utf-8")
    assert _codes(check_profile(path, core)) == [found]


# ---- the merge ----------------------------------------------------------------------------


def test_layers_merge_each_on_its_own_timeline(core: CoreResult, site: Path) -> None:
    town = load_tenant(site / "towns" / "naka.pcfg", core)
    assert town.layer is not None
    assert town.layer.name == "茨城県"
    # The town's periods: its own dates and the prefecture's after the town's start.
    assert town.periods() == [dt.date(2024, 4, 1), dt.date(2025, 4, 1), dt.date(2026, 4, 1)]

    def value(name: str, on: dt.date) -> tuple[object, str]:
        r = town.values(on)[name]
        return r.value, r.layer

    # 県民税.超過課税: the prefecture's 1,000円 (from 2023, before the town starts), then its
    # 1,500円 from 2026-04-01; the town never sets it.
    assert value("県民税.超過課税", dt.date(2024, 6, 1)) == (1_000, "prefecture")
    assert value("県民税.超過課税", dt.date(2026, 6, 1)) == (1_500, "prefecture")
    # 手数料.住民票: the prefecture's 350円 in FY2024; the town's own 200円 from 2025-04-01
    # stands over the prefecture's later 400円 (2026-04-01).
    assert value("手数料.住民票", dt.date(2024, 6, 1)) == (350, "prefecture")
    assert value("手数料.住民票", dt.date(2025, 6, 1)) == (200, "tenant")
    assert value("手数料.住民票", dt.date(2026, 6, 1)) == (200, "tenant")
    # Set by nobody: the core's default.
    assert value("県民税.均等割", dt.date(2026, 6, 1)) == (1_000, "default")
    assert value("固定資産税.税率", dt.date(2024, 6, 1))[1] == "tenant"


def test_the_prefecture_line_is_the_value_s_provenance(core: CoreResult, site: Path) -> None:
    town = load_tenant(site / "towns" / "naka.pcfg", core)
    values = town.values(dt.date(2026, 6, 1))
    assert values["県民税.超過課税"].provenance == "prefecture prefectures/ibaraki.pcfg:9"
    assert values["手数料.住民票"].provenance.startswith("tenant ")
    assert values["手数料.住民票"].provenance.endswith("towns/naka.pcfg:9")
    assert values["県民税.均等割"].provenance.startswith("default ")


def test_without_a_layer_the_town_has_the_core_s_defaults(core: CoreResult, site: Path) -> None:
    path = _town(site, TOWN.replace('within "茨城県"\n', ""))
    town = load_tenant(path, core)
    assert town.layer is None
    assert town.values(dt.date(2024, 6, 1))["県民税.超過課税"].value == 0


# ---- who may set what ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_town_cannot_set_what_the_prefecture_sets(core: CoreResult, site: Path,
                                                    lang: str) -> None:
    path = _town(site, TOWN + "  県民税.超過課税 = 2,000円\n")
    result = check_profile(path, core)
    assert _codes(result) == [("PC0414", 10, 3)]
    d = result.diagnostics[0]
    message = d.message(lang)
    if lang == "ja":
        assert "「県民税.超過課税」は都道府県が定める値" in message
        assert "茨城県のプロファイル" in message
    else:
        assert "茨城県's profile sets it" in message
    # The note points at the prefecture's own line, then at the core's declaration.
    assert [(Path(r.span.file).name, r.span.line) for r in d.related] == [
        ("ibaraki.pcfg", 5), ("core.pcore", 9)]
    assert d.related[0].span.file == "prefectures/ibaraki.pcfg"
    assert "県民税.超過課税" in (result.profile.rejected if result.profile else ())


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_town_without_a_layer_cannot_set_it_either(core: CoreResult, site: Path,
                                                     lang: str) -> None:
    path = _town(site, TOWN.replace('within "茨城県"\n', "") + "  県民税.均等割 = 2,000円\n")
    result = check_profile(path, core)
    assert _codes(result) == [("PC0414", 9, 3)]
    d = result.diagnostics[0]
    # The prefecture the code tells (08 → 茨城県), and the line that names its profile.
    if lang == "ja":
        assert "茨城県のプロファイルが全市町村の値を定めます" in d.message("ja")
        assert 'uses 行の下に within "茨城県" と書いて' in d.hint("ja")
    else:
        assert "茨城県's profile sets it" in d.message("en")
        assert 'name 茨城県\'s profile below the uses line: within "茨城県"' in d.hint("en")


def test_a_town_may_set_again_what_the_prefecture_set(core: CoreResult, site: Path) -> None:
    # 手数料.住民票 is set by the prefecture but not owned by it: the town's 200円 is fine.
    assert check_profile(site / "towns" / "naka.pcfg", core).ok


def test_a_prefecture_cannot_set_a_fixed_parameter(core: CoreResult, site: Path) -> None:
    path = site / "prefectures" / "ibaraki.pcfg"
    path.write_text(PREFECTURE + "  国保.限度額 = 700,000円\n", encoding="utf-8")
    assert _codes(check_profile(path, core)) == [("PC0402", 11, 3)]


def test_a_limit_broken_by_a_prefecture_value_names_the_prefecture_line(
        core: CoreResult, site: Path) -> None:
    # The town lowers the ceiling 手数料.上限 to 300円 from 2024-04-01; the prefecture's
    # 手数料.住民票 = 350円 (FY2024) is above it. The town's own 200円 from 2025 is not.
    path = _town(site, TOWN.replace("  固定資産税.税率 = 1.4%\n",
                                    "  固定資産税.税率 = 1.4%\n  手数料.上限 = 300円\n"))
    result = check_profile(path, core)
    assert [(d.code, d.span.file, d.span.line) for d in result.diagnostics] == [
        ("PC0303", "prefectures/ibaraki.pcfg", 6)]
    assert "prefectures/ibaraki.pcfg" in result.sources
    text = paramcfg.render_text(list(result.diagnostics), result.sources, "en")
    assert "prefectures/ibaraki.pcfg:6:3: error[PC0303]: 手数料.住民票 = 350円" in text


def test_a_bound_from_the_prefecture_is_shown_where_it_is_set(core: CoreResult,
                                                              site: Path) -> None:
    # The prefecture lowers the ceiling to 320円 (the core's default fee, 300円, is within it);
    # a town that sets 330円 breaks it: the note shows where the bound's value comes from.
    pref = site / "prefectures" / "ibaraki.pcfg"
    pref.write_text(PREFECTURE.replace("  手数料.住民票 = 350円\n", "  手数料.上限 = 320円\n")
                    .replace("  手数料.住民票 = 400円\n", ""), encoding="utf-8")
    assert check_profile(pref, core).ok
    path = _town(site, TOWN.replace("手数料.住民票 = 200円", "手数料.住民票 = 330円"))
    result = check_profile(path, core)
    assert _codes(result) == [("PC0303", 9, 3)]
    notes = [(r.span.file, r.span.line, r.message("en")) for r in result.diagnostics[0].related]
    assert ("prefectures/ibaraki.pcfg", 6,
            "手数料.上限 is set by the prefecture's profile here") in notes


# ---- finding the layer, and what does not fit ------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_prefecture_that_cannot_be_found(core: CoreResult, site: Path, lang: str) -> None:
    path = _town(site, TOWN.replace('within "茨城県"', 'within "栃木県"')
                 .replace("082261", "092011"))
    result = check_profile(path, core)
    assert _codes(result) == [("PC0603", 3, 8)]
    message = result.diagnostics[0].message(lang)
    assert ("「栃木県」の都道府県プロファイルが見つかりません" if lang == "ja"
            else "no prefecture profile of 栃木県 was found") in message
    assert "prefectures" in message  # where it looked


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_town_code_of_another_prefecture(core: CoreResult, site: Path, lang: str) -> None:
    # 092011 (宇都宮市) is 栃木県's: it cannot be within 茨城県.
    path = _town(site, TOWN.replace("082261", "092011"))
    result = check_profile(path, core)
    assert _codes(result) == [("PC0604", 1, 19)]
    message = result.diagnostics[0].message(lang)
    assert ("コード 092011 は茨城県の団体のコードではありません" if lang == "ja"
            else "code 092011 is not a code of 茨城県") in message


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_prefecture_with_errors_is_reported_once_at_the_town(core: CoreResult, site: Path,
                                                               lang: str) -> None:
    pref = site / "prefectures" / "ibaraki.pcfg"
    pref.write_text(PREFECTURE.replace("1,000円", "-1,000円"), encoding="utf-8")
    result = check_profile(site / "towns" / "naka.pcfg", core)
    assert _codes(result) == [("PC0605", 3, 8)]
    message = result.diagnostics[0].message(lang)
    assert "1" in message
    assert "prefectures/ibaraki.pcfg" in message
    with pytest.raises(paramcfg.CheckFailed):
        load_tenant(site / "towns" / "naka.pcfg", core)


def test_a_prefecture_for_another_core_version(core: CoreResult, site: Path) -> None:
    pref = site / "prefectures" / "ibaraki.pcfg"
    pref.write_text(PREFECTURE.replace(">= 2024.4", ">= 2030.1"), encoding="utf-8")
    result = check_profile(site / "towns" / "naka.pcfg", core)
    assert _codes(result) == [("PC0602", 3, 8)]
    assert "the prefecture profile" in result.diagnostics[0].message("en")
    assert "都道府県のプロファイル" in result.diagnostics[0].message("ja")


def test_within_in_a_prefecture_profile(core: CoreResult, site: Path) -> None:
    pref = site / "prefectures" / "ibaraki.pcfg"
    pref.write_text(PREFECTURE.replace(">= 2024.4\n", '>= 2024.4\nwithin "茨城県"\n'),
                    encoding="utf-8")
    assert _codes(check_profile(pref, core)) == [("PC0205", 3, 1)]


def test_fixed_and_set_by_prefecture_contradict(tmp_path: Path) -> None:
    path = tmp_path / "c.pcore"
    path.write_text('core "c" version 1\n\nparam a : yen\n  fixed\n  default 1円\n'
                    "  set by prefecture\n", encoding="utf-8")
    result = load_core(path)
    assert [(d.code, d.span.line, d.span.col) for d in result.diagnostics] == [
        ("PC0713", 6, 3)]
    assert "「a」を fixed と set by prefecture の両方にはできません" in result.diagnostics[0].message("ja")


# ---- the API ----------------------------------------------------------------------------


def test_the_prefecture_can_be_given(core: CoreResult, site: Path, tmp_path: Path) -> None:
    # The town alone in another folder: nothing to find beside it or above the core's folder…
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    lone = elsewhere / "naka.pcfg"
    lone.write_text(TOWN, encoding="utf-8")
    moved = tmp_path / "other" / "茨城.pcfg"
    moved.parent.mkdir()
    (site / "prefectures" / "ibaraki.pcfg").rename(moved)
    assert _codes(check_profile(lone, core)) == [("PC0603", 3, 8)]
    # … but given, as a file or as a checked prefecture shared by its towns.
    by_path = load_tenant(lone, core, prefecture=moved)
    shared = load_prefecture(moved, core)
    assert load_prefecture(moved, core) is shared  # checked once per file and core
    by_result = load_tenant(lone, core, prefecture=shared)
    on = dt.date(2024, 6, 1)
    assert by_path.values(on)["県民税.超過課税"].value == 1_000
    assert by_result.parameters(on) == by_path.parameters(on)
    text = paramcfg.load_tenant_text(TOWN, core, "町.pcfg", prefecture=shared)
    assert text.parameters(on)["手数料.住民票"] == 350


def test_a_prefecture_given_must_be_the_one_named(core: CoreResult, site: Path) -> None:
    other = site / "prefectures" / "tochigi.pcfg"
    other.write_text(PREFECTURE.replace("茨城県", "栃木県").replace("080004", "090000"),
                     encoding="utf-8")
    result = check_profile(site / "towns" / "naka.pcfg", core, prefecture=other)
    assert _codes(result) == [("PC0604", 3, 8)]
    town_as_layer = check_profile(site / "towns" / "naka.pcfg", core,
                                  prefecture=site / "towns" / "naka.pcfg")
    assert [c for c, _, _ in _codes(town_as_layer)] == ["PC0604"]
    no_within = _town(site, TOWN.replace('within "茨城県"\n', ""), "lone.pcfg")
    assert _codes(check_profile(no_within, core,
                                prefecture=site / "prefectures" / "ibaraki.pcfg")) == [
        ("PC0604", 1, 1)]


def test_paramcfg_toml_names_the_prefectures_folder(core: CoreResult, site: Path) -> None:
    (site / "prefectures").rename(site / "県")
    town = site / "towns" / "naka.pcfg"
    assert find_prefecture(town, "茨城県") == []
    (site / "towns" / "paramcfg.toml").write_text(
        'core = "../package_core"\nprefectures = "../県"\n', encoding="utf-8")
    assert find_prefecture(town, "茨城県") == Path("県/ibaraki.pcfg")
    assert check_profile(town, core).ok
    (site / "towns" / "paramcfg.toml").write_text(
        'core = "../package_core"\nprefectures = "../なし"\n', encoding="utf-8")
    result = check_profile(town, core)
    assert _codes(result) == [("PC0603", 3, 8)]
    assert "prefectures = '../なし' does not name a folder" in result.diagnostics[0].message()


def test_the_layer_is_found_beside_the_core(core: CoreResult,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    # A town outside the deployment, checked with its core: the prefectures beside the core.
    away = tmp_path_factory.mktemp("away") / "naka.pcfg"
    away.write_text(TOWN, encoding="utf-8")
    assert check_profile(away, core).ok


# ---- the commands ------------------------------------------------------------------------


@pytest.mark.usefixtures("site")
def test_check_takes_the_prefecture_with_the_towns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "towns/naka.pcfg", "prefectures/ibaraki.pcfg", "--lang", "en"]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out == ["towns/naka.pcfg: 那珂市 (082261): clean",
                   "prefectures/ibaraki.pcfg: 茨城県 (080004): clean",
                   "checked 2 profile(s): 2 clean, 0 with errors"]


def test_eval_explain_names_the_prefecture_line(site: Path) -> None:
    (site / "package_core" / "core.pcore").write_text(
        CORE + "\nrule 県民税.年額 : yen = 県民税.均等割 + 県民税.超過課税\n", encoding="utf-8")
    core = load_core(site / "package_core")
    town = load_tenant(site / "towns" / "naka.pcfg", core)
    step = town.explain("県民税.年額", {}, dt.date(2026, 6, 1))
    # 1,000円 (the core's default) + 1,500円 (the prefecture's, from 2026-04-01) = 2,500円.
    assert step.value == 2_500
    where = {c.name: (c.span.file, c.span.line) for c in step.children if c.span}
    assert where["県民税.超過課税"] == ("prefectures/ibaraki.pcfg", 9)
    assert where["県民税.均等割"][0].endswith("core.pcore")
    shown = paramcfg.render_explanation(step, town.value_types(), "en")
    assert "parameter 県民税.超過課税 = 1,500円   [prefectures/ibaraki.pcfg:9:3]" in shown


def test_export_names_the_layer_and_line_of_each_value(core: CoreResult, site: Path) -> None:
    town = load_tenant(site / "towns" / "naka.pcfg", core)
    data = json.loads(to_json(export_data(town, dt.date(2025, 6, 1))))
    assert data["prefecture"] == "茨城県"
    assert data["parameters"]["県民税.超過課税"] == 1_000
    assert data["sources"]["県民税.超過課税"] == "prefecture prefectures/ibaraki.pcfg:5"
    assert data["sources"]["手数料.住民票"].startswith("tenant ")
    assert data["sources"]["手数料.住民票"].endswith("towns/naka.pcfg:9")
    assert data["sources"]["国保.限度額"].startswith("default ")
    every = export_data(town, None, all_dates=True)
    assert [p["sources"]["県民税.超過課税"] for p in every["periods"]] == [
        "prefecture prefectures/ibaraki.pcfg:5", "prefecture prefectures/ibaraki.pcfg:5",
        "prefecture prefectures/ibaraki.pcfg:9"]
    pref = load_tenant(site / "prefectures" / "ibaraki.pcfg", core)
    assert export_data(pref, dt.date(2024, 6, 1))["kind"] == "prefecture"


@pytest.mark.usefixtures("site")
def test_diff_compares_a_town_with_its_prefecture(core: CoreResult) -> None:
    town = load_tenant("towns/naka.pcfg", core)
    pref = load_tenant("prefectures/ibaraki.pcfg", core)
    assert core.core is not None
    result = diff_tenants(core.core, pref, town)
    # From the town's start, what the town sets over its prefecture: its rate (2024) and its
    # own fee (2025); the prefecture's 2026 fee is not the town's (it keeps 200円).
    changes = [(c.date, c.parameter, c.old, c.new, c.old_from.partition(" ")[0],
                c.new_from.partition(" ")[0])
               for c in result.changes if c.date >= dt.date(2024, 4, 1)]
    assert changes == [
        (dt.date(2024, 4, 1), "固定資産税.税率", "(none)", "1.4%", "", "tenant"),
        (dt.date(2025, 4, 1), "手数料.住民票", "350円", "200円", "prefecture", "tenant"),
        (dt.date(2026, 4, 1), "手数料.住民票", "400円", "200円", "prefecture", "tenant"),
    ]
    text = render(result, "text", "en")
    assert "  手数料.住民票: 350円 (prefecture prefectures/ibaraki.pcfg:6) → 200円" in text
    data = json.loads(render(result, "json", "en"))
    fee = next(c for c in data["changes"]
               if c["parameter"] == "手数料.住民票" and c["from"] == "2025-04-01")
    assert fee["old_from"] == "prefecture prefectures/ibaraki.pcfg:6"
    assert fee["new_from"].endswith("towns/naka.pcfg:9")
    assert "（都道府県 prefectures/ibaraki.pcfg:6）" not in render(result, "text", "ja")
    assert "350円 (都道府県 prefectures/ibaraki.pcfg:6)" in render(result, "text", "ja")


def test_diff_compares_two_prefectures(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "prefectures" / "tochigi.pcfg").write_text(
        'prefecture "栃木県" code 090000\nuses "県域" >= 2024.4\n\nfrom 2023-04-01\n'
        "  県民税.超過課税 = 700円\n", encoding="utf-8")
    assert main(["diff", "prefectures/ibaraki.pcfg", "prefectures/tochigi.pcfg",
                 "--lang", "en"]) == EXIT_FINDINGS
    out = capsys.readouterr().out
    assert ("  県民税.超過課税: 1,000円 (prefecture prefectures/ibaraki.pcfg:5) → 700円 "
            "(prefecture prefectures/tochigi.pcfg:5)") in out


def test_init_writes_the_new_town_s_prefecture() -> None:
    same = init_profile(TOWN, "towns/naka.pcfg", "新町", "085430")
    assert 'within "茨城県"' in same.text
    other = init_profile(TOWN, "towns/naka.pcfg", "宇都宮市", "092011")
    assert 'within "栃木県"' in other.text
    assert "茨城県" not in other.text.split("from")[0]
    bare = init_profile(TOWN.replace('within "茨城県"\n', ""), "towns/naka.pcfg", "新町", "085430")
    assert "within" not in bare.text


def test_fmt_keeps_the_layer_lines() -> None:
    for text in (TOWN, PREFECTURE):
        out = format_text(text, "x.pcfg")
        assert not out.diagnostics
        assert out.text == text


# ---- the four sample towns and 茨城県 --------------------------------------------------------


def test_the_four_towns_are_within_ibaraki() -> None:
    core = load_core(CORE_DIR)
    for path in sorted((ROOT / "tenant_profiles").glob("*.pcfg")):
        result = check_profile(path, core)
        assert result.ok, _codes(result)
        assert result.profile is not None
        assert result.profile.layer is not None
        assert result.profile.layer.name == "茨城県"
        assert not re.search(r"^\s*住民税\.均等割\.道府県(民税|超過課税)\s*=",
                             path.read_text(encoding="utf-8"), re.MULTILINE)
    assert check_profile(ROOT / "prefectures" / "ibaraki.pcfg", core).ok


@pytest.mark.parametrize(("town", "on", "expected"), [
    # FY2024 (those taxed): 道府県民税の均等割 1,000円 (標準税率、地方税法第38条) + 森林湖沼環境税
    # 1,000円 (茨城県の超過課税) + 復興特例加算 0円 (平成26年度〜令和5年度のみ) = 2,000円.
    ("naka", dt.date(2024, 6, 1), 2_000),
    ("goka", dt.date(2025, 6, 1), 2_000),
    # FY2023 in かすみがうら市 (its profile starts 2023-04-01): 1,000 + 1,000 + 500 = 2,500円.
    ("kasumigaura", dt.date(2023, 6, 1), 2_500),
])
def test_the_prefectural_per_capita_tax_comes_from_the_layer(town: str, on: dt.date,
                                                             expected: int) -> None:
    core = load_core(CORE_DIR)
    tenant = load_tenant(ROOT / "tenant_profiles" / f"{town}.pcfg", core)
    inputs = {"住民税.合計所得金額": 3_000_000, "住民税.同一生計配偶者等の数": 0,
              "住民税.生活保護": False, "住民税.障害者等": False}
    assert tenant.evaluate("住民税.均等割.道府県民税額", inputs, on) == expected
    assert tenant.interpret("住民税.均等割.道府県民税額", inputs, on) == expected
    r = tenant.values(on)["住民税.均等割.道府県超過課税"]
    assert r.layer == "prefecture"
    assert r.span is not None
    assert Path(r.span.file).resolve() == ROOT / "prefectures" / "ibaraki.pcfg"


def test_a_prefecture_is_found_by_its_header_alone(site: Path) -> None:
    """Only a file's header decides which prefecture it is: comments before it are skipped, a
    town profile in the folder is not taken, and an edited file is read again."""
    folder = site / "prefectures"
    (folder / "ibaraki.pcfg").rename(folder / "b.pcfg")
    (folder / "a.pcfg").write_text(TOWN, encoding="utf-8")  # a town: never a layer
    pref = folder / "b.pcfg"
    pref.write_text("# 茨城県のプロファイル\n\n" + PREFECTURE, encoding="utf-8")
    town = site / "towns" / "naka.pcfg"
    assert find_prefecture(town, "茨城県") == Path("prefectures/b.pcfg")
    pref.write_text(PREFECTURE.replace("茨城県", "栃木県").replace("080004", "090000") + "\n",
                    encoding="utf-8")
    assert find_prefecture(town, "茨城県") == [Path("prefectures")]
