"""Every save is confirmed in the status bar with what was saved; a new record can be taken back."""

from __future__ import annotations

from champion_desk.store import records
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


def test_an_edit_is_confirmed_without_an_undo(qtbot, window, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.fields["theme"].widget.set_value("privacy and data")
    dialog.fields["occurred_on"].widget.set_value("2026-11-02")
    assert dialog.save()
    window.undo()  # take the new one back, so the edit below is the only change
    records.undelete(db, "incident", dialog.saved_id, "t")
    edit = make_dialog(qtbot, ward_context, "incident", record_id=dialog.saved_id)
    edit.fields["severity"].widget.set_value("high")
    assert edit.save()
    assert window.statusBar().currentMessage() == "Saved your changes to the concern of 2 Nov 2026."
    assert not window.undo_button.isVisibleTo(window)


def test_a_session_says_how_many_attended(qtbot, window, ward_context, ward):
    from champion_desk.domain import pickers

    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.fields["held_on"].widget.set_value("2026-11-20")
    for key in ("a", "b"):
        dialog.attendees.add_person(pickers.staff_member(ward_context.db, ward[key]))
    assert dialog.save()
    assert window.statusBar().currentMessage().startswith("Saved the training session of 20 Nov 2026 with 2 attendees.")
