"""Summary tables the dashboard reads instead of every row: kept exact by triggers, rebuilt in bulk.

A trust-scale file holds about 300,000 attendances; a dashboard redraw that counts them afresh
costs in proportion to the file, not to the chart. These tables hold what the figures need
(``docs/figures.md``) already added up, so a redraw reads rows in proportion to days x units x tools
and to colleagues, never to attendances:

- ``summary_training_day``: per day, unit and tool, the live sessions held and their live
  attendances with the sum and count of confidence uplifts;
- ``summary_first_training``: per colleague and tool, the day of their first live attendance at a
  live session, and of the first one signed off;
- ``summary_staff_coverage``: per staff row, what coverage needs of it (unit, champion, live =
  not deleted and active) and its first days over any tool;
- ``summary_checkin_day``: per day, tool and mentee's unit, the live check-ins of live pairings;
- ``summary_pairing_stall``: each live pairing's stretches of stalled days;
- ``summary_incident_day``: per day, unit, tool and theme, the live concerns raised (and answered)
  that day and those closed that day;
- ``summary_training_total``, ``summary_checkin_total``, ``summary_incident_total``: the same days
  over all units and tools, the dashboard's usual scope, which then reads one row a day;
- ``summary_latest_pulse``: each unit and tool's latest live readiness pulse;
- ``summary_resolution_total``: over all units and tools, how many live concerns resolved on a day
  took how many days.

Triggers on the record tables keep them exact through every write: a new attendance, check-in or
concern just adds to its cells (cheap, so saves and imports stay fast); any other write recounts
the few cells, colleagues and pairings it touches from the rows themselves. Bulk writers (a ward
merge, demo data) wrap their work in :func:`rebuilt_after`, which drops the triggers inside the
caller's transaction and recounts everything once at the end: SQLite DDL is transactional, so a
failure rolls the triggers back with the data.

Nothing outside this module writes to these tables; ``expected`` recounts them from scratch, so
tests can compare.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from champion_desk.store.connection import Database, page_cache

TABLE_DDL: dict[str, str] = {
    "summary_training_day": """CREATE TABLE summary_training_day (
    held_on TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    tool_id TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    attendances INTEGER NOT NULL,
    uplift_sum INTEGER,
    uplift_n INTEGER NOT NULL,
    PRIMARY KEY (held_on, unit_id, tool_id)) WITHOUT ROWID""",
    "summary_first_training": """CREATE TABLE summary_first_training (
    staff_id TEXT NOT NULL,
    tool_id TEXT NOT NULL,
    first_on TEXT NOT NULL,
    first_signed_on TEXT,
    PRIMARY KEY (staff_id, tool_id)) WITHOUT ROWID""",
    "summary_staff_coverage": """CREATE TABLE summary_staff_coverage (
    staff_id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT,
    is_champion INTEGER NOT NULL,
    live INTEGER NOT NULL,
    first_on TEXT,
    first_signed_on TEXT) WITHOUT ROWID""",
    "summary_checkin_day": """CREATE TABLE summary_checkin_day (
    held_on TEXT NOT NULL,
    tool_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    checkins INTEGER NOT NULL,
    PRIMARY KEY (held_on, tool_id, unit_id)) WITHOUT ROWID""",
    "summary_pairing_stall": """CREATE TABLE summary_pairing_stall (
    pairing_id TEXT NOT NULL,
    stalled_from TEXT NOT NULL,
    stalled_until TEXT NOT NULL,
    PRIMARY KEY (pairing_id, stalled_from)) WITHOUT ROWID""",
    "summary_incident_day": """CREATE TABLE summary_incident_day (
    day TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    tool_id TEXT NOT NULL,
    theme TEXT NOT NULL,
    raised INTEGER NOT NULL,
    responded INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    PRIMARY KEY (day, unit_id, tool_id, theme)) WITHOUT ROWID""",
    # Version 6: the same days over all units and tools (the dashboard's usual scope reads a row a
    # day, however many units), and each unit and tool's latest readiness pulse.
    "summary_training_total": """CREATE TABLE summary_training_total (
    held_on TEXT PRIMARY KEY NOT NULL,
    sessions INTEGER NOT NULL,
    attendances INTEGER NOT NULL,
    uplift_sum INTEGER,
    uplift_n INTEGER NOT NULL) WITHOUT ROWID""",
    "summary_checkin_total": """CREATE TABLE summary_checkin_total (
    held_on TEXT PRIMARY KEY NOT NULL,
    checkins INTEGER NOT NULL) WITHOUT ROWID""",
    "summary_incident_total": """CREATE TABLE summary_incident_total (
    day TEXT NOT NULL,
    theme TEXT NOT NULL,
    raised INTEGER NOT NULL,
    responded INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    PRIMARY KEY (day, theme)) WITHOUT ROWID""",
    "summary_latest_pulse": """CREATE TABLE summary_latest_pulse (
    unit_id TEXT NOT NULL,
    tool_id TEXT NOT NULL,
    pulse_id TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    PRIMARY KEY (unit_id, tool_id)) WITHOUT ROWID""",
    # Version 7: days to resolution over all units and tools, by the day resolved.
    "summary_resolution_total": """CREATE TABLE summary_resolution_total (
    resolved_on TEXT NOT NULL,
    days REAL NOT NULL,
    incidents INTEGER NOT NULL,
    PRIMARY KEY (resolved_on, days)) WITHOUT ROWID""",
}
TABLES: tuple[str, ...] = tuple(TABLE_DDL)
# The schema version that added each table (schema.py's migrations).
ADDED_IN: dict[int, tuple[str, ...]] = {5: TABLES[:6], 6: TABLES[6:10], 7: TABLES[10:]}

INDEX_DDL: tuple[str, ...] = (
    # Coverage over all tools: the live staff of some units, with their first days, read from the index.
    "CREATE INDEX summary_staff_coverage_live ON summary_staff_coverage(live, unit_id, is_champion, first_on, first_signed_on)",
    # Stalled pairings at a period's ends: only the stretches still running after its first end are read.
    "CREATE INDEX summary_pairing_stall_until ON summary_pairing_stall(stalled_until, stalled_from, pairing_id)",
)

# --- recounts ------------------------------------------------------------------------------------
# Each takes SQL naming what to recount and returns statements that delete those summary rows and
# insert them again from the record tables. Recounting a superset is harmless, so the triggers
# pass every key an old or new row could touch.

_TRAINING_DAY_COUNT = """
    SELECT ts.held_on, ts.unit_id, ts.tool_id, count(DISTINCT ts.id), count(a.id),
           sum(a.confidence_after - a.confidence_before), count(a.confidence_after - a.confidence_before)
      FROM {source}
      LEFT JOIN attendance a ON a.session_id = ts.id AND a.deleted_at IS NULL
     WHERE ts.deleted_at IS NULL
     GROUP BY ts.held_on, ts.unit_id, ts.tool_id"""

_FIRST_TRAINING_COUNT = """
    SELECT a.staff_id AS staff_id, ts.tool_id AS tool_id, min(ts.held_on) AS first_on,
           min(CASE WHEN a.signed_off = 1 THEN ts.held_on END) AS first_signed_on
      FROM attendance a CROSS JOIN training_session ts ON ts.id = a.session_id
     WHERE a.deleted_at IS NULL AND ts.deleted_at IS NULL{where}
     GROUP BY a.staff_id, ts.tool_id"""

_STAFF_COVERAGE_COUNT = """
    SELECT s.id, s.unit_id, s.is_champion, s.deleted_at IS NULL AND s.active = 1,
           (SELECT min(f.first_on) FROM summary_first_training f WHERE f.staff_id = s.id),
           (SELECT min(f.first_signed_on) FROM summary_first_training f WHERE f.staff_id = s.id)
      FROM staff s{where}"""


# A check-in counts under its pairing's tool and its mentee's current unit ('' for none), as the
# figures scope a pairing by its mentee's unit.
_MENTEE_UNIT = "coalesce((SELECT m.unit_id FROM staff m WHERE m.id = {0}), '')"

_CHECKIN_DAY_COUNT = f"""
    SELECT c.held_on AS d, pr.tool_id AS t, {_MENTEE_UNIT.format("pr.mentee_id")} AS u, count(*) AS n
      FROM checkin c JOIN pairing pr ON pr.id = c.pairing_id
     WHERE c.deleted_at IS NULL AND pr.deleted_at IS NULL{{where}}
     GROUP BY 1, 2, 3"""

# A live pairing is stalled on day E when started_on + 31 <= E < ended_on (if any) and no live
# check-in c has c <= E < c + 30 (docs/figures.md). The stretches of such days start on
# started_on + 31 or on some c + 30 not covered by another check-in, and run until the next
# check-in or ended_on (exclusive); 9999-12-31 is "still stalled".
_OPEN = "'9999-12-31'"
_PAIRING_STALL_COUNT = f"""
    SELECT pr.id, b.s,
           min(coalesce((SELECT min(c.held_on) FROM checkin c
                          WHERE c.pairing_id = pr.id AND c.deleted_at IS NULL AND c.held_on > b.s), {_OPEN}),
               coalesce(pr.ended_on, {_OPEN}))
      FROM pairing pr JOIN (
           SELECT p2.id AS pid, date(p2.started_on, '+31 days') AS s FROM pairing p2 WHERE 1 = 1{{where2}}
           UNION SELECT c.pairing_id, date(c.held_on, '+30 days') FROM checkin c WHERE c.deleted_at IS NULL{{wherec}}) b
        ON b.pid = pr.id
     WHERE pr.deleted_at IS NULL{{where}}
       AND b.s >= date(pr.started_on, '+31 days') AND (pr.ended_on IS NULL OR b.s < pr.ended_on)
       AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.pairing_id = pr.id AND c.deleted_at IS NULL
                          AND c.held_on <= b.s AND c.held_on > date(b.s, '-30 days'))"""


def _recount_checkin_days(keys: str) -> str:
    """Recount the check-in cells ``keys`` yields: a SELECT of (held_on, tool_id, unit_id) named d, t, u."""
    count = _CHECKIN_DAY_COUNT.format(where=f" AND c.held_on IN (SELECT d FROM ({keys}))")
    return f"""
        DELETE FROM summary_checkin_day WHERE (held_on, tool_id, unit_id) IN (SELECT d, t, u FROM ({keys}));
        INSERT INTO summary_checkin_day SELECT d, t, u, n FROM ({count}) WHERE (d, t, u) IN (SELECT d, t, u FROM ({keys}));"""


def _checkin_cells(row: str) -> str:
    """Return the check-in cell of an OLD or NEW check-in row, under its pairing's tool and mentee's unit."""
    return (
        f"SELECT {row}.held_on AS d, pr.tool_id AS t, {_MENTEE_UNIT.format('pr.mentee_id')} AS u"
        f" FROM pairing pr WHERE pr.id = {row}.pairing_id"
    )


def _pairing_cells(*rows: str) -> str:
    """Return every cell the check-ins of OLD/NEW pairing rows could count in, under either row's tool and mentee."""
    ids = ", ".join(f"{r}.id" for r in rows)
    tools = " UNION ".join(f"SELECT {r}.tool_id AS t" for r in rows)
    units = " UNION ".join(f"SELECT {_MENTEE_UNIT.format(r + '.mentee_id')} AS u" for r in rows)
    return f"SELECT c.held_on AS d, tt.t AS t, uu.u AS u FROM checkin c, ({tools}) tt, ({units}) uu WHERE c.pairing_id IN ({ids})"


