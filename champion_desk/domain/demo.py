"""Deterministic demo data that tells a believable roll-out story, at ward, hospital or trust scale.

The story a trainer can show: AI tools go live unit by unit (planned → pilot → live, one paused);
training coverage rises along an S-curve after each unit's go-live; concerns peak around go-live
and fall as training lands, each addressed one carrying a "you said, we did" response; mentees
gain confidence at check-ins (a few pairings stall); readiness pulses improve; success stories
carry measures. One lagging unit has few champions, low coverage and many job-security concerns.

Everything comes from ``random.Random(seed)`` and the end date — ids and timestamps included —
so the same (scale, seed, end) always gives byte-identical tables. Rows are built as plain dicts
and written with ``records.bulk_insert`` inside one transaction, so trust scale (~450k rows)
takes seconds and a cancelled or failed run leaves nothing behind.

This module is how the story unfolds; its words (tools, units, names, phrases) are data in
``resources/demo/``, read by ``domain/demo_words.py``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from champion_desk.domain.demo_words import (
    AFTERWORD,
    CHECKIN_NOTES,
    DESCRIPTIONS,
    ENDED_NOTES,
    IDEAS,
    INTERIM_RESPONSES,
    NAMES,
    NOT_NOW_REASONS,
    NOTE_THEMES,
    REFRESHER_TOPIC,
    RESPONSE_AFTERWORD,
    RESPONSES,
    ROOT_CAUSES,
    SESSION_NOTES,
    SHARED_GOAL,
    SHOWCASE_PEOPLE,
    SITES,
    TOOLS,
    TRAIN_THE_TRAINER,
    UNITS,
    UPCOMING_TOPICS,
    VIET_FAMILY,
    VIET_GIVEN_F,
    VIET_GIVEN_M,
    WARD_SPECIALTIES,
    WARD_TREES,
    WHERE,
    phrases,
)
from champion_desk.domain.listings import DEMO_NOTE
from champion_desk.domain.scope import months_before
from champion_desk.domain.vocab import Barrier, ConcernStatus, PairingStatus, SessionFormat, Theme, ToolStage
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.store import records, summaries
from champion_desk.store.connection import Database, page_cache
from champion_desk.store.schema import RECORD_TABLES

Progress = Callable[[int, int], bool]

# Tables in the order foreign keys need them written.
WRITE_ORDER = (
    "unit",
    "staff",
    "tool",
    "rollout",
    "training_session",
    "attendance",
    "invitation",
    "incident",
    "pairing",
    "checkin",
    "pulse",
    "story",
    "usage",
    "idea",
    "idea_support",
)
USAGE_TOOLS = 2  # the first tools of a scale come with a vendor usage export (weekly, the last year)
USAGE_WEEKS = 52
# Share of weeks with use, by tier; who lands in which tier follows their training (see build_usage).
_TIER_WEEKS = {"high": 0.95, "medium": 0.6, "low": 0.28}
PROGRESS_TOTAL = 1000
_GENERATION_SHARE = 550  # progress points spent building rows; the rest is writing them
_WRITE_CACHE_KIB = 65536  # page cache while writing (64 MiB; SQLite's default is 2 MiB)


class DemoCancelled(ChampionDeskError):
    """The user cancelled demo generation; nothing was written."""


class DemoRefused(ChampionDeskError):
    """Demo data would be mixed into a database that already holds records."""


@dataclass(frozen=True)
class ScaleSpec:
    """How big a demo is and how busy its units are."""

    units: int
    staff: int
    years: int
    tools: tuple[str, ...]
    go_live_at: tuple[float, ...]  # each tool's first go-live as a fraction of the period
    waves: int  # how many waves the non-pilot units go live in
    concerns_at_go_live: float  # concerns per staff member around one unit's go-live of one tool
    concerns_per_year: float  # background concerns per staff member per year per tool
    pairings_per_year: float  # new mentoring pairings per staff member per year


SCALES: dict[str, ScaleSpec] = {
    "ward": ScaleSpec(1, 40, 1, ("scribe", "sepsis"), (0.28, 0.72), 1, 0.85, 0.10, 0.30),
    "hospital": ScaleSpec(12, 900, 2, ("scribe", "sepsis", "admin"), (0.14, 0.42, 0.74), 4, 0.85, 0.10, 0.27),
    "trust": ScaleSpec(
        60,
        6000,
        5,
        ("scribe", "sepsis", "deterioration", "admin", "triage", "imaging", "discharge", "rota"),
        (0.08, 0.20, 0.32, 0.44, 0.54, 0.64, 0.76, 1.02),
        6,
        1.15,
        0.13,
        0.27,
    ),
}


# --------------------------------------------------------------------------------------------
# How the story's people and concerns are weighted. Its words (tools, units, names, phrases) are
# data in resources/demo/, read by domain/demo_words.py.
# --------------------------------------------------------------------------------------------

_ROLE_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "default": (
        ("nurse", 42),
        ("healthcare assistant", 22),
        ("doctor", 15),
        ("allied health professional", 8),
        ("administrator", 7),
        ("pharmacist", 2),
        ("other", 4),
    ),
    "maternity": (
        ("midwife", 50),
        ("healthcare assistant", 18),
        ("doctor", 14),
        ("nurse", 5),
        ("administrator", 8),
        ("other", 5),
    ),
    "admin": (("administrator", 85), ("other", 15)),
    "imaging": (
        ("allied health professional", 50),
        ("doctor", 20),
        ("nurse", 10),
        ("administrator", 15),
        ("healthcare assistant", 5),
    ),
    "outpatient": (("nurse", 35), ("doctor", 25), ("administrator", 25), ("healthcare assistant", 15)),
}
_CHAMPION_ROLES = ("nurse", "doctor", "midwife", "allied health professional", "administrator", "pharmacist")
_UNIT_SIZE_WEIGHT = {
    "emergency": 1.7,
    "acute": 1.25,
    "critical": 1.35,
    "maternity": 1.3,
    "outpatient": 0.8,
    "admin": 0.55,
    "imaging": 0.9,
    "theatres": 1.2,
    "paeds": 1.0,
    "ward": 1.0,
}

_SHOWCASE_NAMES = frozenset(p[0] for p in SHOWCASE_PEOPLE)

_BARRIER_BY_THEME: dict[str, tuple[tuple[str, int], ...]] = {
    Theme.JOB_SECURITY: ((Barrier.DESIRE, 7), (Barrier.AWARENESS, 3)),
    Theme.HUMAN_CONNECTION: ((Barrier.DESIRE, 6), (Barrier.AWARENESS, 2), (Barrier.ABILITY, 2)),
    Theme.ACCURACY_AND_TRUST: ((Barrier.DESIRE, 4), (Barrier.KNOWLEDGE, 4), (Barrier.REINFORCEMENT, 2)),
    Theme.WORKLOAD_AND_TIME: ((Barrier.ABILITY, 5), (Barrier.DESIRE, 3), (Barrier.REINFORCEMENT, 2)),
    Theme.PRIVACY_AND_DATA: ((Barrier.AWARENESS, 5), (Barrier.KNOWLEDGE, 4), (Barrier.DESIRE, 1)),
    Theme.USABILITY_AND_TECHNICAL: ((Barrier.ABILITY, 7), (Barrier.KNOWLEDGE, 3)),
    Theme.ETHICS_AND_LIABILITY: ((Barrier.AWARENESS, 4), (Barrier.DESIRE, 4), (Barrier.KNOWLEDGE, 2)),
    Theme.TRAINING_GAP: ((Barrier.KNOWLEDGE, 7), (Barrier.ABILITY, 3)),
    Theme.OTHER: ((Barrier.AWARENESS, 4), (Barrier.DESIRE, 4), (Barrier.REINFORCEMENT, 2)),
}
_HIGH_SEVERITY = {
    Theme.JOB_SECURITY: 0.25,
    Theme.ETHICS_AND_LIABILITY: 0.3,
    Theme.ACCURACY_AND_TRUST: 0.2,
    Theme.PRIVACY_AND_DATA: 0.15,
}

_MEETING_STARTS = (8 * 60 + 30, 10 * 60, 11 * 60 + 30, 13 * 60 + 30, 14 * 60, 15 * 60 + 30, 19 * 60 + 30)


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


@dataclass
class _Unit:
    index: int
    id: str
    name: str
    kind: str
    staff: list[int]  # indexes into the generator's staff list
    champions: list[int]
    manager: int
    engaged_share: float
    lagging: bool = False


@dataclass
class _Rollout:
    """One tool on one unit: its stages and the shape of its training curve (day ordinals)."""

    tool: str
    unit: _Unit
    announce: int
    pilot: int | None
    live: int | None
    paused: int | None
    midpoint: float = 0.0
    spread: float = 20.0

    @property
    def anchor(self) -> int | None:
        """Return the day training aims at: the unit's pilot, else its go-live."""
        return self.pilot if self.pilot is not None else self.live


