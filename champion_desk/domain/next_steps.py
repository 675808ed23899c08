"""Next steps: documented rules that turn signals in a scope into suggestions, each with its why.

Champions know what works against pushback — transparency about the roadmap, hands-on training,
success stories with evidence, open dialogue with a visible response, mentoring by a trusted peer,
a gradual rollout — but not which one a unit needs this week. Each rule below reads figures from
``metrics``/``breakdowns`` (never a second definition of a figure) and, when its threshold is
crossed, suggests the strategy that answers the signal and one concrete action.

Thresholds live in ``THRESHOLDS`` with defaults; a user's changes are stored in the ``setting``
table (so every ward PC that merges the file agrees). A suggestion can be agreed, dismissed or
snoozed; the response is a record in ``suggestion_response`` (audited, merged like any record).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from champion_desk.domain import breakdowns, metrics
from champion_desk.domain.dates import format_uk_date
from champion_desk.domain.scope import Scope
from champion_desk.domain.vocab import RESOLVED_STATUSES, WAITING_IDEA_STATUSES, Barrier, Theme
from champion_desk.errors import ValidationError
from champion_desk.store import records
from champion_desk.store.connection import Database

HIGH, MEDIUM, LOW = 3, 2, 1
SEVERITY_NAMES = {HIGH: "high", MEDIUM: "medium", LOW: "low"}
SETTING_PREFIX = "next_steps."


@dataclass(frozen=True)
class Threshold:
    """One tunable threshold: its default, the range a user may set, and what it means."""

    default: float
    low: float
    high: float
    meaning: str


THRESHOLDS: dict[str, Threshold] = {
    "theme_rise_ratio": Threshold(
        2.0,
        1.1,
        10.0,
        "a theme is rising when this period's count is at least this many times the previous period's (a previous count of 0 counts as 1)",
    ),
    "theme_rise_min": Threshold(
        3, 1, 100, "…and this period has at least this many concerns of that theme on the unit"
    ),
    "coverage_target": Threshold(
        0.6, 0.05, 1.0, "training coverage a unit should reach once a tool is live (a share, 0.6 = 60%)"
    ),
    "coverage_weeks_after_go_live": Threshold(
        8, 1, 104, "weeks after a tool went live on a unit before low coverage is flagged"
    ),
    "unanswered_days": Threshold(14, 1, 365, "days a concern may stay open without a recorded response"),
    "staff_per_champion_max": Threshold(20, 5, 100, "the most staff one champion should cover (target 1:10 to 1:20)"),
    "stalled_min": Threshold(1, 1, 100, "stalled pairings on a unit before a check-in reminder"),
    "refresher_within_days": Threshold(30, 0, 365, "days ahead to look for sign-offs due a refresher"),
    "story_gap_days": Threshold(90, 14, 730, "days a live unit may go without a success story"),
    "unsigned_use_min": Threshold(
        3,
        1,
        100,
        "colleagues on a unit using a tool without a competency sign-off before a sign-off session is suggested",
    ),
    "trained_not_using_min": Threshold(
        3,
        1,
        100,
        "colleagues on a unit trained on a live tool but not using it in the last 28 days before a refresher or mentor is suggested",
    ),
    "adoption_drop": Threshold(
        0.15,
        0.05,
        1.0,
        "a fall in a unit's adoption rate over the last 28 days (a share, 0.15 = 15 points) that calls for a listening session",
    ),
    "idea_wait_days": Threshold(
        30, 1, 365, "days a staff idea may wait for a decision (new or under consideration) without a status change"
    ),
}

# What each rising theme calls for: (strategy, action template, where the action button goes).
THEME_RESPONSES: dict[str, tuple[str, str, str]] = {
    Theme.JOB_SECURITY: (
        "Transparency about the roadmap and what success means for roles",
        "Share the {tool} roadmap with {unit} and what it means for each role; hold an open Q&A.",
        "concerns",
    ),
    Theme.HUMAN_CONNECTION: (
        "Evidence that the tool gives time back to patients",
        "Share a success story where {tool} gave time back to patients; involve {unit} staff in shaping how it is used.",
        "story",
    ),
    Theme.ACCURACY_AND_TRUST: (
        "Hands-on demystification and shared evidence",
        "Run a hands-on session on {unit} showing how {tool}'s output is checked, and share the accuracy evidence.",
        "training_session",
    ),
    Theme.WORKLOAD_AND_TIME: (
        "A gradual rollout with peer support",
        "Slow the {tool} rollout on {unit} and pair hesitant colleagues with mentors.",
        "pairing",
    ),
    Theme.PRIVACY_AND_DATA: (
        "Open dialogue about data",
        "Explain on {unit} what data {tool} uses and keeps, with the information governance lead; answer questions openly.",
        "concerns",
    ),
    Theme.USABILITY_AND_TECHNICAL: (
        "Fix the friction and show it was heard",
        "Collect the specific usability problems with {tool} on {unit}, take them to the vendor and report back what will change.",
        "concerns",
    ),
    Theme.ETHICS_AND_LIABILITY: (
        "Clarity about accountability",
        "Hold a session on {unit} with clinical leads on who is accountable for decisions made with {tool}.",
        "training_session",
    ),
    Theme.TRAINING_GAP: ("Hands-on training", "Schedule hands-on {tool} sessions on {unit}.", "training_session"),
    Theme.OTHER: (
        "Open dialogue with a visible response",
        "Hold a listening huddle on {unit}, record what is raised and report back what was done.",
        "concerns",
    ),
}

# The ADKAR tactic for a readiness barrier point (the first element scored below 3).
ADKAR_TACTICS: dict[str, tuple[str, str, str]] = {
    Barrier.AWARENESS: (
        "Awareness: explain why the change is happening",
        "Brief {unit} at a huddle on why {tool} is coming, what problem it solves and the roadmap.",
        "training_session",
    ),
    Barrier.DESIRE: (
        "Desire: show what is in it for staff",
        "Share success stories from live units and ask champions to talk concerns through one-to-one on {unit}.",
        "story",
    ),
    Barrier.KNOWLEDGE: ("Knowledge: train", "Schedule hands-on {tool} training on {unit}.", "training_session"),
    Barrier.ABILITY: (
        "Ability: supervised practice and coaching",
        "Offer supervised practice with {tool} on {unit} and pair colleagues with mentors.",
        "pairing",
    ),
    Barrier.REINFORCEMENT: (
        "Reinforcement: recognise and refresh",
        "Recognise progress on {unit}, share the results and book {tool} refreshers.",
        "training_session",
    ),
}


@dataclass
class Suggestion:
    """One suggested action, with the signal and figures that explain it."""

    key: str  # stable identity of the signal, used to record a response
    rule: str
    unit: str | None
    tool: str | None
    signal: str
    figures: dict[str, Any]
    strategy: str
    action: str
    severity: int
    target: dict[str, Any] = field(
        default_factory=dict
    )  # {"dialog": table, "prefill": {...}} or {"page": name, "filters": {...}}
    weight: float = 0.0  # how strong the signal is, to order suggestions of the same severity
    response: dict[str, Any] | None = None  # the latest agreed/snoozed/dismissed response, if any

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES[self.severity]

    def as_dict(self) -> dict[str, Any]:
        """Return plain data (for JSON and the UI)."""
        out = asdict(self)
        out["severity"] = self.severity_name
        return out


# --- thresholds -----------------------------------------------------------------------------------


def thresholds(db: Database) -> dict[str, float]:
    """Return every threshold: the default, or the value a user stored in the ``setting`` table."""
    values = {name: t.default for name, t in THRESHOLDS.items()}
    rows = db.query("SELECT key, value FROM setting WHERE deleted_at IS NULL AND key LIKE ?", (SETTING_PREFIX + "%",))
    for row in rows:
        name = row["key"][len(SETTING_PREFIX) :]
        if name in THRESHOLDS:
            try:
                values[name] = float(json.loads(row["value"]))
            except (TypeError, ValueError):
                continue  # a damaged value falls back to the default
    return values


def set_threshold(db: Database, name: str, value: float, actor: str) -> None:
    """Store a user's threshold. Raises ValidationError naming the threshold and its range."""
    if name not in THRESHOLDS:
        raise ValidationError(name, "must be a known threshold", f"There is no threshold called {name!r}.")
    t = THRESHOLDS[name]
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(name, "must be a number", f"{name}: {value!r} is not a number.") from None
    if not t.low <= number <= t.high:
        raise ValidationError(
            name,
            f"between {t.low:g} and {t.high:g}",
            f"{name} must be between {t.low:g} and {t.high:g} (got {number:g}).",
        )
    records.put_setting(db, SETTING_PREFIX + name, json.dumps(number), actor)