def _mentee_cells(*rows: str) -> str:
    """Return every cell the check-ins of OLD/NEW staff rows' mentoring could count in, under either unit or none."""
    ids = ", ".join(f"{r}.id" for r in rows)
    units = " UNION ".join([f"SELECT coalesce({r}.unit_id, '') AS u" for r in rows] + ["SELECT '' AS u"])
    return (
        f"SELECT c.held_on AS d, pr.tool_id AS t, uu.u AS u FROM pairing pr JOIN checkin c ON c.pairing_id = pr.id,"
        f" ({units}) uu WHERE pr.mentee_id IN ({ids})"
    )


def _recount_stalls(pairings: str) -> str:
    """Recount the stalled stretches of the pairings whose ids the SQL list ``pairings`` gives."""
    count = _PAIRING_STALL_COUNT.format(
        where=f" AND pr.id IN ({pairings})",
        where2=f" AND p2.id IN ({pairings})",
        wherec=f" AND c.pairing_id IN ({pairings})",
    )
    return f"""
        DELETE FROM summary_pairing_stall WHERE pairing_id IN ({pairings});
        INSERT INTO summary_pairing_stall {count};"""


# An incident is raised on occurred_on and, once resolved, closed on max(occurred_on, resolved_on):
# it is open on E when raised <= E < closed, as concerns_open defines. The response test is
# response_rate's (spaces, tabs and line breaks are blank).
_RESPONDED = "(trim(coalesce(i.response, ''), ' ' || char(9, 10, 13)) <> '')"
_INCIDENT_DAY_COUNT = f"""
    SELECT d, u, t, th, sum(r), sum(resp), sum(cl) FROM (
        SELECT i.occurred_on AS d, i.unit_id AS u, i.tool_id AS t, i.theme AS th, 1 AS r, {_RESPONDED} AS resp, 0 AS cl
          FROM incident i WHERE i.deleted_at IS NULL{{raised}}
        UNION ALL
        SELECT max(i.occurred_on, i.resolved_on), i.unit_id, i.tool_id, i.theme, 0, 0, 1
          FROM incident i WHERE i.deleted_at IS NULL AND i.resolved_on IS NOT NULL{{closed}})
     GROUP BY d, u, t, th"""


