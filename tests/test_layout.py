"""The layout tells the design: imports point upstream only, and no module imports itself back.

crawl → archive ← indexer (analysis ← engine ← whoosh_engine, with its writer and reader apart) ← webapp,
and tracuu/ (the CLI) above them all; attachments/ (the text of attached files) imports nothing of ours.
Imports inside functions count too: a late import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("archive", "attachments", "crawl", "indexer", "alerts", "webapp", "tracuu")

# module prefix → the prefixes it may import (besides itself); the most specific prefix applies
INDEXER_BASE = ("archive", "indexer.errors", "indexer.locking", "indexer.analysis", "indexer.engine")
WHOOSH_FORMAT = tuple(f"indexer.whoosh_engine.{m}" for m in ("schema", "store", "worddf", "positionkeys", "columns"))
ALLOWED: dict[str, tuple[str, ...]] = {
    "archive": (),
    "attachments": (),
    "crawl": ("archive", "attachments"),
    "indexer": (),
    "indexer.errors": (),
    "indexer.locking": ("indexer.errors",),
    "indexer.analysis": ("indexer.errors",),
    "indexer.engine": ("archive", "indexer.errors", "indexer.analysis"),
    "indexer.whoosh_engine": (*INDEXER_BASE, *WHOOSH_FORMAT),
    "indexer.whoosh_engine.selfcheck": (*INDEXER_BASE, "indexer.whoosh_engine"),
    "indexer.whoosh_engine.writer": (*INDEXER_BASE, *WHOOSH_FORMAT),
    "indexer.whoosh_engine.reader": (*INDEXER_BASE, *WHOOSH_FORMAT),
    "indexer.opensearch_engine": INDEXER_BASE,
    "indexer.backend": (*INDEXER_BASE, "indexer.whoosh_engine", "indexer.opensearch_engine"),
    "indexer.schema": ("indexer.whoosh_engine.schema",),
    # indexer.engine re-exports the errors; archive.FileStore and attachments.sniff serve archived copies
    # alerts (e-mail alerts) search through the engine contract, as the web app does
    "alerts": ("archive", "indexer.backend", "indexer.engine"),
    "webapp": ("indexer.backend", "indexer.engine", "archive", "attachments", "alerts"),
    "tracuu": PACKAGES,
}


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(path: Path, name: str) -> set[str]:
    """Our modules imported anywhere in the file (`from a import b` counts `a.b` when it is a module)."""
    known = modules()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & known.keys()
            found.update(submodules if len(submodules) == len(node.names) else {node.module, *submodules})
    return {m for m in found if m.split(".")[0] in PACKAGES and m != name}


def rule(name: str) -> tuple[str, tuple[str, ...]]:
    prefix = max((p for p in ALLOWED if name == p or name.startswith(p + ".")), key=len)
    return prefix, ALLOWED[prefix]


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_point_upstream_only(name: str) -> None:
    own, allowed = rule(name)
    path = modules()[name]
    wrong = sorted(m for m in imports(path, name) if not within(m, own) and not any(within(m, a) for a in allowed))
    assert not wrong, f"{name} ({own} may import {allowed or 'nothing of tracuu'}) imports {wrong}"


def test_the_reader_and_the_writer_never_import_each_other() -> None:
    for name, path in modules().items():
        for side, other in (("reader", "writer"), ("writer", "reader")):
            if within(name, f"indexer.whoosh_engine.{side}"):
                assert not [m for m in imports(path, name) if within(m, f"indexer.whoosh_engine.{other}")], name


def test_no_import_cycles() -> None:
    known = modules()
    graph = {name: {m for m in imports(path, name) if m in known} for name, path in known.items()}
    # a package's __init__ re-exporting its modules is not a cycle with them
    graph = {name: {m for m in deps if not within(name, m)} for name, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                pytest.fail("import cycle: " + " → ".join([*trail[trail.index(dep):], dep]))
            if dep not in state:
                visit(dep, [*trail, dep])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
