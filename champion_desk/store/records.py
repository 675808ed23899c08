"""Create, update, tombstone and restore records; every change writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import json
import platform
import re
import socket
import sqlite3
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from champion_desk.errors import ConflictError, NotFoundError, StoreError
from champion_desk.store.connection import Database
from champion_desk.store.schema import RECORD_TABLES, columns

SYSTEM_FIELDS = ("id", "created_at", "updated_at", "deleted_at")
# A subject-access export's audit row (schema 14): its record_id never says whose data, so an
# erasure of that colleague leaves the count of requests answered standing.
EXPORT_ACTION = "export"
SUBJECT_ACCESS = "subject-access"
# Security events (schema 17): record_id says which; changes hold counts and kinds, never a name or concern text.
SECURITY_ACTION = "security"
RESTORE_ACTION = "restore"
WRONG_APP_PIN = "wrong app PIN"
APP_LOCKED_OUT = "app PIN lock-out"
SIGNING_LOCKED_OUT = "signing PIN lock-out"
# What an export's record_id says (a subject-access export keeps SUBJECT_ACCESS).
FULL_EXPORT = "full export"
MANAGER_EXPORT = "manager export"
# What fills an attribution column the platform cannot answer (a service account with no name, say).
UNKNOWN = "unknown"


@functools.cache
def os_account() -> str:
    """Return the operating-system account this process runs as, for audit rows.

    getpass reads the login environment variables first, then the password database; either may
    be missing on a locked-down PC (a service account, a container), and an audit row must still
    be written.
    """
    try:
        return getpass.getuser() or UNKNOWN
    except Exception:  # noqa: BLE001 - KeyError, OSError, ImportError (no pwd) all mean "cannot tell"
        return UNKNOWN


@functools.cache
def pc_name() -> str:
    """Return this PC's network name, for audit rows (the name IT knows the ward PC by)."""
    try:
        return socket.gethostname() or platform.node() or UNKNOWN
    except OSError:
        return platform.node() or UNKNOWN


def new_id() -> str:
    """Return a new record id: a random UUID, so databases from different PCs merge without clashes."""
    return str(uuid.uuid4())


def utc_now() -> str:
    """Return the current UTC time as ISO-8601 with microseconds and a Z suffix."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_table(table: str) -> None:
    if table not in RECORD_TABLES:
        raise StoreError(f"Unknown table {table!r}.")


def editable_fields(table: str) -> tuple[str, ...]:
    """Return the columns of a record table that callers may set (all but the system fields)."""
    _check_table(table)
    return tuple(c for c in columns(table) if c not in SYSTEM_FIELDS)


def clean_values(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return values ready to store (booleans as 0/1); raise StoreError for a field the table lacks."""
    allowed = editable_fields(table)
    unknown = [k for k in values if k not in allowed]
    if unknown:
        raise StoreError(f"{table} has no field(s) {', '.join(sorted(unknown))}.")
    return {k: (int(v) if isinstance(v, bool) else v) for k, v in values.items()}


_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)")


def conflict_error(table: str, exc: sqlite3.IntegrityError, values: Mapping[str, Any]) -> ConflictError:
    """Return the ConflictError (field, rule, message) that explains an IntegrityError from SQLite."""
    text = str(exc)
    match = _UNIQUE.search(text)
    if match:
        field = match.group(2)
        return ConflictError(
            field,
            "must be unique",
            f"{field.replace('_', ' ')}: another {table} already has {values.get(field)!r} (it may be deleted; restore it instead).",
        )
    if "FOREIGN KEY" in text:
        return ConflictError("id", "must refer to existing records", f"{table}: a linked record does not exist.")
    if "CHECK constraint failed" in text:
        field = text.rsplit(":", 1)[-1].strip().split()[0]
        if "date(" in text:
            return ConflictError(
                field,
                "a real calendar date",
                f"{field.replace('_', ' ')}: {values.get(field)!r} is not a real calendar date (YYYY-MM-DD).",
            )
        return ConflictError(field, "out of range", f"{field.replace('_', ' ')}: value is out of the allowed range.")
    if "NOT NULL constraint failed" in text:
        field = text.rsplit(".", 1)[-1]
        return ConflictError(field, "is required", f"{field.replace('_', ' ')}: is required.")
    return ConflictError("id", "integrity", f"{table}: {text}")


