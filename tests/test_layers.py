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


def imports_of(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every babybliss module this file imports, at its top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("babybliss"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("babybliss"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (package.parent / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    package.parent / Path(*candidate.split("."))
                ).is_dir()
                found.add(candidate if is_module else node.module)
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
