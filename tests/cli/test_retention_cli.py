"""`retention` as a user runs it: the dry run lists kinds and counts and writes nothing; --apply removes."""

from __future__ import annotations

from champion_desk.store import records
from champion_desk.store.database import open_database
from tests.cli.test_core_cli import run

LEAVER = "Olumide Bankole"


def test_dry_run_then_apply(db_path):
    with open_database(db_path) as db:
        unit = records.insert(db, "unit", {"name": "Ward 7"}, "t")
        leaver = records.insert(
            db, "staff", {"display_name": LEAVER, "unit_id": unit, "staff_ref": "E102", "active": 0}, "t"
        )
        with db.transaction():
            db.conn.execute("UPDATE staff SET updated_at = '2024-01-05T09:00:00.000000Z' WHERE id = ?", (leaver,))
            db.conn.execute("UPDATE audit SET at = '2024-01-05T09:00:00.000000Z' WHERE record_id = ?", (leaver,))
    before = db_path.read_bytes()
    dry = run("--db", str(db_path), "retention", "--dry-run", check=True)
    assert "Would remove: 1 colleague(s) who left before" in dry.stdout and "Dry run" in dry.stdout
    assert LEAVER not in dry.stdout + dry.stderr and "E102" not in dry.stdout
    assert db_path.read_bytes() == before
    applied = run("--db", str(db_path), "retention", "--apply", check=True)
    assert "Removed: 1 colleague(s) who left before" in applied.stdout
    assert LEAVER.encode() not in db_path.read_bytes()
    assert run("--db", str(db_path), "check").returncode == 0
    both = run("--db", str(db_path), "retention", "--dry-run", "--apply")
    assert both.returncode != 0
