"""Write a ward-merge plan into the open database, all of it or nothing (the plan is made in exchange/merge.py).

Everything a merge does to the database happens here, behind :func:`write_merge`, which takes
the plan whole: attaching the other file's private copy, switching per-row reference checks off
and checking the links at the end, suspending the summaries' triggers and recounting them, the
page cache, the transaction. :func:`merge_run` lets a sync merge many files in one write
transaction: each merge is then a savepoint (still whole or not at all) and the summaries are
recounted once, at the end of the run, instead of once per file.

Rows arrive complete (system fields included) and are written as they are: a merge copies
history, it does not make new edits, so ``updated_at`` is never bumped here. That is what makes
merging twice a no-op and merging A into B equal to merging B into A.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from champion_desk.errors import ConflictError, StoreError
from champion_desk.store import erasure, records, summaries
from champion_desk.store.connection import Database, open_foreign, page_cache, sort_helper_threads
from champion_desk.store.importing import Progress, data_fingerprint, report_progress
from champion_desk.store.schema import RECORD_TABLES, TABLE_DDL, columns


def _schema_facts() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Read natural keys (UNIQUE columns) and references (REFERENCES t(id)) from the documented DDL.

    Derived, not listed, so a table added by a later schema version merges correctly on day one.
    """
    keys: dict[str, str] = {}
    refs: dict[str, dict[str, str]] = {}
    for table in RECORD_TABLES:
        for line in TABLE_DDL[table].splitlines()[1:]:
            words = line.strip().rstrip(",)").split()
            if not words:
                continue
            if " UNIQUE" in line and "PRIMARY KEY" not in line:
                keys[table] = words[0]
            found = re.search(r"REFERENCES (\w+)\(id\)", line)
            if found:
                refs.setdefault(table, {})[words[0]] = found.group(1)
    return keys, refs


# Natural keys (unit name, tool name, staff_ref, …): two rows may not share them, even for a
# moment inside the transaction, and rows created apart with the same key are one record.
NATURAL_KEYS, REFERENCES = _schema_facts()


def merge_order() -> tuple[str, ...]:
    """Return the record tables with every table after the tables it references."""
    ordered: list[str] = []
    pending = list(RECORD_TABLES)
    while pending:
        ready = [t for t in pending if all(p in ordered or p == t for p in REFERENCES.get(t, {}).values())]
        if not ready:
            raise StoreError("The schema's references form a cycle; the merge order is undefined.")
        ordered.extend(ready)
        pending = [t for t in pending if t not in ready]
    return tuple(ordered)


ORDER = merge_order()
_BATCH = 2000
MERGE_CACHE_KIB = 262144  # 256 MB of page cache while a merge runs
# A run's merges each read and plan a whole file beside the cache, and a hub's first sync must
# stay within 500 MiB (`make perf` row 10b): less cache, with most indexes made at the end.
RUN_CACHE_KIB = 131072
# Rebuilding a table's secondary indexes costs in proportion to the rows it ends with; keeping them
# up costs in proportion to the rows written, each a random B-tree insert. Rebuilding wins once
# about 3 rows are written per 4 already held (measured at trust scale; `make perf` row 6b).
REBUILD_INDEXES_FROM = 0.75
# CREATE INDEX sorts in runs as large as the page cache: with the merge's big cache a single run
# outgrows the CPU caches, so runs of a few MB merged afterwards are faster.
INDEX_SORT_CACHE_KIB = 16000
# Those runs are sorted by helper threads as well as the merge's own (the other core has at most
# the before-merge backup to do then).
INDEX_SORT_THREADS = 2


@dataclass(frozen=True)
class CopiedRows:
    """A table's new rows to copy in SQL from the same table of an attached file, their links re-pointed (``MergePlan.remap``).

    For the bulk of a merge (a whole other ward's attendances): binding each row from Python costs
    twice what SQLite takes to copy it.
    """

    count: int  # the rows this copy writes
    skipped: Sequence[str]  # ids of the attached table's rows that are not to be copied


