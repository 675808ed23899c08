"""Who is due training on a tool: never trained, sign-off expired, refresher due, or missed their last invitation.

A planned session's invite list starts here ("Invite who is due", ``champion-desk due``). Each
colleague appears once, for their most urgent reason; rows are grouped by unit and role (a ward
plans around its shifts, and one role tends to share a shift pattern) and ranked within each group
by how overdue they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from champion_desk.domain import breakdowns, metrics
from champion_desk.domain.scope import Scope
from champion_desk.errors import ValidationError
from champion_desk.store.connection import Database

NEVER_TRAINED = "never_trained"
REFRESHER_DUE = "refresher_due"
SIGNOFF_EXPIRED = "signoff_expired"
MISSED_LAST = "missed_last"
# Most urgent first: a lapsed sign-off means someone uses the tool unchecked today.
REASONS = (SIGNOFF_EXPIRED, MISSED_LAST, NEVER_TRAINED, REFRESHER_DUE)
REASON_TEXT = {
    SIGNOFF_EXPIRED: "sign-off expired",
    MISSED_LAST: "missed their last invitation",
    NEVER_TRAINED: "never trained",
    REFRESHER_DUE: "refresher due",
}
DEFAULT_WITHIN_DAYS = 30


def _tool(db: Database, name: str) -> dict[str, Any]:
    rows = db.query("SELECT id, name, go_live_on FROM tool WHERE deleted_at IS NULL")
    found = next((r for r in rows if r["name"].casefold() == name.strip().casefold()), None)
    if found is None:
        known = ", ".join(sorted(r["name"] for r in rows)) or "none yet"
        raise ValidationError(
            "tool", "must name an existing tool", f"tool: no tool named {name!r} (there are: {known})"
        )
    return found


def missed_invitations(db: Database, tool_id: str, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Return each colleague's invitations to held sessions of a tool, newest first, with ``missed`` set.

    An invitation is missed when its session was held before today and the colleague has no live
    attendance at it (whatever its stored status says: attendance is the record of who came).
    """
    rows = db.query(
        """SELECT i.staff_id, ts.id AS session_id, ts.held_on,
                  EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = ts.id AND a.staff_id = i.staff_id
                           AND a.deleted_at IS NULL) AS came
             FROM invitation i JOIN training_session ts ON ts.id = i.session_id
            WHERE i.deleted_at IS NULL AND ts.deleted_at IS NULL AND ts.tool_id = ? AND ts.held_on < ?
            ORDER BY i.staff_id, ts.held_on DESC, ts.id""",
        (tool_id, today.isoformat()),
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["staff_id"], []).append({**r, "missed": not r["came"]})
    return out


