"""Every rule a user would expect, each named by field and rule."""

from __future__ import annotations

import pytest

from champion_desk.domain import logbook, signing
from champion_desk.domain.validation import problems, validate
from champion_desk.errors import ValidationError
from champion_desk.store import records
from tests.factories import TODAY, session_values


def rule_for(db, table, values, field, **kw):
    found = {p.field: p.rule for p in problems(db, table, values, today=TODAY, **kw)}
    return found.get(field)


def test_required_fields_and_limits(db, ward):
    assert rule_for(db, "unit", {"name": " "}, "name") == "is required"
    assert rule_for(db, "unit", {"name": "x" * 121}, "name") == "at most 120 characters"
    assert rule_for(db, "unit", {"name": "x" * 120}, "name") is None
    assert rule_for(db, "unit", {"name": "ward 7"}, "name") == "must be unique"  # case-insensitive


@pytest.mark.parametrize(
    "minutes, rule",
    [(0, "between 1 and 600"), (601, "between 1 and 600"), (1, None), (600, None), ("45", "must be a whole number")],
)
def test_session_minutes(db, ward, minutes, rule):
    assert rule_for(db, "training_session", session_values(ward, minutes=minutes), "minutes") == rule


def test_dates_not_in_future_except_planned_sessions(db, ward):
    assert rule_for(db, "training_session", session_values(ward, held_on="2027-01-15"), "held_on") is None
    assert (
        rule_for(db, "training_session", session_values(ward, held_on="2028-01-15"), "held_on")
        == "at most 366 days ahead"
    )
    concern = {
        "tool_id": ward["tool"],
        "unit_id": ward["unit"],
        "occurred_on": "2026-11-27",
        "theme": "job security",
        "severity": "low",
        "status": "open",
    }
    assert rule_for(db, "incident", concern, "occurred_on") == "must not be in the future"
    assert (
        rule_for(db, "incident", {**concern, "occurred_on": "26/11/2026"}, "occurred_on")
        == "must be a date written YYYY-MM-DD"
    )


def test_resolved_not_before_occurred_and_status_consistent(db, ward):
    concern = {
        "tool_id": ward["tool"],
        "unit_id": ward["unit"],
        "occurred_on": "2026-11-10",
        "theme": "job security",
        "severity": "high",
        "status": "addressed",
        "resolved_on": "2026-11-09",
    }
    assert rule_for(db, "incident", concern, "resolved_on") == "must not be before date"
    assert (
        rule_for(db, "incident", {**concern, "resolved_on": None}, "resolved_on")
        == "is required once a concern is addressed or closed"
    )
    assert (
        rule_for(db, "incident", {**concern, "status": "open", "resolved_on": "2026-11-12"}, "resolved_on")
        == "must be empty while the concern is open"
    )
    assert rule_for(db, "incident", {**concern, "theme": "robots"}, "theme").startswith(
        "must be one of: job security, human connection"
    )


def test_mentor_must_be_a_champion_and_not_the_mentee(db, ward):
    pairing = {
        "mentor_id": ward["a"],
        "mentee_id": ward["b"],
        "tool_id": ward["tool"],
        "started_on": "2026-10-01",
        "progress": 10,
        "status": "active",
    }
    assert rule_for(db, "pairing", pairing, "mentor_id") == "must be a champion"
    assert (
        rule_for(db, "pairing", {**pairing, "mentor_id": ward["champion"], "mentee_id": ward["champion"]}, "mentee_id")
        == "must not be the mentor"
    )
    assert (
        rule_for(db, "pairing", {**pairing, "mentor_id": ward["champion"], "progress": 101}, "progress")
        == "between 0 and 100"
    )
    assert problems(db, "pairing", {**pairing, "mentor_id": ward["champion"]}, today=TODAY) == []


def test_scales_are_one_to_five(db, ward):
    sid = logbook.save(db, "training_session", session_values(ward), "t", today=TODAY)
    att = {"session_id": sid, "staff_id": ward["a"], "confidence_before": 0, "confidence_after": 5}
    assert rule_for(db, "attendance", att, "confidence_before") == "between 1 and 5"
    pulse = {
        "unit_id": ward["unit"],
        "tool_id": ward["tool"],
        "taken_on": "2026-11-01",
        "respondents": 12,
        "awareness": 4.2,
        "desire": 2.5,
        "knowledge": 3,
        "ability": 3.1,
        "reinforcement": 5.5,
    }
    assert rule_for(db, "pulse", pulse, "reinforcement") == "between 1 and 5"


def test_countersign_not_by_own_trainer(db, ward):
    sid = logbook.save(db, "training_session", session_values(ward), "t", today=TODAY)
    with pytest.raises(ValidationError) as err:
        logbook.countersign(db, [sid], signing.sign_as(db, ward["champion"], None), "t", on=TODAY)
    assert (err.value.field, err.value.rule) == ("verified_by", "must not be the session's own trainer")
    assert logbook.countersign(db, [sid], signing.sign_as(db, ward["manager"], None), "t", on=TODAY) == 1
    assert records.get(db, "training_session", sid)["verified_by"] == ward["manager"]


def test_one_attendance_per_person_per_session(db, ward):
    with pytest.raises(ValidationError) as err:
        logbook.save_session(
            db, session_values(ward), [{"staff_id": ward["a"]}, {"staff_id": ward["a"]}], "t", today=TODAY
        )
    assert err.value.rule == "one attendance per person per session"
    assert "Nguyễn Thị Mai is listed twice" in err.value.message
    assert records.count(db, "training_session") == 0


def test_validate_raises_first_problem_and_keeps_the_rest(db, ward):
    with pytest.raises(ValidationError) as err:
        validate(db, "story", {"told_on": "2026-13-01"}, today=TODAY)
    fields = {err.value.field} | {p.field for p in err.value.others}
    assert {"tool_id", "title", "told_on"} <= fields