@contextmanager
def attached(db: Database, path: Path, name: str = "merge_source") -> Iterator[str]:
    """Attach the database file at ``path``, read-only, as schema ``name`` for the block.

    Outside a transaction (SQLite cannot detach inside one). The connection's ``trusted_schema =
    OFF`` keeps anything the file defines (views, triggers) from running functions.
    """
    if db.conn.in_transaction:
        raise StoreError("A file can only be attached outside a transaction.")
    if db.conn.execute("SELECT 1 FROM pragma_database_list WHERE name = ?", (name,)).fetchone():
        db.conn.execute(f"DETACH DATABASE {name}")  # left by a merge whose detach failed (see below)
    db.conn.execute(f"ATTACH DATABASE ? AS {name}", (f"file:{path.as_posix()}?mode=ro",))
    try:
        yield name
    except BaseException:
        try:
            db.conn.execute(f"DETACH DATABASE {name}")
        except sqlite3.Error:
            pass  # e.g. "locked" while another statement is open: the block's own error is the one to tell
        raise
    db.conn.execute(f"DETACH DATABASE {name}")


def can_attach(db: Database, path: Path) -> bool:
    """True when the file at ``path`` can be attached to ``db``: SQLite attaches only files of the same text encoding."""
    other = open_foreign(path)
    try:
        return other.execute("PRAGMA encoding").fetchone() == db.conn.execute("PRAGMA encoding").fetchone()
    finally:
        other.close()


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    reconciled: int = 0


@dataclass
class MergePlan:
    """What merging would write into the target; ``counts`` per table for the report.

    ``upserts[table]`` are whole rows in schema column order, inserted or replacing the row with
    the same id; ``removals[table]`` are ids to delete outright (duplicates reconciled into another
    record, whose references the upserts re-point); ``audit_rows`` are audit rows in schema order,
    added when their id is new; ``to_erase`` are colleagues the other file erased, whose
    ``erased_names`` are scrubbed everywhere; ``copies[table]`` are new rows to copy in SQL from
    the other file (:class:`CopiedRows`); ``dropped[table]`` the ids of the other file's records
    the result leaves out (nothing may point at them). ``remap`` maps the ids of natural-key
    records reconciled into another to the id kept: the links of copied rows are re-pointed
    through it, and so are those of this file's rows ``repointed[table]`` (ids), whose links are
    all that changes (a ward's usage of a tool that took the other file's id).
    """

    upserts: dict[str, list[tuple]]
    removals: dict[str, list[str]]
    audit_rows: list[tuple]
    to_erase: list[str]
    erased_names: set[str]
    counts: dict[str, TableCounts]
    copies: dict[str, CopiedRows] = field(default_factory=dict)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    repointed: dict[str, list[str]] = field(default_factory=dict)
    remap: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return (
            any(self.upserts.values())
            or any(self.removals.values())
            or bool(self.audit_rows)
            or bool(self.copies)
            or any(self.repointed.values())
        )


class RolledBackError(StoreError):
    """SQLite rolled a run of merges back whole (:func:`merge_run`): none of them is kept."""


@dataclass
class _Run:
    """A run of merges in one write transaction (:func:`merge_run`)."""

    erased: bool = False  # a merge of the run erased a colleague: deleted bytes are purged after the commit


# The run under way on each connection (by id: a sqlite3.Connection takes no attributes).
_RUNS: dict[int, _Run] = {}


