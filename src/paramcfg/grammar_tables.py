"""The analysed grammar, shipped inside the package as data (never as a pickle).

Building the LALR tables of ``grammars/paramcfg.lark`` costs ~100 ms, more than everything else
in a ``paramcfg check`` of a small profile.  Earlier versions kept Lark's pickled analysis in
the user's cache folder, and Lark unpickles that file before it compares any hash: whoever
could write one file there ran code in every later ``paramcfg`` (issue 12, item 1).  Now the
analysis is built once by the developers and shipped beside the grammar
(``grammars/paramcfg.lark.json``): plain JSON, read with :func:`json.loads`, so a damaged or
planted file can at worst fail to load, never run code.  It is used only when its fingerprint
(a hash of the grammar text, the parser options and the Lark version) matches; otherwise the
parser is built in memory, as correct as before, only slower.  Nothing is written at run time.

After a change to the grammar, regenerate the tables with
``python -m paramcfg.grammar_tables`` (``tests/unit/test_hardening.py`` fails until then).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Final

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lark import _LOAD_ALLOWED_OPTIONS
from lark.lexer import TerminalDef

__all__ = ["FILE_NAME", "build", "dumps", "fingerprint", "loads"]

FILE_NAME: Final = "paramcfg.lark.json"
FORMAT: Final = 1
# JSON has neither tuples nor non-string keys; Lark's serialised tables have both.
_TUPLE: Final = "\x00t"
_DICT: Final = "\x00d"


def fingerprint(grammar: str, options: dict[str, Any]) -> str:
    """What the shipped tables must have been built from to be used."""
    described = "".join(f"{k}={v!r};" for k, v in sorted(options.items()))
    text = f"{FORMAT}\n{lark.__version__}\n{described}\n{grammar}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _encode(value: Any) -> Any:  # noqa: ANN401 - Lark's serialised data is untyped
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("\x00") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_DICT: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"cannot ship {type(value).__name__} in the grammar tables")


def _decode(obj: dict[str, Any]) -> Any:  # noqa: ANN401 - Lark's serialised data is untyped
    if len(obj) == 1:
        if _TUPLE in obj:
            return tuple(obj[_TUPLE])
        if _DICT in obj:
            return {_hashable(k): v for k, v in obj[_DICT]}
    return obj


def _hashable(key: Any) -> Any:  # noqa: ANN401
    return tuple(key) if isinstance(key, list) else key


def dumps(parser: Lark, stamp: str) -> str:
    """The tables of ``parser`` as JSON text, stamped with their fingerprint."""
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_ALLOWED_OPTIONS}
    payload = {"fingerprint": stamp, "data": _encode(data), "memo": _encode(memo)}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def loads(text: str, stamp: str, **runtime: Any) -> Lark | None:  # noqa: ANN401
    """A parser from shipped tables, or ``None`` if they are not for ``stamp`` or damaged.

    ``runtime`` holds what cannot be shipped (the post-lexer and the transformer)."""
    try:
        payload = json.loads(text, object_hook=_decode)
        if not isinstance(payload, dict) or payload.get("fingerprint") != stamp:
            return None
        parser: Lark = Lark._load_from_dict(  # type: ignore[no-untyped-call]  # noqa: SLF001
            payload["data"], payload["memo"], **runtime)
    except Exception:  # noqa: BLE001 - damaged tables: build the parser instead
        return None
    return parser


def build(grammar: str, options: dict[str, Any], **runtime: Any) -> Lark:  # noqa: ANN401
    """The parser analysed from the grammar text (the slow way)."""
    return Lark(grammar, **options, **runtime)


def main() -> int:
    """Regenerate ``grammars/paramcfg.lark.json`` from ``grammars/paramcfg.lark``."""
    from paramcfg import larkparser, lexicon  # noqa: PLC0415 - larkparser imports this module

    grammar_path = Path(__file__).resolve().parents[2] / "grammars" / "paramcfg.lark"
    grammar = grammar_path.read_text(encoding="utf-8")
    parser = larkparser.build_parser(grammar)
    # The lexicon (paramcfg.lexicon) is what the cutter, the fast path and the command line
    # read: tables are not shipped for a grammar it disagrees with.
    problems = lexicon.check(parser)
    if problems:
        sys.stderr.write("the lexicon disagrees with the grammar; update src/paramcfg/lexicon.py:\n")
        sys.stderr.writelines(f"  {p}\n" for p in problems)
        return 1
    target = grammar_path.with_name(FILE_NAME)
    target.write_text(dumps(parser, fingerprint(grammar, larkparser.PARSER_OPTIONS)), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
