"""Opening, refusing and migrating database files."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from champion_desk.errors import CorruptDatabaseError, NewerVersionError, NotADeskDatabaseError
from champion_desk.store.backups import list_backups
from champion_desk.store.database import open_database
from champion_desk.store.schema import APPLICATION_ID, MIGRATIONS, RECORD_TABLES, SCHEMA_VERSION, TABLE_DDL
from tests.store.schema_versions import forget_migrations_after


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_has_every_pragma(db):
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA synchronous") == 2  # FULL
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA trusted_schema") == 0
    assert db.scalar("PRAGMA secure_delete") == 1
    assert db.scalar("PRAGMA busy_timeout") == 5000
    assert db.scalar("PRAGMA application_id") == APPLICATION_ID
    assert db.schema_version() == SCHEMA_VERSION


def test_every_documented_table_and_column_exists(db):
    expected = {
        "unit": {"name", "site", "specialty"},
        "staff": {
            "display_name",
            "role",
            "unit_id",
            "staff_ref",
            "is_champion",
            "active",
            "signing_pin_hash",
            "signing_pin_failures",
            "signing_pin_wait_until",
            "email",
            "login",
        },
        "tool": {"name", "vendor", "purpose", "stage", "go_live_on", "refresher_months"},
        "rollout": {"tool_id", "unit_id", "stage", "since"},
        "training_session": {
            "tool_id",
            "unit_id",
            "trainer_id",
            "held_on",
            "minutes",
            "format",
            "topic",
            "notes",
            "verified_by",
            "verified_on",
            "verified_signature",
            "starts_at",
            "place",
        },
        "invitation": {"session_id", "staff_id", "status", "walk_in", "confirmed"},
        "attendance": {
            "session_id",
            "staff_id",
            "confidence_before",
            "confidence_after",
            "signed_off",
            "signed_off_by",
            "signed_off_on",
            "signed_off_signature",
        },
        "incident": {
            "tool_id",
            "unit_id",
            "reported_by",
            "raised_by",
            "occurred_on",
            "theme",
            "barrier",
            "severity",
            "description",
            "root_cause",
            "status",
            "response",
            "owner",
            "resolved_on",
        },
        "pairing": {"mentor_id", "mentee_id", "tool_id", "started_on", "goal", "progress", "status", "ended_on"},
        "checkin": {"pairing_id", "held_on", "minutes", "confidence", "note"},
        "pulse": {
            "unit_id",
            "tool_id",
            "taken_on",
            "respondents",
            "awareness",
            "desire",
            "knowledge",
            "ability",
            "reinforcement",
        },
        "story": {"tool_id", "unit_id", "told_on", "title", "summary", "measure", "value", "source"},
        "usage": {"staff_id", "tool_id", "day", "count", "source"},
        "idea": {
            "tool_id",
            "unit_id",
            "suggested_by",
            "raised_on",
            "title",
            "description",
            "status",
            "status_reason",
            "status_on",
            "led_to_rollout_id",
            "led_to_story_id",
        },
        "idea_support": {"idea_id", "backed_on", "backers", "backed_by"},
        "setting": {"key", "value"},
        "suggestion_response": {"suggestion_key", "decision", "until", "reason", "decided_by"},
        "sync_peer": {
            "logbook_id",
            "seen_by",
            "trust_id",
            "ward_name",
            "pc_name",
            "last_written_at",
            "last_merged_at",
            "rows_received",
        },
        "audit": {"at", "actor", "table", "record_id", "action", "changes", "os_account", "pc_name"},
    }
    assert set(TABLE_DDL) == set(expected)
    for table, cols in expected.items():
        actual = {r["name"] for r in db.query(f"PRAGMA table_info({table})")}
        system = {"id"} if table == "audit" else {"id", "created_at", "updated_at", "deleted_at"}
        assert actual == cols | system, table
    for table in RECORD_TABLES:
        pk = [r["name"] for r in db.query(f"PRAGMA table_info({table})") if r["pk"]]
        assert pk == ["id"]


def test_foreign_keys_are_declared(db):
    fks = {(r["from"], r["table"]) for r in db.query("PRAGMA foreign_key_list(attendance)")}
    assert fks == {("session_id", "training_session"), ("staff_id", "staff"), ("signed_off_by", "staff")}


# The migrations' names as released: every file opened since holds them in _sqlite_migrations,
# and a renamed or dropped one would run again (or never) on those files. A new migration is
# added after these, with no change here.
RELEASED_MIGRATIONS = (
    "0001_initial_schema",
    "0002_next_steps",
    "0003_metric_indexes",
    "0004_series_indexes",
    "0005_summaries",
    "0006_summary_totals",
    "0007_resolution_totals",
    "0008_resolution_dates",
    "0009_sparse_link_indexes",
    "0010_real_calendar_dates",
    "0011_signatures",
    "0012_usage",
    "0013_ideas",
    "0014_audit_exports",
    "0015_sync_peer",
    "0016_planned_sessions",
    "0017_audit_attribution",
)


def test_no_released_migration_is_renamed_or_dropped_and_each_is_numbered_by_its_version():
    names = [name for name, _ in MIGRATIONS]
    assert names[: len(RELEASED_MIGRATIONS)] == list(RELEASED_MIGRATIONS)
    assert [int(name[:4]) for name in names] == list(range(1, SCHEMA_VERSION + 1))


def test_reopening_does_not_migrate_again(db_path):
    open_database(db_path).close()
    db = open_database(db_path)
    applied = db.query("SELECT name FROM _sqlite_migrations")
    assert [r["name"] for r in applied] == [name for name, _ in MIGRATIONS]
    db.close()


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = _digest(other)
    with pytest.raises(NotADeskDatabaseError, match="another application"):
        open_database(other)
    assert _digest(other) == before


def test_text_file_and_empty_file_are_refused(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("hello, this is not a database at all" * 10)
    before = _digest(text)
    with pytest.raises(NotADeskDatabaseError, match="not an SQLite file"):
        open_database(text)
    assert _digest(text) == before
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(NotADeskDatabaseError, match="empty"):
        open_database(empty, create=False)
    assert empty.stat().st_size == 0


def test_newer_schema_is_refused_and_untouched(db_path):
    db = open_database(db_path)
    db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = _digest(db_path)
    with pytest.raises(NewerVersionError, match="newer Champion Desk"):
        open_database(db_path)
    assert _digest(db_path) == before


def test_corrupt_pages_are_reported_as_corrupt(db_path):
    from champion_desk.store import records

    db = open_database(db_path)
    for i in range(300):
        records.insert(db, "unit", {"name": f"Ward {i}", "site": "x" * 200}, "test")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(4096 * 2, len(data), 997):
        data[offset] ^= 0xFF
    db_path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError):
        db = open_database(db_path)
        db.query("SELECT * FROM unit")
        db.scalar("PRAGMA quick_check")
        db.query("SELECT name FROM unit ORDER BY name")


def test_upgrade_of_an_older_file_takes_a_verified_backup_first(db_path, tmp_path, monkeypatch):
    from champion_desk.store import database, records, schema

    db = open_database(db_path)
    records.insert(db, "unit", {"name": "Ward 1"}, "test")
    db.close()

    original = schema.migrations

    def with_v2():
        steps = original()

        @steps(name="0099_test_column")
        def add_column(utils_db):
            utils_db.execute("ALTER TABLE unit ADD COLUMN floor TEXT")
            utils_db.execute(f"PRAGMA user_version = {current + 1}")

        return steps

    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "migrations", with_v2)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(database, "SCHEMA_VERSION", current + 1)
    backups = tmp_path / "bk"
    db = open_database(db_path, backup_dir=backups)
    assert db.schema_version() == current + 1
    assert "floor" in {r["name"] for r in db.query("PRAGMA table_info(unit)")}
    db.close()
    copies = list_backups(backups)
    assert [c.reason for c in copies] == ["before-upgrade"]
    conn = sqlite3.connect(copies[0].path)
    assert conn.execute("PRAGMA user_version").fetchone() == (current,)
    assert conn.execute("SELECT name FROM unit").fetchall() == [("Ward 1",)]
    conn.close()


def test_a_version_1_file_is_upgraded_with_its_data(db_path, tmp_path):
    from champion_desk.store import records, schema, summaries

    db = open_database(db_path)
    records.insert(db, "unit", {"name": "Ward 1"}, "test")
    # Make it a version 1 file again: drop what later versions added and forget those migrations.
    summaries.drop_triggers(db.conn)
    for table in summaries.TABLES:
        db.conn.execute(f"DROP TABLE {table}")
    for table in (t for tables in schema.ADDED_IN.values() for t in tables):
        db.conn.execute(f"DROP TABLE {table}")
    forget_migrations_after(db.conn, 1)
    _declare_dates_by_shape_only(db.conn)
    for version in (9, 4, 3):  # undo versions 9, 4 and 3: drop their indexes, restore the earlier ones
        for ddl in schema.ADDED_INDEXES[version]:
            if ddl.startswith("CREATE"):
                name = ddl.split()[2]
                db.conn.execute(f"DROP INDEX {name}")
                earlier = [
                    d
                    for d in schema.INDEX_DDL + [e for v in range(2, version) for e in schema.ADDED_INDEXES.get(v, ())]
                    if d.startswith("CREATE") and d.split()[2] == name
                ]
                db.conn.executescript("".join(d + ";" for d in earlier[-1:]))
    db.close()
    db = open_database(db_path, backup_dir=tmp_path / "bk")
    assert db.schema_version() == schema.SCHEMA_VERSION
    assert db.query("SELECT name FROM unit") == [{"name": "Ward 1"}]
    assert db.query("SELECT * FROM suggestion_response") == []
    db.close()
    assert [c.reason for c in list_backups(tmp_path / "bk")] == ["before-upgrade"]
    _assert_defined_as_a_new_file(db_path)


def _declare_dates_by_shape_only(conn) -> None:
    """Make the stored table definitions say what schemas 1-9 said of dates (their shape only)."""
    from champion_desk.store import schema

    conn.execute("PRAGMA writable_schema = ON")
    for table, cols in schema.date_columns().items():
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        if sql is None:
            continue
        text = sql[0]
        for col in cols:
            text = text.replace(schema._DATE.format(col), schema._DATE_SHAPE_ONLY.format(col))
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (text, table))
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute(f"PRAGMA schema_version = {version + 1}")
    conn.execute("PRAGMA writable_schema = OFF")


def _assert_defined_as_a_new_file(path) -> None:
    # Restore and merge compare another file's definitions with a new file's word for word: an
    # upgraded file must match them, or every upgraded ward would be refused.
    from champion_desk.store.connection import open_foreign
    from champion_desk.store.database import memory_database

    def definitions(conn):
        return {
            (t, n, " ".join((s or "").split()))
            for t, n, s in conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations'"
            )
        }

    fresh = memory_database()
    conn = open_foreign(path)
    try:
        assert definitions(conn) == definitions(fresh.conn)
    finally:
        conn.close()
        fresh.close()


def test_impossible_dates_are_corrected_by_the_upgrade_and_kept_in_the_audit(db_path, tmp_path):
    from champion_desk.store import records, schema
    from champion_desk.store.database import upgrade_notice

    db = open_database(db_path)
    ward = records.insert(db, "unit", {"name": "Ward 1"}, "test")
    tool = records.insert(db, "tool", {"name": "Scribe"}, "test")
    db.conn.execute("PRAGMA ignore_check_constraints = ON")  # as a version 9 file could hold them
    ids = {}
    for day in ("2026-02-30", "2026-13-01", "2026-04-00", "2026-03-15"):
        ids[day] = records.insert(
            db, "incident", {"unit_id": ward, "tool_id": tool, "occurred_on": day, "theme": "workload and time"}, "test"
        )
    db.conn.execute("PRAGMA ignore_check_constraints = OFF")
    _declare_dates_by_shape_only(db.conn)
    forget_migrations_after(db.conn, 9)
    db.close()
    db = open_database(db_path, backup_dir=tmp_path / "bk")
    got = {day: db.scalar("SELECT occurred_on FROM incident WHERE id = ?", (rid,)) for day, rid in ids.items()}
    assert got == {
        "2026-02-30": "2026-02-28",
        "2026-13-01": "2026-12-01",
        "2026-04-00": "2026-04-01",
        "2026-03-15": "2026-03-15",
    }
    kept = {
        r["record_id"]: r["changes"]
        for r in db.query("SELECT record_id, changes FROM audit WHERE action = ?", (schema.DATE_REPAIR_ACTION,))
    }
    assert kept == {
        ids["2026-02-30"]: '{"occurred_on": ["2026-02-30", "2026-02-28"]}',
        ids["2026-13-01"]: '{"occurred_on": ["2026-13-01", "2026-12-01"]}',
        ids["2026-04-00"]: '{"occurred_on": ["2026-04-00", "2026-04-01"]}',
    }
    assert "3 impossible dates" in upgrade_notice(db)
    with pytest.raises(Exception, match="occurred on: '2026-02-30' is not a real calendar date"):
        records.update(db, "incident", ids["2026-03-15"], {"occurred_on": "2026-02-30"}, "test")
    assert db.scalar("PRAGMA integrity_check") == "ok"
    db.close()
    _assert_defined_as_a_new_file(db_path)


def test_a_new_file_is_not_backed_up_before_its_first_migration(db_path):
    open_database(db_path).close()
    assert list_backups(db_path.parent / "backups") == []


def test_a_second_connection_recognises_a_new_file_at_once(db_path):
    first = open_database(db_path)  # kept open: its changes may still sit in the WAL
    from champion_desk.store import records

    records.insert(first, "unit", {"name": "Ward 1"}, "test")
    second = open_database(db_path, readonly=True)
    assert second.query("SELECT name FROM unit") == [{"name": "Ward 1"}]
    second.close()
    first.close()


def test_a_header_rewritten_only_in_the_wal_is_read_through_sqlite(db_path):
    db = open_database(db_path)
    db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")  # lands in the WAL only
    with pytest.raises(NewerVersionError):
        open_database(db_path, readonly=True)
    db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.close()


def test_check_finds_stored_text_that_is_not_utf8_without_quoting_it(db_path):
    from champion_desk.store import records
    from champion_desk.store.health import check_database

    db = open_database(db_path)
    records.insert(db, "unit", {"name": "Ward 1", "site": "North"}, "test")
    # A damaged byte inside a word: the page stays well formed, the text does not decode.
    db.conn.execute("UPDATE unit SET site = CAST(X'4E6FFF7274' AS TEXT)")
    db.close()
    report = check_database(db_path)
    assert report.integrity == "ok" and not report.ok
    assert report.problems == ["stored text that is not valid UTF-8 in unit.site"]


def test_a_migration_step_that_fails_is_reported_and_leaves_the_file_at_its_version(db_path, monkeypatch):
    """A file that cannot be upgraded is refused with a message, not a bare SQLite error at start-up."""
    import sqlite3

    from champion_desk.errors import StoreError
    from champion_desk.store import schema

    last, before = schema.SCHEMA_VERSION, schema.SCHEMA_VERSION - 1
    db = open_database(db_path)
    forget_migrations_after(db.conn, before)
    db.close()

    def failing_step(_db):
        raise sqlite3.OperationalError("no such table: summary_checkin_day")

    name, _ = schema.MIGRATIONS[-1]
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS[:-1], (name, failing_step)))
    with pytest.raises(
        StoreError,
        match=rf"could not be upgraded from schema {before} to {last} .*no such table.*stays at schema {before}",
    ):
        open_database(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    conn.close()


def test_a_damaged_schema_is_reported_in_one_short_line():
    """SQLite quotes a damaged trigger's whole text; the user gets one line that says what is wrong."""
    import sqlite3

    from champion_desk.errors import CorruptDatabaseError
    from champion_desk.store.connection import translate_errors

    quoted = "SELECT d, t, u FROM (\n" + "SELECT c.held_on AS d FROM checkin c UNION " * 40 + ")"
    with pytest.raises(CorruptDatabaseError) as raised, translate_errors():
        raise sqlite3.DatabaseError(f"malformed database schema (summary_staff_delete) - unrecognized token: {quoted}")
    message = str(raised.value)
    assert message.startswith("The database file is damaged (malformed database schema (summary_staff_delete)")
    assert "\n" not in message and len(message) < 400


