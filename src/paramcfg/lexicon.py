"""The lexicon: every terminal of the language and every keyword class, written down once.

``grammars/paramcfg.lark`` is what Lark reads; this module is what the rest of paramcfg reads:
the statement cutter (:mod:`paramcfg.segmenter`), the post-lexer (:mod:`paramcfg.larkparser`),
the fast path (:mod:`paramcfg.fastpath`), the syntax-error wording, :mod:`paramcfg.source`
(strings and comments) and the command line's literal reader (:mod:`paramcfg.literals`).
:func:`check` compares the two terminal by terminal, so they cannot drift:
``tests/unit/test_lexicon.py`` runs it on the grammar, and ``python -m paramcfg.grammar_tables``
refuses to ship tables for a grammar the lexicon disagrees with.

A terminal added to the grammar is added here too, with examples; the fast path's random tests
draw their tokens from :data:`TERMINALS`, :data:`KEYWORDS` and :data:`PUNCTUATION`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lark import Lark

__all__ = [
    "BRACKETS", "CLAUSE_KEYWORDS", "COMPARE_OPS", "CONTINUATION_KEYWORDS", "DIGITS",
    "FAST_TOKEN_GROUPS",
    "GLUED_KEYWORDS", "INFIX_KEYWORDS", "JOIN_AFTER_KEYWORDS", "KEYWORDS", "LETSEP", "LINE_DIGIT_NAME",
    "LINE_NAME", "LINE_WORD", "MUL_OPS", "NAME_PART", "NOT_AFTER_NUMBER", "PUNCTUATION",
    "STATEMENT_KEYWORDS", "STRING_CHAR", "STRING_ESCAPE", "STRING_ESCAPES", "TERMINALS",
    "VERSION_OPS", "Terminal", "check", "check_text", "token_group",
]


@attrs.frozen
class Terminal:
    """One named terminal of the grammar.

    ``pattern`` is the regular expression Lark compiles the terminal to, or for a ``literal``
    terminal the exact string it matches; ``examples`` are texts it matches whole (the fast
    path's random tests are drawn from them)."""

    name: str
    pattern: str
    examples: tuple[str, ...]
    priority: int = 0
    literal: bool = False
    ignored: bool = False

    @property
    def regex(self) -> str:
        """The pattern as a regular expression (a literal terminal's string escaped)."""
        return re.escape(self.pattern) if self.literal else self.pattern


def _alternatives(*words: str) -> str:
    """How Lark compiles ``"a" | "b"``: the escaped strings, in the grammar's order."""
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


# ---- the pieces the patterns are built from ------------------------------------------------

#: Digits with optional grouping (48,600: a comma is followed by exactly three digits) and
#: an optional decimal part.
DIGITS: Final = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
#: What may not follow a number at once: a digit, or a non-ASCII letter (2号 is a name).
NOT_AFTER_NUMBER: Final = "(?![0-9]|[^\x00-\x7f\\W])"
#: One part of a (dotted) name: a Unicode word, or ASCII digits followed at once by a
#: non-ASCII letter other than 円 (2号, 1級地).
NAME_PART: Final = "(?:[^\\W0-9]\\w*|[0-9]+(?=[^\x00-\x7f\\W])(?!円)\\w+)"
#: One character of a string that is not an escape, and one escape pair.
STRING_CHAR: Final = '[^"\\\\\n]'
STRING_ESCAPE: Final = "\\\\[^\n]"
#: The escapes a string may hold (any other backslash pair is lexed, then reported).
STRING_ESCAPES: Final = {"\\n": "\n", "\\t": "\t", '\\"': '"', "\\\\": "\\"}

#: How the statement cutter recognises a line's first word and an assignment's name before
#: the line is lexed: looser than NAME (the dotted parts are not checked), which is enough to
#: classify a line; the parser then lexes it properly.
LINE_WORD: Final = r"[^\W\d]\w*"
LINE_NAME: Final = r"[^\W\d][\w.]*"
LINE_DIGIT_NAME: Final = r"[0-9]+[^\x00-\x7f\W][\w.]*"

COMPARE_OPS: Final = ("==", "!=", "<=", ">=", "<", ">")
VERSION_OPS: Final = (">=", "==")
MUL_OPS: Final = ("*", "/")

_TERMINALS: Final = (
    Terminal("YEN", DIGITS + "円", ("48,600円", "0円", "0.5円", "1500000円"), priority=3),
    Terminal("PERCENT", DIGITS + "%", ("1.4%", "0%", "1,000.5%"), priority=3),
    Terminal("NUMBER", DIGITS + NOT_AFTER_NUMBER, ("3", "1,000", "1.5", "007"), priority=2),
    Terminal("INT", r"[0-9]+", ("20", "0")),
    Terminal("CODE", r"[0-9]+", ("085421",)),
    Terminal("VERSION", r"[0-9]+(?:\.[0-9]+)*", ("2024.4", "2026.4.1")),
    Terminal("VERSION_OP", _alternatives(*VERSION_OPS), VERSION_OPS),
    Terminal("DATE", r"[0-9]{4}-[0-9]{2}-[0-9]{2}", ("2024-04-01", "2024-02-30"), priority=4),
    Terminal("MONTHDAY", r"[0-9]{1,2}月(?:[0-9]{1,2}日|末日)", ("4月30日", "2月末日", "13月40日"),
             priority=4),
    Terminal("STRING", f'"(?:{STRING_CHAR}|{STRING_ESCAPE})*"',
             ('"abc"', '""', '"a#b"', '"a|b"', '"a\\"b"', '"a\\qb"', '"固定資産税"')),
    Terminal("TRUE", "true", ("true",), literal=True),
    Terminal("FALSE", "false", ("false",), literal=True),
    Terminal("REVIEW", "review", ("review",), literal=True),
    Terminal("NAME", NAME_PART + r"(?:\." + NAME_PART + ")*",
             ("x", "固定資産税.税率", "2号", "1級地", "第1階層", "a_b", "分類00.項目0000")),
    Terminal("COMPARE_OP", _alternatives(*COMPARE_OPS), COMPARE_OPS),
    Terminal("PLUS", "+", ("+",), literal=True),
    Terminal("MINUS", "-", ("-",), literal=True),
    Terminal("MUL_OP", _alternatives(*MUL_OPS), MUL_OPS),
    Terminal("RANGE_OP", "..<", ("..<",), literal=True),
    Terminal("_ROWSEP", "\n[ \t]*(?=\\|)", ("\n  |", "\n|"), priority=5),
    Terminal("_NL", "\n", ("\n",)),
    Terminal("COMMENT", "#[^\n]*", ("# note", "#"), ignored=True),
    Terminal("WS", "[ \t]+", (" ", "\t"), ignored=True),
)
#: Every named terminal of the grammar, by name.
TERMINALS: Final[dict[str, Terminal]] = {term.name: term for term in _TERMINALS}


def token_group(name: str, pattern: str | None = None) -> str:
    """A named group of terminal ``name``'s pattern (or ``pattern``) for a fast lexer's regular
    expression; the group is named without the leading underscore (``_ROWSEP`` → ``ROWSEP``)."""
    return f"(?P<{name.lstrip('_')}>{pattern or TERMINALS[name].regex})"


#: The groups of the hand-written fast lexers (paramcfg.fastpath, paramcfg.fastexpr), in the
#: order Lark's contextual lexer tries their terminals (priority, then width); a string without
#: escapes only (escapes are Lark's business).  Each lexer adds its punctuation last.
FAST_TOKEN_GROUPS: Final = (
    token_group("_ROWSEP"), token_group("DATE"), token_group("MONTHDAY"),
    token_group("PERCENT"), token_group("YEN"), token_group("NUMBER"), token_group("NAME"),
    token_group("STRING", f'"{STRING_CHAR}*"'), token_group("RANGE_OP"),
    token_group("COMPARE_OP"),
)
#: The terminal the post-lexer makes of the line break that ends a ``let`` binding
#: (``%declare``d in the grammar: it has no pattern).
LETSEP: Final = "_LETSEP"

# ---- keyword classes -----------------------------------------------------------------------

#: The words that start a statement (the cutter starts a new statement at each).
STATEMENT_KEYWORDS: Final = frozenset({
    "core", "tenant", "uses", "enum", "record", "type", "input", "param", "rule", "from",
    "review", "prefecture", "within",
})  # fmt: skip
#: The words that start a clause of a declaration (``default 1.4%`` on its own line).
CLAUSE_KEYWORDS: Final = frozenset({
    "default", "required", "fixed", "min", "max", "increasing", "decreasing", "when", "label",
    "basis", "law", "set",
})  # fmt: skip
#: The words inside an expression that a line may start with, continuing the line above.
INFIX_KEYWORDS: Final = frozenset({"then", "else", "and", "or"})
#: A line starting with one of these continues the statement above.
CONTINUATION_KEYWORDS: Final = CLAUSE_KEYWORDS | INFIX_KEYWORDS
#: After one of these words the expression goes on (on the next line too).
JOIN_AFTER_KEYWORDS: Final = INFIX_KEYWORDS | {"not"}
#: Statement keywords that a glued literal is reported after (``from2025-04-01``).
GLUED_KEYWORDS: Final = STATEMENT_KEYWORDS - {"review"}
#: Every word the grammar uses as a keyword: a NAME that is one of these is lexed as the keyword
#: wherever the keyword may stand (``true`` and ``false`` are literals, ``review`` a marker).
KEYWORDS: Final = STATEMENT_KEYWORDS | CONTINUATION_KEYWORDS | frozenset({
    "version", "code", "along", "through", "int", "decimal", "yen", "rate", "bool", "date",
    "monthday", "text", "list", "of", "table", "scale", "let", "if", "not", "true", "false",
    "by", "in",
})  # fmt: skip
#: Every other string the grammar matches literally (brackets, separators, operators).
PUNCTUATION: Final = frozenset({
    "(", ")", "[", "]", "{", "}", ",", ":", "=", "==", "|", "->", "+", "-", "..<",
})  # fmt: skip
#: Brackets, opening → closing.
BRACKETS: Final = {"(": ")", "[": "]", "{": "}"}


# ---- the check against the grammar ---------------------------------------------------------


def check(parser: Lark) -> list[str]:
    """What the lexicon and the grammar of ``parser`` (a :class:`lark.Lark`) disagree on, one
    line each; empty when they agree."""
    from lark.lexer import PatternStr  # noqa: PLC0415 - only the check needs Lark

    problems: list[str] = []
    name_re = re.compile(TERMINALS["NAME"].regex)
    ignored = set(parser.lexer_conf.ignore)
    seen: set[str] = set()
    keywords: set[str] = set()
    punctuation: set[str] = set()
    for term in parser.terminals:
        value = term.pattern.value
        is_str = isinstance(term.pattern, PatternStr)
        if term.name in TERMINALS:
            seen.add(term.name)
            ours = TERMINALS[term.name]
            if (ours.pattern, ours.literal) != (value, is_str):
                problems.append(f"{term.name}: the grammar's pattern is {value!r}, "
                                f"the lexicon's {ours.pattern!r}")
            if ours.priority != term.priority:
                problems.append(f"{term.name}: the grammar's priority is {term.priority}, "
                                f"the lexicon's {ours.priority}")
            if ours.ignored != (term.name in ignored):
                problems.append(f"{term.name}: ignored in one and not the other")
            problems.extend(f"{term.name}: example {ex!r} does not match"
                            for ex in ours.examples if not _matches(ours, ex))
        elif not is_str or not (term.name.startswith("__ANON") or _implicit(term.name, value)):
            problems.append(f"{term.name} ({value!r}): a terminal missing from the lexicon")
        if is_str:
            (keywords if name_re.fullmatch(value) else punctuation).add(value)
    problems.extend(f"{name}: in the lexicon, not in the grammar"
                    for name in TERMINALS if name not in seen)
    named_literals = {t.pattern for t in TERMINALS.values() if t.literal}
    problems.extend(_compare("keyword", keywords, KEYWORDS))
    problems.extend(_compare("punctuation", punctuation - named_literals,
                             PUNCTUATION - named_literals))
    problems.extend(_compare_classes(parser))
    return problems


def _matches(term: Terminal, example: str) -> bool:
    """Whether ``term`` matches ``example`` whole (a row separator's example ends with the
    ``|`` its look-ahead needs)."""
    m = re.match(term.regex, example)
    return m is not None and example[m.end():] in {"", "|"[: term.name == "_ROWSEP"]}


def _implicit(name: str, value: str) -> bool:
    """Whether ``name`` is the name Lark gives an anonymous string (``"param"`` → PARAM,
    ``":"`` → COLON): such a terminal is a keyword or punctuation, checked as a class."""
    return name == value.upper() or not value.isalnum()


def _compare(what: str, grammar: Iterable[str], ours: Iterable[str]) -> list[str]:
    grammar, ours = set(grammar), set(ours)
    return [*(f"{what} {w!r}: in the grammar, not in the lexicon" for w in sorted(grammar - ours)),
            *(f"{what} {w!r}: in the lexicon, not in the grammar" for w in sorted(ours - grammar))]


def _compare_classes(parser: Lark) -> list[str]:
    """The keyword classes against the grammar's rules: a statement starts with a statement
    keyword (or a name), a clause with a clause keyword."""
    from lark.lexer import PatternStr  # noqa: PLC0415 - only the check needs Lark

    name_re = re.compile(TERMINALS["NAME"].regex)
    words = {t.name: t.pattern.value for t in parser.terminals
             if isinstance(t.pattern, PatternStr) and name_re.fullmatch(t.pattern.value)}
    firsts: dict[str, set[str]] = {}
    statements: set[str] = set()
    for rule in parser.rules:
        origin = str(rule.origin.name)
        symbols = [s.name for s in rule.expansion]
        if origin == "statement":
            statements.update(symbols)
        if symbols and symbols[0] in words:
            firsts.setdefault(origin, set()).add(words[symbols[0]])
    statement_words = set().union(*(firsts.get(s, set()) for s in statements))
    clause_words = set().union(*(w for r, w in firsts.items() if r.endswith("_clause")))
    return [*_compare("statement keyword", statement_words, STATEMENT_KEYWORDS),
            *_compare("clause keyword", clause_words, CLAUSE_KEYWORDS),
            *_compare("infix keyword", INFIX_KEYWORDS & set(words.values()), INFIX_KEYWORDS)]


class _KeepLineBreaks:
    """A post-lexer that changes nothing but, like the parser's, keeps ``_NL`` (a terminal no
    rule uses, which Lark would otherwise drop before the check sees it)."""

    always_accept: tuple[str, ...] = ("_NL",)

    def process(self, stream: Iterator[object]) -> Iterator[object]:
        return stream


def check_text(grammar: str) -> list[str]:
    """:func:`check` for grammar text (what the tests call on edited copies of the grammar; a
    grammar Lark cannot read is one problem).  Built as the parser is built (LALR, contextual
    lexer), without this module importing the parser's."""
    from lark import Lark  # noqa: PLC0415 - only the check needs Lark
    from lark.exceptions import LarkError  # noqa: PLC0415

    try:
        parser = Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=True,
                      postlex=_KeepLineBreaks())
    except LarkError as exc:
        return [f"the grammar does not load: {exc}"]
    return check(parser)