def _recount_incident_days(*rows: str) -> str:
    """Recount the incident cells of OLD/NEW incident rows: the day each was raised and the day it closed."""
    keys = " UNION ".join(
        f"SELECT {r}.occurred_on AS d, {r}.unit_id AS u, {r}.tool_id AS t, {r}.theme AS th"
        f" UNION SELECT max({r}.occurred_on, {r}.resolved_on), {r}.unit_id, {r}.tool_id, {r}.theme WHERE {r}.resolved_on IS NOT NULL"
        for r in rows
    )
    days = f"SELECT d FROM ({keys})"
    # Written so each half walks a date index rather than every incident.
    count = _INCIDENT_DAY_COUNT.format(
        raised=f" AND i.occurred_on IN ({days})",
        closed=(
            f" AND ((i.resolved_on IN ({days}) AND i.resolved_on >= i.occurred_on)"
            f" OR (i.occurred_on IN ({days}) AND i.resolved_on < i.occurred_on))"
        ),
    )
    return f"""
        DELETE FROM summary_incident_day WHERE (day, unit_id, tool_id, theme) IN (SELECT d, u, t, th FROM ({keys}));
        INSERT INTO summary_incident_day SELECT * FROM ({count}) WHERE (d, u, t, th) IN (SELECT d, u, t, th FROM ({keys}));"""


# Day totals are added up from the per-day, unit and tool cells of the same day.
_TOTAL_COUNT: dict[str, str] = {
    "summary_training_total": """SELECT held_on, sum(sessions), sum(attendances), sum(uplift_sum), sum(uplift_n)
                                   FROM summary_training_day{where} GROUP BY held_on""",
    "summary_checkin_total": "SELECT held_on, sum(checkins) FROM summary_checkin_day{where} GROUP BY held_on",
    "summary_incident_total": """SELECT day, theme, sum(raised), sum(responded), sum(closed)
                                   FROM summary_incident_day{where} GROUP BY day, theme""",
}
# The cells each total adds up, and the day column they share.
_TOTAL_OF = {
    "summary_training_total": ("summary_training_day", "held_on"),
    "summary_checkin_total": ("summary_checkin_day", "held_on"),
    "summary_incident_total": ("summary_incident_day", "day"),
}


def _recount_total(total: str, day: str) -> str:
    """Recount the totals of ``total`` for the day the SQL expression ``day`` names."""
    key = _TOTAL_OF[total][1]
    return f"""
        DELETE FROM {total} WHERE {key} = {day};
        INSERT INTO {total} {_TOTAL_COUNT[total].format(where=f" WHERE {key} = {day}")};"""


# The latest live pulse of a unit and tool: the latest taken_on, then the later-entered one.
_LATEST_PULSE_COUNT = """
    SELECT unit_id, tool_id, id, taken_on FROM (
        SELECT pu.unit_id, pu.tool_id, pu.id, pu.taken_on,
               row_number() OVER (PARTITION BY pu.unit_id, pu.tool_id
                                  ORDER BY pu.taken_on DESC, pu.created_at DESC, pu.id DESC) AS nth
          FROM pulse pu WHERE pu.deleted_at IS NULL{where})
     WHERE nth = 1"""


