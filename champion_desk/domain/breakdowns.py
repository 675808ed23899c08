"""Per-unit breakdowns, the readiness pulse, refreshers due and one colleague's journey.

Read-only queries over the store, using the same scope clauses as ``metrics`` so a unit's row here
equals ``stats`` with that one unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from champion_desk.domain import metrics
from champion_desk.domain.scope import Scope, months_before
from champion_desk.domain.vocab import Barrier, values
from champion_desk.errors import NotFoundError
from champion_desk.store.connection import Database

ADKAR: tuple[str, ...] = values(Barrier)
BARRIER_BELOW = 3


def unit_breakdown(
    db: Database, scope: Scope, with_refreshers: bool = True, staff_rows: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Return one row per unit in scope (all live units when the scope names none), by unit name.

    Rows: unit, staff_active, champions_active, staff_per_champion, training_coverage,
    signed_off_staff (each as ``stats`` defines it, with that unit alone as the scope's unit) and,
    unless ``with_refreshers`` is False (it is the slow part at trust scale), refreshers_due (how
    many rows ``refreshers_due`` lists for the unit). ``staff_rows`` may pass ``metrics.staff_by_unit``
    at the scope's end when the caller has it. Raises ValidationError for an unknown unit or tool.
    """
    f = metrics.resolve(db, scope)
    marks = f.units("u.id")
    units = db.query(
        f"SELECT id, name FROM unit u WHERE u.deleted_at IS NULL{marks} ORDER BY name COLLATE NOCASE, name", f.params()
    )
    if staff_rows is None:
        staff_rows = metrics.staff_by_unit(db, f, scope.date_to)
    by_unit = {r["unit_id"]: r for r in staff_rows}
    due: dict[str, int] = {}
    for row in refreshers_due(db, scope) if with_refreshers else ():
        due[row["unit"]] = due.get(row["unit"], 0) + 1
    rows = []
    for unit in units:
        r = by_unit.get(unit["id"], {})
        staff = int(r.get("staff_active") or 0)
        champions = int(r.get("champions_active") or 0)
        rows.append(
            {
                "unit": unit["name"],
                "staff_active": staff,
                "champions_active": champions,
                "staff_per_champion": metrics.ratio(staff, champions),
                "training_coverage": metrics.share(int(r.get("covered") or 0), staff),
                "signed_off_staff": int(r.get("signed_off_staff") or 0),
            }
        )
        if with_refreshers:
            rows[-1]["refreshers_due"] = due.get(unit["name"], 0)
    return rows


def barrier_point(scores: dict[str, float | None]) -> str | None:
    """Return the first ADKAR element (in ADKAR order) scored below 3, or None (unscored elements are skipped)."""
    for element in ADKAR:
        score = scores.get(element)
        if score is not None and score < BARRIER_BELOW:
            return element
    return None


