"""The ward-PC bundle: build it with build.spec, then run its CLI and its GUI as a ward PC would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    pytest.importorskip("PyInstaller", reason="the bundle extra is not installed")
    work = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    folder = work / "dist" / "champion-desk"
    assert (folder / "champion-desk").exists() and (folder / "champion-desk-cli").exists()
    return folder


def test_the_bundle_is_one_folder_with_resources_and_no_test_tools(bundle):
    internal = bundle / "_internal"
    assert (internal / "resources" / "fonts" / "LICENSE-DejaVu.txt").exists()
    assert (internal / "resources" / "style.qss").exists()
    assert not list(internal.glob("**/pytest*")) and not list(internal.glob("PySide6/Qt/qml"))
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbundle size: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)")
    assert size <= 200e6, f"the bundle grew to {size / 1e6:.1f} MB (goal: at most 200 MB)"


def test_the_bundled_cli_makes_a_demo_checks_it_and_writes_a_briefing(bundle, tmp_path):
    cli = str(bundle / "champion-desk-cli")
    db = tmp_path / "ward.db"

    def run(*args):
        result = subprocess.run([cli, "--db", str(db), *args], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "Demo data written" in run("demo", "--scale", "ward", "--end", "2026-06-30")
    assert "All checks passed." in run("check")
    run("briefing", "--out", str(tmp_path / "b.pdf"), "--to", "2026-06-30")
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_the_bundled_gui_shows_its_main_window(bundle, tmp_path):
    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database
    from champion_desk.ui.settings import Settings

    db_path = tmp_path / "ward.db"
    db = open_database(db_path)
    summary = generate_demo(db, "ward", end=__import__("datetime").date(2026, 6, 30))
    champion = db.scalar("SELECT id FROM staff WHERE display_name = ?", (summary["champion"],))
    db.close()
    config = tmp_path / "config"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(config),
        "CHAMPION_DESK_EXIT_WHEN_SHOWN": "1",
    }
    # Who is logging, remembered as the app remembers it, so no dialog waits for an answer.
    old = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(config)
    try:
        settings = Settings()
        settings.set_user_for(db_path, champion)
        settings.sync()
    finally:
        if old is None:
            os.environ.pop("XDG_CONFIG_HOME")
        else:
            os.environ["XDG_CONFIG_HOME"] = old
    # The dashboard imports pyqtgraph and the briefing pdfium only when shown: a module left out
    # of the bundle fails there, as a crash report in the log rather than a failed exit.
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    for page in ("home", "dashboard", "briefing"):
        result = subprocess.run(
            [str(bundle / "champion-desk"), "--db", str(db_path), "--page", page],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        assert Settings(config / "ChampionDesk" / "champion-desk.ini").last_page == page  # the window ran its page
        logs = list((tmp_path / "state").rglob("*.log"))
        assert not any("crash" in log.read_text() for log in logs), [log.read_text()[-2000:] for log in logs]