def test_a_version_11_file_gains_usage_and_staff_email_and_login_keeping_its_colleagues(db_path, tmp_path):
    from champion_desk.store import records, schema

    db = open_database(db_path)
    unit = records.insert(db, "unit", {"name": "Ward 1"}, "test")
    records.insert(db, "staff", {"display_name": "Ada", "unit_id": unit, "staff_ref": "E1"}, "test")
    # Make it a version 11 file again: what version 12 added goes, and the migration is forgotten.
    for ddl in schema.ADDED_INDEXES[12]:
        db.conn.execute(f"DROP INDEX {ddl.split()[2]}")
    db.conn.execute("DROP TABLE usage")
    for table, column, _ in schema.ADDED_COLUMNS[12]:
        db.conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    forget_migrations_after(db.conn, 11)
    db.close()
    db = open_database(db_path, backup_dir=tmp_path / "bk")
    assert db.schema_version() == schema.SCHEMA_VERSION
    assert db.query("SELECT display_name, staff_ref, email, login FROM staff") == [
        {"display_name": "Ada", "staff_ref": "E1", "email": None, "login": None}
    ]
    assert [r[1] for r in db.conn.execute("PRAGMA table_info(staff)")][-2:] == ["email", "login"]
    assert db.query("SELECT * FROM usage") == []
    indexes = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"usage_tool_day", "usage_staff", "staff_email", "staff_login"} <= indexes
    db.close()
    _assert_defined_as_a_new_file(db_path)
