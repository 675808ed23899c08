"""Everything the briefing and the poster print, gathered as plain data in one pass over the store.

Figures come from ``metrics``/``series``/``breakdowns`` (one definition each); this module adds
only the read queries those do not cover — responses per theme, the ADKAR barrier mix, concerns per
unit, champions, upcoming sessions, the roadmap — and applies the naming rules of ``privacy``: the
collected data holds no ``raised_by``, no concern description, no owner, and no staff name except
champions'. The report layer can therefore print anything it is given.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from champion_desk.domain import breakdowns, idea_report, listings, metrics, next_steps, series, syncs
from champion_desk.domain.privacy import (
    HIDDEN_SHARE,
    MARGIN,
    Cell,
    NameRedactor,
    PeriodProtection,
    Protection,
    Suppressor,
    month_scopes,
    name_redactor,
    previous_scope,
)
from champion_desk.domain.scope import Scope
from champion_desk.domain.vocab import RESOLVED_STATUSES, Barrier, Theme, values
from champion_desk.errors import ChampionDeskError
from champion_desk.store.connection import Database

THEMES = values(Theme)
BARRIERS = values(Barrier)
NOT_RECORDED = "not recorded"
# How many upcoming sessions the briefing and poster list (a noticeboard has room for a few).
UPCOMING_LIMIT = 8
# Responses printed per theme: enough to show what was done without turning into a case list.
RESPONSES_PER_THEME = 4
# Stories printed: a trust's year holds thousands; the briefing shows the best-evidenced few (two
# rows of two cards).
STORIES_SHOWN = 4

# The progress protocol of ``ui.workers``: progress(done, total) returns False once the user cancels.
Progress = Callable[[int, int], "bool | None"]


class BriefingCancelled(ChampionDeskError):
    """The user cancelled making a briefing; no file was written."""


def report_progress(progress: Progress | None, done: int, total: int = 100) -> None:
    """Tell ``progress`` how far the work is; raise BriefingCancelled when it answers False."""
    if progress is not None and progress(done, total) is False:
        raise BriefingCancelled("Cancelled; no briefing was written.")


@dataclass
class BriefingData:
    """The plain data a briefing or poster prints; names in it are champions' only."""

    scope: Scope
    made_on: dt.date
    made_by: str
    bucket: str
    theme_bucket: str
    figures: dict[str, Any]
    previous: dict[str, Any]
    previous_scope: Scope | None = None  # the period ``previous`` covers
    training: list[dict[str, Any]] = field(default_factory=list)
    concerns: list[dict[str, Any]] = field(default_factory=list)
    concern_themes: list[dict[str, Any]] = field(default_factory=list)
    mentoring: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    concerns_by_unit: dict[str, int] = field(default_factory=dict)
    # Concerns raised over every unit (scope's tools), by unit id and theme / barrier: what
    # ``concern_protection`` decides on, so all outputs of a period hide the same entries.
    concern_table: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    previous_concern_table: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    # The same tables for each calendar month of the period (``month_concern_tables``): suppression is
    # decided month by month, so outputs of different periods hide the same entries.
    concern_months: list[dict[str, dict[tuple[str, str], int]]] = field(default_factory=list)
    previous_concern_months: list[dict[str, dict[tuple[str, str], int]]] = field(default_factory=list)
    unit_ids: dict[str, str] = field(default_factory=dict)  # names of the (live) units in scope -> ids
    # Counts of people per unit (every unit) at the period's end, and at the previous period's: what
    # ``people_figures`` decides on, as ``concern_table`` for concerns.
    people_table: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    previous_people_table: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    # Attendances per unit for each calendar month of the period and of the previous one.
    attendance_months: list[dict[tuple[str, str], int]] = field(default_factory=list)
    previous_attendance_months: list[dict[tuple[str, str], int]] = field(default_factory=list)
    barriers: dict[str, int] = field(default_factory=dict)
    responses: dict[str, list[str]] = field(default_factory=dict)
    readiness: list[dict[str, Any]] = field(default_factory=list)
    stories: list[dict[str, Any]] = field(default_factory=list)
    stories_total: int = 0
    # "You suggested, we did": ideas planned or done in the period (domain/idea_report.py), no names.
    ideas: dict[str, Any] = field(default_factory=dict)
    roadmap: list[dict[str, Any]] = field(default_factory=list)
    champions: list[dict[str, Any]] = field(default_factory=list)
    upcoming: list[dict[str, Any]] = field(default_factory=list)
    # "Next steps": the suggestions agreed for the coming period, or (when none is) the top proposals.
    next_steps: list[dict[str, Any]] = field(default_factory=list)
    next_steps_agreed: bool = False
    next_steps_partial: bool = False  # proposals drawn from the quick rules only (a large scope)
    # Where the trust's wards stand in their syncs (domain/syncs.py), for the footer; None before the first sync.
    sync_line: str | None = None

    @property
    def is_empty(self) -> bool:
        """Return True when nothing at all was logged in the period (the document says so plainly)."""
        f = self.figures
        return (
            not any(f.get(k) for k in ("sessions", "concerns_raised", "checkins", "stories", "pairings_active"))
            and not self.readiness
        )


