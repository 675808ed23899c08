"""Erase one colleague's personal data everywhere, leaving an anonymous tombstone that merges respect.

What stays: the staff row's id (as a tombstone named ``ERASED_NAME``, no staff number or role, so
attendance, mentoring and concern counts still add up) and every record that points at it. What
goes: every form of their current and earlier names and their staff number (see
``champion_desk.names``) in every free-text column of every table, as SQLite reports the columns
(``PRAGMA table_xinfo``), in the audit log's actors and change logs, and the audit rows about
their own record. Then no old copy of those bytes may stay: ``secure_delete`` zeroes freed cells
and pages as the transaction frees them, free pages left by earlier writes are overwritten with
zeros in the same transaction, VACUUM (when the disk has room) rewrites the file, and a
truncating checkpoint moves the new pages into the file over the old ones and empties the WAL.

Everything up to the checkpoint is one transaction: on a full disk nothing changes. The
checkpoint cannot finish while another connection reads an older snapshot; erasing the tombstone
again (by its id) then only repeats the clean-up.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from champion_desk.errors import ConflictError, DiskFullError, NotFoundError, StoreError
from champion_desk.names import NameMatcher, words
from champion_desk.store import records, schema, summaries
from champion_desk.store.backups import default_backup_dir, remove_leftovers
from champion_desk.store.connection import Database, translate_errors

ERASED_NAME = "Erased colleague"
ERASED_TEXT = "[erased]"
ERASE_ACTION = "erase"
# Columns that hold ids, timestamps, dates or day keys, never names typed by a person.
_NOT_FREE_TEXT = re.compile(r"(^id$|_id$|_at$|_on$|_by$|^day$|^since$|^until$|_from$|_until$)")
# Written by the program alone: which migrations ran (sqlite-utils' own table).
BOOKKEEPING_TABLES = ("_sqlite_migrations",)
# Fixed vocabulary, held to a list by the forms (some by CHECK): a replacement would break them.
FIXED_VOCABULARY: dict[str, tuple[str, ...]] = {
    "tool": ("stage",),
    "rollout": ("stage",),
    "training_session": ("format", "verified_signature"),
    "attendance": ("signed_off_signature",),
    "invitation": ("status",),
    "incident": ("theme", "barrier", "severity", "status"),
    "pairing": ("status",),
    "idea": ("status",),
    "suggestion_response": ("suggestion_key", "decision"),
    "setting": ("key",),
    "summary_incident_day": ("theme",),
    "summary_incident_total": ("theme",),
}
# Place and product names lose only a whole name or staff number, never a word alone: a unit may be
# "Cedar Ward" while Stacey Ward works there.
PLACE_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("name", "site"),
    "tool": ("name", "vendor"),
    "sync_peer": ("ward_name", "pc_name"),
}
# Who a staff row is: the erased colleague's own row becomes the tombstone, a namesake's stays theirs.
_IDENTITY: dict[str, tuple[str, ...]] = {"staff": ("display_name", "staff_ref")}
# The audit log is scrubbed field by field (its actor is replaced whole, its changes as JSON).
_AUDIT = "audit"
_TEXT_TYPES = ("CHAR", "CLOB", "TEXT")
_FILL_TABLE = "erasure_zero_fill"
# Room kept beyond what the erasure adds to the file, so the checkpoint after it cannot run out.
_SPARE_BYTES = 1 << 20


@dataclass
class ErasureResult:
    """What an erasure changed, and whether old copies of the bytes are gone (``purge_problem`` None)."""

    staff_id: str
    texts_scrubbed: int
    audit_removed: int
    audit_scrubbed: int
    checkpoint_complete: bool = True
    purge_problem: str | None = None


def is_free_text(table: str, column: dict[str, Any], references: set[str]) -> bool:
    """Return True when a column (a ``PRAGMA table_xinfo`` row) may hold text a person typed."""
    name, kind = column["name"], (column["type"] or "").upper()
    textual = not kind or any(t in kind for t in _TEXT_TYPES)
    return (
        textual
        and not column["pk"]
        and column["hidden"] == 0
        and name not in references
        and not _NOT_FREE_TEXT.search(name)
        and name not in FIXED_VOCABULARY.get(table, ())
        and name not in _IDENTITY.get(table, ())
    )


def free_text_columns(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Return, for every table of the connected file but the audit log, its free-text columns (as SQLite reports them)."""
    out: dict[str, tuple[str, ...]] = {}
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    for table in tables:
        if table == _AUDIT or table in BOOKKEEPING_TABLES:
            continue
        cur = conn.execute("SELECT * FROM pragma_table_xinfo(?)", (table,))
        names = [d[0] for d in cur.description]
        cols = [dict(zip(names, row)) for row in cur.fetchall()]
        references = {r[0] for r in conn.execute('SELECT "from" FROM pragma_foreign_key_list(?)', (table,))}
        found = tuple(c["name"] for c in cols if is_free_text(table, c, references))
        if found:
            out[table] = found
    return out


