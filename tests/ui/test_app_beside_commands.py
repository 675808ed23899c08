"""The real app and the command line on one logbook at the same moment, in separate processes.

The app runs offscreen on a demo logbook with its Home page reading in the background (as it
does on screen); meanwhile `stats --json`, `briefing` and a plain sqlite3 reader use the same
file, a default `export` is made and recorded in the audit log, and a write command is refused.
Then the app saves a story, is killed with SIGKILL, and the story and the export's audit row must
be in the file, which must pass `check`. A second test holds the app's write transaction longer
than SQLite's busy timeout: the export's audit row waits for it and lands.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

APP = textwrap.dedent("""
    import os, select, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from champion_desk.app import Desk, make_application
    from champion_desk.domain import logbook
    from champion_desk.ui.settings import Settings

    path = Path({path!r})
    app = make_application([])
    desk = Desk(Settings(path.parent / "settings.ini"))
    desk.ask_user = lambda current_id=None: None
    assert desk.start(path, "home")
    ticks = 0

    def tick():
        global ticks
        ticks += 1
        if ticks % 3 == 0:
            desk.window.page("home").refresh()  # background reads, as the Home page makes them
        if select.select([sys.stdin], [], [], 0)[0]:
            line = sys.stdin.readline().strip()
            if line == "go":
                db = desk.context.db
                tool = db.scalar("SELECT id FROM tool LIMIT 1")
                logbook.save(db, "story", {{"tool_id": tool, "told_on": "2026-12-01", "title": "Saved beside the commands",
                                           "summary": "Handover notes drafted in half the time."}}, "app")
                print("saved", flush=True)
        if ticks == 10:
            print("ready", flush=True)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    app.exec()
""")


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", "--db", str(path), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_app_keeps_its_save_while_commands_use_the_same_logbook(tmp_path):
    path = tmp_path / "ward.db"
    made = _cli(path, "demo", "--scale", "ward")
    assert made.returncode == 0, made.stderr
    app = subprocess.Popen(
        [sys.executable, "-c", APP.format(root=str(ROOT), path=str(path))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        assert app.stdout.readline().strip() == "ready", app.stderr.read()
        for _ in range(2):
            stats = _cli(path, "stats", "--json")
            assert stats.returncode == 0, stats.stderr
            json.loads(stats.stdout)
            briefing = _cli(path, "briefing", "--out", str(tmp_path / "briefing.pdf"))
            assert briefing.returncode == 0, briefing.stderr
            other = sqlite3.connect(path)  # another program: a manager's SQLite tool
            assert other.execute("SELECT count(*) FROM staff").fetchone()[0] > 0
            other.close()
        export = _cli(path, "export", "--out", str(tmp_path / "manager.xlsx"))
        assert export.returncode == 0 and "not recorded" not in export.stderr, export.stderr
        refused = _cli(path, "import-roster", str(tmp_path / "missing.csv"))
        assert refused.returncode == 1
        demo = _cli(path, "erase-person", "nobody", "--yes")
        assert demo.returncode == 1 and "already open" in demo.stderr, demo.stderr
        assert Path(f"{path}-wal").exists(), "a command removed the app's -wal while the app had it open"
        app.stdin.write("go\n")
        app.stdin.flush()
        assert app.stdout.readline().strip() == "saved", app.stderr.read()
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM story WHERE title = 'Saved beside the commands'").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM audit WHERE record_id = 'manager export'").fetchone()[0] == 1
    finally:
        conn.close()
    check = _cli(path, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_export_made_while_the_app_is_saving_waits_for_it_and_is_recorded(tmp_path):
    from champion_desk.store import frontdoor, records
    from champion_desk.store.connection import BUSY_TIMEOUT_MS

    path = tmp_path / "ward.db"
    made = _cli(path, "demo", "--scale", "ward")
    assert made.returncode == 0, made.stderr
    # The app's side: the logbook opened through the front door as the app opens it (lock, WAL
    # connection), in the middle of a save that holds the write lock past SQLite's busy timeout.
    app = frontdoor.open_logbook(path, frontdoor.CommandAsker(), write=True)
    try:
        app.db.conn.execute("BEGIN IMMEDIATE")
        records.write_audit(app.db, "app", "story", "saving", "create", {"title": "A long save"})
        export = subprocess.Popen(
            [sys.executable, "-m", "champion_desk", "--db", str(path), "export", "--out", str(tmp_path / "m.xlsx")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while not (tmp_path / "m.xlsx").exists() and export.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # the export itself reads beside the save
        time.sleep(BUSY_TIMEOUT_MS / 1000 + 2)  # past one busy timeout: the audit row must still be waiting
        assert export.poll() is None, "the audit row did not wait for the app's save: " + export.stderr.read()
        app.db.conn.execute("COMMIT")
        out, err = export.communicate(timeout=60)
        assert export.returncode == 0 and "not recorded" not in err, err
        exports = app.db.scalar("SELECT count(*) FROM audit WHERE record_id = ?", (records.MANAGER_EXPORT,))
        assert exports == 1 and app.db.scalar("SELECT count(*) FROM audit WHERE record_id = 'saving'") == 1
    finally:
        if app.db.conn.in_transaction:
            app.db.conn.execute("ROLLBACK")
        app.close()
