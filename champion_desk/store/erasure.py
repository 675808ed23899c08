"""Erase one colleague's personal data everywhere, leaving an anonymous tombstone that merges respect.

What stays: the staff row's id (as a tombstone named ``ERASED_NAME``, no staff number or role, so
attendance, mentoring and concern counts still add up) and every record that points at it. What
goes: their name and staff number wherever they appear (free text of every table, audit actors,
audit change logs), the audit rows about their own record, and — after the transaction — every
old copy of those bytes in the WAL and in free pages (``secure_delete`` zeroes freed cells; a
checkpoint, VACUUM and a truncating checkpoint remove the rest).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from champion_desk.errors import NotFoundError, StoreError
from champion_desk.store import records
from champion_desk.store.connection import Database, translate_errors
from champion_desk.store.schema import RECORD_TABLES, TABLE_DDL, columns

ERASED_NAME = "Erased colleague"
ERASED_TEXT = "[erased]"
ERASE_ACTION = "erase"
# Columns that hold ids, timestamps or fixed vocabulary, never names typed by a person.
_NOT_FREE_TEXT = re.compile(r"(^id$|_id$|_at$|_on$|_by$)")


@dataclass
class ErasureResult:
    """What an erasure changed."""

    staff_id: str
    texts_scrubbed: int
    audit_removed: int
    audit_scrubbed: int
    checkpoint_complete: bool = True


def text_columns(table: str) -> tuple[str, ...]:
    """Return the columns of a table where a person's name could have been typed."""
    kinds = {}
    for line in TABLE_DDL[table].splitlines():
        parts = line.strip().strip(",").split()
        if len(parts) >= 2:
            kinds[parts[0].strip('"')] = parts[1]
    return tuple(c for c in columns(table) if kinds.get(c) == "TEXT" and not _NOT_FREE_TEXT.search(c))


def name_variants(name: str) -> list[str]:
    """Return a name and how notes would write it: HR rosters give 'Adams, Zoë', notes say 'Zoë Adams'."""
    raw, name = name.strip(), " ".join(name.split())
    last, comma, first = name.partition(",")
    flipped = [f"{first.strip()} {last.strip()}"] if comma and first.strip() and last.strip() else []
    return list(dict.fromkeys([raw, name, *flipped]))


