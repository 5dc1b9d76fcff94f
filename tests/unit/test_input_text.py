"""Values given outside a profile (``--input``, test files) are read as a profile reads them.

:func:`paramcfg.export.parse_input` hands text to the profile's own literal reader
(:func:`paramcfg.syntax.parse_value`) and the type converter, so that ``48,600円`` on the
command line is exactly what it is in a profile.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from paramcfg import nodes as n
from paramcfg import types as t
from paramcfg import values
from paramcfg.export import parse_input
from paramcfg.syntax import parse_text, parse_value

YEN, INT, RATE, DEC = t.YenType(), t.IntType(), t.RateType(), t.DecimalType()
TEXT = t.TextType(None)


@pytest.mark.parametrize(("raw", "ty", "value"), [
    ("48,600円", YEN, 48600), ("48600", YEN, 48600), (" 48,600 円 ", YEN, 48600),
    ("-48,600円", YEN, -48600), ("-48,600", YEN, -48600), ("1.0円", YEN, 1), ("0", YEN, 0),
    ("3", INT, 3), ("3.0", INT, 3), ("1,000", INT, 1000), ("-3", INT, -3),
    ("1.4%", RATE, Decimal("0.014")), ("0.014", RATE, Decimal("0.014")), ("0%", RATE, Decimal(0)),
    ("1.5", DEC, Decimal("1.5")), ("-0.25", DEC, Decimal("-0.25")),
    ("true", t.BoolType(), True), ("false", t.BoolType(), False),
    ("2024-04-01", t.DateType(), dt.date(2024, 4, 1)), ("20240401", t.DateType(), dt.date(2024, 4, 1)),
    ("4月30日", t.MonthDayType(), t.MonthDay(4, 30)),
    ("2月末日", t.MonthDayType(), values.parse_monthday("2月末日")),
    ("[1,000円, 2,000円]", t.ListType(YEN), [1000, 2000]), ("[]", t.ListType(YEN), []),
    ("[100,200]", t.ListType(INT), [100200]),  # a comma before three digits groups them
    ("[固定資産税 納税通知書, b]", t.ListType(TEXT), ["固定資産税 納税通知書", "b"]),
    ("[登録, 注射済票交付]", t.ListType(TEXT), ["登録", "注射済票交付"]),
    ("固定資産税", TEXT, "固定資産税"),
    (5, YEN, 5), (Decimal("1.4"), RATE, Decimal("1.4")), (True, t.BoolType(), True),
])
def test_what_is_accepted(raw: object, ty: t.Type, value: object) -> None:
    got = parse_input(raw, ty)
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize(("raw", "ty", "value"), [
    ("４８，６００円", YEN, 48600),  # full-width figures, as a profile maps them
    ("１．４％", RATE, Decimal("0.014")),
    ("令和6年4月1日", t.DateType(), dt.date(2024, 4, 1)),  # the era, as PC0301 suggests
    ('["a", b]', t.ListType(TEXT), ["a", "b"]),  # a quoted item is the text inside the quotes
])
def test_what_a_clerk_types_is_accepted_now(raw: str, ty: t.Type, value: object) -> None:
    assert parse_input(raw, ty) == value


@pytest.mark.parametrize(("raw", "shown"), [("100%", "1"), ("10%", "0.1"), ("1.40%", "0.014"),
                                             ("1000%", "10"), ("0.5%", "0.005"), ("-1.4%", "-0.014")])
def test_a_percentage_keeps_its_digits_and_equals_the_profiles(raw: str, shown: str) -> None:
    got = parse_input(raw, RATE)
    assert str(got) == shown  # as parse_input always gave it (a rule's JSON shows the digits)
    (stmt,) = parse_text(f"x = {raw}\n", "t.pcfg").file.statements
    assert isinstance(stmt, n.Assignment)
    assert isinstance(stmt.value, n.Lit)
    assert got == stmt.value.value


@pytest.mark.parametrize(("raw", "ty", "message"), [
    ("0.5円", YEN, "0.5円: 0.5円 is not a valid amount in whole yen"),
    ("48,60円", YEN, "48,60円: unexpected `,`; expected the end of the statement"),
    ("48,600円", INT,
     "48,600円: the input expects a whole number such as 3, but 48,600円 is an amount in yen"),
    ("1.4%", DEC, "1.4%: the input expects a number such as 1.5, but 1.4% is a rate"),
    ("yes", t.BoolType(), "yes: the input expects true or false, but yes is a name"),
    ("2024-02-30", t.DateType(), "2024-02-30: 2024-02-30 is not a valid date"),
    ("2月30日", t.MonthDayType(), "2月30日: 2月30日 is not a valid day of the year"),
    ("1 # note", INT, "1 # note: not one value"),
    ("1\n2", INT, "1\n2: not one value"),
])
def test_what_is_refused_says_why(raw: str, ty: t.Type, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        parse_input(raw, ty)


@pytest.mark.parametrize("raw", [1.5, True, None, [1]])
def test_data_of_the_wrong_kind_is_refused(raw: object) -> None:
    with pytest.raises(ValueError, match=re.escape(str(raw))):
        parse_input(raw, YEN)


def test_parse_value_reads_exactly_one_value() -> None:
    value, problems = parse_value("[4月30日, 2月末日]")
    assert isinstance(value, n.ListValue)
    assert problems == ()
    assert [i.text for i in value.items if isinstance(i, n.Lit)] == ["4月30日", "2月末日"]
    for text in ("1 2", "1 # c", "1\ny = 2", "", "x = 1"):
        assert parse_value(text)[0] is None, text
