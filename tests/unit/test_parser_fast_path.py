"""The parser's fast path for assignments gives exactly what the Lark path gives.

:func:`paramcfg.syntax.parse_text` first offers each statement to a small recogniser for the
common assignment (one value, a flat list, a grid) and gives the rest to Lark.  Every test here
parses the same text twice, with the fast path and with it switched off, and requires the two
results to be identical: the same nodes, values of the same types (``repr`` tells ``1`` from
``Decimal("1")`` and ``True`` from ``1``), the same spans, the same diagnostics in the same order.
"""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
from gen.settings import property_settings
from hypothesis import given
from hypothesis import strategies as st
from lark.lexer import PatternStr

from paramcfg import fastpath, lexicon, syntax
from paramcfg import nodes as n
from paramcfg.source import decode
from paramcfg.syntax import ParseResult, parse_text

ROOT = Path(__file__).resolve().parents[2]


def _lark_only(text: str, path: str) -> ParseResult:
    with mock.patch.object(syntax, "_fast_statement", return_value=None):
        return parse_text(text, path)


def assert_same(text: str, path: str = "t.pcfg") -> ParseResult:
    fast = parse_text(text, path)
    slow = _lark_only(text, path)
    assert fast == slow
    assert repr(fast) == repr(slow)
    return fast


def _fast_count(text: str) -> int:
    """How many statements of ``text`` the fast path takes."""
    taken = 0
    real = fastpath.fast_statement  # what syntax._fast_statement is

    def counting(*args: object) -> n.Statement | None:
        nonlocal taken
        result = real(*args)  # type: ignore[arg-type]
        taken += result is not None
        return result

    with mock.patch.object(syntax, "_fast_statement", counting):
        parse_text(text, "t.pcfg")
    return taken


# ---- every file the project has ----------------------------------------------------------

