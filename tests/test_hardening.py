"""Issue 12, hardening round two: each test failed before its fix."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

from helpers import CORE_DIR, PROFILES, ROOT

from paramcfg import grammar_tables, syntax
from paramcfg.source import decode

# ---- 1. the grammar cache ran a pickle ------------------------------------------------------


class _Evil:
    def __init__(self, marker) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))  # creating the marker file is "code ran"


def _plant(folder, marker) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "grammar.lark-cache").open("wb") as f:
        f.write(b"0" * 64 + b"\n")
        pickle.dump(_Evil(marker), f)


def test_planted_grammar_cache_runs_no_code(tmp_path):
    """A pickle planted where the grammar cache used to be is never read, and nothing is
    written to the cache folders (before: Lark unpickled it and the marker appeared)."""
    marker = tmp_path / "PWNED"
    explicit = tmp_path / "explicit"
    xdg = tmp_path / "xdg"
    _plant(explicit, marker)
    _plant(xdg / "paramcfg", marker)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    env = {**os.environ, "PARAMCFG_LANG": "en"}
    env.pop("PARAMCFG_NO_CACHE", None)
    for variables in ({"PARAMCFG_CACHE_DIR": str(explicit)}, {"XDG_CACHE_HOME": str(xdg)},
                      {"HOME": str(tmp_path / "home")}):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "paramcfg", "check", "--core", str(CORE_DIR), str(PROFILES[0])],
            env={**env, **variables}, capture_output=True, text=True, check=False, cwd=tmp_path,
            timeout=120)
        assert done.returncode == 0, done.stderr
        assert not marker.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_shipped_grammar_tables_match_the_grammar():
    """The analysed grammar shipped in the package is for this grammar, these options and this
    Lark; after a grammar change run ``python -m paramcfg.grammar_tables``."""
    tables = syntax._grammar_file(grammar_tables.FILE_NAME)
    assert tables is not None
    stamp = grammar_tables.fingerprint(syntax._grammar_text(), syntax.PARSER_OPTIONS)
    parser = grammar_tables.loads(tables, stamp, postlex=syntax._PostLexer(),
                                  transformer=syntax._ToNodes())
    assert parser is not None, "stale grammars/paramcfg.lark.json: python -m paramcfg.grammar_tables"


def test_shipped_tables_parse_as_the_grammar_does():
    """Every sample file parses to the same statements and diagnostics with the shipped tables
    as with the parser analysed from the grammar."""
    files = [*sorted(CORE_DIR.glob("*.pcore")), *PROFILES,
             *sorted((ROOT / "tests" / "corpus").rglob("*.pcfg"))]
    texts = [(str(p), decode(p.read_bytes(), str(p)).text) for p in files]
    shipped = [syntax.parse_text(text, path) for path, text in texts]
    saved = syntax._parser, syntax._transformer
    try:
        syntax._transformer = syntax._ToNodes()
        syntax._parser = syntax.build_parser(syntax._grammar_text(), syntax._transformer)
        built = [syntax.parse_text(text, path) for path, text in texts]
    finally:
        syntax._parser, syntax._transformer = saved
    assert shipped == built


def test_damaged_or_foreign_tables_are_refused_without_running_code(tmp_path):
    marker = tmp_path / "PWNED"
    stamp = grammar_tables.fingerprint(syntax._grammar_text(), syntax.PARSER_OPTIONS)
    runtime = {"postlex": syntax._PostLexer(), "transformer": syntax._ToNodes()}
    for text in ("", "{", "[]", '{"fingerprint": "x"}', f'{{"fingerprint": "{stamp}"}}',
                 pickle.dumps(_Evil(marker)).decode("latin-1")):
        assert grammar_tables.loads(text, stamp, **runtime) is None
    assert not marker.exists()


def test_grammar_tables_module_documents_regeneration():
    assert "python -m paramcfg.grammar_tables" in textwrap.dedent(grammar_tables.__doc__ or "")
