"""Series: bucket edges, hand-worked monthly rows, and every row equal to ``stats`` over its dates."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from champion_desk.domain.metrics import THEMES, stats
from champion_desk.domain.scope import Scope
from champion_desk.domain.series import MAX_BUCKETS, ROW_KEYS, SERIES_KEYS, buckets, series
from champion_desk.domain.vocab import Theme
from champion_desk.errors import ValidationError
from champion_desk.store import records
from tests.domain.test_metrics import Q1, build_trust, themes

D = dt.date.fromisoformat


def spans(periods) -> list[tuple[str, str]]:
    return [(a.isoformat(), b.isoformat()) for a, b in periods]


def test_week_buckets_are_iso_weeks_clipped_to_the_scope():
    # 1 Jan 2026 is a Thursday; 20 Jan a Tuesday.
    assert spans(buckets(Scope(D("2026-01-01"), D("2026-01-20")), "week")) == [
        ("2026-01-01", "2026-01-04"),
        ("2026-01-05", "2026-01-11"),
        ("2026-01-12", "2026-01-18"),
        ("2026-01-19", "2026-01-20"),
    ]
    # A scope starting on a Sunday opens with a one-day bucket; one inside a week is one bucket.
    assert spans(buckets(Scope(D("2026-01-04"), D("2026-01-05")), "week")) == [
        ("2026-01-04", "2026-01-04"),
        ("2026-01-05", "2026-01-05"),
    ]
    assert spans(buckets(Scope(D("2026-01-06"), D("2026-01-08")), "week")) == [("2026-01-06", "2026-01-08")]
    # Weeks run across a year end (29 Dec 2025 is a Monday).
    assert ("2025-12-29", "2026-01-04") in spans(buckets(Scope(D("2025-12-01"), D("2026-01-31")), "week"))


def test_month_buckets_are_calendar_months_clipped_to_the_scope():
    assert spans(buckets(Scope(D("2026-01-15"), D("2026-03-10")), "month")) == [
        ("2026-01-15", "2026-01-31"),
        ("2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-10"),
    ]
    assert spans(buckets(Scope(D("2023-12-31"), D("2024-02-29")), "month")) == [
        ("2023-12-31", "2023-12-31"),
        ("2024-01-01", "2024-01-31"),
        ("2024-02-01", "2024-02-29"),
    ]


@given(st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)), st.integers(0, 9000), st.sampled_from(("week", "month")))
@settings(max_examples=200, deadline=None)
def test_too_many_buckets_are_refused_before_any_is_made(start, days, bucket):
    scope = Scope(start, min(start + dt.timedelta(days=days), dt.date(2199, 12, 31)))
    try:
        made = buckets(scope, bucket)
    except ValidationError as exc:
        assert exc.field == "bucket" and f"a series has at most {MAX_BUCKETS:,}" in str(exc)
        assert days > 7 * (MAX_BUCKETS - 1) if bucket == "week" else days > 28 * (MAX_BUCKETS - 1)
    else:
        assert len(made) <= MAX_BUCKETS


@pytest.mark.parametrize("bucket, end", [("week", dt.date(2023, 1, 1)), ("month", dt.date(2099, 12, 31))])
def test_the_bucket_limit_is_exact(bucket, end):
    # 2000-01-03 is a Monday: weeks and months both start on the first day.
    start = dt.date(2000, 1, 3) if bucket == "week" else dt.date(2000, 1, 1)
    step = dt.timedelta(days=7) if bucket == "week" else None
    last_allowed = start + step * MAX_BUCKETS - dt.timedelta(days=1) if step else dt.date(2099, 12, 31)
    assert len(buckets(Scope(start, last_allowed), bucket)) == MAX_BUCKETS
    with pytest.raises(ValidationError, match=f"makes {MAX_BUCKETS + 1:,} {bucket}s"):
        buckets(Scope(start, last_allowed + dt.timedelta(days=1)), bucket)


def test_unknown_bucket_or_series_is_refused(db):
    with pytest.raises(ValidationError) as err:
        buckets(Q1, "fortnight")
    assert err.value.field == "bucket"
    with pytest.raises(ValidationError) as err:
        series(db, "weather", Q1, "month")
    assert err.value.field == "series"


def test_monthly_training_by_hand(db):
    build_trust(db)
    rows = series(db, "training", Q1, "month")
    # Jan: X1 (4 attendances: +2 +0 +4 +2 -> 2.0); covered by 31 Jan: s2 s3 c6 (X1), s7 (X3) -> 4/7.
    # Feb: X6 (s9 +1); s9 covered -> 5/7. Mar: X2 (c1 +1; s2 has no "before"); c1 covered -> 6/7.
    # Signed off all along: s2, c6 (1 Jan), s7 (31 Dec) = 3.
    assert rows == [
        {
            "start": "2026-01-01",
            "end": "2026-01-31",
            "sessions": 1,
            "attendances": 4,
            "training_coverage": 0.5714,
            "signed_off_staff": 3,
            "confidence_uplift": 2.0,
        },
        {
            "start": "2026-02-01",
            "end": "2026-02-28",
            "sessions": 1,
            "attendances": 1,
            "training_coverage": 0.7143,
            "signed_off_staff": 3,
            "confidence_uplift": 1.0,
        },
        {
            "start": "2026-03-01",
            "end": "2026-03-31",
            "sessions": 1,
            "attendances": 2,
            "training_coverage": 0.8571,
            "signed_off_staff": 3,
            "confidence_uplift": 1.0,
        },
    ]


def test_monthly_concerns_by_hand(db):
    build_trust(db)
    rows = series(db, "concerns", Q1, "month")
    # Jan: I1 raised (answered); open at 31 Jan: I5; resolved in Jan: I1 10 d, I4 35 d -> 22.5.
    # Feb: I2 (blank answer), I6 (answered); open at 28 Feb: I2 I5 I6 (resolved 31 Mar); none resolved.
    # Mar: I3 (no answer); open at 31 Mar: I2 I3 I5; I6 resolved 31 Mar after 49 days.
    assert rows == [
        {
            "start": "2026-01-01",
            "end": "2026-01-31",
            "concerns_raised": 1,
            "concerns_by_theme": themes(job_security=1),
            "concerns_open": 1,
            "median_days_to_resolution": 22.5,
            "response_rate": 1.0,
        },
        {
            "start": "2026-02-01",
            "end": "2026-02-28",
            "concerns_raised": 2,
            "concerns_by_theme": themes(job_security=1, human_connection=1),
            "concerns_open": 3,
            "median_days_to_resolution": None,
            "response_rate": 0.5,
        },
        {
            "start": "2026-03-01",
            "end": "2026-03-31",
            "concerns_raised": 1,
            "concerns_by_theme": themes(workload_and_time=1),
            "concerns_open": 3,
            "median_days_to_resolution": 49.0,
            "response_rate": 0.0,
        },
    ]


def test_monthly_mentoring_by_hand(db):
    build_trust(db)
    rows = series(db, "mentoring", Q1, "month")
    # 31 Jan (window from 1 Jan): active P1 P3 P4 P5; check-ins k5 (10 Jan), k1 (20 Jan); P3 stalled
    #   (P4 had k5; P1 and P5 started after 1 Jan).
    # 28 Feb (window from 29 Jan): P4 ended 1 Feb -> P1 P3 P5 active, no check-ins, all three stalled.
    # 31 Mar: as stats over Q1's last day: P1 P2 P3 P5 active; k2 (1 Mar), k4 (2 Mar); P1 P5 stalled.
    assert [(r["pairings_active"], r["checkins"], r["stalled_pairings"]) for r in rows] == [
        (4, 2, 1),
        (3, 0, 3),
        (4, 2, 2),
    ]


def test_empty_buckets_are_included(db):
    build_trust(db)
    scope = Scope(D("2026-06-01"), D("2026-08-31"))
    rows = series(db, "training", scope, "month")
    assert [r["start"] for r in rows] == ["2026-06-01", "2026-07-01", "2026-08-01"]
    # No sessions after April; coverage stays 7/7 (s8 covered by X4 on 1 Apr).
    assert [(r["sessions"], r["attendances"], r["confidence_uplift"], r["training_coverage"]) for r in rows] == [
        (0, 0, None, 1.0)
    ] * 3
    concerns = series(db, "concerns", scope, "month")
    assert [(r["concerns_raised"], r["response_rate"], r["concerns_open"]) for r in concerns] == [(0, None, 3)] * 3


def assert_rows_equal_stats(db, scope: Scope, bucket: str) -> int:
    """Check every figure of every series row against stats over the row's dates; return rows checked."""
    checked = 0
    for name, keys in SERIES_KEYS.items():
        rows = series(db, name, scope, bucket)
        assert spans(buckets(scope, bucket)) == [(r["start"], r["end"]) for r in rows]
        for row in rows:
            expected = stats(db, scope.with_dates(D(row["start"]), D(row["end"])))
            assert {k: row[k] for k in keys} == {k: expected[k] for k in keys}, (name, row["start"])
            checked += 1
    return checked


