"""Per-unit breakdowns, readiness pulses, refreshers due and a colleague's journey, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain.breakdowns import barrier_point, journey, readiness, refreshers_due, unit_breakdown
from champion_desk.domain.metrics import stats
from champion_desk.domain.scope import Scope
from champion_desk.errors import NotFoundError, ValidationError
from champion_desk.store import records
from tests.domain.test_metrics import Q1, build_trust

D = dt.date.fromisoformat


def test_unit_breakdown_rows_equal_stats_with_that_unit(db):
    build_trust(db)
    rows = unit_breakdown(db, Q1)
    assert [r["unit"] for r in rows] == ["Ward A", "Ward B"]  # the deleted "Ward Gone" is not listed
    for row in rows:
        one = stats(db, Scope(Q1.date_from, Q1.date_to, (row["unit"],)))
        for key in ("staff_active", "champions_active", "staff_per_champion", "training_coverage", "signed_off_staff"):
            assert row[key] == one[key], (row["unit"], key)
    # By hand: A 3 staff, 1 champion, all covered, s2 signed; B 4, 1, 3 of 4 covered, 2 signed.
    # Nobody's sign-off is older than its refresher at 31 Mar (the oldest, s7's, is 31 Dec 2025 + 12 months).
    assert [
        (r["staff_active"], r["staff_per_champion"], r["training_coverage"], r["signed_off_staff"], r["refreshers_due"])
        for r in rows
    ] == [
        (3, 3.0, 1.0, 1, 0),
        (4, 4.0, 0.75, 2, 0),
    ]


def test_unit_breakdown_of_a_unit_without_staff_has_nulls(db):
    records.insert(db, "unit", {"name": "Empty ward"}, "t")
    assert unit_breakdown(db, Q1) == [
        {
            "unit": "Empty ward",
            "staff_active": 0,
            "champions_active": 0,
            "staff_per_champion": None,
            "training_coverage": None,
            "signed_off_staff": 0,
            "refreshers_due": 0,
        }
    ]


def test_barrier_point_is_the_first_element_below_three():
    assert barrier_point({"awareness": 4, "desire": 2.9, "knowledge": 1, "ability": 5, "reinforcement": 1}) == "desire"
    assert barrier_point({"awareness": 3, "desire": 3, "knowledge": 3, "ability": 3, "reinforcement": 3}) is None
    assert (
        barrier_point({"awareness": None, "desire": 3, "knowledge": None, "ability": 3, "reinforcement": 2})
        == "reinforcement"
    )


@pytest.fixture
def pulses(db):
    ids = {}
    ids["A"] = records.insert(db, "unit", {"name": "Ward A"}, "t")
    ids["B"] = records.insert(db, "unit", {"name": "Ward B"}, "t")
    ids["S"] = records.insert(db, "tool", {"name": "Scribe"}, "t")
    ids["P"] = records.insert(db, "tool", {"name": "Sepsis"}, "t")

    def pulse(unit, tool, taken_on, scores, deleted=False):
        values = dict(zip(("awareness", "desire", "knowledge", "ability", "reinforcement"), scores))
        pid = records.insert(
            db,
            "pulse",
            {"unit_id": ids[unit], "tool_id": ids[tool], "taken_on": taken_on, "respondents": 10, **values},
            "t",
        )
        if deleted:
            records.delete(db, "pulse", pid, "t")

    pulse("A", "S", "2026-01-10", (4, 3.5, 2.5, 2, 4))
    pulse("A", "S", "2026-03-01", (4, 2.9, 2, 3, 3))  # latest on or before 31 Mar
    pulse("A", "S", "2026-04-10", (5, 5, 5, 5, 5))  # after the scope: ignored
    pulse("A", "P", "2025-06-01", (3, 3, 3, 3, 3))  # before the scope but still the latest
    pulse("B", "S", "2026-01-15", (None, 2, 4, 4, 4))
    pulse("B", "S", "2026-02-01", (1, 1, 1, 1, 1), deleted=True)
    return ids


def test_readiness_takes_the_latest_live_pulse_per_unit_and_tool(db, pulses):
    rows = readiness(db, Q1)
    assert [(r["unit"], r["tool"], r["taken_on"], r["desire"], r["barrier_point"]) for r in rows] == [
        ("Ward A", "Scribe", "2026-03-01", 2.9, "desire"),
        ("Ward A", "Sepsis", "2025-06-01", 3.0, None),
        ("Ward B", "Scribe", "2026-01-15", 2.0, "desire"),  # no awareness score: skipped
    ]
    assert set(rows[0]) == {
        "unit",
        "tool",
        "taken_on",
        "respondents",
        "awareness",
        "desire",
        "knowledge",
        "ability",
        "reinforcement",
        "barrier_point",
    }
    # In February the latest A/Scribe pulse is January's: knowledge 2.5 is the first below 3.
    feb = readiness(db, Scope(D("2026-02-01"), D("2026-02-28"), ("Ward A",), ("Scribe",)))
    assert [(r["taken_on"], r["barrier_point"]) for r in feb] == [("2026-01-10", "knowledge")]
    assert readiness(db, Scope(D("2025-01-01"), D("2025-05-31"))) == []


@pytest.fixture
def signoffs(db):
    ids = {}
    ids["A"] = records.insert(db, "unit", {"name": "Ward A"}, "t")
    ids["B"] = records.insert(db, "unit", {"name": "Ward B"}, "t")
    ids["S"] = records.insert(db, "tool", {"name": "Scribe", "refresher_months": 12}, "t")
    ids["P"] = records.insert(db, "tool", {"name": "Sepsis", "refresher_months": 6}, "t")
    ids["N"] = records.insert(db, "tool", {"name": "Notes"}, "t")  # no refresher
    ids["trainer"] = records.insert(
        db, "staff", {"display_name": "Trainer", "unit_id": ids["A"], "is_champion": 1}, "t"
    )

    def person(key, unit, active=1):
        ids[key] = records.insert(db, "staff", {"display_name": key, "unit_id": ids[unit], "active": active}, "t")

    def signed(who, tool, held_on, signed_on="same", signed_off=1, deleted=False):
        sid = records.insert(
            db,
            "training_session",
            {
                "tool_id": ids[tool],
                "unit_id": ids["A"],
                "trainer_id": ids["trainer"],
                "held_on": held_on,
                "minutes": 30,
                "format": "demo",
            },
            "t",
        )
        aid = records.insert(
            db,
            "attendance",
            {
                "session_id": sid,
                "staff_id": ids[who],
                "signed_off": signed_off,
                "signed_off_on": (held_on if signed_on == "same" else signed_on) if signed_off else None,
            },
            "t",
        )
        if deleted:
            records.delete(db, "attendance", aid, "t")

    for key, unit in (
        ("s1", "A"),
        ("s2", "A"),
        ("s3", "A"),
        ("s4", "B"),
        ("s6", "B"),
        ("s7", "A"),
        ("s8", "A"),
        ("s9", "B"),
    ):
        person(key, unit)
    person("s5", "B", active=0)
    signed("s1", "S", "2025-03-20", "2025-03-31")  # due 31 Mar 2026: on the scope's last day -> due
    signed("s2", "S", "2025-04-01")  # due 1 Apr 2026: one day after -> not yet
    signed("s3", "S", "2024-01-10")
    signed("s3", "S", "2025-06-01")  # the latest sign-off counts: due 1 Jun 2026
    signed("s4", "P", "2025-08-31")  # + 6 months = 28 Feb 2026 (clamped) -> due
    signed("s5", "S", "2024-01-01")  # inactive -> not listed
    signed("s6", "N", "2020-01-01")  # tool without refresher -> not listed
    signed("s7", "S", "2024-01-01", deleted=True)  # deleted sign-off
    signed("s7", "S", "2024-02-01", signed_off=0)  # attended, never signed off
    signed("s8", "S", "2024-02-01")  # due 1 Feb 2025
    signed("s8", "S", "2026-04-05")  # after the scope's end: not seen as of 31 Mar
    signed("s9", "S", "2025-01-15", signed_on=None)  # signed, no date: the session's date -> due 15 Jan 2026
    return ids


def test_refreshers_due_by_hand(db, signoffs):
    rows = refreshers_due(db, Q1)
    assert [(r["display_name"], r["unit"], r["tool"], r["signed_off_on"], r["due_on"]) for r in rows] == [
        ("s8", "Ward A", "Scribe", "2024-02-01", "2025-02-01"),
        ("s9", "Ward B", "Scribe", "2025-01-15", "2026-01-15"),
        ("s4", "Ward B", "Sepsis", "2025-08-31", "2026-02-28"),
        ("s1", "Ward A", "Scribe", "2025-03-31", "2026-03-31"),
    ]
    assert rows[0]["staff_id"] == signoffs["s8"]
    # Looking one day ahead adds s2 (due 1 Apr 2026).
    ahead = refreshers_due(db, Q1, within_days=1)
    assert [r["display_name"] for r in ahead] == ["s8", "s9", "s4", "s1", "s2"]
    assert [r["display_name"] for r in refreshers_due(db, Scope(Q1.date_from, Q1.date_to, ("Ward A",)))] == ["s8", "s1"]
    assert [r["display_name"] for r in refreshers_due(db, Scope(Q1.date_from, Q1.date_to, (), ("Sepsis",)))] == ["s4"]
    # Per unit: A s8 s1, B s9 s4.
    assert [(r["unit"], r["refreshers_due"]) for r in unit_breakdown(db, Q1)] == [("Ward A", 2), ("Ward B", 2)]


def test_journey_of_a_colleague_in_date_order(db):
    ids = build_trust(db)
    rows = journey(db, ids["s2"])
    assert [(r["date"], r["kind"], r["table"], r["record_id"]) for r in rows] == [
        ("2026-01-01", "attended", "attendance", ids["a1"]),
        ("2026-01-01", "signed off", "attendance", ids["a1"]),
        ("2026-01-15", "mentored", "pairing", ids["P1"]),  # P6 (deleted) is left out
        ("2026-01-20", "check-in", "checkin", ids["k1"]),
        ("2026-03-01", "check-in", "checkin", ids["k2"]),
        ("2026-03-31", "attended", "attendance", ids["a5"]),
    ]
    assert rows[0]["summary"] == "Attended a hands-on session on Scribe (Ward A)"
    assert rows[2]["summary"] == "Mentored by Ama on Scribe"
    assert rows[3]["summary"] == "Mentoring check-in with Ama on Scribe"


def test_journey_of_a_champion_counts_every_role(db):
    ids = build_trust(db)
    records.insert(
        db,
        "incident",
        {
            "tool_id": ids["tS"],
            "unit_id": ids["uA"],
            "raised_by": ids["c1"],
            "occurred_on": "2026-02-20",
            "theme": "workload and time",
        },
        "t",
    )
    kinds: dict[str, int] = {}
    for row in journey(db, ids["c1"]):
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    # Trained X1 X2 X3 X4 X6 (X5 deleted); signed off a1 a3 a4 a7 (a9's session deleted); attended X2;
    # logged I1-I6, I8 (I7 deleted); raised the new one (logged by nobody); mentor of P1 P2 P7; P1's two check-ins.
    assert kinds == {
        "trained": 5,
        "signed off a colleague": 4,
        "attended": 1,
        "logged a concern": 7,
        "raised a concern": 1,
        "mentoring": 3,
        "check-in": 2,
    }
    dates = [r["date"] for r in journey(db, ids["c1"])]
    assert dates == sorted(dates)


def test_journey_of_an_unknown_colleague_is_not_found(db):
    with pytest.raises(NotFoundError):
        journey(db, "no-such-id")


def test_breakdowns_refuse_unknown_names(db):
    build_trust(db)
    for fn in (unit_breakdown, readiness, refreshers_due):
        with pytest.raises(ValidationError):
            fn(db, Scope(Q1.date_from, Q1.date_to, ("Ward Z",)))
