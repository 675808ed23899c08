"""Attendees signing themselves in to today's session (the kiosk), one transaction per person.

Each sign-in writes the attendance and the invitation together, so a power cut between two
colleagues loses neither. A colleague not on the invite list is marked a walk-in, unconfirmed,
until the champion saves the session form with them in it (logbook.save_session).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from champion_desk.domain import logbook, pickers
from champion_desk.domain.dates import format_uk_date
from champion_desk.errors import ValidationError
from champion_desk.store import records
from champion_desk.store.connection import Database

# The printed sheet and the sign-in screen show a session by the first characters of its id;
# those find it as the whole id does (a colleague types what the sheet shows).
SHORT_ID = 8


def short_id(session_id: str) -> str:
    """Return how a session's id is printed and shown: its first SHORT_ID characters."""
    return session_id[:SHORT_ID]


def session_details(db: Database, ref: str) -> dict[str, Any]:
    """Return the live session whose id is ``ref`` or starts with it (at least SHORT_ID characters),
    with its tool, unit and trainer names. Raises ValidationError (field ``session``) otherwise."""
    text = ref.strip().lower()
    rows = (
        db.query(
            """SELECT ts.*, t.name AS tool_name, u.name AS unit_name, tr.display_name AS trainer_name
                 FROM training_session ts JOIN tool t ON t.id = ts.tool_id JOIN unit u ON u.id = ts.unit_id
                 LEFT JOIN staff tr ON tr.id = ts.trainer_id
                WHERE substr(ts.id, 1, length(?)) = ? AND ts.deleted_at IS NULL
                LIMIT 2""",
            (text, text),
        )
        if len(text) >= SHORT_ID
        else []
    )
    if len(rows) != 1:
        found = "more than one session" if rows else "no training session"
        raise ValidationError(
            "session",
            "must name one existing session",
            f"There is {found} with id {ref.strip()!r} (the id on its sign-in sheet, {SHORT_ID} characters or more).",
        )
    return rows[0]


def kiosk_session(db: Database, session_id: str, today: dt.date | None = None) -> dict[str, Any]:
    """Return the session to sign in to, with tool and unit names; it must be live and dated today.

    ``session_id`` may be its short id (see :func:`session_details`). Raises ValidationError (field
    ``session``) otherwise: a planned session opens on its day, and a past one is entered from its
    sheet in the session form.
    """
    today = today or dt.date.today()
    row = session_details(db, session_id)
    if row["held_on"] != today.isoformat():
        raise ValidationError(
            "session",
            "sign-in only on the session's day",
            f"This session is dated {format_uk_date(row['held_on'])}: the sign-in screen opens on the day it is held "
            "(change its date in the session form to hold it today).",
        )
    return row


def move_to_today(db: Database, session_id: str, actor: str, today: dt.date | None = None) -> None:
    """Move a session planned for a later day to today, as an ordinary audited edit of its date.

    Only a session still to come moves: one already held is entered from its sheet instead, so its
    attendance is never re-dated by opening the sign-in screen. Raises ValidationError otherwise.
    """
    today = today or dt.date.today()
    row = records.get(db, "training_session", session_id)
    if row["held_on"] <= today.isoformat():
        raise ValidationError(
            "held_on", "only a session still to come", "Only a session planned for a later day can be moved to today."
        )
    with db.transaction():
        logbook.save(db, "training_session", {"held_on": today.isoformat()}, actor, session_id, True, today)


def people(db: Database, session_id: str) -> list[dict[str, Any]]:
    """Return who may sign in: the invited first (alphabetical), then every other active colleague.

    Each dict is a pickers.staff row plus ``invited`` and ``signed_in`` (has an attendance) flags.
    """
    invited = {r["staff_id"] for r in records.find(db, "invitation", session_id=session_id) if not r["walk_in"]}
    came = {a["staff_id"] for a in records.find(db, "attendance", session_id=session_id)}
    rows = [{**p, "invited": p["id"] in invited, "signed_in": p["id"] in came} for p in pickers.staff(db)]
    rows.sort(key=lambda p: (not p["invited"], pickers.fold(p["display_name"])))
    return rows


def find_badge(db: Database, text: str) -> dict[str, Any] | None:
    """Return the active colleague whose staff number is exactly what a badge scanner typed, or None."""
    wanted = pickers.fold(text).replace(" ", "")
    if not wanted:
        return None
    return next((p for p in pickers.staff(db) if pickers.fold(p.get("staff_ref")).replace(" ", "") == wanted), None)


