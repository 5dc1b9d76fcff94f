"""The Python API's bad calls (issue 14): every one raises EvaluationError naming the rule and
the input or argument, in English and Japanese, whichever way the rule is evaluated."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import pytest
from helpers import ROOT

import paramcfg
from paramcfg.engine import Tenant, load_core, load_tenant_text
from paramcfg.errors import EvaluationError

ON = dt.date(2024, 6, 1)

CORE = """core "api-errors" version 1.0
enum 区分 { 甲, 乙 }
record 世帯員 {
  年齢 : int
  所得 : yen
  障害 : bool default false
}
input 所得 : yen
input 区 : 区分
input 世帯 : list of 世帯員
input 扶養人数 : int
param 率 : rate default 1.5%
rule 税 : yen = floor(所得 * 率, 100) + 扶養人数 * 0円
rule 率だけ : rate = 率
rule 区だけ : 区分 = 区
rule 加算(額 : yen, 人数 : int) : yen = 額 + 人数 * 1,000円
rule 合計 : yen = sum(世帯, m -> m.所得)
"""

PROFILE = """tenant "五霞町" code 085421
uses "api-errors"
from 2024-04-01
  率 = 1.5%
"""


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Tenant:
    folder = tmp_path_factory.mktemp("core")
    (folder / "api-errors.pcore").write_text(CORE, encoding="utf-8")
    core = load_core(folder)
    assert core.ok, core.diagnostics
    return load_tenant_text(PROFILE, core)


Call = Callable[[Tenant, str, Mapping[str, object], Sequence[object]], object]


def _evaluate(t: Tenant, rule: str, inputs: Mapping[str, object], args: Sequence[object]) -> object:
    return t.evaluate(rule, inputs, ON, args)


def _many(t: Tenant, rule: str, inputs: Mapping[str, object], args: Sequence[object]) -> object:
    assert not args  # a batch gives no arguments
    return t.evaluate_many(rule, [inputs], ON)


def _interpret(t: Tenant, rule: str, inputs: Mapping[str, object],
               args: Sequence[object]) -> object:
    return t.interpret(rule, inputs, ON, args)


def _explain(t: Tenant, rule: str, inputs: Mapping[str, object], args: Sequence[object]) -> object:
    return t.explain(rule, inputs, ON, args)


ALL: dict[str, Call] = {"evaluate": _evaluate, "evaluate_many": _many,
                        "interpret": _interpret, "explain": _explain}
WITH_ARGS = {k: v for k, v in ALL.items() if k != "evaluate_many"}


def _raises(call: Call, town: Tenant, rule: str, inputs: Mapping[str, object],
            args: Sequence[object] = ()) -> EvaluationError:
    with pytest.raises(EvaluationError) as info:
        call(town, rule, inputs, args)
    exc = info.value
    assert exc.rule == rule
    assert exc.msg_ja
    assert exc.msg_ja != exc.msg
    assert exc.span is not None
    assert exc.span.line > 0
    return exc


# -- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ALL)
def test_rule_with_arguments_called_with_none(town: Tenant, how: str) -> None:
    exc = _raises(ALL[how], town, "加算", {})
    assert "takes 2 argument(s) (額, 人数), not 0" in exc.msg
    assert "引数は 2 個" in exc.msg_ja


@pytest.mark.parametrize("how", WITH_ARGS)
def test_rule_with_arguments_called_with_too_many(town: Tenant, how: str) -> None:
    exc = _raises(WITH_ARGS[how], town, "加算", {}, (1, 2, 3))
    assert "takes 2 argument(s) (額, 人数), not 3" in exc.msg


@pytest.mark.parametrize("how", WITH_ARGS)
def test_arguments_given_by_name_in_inputs(town: Tenant, how: str) -> None:
    exc = _raises(WITH_ARGS[how], town, "加算", {"額": 1000, "人数": 2})
    assert exc.name == "額"
    assert "額 is an argument of rule 加算, not an input" in exc.msg
    assert "args=(額, 人数)" in exc.msg
    assert "引数" in exc.msg_ja
    # also when the arguments are given right as well: the named copy is refused, not ignored
    exc = _raises(WITH_ARGS[how], town, "加算", {"人数": 2}, (1000, 2))
    assert exc.name == "人数"


@pytest.mark.parametrize("how", WITH_ARGS)
def test_good_calls_with_arguments_still_work(town: Tenant, how: str) -> None:
    value = WITH_ARGS[how](town, "加算", {}, (1000, 2))
    assert (value if how != "explain" else value.value) == 3000  # type: ignore[attr-defined]


# -- inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ALL)
def test_all_missing_inputs_in_one_error(town: Tenant, how: str) -> None:
    exc = _raises(ALL[how], town, "税", {})
    assert "needs 2 inputs which were not given: 所得, 扶養人数" in exc.msg \
        or "needs 2 inputs which were not given: 扶養人数, 所得" in exc.msg
    assert "所得" in exc.msg_ja
    assert "扶養人数" in exc.msg_ja
    assert exc.name in {"所得", "扶養人数"}


@pytest.mark.parametrize("how", ALL)
def test_one_missing_input_keeps_its_message(town: Tenant, how: str) -> None:
    exc = _raises(ALL[how], town, "税", {"所得": 100_000})
    assert exc.name == "扶養人数"
    assert "rule 税 needs input 扶養人数, which was not given" in exc.msg


@pytest.mark.parametrize("how", ALL)
def test_unknown_input_key_with_did_you_mean(town: Tenant, how: str) -> None:
    # a misspelling with everything else right: refused, not silently ignored
    exc = _raises(ALL[how], town, "税", {"所得": 100_000, "扶養人数": 1, "扶養人員": 1})
    assert exc.name == "扶養人員"
    assert "rule 税 has no input 扶養人員" in exc.msg
    assert "扶養人数" in exc.msg
    assert "扶養人員" in exc.msg_ja
    # a misspelling in place of the right name: the misspelling is named, not "missing"
    exc = _raises(ALL[how], town, "税", {"所得": 100_000, "扶養人員": 1})
    assert exc.name == "扶養人員"
    assert "扶養人数" in exc.msg


@pytest.mark.parametrize("how", ALL)
def test_did_you_mean_is_limited_to_the_rules_own_inputs(town: Tenant, how: str) -> None:
    # 区 is an input of the core, close to 区x, but rule 税 does not read it
    exc = _raises(ALL[how], town, "税", {"所得": 1, "扶養人数": 0, "区x": "甲"})
    assert exc.name == "区x"
    assert "`区`" not in exc.msg


@pytest.mark.parametrize("how", ALL)
def test_another_rules_input_is_accepted(town: Tenant, how: str) -> None:
    # one household's inputs for several rules: an input of the core is not an error
    value = ALL[how](town, "税", {"所得": 100_000, "扶養人数": 0, "区": "甲"}, ())
    got = value[0] if how == "evaluate_many" else value  # type: ignore[index]
    got = getattr(got, "value", got)
    assert got == 1500


@pytest.mark.parametrize("how", ALL)
def test_unknown_field_in_a_record(town: Tenant, how: str) -> None:
    members = [{"年齢": 40, "所得": 1000}, {"年齢": 41, "所得": 2000, "障がい": True}]
    exc = _raises(ALL[how], town, "合計", {"世帯": members})
    assert "世帯[2].障がい" in exc.msg
    assert "no field" in exc.msg
    assert "障害" in exc.msg
    assert "障がい" in exc.msg_ja
    # with every field given, the extra one is refused too
    members[1]["障害"] = False
    exc = _raises(ALL[how], town, "合計", {"世帯": members})
    assert "世帯[2].障がい" in exc.msg


@pytest.mark.parametrize("how", ALL)
def test_fractional_yen_in_a_record_says_what_is_wrong(town: Tenant, how: str) -> None:
    members = [{"年齢": 40, "所得": Decimal("1000.5")}]
    exc = _raises(ALL[how], town, "合計", {"世帯": members})
    assert "世帯[1].所得" in exc.msg
    assert "a fraction of a yen" in exc.msg
    assert "not a list" not in exc.msg
    assert "端数" in exc.msg_ja


def test_good_record_calls_agree(town: Tenant) -> None:
    members = [{"年齢": 40, "所得": 1000}, {"年齢": 41, "所得": 2000, "障害": True}]
    for how, call in ALL.items():
        value = call(town, "合計", {"世帯": members}, ())
        got = value[0] if how == "evaluate_many" else value  # type: ignore[index]
        assert getattr(got, "value", got) == 3000, how


def test_batches_name_the_row(town: Tenant) -> None:
    rows = [{"所得": 1, "扶養人数": 0}, {"所得": 1, "扶養人": 0}]
    with pytest.raises(EvaluationError) as info:
        town.evaluate_many("税", rows, ON)
    assert info.value.row == 1
    assert "扶養人" in info.value.msg
    results = town.evaluate_rows("税", rows, ON)
    assert results[0].error is None
    assert results[1].error is not None
    assert "扶養人" in results[1].error.msg


def test_check_call_checks_without_evaluating(town: Tenant) -> None:
    town.check_call("税", {"所得": 1, "扶養人数": 0})
    with pytest.raises(EvaluationError, match="needs 2 inputs"):
        town.check_call("税", {})


# -- typed results --------------------------------------------------------------------------


def test_typed_results(town: Tenant) -> None:
    inputs = {"所得": 100_000, "扶養人数": 0}
    fee: int = town.evaluate_yen("税", inputs, ON)
    assert fee == 1500
    assert type(fee) is int
    assert town.evaluate_as(int, "税", inputs, ON) == 1500
    rate: Decimal = town.evaluate_as(Decimal, "率だけ", {}, ON)
    assert rate == Decimal("0.015")
    assert type(rate) is Decimal
    assert town.evaluate_as(str, "区だけ", {"区": "乙"}, ON) == "乙"
    assert town.evaluate_as(int, "加算", {}, ON, (1000, 1)) == 2000


def test_typed_result_of_the_wrong_type(town: Tenant) -> None:
    with pytest.raises(EvaluationError) as info:
        town.evaluate_yen("率だけ", {}, ON)
    assert info.value.rule == "率だけ"
    assert "not a yen" in info.value.msg
    assert info.value.msg_ja
    with pytest.raises(EvaluationError, match="not a int"):
        town.evaluate_as(int, "区だけ", {"区": "乙"}, ON)


# -- the package ----------------------------------------------------------------------------


def test_dir_lists_the_public_names() -> None:
    names = dir(paramcfg)
    for name in paramcfg.__all__:
        assert name in names
    assert "render_explanation" in paramcfg.__all__


def test_render_explanation_is_public(town: Tenant) -> None:
    step = town.explain("税", {"所得": 100_000, "扶養人数": 0}, ON)
    text = paramcfg.render_explanation(step, town.value_types(), "en")
    assert "税" in text
    assert "1,500円" in text


def test_dir_in_a_fresh_interpreter_lists_lazy_names() -> None:
    out = subprocess.run([sys.executable, "-c", "import paramcfg; print(dir(paramcfg))"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "'load_tenant'" in out
    assert "'render_explanation'" in out


# -- paramcfg eval: a core warning must not hide a profile error ------------------------------

WARNED_CORE = """core "warned" version 1.0
  law through 2024-03-31
