"""Issue 12, hardening round two: each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import CORE_DIR, PROFILES, ROOT, load_core_text

import paramcfg
from paramcfg import grammar_tables, grids, larkparser, syntax, values
from paramcfg import types as t
from paramcfg.engine import load_tenant_text
from paramcfg.export import parse_input
from paramcfg.source import decode

# ---- 1. the grammar cache ran a pickle ------------------------------------------------------


class _Evil:
    def __init__(self, marker) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))  # creating the marker file is "code ran"


def _plant(folder, marker) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "grammar.lark-cache").open("wb") as f:
        f.write(b"0" * 64 + b"\n")
        pickle.dump(_Evil(marker), f)


@pytest.mark.slow  # a fresh interpreter
def test_planted_grammar_cache_runs_no_code(tmp_path):
    """A pickle planted where the grammar cache used to be is never read, and nothing is
    written to the cache folders (before: Lark unpickled it and the marker appeared)."""
    marker = tmp_path / "PWNED"
    explicit = tmp_path / "explicit"
    xdg = tmp_path / "xdg"
    _plant(explicit, marker)
    _plant(xdg / "paramcfg", marker)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    env = {**os.environ, "PARAMCFG_LANG": "en"}
    env.pop("PARAMCFG_NO_CACHE", None)
    for variables in ({"PARAMCFG_CACHE_DIR": str(explicit)}, {"XDG_CACHE_HOME": str(xdg)},
                      {"HOME": str(tmp_path / "home")}):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "paramcfg", "check", "--core", str(CORE_DIR), str(PROFILES[0])],
            env={**env, **variables}, capture_output=True, text=True, check=False, cwd=tmp_path,
            timeout=120)
        assert done.returncode == 0, done.stderr
        assert not marker.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_shipped_grammar_tables_match_the_grammar():
    """The analysed grammar shipped in the package is for this grammar, these options and this
    Lark; after a grammar change run ``python -m paramcfg.grammar_tables``."""
    tables = larkparser.grammar_file(grammar_tables.FILE_NAME)
    assert tables is not None
    stamp = grammar_tables.fingerprint(larkparser.grammar_text(), syntax.PARSER_OPTIONS)
    parser = grammar_tables.loads(tables, stamp, postlex=larkparser.PostLexer(),
                                  transformer=larkparser.ToNodes())
    assert parser is not None, "stale grammars/paramcfg.lark.json: python -m paramcfg.grammar_tables"


@pytest.mark.slow  # analyses the grammar with Lark
def test_shipped_tables_parse_as_the_grammar_does():
    """Every sample file parses to the same statements and diagnostics with the shipped tables
    as with the parser analysed from the grammar."""
    files = [*sorted(CORE_DIR.glob("*.pcore")), *PROFILES,
             *sorted((ROOT / "tests" / "corpus").rglob("*.pcfg"))]
    texts = [(str(p), decode(p.read_bytes(), str(p)).text) for p in files]
    shipped = [syntax.parse_text(text, path) for path, text in texts]
    saved = syntax._parser, syntax._transformer
    try:
        syntax._transformer = larkparser.ToNodes()
        syntax._parser = syntax.build_parser(larkparser.grammar_text(), syntax._transformer)
        built = [syntax.parse_text(text, path) for path, text in texts]
    finally:
        syntax._parser, syntax._transformer = saved
    assert shipped == built


def test_damaged_or_foreign_tables_are_refused_without_running_code(tmp_path):
    marker = tmp_path / "PWNED"
    stamp = grammar_tables.fingerprint(larkparser.grammar_text(), syntax.PARSER_OPTIONS)
    runtime = {"postlex": larkparser.PostLexer(), "transformer": larkparser.ToNodes()}
    for text in ("", "{", "[]", '{"fingerprint": "x"}', f'{{"fingerprint": "{stamp}"}}',
                 pickle.dumps(_Evil(marker)).decode("latin-1")):
        assert grammar_tables.loads(text, stamp, **runtime) is None
    assert not marker.exists()


def test_grammar_tables_module_documents_regeneration():
    assert "python -m paramcfg.grammar_tables" in textwrap.dedent(grammar_tables.__doc__ or "")


# ---- 2 and 16. huge numbers hung: refused beyond 30 digits, before any conversion -----------

ON = dt.date(2024, 6, 1)
NAKA = ROOT / "tenant_profiles" / "naka.pcfg"
HOUSEHOLD = {"認定": "3号", "時間": "標準", "生活保護世帯": False, "非課税世帯": False,
             "多子順位.未就学児": 1, "多子順位.全兄弟": 1}

NUMBERS_CORE = """core "numbers" version 1.0
input 額 : yen
input 係数 : decimal
input 率 : rate
rule 税 : yen = floor(額 * 率, 1)
rule 倍 : decimal = 係数 * 2
rule 引数(x : yen) : yen = x + 1円
"""


@pytest.fixture(scope="module")
def numbers_core(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("numbers"), "n.pcore", NUMBERS_CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return core


@pytest.fixture(scope="module")
def numbers(numbers_core):
    return load_tenant_text('tenant "五霞町" code 085421\nuses "numbers"\nfrom 2024-04-01\n',
                            numbers_core)


def _run_cli(*argv, cwd=None):
    """``paramcfg`` in a subprocess: the inputs below hung for minutes to forever before."""
    return subprocess.run([sys.executable, "-m", "paramcfg", *map(str, argv)],  # noqa: S603
                          capture_output=True, text=True, check=False, timeout=60, cwd=cwd,
                          env={**os.environ, "PARAMCFG_LANG": "en"})


@pytest.mark.slow  # a fresh interpreter per number
@pytest.mark.parametrize("number", ["1e999999999", "1e1000000", "-1e40", "1" * 31])
def test_eval_inputs_json_refuses_huge_numbers(tmp_path, number):
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(HOUSEHOLD, ensure_ascii=False)[:-1] + f', "所得割額": {number}}}',
                    encoding="utf-8")
    done = _run_cli("eval", NAKA, "保育料.月額計算", "--on", "2024-06-01", "--inputs", path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "has more than 30 digits" in done.stderr


@pytest.mark.slow  # a fresh interpreter
def test_eval_input_text_refuses_huge_numbers():
    done = _run_cli("eval", NAKA, "保育料.月額計算", "--on", "2024-06-01",
                    "--input", "所得割額=" + "9" * 100_000 + "円",
                    *[f"--input={k}={str(v).lower()}" for k, v in HOUSEHOLD.items()])
    assert done.returncode == 2, done.stdout + done.stderr
    assert "has more than 30 digits" in done.stderr
    assert len(done.stderr) < 500  # the number is not echoed in full


@pytest.mark.slow  # a fresh interpreter
def test_acceptance_tests_refuse_huge_numbers(tmp_path):
    import shutil  # noqa: PLC0415

    shutil.copytree(CORE_DIR, tmp_path / "package_core")
    shutil.copytree(ROOT / "prefectures", tmp_path / "prefectures")
    shutil.copy(NAKA, tmp_path / "naka.pcfg")
    inputs = "\n".join(f'"{k}" = {json.dumps(v, ensure_ascii=False)}' for k, v in HOUSEHOLD.items())
    (tmp_path / "naka.test.toml").write_text(
        '[[case]]\nname = "huge"\nrule = "保育料.月額計算"\non = 2024-06-01\nexpected = "0円"\n'
        f'[case.inputs]\n"所得割額" = 1e999999999\n{inputs}\n', encoding="utf-8")
    done = _run_cli("test", tmp_path / "naka.test.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "has more than 30 digits" in done.stdout


@pytest.mark.parametrize("raw", [Decimal("1E+999999999"), Decimal("1E+30"), 10**30, -(10**30),
                                 "1,000,000,000,000,000,000,000,000,000,000円", "0." + "0" * 30 + "1"])
def test_parse_input_refuses_beyond_30_digits(raw):
    with pytest.raises(values.TooManyDigitsError):
        parse_input(raw, t.YenType() if not str(raw).startswith("0.") else t.DecimalType())


@pytest.mark.parametrize("raw", [10**30 - 1, Decimal("9" * 30), "0.014",
                                 "1.4%"])
def test_parse_input_accepts_30_digits(raw):
    parse_input(raw, t.RateType() if isinstance(raw, str) else t.DecimalType())


@pytest.mark.parametrize("how", ["evaluate", "interpret", "explain", "evaluate_many"])
@pytest.mark.parametrize(("rule", "inputs", "args", "bad"), [
    ("税", {"額": 10**30, "率": Decimal("0.01")}, (), "額"),
    ("税", {"額": -(10**1_000_000), "率": Decimal("0.01")}, (), "額"),
    ("税", {"額": 1, "率": Decimal("1E+999999999")}, (), "率"),
    ("税", {"額": 1, "率": 10**31}, (), "率"),
    ("倍", {"係数": Decimal("1E-31")}, (), "係数"),
    ("倍", {"係数": Decimal("1." + "1" * 40)}, (), "係数"),
    ("引数", {}, (10**40,), "x"),
])
def test_api_refuses_numbers_beyond_30_digits(numbers, how, rule, inputs, args, bad):
    if how == "evaluate_many" and args:
        pytest.skip("evaluate_many takes no rule arguments")

    def run():
        if how == "evaluate_many":
            return numbers.evaluate_many(rule, [inputs], ON)
        return getattr(numbers, how)(rule, inputs, ON, args)

    with pytest.raises(paramcfg.EvaluationError, match="at most 30 digits") as err:
        run()
    assert err.value.name == bad


@pytest.mark.parametrize("how", ["evaluate", "interpret"])
def test_api_accepts_30_digits(numbers, how):
    run = getattr(numbers, how)
    assert run("税", {"額": 10**30 - 1, "率": Decimal(0)}, ON) == 0
    assert run("倍", {"係数": Decimal("0." + "0" * 28 + "5")}, ON) == Decimal("1.0E-28")
    assert run("引数", {}, ON, (-(10**30) + 1,)) == -(10**30) + 2


def test_the_limit_is_documented():
    limits = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    assert "digits in a number given at evaluation" in limits


# ---- 3. results depended on the caller's decimal context ---------------------------------------

import decimal  # noqa: E402

CONTEXT_CORE = """core "context" version 1.0
input 額 : yen
input 率 : rate
input 係数 : decimal
input 世帯 : list of decimal
param 税率 : rate default 1.4%
param 段階 : scale[額 : yen] of rate
  default
    | 額 | 率 |
    | < 1,000,000円 | 10.123456789% |
    | >= 1,000,000円 | 20.987654321% |
