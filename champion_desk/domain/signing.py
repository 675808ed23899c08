"""Personal signing PINs: who may set them, checking one before a countersign or sign-off, back-off.

A signing PIN belongs to a person, not to the PC: it is kept as a salted scrypt hash (the app
PIN's :func:`~champion_desk.domain.pin.hash_pin`) on their staff record, so it travels with
merges and goes with them on erasure. Signing as someone who has one needs it; a signature by
someone without one is stored as ``unverified``. Wrong tries are counted on the staff record with
a wall-clock wait (:func:`~champion_desk.domain.pin.delay_after`), so closing the app does not
clear them; the wait is capped at the policy's delay, so a clock set back cannot lock anyone out.

What a verified signature proves: whoever signed typed that person's PIN at the PC. It does not
stop someone who can edit the file with another SQLite tool; the file is protected by the PC's
login. The CLI never signs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from champion_desk.domain import pin
from champion_desk.domain.vocab import is_manager_role
from champion_desk.errors import ConflictError, ValidationError
from champion_desk.store import records
from champion_desk.store.connection import Database

VERIFIED = "pin"
UNVERIFIED = "unverified"
BEFORE_SIGNATURES = "before signatures"
LABELS = {
    VERIFIED: "verified by PIN",
    UNVERIFIED: "unverified (no PIN)",
    BEFORE_SIGNATURES: "recorded before signatures",
}


def label(state: str | None) -> str:
    """Return how a signature's state reads to a person ('' for no signature)."""
    return LABELS.get(state or "", "")


@dataclass(frozen=True)
class Signature:
    """Who signs and how it was checked; made by :func:`sign_as`, passed to the save that signs."""

    staff_id: str
    state: str
    name: str = ""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _person(db: Database, staff_id: str | None, field: str = "signer") -> dict[str, Any]:
    row = db.one("SELECT * FROM staff WHERE id = ? AND deleted_at IS NULL", (staff_id,)) if staff_id else None
    if row is None:
        raise ValidationError(
            field, "must be a colleague on the staff list", "Choose a colleague who is on the staff list."
        )
    return row


def has_signing_pin(db: Database, staff_id: str | None) -> bool:
    """Return True when this colleague has set a signing PIN."""
    if not staff_id:
        return False
    return bool(db.scalar("SELECT signing_pin_hash IS NOT NULL FROM staff WHERE id = ?", (staff_id,)))


def anyone_has_signing_pin(db: Database) -> bool:
    """Return True when any live colleague in the logbook has a signing PIN."""
    return bool(
        db.scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE signing_pin_hash IS NOT NULL AND deleted_at IS NULL)")
    )


def wait_seconds(db: Database, staff_id: str, now: dt.datetime | None = None) -> float:
    """Return how many seconds remain before this colleague's PIN may be tried again (0 when now)."""
    row = db.one(
        "SELECT signing_pin_failures AS failures, signing_pin_wait_until AS until FROM staff WHERE id = ?", (staff_id,)
    )
    if row is None or not row["until"]:
        return 0.0
    try:
        until = dt.datetime.fromisoformat(row["until"])
    except ValueError:
        return 0.0
    left = (until - (now or _utc_now())).total_seconds()
    return max(0.0, min(left, pin.delay_after(row["failures"] or 0)))


def _record_try(db: Database, staff_id: str, right: bool, now: dt.datetime | None) -> int:
    """Count a wrong try (or clear the count after a right one) in a transaction of its own; return failures.

    updated_at is left alone: a try is not an edit of the person, and must not win a merge over one.
    """
    with db.transaction():
        failures = (
            0 if right else int(db.scalar("SELECT signing_pin_failures FROM staff WHERE id = ?", (staff_id,)) or 0) + 1
        )
        delay = pin.delay_after(failures)
        until = ((now or _utc_now()) + dt.timedelta(seconds=delay)).isoformat() if delay else None
        db.conn.execute(
            "UPDATE staff SET signing_pin_failures = ?, signing_pin_wait_until = ? WHERE id = ?",
            (failures, until, staff_id),
        )
        if not right:
            records.write_audit(
                db, "", "staff", staff_id, "update", {"signing_pin": f"wrong PIN ({failures} in a row)"}
            )
            if delay:
                # The staff id, not the name: the audit row must survive the colleague's erasure nameless.
                records.write_audit(
                    db,
                    "",
                    "*",
                    records.SIGNING_LOCKED_OUT,
                    records.SECURITY_ACTION,
                    {"staff_id": staff_id, "wrong_in_a_row": failures, "wait_seconds": int(delay)},
                )
    return failures


