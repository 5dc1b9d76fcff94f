"""The ``paramcfg`` command: a thin face over the public API, one small module per command.

Each command module has ``add_parser(subparsers) -> None`` (its options, help in both languages)
and ``run(args) -> int`` (its exit code), and imports what it runs inside ``run``, so that
``--help`` stays fast.  Adding a command is one line in :data:`COMMANDS`::

    def add_parser(subparsers: Subcommands) -> None:
        p = subparsers.add_command("hello", "greet a town", "団体にあいさつします")
        p.add_argument("profile", metavar="PROFILE", help=p.text(*PROFILE_HELP))

    def run(args: argparse.Namespace) -> int:
        from paramcfg.engine import check_profile  # here, not at the top: `--help` stays fast

        report = report_for(args)  # prints in args.lang and owns the exit code
        tenant = clean_tenant(args.profile, None, Cores(), report)
        ...
        return report.exit_code

Shared pieces are in :mod:`paramcfg.cli.common` (texts, Report, core loading) and
:mod:`paramcfg.cli.parsing` (argparse in the reader's language).

Exit codes (owned by :class:`~paramcfg.cli.common.Report`): 0 clean, 1 findings, 2 usage or
unreadable input, 3 an internal error (a bug in paramcfg: please report it).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import traceback
from typing import TYPE_CHECKING, Final, Protocol, cast

from paramcfg.cli.common import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    MESSAGES,
    Report,
    attach_report,
    detect_lang,
)
from paramcfg.cli.parsing import Parser, Subcommands, argv_lang, make_parser

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

__all__ = [
    "COMMANDS",
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "MESSAGES",
    "Report",
    "build_parser",
    "detect_lang",
    "main",
]

#: The command modules, in the order ``paramcfg --help`` lists them.
COMMANDS: Final = (
    "paramcfg.cli.check",
    "paramcfg.cli.eval",
    "paramcfg.cli.rules",
    "paramcfg.cli.diff",
    "paramcfg.cli.fmt",
    "paramcfg.cli.init",
    "paramcfg.cli.acceptance",  # `paramcfg test`
    "paramcfg.cli.export",
    "paramcfg.cli.release_report",
    "paramcfg.cli.explain",
    "paramcfg.cli.staff",  # import-table, report
    "paramcfg.cli.batch",  # batch
)


class Command(Protocol):
    """What a command module provides."""

    def add_parser(self, subparsers: Subcommands, /) -> None: ...

    def run(self, args: argparse.Namespace, /) -> int: ...


def build_parser(lang: str, modules: Sequence[str] | None = None,
                 ) -> tuple[Parser, dict[str, Callable[[argparse.Namespace], int]]]:
    """The command line with help in ``lang``, and each command's ``run`` by its name (the
    commands of ``modules``, by default all)."""
    parser, sub = make_parser(lang, (
        "Check and use paramcfg tenant profiles against a package core.",
        "テナントプロファイルをパッケージコアに照らして確認し、使います。"))
    runs: dict[str, Callable[[argparse.Namespace], int]] = {}
    for name in COMMANDS if modules is None else modules:
        module = cast("Command", importlib.import_module(name))
        module.add_parser(sub)
        for added in sub.choices.keys() - runs.keys():  # its name and any aliases
            runs[added] = module.run
    return parser, runs


def _parse_one_command(argv: list[str], lang: str) -> tuple[
        Parser, dict[str, Callable[[argparse.Namespace], int]], argparse.Namespace] | None:
    """``paramcfg check …``: the command line of that command's module alone, so that a run
    imports one command module, not all (issue 15, start-up).  ``None`` (parse with every
    command) when the first word names no module of its own (``test``, ``report``), or when
    the line does not parse: the error is then reported by the whole command line, with its
    whole usage, exactly as before."""
    if not argv or argv[0].startswith("-"):
        return None
    module = f"paramcfg.cli.{argv[0].replace('-', '_')}"
    if module not in COMMANDS:
        return None
    parser, runs = build_parser(lang, (module,))
    if argv[0] not in runs:
        return None
    quiet = io.StringIO()
    try:
        with contextlib.redirect_stderr(quiet):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        if exc.code:
            return None
        raise  # --help, printed to stdout: done
    return parser, runs, args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = detect_lang(argv_lang(argv))
    try:
        parsed = _parse_one_command(argv, lang)
    except SystemExit as exc:  # `paramcfg check --help`
        return int(exc.code or 0)
    if parsed is None:
        parser, runs = build_parser(lang)
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help and --version
            return int(exc.code or 0)
    else:
        parser, runs, args = parsed
    if args.command is None:
        # A bare `paramcfg` (or only `--lang ja`): the help, on stderr and with exit 2, as ruff
        # does: nothing was done, so a script that called it with an empty variable must not
        # take it for success (git also prints its help and fails, with 1).
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    report = Report(lang, sys.stdout, sys.stderr)
    args.lang = lang
    attach_report(args, report)
    try:
        return runs[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`paramcfg … | head`): not an error of ours. Point stdout at
        # devnull so that the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return report.exit_code
    except Exception:  # noqa: BLE001 - the last line of defence: never a bare traceback
        print(report.msg("internal"), file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL
