"""Merge another ward's database into this one: read it safely, work out the union, report, apply.

The rule set (issue 6), as one pure function of the two files, :func:`union`:

- records match by id; of two versions the newer ``updated_at`` wins (a tombstone sets
  ``updated_at`` when it is made, so "a tombstone wins unless edited after it" is the same rule;
  on a tie the tombstone wins, then a fixed order of the values decides);
- an erased colleague's tombstone always wins, and their name is scrubbed from every free text;
- units, tools and staff created separately with the same natural key (unit name, tool name,
  ``staff_ref``; case and spacing ignored) become one record: the smallest id, the newest values;
  every reference to the others is re-pointed;
- after re-pointing, two live attendances of one person at one session become one.

Because the result depends only on the set of versions, merging twice changes nothing and
merging A into B gives the same records as B into A. The other file is untrusted: it is checked
and copied (store.foreign.checked_copy) and only the copy is read.
"""

from __future__ import annotations

import gc
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from champion_desk.errors import ChampionDeskError, CorruptDatabaseError
from champion_desk.store import erasure, merging, sealed
from champion_desk.store.backups import backup_database, default_backup_dir
from champion_desk.store.connection import Database, connect
from champion_desk.store.foreign import CopyUnderCheck, checked_copy
from champion_desk.store.importing import data_fingerprint, report_progress
from champion_desk.store.schema import columns

# The plan is the store's type: the store writes it whole (merging.write_merge).
MergePlan, TableCounts = merging.MergePlan, merging.TableCounts
ORDER = merging.ORDER
NATURAL_KEYS = merging.NATURAL_KEYS
REFERENCES = merging.REFERENCES
ID, CREATED, UPDATED, DELETED = 0, 1, 2, 3

Row = tuple
Tables = dict[str, dict[str, Row]]


class MergeError(ChampionDeskError):
    """The merge was refused before anything was read or written."""


@dataclass
class Snapshot:
    """Every record (tombstones included) of one file, the ids it erased, and its audit rows."""

    tables: Tables
    erased: set[str]
    audit: dict[str, Row] = field(default_factory=dict)
    # Per table, ids of records left unread (read_target) that point at a record reconciled into
    # another and that the union changes in nothing else: their links are re-pointed in SQL.
    repoint_only: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class MergeReport:
    """The outcome shown to the user."""

    other: Path
    counts: dict[str, TableCounts]
    changed: bool
    written: bool = False
    backup: Path | None = None

    def lines(self) -> list[str]:
        width = max(len(t) for t in ORDER) + 2
        out = [
            f"Merge from {self.other}:",
            f"  {'table':<{width}}{'added':>8}{'updated':>9}{'deleted':>9}{'reconciled':>12}",
        ]
        for table in ORDER:
            c = self.counts[table]
            out.append(f"  {table:<{width}}{c.added:>8}{c.updated:>9}{c.deleted:>9}{c.reconciled:>12}")
        if self.backup:
            out.append(f"A backup taken before the merge: {self.backup}")
        return out


def read_snapshot(conn: sqlite3.Connection, with_audit: bool = False) -> Snapshot:
    """Read every record of every table through ``conn`` (one read transaction)."""
    started = not conn.in_transaction
    if started:
        conn.execute("BEGIN")
    try:
        tables = {t: {r[0]: r for r in conn.execute(f"SELECT {', '.join(columns(t))} FROM {t}")} for t in ORDER}
        erased = {
            r[0]
            for r in conn.execute(
                'SELECT record_id FROM audit WHERE action = ? AND "table" = ?', (erasure.ERASE_ACTION, "staff")
            )
        }
        audit_cols = ", ".join(f'"{c}"' for c in columns("audit"))
        audit = (
            {r[0]: r for r in conn.execute(f"SELECT {audit_cols} FROM audit")}
            if with_audit
            else {r[0]: () for r in conn.execute("SELECT id FROM audit")}
        )
    finally:
        if started:
            conn.execute("COMMIT")
    return Snapshot(tables, erased, audit)


