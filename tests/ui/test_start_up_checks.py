"""What start-up skips, and only when it is safe: the damage check and the subcommand imports."""

from __future__ import annotations

import os

from champion_desk.app import Desk
from champion_desk.cli import _starts_the_gui
from champion_desk.store import recovery
from champion_desk.store.database import open_database

REAL_DIAGNOSE = recovery.diagnose


def _start(settings, monkeypatch, path, checks):
    desk = Desk(settings)
    monkeypatch.setattr(desk, "ask_user", lambda current_id=None: None)
    monkeypatch.setattr(recovery, "diagnose", lambda p, thorough=False: checks.append(p) or REAL_DIAGNOSE(p, thorough))
    assert desk.start(path)
    return desk


def test_the_damage_check_is_skipped_only_after_a_clean_close(qtbot, db_path, settings, monkeypatch):
    open_database(db_path).close()
    checks = []
    first = _start(settings, monkeypatch, db_path, checks)
    qtbot.addWidget(first.window)
    first.shutdown()
    assert len(checks) == 1  # never closed cleanly on this PC before: checked
    second = _start(settings, monkeypatch, db_path, checks)
    qtbot.addWidget(second.window)
    second.shutdown()
    assert len(checks) == 1  # exactly as closed last time: not read again
    os.utime(db_path, ns=(1, 1))  # touched since (a copy, another program)
    third = _start(settings, monkeypatch, db_path, checks)
    qtbot.addWidget(third.window)
    third.shutdown()
    assert len(checks) == 2, checks


def test_only_a_plain_start_skips_the_subcommands():
    assert _starts_the_gui([])
    assert _starts_the_gui(["--db", "x.db", "--page", "home"])
    assert _starts_the_gui(["--page=training", "--db=x.db"])
    assert not _starts_the_gui(["--db", "x.db", "check"])
    assert not _starts_the_gui(["--help"])
    assert not _starts_the_gui(["--db"])  # the full parser reports the missing value


def test_starting_on_an_older_file_says_it_was_upgraded(qtbot, db_path, settings, monkeypatch):
    import sqlite3

    from champion_desk.store.schema import ADDED_IN, SCHEMA_VERSION

    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    for table in ADDED_IN.get(SCHEMA_VERSION, ()):  # so the latest migration can add it again
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name LIKE ?", (f"{SCHEMA_VERSION:04d}_%",))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    desk = _start(settings, monkeypatch, db_path, [])
    qtbot.addWidget(desk.window)
    assert "upgraded for this version" in desk.window.statusBar().currentMessage()
    desk.shutdown()
    again = _start(settings, monkeypatch, db_path, [])
    qtbot.addWidget(again.window)
    assert "upgraded" not in again.window.statusBar().currentMessage()
    again.shutdown()
