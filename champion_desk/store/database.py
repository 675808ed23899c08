"""Open a Champion Desk database: refuse foreign or damaged files, set pragmas, migrate safely."""

from __future__ import annotations

import os
import sqlite3
import struct
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from champion_desk.errors import (
    CorruptDatabaseError,
    DiskFullError,
    NewerVersionError,
    NotADeskDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
    one_line,
)
from champion_desk.store.schema import APPLICATION_ID, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class Database:
    """An open Champion Desk database: one SQLite connection plus read and transaction helpers."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, readonly: bool) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self._utils = None
        # Set when opening upgraded the file's schema: the version it had, and the backup taken first.
        self.upgraded_from: int | None = None
        self.upgrade_backup: Path | None = None

    @property
    def utils(self):
        """Return a ``sqlite_utils.Database`` on the same connection (imported on first use)."""
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    def query(self, sql: str, params: Sequence[Any] | dict = ()) -> list[dict[str, Any]]:
        """Run a read query and return its rows as dicts."""
        with translate_errors():
            cur = self.conn.execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] | dict = ()) -> dict[str, Any] | None:
        """Return the first row of a read query as a dict, or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        """Return the first column of the first row of a read query, or None."""
        with translate_errors():
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Run the block in one transaction (a savepoint when nested); roll back on any exception."""
        if self.readonly:
            raise ReadOnlyDatabaseError("This database is open read-only; changes cannot be saved.")
        with translate_errors():
            if self.conn.in_transaction:
                name = f"sp_{os.urandom(6).hex()}"
                self.conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                        self.conn.execute(f"RELEASE SAVEPOINT {name}")
                    raise
                else:
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
            else:
                # IMMEDIATE takes the write lock up front, so a busy database fails before any work.
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
                else:
                    self.conn.execute("COMMIT")

    def schema_version(self) -> int:
        """Return ``PRAGMA user_version``."""
        return int(self.scalar("PRAGMA user_version"))

    def close(self) -> None:
        """Close the connection (checkpointing the WAL when this was the last one)."""
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def page_cache(conn: sqlite3.Connection, kib: int) -> AbstractContextManager[None]:
    """Give ``conn`` a page cache of ``kib`` KiB for the block, then put its own size back.

    For one big read or write (a merge, a recount, demo data): SQLite's default 2 MB thrashes on
    indexes with random keys. Only this connection's setting changes.
    """
    return _pragma_for_block(conn, "cache_size", -int(kib))  # negative: KiB rather than pages


def sort_helper_threads(conn: sqlite3.Connection, threads: int) -> AbstractContextManager[None]:
    """Let SQLite sort with up to ``threads`` helper threads on ``conn`` for the block (CREATE INDEX, big GROUP BYs)."""
    return _pragma_for_block(conn, "threads", int(threads))


@contextmanager
def _pragma_for_block(conn: sqlite3.Connection, pragma: str, value: int) -> Iterator[None]:
    """Set an integer pragma of ``conn`` for the block, then put the connection's own value back."""
    previous = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
    conn.execute(f"PRAGMA {pragma} = {value}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA {pragma} = {int(previous)}")


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn SQLite's low-level errors into the specific errors the user is shown."""
    try:
        yield
    except UnicodeDecodeError as exc:
        # SQLite quotes a damaged schema or row in its message, which Python cannot decode.
        raise CorruptDatabaseError("The database file is damaged (text that is not valid UTF-8).") from exc
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.IntegrityError):
            raise
        text = str(exc).lower()
        if "could not decode to utf-8" in text:
            # Never repeat the stored text: it may be a concern's wording.
            raise CorruptDatabaseError("The database file is damaged (stored text that is not valid UTF-8).") from exc
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            raise CorruptDatabaseError(f"The database file is damaged ({one_line(exc)}).") from exc
        if "full" in text:
            raise DiskFullError(
                "The disk is full: the last change was not saved. Free some space and try again."
            ) from exc
        if "readonly" in text or "read-only" in text:
            raise ReadOnlyDatabaseError(
                "The database cannot be written (read-only file or folder); nothing was saved."
            ) from exc
        raise


def read_header(path: Path) -> tuple[int, int]:
    """Return (user_version, application_id) read straight from the file header, touching nothing.

    Raises NotADeskDatabaseError when the file is empty, too short or not SQLite.
    """
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except IsADirectoryError as exc:
        raise NotADeskDatabaseError(f"{path} is a folder, not a database file.") from exc
    if not header:
        raise NotADeskDatabaseError(f"{path} is empty: it is not a Champion Desk database.")
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotADeskDatabaseError(f"{path} is not a Champion Desk database (not an SQLite file).")
    user_version, application_id = struct.unpack(">iI", header[60:64] + header[68:72])
    return user_version, application_id


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
        raise NotADeskDatabaseError(
            f"{path} is an SQLite file of another application, not a Champion Desk database."
        )
    if user_version > SCHEMA_VERSION:
        raise NewerVersionError(
            f"{path} was written by a newer Champion Desk (schema {user_version}; this version "
            f"knows up to {SCHEMA_VERSION}). Update Champion Desk to open it."
        )
    return user_version


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open a raw connection with the pragmas every Champion Desk connection must have."""
    path = Path(path)
    uri = f"file:{path.as_posix()}?mode={'ro' if readonly else 'rwc'}"
    if readonly and not Path(f"{path}-wal").exists() and not os.access(path.parent, os.W_OK):
        # In a read-only folder SQLite cannot make the -shm a WAL file needs even to read it; with
        # no -wal there is nothing outside the file, so it can be read as an immutable file.
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        with translate_errors():
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA secure_delete = ON")
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def untrusted_connection(path: Path | str) -> Iterator[sqlite3.Connection]:
    """Yield a read-only connection to a file that must be left exactly as it was found.

    A read-only connection to a WAL-mode file creates ``-wal``/``-shm`` files it cannot remove;
    the ones it created are deleted on close when the ``-wal`` is empty, so checking a file from
    a USB stick leaves nothing behind. Errors come out as the store's specific errors.
    """
    path = Path(path)
    companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    existed = {p: p.exists() for p in companions}
    conn = None
    try:
        with translate_errors():
            conn = connect(path, readonly=True)
            yield conn
    finally:
        if conn is not None:
            conn.close()
        wal = companions[0]
        if not existed[wal] and (not wal.exists() or wal.stat().st_size == 0):
            for p in companions:
                if not existed[p]:
                    p.unlink(missing_ok=True)


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
                from champion_desk.store.backups import backup_database, default_backup_dir

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
    return f"{db.path.name} was upgraded from schema {db.upgraded_from} to {SCHEMA_VERSION} when opened{backup}."


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
    from champion_desk.store import schema

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
        raise StoreError(
            f"Migration left schema version {db.schema_version()}, expected {schema.SCHEMA_VERSION}."
        )


def memory_database() -> Database:
    """Return a new in-memory database with the full schema (for tests and dry runs)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn, None, readonly=False)
    migrate_schema(db)
    return db