input 所得 : yen
param 率 : rate
  required
param 上限 : yen
  fixed
  default 1,000円
rule 税 : yen = min(floor(所得 * 率, 100), 上限)
from 2024-04-01
  上限 = 2,000円
"""

BAD_PROFILE = """tenant "五霞町" code 085421
uses "warned"
from 2023-04-01
  率 = abc
"""


def test_eval_shows_the_profile_error_under_a_core_warning(
        tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    from paramcfg.cli import main  # noqa: PLC0415

    folder = tmp_path / "package_core"  # type: ignore[operator]
    folder.mkdir()
    (folder / "warned.pcore").write_text(WARNED_CORE, encoding="utf-8")
    core = load_core(folder)
    assert core.ok
    assert [d.code for d in core.diagnostics] == ["PC0413"]  # a warning only
    profile = tmp_path / "goka.pcfg"  # type: ignore[operator]
    profile.write_text(BAD_PROFILE, encoding="utf-8")
    code = main(["eval", str(profile), "税", "--input", "所得=1円", "--on", "2023-06-01",
                 "--core", str(folder), "--lang", "en"])
    out = capsys.readouterr()
    assert code != 0
    text = out.out + out.err
    assert "PC0413" in text  # the core's warning …
    assert "goka.pcfg:4:" in text  # … and the profile's error, at its line


def test_a_batch_of_a_rule_with_arguments_fails_each_row_as_evaluate_does(town: Tenant) -> None:
    assert town.evaluate_many("加算", [], ON) == []  # no row, nothing to refuse
    with pytest.raises(EvaluationError) as info:
        town.evaluate_many("加算", [{}, {}], ON)
    assert info.value.row == 0
    assert "takes 2 argument(s)" in info.value.msg
    results = town.evaluate_rows("加算", [{}, {"額": 1}], ON)
    assert [type(r.error).__name__ for r in results] == ["EvaluationError", "EvaluationError"]
    assert results[1].error is not None
    assert "額 is an argument" in results[1].error.msg