FILES = sorted(
    p for folder in ("tests", "package_core", "tenant_profiles", "prefectures", "docs")
    for p in (ROOT / folder).rglob("*") if p.suffix in {".pcfg", ".pcore"}
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_parses_the_same(path: Path) -> None:
    src = decode(path.read_bytes(), path.name)
    assert_same(src.text, src.path)


def test_the_fast_path_takes_every_statement_of_the_sample_files() -> None:
    """The sample core and profiles, all clean, never need Lark (paramcfg.fastdecl takes the
    headers, declarations, rules and records): `paramcfg check` of a clean profile does not even
    build the Lark parser (issue 15)."""
    paths = [*sorted((ROOT / "tenant_profiles").glob("*.pcfg")),
             *sorted((ROOT / "prefectures").glob("*.pcfg")),
             *sorted((ROOT / "package_core").glob("*.pcore"))]
    for path in paths:
        text = decode(path.read_bytes(), path.name).text
        statements = parse_text(text, path.name).file.statements
        assert _fast_count(text) == len(statements), path.name


# ---- the edges, one by one ---------------------------------------------------------------

EDGES = [
    "x = 1", "x = 48,600円", "x = 1,0000", "x = 1,234", "x = 1.5", "x = 1.", "x = 0.5円",
    "x = 1.4%", "x = 1,000.5%", "x = -5", "x = - 5円", "x = -1.4%", "x = -x", "x = --5",
    "x = -2024-04-01", "x = -4月1日", "x = 2024-04-01", "x = 2024-04-011", "x = 2024-4-01",
    "x = 4月30日", "x = 2月末日", "x = 13月40日", "x = 4月", "x = 2号", "x = 2円号", "x = 円",
    "x = true", "x = false", "x = truex", "x = true.x", "x = table", "x = and", "x = review",
    'x = "a"', 'x = "a#b"', 'x = "a|b"', 'x = "a\\"b"', 'x = "a\\qb"', 'x = ""', "x = 1 2",
    "x = [1, 2]", "x = [1,2,3]", "x = [1,234]", "x = []", "x = [,]", "x = [1,]", "x = [1,,]",
    "x = [[1]]", "x = [a, -1円, 4月1日]", "x = {a = 1}", "x = [1", "x == 1", "x =", "= 1",
    "review x = 1", "review = 1", "reviewx = 1", "review review = 1", "from = 1", "from.x = 1",
    "x.y = 1", "x. = 1", "2号 = 1", "x = 1 # note", "x =\t1\t", "\tx = 1", "x = 1\u00a0",
    "x = a.b.c", "x = 1円円", "x = 5%円", "x = ..<", "x = <", "x = 1 + 2",
    "x =\n  | a | b |\n  | 1 | 2 |", "x =\n| a |", "x =\n  | < 48,600円 | 1円 |",
    "x =\n  | >= 397,000円 | 1円 |", "x =\n  | ..< 5 | a b |", "x =\n  || a |", "x =\n  | |",
    "x =\n  | a | b", "x =\n  | a |\n\n  | b |", "x =\n  | a | # c\n  | b |", "x =\n  | -5 |",
    "x =\n  | a and b |", "x =\n  | 5円 and |", "x =\n  | 5円 -3円 |", "x =\n  | 5 -> 3 |",
    "x =\n  | [1] |", "x =\n  | = |", "x =\n  | true | false |", 'x =\n  | "s|t" | 1 |',
    "x = 1\n  | a |", "x = [1,\n 2]", "x =\n  | 2号 標準 | 3号 |", "x =\n  | 1 |\n  | 2 |",
    'tenant "町" code 085421', "from 2024-04-01", "param x : yen", "x = 1\ny = 2",
]


@pytest.mark.parametrize("statement", EDGES)
def test_edge(statement: str) -> None:
    assert_same(statement + "\n")
    assert_same("  " + statement.replace("\n", "\n  ") + "\n")


def test_the_keywords_are_the_grammars() -> None:
    parser, _ = syntax._get_parser()
    name = re.compile(parser.get_terminal("NAME").pattern.to_regexp())
    words = {t.pattern.value for t in parser.terminals
             if isinstance(t.pattern, PatternStr) and name.fullmatch(t.pattern.value)}
    assert words == lexicon.KEYWORDS


# ---- random statements -------------------------------------------------------------------

NUMBERS = ["0", "1", "7", "48,600", "1,0000", "12,34", "1.5", "1.", "007", "1,234,567", "2024"]
WORDS = ["x", "分類00.項目0000", "2号", "1級地", "第1階層", "true", "false", "review", "and",
         "then", "from", "table", "x.", "x.y", "円", "a_b", "truex", "標準", "短時間"]
OTHER = ["2024-04-01", "2024-04-011", "4月30日", "2月末日", "4月", '"abc"', '"a#b"', '"a|b"',
         '"a\\"b"', '"a\\qb"', '"', "<", "<=", ">=", ">", "==", "!=", "..<", "-", "+", "*", "->",
         "=", ",", "[", "]", "{", "}", "(", ")", "|", "#c", ".", ":", "\u00a0", "令和7年4月1日"]
#: Every token of the grammar, from the lexicon: a terminal or keyword added to the grammar (and,
#: by tests/test_lexicon.py, to the lexicon) is drawn here without a change to this file.
LEXICON = sorted({ex for term in lexicon.TERMINALS.values() for ex in term.examples}
                 | lexicon.KEYWORDS | lexicon.PUNCTUATION)
SPACE = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def fragments(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.sampled_from(NUMBERS)) + draw(st.sampled_from(["", "円", "%"]))
    if kind == 1:
        return draw(st.sampled_from(WORDS))
    if kind == 4:
        return draw(st.sampled_from(LEXICON))
    return draw(st.sampled_from(OTHER))


@st.composite
def values(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 2))
    if shape == 0:
        parts = draw(st.lists(fragments(), min_size=1, max_size=3))
        return draw(SPACE).join(parts)
    if shape == 1:
        items = draw(st.lists(fragments(), max_size=4))
        return "[" + draw(st.sampled_from([",", ", ", " ,"])).join(items) + draw(
            st.sampled_from(["]", ",]", ""])) + "]"
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        cells = draw(st.lists(st.lists(fragments(), max_size=3).map(" ".join), min_size=1,
                              max_size=4))
        closing = draw(st.sampled_from(["|", " |", "", "| "]))
        rows.append(draw(st.sampled_from(["", "  ", "\t"])) + "| " + " | ".join(cells) + closing)
    between = draw(st.sampled_from(["\n", "\n", "\n\n"]))
    return draw(SPACE) + "\n" + between.join(rows)