rule 掛 : decimal = 係数 * 率
rule 足 : decimal = 係数 + 率 - 0.00000000000000000000000000001
rule 負 : decimal = -係数
rule 和 : decimal = sum(世帯)
rule 段 : yen = floor(段階(額), 1)
rule 税 : yen = round_half_up(額 * 率, 1)
rule 固定 : yen = floor(floor(額, 1000) * 税率, 100)
"""

CONTEXT_AMOUNT = 10**29 + 123_456_789
CONTEXT_RATE = Decimal("0.123456789012345678901")
CONTEXT_COEF = Decimal("12345678901234567890.123456789")
CONTEXT_INPUTS: dict[str, object] = {
    "額": CONTEXT_AMOUNT, "率": CONTEXT_RATE, "係数": CONTEXT_COEF,
    "世帯": [Decimal("1.00000000000000000000000000001"), Decimal("2E-29")]}
CALLER_CONTEXTS = [
    decimal.Context(prec=7), decimal.Context(prec=3, rounding=decimal.ROUND_DOWN),
    decimal.Context(prec=28, rounding=decimal.ROUND_CEILING, traps=[]),
    decimal.Context(prec=999, Emax=9, Emin=-9),
]


@pytest.fixture(scope="module")
def context_town(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("context"), "c.pcore", CONTEXT_CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text('tenant "五霞町" code 085421\nuses "context"\nfrom 2024-04-01\n', core)


def _all_rules(town, how):
    return {rule: getattr(town, how)(rule, CONTEXT_INPUTS, ON)
            for rule in ("掛", "足", "負", "和", "段", "税", "固定")}


def test_exact_answers_in_the_librarys_own_context(context_town):
    """50 significant digits whatever the thread's context (the default one has 28)."""
    x, rate, coef = CONTEXT_AMOUNT, CONTEXT_RATE, CONTEXT_COEF
    wide = decimal.Context(prec=200)
    exact = {
        "掛": wide.multiply(coef, rate),  # 49 digits: exact in 50, not in the default 28
        "足": wide.subtract(wide.add(coef, rate), Decimal("1E-29")),
        "負": coef.copy_negate(),
        "和": Decimal("1.00000000000000000000000000003"),
        "固定": (x // 1000 * 1000) * 14 // 1000 // 100 * 100,
        "段": (1_000_000 * 10123456789 + (x - 1_000_000) * 20987654321) // 10**11,
    }
    for how in ("evaluate", "interpret"):
        got = _all_rules(context_town, how)
        for rule, want in exact.items():
            assert got[rule] == want, (how, rule)
        assert got["税"] == int(wide.multiply(x, rate).quantize(
            Decimal(1), rounding=decimal.ROUND_HALF_UP, context=wide))


@pytest.mark.parametrize("caller", CALLER_CONTEXTS, ids=lambda c: f"prec{c.prec}-{c.rounding}")
@pytest.mark.parametrize("how", ["evaluate", "interpret", "evaluate_many"])
def test_the_callers_context_changes_nothing(context_town, caller, how):
    expected = _all_rules(context_town, "interpret")
    with decimal.localcontext(caller):
        if how == "evaluate_many":
            got = {rule: context_town.evaluate_many(rule, [CONTEXT_INPUTS], ON)[0]
                   for rule in expected}
        else:
            got = _all_rules(context_town, how)
        assert decimal.getcontext().prec == caller.prec  # and it is left as it was
    assert got == expected
    assert {k: str(v) for k, v in got.items()} == {k: str(v) for k, v in expected.items()}


def test_the_callers_context_does_not_change_a_loaded_profile(tmp_path):
    text = 'tenant "五霞町" code 085421\nuses "context"\nfrom 2024-04-01\n  税率 = 1.23456789%\n'
    core = load_core_text(tmp_path, "c.pcore", CONTEXT_CORE)
    plain = load_tenant_text(text, core).parameters(ON)["税率"]
    with decimal.localcontext(decimal.Context(prec=2)):
        narrowed = load_tenant_text(text, core).parameters(ON)["税率"]
    assert plain == narrowed == Decimal("0.0123456789")


def test_the_sample_fixed_asset_tax_ignores_the_callers_context(core):
    """The reproduction of issue 12: 償却資産 5,123,457,000円 at 1.4% under prec=7."""
    town = paramcfg.load_tenant(ROOT / "tenant_profiles" / "naka.pcfg", core)
    args = ("償却資産", 5_123_457_000)
    exact = 5_123_457_000 // 1000 * 1000 * 14 // 1000 // 100 * 100
    with decimal.localcontext(prec=7):
        assert town.evaluate("固定資産税.年税額", {}, ON, args) == exact
        assert town.interpret("固定資産税.年税額", {}, ON, args) == exact


# ---- 14. equal constants were pooled across types and representations -------------------------

POOL_CORE = """core "pool" version 1.0
record R {
  x : decimal
  y : rate
}
param p1 : R
  default { x = 1.0, y = 1.4% }
param p2 : R
  default { x = 1.00, y = 1.40% }
param p3 : R
  default { x = 1, y = 1.4% }
param q1 : list of decimal
  default [1.0, 2]
param q2 : list of decimal
  default [1.00, 2.0]
param d1 : decimal
  default 0.0
param d2 : decimal
  default 0
param d3 : decimal
  default -0.0
rule r1 : R = p1
rule r2 : R = p2
rule r3 : R = p3
rule s1 : list of decimal = q1
rule s2 : list of decimal = q2
rule e1 : decimal = d1
rule e2 : decimal = d2
rule e3 : decimal = d3
"""


def test_constants_are_pooled_by_type_and_exact_representation(tmp_path):
    """Records (and lists, and decimals) that compare equal but are written differently keep
    their own constant, so compiled code returns exactly what the interpreter returns."""
    core = load_core_text(tmp_path, "pool.pcore", POOL_CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    town = load_tenant_text('tenant "五霞町" code 085421\nuses "pool"\nfrom 2024-04-01\n', core)
    module = town.compiled(ON)  # every rule in one generated module, sharing its constants
    for rule in ("r1", "r2", "r3", "s1", "s2", "e1", "e2", "e3"):
        compiled = module.run(rule, {}, ON)
        interpreted = town.interpret(rule, {}, ON)
        assert repr(compiled) == repr(interpreted), rule
    assert repr(module.run("r2", {}, ON)) != repr(module.run("r1", {}, ON))


# ---- 13. one error contract for evaluate, evaluate_many, interpret and explain -----------------

from paramcfg.types import MonthDay  # noqa: E402

CONTRACT_CORE = """core "contract" version 1.0
input d : date
input md : monthday
input n : int
param 閉庁日 : list of monthday
  default []
rule bd : date =
  business_day(d, 閉庁日)
rule fd : date =
  fiscal_date(md, n)
rule am : date =
  add_months(d, n)
rule 引数(x : yen, y : yen) : yen = x + y
rule 定数 : int = 1
"""

ENTRY_POINTS = ["evaluate", "evaluate_many", "interpret", "explain"]


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    core = load_core_text(tmp_path_factory.mktemp("contract"), "c.pcore", CONTRACT_CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text('tenant "五霞町" code 085421\nuses "contract"\nfrom 2024-04-01\n', core)


def _call(town, how, rule, inputs, args=()):
    if how == "evaluate_many":
        return town.evaluate_many(rule, [inputs], ON)
    return getattr(town, how)(rule, inputs, ON, args)


@pytest.mark.parametrize("how", ENTRY_POINTS)
@pytest.mark.parametrize(("rule", "inputs", "line"), [
    ("bd", {"d": dt.date(9999, 12, 31)}, 8),                       # past the last date
    ("fd", {"md": MonthDay(13, 40), "n": 2024}, None),              # no such day of the year
    ("fd", {"md": MonthDay(0, 0), "n": 2024}, None),
    ("fd", {"md": MonthDay("4", "1"), "n": 2024}, None),  # type: ignore[arg-type]  # not ints
    ("fd", {"md": MonthDay(2, None), "n": 9999}, 10),
    ("am", {"d": dt.date(9999, 12, 31), "n": 1}, 12),
    ("am", {"d": dt.date(1, 1, 1), "n": -1}, 12),
    ("bd", None, None),                                             # inputs that are no mapping
    ("bd", [("d", dt.date(2024, 1, 1))], None),
])
def test_every_entry_point_raises_evaluation_errors_only(contract, how, rule, inputs, line):
    if how == "evaluate_many" and not isinstance(inputs, dict):
        pytest.skip("evaluate_many takes rows")
    with pytest.raises(paramcfg.EvaluationError) as err:
        _call(contract, how, rule, inputs)
    assert err.value.rule == rule
    assert err.value.span is not None
    if line is not None:  # the failing expression's line, not the rule's header
        assert err.value.span.line == line


@pytest.mark.parametrize("how", ["evaluate", "interpret", "explain"])
@pytest.mark.parametrize(("rule", "args"), [("引数", ()), ("引数", (1,)), ("引数", (1, 2, 3)),
                                            ("定数", (1,))])
def test_a_wrong_number_of_arguments_is_an_evaluation_error(contract, how, rule, args):
    with pytest.raises(paramcfg.EvaluationError, match="argument") as err:
        _call(contract, how, rule, {}, args)
    assert err.value.rule == rule
    assert "引数" in err.value.message("ja")


def test_a_rule_without_inputs_takes_any_inputs_alike(contract):
    for how in ENTRY_POINTS:
        if how != "explain":
            assert _call(contract, how, "定数", {}) in (1, [1])
    assert contract.evaluate("定数", None, ON) == contract.interpret("定数", None, ON) == 1


# ---- 9. rule-call diamonds were exponential -----------------------------------------------------

DIAMOND_SCRIPT = r"""
import datetime as dt, pathlib, sys, tempfile
import paramcfg
from paramcfg import rules
n = int(sys.argv[1])
lines = ['core "deep" version 1.0', "input x : int", f"rule a{n} : int = x", f"rule b{n} : int = x"]
for i in range(n - 1, -1, -1):
    lines.append(f"rule a{i} : int = a{i + 1} + b{i + 1}")
    lines.append(f"rule b{i} : int = a{i + 1} - b{i + 1}")
folder = pathlib.Path(tempfile.mkdtemp())
(folder / "d.pcore").write_text("\n".join(lines) + "\n", encoding="utf-8")
core = paramcfg.load_core(folder / "d.pcore")
assert core.ok, [d.message() for d in core.diagnostics]
town = paramcfg.load_tenant_text('tenant "五霞町" code 085421\nuses "deep"\nfrom 2024-04-01\n', core)
on = dt.date(2024, 5, 1)
assert rules.transitive_inputs(town.rules)["a0"] == ["x"]
step = town.explain("a0", {"x": 3}, on)
# The compiled code shares a call's result within the evaluation, so it calls each rule once
# (not once per path, 2**n of them) and is compared with the interpreter at every depth.
compiled = town.evaluate("a0", {"x": 3}, on)
print(compiled, town.interpret("a0", {"x": 3}, on), step.value, len(step.children))
"""


@pytest.mark.parametrize("layers", [20, pytest.param(30, marks=pytest.mark.slow)])
def test_rule_call_diamonds_are_evaluated_once_per_call(tmp_path, layers):
    """30 layers of a0 = a1 + b1, b0 = a1 - b1: 2**30 paths, 62 rules.  Before, walking
    every path took 28 s at 23 layers (transitive_inputs) and 78 s (the interpreter)."""
    a, b = 3, 3
    for _ in range(layers):
        a, b = a + b, a - b
    done = subprocess.run([sys.executable, "-c", DIAMOND_SCRIPT, str(layers)],  # noqa: S603
                          capture_output=True, text=True, check=False, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(a)] * 3 + ["2"]


SHARED_CORE = """core "shared" version 1.0
record 人 { 年齢 : int, 所得 : yen }
input x : int
input 人々 : list of 人
input 率 : rate
input 一人 : 人
rule 割 : yen = floor(1円 / x, 1)
rule 守る : yen = if x == 0 then 0円 else 割 + 割
rule 一人分(p : 人, r : rate) : yen = floor(p.所得 * r, 1) + p.年齢 * 1円
rule 合計 : yen = sum(人々, m -> 一人分(m, 率) + 一人分(m, 率)) + 一人分(一人, 率) + 一人分(一人, 率)
rule 深さ0 : int = x
rule 間 : bool = x * 2 > 1 and x * 2 < 9 or x * 2 == 20
rule 遠 : bool = x < 1000 or add_months(as_of, x) > as_of and add_months(as_of, x) < as_of
rule 影 : bool = x + 1 > 0 and any(人々, x -> x.年齢 + 1 > 0)
"""


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    layers = [f"rule 深さ{i} : int = 深さ{i - 1} + 深さ{i - 1}" for i in range(1, 41)]
    core = load_core_text(tmp_path_factory.mktemp("shared"), "s.pcore",
                          SHARED_CORE + "\n".join(layers) + "\n")
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text('tenant "五霞町" code 085421\nuses "shared"\nfrom 2024-04-01\n', core)


def test_a_shared_call_under_an_untaken_branch_is_still_never_evaluated(shared):
    """Results are shared lazily: 割 (which divides by x) is not evaluated when x == 0."""
    on = dt.date(2024, 5, 1)
    inputs = {"x": 0, "人々": [], "率": Decimal("0.5"), "一人": {"年齢": 1, "所得": 1}}
    assert shared.evaluate("守る", inputs, on) == shared.interpret("守る", inputs, on) == 0
    for how in ("evaluate", "interpret"):
        with pytest.raises(paramcfg.EvaluationError) as err:
            getattr(shared, how)("割", inputs, on)
        assert err.value.rule == "割"
    assert shared.evaluate("守る", {**inputs, "x": 1}, on) == 2


def test_calls_with_records_and_rates_are_shared_exactly(shared):
    """A call's key holds records and rates by identity, so equal rates of another exponent
    or another member never share a result by mistake; each evaluation starts afresh."""
    on = dt.date(2024, 5, 1)
    people = [{"年齢": 30, "所得": 1001}, {"年齢": 40, "所得": 999}, {"年齢": 30, "所得": 1001}]
    for rate in (Decimal("0.5"), Decimal("0.50"), Decimal("0.333"), 1):
        inputs = {"x": 1, "人々": people, "率": rate, "一人": people[1]}
        assert shared.evaluate("合計", inputs, on) == shared.interpret("合計", inputs, on)
    inputs = {"x": 1, "人々": people[1:2], "率": Decimal("0.5"), "一人": people[0]}
    assert shared.evaluate("合計", inputs, on) == 2 * (499 + 40) + 2 * (500 + 30)


def test_an_operand_shared_within_a_condition_reads_the_same_value(shared, tmp_path):
    """`x * 2 > 1 and x * 2 < 9`: x * 2 is computed once (a local); not below a name that
    hides another (影), and not where Python refuses `:=` (源, a list's source)."""
    on = dt.date(2024, 5, 1)
    people = [{"年齢": 30, "所得": 1}, {"年齢": -1, "所得": 1}]
    assert "(_s" in shared.compiled(on).source  # `((_sN := (x * 2)) > 1) and …`
    source_core = load_core_text(tmp_path, "src.pcore", SHARED_CORE.replace(
        "rule 深さ0", "rule 源 : int =\n"
        "  count(if x * 2 > 1 and x * 2 < 9 then 人々 else 人々, m -> m.年齢 > 0)\nrule 深さ0"))
    assert source_core.ok, [d.message() for d in source_core.diagnostics]
    other = load_tenant_text('tenant "五霞町" code 085421\nuses "shared"\nfrom 2024-04-01\n',
                             source_core)
    assert "(_s" not in other.compiled(on).source  # generated again without sharing
    for x in (-1, 0, 1, 4, 5, 10):
        inputs = {"x": x, "人々": people[x % 2:], "率": 1, "一人": people[0]}
        for town, rule in ((shared, "間"), (shared, "影"), (other, "源"), (other, "間")):
            assert town.evaluate(rule, inputs, on) == town.interpret(rule, inputs, on), rule


def test_an_expression_without_locals_is_computed_once_and_only_when_reached(shared):
    """add_months(as_of, x) reads no local: one lazy cell an evaluation; never computed (so
    never failing) when the branch is not taken, and failing as the interpreter does."""
    on = dt.date(2024, 5, 1)
    assert "_m.setdefault(_o" in shared.compiled(on).source
    for x in (0, 999, 1000, 10**6, 10**9):
        inputs = {"x": x, "人々": [], "率": 1, "一人": {"年齢": 1, "所得": 1}}
        outcome = []
        for how in ("evaluate", "interpret"):
            try:
                outcome.append(getattr(shared, how)("遠", inputs, on))
            except paramcfg.EvaluationError as exc:
                # The compiled code locates an error by its generated line (the column of
                # the rule's line, as before this sharing); the interpreter by the call.
                outcome.append((exc.message("en").split(": ", 1)[1], exc.span and exc.span.line))
        assert outcome[0] == outcome[1], x
        assert (x >= 10**6) == isinstance(outcome[0], tuple), (x, outcome)


def test_a_rule_using_its_sub_rule_twice_is_linear_in_depth(shared):
    """深さ40 = 深さ39 + 深さ39 …: 2**40 paths; the compiled code evaluates each rule once.
    Its explanation is the interpreter's, unchanged: each rule called, down to the input."""
    on = dt.date(2024, 5, 1)
    inputs = {"x": 3, "人々": [], "率": 1}
    assert shared.evaluate("深さ40", inputs, on) == 3 * 2**40
    step = shared.explain("深さ3", inputs, on)
    names = []
    while step.children:
        names.append(step.name)
        step = step.children[0]
    assert names == ["深さ3", "深さ2", "深さ1", "深さ0"]
    assert step.name == "x"


# ---- 10. linecache grew with every compile -----------------------------------------------------

import gc  # noqa: E402
import linecache  # noqa: E402


def _generated_sources() -> set[str]:
    return {name for name in linecache.cache if name.startswith("<paramcfg rule")}


def test_linecache_is_freed_with_the_compiled_module(numbers_core):
    core = numbers_core
    gc.collect()
    before = _generated_sources()
    kept = load_tenant_text('tenant "五霞町" code 085421\nuses "numbers"\nfrom 2024-04-01\n', core)
    module = kept.compiled(ON)
    assert module.filename in linecache.cache  # tracebacks show the generated lines meanwhile
    for _ in range(30):
        town = load_tenant_text('tenant "五霞町" code 085421\nuses "numbers"\nfrom 2024-04-01\n',
                                core)
        town.evaluate("税", {"額": 1000, "率": Decimal("0.1")}, ON)
        town.compiled(ON)
        del town
    gc.collect()
    assert _generated_sources() - before == {module.filename}
    del kept, module
    gc.collect()
    assert _generated_sources() - before == set()


# ---- 7. evaluate_many lost the batch on one bad row ---------------------------------------------


def test_evaluate_many_names_the_bad_row(numbers):
    rows = [{"額": 1000, "率": Decimal("0.1")}] * 3 + [{"額": 1000.0, "率": Decimal("0.1")}]
    with pytest.raises(paramcfg.EvaluationError) as err:
        numbers.evaluate_many("税", rows, ON)
    assert err.value.row == 3
    assert err.value.name == "額"
    assert "row 3 (from 0)" in err.value.message("en")
    assert "3 行目（0 から数えて）" in err.value.message("ja")


def test_evaluate_rows_keeps_every_good_row(numbers):
    good = {"額": 1000, "率": Decimal("0.1")}
    rows = (row for row in [good, {"額": 1000.0, "率": Decimal("0.1")}, good, {"率": 1}, good])
    results = numbers.evaluate_rows("税", rows, ON)
    assert [r.ok for r in results] == [True, False, True, False, True]
    assert [r.value for r in results if r.ok] == [100, 100, 100]
    errors = [r.error for r in results if not r.ok]
    assert [(e.row, e.name) for e in errors] == [(1, "額"), (3, "額")]
    assert all(r.value is None for r in results if not r.ok)


# ---- 6. the diagnostic cap came after the cost ---------------------------------------------------


@pytest.mark.slow  # seconds of parsing
def test_unclosed_brackets_are_counted_past_the_budget_not_built():
    """20,000 statements of 63 unclosed brackets each: 1.26 million diagnostics were built
    (9 s, 1.1 GB) to show 500.  Now at most MAX_UNCLOSED_REPORTED are built, the rest counted
    in one PC0005, and no such statement goes to the parser."""
    header = 'tenant "x" code 085421\nuses "ibaraki-cloud"\nfrom 2024-04-01\n'
    text = header + ("  a = " + "(" * 63 + "\n") * 19_991
    parsed = syntax.parse_text(text, "many.pcfg")
    unclosed = [d for d in parsed.diagnostics if d.code == "PC0103"]
    assert len(unclosed) == syntax.MAX_UNCLOSED_REPORTED
    summary = [d for d in parsed.diagnostics if d.code == "PC0005"]
    assert len(summary) == 1
    assert f"{19_991 * 63 - syntax.MAX_UNCLOSED_REPORTED:,} more" in summary[0].message("en")
    assert len(parsed.diagnostics) == syntax.MAX_UNCLOSED_REPORTED + 1


# ---- 5. fork: children hung on the parse lock and started with the collector off --------------

FORK_SCRIPT = r"""
import gc, os, sys, threading, time
import paramcfg
core = paramcfg.load_core(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
stop = threading.Event()
def loader():
    while not stop.is_set():
        paramcfg.check_profile_text(text, core)
threading.Thread(target=loader, daemon=True).start()
time.sleep(0.5)
results = []
for _ in range(12):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: is the collector on, and can it parse?
        os.close(read)
        on = gc.isenabled()
        ok = paramcfg.check_profile_text(text, core).ok
        os.write(write, f"{on} {ok}".encode())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    results.append(os.read(read, 100).decode() or "hung")
    os.close(read)
stop.set()
print(" | ".join(results))
"""


@pytest.mark.slow  # forks and runs a fresh interpreter
@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_fork_children_parse_and_collect_garbage(tmp_path):
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FORK_SCRIPT, str(CORE_DIR), str(PROFILES[0])],
        capture_output=True, text=True, check=False, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(" | ") == ["True True"] * 12, done.stdout


# ---- 15. fmt rewrote a file that check rejects, changing a string's text ------------------------

from paramcfg.cli import EXIT_FINDINGS, EXIT_OK, main  # noqa: E402


@pytest.mark.parametrize("char", ["\x1b", "\u2028", "\u202e", "\x00", "\x85"])
def test_fmt_refuses_what_the_source_stage_refuses(tmp_path, capsys, char):
    """A control character in a string is PC0003 for ``check``; ``fmt`` used to replace it by a
    space, rewrite the file and exit 0. Now the file is left byte for byte as it was."""
    messy = NAKA.read_text(encoding="utf-8").replace("税率 = 1.4%", "税率   =   1.4%")
    broken = messy.replace('"那珂市長"', f'"那珂{char}市長"')
    assert broken != messy
    path = tmp_path / "naka.pcfg"
    path.write_bytes(broken.encode("utf-8"))
    for check in ([], ["--check"]):
        assert main(["fmt", *check, str(path), "--lang", "en"]) == EXIT_FINDINGS
        out = capsys.readouterr().out
        assert "PC0003" in out
        assert "not formatted" in out
        assert path.read_bytes() == broken.encode("utf-8")
    path.write_bytes(messy.encode("utf-8"))  # the same file without it is formatted
    assert main(["fmt", str(path)]) == EXIT_OK
    assert "那珂市長" in path.read_text(encoding="utf-8")


# ---- 12. output injection: a value from a file printed a line of its own ------------------------

from paramcfg.diagnostics import Diagnostic, Span, printable, render_text  # noqa: E402
from paramcfg.diff import diff_tenants, markdown_cell, markdown_code  # noqa: E402
from paramcfg.diff import render as render_diff  # noqa: E402

FORGED = "clean\\nchecked 1 profile(s): 1 clean, 0 with errors\\n\\n"  # as written in the file


def _naka_named(name):
    text = NAKA.read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    assert head.startswith('tenant "那珂市"')
    return head.replace('"那珂市"', f'"{name}"') + "\n" + rest


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_tenant_name_cannot_forge_the_check_summary(tmp_path, capsys, lang):
    """``\\n`` in a tenant name printed a forged "clean" line and summary; now escaped."""
    path = tmp_path / "naka.pcfg"
    path.write_text(_naka_named(f"那珂市 (082261): {FORGED}").replace(
        "固定資産税.税率 = 1.4%", "固定資産税.税率 = -1.4%"), encoding="utf-8")
    shutil.copytree(CORE_DIR, tmp_path / "package_core")
    shutil.copytree(ROOT / "prefectures", tmp_path / "prefectures")
    assert main(["check", str(path), "--lang", lang]) == EXIT_FINDINGS
    lines = capsys.readouterr().out.splitlines()
    assert not [line for line in lines if line.startswith("checked") or line.endswith("clean")]
    assert "clean\\nchecked 1 profile(s): 1 clean, 0 with errors\\n\\n" in lines[-1]
    assert lines[-1].endswith(("1 error(s), 0 warning(s)", "エラー 1 件、警告 0 件"))


def test_eval_messages_escape_the_tenant_name(tmp_path, capsys):
    path = tmp_path / "naka.pcfg"
    path.write_text(_naka_named("那珂市\\n\\\\x1b"), encoding="utf-8")
    shutil.copytree(CORE_DIR, tmp_path / "package_core")
    shutil.copytree(ROOT / "prefectures", tmp_path / "prefectures")
    assert main(["eval", str(path), "保育料.月額計算", "--on", "2024-06-01", "--lang", "en",
                 "--input", "所得割額=50000円",
                 *[f"--input={k}={str(v).lower()}" for k, v in HOUSEHOLD.items()]]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "(那珂市\\n\\x1b, as of 2024-06-01)" in out


@pytest.mark.parametrize("raw", ["\n", "\r", "\x1b[31m", "\u2028", "\u2029", "\u202e", "\x85",
                                 "\x00", "\u200b", "\ufeff", "\x7f"])
def test_printable_escapes_every_control_character(raw):
    shown = printable(f"a{raw}b")
    assert shown.startswith("a\\")
    assert shown.endswith("b")
    assert shown.isprintable()
    assert printable("那珂市　長 \\n | ` *") == "那珂市　長 \\n | ` *"  # the rest as it is
    assert printable("a\tb", tab=True) == "a\tb"
    assert printable("a\tb") == "a\\tb"


def test_render_text_prints_each_diagnostic_on_its_own_lines():
    d = Diagnostic("PC0005", Span.point("町\n.pcfg", 1, 1),
                   {"what": "x\nchecked 1 profile(s): 1 clean", "what_ja": "x\n偽", "limit": "1"})
    for lang in ("en", "ja"):
        out = render_text([d], {}, lang)
        assert out.count("\n") == d.hint(lang).count("\n") + 2  # message, help, blank line
        assert "町\\n.pcfg" in out


CHANGED = '"|\\n# 見出し\\n|`c`**b**<i>[l](h)"'  # at most 30 cells: the form's width


@pytest.fixture(scope="module")
def injected_pair():
    core = paramcfg.load_core(CORE_DIR)
    a = load_tenant_text(NAKA.read_text(encoding="utf-8"), core)
    b = load_tenant_text(NAKA.read_text(encoding="utf-8").replace('"那珂市長"', CHANGED), core)
    assert core.core is not None
    return diff_tenants(core.core, a, b)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_diff_markdown_keeps_one_row_per_change(injected_pair, lang):
    md = render_diff(injected_pair, "markdown", lang)
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + len(injected_pair.changes)  # the head, the rule, one per change
    assert all(row.count("|") - row.count("\\|") == 6 for row in rows)
    assert not [line for line in md.splitlines() if line.startswith("#")]
    row = next(r for r in rows if "通知書.発行者" in r)
    for raw in ("`c`", "**b**", "[l](h)"):
        assert raw not in row
    assert "\\<i>" in row
    assert "[l\\](h)" in row
    assert r"\\n# 見出し" in row


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_diff_text_keeps_one_line_per_change(injected_pair, lang):
    text = render_diff(injected_pair, "text", lang)
    assert not [line for line in text.splitlines() if line.startswith("#")]
    assert "\\n# 見出し" in text


@pytest.mark.parametrize(("text", "shown"), [
    ("a|b", "a\\|b"), ("# h", "\\# h"), ("- x", "\\- x"), ("> q", "\\> q"), ("a\nb", "a\\\\nb"),
    ("[x](y)", "[x\\](y)"), ("*_`<&~", "\\*\\_\\`\\<\\&\\~"), ("-1.4%", "\\-1.4%")])
def test_markdown_cell(text, shown):
    assert markdown_cell(text) == shown


@pytest.mark.parametrize(("text", "shown"), [
    ("a", "`a`"), ("a`b", "``a`b``"), ("`", "`` ` ``"), ("a\nb", "`a\\nb`")])
def test_markdown_code(text, shown):
    assert markdown_code(text) == shown


def test_release_report_text_escapes_a_town_name(tmp_path):
    from paramcfg.release import release_report  # noqa: PLC0415
    from paramcfg.release import render as render_release  # noqa: PLC0415
    from unit.test_release import ICHI, NEW, OLD  # noqa: PLC0415

    old = load_core_text(tmp_path, "old.pcore", OLD)
    new = load_core_text(tmp_path, "new.pcore", NEW)
    town = tmp_path / "ichi`\n# x.pcfg"
    town.write_text(ICHI.replace('"一の町"', f'"一の町{FORGED}"'), encoding="utf-8")
    report = release_report(old, new, [town])
    for lang in ("en", "ja"):
        text = render_release(report, "text", lang)
        assert "一の町clean\\nchecked" in text
        assert not [line for line in text.splitlines() if line.startswith("checked")]
        md = render_release(report, "markdown", lang)
        assert not [line for line in md.splitlines() if line.startswith(("checked", "# x"))]
        assert "``" in md  # the path with a backtick is fenced by two


# ---- 4. deep rules: Python's limits were reached in eval (SyntaxError) or check (RecursionError) -

from paramcfg.nodes import MAX_NESTING  # noqa: E402

DEEP_CORE = """core "deep" version 1.0

input x : int
input d : decimal

param p : int
  default 1
  max {bound}

rule r : {type} =
  {body}
"""
DEEP_TOWN = 'tenant "五霞町" code 085421\nuses "deep"\nfrom 2024-04-01\n'


def _deep_core(tmp_path, body, ty="int", bound="100"):
    return load_core_text(tmp_path, "deep.pcore", DEEP_CORE.format(body=body, type=ty, bound=bound))


def _chain(n, op, operand):
    return f" {op} ".join([operand] * n)


def _elif(n):
    return " ".join(f"if x == {i} then {i} else" for i in range(n)) + " 0"


def _lets(n):
    """n ``let`` lines, each on the one before: n + 2 levels."""
    return "".join(f"let v{i} = {'x' if i == 0 else f'v{i - 1} + 1'}\n  " for i in range(n)) \
        + f"v{n - 1}"


AT_THE_LIMIT: dict[str, tuple[str, str, dict[str, object]]] = {  # each nests MAX_NESTING levels
    "int chain": (_chain(MAX_NESTING, "+", "x"), "int", {"x": 3}),
    "mixed int chain": (" - ".join(["x"] * 32) + " * 2" + " + x" * 31, "int", {"x": 3}),
    "decimal chain": (_chain(MAX_NESTING, "+", "d"), "decimal", {"d": Decimal("0.1")}),
    "else if chain": (_elif(MAX_NESTING - 2), "int", {"x": MAX_NESTING - 3}),
    "and chain": ("if " + _chain(MAX_NESTING - 2, "and", "x > 0") + " then 1 else 2", "int",
                  {"x": 3}),
    "lets": (_lets(MAX_NESTING - 2), "int", {"x": 3}),
}


@pytest.mark.parametrize("case", AT_THE_LIMIT)
def test_rules_at_the_nesting_limit_compile_and_agree(tmp_path, case):
    """Before: 202 operands checked clean and failed in eval with "SyntaxError: too many nested
    parentheses". Everything the limit lets through compiles, and agrees with the interpreter."""
    body, ty, inputs = AT_THE_LIMIT[case]
    core = _deep_core(tmp_path, body, ty)
    assert core.ok, [d.message() for d in core.diagnostics]
    town = load_tenant_text(DEEP_TOWN, core)
    inputs = {"x": 0, "d": Decimal(0), **inputs}
    on = dt.date(2024, 5, 1)
    assert town.evaluate("r", inputs, on) == town.interpret("r", inputs, on)


def _bracket_depth(source):
    depth = deepest = 0
    for ch in source:
        depth += (ch in "([{") - (ch in ")]}")
        deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize(("body", "most"), [
    (_chain(MAX_NESTING, "+", "x"), 2), (_elif(MAX_NESTING - 2), 3),
    ("if " + _chain(MAX_NESTING - 2, "and", "x > 0") + " then 1 else 2", 4)])
def test_chains_are_generated_without_nesting(tmp_path, body, most):
    """A chain of `+`, an `else if` chain and a chain of `and` are one Python expression each,
    not a bracket per operator."""
    town = load_tenant_text(DEEP_TOWN, _deep_core(tmp_path, body))
    source = town.compiled(dt.date(2024, 5, 1)).source
    assert _bracket_depth(source) <= most, source


@pytest.mark.parametrize(("body", "ty"), [
    (_chain(MAX_NESTING + 1, "+", "x"), "int"), (_chain(202, "+", "x"), "int"),
    (_chain(500, "+", "x"), "int"), (_chain(5000, "+", "d"), "decimal"),
    (_chain(3000, "*", "x"), "int"), (_elif(MAX_NESTING - 1), "int"), (_elif(200), "int"),
    (_lets(MAX_NESTING - 1), "int"), (_chain(3000, "or", "x > 0"), "bool")])
def test_rules_beyond_the_nesting_limit_are_refused_at_the_rule(tmp_path, body, ty):
    """Before: 500 operands crashed check with RecursionError; now PC0005 at the rule."""
    core = _deep_core(tmp_path, body, ty)
    assert not core.ok
    (d,) = core.diagnostics
    assert (d.code, d.span.line) == ("PC0005", 10)
    assert "nesting of rule r" in d.message("en")
    assert "ルール「r」の式の入れ子" in d.message("ja")
    assert f"{MAX_NESTING} levels" in d.message("en")


def test_a_bound_beyond_the_nesting_limit_is_refused(tmp_path):
    core = _deep_core(tmp_path, "x", bound=_chain(3000, "+", "1"))
    assert not core.ok
    (d,) = core.diagnostics
    assert (d.code, d.span.line) == ("PC0005", 8)
    assert "the `max` of p" in d.message("en")


def test_the_nesting_limit_is_documented():
    text = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    assert f"| nesting in one rule or bound | {MAX_NESTING} levels |" in text


# ---- 6, second half: a table type of millions of cells made millions of diagnostics -----------

from paramcfg.syntax import MAX_TABLE_CELLS  # noqa: E402


def _wide_core(tmp_path, *sizes):
    enums = "".join(f"enum A{i} {{ {', '.join(f'a{i}_{k}' for k in range(size))} }}\n"
                    for i, size in enumerate(sizes))
    axes = ", ".join(f"A{i}" for i in range(len(sizes)))
    return load_core_text(tmp_path, "wide.pcore", f'core "wide" version 1.0\n\n{enums}\n'
                          f"param T : table[{axes}] of yen\n  required\n")


@pytest.mark.parametrize("sizes", [
    (2000, 2000), (2,) * 22,
    pytest.param((MAX_TABLE_CELLS + 1,), marks=pytest.mark.slow),  # an enum of a million members
    (317, 317)])
def test_a_table_type_beyond_the_cell_limit_is_refused_at_the_type(tmp_path, sizes):
    """Before: the core loaded, and a 106-byte profile against it built 4 million PC0505
    (10.9 s, 1.9 GB). Now one PC0005 at the type, in both languages."""
    core = _wide_core(tmp_path, *sizes)
    assert not core.ok
    (d,) = core.diagnostics
    assert (d.code, d.span.line) == ("PC0005", len(sizes) + 4)
    cells = 1
    for size in sizes:
        cells *= size
    assert f"({cells:,}: its categories multiplied) exceeds the limit of 100,000 cells" \
        in d.message("en")
    assert f"セル数（{cells:,} 個" in d.message("ja")


def test_missing_rows_past_the_cap_are_counted_not_built(tmp_path, monkeypatch):
    """A type at the limit and a profile with one row: 99,999 rows missing. 500 are listed and
    the rest counted in one PC0005, without being built."""
    core = _wide_core(tmp_path, 100, 1000)
    assert core.ok, core.diagnostics
    built = []
    real = Diagnostic  # what grids.Diagnostic is, named where it is exported

    def counting(*args, **kwargs):
        built.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(grids, "Diagnostic", counting)
    head = 'tenant "x" code 085421\nuses "wide"\nfrom 2024-04-01\n  T =\n'
    rows = head + "    | A0 | A1 | 値 |\n    | a0_0 | a1_0 | 1円 |\n"
    result = paramcfg.check_profile_text(rows, core)
    assert built.count("PC0505") == grids.MAX_MISSING_REPORTED
    assert built.count("PC0005") == 1
    (count,) = [d for d in result.diagnostics if "lacks" in d.message("en")]
    assert f"({100 * 1000 - 1 - grids.MAX_MISSING_REPORTED:,} more, not listed)" \
        in count.message("en")
    assert "ほかに 99,499 個" in count.message("ja")
    columns = head + "    | A0 | a1_0 |\n    | a0_0 | 1円 |\n"
    built.clear()
    paramcfg.check_profile_text(columns, core)
    # 999 columns missing: 500 listed, the rest counted; and, since missing columns no longer
    # hide the rows (issue 14), the 99 missing rows too.
    assert built.count("PC0505") == grids.MAX_MISSING_REPORTED + 99
    assert built.count("PC0005") == 1


def test_the_table_type_limit_is_documented():
    text = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    assert "| cells of a table type in a core" in text


# ---- 11. files: links, the umask, dangling links and named pipes --------------------------------

import stat  # noqa: E402

from paramcfg.cli import EXIT_USAGE  # noqa: E402
from paramcfg.fileio import write_atomic  # noqa: E402

GOKA = ROOT / "tenant_profiles" / "goka.pcfg"


def test_fmt_writes_a_links_target_and_keeps_the_link(tmp_path):
    """Before: the link was replaced by a formatted regular file; its target stayed as it was."""
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "naka.pcfg"
    messy = NAKA.read_text(encoding="utf-8").replace("税率 = 1.4%", "税率   =   1.4%")
    real.write_text(messy, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.pcfg"
    link.symlink_to(Path("real") / "naka.pcfg")
    assert main(["fmt", str(link), "--lang", "en"]) == EXIT_OK
    assert link.is_symlink()
    assert link.readlink() == Path("real") / "naka.pcfg"
    assert real.read_text(encoding="utf-8") == NAKA.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["link.pcfg", "naka.pcfg", "real"]
    assert main(["fmt", "--check", str(link)]) == EXIT_OK


@pytest.mark.parametrize(("umask", "mode"), [
    (0o022, 0o644),
    *(pytest.param(u, m, marks=pytest.mark.slow) for u, m in [(0o027, 0o640), (0o077, 0o600),
                                                              (0o002, 0o664)])])
def test_new_files_respect_the_umask(tmp_path, umask, mode):
    """Before: files made by init and export -o were 0600 whatever the umask."""
    old = os.umask(umask)
    try:
        made = tmp_path / "新町.pcfg"
        assert main(["init", "新町", "--code", "085430", "--from", str(GOKA), "-o", str(made),
                     "--lang", "en"]) == EXIT_OK
        exported = tmp_path / "naka.toml"
        assert main(["export", str(NAKA), "--on", "2024-06-01", "--format", "toml", "-o",
                     str(exported)]) == EXIT_OK
        plain = tmp_path / "plain.txt"
        write_atomic(plain, "x\n")
    finally:
        os.umask(old)
    for path in (made, exported, plain):
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


def test_init_refuses_a_dangling_link(tmp_path, capsys):
    """Before: ``init -o`` onto a link to a missing file replaced the link."""
    link = tmp_path / "新町.pcfg"
    link.symlink_to(tmp_path / "elsewhere" / "missing.pcfg")
    assert main(["init", "新町", "--code", "085430", "--from", str(GOKA), "-o", str(link),
                 "--lang", "en"]) == EXIT_USAGE
    assert "already exists" in capsys.readouterr().err
    assert link.is_symlink()
    assert not link.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["新町.pcfg"]


PIPE_SCRIPT = """
import os, sys
import paramcfg
from paramcfg.cli import main
pipe = sys.argv[1]
try:
    paramcfg.load_tenant(pipe, paramcfg.load_core("package_core"))
except OSError as exc:
    print(type(exc).__name__)
for argv in (["check", pipe], ["fmt", pipe], ["fmt", "--check", pipe],
             ["eval", pipe, "r", "--on", "2024-06-01"], ["export", pipe, "--on", "2024-06-01"],
             ["diff", pipe, pipe], ["check", pipe, "--lang", "ja"]):
    print(main(argv))
"""


@pytest.mark.slow  # a fresh interpreter
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_refused_never_read(tmp_path):
    """Before: a named pipe given as a profile blocked for ever (no writer ever came)."""
    pipe = tmp_path / "町.pcfg"
    os.mkfifo(pipe)
    shutil.copytree(CORE_DIR, tmp_path / "package_core")
    shutil.copytree(ROOT / "prefectures", tmp_path / "prefectures")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PIPE_SCRIPT, str(pipe)], capture_output=True, text=True,
        check=False, timeout=60, cwd=tmp_path, env={**os.environ, "PARAMCFG_LANG": "en"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "NotRegularFileError"
    assert lines[1:] == [str(EXIT_USAGE)] * 7, done.stdout + done.stderr
    assert "not a regular file (a named pipe, a device or a socket)" in done.stderr
    assert "通常のファイルではありません" in done.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_render_text_splits_each_source_once():
    """600 findings in a 1.4 MB file split the file 600 times (2 s of the 4.5 s repro)."""
    from paramcfg.diagnostics import Diagnostic, Span, render_text  # noqa: PLC0415

    class Counted(str):
        __slots__ = ()
        calls = 0

        def splitlines(self, keepends=False):
            Counted.calls += 1
            return super().splitlines(keepends)

    text = Counted('tenant "町" code 085421\n' + "x = [\n" * 50)
    diags = [Diagnostic("PC0101", Span("町.pcfg", line, 5, line, 6), {"found": "[",
             "found_ja": "[", "expected": "a value", "expected_ja": "値"})
             for line in range(2, 52)]
    shown = render_text(diags, {"町.pcfg": text})
    assert Counted.calls == 1
    assert shown.count("町.pcfg:") == 50