def read_target(conn: sqlite3.Connection, other: Snapshot) -> Snapshot:
    """Read the records of this file that merging ``other`` into it can change (one read transaction).

    :func:`union` of the result and ``other`` gives every changed record exactly as with the whole
    file, but those named in ``repoint_only``, and the records left unread are the ones it would keep
    as they are: the natural-key tables are read whole; of the others, the rows ``other`` also
    holds and the attendances at sessions both files hold. Of the rows pointing at a record
    reconciled into another, only the ids are read (``repoint_only``) unless they are read for
    those reasons: the union changes nothing else in them, and the merge re-points them in SQL
    (a ward's 80,000 usage rows of a tool that took the other file's id). When either file erased
    a colleague whose name ``other`` still holds, everything is read (the name is then scrubbed
    from free text anywhere).
    """
    started = not conn.in_transaction
    if started:
        conn.execute("BEGIN")
    try:
        mine = _read_natural_keys(conn)
        keys_only = Snapshot({t: other.tables[t] if t in NATURAL_KEYS else {} for t in ORDER}, other.erased)
        reconciling = union(mine, keys_only)
        remap, erased_names = reconciling.remap, reconciling.erased_names
        if erased_names:
            return read_snapshot(conn)
        # This file's ids reconciled into another, by the natural-key table that holds them: its
        # rows can only point at records it holds (the other file's ids reconciled into ours are
        # pointed at by none of ours; looking for them scanned a hub's attendances for a colleague
        # two wards share).
        remapped = {t: [i for i in remap if i in mine.tables[t]] for t in NATURAL_KEYS if remap}
        shared_sessions: set[str] = set()
        for table in ORDER:
            if table in NATURAL_KEYS:
                continue
            select = f"SELECT {', '.join(columns(table))} FROM {table}"
            shared, held = _shared_ids(conn, table, other.tables[table])
            if table == "training_session":
                shared_sessions = shared
            per_session = table in ("attendance", "invitation")
            lookups = [("id", shared)] + ([("session_id", shared_sessions)] if per_session else [])
            if sum(len(values) for _, values in lookups) * 4 > held or len(remap) > merging.ID_CHUNK:
                # Many rows wanted: one pass over the table costs less than looking each up.
                mine.tables[table] = {r[0]: r for r in conn.execute(select)}
                continue
            rows = mine.tables[table]
            # Only the links to a table that had records reconciled: wards reconcile units and tools
            # with nearly every merge, colleagues seldom, and a link column without a lookup is a scan.
            pointing = [
                (column, remapped[target])
                for column, target in REFERENCES.get(table, {}).items()
                if remapped.get(target)
            ]
            pointing_ids: set[str] = set()
            if pointing:
                where = " OR ".join(f"{column} IN ({', '.join('?' * len(keys))})" for column, keys in pointing)
                pointing_ids.update(
                    r[0]
                    for r in conn.execute(
                        f"SELECT id FROM {table} WHERE {where}", [k for _, keys in pointing for k in keys]
                    )
                )
            for column, values in lookups:
                values = list(values)
                for at in range(0, len(values), merging.ID_CHUNK):
                    chunk = values[at : at + merging.ID_CHUNK]
                    rows.update(
                        (r[0], r)
                        for r in conn.execute(f"{select} WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk)
                    )
            if pointing_ids:
                mine.repoint_only[table] = sorted(pointing_ids.difference(rows))
    finally:
        if started:
            conn.execute("COMMIT")
    return mine


def _shared_ids(conn: sqlite3.Connection, table: str, theirs: dict[str, Row]) -> tuple[set[str], int]:
    """Return the ids of ``theirs`` this file's ``table`` holds too, and about how many rows it holds.

    A hub merging one ward among sixty holds twenty times the ward's rows: looking the ward's ids
    up costs a fraction of reading every id the hub holds (which grew with each ward merged).
    """
    held = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]  # deleted rows only make it high
    if len(theirs) * 4 >= held:
        ids = {r[0] for r in conn.execute(f"SELECT id FROM {table}")}
        return theirs.keys() & ids, len(ids)
    wanted = list(theirs)
    shared: set[str] = set()
    for at in range(0, len(wanted), merging.ID_CHUNK):
        chunk = wanted[at : at + merging.ID_CHUNK]
        shared.update(
            r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
        )
    return shared, held


def _read_natural_keys(conn: sqlite3.Connection) -> Snapshot:
    """Return the natural-key tables whole, the erased ids and the audit ids; every other table empty."""
    tables: Tables = {t: {} for t in ORDER}
    for table in NATURAL_KEYS:
        tables[table] = {r[0]: r for r in conn.execute(f"SELECT {', '.join(columns(table))} FROM {table}")}
    erased = {
        r[0]
        for r in conn.execute(
            'SELECT record_id FROM audit WHERE action = ? AND "table" = ?', (erasure.ERASE_ACTION, "staff")
        )
    }
    return Snapshot(tables, erased, {r[0]: () for r in conn.execute("SELECT id FROM audit")})