@pytest.mark.parametrize("units,tools", [((), ()), (("Ward A",), ()), (("Ward B",), ("Scribe",)), ((), ("Sepsis",))])
def test_rows_equal_stats_on_the_hand_fixture(db, units, tools):
    build_trust(db)
    # From mid-December to mid-May: clipped first and last weeks and months, empty weeks in April and May.
    scope = Scope(D("2025-12-17"), D("2026-05-13"), units, tools)
    assert assert_rows_equal_stats(db, scope, "week") > len(SERIES_KEYS) * 20
    assert assert_rows_equal_stats(db, scope, "month") == len(SERIES_KEYS) * 6
    # Scopes whose first bucket ends on the day something opens: I2 raised on Sunday 1 Feb, P2 started
    # on Sunday 1 Mar (a one-day first week), so the running counts must not count them twice.
    for start in ("2026-02-01", "2026-03-01"):
        assert_rows_equal_stats(db, Scope(D(start), D("2026-04-30"), units, tools), "week")
        assert_rows_equal_stats(db, Scope(D(start), D("2026-04-30"), units, tools), "month")


def build_random(db, seed: int) -> None:
    """Fill the database with a seeded jumble of records over 2025–2026, tombstones and all."""
    rnd = random.Random(seed)
    start = D("2025-01-01")

    def day(span: int = 600) -> str:
        return (start + dt.timedelta(days=rnd.randrange(span))).isoformat()

    def later(after: str, most: int) -> str:
        return (D(after) + dt.timedelta(days=rnd.randrange(most))).isoformat()

    def maybe_delete(table: str, record_id: str) -> None:
        if rnd.random() < 0.1:
            records.delete(db, table, record_id, "test")

    with db.transaction():
        units = [records.insert(db, "unit", {"name": name}, "t") for name in ("Ward A", "Ward B", "Ward C")]
        tools = [records.insert(db, "tool", {"name": name, "stage": "live"}, "t") for name in ("Scribe", "Sepsis")]
        staff = []
        for n in range(30):
            staff.append(
                records.insert(
                    db,
                    "staff",
                    {
                        "display_name": f"P{n}",
                        "unit_id": rnd.choice(units),
                        "is_champion": int(n % 6 == 0),
                        "active": int(rnd.random() > 0.1),
                    },
                    "t",
                )
            )
            maybe_delete("staff", staff[-1])
        for _ in range(60):
            sid = records.insert(
                db,
                "training_session",
                {
                    "tool_id": rnd.choice(tools),
                    "unit_id": rnd.choice(units),
                    "trainer_id": staff[0],
                    "held_on": day(),
                    "minutes": 30,
                    "format": "demo",
                },
                "t",
            )
            for who in rnd.sample(staff, rnd.randrange(0, 5)):
                before = rnd.choice([None, 1, 2, 3])
                aid = records.insert(
                    db,
                    "attendance",
                    {
                        "session_id": sid,
                        "staff_id": who,
                        "confidence_before": before,
                        "confidence_after": rnd.choice([None, 3, 4, 5]),
                        "signed_off": int(rnd.random() < 0.4),
                    },
                    "t",
                )
                maybe_delete("attendance", aid)
            maybe_delete("training_session", sid)
        for _ in range(120):
            occurred = day()
            resolved = later(occurred, 90) if rnd.random() < 0.7 else None
            iid = records.insert(
                db,
                "incident",
                {
                    "tool_id": rnd.choice(tools),
                    "unit_id": rnd.choice(units),
                    "occurred_on": occurred,
                    "theme": rnd.choice(list(Theme)).value,
                    "resolved_on": resolved,
                    "response": rnd.choice([None, "", "  ", "Acted on it"]),
                },
                "t",
            )
            maybe_delete("incident", iid)
        for _ in range(40):
            started = day()
            ended = later(started, 200) if rnd.random() < 0.5 else None
            pid = records.insert(
                db,
                "pairing",
                {
                    "mentor_id": staff[0],
                    "mentee_id": rnd.choice(staff),
                    "tool_id": rnd.choice(tools),
                    "started_on": started,
                    "ended_on": ended,
                },
                "t",
            )
            for _ in range(rnd.randrange(0, 6)):
                cid = records.insert(db, "checkin", {"pairing_id": pid, "held_on": later(started, 250)}, "t")
                maybe_delete("checkin", cid)
            maybe_delete("pairing", pid)
        # Last, so the rows above stay as they were before ideas existed.
        for _ in range(50):
            raised = day()
            status = rnd.choice(["new", "under consideration", "planned", "done", "not now"])
            idea = records.insert(
                db,
                "idea",
                {
                    "unit_id": rnd.choice(units),
                    "tool_id": rnd.choice([*tools, None]),
                    "raised_on": raised,
                    "status_on": later(raised, 120),
                    "title": "idea",
                    "status": status,
                    "status_reason": "later" if status == "not now" else None,
                },
                "t",
            )
            maybe_delete("idea", idea)


