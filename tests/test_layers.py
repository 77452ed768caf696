"""The import graph points down: every top-level package imports only packages of lower layers,
and no modules import each other in a cycle (lazy imports inside functions included).

Layers, lowest first. A package may import its own modules and any package of a lower layer,
never one of its own layer or above: core knows nothing of the graph, the graph nothing of
ingest, ingest nothing of retrieval or the exhibits, and only the command line and the UI see
everything. A new import that breaks this fails here with the file and the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [{"core"}, {"embeddings"}, {"graph"}, {"ingest"}, {"retrieval", "exhibits", "crawlers"},
          {"cckb", "ui"}]
LAYER = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in LAYER:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(path: Path, name: str, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """(project module imported, line) for every import statement in the file, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.append((target, node.lineno))
    return found


def test_the_layer_map_names_every_package() -> None:
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()
                and p.name != "tests"}
    assert packages == set(LAYER), "add the new package to LAYERS"


def test_every_import_points_down() -> None:
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        own = name.split(".")[0]
        for target, line in _imports(path, name, modules):
            other = target.split(".")[0]
            if other != own and LAYER[other] >= LAYER[own]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "imports that do not point down:\n" + "\n".join(wrong)


def test_no_modules_import_each_other_in_a_cycle() -> None:
    modules = _modules()
    graph = {name: {t for t, _ in _imports(path, name, modules)}
             for name, path in modules.items()}
    # a package's __init__ importing its own submodules is how packages re-export: not a cycle
    edges = {n: {t for t in ts if not n == t.rpartition(".")[0] or modules[n].name != "__init__.py"}
             for n, ts in graph.items()}
    cycles, index, low, stack, on, counter = [], {}, {}, [], set(), [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not cycles, f"modules importing each other: {cycles}"
