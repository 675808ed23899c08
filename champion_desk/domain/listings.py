"""The rows each page of the app lists: plain dicts with display names joined, honouring a Scope.

Read-only. Every function returns live records only (tombstones are hidden), newest first.
The concerns list never carries ``raised_by``: who raised a concern is confidential and shown
only on that colleague's own page (``person_concerns``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from champion_desk.domain import metrics
from champion_desk.domain.breakdowns import barrier_point
from champion_desk.domain.scope import Scope
from champion_desk.domain.vocab import RESOLVED_STATUSES, is_manager_role
from champion_desk.store.connection import Database

Row = dict[str, Any]

_RESOLVED_SQL = "(" + ", ".join(f"'{s.value}'" for s in RESOLVED_STATUSES) + ")"


def _scope_sql(
    scope: Scope | None, date_sql: str | None, unit_name_sql: str | None, tool_name_sql: str | None
) -> tuple[str, dict[str, Any]]:
    """Return `` AND ...`` clauses and named params restricting dates, unit names and tool names."""
    if scope is None:
        return "", {}
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if date_sql:
        clauses.append(f"{date_sql} BETWEEN :d_from AND :d_to")
        params.update(d_from=scope.date_from.isoformat(), d_to=scope.date_to.isoformat())
    for prefix, column, names in (("u", unit_name_sql, scope.units), ("t", tool_name_sql, scope.tools)):
        if column and names:
            keys = [f"{prefix}{n}" for n in range(len(names))]
            clauses.append(f"{column} IN ({', '.join(':' + k for k in keys)})")
            params.update(zip(keys, names))
    return "".join(f" AND {c}" for c in clauses), params


def _sessions_sql(scope: Scope | None, today_iso: str, upcoming: bool) -> tuple[str, dict[str, Any]]:
    """Return the ``sessions`` clauses: the scope's period, or (``upcoming``) every day after today."""
    where, params = _scope_sql(scope, None, "u.name", "t.name")
    if upcoming:
        where += " AND s.held_on > :today"
    elif scope is not None:
        where += " AND s.held_on BETWEEN :d_from AND :d_to"
        params.update(d_from=scope.date_from.isoformat(), d_to=scope.date_to.isoformat())
    params["today"] = today_iso
    return where, params


def planned_after(db: Database, scope: Scope, today: dt.date | None = None) -> int:
    """Return how many sessions are planned after the scope's end (and after today) in its units and tools:
    the ones its list leaves out, which ``sessions(upcoming=True)`` shows."""
    where, params = _sessions_sql(scope, (today or dt.date.today()).isoformat(), upcoming=True)
    params["d_to"] = scope.date_to.isoformat()
    return int(
        db.scalar(
            f"""SELECT count(*) FROM training_session s JOIN tool t ON t.id = s.tool_id JOIN unit u ON u.id = s.unit_id
                 WHERE s.deleted_at IS NULL{where} AND s.held_on > :d_to""",
            params,
        )
        or 0
    )


def sessions(
    db: Database, scope: Scope | None = None, today: dt.date | None = None, upcoming: bool = False
) -> list[Row]:
    """Return training sessions held in the scope, with tool, unit, trainer and countersigner names.

    The list follows the scope's dates: a session planned within the period is listed (marked
    ``planned``), one planned after its end is not. ``upcoming=True`` lists instead every session
    planned after today in the scope's units and tools, whatever its period, so a session logged
    ahead is always found. Each row also has ``attendees``, ``signed_off`` (attendees
    signed off; ``signed_off_verified`` of them by PIN), ``verified_signature`` (how the countersign
    was signed), ``confidence_uplift`` (mean after − before over attendees with both),
    ``countersigned`` (0/1) and ``planned`` (1 when after today); ``topic``, ``notes``, ``starts_at``
    and ``place`` come along for the list's search.
    """
    today_iso = (today or dt.date.today()).isoformat()
    where, params = _sessions_sql(scope, today_iso, upcoming)
    return db.query(
        f"""SELECT s.id, s.held_on, s.tool_id, t.name AS tool, s.unit_id, u.name AS unit,
                   s.trainer_id, tr.display_name AS trainer, s.format, s.minutes, s.topic, s.notes,
                   s.starts_at, s.place, s.verified_by, v.display_name AS verified_by_name, s.verified_on, s.verified_signature,
                   (s.verified_by IS NOT NULL) AS countersigned, (s.held_on > :today) AS planned,
                   (SELECT count(*) FROM attendance a WHERE a.session_id = s.id AND a.deleted_at IS NULL) AS attendees,
                   (SELECT count(*) FROM attendance a WHERE a.session_id = s.id AND a.deleted_at IS NULL
                                                        AND a.signed_off = 1) AS signed_off,
                   (SELECT count(*) FROM attendance a WHERE a.session_id = s.id AND a.deleted_at IS NULL
                                                        AND a.signed_off_signature = 'pin') AS signed_off_verified,
                   (SELECT round(avg(a.confidence_after - a.confidence_before), 1) FROM attendance a
                     WHERE a.session_id = s.id AND a.deleted_at IS NULL) AS confidence_uplift
              FROM training_session s
              JOIN tool t ON t.id = s.tool_id
              JOIN unit u ON u.id = s.unit_id
              JOIN staff tr ON tr.id = s.trainer_id
              LEFT JOIN staff v ON v.id = s.verified_by
             WHERE s.deleted_at IS NULL{where}
             ORDER BY s.held_on DESC, t.name""",
        params,
    )


_CONCERN_COLUMNS = """i.id, i.occurred_on, i.tool_id, t.name AS tool, i.unit_id, u.name AS unit,
                   i.theme, i.barrier, i.severity, i.status, i.description, i.response, i.owner,
                   i.resolved_on, rep.display_name AS reported_by_name,
                   (i.status IN {resolved}) AS resolved,
                   CAST(julianday(CASE WHEN i.status IN {resolved} THEN coalesce(i.resolved_on, i.occurred_on)
                                       ELSE :today END) - julianday(i.occurred_on) AS INTEGER) AS days_open""".format(
    resolved=_RESOLVED_SQL
)
_CONCERN_FROM = """FROM incident i
              JOIN tool t ON t.id = i.tool_id
              JOIN unit u ON u.id = i.unit_id
              LEFT JOIN staff rep ON rep.id = i.reported_by"""


def concerns(db: Database, scope: Scope | None = None, today: dt.date | None = None) -> list[Row]:
    """Return concerns raised in the scope with tool, unit and reporting champion; never ``raised_by``.

    ``days_open`` counts to today for unresolved concerns, to ``resolved_on`` for resolved ones;
    ``resolved`` is 1 when the status is addressed or closed.
    """
    where, params = _scope_sql(scope, "i.occurred_on", "u.name", "t.name")
    params["today"] = (today or dt.date.today()).isoformat()
    return db.query(
        f"SELECT {_CONCERN_COLUMNS} {_CONCERN_FROM} WHERE i.deleted_at IS NULL{where} ORDER BY i.occurred_on DESC",
        params,
    )


def person_concerns(db: Database, staff_id: str, today: dt.date | None = None) -> list[Row]:
    """Return the concerns one colleague raised (only for their own page: it is confidential)."""
    params = {"today": (today or dt.date.today()).isoformat(), "staff": staff_id}
    return db.query(
        f"SELECT {_CONCERN_COLUMNS} {_CONCERN_FROM} WHERE i.deleted_at IS NULL AND i.raised_by = :staff "
        "ORDER BY i.occurred_on DESC",
        params,
    )


