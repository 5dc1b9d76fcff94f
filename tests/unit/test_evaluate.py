"""Evaluation: errors that name the rule and input, safety of generated code, threads."""

from __future__ import annotations

import datetime as dt
import linecache
import threading
from decimal import Decimal

import pytest
from helpers import ROOT, load_core_text

import paramcfg
from paramcfg.engine import load_core, load_tenant_text

ON = dt.date(2024, 6, 1)

CORE = """core "eval-test" version 1.0
enum 区分 { 甲, 乙 }
record 世帯員 { 年齢 : int, 所得 : yen }
input 所得 : yen
input 区 : 区分
input 世帯 : list of 世帯員
input 生年月日 : date
param 率 : rate default 1.4%
param 料金 : table[所得 : yen, 区分] of yen
  required
rule 税 : yen = floor(floor(所得, 1000) * 率, 100)
rule 料 : yen = 料金(所得, 区)
rule 合計 : yen = sum(世帯, m -> max(m.所得 - 430,000円, 0円))
rule 人数 : int = count(世帯, m -> m.年齢 >= 40 and m.年齢 < 65)
rule 年齢 : int = age_on(生年月日, as_of)
rule 割 : yen = floor(所得 / 0, 1)
"""

PROFILE = """tenant "五霞町" code 085421
uses "eval-test"
from 2024-04-01
  料金 =
    | 所得        |    甲 |    乙 |
    | < 100,000円 | 100円 | 200円 |
    | >= 100,000円 | 300円 | 400円 |
from 2025-04-01
  率 = 1.5%
"""


