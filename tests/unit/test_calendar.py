"""Due dates: fiscal_date, business_day (holidays from jpholiday) and map, in both evaluators."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from helpers import load_core_text

from paramcfg import load_tenant_text
from paramcfg import runtime as rt
from paramcfg import types as t
from paramcfg.errors import EvaluationError
from paramcfg.interpret import render_explanation

if TYPE_CHECKING:
    from pathlib import Path

    from paramcfg.engine import CoreResult, Tenant

NEW_YEAR = [t.MonthDay(12, 29), t.MonthDay(12, 30), t.MonthDay(12, 31),
            t.MonthDay(1, 1), t.MonthDay(1, 2), t.MonthDay(1, 3)]

CORE = """core "暦" version 1
param 納期限 : list of monthday
  default [4月30日, 7月31日, 12月末日, 2月末日]
param 閉庁日 : list of monthday
  fixed
  default [12月29日, 12月30日, 12月31日, 1月1日, 1月2日, 1月3日]
input 期日 : date
rule 各期の納期限 : list of date =
  map(納期限, d -> business_day(fiscal_date(d, fiscal_year(as_of)), 閉庁日))
rule 繰下げ後 : date =
  business_day(期日, 閉庁日)
"""
PROFILE = """tenant "五霞町" code 085421
uses "暦"
from 2023-04-01
  納期限 = [4月30日, 7月31日, 12月末日, 2月末日]