def pairings(db: Database, scope: Scope | None = None) -> list[Row]:
    """Return mentoring pairings that overlap the scope's period (mentee's unit and tool in scope).

    Each row has mentor, mentee and tool names, ``checkins`` (held within the scope's period) and
    ``last_checkin`` (the latest check-in held on or before the scope's end).
    """
    where, params = _scope_sql(scope, None, "u.name", "t.name")
    # Check-ins counted in the period, as stats counts them, so the page and the figures agree.
    params["first_day"] = (scope.date_from if scope is not None else dt.date.min).isoformat()
    params["last_day"] = (scope.date_to if scope is not None else dt.date.max).isoformat()
    if scope is not None:
        where += " AND p.started_on <= :d_to AND (p.ended_on IS NULL OR p.ended_on >= :d_from)"
        params.update(d_from=scope.date_from.isoformat(), d_to=scope.date_to.isoformat())
    return db.query(
        f"""SELECT p.id, p.started_on, p.ended_on, p.status, p.progress, p.goal, p.tool_id, t.name AS tool,
                   p.mentor_id, m.display_name AS mentor, p.mentee_id, e.display_name AS mentee,
                   u.name AS mentee_unit,
                   (SELECT count(*) FROM checkin c WHERE c.pairing_id = p.id AND c.deleted_at IS NULL
                       AND c.held_on BETWEEN :first_day AND :last_day) AS checkins,
                   (SELECT max(c.held_on) FROM checkin c WHERE c.pairing_id = p.id AND c.deleted_at IS NULL
                       AND c.held_on <= :last_day) AS last_checkin
              FROM pairing p
              JOIN tool t ON t.id = p.tool_id
              JOIN staff m ON m.id = p.mentor_id
              JOIN staff e ON e.id = p.mentee_id
              LEFT JOIN unit u ON u.id = e.unit_id
             WHERE p.deleted_at IS NULL{where}
             ORDER BY p.status = 'active' DESC, p.started_on DESC""",
        params,
    )


def is_stalled(row: Row, at: dt.date) -> bool:
    """Return True when a ``pairings`` row is stalled at ``at``, as ``metrics`` defines stalled_pairings:
    active at ``at`` (started on or before, not ended by then), started more than 30 days before
    it, and no check-in in the 30 days up to it."""
    cut = (at - dt.timedelta(days=metrics.STALL_DAYS)).isoformat()
    ended = row["ended_on"]
    return (
        row["started_on"] < cut
        and (ended is None or ended > at.isoformat())
        and (row["last_checkin"] is None or row["last_checkin"] <= cut)
    )


DEMO_NOTE = "demo data"  # how the demo generator's audit rows describe what they wrote


def is_demo(db: Database) -> bool:
    """Return True when the database was filled by the demo generator (its audit says so)."""
    return bool(
        db.scalar(
            "SELECT EXISTS (SELECT 1 FROM audit WHERE record_id = '*' AND changes LIKE ?)",
            (f'%"note": "{DEMO_NOTE}:%',),
        )
    )


def has_units_and_tools(db: Database) -> bool:
    """Return True when the logbook has at least one live unit and one live tool (it can be used)."""
    return bool(
        db.scalar("SELECT EXISTS (SELECT 1 FROM tool WHERE deleted_at IS NULL)")
        and db.scalar("SELECT EXISTS (SELECT 1 FROM unit WHERE deleted_at IS NULL)")
    )


def checkins(db: Database, pairing_id: str) -> list[Row]:
    """Return the check-ins of one pairing, newest first."""
    return db.query(
        """SELECT c.id, c.pairing_id, c.held_on, c.minutes, c.confidence, c.note
             FROM checkin c WHERE c.pairing_id = ? AND c.deleted_at IS NULL ORDER BY c.held_on DESC""",
        (pairing_id,),
    )


def stories(db: Database, scope: Scope | None = None) -> list[Row]:
    """Return success stories told in the scope, with tool and unit names (unit may be empty)."""
    where, params = _scope_sql(scope, "s.told_on", "u.name", "t.name")
    return db.query(
        f"""SELECT s.id, s.told_on, s.title, s.summary, s.measure, s.value, s.source,
                   s.tool_id, t.name AS tool, s.unit_id, u.name AS unit
              FROM story s JOIN tool t ON t.id = s.tool_id LEFT JOIN unit u ON u.id = s.unit_id
             WHERE s.deleted_at IS NULL{where}
             ORDER BY s.told_on DESC""",
        params,
    )


