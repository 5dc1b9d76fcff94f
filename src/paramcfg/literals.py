"""The literal reader: the text of one literal token → its exact value.

Used by both parsers (the Lark transformer and the fast path), so that ``48,600円`` is the same
``48600`` whichever reads it, and by the command line (:func:`read_literal`), so that what a
clerk types after ``--input`` is read as the profile would read it.
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from paramcfg import lexicon
from paramcfg import nodes as n
from paramcfg.segmenter import MAX_STATEMENT_CHARS

if TYPE_CHECKING:
    from paramcfg.diagnostics import Span

__all__ = ["ANY_ESCAPE", "GOOD_ESCAPES", "literal_node", "negated", "percent", "to_number",
           "unquote"]


def to_number(digits: str) -> int | Decimal:
    # Anything written with a decimal point stays a Decimal, so that `0.5円` can be reported
    # as a fractional yen instead of being silently truncated.
    plain = digits.replace(",", "")
    if "." in plain or len(plain) > _MAX_INT_DIGITS:
        # Python refuses int() of more than 4,300 digits; a Decimal has no such limit, and the
        # model reports any literal longer than its limit (PC0005) before using it.
        return Decimal(plain)
    return int(plain)


_MAX_INT_DIGITS: Final = 1000


def literal_node(kind: str, text: str, span: Span) -> n.Lit | None:
    """The literal node of a token of terminal ``kind`` (YEN, PERCENT, NUMBER, DATE, MONTHDAY,
    STRING) as Lark's transformer makes it (the string's escapes are left to Lark: a fast path
    takes only strings without any), or ``None`` for any other kind.  Both fast paths read
    literals here."""
    if kind == "YEN":
        return n.Lit("yen", to_number(text[:-1]), text, span)
    if kind == "PERCENT":
        return n.Lit("percent", percent(text[:-1]), text, span)
    if kind == "NUMBER":
        return n.Lit("number", to_number(text), text, span)
    if kind in {"DATE", "MONTHDAY"}:
        return n.Lit(kind.lower(), text, text, span)
    if kind == "STRING":
        return n.Lit("string", text[1:-1], text, span)
    return None


def percent(digits: str) -> Decimal:
    """``1.4`` (of ``1.4%``) as ``Decimal("0.014")``, exactly: no decimal context is used, so
    the caller's (``localcontext(prec=2)``) cannot round it."""
    return Decimal(digits.replace(",", "")).scaleb(-2, _EXACT)


def negated(value: int | Decimal) -> int | Decimal:
    return -value if isinstance(value, int) else value.copy_negate()  # exact, any context


#: scaleb rounds to its context's precision: this one keeps every digit a statement can hold.
_EXACT: Final = decimal.Context(prec=MAX_STATEMENT_CHARS + 10, Emax=decimal.MAX_EMAX,
                                Emin=decimal.MIN_EMIN)


_ESCAPES: Final = lexicon.STRING_ESCAPES
_ESCAPE_RE = re.compile("|".join(re.escape(pair) for pair in _ESCAPES))
# Escape pairs, matched left to right so that "\\\\q" is a backslash and a q, not \\q.
ANY_ESCAPE = re.compile(r"\\(.)")
GOOD_ESCAPES: Final = frozenset(pair[1] for pair in _ESCAPES)


def unquote(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text[1:-1])

