"""Layers point one way (DESIGN.md): ui -> report, exchange, domain, store; report -> domain;
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
    "commands": {"report", "exchange", "domain", "store", "cli"},
}
SHARED = {"errors", "paths", "crashlog", "outfiles", "__init__"}
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