def _recount_latest_pulse(*rows: str) -> str:
    """Recount the latest pulse of the units and tools of OLD/NEW pulse rows."""
    pairs = " UNION ".join(f"SELECT {r}.unit_id, {r}.tool_id" for r in rows)
    return f"""
        DELETE FROM summary_latest_pulse WHERE (unit_id, tool_id) IN ({pairs});
        INSERT INTO summary_latest_pulse {_LATEST_PULSE_COUNT.format(where=f" AND (pu.unit_id, pu.tool_id) IN ({pairs})")};"""


# Days from raised to resolved of the live concerns resolved on a day, as median_days_to_resolution counts them.
# The schema's date check is a pattern (month 13 or day 32 pass it) and julianday() of such a date is
# NULL: those concerns took no number of days, so they are left out here and in the metric alike
# (version 8; docs/figures.md).
_RESOLUTION_COUNT = """
    SELECT i.resolved_on, julianday(i.resolved_on) - julianday(i.occurred_on) AS days, count(*)
      FROM incident i WHERE i.deleted_at IS NULL AND i.resolved_on IS NOT NULL
       AND julianday(i.resolved_on) - julianday(i.occurred_on) IS NOT NULL{where}
     GROUP BY i.resolved_on, days"""
# Version 7's count, which failed on such a date: its triggers' text, still found in version 7 files.
_RESOLUTION_COUNT_7 = """
    SELECT i.resolved_on, julianday(i.resolved_on) - julianday(i.occurred_on) AS days, count(*)
      FROM incident i WHERE i.deleted_at IS NULL AND i.resolved_on IS NOT NULL{where}
     GROUP BY i.resolved_on, days"""


def _recount_resolutions(*rows: str, count: str = _RESOLUTION_COUNT) -> str:
    """Recount the days to resolution of the days OLD/NEW incident rows were resolved on."""
    days = ", ".join(f"{r}.resolved_on" for r in rows)
    return f"""
        DELETE FROM summary_resolution_total WHERE resolved_on IN ({days});
        INSERT INTO summary_resolution_total {count.format(where=f" AND i.resolved_on IN ({days})")};"""


def _recount_days(keys: str) -> str:
    """Recount the training-day cells ``keys`` yields: a SELECT of (held_on, unit_id, tool_id) named d, u, t."""
    source = (
        f"(SELECT DISTINCT d, u, t FROM ({keys})) k JOIN training_session ts"
        " ON ts.unit_id = k.u AND ts.held_on = k.d AND ts.tool_id = k.t"
    )
    return f"""
        DELETE FROM summary_training_day WHERE (held_on, unit_id, tool_id) IN (SELECT d, u, t FROM ({keys}));
        INSERT INTO summary_training_day {_TRAINING_DAY_COUNT.format(source=source)};"""


def _cells(*rows: str) -> str:
    """Return the keys of ``_recount_days`` for OLD or NEW session rows (each "OLD" or "NEW")."""
    return " UNION ALL ".join(f"SELECT {r}.held_on AS d, {r}.unit_id AS u, {r}.tool_id AS t" for r in rows)


def _recount_first(staff: str, tools: str) -> str:
    """Recount the first-training rows of the colleagues in ``staff`` for the tools in ``tools`` (SQL lists).

    CROSS JOIN keeps SQLite reading these colleagues' attendances: starting from the tool's
    sessions read every attendance of the tool (40 ms a save at trust scale).
    """
    where = f" AND a.staff_id IN ({staff}) AND ts.tool_id IN ({tools})"
    return f"""
        DELETE FROM summary_first_training WHERE staff_id IN ({staff}) AND tool_id IN ({tools});
        INSERT INTO summary_first_training {_FIRST_TRAINING_COUNT.format(where=where)};"""


def _recount_staff_firsts(staff: str) -> str:
    """Set the any-tool first days of the colleague whose id is the SQL expression ``staff``."""
    return f"""
        UPDATE summary_staff_coverage
           SET first_on = (SELECT min(f.first_on) FROM summary_first_training f WHERE f.staff_id = {staff}),
               first_signed_on = (SELECT min(f.first_signed_on) FROM summary_first_training f WHERE f.staff_id = {staff})
         WHERE staff_id = {staff};"""


def _session_keys(ids: str) -> str:
    return f"SELECT held_on AS d, unit_id AS u, tool_id AS t FROM training_session WHERE id IN ({ids})"


def _session_tools(ids: str) -> str:
    return f"SELECT tool_id FROM training_session WHERE id IN ({ids})"


# --- triggers ------------------------------------------------------------------------------------

_UPLIFT = "NEW.confidence_after - NEW.confidence_before"

