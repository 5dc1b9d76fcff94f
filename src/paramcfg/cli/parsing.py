"""argparse in the reader's language: usage, section titles, ``--help`` and argparse's own errors.

This is the one place that knows how the command line is made Japanese: argparse's own messages
come from the gettext catalogue in :mod:`paramcfg.cli.translations` (installed while the command
line is parsed), paramcfg's help texts are given in both languages, and Japanese help is wrapped
by display width (a kanji takes two columns of the terminal), never beyond the terminal's width.

A command module adds itself with :meth:`Subcommands.add_command` and writes its help with
:meth:`Parser.text`; a plain ``subparsers.add_parser(NAME, help=...)`` works too and still gets
``-h``, ``--lang`` and the section titles in the reader's language.
"""

from __future__ import annotations

import argparse
import functools
import sys
from typing import TYPE_CHECKING, Any, ClassVar, Final, NoReturn, cast

from paramcfg.cli.common import EXIT_USAGE
from paramcfg.diagnostics import display_width

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["CommandParser", "Parser", "Subcommands", "argv_lang", "make_parser", "wrap_display"]

class _Formatter(argparse.HelpFormatter):
    lang: ClassVar[str] = "en"

    def add_usage(self, usage: str | None, actions: Any, groups: Any,  # noqa: ANN401
                  prefix: str | None = None) -> None:
        # An empty prefix is argparse building a subcommand's `prog`: leave that alone.
        if prefix is None and self.lang == "ja":
            prefix = "使い方: "
        super().add_usage(usage, actions, groups, prefix)

    def _format_usage(self, usage: str | None, actions: Any, groups: Any,  # noqa: ANN401
                      prefix: str | None) -> str:
        # argparse wraps the usage line by len(): a kanji of the prefix takes two columns.
        extra = display_width(prefix or "") - len(prefix or "")
        self._width -= extra
        try:
            return super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += extra

    def _split_lines(self, text: str, width: int) -> list[str]:
        # English help may name a Japanese term (地方公共団体コード): wrapped by width too.
        if display_width(text) == len(text):
            return super()._split_lines(text, width)
        return wrap_display(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if display_width(text) == len(text):
            return super()._fill_text(text, width, indent)
        lines = wrap_display(" ".join(text.split()), width - display_width(indent))
        return "\n".join(indent + line for line in lines)


# Characters a Japanese line must not start with (行頭禁則): they stay with the one before.
_NO_LINE_START: Final = frozenset("、。，．,.）)」』】〕！？!?：:；;ー・％%")
# Characters a Japanese line must not end with (行末禁則): they stay with the one after.
_NO_LINE_END: Final = frozenset("（「『【〔")


def _units(text: str) -> list[str]:
    """``text`` cut where a line may break: around spaces, between wide characters, never
    inside a run of narrow ones (a word, an option, a number)."""
    units: list[str] = []
    for ch in text:
        last = units[-1][-1:] if units else ""
        in_word = display_width(ch) == 1 and not ch.isspace() and last.isascii() \
            and last != "" and not last.isspace()
        if last and (ch in _NO_LINE_START or last in _NO_LINE_END or in_word):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def wrap_display(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (a wide character takes two);
    a single unit wider than ``width`` (a long path) gets a line of its own."""
    width = max(width, 10)
    lines: list[str] = []
    line = ""
    for unit in _units(text):
        if display_width(line + unit) <= width or not line.strip():
            line += unit
            continue
        lines.append(line.rstrip())
        line = unit.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines


class Parser(argparse.ArgumentParser):
    """A parser in the reader's language (its class's ``lang``): usage, titles, ``-h``, errors."""

    lang: ClassVar[str] = "en"
    formatter: ClassVar[type[argparse.HelpFormatter]] = _Formatter

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - argparse's own
        kwargs.setdefault("formatter_class", self.formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = self.text("arguments", "引数")
        self._optionals.title = self.text("options", "オプション")
        self.add_argument("-h", "--help", action="help", help=self.text(
            "show this help and exit", "このヘルプを表示して終了します"))

    def text(self, en: str, ja: str) -> str:
        """``en`` or ``ja``, in the reader's language."""
        return ja if self.lang == "ja" else en

    def error(self, message: str) -> NoReturn:
        # argparse's own wording, from the catalogue argparse_language() installed.
        self.print_usage(sys.stderr)
        translate = vars(argparse)["_"]
        self.exit(EXIT_USAGE, translate("%(prog)s: error: %(message)s\n") % {
            "prog": self.prog, "message": message})

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: None = None) -> argparse.Namespace:
        """Parse ``args`` with argparse speaking the reader's language."""
        from paramcfg.cli.translations import argparse_language  # noqa: PLC0415

        with argparse_language(self.lang):
            return super().parse_args(args, namespace)

    def format_help(self) -> str:
        from paramcfg.cli.translations import argparse_language  # noqa: PLC0415

        with argparse_language(self.lang):
            return super().format_help()


