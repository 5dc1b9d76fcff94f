"""Parse: text → statements (``nodes``), with syntax errors as diagnostics.

The source is cut into *statements* first (:func:`segment`, :mod:`paramcfg.segmenter`): a
statement is a line plus its continuation lines.  Each statement is offered to the fast path
(:mod:`paramcfg.fastpath`), which takes the common assignment, and otherwise parsed on its own
by one LALR parser (:mod:`paramcfg.larkparser`), so a broken line costs exactly one diagnostic
(:mod:`paramcfg.syntax_errors`) and never hides the errors of the lines after it.  The
terminals and keyword classes all of these use are the lexicon's (:mod:`paramcfg.lexicon`).

This module is the entry point (:func:`parse_text`) and holds the one parser of the process;
the names other modules imported from it before the split are still here.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, Final

import attrs

from paramcfg import nodes as n
from paramcfg.diagnostics import Diagnostic
from paramcfg.fastpath import fast_statement as _fast_statement
from paramcfg.segmenter import (
    CONTINUATION_KEYWORDS,
    MAX_DEPTH,
    MAX_LINES,
    MAX_STATEMENT_CHARS,
    MAX_TABLE_CELLS,
    MAX_UNCLOSED_REPORTED,
    STATEMENT_KEYWORDS,
    Locator,
    Problem,
    Segment,
    segment,
)
from paramcfg.segmenter import Locator as _Locator
from paramcfg.segmenter import assigned_name as _assigned_name
from paramcfg.segmenter import comments as _comments
from paramcfg.segmenter import segment_span as _segment_span
from paramcfg.source import normalise

if TYPE_CHECKING:
    from lark import Lark
    from lark.exceptions import UnexpectedInput

    from paramcfg.larkparser import PARSER_OPTIONS, ToNodes, build_parser
    from paramcfg.syntax_errors import describe_terminal

__all__ = [
    "CONTINUATION_KEYWORDS", "MAX_DEPTH", "MAX_LINES", "MAX_STATEMENT_CHARS", "MAX_TABLE_CELLS",
    "MAX_UNCLOSED_REPORTED", "PARSER_OPTIONS", "STATEMENT_KEYWORDS", "Locator", "ParseResult",
    "Problem", "Segment", "build_parser", "describe_terminal", "parse_text", "parse_value",
    "segment",
]

#: Names kept here for their old importers, imported on first use: a file the fast paths
#: take whole (a clean core or profile) never imports Lark (issue 15, start-up).
_LAZY: Final = {"PARSER_OPTIONS": "paramcfg.larkparser", "build_parser": "paramcfg.larkparser",
                "describe_terminal": "paramcfg.syntax_errors"}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - the lazily imported names above
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError(f"module 'paramcfg.syntax' has no attribute {name!r}")
    import importlib  # noqa: PLC0415 - on first use only

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def _unexpected_input() -> type[UnexpectedInput]:
    """Lark's syntax-error class; asked for only once Lark has refused a statement."""
    from lark.exceptions import UnexpectedInput  # noqa: PLC0415 - Lark is imported by then

    return UnexpectedInput


_lock = threading.Lock()
_parser: Lark | None = None
_transformer: ToNodes | None = None


def _after_fork_in_child() -> None:
    """A process forked while another thread parsed would wait for ``_lock`` for ever (the
    thread that holds it does not exist in the child): the child gets a fresh lock.  The
    parser keeps no state between statements that the next parse does not reset."""
    global _lock  # noqa: PLW0603 - one lock per process
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _get_parser() -> tuple[Lark, ToNodes]:
    """The one parser of this process, from the analysed grammar shipped in the package
    (:mod:`paramcfg.grammar_tables`: JSON, never a pickle, used only if it matches the grammar),
    else built from the grammar.  Nothing is read from or written to the user's folders."""
    global _parser, _transformer  # noqa: PLW0603 - one parser per process, built on first use
    if _parser is None or _transformer is None:
        from paramcfg import grammar_tables  # noqa: PLC0415 - Lark only when it is needed
        from paramcfg.larkparser import (  # noqa: PLC0415
            PARSER_OPTIONS,
            PostLexer,
            ToNodes,
            build_parser,
            grammar_file,
            grammar_text,
        )

        transformer = ToNodes()
        grammar = grammar_text()
        tables = grammar_file(grammar_tables.FILE_NAME)
        parser = None
        if tables is not None:
            parser = grammar_tables.loads(tables, grammar_tables.fingerprint(grammar, PARSER_OPTIONS),
                                          postlex=PostLexer(), transformer=transformer)
        _parser = parser or build_parser(grammar, transformer)
        _transformer = transformer
    return _parser, _transformer


@attrs.frozen
class ParseResult:
    file: n.SourceFile
    diagnostics: tuple[Diagnostic, ...]


