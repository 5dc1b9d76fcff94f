"""argparse in the reader's language: usage, section titles, ``--help`` and argparse's own errors.

This is the one place that knows how the command line is made Japanese.  For now argparse's
English errors are rewritten with regular expressions (its English comes through gettext, which
has no Japanese catalogue here); issue 14 replaces that with a gettext catalogue, here only.

A command module adds itself with :meth:`Subcommands.add_command` and writes its help with
:meth:`Parser.text`; a plain ``subparsers.add_parser(NAME, help=...)`` works too and still gets
``-h``, ``--lang`` and the section titles in the reader's language.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from typing import TYPE_CHECKING, Any, ClassVar, Final, NoReturn, cast

from paramcfg.cli.common import EXIT_USAGE

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["CommandParser", "Parser", "Subcommands", "argv_lang", "make_parser"]

# argparse's own messages, in Japanese.
_ARGPARSE_JA: Final = (
    (re.compile(r"the following arguments are required: (.*)"), r"次の引数が必要です: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"解釈できない引数です: \1"),
    (re.compile(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)"),
     r"引数 \1 に \2 は指定できません（選べるもの: \3）"),
    (re.compile(r"argument (\S+): expected one argument"), r"引数 \1 には値を一つ指定します"),
)


class _Formatter(argparse.HelpFormatter):
    lang: ClassVar[str] = "en"

    def add_usage(self, usage: str | None, actions: Any, groups: Any,  # noqa: ANN401
                  prefix: str | None = None) -> None:
        # An empty prefix is argparse building a subcommand's `prog`: leave that alone.
        if prefix is None and self.lang == "ja":
            prefix = "使い方: "
        super().add_usage(usage, actions, groups, prefix)


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
        if self.lang == "ja":
            for pattern, replacement in _ARGPARSE_JA:
                message = pattern.sub(replacement, message)
        self.print_usage(sys.stderr)
        label = "エラー" if self.lang == "ja" else "error"
        self.exit(EXIT_USAGE, f"{self.prog}: {label}: {message}\n")


class CommandParser(Parser):
    """A command's parser: also takes ``--lang`` (after the command's name)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - argparse's own
        super().__init__(*args, **kwargs)
        self.add_argument("--lang", choices=("ja", "en"), help=self.text(
            "language of messages (default: PARAMCFG_LANG, else the locale)",
            "メッセージの言語（既定: PARAMCFG_LANG、なければロケール）"))


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
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
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