def newer(a: Row, b: Row) -> Row:
    """Return the winning version of one record: newer ``updated_at``, then tombstone, then a fixed order.

    The winner keeps the earlier ``created_at`` of the two, so the result does not depend on
    which file a version came from (the function is commutative and associative).
    """
    if a == b:
        return a
    ka, kb = (a[UPDATED], a[DELETED] is not None), (b[UPDATED], b[DELETED] is not None)
    if ka != kb:
        winner = a if ka > kb else b
    else:
        winner = a if repr(a[UPDATED:]) > repr(b[UPDATED:]) else b
    created = min(a[CREATED], b[CREATED])
    return winner if winner[CREATED] == created else (winner[ID], created, *winner[UPDATED:])


def _is_erased(row: Row) -> bool:
    # Anonymous is what counts, deleted or not: a local undelete must not let a named version win.
    cols = columns("staff")
    return row[cols.index("display_name")] == erasure.ERASED_NAME and row[cols.index("staff_ref")] is None


class Union(NamedTuple):
    """The union of two snapshots (:func:`union`)."""

    final: Tables  # the merged records
    remap: dict[str, str]  # ids reconciled into another record: the id kept
    erased_names: set[str]  # names of erased colleagues, scrubbed from free text
    reconciled: Counter  # records reconciled per table
    # Per table, the records whose only change in the union is their links re-pointed through
    # ``remap``: id -> (the version re-pointed, the very tuple it became). A merge writes those in
    # SQL (a ward's 80,000 usage rows pointing at a tool that took the other file's id).
    repointed: dict[str, dict[str, tuple[Row, Row]]]


def union(a: Snapshot, b: Snapshot) -> Union:
    """Return the merged records, the ids reconciled, the erased names and what was reconciled and re-pointed.

    A pure function of the two snapshots, symmetric in them.
    """
    final: Tables = {}
    for table in ORDER:
        mine, theirs = a.tables[table], b.tables[table]
        merged = {**mine, **theirs}
        for record_id in mine.keys() & theirs.keys():
            merged[record_id] = newer(mine[record_id], theirs[record_id])
        final[table] = merged
    staff_cols = columns("staff")
    name_at, ref_at = staff_cols.index("display_name"), staff_cols.index("staff_ref")
    erased_names: set[str] = set()
    for record_id in a.erased | b.erased:
        versions = [s.tables["staff"][record_id] for s in (a, b) if record_id in s.tables["staff"]]
        tombstones = [v for v in versions if _is_erased(v)]
        erased_names |= {n for v in versions if not _is_erased(v) for n in (v[name_at], v[ref_at]) if n}
        if tombstones:
            final["staff"][record_id] = reduce(newer, tombstones)
    remap: dict[str, str] = {}
    reconciled: Counter = Counter()
    repointed: dict[str, dict[str, tuple[Row, Row]]] = {}
    for table, key in NATURAL_KEYS.items():
        pos = columns(table).index(key)
        groups: dict[str, list[str]] = {}
        for record_id, row in final[table].items():
            if row[pos] is not None:
                groups.setdefault(" ".join(str(row[pos]).split()).casefold(), []).append(record_id)
        rows = final[table]
        for ids in groups.values():
            if len(ids) < 2:
                continue
            keep = min(ids)
            winner = reduce(newer, (rows[i] for i in ids))
            for i in ids:
                if i != keep:
                    remap[i] = keep
                    del rows[i]
                    reconciled[table] += 1
            rows[keep] = (keep, *winner[CREATED:])
    if remap:
        repointed = _repoint(final, remap)
    # Two live attendances of one person at one session can only meet when both files hold the session.
    shared_sessions = a.tables["training_session"].keys() & b.tables["training_session"].keys()
    if shared_sessions:
        reconciled["attendance"] += _one_attendance_per_person(final["attendance"], shared_sessions)
        reconciled["invitation"] += _one_attendance_per_person(final["invitation"], shared_sessions, "invitation")
    if erased_names:
        _scrub_names(final, erased_names)
    return Union(final, remap, erased_names, reconciled, repointed)


