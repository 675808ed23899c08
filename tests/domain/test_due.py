"""Who is due training, worked out by hand on a small ward; invitations kept through session edits."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain import logbook
from champion_desk.domain.due import missed_two_in_a_row, who_is_due
from champion_desk.errors import ValidationError
from champion_desk.store import records
from tests.factories import TODAY, session_values


def _signed(staff_id, signer, on):
    return {"staff_id": staff_id, "signed_off": 1, "signed_off_by": signer, "signed_off_on": on}


@pytest.fixture
def due_ward(db, ward):
    return make_due_ward(db, ward)


def make_due_ward(db, ward):
    """The ward on 26 Nov 2026, Scribe's refresher every 12 months.

    Mai signed off 10 Nov 2025 (expired 10 Nov 2026); Siobhán signed off 10 Dec 2025 (refresher due
    10 Dec 2026); Łukasz attended without sign-off (trained, not due); Carys was invited to two held
    sessions and came to neither; Dev never trained; Erin is invited to a planned session; Zoë ran them.
    """
    unit = ward["unit"]
    ward["c"] = records.insert(db, "staff", {"display_name": "Carys Jones", "unit_id": unit, "role": "HCA"}, "t")
    ward["d"] = records.insert(db, "staff", {"display_name": "Dev Patel", "unit_id": unit, "role": "HCA"}, "t")
    ward["e"] = records.insert(db, "staff", {"display_name": "Erin Walsh", "unit_id": unit, "role": "HCA"}, "t")
    other = records.insert(db, "unit", {"name": "Ward 9"}, "t")
    records.insert(db, "staff", {"display_name": "Fay Other", "unit_id": other}, "t")
    save = logbook.save_session
    z = ward["champion"]
    save(
        db,
        session_values(ward, held_on="2025-11-10"),
        [_signed(ward["a"], z, "2025-11-10"), {"staff_id": ward["manager"]}],
        "t",
        today=TODAY,
    )
    save(db, session_values(ward, held_on="2025-12-10"), [_signed(ward["b"], z, "2025-12-10")], "t", today=TODAY)
    ward["s_sep"] = save(
        db,
        session_values(ward, held_on="2026-09-01"),
        [{"staff_id": ward["manager"]}],
        "t",
        today=TODAY,
        invited=[ward["c"], ward["manager"]],
    )
    ward["s_oct"] = save(
        db,
        session_values(ward, held_on="2026-10-01"),
        [{"staff_id": ward["manager"]}],
        "t",
        today=TODAY,
        invited=[ward["c"]],
    )
    ward["planned"] = save(
        db, session_values(ward, held_on="2026-12-05", starts_at="14:00"), [], "t", today=TODAY, invited=[ward["e"]]
    )
    # For the sheet and the calendar: another tool's planned session, so Scribe's figures above stand.
    triage = records.insert(db, "tool", {"name": "Triage Helper", "stage": "pilot"}, "t")
    ward["planned_full"] = save(
        db,
        session_values(
            ward, tool_id=triage, held_on="2026-12-05", starts_at="14:00", place="Seminar room 2", minutes=60
        ),
        [],
        "t",
        today=TODAY,
        invited=[ward["e"], ward["c"], ward["d"], ward["a"]],
    )
    return ward


def test_who_is_due_by_hand(db, due_ward):
    rows = who_is_due(db, "scribe", ["ward 7"], within_days=30, today=TODAY)
    got = [(r["display_name"], r["reason"], r["due_on"]) for r in rows]
    # Grouped by role (HCA before nurse before no role), most urgent first within each group.
    assert got == [
        ("Carys Jones", "missed_last", "2026-10-01"),
        ("Dev Patel", "never_trained", "2026-11-26"),
        ("Nguyễn Thị Mai", "signoff_expired", "2026-11-10"),
        ("Siobhán Ó Briain", "refresher_due", "2026-12-10"),
    ]
    assert {r["unit"] for r in rows} == {"Ward 7"} and all(r["staff_id"] for r in rows)
    # Within 10 days Siobhán's refresher (14 days off) is not yet due; Ward 9 alone holds only Fay.
    assert "Siobhán Ó Briain" not in [
        r["display_name"] for r in who_is_due(db, "Scribe", ["Ward 7"], within_days=10, today=TODAY)
    ]
    assert [r["display_name"] for r in who_is_due(db, "Scribe", ["Ward 9"], today=TODAY)] == ["Fay Other"]
    # Erin counts again once the planned session is the one being filled.
    again = who_is_due(db, "Scribe", today=TODAY, exclude_session=due_ward["planned"])
    assert ("Erin Walsh", "never_trained") in [(r["display_name"], r["reason"]) for r in again]


def test_who_is_due_names_the_field_it_cannot_use(db, due_ward):
    with pytest.raises(ValidationError) as exc:
        who_is_due(db, "Nope", today=TODAY)
    assert exc.value.field == "tool" and "Scribe" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        who_is_due(db, "Scribe", ["Ward 99"], today=TODAY)
    assert exc.value.field == "unit"
    with pytest.raises(ValidationError) as exc:
        who_is_due(db, "Scribe", within_days=-1, today=TODAY)
    assert exc.value.field == "within"


def test_missed_two_in_a_row_and_attending_since_clears_it(db, due_ward):
    assert [(r["display_name"], r["tool"], r["last_missed_on"]) for r in missed_two_in_a_row(db, TODAY)] == [
        ("Carys Jones", "Scribe", "2026-10-01")
    ]
    logbook.save_session(
        db, session_values(due_ward, held_on="2026-11-20"), [{"staff_id": due_ward["c"]}], "t", today=TODAY
    )
    assert missed_two_in_a_row(db, TODAY) == []
    assert "Carys Jones" not in [r["display_name"] for r in who_is_due(db, "Scribe", today=TODAY)]


def test_invitations_are_kept_through_edits_and_settled_by_who_came(db, due_ward):
    sep = due_ward["s_sep"]
    status = lambda sid: {  # noqa: E731
        r["staff_id"]: r["status"] for r in records.find(db, "invitation", session_id=sid)
    }
    assert status(sep) == {due_ward["c"]: "did_not_attend", due_ward["manager"]: "attended"}
    # An edit without an invite list keeps it; Carys now listed as attending turns to attended.
    logbook.save_session(
        db,
        session_values(due_ward, held_on="2026-09-01", topic="Edited"),
        [{"staff_id": due_ward["manager"]}, {"staff_id": due_ward["c"]}],
        "t",
        sep,
        today=TODAY,
    )
    assert status(sep) == {due_ward["c"]: "attended", due_ward["manager"]: "attended"}
    assert status(due_ward["planned"]) == {due_ward["e"]: "invited"}
    logbook.save_session(
        db, session_values(due_ward, held_on="2026-12-05"), [], "t", due_ward["planned"], today=TODAY, invited=[]
    )
    assert status(due_ward["planned"]) == {}


def test_a_bad_start_time_is_refused_naming_the_field(db, ward):
    with pytest.raises(ValidationError) as exc:
        logbook.save_session(db, session_values(ward, held_on="2026-12-05", starts_at="25:00"), [], "t", today=TODAY)
    assert exc.value.field == "starts_at" and "HH:MM" in exc.value.message
    assert dt.date.fromisoformat("2026-12-05") > TODAY


def test_erasing_an_invited_colleague_keeps_the_invitation_counts_and_drops_their_name(db, due_ward):
    from champion_desk.domain.signin import invite_list
    from champion_desk.store import erasure

    erasure.erase_staff(db, due_ward["c"], "t")
    rows = invite_list(db, due_ward["s_oct"])
    assert [(r["display_name"], r["status"]) for r in rows] == [(erasure.ERASED_NAME, "did_not_attend")]
    assert "Carys" not in str(db.query("SELECT * FROM invitation"))
    assert "Carys Jones" not in [r["display_name"] for r in who_is_due(db, "Scribe", ["Ward 7"], today=TODAY)]