TRIGGER_DDL: dict[str, str] = {
    # A new session: recount its cell (it may meet attendances already written, as in a merge).
    "summary_session_insert": f"""CREATE TRIGGER summary_session_insert AFTER INSERT ON training_session BEGIN
        {_recount_days(_cells("NEW"))}
        {_recount_first("SELECT staff_id FROM attendance WHERE session_id = NEW.id", "NEW.tool_id")}
    END""",
    "summary_session_update": f"""CREATE TRIGGER summary_session_update
        AFTER UPDATE OF id, held_on, unit_id, tool_id, deleted_at ON training_session BEGIN
        {_recount_days(_cells("OLD", "NEW"))}
        {_recount_first("SELECT staff_id FROM attendance WHERE session_id IN (OLD.id, NEW.id)", "OLD.tool_id, NEW.tool_id")}
    END""",
    "summary_session_delete": f"""CREATE TRIGGER summary_session_delete AFTER DELETE ON training_session BEGIN
        {_recount_days(_cells("OLD"))}
        {_recount_first("SELECT staff_id FROM attendance WHERE session_id = OLD.id", "OLD.tool_id")}
    END""",
    # A new attendance only adds: to its live session's cell, and to its colleague's first days.
    "summary_attendance_insert": f"""CREATE TRIGGER summary_attendance_insert AFTER INSERT ON attendance
        WHEN NEW.deleted_at IS NULL BEGIN
        UPDATE summary_training_day
           SET attendances = attendances + 1,
               uplift_sum = CASE WHEN {_UPLIFT} IS NULL THEN uplift_sum ELSE coalesce(uplift_sum, 0) + ({_UPLIFT}) END,
               uplift_n = uplift_n + ({_UPLIFT} IS NOT NULL)
         WHERE (held_on, unit_id, tool_id) IN
               (SELECT held_on, unit_id, tool_id FROM training_session WHERE id = NEW.session_id AND deleted_at IS NULL);
        INSERT INTO summary_first_training (staff_id, tool_id, first_on, first_signed_on)
        SELECT NEW.staff_id, ts.tool_id, ts.held_on, CASE WHEN NEW.signed_off = 1 THEN ts.held_on END
          FROM training_session ts WHERE ts.id = NEW.session_id AND ts.deleted_at IS NULL
            ON CONFLICT (staff_id, tool_id) DO UPDATE
           SET first_on = min(first_on, excluded.first_on),
               first_signed_on = coalesce(min(first_signed_on, excluded.first_signed_on), first_signed_on, excluded.first_signed_on);
    END""",
    "summary_attendance_update": f"""CREATE TRIGGER summary_attendance_update
        AFTER UPDATE OF id, session_id, staff_id, deleted_at, signed_off, confidence_before, confidence_after ON attendance BEGIN
        {_recount_days(_session_keys("OLD.session_id, NEW.session_id"))}
        {_recount_first("OLD.staff_id, NEW.staff_id", _session_tools("OLD.session_id, NEW.session_id"))}
    END""",
    "summary_attendance_delete": f"""CREATE TRIGGER summary_attendance_delete AFTER DELETE ON attendance BEGIN
        {_recount_days(_session_keys("OLD.session_id"))}
        {_recount_first("OLD.staff_id", _session_tools("OLD.session_id"))}
    END""",
    # A colleague's row in the coverage summary follows their staff row; the check-ins of pairings
    # they are mentee of count under their unit.
    "summary_staff_insert": f"""CREATE TRIGGER summary_staff_insert AFTER INSERT ON staff BEGIN
        INSERT OR REPLACE INTO summary_staff_coverage {_STAFF_COVERAGE_COUNT.format(where=" WHERE s.id = NEW.id")};
        {_recount_checkin_days(_mentee_cells("NEW"))}
    END""",
    "summary_staff_update": f"""CREATE TRIGGER summary_staff_update
        AFTER UPDATE OF id, unit_id, is_champion, active, deleted_at ON staff BEGIN
        DELETE FROM summary_staff_coverage WHERE staff_id = OLD.id;
        INSERT OR REPLACE INTO summary_staff_coverage {_STAFF_COVERAGE_COUNT.format(where=" WHERE s.id = NEW.id")};
    END""",
    "summary_staff_move": f"""CREATE TRIGGER summary_staff_move AFTER UPDATE OF id, unit_id ON staff BEGIN
        {_recount_checkin_days(_mentee_cells("OLD", "NEW"))}
    END""",
    "summary_staff_delete": f"""CREATE TRIGGER summary_staff_delete AFTER DELETE ON staff BEGIN
        DELETE FROM summary_staff_coverage WHERE staff_id = OLD.id;
        {_recount_checkin_days(_mentee_cells("OLD"))}
    END""",
    # Check-ins and pairings: the day cells they count in, and the pairing's stalled stretches.
    "summary_checkin_insert": f"""CREATE TRIGGER summary_checkin_insert AFTER INSERT ON checkin BEGIN
        INSERT INTO summary_checkin_day (held_on, tool_id, unit_id, checkins)
        SELECT NEW.held_on, pr.tool_id, {_MENTEE_UNIT.format("pr.mentee_id")}, 1
          FROM pairing pr WHERE pr.id = NEW.pairing_id AND pr.deleted_at IS NULL AND NEW.deleted_at IS NULL
            ON CONFLICT (held_on, tool_id, unit_id) DO UPDATE SET checkins = checkins + 1;
        {_recount_stalls("NEW.pairing_id")}
    END""",
    "summary_checkin_update": f"""CREATE TRIGGER summary_checkin_update
        AFTER UPDATE OF id, pairing_id, held_on, deleted_at ON checkin BEGIN
        {_recount_checkin_days(_checkin_cells("OLD") + " UNION " + _checkin_cells("NEW"))}
        {_recount_stalls("OLD.pairing_id, NEW.pairing_id")}
    END""",
    "summary_checkin_delete": f"""CREATE TRIGGER summary_checkin_delete AFTER DELETE ON checkin BEGIN
        {_recount_checkin_days(_checkin_cells("OLD"))}
        {_recount_stalls("OLD.pairing_id")}
    END""",
    "summary_pairing_insert": f"""CREATE TRIGGER summary_pairing_insert AFTER INSERT ON pairing BEGIN
        {_recount_checkin_days(_pairing_cells("NEW"))}
        {_recount_stalls("NEW.id")}
    END""",
    "summary_pairing_update": f"""CREATE TRIGGER summary_pairing_update
        AFTER UPDATE OF id, mentee_id, tool_id, started_on, ended_on, deleted_at ON pairing BEGIN
        {_recount_checkin_days(_pairing_cells("OLD", "NEW"))}
        {_recount_stalls("OLD.id, NEW.id")}
    END""",
    "summary_pairing_delete": f"""CREATE TRIGGER summary_pairing_delete AFTER DELETE ON pairing BEGIN
        {_recount_checkin_days(_pairing_cells("OLD"))}
        {_recount_stalls("OLD.id")}
    END""",
    # Incidents: a new one adds to the cell of the day it was raised and of the day it closed.
    "summary_incident_insert": f"""CREATE TRIGGER summary_incident_insert AFTER INSERT ON incident
        WHEN NEW.deleted_at IS NULL BEGIN
        INSERT INTO summary_incident_day (day, unit_id, tool_id, theme, raised, responded, closed)
        SELECT NEW.occurred_on, NEW.unit_id, NEW.tool_id, NEW.theme, 1, {_RESPONDED.replace("i.", "NEW.")}, 0 WHERE 1 = 1
            ON CONFLICT (day, unit_id, tool_id, theme) DO UPDATE
           SET raised = raised + 1, responded = responded + excluded.responded;
        INSERT INTO summary_incident_day (day, unit_id, tool_id, theme, raised, responded, closed)
        SELECT max(NEW.occurred_on, NEW.resolved_on), NEW.unit_id, NEW.tool_id, NEW.theme, 0, 0, 1 WHERE NEW.resolved_on IS NOT NULL
            ON CONFLICT (day, unit_id, tool_id, theme) DO UPDATE SET closed = closed + 1;
    END""",
    "summary_incident_update": f"""CREATE TRIGGER summary_incident_update
        AFTER UPDATE OF id, unit_id, tool_id, occurred_on, theme, response, resolved_on, deleted_at ON incident BEGIN
        {_recount_incident_days("OLD", "NEW")}
    END""",
    "summary_incident_delete": f"""CREATE TRIGGER summary_incident_delete AFTER DELETE ON incident BEGIN
        {_recount_incident_days("OLD")}
    END""",
    # Any-tool first days follow the per-tool ones.
    "summary_first_insert": f"""CREATE TRIGGER summary_first_insert AFTER INSERT ON summary_first_training BEGIN
        {_recount_staff_firsts("NEW.staff_id")}
    END""",
    "summary_first_update": f"""CREATE TRIGGER summary_first_update AFTER UPDATE ON summary_first_training BEGIN
        {_recount_staff_firsts("OLD.staff_id")}
        {_recount_staff_firsts("NEW.staff_id")}
    END""",
    "summary_first_delete": f"""CREATE TRIGGER summary_first_delete AFTER DELETE ON summary_first_training BEGIN
        {_recount_staff_firsts("OLD.staff_id")}
    END""",
}
TRIGGERS_ADDED_IN: dict[int, tuple[str, ...]] = {5: tuple(TRIGGER_DDL)}

