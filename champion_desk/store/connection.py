"""The ground floor of the store: SQLite connections with Champion Desk's pragmas, and the rule that
keeps them safe inside one process.

SQLite's locks on a file are POSIX advisory locks, and closing *any* descriptor of a file drops
every lock the process holds on it (sqlite.org, "How To Corrupt An SQLite Database File", §2.2).
So once this process has a connection to a file, the file, its ``-wal`` and its ``-shm`` are read
through SQLite only: :func:`read_header` asks SQLite for a file this process has open, and every
connection this module makes is counted in a registry while it is open. Nothing above this module
opens a database file with Python's ``open()``.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import struct
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from champion_desk.errors import (
    CorruptDatabaseError,
    DiskFullError,
    NotADeskDatabaseError,
    ReadOnlyDatabaseError,
    one_line,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
BUSY_TIMEOUT_MS = 5000

_open_files: Counter[tuple[int, int]] = Counter()
_open_files_lock = threading.Lock()


def file_identity(path: Path | str) -> tuple[int, int] | None:
    """Return (device, inode) of a file, the same for every path that reaches it; None if it is missing."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def is_open_here(path: Path | str) -> bool:
    """Return True while this process holds an SQLite connection to the file (by any path to it)."""
    identity = file_identity(path)
    with _open_files_lock:
        return identity is not None and _open_files[identity] > 0


class TrackedConnection(sqlite3.Connection):
    """An sqlite3 connection that is counted in the process's registry of open files until closed."""

    _identity: tuple[int, int] | None = None

    def track(self, path: Path) -> None:
        """Count this connection as holding ``path`` open (called once, right after connecting)."""
        self._identity = file_identity(path)
        if self._identity is not None:
            with _open_files_lock:
                _open_files[self._identity] += 1

    def close(self) -> None:
        try:
            super().close()
        finally:
            identity, self._identity = self._identity, None
            if identity is not None:
                with _open_files_lock:
                    _open_files[identity] -= 1
                    if _open_files[identity] <= 0:
                        del _open_files[identity]


def sqlite_connect(uri: str, path: Path, **kwargs: Any) -> TrackedConnection:
    """Open an SQLite connection by URI and count it against ``path`` until it is closed."""
    conn = sqlite3.connect(uri, uri=True, factory=TrackedConnection, **kwargs)
    conn.track(path)
    return conn


def refuse_unless_regular_file(path: Path) -> None:
    """Raise NotADeskDatabaseError when ``path`` exists but is not a regular file (folder, FIFO, device, socket).

    Checked before anything opens it: opening a FIFO would wait for a writer for ever.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise NotADeskDatabaseError(f"{path} cannot be read ({exc.strerror or exc}).") from exc
    if stat.S_ISDIR(mode):
        raise NotADeskDatabaseError(f"{path} is a folder, not a database file.")
    if not stat.S_ISREG(mode):
        raise NotADeskDatabaseError(
            f"{path} is not a regular file (a pipe, device or socket), so it is not a database."
        )


def read_header(path: Path | str) -> tuple[int, int]:
    """Return (user_version, application_id) of a database file without changing it.

    A file this process already holds open is asked through SQLite (see the module's docstring);
    any other is read straight from its first 100 bytes. Raises NotADeskDatabaseError when the
    file is not a regular file, is empty, too short or not SQLite.
    """
    path = Path(path)
    refuse_unless_regular_file(path)
    if is_open_here(path):
        return _header_through_sqlite(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        header = os.read(fd, HEADER_BYTES)
    finally:
        os.close(fd)
    if not header:
        raise NotADeskDatabaseError(f"{path} is empty: it is not a Champion Desk database.")
    if len(header) < HEADER_BYTES or not header.startswith(SQLITE_MAGIC):
        raise NotADeskDatabaseError(f"{path} is not a Champion Desk database (not an SQLite file).")
    user_version, application_id = struct.unpack(">iI", header[60:64] + header[68:72])
    return user_version, application_id


def _header_through_sqlite(path: Path) -> tuple[int, int]:
    # SQLite keeps a closed connection's descriptor while other connections of the process hold
    # locks on the file, so this read drops none of them; open_foreign leaves no side files.
    conn = open_foreign(path)
    try:
        with translate_errors():
            user_version = conn.execute("PRAGMA user_version").fetchone()[0]
            application_id = conn.execute("PRAGMA application_id").fetchone()[0] & 0xFFFFFFFF
    finally:
        conn.close()
    return int(user_version), int(application_id)


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


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open a raw connection with the pragmas every Champion Desk connection must have."""
    path = Path(path)
    uri = f"file:{path.as_posix()}?mode={'ro' if readonly else 'rwc'}"
    if readonly and not Path(f"{path}-wal").exists() and not os.access(path.parent, os.W_OK):
        # In a read-only folder SQLite cannot make the -shm a WAL file needs even to read it; with
        # no -wal there is nothing outside the file, so it can be read as an immutable file.
        uri += "&immutable=1"
    with translate_errors():
        conn = sqlite_connect(uri, path, isolation_level=None, check_same_thread=False)
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
    the ones it created are deleted on close when the ``-wal`` is empty and no other connection of
    this process holds the file, so checking a file from a USB stick leaves nothing behind.
    Errors come out as the store's specific errors.
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
        remove_created_companions(path, existed)


def remove_created_companions(path: Path, existed: dict[Path, bool]) -> None:
    """Remove the ``-wal``/``-shm`` a read-only connection created beside ``path``, if they hold nothing.

    Never while this process still holds the file open: those are then another connection's.
    """
    wal = Path(f"{path}-wal")
    if is_open_here(path) or existed.get(wal) or (wal.exists() and wal.stat().st_size > 0):
        return
    for companion in (wal, Path(f"{path}-shm")):
        if not existed.get(companion):
            companion.unlink(missing_ok=True)


def open_foreign(path: Path, *, ignore_log: bool = False) -> sqlite3.Connection:
    """Open a database file from elsewhere read-only, leaving no -wal/-shm files beside it.

    Without a -wal beside it the file is opened ``immutable``: SQLite then takes no locks and
    creates no side files. With one, a plain read-only connection reads the committed WAL too,
    unless ``ignore_log``: then the file is read alone, as it is on disk.
    """
    path = Path(path)
    refuse_unless_regular_file(path)
    immutable = "" if Path(f"{path}-wal").exists() and not ignore_log else "&immutable=1"
    conn = sqlite_connect(f"file:{path.as_posix()}?mode=ro{immutable}", path, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
    except BaseException:
        conn.close()
        raise
    return conn


def logbook_identity(conn: sqlite3.Connection) -> str:
    """Return the identity of the logbook ``conn`` reads: the moment its schema was first created.

    Recorded to the microsecond by the first migration and never changed after: a restored
    backup keeps it, another ward's file (or a new one) has another. '' when there is none.
    """
    try:
        row = conn.execute(
            "SELECT applied_at FROM _sqlite_migrations WHERE migration_set = 'champion_desk' ORDER BY id LIMIT 1"
        ).fetchone()
    except sqlite3.DatabaseError:
        return ""
    return str(row[0]) if row and row[0] else ""


def file_logbook_identity(path: Path) -> str:
    """Return :func:`logbook_identity` of the file on disk alone (its -wal left out); '' when unreadable."""
    try:
        conn = open_foreign(path, ignore_log=True)
    except (sqlite3.DatabaseError, NotADeskDatabaseError, OSError):
        return ""
    try:
        return logbook_identity(conn)
    finally:
        conn.close()
