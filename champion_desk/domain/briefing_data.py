"""Everything the briefing and the poster print, gathered as plain data in one pass over the store.

Figures come from ``metrics``/``series``/``breakdowns`` (one definition each); this module adds
only the read queries those do not cover — responses per theme, the ADKAR barrier mix, concerns per
unit, champions, upcoming sessions, the roadmap — and applies the naming rules of ``privacy``: the
collected data holds no ``raised_by``, no concern description, no owner, and no staff name except
champions'. The report layer can therefore print anything it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from champion_desk.domain import breakdowns, listings, metrics, series
from champion_desk.domain.privacy import NameRedactor
from champion_desk.domain.scope import Scope
from champion_desk.domain.vocab import RESOLVED_STATUSES, Barrier, Theme, values
from champion_desk.errors import ChampionDeskError
from champion_desk.store.database import Database

THEMES = values(Theme)
BARRIERS = values(Barrier)
NOT_RECORDED = "not recorded"
# How many upcoming sessions the briefing and poster list (a noticeboard has room for a few).
UPCOMING_LIMIT = 8
# Responses printed per theme: enough to show what was done without turning into a case list.
RESPONSES_PER_THEME = 4
# Stories printed: a trust's year holds thousands; the briefing shows the best-evidenced few.
STORIES_SHOWN = 6

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
    training: list[dict[str, Any]] = field(default_factory=list)
    concerns: list[dict[str, Any]] = field(default_factory=list)
    concern_themes: list[dict[str, Any]] = field(default_factory=list)
    mentoring: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    concerns_by_unit: dict[str, int] = field(default_factory=dict)
    barriers: dict[str, int] = field(default_factory=dict)
    responses: dict[str, list[str]] = field(default_factory=dict)
    readiness: list[dict[str, Any]] = field(default_factory=list)
    stories: list[dict[str, Any]] = field(default_factory=list)
    stories_total: int = 0
    roadmap: list[dict[str, Any]] = field(default_factory=list)
    champions: list[dict[str, Any]] = field(default_factory=list)
    upcoming: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Return True when nothing at all was logged in the period (the document says so plainly)."""
        f = self.figures
        return not any(f.get(k) for k in ("sessions", "concerns_raised", "checkins", "stories", "pairings_active")) \
            and not self.readiness


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


def collect(db: Database, scope: Scope, made_by: str = "", today: dt.date | None = None,
            progress: Progress | None = None, full: bool = True) -> BriefingData:
    """Return the BriefingData of a scope (raises ValidationError for an unknown unit or tool name).

    ``full=False`` collects only what the poster prints (figures, responses, upcoming sessions,
    champions): no previous period, series, unit tables, readiness, stories or roadmap.

    ``progress(done, 100)`` is called between steps (see ``report_progress``); cancelling raises
    BriefingCancelled.
    """
    def step(percent: int, text: str) -> None:
        report_progress(progress, percent)

    db = ReadCache(db)  # type: ignore[assignment]  # stats and breakdowns repeat some queries
    today = today or dt.date.today()
    bucket = bucket_for(scope)
    step(5, "Key figures")
    # Theme counts per week are mostly small (hidden); months keep more of them printable.
    theme_bucket = "month" if scope.days > 45 else "week"
    data = BriefingData(scope=scope, made_on=today, made_by=made_by, bucket=bucket, theme_bucket=theme_bucket,
                        figures=metrics.stats(db, scope), previous={})
    if full:
        step(15, "Trends")
        data.previous = metrics.stats(db, scope.previous())
        data.training = series.series(db, "training", scope, bucket)
        data.concerns = series.series(db, "concerns", scope, bucket)
        data.mentoring = series.series(db, "mentoring", scope, bucket)
        data.concern_themes = data.concerns if theme_bucket == bucket else series.series(db, "concerns", scope, theme_bucket)
        step(30, "Units and readiness")
        data.units = breakdowns.unit_breakdown(db, scope)
        data.readiness = breakdowns.readiness(db, scope)
    step(40, "Concerns and responses")
    f = metrics.resolve(db, scope)
    data.concerns_by_unit = concerns_by_unit(db, f)
    data.barriers = barrier_mix(db, f)
    redact = redactor(db)
    data.responses = responses_by_theme(db, f, redact)
    step(50, "Stories, roadmap and champions")
    stories = listings.stories(db, scope) if full else []
    data.stories_total = len(stories)
    data.stories = [
        {k: (redact(r[k]) if k in ("title", "summary", "measure", "value") else r[k])
         for k in ("told_on", "title", "summary", "measure", "value", "tool", "unit")}
        for r in pick_stories(stories)
    ]
    data.roadmap = roadmap(db, f) if full else []
    for tool in data.roadmap:
        tool["purpose"] = redact(tool["purpose"])  # free text like any other: no colleague named
    data.champions = champions(db, f)
    data.upcoming = upcoming_sessions(db, f, today, redact)
    step(60, "Laying out pages")
    return data