# Version 6: day totals follow their cells; the latest pulse follows the pulses.
_TRIGGERS_6: dict[str, str] = {}
for _total, (_cells_table, _key) in _TOTAL_OF.items():
    _name = _total.removeprefix("summary_")
    _TRIGGERS_6[
        f"summary_{_name}_insert"
    ] = f"""CREATE TRIGGER summary_{_name}_insert AFTER INSERT ON {_cells_table} BEGIN
        {_recount_total(_total, "NEW." + _key)}
    END"""
    _TRIGGERS_6[
        f"summary_{_name}_update"
    ] = f"""CREATE TRIGGER summary_{_name}_update AFTER UPDATE ON {_cells_table} BEGIN
        {_recount_total(_total, "OLD." + _key)}
        {_recount_total(_total, "NEW." + _key)}
    END"""
    _TRIGGERS_6[
        f"summary_{_name}_delete"
    ] = f"""CREATE TRIGGER summary_{_name}_delete AFTER DELETE ON {_cells_table} BEGIN
        {_recount_total(_total, "OLD." + _key)}
    END"""
_TRIGGERS_6 |= {
    "summary_pulse_insert": f"""CREATE TRIGGER summary_pulse_insert AFTER INSERT ON pulse BEGIN
        {_recount_latest_pulse("NEW")}
    END""",
    "summary_pulse_update": f"""CREATE TRIGGER summary_pulse_update
        AFTER UPDATE OF id, unit_id, tool_id, taken_on, created_at, deleted_at ON pulse BEGIN
        {_recount_latest_pulse("OLD", "NEW")}
    END""",
    "summary_pulse_delete": f"""CREATE TRIGGER summary_pulse_delete AFTER DELETE ON pulse BEGIN
        {_recount_latest_pulse("OLD")}
    END""",
}
TRIGGERS_ADDED_IN[6] = tuple(_TRIGGERS_6)
TRIGGER_DDL |= _TRIGGERS_6


def _resolution_triggers(count: str) -> dict[str, str]:
    """Return the triggers that keep days to resolution exact, recounting with ``count``."""
    return {
        "summary_resolution_insert": f"""CREATE TRIGGER summary_resolution_insert AFTER INSERT ON incident BEGIN
        {_recount_resolutions("NEW", count=count)}
    END""",
        "summary_resolution_update": f"""CREATE TRIGGER summary_resolution_update
        AFTER UPDATE OF id, occurred_on, resolved_on, deleted_at ON incident BEGIN
        {_recount_resolutions("OLD", "NEW", count=count)}
    END""",
        "summary_resolution_delete": f"""CREATE TRIGGER summary_resolution_delete AFTER DELETE ON incident BEGIN
        {_recount_resolutions("OLD", count=count)}
    END""",
    }


