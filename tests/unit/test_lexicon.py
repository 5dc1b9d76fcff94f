"""The lexicon (paramcfg.lexicon) and the grammar (grammars/paramcfg.lark) say the same thing.

Every terminal pattern the cutter, the fast path, source.py and the command line use comes from
the lexicon; these tests hold it equal to what Lark compiles from the grammar, so a terminal
changed or added in one place and not the other fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paramcfg import lexicon, syntax, syntax_errors
from paramcfg.lexicon import Terminal

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR = (ROOT / "grammars" / "paramcfg.lark").read_text(encoding="utf-8")


def test_the_lexicon_agrees_with_the_grammar() -> None:
    assert lexicon.check_text(GRAMMAR) == []


def test_the_lexicon_agrees_with_the_shipped_parser() -> None:
    parser, _ = syntax._get_parser()
    assert lexicon.check(parser) == []


def _edited(old: str, new: str) -> str:
    assert GRAMMAR.count(old) == 1, old
    return GRAMMAR.replace(old, new)


ERA_GRAMMAR = _edited("?literal: YEN -> yen", "?literal: ERA -> era\n        | YEN -> yen") + \
    "\nERA.4: /令和[0-9]+年[0-9]+月[0-9]+日/\n"


def test_a_new_terminal_is_caught_until_the_lexicon_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = lexicon.check_text(ERA_GRAMMAR)
    assert problems == ["ERA ('令和[0-9]+年[0-9]+月[0-9]+日'): a terminal missing from the lexicon"]
    era = Terminal("ERA", "令和[0-9]+年[0-9]+月[0-9]+日", ("令和7年4月1日",), priority=3)
    monkeypatch.setitem(lexicon.TERMINALS, "ERA", era)
    assert lexicon.check_text(ERA_GRAMMAR) == ["ERA: the grammar's priority is 4, the lexicon's 3"]
    monkeypatch.setitem(lexicon.TERMINALS, "ERA", Terminal("ERA", era.pattern, ("令和7年",), 4))
    assert lexicon.check_text(ERA_GRAMMAR) == ["ERA: example '令和7年' does not match"]
    monkeypatch.setitem(lexicon.TERMINALS, "ERA", Terminal("ERA", era.pattern, era.examples, 4))
    assert lexicon.check_text(ERA_GRAMMAR) == []


def test_a_terminal_only_in_the_lexicon_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(lexicon.TERMINALS, "ERA", Terminal("ERA", "令和", ("令和",)))
    assert lexicon.check_text(GRAMMAR) == ["ERA: in the lexicon, not in the grammar"]


def test_a_changed_pattern_is_caught() -> None:
    grammar = _edited(r"DATE.4: /[0-9]{4}-[0-9]{2}-[0-9]{2}/", r"DATE.4: /[0-9]{4}-[0-9]{1,2}-[0-9]{2}/")
    assert lexicon.check_text(grammar) == [
        ("DATE: the grammar's pattern is '[0-9]{4}-[0-9]{1,2}-[0-9]{2}', "
         "the lexicon's '[0-9]{4}-[0-9]{2}-[0-9]{2}'")]


def test_a_new_keyword_is_caught_in_its_classes() -> None:
    grammar = _edited('fixed_clause: "fixed"', 'fixed_clause: "fixed" | "frozen"')
    assert lexicon.check_text(grammar) == [
        "keyword 'frozen': in the grammar, not in the lexicon",
        "clause keyword 'frozen': in the grammar, not in the lexicon",
    ]


def test_a_new_statement_keyword_is_caught() -> None:
    grammar = _edited("          | assignment\n", "          | assignment\n          | alias_decl\n") + \
        '\nalias_decl: "alias" NAME "=" NAME\n'
    assert lexicon.check_text(grammar) == [
        "keyword 'alias': in the grammar, not in the lexicon",
        "statement keyword 'alias': in the grammar, not in the lexicon",
    ]


def test_new_punctuation_is_caught() -> None:
    lambda_ = '    | NAME "->" expr -> lambda_'
    grammar = _edited(lambda_, lambda_ + '\n    | NAME "=>" expr -> lambda_')
    assert lexicon.check_text(grammar) == ["punctuation '=>': in the grammar, not in the lexicon"]


def test_a_grammar_lark_cannot_read_is_one_problem() -> None:
    (problem,) = lexicon.check_text(GRAMMAR + "\nbroken: (\n")
    assert problem.startswith("the grammar does not load")


@pytest.mark.parametrize("term", lexicon.TERMINALS.values(), ids=lambda t: t.name)
def test_every_example_is_one_token_of_its_terminal(term: Terminal) -> None:
    assert term.examples
    for example in term.examples:
        m = re.match(term.regex, example)
        assert m is not None
        assert example[m.end():] == ("|" if term.name == "_ROWSEP" else "")


def test_every_terminal_a_person_can_meet_is_named_for_people() -> None:
    """A syntax error names the terminals it expected in words (en + ja), never by pattern."""
    unnamed = {name for name, term in lexicon.TERMINALS.items()
               if not term.ignored and not term.literal and name != "_NL"}
    assert unnamed - set(syntax_errors.TERMINAL_WORDING) == set()


def test_the_keyword_classes_fit_together() -> None:
    assert lexicon.CONTINUATION_KEYWORDS == lexicon.CLAUSE_KEYWORDS | lexicon.INFIX_KEYWORDS
    assert lexicon.STATEMENT_KEYWORDS | lexicon.CONTINUATION_KEYWORDS <= lexicon.KEYWORDS
    assert not lexicon.STATEMENT_KEYWORDS & lexicon.CONTINUATION_KEYWORDS
    assert lexicon.GLUED_KEYWORDS <= lexicon.STATEMENT_KEYWORDS
    assert lexicon.JOIN_AFTER_KEYWORDS <= lexicon.KEYWORDS
    assert set(lexicon.BRACKETS) | set(lexicon.BRACKETS.values()) <= lexicon.PUNCTUATION
    name = re.compile(lexicon.TERMINALS["NAME"].regex)
    assert all(name.fullmatch(w) for w in lexicon.KEYWORDS)
    assert not any(name.fullmatch(p) for p in lexicon.PUNCTUATION)


def test_source_reads_strings_and_comments_as_the_grammar_does() -> None:
    """source.py keeps strings and comments as written while it maps full-width look-alikes; its
    (unrolled, faster) patterns accept exactly the grammar's strings and comments."""
    from paramcfg import source  # noqa: PLC0415

    string = re.compile(lexicon.TERMINALS["STRING"].regex)
    assert source._ASCII_STRING.endswith('"?')  # an unclosed string runs to the line end
    closed = re.compile(source._ASCII_STRING.removesuffix("?"))
    for text in [*lexicon.TERMINALS["STRING"].examples, '"a\\\\"', '"\\\\\\""', '"a', '"a\\"', '"a\nb"']:
        assert (closed.fullmatch(text) is None) == (string.fullmatch(text) is None), text
        assert re.match(source._ASCII_STRING, text)
    for text in lexicon.TERMINALS["COMMENT"].examples:
        assert re.fullmatch(source._COMMENT, text)


LANGUAGE = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")


def test_the_language_reference_lists_the_keywords() -> None:
    section = LANGUAGE[LANGUAGE.index("### 1.2 Keywords") :]
    block = section[section.index("```text\n") + 8 : section.index("```\n", section.index("```text"))]
    assert sorted(block.split()) == sorted(lexicon.KEYWORDS)


def test_the_language_reference_lists_the_operators() -> None:
    section = LANGUAGE[LANGUAGE.index("### 1.2 Keywords") : LANGUAGE.index("## 2. Statements")]
    listed = re.search(r"Operators \(`([^`]*)`\)", section)
    assert listed is not None
    operators = {"+", "-", "=", "..<", *lexicon.MUL_OPS, *lexicon.COMPARE_OPS}
    assert set(listed.group(1).split()) == operators
    assert operators <= lexicon.PUNCTUATION | {t.pattern for t in lexicon.TERMINALS.values()} | \
        set(lexicon.MUL_OPS) | set(lexicon.COMPARE_OPS)