def _repoint(final: Tables, remap: dict[str, str]) -> dict[str, dict[str, tuple[Row, Row]]]:
    made: dict[str, dict[str, tuple[Row, Row]]] = {}
    for table in ORDER:
        cols = columns(table)
        positions = [cols.index(f) for f, target in REFERENCES.get(table, {}).items() if target in NATURAL_KEYS]
        if not positions:
            continue
        rows = final[table]
        # One pass per reference column, in C (compress, map): a trust-scale file has a million rows to look at.
        hits: set[str] = set()
        for p in positions:
            hits.update(compress(rows.keys(), map(remap.__contains__, map(itemgetter(p), rows.values()))))
        here = made[table] = {}
        for record_id in hits:
            row = rows[record_id]
            fixed = list(row)
            for p in positions:
                fixed[p] = remap.get(fixed[p], fixed[p])
            rows[record_id] = tuple(fixed)
            here[record_id] = (row, rows[record_id])
    return made


def _one_attendance_per_person(rows: dict[str, Row], sessions: set[str], table: str = "attendance") -> int:
    # An invitation is one per person per session as well (its own unique index).
    cols = columns(table)
    session_at, staff_at = cols.index("session_id"), cols.index("staff_id")
    live: dict[tuple[str, str], list[Row]] = {}
    for row in rows.values():
        if row[DELETED] is None and row[session_at] in sessions:
            live.setdefault((row[session_at], row[staff_at]), []).append(row)
    dropped = 0
    for versions in live.values():
        if len(versions) > 1:
            keep = reduce(newer, versions)[ID]
            for row in versions:
                if row[ID] != keep:
                    del rows[row[ID]]
                    dropped += 1
    return dropped


def _scrub_names(final: Tables, names: set[str]) -> None:
    pattern = erasure.name_pattern(names)
    for table in ORDER:
        if table == "staff":
            continue
        cols = columns(table)
        positions = [cols.index(c) for c in erasure.text_columns(table)]
        rows = final[table]
        for record_id, row in rows.items():
            if any(row[p] and pattern.search(row[p]) for p in positions):
                fixed = list(row)
                for p in positions:
                    fixed[p] = erasure.scrub(fixed[p], pattern)
                rows[record_id] = tuple(fixed)


def plan_merge(target: Snapshot, other: Snapshot, copies_allowed: bool = True) -> MergePlan:
    """Return what must be written into ``target`` so it holds the union of both files.

    ``copies_allowed=False``: no row is to be copied from the other file (it cannot be attached
    to copy from): its rows are written from Python.
    """
    final, remap, erased_names, reconciled, made = union(target, other)
    upserts: dict[str, list[Row]] = {}
    removals: dict[str, list[str]] = {}
    counts: dict[str, TableCounts] = {}
    copies: dict[str, merging.CopiedRows] = {}
    dropped: dict[str, list[str]] = {}
    repointed: dict[str, list[str]] = {}
    for table in ORDER:
        before, after = target.tables[table], final[table]
        c = counts[table] = TableCounts(reconciled=reconciled[table])
        get = before.get
        theirs = other.tables[table].get
        # Natural-key rows may have to make way for each other (merging._free_natural_keys): bound.
        made_here = {} if table in NATURAL_KEYS else made.get(table, {})
        # A record reconciled with one of ours may keep the other file's id: to a reader it is
        # ours, updated, not a new one (12 wards on both PCs must not read "7 added").
        replacing = {keep for gone, keep in remap.items() if gone in before}
        bound: list[Row] = []  # the changed rows but those written in SQL (below)
        as_they_are: list[Row] = []  # new here, and the other file's version, maybe re-pointed: copied in SQL
        in_place = list(target.repoint_only.get(table, ()))  # ours with only their links re-pointed: in SQL
        c.updated += len(in_place)
        # One pass over a million rows at trust scale. "is": the union keeps the very tuple it read
        # unless it made a new version, and _repoint names the tuples it made and from which.
        for record_id, row in after.items():
            old = get(record_id)
            if old is row:
                continue  # most of this file's rows
            was, became = made_here.get(record_id, _NOT_MADE) if made_here else _NOT_MADE
            if old is None:
                if row[DELETED] is not None:
                    c.deleted += 1
                elif record_id in replacing:
                    c.updated += 1
                else:
                    c.added += 1
                there = theirs(record_id)
                if there is row or (became is row and was is there):
                    as_they_are.append(row)
                else:
                    bound.append(row)
                continue
            if old == row:
                continue
            if row[DELETED] is not None and old[DELETED] is None:
                c.deleted += 1
            else:
                c.updated += 1
            if became is row and was is old:
                in_place.append(record_id)
            else:
                bound.append(row)
        copied = _copied_as_they_are(table, as_they_are, other.tables[table]) if copies_allowed else None
        if copied is not None:
            copies[table] = copied
        upserts[table] = bound if copied is not None else bound + as_they_are
        repointed[table] = in_place
        removals[table] = [record_id for record_id in before if record_id not in after]
        if table in _REFERENCED:
            dropped[table] = [record_id for record_id in other.tables[table] if record_id not in after]
    to_erase = sorted(
        i for i in other.erased if i in target.tables["staff"] and not _is_erased(target.tables["staff"][i])
    )
    audit_rows = _incoming_audit(target, other, erased_names)
    return MergePlan(
        upserts, removals, audit_rows, to_erase, erased_names, counts, copies, dropped, repointed, dict(remap)
    )


