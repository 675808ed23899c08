"""The key figures of a scope, computed in SQL: one definition of each, shared by stats and series.

Every figure is defined in ``docs/figures.md``; the docstrings below repeat the definitions. The
functions ending in ``_figures`` take a list of periods and return one dict per period, so
``stats`` (one period) and ``domain.series`` (one period per bucket) run the very same queries:
a series row cannot drift from ``stats`` over its dates. Nothing here writes to the database.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from champion_desk.domain.scope import Scope
from champion_desk.domain.vocab import IdeaStatus, Theme, values
from champion_desk.errors import ValidationError
from champion_desk.store.connection import Database, translate_errors

Period = tuple[dt.date, dt.date]

THEMES: tuple[str, ...] = values(Theme)
IDEA_STATUSES: tuple[str, ...] = values(IdeaStatus)
STALL_DAYS = 30  # store/summaries.py counts stalled stretches with the same 30 days

STAFF_KEYS = ("staff_active", "champions_active", "staff_per_champion")
TRAINING_KEYS = ("sessions", "attendances", "training_coverage", "signed_off_staff", "confidence_uplift")
CONCERN_KEYS = ("concerns_raised", "concerns_by_theme", "concerns_open", "median_days_to_resolution", "response_rate")
MENTORING_KEYS = ("pairings_active", "checkins", "stalled_pairings")
STORY_KEYS = ("stories",)
IDEA_KEYS = ("ideas_raised", "ideas_done", "ideas_by_status")
ADOPTION_KEYS = (
    "usage_eligible",
    "usage_active",
    "adoption_rate",
    "usage_tiers",
    "trained_not_using",
    "using_not_signed_off",
)
FIGURE_KEYS = STAFF_KEYS + TRAINING_KEYS + CONCERN_KEYS + MENTORING_KEYS + STORY_KEYS + ADOPTION_KEYS + IDEA_KEYS
TIERS = ("high", "medium", "low", "none", "dropped")
ACTIVE_DAYS = 28  # "in use" means used in the 28 days up to the period's end: four weeks, as the tiers count

# Characters that make a response "blank" besides spaces (SQLite's trim() strips only spaces by default).
# SQL for the characters trim() strips to tell a blank text from a written one (space, tab, line breaks).
BLANK_CHARS = "' ' || char(9, 10, 13)"


@dataclass(frozen=True)
class Filter:
    """A scope with its unit and tool names resolved to ids (None = no restriction)."""

    scope: Scope
    unit_ids: tuple[str, ...] | None
    tool_ids: tuple[str, ...] | None

    def params(self) -> dict[str, Any]:
        """Return the named parameters the clauses below refer to."""
        out: dict[str, Any] = {"d_from": self.scope.date_from.isoformat(), "d_to": self.scope.date_to.isoformat()}
        for prefix, ids in (("u", self.unit_ids), ("t", self.tool_ids)):
            for n, value in enumerate(ids or ()):
                out[f"{prefix}{n}"] = value
        return out

    def units(self, column: str) -> str:
        """Return ``AND column IN (...)`` for the scope's units, or nothing when all units count."""
        return _in(column, "u", self.unit_ids)

    def tools(self, column: str) -> str:
        """Return ``AND column IN (...)`` for the scope's tools, or nothing when all tools count."""
        return _in(column, "t", self.tool_ids)

    def tool_or_any(self, column: str) -> str:
        """Return the tool clause for a record whose empty tool means "any tool" (an idea): in every tool's scope."""
        if self.tool_ids is None:
            return ""
        return f" AND ({column} IS NULL OR {column} IN ({_names('t', self.tool_ids)}))"

    def unit_and_tool(self, alias: str) -> str:
        """Return the clauses for a record carrying ``unit_id`` and ``tool_id`` (session, incident, story)."""
        return self.units(f"{alias}.unit_id") + self.tools(f"{alias}.tool_id")

    def pairing(self, alias: str) -> str:
        """Return the in-scope test of a pairing: live, tool in scope, mentee's unit in scope."""
        sql = f"{alias}.deleted_at IS NULL" + self.tools(f"{alias}.tool_id")
        if self.unit_ids is not None:
            sql += (
                f" AND (SELECT m.unit_id FROM staff m WHERE m.id = {alias}.mentee_id) IN ({_names('u', self.unit_ids)})"
            )
        return sql


def _names(prefix: str, ids: Sequence[str]) -> str:
    return ", ".join(f":{prefix}{n}" for n in range(len(ids)))


def _in(column: str, prefix: str, ids: tuple[str, ...] | None) -> str:
    if ids is None:
        return ""
    return f" AND {column} IN ({_names(prefix, ids)})"


def resolve(db: Database, scope: Scope) -> Filter:
    """Resolve a scope's unit and tool names to ids.

    Raises ValidationError(field="unit"/"tool") when a name matches no live unit or tool.
    """
    return Filter(scope, _ids(db, "unit", scope.units), _ids(db, "tool", scope.tools))


def _ids(db: Database, table: str, names: Sequence[str]) -> tuple[str, ...] | None:
    if not names:
        return None
    # Names match whatever their case ("cedar ward" is Cedar Ward), as typed on a command line.
    live = {r["name"].casefold(): r["id"] for r in db.query(f"SELECT id, name FROM {table} WHERE deleted_at IS NULL")}
    wanted = list(dict.fromkeys(n.strip().casefold() for n in names))
    missing = [n for n in names if n.strip().casefold() not in live]
    if missing:
        known = sorted(r["name"] for r in db.query(f"SELECT name FROM {table} WHERE deleted_at IS NULL"))
        shown = ", ".join(known[:12]) + (f" and {len(known) - 12} more" if len(known) > 12 else "")
        raise ValidationError(
            table,
            f"must name an existing {table}",
            f"{table}: no {table} named {missing[0]!r}" + (f" (there are: {shown})" if known else ""),
        )
    return tuple(live[n] for n in wanted)