class ReadCache:
    """A Database stand-in for one read-only pass: identical read queries run once.

    ``stats`` of the period and ``unit_breakdown`` both count the staff list as of the period's
    end; at a trust's scale that query costs a tenth of a second. Nothing is written during
    ``collect``, so a repeated query's rows cannot have changed. Everything else is delegated.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._rows: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        key = (sql, repr(sorted(params.items())) if isinstance(params, dict) else repr(tuple(params)))
        if key not in self._rows:
            self._rows[key] = self._db.query(sql, params)
        # Callers may change the dicts they get (e.g. add a key): hand out copies.
        return [dict(r) for r in self._rows[key]]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.one(sql, params)
        return next(iter(row.values())) if row else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def bucket_for(scope: Scope) -> str:
    """Return the chart bucket for a scope: weeks up to about a quarter, months beyond."""
    return "week" if scope.days <= 100 else "month"


def collect(
    db: Database,
    scope: Scope,
    made_by: str = "",
    today: dt.date | None = None,
    progress: Progress | None = None,
    full: bool = True,
    bucket: str | None = None,
) -> BriefingData:
    """Return the BriefingData of a scope (raises ValidationError for an unknown unit or tool name).

    ``full=False`` collects only what the poster prints (figures, responses, upcoming sessions,
    champions): no previous period, series, unit tables, readiness, stories or roadmap.

    ``bucket`` ("week" or "month") sets the charts' buckets; by default weeks up to about a quarter.

    ``progress(done, 100)`` is called between steps (see ``report_progress``); cancelling raises
    BriefingCancelled.
    """

    def step(percent: int, text: str) -> None:
        report_progress(progress, percent)

    db = ReadCache(db)  # type: ignore[assignment]  # stats and breakdowns repeat some queries
    today = today or dt.date.today()
    bucket = bucket or bucket_for(scope)
    step(5, "Key figures")
    # Theme counts per week are mostly small (hidden); months keep more of them printable.
    theme_bucket = "month" if scope.days > 45 else "week"
    if full:
        # The adoption figures of this period, the previous one and the adoption section all come
        # from one read of the usage facts when it spans both periods (metrics.usage_facts reuses it).
        before = previous_scope(scope)
        metrics.usage_facts(
            db, metrics.resolve(db, scope), [(before.date_from, before.date_to), (scope.date_from, scope.date_to)]
        )
    data = BriefingData(
        scope=scope,
        made_on=today,
        made_by=made_by,
        bucket=bucket,
        theme_bucket=theme_bucket,
        figures=metrics.stats(db, scope),
        previous={},
    )
    if full:
        step(15, "Trends")
        data.previous_scope = previous_scope(scope)
        data.previous = metrics.stats(db, data.previous_scope)
        # Every chart and table of the briefing reads these rows, so a stub at either end of the
        # period is merged once, here, and page 2 and page 3 show the same buckets.
        data.training = merge_stubs(series.series(db, "training", scope, bucket), bucket)
        data.concerns = merge_stubs(series.series(db, "concerns", scope, bucket), bucket)
        data.mentoring = merge_stubs(series.series(db, "mentoring", scope, bucket), bucket)
        data.concern_themes = (
            data.concerns
            if theme_bucket == bucket
            else merge_stubs(series.series(db, "concerns", scope, theme_bucket), theme_bucket)
        )
        step(30, "Units and readiness")
        data.units = breakdowns.unit_breakdown(db, scope)
        data.readiness = breakdowns.readiness(db, scope)
    step(40, "Concerns and responses")
    f = metrics.resolve(db, scope)
    data.concerns_by_unit = concerns_by_unit(db, f)
    data.barriers = barrier_mix(db, f)
    data.concern_months = month_concern_tables(db, scope)
    data.concern_table = sum_tables(data.concern_months)
    if full:
        previous = data.previous_scope or scope.previous()
        data.previous_concern_months = month_concern_tables(db, previous)
        data.previous_concern_table = sum_tables(data.previous_concern_months)
        data.people_table = people_table(db, scope)
        data.previous_people_table = people_table(db, previous, with_refreshers=False)
        data.attendance_months = month_attendance_tables(db, scope)
        data.previous_attendance_months = month_attendance_tables(db, previous)
    data.unit_ids = {
        r["name"]: r["id"]
        for r in db.query(
            f"SELECT id, name FROM unit u WHERE u.deleted_at IS NULL{f.units('u.id')} ORDER BY name COLLATE NOCASE",
            f.params(),
        )
    }
    redact = redactor(db)
    data.responses = responses_by_theme(db, f, redact)
    data.ideas = idea_report.ideas_acted_on(db, f, redact)
    step(50, "Stories, roadmap and champions")
    stories = listings.stories(db, scope) if full else []
    data.stories_total = len(stories)
    data.stories = [
        {
            k: (redact(r[k]) if k in ("title", "summary", "measure", "value") else r[k])
            for k in ("told_on", "title", "summary", "measure", "value", "tool", "unit")
        }
        for r in pick_stories(stories)
    ]
    data.roadmap = roadmap(db, f) if full else []
    for tool in data.roadmap:
        tool["purpose"] = redact(tool["purpose"])  # free text like any other: no colleague named
    data.champions = champions(db, f)
    data.upcoming = upcoming_sessions(db, f, today, redact)
    step(55, "Next steps")
    # The poster prints agreed actions only: a proposal is not "what we will do".
    data.next_steps, data.next_steps_agreed, data.next_steps_partial = agreed_next_steps(
        db, scope, today, redact, proposals=full
    )
    # Trust-wide figures are only as fresh as the last sync of every ward: the footer says how fresh.
    data.sync_line = syncs.status_summary(syncs.sync_status(db, today))
    step(60, "Laying out pages")
    return data


# How series figures combine when a stub bucket is merged into its neighbour: counts over the
# dates add up; states ("at the bucket's end") are those of the merged bucket's end; figures that
# neither add nor carry (medians, rates, means) are unknown for the merged bucket.
FLOW_KEYS = {"sessions", "attendances", "concerns_raised", "concerns_by_theme", "checkins"}
STATE_KEYS = {
    "training_coverage",
    "signed_off_staff",
    "concerns_open",
    "pairings_active",
    "stalled_pairings",
    "staff_active",
    "champions_active",
    "staff_per_champion",
}
# A first or last bucket shorter than this many days is merged into its neighbour (under half of it).
STUB_DAYS = {"week": 4, "month": 15}


def merge_stubs(rows: Sequence[dict[str, Any]], bucket: str) -> list[dict[str, Any]]:
    """Return series rows with a first or last bucket of under half a week or month merged into its neighbour.

    The period rarely starts on a Monday or the 1st: a stub of a few days holds counts so small they
    must be hidden, and beside the period's printed total a hidden bar forces a second, real one to be
    hidden too (a whole month of sessions), and a stub's small count takes a whole theme out of the
    theme chart. Merged, the figures stay exact: counts (``FLOW_KEYS``, per-theme dicts included) add
    up, states (``STATE_KEYS``) are the later bucket's, and other figures (medians, rates) become None.
    A merged row's start and end span both buckets. Rows of one or two buckets are left as they are.
    """
    out = [dict(r) for r in rows]
    min_days = STUB_DAYS.get(bucket, 0)

    def days(row: dict[str, Any]) -> int:
        return (dt.date.fromisoformat(row["end"]) - dt.date.fromisoformat(row["start"])).days + 1

    def merge(earlier: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {"start": earlier["start"], "end": later["end"]}
        for key in earlier.keys() | later.keys():
            if key in ("start", "end"):
                continue
            a, b = earlier.get(key), later.get(key)
            if key in STATE_KEYS:
                merged[key] = b
            elif key in FLOW_KEYS and isinstance(a, dict) and isinstance(b, dict):
                merged[key] = {t: int(a.get(t) or 0) + int(b.get(t) or 0) for t in {**a, **b}}
            elif key in FLOW_KEYS:
                merged[key] = None if a is None and b is None else int(a or 0) + int(b or 0)
            else:
                merged[key] = None
        return {k: merged[k] for k in (*later.keys(), *(k for k in earlier if k not in later))}

    if len(out) > 2 and days(out[0]) < min_days:
        out[:2] = [merge(out[0], out[1])]
    if len(out) > 2 and days(out[-1]) < min_days:
        out[-2:] = [merge(out[-2], out[-1])]
    return out


def pick_stories(stories: list[dict[str, Any]], limit: int = STORIES_SHOWN) -> list[dict[str, Any]]:
    """Return up to ``limit`` stories, newest first, those with a measured value (evidence) before others."""
    ranked = sorted(stories, key=lambda st: (bool(st.get("value")), st.get("told_on") or ""), reverse=True)
    return ranked[:limit]


def redactor(db: Database) -> NameRedactor:
    """Return a NameRedactor that hides every non-champion's name and keeps champions' and place names."""
    return name_redactor(db)


def concerns_by_unit(db: Database, f: metrics.Filter) -> dict[str, int]:
    """Return concerns raised in the period per unit name (units in scope with none count 0), by name."""
    units = db.query(
        f"SELECT id, name FROM unit u WHERE u.deleted_at IS NULL{f.units('u.id')} ORDER BY name COLLATE NOCASE",
        f.params(),
    )
    counts = {
        r["unit_id"]: r["n"]
        for r in db.query(
            f"""SELECT i.unit_id, count(*) AS n FROM incident i
             WHERE i.deleted_at IS NULL AND i.occurred_on BETWEEN :d_from AND :d_to{f.unit_and_tool("i")}
             GROUP BY i.unit_id""",
            f.params(),
        )
    }
    return {u["name"]: int(counts.get(u["id"], 0)) for u in units}


NO_UNIT = "(no unit)"
ALL_UNITS = "(all units)"


def concern_table(db: Database, f: metrics.Filter) -> dict[str, dict[tuple[str, str], int]]:
    """Return concerns raised in the period over every unit (deleted ones too), tools as scoped, as two
    tables: keyed (unit id, theme), every unit and theme present (zeros included), and keyed
    (ALL_UNITS, barrier).

    Every unit is read whatever the scope's units: a one-unit briefing must hide what the all-units
    briefing and the other units' briefings of the same period would let be worked back. Barriers
    are printed for all units together only: per unit, beside the themes per unit, they would make a
    three-way table whose hidden cells the two-way tables' sums can pin down.
    """
    rows = db.query(
        f"""SELECT coalesce(i.unit_id, '{NO_UNIT}') AS unit, i.theme, i.barrier, count(*) AS n FROM incident i
             WHERE i.deleted_at IS NULL AND i.occurred_on BETWEEN :d_from AND :d_to{f.tools("i.tool_id")}
             GROUP BY 1, 2, 3""",
        f.params(),
    )
    units = {r["id"] for r in db.query("SELECT id FROM unit WHERE deleted_at IS NULL")} | {r["unit"] for r in rows}
    themes = {(u, t): 0 for u in units for t in THEMES}
    barriers = {(ALL_UNITS, b): 0 for b in (*BARRIERS, NOT_RECORDED)}
    for r in rows:
        theme = r["theme"] if r["theme"] in THEMES else Theme.OTHER.value
        barrier = r["barrier"] if r["barrier"] in BARRIERS else NOT_RECORDED
        themes[(r["unit"], theme)] += r["n"]
        barriers[(ALL_UNITS, barrier)] += r["n"]
    return {"theme": themes, "barrier": barriers}


def month_concern_tables(db: Database, scope: Scope) -> list[dict[str, dict[tuple[str, str], int]]]:
    """Return ``concern_table`` for each calendar month of a scope of whole months (the scope alone otherwise)."""
    return [concern_table(db, metrics.resolve(db, month)) for month in month_scopes(scope)]


def sum_tables(months: Sequence[dict[str, dict[tuple[str, str], int]]]) -> dict[str, dict[tuple[str, str], int]]:
    """Return the entry-by-entry sum of several periods' concern tables (every entry of any of them present)."""
    out: dict[str, dict[tuple[str, str], int]] = {}
    for tables in months:
        for name, entries in tables.items():
            into = out.setdefault(name, {})
            for entry, n in entries.items():
                into[entry] = into.get(entry, 0) + n
    return out


