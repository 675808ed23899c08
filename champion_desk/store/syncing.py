"""The ``sync_peer`` rows: where each ward's logbook stands, as this logbook knows it (sync folders).

A logbook writes two kinds of row, and only ever its own: the row about itself (``seen_by`` =
``logbook_id``: the trust it syncs for, its ward and PC names, when it last wrote its snapshot),
and one row per logbook whose snapshot it merged (when, and how many rows came across). The id is
derived from the pair, so the copies of a row that reach other logbooks merge by id like any
record, and two PCs never write the same row.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from champion_desk.store import records
from champion_desk.store.connection import Database, logbook_identity, open_foreign
from champion_desk.store.schema import columns

# Any fixed namespace will do; changing it would give every existing row a second id.
_ID_NAMESPACE = uuid.UUID("6f1c2a52-3b7e-4c61-9d1e-23c0a5f4e823")
TABLE = "sync_peer"


@dataclass(frozen=True)
class PeerRow:
    """One ``sync_peer`` row (live rows only)."""

    logbook_id: str
    seen_by: str
    trust_id: str | None
    ward_name: str
    pc_name: str | None
    last_written_at: str | None
    last_merged_at: str | None
    rows_received: int


def row_id(logbook_id: str, seen_by: str) -> str:
    """Return the id of the row that ``seen_by`` keeps about ``logbook_id``: the same in every file."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{logbook_id}\n{seen_by}"))


def peer_rows(conn: sqlite3.Connection) -> list[PeerRow]:
    """Return every live ``sync_peer`` row, by logbook and then by who recorded it."""
    fields = ", ".join(PeerRow.__dataclass_fields__)
    return [
        PeerRow(*r)
        for r in conn.execute(f"SELECT {fields} FROM {TABLE} WHERE deleted_at IS NULL ORDER BY logbook_id, seen_by")
    ]


def own_row(conn: sqlite3.Connection, identity: str) -> PeerRow | None:
    """Return the row a logbook keeps about itself, or None before its first sync."""
    fields = ", ".join(PeerRow.__dataclass_fields__)
    found = conn.execute(
        f"SELECT {fields} FROM {TABLE} WHERE id = ? AND deleted_at IS NULL", (row_id(identity, identity),)
    ).fetchone()
    return PeerRow(*found) if found else None


def own_unit_names(conn: sqlite3.Connection) -> tuple[str, ...]:
    """Return the units a ward logbook that syncs calls its own: those named as the ward it syncs as.

    A ward that syncs holds the other wards' records too (for trust-wide figures), so its pages
    start on its own units (``ui.context.default_scope``). The ward name defaults to its only
    unit's (``exchange.sync.default_ward_name``); case and spacing are ignored. Empty, meaning all
    units, before the first sync and for a logbook whose ward name names no unit (a hub).
    """
    identity = logbook_identity(conn)
    mine = own_row(conn, identity) if identity else None
    if mine is None:
        return ()
    ward = " ".join(mine.ward_name.split()).casefold()
    return tuple(
        name
        for (name,) in conn.execute("SELECT name FROM unit WHERE deleted_at IS NULL ORDER BY name")
        if " ".join(name.split()).casefold() == ward
    )


def snapshot_own_row(path: Path, identity: str) -> PeerRow | None:
    """Return the row a snapshot file keeps about its own logbook, read without changing the file.

    None when the file has no such row (never written by a sync, or older than sync folders).
    Raises sqlite3.DatabaseError for a file SQLite cannot read.
    """
    conn = open_foreign(path)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone():
            return None
        return own_row(conn, identity)
    finally:
        conn.close()


def _upsert(db: Database, identity: str, seen_by: str, values: dict[str, object], actor: str) -> None:
    """Insert or update the row ``seen_by`` keeps about ``identity`` with ``values``, with its audit row."""
    record_id = row_id(identity, seen_by)
    now = records.utc_now()
    with db.transaction():
        current = db.conn.execute(f"SELECT {', '.join(values)} FROM {TABLE} WHERE id = ?", (record_id,)).fetchone()
        if current is None:
            row = {
                **dict.fromkeys(columns(TABLE)),
                "rows_received": 0,
                **values,
                "id": record_id,
                "created_at": now,
                "updated_at": now,
                "logbook_id": identity,
                "seen_by": seen_by,
            }
            cols = columns(TABLE)
            db.conn.execute(
                f"INSERT INTO {TABLE} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [row[c] for c in cols],
            )
            action, changes = "create", values
        else:
            changes = {k: v for k, v, old in zip(values, values.values(), current) if v != old}
            db.conn.execute(
                f"UPDATE {TABLE} SET {', '.join(f'{k} = ?' for k in values)}, updated_at = ?, deleted_at = NULL "
                "WHERE id = ?",
                [*values.values(), now, record_id],
            )
            action = "update"
        records.write_audit(db, actor, TABLE, record_id, action, changes)


def record_own_snapshot(db: Database, identity: str, trust_id: str, ward_name: str, pc_name: str, actor: str) -> str:
    """Record that this logbook is writing its snapshot now, for ``trust_id``; return the time recorded."""
    now = records.utc_now()
    _upsert(
        db,
        identity,
        identity,
        {"trust_id": trust_id, "ward_name": ward_name, "pc_name": pc_name, "last_written_at": now},
        actor,
    )
    return now


def record_merged(
    db: Database, identity: str, seen_by: str, peer: PeerRow | None, ward_name: str, rows: int, actor: str
) -> None:
    """Record that ``seen_by`` (this logbook) merged the snapshot of ``identity`` just now, taking ``rows`` rows."""
    current = db.conn.execute(
        f"SELECT rows_received FROM {TABLE} WHERE id = ?", (row_id(identity, seen_by),)
    ).fetchone()
    _upsert(
        db,
        identity,
        seen_by,
        {
            "trust_id": peer.trust_id if peer else None,
            "ward_name": peer.ward_name if peer else ward_name,
            "pc_name": peer.pc_name if peer else None,
            "last_written_at": peer.last_written_at if peer else None,
            "last_merged_at": records.utc_now(),
            "rows_received": (current[0] if current else 0) + rows,
        },
        actor,
    )