@lru_cache(maxsize=1)
def schema_text_columns() -> dict[str, tuple[str, ...]]:
    """Return the free-text columns of every table the schema defines, as SQLite reports them for its DDL."""
    conn = sqlite3.connect(":memory:")
    try:
        for ddl in (*schema.TABLE_DDL.values(), *summaries.TABLE_DDL.values()):
            conn.execute(ddl)
        return free_text_columns(conn)
    finally:
        conn.close()


def text_columns(table: str) -> tuple[str, ...]:
    """Return the columns of a schema table where a person's name could have been typed (read through SQLite)."""
    return schema_text_columns().get(table, ())


def name_pattern(names: Iterable[str | None]) -> NameMatcher | None:
    """Return a matcher of the whole forms of these names (no single words), or None when there are none."""
    matcher = NameMatcher([n for n in names if n and n.strip()], alone=False)
    return matcher if matcher else None


def scrub(text: str | None, pattern: NameMatcher | None) -> str | None:
    """Return text with every name ``pattern`` finds replaced by ``[erased]``."""
    if text is None or pattern is None:
        return text
    return pattern.replace(text, ERASED_TEXT)


def scrub_json(text: str | None, matcher: NameMatcher) -> str | None:
    """Return a JSON document (audit changes) with names replaced in every string it holds.

    The document is read and written again (as ``records.write_audit`` writes it), so a name with
    a line break or an escaped accent inside the JSON text is found too.
    """
    if text is None:
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return scrub(text, matcher)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return matcher.replace(value, ERASED_TEXT)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {walk(k): walk(v) for k, v in value.items()}
        return value

    cleaned = walk(document)
    return text if cleaned == document else json.dumps(cleaned, ensure_ascii=False, default=str)


def _json_names_in(text: str | None, matcher: NameMatcher) -> bool:
    if text is None:
        return False
    if "\\" not in text:
        # No escapes: the JSON text holds each string as written, and quotes never join a name's words.
        return matcher.search(text)
    return scrub_json(text, matcher) != text


def erased_ids(db: Database) -> set[str]:
    """Return the ids of every colleague erased in this database (their tombstones must win merges)."""
    rows = db.query('SELECT record_id FROM audit WHERE action = ? AND "table" = ?', (ERASE_ACTION, "staff"))
    return {r["record_id"] for r in rows}


def is_erased_row(row: dict) -> bool:
    """Return True when a staff row is an erasure tombstone (anonymous and deleted)."""
    return row["display_name"] == ERASED_NAME and row["deleted_at"] is not None and row["staff_ref"] is None


