"""No module uses another module's private name: what two modules share is public and documented."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "champion_desk"


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    modules: set[str] = set()  # local names bound to a project module
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("champion_desk"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} imports {node.module}.{alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("champion_desk"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_name():
    found = [use for path in sorted(PACKAGE.rglob("*.py")) for use in _private_uses(path)]
    assert not found, "\n".join(found)


def test_the_check_finds_a_planted_private_use(tmp_path, monkeypatch):
    fake = tmp_path / "champion_desk" / "domain"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from champion_desk.domain import metrics\n\nx = metrics._hidden_thing\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "champion_desk")
    try:
        test_no_module_uses_another_modules_private_name()
    except AssertionError as exc:
        assert "metrics._hidden_thing" in str(exc)
    else:
        raise AssertionError("the check missed a planted private use")