# Counts of people per unit that the briefing prints for each unit and for all units together.
PEOPLE_BY_UNIT = (
    "staff_active",
    "covered",
    "signed_off_staff",
    "refreshers_due",
    "attendances",
    "concerns_open",
    "pairings_active",
    "stalled_pairings",
)
COUNT = "n"


def people_table(db: Database, scope: Scope, with_refreshers: bool = True) -> dict[str, dict[tuple[str, str], int]]:
    """Return, per figure of PEOPLE_BY_UNIT, {(unit id, COUNT): people} over every live unit (tools as
    scoped), those of no live unit under NO_UNIT: each one-column table sums to the all-units figure,
    as ``stats`` counts it (``covered`` is the numerator of training coverage; staff figures and open
    concerns are at the period's end, attendances over the period by the session's unit).
    """
    everyone = dataclasses.replace(scope, units=())
    f = metrics.resolve(db, everyone)
    live = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM unit WHERE deleted_at IS NULL")}
    tables: dict[str, dict[tuple[str, str], int]] = {
        key: {(uid, COUNT): 0 for uid in (*live, NO_UNIT)} for key in PEOPLE_BY_UNIT
    }
    for r in metrics.staff_by_unit(db, f, scope.date_to):
        uid = r["unit_id"] if r["unit_id"] in live else NO_UNIT
        for key in ("staff_active", "covered", "signed_off_staff"):
            tables[key][(uid, COUNT)] += int(r.get(key) or 0)
    tables["attendances"] = attendance_table(db, scope)
    # Open at the period's end as ``metrics`` counts it: raised by then, not resolved by then (an
    # empty but not null resolved_on closes a concern the day it is raised, as in the summaries).
    for r in db.query(
        f"""SELECT i.unit_id, count(*) AS n FROM incident i
             WHERE i.deleted_at IS NULL AND i.occurred_on <= :d_to{f.tools("i.tool_id")}
               AND (i.resolved_on IS NULL OR i.resolved_on > :d_to) GROUP BY i.unit_id""",
        f.params(),
    ):
        uid = r["unit_id"] if r["unit_id"] in live else NO_UNIT
        tables["concerns_open"][(uid, COUNT)] += int(r["n"])
    # Mentoring, by the mentee's unit, as ``metrics`` counts it: active at the end, and of those,
    # the ones in a stalled stretch on that day (the store's summary of stalled stretches).
    mentee_unit = "(SELECT m.unit_id FROM staff m WHERE m.id = pr.mentee_id)"
    for r in db.query(
        f"""SELECT {mentee_unit} AS unit_id, count(*) AS n FROM pairing pr
             WHERE {f.pairing("pr")} AND pr.started_on <= :d_to AND (pr.ended_on IS NULL OR pr.ended_on > :d_to)
             GROUP BY 1""",
        f.params(),
    ):
        tables["pairings_active"][(r["unit_id"] if r["unit_id"] in live else NO_UNIT, COUNT)] += int(r["n"])
    for r in db.query(
        f"""SELECT {mentee_unit} AS unit_id, count(*) AS n FROM summary_pairing_stall st
              JOIN pairing pr ON pr.id = st.pairing_id
             WHERE {f.pairing("pr")} AND st.stalled_from <= :d_to AND st.stalled_until > :d_to GROUP BY 1""",
        f.params(),
    ):
        tables["stalled_pairings"][(r["unit_id"] if r["unit_id"] in live else NO_UNIT, COUNT)] += int(r["n"])
    if with_refreshers:
        ids = {name: uid for uid, name in live.items()}
        for r in breakdowns.refreshers_due(db, everyone):
            tables["refreshers_due"][(ids.get(r["unit"], NO_UNIT), COUNT)] += 1
    else:
        del tables["refreshers_due"]
    return tables


