"""Every save is confirmed in the status bar with what was saved, and can be undone: a new record, an edit."""

from __future__ import annotations

import datetime as dt
import json

from champion_desk.domain import logbook
from champion_desk.store import records
from tests.factories import session_values
from tests.ui.test_dialog_base import make_dialog


def test_a_new_concern_is_confirmed_and_undo_takes_it_back(qtbot, window, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.fields["theme"].widget.set_value("privacy and data")
    dialog.fields["occurred_on"].widget.set_value("2026-11-02")
    dialog.fields["description"].widget.set_value("Worried the scribe keeps recordings")
    assert dialog.save()
    message = window.statusBar().currentMessage()
    assert message.startswith("Saved the concern of 2 Nov 2026.") and "Ctrl+Z" in message
    assert "Worried" not in message  # a concern's words never show on the shared screen
    assert window.undo_button.isVisibleTo(window) and "Undo new concern of 2 Nov 2026" in window.undo_button.toolTip()

    window.undo()
    assert records.get(db, "incident", dialog.saved_id, include_deleted=True)["deleted_at"] is not None
    assert "Took back the concern of 2 Nov 2026" in window.statusBar().currentMessage()
    assert not window.undo_button.isVisibleTo(window)


def live_rows(db, *tables):
    """Return every live row of ``tables`` as they are stored, less when each last changed."""
    return {
        table: [
            {k: v for k, v in row.items() if k != "updated_at"}
            for row in db.query(f"SELECT * FROM {table} WHERE deleted_at IS NULL ORDER BY id")
        ]
        for table in tables
    }


def a_concern(db, ward):
    values = {"theme": "privacy and data", "occurred_on": "2026-11-02", "description": "Recordings"}
    return logbook.save(db, "incident", {**values, "tool_id": ward["tool"], "unit_id": ward["unit"]}, "t")


def test_an_edit_is_confirmed_and_undo_puts_it_back(qtbot, window, ward_context, db, ward):
    concern = a_concern(db, ward)
    before = live_rows(db, "incident")
    edit = make_dialog(qtbot, ward_context, "incident", record_id=concern)
    edit.fields["severity"].widget.set_value("high")
    edit.fields["description"].widget.set_value("Recordings kept for a week")
    assert edit.save()
    assert records.get(db, "incident", concern)["severity"] == "high"
    message = window.statusBar().currentMessage()
    assert message.startswith("Saved your changes to the concern of 2 Nov 2026.") and "Ctrl+Z" in message
    assert "Undo changes to concern of 2 Nov 2026" in window.undo_button.toolTip()
    assert window.undo_button.isVisibleTo(window)

    window.undo()
    assert live_rows(db, "incident") == before
    undo_audit = db.one("SELECT * FROM audit WHERE record_id = ? ORDER BY at DESC, rowid DESC LIMIT 1", (concern,))
    assert undo_audit["action"] == "update" and undo_audit["actor"] == ward_context.actor
    assert json.loads(undo_audit["changes"])["severity"] == ["high", "medium"]
    assert "as it was before your changes" in window.statusBar().currentMessage()
    assert not window.undo_button.isVisibleTo(window)


def test_undoing_a_session_edit_puts_back_its_attendees(qtbot, window, ward_context, db, ward):
    from champion_desk.domain import pickers

    session = logbook.save_session(
        db, session_values(ward), [{"staff_id": ward["a"], "confidence_before": 2}], "t", today=dt.date(2026, 12, 1)
    )
    before = live_rows(db, "training_session", "attendance")
    edit = make_dialog(qtbot, ward_context, "training_session", record_id=session)
    edit.fields["topic"].widget.set_value("Reading the summary back")
    edit.attendees.remove_row(edit.attendees.rows[0])
    edit.attendees.add_person(pickers.staff_member(db, ward["b"]))
    assert edit.save()
    assert [a["staff_id"] for a in records.find(db, "attendance", session_id=session)] == [ward["b"]]

    window.undo()
    # The attendee the edit added stays as a tombstone, so a merge hears that it was taken back.
    assert live_rows(db, "training_session", "attendance") == before


def test_an_edit_that_changes_nothing_offers_no_undo(qtbot, window, ward_context, db, ward):
    concern = a_concern(db, ward)
    edit = make_dialog(qtbot, ward_context, "incident", record_id=concern)
    assert edit.save()
    assert window.statusBar().currentMessage() == "Saved your changes to the concern of 2 Nov 2026."
    assert not window.undo_button.isVisibleTo(window)


def test_undoing_an_edit_of_a_record_deleted_since_says_so(qtbot, window, ward_context, db, ward, messages):
    concern = a_concern(db, ward)
    edit = make_dialog(qtbot, ward_context, "incident", record_id=concern)
    edit.fields["severity"].widget.set_value("high")
    assert edit.save()
    records.delete(db, "incident", concern, "someone else")
    window.undo()
    assert records.get(db, "incident", concern, include_deleted=True)["severity"] == "high"
    assert messages[-1][:2] == ("warning", "Could not undo") and "No incident" in messages[-1][2]


def test_a_session_says_how_many_attended(qtbot, window, ward_context, ward):
    from champion_desk.domain import pickers

    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.fields["held_on"].widget.set_value("2026-11-20")
    for key in ("a", "b"):
        dialog.attendees.add_person(pickers.staff_member(ward_context.db, ward[key]))
    assert dialog.save()
    assert window.statusBar().currentMessage().startswith("Saved the training session of 20 Nov 2026 with 2 attendees.")


def test_switching_user_forgets_what_the_last_person_could_undo(qtbot, window, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.fields["theme"].widget.set_value("privacy and data")
    dialog.fields["occurred_on"].widget.set_value("2026-11-02")
    assert dialog.save()
    assert window.undo_button.isVisibleTo(window)
    manager = records.get(db, "staff", ward["manager"])
    ward_context.set_user({"id": manager["id"], "display_name": manager["display_name"], "role": manager["role"]})
    assert not window.undo_button.isVisibleTo(window) and not window.undo_action.isEnabled()
    window.undo()  # Ctrl+Z as the manager: nothing of the champion's is taken back
    assert records.get(db, "incident", dialog.saved_id)["deleted_at"] is None


def test_a_session_signed_into_since_it_was_saved_is_not_taken_back(qtbot, window, ward_context, db, ward, messages):
    session = logbook.save_session(db, session_values(ward), [{"staff_id": ward["a"]}], "t")
    window.deletions.added("training_session", session, "training session of 20 Nov 2026")
    # Someone signs in at the sign-in screen afterwards: the session now has a second attendee.
    logbook.save_session(db, {}, [{"staff_id": ward["a"]}, {"staff_id": ward["b"]}], "t", session)
    window.undo()
    assert records.get(db, "training_session", session)["deleted_at"] is None
    assert len(records.find(db, "attendance", session_id=session)) == 2
    assert "has changed since it was saved" in messages[-1][2]
    assert not window.undo_button.isVisibleTo(window)
