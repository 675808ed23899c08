"""Apply the retention rules: find what is due to go, and remove it erasure-grade in one audited transaction.

The rules themselves (their defaults, limits and the dates they give) are the domain's
(``domain/retention.py``); this module gets the cut-off dates as plain values. What goes:

- who raised a concern (``incident.raised_by``) once it closed before ``raised_by_before``;
- the free text of concerns closed before ``text_before`` (description, root cause, response,
  owner): each non-empty value becomes ``[cleared]``, so "has a response" and every count stay;
- colleagues who left (inactive or deleted) before ``leaver_before`` and are not a champion of
  record (flagged champion, trainer of a session, mentor of a pairing): erased as
  ``erasure.erase_staff`` erases one colleague, all in one transaction;
- tombstones (deleted records) deleted before ``tombstone_before`` that no record points at
  (erasure tombstones stay: they keep merges from bringing a colleague back).

The audit log's change records of those fields and records lose the values too; then freed pages
are zeroed, the file vacuumed and the WAL checkpointed (``erasure.purge_deleted_bytes``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from champion_desk.store import erasure, merging, records, schema
from champion_desk.store.connection import Database

RUN_RECORD = "retention"  # the audit record_id of a retention run (table "setting", action "erase")
CLEARED_TEXT = "[cleared]"
CONCERN_TEXT = ("description", "root_cause", "response", "owner")
_CLOSED = "status IN ('addressed', 'closed') AND resolved_on IS NOT NULL"
# Links that make a colleague a champion of record: their name stays on what they led.
_CHAMPION_LINKS = (("training_session", "trainer_id"), ("pairing", "mentor_id"))
_CHUNK = 500


@dataclass(frozen=True)
class Cutoffs:
    """The dates the rules give: records closed, left or deleted before each of them are due."""

    raised_by_before: str
    text_before: str
    leaver_before: str
    tombstone_before: str


@dataclass
class RetentionPlan:
    """What a run would remove: ids per kind (never shown), and counts (shown)."""

    raised_by: list[str] = field(default_factory=list)
    concern_text: list[str] = field(default_factory=list)
    leavers: list[str] = field(default_factory=list)
    tombstones: dict[str, list[str]] = field(default_factory=dict)
    purge_problem: str | None = None  # after applying: None, or erasure.BUSY / erasure.FULL (old copies remain)

    @property
    def empty(self) -> bool:
        return not (self.raised_by or self.concern_text or self.leavers or any(self.tombstones.values()))

    def counts(self) -> dict[str, Any]:
        """Return how many records of each kind would go (no names, no ids)."""
        return {
            "raised_by": len(self.raised_by),
            "concern_text": len(self.concern_text),
            "leavers": len(self.leavers),
            "tombstones": {t: len(ids) for t, ids in self.tombstones.items() if ids},
        }


def plan(db: Database, cutoffs: Cutoffs) -> RetentionPlan:
    """Return what the rules remove from ``db`` as of these cut-off dates (reads only)."""
    result = RetentionPlan()
    raised = db.query(
        f"SELECT id, raised_by FROM incident WHERE {_CLOSED} AND resolved_on < ?", (cutoffs.raised_by_before,)
    )
    # A field cleared here may still be in the audit a merge brought (the other PC's record of it).
    in_audit = _audit_holding(db, [r["id"] for r in raised if r["raised_by"] is None], ("raised_by",), None)
    result.raised_by = sorted(r["id"] for r in raised if r["raised_by"] is not None or r["id"] in in_audit)
    closed = db.query(
        f"SELECT id, {', '.join(CONCERN_TEXT)} FROM incident WHERE {_CLOSED} AND resolved_on < ?",
        (cutoffs.text_before,),
    )
    uncleared = {r["id"] for r in closed if any(r[c] not in (None, "", CLEARED_TEXT) for c in CONCERN_TEXT)}
    in_audit = _audit_holding(db, [r["id"] for r in closed if r["id"] not in uncleared], CONCERN_TEXT, CLEARED_TEXT)
    result.concern_text = sorted(uncleared | in_audit)
    result.leavers = _leavers(db, cutoffs.leaver_before)
    result.tombstones = _tombstones(db, cutoffs.tombstone_before, set(result.leavers))
    return result


def _uncleared() -> str:
    return " OR ".join(f"coalesce({c}, '') NOT IN ('', '{CLEARED_TEXT}')" for c in CONCERN_TEXT)


def _leavers(db: Database, before: str) -> list[str]:
    champion = " OR ".join(f"EXISTS (SELECT 1 FROM {t} WHERE {c} = s.id)" for t, c in _CHAMPION_LINKS)
    # When they left: their deletion, else the last audited change of "in post", else the row's last change.
    left = (
        "coalesce(s.deleted_at, (SELECT max(a.at) FROM audit a WHERE a.record_id = s.id"
        " AND a.changes LIKE '%\"active\"%'), s.updated_at)"
    )
    rows = db.query(
        f"SELECT s.id FROM staff s WHERE (s.active = 0 OR s.deleted_at IS NOT NULL) AND s.is_champion = 0"
        f" AND NOT ({champion}) AND NOT (s.display_name = ? AND s.deleted_at IS NOT NULL AND s.staff_ref IS NULL)"
        f" AND substr({left}, 1, 10) < ? ORDER BY s.id",
        (erasure.ERASED_NAME, before),
    )
    return [r["id"] for r in rows]


def _tombstones(db: Database, before: str, leavers: set[str]) -> dict[str, list[str]]:
    """Return the tombstones deleted before ``before`` that nothing else will still point at."""
    erased = erasure.erased_ids(db) | leavers
    pointing: dict[str, list[tuple[str, str]]] = {}
    for child, links in merging.REFERENCES.items():
        for column, target in links.items():
            pointing.setdefault(target, []).append((child, column))
    going: dict[str, set[str]] = {}
    # Children first: a session's deleted attendances go with it, a live attendance keeps it.
    for table in reversed(merging.merge_order()):
        candidates = {
            r["id"]
            for r in db.query(
                f"SELECT id FROM {table} WHERE deleted_at IS NOT NULL AND substr(deleted_at, 1, 10) < ?", (before,)
            )
        }
        if table == "staff":
            candidates -= erased
        for child, column in pointing.get(table, []):
            if not candidates:
                break
            gone = going.get(child, set())
            # Only the rows pointing at a candidate are read: the links are indexed, the tables large.
            for chunk in _chunks(sorted(candidates)):
                marks = ", ".join("?" for _ in chunk)
                held = {
                    r[column]
                    for r in db.query(f"SELECT id, {column} FROM {child} WHERE {column} IN ({marks})", list(chunk))
                    if r["id"] not in gone
                }
                candidates -= held
        going[table] = candidates
    return {t: sorted(going[t]) for t in schema.RECORD_TABLES if going.get(t)}


def _audit_holding(db: Database, ids: Sequence[str], fields: Sequence[str], replacement: Any) -> set[str]:
    """Return those of ``ids`` whose audit rows still record a value of ``fields`` other than ``replacement``."""
    found: set[str] = set()
    like = " OR ".join("changes LIKE ?" for _ in fields)
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        for row in db.query(
            f"SELECT record_id, changes FROM audit WHERE record_id IN ({marks}) AND ({like})",
            [*chunk, *(f'%"{f}"%' for f in fields)],
        ):
            try:
                changes = json.loads(row["changes"] or "{}")
            except ValueError:
                found.add(row["record_id"])
                continue
            if isinstance(changes, dict) and any(
                _replace(changes[f], replacement) != changes[f] for f in fields if f in changes
            ):
                found.add(row["record_id"])
    return found


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for at in range(0, len(ids), _CHUNK):
        yield ids[at : at + _CHUNK]


def _blank_audit(db: Database, ids: Sequence[str], fields: Iterable[str] | None, replacement: Any) -> None:
    """Replace the values the audit log recorded for ``fields`` of these records (every field when None)."""
    names = None if fields is None else set(fields)
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        for row in db.query(f"SELECT id, changes FROM audit WHERE record_id IN ({marks})", list(chunk)):
            try:
                changes = json.loads(row["changes"] or "{}")
            except ValueError:
                changes = None
            if not isinstance(changes, dict):
                cleaned: Mapping[str, Any] = {}
            elif names is None:
                cleaned = {}
            else:
                cleaned = {k: (_replace(v, replacement) if k in names else v) for k, v in changes.items()}
            text = json.dumps(cleaned, ensure_ascii=False, default=str)
            if text != row["changes"]:
                db.conn.execute("UPDATE audit SET changes = ? WHERE id = ?", (text, row["id"]))


def _replace(value: Any, replacement: Any) -> Any:
    # An update records [old, new]; a creation the value alone.
    if isinstance(value, list):
        return [_replace(v, replacement) for v in value]
    return value if value in (None, "") else replacement


def apply(
    db: Database, cutoffs: Cutoffs, actor: str, rules: Mapping[str, Any], purge_when_empty: bool = False
) -> RetentionPlan:
    """Remove what the rules make due, in one transaction with one audit row; return what went.

    ``rules`` (the values in force) are recorded in the run's audit row with the counts. Old
    copies of the bytes are then cleared from the file and its WAL; ``purge_problem`` says when
    they could not be yet (another reader, a full disk). ``purge_when_empty`` clears them even when
    nothing was due, so running again finishes an earlier run's clean-up. Raises DiskFullError
    (nothing changed) and ConflictError as ``erasure.erase_staff`` does.
    """
    with db.transaction():
        due = plan(db, cutoffs)
        if not due.empty:
            _remove(db, due, actor, rules)
    if not due.empty or purge_when_empty:
        due.purge_problem = erasure.purge_deleted_bytes(db)
    return due


def _remove(db: Database, due: RetentionPlan, actor: str, rules: Mapping[str, Any]) -> None:
    """Write what ``due`` lists as gone, with the run's audit row (callers hold the transaction)."""
    now = records.utc_now()
    for chunk in _chunks(due.raised_by):
        db.conn.execute(
            f"UPDATE incident SET raised_by = NULL, updated_at = ? WHERE raised_by IS NOT NULL AND id IN ({', '.join('?' for _ in chunk)})",
            [now, *chunk],
        )
    _blank_audit(db, due.raised_by, ["raised_by"], None)
    sets = ", ".join(f"{c} = CASE WHEN coalesce({c}, '') = '' THEN {c} ELSE '{CLEARED_TEXT}' END" for c in CONCERN_TEXT)
    for chunk in _chunks(due.concern_text):
        db.conn.execute(
            f"UPDATE incident SET {sets}, updated_at = ? WHERE ({_uncleared()}) AND id IN ({', '.join('?' for _ in chunk)})",
            [now, *chunk],
        )
    _blank_audit(db, due.concern_text, CONCERN_TEXT, CLEARED_TEXT)
    if due.leavers:
        matcher = erasure.erasure_matcher(db, due.leavers)
        erasure.scrub_everywhere(db, due.leavers, (), matcher)
        # A leaver still chosen as who is logging must not sign their own erasure with their name.
        actor = erasure.ERASED_NAME if matcher.fullmatch(actor) else actor
        for staff_id in due.leavers:
            erasure.anonymise_staff(db, staff_id, now)
            records.write_audit(db, actor, "staff", staff_id, erasure.ERASE_ACTION, {"rule": "leaver"})
    # Children before parents, so no link is ever left pointing at a purged row.
    for table in reversed(merging.merge_order()):
        ids = due.tombstones.get(table, [])
        for chunk in _chunks(ids):
            db.conn.execute(f"DELETE FROM {table} WHERE id IN ({', '.join('?' for _ in chunk)})", list(chunk))
        _blank_audit(db, ids, None, None)
    records.write_audit(
        db, actor, "setting", RUN_RECORD, erasure.ERASE_ACTION, {"rules": dict(rules), "removed": due.counts()}
    )
    erasure.zero_free_pages(db)


def last_runs(db: Database, limit: int = 10) -> list[dict[str, Any]]:
    """Return the latest retention runs (from any PC merged in), newest first: when and what went."""
    rows = db.query(
        'SELECT at, changes FROM audit WHERE "table" = ? AND record_id = ? AND action = ? ORDER BY at DESC LIMIT ?',
        ("setting", RUN_RECORD, erasure.ERASE_ACTION, limit),
    )
    out = []
    for row in rows:
        try:
            changes = json.loads(row["changes"])
        except ValueError:
            changes = {}
        out.append({"at": row["at"], "removed": changes.get("removed", {}), "rules": changes.get("rules", {})})
    return out
