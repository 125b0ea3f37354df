"""The engine's modules import one another in one direction only: no cycle, not even one
hidden in a function or behind ``TYPE_CHECKING``."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "tandem.instruments"
FOLDER = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = path.relative_to(FOLDER.parent.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def engine_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in FOLDER.rglob("*.py")
        if "tests" not in path.relative_to(FOLDER).parts
    }


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every engine module ``path`` imports, wherever the import statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from package import submodule" imports the submodule.
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in modules
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = engine_modules()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle as a path of module names, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        stack.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)) is not None:
            return cycle
    return None


def test_the_engine_has_no_import_cycle() -> None:
    graph = import_graph()
    assert f"{PACKAGE}.scoring" in graph  # the graph is the engine's
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle or [])


def test_the_definition_is_data_that_imports_no_operation_on_it() -> None:
    graph = import_graph()
    assert graph[f"{PACKAGE}.definition"] == {f"{PACKAGE}.rules"}
    for operation in ("scoring", "results", "plan", "style", "psychometrics"):
        assert f"{PACKAGE}.definition" in _reachable(graph, f"{PACKAGE}.{operation}")


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