ADKAR = ("awareness", "desire", "knowledge", "ability", "reinforcement")


def pulses(db: Database, scope: Scope | None = None) -> list[Row]:
    """Return readiness pulses taken in the scope; ``barrier_point`` names the first ADKAR element scored
    below 3 (``breakdowns.barrier_point``, as the dashboard and the next steps read a pulse), or None."""
    where, params = _scope_sql(scope, "p.taken_on", "u.name", "t.name")
    rows = db.query(
        f"""SELECT p.id, p.taken_on, p.respondents, {", ".join("p." + a for a in ADKAR)},
                   p.unit_id, u.name AS unit, p.tool_id, t.name AS tool
              FROM pulse p JOIN unit u ON u.id = p.unit_id JOIN tool t ON t.id = p.tool_id
             WHERE p.deleted_at IS NULL{where}
             ORDER BY p.taken_on DESC""",
        params,
    )
    for row in rows:
        row["barrier_point"] = barrier_point(row)
    return rows


def staff(db: Database, include_inactive: bool = True) -> list[Row]:
    """Return staff with unit names, ``is_manager`` and training counts (``sessions_attended``, ``last_trained``)."""
    # One pass over attendance in table order, grouped (4x faster at trust scale than walking the
    # staff index, which reads each attendance row at random), instead of two lookups per person.
    rows = db.query(
        f"""WITH trained AS (
                SELECT a.staff_id, count(*) AS n, max(ts.held_on) AS last
                  FROM attendance a NOT INDEXED CROSS JOIN training_session ts ON ts.id = a.session_id
                 WHERE a.deleted_at IS NULL AND ts.deleted_at IS NULL
                 GROUP BY a.staff_id)
            SELECT s.id, s.display_name, s.role, s.unit_id, u.name AS unit, s.staff_ref, s.is_champion, s.active,
                   coalesce(tr.n, 0) AS sessions_attended, tr.last AS last_trained
              FROM staff s LEFT JOIN unit u ON u.id = s.unit_id LEFT JOIN trained tr ON tr.staff_id = s.id
             WHERE s.deleted_at IS NULL{"" if include_inactive else " AND s.active = 1"}
             ORDER BY s.display_name COLLATE NOCASE"""
    )
    for row in rows:
        row["is_manager"] = int(is_manager_role(row["role"]))
    return rows


def person(db: Database, staff_id: str) -> Row | None:
    """Return one live staff member (id, display_name, role, unit, is_champion, active, is_manager), or None."""
    row = db.one(
        """SELECT s.id, s.display_name, s.role, s.unit_id, u.name AS unit, s.staff_ref, s.is_champion, s.active
             FROM staff s LEFT JOIN unit u ON u.id = s.unit_id WHERE s.id = ? AND s.deleted_at IS NULL""",
        (staff_id,),
    )
    if row is not None:
        row["is_manager"] = int(is_manager_role(row["role"]))
    return row


def loggers(db: Database) -> list[Row]:
    """Return the active champions and managers, who log and countersign (for "who is logging?")."""
    return [r for r in staff(db, include_inactive=False) if r["is_champion"] or r["is_manager"]]