"""


def _core(folder: Path, text: str) -> CoreResult:
    return load_core_text(folder, "暦.pcore", text)


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Tenant:
    core = _core(tmp_path_factory.mktemp("core"), CORE)
    assert core.ok, [d.message() for d in core.diagnostics]
    return load_tenant_text(PROFILE, core, "goka.pcfg")


def _explain(tenant: Tenant, day: dt.date, lang: str = "en") -> str:
    step = tenant.explain("繰下げ後", {"期日": day}, dt.date(2024, 4, 1))
    return render_explanation(step, None, lang)


def test_fiscal_date_puts_january_to_march_in_the_next_calendar_year() -> None:
    assert rt.fiscal_date(t.MonthDay(4, 30), 2024) == dt.date(2024, 4, 30)
    assert rt.fiscal_date(t.MonthDay(12, 25), 2024) == dt.date(2024, 12, 25)
    # 2月末日 of FY2024 is in 2025, not a leap year: the 28th.
    assert rt.fiscal_date(t.MonthDay(2, None), 2024) == dt.date(2025, 2, 28)
    # … and of FY2027 in 2028, a leap year: the 29th.
    assert rt.fiscal_date(t.MonthDay(2, None), 2027) == dt.date(2028, 2, 29)


@pytest.mark.parametrize(("day", "expected"), [
    # A Wednesday that is no holiday stays.
    ("2024-07-31", "2024-07-31"),
    # 2026-02-28 is a Saturday: Monday 2 March.
    ("2026-02-28", "2026-03-02"),
    # 2029-04-29 昭和の日 is a Sunday, so Monday 30 April is a 振替休日: Tuesday 1 May.
    ("2029-04-30", "2029-05-01"),
    # Golden Week 2025: 3 May (Sat) 憲法記念日, 4 (Sun) みどりの日, 5 (Mon) こどもの日,
    # 6 (Tue) 振替休日 → Wednesday 7 May.
    ("2025-05-03", "2025-05-07"),
    # 2026-09-21 敬老の日, 22 国民の休日 (between two holidays), 23 秋分の日 → Thursday 24th.
    ("2026-09-21", "2026-09-24"),
    # 12月31日 is closed (New Year closure), 1 Jan 元日, 2–3 Jan closed, 4–5 Jan 2025 a weekend.
    ("2024-12-31", "2025-01-06"),
])
def test_business_day_moves_over_weekends_holidays_and_the_new_year_closure(
        day: str, expected: str) -> None:
    assert rt.business_day(dt.date.fromisoformat(day), NEW_YEAR) == dt.date.fromisoformat(expected)


def test_without_the_closure_the_thirtyfirst_of_december_is_a_business_day() -> None:
    assert rt.business_day(dt.date(2024, 12, 31), []) == dt.date(2024, 12, 31)


@pytest.mark.parametrize(("on", "expected"), [
    # FY2024: 2024-04-30 Tue; 2024-07-31 Wed; 2024-12-31 closed → 2025-01-06; 2025-02-28 Fri.
    ("2024-06-01", ["2024-04-30", "2024-07-31", "2025-01-06", "2025-02-28"]),
    # FY2029: 2029-04-30 振替休日 → 05-01; 2029-07-31 Tue; 2029-12-31 closed, 2030-01-01 元日,
    # 2–3 Jan closed → Friday 2030-01-04; 2030-02-28 Thu.
    ("2029-04-01", ["2029-05-01", "2029-07-31", "2030-01-04", "2030-02-28"]),
])
def test_due_dates_of_a_fiscal_year_agree_in_both_evaluators(
        tenant: Tenant, on: str, expected: list[str]) -> None:
    day = dt.date.fromisoformat(on)
    want = tuple(dt.date.fromisoformat(d) for d in expected)
    assert tenant.evaluate("各期の納期限", {}, day) == want
    assert tenant.interpret("各期の納期限", {}, day) == want


def test_explanation_names_each_day_skipped(tenant: Tenant) -> None:
    text = _explain(tenant, dt.date(2029, 4, 30), "ja")
    assert "休日による期限の繰下げ 2029-04-30 昭和の日 振替休日 = 2029-05-01" in text
    text = _explain(tenant, dt.date(2024, 12, 31))
    assert ("2024-12-31 閉庁日, 2025-01-01 元日, 2025-01-02 閉庁日, 2025-01-03 閉庁日, "
            "2025-01-04 土曜日, 2025-01-05 日曜日 = 2025-01-06") in text


def test_a_business_day_is_not_explained_as_moved(tenant: Tenant) -> None:
    lines = [line.split("   [")[0] for line in _explain(tenant, dt.date(2024, 7, 31)).splitlines()]
    assert lines == ["繰下げ後 = 2024-07-31", "├─ input 期日 = 2024-07-31",
                     "└─ parameter 閉庁日 = [12月29日, 12月30日, 12月31日, 1月1日, 1月2日, 1月3日]"]


@pytest.mark.parametrize(("rule", "code"), [
    ("rule 誤り : date =\n  business_day(期日, 期日)", "PC0812"),     # closed days: a list
    ("rule 誤り : date =\n  fiscal_date(期日, 2024)", "PC0812"),      # a monthday, not a date
    ("rule 誤り : date =\n  business_day(期日)", "PC0804"),           # two arguments
    ("rule 誤り : list of date =\n  map(納期限)", "PC0804"),          # map needs a function
    ("rule 誤り : date =\n  map(納期限, d -> fiscal_date(d, 2024))", "PC0811"),  # a list
])
def test_wrong_arguments_are_diagnosed(tmp_path: Path, rule: str, code: str) -> None:
    result = _core(tmp_path, CORE + rule + "\n")
    assert not result.ok
    assert [(d.code, d.span.line) for d in result.diagnostics] == [(code, 13)]


def test_a_date_far_in_the_future_is_an_evaluation_error_not_a_crash() -> None:
    with pytest.raises(EvaluationError):
        rt.business_day(dt.date(9999, 12, 31), NEW_YEAR)
    with pytest.raises(EvaluationError):
        rt.fiscal_date(t.MonthDay(1, 1), 9999)


@pytest.mark.parametrize(("day", "months", "expected"), [
    ("2024-01-31", 1, "2024-02-29"),   # past the end of February (leap year): its last day
    ("2025-01-31", 1, "2025-02-28"),
    ("2024-05-01", 11, "2025-04-01"),  # across the calendar year
    ("2024-03-31", -1, "2024-02-29"),  # backwards
    ("1985-05-01", 480, "2025-05-01"),  # 40 years
])
def test_add_months(day: str, months: int, expected: str) -> None:
    assert rt.add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


def test_fiscal_months_are_april_to_march() -> None:
    months = rt.fiscal_months(2024)
    assert months[0] == dt.date(2024, 4, 1)
    assert months[8] == dt.date(2024, 12, 1)
    assert months[9] == dt.date(2025, 1, 1)
    assert months[-1] == dt.date(2025, 3, 1)
    assert len(months) == 12


def test_month_arithmetic_outside_the_calendar_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError):
        rt.add_months(dt.date(9999, 12, 1), 1)
    with pytest.raises(EvaluationError):
        rt.fiscal_months(0)
