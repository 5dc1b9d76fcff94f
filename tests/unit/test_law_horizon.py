"""The law horizon (`law through DATE`) and law that starts on a date (`required from DATE`).

A core states the last date its law is known for; past it every evaluation is refused unless a
projection is asked for, and a projection is marked wherever the result is shown (issue 11).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from helpers import CORE_DIR, PROFILES, load_core_text

import paramcfg
from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from paramcfg.interpret import render_explanation, step_to_json

# A small core with the shape of a real release: a rate every town sets, a new levy that
# starts in FY2026 (its rate required from 2026-04-01, off before by a fixed switch), a table
# required from the same date, and a statutory cap changed by the core's own dated block.
CORE = """\
core "町村税" version 2026.4
  law through 2027-03-31

enum 区分 { 甲, 乙 }

input 所得 : yen

param 税率 : rate
  required
  min 0%
  label "税率"

param 新税.賦課 : bool
  fixed
  default false
  label "新税を課すか（令和8年度から）"

param 新税.税率 : rate
  required from 2026-04-01
  min 0%
  max 10%
  label "新税の税率"

param 新税.加算 : table[区分] of yen
  required from 2026-04-01
  label "新税の区分ごとの加算額"

param 法定限度額 : yen
  fixed
  default 650,000円

rule 税額 : yen =
  floor(min(所得 * 税率, 法定限度額), 100)

rule 新税額 : yen =
  if 新税.賦課 then floor(所得 * 新税.税率, 100) + 新税.加算(甲) else 0円

rule 合計 : yen =
  税額 + 新税額

from 2026-04-01
  新税.賦課 = true
  法定限度額 = 670,000円
"""

PROFILE = """\
tenant "五霞町" code 085421
uses "町村税" >= 2026.4

from 2025-04-01
  税率 = 10%
from 2026-04-01
  新税.税率 = 1%
  新税.加算 =
    | 区分 |  加算額 |
    | 甲   |   100円 |
    | 乙   |   200円 |