# --- responses (agree, dismiss, snooze) ----------------------------------------------------------

DECISIONS = ("agreed", "dismissed", "snoozed")


def respond(
    db: Database,
    suggestion_key: str,
    decision: str,
    actor: str,
    reason: str | None = None,
    until: dt.date | None = None,
    decided_by: str | None = None,
    today: dt.date | None = None,
) -> str:
    """Record a response to a suggestion; return its id.

    ``snoozed`` needs ``until`` (a date after today); ``dismissed`` needs a reason, so the log says
    why advice was set aside. Raises ValidationError naming the field.
    """
    today = today or dt.date.today()
    if decision not in DECISIONS:
        raise ValidationError("decision", f"must be one of: {', '.join(DECISIONS)}")
    reason = (reason or "").strip() or None
    if decision == "dismissed" and not reason:
        raise ValidationError("reason", "is required to dismiss", "Say briefly why this suggestion does not apply.")
    if decision == "snoozed":
        if until is None:
            raise ValidationError("until", "is required to snooze", "Choose until when to snooze this suggestion.")
        if until <= today:
            raise ValidationError("until", "must be after today", "Snooze until a date after today.")
    if reason and len(reason) > 500:
        raise ValidationError("reason", "at most 500 characters")
    values = {
        "suggestion_key": suggestion_key,
        "decision": decision,
        "until": until.isoformat() if until else None,
        "reason": reason,
        "decided_by": decided_by,
    }
    return records.insert(db, "suggestion_response", {k: v for k, v in values.items() if v is not None}, actor)