@pytest.mark.parametrize("seed", [1, 2])
def test_rows_equal_stats_on_a_random_fixture(db, seed):
    build_random(db, seed)
    for units, tools in [((), ()), (("Ward A", "Ward C"), ()), (("Ward B",), ("Sepsis",))]:
        scope = Scope(D("2025-03-19"), D("2026-02-10"), units, tools)
        assert_rows_equal_stats(db, scope, "week")
        assert_rows_equal_stats(db, scope, "month")


def test_random_fixture_has_something_in_most_buckets(db):
    # Guards the equality test above against a fixture so sparse that it compares zeros with zeros.
    build_random(db, 1)
    rows = series(db, "concerns", Scope(D("2025-03-19"), D("2026-02-10")), "month")
    assert sum(1 for r in rows if r["concerns_raised"]) >= 9
    mentoring = series(db, "mentoring", Scope(D("2025-03-19"), D("2026-02-10")), "month")
    assert any(r["stalled_pairings"] for r in mentoring) and any(r["checkins"] for r in mentoring)
    ideas = series(db, "ideas", Scope(D("2025-03-19"), D("2026-02-10")), "month")
    assert sum(1 for r in ideas if r["ideas_raised"]) >= 9 and sum(1 for r in ideas if r["ideas_done"]) >= 4