def pick_stories(stories: list[dict[str, Any]], limit: int = STORIES_SHOWN) -> list[dict[str, Any]]:
    """Return up to ``limit`` stories, newest first, those with a measured value (evidence) before others."""
    ranked = sorted(stories, key=lambda st: (bool(st.get("value")), st.get("told_on") or ""), reverse=True)
    return ranked[:limit]


def redactor(db: Database) -> NameRedactor:
    """Return a NameRedactor that hides every non-champion's name and keeps champions' names."""
    people = db.query("SELECT display_name, is_champion FROM staff WHERE deleted_at IS NULL")
    champions_ = [p["display_name"] for p in people if p["is_champion"]]
    others = [p["display_name"] for p in people if not p["is_champion"]]
    # Words of unit and tool names ("Ward", "Scribe") are place and product words, not names.
    places = db.query("SELECT name FROM unit WHERE deleted_at IS NULL UNION SELECT name FROM tool WHERE deleted_at IS NULL")
    words = {w for r in places for w in r["name"].split()}
    return NameRedactor(others, champions_, not_names=words)


def concerns_by_unit(db: Database, f: metrics.Filter) -> dict[str, int]:
    """Return concerns raised in the period per unit name (units in scope with none count 0), by name."""
    units = db.query(f"SELECT id, name FROM unit u WHERE u.deleted_at IS NULL{f.units('u.id')} ORDER BY name COLLATE NOCASE", f.params())
    counts = {r["unit_id"]: r["n"] for r in db.query(
        f"""SELECT i.unit_id, count(*) AS n FROM incident i
             WHERE i.deleted_at IS NULL AND i.occurred_on BETWEEN :d_from AND :d_to{f.unit_and_tool('i')}
             GROUP BY i.unit_id""", f.params())}
    return {u["name"]: int(counts.get(u["id"], 0)) for u in units}


def barrier_mix(db: Database, f: metrics.Filter) -> dict[str, int]:
    """Return concerns raised in the period per ADKAR barrier, in ADKAR order, then "not recorded"."""
    out = dict.fromkeys((*BARRIERS, NOT_RECORDED), 0)
    for r in db.query(
        f"""SELECT i.barrier, count(*) AS n FROM incident i
             WHERE i.deleted_at IS NULL AND i.occurred_on BETWEEN :d_from AND :d_to{f.unit_and_tool('i')}
             GROUP BY i.barrier""", f.params()):
        key = r["barrier"] if r["barrier"] in out else NOT_RECORDED
        out[key] += r["n"]
    return out


def responses_by_theme(db: Database, f: metrics.Filter, redact: NameRedactor,
                       limit: int = RESPONSES_PER_THEME) -> dict[str, list[str]]:
    """Return, per theme, up to ``limit`` distinct responses recorded on addressed/closed concerns (newest first).

    A concern counts when it was raised or resolved in the period. Only the response text is read,
    never the description, who raised it or the owner, and other staff names in it are redacted.
    """
    statuses = ", ".join(f"'{s.value}'" for s in RESOLVED_STATUSES)
    rows = db.query(
        f"""SELECT i.theme, i.response FROM incident i
             WHERE i.deleted_at IS NULL AND i.status IN ({statuses}){f.unit_and_tool('i')}
               AND (i.occurred_on BETWEEN :d_from AND :d_to OR i.resolved_on BETWEEN :d_from AND :d_to)
               AND trim(coalesce(i.response, '')) <> ''
             ORDER BY coalesce(i.resolved_on, i.occurred_on) DESC, i.id""", f.params())
    out: dict[str, list[str]] = {}
    done: set[tuple[str, str]] = set()
    for r in rows:
        theme = r["theme"] if r["theme"] in THEMES else Theme.OTHER.value
        seen = out.setdefault(theme, [])
        raw = " ".join(r["response"].split())
        # A year of a trust holds tens of thousands of responses, mostly repeats of a few actions:
        # each distinct text is redacted once, and a theme stops at what the briefing prints.
        if len(seen) >= limit or (theme, raw.casefold()) in done:
            continue
        done.add((theme, raw.casefold()))
        text = redact(raw)
        # Identical responses (one action answering many concerns) print once.
        if text and text.casefold() not in (s.casefold() for s in seen):
            seen.append(text)
    return {theme: texts for theme, texts in out.items() if texts}


