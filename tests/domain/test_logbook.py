"""Save operations: one transaction, identifier warnings, sessions with attendees."""

from __future__ import annotations

import pytest

from champion_desk.domain import logbook
from champion_desk.errors import PatientIdentifierWarning, ValidationError
from champion_desk.store import records
from tests.factories import TODAY, session_values


def test_session_with_attendees_lands_whole(db, ward):
    attendees = [
        {
            "staff_id": ward["a"],
            "confidence_before": 2,
            "confidence_after": 4,
            "signed_off": True,
            "signed_off_by": ward["champion"],
            "signed_off_on": "2026-11-20",
        },
        {"staff_id": ward["b"], "confidence_before": 3, "confidence_after": 3},
    ]
    sid = logbook.save_session(db, session_values(ward), attendees, "Zoë", today=TODAY)
    rows = records.find(db, "attendance", session_id=sid, order_by="confidence_before")
    assert [(r["staff_id"], r["signed_off"]) for r in rows] == [(ward["a"], 1), (ward["b"], 0)]
    audit = db.query('SELECT "table", action FROM audit WHERE actor = ?', ("Zoë",))
    assert sorted((a["table"], a["action"]) for a in audit) == [
        ("attendance", "create"),
        ("attendance", "create"),
        ("training_session", "create"),
    ]


def test_a_bad_attendee_leaves_nothing_behind(db, ward):
    attendees = [{"staff_id": ward["a"], "confidence_before": 2}, {"staff_id": ward["b"], "confidence_after": 9}]
    with pytest.raises(ValidationError) as err:
        logbook.save_session(db, session_values(ward), attendees, "Zoë", today=TODAY)
    assert err.value.field == "attendees.1.confidence_after"
    assert "Siobhán Ó Briain" in err.value.message
    assert records.count(db, "training_session") == 0 and records.count(db, "attendance") == 0
    assert db.scalar("SELECT count(*) FROM audit WHERE actor = 'Zoë'") == 0


def test_editing_the_attendee_list_tombstones_removed_people(db, ward):
    sid = logbook.save_session(
        db, session_values(ward), [{"staff_id": ward["a"]}, {"staff_id": ward["b"]}], "Zoë", today=TODAY
    )
    logbook.save_session(
        db,
        session_values(ward, minutes=30),
        [{"staff_id": ward["b"], "confidence_before": 2}],
        "Zoë",
        session_id=sid,
        today=TODAY,
    )
    live = records.find(db, "attendance", session_id=sid)
    assert [(r["staff_id"], r["confidence_before"]) for r in live] == [(ward["b"], 2)]
    assert len(records.find(db, "attendance", include_deleted=True, session_id=sid)) == 2
    assert records.get(db, "training_session", sid)["minutes"] == 30


def test_patient_identifier_must_be_acknowledged(db, ward):
    values = {
        "tool_id": ward["tool"],
        "unit_id": ward["unit"],
        "occurred_on": "2026-11-10",
        "theme": "privacy and data",
        "description": "Worried the scribe stored 943 476 5919",
    }
    with pytest.raises(PatientIdentifierWarning) as warn:
        logbook.save(db, "incident", values, "Zoë", today=TODAY)
    assert warn.value.findings == [("description", "an NHS number")]
    assert records.count(db, "incident") == 0
    logbook.save(db, "incident", values, "Zoë", acknowledge_identifiers=True, today=TODAY)
    assert records.count(db, "incident") == 1


def test_update_merges_with_the_stored_record_before_validating(db, ward):
    cid = logbook.save(
        db,
        "incident",
        {"tool_id": ward["tool"], "unit_id": ward["unit"], "occurred_on": "2026-11-10", "theme": "workload and time"},
        "Zoë",
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="Resolved date is required"):
        logbook.save(db, "incident", {"status": "closed"}, "Zoë", record_id=cid, today=TODAY)
    logbook.save(
        db,
        "incident",
        {"status": "closed", "resolved_on": "2026-11-12", "response": "Protected 15 minutes per shift"},
        "Zoë",
        record_id=cid,
        today=TODAY,
    )
    assert records.get(db, "incident", cid)["status"] == "closed"


def test_delete_and_restore(db, ward):
    cid = logbook.save(
        db, "story", {"tool_id": ward["tool"], "told_on": "2026-11-01", "title": "Home on time"}, "Zoë", today=TODAY
    )
    logbook.delete(db, "story", cid, "Zoë")
    assert records.count(db, "story") == 0
    logbook.restore(db, "story", cid, "Zoë")
    assert records.count(db, "story") == 1


def test_a_held_session_needs_an_attendee_but_a_planned_one_does_not(db, ward):
    with pytest.raises(ValidationError) as err:
        logbook.save_session(db, session_values(ward), [], "Zoë", today=TODAY)
    assert (err.value.field, err.value.rule) == ("attendees", "at least one attendee once the session is held")
    assert records.count(db, "training_session") == 0
    planned = logbook.save_session(db, session_values(ward, held_on="2026-12-10"), [], "Zoë", today=TODAY)
    assert records.get(db, "training_session", planned)["held_on"] == "2026-12-10"
