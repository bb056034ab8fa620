"""Imports point one way, as docs/ARCHITECTURE.md's table says, and no package or module imports itself back.

Every import statement of kh_desktop is read with ast, the ones inside functions too (a lazy import is still
a dependency). `from package import name` counts as an import of the submodule when `name` is one.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kh_desktop"
EVERYTHING = {"domain", "tasks", "storage", "reports", "excel", "exchange", "cli", "ui", "selftest", "paths", "root"}
EVERYTHING |= {"identity"}

# What each part may import besides itself (docs/ARCHITECTURE.md, "Layers"). "root" is kh_desktop/__init__.py
# (name and version), "paths" is kh_desktop/paths.py (where resources and data are), "identity" is
# kh_desktop/identity.py (this PC's key and revision mark).
ALLOWED = {
    "root": set(),
    "paths": set(),
    "identity": {"paths", "domain"},
    "domain": set(),
    "tasks": {"domain"},
    "storage": {"domain", "tasks", "paths", "identity"},
    "reports": {"domain", "tasks", "storage", "paths", "identity"},
    "excel": {"domain", "tasks", "storage", "paths", "identity"},
    "exchange": {"domain", "tasks", "storage", "paths", "identity", "root"},
    "cli": EVERYTHING - {"ui"},
    "ui": EVERYTHING - {"cli", "selftest"},
    "selftest": EVERYTHING - {"cli"},
    "__main__": {"cli"},
}
# Modules that may import more than their package: the program's entry starts the window when no command is given.
ENTRY = {"kh_desktop.cli.main": {"ui"}}
# Imports that break the rule (or close a cycle) today, each with the reason it is allowed for now: none.
KNOWN: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def part(module: str) -> str:
    pieces = module.split(".")
    if len(pieces) == 1:
        return "root"
    return pieces[1]


def imports_of(module: str, path: Path) -> set[str]:
    """The kh_desktop modules `module` imports anywhere in its body."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    return {m for m in found if m == "kh_desktop" or m.startswith("kh_desktop.")}


GRAPH = {module: imports_of(module, path) for module, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_reader_sees_function_local_and_relative_imports():
    # cli/main.py starts the window from inside main(); reports/charts.py imports .fonts inside a function.
    assert "kh_desktop.ui.app" in GRAPH["kh_desktop.cli.main"]
    assert "kh_desktop.reports.fonts" in GRAPH["kh_desktop.reports.charts"]
    assert "kh_desktop.cli.figures" in GRAPH["kh_desktop.cli.main"]  # `from . import figures` is the submodule


def test_every_part_is_in_the_table():
    assert {part(m) for m in MODULES} <= set(ALLOWED)


def test_imports_point_one_way():
    wrong = []
    for module, targets in sorted(GRAPH.items()):
        here = part(module)
        allowed = ALLOWED[here] | ENTRY.get(module, set()) | {here}
        wrong += [f"{module} -> {t}" for t in sorted(targets) if part(t) not in allowed and (module, t) not in KNOWN]
    assert wrong == []


def test_known_exceptions_still_exist():
    """An exception that is gone must leave the list, so the list never hides a new upward import."""
    assert [pair for pair in KNOWN if pair[1] not in GRAPH[pair[0]]] == []


def test_no_cycle_between_packages():
    packages = defaultdict(set)
    for module, targets in GRAPH.items():
        packages[part(module)].update(part(t) for t in targets if part(t) != part(module))
    assert cycles(packages) == []


def test_no_cycle_between_modules():
    assert cycles({m: {t for t in targets if (m, t) not in KNOWN} for m, targets in GRAPH.items()}) == []
