"""Save operations: validate a record, warn about patient identifiers, then write it in one transaction.

Pages, importers and the CLI call these with plain values; they never write SQL themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from champion_desk.domain import signing
from champion_desk.domain.signing import Authorisation, Signature
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
    "invitation": {"status": "invited", "walk_in": 0, "confirmed": 1},
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


# Each signed record: (the signer, the fields a signature covers, where how it was signed is kept).
SIGNED: dict[str, tuple[str, tuple[str, ...], str]] = {
    "training_session": ("verified_by", ("verified_by", "verified_on"), "verified_signature"),
    "attendance": ("signed_off_by", ("signed_off", "signed_off_by", "signed_off_on"), "signed_off_signature"),
}
# Set only through domain/signing.py, never with a record's other fields.
SIGNING_ONLY = (
    "signing_pin_hash",
    "signing_pin_failures",
    "signing_pin_wait_until",
    "verified_signature",
    "signed_off_signature",
)


def _refuse_signing_fields(values: Mapping[str, Any]) -> None:
    for field in SIGNING_ONLY:
        if field in values:
            raise ValidationError(
                field,
                "set only by signing",
                f"{field.replace('_', ' ')} is set only by signing with a PIN, not edited.",
            )


def _signature_changed(db: Database, table: str, full: Mapping[str, Any], record_id: str | None) -> bool:
    """Return True when saving ``full`` adds a signature or changes who signed, what or when."""
    signer_field, covered, _state = SIGNED[table]
    if record_id is None:
        return full.get(signer_field) is not None
    current = records.get(db, table, record_id)
    return any(full.get(f) != current.get(f) for f in covered)


def _sign(
    db: Database,
    table: str,
    full: dict[str, Any],
    clean: dict[str, Any],
    record_id: str | None,
    signatures: Mapping[str, Signature],
) -> None:
    """Record how a new or changed signature was signed (in ``clean`` and ``full``); raise when it needs a PIN."""
    if table not in SIGNED or not _signature_changed(db, table, full, record_id):
        return
    signer_field, _covered, state_field = SIGNED[table]
    signer = full.get(signer_field)
    state = None if signer is None else signing.signature_state(db, signer, signatures.get(signer), signer_field)
    clean[state_field] = full[state_field] = state


def signatures_needed(db: Database, table: str, values: Mapping[str, Any], record_id: str | None) -> str | None:
    """Return the signer whose signature saving ``values`` would add or change (None when no signature changes)."""
    full = _full_record(db, table, normalise(values), record_id)
    return full.get(SIGNED[table][0]) if _signature_changed(db, table, full, record_id) else None


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
    signatures: Mapping[str, Signature] | None = None,
    authorisation: Authorisation | None = None,
) -> str:
    """Create (no ``record_id``) or update a record after checking every rule; return its id.

    A new or changed countersign or sign-off is stored as verified only with a Signature from
    :func:`signing.sign_as` for its signer (``signatures`` by staff id); by someone with a signing
    PIN it is refused without one, by someone without a PIN it is stored as unverified.
    A colleague made a manager needs ``authorisation`` from :func:`signing.authorise_as_manager`
    (see :func:`signing.check_role_change`); who authorised it is a second audit row.
    Raises ValidationError naming the field and rule; PatientIdentifierWarning when free text
    looks like a patient identifier and ``acknowledge_identifiers`` is False; NotFoundError.
    Nothing is written unless everything passes.
    """
    clean = normalise(values)
    _refuse_signing_fields(clean)
    with db.transaction():
        full = _full_record(db, table, clean, record_id)
        validate(db, table, full, record_id, today)
        _sign(db, table, full, clean, record_id, signatures or {})
        authorised = (
            signing.check_role_change(db, record_id, full.get("role"), authorisation) if table == "staff" else None
        )
        findings = identifier_findings(table, full, today)
        if findings and not acknowledge_identifiers:
            raise PatientIdentifierWarning(findings)
        if record_id is None:
            record_id = records.insert(db, table, {k: v for k, v in full.items() if v is not None}, actor)
        else:
            records.update(db, table, record_id, clean, actor)
        if authorised:
            records.write_audit(db, actor, table, record_id, "update", authorised)
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
    signatures: Mapping[str, Signature] | None = None,
    invited: Iterable[str] | None = None,
) -> str:
    """Save a training session and exactly this list of attendees in one transaction; return its id.

    ``invited`` (staff ids) replaces the session's invite list; None keeps it as it is. Either way
    each invitation's status follows the attendees (see :func:`settle_invitations`), and a kiosk
    walk-in still listed as attending is confirmed by this save (removed when no longer listed).

    Each attendee is a mapping with ``staff_id`` and optionally confidence_before/after,
    signed_off, signed_off_by, signed_off_on. Attendees no longer listed are tombstoned.
    New or changed sign-offs are signed with ``signatures`` (see :func:`save`).
    An attendee's broken rule is raised with field ``attendees.N.FIELD`` (N from 0).
    """
    rows = [normalise(a) for a in attendees]
    seen: dict[Any, int] = {}
    for index, row in enumerate(rows):
        if row.get("staff_id") is None:
            raise ValidationError(
                f"attendees.{index}.staff_id", "is required", f"Attendee {index + 1}: choose a colleague."
            )
        if row["staff_id"] in seen:
            raise ValidationError(
                f"attendees.{index}.staff_id",
                "one attendance per person per session",
                f"{_attendee_name(db, row['staff_id'])} is listed twice.",
            )
        seen[row["staff_id"]] = index
    held_on = normalise(session).get("held_on")
    if held_on is None and session_id is not None:
        held_on = records.get(db, "training_session", session_id)["held_on"]
    day = (today or dt.date.today()).isoformat()
    invited = None if invited is None else list(invited)
    has_invites = bool(invited) or (
        invited is None and session_id is not None and bool(records.find(db, "invitation", session_id=session_id))
    )
    # On its day a session with an invite list may have nobody yet: they sign in as they arrive.
    if not rows and isinstance(held_on, str) and (held_on < day or (held_on == day and not has_invites)):
        raise ValidationError(
            "attendees",
            "at least one attendee once the session is held",
            "Add who attended: a session already held needs at least one attendee.",
        )
    with db.transaction():
        session_id = save(
            db, "training_session", session, actor, session_id, acknowledge_identifiers, today, signatures
        )
        current = {a["staff_id"]: a for a in records.find(db, "attendance", session_id=session_id)}
        for staff_id, existing in current.items():
            if staff_id not in seen:
                records.delete(db, "attendance", existing["id"], actor)
        for index, row in enumerate(rows):
            fields = {k: v for k, v in row.items() if k != "id"}
            fields["session_id"] = session_id
            existing = current.get(row["staff_id"])
            try:
                save(db, "attendance", fields, actor, existing["id"] if existing else None, True, today, signatures)
            except ValidationError as exc:
                raise ValidationError(
                    f"attendees.{index}.{exc.field}", exc.rule, f"{_attendee_name(db, row['staff_id'])}: {exc.message}"
                ) from exc
        _save_invitations(db, session_id, invited, set(seen), actor, today)
    return session_id


def _save_invitations(
    db: Database, session_id: str, invited: Iterable[str] | None, attending: set[Any], actor: str, today: dt.date | None
) -> None:
    current = {i["staff_id"]: i for i in records.find(db, "invitation", session_id=session_id)}
    wanted = None if invited is None else list(dict.fromkeys(invited))
    for staff_id, row in current.items():
        keep = staff_id in attending if row["walk_in"] else (wanted is None or staff_id in wanted)
        if not keep:
            records.delete(db, "invitation", row["id"], actor)
        elif row["walk_in"] and not row["confirmed"]:
            save(db, "invitation", {"confirmed": 1}, actor, row["id"], True, today)
    for staff_id in wanted or ():
        if staff_id not in current:
            save(db, "invitation", {"session_id": session_id, "staff_id": staff_id}, actor, None, True, today)
    settle_invitations(db, session_id, actor, today)


def settle_invitations(db: Database, session_id: str, actor: str, today: dt.date | None = None) -> None:
    """Set each invitation's status from who attended: attended; once the session is held and has
    attendees, did_not_attend for the rest; invited while it is still to come. Caller holds the transaction."""
    today = today or dt.date.today()
    session = records.get(db, "training_session", session_id)
    came = {a["staff_id"] for a in records.find(db, "attendance", session_id=session_id)}
    held = session["held_on"] <= today.isoformat()
    for row in records.find(db, "invitation", session_id=session_id):
        if not held:
            status = "invited"
        else:
            status = "attended" if row["staff_id"] in came else "did_not_attend" if came else "invited"
        if row["status"] != status:
            save(db, "invitation", {"status": status}, actor, row["id"], True, today)


def attendance_signers(db: Database, session_id: str | None, attendees: Iterable[Mapping[str, Any]]) -> list[str]:
    """Return who would sign a new or changed sign-off if these attendees were saved (each once, in order)."""
    current = (
        {a["staff_id"]: a["id"] for a in records.find(db, "attendance", session_id=session_id)} if session_id else {}
    )
    signers: list[str] = []
    for row in attendees:
        values = {k: v for k, v in row.items() if k not in ("id", "staff_id")}
        if row.get("staff_id") in current:
            signer = signatures_needed(db, "attendance", values, current[row["staff_id"]])
        else:
            signer = normalise(row).get("signed_off_by") if normalise(row).get("signed_off") else None
        if signer and signer not in signers:
            signers.append(signer)
    return signers


def check_countersign(db: Database, session_ids: Iterable[str], manager_id: str, on: dt.date | None = None) -> None:
    """Raise the ValidationError countersigning these sessions would raise, writing nothing.

    Lets the app say "not your own session" before it asks for a PIN that could not sign anyway.
    """
    on = on or dt.date.today()
    for session_id in session_ids:
        values = {"verified_by": manager_id, "verified_on": on.isoformat()}
        validate(db, "training_session", _full_record(db, "training_session", values, session_id), session_id, on)


def countersign(
    db: Database, session_ids: Iterable[str], signature: Signature, actor: str, on: dt.date | None = None
) -> int:
    """Countersign sessions as the signature's signer in one transaction; return how many were signed.

    The signature comes from :func:`signing.sign_as` (verified by PIN, or unverified for someone
    with no PIN). Raises ValidationError (e.g. the manager trained one of them: field ``verified_by``).
    """
    on = on or dt.date.today()
    count = 0
    with db.transaction():
        for session_id in session_ids:
            save(
                db,
                "training_session",
                {"verified_by": signature.staff_id, "verified_on": on.isoformat()},
                actor,
                session_id,
                acknowledge_identifiers=True,
                today=on,
                signatures={signature.staff_id: signature},
            )
            count += 1
    return count


def delete(db: Database, table: str, record_id: str, actor: str) -> None:
    """Tombstone a record so it can be restored (undo) and merges see the deletion."""
    records.delete(db, table, record_id, actor)


def restore(db: Database, table: str, record_id: str, actor: str) -> None:
    """Restore a tombstoned record (undo a delete)."""
    records.undelete(db, table, record_id, actor)


# A record's parts saved with it by one form: a session's attendances (save_session writes both).
CHILDREN: dict[str, tuple[str, str]] = {"training_session": ("attendance", "session_id")}


@dataclass(frozen=True)
class Before:
    """A live record as it was before an edit, with the child records saved with it, so the edit can be undone."""

    table: str
    record_id: str
    values: dict[str, Any]
    children: tuple[dict[str, Any], ...] = ()


def _editable(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in records.editable_fields(table)}


def before_edit(db: Database, table: str, record_id: str) -> Before:
    """Return the record (and its live children) as it is now, to hand to :func:`undo_edit` later."""
    values = _editable(table, records.get(db, table, record_id))
    children: tuple[dict[str, Any], ...] = ()
    if table in CHILDREN:
        child_table, link = CHILDREN[table]
        children = tuple(
            {"id": row["id"], **_editable(child_table, row)}
            for row in records.find(db, child_table, order_by="id", **{link: record_id})
        )
    return Before(table, record_id, values, children)


def undo_edit(db: Database, before: Before, actor: str) -> None:
    """Put a record (and its children) back as ``before`` holds it, in one transaction, each change audited.

    Children added by the edit are tombstoned, children it removed restored. The values are put
    back as they were stored (signatures included): they passed every rule when first saved.
    Raises NotFoundError when the record was deleted since, ConflictError when a child was erased.
    """
    with db.transaction():
        records.update(db, before.table, before.record_id, before.values, actor)
        if before.table not in CHILDREN:
            return
        child_table, link = CHILDREN[before.table]
        kept = {child["id"] for child in before.children}
        for row in records.find(db, child_table, **{link: before.record_id}):
            if row["id"] not in kept:
                records.delete(db, child_table, row["id"], actor)
        for child in before.children:
            records.undelete(db, child_table, child["id"], actor)
            records.update(db, child_table, child["id"], {k: v for k, v in child.items() if k != "id"}, actor)
