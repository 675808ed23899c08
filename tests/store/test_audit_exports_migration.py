"""Schema 14: a version 13 file's audit log is rebuilt to accept subject-access exports, every row kept."""

from __future__ import annotations

import sqlite3

import pytest

from champion_desk.store import records, schema
from champion_desk.store.database import open_database
from tests.store.schema_versions import forget_migrations_after

V13_AUDIT = (
    schema.TABLE_DDL["audit"]
    .replace(", 'export', 'restore', 'security'))", "))")
    .replace(",\n    os_account TEXT,\n    pc_name TEXT)", ")")
)


def _as_version_13(db) -> None:
    db.conn.execute("ALTER TABLE audit RENAME TO audit_new")
    db.conn.execute(V13_AUDIT)
    kept = 'id, at, actor, "table", record_id, action, changes'
    db.conn.execute(f"INSERT INTO audit ({kept}) SELECT {kept} FROM audit_new")
    db.conn.execute("DROP TABLE audit_new")
    db.conn.execute("CREATE INDEX audit_record ON audit(record_id)")
    forget_migrations_after(db.conn, 13)


def test_a_version_13_audit_log_is_rebuilt_with_its_rows(db_path, tmp_path):
    assert V13_AUDIT != schema.TABLE_DDL["audit"]
    db = open_database(db_path)
    records.insert(db, "unit", {"name": "Ward 1"}, "Zoë Adams")
    _as_version_13(db)
    with pytest.raises(sqlite3.IntegrityError):  # what version 13 refused
        db.conn.execute(
            'INSERT INTO audit (id, at, actor, "table", record_id, action) VALUES (?, ?, ?, ?, ?, ?)',
            ("x", records.utc_now(), "t", "staff", records.SUBJECT_ACCESS, records.EXPORT_ACTION),
        )
    before = [{**r, "os_account": None, "pc_name": None} for r in db.query("SELECT * FROM audit ORDER BY id")]
    db.close()
    db = open_database(db_path, backup_dir=tmp_path / "bk")
    try:
        assert db.schema_version() == schema.SCHEMA_VERSION
        assert db.query("SELECT * FROM audit ORDER BY id") == before
        assert db.scalar("SELECT sql FROM sqlite_schema WHERE name = 'audit'") == schema.TABLE_DDL["audit"]
        assert db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'audit_record'") == 1
        with db.transaction():
            records.write_audit(db, "t", "staff", records.SUBJECT_ACCESS, records.EXPORT_ACTION, {})
        assert db.scalar("SELECT os_account FROM audit WHERE record_id = ?", (records.SUBJECT_ACCESS,))
        assert db.scalar("PRAGMA integrity_check") == "ok"
    finally:
        db.close()
