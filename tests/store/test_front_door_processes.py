"""The app and a command on the same logbook at once: what the app saves stays saved.

Each test runs the two sides as separate processes, as on a ward PC: a holder that keeps the
logbook open and reads it the way the app's background readers do, and the command line beside
it. The holder then saves, acknowledges, and is killed with SIGKILL; the save must be in the file.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from champion_desk.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]

# The holder: opens the logbook for writing as the app does, reads it through the same function
# the app's background readers use, waits for the parent's go, saves one unit, says so, then waits
# to be killed.
HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from champion_desk.store import records
    from champion_desk.store.frontdoor import open_logbook, open_reader, CommandAsker

    logbook = open_logbook({path!r}, CommandAsker(), write=True)
    db = logbook.db
    for _ in range(3):
        reader = open_reader({path!r})
        reader.scalar("SELECT count(*) FROM unit")
        reader.close()
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(3):
        reader = open_reader({path!r})
        reader.scalar("SELECT count(*) FROM unit")
        reader.close()
    with db.transaction():
        records.insert(db, "unit", {{"name": "Saved After The Command"}}, "holder")
    print("saved", flush=True)
    time.sleep(120)
""")


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _start_holder(path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=str(ROOT), path=str(path))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = holder.stdout.readline()
    assert line.strip() == "ready", holder.stderr.read()
    return holder


def _save_and_kill(holder: subprocess.Popen) -> None:
    holder.stdin.write("go\n")
    holder.stdin.flush()
    line = holder.stdout.readline()
    assert line.strip() == "saved", holder.stderr.read()
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)


@pytest.fixture
def logbook_file(tmp_path):
    path = tmp_path / "ward.db"
    db = open_database(path)
    from champion_desk.store import records

    with db.transaction():
        records.insert(db, "unit", {"name": "Cedar Ward"}, "test")
    db.close()
    return path


def test_read_commands_beside_the_app_keep_its_later_save(logbook_file):
    holder = _start_holder(logbook_file)
    try:
        stats = _cli("stats", "--json", db=logbook_file)
        assert stats.returncode == 0, stats.stderr
        json.loads(stats.stdout)
        # Another program entirely: a plain sqlite3 reader, as a manager's SQLite tool would be.
        other = sqlite3.connect(logbook_file)
        assert other.execute("SELECT count(*) FROM unit").fetchone()[0] == 1
        other.close()
        briefing = _cli("briefing", "--out", str(logbook_file.parent / "b.pdf"), db=logbook_file)
        assert briefing.returncode == 0, briefing.stderr
        assert Path(f"{logbook_file}-wal").exists(), "a command removed the app's -wal while the app had it open"
        _save_and_kill(holder)
    finally:
        if holder.poll() is None:
            holder.kill()
    db = open_database(logbook_file)
    try:
        names = {r["name"] for r in db.query("SELECT name FROM unit")}
    finally:
        db.close()
    assert "Saved After The Command" in names
    check = _cli("check", db=logbook_file)
    assert check.returncode == 0, check.stdout + check.stderr


WRITE_COMMANDS = [
    ("demo", "--scale", "ward"),
    ("import-roster", "{roster}"),
    ("restore", "{backup}", "--yes"),
    ("merge", "{other}"),
    ("erase-person", "X123", "--yes"),
    ("sync", "{folder}"),
    ("init",),
    ("import-usage", "{roster}", "--tool", "Scribe"),
]


@pytest.mark.parametrize("command", WRITE_COMMANDS, ids=[c[0] for c in WRITE_COMMANDS])
def test_every_write_command_refuses_beside_the_app(logbook_file, tmp_path, command):
    roster = tmp_path / "roster.csv"
    roster.write_text("Name,Role,Unit\nAda Lovelace,Nurse,Cedar Ward\n", encoding="utf-8")
    other = tmp_path / "other.db"
    open_database(other).close()
    backup = tmp_path / "copy.db"
    src = open_database(logbook_file)
    from champion_desk.store.backups import backup_database

    backup_database(src, to=backup)
    src.close()
    folder = tmp_path / "sync-folder"
    folder.mkdir()
    args = [a.format(roster=roster, other=other, backup=backup, folder=folder) for a in command]
    holder = _start_holder(logbook_file)
    try:
        before = logbook_file.read_bytes()
        result = _cli(*args, db=logbook_file)
        assert result.returncode == 1, result.stdout + result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "already open" in lines[0] and "since" in lines[0], result.stderr
        assert "Traceback" not in result.stderr
        assert logbook_file.read_bytes() == before
        _save_and_kill(holder)
    finally:
        if holder.poll() is None:
            holder.kill()
