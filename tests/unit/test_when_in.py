"""`when SWITCH in [A, B, …]`: a parameter used under several members of an option (issue 17
item 3: 平等割 is levied under both 三方式 and 四方式)."""

from __future__ import annotations

import pytest
from helpers import load_core_text

from paramcfg.engine import check_profile_text

CORE = (
    'core "c" version 2024.4\n'
    "enum 方式 { 二方式, 三方式, 四方式 }\n"
    "param 国保.賦課方式 : 方式\n  default 三方式\n"
    "param 国保.平等割額 : yen\n  default 0円\n  WHEN\n"
)


def core_text(when: str) -> str:
    return CORE.replace("WHEN", when)
IN = "when 国保.賦課方式 in [三方式, 四方式]"
HEADER = 'tenant "五霞町" code 085421\nuses "c" >= 2024.4\n\nfrom 2024-04-01\n'


def test_a_switch_on_several_members_is_kept_as_all_of_them(tmp_path):
    result = load_core_text(tmp_path, "c.pcore", core_text(IN))
    assert result.diagnostics == ()
    assert result.core is not None
    param = result.core.params["国保.平等割額"]
    assert param.when == ("国保.賦課方式", ("三方式", "四方式"))
    # The clause's span runs from the switch to the closing bracket (line 7, `when` at col 3).
    assert param.when_span is not None
    assert (param.when_span.line, param.when_span.col, param.when_span.end_col) == (
        7, 8, 3 + len(IN))


def test_the_equals_form_is_one_member(tmp_path):
    result = load_core_text(tmp_path, "c.pcore", core_text("when 国保.賦課方式 == 三方式"))
    assert result.core is not None
    assert result.core.params["国保.平等割額"].when == ("国保.賦課方式", ("三方式",))


def test_each_member_that_is_not_in_the_enum_is_reported_once(tmp_path):
    result = load_core_text(tmp_path, "c.pcore", core_text("when 国保.賦課方式 in [三方式, 五方式, 六方式]"))
    assert [(d.code, d.span.line, d.args["member"]) for d in result.diagnostics] == [
        ("PC0712", 7, "五方式"), ("PC0712", 7, "六方式")]
    d = result.diagnostics[0]
    assert d.message("en") == "五方式 is not a member of 方式, the type of 国保.賦課方式"
    assert d.message("ja") == "「五方式」は「国保.賦課方式」の型 方式 の要素ではありません"
    assert d.hint("ja") == "次のどれかを書いてください: 二方式、三方式、四方式"


def test_a_switch_that_is_not_an_enum_is_reported_for_the_in_form_too(tmp_path):
    text = core_text("when 国保.税率 in [三方式]") + "param 国保.税率 : rate\n  default 1%\n"
    result = load_core_text(tmp_path, "c.pcore", text)
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("PC0711", 7)]
    assert "when 国保.税率 == …" in result.diagnostics[0].message("en")


@pytest.mark.parametrize("clause", ["when 国保.賦課方式 in []", "when 国保.賦課方式 in 三方式",
                                    "when 国保.賦課方式 in [三方式 四方式]"])
def test_a_malformed_member_list_is_a_syntax_error_not_a_crash(tmp_path, clause):
    result = load_core_text(tmp_path, "c.pcore", core_text(clause))
    assert result.diagnostics
    assert all(d.code.startswith("PC01") and d.span.line == 7 for d in result.diagnostics)


@pytest.fixture
def core(tmp_path):
    return load_core_text(tmp_path, "c.pcore", core_text(IN))


@pytest.mark.parametrize("method", ["三方式", "四方式"])
def test_a_value_set_under_any_of_the_members_is_used(core, method):
    text = HEADER + f"  国保.賦課方式 = {method}\n  国保.平等割額 = 22,000円\n"
    assert check_profile_text(text, core, "goka.pcfg").diagnostics == ()


def test_a_value_set_under_another_member_is_reported_with_every_member(core):
    # 二方式 levies no 平等割: the 22,000円 would never be used (PC0412), in both languages.
    text = HEADER + "  国保.賦課方式 = 二方式\n  国保.平等割額 = 22,000円\n"
    (d,) = check_profile_text(text, core, "goka.pcfg").diagnostics
    assert (d.code, d.span.line, d.span.col) == ("PC0412", 6, 3)
    assert d.message("en") == (
        "国保.平等割額 is set, but it is used only when 国保.賦課方式 is 三方式 or 四方式; "
        "as of 2024-04-01 国保.賦課方式 is 二方式")
    assert d.message("ja") == (
        "「国保.平等割額」が設定されていますが、この値は「国保.賦課方式」が 三方式または四方式 の"
        "ときだけ使われます（2024-04-01 時点の「国保.賦課方式」は 二方式）")
    assert d.hint("en").startswith("set 国保.賦課方式 = 三方式 or 四方式 if 国保.平等割額 applies")
    assert d.hint("ja").startswith(
        "本団体で「国保.平等割額」を使うなら 国保.賦課方式 = 三方式または四方式 に")


def test_setting_the_value_back_to_the_default_under_another_member_is_allowed(core):
    text = HEADER + "  国保.賦課方式 = 二方式\n  国保.平等割額 = 0円\n"
    assert check_profile_text(text, core, "goka.pcfg").diagnostics == ()