def attendance_table(db: Database, scope: Scope) -> dict[tuple[str, str], int]:
    """Return attendances over the scope's dates by the session's unit: {(unit id, COUNT): n}, every live
    unit present, those of no live unit under NO_UNIT (tools as scoped, every unit whatever the scope's)."""
    f = metrics.resolve(db, dataclasses.replace(scope, units=()))
    live = {r["id"] for r in db.query("SELECT id FROM unit WHERE deleted_at IS NULL")}
    out = {(uid, COUNT): 0 for uid in (*live, NO_UNIT)}
    for r in db.query(
        f"""SELECT ts.unit_id, count(*) AS n FROM attendance a JOIN training_session ts ON ts.id = a.session_id
             WHERE a.deleted_at IS NULL AND ts.deleted_at IS NULL
               AND ts.held_on BETWEEN :d_from AND :d_to{f.tools("ts.tool_id")} GROUP BY ts.unit_id""",
        f.params(),
    ):
        out[(r["unit_id"] if r["unit_id"] in live else NO_UNIT, COUNT)] += int(r["n"])
    return out


def month_attendance_tables(db: Database, scope: Scope) -> list[dict[tuple[str, str], int]]:
    """Return ``attendance_table`` for each calendar month of a scope of whole months (the scope alone otherwise)."""
    return [attendance_table(db, month) for month in month_scopes(scope)]


# Counts of people that add up over tools (a colleague's attendances, concerns and pairings are each
# of one tool): an output for some tools does not print them (``tool_subset``). Staff do not depend
# on the tools; trained and signed-off colleagues are counted once whatever their tools, so a
# difference of two tool sets is no count any output hides.
TOOL_ADDITIVE = frozenset({"refreshers_due", "attendances", "concerns_open", "pairings_active", "stalled_pairings"})
# Counts over the period's dates rather than on its last day: decided month by month (as concerns).
FLOW_PEOPLE = frozenset({"attendances"})


def _few_untrained(staff: dict[tuple[str, str], int], k: int) -> Callable[[str, tuple[str, str], int], bool]:
    """Return the extra rule for the ``covered`` table: hidden where the untrained (staff - covered) are few."""
    sup = Suppressor(k)

    def rule(table: str, entry: tuple[str, str], covered: int) -> bool:
        if table != "covered":
            return False
        # The staff of the same entry: one unit's, or (a margin) every unit's.
        total = sum(n for (row, col), n in staff.items() if entry[0] in (MARGIN, row) and entry[1] in (MARGIN, col))
        return sup.is_small(total - covered)

    return rule


def people_figures(data: BriefingData, k: int, previous: bool = False) -> dict[str, dict[str | None, Cell]]:
    """Return, per figure of PEOPLE_BY_UNIT, the printable cell of each unit in scope (by name) and, under
    None, of the output's own figure (the unit's, or all units' together), each decided on every
    unit's table so no other output of the period uncovers it. Empty without ``people_table``.
    """
    table = data.previous_people_table if previous else data.people_table
    if not table:
        return {}
    out: dict[str, dict[str | None, Cell]] = {}
    rows = None if not data.scope.units else list(data.unit_ids.values())
    staff = {e: n for e, n in table["staff_active"].items()}
    months = data.previous_attendance_months if previous else data.attendance_months
    for key, cells in table.items():
        plan: Protection | PeriodProtection
        if key in FLOW_PEOPLE and months:
            # Attendances of a quarter are the sum of its months': decided month by month, like concerns.
            plan = PeriodProtection([{key: m} for m in months], k)
        else:
            plan = Protection({key: cells}, k, also_hidden=_few_untrained(staff, k))
        figures: dict[str | None, Cell] = {name: plan.cell(key, [uid], COUNT) for name, uid in data.unit_ids.items()}
        figures[None] = plan.cell(key, rows, COUNT)
        if key in TOOL_ADDITIVE and tool_subset_scope(data.scope):
            figures = {name: _unprinted(cell) for name, cell in figures.items()}
        out[key] = figures
    return out


@dataclass(frozen=True)
class ConcernFigures:
    """The concern counts one output prints, each decided by ``privacy.Protection`` over every unit."""

    total: Cell
    themes: dict[str, Cell]
    barriers: dict[str, Cell]  # all-units outputs only (empty otherwise)
    units: dict[str, Cell]  # by unit name; all-units outputs only (empty otherwise)
    previous_total: Cell | None


_PLANS: dict[tuple[int, int], tuple[dict[str, dict[tuple[str, str], int]], Protection]] = {}


def protection(months: Sequence[dict[str, dict[tuple[str, str], int]]], k: int) -> PeriodProtection:
    """Return the PeriodProtection of a period's monthly concern tables, each month's worked out once.

    A briefing asks several times (figures, next steps), the previous period and longer periods share
    months, and a test of every unit's briefing asks once per unit: at a trust's scale each month's
    working-out is a noticeable fraction of a second.
    """
    plans = []
    for tables in months:
        cached = _PLANS.get((id(tables), k))
        if cached is None or cached[0] is not tables:
            if len(_PLANS) > 64:
                _PLANS.clear()
            cached = (tables, Protection(tables, k))
            _PLANS[(id(tables), k)] = cached
        plans.append(cached[1])
    return PeriodProtection(months, k, plans)


def concern_figures(data: BriefingData, k: int) -> ConcernFigures:
    """Return the concern counts ``data``'s output may print with threshold ``k``.

    Suppression is decided month by month on the tables of every unit (``privacy.PeriodProtection``),
    so what this output hides stays hidden whatever the all-units briefing, every other unit's
    briefing, the briefings of other whole-month periods (its months, a year, the previous period)
    and the default export print. An output for some of the tools prints no concern count at all
    (``tool_subset``): beside the all-tools outputs, it would give the other tools' counts away.
    """
    rows = None if not data.scope.units else list(data.unit_ids.values())
    months = data.concern_months or ([data.concern_table] if data.concern_table else [])
    if not months:  # data put together by hand (a layout test): the scope's own figures as one unit
        rows = None
        by_theme = data.figures.get("concerns_by_theme") or {}
        months = [
            {
                "theme": {(NO_UNIT, t): int(by_theme.get(t) or 0) for t in THEMES},
                "barrier": {(ALL_UNITS, b): int(data.barriers.get(b) or 0) for b in (*BARRIERS, NOT_RECORDED)},
            }
        ]
    plan = protection(months, k)
    themes = {t: plan.cell("theme", rows, t) for t in THEMES}
    barriers = {b: plan.cell("barrier", [ALL_UNITS], b) for b in (*BARRIERS, NOT_RECORDED)} if rows is None else {}
    units: dict[str, Cell] = {}
    if rows is None:
        units = {name: plan.cell("theme", [uid]) for name, uid in data.unit_ids.items()}
    previous = None
    before = data.previous_concern_months or ([data.previous_concern_table] if data.previous_concern_table else [])
    if before:
        previous = protection(before, k).cell("theme", rows)
    figures = ConcernFigures(plan.cell("theme", rows), themes, barriers, units, previous)
    return tool_subset(figures) if tool_subset_scope(data.scope) else figures