@st.composite
def statements(draw: st.DrawFn) -> str:
    review = draw(st.sampled_from(["", "", "review "]))
    name = draw(st.sampled_from(WORDS)) if draw(st.booleans()) else "分類00.項目0001"
    equals = draw(st.sampled_from(["=", "=", "==", ""]))
    return (draw(st.sampled_from(["", "  "])) + review + name + draw(SPACE) + equals
            + draw(SPACE) + draw(values()))


@property_settings(share=5)
@given(st.lists(statements(), min_size=1, max_size=3))
def test_random_statements_parse_the_same(stmts: list[str]) -> None:
    assert_same("\n".join(stmts) + "\n")


@property_settings(share=2)
@given(st.lists(fragments(), min_size=1, max_size=8), st.lists(SPACE, min_size=8, max_size=8))
def test_random_token_soup_parses_the_same(parts: list[str], spaces: list[str]) -> None:
    text = "x = " + "".join(p + s for p, s in zip(parts, spaces, strict=False))
    assert_same(text + "\n")


def test_the_fast_tokens_are_tried_in_the_grammars_priority_order() -> None:
    """The first alternative of the fast path's token regex that matches is the terminal Lark
    would lex only if they are tried by the grammar's priorities (lexicon.TERMINALS)."""
    from paramcfg import fastpath  # noqa: PLC0415

    order = sorted(fastpath._FAST_TOKEN.groupindex, key=fastpath._FAST_TOKEN.groupindex.__getitem__)
    names = [n if n in lexicon.TERMINALS else f"_{n}" for n in order if n != "PUNCT"]
    priorities = [lexicon.TERMINALS[name].priority for name in names]
    assert priorities == sorted(priorities, reverse=True)
    for name in names:  # each alternative is the lexicon's pattern (STRING narrowed to no escapes)
        pattern = fastpath._FAST_TOKEN.pattern
        if name != "STRING":
            assert f">{lexicon.TERMINALS[name].regex})" in pattern, name


# ---- declarations, rules and headers (paramcfg.fastdecl) -----------------------------------