def tools(db: Database) -> list[Row]:
    """Return tools with ``units_live`` (units whose latest rollout stage is live) and ``sessions``."""
    return db.query(
        """WITH latest AS (
               SELECT r.tool_id, r.unit_id, r.stage,
                      row_number() OVER (PARTITION BY r.tool_id, r.unit_id ORDER BY r.since DESC, r.created_at DESC) AS n
                 FROM rollout r JOIN unit u ON u.id = r.unit_id
                WHERE r.deleted_at IS NULL AND u.deleted_at IS NULL)
           SELECT t.id, t.name, t.vendor, t.purpose, t.stage, t.go_live_on, t.refresher_months,
                  (SELECT count(*) FROM latest l WHERE l.tool_id = t.id AND l.n = 1 AND l.stage = 'live') AS units_live,
                  (SELECT count(*) FROM latest l WHERE l.tool_id = t.id AND l.n = 1) AS units_rolling_out,
                  (SELECT count(*) FROM training_session s WHERE s.tool_id = t.id AND s.deleted_at IS NULL) AS sessions
             FROM tool t WHERE t.deleted_at IS NULL
            ORDER BY t.name COLLATE NOCASE"""
    )


def rollouts(db: Database, tool_id: str | None = None) -> list[Row]:
    """Return rollout stages (of one tool, or all) with unit and tool names; ``current`` marks the
    latest stage of each tool on each unit."""
    where = " AND r.tool_id = :tool" if tool_id else ""
    return db.query(
        f"""SELECT r.id, r.tool_id, t.name AS tool, r.unit_id, u.name AS unit, r.stage, r.since,
                   (row_number() OVER (PARTITION BY r.tool_id, r.unit_id ORDER BY r.since DESC, r.created_at DESC) = 1) AS current
              FROM rollout r JOIN tool t ON t.id = r.tool_id JOIN unit u ON u.id = r.unit_id
             WHERE r.deleted_at IS NULL{where}
             ORDER BY u.name COLLATE NOCASE, r.since DESC""",
        {"tool": tool_id} if tool_id else {},
    )


def units(db: Database) -> list[Row]:
    """Return live units (id, name, site, specialty, ``staff``: active staff on it) by name."""
    return db.query(
        """SELECT u.id, u.name, u.site, u.specialty,
                  (SELECT count(*) FROM staff s WHERE s.unit_id = u.id AND s.deleted_at IS NULL AND s.active = 1) AS staff
             FROM unit u WHERE u.deleted_at IS NULL ORDER BY u.name COLLATE NOCASE"""
    )


def tool_names(db: Database) -> list[str]:
    """Return the names of live tools, for scope pickers."""
    return [r["name"] for r in db.query("SELECT name FROM tool WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE")]


def ideas(db: Database, scope: Scope | None = None, today: dt.date | None = None) -> list[Row]:
    """Return staff ideas raised in the scope, with tool (``Any tool`` when for every tool) and unit names.

    Each row also has ``support`` (colleagues backing it, as ``domain.ideas`` counts them),
    ``age_days`` (days since raised) and ``days_in_status`` (days since its status last changed).
    An idea for any tool is in every tool's scope. Who suggested it is not listed: it is shown
    only in the idea's own form, for the champion to report back.
    """
    from champion_desk.domain.ideas import SUPPORT_SQL

    where, params = _scope_sql(scope, "i.raised_on", "u.name", None)
    if scope is not None and scope.tools:
        keys = [f"t{n}" for n in range(len(scope.tools))]
        where += f" AND (i.tool_id IS NULL OR t.name IN ({', '.join(':' + k for k in keys)}))"
        params.update(zip(keys, scope.tools))
    params["today"] = (today or dt.date.today()).isoformat()
    return db.query(
        f"""SELECT i.id, i.raised_on, i.title, i.description, i.status, i.status_reason, i.status_on,
                   i.tool_id, coalesce(t.name, 'Any tool') AS tool, i.unit_id, u.name AS unit,
                   ({SUPPORT_SQL.format(idea="i.id")}) AS support,
                   CAST(julianday(:today) - julianday(i.raised_on) AS INTEGER) AS age_days,
                   CAST(julianday(:today) - julianday(coalesce(i.status_on, i.raised_on)) AS INTEGER) AS days_in_status
              FROM idea i JOIN unit u ON u.id = i.unit_id LEFT JOIN tool t ON t.id = i.tool_id
             WHERE i.deleted_at IS NULL{where}
             ORDER BY i.raised_on DESC""",
        params,
    )