def sign_in(
    db: Database,
    session_id: str,
    staff_id: str | None,
    confidence_before: int | None,
    actor: str,
    new_name: str | None = None,
    today: dt.date | None = None,
) -> str:
    """Sign a colleague in with their confidence before (1-5), in one transaction; return their staff id.

    ``new_name`` (with ``staff_id`` None) adds a colleague not yet in the logbook, on the session's
    unit. Signing in again replaces the earlier score. Raises ValidationError naming the field.
    """
    today = today or dt.date.today()
    session = kiosk_session(db, session_id, today)
    with db.transaction():
        if staff_id is None:
            if not (new_name or "").strip():
                raise ValidationError("display_name", "is required", "Type your name to sign in.")
            staff_id = logbook.save(db, "staff", {"display_name": new_name, "unit_id": session["unit_id"]}, actor)
        existing = db.one(
            "SELECT id FROM attendance WHERE session_id = ? AND staff_id = ? AND deleted_at IS NULL",
            (session_id, staff_id),
        )
        values = {"confidence_before": confidence_before}
        if existing:
            logbook.save(db, "attendance", values, actor, existing["id"], True, today)
        else:
            logbook.save(
                db, "attendance", {**values, "session_id": session_id, "staff_id": staff_id}, actor, None, True, today
            )
        invitation = db.one(
            "SELECT id FROM invitation WHERE session_id = ? AND staff_id = ? AND deleted_at IS NULL",
            (session_id, staff_id),
        )
        if invitation is None:
            fields = {"session_id": session_id, "staff_id": staff_id, "walk_in": 1, "confirmed": 0}
            logbook.save(db, "invitation", {**fields, "status": "attended"}, actor, None, True, today)
        else:
            logbook.save(db, "invitation", {"status": "attended"}, actor, invitation["id"], True, today)
    return staff_id


def confidence_after(
    db: Database, session_id: str, staff_id: str, score: int | None, actor: str, today: dt.date | None = None
) -> None:
    """Record a signed-in colleague's confidence after the session (1-5), in one transaction."""
    today = today or dt.date.today()
    kiosk_session(db, session_id, today)
    with db.transaction():
        existing = db.one(
            "SELECT id FROM attendance WHERE session_id = ? AND staff_id = ? AND deleted_at IS NULL",
            (session_id, staff_id),
        )
        if existing is None:
            raise ValidationError("staff_id", "must have signed in", "Sign in first, then give your score after.")
        logbook.save(db, "attendance", {"confidence_after": score}, actor, existing["id"], True, today)


def invite_list(db: Database, session_id: str) -> list[dict[str, Any]]:
    """Return a session's live invitations with each colleague's name, unit and staff number, by name."""
    return db.query(
        """SELECT i.id, i.staff_id, i.status, i.walk_in, i.confirmed, s.display_name, s.staff_ref, s.role,
                  u.name AS unit_name
             FROM invitation i JOIN staff s ON s.id = i.staff_id LEFT JOIN unit u ON u.id = s.unit_id
            WHERE i.session_id = ? AND i.deleted_at IS NULL
            ORDER BY s.display_name COLLATE NOCASE""",
        (session_id,),
    )


def confirm_walk_ins(
    db: Database, session_id: str, staff_ids: set[str] | None, actor: str, today: dt.date | None = None
) -> int:
    """Confirm the session's unconfirmed walk-ins who signed in (those of ``staff_ids`` when given); return how many.

    The champion's one press after the session: each walk-in's invitation is marked confirmed in one
    transaction (audited), so a name added at the sign-in screen stands as a colleague who came.
    """
    rows = db.query(
        """SELECT i.id, i.staff_id FROM invitation i
            WHERE i.session_id = ? AND i.deleted_at IS NULL AND i.walk_in = 1 AND i.confirmed = 0
              AND EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = i.session_id AND a.staff_id = i.staff_id
                           AND a.deleted_at IS NULL)""",
        (session_id,),
    )
    rows = [r for r in rows if staff_ids is None or r["staff_id"] in staff_ids]
    with db.transaction():
        for row in rows:
            logbook.save(db, "invitation", {"confirmed": 1}, actor, row["id"], True, today)
    return len(rows)
