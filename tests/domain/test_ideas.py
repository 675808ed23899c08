"""Staff ideas: rules, dated and audited status changes, support counted once per colleague, undo."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from champion_desk.domain import logbook
from champion_desk.domain.ideas import back_idea, save_idea, support
from champion_desk.errors import PatientIdentifierWarning, ValidationError
from champion_desk.store import records
from tests.factories import TODAY


def idea_values(ward: dict[str, str], **overrides) -> dict:
    """Return valid idea values for ``make_ward``'s ward, with overrides."""
    values = {
        "tool_id": ward["tool"],
        "unit_id": ward["unit"],
        "raised_on": "2026-11-02",
        "title": "Let the scribe draft discharge letters",
        "suggested_by": ward["a"],
    }
    values.update(overrides)
    return values


def test_a_new_idea_is_new_from_the_day_it_was_raised(db, ward):
    idea = save_idea(db, idea_values(ward), "Zoë", today=TODAY)
    row = records.get(db, "idea", idea)
    assert (row["status"], row["status_on"], row["status_reason"]) == ("new", "2026-11-02", None)


def test_any_tool_is_allowed_but_unit_and_title_are_required(db, ward):
    save_idea(db, idea_values(ward, tool_id=None), "Zoë", today=TODAY)
    with pytest.raises(ValidationError) as err:
        save_idea(db, idea_values(ward, unit_id=None, title="  "), "Zoë", today=TODAY)
    assert {err.value.field, *(o.field for o in err.value.others)} == {"unit_id", "title"}


def test_not_now_needs_a_reason(db, ward):
    idea = save_idea(db, idea_values(ward), "Zoë", today=TODAY)
    with pytest.raises(ValidationError) as err:
        save_idea(db, {"status": "not now"}, "Zoë", idea, today=TODAY)
    assert (err.value.field, err.value.rule) == ("status_reason", "is required when the idea is 'not now'")
    save_idea(db, {"status": "not now", "status_reason": "Waiting for the new laptops"}, "Zoë", idea, today=TODAY)
    assert records.get(db, "idea", idea)["status_reason"] == "Waiting for the new laptops"


def test_an_unknown_status_is_refused_naming_the_allowed_ones(db, ward):
    with pytest.raises(ValidationError) as err:
        save_idea(db, idea_values(ward, status="maybe"), "Zoë", today=TODAY)
    assert err.value.field == "status" and "under consideration" in err.value.rule


def test_a_status_change_is_dated_today_and_audited(db, ward):
    idea = save_idea(db, idea_values(ward), "Zoë", today=TODAY)
    save_idea(db, {"status": "planned"}, "Łukasz", idea, today=TODAY)
    row = records.get(db, "idea", idea)
    assert (row["status"], row["status_on"]) == ("planned", TODAY.isoformat())
    audit = db.one("SELECT actor, action, changes FROM audit WHERE record_id = ? AND action = 'update'", (idea,))
    assert audit["actor"] == "Łukasz"
    assert json.loads(audit["changes"])["status"] == ["new", "planned"]
    # Editing the title alone leaves the status date where it was.
    save_idea(db, {"title": "Draft discharge letters"}, "Zoë", idea, today=TODAY + dt.timedelta(days=3))
    assert records.get(db, "idea", idea)["status_on"] == TODAY.isoformat()


def test_leaving_not_now_drops_its_reason(db, ward):
    idea = save_idea(db, idea_values(ward, status="not now", status_reason="No budget"), "Zoë", today=TODAY)
    save_idea(db, {"status": "planned"}, "Zoë", idea, today=TODAY)
    assert records.get(db, "idea", idea)["status_reason"] is None


def test_patient_identifiers_in_an_idea_are_caught(db, ward):
    with pytest.raises(PatientIdentifierWarning):
        save_idea(db, idea_values(ward, description="like for NHS 943 476 5919"), "Zoë", today=TODAY)


def test_support_counts_a_show_of_hands_and_each_named_colleague_once(db, ward):
    idea = save_idea(db, idea_values(ward), "Zoë", today=TODAY)
    back_idea(db, idea, "Zoë", "2026-11-10", backers=6, today=TODAY)
    back_idea(db, idea, "Zoë", "2026-11-11", backed_by=ward["b"], today=TODAY)
    assert support(db, idea) == 7
    with pytest.raises(ValidationError) as err:
        back_idea(db, idea, "Zoë", "2026-11-12", backed_by=ward["b"], today=TODAY)
    assert err.value.rule == "one backing per colleague per idea"
    # Two ward PCs that both logged her backing (a merge keeps both rows) still count her once.
    records.insert(
        db,
        "idea_support",
        {"idea_id": idea, "backed_on": "2026-11-12", "backers": 1, "backed_by": ward["b"]},
        "other PC",
    )
    assert support(db, idea) == 7


def test_backing_rules_name_their_field(db, ward):
    idea = save_idea(db, idea_values(ward), "Zoë", today=TODAY)
    cases = [
        ({"backers": 0}, "backers"),
        ({"backers": 3, "backed_by": ward["b"]}, "backers"),
        ({"backed_by": ward["a"]}, "backed_by"),
        ({"backed_on": "2026-11-01"}, "backed_on"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as err:
            back_idea(db, idea, "Zoë", **{"backed_on": "2026-11-10", **extra}, today=TODAY)
        assert err.value.field == field, extra
    assert support(db, idea) == 0


def test_deleting_an_idea_can_be_undone(db, ward):
    idea = save_idea(db, idea_values(ward), "Zoë", today=TODAY)
    logbook.delete(db, "idea", idea, "Zoë")
    assert records.count(db, "idea") == 0
    logbook.restore(db, "idea", idea, "Zoë")
    assert records.count(db, "idea") == 1
    actions = [r["action"] for r in db.query("SELECT action FROM audit WHERE record_id = ? ORDER BY at", (idea,))]
    assert actions == ["create", "delete", "undelete"]


def test_a_colleagues_journey_shows_the_ideas_they_suggested_or_backed(db, ward):
    from champion_desk.domain.breakdowns import journey

    hers = save_idea(db, idea_values(ward), "Zoë", today=TODAY)
    other = save_idea(db, idea_values(ward, suggested_by=ward["b"], title="Huddles at handover"), "Zoë", today=TODAY)
    back_idea(db, other, "Zoë", "2026-11-09", backed_by=ward["a"], today=TODAY)
    gone = save_idea(db, idea_values(ward, title="Withdrawn"), "Zoë", today=TODAY)
    logbook.delete(db, "idea", gone, "Zoë")
    rows = [r for r in journey(db, ward["a"]) if r["table"] == "idea"]
    assert [(r["date"], r["kind"], r["record_id"]) for r in rows] == [
        ("2026-11-02", "suggested an idea", hers),
        ("2026-11-09", "backed an idea", other),
    ]
    assert rows[1]["summary"] == "Backed “Huddles at handover” (new)"