def write_audit(db: Database, actor: str, table: str, record_id: str, action: str, changes: Mapping[str, Any]) -> None:
    """Append one audit row (callers hold the transaction)."""
    db.conn.execute(
        AUDIT_SQL, audit_row(actor, table, record_id, action, json.dumps(changes, ensure_ascii=False, default=str))
    )


AUDIT_SQL = (
    'INSERT INTO audit (id, at, actor, "table", record_id, action, changes, os_account, pc_name)'
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def audit_row(actor: str, table: str, record_id: str, action: str, changes: str, at: str | None = None) -> tuple:
    """Return the values :data:`AUDIT_SQL` inserts: the row with this PC's login and name attached."""
    return (new_id(), at or utc_now(), actor or "unknown", table, record_id, action, changes, os_account(), pc_name())


def security_event(db: Database, actor: str, event: str, details: Mapping[str, Any] | None = None) -> None:
    """Record a security event (a wrong PIN, a lock-out, an export, a restore) in a transaction of its own.

    ``event`` is one of the constants above; ``details`` hold counts and kinds only. A logbook open
    read-only cannot record it, and the event is not refused for that: it is left to the caller
    to open for writing where recording matters.
    """
    if db.readonly:
        return
    action = RESTORE_ACTION if event == RESTORE_ACTION else SECURITY_ACTION
    if event in (FULL_EXPORT, MANAGER_EXPORT):
        action = EXPORT_ACTION
    with db.transaction():
        write_audit(db, actor, "*", event, action, dict(details or {}))


def insert(db: Database, table: str, values: Mapping[str, Any], actor: str, record_id: str | None = None) -> str:
    """Insert one record and its audit row in one transaction; return the new id.

    Raises ConflictError when a uniqueness, reference or range rule of the schema is broken.
    """
    row = clean_values(table, values)
    now = utc_now()
    row.update(id=record_id or new_id(), created_at=now, updated_at=now, deleted_at=None)
    names = list(row)
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    with db.transaction():
        try:
            db.conn.execute(sql, [row[n] for n in names])
        except sqlite3.IntegrityError as exc:
            raise conflict_error(table, exc, row) from exc
        write_audit(db, actor, table, row["id"], "create", {k: v for k, v in values.items() if v not in (None, "")})
    return row["id"]


def get(db: Database, table: str, record_id: str, include_deleted: bool = False) -> dict[str, Any]:
    """Return one record as a dict. Raises NotFoundError if it does not exist (or is deleted)."""
    _check_table(table)
    row = db.one(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
    if row is None or (row["deleted_at"] and not include_deleted):
        raise NotFoundError(f"No {table.replace('_', ' ')} with id {record_id}.")
    return row


def update(
    db: Database, table: str, record_id: str, changes: Mapping[str, Any], actor: str
) -> dict[str, tuple[Any, Any]]:
    """Change fields of a live record; return {field: (old, new)} for the fields that changed.

    Writes nothing (not even an audit row) when no value differs. Raises NotFoundError, ConflictError.
    """
    new = clean_values(table, changes)
    with db.transaction():
        old = get(db, table, record_id)
        diff = {k: (old[k], v) for k, v in new.items() if old[k] != v}
        if not diff:
            return {}
        sets = ", ".join(f"{k} = ?" for k in diff)
        try:
            db.conn.execute(
                f"UPDATE {table} SET {sets}, updated_at = ? WHERE id = ?",
                [new[k] for k in diff] + [utc_now(), record_id],
            )
        except sqlite3.IntegrityError as exc:
            raise conflict_error(table, exc, new) from exc
        write_audit(db, actor, table, record_id, "update", {k: list(v) for k, v in diff.items()})
    return diff


def delete(db: Database, table: str, record_id: str, actor: str) -> None:
    """Tombstone a live record (set ``deleted_at``); it can be restored with :func:`undelete`."""
    with db.transaction():
        get(db, table, record_id)
        now = utc_now()
        db.conn.execute(f"UPDATE {table} SET deleted_at = ?, updated_at = ? WHERE id = ?", (now, now, record_id))
        write_audit(db, actor, table, record_id, "delete", {})


def undelete(db: Database, table: str, record_id: str, actor: str) -> None:
    """Restore a tombstoned record. Raises NotFoundError if there is no such record, ConflictError if it was erased."""
    with db.transaction():
        row = get(db, table, record_id, include_deleted=True)
        if not row["deleted_at"]:
            return
        if db.scalar("SELECT EXISTS (SELECT 1 FROM audit WHERE record_id = ? AND action = 'erase')", (record_id,)):
            # An erasure's tombstone keeps merges from bringing the person back; it is not a delete to undo.
            raise ConflictError(
                "id",
                "erased records cannot be restored",
                "This colleague's personal data was erased; the record cannot be restored.",
            )
        try:
            db.conn.execute(
                f"UPDATE {table} SET deleted_at = NULL, updated_at = ? WHERE id = ?", (utc_now(), record_id)
            )
        except sqlite3.IntegrityError as exc:
            raise conflict_error(table, exc, row) from exc
        write_audit(db, actor, table, record_id, "undelete", {})


def find(
    db: Database, table: str, include_deleted: bool = False, order_by: str | None = None, **equals: Any
) -> list[dict[str, Any]]:
    """Return records whose fields equal the given values (live ones unless include_deleted)."""
    _check_table(table)
    cols = columns(table)
    where, params = [], []
    for k, v in equals.items():
        if k not in cols:
            raise StoreError(f"{table} has no field {k}.")
        if v is None:
            where.append(f"{k} IS NULL")
        else:
            where.append(f"{k} = ?")
            params.append(v)
    if not include_deleted:
        where.append("deleted_at IS NULL")
    sql = f"SELECT * FROM {table}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if order_by:
        if order_by.lstrip("-") not in cols:
            raise StoreError(f"{table} has no field {order_by}.")
        sql += f" ORDER BY {order_by.lstrip('-')}{' DESC' if order_by.startswith('-') else ''}"
    return db.query(sql, params)


def bulk_insert(
    db: Database, table: str, rows: Iterable[Mapping[str, Any]], actor: str, action: str = "import", note: str = ""
) -> int:
    """Insert many complete rows fast (demo data, imports); return how many.

    Rows must carry every column of the table, system fields included. One summary audit row
    records the action. Callers hold the transaction so a failure leaves nothing behind.
    """
    cols = columns(table)
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    count = 0

    def values():
        nonlocal count
        for row in rows:
            count += 1
            yield tuple(row[c] for c in cols)

    with db.transaction():
        try:
            db.conn.executemany(sql, values())
        except sqlite3.IntegrityError as exc:
            raise conflict_error(table, exc, {}) from exc
        write_audit(db, actor, table, "*", action, {"rows": count, "note": note} if note else {"rows": count})
    return count


def put_setting(db: Database, key: str, value: str, actor: str) -> None:
    """Store a shared setting (audited; restored if it was deleted) in one transaction."""
    # The id is derived from the key so the same setting made on two PCs merges as one record.
    setting_id = f"setting:{key}"
    with db.transaction():
        existing = db.one("SELECT id, deleted_at FROM setting WHERE id = ?", (setting_id,))
        if existing is None:
            insert(db, "setting", {"key": key, "value": value}, actor, record_id=setting_id)
            return
        if existing["deleted_at"]:
            undelete(db, "setting", setting_id, actor)
        update(db, "setting", setting_id, {"value": value}, actor)


def count(db: Database, table: str) -> int:
    """Return how many live records a table holds."""
    _check_table(table)
    return int(db.scalar(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"))