@contextmanager
def merge_run(db: Database, incoming_bytes: int = 0) -> Iterator[None]:
    """Run the block's merges (:func:`write_merge`) in one write transaction; commit when it ends.

    Each merge inside is a savepoint of its own: one that fails or is cancelled rolls back whole
    and the others stay. The summaries are recounted once, at the end (a recount reads every record
    the file holds: once per merge, a hub's 60 merges cost 60 recounts of a growing file), and
    links are checked merge by merge. The price: a run killed halfway keeps none of its merges,
    and rows cannot be copied in SQL (SQLite cannot detach a file the transaction has read until it
    ends, and attaches ten at most), so every row is bound from Python. A run inside a run is the outer run. Must be entered outside a transaction.

    ``incoming_bytes``: about how much the run's files hold (their sizes), to choose between
    keeping the indexes up and making them again at the end (as :func:`_indexes_rebuilt_if_bulk`
    does for one table).
    """
    if id(db.conn) in _RUNS:
        yield
        return
    run = _Run()
    with (
        links_checked_at_end(db),
        page_cache(db.conn, RUN_CACHE_KIB),
        db.transaction(),
        summaries.rebuilt_after(db),
        ExitStack() as indexes,
    ):
        if incoming_bytes >= _bytes_held(db) * REBUILD_INDEXES_FROM:
            # A hub's first sync writes many times what it holds: most of its indexes are made once,
            # at the end, instead of kept up through a million inserts (see _indexes_rebuilt).
            for table in ORDER:
                indexes.enter_context(_indexes_rebuilt(db, table, for_run=True))
        _RUNS[id(db.conn)] = run
        try:
            yield
        finally:
            del _RUNS[id(db.conn)]
        if not db.conn.in_transaction:
            # SQLite rolled the whole transaction back on an error (a full disk): the indexes
            # dropped for the run and the summaries' triggers are back, so making them again would
            # fail with SQLite's own words ("index … already exists"). Say what happened instead.
            raise RolledBackError(
                "SQLite rolled the whole sync back after an error (the disk may be full): nothing was merged. "
                "Free some space and sync again."
            )
    if run.erased:
        erasure.purge_deleted_bytes(db)


def can_copy_from(db: Database, path: Path) -> bool:
    """True when a merge into ``db`` can copy rows in SQL from the file at ``path`` (plan with ``copies``).

    Not inside a transaction or a run of merges (a file read there stays attached until it ends), nor
    from a file of another text encoding (SQLite attaches only files of the same one).
    """
    return not db.conn.in_transaction and id(db.conn) not in _RUNS and can_attach(db, path)


def write_merge(
    db: Database,
    plan: MergePlan,
    actor: str,
    source_name: str,
    *,
    copy_from: Path | None = None,
    planned_at: tuple[int, int] | None = None,
    replan: Callable[[bool], MergePlan] | None = None,
    backup: Future | None = None,
    progress: Progress | None = None,
) -> MergePlan:
    """Write ``plan`` into ``db``: all of it, or nothing; return the plan written.

    One transaction of its own, or a savepoint of the :func:`merge_run` under way. ``copy_from``
    is the checked private copy of the other file, which ``plan.copies`` are copied from (its own
    links were checked). ``planned_at`` is ``importing.data_fingerprint`` when the plan was made:
    when the file changed since, ``replan(copies_allowed)`` makes the plan again inside the write
    transaction. ``backup`` is the before-merge backup being taken beside the writes: nothing is
    committed until it is written and verified (a failed backup rolls the merge back). The audit
    gets one "merge" row naming ``source_name`` and the counts. Raises ConflictError when the
    result would break a reference or uniqueness rule, StoreError when the copy no longer matches
    the plan, Cancelled when ``progress`` answers False.
    """
    run = _RUNS.get(id(db.conn))
    if run is not None and not db.conn.in_transaction:
        # SQLite rolls a whole transaction back on some errors (a full disk): the run's merges are
        # gone, and one written now would commit on its own, with link checks off.
        raise StoreError("The sync's earlier merges were rolled back by an error; nothing more is merged in this run.")
    attaching = bool(plan.copies) and run is None
    if plan.copies and not attaching:
        raise StoreError("Rows cannot be copied in SQL inside a run of merges; plan them without copies.")
    # The summaries are recounted once at the end, not by their triggers row by row (summaries.py).
    with (
        links_checked_at_end(db) if run is None else nullcontext(),
        attached(db, copy_from) if attaching and copy_from is not None else nullcontext() as source,
        db.transaction(),
        summaries.rebuilt_after(db),
    ):
        if planned_at is not None and replan is not None and data_fingerprint(db) != planned_at:
            plan = replan(source is not None)
        if plan.to_erase:
            erasure.scrub_everywhere(db, plan.to_erase, plan.erased_names)
        counts = {t: vars(c) for t, c in plan.counts.items() if any(vars(c).values())}
        total = (
            sum(len(v) for v in plan.upserts.values())
            + sum(len(v) for v in plan.repointed.values())
            + sum(c.count for c in plan.copies.values())
        ) or 1
        # Inserting 400,000 rows with random (UUID) keys thrashes the default 2 MB page cache (a run
        # has set its own).
        with page_cache(db.conn, MERGE_CACHE_KIB) if run is None else nullcontext():
            _apply(db, plan, actor, {"from": source_name, **counts}, progress, total, source)
        if backup is not None:
            backup.result()
    if plan.to_erase:
        if run is not None:
            run.erased = True
        else:
            erasure.purge_deleted_bytes(db)
    return plan