def withdraw(db: Database, response_id: str, actor: str) -> None:
    """Withdraw a response (a tombstone), so the suggestion shows again."""
    records.delete(db, "suggestion_response", response_id, actor)


def latest_responses(db: Database) -> dict[str, dict[str, Any]]:
    """Return the latest live response per suggestion key."""
    rows = db.query("SELECT * FROM suggestion_response WHERE deleted_at IS NULL ORDER BY created_at, id")
    return {r["suggestion_key"]: r for r in rows}


def is_hidden(response: dict[str, Any] | None, today: dt.date) -> bool:
    """Return True when a response hides its suggestion on ``today``: dismissed, or snoozed until a later day."""
    if response is None or response["decision"] == "agreed":
        return False
    if response["decision"] == "snoozed":
        return dt.date.fromisoformat(response["until"]) > today
    return True


# --- the rules ------------------------------------------------------------------------------------


@dataclass
class RuleContext:
    """What every rule reads: the logbook, the scope and its filter, the thresholds, the units and tools in scope."""

    db: Database
    scope: Scope
    f: metrics.Filter
    t: dict[str, float]
    units: dict[str, str]  # unit id -> name, units in scope
    tools: dict[str, str]  # tool id -> name, tools in scope
    cache: dict[Any, Any] = field(default_factory=dict)  # what several rules read, read once


def _fmt_share(x: float | None) -> str:
    return "none" if x is None else f"{round(x * 100)}%"


def _unit_filter(c: RuleContext, unit_id: str) -> metrics.Filter:
    return metrics.Filter(c.scope, (unit_id,), c.f.tool_ids)


THEMES_PER_UNIT = 2  # a change lead tackles one or two themes at a time; the rest are listed


def rule_theme_rising(c: RuleContext) -> list[Suggestion]:
    """A concern theme rising on a unit: this period ≥ theme_rise_ratio × the previous period of the
    same length (0 counts as 1) and ≥ theme_rise_min → the strategy that answers that theme.

    At most the two strongest rises per unit (by this period's count) become suggestions; the
    others are named in their figures. High severity when the count is at least twice the
    minimum and three times the previous period's; otherwise medium.
    """
    prev = c.scope.previous()
    periods = [(prev.date_from, prev.date_to), (c.scope.date_from, c.scope.date_to)]
    out = []
    for unit_id, unit in c.units.items():
        before, now = metrics.concern_figures(c.db, _unit_filter(c, unit_id), periods)
        rising = sorted(
            (
                (count, theme, before["concerns_by_theme"][theme])
                for theme, count in now["concerns_by_theme"].items()
                if count >= c.t["theme_rise_min"]
                and count >= c.t["theme_rise_ratio"] * max(before["concerns_by_theme"][theme], 1)
            ),
            reverse=True,
        )
        for count, theme, previous in rising[:THEMES_PER_UNIT]:
            strategy, action, target = THEME_RESPONSES[Theme(theme)]
            tool_id, tool = _main_tool(c, unit_id, theme)
            also = [t for _, t, _ in rising if t != theme]
            out.append(
                Suggestion(
                    key=f"theme_rising:{unit_id}:{theme}:{c.scope.date_to:%Y-%m}",
                    rule="theme_rising",
                    unit=unit,
                    tool=tool,
                    signal=f"{theme.capitalize()} concerns on {unit}: {count} this period vs {previous} in the previous {c.scope.days} days",
                    figures={"theme": theme, "this_period": count, "previous_period": previous, "also_rising": also},
                    strategy=strategy,
                    action=action.format(unit=unit, tool=tool or "the tool"),
                    severity=HIGH if count >= 2 * c.t["theme_rise_min"] and count >= 3 * max(previous, 1) else MEDIUM,
                    target=_target(c, target, unit_id, tool_id, {"theme": theme, "unit": unit}),
                    weight=count - previous,
                )
            )
    return out


def _main_tool(c: RuleContext, unit_id: str, theme: str) -> tuple[str | None, str | None]:
    """Return the in-scope tool most of a unit's concerns of this theme were about this period."""
    row = c.db.one(
        f"""SELECT i.tool_id, count(*) AS n FROM incident i
             WHERE i.deleted_at IS NULL AND i.unit_id = :unit AND i.theme = :theme
               AND i.occurred_on BETWEEN :d_from AND :d_to{c.f.tools("i.tool_id")}
             GROUP BY i.tool_id ORDER BY n DESC, i.tool_id LIMIT 1""",
        {**c.f.params(), "unit": unit_id, "theme": theme},
    )
    if row is None or row["tool_id"] not in c.tools:
        return None, None
    return row["tool_id"], c.tools[row["tool_id"]]


