"""Layers point one way (README, "For developers"): ui -> report, exchange, domain, store; report -> domain;
exchange -> domain, store; domain -> store. Qt only in ui/ and the GUI entry point."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "champion_desk"

# What each layer may import from the project (besides itself and champion_desk.errors/paths).
ALLOWED = {
    "store": set(),
    "domain": {"store"},
    "exchange": {"domain", "store"},
    "report": {"domain"},
    "ui": {"report", "exchange", "domain", "store", "app"},
    "commands": {"report", "exchange", "domain", "store"},
}
SHARED = {"errors", "paths", "crashlog", "__init__"}
QT_PACKAGES = ("PySide6", "pyqtgraph", "shiboken6")
QT_ALLOWED_FILES = {"app.py"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def test_layers_point_down_only():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _layer(path)
        if layer not in ALLOWED:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "champion_desk" or len(parts) < 2:
                continue
            target = parts[1]
            if target in SHARED or target == layer:
                continue
            if target not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)} imports {name} ({layer} -> {target})")
    assert not wrong, "\n".join(wrong)


def test_qt_only_in_ui_and_the_gui_entry_point():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "ui" or str(rel) in QT_ALLOWED_FILES:
            continue
        for name in _imports(path):
            if name.split(".")[0] in QT_PACKAGES:
                wrong.append(f"{rel} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_the_layer_test_catches_an_upward_import(tmp_path, monkeypatch):
    # Guard against a layer test that cannot fail: plant a store module importing the domain.
    fake = tmp_path / "champion_desk"
    (fake / "store").mkdir(parents=True)
    (fake / "store" / "bad.py").write_text("from champion_desk.domain import metrics\nimport PySide6\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    for check in (test_layers_point_down_only, test_qt_only_in_ui_and_the_gui_entry_point):
        try:
            check()
        except AssertionError:
            continue
        raise AssertionError(f"{check.__name__} missed the planted import")


def _store_imports(path: Path) -> tuple[set[str], list[str]]:
    """Return (store modules imported at module level, store imports hidden inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top: set[str] = set()
    hidden: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        names = [node.module] if node.module != "champion_desk.store" else [f"champion_desk.store.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[:2] != ["champion_desk", "store"] or len(parts) < 3:
                continue
            if node.col_offset == 0:
                top.add(parts[2])
            else:
                hidden.append(f"{path.name}:{node.lineno} imports {name} inside a function")
    return top, hidden


def test_the_store_reads_from_the_bottom_up():
    # Each store module imports only modules below it, at the top of the file: no circle, and no
    # import tucked inside a function to break one.
    graph: dict[str, set[str]] = {}
    hidden: list[str] = []
    for path in sorted((PACKAGE / "store").glob("*.py")):
        top, inside = _store_imports(path)
        graph[path.stem] = top - {path.stem}
        hidden += inside
    assert not hidden, "\n".join(hidden)
    placed: list[str] = []
    remaining = dict(graph)
    while remaining:
        ready = sorted(m for m, deps in remaining.items() if deps <= set(placed))
        assert ready, f"a circle among {sorted(remaining)}"
        placed += ready
        for m in ready:
            del remaining[m]


def test_the_store_test_catches_a_circle(tmp_path, monkeypatch):
    fake = tmp_path / "champion_desk"
    (fake / "store").mkdir(parents=True)
    (fake / "store" / "a.py").write_text("from champion_desk.store import b\n")
    (fake / "store" / "b.py").write_text("from champion_desk.store.a import x\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    try:
        test_the_store_reads_from_the_bottom_up()
    except AssertionError as exc:
        assert "circle" in str(exc)
    else:
        raise AssertionError("the store test missed a planted circle")
    (fake / "store" / "b.py").write_text("def f():\n    from champion_desk.store.a import x\n")
    try:
        test_the_store_reads_from_the_bottom_up()
    except AssertionError as exc:
        assert "inside a function" in str(exc)
    else:
        raise AssertionError("the store test missed an import hidden inside a function")