"""


@pytest.fixture
def small_core(tmp_path):
    result = load_core_text(tmp_path, "町村税.pcore", CORE)
    assert result.ok, [d.message() for d in result.diagnostics]
    return result


@pytest.fixture
def town(small_core):
    return paramcfg.load_tenant_text(PROFILE, small_core, "五霞町.pcfg")


def codes(result):
    return [(d.code, d.span.line) for d in result.diagnostics]


# ---- the language -------------------------------------------------------------------------


def test_the_horizon_is_read_on_the_core_line_or_the_next(tmp_path, small_core):
    assert small_core.core.horizon == dt.date(2027, 3, 31)
    same_line = load_core_text(tmp_path, "a.pcore", 'core "甲" version 1 law through 2026-03-31\n')
    assert same_line.ok
    assert same_line.core is not None
    assert same_line.core.horizon == dt.date(2026, 3, 31)
    none = load_core_text(tmp_path, "b.pcore", 'core "乙" version 1\n')
    assert none.core is not None
    assert none.core.horizon is None


def test_an_impossible_horizon_is_a_diagnostic(tmp_path):
    result = load_core_text(tmp_path, "c.pcore", 'core "甲" version 1\n  law through 2027-02-30\n')
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("PC0406", 2)]


def test_required_from_is_parsed(small_core):
    p = small_core.core.params["新税.税率"]
    assert p.required
    assert p.required_from == dt.date(2026, 4, 1)
    assert not p.required_on(dt.date(2026, 3, 31))
    assert p.required_on(dt.date(2026, 4, 1))
    assert small_core.core.params["税率"].required_from is None


def test_required_from_is_not_asked_of_the_years_before(small_core):
    # A profile that ends in FY2025 was complete under the old law: it still is, up to
    # 2026-03-31; from 2026-04-01 the two new values are missing, each reported once.
    old = PROFILE.split("from 2026-04-01", maxsplit=1)[0]
    result = paramcfg.check_profile_text(old, small_core, "旧.pcfg")
    missing = sorted(str(d.args["name"]) for d in result.diagnostics if d.code == "PC0401")
    assert missing == ["新税.加算", "新税.税率"]
    assert all(d.args["date"] == "2026-04-01" for d in result.diagnostics if d.code == "PC0401")


def test_required_from_counts_a_value_set_before_the_date(small_core):
    early = PROFILE.replace("from 2026-04-01\n", "from 2025-10-01\n")
    assert paramcfg.check_profile_text(early, small_core, "早.pcfg").ok


def test_a_profile_starting_after_the_date_must_set_it_in_its_first_block(small_core):
    late = PROFILE.replace("from 2025-04-01\n  税率 = 10%\nfrom 2026-04-01\n",
                           "from 2026-06-01\n  税率 = 10%\n")
    assert paramcfg.check_profile_text(late, small_core, "後.pcfg").ok
    without = late.split("  新税.税率")[0]
    result = paramcfg.check_profile_text(without, small_core, "後.pcfg")
    assert sorted((d.code, d.args["date"]) for d in result.diagnostics if d.code == "PC0401") \
        == [("PC0401", "2026-06-01"), ("PC0401", "2026-06-01")]


def test_a_rule_reading_a_value_before_it_is_required_compiles_and_runs(town):
    # Before FY2026 新税.税率 and the table 新税.加算 have no value; the rule does not read them
    # while 新税.賦課 is false: 1,000,000円 × 10% = 100,000円 only.
    on = dt.date(2025, 6, 1)
    assert town.evaluate("合計", {"所得": 1_000_000}, on) == 100_000
    assert town.interpret("合計", {"所得": 1_000_000}, on) == 100_000
    # FY2026: 100,000 + floor(1,000,000 × 1%, 100) + 100 (甲) = 110,100円.
    on = dt.date(2026, 6, 1)
    assert town.evaluate("合計", {"所得": 1_000_000}, on) == 110_100
    assert town.interpret("合計", {"所得": 1_000_000}, on) == 110_100


def test_profile_blocks_after_the_horizon_are_warned_about(small_core):
    text = PROFILE + "from 2027-04-01\n  税率 = 11%\n"
    result = paramcfg.check_profile_text(text, small_core, "先.pcfg")
    assert result.ok  # a warning: values decided early are kept
    assert codes(result) == [("PC0413", text.splitlines().index("from 2027-04-01") + 1)]
    assert "2027-03-31" in result.diagnostics[0].message()
    assert "2027-03-31" in result.diagnostics[0].message("ja")


def test_a_core_block_after_its_own_horizon_is_warned_about(tmp_path):
    text = CORE.replace("law through 2027-03-31", "law through 2026-03-31")
    result = load_core_text(tmp_path, "d.pcore", text)
    line = text.splitlines().index("from 2026-04-01") + 1
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("PC0413", line)]


# ---- evaluation ----------------------------------------------------------------------------

AFTER = dt.date(2027, 6, 1)


def test_every_way_to_evaluate_refuses_a_date_after_the_horizon(town):
    inputs = {"所得": 1_000_000}
    calls = [
        lambda **kw: town.evaluate("合計", inputs, AFTER, **kw),
        lambda **kw: town.evaluate_many("合計", [inputs], AFTER, **kw),
        lambda **kw: town.interpret("合計", inputs, AFTER, **kw),
        lambda **kw: town.explain("合計", inputs, AFTER, **kw),
        lambda **kw: town.parameters(AFTER, **kw),
    ]
    for call in calls:
        with pytest.raises(paramcfg.LawHorizonError) as info:
            call()
        assert isinstance(info.value, paramcfg.EvaluationError)
        en, ja = info.value.message("en"), info.value.message("ja")
        assert "町村税 2026.4" in en
        assert "2027-03-31" in en
        assert "2027-06-01" in en
        assert "町村税 2026.4" in ja
        assert "2027-03-31" in ja
        assert "更新" in ja
    # The last day of the horizon is within it; the day after is not.
    assert town.evaluate("合計", inputs, dt.date(2027, 3, 31)) == 110_100
    with pytest.raises(paramcfg.LawHorizonError):
        town.evaluate("合計", inputs, dt.date(2027, 4, 1))


def test_a_refused_date_stays_refused_after_a_projection(town):
    # The fast path keeps compiled entries by date: a projection must not leave one behind
    # that a later call without the opt-in would find.
    inputs = {"所得": 1_000_000}
    assert town.evaluate("合計", inputs, AFTER, projection=True) == 110_100
    with pytest.raises(paramcfg.LawHorizonError):
        town.evaluate("合計", inputs, AFTER)


def test_a_projection_carries_the_law_forward_and_is_marked(town):
    inputs = {"所得": 1_000_000}
    assert town.is_projection(AFTER)
    assert not town.is_projection(dt.date(2027, 3, 31))
    assert town.evaluate("合計", inputs, AFTER, projection=True) == 110_100
    assert town.evaluate_many("合計", [inputs, {"所得": 0}], AFTER, projection=True) \
        == [110_100, 100]
    assert town.interpret("合計", inputs, AFTER, projection=True) == 110_100
    step = town.explain("合計", inputs, AFTER, projection=True)
    assert step.children[0].kind == "projection"
    assert step.children[0].value == "2027-03-31"
    assert step_to_json(step)["children"][0]["kind"] == "projection"  # type: ignore[index]
    text = render_explanation(step, town.value_types(), "en")
    assert text.splitlines()[1].startswith("├─ PROJECTION: core 町村税 2026.4")
    assert "試算" in render_explanation(step, town.value_types(), "ja")
    # Within the horizon nothing is marked.
    within = town.explain("合計", inputs, dt.date(2026, 6, 1))
    assert all(c.kind != "projection" for c in within.children)


def test_a_core_without_a_horizon_refuses_nothing(tmp_path):
    core = load_core_text(tmp_path, "e.pcore", CORE.replace("  law through 2027-03-31\n", ""))
    town = paramcfg.load_tenant_text(PROFILE, core, "五霞町.pcfg")
    assert not town.is_projection(dt.date(2040, 1, 1))
    assert town.evaluate("合計", {"所得": 1_000_000}, dt.date(2040, 1, 1)) == 110_100


# ---- the command line ---------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "package_core").mkdir()
    (tmp_path / "package_core" / "町村税.pcore").write_text(CORE, encoding="utf-8")
    (tmp_path / "五霞町.pcfg").write_text(PROFILE, encoding="utf-8")
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_eval_refuses_after_the_horizon_in_both_languages(capsys, folder):
    profile = str(folder / "五霞町.pcfg")
    code, out, err = run(capsys, "eval", profile, "合計", "--input", "所得=1,000,000円",
                         "--on", "2027-06-01", "--lang", "en")
    assert code == EXIT_USAGE
    assert not out
    assert "町村税 2026.4 knows the law only through 2027-03-31" in err
    assert "--projection" in err
    code, _, err = run(capsys, "eval", profile, "合計", "--input", "所得=1,000,000円",
                       "--on", "2027-06-01", "--lang", "ja")
    assert code == EXIT_USAGE
    assert "法令は 2027-03-31 までです" in err


def test_eval_projection_is_marked_in_text_and_json(capsys, folder):
    profile = str(folder / "五霞町.pcfg")
    args = ["eval", profile, "合計", "--input", "所得=1,000,000円", "--on", "2027-06-01",
            "--projection"]
    code, out, _ = run(capsys, *args, "--lang", "en")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "合計 = 110,100円   (五霞町, as of 2027-06-01)"
    assert lines[1].startswith("PROJECTION: 2027-06-01 is after 2027-03-31")
    code, out, _ = run(capsys, *args, "--format", "json", "--explain")
    data = json.loads(out, parse_float=Decimal)
    assert (data["value"], data["projection"], data["law_through"]) == (110_100, True, "2027-03-31")
    assert data["explain"]["children"][0]["kind"] == "projection"
    # Within the horizon: no mark.
    code, out, _ = run(capsys, "eval", profile, "合計", "--input", "所得=1,000,000円",
                       "--on", "2026-06-01", "--format", "json")
    assert json.loads(out)["projection"] is False


def test_export_refuses_and_marks(capsys, folder):
    profile = str(folder / "五霞町.pcfg")
    code, _, err = run(capsys, "export", profile, "--format", "json", "--on", "2027-06-01")
    assert code == EXIT_USAGE
    assert "2027-03-31" in err
    code, out, _ = run(capsys, "export", profile, "--format", "json", "--on", "2027-06-01",
                       "--projection")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["projection"] is True
    assert data["law_through"] == "2027-03-31"
    assert data["parameters"]["法定限度額"] == 670_000


def test_acceptance_cases_after_the_horizon_need_the_opt_in(capsys, folder):
    case = """\