def tool_subset_scope(scope: Scope) -> bool:
    """Return True when a scope names some of the tools: its counts of concerns and of people are not printed."""
    return bool(scope.tools)


def _unprinted(cell: Cell) -> Cell:
    """Return ``cell`` hidden as a count kept for whole tool sets: zero too (it would show the others' count)."""
    return Cell(cell.value, True, HIDDEN_SHARE) if cell.value is not None else cell


def tool_subset(figures: ConcernFigures) -> ConcernFigures:
    """Return concern figures with every count hidden, for an output of some of the tools.

    Counts are decided on the tables of all tools; the same counts for some tools beside them would
    give the rest by subtraction (tools {A, B} minus tool A is tool B's), so they print only for the
    whole tool set: the SDC rule of publishing one table, not overlapping subsets of it.
    """
    return ConcernFigures(
        _unprinted(figures.total),
        {t: _unprinted(c) for t, c in figures.themes.items()},
        {b: _unprinted(c) for b, c in figures.barriers.items()},
        {u: _unprinted(c) for u, c in figures.units.items()},
        None if figures.previous_total is None else _unprinted(figures.previous_total),
    )


def barrier_mix(db: Database, f: metrics.Filter) -> dict[str, int]:
    """Return concerns raised in the period per ADKAR barrier, in ADKAR order, then "not recorded"."""
    out = dict.fromkeys((*BARRIERS, NOT_RECORDED), 0)
    for r in db.query(
        f"""SELECT i.barrier, count(*) AS n FROM incident i
             WHERE i.deleted_at IS NULL AND i.occurred_on BETWEEN :d_from AND :d_to{f.unit_and_tool("i")}
             GROUP BY i.barrier""",
        f.params(),
    ):
        key = r["barrier"] if r["barrier"] in out else NOT_RECORDED
        out[key] += r["n"]
    return out


def responses_by_theme(
    db: Database, f: metrics.Filter, redact: NameRedactor, limit: int = RESPONSES_PER_THEME
) -> dict[str, list[str]]:
    """Return, per theme, up to ``limit`` distinct responses recorded on addressed/closed concerns (newest first).

    A concern counts when it was raised or resolved in the period. Only the response text is read,
    never the description, who raised it or the owner, and other staff names in it are redacted.
    One action often answers many concerns, written each time with another tool or unit, number or
    follow-up ("… Colleague said it helped."): responses with the same gist (``response_gist``)
    print once, the newest, so that the few printed show the range of what was done.
    """
    statuses = ", ".join(f"'{s.value}'" for s in RESOLVED_STATUSES)
    rows = db.query(
        f"""SELECT i.theme, i.response FROM incident i
             WHERE i.deleted_at IS NULL AND i.status IN ({statuses}){f.unit_and_tool("i")}
               AND (i.occurred_on BETWEEN :d_from AND :d_to OR i.resolved_on BETWEEN :d_from AND :d_to)
               AND trim(coalesce(i.response, '')) <> ''
             ORDER BY coalesce(i.resolved_on, i.occurred_on) DESC, i.id""",
        f.params(),
    )
    places = [
        r["name"]
        for r in db.query(
            "SELECT name FROM unit WHERE deleted_at IS NULL UNION SELECT name FROM tool WHERE deleted_at IS NULL"
        )
    ]
    gist = response_gist(places)
    out: dict[str, list[str]] = {}
    gists: dict[str, list[str]] = {}
    done: set[tuple[str, str]] = set()
    for r in rows:
        theme = r["theme"] if r["theme"] in THEMES else Theme.OTHER.value
        seen = out.setdefault(theme, [])
        raw = " ".join(r["response"].split())
        # A year of a trust holds tens of thousands of responses, mostly repeats of a few actions:
        # each distinct text is looked at once, and a theme stops at what the briefing prints.
        if len(seen) >= limit or (theme, raw.casefold()) in done:
            continue
        done.add((theme, raw.casefold()))
        text = redact(raw)
        if not text:
            continue
        key = gist(text)
        kept = gists.setdefault(theme, [])
        if any(same_gist(key, other) for other in kept):
            continue
        kept.append(key)
        seen.append(text)
    return {theme: texts for theme, texts in out.items() if texts}


# Follow-ups the demo and real champions append to an action; they do not make it another action.
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_NOT_WORD = re.compile(r"[^\w\s]+")
_ARTICLES = {"a", "an", "the"}
# Gists this similar (difflib ratio) are the same action told with other words for the tool or unit.
SAME_GIST = 0.85


def response_gist(places: Sequence[str]) -> Callable[[str], str]:
    """Return a function giving a response's gist: the action it records, for telling near-repeats apart.

    The gist is the first sentence (what was done; later ones are follow-ups), case-folded, with
    the names of units and tools (and each word of them: "the scribe" for "NoteWise Ambient
    Scribe"), numbers, articles, punctuation and single letters taken out, whitespace made single.
    """
    words = {w.casefold() for name in places for w in re.findall(r"\w+", name)}
    words -= {"and", "of", "for", "to", "in", "on", "unit", "team"}
    whole = sorted({name.casefold() for name in places if name.strip()}, key=len, reverse=True)

    def gist(text: str) -> str:
        first = _SENTENCE.split(" ".join(text.split()), maxsplit=1)[0].casefold()
        for name in whole:
            first = first.replace(name, " ")
        first = _NOT_WORD.sub(" ", _NUMBER.sub(" ", first))
        return " ".join(w for w in first.split() if w not in words and w not in _ARTICLES and len(w) > 1)

    return gist


def same_gist(a: str, b: str) -> bool:
    """Return True when two gists record the same action (equal, or nearly: another word for the tool)."""
    if a == b:
        return True
    if not a or not b:
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= SAME_GIST and matcher.ratio() >= SAME_GIST