def _apply(
    db: Database,
    plan: MergePlan,
    actor: str,
    summary: Mapping[str, Any],
    progress: Progress | None,
    total: int,
    source: str | None,
) -> None:
    order = ORDER  # parents before children
    upserts, removals, copies = plan.upserts, plan.removals, plan.copies
    if copies and source is None:
        raise StoreError("Rows to copy need the attached file to copy them from.")
    if any(plan.repointed.values()) and not plan.remap:
        raise StoreError("Rows to re-point need the ids they are re-pointed to.")
    # The ids no record of the result may point at: those removed, and those the other file held
    # that the merge left out. Without rows copied in SQL, only those of the latter this file holds:
    # rows written from Python have their links looked up (_first_broken_link), and a row this
    # file held pointing at an id it never held was broken before the merge. (A hub's run copies
    # nothing: its merges then no longer scan the attendances for the wards' reconciled colleagues.)
    gone = {t: list(ids) if copies else _held(db, t, ids) for t, ids in plan.dropped.items()}
    for table, ids in removals.items():
        gone.setdefault(table, []).extend(ids)
    remapping = bool(plan.remap) and (bool(copies) or any(plan.repointed.values()))
    if remapping:
        _fill_temp(db, "merge_remap", plan.remap.items())
    done = 0
    try:
        # Parents before children, and removed parents last, so no reference is ever missing on
        # the way: SQLite then checks each with an index lookup instead of scanning child tables.
        # Removed rows nothing points at (duplicate attendances) go first, clearing unique indexes.
        for table in order:
            if table not in NATURAL_KEYS:
                _delete(db, table, removals.get(table, ()))
        for table in order:
            rows = upserts.get(table, ())
            copied = copies.get(table)
            moving = plan.repointed.get(table, ())
            _free_natural_keys(db, table, rows, removals.get(table, ()))
            if not rows and not moving and copied is None:
                continue
            cols = columns(table)
            sql = (
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
                f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols[1:])}"
            )
            writing = len(rows) + len(moving) + (copied.count if copied else 0)
            with _indexes_rebuilt_if_bulk(db, table, writing) as rebuilt:
                # Kept indexes: tombstones first, so a live row never meets the live row it replaces
                # in a unique index; then by the first field (a parent id), so index inserts land
                # near each other. Rebuilt indexes are sorted when they are made: order is moot.
                ordered = rows if rebuilt else sorted(rows, key=lambda r: (r[3] is None, str(r[4] or "")))
                for start in range(0, len(ordered), _BATCH):
                    db.conn.executemany(sql, ordered[start : start + _BATCH])
                    done += len(ordered[start : start + _BATCH])
                    report_progress(progress, done, total)
                if moving:
                    # After the upserts, which hold only final rows: re-pointed, these are final too.
                    _repoint_rows(db, table, moving)
                    done += len(moving)
                    report_progress(progress, done, total)
                if copied is not None:
                    # After the upserts: a copied live attendance may take the place of one they tombstone.
                    _copy_rows(db, table, copied, source, remapping)
                    done += copied.count
                    report_progress(progress, done, total)
        for table in reversed(order):
            if table in NATURAL_KEYS:
                _delete(db, table, removals.get(table, ()))
        audit_cols = columns("audit")
        db.conn.executemany(
            f"INSERT OR IGNORE INTO audit ({', '.join(chr(34) + c + chr(34) for c in audit_cols)}) "
            f"VALUES ({', '.join('?' for _ in audit_cols)})",
            plan.audit_rows,
        )
        for name in ("merge_skipped", "merge_remap", "merge_ids"):
            db.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        broken = _first_broken_link(db, upserts, gone)
    except sqlite3.IntegrityError as exc:
        raise ConflictError(
            "id", "integrity", f"The merge would break a rule of the database ({exc}); nothing was merged."
        ) from exc
    if broken:
        raise ConflictError(
            "id",
            "must refer to existing records",
            f"The merge would leave {broken} records pointing at missing records; nothing was merged.",
        )
    records.write_audit(db, actor, "*", "*", "merge", summary)


