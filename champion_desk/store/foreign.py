"""Files from elsewhere: check a backup or another ward's logbook without changing it, make a
private checked copy of it, and restore a backup into the open logbook."""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from champion_desk.errors import (
    CorruptDatabaseError,
    NotADeskDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
    one_line,
)
from champion_desk.store import records, sealed, summaries
from champion_desk.store.backups import backup_database, copy_into, default_backup_dir, scratch_folder
from champion_desk.store.connection import Database, connect, open_foreign, translate_errors
from champion_desk.store.database import check_header, memory_database, migrate_schema
from champion_desk.store.schema import SCHEMA_VERSION, TABLE_DDL, columns

_CHECK_CACHE_KIB = -262144  # up to 256 MB, taken only as pages are read, freed when the check's connection closes

# Objects a Champion Desk file may hold besides its documented tables and their indexes.
_HOUSEKEEPING_TABLES = {"_sqlite_migrations", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}


def _undecodable_text(conn: sqlite3.Connection) -> str | None:
    """Return 'table.column' of the first stored text that is not valid UTF-8, or None.

    integrity_check never looks inside text, yet such a value makes every read of its row fail.
    Only the place is named: the text itself may be a concern.
    """
    conn.text_factory = bytes
    try:
        tables = [
            r[0].decode("utf-8", "replace") for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            for row in cursor:
                for name, value in zip(names, row):
                    if isinstance(value, bytes):
                        try:
                            value.decode("utf-8")
                        except UnicodeDecodeError:
                            return f"{table}.{name}"
    finally:
        conn.text_factory = str
    return None


def check_foreign_file(path: Path, check_links: bool = True, check_text: bool = True) -> int:
    """Check a database file from elsewhere (a backup, another ward's PC) without changing it.

    Checks, in order: it is SQLite, carries Champion Desk's application id, has a schema this
    version knows, passes ``integrity_check`` (quick_check misses a bit flipped inside a row),
    has no broken links (unless ``check_links`` is False), holds only tables and indexes (no
    views, and no triggers but the summaries' own, word for word: anything else could run code) and only readable text (unless ``check_text`` is False:
    a caller that reads every row itself, like a merge, finds it then). Returns its schema version. Raises
    NotADeskDatabaseError, NewerVersionError or CorruptDatabaseError; never changes the file.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No file at {path}.")
    version = check_header(path)
    if version < 1:
        raise NotADeskDatabaseError(f"{path} holds no Champion Desk data (its schema was never created).")
    try:
        conn = open_foreign(path)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise CorruptDatabaseError(f"{path} cannot be opened ({one_line(exc)}).") from exc
    try:
        # integrity_check looks every row up in each of its indexes: with the default 2 MB page cache
        # most lookups would be reads from the OS.
        conn.execute(f"PRAGMA cache_size = {_CHECK_CACHE_KIB}")
        result = conn.execute("PRAGMA integrity_check(5)").fetchall()
        if result != [("ok",)]:
            raise CorruptDatabaseError(f"{path} is damaged: {one_line('; '.join(r[0] for r in result))}")
        objects = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        # The summaries' triggers are ours only when their text is exactly what this version creates.
        odd = sorted(
            name
            for kind, name, sql in objects
            if kind not in ("table", "index") and not (kind == "trigger" and summaries.is_own_trigger(name, sql))
        )
        if odd:
            raise NotADeskDatabaseError(
                f"{path} holds objects Champion Desk never creates ({', '.join(odd[:5])}); it is refused."
            )
        if check_links:
            _refuse_broken_links(conn, path)
        where = _undecodable_text(conn) if check_text else None
        if where:
            raise CorruptDatabaseError(f"{path} is damaged: a stored text in {where} is unreadable; it is refused.")
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise CorruptDatabaseError(f"{path} is damaged ({one_line(exc)}).") from exc
    finally:
        conn.close()
    return version


def check_shape(conn: sqlite3.Connection, path: Path) -> None:
    """Raise NotADeskDatabaseError unless the file holds exactly the documented tables and columns.

    The summary tables' shape is not checked here: a merge never reads them, and a restore builds
    them again from this version's DDL (:func:`summaries.recreate`) before the file is used.
    """
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(set(TABLE_DDL) - tables)
    extra = sorted(tables - set(TABLE_DDL) - set(summaries.TABLES) - _HOUSEKEEPING_TABLES)
    if missing or extra:
        raise NotADeskDatabaseError(
            f"{path} does not have Champion Desk's tables ({'missing ' + ', '.join(missing) if missing else 'extra ' + ', '.join(extra)})."
        )
    reference = _declared_shape()
    for table in TABLE_DDL:
        found = tuple(r[1] for r in conn.execute(f'PRAGMA table_info("{table}")'))
        if found != columns(table):
            raise NotADeskDatabaseError(f"{path}: table {table} does not have the documented columns.")
        if _table_shape(conn, table) != reference[table]:
            # A merge copies rows trusting the file's own link check, which only checks the links
            # the file declares, compared as its keys are collated: those must be ours.
            raise NotADeskDatabaseError(f"{path}: table {table} does not declare the documented types, keys and links.")
    _refuse_other_definitions(conn, path)


def _definitions(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """Return the definition (whitespace folded) of every documented table and of every index on one."""
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index')"
    ).fetchall()
    return {
        (kind, name): " ".join((sql or "").split())
        for kind, name, table, sql in rows
        if table in TABLE_DDL and not name.startswith("sqlite_autoindex_")
    }


@functools.cache
def _declared_definitions() -> dict[tuple[str, str], str]:
    """Return :func:`_definitions` of a logbook this version creates (the same as one it upgrades)."""
    db = memory_database()
    try:
        return _definitions(db.conn)
    finally:
        db.close()


def _refuse_other_definitions(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file whose tables or indexes are defined otherwise than this version defines them.

    An extra CHECK, a changed default or a missing index would make later saves fail, or figures
    differ, long after the file was let in; so every definition must be this version's, word for word.
    """
    found, declared = _definitions(conn), _declared_definitions()
    for key in sorted(set(found) | set(declared)):
        if found.get(key) != declared.get(key):
            kind, name = key
            how = (
                "is missing"
                if key not in found
                else "is not Champion Desk's"
                if key not in declared
                else "is defined differently"
            )
            raise NotADeskDatabaseError(
                f"{path}: {kind} {name} {how} (constraints, defaults or indexes changed by another program); it is refused."
            )


def _table_shape(conn: sqlite3.Connection, table: str) -> tuple:
    """Return what decides how a table's values are stored and matched: column types, links, key collations."""
    types = tuple((r[1], r[2].upper()) for r in conn.execute(f'PRAGMA table_info("{table}")'))
    links = tuple(sorted((r[2], r[3], r[4]) for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')))
    keys = []
    for _, name, unique, origin, _ in conn.execute(f'PRAGMA index_list("{table}")').fetchall():
        if origin in ("pk", "u"):
            cols = tuple((r[2], r[4]) for r in conn.execute(f'PRAGMA index_xinfo("{name}")') if r[5])
            keys.append((origin, unique, cols))
    return types, links, tuple(sorted(keys))


@functools.cache
def _declared_shape() -> dict[str, tuple]:
    """Return :func:`_table_shape` of every documented table as this version creates it."""
    conn = sqlite3.connect(":memory:")
    try:
        for ddl in TABLE_DDL.values():
            conn.execute(ddl)
        return {table: _table_shape(conn, table) for table in TABLE_DDL}
    finally:
        conn.close()


@dataclass(frozen=True)
class CopyUnderCheck:
    """A private copy yielded while its original may still be checked (``checked_copy(read_while_checked=True)``)."""

    path: Path
    wait_until_checked: Callable[[], object]  # returns once the check passed; raises its refusal


@contextmanager
def checked_copy(
    path: Path,
    check_links: bool = True,
    check_text: bool = True,
    read_while_checked: bool = False,
    scratch_in: Path | None = None,
) -> Iterator[Path] | Iterator[CopyUnderCheck]:
    """Yield a private, checked, up-to-date copy of a database file from elsewhere; delete it afterwards.

    The original is only ever read. An older schema is migrated in the copy; a newer one is refused.
    ``check_links=False`` skips the whole-file link check for callers that check the links of what
    they take another way. Raises what :func:`check_foreign_file` raises.

    ``read_while_checked``: yields a :class:`CopyUnderCheck`. When the copy already has this
    version's schema and tables, it is yielded while the check still runs: the block may read it,
    but must call ``wait_until_checked()`` before it acts on what it read (a merge reads and plans
    first; a trust-scale integrity_check takes a second and a half). Leaving the block waits for
    the check too, and a refusal replaces whatever the block returned or raised. SQLite reads a
    damaged file without harm: it reports errors, which the check's refusal then explains.

    ``scratch_in``: the folder the private copy is made in (the logbook's backups folder, where a
    later run removes what a killed one left); the system's temp folder when None.
    """
    path = Path(path)
    with scratch_folder(scratch_in) as folder, ThreadPoolExecutor(max_workers=1) as pool:
        # The backup API copies pages without reading what they say, so the copy is made while the
        # file is checked (both run in SQLite, without the GIL); nothing opens it until the check
        # passed, unless the caller reads while it is checked (see above).
        copy = Path(folder) / "copy.db"
        copied = threading.Event()
        failed = None
        checking = pool.submit(_check_original_and_copy, path, copy, copied, check_links, check_text)
        try:
            source = open_foreign(path)
            try:
                copy_into(source, copy)
            finally:
                source.close()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            failed = exc
        finally:
            copied.set()
        early = read_while_checked and failed is None and _has_current_shape(copy, path)
        if not early:
            version = checking.result()  # the check's refusal comes first, as when it ran alone
            if failed is not None:
                raise CorruptDatabaseError(f"{path} could not be read ({one_line(failed)}).") from failed
            if version < SCHEMA_VERSION:
                try:
                    # The copy is private and temporary: migrate it directly, without the usual backup first.
                    with Database(connect(copy), copy, readonly=False) as private:
                        migrate_schema(private)
                except (sqlite3.DatabaseError, UnicodeDecodeError, StoreError) as exc:
                    # The SQLite error itself: migrate_schema's wording speaks of the user's own file and backup.
                    reason = exc.__cause__ if isinstance(exc, StoreError) and exc.__cause__ is not None else exc
                    raise NotADeskDatabaseError(
                        f"{path} has an older schema that cannot be upgraded ({one_line(reason)})."
                    ) from exc
            conn = sqlite3.connect(copy)
            try:
                check_shape(conn, path)
            finally:
                conn.close()
            yield CopyUnderCheck(copy, checking.result) if read_while_checked else copy
            return
        try:
            yield CopyUnderCheck(copy, checking.result)
        except BaseException:
            checking.result()  # a refusal of the file explains a failed read better than the read's own error
            raise
        checking.result()


def _check_original_and_copy(
    path: Path, copy: Path, copied: threading.Event, check_links: bool, check_text: bool
) -> int:
    """Check the original (:func:`check_foreign_file`), then the links of the copy once it is made.

    The links are checked in the copy, which is what the caller uses: a merge takes rows from it
    without looking at their links again, so they must hold in that very copy.
    """
    version = check_foreign_file(path, check_links=False, check_text=check_text)
    copied.wait()
    if check_links and copy.exists():  # no copy: the copy's own failure is reported
        conn = open_foreign(copy)
        try:
            conn.execute(f"PRAGMA cache_size = {_CHECK_CACHE_KIB}")
            _refuse_broken_links(conn, path)
        except sqlite3.DatabaseError as exc:
            raise CorruptDatabaseError(f"{path} is damaged ({one_line(exc)}).") from exc
        finally:
            conn.close()
    return version


def _refuse_broken_links(conn: sqlite3.Connection, path: Path) -> None:
    broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        # The table says where; the missing record's id would mean nothing to a ward manager.
        raise CorruptDatabaseError(
            f"{path} has {broken[0]} records that point at missing {broken[2]} records; it is refused."
        )


def _has_current_shape(copy: Path, path: Path) -> bool:
    """True when an unchecked copy claims this version's schema and has its tables and columns.

    Anything else (an older schema to migrate, a file that is not ours) waits for the check.
    """
    try:
        if check_header(copy) != SCHEMA_VERSION:
            return False
        conn = sqlite3.connect(f"file:{copy.as_posix()}?mode=ro", uri=True)
        try:
            check_shape(conn, path)
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - the check that follows says what is wrong
        return False
    return True


def restore_database(
    db, source: Path, backup_folder: Path | None = None, passphrase: str | None = None, actor: str = ""
) -> Path:
    """Replace the open database's contents with a checked backup; return the backup of what it held.

    The source is checked first (see :func:`checked_copy`); then the current contents are backed
    up; then SQLite's backup API copies the pages in one write transaction, which is safe with WAL
    and atomic: a crash leaves either the old or the new contents. The caller should reopen.
    A sealed backup (``store.sealed``) is opened with ``passphrase`` into a private copy first.
    The restore is recorded in the restored file's audit log, by ``actor``.
    Raises NotADeskDatabaseError, NewerVersionError, CorruptDatabaseError, StoreError, PassphraseError.
    """
    if db.readonly:
        raise ReadOnlyDatabaseError("This database is open read-only; it cannot be restored into.")
    scratch = backup_folder or (default_backup_dir(db.path) if db.path else None)
    with sealed.opened(source, passphrase, scratch) as plain, checked_copy(plain, scratch_in=scratch) as copy:
        page_size = db.scalar("PRAGMA page_size")
        conn = sqlite3.connect(copy, isolation_level=None)
        try:
            # The file's summary tables and triggers are not trusted (forged figures, a lost trigger,
            # a table without its key): they are built again from this version's DDL and recounted
            # in the private copy, before anything replaces this database.
            try:
                conn.execute("BEGIN IMMEDIATE")
                summaries.recreate(conn)
                conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise NotADeskDatabaseError(f"{source}'s summaries cannot be recounted ({one_line(exc)}).") from exc
            if conn.execute("PRAGMA page_size").fetchone()[0] != page_size:
                # A WAL database cannot change its page size, so the copy is rebuilt to match.
                conn.execute(f"PRAGMA page_size = {int(page_size)}")
                conn.execute("VACUUM")
            previous = backup_database(db, backup_folder, reason="before-restore") if db.path or backup_folder else None
            with translate_errors():
                conn.backup(db.conn)
                # Copy the restored pages from the WAL into the file, so the file on disk is whole
                # (its header is what the next open checks). Best effort: readers may hold the WAL.
                db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    if db.schema_version() != SCHEMA_VERSION or db.scalar("PRAGMA quick_check") != "ok":
        raise CorruptDatabaseError("The restored database failed its check; restore the backup taken just before.")
    records.security_event(db, actor, records.RESTORE_ACTION, {"encrypted": sealed.is_sealed(source)})
    return previous
