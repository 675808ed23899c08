"""Every page and dialog fits a ward PC's screen: nothing off-screen, cut off or behind a scroll bar."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("screen_fit_probe.py")


@pytest.fixture(scope="module")
def hospital_db(tmp_path_factory) -> Path:
    """Return a hospital-scale demo database (long names, many units: the widest lists)."""
    path = tmp_path_factory.mktemp("screens") / "hospital.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "champion_desk",
            "--db",
            str(path),
            "demo",
            "--scale",
            "hospital",
            "--end",
            "2026-12-07",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return path


@pytest.mark.parametrize(
    "width, height, scale",
    # The last: a 2048x1536 screen at 200% (Windows' display scaling, QT_SCALE_FACTOR here), the
    # same 1024x768 to lay out, with fonts and frames drawn at twice the pixels.
    [(1024, 768, 1), (1366, 768, 1), (2048, 1536, 2)],
)
def test_every_page_and_dialog_fits_the_screen(hospital_db, tmp_path, width, height, scale):
    # The screen's size is fixed when Qt starts, so each size is checked in a process of its own.
    screen = {
        "synchronousWindowSystemEvents": False,
        "windowFrameMargins": False,
        "screens": [
            {
                "name": "ward",
                "x": 0,
                "y": 0,
                "width": width,
                "height": height,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ],
    }
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screen))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": str(scale)}
    done = subprocess.run(
        [sys.executable, str(PROBE), str(hospital_db)], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    problems = json.loads(done.stdout.strip().splitlines()[-1])
    assert problems == []