def share(part: int | None, whole: int | None) -> float | None:
    """Return part/whole rounded to 4 decimals, or None when whole is 0 (shares are fractions 0..1)."""
    if not whole:
        return None
    return round((part or 0) / whole, 4)


def ratio(part: float | None, whole: float | None) -> float | None:
    """Return part/whole rounded to 2 decimals, or None when whole is 0 or missing."""
    if not whole:
        return None
    return round((part or 0) / whole, 2)


def _cells(f: Filter, cells: str, totals: str) -> tuple[str, str]:
    """Return the summary table a scope reads and its WHERE body: ``totals`` when every unit and tool counts.

    The per-day, unit and tool ``cells`` serve any scope; over all units and tools the day
    ``totals`` the store keeps beside them hold the same sums in one row a day.
    """
    if f.unit_ids is None and f.tool_ids is None:
        return totals, "1 = 1"
    return cells, f"1 = 1{f.unit_and_tool('d')}"


def _periods_cte(periods: Sequence[Period], params: dict[str, Any]) -> str:
    """Return ``WITH p(i, ps, pe) AS (VALUES ...)`` for the periods, adding their parameters."""
    rows = []
    for n, (start, end) in enumerate(periods):
        params[f"p{n}s"], params[f"p{n}e"] = start.isoformat(), end.isoformat()
        rows.append(f"({n}, :p{n}s, :p{n}e)")
    return f"WITH p(i, ps, pe) AS (VALUES {', '.join(rows)})"


def _counts_at(deltas: list[dict[str, Any]], ends: Sequence[dt.date]) -> list[int]:
    """Return, for each end date, the sum of ``n`` over delta rows with ``day`` <= that end."""
    days = [r["day"] for r in deltas]  # callers pass rows sorted by day
    running, total = [], 0
    for r in deltas:
        total += r["n"]
        running.append(total)
    out = []
    for end in ends:
        k = bisect.bisect_right(days, end.isoformat())
        out.append(running[k - 1] if k else 0)
    return out


def _state_counts(
    db: Database, f: Filter, ends: Sequence[dt.date], opened: str, closed: str, table: str, alias: str, where: str
) -> list[int]:
    """Count records "open" at each end date: ``opened <= end`` and (``closed`` empty or ``> end``).

    The count at the earliest end is the definition itself. Later ends add one grouped query of
    +1 (opened) / -1 (closed) events per day after it: a record counts at end E exactly when
    opened <= E < closed, and ``max(opened, closed)`` keeps a record closed before it opened
    (bad data) from ever counting, as the plain test would.
    """
    first, last = min(ends), max(ends)
    o, c = f"{alias}.{opened}", f"{alias}.{closed}"
    # "+column" stops SQLite using the date index: nearly every row is on or before the end, and a
    # plain scan is several times faster than an index walk with a row lookup per entry.
    base = db.scalar(
        f"SELECT count(*) FROM {table} {alias} WHERE {where} AND +{o} <= :at AND ({c} IS NULL OR +{c} > :at)",
        f.params() | {"at": first.isoformat()},
    )
    counts = [int(base or 0)] * len(ends)
    if last > first:
        close_day = f"max({o}, {c})"
        sql = f"""
            SELECT d AS day, sum(n) AS n FROM (
                SELECT {o} AS d, 1 AS n FROM {table} {alias}
                 WHERE {where} AND {o} > :first AND {o} <= :last
                UNION ALL
                SELECT {close_day} AS d, -1 AS n FROM {table} {alias}
                 WHERE {where} AND {c} IS NOT NULL AND {close_day} > :first AND {close_day} <= :last
            ) GROUP BY day ORDER BY day"""
        deltas = db.query(sql, f.params() | {"first": first.isoformat(), "last": last.isoformat()})
        for n, more in enumerate(_counts_at(deltas, ends)):
            counts[n] += more
    return counts


# --- staff ---------------------------------------------------------------------------------------


def _qualifying(f: Filter) -> str:
    """Return the WHERE body of an attendance ``a`` at session ``ts`` that counts towards coverage (any unit)."""
    # "+" keeps SQLite walking a person's attendances (attendance_staff) rather than every session
    # of the tool for every person: with a tool in scope that was 13x slower at hospital scale.
    return "a.deleted_at IS NULL AND ts.deleted_at IS NULL" + f.tools("+ts.tool_id")


def qualifying_attendance_sql(f: Filter, signed_only: bool) -> str:
    """Return the WHERE body of an attendance of staff member ``s`` that counts towards coverage or sign-off."""
    return "a.staff_id = s.id AND " + _qualifying(f) + (" AND a.signed_off = 1" if signed_only else "")


def live_staff_sql(f: Filter) -> str:
    """Return the WHERE body selecting live, active staff ``s`` on the in-scope units (the coverage headcount)."""
    return "s.deleted_at IS NULL AND s.active = 1" + f.units("s.unit_id")


def _people(f: Filter) -> str:
    """Return a SELECT of the scope's live staff: unit_id, is_champion, first_on and first_signed_on.

    first_on / first_signed_on: the day of the colleague's first attendance (signed off, for the
    latter) that counts towards coverage — not deleted, at a session not deleted of an in-scope
    tool, on any unit — or NULL. Read from the summaries the store keeps (store/summaries.py):
    one row per colleague, however many sessions they attended.
    """
    live = "c.live = 1" + f.units("c.unit_id")
    if f.tool_ids is None:
        return (
            f"SELECT c.unit_id, c.is_champion, c.first_on, c.first_signed_on FROM summary_staff_coverage c WHERE {live}"
        )
    firsts = "FROM summary_first_training ft WHERE ft.staff_id = c.staff_id" + f.tools("ft.tool_id")
    return (
        f"SELECT c.unit_id, c.is_champion, (SELECT min(ft.first_on) {firsts}) AS first_on,"
        f" (SELECT min(ft.first_signed_on) {firsts}) AS first_signed_on FROM summary_staff_coverage c WHERE {live}"
    )


