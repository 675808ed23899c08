"""The rows each page lists: names joined, scope honoured, tombstones hidden, raised_by never in the concerns list."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain import listings
from champion_desk.domain.scope import Scope
from champion_desk.store import records
from tests.factories import TODAY, session_values

NOVEMBER = Scope(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def logged(db, ward):
    """The ward with two sessions (one with attendees), three concerns, a pairing and a story."""
    ids = dict(ward)
    ids["other_unit"] = records.insert(db, "unit", {"name": "Ward 9"}, "t")
    ids["s1"] = records.insert(db, "training_session", session_values(ward, held_on="2026-11-20"), "t")
    ids["s2"] = records.insert(
        db, "training_session", session_values(ward, held_on="2026-10-02", unit_id=ids["other_unit"]), "t"
    )
    for who, before, after, signed in ((ward["a"], 2, 4, 1), (ward["b"], 3, 4, 0)):
        records.insert(
            db,
            "attendance",
            {
                "session_id": ids["s1"],
                "staff_id": who,
                "confidence_before": before,
                "confidence_after": after,
                "signed_off": signed,
            },
            "t",
        )
    concern = {
        "tool_id": ward["tool"],
        "unit_id": ward["unit"],
        "reported_by": ward["champion"],
        "theme": "job security",
    }
    ids["c_open"] = records.insert(
        db, "incident", {**concern, "occurred_on": "2026-11-06", "raised_by": ward["a"]}, "t"
    )
    ids["c_closed"] = records.insert(
        db, "incident", {**concern, "occurred_on": "2026-11-02", "status": "closed", "resolved_on": "2026-11-12"}, "t"
    )
    ids["c_deleted"] = records.insert(db, "incident", {**concern, "occurred_on": "2026-11-03"}, "t")
    records.delete(db, "incident", ids["c_deleted"], "t")
    ids["pairing"] = records.insert(
        db,
        "pairing",
        {"mentor_id": ward["champion"], "mentee_id": ward["a"], "tool_id": ward["tool"], "started_on": "2026-09-01"},
        "t",
    )
    records.insert(db, "checkin", {"pairing_id": ids["pairing"], "held_on": "2026-10-01", "confidence": 3}, "t")
    records.insert(db, "checkin", {"pairing_id": ids["pairing"], "held_on": "2026-11-01", "confidence": 4}, "t")
    ids["story"] = records.insert(
        db, "story", {"tool_id": ward["tool"], "told_on": "2026-11-10", "title": "Notes done by noon"}, "t"
    )
    return ids


def test_sessions_in_scope_with_names_and_counts(db, logged):
    rows = listings.sessions(db, NOVEMBER)
    assert [r["id"] for r in rows] == [logged["s1"]]
    row = rows[0]
    assert (row["tool"], row["unit"], row["trainer"]) == ("Scribe", "Ward 7", "Zoë Adams")
    assert (row["attendees"], row["signed_off"], row["confidence_uplift"], row["countersigned"]) == (2, 1, 1.5, 0)
    assert len(listings.sessions(db, Scope(dt.date(2026, 10, 1), dt.date(2026, 11, 30)))) == 2
    assert [r["id"] for r in listings.sessions(db, Scope(dt.date(2026, 1, 1), TODAY, units=("Ward 9",)))] == [
        logged["s2"]
    ]
    assert listings.sessions(db, Scope(dt.date(2026, 1, 1), TODAY, tools=("Nothing",))) == []


def test_concerns_hide_tombstones_and_never_carry_raised_by(db, logged):
    rows = listings.concerns(db, NOVEMBER, today=TODAY)
    assert {r["id"] for r in rows} == {logged["c_open"], logged["c_closed"]}
    for row in rows:
        assert "raised_by" not in row
        assert "Nguyễn Thị Mai" not in [str(v) for v in row.values()]
    by_id = {r["id"]: r for r in rows}
    assert by_id[logged["c_open"]]["days_open"] == 20 and not by_id[logged["c_open"]]["resolved"]
    assert by_id[logged["c_closed"]]["days_open"] == 10 and by_id[logged["c_closed"]]["resolved"]
    assert by_id[logged["c_open"]]["reported_by_name"] == "Zoë Adams"


def test_person_concerns_are_only_theirs(db, logged, ward):
    assert [r["id"] for r in listings.person_concerns(db, ward["a"], TODAY)] == [logged["c_open"]]
    assert listings.person_concerns(db, ward["b"], TODAY) == []


def test_pairings_overlapping_the_period_with_checkins(db, logged):
    rows = listings.pairings(db, NOVEMBER)
    assert len(rows) == 1
    # Check-ins on 1 Oct and 1 Nov: only November's counts in November, as stats counts them.
    assert (rows[0]["mentor"], rows[0]["mentee"], rows[0]["checkins"], rows[0]["last_checkin"]) == (
        "Zoë Adams",
        "Nguyễn Thị Mai",
        1,
        "2026-11-01",
    )
    assert listings.pairings(db, Scope(dt.date(2026, 1, 1), dt.date(2026, 8, 31))) == []
    assert [c["held_on"] for c in listings.checkins(db, logged["pairing"])] == ["2026-11-01", "2026-10-01"]


def test_stories_pulses_staff_tools(db, logged, ward):
    assert [s["title"] for s in listings.stories(db, NOVEMBER)] == ["Notes done by noon"]
    # A story without a unit is left out once the scope names units.
    assert listings.stories(db, Scope(NOVEMBER.date_from, NOVEMBER.date_to, units=("Ward 7",))) == []
    records.insert(
        db,
        "pulse",
        {
            "unit_id": ward["unit"],
            "tool_id": ward["tool"],
            "taken_on": "2026-11-05",
            "respondents": 8,
            "awareness": 4.2,
            "desire": 2.5,
            "knowledge": 3.0,
            "ability": 1.9,
        },
        "t",
    )
    # Where to act is the first element below 3 (ADKAR's barrier point), not the lowest score.
    assert listings.pulses(db, NOVEMBER)[0]["barrier_point"] == "desire"
    people = {r["display_name"]: r for r in listings.staff(db)}
    assert (
        people["Nguyễn Thị Mai"]["sessions_attended"] == 1 and people["Nguyễn Thị Mai"]["last_trained"] == "2026-11-20"
    )
    assert people["Łukasz Nowak"]["is_manager"] == 1
    assert {r["display_name"] for r in listings.loggers(db)} == {"Zoë Adams", "Łukasz Nowak"}
    records.insert(
        db, "rollout", {"tool_id": ward["tool"], "unit_id": ward["unit"], "stage": "pilot", "since": "2026-01-01"}, "t"
    )
    records.insert(
        db, "rollout", {"tool_id": ward["tool"], "unit_id": ward["unit"], "stage": "live", "since": "2026-06-01"}, "t"
    )
    tool = listings.tools(db)[0]
    assert (tool["units_live"], tool["sessions"]) == (1, 2)
    assert [(r["stage"], r["current"]) for r in listings.rollouts(db, ward["tool"])] == [("live", 1), ("pilot", 0)]


def test_person(db, ward):
    assert listings.person(db, ward["manager"])["is_manager"] == 1
    assert listings.person(db, ward["a"])["unit"] == "Ward 7"
    records.delete(db, "staff", ward["b"], "t")
    assert listings.person(db, ward["b"]) is None


def test_the_session_list_follows_the_period_and_upcoming_lists_every_planned_one(db, ward):
    today = dt.date(2026, 12, 7)
    soon = records.insert(db, "training_session", session_values(ward, held_on="2026-12-15"), "t")
    later = records.insert(db, "training_session", session_values(ward, held_on="2027-02-01"), "t")
    records.insert(db, "training_session", session_values(ward, held_on="2026-11-20"), "t")
    to_today = Scope(dt.date(2026, 11, 1), today)
    # Planned sessions after the period's end are not in its list, however near.
    assert [r["held_on"] for r in listings.sessions(db, to_today, today=today)] == ["2026-11-20"]
    assert listings.planned_after(db, to_today, today=today) == 2
    # A period reaching into the weeks ahead lists what is planned in it, marked planned.
    to_new_year = Scope(dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    rows = listings.sessions(db, to_new_year, today=today)
    assert [(r["id"], r["planned"]) for r in rows][0] == (soon, 1)
    assert listings.planned_after(db, to_new_year, today=today) == 1
    # Upcoming: every planned session in the scope's units and tools, whatever its period.
    for scope in (to_today, Scope(dt.date(2026, 1, 1), dt.date(2026, 3, 31))):
        assert [r["id"] for r in listings.sessions(db, scope, today=today, upcoming=True)] == [later, soon]
    assert listings.sessions(db, Scope(dt.date(2026, 1, 1), today, units=("Ward 9",)), today=today, upcoming=True) == []