def test_units_series_carries_the_scope_and_each_unit(db):
    build_trust(db)
    rows = series(db, "units", Q1, "week")
    # Per unit, as stats with that unit alone: A 3 staff / 1 champion, all covered, s2 signed;
    # B 4 / 1, c6 s7 s9 covered, c6 s7 signed.
    assert rows == [
        {
            "start": "2026-01-01",
            "end": "2026-03-31",
            "unit": "Ward A",
            "staff_active": 3,
            "champions_active": 1,
            "staff_per_champion": 3.0,
            "training_coverage": 1.0,
            "signed_off_staff": 1,
        },
        {
            "start": "2026-01-01",
            "end": "2026-03-31",
            "unit": "Ward B",
            "staff_active": 4,
            "champions_active": 1,
            "staff_per_champion": 4.0,
            "training_coverage": 0.75,
            "signed_off_staff": 2,
        },
    ]


def test_readiness_series_rows_carry_the_scope(db):
    ids = build_trust(db)
    records.insert(
        db,
        "pulse",
        {
            "unit_id": ids["uA"],
            "tool_id": ids["tS"],
            "taken_on": "2026-02-01",
            "respondents": 8,
            "awareness": 4,
            "desire": 2.5,
            "knowledge": 3,
            "ability": 3,
            "reinforcement": 3,
        },
        "t",
    )
    rows = series(db, "readiness", Q1, "month")
    assert len(rows) == 1
    assert rows[0]["start"] == "2026-01-01" and rows[0]["end"] == "2026-03-31"
    assert (rows[0]["unit"], rows[0]["tool"], rows[0]["barrier_point"]) == ("Ward A", "Scribe", "desire")


