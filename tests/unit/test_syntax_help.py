"""Issue 14: mistakes the parser sees first get their own code and say what to write instead.

Each form brought from elsewhere (a form, a spreadsheet, an ordinance) is one diagnostic at the
mistake, in English and Japanese, with no false follow-on; a grid row without its closing `|` and
a table pasted with tabs are reported, not read silently.
"""

from __future__ import annotations

import pytest

from paramcfg import nodes as n
from paramcfg.syntax import parse_text


def _parse(body: str) -> tuple[tuple[n.Statement, ...], list[tuple[str, int, int, str, str]]]:
    text = f"from 2024-04-01\n{body}"
    result = parse_text(text, "t.pcfg")
    return result.file.statements, [
        (d.code, d.span.line, d.span.col, d.hint("en"), d.hint("ja")) for d in result.diagnostics]


@pytest.mark.parametrize(
    ("value", "col", "fix"),
    [
        ("3‰", 7, "0.3%"),
        ("14‰", 7, "1.4%"),
        ("1.4 %", 7, "1.4%"),
        ("3,000 円", 7, "3,000円"),
        ("¥3,000", 7, "3,000円"),
        ("￥ 48,600", 7, "48,600円"),
        ("1.5万円", 7, "15,000円"),
        ("2.4千円", 7, "2,400円"),
    ],
)
def test_a_foreign_value_is_one_diagnostic_saying_what_to_write(value, col, fix):
    _, diags = _parse(f"  率 = {value}\n")
    assert [(c, line, column) for c, line, column, _, _ in diags] == [("PC0105", 2, col)]
    _, _, _, en, ja = diags[0]
    assert en.startswith(f"write {fix}")
    assert ja.startswith(f"{fix} と書いてください")


def test_a_slash_date_still_opens_its_block():
    statements, diags = _parse("  x = 1%\nfrom 2025/04/01\n  x = 2%\n")
    assert [(c, line, col) for c, line, col, _, _ in diags] == [("PC0105", 3, 6)]
    assert diags[0][3] == "write 2025-04-01"
    froms = [s for s in statements if isinstance(s, n.FromDecl)]
    assert [f.date.text for f in froms] == ["2024-04-01", "2025-04-01"]


def test_a_slash_date_with_one_digit_parts_is_still_named():
    _, diags = _parse("from 2025/4/1\n  x = 2%\n")
    assert [(c, line, col, en) for c, line, col, en, _ in diags] == [
        ("PC0105", 2, 6, "write 2025-04-01")]


def test_an_ordinance_bracket_is_named_with_the_bracket_to_write():
    _, diags = _parse("  t =\n    | 所得 | 額 |\n    | 48,600円以上97,000円未満 | 1円 |\n")
    assert [(c, line, col, en) for c, line, col, en, _ in diags] == [
        ("PC0105", 4, 7, "write 48,600円 ..< 97,000円")]


def test_a_space_before_the_unit_is_read_with_the_fix_so_nothing_else_is_lost():
    statements, diags = _parse("  x = [1.4 %, 2%]\n")
    assert [c for c, *_ in diags] == ["PC0105"]
    (assignment,) = (s for s in statements if isinstance(s, n.Assignment))
    assert isinstance(assignment.value, n.ListValue)
    items = assignment.value.items
    assert all(isinstance(item, n.Lit) for item in items)
    assert [item.text for item in items if isinstance(item, n.Lit)] == ["1.4%", "2%"]


def test_a_second_unrelated_error_in_a_repaired_statement_is_still_reported():
    _, diags = _parse("  x = [¥3,000 2円]\n")
    assert [c for c, *_ in diags] == ["PC0105", "PC0101"]


def test_text_inside_quotes_and_comments_is_never_a_mistake():
    _, diags = _parse('  x = "3‰ ¥3,000 2025/04/01"  # 3‰\n')
    assert diags == []


def test_a_row_without_its_closing_pipe_is_reported_with_the_fixed_row():
    statements, diags = _parse("  t =\n    | 所得 | 額 |\n    | < 1円 | 2円\n")
    assert [(c, line, col, en) for c, line, col, en, _ in diags] == [
        ("PC0106", 4, 16, "end the row with ` |`: | < 1円 | 2円 |")]
    assert any(isinstance(s, n.Assignment) for s in statements)  # the cells are still checked


def test_closed_rows_are_unchanged():
    _, diags = _parse("  t =\n    | 所得 | 額 |\n    | < 1円 | 2円 |\n")
    assert diags == []


@pytest.mark.parametrize("indent", ["", "    "])
def test_a_table_pasted_with_tabs_is_one_diagnostic_with_the_first_row_written_with_pipes(indent):
    body = f"  t =\n{indent}所得\t額\n{indent}< 1円\t2円\n{indent}>= 1円\t3円\n  y = 1%\n"
    statements, diags = _parse(body)
    assert [(c, line, col) for c, line, col, _, _ in diags] == [("PC0107", 3, len(indent) + 1)]
    assert diags[0][3] == "split the pasted cells with |, e.g. | 所得 | 額 |"
    assert "貼り付けたセルを | で区切ってください" in diags[0][4]
    names = [s.name for s in statements if isinstance(s, n.Assignment)]
    assert names == ["y"]  # the pasted table is not read, the next line is


def test_a_pasted_row_under_a_grid_row_is_reported_not_read_as_cells():
    statements, diags = _parse("  t =\n    | 所得 | 額 |\n    < 1円\t2円\n")
    assert [(c, line, col) for c, line, col, _, _ in diags] == [("PC0107", 4, 5)]
    assert not any(isinstance(s, n.Assignment) for s in statements)


def test_other_bad_characters_keep_their_generic_code():
    _, diags = _parse("  x = $3,000\n")
    assert [c for c, *_ in diags] == ["PC0102"]
