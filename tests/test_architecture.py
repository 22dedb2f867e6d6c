"""The package's shape: no import cycle between modules, and each layer imports only the layers below it.

Imports are read from the source with ``ast`` (functions' lazy imports included), so the test needs no
model and catches a cycle that lazy importing would otherwise hide until run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "assistant"
# Lowest first; a module may import its own layer and any layer before it.
LAYERS = ("core", "ingest", "search", "guard", "llm", "moderation", "answer", "testing", "evaluation", "surfaces")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each ``assistant`` module -> the ``assistant`` modules it imports (anywhere in its code)."""
    modules = {_module_name(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
                for alias in node.names:  # "from assistant.guard import names" imports a module
                    child = f"{node.module}.{alias.name}"
                    targets.add(child if child in modules else node.module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("assistant"))
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path that ends where it starts, or [] when there is none.

    >>> find_cycle({"a": {"b"}, "b": {"a"}}), find_cycle({"a": {"b"}, "b": set()})
    (['a', 'b', 'a'], [])
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [node, target] if target in path else [node, target]
            if target not in state and (cycle := visit(target, path + [node])):
                return cycle
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [])):
            return cycle
    return []


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_no_module_imports_itself_back():
    assert find_cycle(import_graph()) == []


def test_find_cycle_reports_a_three_module_loop():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_layers_import_only_downward():
    upward = [(module, target) for module, targets in import_graph().items() for target in targets
              if _layer(module) is not None and _layer(target) is not None and _layer(target) > _layer(module)]
    assert upward == []


def test_every_module_belongs_to_a_layer():
    loose = [m for m in import_graph() if _layer(m) is None and m not in ("assistant", "assistant.__main__")]
    assert loose == []


def test_core_needs_no_other_layer_and_prompts_no_model_code():
    graph = import_graph()
    core = {t for m, ts in graph.items() if m.startswith("assistant.core") for t in ts}
    assert all(t.startswith("assistant.core") for t in core)
    assert not {t for t in graph["assistant.llm.prompts"] if t.startswith("assistant.llm")}