def check_empty(db: Database) -> None:
    """Raise DemoRefused when any record table holds a record, live or deleted."""
    for table in RECORD_TABLES:
        if db.scalar(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            raise DemoRefused(
                f"This database already holds records (table {table}); demo data is only written into an "
                "empty database. Choose a new file with --db."
            )


def generate_demo(
    db: Database,
    scale: str,
    seed: int = 1,
    end: dt.date | None = None,
    actor: str = "demo",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fill an empty database with a deterministic demo story; return a summary.

    The summary holds ``scale``, ``seed``, ``start`` and ``end`` (ISO dates), ``counts`` (rows
    per table), ``lagging_unit`` (None at ward scale), and the suggested log-ins ``champion``,
    ``champion_unit`` and ``manager``. ``progress(done, total)`` is called as work advances;
    returning False cancels. Raises ValidationError for an unknown scale or an ``end`` after
    today, DemoRefused when the
    database holds any record, DemoCancelled when cancelled; in every failure nothing is written.
    """
    if scale not in SCALES:
        raise ValidationError(
            "scale", f"must be one of: {', '.join(SCALES)}", f"scale: {scale!r} is not one of {', '.join(SCALES)}."
        )
    today = dt.date.today()
    end = end or today
    if end > today:
        # Records dated after today would break the rule every form enforces: nothing in the future.
        raise ValidationError(
            "end",
            "must not be in the future",
            f"end: {end.isoformat()} is in the future; demo data ends today at the latest.",
        )

    def tick(done: int) -> None:
        if progress is not None and progress(done, PROGRESS_TOTAL) is False:
            raise DemoCancelled("Demo data generation was cancelled; nothing was written.")

    tick(0)
    check_empty(db)
    gen = _Generator(SCALES[scale], seed, end, lambda share: tick(int(_GENERATION_SHARE * share)))
    gen.build()
    tables = gen.rows
    total_rows = sum(len(rows) for rows in tables.values()) or 1
    written = 0

    def feed(rows: list[dict[str, Any]]):
        nonlocal written
        for i, row in enumerate(rows, 1):
            if i % 20000 == 0:
                tick(_GENERATION_SHARE + (PROGRESS_TOTAL - _GENERATION_SHARE) * (written + i) // total_rows)
            yield row

    counts: dict[str, int] = {}
    note = f"{DEMO_NOTE}: {scale} scale, seed {seed}, ending {end.isoformat()}"
    # A bigger page cache for this one big write keeps the random-id indexes in memory: about a
    # third less work at trust scale. Only this connection's setting; it is put back afterwards.
    # Summaries are counted once at the end rather than row by row (seconds at trust scale).
    with page_cache(db.conn, _WRITE_CACHE_KIB), db.transaction(), summaries.rebuilt_after(db):
        check_empty(db)
        for table in WRITE_ORDER:
            counts[table] = records.bulk_insert(db, table, feed(tables[table]), actor, action="create", note=note)
            written += counts[table]
            tick(_GENERATION_SHARE + (PROGRESS_TOTAL - _GENERATION_SHARE) * written // total_rows)
    tick(PROGRESS_TOTAL)
    return {
        "scale": scale,
        "seed": seed,
        "start": gen.start.isoformat(),
        "end": end.isoformat(),
        "counts": counts,
        "lagging_unit": gen.lagging_unit.name if gen.lagging_unit else None,
        "champion": gen.staff_name[gen.showcase.champions[0]],
        "champion_unit": gen.showcase.name,
        "manager": gen.staff_name[gen.showcase.manager],
    }


def _logistic(x: float) -> float:
    if x < -40:
        return 0.0
    if x > 40:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


class _Generator:
    """Builds every table's rows in memory from one random stream."""

    def __init__(self, spec: ScaleSpec, seed: int, end: dt.date, report: Callable[[float], None]) -> None:
        self.spec = spec
        self.seed = seed
        self.rng = random.Random(f"champion-desk-demo:{seed}")
        self.rng_seed = seed
        self.end = end.toordinal()
        self.start = months_before(end, 12 * spec.years) + dt.timedelta(days=1)
        self.report = report
        self._iso: dict[int, str] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in WRITE_ORDER}
        self.staff_id: list[str] = []
        self.staff_name: list[str] = []
        self.staff_active: list[bool] = []
        self.staff_engaged: list[bool] = []
        self.units: list[_Unit] = []
        self.tool_id: dict[str, str] = {}
        self.rollouts: list[_Rollout] = []
        self.lagging_unit: _Unit | None = None

    # ---- small helpers ---------------------------------------------------------------------

    def new_id(self, rng: random.Random | None = None) -> str:
        """Return a version-4 UUID drawn from the seeded stream (same seed, same ids)."""
        n = (rng or self.rng).getrandbits(128)
        n = (n & ~(0xF000 << 64)) | (0x4000 << 64)
        n = (n & ~(0xC000 << 48)) | (0x8000 << 48)
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def iso(self, day: int) -> str:
        """Return a day ordinal as ``YYYY-MM-DD`` (cached: the same few thousand days recur)."""
        text = self._iso.get(day)
        if text is None:
            text = self._iso[day] = dt.date.fromordinal(day).isoformat()
        return text

    def stamp(self, day: int, minute: int | None = None) -> str:
        """Return a UTC timestamp on ``day``: records are entered on the day they describe."""
        if minute is None:
            minute = self.rng.randrange(8 * 60, 18 * 60)
        return f"{self.iso(day)}T{minute // 60:02d}:{minute % 60:02d}:00.000000Z"

    def record(self, table: str, day: int, updated: int | None = None, **values: Any) -> str:
        """Append a row created on ``day`` (last changed on ``updated``, if later); return its id."""
        created = self.stamp(day)
        record_id = self.new_id()
        row = {
            "id": record_id,
            "created_at": created,
            "updated_at": created if updated is None or updated <= day else self.stamp(updated),
            "deleted_at": None,
        }
        row.update(values)
        self.rows[table].append(row)
        return record_id

    def weekday(self, day: int) -> int:
        """Move a weekend day to the Monday after (training and meetings happen on weekdays)."""
        wd = day % 7  # ordinal 1 (0001-01-01) is a Monday, so ordinal % 7 == 0 is Sunday
        if wd == 6:
            return day + 2
        if wd == 0:
            return day + 1
        return day

    # ---- the world -------------------------------------------------------------------------

    def build(self) -> None:
        """Build every table's rows, unit by unit, reporting the share done."""
        self.build_units_and_staff()
        self.build_tools_and_rollouts()
        self.report(0.05)
        by_unit: dict[int, list[_Rollout]] = {}
        for ro in self.rollouts:
            by_unit.setdefault(ro.unit.index, []).append(ro)
        for n, unit in enumerate(self.units, 1):
            for ro in by_unit.get(unit.index, []):
                self.build_training(ro)
                self.plan_upcoming_session(ro)
                self.build_concerns(ro)
                self.build_pulses(ro)
                self.build_stories(ro)
            self.build_pairings(unit, by_unit.get(unit.index, []))
            self.report(0.05 + 0.95 * n / len(self.units))
        # Ideas draw from a stream of their own, so adding them left every other demo row as it was.
        main, self.rng = self.rng, random.Random(f"champion-desk-demo-ideas:{self.seed}")
        for ro in self.rollouts:
            self.build_ideas(ro)
        self.rng = main
        self.build_usage()
        # Invitations too draw from their own stream: every row built before them stays as it was.
        main, self.rng = self.rng, random.Random(f"champion-desk-demo-invitations:{self.seed}")
        self.build_invitations()
        self.rng = main

    def build_invitations(self) -> None:
        """Invite colleagues to the sessions of the last 120 days and to the planned ones.

        A held session's invite list is who came plus, now and then, a colleague or two of the unit
        who did not (more often on the lagging unit); a planned session's is a few colleagues of the
        unit. Sent a week before the session; a held one's answer is recorded on its day.
        """
        rng = self.rng
        unit_staff: dict[str, list[str]] = {}
        for row in self.rows["staff"]:
            if row["active"] and row["unit_id"]:
                unit_staff.setdefault(row["unit_id"], []).append(row["id"])
        came: dict[str, list[str]] = {}
        for row in self.rows["attendance"]:
            came.setdefault(row["session_id"], []).append(row["staff_id"])
        lagging = self.lagging_unit.id if self.lagging_unit else None
        since = self.end - 120
        for session in list(self.rows["training_session"]):
            day = dt.date.fromisoformat(session["held_on"]).toordinal()
            if day < since:
                continue
            pool = [s for s in unit_staff.get(session["unit_id"], []) if s != session["trainer_id"]]
            invite = dict.fromkeys(came.get(session["id"], []), "attended" if day <= self.end else "invited")
            absent = [s for s in pool if s not in invite]
            if day > self.end:
                extra = rng.randint(4, 8)
            else:
                extra = rng.randint(1, 2) if rng.random() < (0.7 if session["unit_id"] == lagging else 0.3) else 0
            for staff_id in rng.sample(absent, min(extra, len(absent))):
                invite[staff_id] = "did_not_attend" if day <= self.end else "invited"
            for staff_id, status in invite.items():
                self.record(
                    "invitation",
                    min(day - 7, self.end),
                    updated=day if day <= self.end else None,
                    session_id=session["id"],
                    staff_id=staff_id,
                    status=status,
                    walk_in=0,
                    confirmed=1,
                )

    def build_usage(self) -> None:
        """Create the weekly usage of the tools that export it, over the last year, after the rest of the story.

        Use starts when a colleague is trained (or, untrained, rarely and late) on a unit where the
        tool is live; hands-on training and mentoring make high use likelier; the lagging unit uses
        the tool least; a few users drop out. A stream of its own leaves every other table as it was.
        """
        rng = random.Random(f"champion-desk-demo-usage:{self.rng_seed}")
        index = {staff_id: s for s, staff_id in enumerate(self.staff_id)}
        sessions = {r["id"]: r for r in self.rows["training_session"]}
        trained: dict[tuple[int, str], tuple[int, bool]] = {}  # (staff, tool id) -> (first day, hands-on ever)
        signed: dict[tuple[int, str], int] = {}  # (staff, tool id) -> first sign-off day
        for a in self.rows["attendance"]:
            ts = sessions[a["session_id"]]
            key = (index[a["staff_id"]], ts["tool_id"])
            day = dt.date.fromisoformat(ts["held_on"]).toordinal()
            hands_on = ts["format"] in (SessionFormat.HANDS_ON.value, SessionFormat.ONE_TO_ONE.value)
            first, had = trained.get(key, (day, False))
            trained[key] = (min(first, day), had or hands_on)
            if a["signed_off"]:
                signed[key] = min(signed.get(key, day), day)
        mentored = {(index[p["mentee_id"]], p["tool_id"]) for p in self.rows["pairing"]}
        window = self.end - 7 * USAGE_WEEKS
        usage = self.rows["usage"]
        for ro in self.rollouts:
            if ro.tool not in self.spec.tools[:USAGE_TOOLS] or ro.live is None or ro.live > self.end:
                continue
            tool_id = self.tool_id[ro.tool]
            source = f"{TOOLS[ro.tool].name} usage export"
            stop_all = ro.paused if ro.paused is not None else self.end
            for s in ro.unit.staff:
                if not self.staff_active[s]:
                    continue
                first, hands_on = trained.get((s, tool_id), (None, False))
                # Most wards give access once a colleague is signed off; a few get in before (the
                # safety signal the next steps look for), more on the lagging unit.
                early = 0.1 if ro.unit.lagging else 0.008
                if first is None:
                    if rng.random() > early:
                        continue
                    begins, weights = ro.live + rng.randint(21, 120), (0.05, 0.3, 0.65)
                else:
                    if (s, tool_id) not in signed and rng.random() > early * 3:
                        continue
                    begins = max(ro.live, signed.get((s, tool_id), first)) + rng.randint(0, 14)
                    weights = (0.45, 0.3, 0.25) if hands_on else (0.3, 0.35, 0.35)
                    if (s, tool_id) in mentored:
                        weights = (0.65, 0.25, 0.1)
                    if ro.unit.lagging:
                        weights = (weights[0] * 0.3, weights[1], weights[2] * 2 + 0.3)
                tier = rng.choices(("high", "medium", "low"), weights)[0]
                stop = stop_all
                if rng.random() < (0.18 if ro.unit.lagging else 0.08):
                    stop = rng.randint(begins, max(begins, self.end))  # dropped out
                monday = max(begins, window)
                monday -= (monday - 1) % 7  # ordinal 1 is a Monday
                while monday <= min(stop, self.end):
                    if monday >= begins - 6 and rng.random() < _TIER_WEEKS[tier]:
                        count = rng.randint(1, {"high": 40, "medium": 18, "low": 6}[tier])
                        created = self.stamp(min(self.end, monday + 7), 9 * 60)
                        usage.append(
                            {
                                "id": self.new_id(rng),
                                "created_at": created,
                                "updated_at": created,
                                "deleted_at": None,
                                "staff_id": self.staff_id[s],
                                "tool_id": tool_id,
                                "day": self.iso(monday),
                                "count": count,
                                "source": source,
                            }
                        )
                    monday += 7

    def unit_catalogue(self) -> list[tuple[str, str, str]]:
        """Return ``spec.units`` (name, specialty, kind): named departments first, then wards."""
        out = list(UNITS[: self.spec.units])
        trees = list(WARD_TREES)
        self.rng.shuffle(trees)
        i = 0
        while len(out) < self.spec.units:
            out.append((f"{trees[i]} Ward", WARD_SPECIALTIES[i % len(WARD_SPECIALTIES)], "ward"))
            i += 1
        return out

    def build_units_and_staff(self) -> None:
        """Create the units and their staff: one ward manager, 1–3 champions, colleagues of many cultures."""
        rng = self.rng
        catalogue = self.unit_catalogue()
        weights = [_UNIT_SIZE_WEIGHT[kind] * rng.uniform(0.85, 1.15) for _, _, kind in catalogue]
        total = sum(weights)
        sizes = [max(20, round(self.spec.staff * w / total)) for w in weights]
        sizes[-1] += self.spec.staff - sum(sizes)
        sites = SITES[: max(1, min(len(SITES), self.spec.units // 12 + (1 if self.spec.units > 1 else 0)))]
        refs = rng.sample(range(1_000_000, 10_000_000), self.spec.staff + 10)
        names = _NamePool(rng)
        start = self.start.toordinal()
        # The lagging unit: an ordinary ward, never the showcase one.
        wards = [i for i, (_, _, kind) in enumerate(catalogue) if kind == "ward" and i > 0]
        lagging_index = rng.choice(wards) if wards else None
        for index, ((name, specialty, kind), size) in enumerate(zip(catalogue, sizes)):
            site = sites[index * len(sites) // len(catalogue)]
            unit_id = self.record("unit", start, name=name, site=site, specialty=specialty)
            lagging = index == lagging_index
            unit = _Unit(
                index,
                unit_id,
                name,
                kind,
                [],
                [],
                -1,
                engaged_share=0.45 if lagging else rng.uniform(0.72, 0.88),
                lagging=lagging,
            )
            roles, role_weights = zip(*_ROLE_MIX.get(kind, _ROLE_MIX["default"]))
            people: list[tuple[str, str, str]] = []  # (name, role, part)
            if index == 0:
                people.extend(SHOWCASE_PEOPLE)
                names.reserve(p[0] for p in SHOWCASE_PEOPLE)
            else:
                people.append((names.draw(), "ward manager", "manager"))
            while len(people) < size:
                people.append((names.draw(), rng.choices(roles, role_weights)[0], "staff"))
            n_champions = 1 if lagging else (3 if index == 0 else rng.choice((2, 3, 3)))
            have = sum(1 for p in people if p[2] == "champion")
            candidates = [i for i, p in enumerate(people) if p[2] == "staff" and p[1] in _CHAMPION_ROLES]
            for i in rng.sample(candidates, max(0, n_champions - have)):
                people[i] = (people[i][0], people[i][1], "champion")
            for person_name, role, part in people:
                s = len(self.staff_id)
                active = part != "staff" or rng.random() > 0.02
                staff_id = self.record(
                    "staff",
                    start,
                    display_name=person_name,
                    role=role,
                    unit_id=unit_id,
                    staff_ref=f"E{refs[s]}",
                    is_champion=1 if part == "champion" else 0,
                    active=1 if active else 0,
                    signing_pin_hash=None,
                    signing_pin_failures=None,
                    signing_pin_wait_until=None,
                    email=None,
                    login=None,
                )
                self.staff_id.append(staff_id)
                self.staff_name.append(person_name)
                self.staff_active.append(active)
                showcase = index == 0 and person_name in _SHOWCASE_NAMES  # their journeys are the demo's
                self.staff_engaged.append(part != "staff" or showcase or rng.random() < unit.engaged_share)
                unit.staff.append(s)
                if part == "champion":
                    unit.champions.append(s)
                elif part == "manager":
                    unit.manager = s
            if lagging:
                self.lagging_unit = unit
            self.units.append(unit)
        self.showcase = self.units[0]

    def build_tools_and_rollouts(self) -> None:
        """Create the tools and stage each one over the units: pilots first, then waves; one pauses."""
        rng = self.rng
        start, end = self.start.toordinal(), self.end
        period = end - start
        paused_done = False
        for key, at in zip(self.spec.tools, self.spec.go_live_at):
            info = TOOLS[key]
            go_live = start + int(period * at)
            announce = max(start - 60, go_live - rng.randint(110, 150))
            units = [u for u in self.units if u.kind in info.kinds]
            if not units:
                continue
            # Pilot units first (the showcase unit pilots the first tools), then waves of the rest.
            rest = [u for u in units if not u.lagging and u is not self.showcase]
            rng.shuffle(rest)
            n_pilots = 1 if len(units) < 6 else 2
            pilots = ([self.showcase] if self.showcase in units and key in ("scribe", "sepsis") else []) + rest
            pilots = pilots[:n_pilots]
            others = [u for u in units if u not in pilots]
            rng.shuffle(others)
            plan: list[tuple[_Unit, int | None, int]] = []
            for u in pilots:
                plan.append((u, go_live - rng.randint(50, 70), go_live))
            waves = max(1, min(self.spec.waves, len(others)))
            day = go_live
            for w in range(waves):
                day += rng.randint(35, 60)
                for u in others[w::waves]:
                    live = day + rng.randint(0, 14) + (rng.randint(30, 60) if u.lagging else 0)
                    pilot = live - rng.randint(21, 42) if rng.random() < 0.5 else None
                    plan.append((u, pilot, live))
            live_any = any(live <= end for _, _, live in plan)
            pilot_any = any(p is not None and p <= end for _, p, _ in plan)
            stage = ToolStage.LIVE if live_any else ToolStage.PILOT if pilot_any else ToolStage.PLANNED
            created = min(announce, end)
            self.tool_id[key] = self.record(
                "tool",
                created,
                name=info.name,
                vendor=info.vendor,
                purpose=info.purpose,
                stage=stage.value,
                go_live_on=self.iso(go_live) if go_live <= end else None,
                refresher_months=info.refresher_months,
            )
            tool_rollouts = [
                _Rollout(
                    key,
                    u,
                    min(announce, end),
                    pilot if pilot is not None and pilot <= end else None,
                    live if live <= end else None,
                    None,
                )
                for u, pilot, live in sorted(plan, key=lambda p: (p[2], p[0].index))
            ]
            if not paused_done and key in ("sepsis", "deterioration"):
                # One unit pauses the alert a couple of months after go-live (false alarms, taken up
                # with the vendor): the latest go-live that leaves time for it.
                candidates = [
                    ro
                    for ro in tool_rollouts
                    if ro.live is not None
                    and not ro.unit.lagging
                    and ro.unit is not self.showcase
                    and ro.live <= end - 75
                ]
                if candidates:
                    ro = max(candidates, key=lambda r: (r.live, r.unit.index))
                    ro.paused = min(end - 14, ro.live + rng.randint(45, 75))
                    paused_done = True
            for ro in tool_rollouts:
                self.add_rollout_rows(ro)
                if ro.anchor is not None:
                    # Half the unit trained a month or so after the anchor; the lagging unit is far slower.
                    slow = ro.unit.lagging
                    ro.midpoint = ro.anchor + (rng.randint(90, 130) if slow else rng.randint(20, 45))
                    ro.spread = rng.uniform(45, 60) if slow else rng.uniform(14, 24)
                self.rollouts.append(ro)

    def add_rollout_rows(self, ro: _Rollout) -> None:
        """Write a unit's stage history for a tool (planned, pilot, live, paused), up to the end."""
        tool_id = self.tool_id[ro.tool]
        stages = [
            (ToolStage.PLANNED, ro.announce),
            (ToolStage.PILOT, ro.pilot),
            (ToolStage.LIVE, ro.live),
            (ToolStage.PAUSED, ro.paused),
        ]
        for stage, since in stages:
            if since is not None and since <= self.end:
                self.record(
                    "rollout", since, tool_id=tool_id, unit_id=ro.unit.id, stage=stage.value, since=self.iso(since)
                )

    # ---- training ----------------------------------------------------------------------------

    def session_days(self, ro: _Rollout, first: int, stop: int) -> list[int]:
        """Return session days: frequent while the curve climbs, then a steady trickle."""
        rng = self.rng
        ramp_end = ro.midpoint + 2.5 * ro.spread
        slow = 1.7 if ro.unit.lagging else 1.0
        days = []
        day = first
        while True:
            day = self.weekday(day)
            if day > stop:
                break
            days.append(day)
            gap = rng.randint(3, 5) if day < ramp_end else rng.randint(9, 17)
            day += int(gap * slow)
        return days

    def plan_upcoming_session(self, ro: _Rollout) -> None:
        """Book a session in the weeks after the end on about half the units where a tool is in use,
        so the poster and Home have next training dates (planned: nobody has attended yet)."""
        rng = self.rng
        in_use = (ro.live is not None or ro.pilot is not None) and ro.paused is None
        if not in_use or rng.random() > 0.5:
            return
        info = TOOLS[ro.tool]
        day = self.weekday(self.end + rng.randint(3, 24))
        fmt = rng.choice((SessionFormat.HANDS_ON, SessionFormat.HUDDLE, SessionFormat.DEMO))
        topic = rng.choice(UPCOMING_TOPICS).format(tool=info.name)
        self.record(
            "training_session",
            self.end,
            tool_id=self.tool_id[ro.tool],
            unit_id=ro.unit.id,
            trainer_id=self.staff_id[rng.choice(ro.unit.champions)],
            held_on=self.iso(day),
            minutes=rng.choice((30, 45, 60)),
            format=fmt.value,
            topic=topic,
            notes=None,
            verified_by=None,
            verified_on=None,
            verified_signature=None,
            # Planned sessions start after the early handover; no rng draw, so the rest of the demo is unchanged.
            starts_at="14:00",
            place=None,
        )

    def build_training(self, ro: _Rollout) -> None:
        """Create one unit's sessions for one tool: first attendances follow the S-curve, refreshers follow sign-offs."""
        if ro.anchor is None:
            return
        rng = self.rng
        unit = ro.unit
        info = TOOLS[ro.tool]
        tool_id = self.tool_id[ro.tool]
        first = ro.anchor - rng.randint(28, 42)
        stop = min(self.end, ro.paused if ro.paused is not None else self.end)
        if first - 7 > stop:
            return
        leads = unit.champions + [unit.manager]
        pool: list[int] = []  # staff trained on this tool here, in the order they were trained
        # Sign-offs in date order; a colleague's entry is stale once they are signed off again.
        signed_queue: deque[tuple[int, int]] = deque()
        last_signed: dict[int, int] = {}

        def remember(signed: list[tuple[int, int]]) -> None:
            for s, on in signed:
                last_signed[s] = on
                signed_queue.append((on, s))

        # Train the trainer: this unit's champions and manager learn first, from another unit's champion.
        ttt_day = self.weekday(first - 7)
        if ttt_day <= stop:
            outside = [c for other in self.units if other is not unit for c in other.champions]
            trainer = rng.choice(outside) if outside else unit.champions[0]
            attendees = [s for s in leads if s != trainer]
            remember(
                self.add_session(
                    ro,
                    tool_id,
                    ttt_day,
                    trainer,
                    SessionFormat.HANDS_ON,
                    90,
                    TRAIN_THE_TRAINER.format(tool=info.name),
                    [(attendees, "lead")],
                )
            )
            pool.extend(attendees)
        days = self.session_days(ro, first, stop)
        if not days:
            return
        # Each colleague's first session follows the S-curve: a logistic draw around the midpoint.
        take = 0.45 if unit.lagging else rng.uniform(0.86, 0.97)
        firsts: list[list[int]] = [[] for _ in days]
        for s in unit.staff:
            if s in leads or not self.staff_engaged[s] or rng.random() > take:
                continue
            u = rng.random() * 0.998 + 0.001
            when = ro.midpoint + ro.spread * math.log(u / (1 - u))
            k = bisect.bisect_left(days, when)
            if k < len(days):
                firsts[k].append(s)
        refresh_days = 30 * info.refresher_months
        for k, day in enumerate(days):
            trainer = rng.choice(unit.champions)
            new = firsts[k]  # champions and the manager are never in it: they trained first
            # Who is due (or nearly due) a refresher, oldest sign-off first.
            due: list[int] = []
            horizon = day - refresh_days + 21
            backlog = 0
            for on, s in signed_queue:
                if on > horizon:
                    break
                backlog += 1
            fmt = rng.choices(_FORMATS, _FORMAT_WEIGHTS)[0]
            if backlog > 8 and rng.random() < 0.5:
                fmt = SessionFormat.HANDS_ON  # champions book a practical refresher when many are due
            if fmt is SessionFormat.ONE_TO_ONE and len(new) > 1:
                fmt = rng.choice((SessionFormat.HANDS_ON, SessionFormat.HUDDLE, SessionFormat.DEMO))
            low, high, size_low, size_high = _FORMAT_SHAPE[fmt]
            minutes = rng.randrange(low, high + 1, 5)
            size = rng.randint(size_low, size_high)
            want = size - len(new)
            if fmt in (SessionFormat.HANDS_ON, SessionFormat.ONE_TO_ONE):
                while want > len(due) and signed_queue and signed_queue[0][0] <= horizon:
                    on, s = signed_queue.popleft()
                    if last_signed.get(s) == on and s != trainer and self.staff_active[s] and s not in due:
                        due.append(s)
            repeats: list[int] = []
            want -= len(due)
            if want > 0 and pool:
                taken = set(due)
                picks = rng.sample(pool, min(len(pool), want + len(due) + 1))
                repeats = [s for s in picks if s != trainer and s not in taken][:want]
            if not new and not repeats and not due:
                continue
            topic = rng.choice(info.topics)
            if not new and (due or day > ro.midpoint + 3 * ro.spread):
                topic = REFRESHER_TOPIC.format(topic=f"{topic[0].lower()}{topic[1:]}")
            remember(
                self.add_session(
                    ro,
                    tool_id,
                    day,
                    trainer,
                    fmt,
                    minutes,
                    topic,
                    [(new, "first"), (due, "refresher"), (repeats, "repeat")],
                )
            )
            pool.extend(new)

    def add_session(
        self,
        ro: _Rollout,
        tool_id: str,
        day: int,
        trainer: int,
        fmt: SessionFormat,
        minutes: int,
        topic: str,
        groups: list[tuple[list[int], str]],
    ) -> list[tuple[int, int]]:
        """Add a session and its attendances; return (staff, day) for each sign-off given."""
        rng = self.rng
        unit = ro.unit
        lead_session = groups[0][1] == "lead"
        verified_by = verified_on = None
        # Managers catch up on countersigning: only the last six weeks leave a real backlog.
        chance = 0.97 if day < self.end - 42 else (0.9 if lead_session else 0.4)
        if rng.random() < chance and unit.manager != trainer:
            v = min(self.end, day + rng.randint(0, 10))
            verified_by, verified_on = self.staff_id[unit.manager], self.iso(v)
        notes = None
        if rng.random() < 0.35:
            theme = rng.choice(NOTE_THEMES)
            notes = rng.choice(SESSION_NOTES).format(theme=theme)
        minute = rng.choice(_MEETING_STARTS)
        session_id = self.record(
            "training_session",
            day,
            tool_id=tool_id,
            unit_id=unit.id,
            trainer_id=self.staff_id[trainer],
            held_on=self.iso(day),
            minutes=minutes,
            format=fmt.value,
            topic=topic,
            notes=notes,
            verified_by=verified_by,
            verified_on=verified_on,
            verified_signature="unverified" if verified_by else None,
            starts_at=None,
            place=None,
        )
        signs = fmt in (SessionFormat.HANDS_ON, SessionFormat.ONE_TO_ONE)
        record_confidence = fmt is not SessionFormat.HUDDLE or rng.random() < 0.5
        lagging = unit.lagging
        attendance = self.rows["attendance"]
        signed: list[tuple[int, int]] = []
        created = self.stamp(day, minute)
        for people, kind in groups:
            first_time = kind in ("first", "lead")
            sign_chance = _SIGN_CHANCE[kind] * (0.7 if lagging else 1.0)
            for s in people:
                before = after = None
                if record_confidence:
                    if first_time:
                        before = rng.choice((1, 1, 2) if lagging else (1, 2, 2, 3))
                        after = before + rng.choices((0, 1, 2, 3), (25, 45, 25, 5) if lagging else (8, 42, 38, 12))[0]
                    else:
                        before = rng.choice((2, 3) if lagging else (3, 3, 4))
                        after = before + rng.choices((-1, 0, 1, 2), (2, 38, 50, 10))[0]
                    after = min(5, max(1, after))
                signed_off = 0
                by = on = None
                if signs and rng.random() < sign_chance:
                    signer = trainer if rng.random() < 0.75 or unit.manager == s else unit.manager
                    if signer != s:
                        signed_off, by, on = 1, self.staff_id[signer], min(self.end, day + rng.randint(0, 7))
                        signed.append((s, on))
                attendance.append(
                    {
                        "id": self.new_id(),
                        "created_at": created,
                        "updated_at": created if on is None or on == day else self.stamp(on),
                        "deleted_at": None,
                        "session_id": session_id,
                        "staff_id": self.staff_id[s],
                        "confidence_before": before,
                        "confidence_after": after,
                        "signed_off": signed_off,
                        "signed_off_by": by,
                        "signed_off_on": self.iso(on) if on is not None else None,
                        "signed_off_signature": "unverified" if signed_off else None,
                    }
                )
        return signed

    # ---- concerns ----------------------------------------------------------------------------

    def build_concerns(self, ro: _Rollout) -> None:
        """Create one unit's concerns about one tool: a peak around go-live over a background that fades."""
        rng = self.rng
        unit = ro.unit
        info = TOOLS[ro.tool]
        n_staff = len(unit.staff)
        lagging = unit.lagging
        peak_day = ro.live if ro.live is not None else (ro.pilot if ro.pilot is not None else ro.announce + 150)
        background_days = max(0, self.end - ro.announce)
        n_peak = n_staff * self.spec.concerns_at_go_live * (2.4 if lagging else 1.0) * rng.uniform(0.8, 1.2)
        n_background = n_staff * self.spec.concerns_per_year * background_days / 365 * (3.0 if lagging else 1.0)
        days: list[int] = []
        for _ in range(round(n_peak)):
            z = rng.gauss(0, 1)
            # Worry builds before go-live and falls away as training lands (slower where it does not).
            days.append(int(peak_day + z * (30 if z < 0 else (120 if lagging else 45))))
        for _ in range(round(n_background)):
            day = rng.randint(ro.announce, self.end)
            # Everyday worries thin out as training lands (hardly at all where it does not).
            if rng.random() < 0.25 + 0.75 * (1 - self.coverage_share(ro, day)):
                days.append(day)
        if ro.paused is not None:
            days.extend(ro.paused - rng.randint(0, 40) for _ in range(round(n_staff * 0.15)))
        if ro.live is not None:
            # A live tool always has a fresh worry or two, so the open list is never empty.
            days.extend(rng.randint(self.end - 25, self.end) for _ in range(rng.randint(1, 3)))
        themes = list(info.themes)
        weights = [info.themes[t] * (6.0 if lagging and t == Theme.JOB_SECURITY else 1.0) for t in themes]
        if ro.paused is not None:
            weights = [w * (3.0 if t == Theme.ACCURACY_AND_TRUST else 1.0) for t, w in zip(themes, weights)]
        others = [s for s in unit.staff if s not in unit.champions]
        tool_word = info.short
        for day in sorted(days):
            if day < ro.announce or day > self.end:
                continue
            theme = rng.choices(themes, weights)[0]
            barrier_options, barrier_weights = zip(*_BARRIER_BY_THEME[theme])
            barrier = rng.choices(barrier_options, barrier_weights)[0].value if rng.random() < 0.92 else None
            if ro.anchor is None or day < ro.anchor:
                barrier = Barrier.AWARENESS.value if rng.random() < 0.5 else barrier
            high = _HIGH_SEVERITY.get(theme, 0.08) * (1.5 if lagging else 1.0)
            roll = rng.random()
            severity = "high" if roll < high else ("medium" if roll < high + 0.45 else "low")
            text = rng.choice(phrases(info, DESCRIPTIONS, theme)).format(
                tool=tool_word, Tool=tool_word[0].upper() + tool_word[1:]
            )
            description = f"{rng.choice(WHERE)}: {text[0].lower()}{text[1:]}{rng.choice(AFTERWORD)}"
            reporter = rng.choice(unit.champions)
            raised_by = self.staff_id[rng.choice(others)] if others and rng.random() < 0.2 else None
            # How long it takes to act: days to weeks, longer where the unit is struggling.
            wait = 1 + int(rng.lognormvariate(math.log(8 if not lagging else 18), 0.75))
            if rng.random() < (0.16 if lagging else 0.03):
                wait = rng.randint(30, 150)  # the hard ones wait for a fix from outside the ward
            resolved = day + wait
            status = ConcernStatus.OPEN
            response = root_cause = resolved_on = None
            owner = None
            if resolved <= self.end:
                status = ConcernStatus.CLOSED if rng.random() < 0.7 else ConcernStatus.ADDRESSED
                resolved_on = resolved
                response = self.response_text(ro, theme)
                root_cause = rng.choice(ROOT_CAUSES[theme]) if rng.random() < 0.8 else None
                owner = self.staff_name[reporter if rng.random() < 0.7 else unit.manager]
            else:
                if rng.random() < 0.55:
                    status = ConcernStatus.IN_PROGRESS
                    owner = self.staff_name[reporter if rng.random() < 0.6 else unit.manager]
                    if rng.random() < 0.5:
                        response = rng.choice(INTERIM_RESPONSES)
                elif rng.random() < 0.4:
                    owner = self.staff_name[reporter]
            self.record(
                "incident",
                day,
                updated=resolved_on,
                tool_id=self.tool_id[ro.tool],
                unit_id=unit.id,
                reported_by=self.staff_id[reporter],
                raised_by=raised_by,
                occurred_on=self.iso(day),
                theme=theme.value,
                barrier=barrier,
                severity=severity,
                description=description,
                root_cause=root_cause,
                status=status.value,
                response=response,
                owner=owner,
                resolved_on=self.iso(resolved_on) if resolved_on is not None else None,
            )

    def response_text(self, ro: _Rollout, theme: str) -> str:
        """Return a "you said, we did" action that fits the tool and the theme."""
        rng = self.rng
        info = TOOLS[ro.tool]
        options = phrases(info, RESPONSES, theme)
        if theme == Theme.ACCURACY_AND_TRUST and rng.random() < 0.6:
            options = info.accuracy_responses
        text = rng.choice(options).format(tool=info.short)
        return f"{text[0].upper()}{text[1:]}{rng.choice(RESPONSE_AFTERWORD)}"

    # ---- readiness and stories ---------------------------------------------------------------

    def coverage_share(self, ro: _Rollout, day: float) -> float:
        """Return where the unit stands on its training S-curve (0 before training, 1 when done)."""
        if ro.anchor is None:
            return 0.0
        share = _logistic((day - ro.midpoint) / ro.spread)
        return share * (0.45 if ro.unit.lagging else 1.0)

    def build_pulses(self, ro: _Rollout) -> None:
        """Create readiness pulses about every two months; ADKAR means rise with training."""
        rng = self.rng
        n_staff = len(ro.unit.staff)
        day = self.weekday(ro.announce + rng.randint(10, 25))
        while day <= self.end:
            x = self.coverage_share(ro, day)
            later = self.coverage_share(ro, day - 45)
            latest = self.coverage_share(ro, day - 120)
            aware = _logistic((day - ro.announce - 40) / 30)
            if ro.unit.lagging:
                scores = (2.3 + 1.3 * aware, 1.7 + 1.0 * x, 1.6 + 1.6 * x, 1.5 + 1.4 * later, 1.4 + 1.2 * latest)
                cap_desire = 2.8  # the lagging unit's barrier: staff do not yet want the change
            else:
                scores = (2.4 + 1.8 * aware, 2.2 + 1.8 * x, 1.8 + 2.3 * x, 1.6 + 2.3 * later, 1.5 + 2.2 * latest)
                cap_desire = 5.0
            if ro.paused is not None and day >= ro.paused:
                scores = (scores[0], scores[1] - 0.6, scores[2], scores[3] - 0.4, scores[4] - 0.8)
            values = [min(5.0, max(1.0, round(v + rng.uniform(-0.15, 0.15), 1))) for v in scores]
            values[1] = min(values[1], cap_desire)
            respondents = max(3, int(n_staff * rng.uniform(0.18, 0.45)))
            self.record(
                "pulse",
                day,
                unit_id=ro.unit.id,
                tool_id=self.tool_id[ro.tool],
                taken_on=self.iso(day),
                respondents=respondents,
                awareness=values[0],
                desire=values[1],
                knowledge=values[2],
                ability=values[3],
                reinforcement=values[4],
            )
            day = self.weekday(day + rng.randint(52, 70))

    def build_stories(self, ro: _Rollout) -> None:
        """Create success stories once training has landed; measures improve with time."""
        if ro.live is None:
            return
        rng = self.rng
        info = TOOLS[ro.tool]
        day = int(ro.midpoint + 2.2 * ro.spread) + rng.randint(30, 90)
        if ro.unit.lagging:
            day += rng.randint(120, 240)  # one hard-won story, late
        while day <= self.end and (ro.paused is None or day < ro.paused):
            title, summary, measure, (early, settled_value), suffix, source = rng.choice(info.stories)
            # Measures move from their early value towards their settled one as the tool beds in.
            settled = min(1.0, (day - ro.live) / 540)
            value = round(early + (settled_value - early) * (0.5 * settled + 0.5 * rng.random()))
            self.record(
                "story",
                day,
                tool_id=self.tool_id[ro.tool],
                unit_id=ro.unit.id,
                told_on=self.iso(day),
                title=title,
                summary=summary.format(unit=ro.unit.name),
                measure=measure,
                value=f"{value}{suffix}",
                source=source,
            )
            if ro.unit.lagging:
                break
            day += rng.randint(150, 300)

    def build_ideas(self, ro: _Rollout) -> None:
        """Staff ideas from the announcement on: older ones have been decided, some backed by a show of hands."""
        rng = self.rng
        day = ro.announce + rng.randint(10, 60)
        staff = ro.unit.staff
        while day <= self.end:
            title, description = rng.choice(IDEAS)
            age = self.end - day
            if age > 240:
                status = rng.choice(("done", "done", "planned", "not now"))
            elif age > 90:
                status = rng.choice(("planned", "under consideration", "not now", "done"))
            elif age > 30:
                status = rng.choice(("new", "under consideration", "planned"))
            else:
                status = "new"
            suggester = self.staff_id[rng.choice(staff)] if staff and rng.random() < 0.6 else None
            decided = day if status == "new" else min(self.end, day + rng.randint(7, max(8, min(age, 120))))
            idea = self.record(
                "idea",
                day,
                updated=decided,
                tool_id=self.tool_id[ro.tool] if rng.random() < 0.8 else None,
                unit_id=ro.unit.id,
                suggested_by=suggester,
                raised_on=self.iso(day),
                title=title.format(tool=TOOLS[ro.tool].short),
                description=description.format(tool=TOOLS[ro.tool].short),
                status=status,
                status_reason=rng.choice(NOT_NOW_REASONS) if status == "not now" else None,
                status_on=self.iso(decided),
                led_to_rollout_id=None,
                led_to_story_id=None,
            )
            meeting = min(self.end, day + rng.randint(3, 21))
            if rng.random() < 0.7:
                self.record(
                    "idea_support",
                    meeting,
                    idea_id=idea,
                    backed_on=self.iso(meeting),
                    backers=rng.randint(1, 12),
                    backed_by=None,
                )
            backer = self.staff_id[rng.choice(staff)] if staff else None
            if backer is not None and backer != suggester and rng.random() < 0.4:
                self.record(
                    "idea_support", meeting, idea_id=idea, backed_on=self.iso(meeting), backers=1, backed_by=backer
                )
            day += rng.randint(45, 150)

    # ---- mentoring ---------------------------------------------------------------------------

    def build_pairings(self, unit: _Unit, rollouts: list[_Rollout]) -> None:
        """Create a unit's mentoring pairings (a champion and a colleague), most around go-live."""
        rng = self.rng
        end = self.end
        usable = [ro for ro in rollouts if ro.anchor is not None and ro.anchor <= end - 21]
        if not usable:
            return
        first = min(ro.anchor for ro in usable)
        years = (end - first) / 365
        count = round(len(unit.staff) * self.spec.pairings_per_year * years * (0.5 if unit.lagging else 1.0))
        mentees = [s for s in unit.staff if s not in unit.champions and s != unit.manager and self.staff_active[s]]
        if not mentees:
            return
        taken: set[tuple[int, str]] = set()
        pairings = self.rows["pairing"]
        if unit is self.showcase:
            # The pairing a trainer shows first: the showcase champion mentoring Nguyễn Thị Mai.
            ro = min(usable, key=lambda r: r.anchor)
            mentee = next(s for s in unit.staff if self.staff_name[s] == SHOWCASE_PEOPLE[3][0])
            taken.add((mentee, ro.tool))
            self.add_pairing(ro, unit, self.weekday(min(end - 30, ro.anchor + 10)), unit.champions[0], mentee, pairings)
        for _ in range(count):
            ro = rng.choice(usable)
            lo = max(ro.anchor - 14, self.start.toordinal())
            hi = end - 7 if ro.paused is None else ro.paused
            if hi <= lo:
                continue
            if rng.random() < 0.55:
                started = min(hi, lo + int(rng.expovariate(1 / 90)))  # most pairings form around go-live
            else:
                started = rng.randint(lo, hi)
            started = self.weekday(started)
            if started > end:
                continue
            mentee = rng.choice(mentees)
            if (mentee, ro.tool) in taken:
                continue
            taken.add((mentee, ro.tool))
            mentor = rng.choice(unit.champions)
            self.add_pairing(ro, unit, started, mentor, mentee, pairings)

    def add_pairing(
        self, ro: _Rollout, unit: _Unit, started: int, mentor: int, mentee: int, pairings: list[dict[str, Any]]
    ) -> None:
        """Add a pairing and its check-ins: completed, ended early, ongoing, or stalled."""
        rng = self.rng
        end = self.end
        info = TOOLS[ro.tool]
        planned = rng.randint(75, 200)
        interval = rng.randint(7, 14)
        finishes = started + planned <= end - 5
        status = PairingStatus.ACTIVE
        last_day = end  # check-ins stop after this day
        ended_on = None
        if finishes:
            roll = rng.random()
            if roll < (0.6 if unit.lagging else 0.82):
                status, last_day = PairingStatus.COMPLETED, started + planned
            else:
                status = PairingStatus.ENDED
                last_day = started + int(planned * rng.uniform(0.3, 0.7))
        elif started < end - 45 and rng.random() < (0.45 if unit.lagging else 0.10):
            # Stalled: no check-in for over a month; still on the books as active (or paused).
            last_day = rng.randint(started + interval, max(started + interval, end - 35))
            status = PairingStatus.PAUSED if rng.random() < 0.2 else PairingStatus.ACTIVE
        days = []
        day = self.weekday(started + interval)
        # Some pairings lose a month or more to rotas and leave, then pick up again.
        gap_after = rng.randint(1, 4) if rng.random() < 0.12 else -1
        while day <= min(last_day, end):
            days.append(day)
            day = self.weekday(day + interval + rng.randint(-3, 3))
            if len(days) == gap_after:
                day += rng.randint(30, 50)
        if status is PairingStatus.COMPLETED:
            ended_on = min(end, max(days[-1] if days else started, started + planned))
        elif status is PairingStatus.ENDED:
            ended_on = min(end, (days[-1] if days else started) + rng.randint(3, 20))
        c0 = rng.choice((1, 1, 2) if unit.lagging else (1, 2, 2, 3))
        gain = rng.uniform(1.0, 2.0) if status is PairingStatus.ENDED or unit.lagging else rng.uniform(2.0, 3.4)
        full = max(1, planned // interval)
        if status is PairingStatus.COMPLETED:
            progress = rng.choice((100, 100, 100, 95, 90))
        elif status is PairingStatus.ENDED:
            progress = rng.randint(20, 60)
        else:
            progress = min(95, int(100 * len(days) / full))
        goal = rng.choice(info.goals + (SHARED_GOAL,))
        pairing_id = self.new_id()
        created = self.stamp(started)
        touched = ended_on if ended_on is not None else (days[-1] if days else started)
        pairings.append(
            {
                "id": pairing_id,
                "created_at": created,
                "updated_at": created if touched == started else self.stamp(touched),
                "deleted_at": None,
                "mentor_id": self.staff_id[mentor],
                "mentee_id": self.staff_id[mentee],
                "tool_id": self.tool_id[ro.tool],
                "started_on": self.iso(started),
                "goal": goal,
                "progress": progress,
                "status": status.value,
                "ended_on": self.iso(ended_on) if ended_on is not None else None,
            }
        )
        checkins = self.rows["checkin"]
        for k, day in enumerate(days):
            confidence = min(5, max(1, round(c0 + gain * (k + 1) / full + rng.uniform(-0.5, 0.5))))
            band = 0 if confidence <= 2 else (1 if confidence == 3 else 2)
            note = rng.choice(CHECKIN_NOTES[band]).format(tool=info.short)
            if status is PairingStatus.ENDED and k == len(days) - 1:
                note = rng.choice(ENDED_NOTES)
            created = self.stamp(day)
            checkins.append(
                {
                    "id": self.new_id(),
                    "created_at": created,
                    "updated_at": created,
                    "deleted_at": None,
                    "pairing_id": pairing_id,
                    "held_on": self.iso(day),
                    "minutes": rng.randrange(15, 50, 5),
                    "confidence": confidence,
                    "note": note,
                }
            )


_FORMATS = (
    SessionFormat.HANDS_ON,
    SessionFormat.DEMO,
    SessionFormat.HUDDLE,
    SessionFormat.E_LEARNING,
    SessionFormat.ONE_TO_ONE,
)
_FORMAT_WEIGHTS = (34, 18, 28, 8, 12)
# How likely an attendee is signed off at a hands-on or one-to-one session, by why they came.
_SIGN_CHANCE = {"lead": 0.95, "first": 0.75, "refresher": 0.85, "repeat": 0.15}
# minutes low, high; attendees low, high
_FORMAT_SHAPE: dict[SessionFormat, tuple[int, int, int, int]] = {
    SessionFormat.HANDS_ON: (45, 120, 6, 12),
    SessionFormat.DEMO: (30, 60, 8, 18),
    SessionFormat.HUDDLE: (10, 20, 10, 22),
    SessionFormat.E_LEARNING: (30, 60, 2, 8),
    SessionFormat.ONE_TO_ONE: (20, 45, 1, 1),
}


class _NamePool:
    """Draws display names from many cultures, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.cultures = [c[0] for c in NAMES]
        self.weights = [c[1] for c in NAMES]
        self.given = {c[0]: _split(c[2]) for c in NAMES}
        self.family = {c[0]: _split(c[3]) for c in NAMES}

    def reserve(self, names) -> None:
        """Mark names as taken (the showcase people)."""
        self.used.update(names)

    def draw(self) -> str:
        """Return a display name not drawn before."""
        rng = self.rng
        for attempt in range(30):
            culture = rng.choices(self.cultures, self.weights)[0]
            name = self.compose(culture)
            if attempt > 20:
                # A big trust has namesakes; rosters tell them apart by a middle initial.
                name = name.replace(" ", f" {rng.choice('ABCDEFGHJKLMNPRSTW')}. ", 1)
            if name not in self.used:
                self.used.add(name)
                return name
        self.used.add(name)
        return name

    def compose(self, culture: str) -> str:
        """Return a full name in a culture's usual order."""
        rng = self.rng
        if culture == "vietnamese":
            if rng.random() < 0.5:
                return f"{rng.choice(VIET_FAMILY)} Thị {rng.choice(VIET_GIVEN_F)}"
            return f"{rng.choice(VIET_FAMILY)} Văn {rng.choice(VIET_GIVEN_M)}"
        given, gender = rng.choice(self.given[culture])
        # Some colleagues carry a family name from another culture (marriage, heritage).
        family_culture = rng.choices(self.cultures, self.weights)[0] if rng.random() < 0.08 else culture
        if family_culture == "vietnamese":
            family_culture = culture
        family = rng.choice(self.family[family_culture])[0]
        if "|" in family:
            masculine, feminine = family.split("|")
            family = feminine if gender == "f" else masculine if gender == "m" else rng.choice((masculine, feminine))
        return f"{given} {family}"


def _split(text: str) -> list[tuple[str, str]]:
    """Split a name list on spaces ('_' stands for a space inside a name); ':f'/':m' mark gender."""
    out = []
    for part in text.split():
        name, _, gender = part.partition(":")
        out.append((name.replace("_", " "), gender or "x"))
    return out