[[case]]
name = "令和9年度"
rule = "合計"
on = 2027-06-01
expected = "110,100円"
{extra}
[case.inputs]
"所得" = "1,000,000円"
"""
    tests = folder / "五霞町.test.toml"
    tests.write_text(case.format(extra=""), encoding="utf-8")
    code, out, _ = run(capsys, "test", str(tests), "--lang", "en")
    assert code == EXIT_FINDINGS
    assert "0 passed, 1 failed" in out
    assert "knows the law only through 2027-03-31" in out
    code, out, _ = run(capsys, "test", str(tests), "--projection", "--lang", "en")
    assert code == EXIT_OK
    tests.write_text(case.format(extra="projection = true"), encoding="utf-8")
    code, out, _ = run(capsys, "test", str(tests), "--lang", "en")
    assert code == EXIT_OK
    assert "1 passed, 0 failed" in out


# ---- the shipped release 2026.4, its predecessor 2024.4 and the four towns -----------------

RELEASE_2024 = CORE_DIR / "releases" / "2024.4"
HOUSEHOLD = {
    "国保.被保険者": [
        {"生年月日": dt.date(1980, 5, 1), "総所得金額等": 3_000_000, "軽減判定所得": 3_000_000},
        {"生年月日": dt.date(2010, 5, 1), "総所得金額等": 0, "軽減判定所得": 0},
    ],
    "国保.被保険者以外の判定所得": 0, "国保.特定同一世帯所属者数": 0, "国保.給与所得者等の数": 1,
    "国保.特定世帯区分": "該当なし",
}
PARTS = ("国保.医療分税額", "国保.支援金分税額", "国保.介護分税額", "国保.子ども支援分税額")


def test_the_shipped_core_states_its_horizon(tenants):
    core = next(iter(tenants.values())).core
    assert core.version_text == "2026.5"
    assert core.horizon == dt.date(2027, 3, 31)


@pytest.mark.parametrize("town", [p.stem for p in PROFILES])
def test_fy2026_nhi_tax_has_four_parts_and_fy2027_is_refused(tenants, town):
    tenant = tenants[town]
    fy2025, fy2026 = dt.date(2025, 6, 1), dt.date(2026, 6, 1)
    parts = [tenant.evaluate(p, HOUSEHOLD, fy2026) for p in PARTS]
    assert tenant.evaluate("国保.年税額", HOUSEHOLD, fy2026) == sum(parts)
    # The support levy is charged from FY2026 (an adult with income 3,000,000円 pays an income
    # part of at least 0.3% of 2,570,000円 in every town) and not before.
    assert parts[3] > 0
    assert tenant.evaluate("国保.子ども支援分税額", HOUSEHOLD, fy2025) == 0
    with pytest.raises(paramcfg.LawHorizonError):
        tenant.evaluate("国保.年税額", HOUSEHOLD, dt.date(2027, 6, 1))
    projected = tenant.evaluate("国保.年税額", HOUSEHOLD, dt.date(2027, 6, 1), projection=True)
    assert projected == sum(parts)  # FY2026's law and values, carried forward
    assert tenant.explain("国保.年税額", HOUSEHOLD, dt.date(2027, 6, 1),
                          projection=True).children[0].kind == "projection"


def _with_medical_cap(text: str, block: str, cap: str) -> str:
    """``text`` with a block dated ``block`` that sets 国保.課税限度額's 医療分 to ``cap``."""
    return text + (f"from {block}\n  国保.課税限度額 =\n    | 国保区分 | 課税限度額 |\n"
                   f"    | 医療分   | {cap} |\n    | 支援金分 | 240,000円 |\n"
                   "    | 介護分   | 170,000円 |\n")