LANG_HELP: Final = ("language of messages (default: PARAMCFG_LANG, else the locale)",
                    "メッセージの言語（既定: PARAMCFG_LANG、なければロケール）")


class CommandParser(Parser):
    """A command's parser: also takes ``--lang`` (after the command's name, as before it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - argparse's own
        super().__init__(*args, **kwargs)
        # SUPPRESS: `paramcfg --lang ja check …` is not undone by the command's own default.
        self.add_argument("--lang", choices=("ja", "en"), default=argparse.SUPPRESS,
                          help=self.text(*LANG_HELP))


if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[CommandParser]  # noqa: SLF001 - argparse's own
else:  # not subscriptable at run time
    _SubParsers = argparse._SubParsersAction  # noqa: SLF001


class Subcommands(_SubParsers):
    """The commands of ``paramcfg``: what a command module's ``add_parser`` receives."""

    @property
    def lang(self) -> str:
        return cast("type[Parser]", self._parser_class).lang

    def add_command(self, name: str, en: str, ja: str) -> CommandParser:
        """Add the command ``name``, described by ``en`` or ``ja`` in the reader's language."""
        text = ja if self.lang == "ja" else en
        return self.add_parser(name, help=text, description=text)


@functools.cache
def _classes(lang: str) -> tuple[type[Parser], type[CommandParser]]:
    """The parser classes for ``lang`` (argparse builds parsers from classes, not instances)."""
    formatter = type(f"Formatter_{lang}", (_Formatter,), {"lang": lang})
    attrs = {"lang": lang, "formatter": formatter}
    return (type(f"Parser_{lang}", (Parser,), attrs),
            type(f"CommandParser_{lang}", (CommandParser,), attrs))


def make_parser(lang: str, description: tuple[str, str]) -> tuple[Parser, Subcommands]:
    """The ``paramcfg`` parser in ``lang`` and its (empty) list of commands."""
    parser_class, command_class = _classes(lang)
    en, ja = description
    parser = parser_class(prog="paramcfg", description=ja if lang == "ja" else en)
    from paramcfg import __version__  # noqa: PLC0415 - a constant of the package

    parser.add_argument("--version", action="version", version=f"paramcfg {__version__}",
                        help=parser.text("show paramcfg's version and exit",
                                         "paramcfg のバージョンを表示して終了します"))
    parser.add_argument("--lang", choices=("ja", "en"), help=parser.text(*LANG_HELP))
    # Not required: a bare `paramcfg` prints the help (main() does) rather than an error.
    sub = parser.add_subparsers(dest="command", required=False, metavar="COMMAND",
                                parser_class=command_class, action=Subcommands)
    return parser, cast("Subcommands", sub)


def argv_lang(argv: Sequence[str]) -> str | None:
    """``--lang`` from the command line before it is parsed, so that help is in it too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in {"ja", "en"}:
            return argv[i + 1]
        if arg in {"--lang=ja", "--lang=en"}:
            return arg.split("=", 1)[1]
    return None
