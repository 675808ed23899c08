"""Opening and upgrading a Champion Desk database: refuse foreign or newer files, migrate after a backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from champion_desk.errors import NewerVersionError, NotADeskDatabaseError, StoreError, one_line
from champion_desk.store import schema
from champion_desk.store.backups import backup_database, default_backup_dir
from champion_desk.store.connection import Database, connect, read_header, translate_errors, untrusted_connection
from champion_desk.store.schema import APPLICATION_ID, SCHEMA_VERSION


def check_header(path: Path) -> int:
    """Check the file is a Champion Desk database this version can read; return its schema version.

    Raises NotADeskDatabaseError or NewerVersionError; the file is never modified.
    """
    user_version, application_id = read_header(path)
    wal = Path(f"{path}-wal")
    if (application_id != APPLICATION_ID or user_version > SCHEMA_VERSION) and wal.exists() and wal.stat().st_size > 0:
        # The header page may have been rewritten in the WAL and not yet copied back: ask SQLite.
        with untrusted_connection(path) as conn:
            user_version = conn.execute("PRAGMA user_version").fetchone()[0]
            application_id = conn.execute("PRAGMA application_id").fetchone()[0] & 0xFFFFFFFF
    if application_id != APPLICATION_ID:
        raise NotADeskDatabaseError(f"{path} is an SQLite file of another application, not a Champion Desk database.")
    if user_version > SCHEMA_VERSION:
        raise NewerVersionError(
            f"{path} was written by a newer Champion Desk (schema {user_version}; this version "
            f"knows up to {SCHEMA_VERSION}). Update Champion Desk to open it."
        )
    return user_version


def open_database(
    path: Path | str,
    *,
    create: bool = True,
    readonly: bool = False,
    migrate: bool = True,
    backup_dir: Path | None = None,
) -> Database:
    """Open (or create) a Champion Desk database and bring its schema up to date.

    Returns the open Database. Raises NotADeskDatabaseError, NewerVersionError,
    CorruptDatabaseError or FileNotFoundError; a refused file is left untouched. Before
    migrating a file that already holds a schema, a verified backup is written to
    ``backup_dir`` (default: a ``backups`` folder beside the database).
    """
    path = Path(path).expanduser()
    exists = path.exists()
    is_new = not exists or (create and path.is_file() and path.stat().st_size == 0)
    if not exists and not create:
        raise FileNotFoundError(f"No database at {path}.")
    version = 0 if is_new else check_header(path)
    if readonly and version < SCHEMA_VERSION:
        raise StoreError(f"{path} needs an upgrade before it can be opened read-only.")
    if is_new:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path, readonly=readonly)
    db = Database(conn, path, readonly)
    try:
        if not is_new:
            # SQLite sees a header rewritten in the WAL that the raw file read above cannot.
            version = _verify_identity(db, path)
        if not readonly and version < SCHEMA_VERSION:
            if not migrate:
                raise StoreError(f"{path} has schema {version}; an upgrade to {SCHEMA_VERSION} is needed.")
            if not is_new and db.scalar("SELECT count(*) FROM sqlite_master") > 0:
                db.upgrade_backup = backup_database(db, backup_dir or default_backup_dir(path), reason="before-upgrade")
                db.upgraded_from = version
            migrate_schema(db)
            # Copy the new header (application id, schema version) from the WAL into the file, so
            # the file names itself even to readers that only look at its first page.
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        db.close()
        raise
    return db


def upgrade_notice(db: Database) -> str | None:
    """Return one line telling that opening upgraded the file (and where its backup is), or None."""
    if db.upgraded_from is None or db.path is None:
        return None
    backup = f"; the file as it was is in {db.upgrade_backup}" if db.upgrade_backup else ""
    repaired = (
        db.scalar(
            "SELECT count(*) FROM audit WHERE actor = ? AND action = ?",
            (schema.DATE_REPAIR_ACTOR, schema.DATE_REPAIR_ACTION),
        )
        if db.upgraded_from < 10
        else 0
    )
    dates = (
        (
            f"; {repaired} impossible date{'s' if repaired != 1 else ''} (such as 30 February) became the nearest real day, "
            "the audit log keeps what each was"
        )
        if repaired
        else ""
    )
    return f"{db.path.name} was upgraded from schema {db.upgraded_from} to {SCHEMA_VERSION} when opened{backup}{dates}."


def _verify_identity(db: Database, path: Path) -> int:
    """Check the application id and schema version as SQLite reads them; return the version."""
    application_id = int(db.scalar("PRAGMA application_id")) & 0xFFFFFFFF
    version = db.schema_version()
    if application_id != APPLICATION_ID:
        raise NotADeskDatabaseError(f"{path} is an SQLite file of another application, not a Champion Desk database.")
    if version > SCHEMA_VERSION:
        raise NewerVersionError(
            f"{path} was written by a newer Champion Desk (schema {version}; this version knows up to "
            f"{SCHEMA_VERSION}). Update Champion Desk to open it."
        )
    return version


def migrate_schema(db: Database) -> None:
    """Apply pending migrations, each in its own transaction."""
    before = db.schema_version()
    try:
        with translate_errors():
            schema.migrations().apply(db.utils)
    except sqlite3.DatabaseError as exc:
        # Each step is its own transaction: the failed one left nothing behind. Without this the
        # app stopped at start-up with a bare SQLite error and no word about the file's state.
        raise StoreError(
            f"The file could not be upgraded from schema {before} to {schema.SCHEMA_VERSION} "
            f"({exc.__class__.__name__}: {one_line(exc)}). It stays at schema "
            f"{db.schema_version()}, unchanged by the failed step; the backup taken before the upgrade is in its backups folder."
        ) from exc
    if db.schema_version() != schema.SCHEMA_VERSION:
        raise StoreError(f"Migration left schema version {db.schema_version()}, expected {schema.SCHEMA_VERSION}.")


def memory_database() -> Database:
    """Return a new in-memory database with the full schema (for tests and dry runs)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn, None, readonly=False)
    migrate_schema(db)
    return db