def staff_by_unit(db: Database, f: Filter, at: dt.date) -> list[dict[str, Any]]:
    """Return per staff unit: staff_active, champions_active, covered and signed_off_staff as of ``at``.

    staff_active: staff not deleted, active=1, whose unit is in scope. champions_active: of those,
    is_champion=1. covered / signed_off_staff: of those, people with at least one attendance (not
    deleted; with signed_off=1 for the latter) at a non-deleted session of an in-scope tool, any
    unit, held on or before ``at``.
    """
    sql = f"""
        SELECT unit_id, count(*) AS staff_active, sum(is_champion) AS champions_active,
               count(*) FILTER (WHERE first_on <= :at) AS covered,
               count(*) FILTER (WHERE first_signed_on <= :at) AS signed_off_staff
          FROM ({_people(f)}) GROUP BY unit_id"""
    return db.query(sql, f.params() | {"at": at.isoformat()})


@dataclass(frozen=True)
class StaffCoverage:
    """Live in-scope staff by the day each became covered and signed off, for ends in [first, last].

    ``groups`` rows: unit_id, is_champion, covered, signed and n (how many people share them). A
    day is "" for people already covered (signed off) on ``first``, their first qualifying
    session day when that falls in (first, last], and None when not covered by ``last``. One read
    serves the coverage at every end (the training series) and the per-unit counts at ``last``
    (``staff_by_unit`` at ``last``, the unit comparison).
    """

    first: dt.date
    last: dt.date
    groups: list[dict[str, Any]]

    @property
    def staff_active(self) -> int:
        return sum(g["n"] for g in self.groups)

    def by_day(self, name: str) -> list[dict[str, Any]]:
        """Return (day, n) rows, sorted by day, of people by the day they became ``name`` ("covered"/"signed")."""
        counts: dict[str, int] = {}
        for group in self.groups:
            day = group[name]
            if day is not None:
                counts[day] = counts.get(day, 0) + group["n"]
        return [{"day": day, "n": n} for day, n in sorted(counts.items())]

    def staff_by_unit(self) -> list[dict[str, Any]]:
        """Return the rows ``staff_by_unit`` returns at ``last`` (units with live staff, in no set order)."""
        units: dict[str, dict[str, Any]] = {}
        for group in self.groups:
            row = units.get(group["unit_id"])
            if row is None:
                row = units[group["unit_id"]] = {
                    "unit_id": group["unit_id"],
                    "staff_active": 0,
                    "champions_active": 0,
                    "covered": 0,
                    "signed_off_staff": 0,
                }
            n = group["n"]
            row["staff_active"] += n
            row["champions_active"] += n * group["is_champion"]
            row["covered"] += n * (group["covered"] is not None)
            row["signed_off_staff"] += n * (group["signed"] is not None)
        return list(units.values())


def staff_coverage(db: Database, f: Filter, first: dt.date, last: dt.date) -> StaffCoverage:
    """Return the ``StaffCoverage`` of the scope's live staff between two ends (see ``staff_by_unit``).

    People are grouped in SQL: a few hundred rows come back, not one per colleague.
    """
    sql = f"""
        SELECT unit_id, is_champion,
               CASE WHEN first_on <= :first THEN '' WHEN first_on <= :last THEN first_on END AS covered,
               CASE WHEN first_signed_on <= :first THEN '' WHEN first_signed_on <= :last THEN first_signed_on END AS signed,
               count(*) AS n
          FROM ({_people(f)}) GROUP BY 1, 2, 3, 4"""
    return StaffCoverage(
        first, last, db.query(sql, f.params() | {"first": first.isoformat(), "last": last.isoformat()})
    )


def _staff_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    keys = ("staff_active", "champions_active", "covered", "signed_off_staff")
    return {k: sum(int(r[k] or 0) for r in rows) for k in keys}


