"""The import graph of src/paramcfg: acyclic, and every import goes down the layers.

The graph is read from the source with ``ast``: module-level imports and imports inside
functions alike (a local import is still a dependency); imports under ``if TYPE_CHECKING:``
are left out (they never run).  docs/architecture.md explains the layers.
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "paramcfg"

#: Low → high.  A module may import from its own layer or any layer below, never above.
LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"codes", "diagnostics", "names", "fileio", "errors", "nodes", "lexicon", "source"}),
    ("types", {"types"}),
    ("values", {"values", "runtime", "batch"}),
    ("tables", {"tables", "plain"}),
    ("reading", {"grids", "convert"}),
    ("syntax", {"segmenter", "literals", "fastexpr", "fastdecl", "fastpath", "larkparser", "syntax_errors",
                "grammar_tables", "syntax"}),
    ("model", {"model", "layering", "paramchecks", "modelbuild"}),
    ("check", {"check"}),
    ("rules", {"ir", "builtins", "rules", "fold", "codegen", "shapes", "compile", "interpret", "vector"}),
    ("engine", {"finding", "loading", "engine"}),
    ("tools", {"fmt", "diff", "export", "release", "scaffold", "acceptance", "explain", "sheets",
               "tablefile", "xlsx_export", "report", "columnar", "batchfiles", "sarif"}),
    ("cli", {"cli", "__main__", "__init__"}),
]

#: Edges that break the rules for now, each with the reason; the test fails when one of them
#: disappears, so that this list can only shrink.
TRANSITIONAL: dict[tuple[str, str], str] = {}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(tree: ast.AST, modules: set[str]) -> set[str]:
    """The paramcfg modules a module imports, at any depth, outside ``if TYPE_CHECKING:``."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for stmt in node.orelse:
                visit(stmt)
            return
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] == "paramcfg":
                if len(parts) > 1:
                    found.add(parts[1])
                else:  # from paramcfg import values
                    found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            raise AssertionError("relative imports are not used in paramcfg")
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("paramcfg."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def units() -> dict[str, list[Path]]:
    """Each top-level module or subpackage (``cli``, ``release``) of paramcfg and its files."""
    found = {p.stem: [p] for p in SRC.glob("*.py")}
    for pkg in SRC.iterdir():
        if (pkg / "__init__.py").is_file():
            found[pkg.name] = sorted(pkg.rglob("*.py"))
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the modules it imports; a subpackage counts as one node, its files together.

    A fresh copy each call (tests change it), of a graph read from the source once."""
    return {m: set(deps) for m, deps in _read_graph().items()}


@functools.cache
def _read_graph() -> dict[str, frozenset[str]]:
    files = units()
    modules = set(files)
    graph: dict[str, set[str]] = {}
    for unit, paths in sorted(files.items()):
        graph[unit] = set().union(*(imports_of(ast.parse(p.read_text(encoding="utf-8")), modules)
                                    for p in paths))
        graph[unit].discard(unit)
    # The package's lazy names (PEP 562, through importlib) are dependencies too.
    init = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    homes = next(node.value for node in init.body if isinstance(node, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "_HOMES" for t in node.targets))
    graph["__init__"] |= set(ast.literal_eval(homes).values())
    return {m: frozenset(deps) for m, deps in graph.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path ``[a, b, …, a]``, or ``None``."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := dfs(nxt)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := dfs(node)) is not None:
            return found
    return None


def _without_transitional(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {m: {d for d in deps if (m, d) not in TRANSITIONAL} for m, deps in graph.items()}


def test_every_module_has_a_layer_and_only_one():
    placed = [m for _, mods in LAYERS for m in mods]
    assert len(placed) == len(set(placed))
    assert set(placed) == set(units())


def test_the_import_graph_is_acyclic():
    assert find_cycle(_without_transitional(import_graph())) is None


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import from a lower layer into a higher one, described."""
    rank = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods}
    name = {i: layer for i, (layer, _) in enumerate(LAYERS)}
    return sorted(f"{m} ({name[rank[m]]}) imports {d} ({name[rank[d]]})"
                  for m, deps in graph.items() for d in deps if rank[d] > rank[m])


def test_imports_go_down_the_layers():
    assert upward_imports(_without_transitional(import_graph())) == []


def test_an_upward_import_would_be_reported():
    """As before plain.py: the engine imported the export tool."""
    graph = import_graph()
    graph["engine"] = graph["engine"] | {"export"}
    assert upward_imports(_without_transitional(graph)) == [
        "engine (engine) imports export (tools)"]


def test_each_transitional_edge_still_exists():
    graph = import_graph()
    assert [edge for edge in TRANSITIONAL if edge[1] not in graph[edge[0]]] == []


# ---- the checker checks: each rule fails on a graph that breaks it -------------------------


def test_a_local_import_is_an_edge_and_a_type_checking_import_is_not():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "from paramcfg import values, nothing\n"
        "if TYPE_CHECKING:\n    from paramcfg.engine import Tenant\n"
        "else:\n    import paramcfg.check\n"
        "def f():\n    from paramcfg.tables import Table\n    import paramcfg.diff as d\n")
    assert imports_of(tree, {"values", "tables"}) == {"values", "tables", "check", "diff"}


@pytest.mark.parametrize(("graph", "cycle"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"a"}}, ["a", "a"]),
    ({"x": {"a"}, "a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
])
def test_find_cycle(graph, cycle):
    assert find_cycle(graph) == cycle


def test_the_old_hidden_cycle_would_be_found():
    """types ↔ tables, as it was before values.py: a function-level import closes the loop."""
    graph = import_graph()
    graph["types"] = graph["types"] | {"tables"}
    cycle = find_cycle(_without_transitional(graph))
    assert cycle is not None
    assert "types" in cycle


@pytest.mark.slow  # about 10 s: every module of the package imported in a fresh state
def test_every_module_imports_first_on_its_own():
    """Each module imported first in a fresh state (as `python -m paramcfg eval` imports export
    first): an import cycle hidden behind a local import shows up as an ImportError here."""
    modules = sorted(".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
                     for p in SRC.rglob("*.py") if p.stem != "__main__")
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    for key in [k for k in sys.modules if k == 'paramcfg' or k.startswith('paramcfg.')]:\n"
        "        del sys.modules[key]\n"
        "    importlib.import_module('paramcfg' if name == '__init__' else 'paramcfg.' + name)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,  # noqa: S603
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_architecture_page_lists_the_layers_of_this_test():
    page = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {}
    for line in page.splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) == 3 and cells[1].startswith("`"):
            rows[cells[0]] = {m.strip("` ") for m in cells[1].split(",")}
    assert rows == dict(LAYERS)
    assert list(rows) == [layer for layer, _ in LAYERS]