def roadmap(db: Database, f: metrics.Filter) -> list[dict[str, Any]]:
    """Return the tools in scope with stage, purpose, go-live date and current stage per unit in scope."""
    tools = db.query(
        f"""SELECT t.id, t.name, t.stage, t.purpose, t.go_live_on, t.vendor FROM tool t
             WHERE t.deleted_at IS NULL{f.tools('t.id')} ORDER BY t.name COLLATE NOCASE""", f.params())
    latest = db.query(
        f"""SELECT tool_id, unit, stage, since FROM (
                SELECT r.tool_id, u.name AS unit, r.stage, r.since,
                       row_number() OVER (PARTITION BY r.tool_id, r.unit_id ORDER BY r.since DESC, r.created_at DESC) AS n
                  FROM rollout r JOIN unit u ON u.id = r.unit_id
                 WHERE r.deleted_at IS NULL AND u.deleted_at IS NULL AND r.since <= :d_to{f.units('r.unit_id')}{f.tools('r.tool_id')})
             WHERE n = 1 ORDER BY unit COLLATE NOCASE""", f.params())
    by_tool: dict[str, list[dict[str, Any]]] = {}
    for r in latest:
        by_tool.setdefault(r["tool_id"], []).append({"unit": r["unit"], "stage": r["stage"], "since": r["since"]})
    return [
        {"tool": t["name"], "stage": t["stage"], "purpose": t["purpose"] or "", "go_live_on": t["go_live_on"],
         "vendor": t["vendor"] or "", "units": by_tool.get(t["id"], [])}
        for t in tools
    ]


def champions(db: Database, f: metrics.Filter) -> list[dict[str, Any]]:
    """Return the live, active champions of the units in scope: name, unit, role and their tools.

    A champion's tools are those in scope they have trained or mentored for; a champion with none
    yet is still listed (they are the unit's contact).
    """
    people = db.query(
        f"""SELECT s.id, s.display_name AS name, s.role, u.name AS unit FROM staff s LEFT JOIN unit u ON u.id = s.unit_id
             WHERE s.deleted_at IS NULL AND s.active = 1 AND s.is_champion = 1{f.units('s.unit_id')}
             ORDER BY u.name COLLATE NOCASE, s.display_name COLLATE NOCASE""", f.params())
    tools: dict[str, set[str]] = {}
    for r in db.query(
        f"""SELECT ts.trainer_id AS who, t.name AS tool FROM training_session ts JOIN tool t ON t.id = ts.tool_id
             WHERE ts.deleted_at IS NULL AND t.deleted_at IS NULL{f.tools('ts.tool_id')}
            UNION
            SELECT p.mentor_id AS who, t.name AS tool FROM pairing p JOIN tool t ON t.id = p.tool_id
             WHERE p.deleted_at IS NULL AND t.deleted_at IS NULL{f.tools('p.tool_id')}""", f.params()):
        tools.setdefault(r["who"], set()).add(r["tool"])
    return [
        {"name": p["name"], "unit": p["unit"] or "", "role": p["role"] or "", "tools": sorted(tools.get(p["id"], ()), key=str.casefold)}
        for p in people
    ]


def upcoming_sessions(db: Database, f: metrics.Filter, today: dt.date, redact: NameRedactor | None = None,
                      limit: int = UPCOMING_LIMIT) -> list[dict[str, Any]]:
    """Return the next planned sessions (held_on after today) in scope, soonest first.

    The trainer is named only when a champion (the privacy rule); otherwise ``trainer`` is "".
    """
    rows = db.query(
        f"""SELECT ts.held_on, ts.minutes, ts.format, ts.topic, t.name AS tool, u.name AS unit,
                   CASE WHEN tr.is_champion = 1 AND tr.deleted_at IS NULL THEN tr.display_name ELSE '' END AS trainer
              FROM training_session ts JOIN tool t ON t.id = ts.tool_id JOIN unit u ON u.id = ts.unit_id
              JOIN staff tr ON tr.id = ts.trainer_id
             WHERE ts.deleted_at IS NULL AND ts.held_on > :today{f.unit_and_tool('ts')}
             ORDER BY ts.held_on, u.name LIMIT :limit""",
        f.params() | {"today": today.isoformat(), "limit": limit})
    redact = redact or redactor(db)
    for r in rows:
        r["topic"] = redact(r["topic"])
    return rows