DECLARATION_EDGES = [
    'core "c" version 2024.4', 'core "c" version 2024.4 law through 2027-03-31',
    'core "c" version 2024', 'core "c" version 2024.4.x', 'core "c" version\n  2024.4',
    'core "c\\"d" version 1', 'tenant "町" code 085421', 'tenant "町" code 08542x',
    'prefecture "茨城県" code 080004', 'prefecture "県" code', 'within "茨城県"', "within 茨城県",
    'within "a" "b"', "param x : yen\n  set by prefecture", "param x : yen\n  set prefecture",
    'param x : yen\n  default 1円\n  set by prefecture\n  label "x"', "param x : yen set by",
    'uses "c"', 'uses "c" >= 2024.4', 'uses "c" == 1', 'uses "c" > 1', 'uses "c" >=',
    "from 2024-04-01", "from 令和7年4月1日", "from 4月1日", "from and", "from 5",
    "enum E { a, b }", 'enum E { a "甲", b "乙", }', 'enum E { a }\n  label "x"',
    "enum E { }", "enum E { a b }", "enum E { a,, b }", "enum and { a }",
    'record R { a : int, b : yen default 0円 label "x" }', "record R { a : int b : yen, }",
    "record R { }", "record R { a : int,, b : int }",
    "type T = table[所得 : yen, 区分] of yen", "type T = list of monthday",
    "type T = scale[所得 : yen] of rate", "type T = text(40)", "type T = text", "type T = text()",
    "type T = table[] of yen", "type T = of",
    "input x : yen", 'input x : 区分\n  label "x"\n  basis "y"',
    "param x : yen default 1,000円 min 0円 max 100,000,000円",
    "param x : rate default -1.4% min -x max y * 2 + 1",
    "param x : yen required", "param x : yen required from 2025-04-01",
    "param x : yen required from 令和7年", "param x : yen fixed default 5円",
    "param x : T increasing along 所得 decreasing along y", "param x : T increasing y",
    "param x : yen when s == m", "param x : yen when s != m", "param x : yen min",
    "param x : yen when s in [m]", "param x : yen when s in [m, n, o]", "param x : yen when s in []",
    "param x : yen when s in [m,]", "param x : yen when s in [m n]", "param x : yen when s in m",
    "param x : yen when s in [m,\n  n]", "param x : yen when s in [m, 1]", "param x : yen when in [m]",
    "param x : yen\n  when s in [m, n]\n  default 0円", "param x : yen when s == [m]",
    'param x : T default\n  | a | b |\n  | 1 | 2 |\n  label "x"',
    'param x : T default\n  | a | b |  # note\n\n  | 1 | 2 |\n  basis "x"',
    'param x : T default\n  | a | b\n  label "x"', "param x : yen default [1, 2,]",
    "param x : yen default [,]", "param x : yen default [, 1]", "param x : R default {a = 1, b = 2}",
    "param x : R default {a = 1 b = [1]}", "param x : R default {,}", "param x : R default {a = 1,,}",
    "param x : yen default 5 # c\n  min 0 # d", "param x : yen default max",
    "rule r : int = 1", "rule r : int = 1 + 2 * 3 - -4 / x", "rule r : bool = not a == b and c or d",
    "rule r : bool = a < b < c", "rule r : int = if a then b else if c then d else e",
    "rule r : int = 1 + if a then b else c", "rule r : int = f()", "rule r : int = f(a, b -> b + 1)",
    "rule r : int = f((a) -> 1)", "rule r : int = f(a + b -> 1)", "rule r : int = max(a, 0円)",
    "rule r : int = [1, 2]", "rule r : int = []", "rule r : int = [1,]", "rule r : int = (1",
    "rule r(a : int, b : list of yen) : yen = a", "rule r() : int = 1", "rule r(a : int,) : int = a",
    'rule r : int =\n  let a = 1\n  let b = a +\n    2\n  a + b\n  label "x"',
    "rule r : int =\n  let a = f(1,\n    2)\n  a", "rule r : int =\n  let a = if x\n  then 1 else 2\n  a",
    "rule r : int = let a = 1", "rule r : int = a -> b", "rule r : int = - not x",
    "rule r : int = a + not b", "rule r : int = not not a", "rule r : int = true and false",
    'rule r : text = "a" label "x" basis "y"', "rule r : int = 1 label x", "rule r : int = 1 max 2",
    "rule r : int = 2024-04-01 - 4月1日", "rule r : int = 1 then",
    "review x = 1", "x = {a = 1}", "x = [1,\n  2]", "x = 1 # c", "param x : yen\n  # c\n  default 1",
]


@pytest.mark.parametrize("statement", DECLARATION_EDGES)
def test_declaration_edge(statement: str) -> None:
    assert_same(statement + "\n", "t.pcore")
    assert_same("  " + statement.replace("\n", "\n  ") + "\n", "t.pcore")


DECL_STARTS = ["param x :", "param x : yen", "input x :", "type T =", "rule r : int =",
               "rule r(a : int) : yen =", "enum E {", "record R {", "param x : T default",
               'core "c" version', 'uses "c"', "from"]
DECL_PARTS = ["yen", "int", "text", "(", ")", "40", "list", "of", "table", "[", "]", "scale",
              ":", ",", "default", "min", "max", "required", "fixed", "label", '"l"', "basis",
              "increasing", "decreasing", "along", "when", "==", "in", "let", "=", "if", "then", "else",
              "not", "and", "or", "+", "-", "*", "/", "<", "->", "{", "}", "|", "x", "y.z", "f",
              "1", "48,600円", "1.4%", "2024-04-01", "4月1日", "true", "2024.4", "law", "through",
              "\n  ", "\n  | a |", "# c\n  ", "max(", "2号"]


@property_settings(share=5)
@given(st.sampled_from(DECL_STARTS), st.lists(st.sampled_from(DECL_PARTS), max_size=10),
       st.lists(SPACE, min_size=10, max_size=10))
def test_random_declarations_parse_the_same(start: str, parts: list[str],
                                            spaces: list[str]) -> None:
    text = start + " " + "".join(p + s for p, s in zip(parts, spaces, strict=False))
    assert_same(text + "\n", "t.pcore")