@contextmanager
def links_checked_at_end(db: Database) -> Iterator[None]:
    """Switch per-row reference checks off for a bulk merge; :func:`write_merge` checks the links at the end.

    Checking 300,000 attendance links one insert at a time costs more than half of a trust-scale
    merge; checking before commit what the merge wrote (:func:`_first_broken_link`) refuses the
    same broken links.
    Must be entered outside a transaction (SQLite ignores the pragma inside one).
    """
    if db.conn.in_transaction:
        raise StoreError("Reference checks can only be deferred outside a transaction.")
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")


@contextmanager
def _indexes_rebuilt_if_bulk(db: Database, table: str, writing: int) -> Iterator[bool]:
    """Drop ``table``'s own indexes for a bulk write and create them again when it ends; yield whether it does.

    Only when ``writing`` rows is a large share of the table (REBUILD_INDEXES_FROM). Runs inside
    the merge transaction: DDL is transactional, so a failure or a kill restores the indexes with
    the data. A unique index refuses duplicates when it is created instead of row by row (an
    IntegrityError either way). The primary key and UNIQUE columns (unnamed indexes) always stay.
    """
    if writing < _rows_held(db, table) * REBUILD_INDEXES_FROM:
        yield False
        return
    with _indexes_rebuilt(db, table):
        yield True


@contextmanager
def _indexes_rebuilt(db: Database, table: str, for_run: bool = False) -> Iterator[None]:
    """Drop ``table``'s own indexes for the block and create them again after it.

    ``for_run``: for a whole run of merges (:func:`merge_run`), some stay: the unique ones, so a
    file that would break one is refused on its own rather than the whole run at its end, and
    those led by a link to a unit or a tool, which each merge's checks of reconciled records look
    up (:func:`_first_broken_link`, the ``gone`` ids).
    """
    indexes = [
        (name, sql)
        for name, sql in db.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
        )
        if not (for_run and _kept_through_runs(table, sql))
    ]
    # DROP INDEX deletes the index's statistics; a file analysed before keeps them.
    has_stats = db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
    stats = (
        db.conn.execute("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ?", (table,)).fetchall()
        if has_stats
        else []
    )
    for name, _ in indexes:
        db.conn.execute(f'DROP INDEX "{name}"')
    yield
    with page_cache(db.conn, INDEX_SORT_CACHE_KIB), sort_helper_threads(db.conn, INDEX_SORT_THREADS):
        for _, sql in indexes:
            db.conn.execute(sql)
    names = {name for name, _ in indexes}
    kept = [s for s in stats if s[1] in names]
    if kept:
        db.conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", kept)


def _kept_through_runs(table: str, sql: str) -> bool:
    if sql.upper().startswith("CREATE UNIQUE"):
        return True
    leading = re.search(r"\(\s*(\w+)", sql)
    return leading is not None and REFERENCES.get(table, {}).get(leading.group(1)) in RECONCILED_WITH_EVERY_FILE


# Natural-key tables whose records nearly every ward's file reconciles (every ward names the same
# units and tools): a run checks links to their reconciled ids with every file, through the indexes
# led by those links. A colleague held by two wards is rare; links to staff are checked by a scan then.
RECONCILED_WITH_EVERY_FILE = ("unit", "tool")


