"""Save operations: validate a record, warn about patient identifiers, then write it in one transaction.

Pages, importers and the CLI call these with plain values; they never write SQL themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from champion_desk.domain.validation import identifier_findings, validate
from champion_desk.errors import PatientIdentifierWarning, ValidationError
from champion_desk.store import records
from champion_desk.store.connection import Database

# The schema's defaults, applied before validation so a new record is judged as it will be stored.
DEFAULTS: dict[str, dict[str, Any]] = {
    "staff": {"is_champion": 0, "active": 1},
    "tool": {"stage": "planned"},
    "incident": {"severity": "medium", "status": "open"},
    "pairing": {"progress": 0, "status": "active"},
    "attendance": {"signed_off": 0},
    "idea": {"status": "new"},
    "idea_support": {"backers": 1},
}


def normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return values with text trimmed, blank text as None and booleans as 0/1."""
    out = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip() or None
        elif isinstance(value, bool):
            value = int(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out


def _full_record(db: Database, table: str, values: dict[str, Any], record_id: str | None) -> dict[str, Any]:
    if record_id is None:
        return {**DEFAULTS.get(table, {}), **values}
    current = records.get(db, table, record_id)
    editable = records.editable_fields(table)
    return {**{k: current[k] for k in editable}, **values}


def save(
    db: Database,
    table: str,
    values: Mapping[str, Any],
    actor: str,
    record_id: str | None = None,
    acknowledge_identifiers: bool = False,
    today: dt.date | None = None,
) -> str:
    """Create (no ``record_id``) or update a record after checking every rule; return its id.

    Raises ValidationError naming the field and rule; PatientIdentifierWarning when free text
    looks like a patient identifier and ``acknowledge_identifiers`` is False; NotFoundError.
    Nothing is written unless everything passes.
    """
    clean = normalise(values)
    with db.transaction():
        full = _full_record(db, table, clean, record_id)
        validate(db, table, full, record_id, today)
        findings = identifier_findings(table, full, today)
        if findings and not acknowledge_identifiers:
            raise PatientIdentifierWarning(findings)
        if record_id is None:
            return records.insert(db, table, {k: v for k, v in full.items() if v is not None}, actor)
        records.update(db, table, record_id, clean, actor)
        return record_id


def _attendee_name(db: Database, staff_id: Any) -> str:
    row = db.one("SELECT display_name FROM staff WHERE id = ?", (staff_id,))
    return row["display_name"] if row else "an attendee"


def save_session(
    db: Database,
    session: Mapping[str, Any],
    attendees: Iterable[Mapping[str, Any]],
    actor: str,
    session_id: str | None = None,
    acknowledge_identifiers: bool = False,
    today: dt.date | None = None,
) -> str:
    """Save a training session and exactly this list of attendees in one transaction; return its id.

    Each attendee is a mapping with ``staff_id`` and optionally confidence_before/after,
    signed_off, signed_off_by, signed_off_on. Attendees no longer listed are tombstoned.
    An attendee's broken rule is raised with field ``attendees.N.FIELD`` (N from 0).
    """
    rows = [normalise(a) for a in attendees]
    seen: dict[Any, int] = {}
    for index, row in enumerate(rows):
        if row.get("staff_id") is None:
            raise ValidationError(f"attendees.{index}.staff_id", "is required", f"Attendee {index + 1}: choose a colleague.")
        if row["staff_id"] in seen:
            raise ValidationError(
                f"attendees.{index}.staff_id", "one attendance per person per session",
                f"{_attendee_name(db, row['staff_id'])} is listed twice.",
            )
        seen[row["staff_id"]] = index
    held_on = normalise(session).get("held_on")
    if not rows and isinstance(held_on, str) and held_on <= (today or dt.date.today()).isoformat():
        raise ValidationError("attendees", "at least one attendee once the session is held",
                              "Add who attended: a session already held needs at least one attendee.")
    with db.transaction():
        session_id = save(db, "training_session", session, actor, session_id, acknowledge_identifiers, today)
        current = {a["staff_id"]: a for a in records.find(db, "attendance", session_id=session_id)}
        for staff_id, existing in current.items():
            if staff_id not in seen:
                records.delete(db, "attendance", existing["id"], actor)
        for index, row in enumerate(rows):
            fields = {k: v for k, v in row.items() if k != "id"}
            fields["session_id"] = session_id
            existing = current.get(row["staff_id"])
            try:
                save(db, "attendance", fields, actor, existing["id"] if existing else None, True, today)
            except ValidationError as exc:
                raise ValidationError(
                    f"attendees.{index}.{exc.field}", exc.rule, f"{_attendee_name(db, row['staff_id'])}: {exc.message}"
                ) from exc
    return session_id


def countersign(
    db: Database, session_ids: Iterable[str], manager_id: str, actor: str, on: dt.date | None = None
) -> int:
    """Countersign sessions as ``manager_id`` in one transaction; return how many were signed.

    Raises ValidationError (e.g. the manager trained one of them: field ``verified_by``).
    """
    on = on or dt.date.today()
    count = 0
    with db.transaction():
        for session_id in session_ids:
            save(db, "training_session", {"verified_by": manager_id, "verified_on": on.isoformat()}, actor, session_id,
                 acknowledge_identifiers=True, today=on)
            count += 1
    return count


def delete(db: Database, table: str, record_id: str, actor: str) -> None:
    """Tombstone a record so it can be restored (undo) and merges see the deletion."""
    records.delete(db, table, record_id, actor)


def restore(db: Database, table: str, record_id: str, actor: str) -> None:
    """Restore a tombstoned record (undo a delete)."""
    records.undelete(db, table, record_id, actor)
