"""Literal writers shared by every generator: numbers (grouped or plain digits, yen, rates),
blanks, string literals within a display width, town names and 地方公共団体コード.

Each writer *draws* its choices, so one value is written in the many ways the language accepts.
The facts these writers rely on belong to the library and are taken from it: the code's check
digit from :func:`paramcfg.check.code_check_digit`, display width from
:func:`paramcfg.diagnostics.display_width`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from paramcfg import types as t
from paramcfg.check import code_check_digit
from paramcfg.diagnostics import display_width

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn

Number = int | Decimal


def one_in(draw: DrawFn, n: int) -> bool:
    """True about once in ``n`` draws (``n`` >= 3).  The hit is a middle value, as Hypothesis
    tries the bounds of a range more often than the others."""
    return draw(st.integers(1, n)) == (n + 1) // 2


# ---- blanks and numbers ----------------------------------------------------------------------


_BLANKS = (" ", " ", " ", "  ", "\t", "   ")
_SOME_BLANKS = st.sampled_from(_BLANKS)
_ANY_BLANKS = st.sampled_from(("", *_BLANKS))


def spaces(draw: DrawFn, least: int = 0) -> str:
    """Random blanks: mostly one space, sometimes none (where allowed), more, or a tab."""
    return draw(_SOME_BLANKS if least else _ANY_BLANKS)


def digits(draw: DrawFn, magnitude: Number) -> str:
    """A non-negative number's digits, grouped (``48,600``) or plain (``48600``) at random."""
    text = format(magnitude, "f") if isinstance(magnitude, Decimal) else str(magnitude)
    whole, _, frac = text.partition(".")
    if len(whole) > 3 and draw(st.booleans()):
        whole = f"{int(whole):,}"
    return whole + (f".{frac}" if frac else "")


def write_number(draw: DrawFn, ty: t.Type, value: Number) -> str:
    """``value`` written as a literal of ``ty`` (yen 円, rate %, int, decimal)."""
    sign = "-" if value < 0 else ""
    magnitude: Number = -value if value < 0 else value
    if isinstance(ty, t.YenType | t.RateType) and value == 0 and draw(st.booleans()):
        return "0"  # a bare 0 is accepted for yen and rates
    if isinstance(ty, t.YenType):
        return f"{sign}{digits(draw, magnitude)}円"
    if isinstance(ty, t.RateType):
        return f"{sign}{digits(draw, Decimal(magnitude) * 100)}%"
    return f"{sign}{digits(draw, magnitude)}"



# ---- literals of the declared types, named by strings ("yen", "rate", "list:yen", …) -----------


def plain_decimal(x: Decimal) -> str:
    return format(x.normalize(), "f")


def yen_literal(draw: DrawFn, value: int, *, bare_zero: bool = False) -> str:
    """``value`` yen as a literal (in a profile a negative is ``-500円``; a bare 0 is allowed)."""
    if value == 0 and bare_zero and draw(st.booleans()):
        return "0"
    sign = "-" if value < 0 else ""
    return f"{sign}{digits(draw, abs(value))}円"


def rate_literal(draw: DrawFn, value: Decimal, *, bare_zero: bool = False) -> str:
    if value == 0 and bare_zero and draw(st.booleans()):
        return "0"
    sign = "-" if value < 0 else ""
    return f"{sign}{plain_decimal(abs(value) * 100)}%"


def int_literal(draw: DrawFn, value: int) -> str:
    return ("-" if value < 0 else "") + digits(draw, abs(value))


def value_literal(draw: DrawFn, ty: str, value: object) -> str:
    """A profile (or default) value of declared type ``ty``."""
    if ty == "yen":
        assert isinstance(value, int)
        return yen_literal(draw, value, bare_zero=True)
    if ty == "rate":
        assert isinstance(value, Decimal)
        return rate_literal(draw, value, bare_zero=True)
    if ty == "int":
        assert isinstance(value, int)
        return int_literal(draw, value)
    if ty == "decimal":
        assert isinstance(value, Decimal)
        return ("-" if value < 0 else "") + plain_decimal(abs(value))
    if ty == "bool":
        return "true" if value else "false"
    if ty == "date":
        assert isinstance(value, dt.date)
        return value.isoformat()
    if ty.startswith("enum:"):
        assert isinstance(value, str)
        return value
    if ty == "list:yen":
        assert isinstance(value, tuple)
        items = [yen_literal(draw, v) for v in value]
        trailing = "," if items and one_in(draw, 4) else ""
        return "[" + ", ".join(items) + trailing + "]"
    raise AssertionError(ty)


# ---- strings, town names, codes ----------------------------------------------------------------

KANJI = ("町村市長課係税務保育料金様式通知書固定資産都計画霞那珂常陸大宮笠間水戸土浦"
          "日立筑波鹿嶋潮来守谷坂東稲敷桜川神栖行方鉾田小美玉茨城大洗城里東海太子河内八千代")
KANA = ("あいうえおかきくけこさしすせそたちつてとなにぬねのまみむめもやゆよらりるれろわをん"
         "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロン")
#: Written form → value.  Full-width look-alikes, ``#``, ``|`` and ``{`` inside a string are
#: text, never mapped or taken as a comment or a grid.
_TEXT_PIECES: tuple[tuple[str, str], ...] = (
    *((c, c) for c in KANJI),
    *((c, c) for c in KANA),
    *((c, c) for c in "abcxyzABCXYZ0123456789 -.,:;()/"),
    *((c, c) for c in "ー・（）「」、。：＝％１２＃＂｜，．\u3000々"),
    *((c, c) for c in "#|{}[]<>=%円月日"),
    ('\\"', '"'), ("\\\\", "\\"), ("\\n", "\n"), ("\\t", "\t"), ("\t", "\t"),
)
_TOWN_NAMES = (
    "五霞町", "那珂市", "常陸大宮市", "かすみがうら市", "大洗町", "城里町", "東海村", "美浦村",
    "阿見町", "河内町", "八千代町", "境町", "利根町", "大子町", "新町", "ひたちなか市",
)
_TOWN_SUFFIXES = ("町", "村", "市")


@st.composite
def strings(draw: DrawFn, width: int | None = None) -> tuple[str, str]:
    """A string literal (as written, with its quotes) and its value, within ``width``."""
    pieces = draw(st.lists(st.sampled_from(_TEXT_PIECES), max_size=30))
    written: list[str] = []
    value: list[str] = []
    used = 0
    for w, v in pieces:
        cells = display_width(v)
        if width is not None and used + cells > width:
            break
        written.append(w)
        value.append(v)
        used += cells
    if width is not None and used < width and draw(st.booleans()):
        pad = draw(st.sampled_from(("a", " ", "長")))
        while used + display_width(pad) <= width:
            written.append(pad)
            value.append(pad)
            used += display_width(pad)
    return '"' + "".join(written) + '"', "".join(value)


@st.composite
def municipality_codes(draw: DrawFn) -> str:
    first5 = draw(st.one_of(
        st.tuples(st.integers(1, 47), st.integers(0, 999)).map(lambda p: f"{p[0]:02d}{p[1]:03d}"),
        st.integers(0, 99_999).map(lambda x: f"{x:05d}"),
    ))
    return f"{first5}{code_check_digit(first5)}"


def town_names() -> st.SearchStrategy[str]:
    generated = st.tuples(st.text(st.sampled_from(KANJI + KANA), min_size=1, max_size=4),
                          st.sampled_from(_TOWN_SUFFIXES)).map("".join)
    return st.one_of(st.sampled_from(_TOWN_NAMES), generated)
