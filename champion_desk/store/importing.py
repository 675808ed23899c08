"""Write a checked batch of new and changed records fast (roster imports), in the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from champion_desk.errors import ChampionDeskError
from champion_desk.store import records
from champion_desk.store.connection import Database
from champion_desk.store.schema import columns

Progress = Callable[[int, int], object]
BATCH = 1000


class Cancelled(ChampionDeskError):
    """The user cancelled a long operation; its transaction was rolled back, nothing was kept."""


def report_progress(progress: Progress | None, done: int, total: int) -> None:
    """Tell ``progress`` how far the work is; raise Cancelled when it answers False (the user cancelled)."""
    if progress is not None and progress(done, total) is False:
        raise Cancelled("Cancelled: nothing was changed.")


def write_batch(
    db: Database,
    table: str,
    added: Sequence[Mapping[str, Any]],
    changed: Sequence[tuple[str, Mapping[str, Any]]],
    actor: str,
    action: str = "import",
    progress: Progress | None = None,
    done: int = 0,
    total: int | None = None,
) -> int:
    """Insert ``added`` (editable fields, optional ``id``) and apply ``changed`` ({field: new}) in one transaction.

    Rows must already have passed validation; every row gets an audit row naming ``action``.
    ``progress(done, total)`` is called between batches; answering False cancels (Cancelled is
    raised and the transaction rolls back). Returns ``done`` plus the rows written. Raises ConflictError on a schema rule.
    """
    total = total if total is not None else done + len(added) + len(changed)
    now = records.utc_now()
    cols = columns(table)
    insert_sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    with db.transaction():
        for start in range(0, len(added), BATCH):
            chunk = []
            audits = []
            for values in added[start : start + BATCH]:
                row = {
                    **dict.fromkeys(cols),
                    **records.clean_values(table, {k: v for k, v in values.items() if k != "id"}),
                }
                row.update(id=values.get("id") or records.new_id(), created_at=now, updated_at=now, deleted_at=None)
                chunk.append(tuple(row[c] for c in cols))
                shown = {k: v for k, v in values.items() if k != "id" and v not in (None, "")}
                audits.append(
                    records.audit_row(actor, table, row["id"], action, json.dumps(shown, ensure_ascii=False), now)
                )
            _run(db, table, insert_sql, chunk)
            db.conn.executemany(records.AUDIT_SQL, audits)
            done += len(chunk)
            report_progress(progress, done, total)
        for start in range(0, len(changed), BATCH):
            audits = []
            for record_id, values in changed[start : start + BATCH]:
                clean = records.clean_values(table, values)
                sets = ", ".join(f"{k} = ?" for k in clean)
                _run(
                    db,
                    table,
                    f"UPDATE {table} SET {sets}, updated_at = ? WHERE id = ?",
                    [[*clean.values(), now, record_id]],
                )
                audits.append(
                    records.audit_row(actor, table, record_id, action, json.dumps(clean, ensure_ascii=False), now)
                )
            db.conn.executemany(records.AUDIT_SQL, audits)
            done += len(audits)
            report_progress(progress, done, total)
    return done


def data_fingerprint(db: Database) -> tuple[int, int]:
    """Return a value that changes whenever the database changes (a plan made earlier may be stale).

    ``data_version`` moves when another connection commits; ``total_changes`` when this one writes.
    """
    return int(db.scalar("PRAGMA data_version")), db.conn.total_changes


def _run(db: Database, table: str, sql: str, rows: list) -> None:
    import sqlite3

    try:
        db.conn.executemany(sql, rows)
    except sqlite3.IntegrityError as exc:
        raise records.conflict_error(table, exc, {}) from exc