def test_theme_columns_cover_every_theme(db):
    build_trust(db)
    for row in series(db, "concerns", Q1, "week"):
        assert list(row["concerns_by_theme"]) == list(THEMES)


def test_row_keys_list_every_key_of_every_series_in_order(db):
    ids = build_trust(db)
    records.insert(
        db,
        "pulse",
        {
            "unit_id": ids["uB"],
            "tool_id": ids["tP"],
            "taken_on": "2026-01-05",
            "respondents": 3,
            "awareness": 3,
            "desire": 3,
            "knowledge": 3,
            "ability": 3,
            "reinforcement": 3,
        },
        "t",
    )
    for name in ROW_KEYS:
        rows = series(db, name, Q1, "month")
        assert rows and all(tuple(row) == ROW_KEYS[name] for row in rows), name


@pytest.mark.slow
def test_rows_equal_stats_on_the_demo_data(tmp_path):
    # The demo's story (S-curves, go-live peaks, stalled pairings) exercises every figure at once.
    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database

    end = D("2026-11-26")
    with open_database(tmp_path / "ward.db") as ward:
        generate_demo(ward, "ward", seed=1, end=end)
        assert assert_rows_equal_stats(ward, Scope.last_months(12, end), "week") == len(SERIES_KEYS) * 53
    with open_database(tmp_path / "hospital.db") as hospital:
        generate_demo(hospital, "hospital", seed=1, end=end)
        unit = hospital.scalar("SELECT name FROM unit ORDER BY name LIMIT 1")
        tool = hospital.scalar("SELECT name FROM tool ORDER BY name LIMIT 1")
        assert_rows_equal_stats(hospital, Scope.last_months(12, end), "month")
        assert_rows_equal_stats(hospital, Scope.last_months(12, end, units=(unit,), tools=(tool,)), "month")
        assert sum(r["sessions"] for r in series(hospital, "training", Scope.last_months(12, end), "month")) > 100


def test_a_label_carries_its_year_first_and_where_the_year_changes():
    from champion_desk.domain.series import years_to_print

    # Unlabelled buckets (None) neither print a year nor reset it.
    assert years_to_print([2025, None, 2026, 2026, None, 2026]) == [True, False, True, False, False, False]
    assert years_to_print([None, 2026, 2026]) == [False, True, False]
    assert years_to_print([]) == []
