"""Layers point one way and no folder has a circle: the import-linter contracts in pyproject.toml
(drawn in docs/architecture.md) hold for the package, and they fail when an arrow is planted that
points up or closes a circle."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    # The package is found from ``root`` (its own copy), never from the installed one.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_every_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: (\d+) kept, 0 broken", result.stdout)


def test_the_document_shows_the_same_contracts():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for name in re.findall(r'^name = "(.+)"$', config, re.M):
        assert name in page, f"docs/architecture.md does not show the contract {name!r}"


@pytest.fixture
def copy_of_the_package(tmp_path):
    shutil.copytree(ROOT / "champion_desk", tmp_path / "champion_desk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    "module, planted, broken",
    [
        ("store/records.py", "from champion_desk.domain import metrics", "Layers point one way"),
        ("domain/metrics.py", "import PySide6", "Qt only in the GUI"),
        ("report/charts.py", "from champion_desk.exchange import export", "Layers point one way"),
        ("store/connection.py", "from champion_desk.store import frontdoor", "The store reads from the bottom up"),
        ("commands/core.py", "def f():\n    from champion_desk.ui import context", "Layers point one way"),
        # The circle there was before show_error moved out of ui/pages/operations.py.
        (
            "ui/messages.py",
            "def f():\n    from champion_desk.ui.pages import operations",
            "No circles inside any folder",
        ),
        ("ui/pages/base.py", "def f():\n    from champion_desk.ui.pages import home", "No circles inside any folder"),
        ("exchange/tabular.py", "from champion_desk.exchange import roster", "No circles inside any folder"),
        (
            "ui/settings.py",
            "def f():\n    from champion_desk.ui import scope_bar",
            "The window is built from the top down",
        ),
        # The circle report/ had before the drawing helpers moved out of the briefing into blocks.py.
        (
            "report/ideas_section.py",
            "def f():\n    from champion_desk.report import briefing",
            "The reports are drawn from the bottom up",
        ),
        ("report/blocks.py", "from champion_desk.report import meeting", "The reports are drawn from the bottom up"),
    ],
    ids=[
        "store-to-domain",
        "qt-in-domain",
        "report-to-exchange",
        "store-circle",
        "commands-to-ui-inside-a-function",
        "circle-in-ui",
        "circle-in-ui-pages",
        "circle-in-exchange",
        "ui-ground-to-scope-bar",
        "report-section-to-briefing-inside-a-function",
        "report-blocks-to-meeting",
    ],
)
def test_a_planted_upward_import_breaks_a_contract(copy_of_the_package, module, planted, broken):
    target = copy_of_the_package / "champion_desk" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + planted + "\n", encoding="utf-8")
    result = _lint(copy_of_the_package)
    assert result.returncode != 0, "the contracts missed a planted upward import"
    assert f"{broken}" in result.stdout.split("Broken contracts")[-1]
