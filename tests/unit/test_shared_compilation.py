"""Towns share compiled rules (issue 15 item 6): a module per shape of the core's rules, each
town's values bound into its own namespace; what folding decides still differs per town."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from helpers import load_core_text

import paramcfg
from paramcfg.engine import load_tenant_text

if TYPE_CHECKING:
    from paramcfg.engine import Tenant
    from paramcfg.loading import CoreResult

ON = dt.date(2024, 6, 1)
LATER = dt.date(2025, 6, 1)

CORE = """core "shared-test" version 1.0
enum 賦課方式 { 三方式, 二方式 }
enum 区分 { 甲, 乙 }
input 所得 : yen
input 人数 : int
input 区 : 区分
param 率 : rate default 1.4%
param 方式 : 賦課方式 default 三方式
param 平等割 : yen default 10,000円
param 均等割 : yen default 5,000円
param 表 : table[所得 : yen, 区分] of yen
  required
param 新税 : yen
  required from 2025-04-01
rule 所得割 : yen = floor(所得 * 率, 100)
rule 平等 : yen = if 方式 == 二方式 then 0円 else 平等割
rule 税 : yen = 所得割 + 均等割 * 人数 + 平等 + 表(所得, 区)
rule 新 : yen = if 所得 > 0円 then 新税 else 0円
"""


def profile(rate: str, flat: str, low: str, high: str, *, two: bool = False,
            later: str = "800円") -> str:
    return "\n".join([
        'tenant "五霞町" code 085421', 'uses "shared-test"', "from 2024-04-01",
        f"  率 = {rate}", f"  均等割 = {flat}", *(["  方式 = 二方式"] if two else []),
        "  表 =", "    | 所得 | 甲 | 乙 |", f"    | < 100,000円 | {low} | {low} |",
        f"    | >= 100,000円 | {high} | {high} |",
        "from 2025-04-01", f"  新税 = {later}", ""])


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> CoreResult:
    found = load_core_text(tmp_path_factory.mktemp("core"), "shared.pcore", CORE)
    assert found.ok, [d.message() for d in found.diagnostics]
    return found


def module_of(town: Tenant, rule: str, on: dt.date = ON) -> str:
    """The generated module that computes ``rule`` for ``town`` (its file name)."""
    return town._entry(rule, on).__code__.co_filename


def test_towns_with_different_values_share_one_module_and_keep_their_own_answers(core):
    a = load_tenant_text(profile("1.4%", "5,000円", "100円", "300円"), core)
    b = load_tenant_text(profile("2.25%", "7,000円", "150円", "450円"), core)
    inputs = {"所得": 1_234_567, "人数": 3, "区": "乙"}
    # a: floor(1,234,567 × 1.4%, 100) = floor(17,283.938, 100) = 17,200; 5,000 × 3 = 15,000;
    #    平等割 10,000 (三方式); 表 ≥ 100,000 → 300. Total 42,500.
    # b: floor(1,234,567 × 2.25%, 100) = floor(27,777.7575, 100) = 27,700; 7,000 × 3 = 21,000;
    #    10,000; 450. Total 59,150.
    assert a.evaluate("税", inputs, ON) == 42_500
    assert b.evaluate("税", inputs, ON) == 59_150
    assert module_of(a, "税") == module_of(b, "税")  # compiled once, for both
    assert a.compiled(ON).source == b.compiled(ON).source
    assert a.compiled(ON).entries["税"] is not b.compiled(ON).entries["税"]
    for town in (a, b):
        assert town.evaluate("税", inputs, ON) == town.interpret("税", inputs, ON)


def test_a_decision_folded_differently_is_another_module(core):
    three = load_tenant_text(profile("1.4%", "5,000円", "100円", "300円"), core)
    two = load_tenant_text(profile("1.4%", "5,000円", "100円", "300円", two=True), core)
    inputs = {"所得": 50_000, "人数": 1, "区": "甲"}
    # floor(50,000 × 1.4%, 100) = 700; 5,000; 平等割 10,000 or 0 (二方式); 表 < 100,000 → 100.
    assert three.evaluate("税", inputs, ON) == 15_800
    assert two.evaluate("税", inputs, ON) == 5_800
    assert module_of(three, "税") != module_of(two, "税")
    # The decision is folded: 二方式's module does not read 平等割 at all.
    assert three.compiled(ON).source != two.compiled(ON).source


def test_a_parameter_without_a_value_fails_only_when_read_and_names_the_date(core):
    early = load_tenant_text(profile("1.4%", "5,000円", "100円", "300円"), core)
    set_later = load_tenant_text(profile("1.4%", "5,000円", "100円", "300円", later="900円"), core)
    assert early.evaluate("新", {"所得": 1}, LATER) == 800
    # Before 2025-04-01 新税 has no value: the branch that reads it fails, the other does not.
    assert early.evaluate("新", {"所得": 0}, ON) == 0
    with pytest.raises(paramcfg.EvaluationError, match="新税 has no value on 2024-04-01"):
        early.evaluate("新", {"所得": 1}, ON)
    assert set_later.evaluate("新", {"所得": 1}, LATER) == 900
    # Same shape for both towns in FY2024 (no value), another from FY2025 (a value).
    assert module_of(early, "新") == module_of(set_later, "新")
    assert module_of(set_later, "新", LATER) != module_of(set_later, "新")


@pytest.mark.parametrize("rate", ["1.4%", "0.0001%", "7%", "33.3333%", "100%"])
def test_a_rate_parameter_rounds_exactly_in_any_town(core, rate):
    town = load_tenant_text(profile(rate, "5,000円", "100円", "300円"), core)
    for income in (0, 1, 99, 1_234_567, 10**15 + 999):
        expected = int(Decimal(income) * Decimal(rate.rstrip("%")) / 100) // 100 * 100
        assert town.evaluate("所得割", {"所得": income}, ON) == expected, (rate, income)
        assert town.interpret("所得割", {"所得": income}, ON) == expected


def test_the_shared_module_lives_as_long_as_a_town_uses_it(core):
    import linecache  # noqa: PLC0415

    town = load_tenant_text(profile("3%", "1,000円", "1円", "2円"), core)
    name = module_of(town, "所得割")
    assert name in linecache.cache
    other = load_tenant_text(profile("4%", "1,000円", "1円", "2円"), core)
    assert module_of(other, "所得割") == name
    del town
    gc.collect()
    assert name in linecache.cache  # still used by the other town
    assert other.evaluate("所得割", {"所得": 10_000}, ON) == 400
    del other
    gc.collect()
    assert name not in linecache.cache


def test_generated_source_names_no_value_of_a_town(core):
    town = load_tenant_text(profile("2.75%", "6,100円", "123円", "456円"), core)
    source = town.compiled(ON).source
    for text in ("2.75", "0.0275", "6100", "123", "456", "五霞町"):
        assert text not in source