def rule_low_coverage(c: RuleContext) -> list[Suggestion]:
    """Training coverage on a unit below coverage_target at least coverage_weeks_after_go_live weeks
    after a tool went live there (its latest rollout stage on the unit is live) → hands-on sessions."""
    cutoff = c.scope.date_to - dt.timedelta(weeks=int(c.t["coverage_weeks_after_go_live"]))
    live = {key: since for key, since in _live_rollouts(c).items() if since <= cutoff.isoformat()}
    if not live:
        return []
    coverage = coverage_by_unit_and_tool(c.db, c.f, c.scope.date_to)
    out = []
    for (unit_id, tool_id), since in sorted(live.items()):
        staff, covered = coverage.get((unit_id, tool_id), (0, 0))
        share = metrics.share(covered, staff)
        if share is None or share >= c.t["coverage_target"]:
            continue
        unit, tool = c.units[unit_id], c.tools[tool_id]
        out.append(
            Suggestion(
                key=f"low_coverage:{unit_id}:{tool_id}",
                rule="low_coverage",
                unit=unit,
                tool=tool,
                signal=f"{tool} training coverage on {unit} is {_fmt_share(share)}, "
                f"{(c.scope.date_to - dt.date.fromisoformat(since)).days // 7} weeks after go-live "
                f"(target {_fmt_share(c.t['coverage_target'])})",
                figures={"training_coverage": share, "live_since": since, "staff_active": staff},
                strategy="Hands-on training that demystifies the tool",
                action=f"Book hands-on {tool} sessions and one-to-ones on {unit} for colleagues not yet trained.",
                severity=HIGH if share < c.t["coverage_target"] / 2 else MEDIUM,
                target=_target(c, "training_session", unit_id, tool_id, {}),
                weight=(c.t["coverage_target"] - share) * 100,
            )
        )
    return out


def coverage_by_unit_and_tool(db: Database, f: metrics.Filter, at: dt.date) -> dict[tuple[str, str], tuple[int, int]]:
    """Return {(unit_id, tool_id): (staff_active, covered)}: ``training_coverage`` as ``metrics``
    defines it with that one unit and that one tool in scope, for every pair in one pass.

    Built from the same clauses as ``metrics.staff_by_unit`` (a test checks they agree), because
    calling it once per tool costs seconds at trust scale.
    """
    staff = {r["unit_id"]: int(r["staff_active"]) for r in metrics.staff_by_unit(db, f, at)}
    rows = db.query(
        f"""SELECT s.unit_id AS unit_id, ts.tool_id AS tool_id, count(DISTINCT s.id) AS covered
              FROM staff s JOIN attendance a ON a.staff_id = s.id JOIN training_session ts ON ts.id = a.session_id
             WHERE {metrics.live_staff_sql(f)} AND {metrics.qualifying_attendance_sql(f, False)}
               AND ts.held_on <= :at
             GROUP BY s.unit_id, ts.tool_id""",
        f.params() | {"at": at.isoformat()},
    )
    covered = {(r["unit_id"], r["tool_id"]): r["covered"] for r in rows}
    tool_ids = f.tool_ids or _all_tool_ids(db)
    return {(unit, tool): (n, covered.get((unit, tool), 0)) for unit, n in staff.items() for tool in tool_ids}


def _all_tool_ids(db: Database) -> tuple[str, ...]:
    return tuple(r["id"] for r in db.query("SELECT id FROM tool WHERE deleted_at IS NULL"))


def rule_unanswered_concerns(c: RuleContext) -> list[Suggestion]:
    """Concerns in scope still open (not addressed or closed) more than unanswered_days after they
    were raised, with no response recorded → respond and close the loop."""
    days = int(c.t["unanswered_days"])
    params = {**c.f.params(), "cutoff": (c.scope.date_to - dt.timedelta(days=days)).isoformat()}
    marks = ", ".join(f"'{s.value}'" for s in RESOLVED_STATUSES)
    rows = c.db.query(
        f"""SELECT i.unit_id, count(*) AS n, min(i.occurred_on) AS oldest FROM incident i
             WHERE i.deleted_at IS NULL AND i.status NOT IN ({marks}) AND i.occurred_on < :cutoff
               AND trim(coalesce(i.response, ''), {metrics.BLANK_CHARS}) = ''{c.f.unit_and_tool("i")}
             GROUP BY i.unit_id""",
        params,
    )
    out = []
    for row in rows:
        unit = c.units.get(row["unit_id"])
        if unit is None:
            continue
        n = row["n"]
        out.append(
            Suggestion(
                key=f"unanswered:{row['unit_id']}",
                rule="unanswered_concerns",
                unit=unit,
                tool=_only_tool(c),
                signal=f"{n} concern{'s' if n != 1 else ''} on {unit} open more than {days} days with no response (oldest raised {format_uk_date(row['oldest'])})",
                figures={"unanswered": n, "oldest": row["oldest"], "days": days},
                strategy='Open dialogue with a visible response ("you said, we did")',
                action=f"Record a response to each open concern on {unit} and tell the colleagues who raised them; close the ones dealt with.",
                severity=HIGH if n >= 5 else MEDIUM,
                weight=n,
                target={
                    "page": "concerns",
                    "filters": {**_dates(c), "unit": unit, "units": [unit], "status": "unresolved"},
                },
            )
        )
    return out