def name_pattern(names: Iterable[str]) -> re.Pattern | None:
    """Return a case-insensitive pattern matching any of the names (and their variants) as whole words, or None."""
    words = sorted({v for n in names if n and n.strip() for v in name_variants(n)}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def scrub(text: str | None, pattern: re.Pattern | None) -> str | None:
    """Return text with every match of ``pattern`` replaced by ``[erased]``."""
    if text is None or pattern is None:
        return text
    return pattern.sub(ERASED_TEXT, text)


def json_forms(names: Iterable[str]) -> list[str]:
    """Return names as they appear inside JSON text (audit changes): escaped as json.dumps writes them."""
    return [json.dumps(n, ensure_ascii=False)[1:-1] for n in names if n]


def erased_ids(db: Database) -> set[str]:
    """Return the ids of every colleague erased in this database (their tombstones must win merges)."""
    rows = db.query('SELECT record_id FROM audit WHERE action = ? AND "table" = ?', (ERASE_ACTION, "staff"))
    return {r["record_id"] for r in rows}


def is_erased_row(row: dict) -> bool:
    """Return True when a staff row is an erasure tombstone (anonymous and deleted)."""
    return row["display_name"] == ERASED_NAME and row["deleted_at"] is not None and row["staff_ref"] is None


def scrub_everywhere(db: Database, staff_ids: Sequence[str], names: Iterable[str]) -> tuple[int, int, int]:
    """Remove names from every free-text column and the audit log; drop audit rows about ``staff_ids``.

    Callers hold the transaction. Returns (texts scrubbed, audit rows removed, audit rows scrubbed).
    """
    names = [n for n in names if n and n.strip()]
    pattern = name_pattern(names)
    json_pattern = name_pattern(json_forms(names))
    texts = removed = scrubbed = 0
    now = records.utc_now()
    if pattern is not None:
        # SQLite's LIKE folds case for ASCII only; a Python function finds 'NGUYỄN' as well as 'Nguyễn'.
        db.conn.create_function("names_erased_in", 1, lambda t: t is not None and bool(pattern.search(t)), deterministic=True)
        db.conn.create_function("names_erased_in_json", 1, lambda t: t is not None and bool(json_pattern.search(t)), deterministic=True)
        # Other colleagues' own rows are left alone: a namesake must not lose their name.
        for table in (t for t in RECORD_TABLES if t != "staff"):
            for column in text_columns(table):
                for row in db.query(f"SELECT id, {column} AS text FROM {table} WHERE names_erased_in({column})"):
                    db.conn.execute(f"UPDATE {table} SET {column} = ?, updated_at = ? WHERE id = ?",
                                    (scrub(row["text"], pattern), now, row["id"]))
                    texts += 1
    for staff_id in staff_ids:
        removed += db.conn.execute("DELETE FROM audit WHERE record_id = ?", (staff_id,)).rowcount
    if pattern is not None:
        for row in db.query("SELECT id, actor, changes FROM audit WHERE names_erased_in(actor) OR names_erased_in_json(changes)"):
            actor = ERASED_NAME if pattern.fullmatch(row["actor"].strip()) else scrub(row["actor"], pattern)
            db.conn.execute("UPDATE audit SET actor = ?, changes = ? WHERE id = ?", (actor, scrub(row["changes"], json_pattern), row["id"]))
            scrubbed += 1
    return texts, removed, scrubbed


def anonymise_staff(db: Database, staff_id: str, at: str) -> None:
    """Turn a staff row into an erasure tombstone (callers hold the transaction)."""
    db.conn.execute(
        # The signing PIN goes with the person: nobody may sign as an erased colleague.
        "UPDATE staff SET display_name = ?, role = NULL, staff_ref = NULL, active = 0, updated_at = ?,"
        " signing_pin_hash = NULL, signing_pin_failures = NULL, signing_pin_wait_until = NULL,"
        " deleted_at = coalesce(deleted_at, ?) WHERE id = ?",
        (ERASED_NAME, at, at, staff_id),
    )


def erase_staff(db: Database, staff_id: str, actor: str, purge: bool = True) -> ErasureResult:
    """Erase one colleague's personal data in one transaction; return what changed.

    With ``purge`` (the default) old copies of the bytes are then removed from the WAL and free
    pages (see :func:`purge_deleted_bytes`). Raises NotFoundError, StoreError.
    """
    with db.transaction():
        row = db.one("SELECT * FROM staff WHERE id = ?", (staff_id,))
        if row is None:
            raise NotFoundError(f"No colleague with id {staff_id}.")
        if is_erased_row(row):
            raise StoreError("This colleague's personal data has already been erased.")
        now = records.utc_now()
        names = [row["display_name"], row["staff_ref"]]
        texts, removed, scrubbed = scrub_everywhere(db, [staff_id], names)
        anonymise_staff(db, staff_id, now)
        # Someone erasing their own data must not sign the erasure with their name.
        own = name_pattern(names)
        records.write_audit(db, ERASED_NAME if own and own.fullmatch(actor.strip()) else actor, "staff", staff_id, ERASE_ACTION, {})
    result = ErasureResult(staff_id, texts, removed, scrubbed)
    if purge:
        result.checkpoint_complete = purge_deleted_bytes(db)
    return result


def purge_deleted_bytes(db: Database) -> bool:
    """Remove old copies of changed data from the WAL and free pages; return True when complete.

    A checkpoint copies the WAL into the file, VACUUM rewrites the file without free pages, and a
    truncating checkpoint empties the WAL. Returns False when another connection kept the WAL busy.
    """
    if db.path is None:
        return True
    with translate_errors():
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.execute("VACUUM")
        busy, _, _ = db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0