def test_the_fy2026_medical_cap_is_law_only_in_the_new_release():
    # 医療分 670,000円 from 2026-04-01: within the FY2026 statutory cap of release 2026.4;
    # under release 2024.4 the cap stays 660,000円 (FY2025) for every later date, so it is an
    # error there, and a FY2025 block with 670,000円 is an error under both.
    new, old = paramcfg.load_core(CORE_DIR), paramcfg.load_core(RELEASE_2024)
    assert old.core is not None
    assert old.core.version_text == "2024.4"
    assert old.core.horizon is None
    base = (CORE_DIR.parent / "tenant_profiles" / "goka.pcfg").read_text(encoding="utf-8")
    fy2026 = _with_medical_cap(base, "2026-10-01", "670,000円")
    assert paramcfg.check_profile_text(fy2026, new, "五霞町.pcfg").ok
    older = fy2026.replace('uses "ibaraki-cloud" >= 2026.5', 'uses "ibaraki-cloud" >= 2024.4')
    above = [d for d in paramcfg.check_profile_text(older, old, "五霞町.pcfg").diagnostics
             if d.code in {"PC0302", "PC0303", "PC0507"} and "670,000円" in d.message()]
    assert above
    fy2025 = _with_medical_cap(base.split("from 2026-04-01", maxsplit=1)[0], "2025-10-01",
                               "670,000円")
    for core in (new, old):
        result = paramcfg.check_profile_text(fy2025, core, "五霞町.pcfg")
        assert any("670,000円" in d.message() and d.code in {"PC0302", "PC0303", "PC0507"}
                   for d in result.diagnostics)


def test_a_refusal_keeps_its_kind_through_a_batch_row_and_a_pickle(town):
    import pickle  # noqa: PLC0415

    with pytest.raises(paramcfg.LawHorizonError) as info:
        town.evaluate("合計", {"所得": 1}, AFTER)
    again = pickle.loads(pickle.dumps(info.value))  # noqa: S301 - our own object
    assert type(again) is paramcfg.LawHorizonError
    assert again.message("ja") == info.value.message("ja")
    assert type(info.value.at_row(3)) is paramcfg.LawHorizonError
    with pytest.raises(paramcfg.LawHorizonError):
        town.evaluate_rows("合計", [{"所得": 1}], AFTER)
    assert [r.value for r in town.evaluate_rows("合計", [{"所得": 1_000_000}], AFTER,
                                                projection=True)] == [110_100]