@pytest.fixture(scope="module")
def tenant(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("core"), "eval.pcore", CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text(PROFILE, core, "五霞町.pcfg")


def test_values_follow_the_effective_date(tenant):
    # 1,234,567 → 1,234,000 × 1.4% = 17,276 → 17,200; from 2025-04-01 × 1.5% = 18,510 → 18,500.
    assert tenant.evaluate("税", {"所得": 1_234_567}, ON) == 17_200
    assert tenant.evaluate("税", {"所得": 1_234_567}, dt.date(2025, 4, 1)) == 18_500
    assert tenant.evaluate("税", {"所得": 1_234_567}, dt.date(2025, 3, 31)) == 17_200


def test_half_open_brackets(tenant):
    assert tenant.evaluate("料", {"所得": 99_999, "区": "乙"}, ON) == 200
    assert tenant.evaluate("料", {"所得": 100_000, "区": "乙"}, ON) == 400


def test_list_inputs_of_records(tenant):
    members = [{"年齢": 45, "所得": 1_000_000}, {"年齢": 70, "所得": 300_000},
               {"年齢": 40, "所得": 430_000}]
    # (1,000,000 − 430,000) + max(300,000 − 430,000, 0) + (430,000 − 430,000) = 570,000
    assert tenant.evaluate("合計", {"世帯": members}, ON) == 570_000
    assert tenant.evaluate("人数", {"世帯": members}, ON) == 2  # 45 and 40
    assert tenant.evaluate("合計", {"世帯": []}, ON) == 0


def test_age_on_the_evaluation_date(tenant):
    assert tenant.evaluate("年齢", {"生年月日": dt.date(1984, 6, 2)}, ON) == 39
    assert tenant.evaluate("年齢", {"生年月日": dt.date(1984, 6, 1)}, ON) == 40


@pytest.mark.parametrize("how", ["evaluate", "interpret"])
def test_missing_input_is_never_zero(tenant, how):
    with pytest.raises(paramcfg.EvaluationError) as err:
        getattr(tenant, how)("料", {"所得": 1}, ON)
    assert err.value.name == "区"
    assert err.value.rule == "料"
    assert "区" in str(err.value)


@pytest.mark.parametrize("how", ["evaluate", "interpret"])
@pytest.mark.parametrize(("inputs", "bad"), [
    ({"所得": 100000.0}, "所得"),          # a float is never money
    ({"所得": True}, "所得"),              # nor is a bool
    ({"所得": "100000"}, "所得"),
])
def test_wrong_input_type(tenant, how, inputs, bad):
    with pytest.raises(paramcfg.EvaluationError) as err:
        getattr(tenant, how)("税", inputs, ON)
    assert err.value.name == bad


def test_unknown_enum_member_input(tenant):
    with pytest.raises(paramcfg.EvaluationError, match="区"):
        tenant.evaluate("料", {"所得": 1, "区": "丙"}, ON)


def test_date_before_the_first_effective_date(tenant):
    with pytest.raises(paramcfg.EvaluationError, match="2024-04-01"):
        tenant.evaluate("税", {"所得": 1}, dt.date(2024, 3, 31))


def test_key_outside_every_bracket(tenant):
    with pytest.raises(paramcfg.EvaluationError, match="outside every bracket") as err:
        tenant.evaluate("料", {"所得": -1, "区": "甲"}, ON)
    assert err.value.rule == "料"


def test_an_error_inside_generated_code_names_the_rule_line(tenant):
    with pytest.raises(paramcfg.EvaluationError) as err:
        tenant.evaluate("割", {"所得": 5}, ON)
    assert err.value.rule == "割"
    assert err.value.span is not None
    assert err.value.span.line == CORE.splitlines().index(
        "rule 割 : yen = floor(所得 / 0, 1)") + 1


def test_generated_source_holds_no_user_text(tenant):
    compiled = tenant.compiled(ON)
    source = compiled.source
    for text in ("所得", "区分", "料金", "甲", "乙", "五霞町", "1.4", "100"):
        assert text not in source
    # It is registered for tracebacks under a generated name.
    assert linecache.getlines(compiled.filename) == source.splitlines(keepends=True)


def test_python_looking_names_are_data(tmp_path):
    core_text = ('core "x" version 1.0\nenum 区分 { __import__, __class__ }\n'
                 'input k : 区分\nparam 表 : table[区分] of yen\n  required\n'
                 "rule r : yen = 表(k)\n")
    core = load_core_text(tmp_path, "x.pcore", core_text)
    assert core.ok
    tenant = load_tenant_text('tenant "五霞町" code 085421\nuses "x"\nfrom 2024-04-01\n'
                              "  表 =\n    | 区分 | 額 |\n    | __import__ | 1円 |\n"
                              "    | __class__ | 2円 |\n", core)
    assert tenant.evaluate("r", {"k": "__import__"}, ON) == 1
    assert "__import__" not in tenant.compiled(ON).source


def test_results_are_exact(tenant):
    result = tenant.evaluate("税", {"所得": 10**15 + 999}, ON)
    # 10^15 + 999 → 10^15; × 0.014 = 1.4 × 10^13 exactly.
    assert result == 14 * 10**12
    assert type(result) is int
    assert tenant.parameters(ON)["率"] == Decimal("0.014")


def test_threads_get_the_results_of_a_sequential_run():
    core = load_core(ROOT / "package_core")
    towns = [paramcfg.load_tenant(p, core) for p in sorted((ROOT / "tenant_profiles").glob("*.pcfg"))]
    cases = [(town, income, date) for town in towns for income in range(0, 600_000, 7_919)
             for date in (ON, dt.date(2025, 6, 1))]

    def fee(town, income, date):
        return town.evaluate("保育料.月額計算", {
            "所得割額": income, "認定": "3号", "時間": "標準", "生活保護世帯": False,
            "非課税世帯": False, "多子順位.未就学児": 1, "多子順位.全兄弟": 2}, date)

    expected = [fee(*case) for case in cases]
    # Fresh tenants, so that the threads race to fill the caches on first use.
    towns = [paramcfg.load_tenant(p, core) for p in sorted((ROOT / "tenant_profiles").glob("*.pcfg"))]
    cases = [(towns[i // (len(cases) // 4)], inc, d) for i, (_, inc, d) in enumerate(cases)]
    results: list[object] = [None] * len(cases)
    barrier = threading.Barrier(8)

    def work(k: int) -> None:
        barrier.wait()
        for i in range(k, len(cases), 8):
            results[i] = fee(*cases[i])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == expected


def test_one_tenant_never_changes_another():
    """Loading and evaluating a town with extreme values leaves another town's results alone:
    parameters are folded per tenant and period, and nothing is shared that a tenant writes."""
    core = load_core(ROOT / "package_core")
    goka_path = ROOT / "tenant_profiles" / "goka.pcfg"
    goka = paramcfg.load_tenant(goka_path, core)
    household = {"所得割額": 100_000, "認定": "3号", "時間": "標準", "生活保護世帯": False,
                 "非課税世帯": False, "多子順位.未就学児": 1, "多子順位.全兄弟": 1}
    before = [goka.evaluate("保育料.月額計算", household, ON),
              goka.evaluate("固定資産税.年税額", {}, ON, ("土地", 1_234_567))]
    other_text = goka_path.read_text(encoding="utf-8").replace(
        "固定資産税.税率 = 1.4%", "固定資産税.税率 = 9.9%").replace('"五霞町"', '"別町"')
    other = paramcfg.load_tenant_text(other_text, core, "別町.pcfg")
    # 1,234,000 × 9.9% = 122,166 → 122,100円 for the other town.
    assert other.evaluate("固定資産税.年税額", {}, ON, ("土地", 1_234_567)) == 122_100
    after = [goka.evaluate("保育料.月額計算", household, ON),
             goka.evaluate("固定資産税.年税額", {}, ON, ("土地", 1_234_567))]
    assert after == before == [29_500, 17_200]


CHECKS_CORE = """core "checks" version 1.0
enum 区分 { 甲, 乙 }
input 額 : yen
input 数 : int
input 率 : rate
input 小数 : decimal
input 真偽 : bool
input 日 : date
input 文 : text(10)
input 区 : 区分
rule 全部 : yen = if 真偽 and 区 == 甲 and 文 == 文 and 日 == 日 and 率 == 率 and 小数 == 小数
  then 額 + 数 * 1円 else 額
rule 引数(額 : yen, 数 : int, 率 : rate, 小数 : decimal, 真偽 : bool, 日 : date, 文 : text(10),
  区 : 区分) : yen = if 真偽 and 区 == 甲 and 文 == 文 and 日 == 日 and 率 == 率 and 小数 == 小数
  then 額 + 数 * 1円 else 額
"""


class _Text(str):
    __slots__ = ()


class _Dec(Decimal):
    __slots__ = ()


GOOD = {"額": 1, "数": 2, "率": Decimal("0.5"), "小数": 3, "真偽": True,
        "日": dt.date(2024, 1, 1), "文": "x", "区": "甲"}
# Values each checked type must refuse or accept exactly as runtime.check_input does.
ODD = [1.0, True, False, 0, -5, 10**30, "1", "甲", "丙", _Text("甲"), _Text("x"), Decimal("1.5"),
       Decimal("NaN"), Decimal("Infinity"), _Dec("2"), _Dec("NaN"), dt.date(2024, 2, 2),
       dt.datetime(2024, 2, 2, tzinfo=dt.UTC), None, [1], {"a": 1}, b"x"]


@pytest.fixture(scope="module")
def checks_tenant(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("checks"), "checks.pcore", CHECKS_CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text('tenant "五霞町" code 085421\nuses "checks"\nfrom 2024-04-01\n', core)


def _outcome(fn):
    try:
        return ("value", fn())
    except paramcfg.EvaluationError as exc:
        return ("error", str(exc), exc.rule, exc.name)


@pytest.mark.parametrize("name", list(GOOD))
@pytest.mark.parametrize("value", ODD, ids=repr)
def test_compiled_checks_accept_and_refuse_as_check_input(checks_tenant, name, value):
    """Inputs and rule arguments: the compiled entry's inline checks give what the interpreter
    (which calls runtime.check_input) gives, value or error, message included."""
    inputs = {**GOOD, name: value}
    assert _outcome(lambda: checks_tenant.evaluate("全部", inputs, ON)) == \
        _outcome(lambda: checks_tenant.interpret("全部", inputs, ON))
    args = tuple(inputs.values())
    assert _outcome(lambda: checks_tenant.evaluate("引数", {}, ON, args)) == \
        _outcome(lambda: checks_tenant.interpret("引数", {}, ON, args))


def test_an_error_in_a_called_rule_names_its_line(tmp_path):
    """Rule calls are inlined into the caller's generated function; an error still names the
    line of the called rule where it happened, as it did when the call was a Python call."""
    core_text = ('core "spans" version 1.0\ninput 日 : date\nparam 月数 : int default 1\n'
                 "rule 内 : date =\n  let x = add_months(日, 月数)\n  x\n"
                 "rule 外 : date =\n  let y = 内\n  y\n")
    core = load_core_text(tmp_path, "spans.pcore", core_text)
    assert core.ok, [d.message() for d in core.diagnostics]
    town = load_tenant_text('tenant "五霞町" code 085421\nuses "spans"\nfrom 2024-04-01\n', core)
    with pytest.raises(paramcfg.EvaluationError, match="outside the calendar") as err:
        town.evaluate("外", {"日": dt.date(9999, 12, 31)}, ON)  # past the last date Python has
    assert err.value.rule == "外"
    assert err.value.span is not None
    assert (err.value.span.line, err.value.span.col) == (5, 11)  # `add_months(…)` in rule 内


def test_inlining_rule_calls_stays_bounded(tmp_path):
    """A chain of rules each calling the one before twice doubles at every step; inlining
    stops at a budget, so the generated source stays small and the answer is unchanged."""
    rules = ["rule r0 : yen = 額"] + [
        f"rule r{k} : yen =\n  let a = r{k - 1}\n  let b = r{k - 1}\n  a + b" for k in range(1, 21)]
    core = load_core_text(tmp_path, "chain.pcore",
                          'core "chain" version 1.0\ninput 額 : yen\n' + "\n".join(rules) + "\n")
    assert core.ok, [d.message() for d in core.diagnostics]
    town = load_tenant_text('tenant "五霞町" code 085421\nuses "chain"\nfrom 2024-04-01\n', core)
    assert town.evaluate("r20", {"額": 3}, ON) == 3 * 2**20 == town.interpret("r20", {"額": 3}, ON)
    # 42 functions, each with at most 16 inlined calls; an inlined call is a few lines since it
    # looks its result up in the evaluation's memo first (about 88 lines a function).
    assert len(town.compiled(ON).source.splitlines()) < 4000


def test_evaluate_reports_the_same_errors_once_a_date_is_cached(tenant):
    for _ in range(2):  # the first call fills the per-date cache, the second uses it
        assert tenant.evaluate("税", {"所得": 1_234_567}, ON) == 17_200
        with pytest.raises(paramcfg.EvaluationError, match="no rule 税額"):
            tenant.evaluate("税額", {"所得": 1}, ON)
        with pytest.raises(paramcfg.EvaluationError, match="2024-04-01"):
            tenant.evaluate("税", {"所得": 1}, dt.date(2024, 3, 31))
        # An unknown rule is named before a date that is too early, as before.
        with pytest.raises(paramcfg.EvaluationError, match="no rule 税額"):
            tenant.evaluate("税額", {"所得": 1}, dt.date(2024, 3, 31))
        assert tenant.evaluate("料", {"所得": 1, "区": "甲"}, dt.date(2025, 4, 1), ()) == 100


RECORDS_CORE = """core "records" version 1.0
enum 区分 { 甲, 乙 }
record 人 {
  年齢 : int
  所得 : yen
    default 5円
  区 : 区分
}
record 箱 {
  中身 : list of yen
}
input 人々 : list of 人
input 額s : list of yen
input 区s : list of 区分
input 一人 : 人
input 一箱 : 箱
rule 計 : yen =
  sum(人々, m -> m.所得 + m.年齢 * 1円) + sum(額s) + count(区s) * 1円 + 一人.所得 + sum(一箱.中身)
"""

RECORDS_GOOD = {"人々": [{"年齢": 1, "区": "甲"}, {"年齢": 2, "所得": 3, "区": "乙"}],
                "額s": [1, 2], "区s": ("甲",), "一人": {"年齢": 3, "所得": 7, "区": "乙"},
                "一箱": {"中身": [1]}}


class _Dict(dict[str, object]):
    __slots__ = ()


class _List(list[object]):
    __slots__ = ()


def _people(*changes):
    return [{"年齢": 1, "区": "甲", **change} for change in changes]


RECORDS_ODD = [
    [], (), [1], _List([1, 2]), "12", b"12", {"a": 1}, None, 1, [1.0], [True], [1, "2"],
    ["甲"], ["丙"], [_Text("甲")], [[1]], [{}], _people({}), _people({"所得": 1.5}),
    _people({"所得": None}), _people({"年齢": True}), _people({"区": "丙"}), _people({"区": ["甲"]}),
    _people({"余分": 1}), _people({}, {"所得": "x"}), [_Dict({"年齢": 1, "区": "甲"})],
    {"年齢": 3, "区": "甲"}, _Dict({"年齢": 3, "区": "甲"}), {"年齢": 3}, {"中身": [1, 2]},
    {"中身": [1.0]}, {"中身": 5}, {"中身": _List([3])},
]


@pytest.fixture(scope="module")
def records_tenant(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("records"), "records.pcore", RECORDS_CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text('tenant "五霞町" code 085421\nuses "records"\nfrom 2024-04-01\n', core)


@pytest.mark.parametrize("name", list(RECORDS_GOOD))
@pytest.mark.parametrize("value", RECORDS_ODD, ids=repr)
def test_compiled_list_and_record_checks_are_check_input(records_tenant, name, value):
    """Lists and records go through generated checkers; they accept, convert and refuse what
    runtime.check_input does (the interpreter calls it), with its messages."""
    inputs = {**RECORDS_GOOD, name: value}
    assert _outcome(lambda: records_tenant.evaluate("計", inputs, ON)) == \
        _outcome(lambda: records_tenant.interpret("計", inputs, ON))


def test_a_huge_input_gives_the_same_outcome_in_both_evaluators(tenant):
    # 5,000 digits: Python refuses to turn such an int into text (sys.int_info's limit); the
    # interpreter used to format every input even when not explaining, and crashed.
    huge = 10 ** 5000
    outcomes = []
    for method in ("evaluate", "interpret"):
        try:
            outcomes.append(("value", getattr(tenant, method)("税", {"所得": huge}, ON)))
        except paramcfg.EvaluationError:
            outcomes.append(("error", None))
    assert outcomes[0] == outcomes[1]


def test_a_huge_input_is_explained_or_refused_never_a_crash(tenant):
    # The rule cannot work on 5,000 digits (50-digit arithmetic): an EvaluationError, not the
    # ValueError that printing such an int raises; and such a value is written by its size.
    with pytest.raises(paramcfg.EvaluationError):
        tenant.explain("税", {"所得": 10 ** 5000}, ON)
    from paramcfg.values import format_value  # noqa: PLC0415

    assert format_value(10 ** 5000) == "(a number of about 5,000 digits)"


def test_a_huge_value_of_the_wrong_type_is_named_by_its_size():
    from paramcfg import runtime as rt  # noqa: PLC0415
    from paramcfg import types as t  # noqa: PLC0415

    with pytest.raises(paramcfg.EvaluationError, match="5,000 digits"):
        rt.check_input("r", "x", t.BoolType(), 10 ** 5000)
