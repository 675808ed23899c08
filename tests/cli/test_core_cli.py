"""The core subcommands, run as a user would: in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from champion_desk.store import records
from champion_desk.store.database import open_database
from champion_desk.store.schema import ADDED_IN, SCHEMA_VERSION


def run(*args, env=None, check=False):
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "champion_desk", *args], capture_output=True, text=True, env=full_env, timeout=120
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_init_creates_then_is_a_no_op(db_path):
    first = run("--db", str(db_path), "init", check=True)
    assert "Created database" in first.stdout
    second = run("--db", str(db_path), "init", check=True)
    assert "already exists" in second.stdout


def test_db_from_environment_and_default_data_folder(tmp_path):
    env_db = tmp_path / "env.db"
    run("init", env={"CHAMPION_DESK_DB": str(env_db)}, check=True)
    assert env_db.exists()
    result = run("init", check=True)  # conftest points XDG_DATA_HOME at a temporary home
    assert "ChampionDesk" in result.stdout and "champion-desk.db" in result.stdout


def test_check_passes_on_a_good_file_and_fails_on_a_broken_one(db_path):
    run("--db", str(db_path), "init", check=True)
    ok = run("--db", str(db_path), "check", "--json")
    assert ok.returncode == 0
    report = json.loads(ok.stdout)
    assert report["ok"] and report["integrity"] == "ok" and report["schema_version"] == SCHEMA_VERSION
    assert report["counts"]["unit"] == 0
    # Break a link behind the app's back: a staff row pointing at a unit that does not exist.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO staff (id, created_at, updated_at, display_name, unit_id) VALUES ('s', 'x', 'x', 'A', 'nope')"
    )
    conn.commit()
    conn.close()
    bad = run("--db", str(db_path), "check")
    assert bad.returncode == 1
    assert "1 records point at missing records" in bad.stdout


def test_check_finds_summaries_out_of_step_and_repair_recounts_them(db_path):
    import datetime as dt

    from champion_desk.domain.demo import generate_demo

    with open_database(db_path) as db:
        generate_demo(db, "ward", end=dt.date(2026, 6, 30))
    good = json.loads(run("--db", str(db_path), "check", "--json", check=True).stdout)
    assert good["stale_summaries"] == []
    # Changed behind the app's back (the triggers are not there to see it): one day's training count.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE summary_training_day SET attendances = attendances + 1 "
        "WHERE (held_on, unit_id, tool_id) = (SELECT held_on, unit_id, tool_id FROM summary_training_day LIMIT 1)"
    )
    conn.commit()
    conn.close()
    bad = run("--db", str(db_path), "check")
    assert bad.returncode == 1
    assert "summaries: out of step (summary_training_day" in bad.stdout
    assert "check --repair" in bad.stdout
    fixed = run("--db", str(db_path), "check", "--repair")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Recounted summary_training_day" in fixed.stderr and "before-repair" in fixed.stderr
    assert "All checks passed." in fixed.stdout


def test_repair_leaves_a_file_with_other_problems_alone(db_path):
    run("--db", str(db_path), "init", check=True)
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO staff (id, created_at, updated_at, display_name, unit_id) VALUES ('s', 'x', 'x', 'A', 'nope')"
    )
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    result = run("--db", str(db_path), "check", "--repair")
    assert result.returncode == 1 and "Recounted" not in result.stderr
    assert db_path.read_bytes() == before


def test_expected_failures_are_one_line_without_traceback(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a database" * 20)
    for args in (["check"], ["stats", "--json"], ["backup"]):
        result = run("--db", str(other), *args)
        assert result.returncode == 1, args
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1 and "not a Champion Desk database" in result.stderr
    missing = run("--db", str(tmp_path / "missing.db"), "stats", "--json")
    assert missing.returncode == 1 and "No database at" in missing.stderr
    bad_date = run("--db", str(tmp_path / "missing.db"), "stats", "--from", "2026-02-30")
    assert bad_date.returncode == 1 and "from:" in bad_date.stderr


def test_backup_to_a_path_is_a_readable_copy(db_path, tmp_path):
    db = open_database(db_path)
    records.insert(db, "unit", {"name": "Ward 9"}, "t")
    db.close()
    target = tmp_path / "copy.db"
    result = run("--db", str(db_path), "backup", "--to", str(target), check=True)
    assert str(target) in result.stdout
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT name FROM unit").fetchall() == [("Ward 9",)]
    conn.close()
    default = run("--db", str(db_path), "backup", check=True)
    assert "backups" in default.stdout


def test_headless_commands_never_import_qt(db_path):
    run("--db", str(db_path), "init", check=True)
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['champion-desk', '--db', {str(db_path)!r}, 'check']\n"
        "try:\n    runpy.run_module('champion_desk', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "print('QT:', bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "QT: []" in result.stdout, result.stdout + result.stderr


def test_a_command_that_upgrades_an_older_file_says_so_on_stderr(db_path, tmp_path):
    # A dry run must not read as if nothing happened to the file: opening it upgraded it (after a backup).
    run("--db", str(db_path), "init", check=True)
    conn = sqlite3.connect(db_path)
    for table in ADDED_IN.get(SCHEMA_VERSION, ()):  # so the latest migration can add it again
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name LIKE ?", (f"{SCHEMA_VERSION:04d}_%",))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    other = tmp_path / "other.db"
    run("--db", str(other), "init", check=True)
    result = run("--db", str(db_path), "merge", str(other), "--dry-run", check=True)
    assert "Dry run" in result.stdout
    assert f"was upgraded from schema {SCHEMA_VERSION - 1} to {SCHEMA_VERSION} when opened" in result.stderr
    assert "before-upgrade" in result.stderr
    again = run("--db", str(db_path), "stats", "--json", check=True)
    assert again.stderr == "" and json.loads(again.stdout)