def record_wrong_app_pin(db: Database, actor: str, failures: int) -> None:
    """Record a wrong app PIN at the lock screen (and the lock-out it starts) as security events.

    The app PIN's count is kept in this PC's settings, not in the logbook; the audit rows are
    the trust's record that someone tried. Nothing about the typed PIN is stored.
    """
    records.security_event(db, actor, records.WRONG_APP_PIN, {"wrong_in_a_row": failures})
    delay = pin.delay_after(failures)
    if delay:
        records.security_event(
            db, actor, records.APP_LOCKED_OUT, {"wrong_in_a_row": failures, "wait_seconds": int(delay)}
        )


def check_pin(
    db: Database, staff_id: str, typed: str | None, field: str = "pin", now: dt.datetime | None = None
) -> None:
    """Check ``typed`` against this colleague's signing PIN, counting wrong tries; raise ValidationError(field, …).

    Call it outside a transaction: a wrong try is recorded even though what it guarded is not saved.
    """
    person = _person(db, staff_id)
    name = person["display_name"]
    if not person["signing_pin_hash"]:
        raise ValidationError(field, "has no signing PIN", f"{name} has no signing PIN yet.")
    wait = wait_seconds(db, staff_id, now)
    if wait > 0:
        raise ValidationError(
            field, "wait after wrong PINs", f"Too many wrong PINs for {name}. Try again in {int(wait + 0.999)} seconds."
        )
    if not typed:
        raise ValidationError(field, "is required", f"Type {name}'s signing PIN.")
    right = pin.verify_pin(typed, person["signing_pin_hash"])
    if right and not person["signing_pin_failures"]:
        return
    failures = _record_try(db, staff_id, right, now)
    if not right:
        left = pin.FREE_TRIES - failures
        wait = pin.delay_after(failures)
        after = (
            f" Wait {int(wait)} seconds before trying again."
            if wait
            else f" {left} more tries before a wait."
            if left < pin.FREE_TRIES - 1
            else ""
        )
        raise ValidationError(field, "must be the signer's PIN", f"That is not {name}'s signing PIN.{after}")


def sign_as(db: Database, staff_id: str, typed: str | None, now: dt.datetime | None = None) -> Signature:
    """Return a Signature for this colleague: verified when their PIN is right, unverified when they have none.

    Raises ValidationError('pin', …) for a wrong or missing PIN (or during a wait): nothing is signed.
    """
    person = _person(db, staff_id)
    if not person["signing_pin_hash"]:
        if typed:
            raise ValidationError(
                "pin",
                "has no signing PIN",
                f"{person['display_name']} has no signing PIN yet: leave the PIN empty to sign unverified.",
            )
        return Signature(staff_id, UNVERIFIED, person["display_name"])
    check_pin(db, staff_id, typed, "pin", now)
    return Signature(staff_id, VERIFIED, person["display_name"])


def signature_state(db: Database, signer_id: str, signature: Signature | None, field: str) -> str:
    """Return the state to store for a signature by ``signer_id``; raise when it needs a PIN not given.

    Only a :class:`Signature` from :func:`sign_as` for this signer can make it verified.
    """
    if signature is not None and signature.staff_id == signer_id:
        return signature.state
    if has_signing_pin(db, signer_id):
        name = db.scalar("SELECT display_name FROM staff WHERE id = ?", (signer_id,))
        raise ValidationError(field, "needs the signer's PIN", f"{name} has a signing PIN: signing as them needs it.")
    return UNVERIFIED


COUNTERSIGN_FIELDS = ("verified_by", "verified_on", "verified_signature")


def withdraw_countersign(db: Database, session_ids: list[str] | tuple[str, ...], signer_id: str, actor: str) -> int:
    """Withdraw the signer's own countersigns of these sessions in one transaction; return how many.

    Undo of a countersign: the sessions await countersign again, and the history stays. The audit
    keeps the row of the signature (who, when, how it was checked) and gains two here: the fields
    cleared, and a row that names it a withdrawal by the signer, so an assurance reader sees a
    countersign given and withdrawn, never one that silently vanished. Only the signer may
    withdraw, and only a countersign still theirs: one re-signed or signed by someone else since
    raises ConflictError naming ``verified_by`` (nothing withdrawn). NotFoundError for a deleted session.
    """
    with db.transaction():
        for session_id in session_ids:
            row = records.get(db, "training_session", session_id)
            if row["verified_by"] != signer_id:
                raise ConflictError(
                    "verified_by",
                    "only the signer withdraws a countersign",
                    "The session is no longer countersigned by you, so there is no countersign of yours to withdraw.",
                )
            records.update(db, "training_session", session_id, dict.fromkeys(COUNTERSIGN_FIELDS), actor)
            records.write_audit(
                db,
                actor,
                "training_session",
                session_id,
                "update",
                {
                    "countersign": "withdrawn by the signer",
                    "signer_id": signer_id,  # by id: the row must survive the signer's erasure nameless
                    "signed_on": row["verified_on"],
                    "signature": row["verified_signature"],
                },
            )
    return len(session_ids)