ID_CHUNK = 500  # ids bound to one IN (...) query
# Up to this share of a table written from Python, its links are looked up row by row; above it
# the whole table is checked (one pass costs less than that many lookups).
_CHECK_WHOLE_TABLE_FROM = 0.125


def _first_broken_link(
    db: Database, upserts: Mapping[str, Sequence[tuple]], gone: Mapping[str, Sequence[str]]
) -> str | None:
    """Return a table the merge left holding a record that points at a missing one, or None.

    Looks only where a merge can break a link, instead of a whole-file foreign_key_check (half a
    second at trust scale, mostly the copied attendances): the rows written from Python, and links
    to the ``gone`` ids. Rows copied as they are point at records their own file holds (it passed
    its link check, and declares the same links and key collations: backups.check_shape); each of
    those is in the result unless it is gone. Rows the merge did not write are left to ``check``:
    the app writes with foreign keys on, and a link already broken in this file (by another tool)
    is not the merge's to refuse.
    """
    for table, rows in upserts.items():
        links = REFERENCES.get(table, {})
        if not rows or not links:
            continue
        if len(rows) > _rows_held(db, table) * _CHECK_WHOLE_TABLE_FROM:
            if db.conn.execute(f"PRAGMA main.foreign_key_check({table})").fetchone() is not None:
                return table
            continue
        # The rows are written exactly as given: the records they point at are looked up once each
        # (a ward's 15,000 attendances point at a few hundred sessions and colleagues).
        cols = columns(table)
        for column, parent in links.items():
            at = cols.index(column)
            wanted = list({r[at] for r in rows if r[at] is not None})
            for start in range(0, len(wanted), ID_CHUNK):
                chunk = wanted[start : start + ID_CHUNK]
                held = db.conn.execute(
                    f"SELECT count(*) FROM main.{parent} WHERE id IN ({', '.join('?' * len(chunk))})", chunk
                ).fetchone()[0]
                if held < len(chunk):
                    return table
    for child, links in REFERENCES.items():
        pointing = [(column, list(gone[parent])) for column, parent in links.items() if gone.get(parent)]
        if pointing and sum(len(ids) for _, ids in pointing) <= ID_CHUNK:
            # One pass over the child for all its links to gone records, not one per link.
            where = " OR ".join(f"{column} IN ({', '.join('?' * len(ids))})" for column, ids in pointing)
            if db.conn.execute(
                f"SELECT 1 FROM main.{child} WHERE {where} LIMIT 1", [i for _, ids in pointing for i in ids]
            ).fetchone():
                return child
            continue
        for column, ids in pointing:
            for at in range(0, len(ids), ID_CHUNK):
                chunk = ids[at : at + ID_CHUNK]
                if db.conn.execute(
                    f"SELECT 1 FROM main.{child} WHERE {column} IN ({', '.join('?' * len(chunk))}) LIMIT 1", chunk
                ).fetchone():
                    return child
    return None


