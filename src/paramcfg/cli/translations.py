"""argparse's own messages in Japanese, the standard way: a gettext catalogue.

argparse looks every message it prints up through :mod:`gettext` (``_('usage: ')``,
``ngettext('expected %s argument', …)``), bound at import to :func:`gettext.gettext`, i.e. the
process's *current* gettext domain.  Changing that domain (``gettext.textdomain``) or the
process's locale would change it for a whole application that embeds paramcfg, so the CLI does
not: :func:`argparse_language` installs the catalogue below as argparse's ``_``/``ngettext``
(``gettext.NullTranslations`` methods) while ``paramcfg`` parses its command line, and puts
argparse's own back afterwards.

The catalogue is keyed by argparse's msgids, exactly as a ``.po`` file would be.  A test reads
argparse's source and fails if any msgid it can print has no Japanese here, so a Python release
that rewords a message is caught by the suite, not by a clerk seeing English (a regular
expression over the English text used to fail silently instead).

OS errors (``No such file or directory``) come from C's ``strerror``, not from gettext: they are
translated by ``errno`` in :func:`os_error_text`.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gettext
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["ARGPARSE_JA", "ARGPARSE_JA_PLURAL", "ArgparseJapanese", "argparse_language",
           "os_error_text"]

#: msgid → msgstr, as in a ``.po`` file for argparse's messages (Python 3.11 and later).
ARGPARSE_JA: Final[dict[str, str]] = {
    "usage: ": "使い方: ",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    ".__call__() not defined": ".__call__() が定義されていません",
    "'required' is an invalid argument for positionals":
        "位置引数に 'required' は指定できません",
    "mutually exclusive arguments must be optional": "排他的な引数はオプションでなければなりません",
    "positional arguments": "引数",
    "options": "オプション",
    "optional arguments": "オプション",
    "unrecognized arguments: %s": "解釈できない引数です: %s",
    "ambiguous option: %(option)s could match %(matches)s":
        "オプション %(option)s はあいまいです（候補: %(matches)s）",
    "%r is not callable": "%r は呼び出せません",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "%(value)r は指定できません（選べるもの: %(choices)s）",
    "can't open '%(filename)s': %(error)s": "'%(filename)s' を開けません: %(error)s",
    "cannot merge actions - two groups are named %r":
        "アクションを併合できません。%r という名前のグループが二つあります",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r":
        "オプション文字列 %(option)r は使えません。%(prefix_chars)r の文字で始めてください",
    "dest= is required for options like %r": "%r のようなオプションには dest= が必要です",
    "invalid conflict_resolution value: %r": "conflict_resolution の値 %r は使えません",
    "cannot have multiple subparser arguments": "サブコマンドの引数は一つだけです",
    "expected one argument": "値を一つ指定します",
    "expected at most one argument": "値は一つまでです",
    "expected at least one argument": "値を一つ以上指定します",
    "invalid %(type)s value: %(value)r": "%(value)r は %(type)s の値として使えません",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "conflicting subparser: %s": "サブコマンドが重複しています: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "コマンド %(parser_name)r はありません（選べるもの: %(choices)s）",
    "show this help message and exit": "このヘルプを表示して終了します",
    "show program's version number and exit": "バージョンを表示して終了します",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "one of the arguments %s is required": "引数 %s のいずれかが必要です",
    "conflicting subparser alias: %s": "サブコマンドの別名が重複しています: %s",
    'argument "-" with mode %r': 'モード %r の引数 "-"',
    "not allowed with argument %s": "引数 %s と一緒には指定できません",
    "unexpected option string: %s": "予期しないオプション文字列です: %s",
    "ignored explicit argument %r": "指定された値 %r は使えません（このオプションは値を取りません）",
}

#: (singular msgid, plural msgid) → msgstr (Japanese has one plural form).
ARGPARSE_JA_PLURAL: Final[dict[tuple[str, str], str]] = {
    ("conflicting option string: %s", "conflicting option strings: %s"):
        "オプション文字列が重複しています: %s",
    ("expected %s argument", "expected %s arguments"): "値を %s 個指定します",
}


class ArgparseJapanese(gettext.NullTranslations):
    """The Japanese catalogue of argparse's messages, as a gettext translations object."""

    def gettext(self, message: str) -> str:
        return ARGPARSE_JA.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = ARGPARSE_JA_PLURAL.get((msgid1, msgid2))
        if found is not None:
            return found
        return msgid1 if n == 1 else msgid2


@contextlib.contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """Within the block, argparse speaks ``lang`` (English is argparse's own)."""
    if lang != "ja":
        yield
        return
    catalogue = ArgparseJapanese()
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = catalogue.gettext, catalogue.ngettext
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved


#: strerror in Japanese for the errors a file on the command line can give.
_OS_ERRORS_JA: Final[dict[int, str]] = {
    errno.ENOENT: "そのようなファイルやフォルダはありません",
    errno.EACCES: "アクセスが許可されていません",
    errno.EPERM: "操作が許可されていません",
    errno.EISDIR: "フォルダです（ファイルを指定してください）",
    errno.ENOTDIR: "パスの途中がフォルダではありません",
    errno.ELOOP: "シンボリックリンクが循環しています",
    errno.ENAMETOOLONG: "ファイル名が長すぎます",
    errno.ENOSPC: "ディスクの空き容量がありません",
    errno.EROFS: "読み取り専用のファイルシステムです",
    errno.EEXIST: "ファイルが既にあります",
    errno.EIO: "入出力エラーです",
    errno.EMFILE: "開いているファイルが多すぎます",
    errno.EBUSY: "使用中です",
    errno.EXDEV: "別のファイルシステムをまたいで移動できません",
}


def os_error_text(exc: OSError, lang: str) -> str:
    """The reason of ``exc`` without its path, in ``lang`` (the OS's own text in English)."""
    if lang == "ja" and exc.errno in _OS_ERRORS_JA:
        return _OS_ERRORS_JA[exc.errno]
    return exc.strerror or str(exc)