def set_signing_pin(
    db: Database,
    staff_id: str,
    new_pin: str,
    actor: str,
    *,
    current_pin: str | None = None,
    authoriser_id: str | None = None,
    authoriser_pin: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Set, change or reset a colleague's signing PIN; return how it was allowed (for the message).

    The rules: with their current PIN a person changes their own. Otherwise (a first PIN, or a
    forgotten one) a second person must be present: another colleague who types their own
    signing PIN, or a manager with one. Only while nobody in the logbook has a signing PIN yet may
    the second person be named without one (someone has to be first). Raises ValidationError
    naming the field: ``new_pin``, ``current_pin``, ``authoriser`` or ``authoriser_pin``.
    """
    person = _person(db, staff_id, "staff_id")
    try:
        pin.check_pin_format(new_pin)
    except ValidationError as exc:
        raise ValidationError("new_pin", exc.rule, exc.message) from exc
    name = person["display_name"]
    if person["signing_pin_hash"] and current_pin:
        check_pin(db, staff_id, current_pin, "current_pin", now)
        how = "changed with their current PIN"
    else:
        if not authoriser_id or authoriser_id == staff_id:
            needed = "their current PIN or " if person["signing_pin_hash"] else ""
            raise ValidationError(
                "authoriser",
                "a second person must be present",
                f"Setting {name}'s signing PIN needs {needed}a second person present: choose who is with them.",
            )
        second = _person(db, authoriser_id, "authoriser")
        if second["signing_pin_hash"]:
            check_pin(db, authoriser_id, authoriser_pin, "authoriser_pin", now)
            role = "a manager" if is_manager_role(second.get("role")) else "a second person"
            how = f"with {role}, {second['display_name']}, confirming by PIN"
        elif anyone_has_signing_pin(db):
            raise ValidationError(
                "authoriser",
                "must have a signing PIN",
                f"{second['display_name']} has no signing PIN: the second person must be someone who has one.",
            )
        else:
            how = f"with {second['display_name']} present (the first signing PIN in this logbook)"
    with db.transaction():
        db.conn.execute(
            "UPDATE staff SET signing_pin_hash = ?, signing_pin_failures = 0, signing_pin_wait_until = NULL,"
            " updated_at = ? WHERE id = ?",
            (pin.hash_pin(new_pin), records.utc_now(), staff_id),
        )
        # The hash never goes into the audit log: it is as good as the PIN to anyone who searches 10,000 PINs.
        change = (
            "reset"
            if person["signing_pin_hash"] and not current_pin
            else ("changed" if person["signing_pin_hash"] else "set")
        )
        records.write_audit(
            db,
            actor,
            "staff",
            staff_id,
            "update",
            {"signing_pin": change, "authorised": how, "authoriser_id": authoriser_id},
        )
    return how


def check_self_added_role(db: Database, role: str | None) -> None:
    """Refuse a manager's role typed by someone adding themselves ("Not in the list? Add yourself").

    A manager countersigns sessions and confirms others' signing PINs: that power comes from the
    trust's roster (import-roster) or from a colleague already on the list, never from the person
    claiming it. Only the very first person in an empty logbook may (someone has to be first, as
    with the first signing PIN). Raises ValidationError naming ``role``.
    """
    if not is_manager_role(role):
        return
    if db.scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE deleted_at IS NULL)"):
        raise ValidationError(
            "role",
            "a manager's role is not self-declared",
            "Role: a manager's role comes from the roster import or from a colleague already on the list "
            "(People page), not from adding yourself. Add yourself with your own role.",
        )


@dataclass(frozen=True)
class Authorisation:
    """A manager who confirmed, by their signing PIN, a change only a manager may make.

    Made by :func:`authorise_as_manager`, passed to the save it authorises (a staff record that
    becomes a manager's).
    """

    manager_id: str
    name: str


def managers_with_pins(db: Database) -> list[dict[str, Any]]:
    """Return live, active managers who have a signing PIN (who may authorise a manager's role): id, display_name."""
    rows = db.query(
        "SELECT id, display_name, role FROM staff WHERE deleted_at IS NULL AND active = 1"
        " AND signing_pin_hash IS NOT NULL ORDER BY display_name COLLATE NOCASE"
    )
    return [{"id": r["id"], "display_name": r["display_name"]} for r in rows if is_manager_role(r["role"])]


def authorise_as_manager(
    db: Database, manager_id: str | None, typed: str | None, now: dt.datetime | None = None
) -> Authorisation:
    """Check that ``manager_id`` is a manager with a signing PIN and ``typed`` is it; return their Authorisation.

    Call it outside a transaction (a wrong PIN is counted even though nothing is saved). Raises
    ValidationError naming ``authoriser`` (not a manager, no PIN) or ``authoriser_pin``.
    """
    if not manager_id:
        if not managers_with_pins(db):
            raise ValidationError(
                "authoriser",
                "must be a manager with a signing PIN",
                "Authorised by: no manager on the list has a signing PIN yet. Set one for a manager first "
                "(File › My signing PIN…), or let the role come from the trust's roster import.",
            )
        raise ValidationError("authoriser", "is required", "Authorised by: choose the manager who confirms this role.")
    person = _person(db, manager_id, "authoriser")
    name = person["display_name"]
    if not is_manager_role(person.get("role")):
        raise ValidationError(
            "authoriser", "must be a manager", f"Authorised by: {name} is not a manager; choose a manager."
        )
    if not person["signing_pin_hash"]:
        raise ValidationError(
            "authoriser",
            "must have a signing PIN",
            f"Authorised by: {name} has no signing PIN, so cannot confirm a manager's role (File › My signing PIN…).",
        )
    check_pin(db, person["id"], typed, "authoriser_pin", now)
    return Authorisation(person["id"], name)


def grants_manager_role(db: Database, staff_id: str | None, role: str | None) -> bool:
    """Return True when saving ``role`` would make someone a manager who is not one now (or a new colleague)."""
    if not is_manager_role(role):
        return False
    if staff_id is None:
        return True
    return not is_manager_role(db.scalar("SELECT role FROM staff WHERE id = ?", (staff_id,)))


def needs_manager_authorisation(db: Database, staff_id: str | None, role: str | None) -> bool:
    """Return True when a hand edit giving ``role`` needs a manager's PIN (see :func:`check_role_change`)."""
    if not grants_manager_role(db, staff_id, role):
        return False
    # Someone has to be first: the very first colleague in an empty logbook may be its manager.
    return staff_id is not None or bool(db.scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE deleted_at IS NULL)"))


def check_role_change(
    db: Database, staff_id: str | None, role: str | None, authorisation: Authorisation | None
) -> dict[str, Any] | None:
    """Refuse a hand edit that makes someone a manager without a manager's PIN; return what to audit.

    A manager countersigns sessions and confirms others' signing PINs, so the role carries powers:
    it comes from the trust's roster (import-roster writes it without this check) or from an
    existing manager confirming by their own signing PIN, never from whoever is at the keyboard.
    Called inside the save's transaction; the Authorisation is checked again here, in case the
    manager lost the role, the PIN or their record since the PIN was typed. Returns None when no
    authorisation was needed, else the audit details (the manager by id, so the row survives an
    erasure nameless). Raises ValidationError naming ``role`` or ``authoriser``.
    """
    if not needs_manager_authorisation(db, staff_id, role):
        return None
    if authorisation is None:
        raise ValidationError(
            "role",
            "a manager's role needs a manager's signing PIN",
            f"Role: '{role}' is a manager's role, which lets them countersign and confirm PINs. "
            "A manager with a signing PIN must confirm it (Authorised by), or it comes from the trust's roster import.",
        )
    manager = db.one(
        "SELECT role, signing_pin_hash FROM staff WHERE id = ? AND deleted_at IS NULL", (authorisation.manager_id,)
    )
    if manager is None or not is_manager_role(manager["role"]) or not manager["signing_pin_hash"]:
        raise ValidationError(
            "authoriser",
            "must be a manager with a signing PIN",
            f"Authorised by: {authorisation.name} is no longer a manager with a signing PIN.",
        )
    return {
        "role": "manager's role authorised",
        "authorised": "by a manager's signing PIN",
        "authoriser_id": authorisation.manager_id,
    }