def roadmap(db: Database, f: metrics.Filter) -> list[dict[str, Any]]:
    """Return the tools in scope with stage, purpose, go-live date and current stage per unit in scope."""
    tools = db.query(
        f"""SELECT t.id, t.name, t.stage, t.purpose, t.go_live_on, t.vendor FROM tool t
             WHERE t.deleted_at IS NULL{f.tools("t.id")} ORDER BY t.name COLLATE NOCASE""",
        f.params(),
    )
    latest = db.query(
        f"""SELECT tool_id, unit, stage, since FROM (
                SELECT r.tool_id, u.name AS unit, r.stage, r.since,
                       row_number() OVER (PARTITION BY r.tool_id, r.unit_id ORDER BY r.since DESC, r.created_at DESC) AS n
                  FROM rollout r JOIN unit u ON u.id = r.unit_id
                 WHERE r.deleted_at IS NULL AND u.deleted_at IS NULL AND r.since <= :d_to{f.units("r.unit_id")}{f.tools("r.tool_id")})
             WHERE n = 1 ORDER BY unit COLLATE NOCASE""",
        f.params(),
    )
    by_tool: dict[str, list[dict[str, Any]]] = {}
    for r in latest:
        by_tool.setdefault(r["tool_id"], []).append({"unit": r["unit"], "stage": r["stage"], "since": r["since"]})
    return [
        {
            "tool": t["name"],
            "stage": t["stage"],
            "purpose": t["purpose"] or "",
            "go_live_on": t["go_live_on"],
            "vendor": t["vendor"] or "",
            "units": by_tool.get(t["id"], []),
        }
        for t in tools
    ]


def champions(db: Database, f: metrics.Filter) -> list[dict[str, Any]]:
    """Return the live, active champions of the units in scope: name, unit, role and their tools.

    A champion's tools are those in scope they have trained or mentored for; a champion with none
    yet is still listed (they are the unit's contact).
    """
    people = db.query(
        f"""SELECT s.id, s.display_name AS name, s.role, u.name AS unit FROM staff s LEFT JOIN unit u ON u.id = s.unit_id
             WHERE s.deleted_at IS NULL AND s.active = 1 AND s.is_champion = 1{f.units("s.unit_id")}
             ORDER BY u.name COLLATE NOCASE, s.display_name COLLATE NOCASE""",
        f.params(),
    )
    tools: dict[str, set[str]] = {}
    for r in db.query(
        f"""SELECT ts.trainer_id AS who, t.name AS tool FROM training_session ts JOIN tool t ON t.id = ts.tool_id
             WHERE ts.deleted_at IS NULL AND t.deleted_at IS NULL{f.tools("ts.tool_id")}
            UNION
            SELECT p.mentor_id AS who, t.name AS tool FROM pairing p JOIN tool t ON t.id = p.tool_id
             WHERE p.deleted_at IS NULL AND t.deleted_at IS NULL{f.tools("p.tool_id")}""",
        f.params(),
    ):
        tools.setdefault(r["who"], set()).add(r["tool"])
    return [
        {
            "name": p["name"],
            "unit": p["unit"] or "",
            "role": p["role"] or "",
            "tools": sorted(tools.get(p["id"], ()), key=str.casefold),
        }
        for p in people
    ]


def upcoming_sessions(
    db: Database, f: metrics.Filter, today: dt.date, redact: NameRedactor | None = None, limit: int = UPCOMING_LIMIT
) -> list[dict[str, Any]]:
    """Return the next planned sessions (held_on after today) in scope, soonest first.

    The trainer is named only when a champion (the privacy rule); otherwise ``trainer`` is "".
    """
    rows = db.query(
        f"""SELECT ts.held_on, ts.minutes, ts.format, ts.topic, t.name AS tool, u.name AS unit,
                   CASE WHEN tr.is_champion = 1 AND tr.deleted_at IS NULL THEN tr.display_name ELSE '' END AS trainer
              FROM training_session ts JOIN tool t ON t.id = ts.tool_id JOIN unit u ON u.id = ts.unit_id
              JOIN staff tr ON tr.id = ts.trainer_id
             WHERE ts.deleted_at IS NULL AND ts.held_on > :today{f.unit_and_tool("ts")}
             ORDER BY ts.held_on, u.name LIMIT :limit""",
        f.params() | {"today": today.isoformat(), "limit": limit},
    )
    redact = redact or redactor(db)
    for r in rows:
        r["topic"] = redact(r["topic"])
    return rows


# --- next steps -----------------------------------------------------------------------------------

# Proposals printed when nothing is agreed yet: a short list for discussion, not the whole backlog.
PROPOSALS_SHOWN = 5
PROPOSALS_PER_RULE = 2
# Rules whose suggestions are never of high severity (see next_steps): they rank after every high one.
MEDIUM_AT_MOST = {"stalled_pairings", "refreshers_due", "story_gap", "ideas_waiting"}
# Agreed actions printed; more than this reads as a backlog (the rest are on Home).
AGREED_SHOWN = 12
# Above this many units in scope, proposals come from the quick rules only: at a trust's scale the
# coverage and mentoring rules cost seconds, beyond the briefing's budget (Home lists them all).
FULL_RULES_MAX_UNITS = 15
QUICK_RULES = (
    "theme_rising",
    "unanswered_concerns",
    "champion_ratio",
    "readiness_barrier",
    "refreshers_due",
    "story_gap",
    "ideas_waiting",
)
# The first word of a suggestion key names its rule; the second is the unit's id (next_steps keys).
KEY_RULES = {
    "theme_rising": "theme_rising",
    "low_coverage": "low_coverage",
    "unanswered": "unanswered_concerns",
    "champion_ratio": "champion_ratio",
    "stalled": "stalled_pairings",
    "barrier": "readiness_barrier",
    "refreshers": "refreshers_due",
    "story_gap": "story_gap",
    "ideas_waiting": "ideas_waiting",
}
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def agreed_next_steps(
    db: Database, scope: Scope, today: dt.date, redact: NameRedactor | None = None, proposals: bool = True
) -> tuple[list[dict[str, Any]], bool, bool]:
    """Return (steps, agreed, partial): the suggestions in scope whose latest response is "agreed",
    or, when none is, the top PROPOSALS_SHOWN suggestions (most severe first; dismissed and snoozed
    ones left out), at most PROPOSALS_PER_RULE of one rule; with ``proposals=False``, agreed ones only.

    Suggestions cost seconds at a trust's scale, so only what is needed runs: for agreed ones, the
    rules and units their keys name; for proposals, every rule up to FULL_RULES_MAX_UNITS units in
    scope, else QUICK_RULES (``partial`` is then True). Each step is plain data — rule, unit, tool,
    action and strategy (names redacted), severity, the rule's figures and, for readiness, the
    respondents — never the signal text, whose counts are not suppressed: ``next_step_why`` builds
    the printed why.
    """
    redact = redact or redactor(db)
    f = metrics.resolve(db, scope)
    units = {
        r["id"]: r["name"]
        for r in db.query(
            f"SELECT id, name FROM unit u WHERE deleted_at IS NULL{f.units('u.id')} ORDER BY name", f.params()
        )
    }
    month = f"{scope.date_to:%Y-%m}"
    wanted_rules: set[str] = set()
    wanted_units: set[str] = set()
    for key, response in next_steps.latest_responses(db).items():
        if response["decision"] != "agreed":
            continue
        parts = key.split(":")
        if _MONTH.match(parts[-1]) and parts[-1] != month:
            continue  # a monthly signal of another period: it cannot match this scope's suggestions
        rule = KEY_RULES.get(parts[0])
        if rule is None or len(parts) < 2 or parts[1] not in units:
            if rule is None or len(parts) < 2:  # a key of an unknown shape: run everything to be safe
                wanted_rules, wanted_units = set(KEY_RULES.values()), set(units)
                break
            continue  # a unit outside the scope
        wanted_rules.add(rule)
        wanted_units.add(parts[1])
    steps: list[next_steps.Suggestion] = []
    if wanted_rules:
        found = run_rules(db, scope, today, wanted_rules, [units[u] for u in sorted(wanted_units)])
        steps = [s for s in found if s.response and s.response["decision"] == "agreed"][:AGREED_SHOWN]
    agreed = bool(steps)
    partial = False
    if not agreed and proposals:
        partial = len(units) > FULL_RULES_MAX_UNITS
        rules = set(QUICK_RULES) if partial else set(KEY_RULES.values())
        # Rules that never rise above medium can only follow every high suggestion: when the others
        # already give a full list of high ones, they need not run (at a trust, seconds saved).
        found = run_rules(db, scope, today, rules - MEDIUM_AT_MOST, None)
        first = pick_proposals(found, fill=False)
        if len(first) < PROPOSALS_SHOWN or any(s.severity < next_steps.HIGH for s in first):
            found = sorted(found + run_rules(db, scope, today, rules & MEDIUM_AT_MOST, None), key=_order)
        steps = pick_proposals(found)
    readiness = {
        (r["unit"], r["tool"], r["taken_on"]): r.get("respondents")
        for r in (breakdowns.readiness(db, scope) if any(s.rule == "readiness_barrier" for s in steps) else [])
    }
    out = []
    for s in steps:
        figures = dict(s.figures)
        if s.rule == "low_coverage":
            figures["target"] = next_steps.thresholds(db)["coverage_target"]
        if s.rule == "readiness_barrier":
            figures["respondents"] = readiness.get((s.unit, s.tool, figures.get("taken_on")))
        out.append(
            {
                "key": s.key,
                "rule": s.rule,
                "unit": s.unit or "",
                "tool": s.tool or "",
                "action": redact(s.action),
                "strategy": redact(s.strategy),
                "severity": s.severity_name,
                "figures": figures,
                "days": scope.days,
            }
        )
    return out, agreed, partial