# Version 7: days to resolution follow the incidents (worded as version 8 has them: see below).
_TRIGGERS_7 = _resolution_triggers(_RESOLUTION_COUNT)
TRIGGERS_ADDED_IN[7] = tuple(_TRIGGERS_7)
TRIGGER_DDL |= _TRIGGERS_7
# Version 8 rewords the resolution triggers (dates julianday() cannot read are skipped) and adds no
# table; its migration recreates every trigger. A version 7 file from elsewhere still holds the old
# wording until the private copy is migrated, so that wording is ours too (is_own_trigger).
ADDED_IN[8] = ()
TRIGGERS_ADDED_IN[8] = ()
_FORMER_TRIGGER_DDL: dict[str, tuple[str, ...]] = {
    name: (ddl,) for name, ddl in _resolution_triggers(_RESOLUTION_COUNT_7).items()
}

# The from-scratch counts of check-ins and stalls are worded apart from the per-row templates
# above, whose text is the triggers' (files from elsewhere are checked against it word for word):
# check and the tests then hold two formulations against each other.

# From each live pairing's side: its mentee's unit is read once a pairing, not once a check-in
# (staff.id is the key, so the outer join finds what _MENTEE_UNIT's subquery finds). Half the time.
_FULL_CHECKIN_DAY_COUNT = """
    SELECT c.held_on AS d, pr.tool_id AS t, coalesce(m.unit_id, '') AS u, count(*) AS n
      FROM pairing pr LEFT JOIN staff m ON m.id = pr.mentee_id CROSS JOIN checkin c ON c.pairing_id = pr.id
     WHERE c.deleted_at IS NULL AND pr.deleted_at IS NULL
     GROUP BY 1, 2, 3"""

# Most candidates in one ordered pass. A check-in day c that date arithmetic gives back as written
# (c = date(c, '+0 days')) is a real day, so its candidate s = c + 30 comes after it and
# date(s, '-30 days') is c again (days are added exactly): only a check-in in (c, s] covers s. The
# first live check-in day after c (lead) then decides both whether s stalls (none by s) and where
# the stretch ends (at that day); copies of one day see that same day next and drop out as covered,
# all but the last. The other candidates (started_on + 31, and days such as 2026-02-30, which date
# arithmetic reads as 2026-03-02, or 2026-13-01, which it cannot read) keep _PAIRING_STALL_COUNT's
# test, one lookup each; UNION keeps one of a day found both ways (a check-in the day after the
# start). That makes fewer than half the lookups of testing every day.
_FULL_PAIRING_STALL_COUNT = f"""
    SELECT pr.id, w.s, min(coalesce(w.nxt, {_OPEN}), coalesce(pr.ended_on, {_OPEN})) FROM (
        SELECT pairing_id, s, nxt FROM (
            SELECT pairing_id, held_on, date(held_on, '+30 days') AS s, nxt FROM (
                SELECT c.pairing_id, c.held_on, lead(c.held_on) OVER (PARTITION BY c.pairing_id ORDER BY c.held_on) AS nxt
                  FROM checkin c WHERE c.deleted_at IS NULL))
         WHERE held_on = date(held_on, '+0 days') AND (nxt IS NULL OR nxt > s)) w
      JOIN pairing pr ON pr.id = w.pairing_id
     WHERE pr.deleted_at IS NULL
       AND w.s >= date(pr.started_on, '+31 days') AND (pr.ended_on IS NULL OR w.s < pr.ended_on)
    UNION{_PAIRING_STALL_COUNT.format(where="", where2="", wherec=" AND c.held_on IS NOT date(c.held_on, '+0 days')")}"""

# From scratch, in dependency order (coverage reads the first-training rows, totals their cells).
_FULL_COUNT: dict[str, str] = {
    # Each session's attendances added up first (one pass over an index): three times faster.
    "summary_training_day": """
        SELECT ts.held_on, ts.unit_id, ts.tool_id, count(*), coalesce(sum(a.n), 0), sum(a.uplift_sum), coalesce(sum(a.uplift_n), 0)
          FROM training_session ts LEFT JOIN (
               SELECT session_id, count(*) AS n, sum(confidence_after - confidence_before) AS uplift_sum,
                      count(confidence_after - confidence_before) AS uplift_n
                 FROM attendance WHERE deleted_at IS NULL GROUP BY session_id) a ON a.session_id = ts.id
         WHERE ts.deleted_at IS NULL
         GROUP BY ts.held_on, ts.unit_id, ts.tool_id""",
    "summary_first_training": _FIRST_TRAINING_COUNT.format(where=""),
    "summary_staff_coverage": _STAFF_COVERAGE_COUNT.format(where=""),
    "summary_checkin_day": _FULL_CHECKIN_DAY_COUNT,
    "summary_pairing_stall": _FULL_PAIRING_STALL_COUNT,
    "summary_incident_day": _INCIDENT_DAY_COUNT.format(raised="", closed=""),
    **{total: count.format(where="") for total, count in _TOTAL_COUNT.items()},
    "summary_latest_pulse": _LATEST_PULSE_COUNT.format(where=""),
    "summary_resolution_total": _RESOLUTION_COUNT.format(where=""),
}