def recorded_names(db: Database, staff_ids: Sequence[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """Return, per staff id, every display name and staff number its row has and its audit recorded.

    A rename's audit row keeps the old name (``{"display_name": [old, new]}``), a record's
    creation or import the first one, so names the staff row no longer shows are found. ``None``
    reads every colleague. The result maps id -> {"display_name": [...], "staff_ref": [...]}.
    """
    where, params = (
        ("", [])
        if staff_ids is None
        else (f" WHERE s.id IN ({', '.join('?' for _ in staff_ids) or 'NULL'})", list(staff_ids))
    )
    found: dict[str, dict[str, list[str]]] = {}

    def collect(staff_id: str, field: str, value: Any) -> None:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v.strip() and v != ERASED_NAME:
                values = found.setdefault(staff_id, {"display_name": [], "staff_ref": []})[field]
                if v not in values:
                    values.append(v)

    for row in db.query(f"SELECT s.id, s.display_name, s.staff_ref FROM staff s{where}", params):
        collect(row["id"], "display_name", row["display_name"])
        collect(row["id"], "staff_ref", row["staff_ref"])
    # Through the audit's record index, staff row by staff row: the audit of a trust is large.
    for row in db.query(
        f"SELECT s.id, a.changes FROM staff s CROSS JOIN audit a ON a.record_id = s.id{where}"
        f"{' AND' if where else ' WHERE'} a.\"table\" = 'staff'",
        params,
    ):
        try:
            changes = json.loads(row["changes"] or "{}")
        except ValueError:
            continue
        if isinstance(changes, dict):
            for field in ("display_name", "staff_ref"):
                collect(row["id"], field, changes.get(field))
    return found


def names_of(db: Database, staff_ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """Return every name and every staff number the colleagues have had (see :func:`recorded_names`)."""
    found = recorded_names(db, staff_ids).values()
    names = [n for person in found for n in person["display_name"]]
    refs = [r for person in found for r in person["staff_ref"]]
    return list(dict.fromkeys(names)), list(dict.fromkeys(refs))


def place_names(db: Database) -> list[str]:
    """Return every unit and tool name, site and vendor (deleted ones too): places, never a colleague's name."""
    sql = " UNION ALL ".join(
        f"SELECT {column} AS name FROM {table} WHERE {column} IS NOT NULL"
        for table, cols in PLACE_COLUMNS.items()
        for column in cols
    )
    return [r["name"] for r in db.query(sql)]


def erasure_matcher(db: Database, staff_ids: Sequence[str]) -> NameMatcher:
    """Return the matcher of these colleagues' names, numbers and name words, sparing places and namesakes.

    A word of their name is not erased alone when another colleague's name holds it too ("Mai"
    of Nguyễn Thị Mai when there is a Mai Tran): alone, it names nobody in particular.
    """
    names, refs = names_of(db, staff_ids)
    marks = ", ".join("?" for _ in staff_ids) or "NULL"
    others = [
        r["display_name"]
        for r in db.query(
            f"SELECT display_name FROM staff WHERE id NOT IN ({marks}) AND display_name != ?", [*staff_ids, ERASED_NAME]
        )
    ]
    places = place_names(db)
    shared = {w for other in others if other not in names for w in words(other)}
    return NameMatcher(names, refs=refs, places=places, not_alone=shared)


def scrub_everywhere(
    db: Database, staff_ids: Sequence[str], names: Iterable[str], matcher: NameMatcher | None = None
) -> tuple[int, int, int]:
    """Remove names from every free-text column and the audit log; drop audit rows about ``staff_ids``.

    ``matcher`` defaults to the whole forms of ``names``. Callers hold the transaction. Returns
    (texts scrubbed, audit rows removed, audit rows scrubbed).
    """
    matcher = matcher if matcher is not None else name_pattern(names)
    texts = removed = scrubbed = 0
    now = records.utc_now()
    # Read before their own audit rows go: a login changed since is recorded there.
    scrubbed += blank_os_accounts(db, recorded_logins(db, staff_ids))
    for staff_id in staff_ids:
        removed += db.conn.execute("DELETE FROM audit WHERE record_id = ?", (staff_id,)).rowcount
    if matcher is None:
        return texts, removed, scrubbed
    # SQLite's LIKE folds case for ASCII only and knows nothing of NFD: the matching is Python's.
    db.conn.create_function(
        "erasure_names_in", 1, lambda t: isinstance(t, str) and matcher.search(t), deterministic=True
    )
    db.conn.create_function(
        "erasure_scrub", 1, lambda t: scrub(t, matcher) if isinstance(t, str) else t, deterministic=True
    )
    db.conn.create_function(
        "erasure_json_names_in", 1, lambda t: isinstance(t, str) and _json_names_in(t, matcher), deterministic=True
    )
    whole = matcher.whole_names()
    db.conn.create_function(
        "erasure_whole_names_in", 1, lambda t: isinstance(t, str) and whole.search(t), deterministic=True
    )
    db.conn.create_function(
        "erasure_whole_scrub", 1, lambda t: scrub(t, whole) if isinstance(t, str) else t, deterministic=True
    )
    own = ", ".join("?" for _ in staff_ids)
    for table, cols in free_text_columns(db.conn).items():
        table_cols = {r[1] for r in db.conn.execute("SELECT * FROM pragma_table_xinfo(?)", (table,))}
        stamp = ", updated_at = ?" if "updated_at" in table_cols else ""
        for column in cols:
            kind = "whole_" if column in PLACE_COLUMNS.get(table, ()) else ""
            sql = (
                f'UPDATE "{table}" SET "{column}" = erasure_{kind}scrub("{column}"){stamp}'
                f' WHERE erasure_{kind}names_in("{column}")'
            )
            params: list[Any] = [now] if stamp else []
            if table == "staff" and staff_ids:
                sql += f" AND id NOT IN ({own})"  # their own row becomes the tombstone below
                params += list(staff_ids)
            try:
                texts += db.conn.execute(sql, params).rowcount
            except sqlite3.IntegrityError as exc:
                # Two unit or tool names that differ only by the erased name would become one.
                raise ConflictError(
                    f"{table}.{column}",
                    "unique after erasure",
                    f"Erasing would leave two {table} records with the same {column}; rename one "
                    "of them first. Nothing was erased.",
                ) from exc
    for row in db.query(
        "SELECT id, actor, changes FROM audit WHERE erasure_names_in(actor) OR erasure_json_names_in(changes)"
    ):
        actor = ERASED_NAME if matcher.fullmatch(row["actor"]) else scrub(row["actor"], matcher)
        db.conn.execute(
            "UPDATE audit SET actor = ?, changes = ? WHERE id = ?",
            (actor, scrub_json(row["changes"], matcher), row["id"]),
        )
        scrubbed += 1
    return texts, removed, scrubbed


def account_key(account: str | None) -> str:
    """Return how an OS account or login compares: case folded, without a Windows domain (``TRUST\\jsmith``)."""
    return (account or "").rsplit("\\", 1)[-1].strip().casefold()


def recorded_logins(db: Database, staff_ids: Sequence[str]) -> set[str]:
    """Return every login these colleagues' staff rows hold or their audit recorded, as :func:`account_key` keys."""
    marks = ", ".join("?" for _ in staff_ids) or "NULL"
    found = [r["login"] for r in db.query(f"SELECT login FROM staff WHERE id IN ({marks})", list(staff_ids))]
    for row in db.query(
        f"SELECT changes FROM audit WHERE record_id IN ({marks}) AND \"table\" = 'staff' AND changes LIKE '%\"login\"%'",
        list(staff_ids),
    ):
        try:
            changes = json.loads(row["changes"] or "{}")
        except ValueError:
            continue
        value = changes.get("login") if isinstance(changes, dict) else None
        found.extend(value if isinstance(value, list) else [value])
    return {account_key(v) for v in found if isinstance(v, str) and account_key(v)}


def blank_os_accounts(db: Database, logins: set[str]) -> int:
    """Replace the OS account of audit rows made under one of ``logins`` with ``[erased]``; return how many.

    An OS account is compared whole (case and a Windows domain aside), never in part: "jsmith"
    is theirs, "jsmith2" is someone else's. A shared login recorded on a colleague's record is
    erased with them too: the audit cannot tell whose it was. Callers hold the transaction.
    """
    if not logins:
        return 0
    db.conn.create_function("erasure_account_key", 1, account_key, deterministic=True)
    marks = ", ".join("?" for _ in logins)
    return db.conn.execute(
        f"UPDATE audit SET os_account = ? WHERE erasure_account_key(os_account) IN ({marks})",
        [ERASED_TEXT, *sorted(logins)],
    ).rowcount


def anonymise_staff(db: Database, staff_id: str, at: str) -> None:
    """Turn a staff row into an erasure tombstone (callers hold the transaction)."""
    db.conn.execute(
        # The signing PIN goes with the person: nobody may sign as an erased colleague.
        "UPDATE staff SET display_name = ?, role = NULL, staff_ref = NULL, active = 0, updated_at = ?,"
        " signing_pin_hash = NULL, signing_pin_failures = NULL, signing_pin_wait_until = NULL,"
        " email = NULL, login = NULL, deleted_at = coalesce(deleted_at, ?) WHERE id = ?",
        (ERASED_NAME, at, at, staff_id),
    )
    # Their use of the tools goes too (tombstoned, so a merge with another PC's copy honours it).
    db.conn.execute(
        "UPDATE usage SET count = 0, source = NULL, updated_at = ?, deleted_at = coalesce(deleted_at, ?)"
        " WHERE staff_id = ?",
        (at, at, staff_id),
    )


def zero_free_pages(db: Database) -> None:
    """Overwrite the file's free pages with zeros (callers hold the transaction).

    Pages freed before ``secure_delete`` was on (by another program, or an older file) may still
    hold a name. A table holding one zero-filled blob takes up every free page, and dropping it
    frees them again, zeroed, without the extra room a VACUUM needs (a whole second copy).
    """
    free = db.scalar("PRAGMA freelist_count")
    if not free:
        return
    db.conn.execute(f"CREATE TABLE {_FILL_TABLE} (b BLOB)")
    pages = int(db.scalar("PRAGMA freelist_count"))
    if pages:
        usable = int(db.scalar("PRAGMA page_size"))
        # SQLite keeps `min_local` bytes of a long row in its table page and puts the rest on
        # overflow pages of usable-4 bytes each: this length fills exactly `pages` of them.
        min_local = (usable - 12) * 32 // 255 - 23
        payload = min_local + pages * (usable - 4)
        length = payload - 1 - _varint_size(2 * payload + 12)
        length = payload - 1 - _varint_size(2 * length + 12)
        db.conn.execute(f"INSERT INTO {_FILL_TABLE} VALUES (zeroblob(?))", (length,))
    db.conn.execute(f"DROP TABLE {_FILL_TABLE}")


def _varint_size(value: int) -> int:
    size = 1
    while value >= 0x80 and size < 9:
        value >>= 7
        size += 1
    return size


def _check_room(db: Database) -> None:
    """Refuse (so the transaction rolls back) when the checkpoint after it could not grow the file."""
    if db.path is None or not db.path.exists():
        return
    # The checkpoint writes every page the database now has into the file: beyond its end, it needs room.
    grown = int(db.scalar("PRAGMA page_count")) * int(db.scalar("PRAGMA page_size")) - db.path.stat().st_size
    if grown > 0 and shutil.disk_usage(db.path.parent).free < grown + _SPARE_BYTES:
        raise DiskFullError("The disk is full: nothing was erased. Free some space and try again.")


def erase_staff(db: Database, staff_id: str, actor: str, purge: bool = True) -> ErasureResult:
    """Erase one colleague's personal data in one transaction; return what changed.

    With ``purge`` (the default) old copies of the bytes are then removed from the file and its
    WAL (see :func:`purge_deleted_bytes`). Raises NotFoundError, StoreError (DiskFullError: nothing
    was changed; ConflictError: two unit or tool names would become one, nothing was changed).
    """
    with db.transaction():
        row = db.one("SELECT * FROM staff WHERE id = ?", (staff_id,))
        if row is None:
            raise NotFoundError(f"No colleague with id {staff_id}.")
        if is_erased_row(row):
            raise StoreError("This colleague's personal data has already been erased.")
        now = records.utc_now()
        matcher = erasure_matcher(db, [staff_id])
        logins = recorded_logins(db, [staff_id])
        texts, removed, scrubbed = scrub_everywhere(db, [staff_id], (), matcher)
        anonymise_staff(db, staff_id, now)
        # Someone erasing their own data must not sign the erasure with their name, nor their login.
        records.write_audit(db, ERASED_NAME if matcher.fullmatch(actor) else actor, "staff", staff_id, ERASE_ACTION, {})
        if account_key(records.os_account()) in logins:
            db.conn.execute(
                "UPDATE audit SET os_account = ? WHERE record_id = ? AND action = ?",
                (ERASED_TEXT, staff_id, ERASE_ACTION),
            )
        zero_free_pages(db)
        _check_room(db)
    result = ErasureResult(staff_id, texts, removed, scrubbed)
    if purge:
        result.purge_problem = purge_deleted_bytes(db)
        result.checkpoint_complete = result.purge_problem is None
    return result


BUSY = "busy"
FULL = "full"


def purge_deleted_bytes(db: Database) -> str | None:
    """Clear old copies of changed data from the file and its WAL; return None when done, else BUSY or FULL.

    When the disk has room for a second copy of the file, VACUUM rewrites it (dropping deleted
    text another program left inside pages without ``secure_delete``); then a truncating
    checkpoint writes the new pages over the old ones and empties the WAL. BUSY: another
    connection is reading an older snapshot, whose pages SQLite must keep. FULL: the file could
    not grow by the pages the WAL adds.
    """
    if db.path is None:
        return None
    # A copy a killed backup or merge left in the backups folder holds the name as it was.
    remove_leftovers(default_backup_dir(db.path))
    size = db.path.stat().st_size if db.path.exists() else 0
    if shutil.disk_usage(db.path.parent).free > 2 * size + _SPARE_BYTES:
        try:
            with translate_errors():
                db.conn.execute("VACUUM")
        except DiskFullError:
            pass  # the erasure is whole without it: secure_delete and zero_free_pages cleared what it freed
    try:
        with translate_errors():
            busy, _, _ = db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except DiskFullError:
        return FULL
    return BUSY if busy else None