_NOT_MADE = (None, None)
_REFERENCED = {parent for links in REFERENCES.values() for parent in links.values()}


# Copying new rows in SQL pays once a table has this many, and at least twice as many as the other
# file's rows that must be left out of the copy (each of those is bound from Python instead).
COPY_IN_SQL_FROM = 1000


def _copied_as_they_are(table: str, rows: list[Row], theirs: dict[str, Row]) -> merging.CopiedRows | None:
    """Return the new ``rows`` of ``table`` taken from the other file as CopiedRows, when worth copying in SQL.

    Each is the other file's row, or that row with its links re-pointed (the copy re-points them
    as it goes). The other file's rows scrubbed, dropped or made anew by the union, and those this
    file already holds, are left out of the copy.
    """
    if table in NATURAL_KEYS or len(rows) < COPY_IN_SQL_FROM:
        return None  # natural-key rows may have to make way for each other (merging._free_natural_keys)
    taking = {row[ID] for row in rows}
    skipped = [record_id for record_id in theirs if record_id not in taking]
    if len(skipped) * 2 > len(rows):
        return None
    return merging.CopiedRows(len(rows), skipped)


def _incoming_audit(target: Snapshot, other: Snapshot, erased_names: set[str]) -> list[Row]:
    """Return the other file's audit rows the target lacks, without anything about erased colleagues."""
    cols = columns("audit")
    actor_at, record_at, action_at, changes_at = (cols.index(c) for c in ("actor", "record_id", "action", "changes"))
    erased = target.erased | other.erased
    pattern = erasure.name_pattern(erased_names)
    rows = []
    for audit_id, row in other.audit.items():
        if audit_id in target.audit or (row[record_at] in erased and row[action_at] != erasure.ERASE_ACTION):
            continue
        if pattern is not None:
            fixed = list(row)
            fixed[actor_at] = (
                erasure.ERASED_NAME
                if pattern.fullmatch(row[actor_at].strip())
                else erasure.scrub(row[actor_at], pattern)
            )
            # Read as JSON: a name with a line break or an accent is escaped in the text (as \n, \u00e9).
            fixed[changes_at] = erasure.scrub_json(row[changes_at], pattern)
            row = tuple(fixed)
        rows.append(row)
    return rows


@contextmanager
def _read_other(other_path: Path, scratch_in: Path | None) -> Iterator[tuple[Snapshot, CopyUnderCheck]]:
    """Copy another ward's file privately and yield every record of the copy, and the copy, while the file is checked.

    What the block works out from the records may be acted on only after the copy's
    ``wait_until_checked()``; leaving the block waits for the check too, and a refusal replaces
    the block's outcome (``checked_copy``'s ``read_while_checked``). So reading and planning
    overlap the check instead of following it. The copy lasts as long as the block, in ``scratch_in``.
    """
    # Its links are checked (beside reading and planning): the rows copied from it as they are
    # are not looked at again (merging._first_broken_link). Unreadable text is found by reading
    # every row below, so that needs no pass of its own.
    with checked_copy(
        other_path, check_links=True, check_text=False, read_while_checked=True, scratch_in=scratch_in
    ) as copy:
        conn = sqlite3.connect(f"file:{copy.path.as_posix()}?mode=ro", uri=True)
        try:
            other = read_snapshot(conn, with_audit=True)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            # Only the kind of damage is named: SQLite's message quotes the stored text (maybe a concern).
            raise CorruptDatabaseError(
                f"{other_path} could not be read: it is damaged ({exc.__class__.__name__})."
            ) from exc
        finally:
            conn.close()
        check_text_lengths(other, other_path)
        yield other, copy