def readiness(db: Database, scope: Scope) -> list[dict[str, Any]]:
    """Return the latest readiness pulse per unit and tool in scope with taken_on <= the scope's end.

    Pulses taken before the scope's start still count: the latest is the unit's current reading.
    Rows (by unit then tool name): unit, tool, taken_on, respondents, the five ADKAR means
    (awareness, desire, knowledge, ability, reinforcement) and barrier_point (the first element in
    ADKAR order scored below 3, or None). Ties on taken_on go to the later-created pulse.
    """
    f = metrics.resolve(db, scope)
    adkar = ", ".join(f"pu.{e}" for e in ADKAR)
    newest = db.scalar("SELECT max(taken_on) FROM summary_latest_pulse")
    if newest is None or newest <= f.scope.date_to.isoformat():
        # No pulse is dated after the scope's end (the usual case: the end is today), so each unit
        # and tool's latest pulse, which the store keeps (store/summaries.py), is the answer.
        rows = db.query(
            f"""SELECT u.name AS unit, t.name AS tool, pu.taken_on, pu.respondents, {adkar}
                  FROM summary_latest_pulse l JOIN pulse pu ON pu.id = l.pulse_id
                  JOIN unit u ON u.id = l.unit_id JOIN tool t ON t.id = l.tool_id
                 WHERE 1 = 1{f.unit_and_tool("l")}
                 ORDER BY u.name, t.name""",
            f.params(),
        )
        for row in rows:
            row["barrier_point"] = barrier_point(row)
        return rows
    # The latest day per unit and tool first (an index walk), then only that day's pulses are
    # ranked: ranking every pulse sorted the whole table (about 20 -> 4 ms at trust scale).
    sql = f"""
        WITH latest AS (
            SELECT pu.unit_id AS unit_id, pu.tool_id AS tool_id, max(pu.taken_on) AS taken_on FROM pulse pu
             WHERE pu.deleted_at IS NULL AND pu.taken_on <= :d_to{f.unit_and_tool("pu")}
             GROUP BY pu.unit_id, pu.tool_id)
        SELECT u.name AS unit, t.name AS tool, pu.taken_on, pu.respondents, {adkar}
          FROM (SELECT pu.*, row_number() OVER (PARTITION BY pu.unit_id, pu.tool_id
                                                ORDER BY pu.created_at DESC, pu.id DESC) AS nth
                  FROM latest l JOIN pulse pu
                    ON pu.unit_id = l.unit_id AND pu.tool_id = l.tool_id AND pu.taken_on = l.taken_on
                 WHERE pu.deleted_at IS NULL) pu
          JOIN unit u ON u.id = pu.unit_id
          JOIN tool t ON t.id = pu.tool_id
         WHERE pu.nth = 1
         ORDER BY u.name, t.name"""
    rows = db.query(sql, f.params())
    for row in rows:
        row["barrier_point"] = barrier_point(row)
    return rows


def refreshers_due(db: Database, scope: Scope, within_days: int = 0) -> list[dict[str, Any]]:
    """Return signed-off colleagues whose latest sign-off for a tool is due a refresher.

    A colleague is listed for a tool when they are live (not deleted, active=1) in a unit in scope,
    the tool is in scope and has refresher_months set, and their latest sign-off for it (an
    attendance, not deleted, with signed_off=1 at a non-deleted session of that tool; dated
    signed_off_on, else the session's held_on; on or before the scope's end) has
    due_on = sign-off + refresher_months calendar months (clamped to the month's end) on or before
    the scope's end + ``within_days``. Rows (by due_on, unit, name): staff_id, display_name, unit,
    tool, signed_off_on, due_on.
    """
    f = metrics.resolve(db, scope)
    as_of = scope.date_to + dt.timedelta(days=within_days)
    signed = "coalesce(a.signed_off_on, ts.held_on)"
    live_staff = "SELECT s.id FROM staff s WHERE s.deleted_at IS NULL AND s.active = 1" + f.units("s.unit_id")
    # With all units, reading attendance front to back beats fetching each colleague's rows at
    # random (about 3x at trust scale); with a few units, starting from their staff is faster.
    if f.unit_ids is None:
        source = "attendance a NOT INDEXED CROSS JOIN training_session ts ON ts.id = a.session_id"
    else:
        source = f"({live_staff}) s CROSS JOIN attendance a ON a.staff_id = s.id JOIN training_session ts ON ts.id = a.session_id"
    # The outer test is a cheap superset (SQLite's month arithmetic overflows short months by up to
    # three days); the exact calendar-month test is made below in Python.
    sql = f"""
        WITH latest AS (
            SELECT a.staff_id AS staff_id, ts.tool_id AS tool_id, max({signed}) AS signed_off_on
              FROM {source}
             WHERE a.deleted_at IS NULL AND a.signed_off = 1 AND ts.deleted_at IS NULL AND {signed} <= :d_to
               AND a.staff_id IN ({live_staff})
               AND ts.tool_id IN (SELECT t.id FROM tool t WHERE t.refresher_months IS NOT NULL{f.tools("t.id")})
             GROUP BY a.staff_id, ts.tool_id)
        SELECT s.id AS staff_id, s.display_name, u.name AS unit, t.name AS tool, t.refresher_months AS months,
               l.signed_off_on
          FROM latest l JOIN staff s ON s.id = l.staff_id JOIN tool t ON t.id = l.tool_id
          LEFT JOIN unit u ON u.id = s.unit_id
         WHERE l.signed_off_on <= date(:as_of, '-' || t.refresher_months || ' months', '+4 days')"""
    rows = []
    for r in db.query(sql, f.params() | {"as_of": as_of.isoformat()}):
        due_on = months_before(dt.date.fromisoformat(r["signed_off_on"]), -int(r.pop("months")))
        if due_on <= as_of:
            rows.append(r | {"due_on": due_on.isoformat()})
    rows.sort(key=lambda r: (r["due_on"], r["unit"] or "", r["display_name"], r["tool"]))
    return rows