def pick_proposals(
    found: list[next_steps.Suggestion],
    limit: int = PROPOSALS_SHOWN,
    per_rule: int = PROPOSALS_PER_RULE,
    fill: bool = True,
) -> list[next_steps.Suggestion]:
    """Return the first ``limit`` suggestions in order, at most ``per_rule`` of one rule, so the list
    shows the range of what needs doing (six "recruit a champion" rows would hide the rest).

    With ``fill``, places left over (too few other rules fired) go to the next suggestions in order.
    """
    out: list[next_steps.Suggestion] = []
    seen: dict[str, int] = {}
    for s in found:
        if len(out) == limit:
            break
        if seen.get(s.rule, 0) < per_rule:
            seen[s.rule] = seen.get(s.rule, 0) + 1
            out.append(s)
    if fill:
        chosen = {id(s) for s in out}
        out += [s for s in found if id(s) not in chosen][: limit - len(out)]
    return sorted(out, key=_order)


def _order(s: next_steps.Suggestion) -> tuple[Any, ...]:
    """The order of ``next_steps.suggestions``: most severe, strongest signal, rule order, unit, key."""
    order = {rule.__name__.removeprefix("rule_"): n for n, rule in enumerate(next_steps.RULES)}
    return (-s.severity, -s.weight, order.get(s.rule, 99), s.unit or "", s.key)


def run_rules(
    db: Database, scope: Scope, today: dt.date, rules: set[str], unit_names: list[str] | None
) -> list[next_steps.Suggestion]:
    """Return ``next_steps.suggestions(db, scope, today)`` restricted to the named rules and units.

    Every rule reads each unit on its own, so a suggestion is the same whether the scope holds one
    unit or all of them (a test checks this against ``next_steps.suggestions``); running only what
    is needed keeps the briefing within its time budget.
    """
    if unit_names is not None:
        scope = dataclasses.replace(scope, units=tuple(unit_names))
    f = metrics.resolve(db, scope)
    units = {
        r["id"]: r["name"]
        for r in db.query(f"SELECT id, name FROM unit u WHERE deleted_at IS NULL{f.units('u.id')}", f.params())
    }
    tools = {
        r["id"]: r["name"]
        for r in db.query(f"SELECT id, name FROM tool t WHERE deleted_at IS NULL{f.tools('t.id')}", f.params())
    }
    c = next_steps.RuleContext(db, scope, f, next_steps.thresholds(db), units, tools)
    found = [s for rule in next_steps.RULES if rule.__name__.removeprefix("rule_") in rules for s in rule(c)]
    responses = next_steps.latest_responses(db)
    out = []
    for s in found:
        s.response = responses.get(s.key)
        if not next_steps.is_hidden(s.response, today):
            out.append(s)
    return sorted(out, key=_order)


def next_step_whys(steps: list[dict[str, Any]], data: BriefingData, sup: Suppressor) -> list[str]:
    """Return the printed why of each step, built from its figures with the briefing's privacy rules.

    Counts from 1 to k-1 print as "fewer than k". A unit's count of a rising theme is one part of
    the theme's total ("You said, we did") and of the unit's total ("Concerns raised by unit"), and
    stalled pairings are part of the key figure: further parts are hidden ("not shown") while a
    small one could be worked back, and every part of a total hidden there is hidden here. Shares
    and readiness scores of small groups are not shown. Dates of single concerns are never printed.
    """
    steps = [_in_period(s, data, sup.k) for s in steps]
    hidden = _hidden_parts(steps, data, sup)
    return [_why(n, s, sup, hidden) for n, s in enumerate(steps)]


def _in_period(step: dict[str, Any], data: BriefingData, k: int) -> dict[str, Any]:
    """Return ``step`` with its count of a rising theme replaced by the briefing period's count of it.

    A step agreed on another day counted its own dates (a rolling window, not whole months): printed,
    that count beside the whole-month ones could be subtracted down to a few days. The period's count
    of the unit and theme is an entry every output decides on together (``PeriodProtection``); the
    previous window's count is never printed (it differs from the previous whole months by days).
    """
    uid = data.unit_ids.get(step["unit"])
    if step["rule"] != "theme_rising" or uid is None or not data.concern_months:
        return step
    theme = str(step["figures"].get("theme"))
    value = protection(data.concern_months, k).cell("theme", [uid], theme).value
    return {**step, "figures": {**step["figures"], "this_period": int(value or 0)}}