def check_text_lengths(snapshot: Snapshot, path: Path) -> None:
    """Raise MergeError when a record of ``snapshot`` holds text longer than the app lets anyone save.

    Such a file was not written by Champion Desk's own rules (domain.validation.TEXT_LIMITS), and
    its text would not fit where the app shows it. The message names the table, the field and the
    rule, never the text (it may be a concern).
    """
    from champion_desk.domain.validation import TEXT_LIMITS

    for table, limits in TEXT_LIMITS.items():
        cols = columns(table)
        checks = [(cols.index(f), f, limit) for f, limit in limits.items() if f in cols]
        for row in snapshot.tables.get(table, {}).values():
            for i, field_name, limit in checks:
                value = row[i]
                if isinstance(value, str) and len(value) > limit:
                    raise MergeError(
                        f"{path.name} was not merged: {table} {field_name} (record {row[ID]}) is {len(value):,} "
                        f"characters; at most {limit:,} are allowed."
                    )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while snapshots are built and compared.

    Two trust-scale snapshots are two million tuples: each full collection walks them all, which
    cost about 15% of reading and planning. Nothing made there forms a cycle; refcounting frees it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def merge_database(
    db: Database,
    other_path: Path | str,
    actor: str,
    *,
    dry_run: bool = False,
    backup: bool = True,
    progress: Callable[[int, int], None] | None = None,
    passphrase: str | None = None,
) -> MergeReport:
    """Merge another Champion Desk file into ``db`` in one transaction; return the MergeReport.

    A sealed file (``store.sealed``: a ward's encrypted snapshot or backup) is opened with
    ``passphrase`` into a private copy, which is then read as any other file.

    The other file is checked (application id, schema version, integrity_check, what it holds) and
    read from a private copy, never written. A verified backup of ``db`` is taken before the merge
    commits. Raises NotADeskDatabaseError, NewerVersionError, CorruptDatabaseError, MergeError,
    ConflictError.
    """
    other_path = Path(other_path)
    if db.path is not None and other_path.exists() and other_path.resolve() == Path(db.path).resolve():
        raise MergeError("That is this database itself; choose another ward's file.")
    # The snapshots are freed when _merge returns, still inside the pause: the collector then
    # never walks them, neither while they grow nor on its first run after.
    with _cyclic_gc_paused(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="merge") as worker:
        return _merge(db, other_path, actor, worker, dry_run, backup, progress, passphrase)


def _merge(
    db: Database,
    other_path: Path,
    actor: str,
    worker: ThreadPoolExecutor,
    dry_run: bool,
    backup: bool,
    progress: Callable[[int, int], None] | None,
    passphrase: str | None = None,
) -> MergeReport:
    # The private copy lives in the logbook's backups folder, where a later run removes a killed one's.
    scratch = default_backup_dir(db.path) if db.path is not None else None
    with sealed.opened(other_path, passphrase, scratch) as plain, _read_other(plain, scratch) as (other, copy):
        # Checking, reading and planning have no row counts to show; these calls let Cancel stop them.
        report_progress(progress, 0, 0)
        planned_at = data_fingerprint(db)
        # New rows the other file holds as they are are copied from it in SQL (plan.copies) when it can be attached.
        plan = plan_merge(read_target(db.conn, other), other, copies_allowed=merging.can_copy_from(db, copy.path))
        copy.wait_until_checked()  # only now is the other file known to pass its check
        report = MergeReport(other_path, plan.counts, plan.changed)
        if dry_run or not plan.changed:
            return report
        report_progress(progress, 0, 0)
        backing_up = worker.submit(_backup_before_merge, Path(db.path)) if backup and db.path is not None else None
        plan = merging.write_merge(
            db,
            plan,
            actor,
            other_path.name,
            copy_from=copy.path,
            planned_at=planned_at,
            # Only when this file changed since it was read (another connection wrote): planned again, inside the write.
            replan=lambda copies_allowed: plan_merge(read_target(db.conn, other), other, copies_allowed=copies_allowed),
            backup=backing_up,
            progress=progress,
        )
        report.counts = plan.counts
        report.backup = backing_up.result() if backing_up is not None else None
    report.written = True
    return report


def _backup_before_merge(path: Path) -> Path:
    """Back up the file at ``path`` through a connection of its own; return the backup's path.

    Run beside the merge's write transaction: a second connection reads the last committed state
    (WAL), so the copy is the file as it was before the merge, whatever the merge has written so far.
    """
    with Database(connect(path, readonly=True), path, readonly=True) as source:
        return backup_database(source, reason="before-merge")
