"""The parse stage: statements, literals, Japanese names, and recovery."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from paramcfg import nodes as n
from paramcfg.syntax import parse_text, segment

if TYPE_CHECKING:
    from paramcfg.diagnostics import Diagnostic


def parse(text: str) -> tuple[tuple[n.Statement, ...], list[Diagnostic]]:
    result = parse_text(text, "t.pcfg")
    return result.file.statements, list(result.diagnostics)


def value_of(text: str) -> n.Value:
    (stmt,), diags = parse(f"x = {text}\n")
    assert diags == []
    assert isinstance(stmt, n.Assignment)
    return stmt.value


# ---- literals are exact -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("48,600円", "yen", 48600),
        ("48600円", "yen", 48600),
        ("1,234,567円", "yen", 1234567),
        ("0円", "yen", 0),
        ("1.4%", "percent", Decimal("0.014")),
        ("0.1%", "percent", Decimal("0.001")),
        ("100%", "percent", Decimal(1)),
        ("3", "number", 3),
        ("1.5", "number", Decimal("1.5")),
        ("2024-04-01", "date", "2024-04-01"),
        ("4月30日", "monthday", "4月30日"),
        ("2月末日", "monthday", "2月末日"),
        ('"那珂市長"', "string", "那珂市長"),
        ('"a \\"b\\" # c"', "string", 'a "b" # c'),
        ("true", "bool", True),
    ],
)
def test_literal(text, kind, value):
    lit = value_of(text)
    assert isinstance(lit, n.Lit)
    assert (lit.kind, lit.value) == (kind, value)
    assert type(lit.value) is type(value)  # Decimal stays Decimal, int stays int: no float


def test_fractional_yen_stays_decimal_for_the_checker_to_reject():
    lit = value_of("0.5円")
    assert isinstance(lit, n.Lit)
    assert lit.value == Decimal("0.5")


@pytest.mark.parametrize("name", ["2号", "3号", "1級地", "12号", "第1階層", "保育料.月額", "m.総所得金額等"])
def test_names_that_start_with_a_digit_or_are_dotted(name):
    member = value_of(name)
    assert member == n.Member(name, member.span)


def test_a_number_glued_to_yen_is_an_amount_not_a_name():
    assert isinstance(value_of("48600円"), n.Lit)


def test_grid_header_with_digit_names():
    grid = value_of("\n  | 所得割額 | 3号 標準 | 2号 短時間 |\n  | < 48,600円 | 1円 | 2円 |")
    assert isinstance(grid, n.Grid)
    header = grid.rows[0]
    assert all(isinstance(i, n.Member) for c in header.cells for i in c.items)
    assert [[i.name for i in c.items if isinstance(i, n.Member)] for c in header.cells] == [
        ["所得割額"], ["3号", "標準"], ["2号", "短時間"]]
    key = grid.rows[1].cells[0].items
    assert [type(i).__name__ for i in key] == ["KeyOp", "Lit"]


def test_keyword_glued_to_a_japanese_name_is_an_error_not_a_silent_name():
    # Japanese has no spaces between words: `税率default` is one name, so the keyword is
    # missing and the statement is rejected with a diagnostic.
    _, diags = parse('core "c" version 1.0\nparam 税率 : ratedefault 1.4%\n')
    assert [d.code for d in diags] == ["PC0101"]


def test_keywords_are_not_reserved_where_they_cannot_stand():
    # `label` and `min` are keywords only where a clause may stand; as names they are fine.
    (_stmt,), diags = parse("x = [label, min]\n")
    assert diags == []


# ---- statements and continuation ------------------------------------------------------


def test_param_with_clauses_on_continuation_lines():
    stmts, diags = parse(
        'core "c" version 2024.4\n'
        "param 固定資産税.税率 : rate\n"
        "  default 1.4%\n"
        "  # a comment between clauses\n"
        "  min 0%\n"
        '  label "固定資産税の税率"\n'
    )
    assert diags == []
    param = stmts[1]
    assert isinstance(param, n.ParamDecl)
    assert [c.kind for c in param.clauses] == ["default", "min", "label"]
    assert (param.span.line, param.span.end_line) == (2, 6)


def test_rule_with_multiline_lets_and_parens():
    stmts, diags = parse(
        'core "c" version 1.0\n'
        "rule 国保(世帯員 : list of 被保険者) : yen =\n"
        "  let 所得割 = sum(世帯員, m -> max(m.総所得金額等 - 430,000円,\n"
        "                                   0円)) * 率\n"
        "  let b = 1\n"
        "  floor(所得割, 100)\n"
        "rule r : yen = if a then 1 else 2\n"
    )
    assert diags == []
    rule = stmts[1]
    assert isinstance(rule, n.RuleDecl)
    assert isinstance(rule.body, n.Let)
    assert isinstance(rule.body.body, n.Let)
    assert isinstance(rule.body.body.body, n.Call)
    assert isinstance(stmts[2], n.RuleDecl)


def test_if_then_else_over_lines():
    stmts, diags = parse('core "c" version 1.0\nrule r : yen =\n  if a\n  then 1円\n  else 2円\n')
    assert diags == []
    assert isinstance(stmts[1], n.RuleDecl)
    assert isinstance(stmts[1].body, n.If)


def test_segments_skip_blank_and_comment_lines():
    text = "a = 1\n\n# note\n  b = [1,\n  2]\nc = 3  # trailing\n"
    segs = segment(text)
    assert [s.line for s in segs] == [1, 4, 6]
    assert all(not s.problems for s in segs)
    assert text[segs[2].start : segs[2].end] == "c = 3"


# ---- recovery ---------------------------------------------------------------------------


def test_several_errors_are_reported_in_one_run():
    stmts, diags = parse(
        'tenant "町" code 085421\n'
        "from 2024-04-01\n"
        "  a = 1.5% 2%\n"
        "  b = 1\n"
        "  c = @\n"
        "  d = 2\n"
        "  e =\n"
        "  f = 3\n"
    )
    assert [(d.code, d.span.line) for d in diags] == [
        ("PC0101", 3), ("PC0102", 5), ("PC0101", 7)]
    names = [s.name for s in stmts if isinstance(s, n.Assignment)]
    assert names == ["b", "d", "f"]  # the good lines around the bad ones survive


def test_unclosed_bracket_does_not_swallow_the_next_statements():
    stmts, diags = parse('tenant "町" code 085421\nfrom 2024-04-01\n  a = (1\n  b = 2\nfrom 2025-04-01\n')
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("PC0103", 3, 7)]
    assert [type(s).__name__ for s in stmts] == ["TenantHeader", "FromDecl", "Assignment", "FromDecl"]


_LARK_NAMES = re.compile(r"\b(?:NAME|YEN|PERCENT|NUMBER|STRING|LPAR|RPAR|LSQB|_NL|_ROWSEP|\$END|__ANON)")


@pytest.mark.parametrize(
    "line",
    ["x = = 1", "x = [1 2]", "x = {a = }", "param", "rule r : = 1", "from", "| a | b |",
     "x = 1円 +", "tenant code", "uses 1", "enum {", "x = < 3", "x ="],
)
def test_messages_never_show_parser_internals(line):
    _, diags = parse(line + "\n")
    assert diags
    for d in diags:
        for lang in ("en", "ja"):
            assert not _LARK_NAMES.search(d.message(lang)), d.message(lang)


def test_spans_point_at_the_token_in_characters():
    _, diags = parse('tenant "五霞町" code 085421\nfrom 2024-04-01\n  税率 = 1.5% 2.0%\n')
    (d,) = diags
    assert (d.span.line, d.span.col, d.span.end_col) == (3, 13, 17)