def create(conn: sqlite3.Connection, version: int) -> None:
    """Create the summary tables a schema version adds and fill them; (re)create every summary trigger.

    A migration step. Every trigger is dropped and created again as this version writes it, so a
    file's triggers always read word for word as ``TRIGGER_DDL`` (files from elsewhere are checked
    against it) even when a later version words one differently.
    """
    drop_triggers(conn)
    for table in ADDED_IN[version]:
        conn.execute(TABLE_DDL[table])
    for ddl in INDEX_DDL:
        if ddl.split(" ON ")[1].split("(")[0] in ADDED_IN[version]:
            conn.execute(ddl)
    for table in ADDED_IN[version]:  # what they are counted from is exact already
        conn.execute(f"INSERT INTO {table} {_FULL_COUNT[table]}")
    for name in (n for v in sorted(TRIGGERS_ADDED_IN) if v <= version for n in TRIGGERS_ADDED_IN[v]):
        conn.execute(TRIGGER_DDL[name])


def create_triggers(conn: sqlite3.Connection) -> None:
    """Create the triggers that keep the summaries exact (those already there are left alone)."""
    there = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name, ddl in TRIGGER_DDL.items():
        if name not in there:
            conn.execute(ddl)


def is_own_trigger(name: str, sql: str | None) -> bool:
    """Return True when a trigger is one of the summaries', word for word as this version creates it.

    A file from elsewhere may hold these and nothing else that runs code: SQLite keeps a trigger's
    text as it was created, so any other body is refused.
    """
    return sql is not None and (TRIGGER_DDL.get(name) == sql or sql in _FORMER_TRIGGER_DDL.get(name, ()))


def drop_triggers(conn: sqlite3.Connection) -> None:
    """Drop the summaries' triggers: the summaries go stale until :func:`rebuild` runs."""
    for name in TRIGGER_DDL:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def recreate(conn: sqlite3.Connection) -> None:
    """Drop every summary table and trigger, create them as this version does, and recount them.

    For a file from elsewhere before it replaces this one (a restore): its summaries may have been
    edited (forged figures stay wrong for good, as the triggers only add to them), lost a trigger,
    or come back with another shape (without its key, every later save fails). Rebuilding them
    from this version's DDL and the record tables trusts none of that. Call it inside a
    transaction; about a second or two at trust scale.
    """
    drop_triggers(conn)
    for table in TABLES:  # their indexes go with them
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for ddl in TABLE_DDL.values():
        conn.execute(ddl)
    for ddl in INDEX_DDL:
        conn.execute(ddl)
    rebuild(conn)
    create_triggers(conn)


# Page cache while recounting: the record tables' indexes are read whole (KiB, negative as SQLite counts).
REBUILD_CACHE_KIB = 262144


def rebuild(conn: sqlite3.Connection) -> None:
    """Recount every summary from the record tables (run with the triggers dropped, or it is slow).

    About a second at trust scale, with a page cache big enough to hold the indexes it reads: with
    the default 2 MB it thrashes and takes ten times as long.
    """
    with page_cache(conn, REBUILD_CACHE_KIB):
        for table, select in _FULL_COUNT.items():
            conn.execute(f"DELETE FROM {table}")
            conn.execute(f"INSERT INTO {table} {select}")


def expected(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Return what each summary table should hold, recounted from scratch, as sorted rows."""
    out: dict[str, list[tuple]] = {}
    for table, select in _FULL_COUNT.items():
        if table == "summary_staff_coverage":
            # Coverage's first days are recounted from the records, not from the first-training summary.
            select = f"""SELECT s.id, s.unit_id, s.is_champion, s.deleted_at IS NULL AND s.active = 1, f.first_on, f.signed
                          FROM staff s LEFT JOIN (SELECT staff_id, min(first_on) AS first_on, min(first_signed_on) AS signed
                                                   FROM ({_FIRST_TRAINING_COUNT.format(where="")})
                                                  GROUP BY staff_id) f ON f.staff_id = s.id"""
        if table in _TOTAL_OF:
            out[table] = _totals(table, out[_TOTAL_OF[table][0]])
        else:
            out[table] = sorted(conn.execute(select).fetchall(), key=repr)
    return out


def _totals(table: str, cells: list[tuple]) -> list[tuple]:
    """Add up recounted cells into the day totals ``table`` should hold (in Python, apart from the triggers' SQL)."""
    sums: dict[tuple, list] = {}
    for cell in cells:
        if table == "summary_incident_total":  # day, unit, tool, theme, then counts
            key, values = (cell[0], cell[3]), cell[4:]
        else:  # day, and two more keys, then counts
            key, values = (cell[0],), cell[3:]
        if key not in sums:
            sums[key] = list(values)
        else:
            sums[key] = [a if b is None else b if a is None else a + b for a, b in zip(sums[key], values)]
    return sorted((key + tuple(v) for key, v in sums.items()), key=repr)


def current(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Return what each summary table holds, as sorted rows (compare with :func:`expected`)."""
    return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in TABLES}


# Connections (by id) inside a rebuilt_after block: a block nested in another leaves the recount to the outer one.
_SUSPENDED: set[int] = set()


@contextmanager
def rebuilt_after(db: Database) -> Iterator[None]:
    """Suspend summary upkeep for a bulk write; recount every summary once when the block ends.

    Runs inside the caller's transaction (a savepoint), or a new one: the triggers are dropped at
    the start and recreated after the recount, so a block that raises rolls back the data and the
    triggers together. Per-row upkeep would cost a trust-scale merge seconds; the recount costs
    about one second. A block inside another block recounts nothing: the outer one recounts when
    it ends (a sync's run of merges, each merge a block of its own, recounts once).
    """
    if id(db.conn) in _SUSPENDED:
        with db.transaction():
            yield
        return
    with db.transaction():
        drop_triggers(db.conn)
        _SUSPENDED.add(id(db.conn))
        try:
            yield
        finally:
            _SUSPENDED.discard(id(db.conn))
        rebuild(db.conn)
        create_triggers(db.conn)