def _hidden_parts(steps: list[dict[str, Any]], data: BriefingData, sup: Suppressor) -> dict[int, str]:
    """Return {step index: printed text} for the counts the why must hide (small or shielding)."""
    f = data.figures
    by_theme = f.get("concerns_by_theme") or {}
    figures = concern_figures(data, sup.k)
    theme_cells, unit_cells = figures.themes, figures.units
    plan = protection(data.concern_months, sup.k) if data.concern_months else None
    groups: dict[tuple[str, str], tuple[int, bool, list[int]]] = {}

    def add(group: tuple[str, str], total: int, total_hidden: bool, index: int) -> None:
        groups.setdefault(group, (total, total_hidden, []))[2].append(index)

    counts: dict[int, int] = {}
    for n, s in enumerate(steps):
        fig = s["figures"]
        if s["rule"] == "theme_rising":
            counts[n] = int(fig.get("this_period") or 0)
            theme, unit = fig.get("theme"), s["unit"]
            cell = theme_cells.get(theme)
            add(("theme", theme), int(by_theme.get(theme) or 0), bool(cell and cell.suppressed and not cell.small), n)
            cell = unit_cells.get(unit)
            add(
                ("unit", unit),
                int(data.concerns_by_unit.get(unit) or 0),
                bool(cell and cell.suppressed and not cell.small),
                n,
            )
        elif s["rule"] == "stalled_pairings":
            counts[n] = int(fig.get("stalled_pairings") or 0)
            add(("stalled", ""), int(f.get("stalled_pairings") or 0), False, n)
    hide = {n for n, v in counts.items() if sup.is_small(v)}
    stalled = people_figures(data, sup.k).get("stalled_pairings", {})
    for n, s in enumerate(steps):
        # A unit's count of a theme, or of stalled pairings, is an entry of a table every output of
        # the period shares: hidden here where it is hidden there.
        uid = data.unit_ids.get(s["unit"])
        if (
            plan is not None
            and s["rule"] == "theme_rising"
            and uid is not None
            and plan.cell("theme", [uid], str(s["figures"].get("theme"))).suppressed
        ):
            hide.add(n)
        if s["rule"] == "stalled_pairings" and s["unit"] in stalled and stalled[s["unit"]].suppressed:
            hide.add(n)
    for total, total_hidden, members in groups.values():
        if total_hidden:
            hide.update(m for m in members if counts[m])
    changed = True
    while changed:  # a part hidden for one total may uncover another: repeat until nothing changes
        changed = False
        for total, _hidden_total, members in groups.values():
            parts = {str(m): counts[m] for m in members}
            more = {int(k) for k in sup.parts_to_hide(parts, total, [str(m) for m in members if m in hide])} - hide
            if more:
                hide |= more
                changed = True
    return {n: (sup.wording if sup.is_small(counts[n]) else HIDDEN_SHARE) for n in hide}


def _why(n: int, s: dict[str, Any], sup: Suppressor, hidden: dict[int, str]) -> str:
    fig, unit, tool = s["figures"], s["unit"], s["tool"]
    rule = s["rule"]
    on = f" on {unit}" if unit else ""
    if rule == "theme_rising":
        theme = str(fig.get("theme") or "")
        now = hidden.get(n) or sup.count(fig.get("this_period")).text
        if now == HIDDEN_SHARE:
            return (
                f"{theme.capitalize()} concerns{on} rose this period to at least twice the previous {s['days']} "
                "days (the number is not shown, so that a small one elsewhere cannot be worked out)."
            )
        # The previous count is of the rule's own window (the same number of days just before), which
        # differs from the briefing's previous whole months by a day or two: printed, even as "none",
        # the two could be subtracted down to those days.
        return f"{theme.capitalize()} concerns{on}: {now} this period, up on the previous {s['days']} days."
    if rule == "low_coverage":
        share, staff = fig.get("training_coverage"), fig.get("staff_active")
        covered = None if share is None or staff is None else round(share * staff)
        cell = sup.share(covered, staff)
        what = f"{tool} training coverage{on}" if tool else f"Training coverage{on}"
        since = fig.get("live_since")
        live = f", live since {_month(since)}" if since else ""
        if cell.suppressed or cell.value is None:
            return f"{what} is below the target{live} (the exact share is not shown: small numbers)."
        return f"{what} is {cell.text}{live}; the target is {_target_share(s)}."
    if rule == "unanswered_concerns":
        count = sup.count(fig.get("unanswered"))
        noun = "concern" if fig.get("unanswered") == 1 and not count.suppressed else "concerns"
        return f"{count.text.capitalize() if count.suppressed else count.text} {noun}{on} open more than {fig.get('days')} days with no response recorded."
    if rule == "champion_ratio":
        ratio, staff = fig.get("staff_per_champion"), fig.get("staff_active")
        if not fig.get("champions_active"):
            return f"{unit} has no champion yet."
        if sup.is_small(staff):
            return f"{unit} has more staff per champion than the target (figures not shown: small numbers)."
        return f"{unit} has one champion for every {ratio:.0f} staff."
    if rule == "stalled_pairings":
        text = hidden.get(n) or sup.count(fig.get("stalled_pairings")).text
        noun = "pairing" if fig.get("stalled_pairings") == 1 and text not in (sup.wording, HIDDEN_SHARE) else "pairings"
        if text == HIDDEN_SHARE:
            return (
                f"Mentoring pairings{on} with no check-in in 30 days (the number is not shown, so that a small "
                "one elsewhere cannot be worked out)."
            )
        return f"{text.capitalize() if text == sup.wording else text} mentoring {noun}{on} had no check-in in 30 days."
    if rule == "readiness_barrier":
        element = str(fig.get("barrier_point") or "")
        score, people = fig.get("score"), fig.get("respondents")
        head = f"Readiness for {tool}{on} stalls at {element}"
        if score is None or people is None or sup.is_small(people):
            return f"{head} (score not shown: too few people answered), pulse of {_month(fig.get('taken_on'))}."
        return f"{head}: {score:.1f} of 5 in the pulse of {_month(fig.get('taken_on'))}."
    if rule == "refreshers_due":
        count = sup.count(fig.get("due"))
        noun = "sign-off" if fig.get("due") == 1 and not count.suppressed else "sign-offs"
        first = fig.get("first_due")
        when = f", the first in {_month(first)}" if first else ""
        return f"{count.text.capitalize() if count.suppressed else count.text} {tool} {noun}{on} due a refresher{when}."
    if rule == "story_gap":
        return f"No success story about {tool} from {unit} in the last {fig.get('days')} days, though it is live there."
    if rule == "ideas_waiting":
        count = sup.count(fig.get("waiting"))
        noun = "idea" if fig.get("waiting") == 1 and not count.suppressed else "ideas"
        return (
            f"{count.text.capitalize() if count.suppressed else count.text} staff {noun}{on} waiting more than "
            f"{fig.get('days')} days for a decision."
        )
    return "Suggested from this period's figures."


def _month(value: Any) -> str:
    """Return a month as people say it ("Sep 2026"): a day could single out one concern or one person."""
    if not value:
        return ""
    return f"{dt.date.fromisoformat(str(value)[:10]):%b %Y}"


def _target_share(s: dict[str, Any]) -> str:
    target = s["figures"].get("target")
    return f"{round(100 * target)}%" if target else "the unit's target"
