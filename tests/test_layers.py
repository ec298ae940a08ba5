"""The package in layers: every module imports only its own layer or those below it, and no two modules import each
other in a circle. The order is written once, here; docs/architecture.md explains it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "babybliss"

LAYERS = [
    ("errors",),
    ("io",),
    ("config",),
    ("grammar",),
    ("symbols",),
    ("data",),
    ("training",),
    ("convert",),
    ("evaluation",),
    ("serve", "cluster"),
    ("experiment",),
    ("cli", "__main__", "__init__"),
]
"""Bottom first. A module may import from its own layer and any layer before it, never from one after it."""

ROOT_MODULES = {"__init__", "__main__", "config", "io", "errors"}


def rank(unit: str) -> int:
    for level, names in enumerate(LAYERS):
        if unit in names:
            return level
    raise AssertionError(f"{unit!r} is in no layer: add it to LAYERS in tests/test_layers.py")


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts = parts[:-1]
    return ".".join(parts)


def unit_of(module: str) -> str:
    """The layer unit of `babybliss.grammar.rules` is `grammar`; of `babybliss.io`, `io`."""
    return module.split(".")[1] if "." in module else "__init__"


def absolute_module(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The module an ImportFrom names, a relative one (`from ..serve import app`) resolved against the importer as
    Python resolves it: level 1 is the importer's own package, each further dot one package up."""
    if node.level == 0:
        return node.module or ""
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    if node.level - 1 >= len(package):
        raise AssertionError(f"{importer}: a relative import climbs above the package")
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every babybliss module this file imports, at its top or inside a function, relative imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    importer = ".".join(path.relative_to(package.parent).with_suffix("").parts)
    is_package = path.stem == "__init__"
    if is_package:
        importer = importer.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("babybliss"))
        elif isinstance(node, ast.ImportFrom):
            module = absolute_module(node, importer, is_package)
            if not module.startswith("babybliss"):
                continue
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                is_module = (package.parent / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    package.parent / Path(*candidate.split("."))
                ).is_dir()
                found.add(candidate if is_module else module)
    return found


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    return {module_name(p, package): imports_of(p, package) for p in sorted(package.rglob("*.py"))}


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, targets in edges.items():
        for target in targets:
            if target == "babybliss":
                continue
            if rank(unit_of(target)) > rank(unit_of(module)):
                bad.append(f"{module} imports {target}, a layer above it")
    return sorted(bad)


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_import_runs_down_the_layers():
    assert upward_imports(graph()) == []


def test_no_import_circles():
    assert circles(graph()) == []


def test_the_package_root_holds_only_the_bottom_layer():
    loose = {p.stem for p in PACKAGE.glob("*.py")} - ROOT_MODULES
    assert loose == set(), f"modules in the package root: {sorted(loose)}; put them in the subpackage of their layer"


def test_every_subpackage_has_a_layer():
    for folder in PACKAGE.iterdir():
        if (folder / "__init__.py").exists():
            rank(folder.name)


@pytest.fixture
def toy(tmp_path):
    root = tmp_path / "babybliss"
    for sub in ("grammar", "serve"):
        (root / sub).mkdir(parents=True)
        (root / sub / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    return root


def test_an_upward_import_is_caught(toy):
    (toy / "grammar" / "rules.py").write_text("def f():\n    from babybliss.serve.app import make_app\n")
    (toy / "serve" / "app.py").write_text("from babybliss.grammar import rules\n")
    assert upward_imports(graph(toy)) == ["babybliss.grammar.rules imports babybliss.serve.app, a layer above it"]


def test_a_circle_is_caught(toy):
    (toy / "grammar" / "a.py").write_text("from babybliss.grammar.b import x\n")
    (toy / "grammar" / "b.py").write_text("from babybliss.grammar import a\n")
    assert circles(graph(toy)) == [["babybliss.grammar.a", "babybliss.grammar.b"]]


def test_a_relative_upward_import_is_caught(toy):
    (toy / "grammar" / "rules.py").write_text("def f():\n    from ..serve import app\n")
    (toy / "serve" / "app.py").write_text("")
    assert upward_imports(graph(toy)) == ["babybliss.grammar.rules imports babybliss.serve.app, a layer above it"]


def test_relative_imports_resolve_against_the_importer(toy):
    (toy / "grammar" / "rules.py").write_text("from . import lexicon\nfrom .lexicon import WORDS\nfrom .. import io\n")
    (toy / "grammar" / "lexicon.py").write_text("WORDS = []\n")
    (toy / "grammar" / "__init__.py").write_text("from .rules import f\n")
    (toy / "io.py").write_text("")
    edges = graph(toy)
    assert edges["babybliss.grammar.rules"] == {"babybliss.grammar.lexicon", "babybliss.io"}
    assert edges["babybliss.grammar"] == {"babybliss.grammar.rules"}