def rule_champion_ratio(c: RuleContext) -> list[Suggestion]:
    """A unit with more than staff_per_champion_max staff per champion (or none) → recruit another champion."""
    out = []
    for row in breakdowns.unit_breakdown(c.db, c.scope, with_refreshers=False):
        ratio, staff = row["staff_per_champion"], row["staff_active"]
        if staff == 0 or (ratio is not None and ratio <= c.t["staff_per_champion_max"]):
            continue
        unit_id = _unit_id(c, row["unit"])
        needed = max(1, -(-staff // int(c.t["staff_per_champion_max"])) - row["champions_active"])
        out.append(
            Suggestion(
                key=f"champion_ratio:{unit_id}",
                rule="champion_ratio",
                unit=row["unit"],
                tool=None,
                signal=(
                    f"{row['unit']} has {staff} staff and {row['champions_active']} champion"
                    f"{'s' if row['champions_active'] != 1 else ''}" + (f" (1:{ratio:g})" if ratio else " (none)")
                ),
                figures={
                    "staff_active": staff,
                    "champions_active": row["champions_active"],
                    "staff_per_champion": ratio,
                },
                strategy="Mentoring by trusted peers needs enough champions (target 1:10 to 1:20)",
                action=f"Recruit {needed} more champion{'s' if needed != 1 else ''} on {row['unit']}.",
                severity=HIGH if ratio is None or ratio > 2 * c.t["staff_per_champion_max"] else MEDIUM,
                weight=ratio if ratio is not None else staff,
                target={"page": "people", "filters": {**_dates(c), "unit": row["unit"], "units": [row["unit"]]}},
            )
        )
    return out


def rule_stalled_pairings(c: RuleContext) -> list[Suggestion]:
    """At least stalled_min stalled pairings on a unit (metrics.stalled_pairings: active, started over
    30 days ago, no check-in in the last 30 days) → check in with these pairs."""
    out = []
    period = [(c.scope.date_from, c.scope.date_to)]
    for unit_id, unit in c.units.items():
        n = metrics.mentoring_figures(c.db, _unit_filter(c, unit_id), period)[0]["stalled_pairings"]
        if n < c.t["stalled_min"]:
            continue
        out.append(
            Suggestion(
                key=f"stalled:{unit_id}:{c.scope.date_to:%Y-%m}",
                rule="stalled_pairings",
                unit=unit,
                tool=_only_tool(c),
                signal=f"{n} mentoring pairing{'s' if n != 1 else ''} on {unit} with no check-in in 30 days",
                figures={"stalled_pairings": n},
                strategy="Mentoring by a trusted peer only works when the pairs meet",
                action=f"Check in with the stalled pairs on {unit} this week and agree the next meeting.",
                severity=MEDIUM if n >= 3 else LOW,
                weight=n,
                target={"page": "mentoring", "filters": {**_dates(c), "unit": unit, "units": [unit], "stalled": True}},
            )
        )
    return out


def rule_readiness_barrier(c: RuleContext) -> list[Suggestion]:
    """The latest readiness pulse of a unit and tool has a barrier point (the first ADKAR element
    scored below 3) → the ADKAR tactic for that element."""
    out = []
    for row in breakdowns.readiness(c.db, c.scope):
        element = row["barrier_point"]
        if element is None:
            continue
        unit_id, tool_id = _unit_id(c, row["unit"]), _tool_id(c, row["tool"])
        strategy, action, target = ADKAR_TACTICS[Barrier(element)]
        out.append(
            Suggestion(
                key=f"barrier:{unit_id}:{tool_id}:{row['taken_on']}",
                rule="readiness_barrier",
                unit=row["unit"],
                tool=row["tool"],
                signal=f"Readiness for {row['tool']} on {row['unit']} stalls at {element} ({row[element]:.1f} of 5, pulse of {format_uk_date(row['taken_on'])})",
                figures={"barrier_point": element, "score": row[element], "taken_on": row["taken_on"]},
                strategy=strategy,
                action=action.format(unit=row["unit"], tool=row["tool"]),
                severity=HIGH if row[element] < 2 else MEDIUM,
                weight=(3 - row[element]) * 10,
                target=_target(c, target, unit_id, tool_id, {"unit": row["unit"]}),
            )
        )
    return out


def rule_refreshers_due(c: RuleContext) -> list[Suggestion]:
    """Signed-off colleagues due a refresher within refresher_within_days (breakdowns.refreshers_due)
    → book refreshers, one suggestion per unit and tool."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in breakdowns.refreshers_due(c.db, c.scope, within_days=int(c.t["refresher_within_days"])):
        groups.setdefault((row["unit"], row["tool"]), []).append(row)
    out = []
    for (unit, tool), rows in sorted(groups.items()):
        unit_id, tool_id = _unit_id(c, unit), _tool_id(c, tool)
        n = len(rows)
        first_due = min(r["due_on"] for r in rows)
        out.append(
            Suggestion(
                key=f"refreshers:{unit_id}:{tool_id}:{c.scope.date_to:%Y-%m}",
                rule="refreshers_due",
                unit=unit,
                tool=tool,
                signal=f"{n} {tool} sign-off{'s' if n != 1 else ''} on {unit} due a refresher (first due {format_uk_date(first_due)})",
                figures={"due": n, "first_due": first_due},
                strategy="Reinforcement keeps competence current",
                action=f"Book a {tool} refresher session on {unit} for the colleagues due.",
                severity=MEDIUM if first_due <= c.scope.date_to.isoformat() else LOW,
                weight=n,
                target=_target(c, "training_session", unit_id, tool_id, {}),
            )
        )
    return out


def rule_missed_twice(c: RuleContext) -> list[Suggestion]:
    """Colleagues who missed their last two invitations to a tool's sessions, with no session of it
    attended since (due.missed_two_in_a_row, as of the scope's end) → ask them what time would work,
    one suggestion per unit and tool; how many, never who."""
    from champion_desk.domain.due import missed_two_in_a_row

    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in missed_two_in_a_row(c.db, c.scope.date_to):
        unit_id, tool_id = _unit_id(c, row["unit"]), _tool_id(c, row["tool"])
        if unit_id and tool_id:
            groups.setdefault((row["unit"], row["tool"]), []).append(row)
    out = []
    for (unit, tool), rows in sorted(groups.items()):
        unit_id, tool_id = _unit_id(c, unit), _tool_id(c, tool)
        n = len(rows)
        last = max(r["last_missed_on"] for r in rows)
        out.append(
            Suggestion(
                key=f"missed_twice:{unit_id}:{tool_id}:{last}",
                rule="missed_twice",
                unit=unit,
                tool=tool,
                signal=f"{n} colleague{'s' if n != 1 else ''} on {unit} missed their last two {tool} sessions",
                figures={"colleagues": n, "last_missed_on": last},
                strategy="A third invitation at the same time rarely works: find a time that fits their shifts",
                action=f"Ask the colleagues on {unit} who missed twice what time suits them, or offer a one-to-one on {tool}.",
                severity=MEDIUM,
                weight=n,
                target=_target(c, "training_session", unit_id, tool_id, {}),
            )
        )
    return out


def rule_story_gap(c: RuleContext) -> list[Suggestion]:
    """A unit where a tool is live (latest rollout stage) with no success story for that unit and
    tool told in the last story_gap_days days → collect one."""
    days = int(c.t["story_gap_days"])
    since = (c.scope.date_to - dt.timedelta(days=days)).isoformat()
    told = {
        (r["unit_id"], r["tool_id"])
        for r in c.db.query(
            "SELECT DISTINCT unit_id, tool_id FROM story WHERE deleted_at IS NULL AND told_on > ? AND told_on <= ?",
            (since, c.scope.date_to.isoformat()),
        )
    }
    out = []
    for (unit_id, tool_id), live_since in sorted(_live_rollouts(c).items()):
        if (unit_id, tool_id) in told or live_since > since or unit_id not in c.units or tool_id not in c.tools:
            continue
        unit, tool = c.units[unit_id], c.tools[tool_id]
        out.append(
            Suggestion(
                key=f"story_gap:{unit_id}:{tool_id}",
                rule="story_gap",
                unit=unit,
                tool=tool,
                signal=f"No success story for {tool} from {unit} in the last {days} days (live since {format_uk_date(live_since)})",
                figures={"days": days, "live_since": live_since},
                strategy="Success stories with evidence",
                action=f"Collect a success story from {unit} about {tool}, with a measure (e.g. minutes saved per shift).",
                severity=LOW,
                target=_target(c, "story", unit_id, tool_id, {}),
            )
        )
    return out


def _adoption_by_unit(c: RuleContext, periods: list[metrics.Period]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Return {(unit_id, tool_id): metrics.adoption_figures} with that one unit and tool in scope, read once per rule set."""
    key = ("adoption", tuple(periods))
    if key not in c.cache:
        found: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for cells in metrics.adoption_cells(c.db, c.f, periods):
            for (unit_id, tool_id), cell in cells.items():
                if unit_id in c.units and tool_id in c.tools:
                    found.setdefault((unit_id, tool_id), []).append(metrics.adoption_cell_figures(cell))
        c.cache[key] = found
    return c.cache[key]


def rule_using_not_signed_off(c: RuleContext) -> list[Suggestion]:
    """At least unsigned_use_min colleagues on a unit using a tool in the period with no competency
    sign-off on it (metrics.using_not_signed_off) → a sign-off session, high severity: unsupervised
    use is a safety risk."""
    out = []
    for (unit_id, tool_id), (row,) in sorted(_adoption_by_unit(c, [(c.scope.date_from, c.scope.date_to)]).items()):
        n = row["using_not_signed_off"]
        if not n or n < c.t["unsigned_use_min"]:
            continue
        unit, tool = c.units[unit_id], c.tools[tool_id]
        out.append(
            Suggestion(
                key=f"using_not_signed_off:{unit_id}:{tool_id}:{c.scope.date_to:%Y-%m}",
                rule="using_not_signed_off",
                unit=unit,
                tool=tool,
                signal=f"{n} colleague{'s' if n != 1 else ''} on {unit} used {tool} in the period without a competency sign-off",
                figures={"using_not_signed_off": n},
                strategy="Competence before use: a supervised sign-off",
                action=f"Book a hands-on {tool} sign-off session on {unit} for the colleagues already using it.",
                severity=HIGH,
                weight=n,
                target=_target(c, "training_session", unit_id, tool_id, {}),
            )
        )
    return out


def rule_trained_not_using(c: RuleContext) -> list[Suggestion]:
    """At least trained_not_using_min colleagues on a unit trained on a tool that is live there but
    with no use in the last 28 days (metrics.trained_not_using) → a hands-on refresher or a mentor."""
    out = []
    for (unit_id, tool_id), (row,) in sorted(_adoption_by_unit(c, [(c.scope.date_from, c.scope.date_to)]).items()):
        n = row["trained_not_using"]
        if n < c.t["trained_not_using_min"]:
            continue
        unit, tool = c.units[unit_id], c.tools[tool_id]
        out.append(
            Suggestion(
                key=f"trained_not_using:{unit_id}:{tool_id}:{c.scope.date_to:%Y-%m}",
                rule="trained_not_using",
                unit=unit,
                tool=tool,
                signal=f"{n} colleagues on {unit} trained on {tool} have not used it in the last 28 days "
                f"(adoption {_fmt_share(row['adoption_rate'])})",
                figures={
                    "trained_not_using": n,
                    "usage_eligible": row["usage_eligible"],
                    "adoption_rate": row["adoption_rate"],
                },
                strategy="Hands-on practice and a trusted peer turn training into use",
                action=f"Offer a hands-on {tool} refresher on {unit}, or pair those colleagues with a mentor.",
                severity=MEDIUM,
                weight=n,
                target=_target(c, "training_session", unit_id, tool_id, {}),
            )
        )
    return out


def rule_adoption_drop(c: RuleContext) -> list[Suggestion]:
    """A unit where a live tool's adoption rate on the scope's end is at least adoption_drop below its
    rate 28 days earlier (after go-live: eligible colleagues on both days) → a listening session on
    the unit's open concerns about the tool."""
    end = c.scope.date_to
    earlier = end - dt.timedelta(days=metrics.ACTIVE_DAYS)
    periods = [(min(c.scope.date_from, earlier), earlier), (c.scope.date_from, end)]
    out = []
    for (unit_id, tool_id), (before, now) in sorted(_adoption_by_unit(c, periods).items()):
        if before["adoption_rate"] is None or now["adoption_rate"] is None:
            continue
        fall = before["adoption_rate"] - now["adoption_rate"]
        if fall < c.t["adoption_drop"] - 1e-9:
            continue
        unit, tool = c.units[unit_id], c.tools[tool_id]
        open_ = c.db.scalar(
            "SELECT count(*) FROM incident WHERE deleted_at IS NULL AND unit_id = ? AND tool_id = ?"
            " AND occurred_on <= ? AND (resolved_on IS NULL OR resolved_on > ?)",
            (unit_id, tool_id, end.isoformat(), end.isoformat()),
        )
        out.append(
            Suggestion(
                key=f"adoption_drop:{unit_id}:{tool_id}:{end:%Y-%m}",
                rule="adoption_drop",
                unit=unit,
                tool=tool,
                signal=f"{tool} adoption on {unit} fell from {_fmt_share(before['adoption_rate'])} to "
                f"{_fmt_share(now['adoption_rate'])} in 28 days; {open_} concern{'s' if open_ != 1 else ''} about it open",
                figures={
                    "adoption_before": before["adoption_rate"],
                    "adoption_rate": now["adoption_rate"],
                    "concerns_open": open_,
                },
                strategy="Open dialogue with a visible response",
                action=f"Hold a listening session on {unit} about {tool}: go through its open concerns and report back what will change.",
                severity=MEDIUM,
                weight=fall * 100,
                target=_target(c, "concerns", unit_id, tool_id, {"unit": unit, "status": "unresolved"}),
            )
        )
    return out


def rule_ideas_waiting(c: RuleContext) -> list[Suggestion]:
    """Staff ideas in scope (tool in scope or any tool) still new or under consideration whose status
    has not changed for more than idea_wait_days by the scope's end → decide and tell staff."""
    days = int(c.t["idea_wait_days"])
    params = {**c.f.params(), "cutoff": (c.scope.date_to - dt.timedelta(days=days)).isoformat()}
    waiting = ", ".join(f"'{s.value}'" for s in WAITING_IDEA_STATUSES)
    rows = c.db.query(
        f"""SELECT i.unit_id, count(*) AS n, min(i.status_on) AS oldest, min(i.raised_on) AS first_raised
              FROM idea i
             WHERE i.deleted_at IS NULL AND i.status IN ({waiting}) AND i.status_on < :cutoff
               AND i.raised_on <= :d_to{c.f.units("i.unit_id")}{c.f.tool_or_any("i.tool_id")}
             GROUP BY i.unit_id""",
        params,
    )
    out = []
    for row in rows:
        unit = c.units.get(row["unit_id"])
        if unit is None:
            continue
        n = row["n"]
        out.append(
            Suggestion(
                key=f"ideas_waiting:{row['unit_id']}",
                rule="ideas_waiting",
                unit=unit,
                tool=_only_tool(c),
                signal=f"{n} staff idea{'s' if n != 1 else ''} on {unit} waiting more than {days} days for a decision "
                f"(oldest unchanged since {format_uk_date(row['oldest'])})",
                figures={"waiting": n, "oldest": row["oldest"], "days": days},
                strategy="Involve staff early: an idea heard and answered, even with 'not now', keeps them shaping the roll-out",
                action=f"Decide on the waiting ideas from {unit} (plan it, or 'not now' with a reason) and tell the colleagues who suggested them.",
                severity=MEDIUM if n >= 5 else LOW,
                weight=n,
                # From the first waiting idea's day, so the list shows every idea the suggestion counts.
                target={
                    "page": "ideas",
                    "filters": {
                        **_dates(c),
                        "from": min(row["first_raised"], c.scope.date_from.isoformat()),
                        "unit": unit,
                        "units": [unit],
                        "status": "waiting",
                    },
                },
            )
        )
    return out


RULES: tuple[Callable[[RuleContext], list[Suggestion]], ...] = (
    rule_theme_rising,
    rule_low_coverage,
    rule_unanswered_concerns,
    rule_champion_ratio,
    rule_stalled_pairings,
    rule_readiness_barrier,
    rule_refreshers_due,
    rule_missed_twice,
    rule_story_gap,
    rule_using_not_signed_off,
    rule_trained_not_using,
    rule_adoption_drop,
    rule_ideas_waiting,
)


# --- helpers --------------------------------------------------------------------------------------


def _dates(c: RuleContext) -> dict[str, Any]:
    return {
        "from": c.scope.date_from.isoformat(),
        "to": c.scope.date_to.isoformat(),
        "units": list(c.scope.units),
        "tools": list(c.scope.tools),
    }


def _only_tool(c: RuleContext) -> str | None:
    return next(iter(c.tools.values())) if len(c.tools) == 1 else None


def _unit_id(c: RuleContext, name: str) -> str | None:
    return next((i for i, n in c.units.items() if n == name), None)


def _tool_id(c: RuleContext, name: str) -> str | None:
    return next((i for i, n in c.tools.items() if n == name), None)


def _live_rollouts(c: RuleContext) -> dict[tuple[str, str], str]:
    """Return {(unit_id, tool_id): since} where the latest rollout stage on or before the scope's end is live."""
    rows = c.db.query(
        """SELECT unit_id, tool_id, stage, since FROM (
               SELECT r.*, row_number() OVER (PARTITION BY r.unit_id, r.tool_id ORDER BY r.since DESC, r.created_at DESC) AS nth
                 FROM rollout r WHERE r.deleted_at IS NULL AND r.since <= ?) WHERE nth = 1""",
        (c.scope.date_to.isoformat(),),
    )
    return {
        (r["unit_id"], r["tool_id"]): r["since"]
        for r in rows
        if r["stage"] == "live" and r["unit_id"] in c.units and r["tool_id"] in c.tools
    }


def _target(
    c: RuleContext, target: str, unit_id: str | None, tool_id: str | None, filters: dict[str, Any]
) -> dict[str, Any]:
    """Return where the action button goes: a pre-filled dialog for a record table, else a filtered page."""
    if target in ("training_session", "story", "pairing"):
        prefill: dict[str, Any] = {}
        if unit_id and target != "pairing":
            prefill["unit_id"] = unit_id
        if tool_id or len(c.tools) == 1:
            prefill["tool_id"] = tool_id or next(iter(c.tools))
        if target == "training_session":
            prefill["format"] = "hands-on"
        return {"dialog": target, "prefill": prefill}
    unit = filters.get("unit")
    return {"page": target, "filters": {**_dates(c), **filters, **({"units": [unit]} if unit else {})}}


def suggestions(
    db: Database, scope: Scope, today: dt.date | None = None, include_hidden: bool = False
) -> list[Suggestion]:
    """Return the suggestions for a scope, most severe first, then the strongest signal first.

    Suggestions dismissed, or snoozed until after ``today``, are left out unless ``include_hidden``;
    each carries its latest response. Raises ValidationError for an unknown unit or tool name.
    """
    today = today or dt.date.today()
    f = metrics.resolve(db, scope)
    units = {
        r["id"]: r["name"]
        for r in db.query(f"SELECT id, name FROM unit u WHERE deleted_at IS NULL{f.units('u.id')}", f.params())
    }
    tools = {
        r["id"]: r["name"]
        for r in db.query(f"SELECT id, name FROM tool t WHERE deleted_at IS NULL{f.tools('t.id')}", f.params())
    }
    c = RuleContext(db, scope, f, thresholds(db), units, tools)
    found = [s for rule in RULES for s in rule(c)]
    responses = latest_responses(db)
    out = []
    for s in found:
        s.response = responses.get(s.key)
        if include_hidden or not is_hidden(s.response, today):
            out.append(s)
    rule_order = {rule.__name__.removeprefix("rule_"): n for n, rule in enumerate(RULES)}
    return sorted(out, key=lambda s: (-s.severity, -s.weight, rule_order.get(s.rule, 99), s.unit or "", s.key))