def _held(db: Database, table: str, ids: Sequence[str]) -> list[str]:
    """Return those of ``ids`` this file's ``table`` holds (one primary-key lookup each)."""
    found: list[str] = []
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        found.extend(
            r[0]
            for r in db.conn.execute(f"SELECT id FROM main.{table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
        )
    return found


def _bytes_held(db: Database) -> int:
    """Return the size of this file's pages (what a run's incoming files are weighed against)."""
    return db.conn.execute("PRAGMA page_count").fetchone()[0] * db.conn.execute("PRAGMA page_size").fetchone()[0]


def _rows_held(db: Database, table: str) -> int:
    """Return about how many rows this file's ``table`` holds, to choose between ways of writing or checking it.

    The largest rowid stands in for the count: count(*) walks a whole index, and deleted rows only
    make the estimate a little high.
    """
    return db.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM main.{table}").fetchone()[0]


def _fill_temp(db: Database, name: str, rows: Iterable[tuple[str, str]] | Iterable[tuple[str]]) -> None:
    """Make the temp table ``name`` hold ``rows``: ids (``merge_skipped``, ``merge_ids``) or pairs of ids (``merge_remap``)."""
    key = "gone TEXT PRIMARY KEY, kept TEXT NOT NULL" if name == "merge_remap" else "id TEXT PRIMARY KEY"
    db.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({key}) WITHOUT ROWID")
    db.conn.execute(f"DELETE FROM temp.{name}")
    marks = "?, ?" if name == "merge_remap" else "?"
    db.conn.executemany(f"INSERT INTO temp.{name} VALUES ({marks})", rows)


def _remapped(table: str, column: str, qualified: str) -> str:
    """Return SQL for ``column``'s value re-pointed through ``temp.merge_remap`` when it links to a natural-key table."""
    if REFERENCES.get(table, {}).get(column) not in NATURAL_KEYS:
        return qualified
    return f"coalesce((SELECT r.kept FROM temp.merge_remap r WHERE r.gone = {qualified}), {qualified})"


def _copy_rows(db: Database, table: str, copied: CopiedRows, source: str | None, remapping: bool) -> None:
    """Copy ``table``'s rows from the attached ``source``, all but ``copied.skipped``; check the count.

    ``remapping``: their links are re-pointed through ``temp.merge_remap`` on the way.
    """
    _fill_temp(db, "merge_skipped", ((i,) for i in copied.skipped))
    cols = columns(table)
    values = ", ".join(_remapped(table, c, f"s.{c}") if remapping else f"s.{c}" for c in cols)
    written = db.conn.execute(
        f"INSERT INTO main.{table} ({', '.join(cols)}) SELECT {values} FROM {source}.{table} AS s "
        "WHERE s.id NOT IN (SELECT id FROM temp.merge_skipped)"
    ).rowcount
    if written != copied.count:
        # The file changed since it was read and planned: the plan no longer describes it.
        raise StoreError(
            f"The other file's {table} records are not the ones read for the merge "
            f"({written} to copy, {copied.count} expected); nothing was merged."
        )


def _repoint_rows(db: Database, table: str, ids: Sequence[str]) -> None:
    """Re-point the links of this file's ``table`` rows ``ids`` through ``temp.merge_remap``; check the count.

    Only the links change: one UPDATE instead of binding every field of 80,000 rows from Python.
    """
    _fill_temp(db, "merge_ids", ((i,) for i in ids))
    links = [c for c, parent in REFERENCES.get(table, {}).items() if parent in NATURAL_KEYS]
    assignments = ", ".join(f"{c} = {_remapped(table, c, f'{table}.{c}')}" for c in links)
    written = db.conn.execute(
        f"UPDATE main.{table} SET {assignments} WHERE id IN (SELECT id FROM temp.merge_ids)"
    ).rowcount
    if written != len(ids):
        raise StoreError(
            f"This file's {table} records are not the ones read for the merge "
            f"({written} to re-point, {len(ids)} expected); nothing was merged."
        )


def _delete(db: Database, table: str, ids: Sequence[str]) -> None:
    db.conn.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids])


def _free_natural_keys(db: Database, table: str, rows: Sequence[tuple], removed: Sequence[str]) -> None:
    """Park the natural key of rows about to change it or be removed, so no two rows collide on the way."""
    key = NATURAL_KEYS.get(table)
    if key is None:
        return
    pos = columns(table).index(key)
    if len(rows) * 4 >= _rows_held(db, table):
        current = dict(db.conn.execute(f"SELECT id, {key} FROM {table}").fetchall())
    else:
        # A ward's 900 colleagues into a hub holding 50,000: look them up rather than read them all.
        current = {}
        ids = [r[0] for r in rows]
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            current.update(
                db.conn.execute(
                    f"SELECT id, {key} FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk
                ).fetchall()
            )
    moving = [r[0] for r in rows if r[0] in current and current[r[0]] != r[pos]] + list(removed)
    placeholder = "NULL" if key == "staff_ref" else "'(merging) ' || id"
    db.conn.executemany(f"UPDATE {table} SET {key} = {placeholder} WHERE id = ?", [(i,) for i in moving])