def journey(db: Database, staff_id: str) -> list[dict[str, Any]]:
    """Return every live record that names a colleague, in date order.

    Rows: date, kind, summary, table, record_id; a countersign's or sign-off's summary ends with how
    it was signed (verified by PIN, unverified, recorded before signatures). Kinds: "trained" (ran a session), "countersigned"
    (verified a session), "attended", "signed off" (their own sign-off), "signed off a colleague",
    "raised a concern", "logged a concern", "mentoring" (as mentor), "mentored" (as mentee),
    "check-in" (of a pairing they are in), "suggested an idea" and "backed an idea" (both with the
    idea as their record). Deleted records are left out. Raises NotFoundError when
    no staff record (live or deleted) has that id.
    """
    if db.scalar("SELECT 1 FROM staff WHERE id = ?", (staff_id,)) is None:
        raise NotFoundError(f"No staff member with id {staff_id}.")
    tool_unit = "JOIN tool t ON t.id = ts.tool_id JOIN unit u ON u.id = ts.unit_id"
    about = "ts.format || ' session on ' || t.name || ' (' || u.name || ')'"
    name = "(SELECT display_name FROM staff WHERE id = {0})"
    # A signature says how it was signed, so an unverified one never reads as verified.
    how = (
        "(CASE {0} WHEN 'pin' THEN ' (verified by PIN)' WHEN 'unverified' THEN ' (unverified: no PIN)'"
        " WHEN 'before signatures' THEN ' (recorded before signatures)' ELSE '' END)"
    )
    sql = f"""
        SELECT ts.held_on AS date, 'trained' AS kind, 'Ran a ' || {about} AS summary, 'training_session' AS tbl, ts.id AS record_id
          FROM training_session ts {tool_unit} WHERE ts.trainer_id = :sid AND ts.deleted_at IS NULL
        UNION ALL
        SELECT coalesce(ts.verified_on, ts.held_on), 'countersigned', 'Countersigned a ' || {about} || {how.format("ts.verified_signature")}, 'training_session', ts.id
          FROM training_session ts {tool_unit} WHERE ts.verified_by = :sid AND ts.deleted_at IS NULL
        UNION ALL
        SELECT ts.held_on, 'attended', 'Attended a ' || {about}, 'attendance', a.id
          FROM attendance a JOIN training_session ts ON ts.id = a.session_id {tool_unit}
         WHERE a.staff_id = :sid AND a.deleted_at IS NULL AND ts.deleted_at IS NULL
        UNION ALL
        SELECT coalesce(a.signed_off_on, ts.held_on), 'signed off', 'Signed off as competent on ' || t.name || {how.format("a.signed_off_signature")}, 'attendance', a.id
          FROM attendance a JOIN training_session ts ON ts.id = a.session_id {tool_unit}
         WHERE a.staff_id = :sid AND a.signed_off = 1 AND a.deleted_at IS NULL AND ts.deleted_at IS NULL
        UNION ALL
        SELECT coalesce(a.signed_off_on, ts.held_on), 'signed off a colleague',
               'Signed off ' || {name.format("a.staff_id")} || ' on ' || t.name || {how.format("a.signed_off_signature")}, 'attendance', a.id
          FROM attendance a JOIN training_session ts ON ts.id = a.session_id {tool_unit}
         WHERE a.signed_off_by = :sid AND a.signed_off = 1 AND a.deleted_at IS NULL AND ts.deleted_at IS NULL
        UNION ALL
        SELECT i.occurred_on, 'raised a concern', 'Raised a concern about ' || i.theme || ' (' || t.name || ', ' || u.name || ')', 'incident', i.id
          FROM incident i JOIN tool t ON t.id = i.tool_id JOIN unit u ON u.id = i.unit_id
         WHERE i.raised_by = :sid AND i.deleted_at IS NULL
        UNION ALL
        SELECT i.occurred_on, 'logged a concern', 'Logged a concern about ' || i.theme || ' (' || t.name || ', ' || u.name || ')', 'incident', i.id
          FROM incident i JOIN tool t ON t.id = i.tool_id JOIN unit u ON u.id = i.unit_id
         WHERE i.reported_by = :sid AND i.deleted_at IS NULL
        UNION ALL
        SELECT pr.started_on, 'mentoring', 'Began mentoring ' || {name.format("pr.mentee_id")} || ' on ' || t.name, 'pairing', pr.id
          FROM pairing pr JOIN tool t ON t.id = pr.tool_id WHERE pr.mentor_id = :sid AND pr.deleted_at IS NULL
        UNION ALL
        SELECT pr.started_on, 'mentored', 'Mentored by ' || {name.format("pr.mentor_id")} || ' on ' || t.name, 'pairing', pr.id
          FROM pairing pr JOIN tool t ON t.id = pr.tool_id WHERE pr.mentee_id = :sid AND pr.deleted_at IS NULL
        UNION ALL
        SELECT c.held_on, 'check-in',
               'Mentoring check-in with ' || {name.format("CASE WHEN pr.mentor_id = :sid THEN pr.mentee_id ELSE pr.mentor_id END")} || ' on ' || t.name,
               'checkin', c.id
          FROM checkin c JOIN pairing pr ON pr.id = c.pairing_id JOIN tool t ON t.id = pr.tool_id
         WHERE (pr.mentor_id = :sid OR pr.mentee_id = :sid) AND c.deleted_at IS NULL AND pr.deleted_at IS NULL
        UNION ALL
        SELECT d.raised_on, 'suggested an idea', 'Suggested “' || d.title || '” (' || d.status || ')', 'idea', d.id
          FROM idea d WHERE d.suggested_by = :sid AND d.deleted_at IS NULL
        UNION ALL
        SELECT b.backed_on, 'backed an idea', 'Backed “' || d.title || '” (' || d.status || ')', 'idea', d.id
          FROM idea_support b JOIN idea d ON d.id = b.idea_id
         WHERE b.backed_by = :sid AND b.deleted_at IS NULL AND d.deleted_at IS NULL
        ORDER BY 1, 2, 5"""
    rows = db.query(sql, {"sid": staff_id})
    return [
        {"date": r["date"], "kind": r["kind"], "summary": r["summary"], "table": r["tbl"], "record_id": r["record_id"]}
        for r in rows
    ]


def person_usage(db: Database, staff_id: str, months: int = 6, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Return one colleague's own use of each tool per calendar month, newest first, for their journey only.

    Rows: tool, month (``YYYY-MM``), days (days with use, count > 0) and uses (the sum of counts),
    over usage rows not deleted in the last ``months`` months up to ``today``. Never shown to
    managers: every output for them counts use by unit (README, "Trust first").
    """
    today = today or dt.date.today()
    since = months_before(today, months - 1).replace(day=1)
    return db.query(
        """SELECT t.name AS tool, substr(u.day, 1, 7) AS month, count(DISTINCT u.day) AS days, sum(u.count) AS uses
             FROM usage u JOIN tool t ON t.id = u.tool_id
            WHERE u.staff_id = ? AND u.deleted_at IS NULL AND u.count > 0 AND u.day BETWEEN ? AND ?
            GROUP BY t.name, month ORDER BY month DESC, t.name""",
        (staff_id, since.isoformat(), today.isoformat()),
    )