def who_is_due(
    db: Database,
    tool: str,
    units: Sequence[str] = (),
    within_days: int = DEFAULT_WITHIN_DAYS,
    today: dt.date | None = None,
    exclude_session: str | None = None,
) -> list[dict[str, Any]]:
    """Return the colleagues due training on ``tool`` (a name), in the units named (all when none).

    Rows: staff_id, display_name, unit, role, reason (see REASONS), due_on (ISO date), ordered by
    unit, role, then urgency (reason order, earliest due_on first, name). Colleagues already invited
    to an upcoming session of the tool (other than ``exclude_session``) are left out: they are asked.
    Raises ValidationError naming ``tool``, ``unit`` or ``within`` when one is wrong.
    """
    if within_days < 0:
        raise ValidationError("within", "at least 0 days", f"--within must be 0 days or more (got {within_days}).")
    today = today or dt.date.today()
    found = _tool(db, tool)
    scope = Scope(dt.date(1900, 1, 1), today, tuple(units), (found["name"],))
    unit_ids = metrics.resolve(db, scope).unit_ids
    staff_sql = """SELECT s.id, s.display_name, s.role, u.name AS unit FROM staff s LEFT JOIN unit u ON u.id = s.unit_id
                    WHERE s.deleted_at IS NULL AND s.active = 1"""
    params: list[Any] = []
    if unit_ids is not None:
        staff_sql += f" AND s.unit_id IN ({', '.join('?' for _ in unit_ids)})"
        params += unit_ids
    people = {r["id"]: r for r in db.query(staff_sql, params)}
    trained = {
        r["staff_id"]
        for r in db.query(
            # Whoever ran a session on the tool knows it: a champion is not "never trained".
            """SELECT a.staff_id FROM attendance a JOIN training_session ts ON ts.id = a.session_id
                WHERE a.deleted_at IS NULL AND ts.deleted_at IS NULL AND ts.tool_id = :tool AND ts.held_on <= :today
               UNION
               SELECT trainer_id FROM training_session
                WHERE deleted_at IS NULL AND tool_id = :tool AND held_on <= :today""",
            {"tool": found["id"], "today": today.isoformat()},
        )
    }
    asked = {
        r["staff_id"]
        for r in db.query(
            """SELECT i.staff_id FROM invitation i JOIN training_session ts ON ts.id = i.session_id
                WHERE i.deleted_at IS NULL AND ts.deleted_at IS NULL AND ts.tool_id = ? AND ts.held_on >= ?
                  AND ts.id IS NOT ?""",
            (found["id"], today.isoformat(), exclude_session),
        )
    }
    reasons: dict[str, tuple[str, str]] = {}

    def offer(staff_id: str, reason: str, due_on: str) -> None:
        if staff_id not in people or staff_id in asked:
            return
        current = reasons.get(staff_id)
        if current is None or (REASONS.index(reason), due_on) < (REASONS.index(current[0]), current[1]):
            reasons[staff_id] = (reason, due_on)

    never_due = found["go_live_on"] or today.isoformat()
    for staff_id in people:
        if staff_id not in trained:
            offer(staff_id, NEVER_TRAINED, never_due)
    for row in breakdowns.refreshers_due(db, scope, within_days):
        expired = row["due_on"] <= today.isoformat()
        offer(row["staff_id"], SIGNOFF_EXPIRED if expired else REFRESHER_DUE, row["due_on"])
    for staff_id, invitations in missed_invitations(db, found["id"], today).items():
        last = invitations[0]
        if last["missed"] and not _attended_since(db, staff_id, found["id"], last["held_on"], today):
            offer(staff_id, MISSED_LAST, last["held_on"])
    rows = [
        {
            "staff_id": staff_id,
            "display_name": people[staff_id]["display_name"],
            "unit": people[staff_id]["unit"],
            "role": people[staff_id]["role"],
            "reason": reason,
            "due_on": due_on,
        }
        for staff_id, (reason, due_on) in reasons.items()
    ]
    rows.sort(
        key=lambda r: (
            r["unit"] is None,
            r["unit"] or "",
            r["role"] is None,
            (r["role"] or "").casefold(),
            REASONS.index(r["reason"]),
            r["due_on"],
            r["display_name"].casefold(),
        )
    )
    return rows


def _attended_since(db: Database, staff_id: str, tool_id: str, since: str, today: dt.date) -> bool:
    return bool(
        db.scalar(
            """SELECT 1 FROM attendance a JOIN training_session ts ON ts.id = a.session_id
                WHERE a.staff_id = ? AND a.deleted_at IS NULL AND ts.deleted_at IS NULL AND ts.tool_id = ?
                  AND ts.held_on > ? AND ts.held_on <= ? LIMIT 1""",
            (staff_id, tool_id, since, today.isoformat()),
        )
    )


def missed_two_in_a_row(db: Database, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Return colleagues whose last two invitations to a tool's sessions were both missed.

    Rows: staff_id, display_name, unit, tool, last_missed_on; one per colleague and tool, only when
    they have not attended a session of that tool since. Feeds a next step (a word with them beats
    a third invitation).
    """
    today = today or dt.date.today()
    out = []
    for tool in db.query("SELECT id, name FROM tool WHERE deleted_at IS NULL ORDER BY name"):
        for staff_id, invitations in missed_invitations(db, tool["id"], today).items():
            if len(invitations) < 2 or not (invitations[0]["missed"] and invitations[1]["missed"]):
                continue
            if _attended_since(db, staff_id, tool["id"], invitations[0]["held_on"], today):
                continue
            person = db.one(
                """SELECT s.display_name, u.name AS unit FROM staff s LEFT JOIN unit u ON u.id = s.unit_id
                    WHERE s.id = ? AND s.deleted_at IS NULL AND s.active = 1""",
                (staff_id,),
            )
            if person:
                out.append(
                    {
                        "staff_id": staff_id,
                        "display_name": person["display_name"],
                        "unit": person["unit"],
                        "tool": tool["name"],
                        "last_missed_on": invitations[0]["held_on"],
                    }
                )
    return out
