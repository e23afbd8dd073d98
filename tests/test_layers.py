"""The house plan (docs: ../shared/architecture.md, README's development section), held by the
imports: no two packages of optima_cli import each other, and each layer imports only those below it."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "optima_cli"

# what each layer may import (besides itself); a new package must be placed here
BELOW = {
    "records": {"language"},
    "rules": {"records", "errors", "language"},  # language only through errors' lazy sentences
    "store": {"records", "rules", "errors", "language"},
    "render": {"records", "rules", "language"},
    "workflow": {"records", "rules", "store", "render", "errors", "language", "catalogue"},
    "importing": {"records", "rules", "store", "workflow", "errors", "language"},
    "demo": {"importing", "workflow", "store", "errors", "language"},
    "migrations": {"records", "rules", "store"},
}


def imports() -> dict[str, dict[str, set[str]]]:
    """Package (or top-level module) -> the packages it imports -> the files that do."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        source = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("optima_cli"):
                names = node.module.split(".")
                targets = [a.name for a in node.names] if len(names) == 1 else [names[1]]
            elif isinstance(node, ast.Import):
                targets = [a.name.split(".")[1] for a in node.names if a.name.startswith("optima_cli.")]
            for target in targets:
                if target != source:
                    found[source][target].add(str(path.relative_to(PACKAGE)))
    return found


def test_no_two_packages_import_each_other():
    graph = imports()
    cycles = [(a, b, sorted(graph[a][b]), sorted(graph[b][a]))
              for a in graph for b in graph[a] if a < b and a in graph.get(b, {})]
    assert not cycles


def test_each_layer_imports_only_the_layers_below_it():
    graph = imports()
    wrong = {layer: {t: sorted(files) for t, files in graph[layer].items() if t not in allowed}
             for layer, allowed in BELOW.items()}
    assert not {layer: found for layer, found in wrong.items() if found}