def parse_text(text: str, path: str) -> ParseResult:
    """Parse decoded, normalised ``text`` (see :mod:`paramcfg.source`) into statements.

    Never raises for bad input: every problem is a diagnostic, one per broken statement.
    """
    segments = segment(text)
    locator = _Locator(text, path)
    diagnostics: list[Diagnostic] = []
    statements: list[n.Statement] = []
    broken: set[str] = set()
    parser: Lark | None = None  # built on the first statement the fast path leaves to Lark
    unreported = sum(seg.unreported for seg in segments)
    if unreported:
        first = next(seg for seg in segments if seg.unreported)
        diagnostics.append(Diagnostic("PC0005", locator.span(first.start, first.start + 1), {
            "what": f"unclosed brackets ({unreported:,} more, not listed)",
            "what_ja": f"閉じていない括弧（ほかに {unreported:,} 個、一覧には出しません）",
            "limit": f"{MAX_UNCLOSED_REPORTED:,}", "limit_ja": f"{MAX_UNCLOSED_REPORTED:,} 個"}))
    with _lock:
        for seg in segments:
            if seg.problems or seg.unreported:
                from paramcfg.syntax_errors import problem_diagnostic  # noqa: PLC0415

                diagnostics.extend(problem_diagnostic(p, locator) for p in seg.problems)
                broken.update(_assigned_name(text, seg))
                continue
            fast = _fast_statement(text, seg, locator)
            if fast is not None:
                statements.append(fast)
                continue
            if parser is None:
                parser, transformer = _get_parser()
                transformer.loc = locator
                transformer.problems = diagnostics  # literal problems found while building nodes
            locator.base = seg.start
            reported = len(diagnostics)
            try:
                node: n.Statement = parser.parse(text[seg.start : seg.end])  # type: ignore[assignment]
            except _unexpected_input() as exc:
                # A row reduced before the error is not a finished row: no PC0106/PC0107 for it.
                diagnostics[reported:] = [d for d in diagnostics[reported:]
                                          if d.code not in {"PC0106", "PC0107"}]
                retried = _recognised(text, seg, locator, parser, diagnostics)
                if retried is None:
                    from paramcfg.syntax_errors import syntax_diagnostic  # noqa: PLC0415

                    diagnostics.append(syntax_diagnostic(exc, locator, parser, seg))
                if retried is None or isinstance(retried, bool):
                    broken.update(_assigned_name(text, seg))
                    continue
                node = retried
            finally:
                locator.base = 0
            if any(d.code == "PC0107" for d in diagnostics[reported:]):
                broken.update(_assigned_name(text, seg))  # a pasted table's cells are not read
                continue
            statements.append(attrs.evolve(node, span=_segment_span(locator, text, seg)))
    comments = tuple(_comments(text, locator))
    diagnostics.sort(key=Diagnostic.sort_key)
    return ParseResult(n.SourceFile(path, text, tuple(statements), comments, frozenset(broken)),
                       tuple(diagnostics))


def _recognised(text: str, seg: Segment, locator: _Locator, parser: Lark,
                diagnostics: list[Diagnostic]) -> n.Statement | bool | None:
    """A statement Lark refused, looked at for mistakes with a known fix (3‰, ¥3,000,
    2025/04/01, a pasted spreadsheet row): ``None`` if there are none; else each is reported,
    and the statement parsed again with the fixes (when they keep its length) is returned, or
    ``False`` when it cannot be (a second, other error found then is reported too)."""
    from paramcfg.syntax_errors import (  # noqa: PLC0415 - only once Lark refused a statement
        mistake_diagnostic,
        recognise,
        syntax_diagnostic,
    )

    mistakes, fixed = recognise(text[seg.start : seg.end])
    if not mistakes:
        return None
    diagnostics.extend(mistake_diagnostic(x, locator, seg) for x in mistakes)
    if fixed is None:
        return False
    locator.base = seg.start
    reported = len(diagnostics)
    try:
        node: n.Statement = parser.parse(fixed)  # type: ignore[assignment]
    except _unexpected_input() as exc:
        diagnostics[reported:] = [d for d in diagnostics[reported:]
                                  if d.code not in {"PC0106", "PC0107"}]
        if not recognise(fixed)[0]:
            diagnostics.append(syntax_diagnostic(exc, locator, parser, seg))
        return False
    finally:
        locator.base = seg.start
    return node


#: The name a value read on its own (:func:`parse_value`) is parsed under.
_VALUE_NAME: Final = "x"


def parse_value(text: str, path: str = "<input>") -> tuple[n.Value | None, tuple[Diagnostic, ...]]:
    """One value written as a profile writes it (``48,600円``, ``1.4%``, ``[1, 2]``, ``4月30日``),
    read by the profile's own reader: for values given outside a profile (the command line's
    ``--input``, test files).  ``None`` and the diagnostics if ``text`` is not exactly one value
    (a line break, a comment or a second statement never is)."""
    if "\n" in text:
        return None, ()
    text, _ = normalise(text, path)  # full-width figures (４８，６００円) as a profile's are
    result = parse_text(f"{_VALUE_NAME} = {text}\n", path)
    match result.file.statements:
        case [n.Assignment(name=name, value=value, review=False)] if name == _VALUE_NAME and \
                not result.diagnostics and not result.file.comments:
            return value, ()
    return None, result.diagnostics