def staff_figures(db: Database, f: Filter, staff_rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return staff_active, champions_active and staff_per_champion (staff_active / champions_active, 2 dp; None if no champion).

    These describe the staff list as it stands, so they do not depend on the scope's dates.
    ``staff_rows`` may pass ``staff_by_unit`` when the caller has it.
    """
    totals = _staff_totals(staff_rows if staff_rows is not None else staff_by_unit(db, f, f.scope.date_to))
    return {
        "staff_active": totals["staff_active"],
        "champions_active": totals["champions_active"],
        "staff_per_champion": ratio(totals["staff_active"], totals["champions_active"]),
    }


# --- training ------------------------------------------------------------------------------------


def training_activity(db: Database, f: Filter, periods: Sequence[Period]) -> list[dict[str, Any]]:
    """Return per period the part of ``training_figures`` read from the period's sessions.

    Rows: sessions, attendances, uplift_sum and uplift_n (the sum and count of confidence_after -
    confidence_before over attendances that have both), as ``training_figures`` defines them.
    """
    # Read from the per-day, unit and tool summary the store keeps (store/summaries.py), which holds
    # exactly these counts of live sessions and their live attendances: no attendance row is read.
    params = f.params()
    table, cells = _cells(f, "summary_training_day", "summary_training_total")
    sql = f"""{_periods_cte(periods, params)}
        SELECT p.i AS i, sum(d.sessions) AS sessions, sum(d.attendances) AS attendances,
               sum(d.uplift_sum) AS uplift_sum, sum(d.uplift_n) AS uplift_n
          FROM p JOIN {table} d ON d.held_on BETWEEN p.ps AND p.pe
         WHERE {cells}
         GROUP BY p.i"""
    by_period = {r["i"]: r for r in db.query(sql, params)}
    empty = {"sessions": 0, "attendances": 0, "uplift_sum": None, "uplift_n": 0}
    return [{k: by_period.get(n, empty)[k] for k in empty} for n in range(len(periods))]


def training_figures(
    db: Database,
    f: Filter,
    periods: Sequence[Period],
    staff_rows: list[dict[str, Any]] | None = None,
    coverage: StaffCoverage | None = None,
    activity: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Return per period: sessions, attendances, training_coverage, signed_off_staff, confidence_uplift.

    sessions: sessions not deleted, held_on in the period, session unit and tool in scope.
    attendances: attendance rows (not deleted) of those sessions. confidence_uplift: mean of
    confidence_after - confidence_before over those attendances that have both (2 dp; None if none).
    training_coverage: share of staff_active with at least one attendance at a non-deleted session of
    an in-scope tool (any unit) held on or before the period's end (4 dp; None if no staff_active).
    signed_off_staff: the same count of people, restricted to attendances with signed_off=1.
    ``staff_rows`` may pass ``staff_by_unit`` at the (single) end, ``coverage`` the
    ``staff_coverage`` between the first and last ends and ``activity`` the ``training_activity``
    of the periods, when the caller has them.
    """
    if activity is None:
        activity = training_activity(db, f, periods)

    ends = [end for _, end in periods]
    first, last = min(ends), max(ends)
    if last == first:
        totals = _staff_totals(staff_rows if staff_rows is not None else staff_by_unit(db, f, first))
        staff_active = totals["staff_active"]
        covered = [totals["covered"]] * len(ends)
        signed = [totals["signed_off_staff"]] * len(ends)
    else:
        # Several ends: when each person became covered, in one pass, then a running total per end.
        if coverage is None or (coverage.first, coverage.last) != (first, last):
            coverage = staff_coverage(db, f, first, last)
        staff_active = coverage.staff_active
        covered = _counts_at(coverage.by_day("covered"), ends)
        signed = _counts_at(coverage.by_day("signed"), ends)

    rows = []
    for n, r in enumerate(activity):
        rows.append(
            {
                "sessions": r["sessions"],
                "attendances": r["attendances"],
                "training_coverage": share(covered[n], staff_active),
                "signed_off_staff": signed[n],
                "confidence_uplift": ratio(r["uplift_sum"], r["uplift_n"]),
            }
        )
    return rows


# --- concerns ------------------------------------------------------------------------------------


def _median(histogram: Sequence[tuple[float, int]]) -> float | None:
    """Return the median of values given as (value, how many), rounded to 2 decimals, or None for none."""
    pairs = sorted(histogram)
    total = sum(n for _, n in pairs)
    if not total:
        return None
    # The median is the mean of the values at positions (total - 1) // 2 and total // 2 (from 0).
    wanted, found, seen = ((total - 1) // 2, total // 2), [], 0
    for value, n in pairs:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(value)
        seen += n
    return round((found[0] + found[1]) / 2, 2)


def concern_figures(db: Database, f: Filter, periods: Sequence[Period]) -> list[dict[str, Any]]:
    """Return per period: concerns_raised, concerns_by_theme, concerns_open, median_days_to_resolution, response_rate.

    An incident is in scope when not deleted and its unit and tool are in scope.
    concerns_raised: in-scope incidents with occurred_on in the period; concerns_by_theme: that count
    per theme, every theme present in documented order (a theme outside the list counts as "other").
    concerns_open: in-scope incidents with occurred_on <= the period's end and resolved_on empty or
    after it. median_days_to_resolution: median of resolved_on - occurred_on in days over in-scope
    incidents resolved within the period whose two dates are real dates (2 dp; None if none). response_rate: share of
    concerns_raised with a non-blank response (4 dp; None if none raised).
    """
    # Raised, responded and open counts come from the per-day summary the store keeps
    # (store/summaries.py): per day, unit, tool and theme, the incidents raised that day (and how
    # many have a response) and those closed that day (resolved, on max(occurred_on, resolved_on)).
    params = f.params()
    table, cells = _cells(f, "summary_incident_day", "summary_incident_total")
    sql = f"""{_periods_cte(periods, params)}
        SELECT p.i AS i, d.theme AS theme, sum(d.raised) AS n, sum(d.responded) AS responded
          FROM p JOIN {table} d ON d.day BETWEEN p.ps AND p.pe
         WHERE {cells} AND d.raised > 0
         GROUP BY p.i, d.theme"""
    raised = [dict.fromkeys(THEMES, 0) for _ in periods]
    responded = [0] * len(periods)
    for r in db.query(sql, params):
        theme = r["theme"] if r["theme"] in raised[r["i"]] else Theme.OTHER.value
        raised[r["i"]][theme] += r["n"]
        responded[r["i"]] += r["responded"] or 0

    # Open on E: raised on or before E and not closed by E. Summed over all days, raised - closed
    # is the number never resolved, so the open count at E is that number less raised - closed
    # over the days after E: only the days after the first end are read, not the whole history.
    live = "i.deleted_at IS NULL" + f.unit_and_tool("i")
    never = int(db.scalar(f"SELECT count(*) FROM incident i WHERE i.resolved_on IS NULL AND {live}", f.params()) or 0)
    ends = [end for _, end in periods]
    later = db.query(
        f"""SELECT d.day AS day, sum(d.raised) - sum(d.closed) AS n FROM {table} d
             WHERE d.day > :first AND {cells} GROUP BY d.day ORDER BY d.day""",
        f.params() | {"first": min(ends).isoformat()},
    )
    after_first = sum(r["n"] for r in later)
    open_ = [never - after_first + n for n in _counts_at(later, ends)]

    # Days to resolution counted per period and number of days: a few hundred rows, however many incidents.
    params = f.params()
    if f.unit_ids is None and f.tool_ids is None:  # the store keeps these counts over all units and tools
        sql = f"""{_periods_cte(periods, params)}
            SELECT p.i, d.days, sum(d.incidents) FROM p JOIN summary_resolution_total d ON d.resolved_on BETWEEN p.ps AND p.pe
             GROUP BY p.i, d.days"""
    else:
        sql = f"""{_periods_cte(periods, params)}
            SELECT p.i, julianday(i.resolved_on) - julianday(i.occurred_on) AS days, count(*)
              FROM p JOIN incident i ON i.resolved_on BETWEEN p.ps AND p.pe
             WHERE {live} AND julianday(i.resolved_on) - julianday(i.occurred_on) IS NOT NULL
             GROUP BY p.i, days"""  # a date julianday() cannot read (month 13, day 32) took no days, as in the store's count
    histograms: list[list[tuple[float, int]]] = [[] for _ in periods]
    with translate_errors():
        for i, days, n in db.conn.execute(sql, params):
            histograms[i].append((days, n))

    rows = []
    for n in range(len(periods)):
        total = sum(raised[n].values())
        rows.append(
            {
                "concerns_raised": total,
                "concerns_by_theme": raised[n],
                "concerns_open": open_[n],
                "median_days_to_resolution": _median(histograms[n]),
                "response_rate": share(responded[n], total),
            }
        )
    return rows


# --- mentoring -----------------------------------------------------------------------------------


def mentoring_figures(db: Database, f: Filter, periods: Sequence[Period]) -> list[dict[str, Any]]:
    """Return per period: pairings_active, checkins, stalled_pairings.

    A pairing is in scope when not deleted, its tool is in scope and its mentee's unit is in scope.
    pairings_active: in-scope pairings with started_on <= the period's end and ended_on empty or
    after it. checkins: check-ins (not deleted) of in-scope pairings held in the period.
    stalled_pairings: active pairings with started_on < end - 30 days and no check-in (not deleted)
    held in (end - 30 days, end].
    """
    ends = [end for _, end in periods]
    first, last = min(ends), max(ends)
    active = _state_counts(db, f, ends, "started_on", "ended_on", "pairing", "pr", f.pairing("pr"))

    # Check-ins and stalled stretches come from the summaries the store keeps (store/summaries.py):
    # check-ins counted per day, tool and mentee's unit, and each live pairing's stalled stretches
    # [stalled_from, stalled_until), so no check-in row is read.
    params = f.params()
    table, cells = _cells(f, "summary_checkin_day", "summary_checkin_total")
    sql = f"""{_periods_cte(periods, params)}
        SELECT p.i AS i, sum(d.checkins) AS n FROM p JOIN {table} d ON d.held_on BETWEEN p.ps AND p.pe
         WHERE {cells} GROUP BY p.i"""
    counted = {r["i"]: r["n"] for r in db.query(sql, params)}
    checkins = [counted.get(n, 0) for n in range(len(periods))]

    # Stalled at E: in-scope stretches with stalled_from <= E < stalled_until. Only stretches still
    # running after the first end are read (an index range); those open by then count from it.
    in_scope = ""
    if f.unit_ids is not None or f.tool_ids is not None:
        in_scope = f" AND st.pairing_id IN (SELECT pr.id FROM pairing pr WHERE {f.pairing('pr')})"
    sql = f"""
        SELECT day, sum(n) AS n FROM (
            SELECT max(st.stalled_from, :first) AS day, 1 AS n FROM summary_pairing_stall st
             WHERE st.stalled_until > :first AND st.stalled_from <= :last{in_scope}
            UNION ALL
            SELECT st.stalled_until AS day, -1 AS n FROM summary_pairing_stall st
             WHERE st.stalled_until > :first AND st.stalled_until <= :last AND st.stalled_from <= :last{in_scope})
         GROUP BY day ORDER BY day"""
    deltas = db.query(sql, f.params() | {"first": first.isoformat(), "last": last.isoformat()})
    stalled = _counts_at(deltas, ends)
    return [
        {"pairings_active": active[n], "checkins": checkins[n], "stalled_pairings": stalled[n]}
        for n in range(len(periods))
    ]


# --- stories -------------------------------------------------------------------------------------


def story_figures(db: Database, f: Filter, periods: Sequence[Period]) -> list[dict[str, Any]]:
    """Return per period: stories — stories not deleted, told_on in the period, unit and tool in scope."""
    params = f.params()
    sql = f"""{_periods_cte(periods, params)}
        SELECT p.i AS i, count(*) AS n FROM p JOIN story st ON st.told_on BETWEEN p.ps AND p.pe
         WHERE st.deleted_at IS NULL{f.unit_and_tool("st")} GROUP BY p.i"""
    found = {r["i"]: r["n"] for r in db.query(sql, params)}
    return [{"stories": found.get(n, 0)} for n in range(len(periods))]


# --- adoption ------------------------------------------------------------------------------------

_SPAN = 10**7  # day ordinals are below this: a pair's use days are stored as pair * _SPAN + ordinal
_NEVER = _SPAN - 1  # "no such day yet": after any real date
_EPOCH = dt.date(1970, 1, 1).toordinal()  # numpy's datetime64[D] counts days from here


def _ordinal(day: str | None) -> int:
    return dt.date.fromisoformat(day).toordinal() if day else _NEVER


@dataclass(frozen=True)
class UsageFacts:
    """What the adoption figures read for a scope, once for every period.

    ``staff``: in-scope live staff (id -> unit id). ``tools``: in-scope live tools with usage
    imported, each with the day its usage starts (its earliest live usage row). ``stages``:
    per (unit, tool), the rollout stages (not deleted) as (since, stage) in the order they apply.
    ``pairs`` numbers the (staff, tool) pairs with use (count > 0, not deleted) in the span the
    periods need, and ``uses`` holds their days, sorted, as ``pair * _SPAN + day ordinal`` (a
    trust's year is ~300k rows: one integer array, not a Python list per pair). ``firsts``: per
    (staff, tool), the day of the first training and first sign-off (``summary_first_training``).
    """

    staff: dict[str, str | None]
    tools: dict[str, str]
    stages: dict[tuple[str, str], list[tuple[str, str]]]
    pairs: dict[tuple[str, str], int]
    uses: Any  # numpy.ndarray of int64
    firsts: dict[tuple[str, str], tuple[str | None, str | None]]

    def stage(self, unit_id: str | None, tool_id: str, at: str) -> str | None:
        """Return the tool's stage on the unit on ``at``: the latest rollout row with ``since <= at``."""
        rows = self.stages.get((unit_id, tool_id)) if unit_id else None
        if not rows:
            return None
        k = bisect.bisect_right([since for since, _ in rows], at)
        return rows[k - 1][1] if k else None

    @functools.cached_property
    def _use_list(self) -> list[int]:
        # One pair at a time, bisect on a list beats a numpy call per question by ~10x.
        return self.uses.tolist()

    def used(self, staff_id: str, tool_id: str, first: str, last: str) -> bool:
        """Return True when the colleague used the tool on a day in [first, last]."""
        n = self.pairs.get((staff_id, tool_id))
        if n is None or first > last:
            return False
        uses = self._use_list
        k = bisect.bisect_left(uses, n * _SPAN + _ordinal(first))
        return k < len(uses) and uses[k] <= n * _SPAN + _ordinal(last)


# The last facts read, with what they were read for: the dashboard asks for the adoption series,
# then the comparison by preparation, over the same scope and unchanged data (0.3 s saved at trust scale).
_last_facts: tuple[tuple[Any, ...], dt.date, dt.date, UsageFacts] | None = None


def usage_facts(db: Database, f: Filter, periods: Sequence[Period]) -> UsageFacts:
    """Read what ``adoption_figures`` needs for the periods (see ``UsageFacts``).

    Facts read earlier on the same connection, for the same scope and a span covering these
    periods, are reused while the data has not changed (``PRAGMA data_version`` for other
    connections' commits, ``total_changes`` for this one's writes).
    """
    global _last_facts
    first = min(min(start, end - dt.timedelta(days=ACTIVE_DAYS - 1)) for start, end in periods)
    last = max(end for _, end in periods)
    # The read depends on the units and tools only (its dates are ``first`` and ``last``), so the
    # previous period's figures and the briefing's adoption section reuse the facts one read spans.
    key = (id(db.conn), db.scalar("PRAGMA data_version"), db.conn.total_changes, f.unit_ids, f.tool_ids)
    cached = _last_facts
    if cached is not None and cached[0] == key and cached[1] <= first and last <= cached[2]:
        return cached[3]
    facts = _read_usage_facts(db, f, first, last)
    _last_facts = (key, first, last, facts)
    return facts


def _read_usage_facts(db: Database, f: Filter, first: dt.date, last: dt.date) -> UsageFacts:
    import numpy as np  # only when adoption is asked for: ~0.1 s to import

    params = f.params()
    live_staff = f"SELECT s.id FROM staff s WHERE {live_staff_sql(f)}"
    staff = {
        r["id"]: r["unit_id"]
        for r in db.query(f"SELECT s.id, s.unit_id FROM staff s WHERE {live_staff_sql(f)}", params)
    }

    # Before a tool's usage export starts there is no use to measure: its staff are not "not using" it.
    tools = {
        r["id"]: r["first"]
        for r in db.query(
            f"SELECT t.id, (SELECT min(u.day) FROM usage u WHERE u.tool_id = t.id AND u.deleted_at IS NULL) AS first"
            f" FROM tool t WHERE t.deleted_at IS NULL{f.tools('t.id')} ORDER BY t.id",
            params,
        )
        if r["first"]
    }
    stages: dict[tuple[str, str], list[tuple[str, str]]] = {}
    # Same day: the later-entered row is the stage that applies (as on Tools & roadmap).
    for r in db.query(
        f"SELECT r.unit_id, r.tool_id, r.since, r.stage FROM rollout r WHERE r.deleted_at IS NULL{f.tools('r.tool_id')}"
        " ORDER BY r.since, r.created_at, r.id",
        params,
    ):
        stages.setdefault((r["unit_id"], r["tool_id"]), []).append((r["since"], r["stage"]))
    # One read walks the covering index usage_staff in (staff, tool, day) order and gives each pair
    # with its days as one text: a trust's year (~300k rows) becomes ~8k Python rows, and numpy
    # reads the dates (~0.1 s instead of ~0.4 s for a row and a julianday() per use).
    span = params | {"lo": first.isoformat(), "hi": last.isoformat()}
    where = f"u.deleted_at IS NULL AND u.count > 0 AND u.day BETWEEN :lo AND :hi{f.tools('u.tool_id')}"
    grouped = db.conn.execute(
        f"SELECT u.staff_id, u.tool_id, group_concat(u.day, ',') FROM usage u INDEXED BY usage_staff"
        f" WHERE {where} GROUP BY u.staff_id, u.tool_id ORDER BY u.staff_id, u.tool_id",
        span,
    ).fetchall()
    try:
        days = np.array(",".join(r[2] for r in grouped).split(","), dtype="datetime64[D]").astype(np.int64) + _EPOCH
    except ValueError:
        # A stored day that is no real date (month 13 passes the schema's check) is no day of use.
        grouped = db.conn.execute(
            f"SELECT u.staff_id, u.tool_id, group_concat(u.day, ',') FROM usage u INDEXED BY usage_staff"
            f" WHERE {where} AND julianday(u.day) IS NOT NULL GROUP BY u.staff_id, u.tool_id"
            " ORDER BY u.staff_id, u.tool_id",
            span,
        ).fetchall()
        days = np.array(",".join(r[2] for r in grouped).split(","), dtype="datetime64[D]").astype(np.int64) + _EPOCH
    if not grouped:
        days = np.zeros(0, dtype=np.int64)
    pairs = {(staff_id, tool_id): n for n, (staff_id, tool_id, _) in enumerate(grouped)}
    owner = np.repeat(np.arange(len(grouped), dtype=np.int64), [text.count(",") + 1 for _, _, text in grouped])
    uses = np.sort(owner * _SPAN + days)  # group_concat's order within a pair is not promised
    firsts = {
        (r["staff_id"], r["tool_id"]): (r["first_on"], r["first_signed_on"])
        for r in db.query(
            f"SELECT ft.staff_id, ft.tool_id, ft.first_on, ft.first_signed_on FROM summary_first_training ft"
            f" WHERE ft.staff_id IN ({live_staff}){f.tools('ft.tool_id')}",
            params,
        )
        if r["tool_id"] in tools
    }
    return UsageFacts(staff, tools, stages, pairs, uses, firsts)


def adoption_figures(
    db: Database, f: Filter, periods: Sequence[Period], facts: UsageFacts | None = None
) -> list[dict[str, Any]]:
    """Return per period: usage_eligible, usage_active, adoption_rate, usage_tiers, trained_not_using, using_not_signed_off.

    Counted over pairs of a colleague and a tool (one colleague and two tools are two pairs).
    usage_eligible: live active staff of in-scope units, with each in-scope live tool whose usage
    export has started by the end (its earliest live usage row, any count) and whose rollout
    stage on their unit on the period's end is live. usage_active: of those, pairs with use
    (count > 0) on a day in the 28 days up to the end. adoption_rate: usage_active /
    usage_eligible (4 dp; None if none eligible). usage_tiers: the eligible pairs by the 7-day
    blocks of those 28 days with use: high 4, medium 2-3, low 1; with none, dropped when used
    earlier in the period, else none. trained_not_using: eligible pairs trained on the tool by the
    end (``summary_first_training``) and not active. using_not_signed_off: pairs of live active
    in-scope staff and in-scope tools with use in the period and no sign-off on the tool by the end.
    """
    out = []
    for cells in adoption_cells(db, f, periods, facts):
        total = dict.fromkeys(_CELL_KEYS, 0)
        for cell in cells.values():
            for key in _CELL_KEYS:
                total[key] += cell[key]
        out.append(_adoption_row(total))
    return out


_CELL_KEYS = ("usage_eligible", "high", "medium", "low", "dropped", "trained_not_using", "using_not_signed_off")


def adoption_cells(
    db: Database, f: Filter, periods: Sequence[Period], facts: UsageFacts | None = None
) -> list[dict[tuple[str | None, str], dict[str, int]]]:
    """Return per period, per (unit id, tool id) of the in-scope staff's units and the counted tools,
    the counts ``adoption_figures`` adds up: usage_eligible, high, medium, low, dropped,
    trained_not_using and using_not_signed_off — each the figure with that one unit and tool in scope.
    """
    facts = facts or usage_facts(db, f, periods)
    if not facts.tools:
        return [{} for _ in periods]
    import numpy as np

    # Most pairs have no use and no training: each is eligible or not and then "none", nothing
    # more; they are counted per unit. The others are counted at once for each period over arrays
    # (one entry per pair), exactly as ``usage_pairs`` reads one pair (a test checks they agree).
    known = sorted(
        key for key in facts.pairs.keys() | facts.firsts.keys() if key[1] in facts.tools and key[0] in facts.staff
    )
    headcount: dict[str | None, int] = {}
    for unit_id in facts.staff.values():
        headcount[unit_id] = headcount.get(unit_id, 0) + 1
    combos = sorted(((u, t) for u in headcount for t in facts.tools), key=lambda c: (c[0] or "", c[1]))
    index = {c: n for n, c in enumerate(combos)}
    combo_of = np.array([index[(facts.staff[s], t)] for s, t in known], dtype=np.int64)
    size = np.array([headcount[u] for u, _ in combos], dtype=np.int64)
    firsts = [facts.firsts.get(k, (None, None)) for k in known]
    first_on = np.array([_ordinal(a) for a, _ in firsts], dtype=np.int64)
    first_signed = np.array([_ordinal(b) for _, b in firsts], dtype=np.int64)
    starts = {t: _ordinal(d) for t, d in facts.tools.items()}
    tool_starts = np.array([starts[t] for _, t in known], dtype=np.int64)
    combo_starts = np.array([starts[t] for _, t in combos], dtype=np.int64)
    # A pair without use gets a base below every stored value: its ranges are always empty.
    base = np.array([facts.pairs.get(k, -2) * _SPAN for k in known], dtype=np.int64)
    uses = facts.uses
    seen: dict[tuple[int, int], np.ndarray] = {}

    def used(lo: int, hi: int) -> np.ndarray:
        # Weekly buckets share their 7-day blocks (a week's last block is the next week's second).
        if (lo, hi) not in seen:
            seen[(lo, hi)] = np.searchsorted(uses, base + hi, side="right") > np.searchsorted(
                uses, base + lo, side="left"
            )
        return seen[(lo, hi)]

    def per_combo(mask: np.ndarray) -> np.ndarray:
        return np.bincount(combo_of[mask], minlength=len(combos))

    out = []
    for start, end in periods:
        at, e, s0 = end.isoformat(), end.toordinal(), start.toordinal()
        live = np.array([facts.stage(u, t, at) == "live" for u, t in combos], dtype=bool) & (combo_starts <= e)
        counted = tool_starts <= e
        pair_live = counted & live[combo_of]
        weeks = sum(used(e - 7 * k - 6, e - 7 * k).astype(np.int64) for k in range(4)) * pair_live
        idle = pair_live & (weeks == 0)
        dropped = idle & used(s0, e - ACTIVE_DAYS) if s0 <= e - ACTIVE_DAYS else np.zeros(len(known), dtype=bool)
        counts = {
            "usage_eligible": size * live,
            "high": per_combo(weeks == 4),
            "medium": per_combo((weeks == 2) | (weeks == 3)),
            "low": per_combo(weeks == 1),
            "dropped": per_combo(dropped),
            "trained_not_using": per_combo(idle & (first_on <= e)),
            "using_not_signed_off": per_combo(counted & used(s0, e) & (first_signed > e)),
        }
        out.append({c: {key: int(v[n]) for key, v in counts.items()} for n, c in enumerate(combos)})
    return out


def adoption_cell_figures(cell: dict[str, int]) -> dict[str, Any]:
    """Return the adoption figures of one unit and tool (a cell of ``adoption_cells``), named as in ``stats``."""
    return _adoption_row(cell)


def _adoption_row(cell: dict[str, int]) -> dict[str, Any]:
    eligible = cell["usage_eligible"]
    active = cell["high"] + cell["medium"] + cell["low"]
    tiers = {
        "high": cell["high"],
        "medium": cell["medium"],
        "low": cell["low"],
        "none": eligible - active - cell["dropped"],
        "dropped": cell["dropped"],
    }
    return {
        "usage_eligible": eligible,
        "usage_active": active,
        "adoption_rate": share(active, eligible),
        "usage_tiers": tiers,
        "trained_not_using": cell["trained_not_using"],
        "using_not_signed_off": cell["using_not_signed_off"],
    }


@dataclass(frozen=True)
class UsagePair:
    """One colleague and one tool over a period, as the adoption figures see them (see ``adoption_figures``)."""

    staff_id: str
    tool_id: str
    unit_id: str | None
    eligible: bool  # the tool is live on their unit on the period's end
    weeks: int  # 7-day blocks of the last 28 days with use (0-4)
    tier: str  # high, medium, low, none or dropped
    trained: bool  # trained on the tool by the end
    signed_off: bool  # signed off on the tool by the end
    used_in_period: bool


def usage_pairs(facts: UsageFacts, start: dt.date, end: dt.date, only: Sequence[tuple[str, str]] | None = None):
    """Yield a ``UsagePair`` for every in-scope colleague and tool (or the (staff, tool) pairs ``only``
    names): the one reading of the definitions."""
    at, since = end.isoformat(), start.isoformat()
    blocks = [
        ((end - dt.timedelta(days=7 * k + 6)).isoformat(), (end - dt.timedelta(days=7 * k)).isoformat())
        for k in range(4)
    ]
    before = (end - dt.timedelta(days=ACTIVE_DAYS)).isoformat()
    tools = [tool_id for tool_id, starts in facts.tools.items() if starts <= at]
    if only is None:
        pairs = ((staff_id, tool_id) for staff_id in facts.staff for tool_id in tools)
    else:
        pairs = (key for key in only if key[0] in facts.staff and facts.tools.get(key[1], "9999") <= at)
    for staff_id, tool_id in pairs:
        unit_id = facts.staff[staff_id]
        first_on, first_signed = facts.firsts.get((staff_id, tool_id), (None, None))
        eligible = facts.stage(unit_id, tool_id, at) == "live"
        weeks = sum(facts.used(staff_id, tool_id, a, b) for a, b in blocks) if eligible else 0
        if weeks:
            tier = "high" if weeks == 4 else "medium" if weeks >= 2 else "low"
        else:
            tier = "dropped" if eligible and facts.used(staff_id, tool_id, since, before) else "none"
        yield UsagePair(
            staff_id,
            tool_id,
            unit_id,
            eligible,
            weeks,
            tier,
            bool(first_on and first_on <= at),
            bool(first_signed and first_signed <= at),
            facts.used(staff_id, tool_id, since, at),
        )


# --- ideas -------------------------------------------------------------------------------------


def idea_figures(db: Database, f: Filter, periods: Sequence[Period]) -> list[dict[str, Any]]:
    """Return per period: ideas_raised, ideas_done, ideas_by_status.

    In scope: ideas not deleted, unit in scope, tool in scope or for any tool (an idea for every
    tool belongs to each tool's scope). ideas_raised: raised_on in the period; ideas_by_status:
    those ideas by their status now, every status present (zeros too), adding up to
    ideas_raised; ideas_done: ideas whose status is done, dated (status_on) in the period.
    """
    params = f.params()
    tools = f.tool_or_any("i.tool_id")
    sql = f"""{_periods_cte(periods, params)}
        SELECT p.i AS i, i.status AS status, count(*) AS n, 'raised' AS kind
          FROM p JOIN idea i ON i.raised_on BETWEEN p.ps AND p.pe
         WHERE i.deleted_at IS NULL{f.units("i.unit_id")}{tools} GROUP BY p.i, i.status
        UNION ALL
        SELECT p.i, 'done', count(*), 'done'
          FROM p JOIN idea i ON i.status = 'done' AND i.status_on BETWEEN p.ps AND p.pe
         WHERE i.deleted_at IS NULL{f.units("i.unit_id")}{tools} GROUP BY p.i"""
    out = [{"ideas_raised": 0, "ideas_done": 0, "ideas_by_status": dict.fromkeys(IDEA_STATUSES, 0)} for _ in periods]
    for row in db.query(sql, params):
        figures = out[row["i"]]
        if row["kind"] == "done":
            figures["ideas_done"] = row["n"]
        else:
            figures["ideas_raised"] += row["n"]
            # A status outside the vocabulary (a newer file merged in) still counts as raised.
            if row["status"] in figures["ideas_by_status"]:
                figures["ideas_by_status"][row["status"]] = row["n"]
    return out


# --- everything ----------------------------------------------------------------------------------


def scope_dict(scope: Scope) -> dict[str, Any]:
    """Return the scope as plain data: from, to (ISO dates), units, tools (empty lists = all)."""
    return {
        "from": scope.date_from.isoformat(),
        "to": scope.date_to.isoformat(),
        "units": list(scope.units),
        "tools": list(scope.tools),
    }


def stats(db: Database, scope: Scope) -> dict[str, Any]:
    """Return the key figures of a scope: a leading "scope" key, then every key of ``FIGURE_KEYS``.

    Definitions (docs/figures.md): staff_active, champions_active, staff_per_champion as in
    ``staff_figures``; sessions, attendances, training_coverage, signed_off_staff, confidence_uplift
    as in ``training_figures``; concerns_* , median_days_to_resolution, response_rate as in
    ``concern_figures``; pairings_active, checkins, stalled_pairings as in ``mentoring_figures``;
    stories as in ``story_figures``; ideas_raised, ideas_done, ideas_by_status as in
    ``idea_figures`` — each over the period [from, to]. Raises ValidationError for an unknown unit
    or tool name.
    """
    f = resolve(db, scope)
    period = [(scope.date_from, scope.date_to)]
    staff_rows = staff_by_unit(db, f, scope.date_to)
    figures: dict[str, Any] = {"scope": scope_dict(scope)}
    figures.update(staff_figures(db, f, staff_rows))
    figures.update(training_figures(db, f, period, staff_rows)[0])
    figures.update(concern_figures(db, f, period)[0])
    figures.update(mentoring_figures(db, f, period)[0])
    figures.update(story_figures(db, f, period)[0])
    figures.update(adoption_figures(db, f, period)[0])
    figures.update(idea_figures(db, f, period)[0])
    return figures
