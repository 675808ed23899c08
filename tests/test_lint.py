"""The code keeps the agreed lint rules and format (ruff, configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")


def _ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(RUFF), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_lint_rules_hold():
    result = _ruff("check", "champion_desk", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted():
    result = _ruff("format", "--check", "champion_desk", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_lint_test_can_fail(tmp_path):
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bad.py").write_text("import os\n\n\ndef f(x=[]):\n    return  x\n", encoding="utf-8")
    assert _ruff("check", "bad.py", cwd=tmp_path).returncode != 0
    assert _ruff("format", "--check", "bad.py", cwd=tmp_path).returncode != 0
