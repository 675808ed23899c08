"""The check-in form: your own pairings first, found by mentor or mentee, never someone else's by default."""

from __future__ import annotations

from champion_desk.domain import logbook
from champion_desk.store import records
from tests.ui.test_dialog_base import make_dialog


def _pair(db, ward, mentor, mentee):
    return logbook.save(
        db,
        "pairing",
        {"mentor_id": mentor, "mentee_id": mentee, "tool_id": ward["tool"], "started_on": "2026-10-01"},
        "t",
    )


def _others_pairing(db, ward):
    """A pairing of two colleagues that sorts before the champion's own (Aa… before Zoë)."""
    mentor = records.insert(
        db, "staff", {"display_name": "Aaron Achebe", "unit_id": ward["unit"], "is_champion": 1}, "t"
    )
    return _pair(db, ward, mentor, ward["b"])


def test_your_own_pairing_is_chosen_and_listed_first(qtbot, ward_context, db, ward):
    others = _others_pairing(db, ward)
    mine = _pair(db, ward, ward["champion"], ward["a"])
    dialog = make_dialog(qtbot, ward_context, "checkin")
    field = dialog.fields["pairing_id"].widget
    assert field.value() == mine
    assert [field.itemData(i) for i in range(1, field.count())] == [mine, others]


def test_without_a_pairing_of_your_own_none_is_chosen(qtbot, ward_context, db, ward):
    _others_pairing(db, ward)
    dialog = make_dialog(qtbot, ward_context, "checkin")
    assert dialog.fields["pairing_id"].widget.value() is None
    assert not dialog.save()
    assert dialog.error_of("pairing_id")


def test_a_pairing_is_found_by_the_mentees_name(qtbot, ward_context, db, ward):
    others = _others_pairing(db, ward)  # mentee: Siobhán Ó Briain
    _pair(db, ward, ward["champion"], ward["a"])
    dialog = make_dialog(qtbot, ward_context, "checkin")
    dialog.show()
    field = dialog.fields["pairing_id"].widget
    field.setFocus()
    field.lineEdit().selectAll()
    qtbot.keyClicks(field.lineEdit(), "briain")
    field.lineEdit().editingFinished.emit()  # leaving the field with the name typed
    assert field.value() == others
    assert "Siobhán Ó Briain" in field.currentText()


def test_text_that_names_no_pairing_is_not_saved_as_another(qtbot, ward_context, db, ward):
    _others_pairing(db, ward)
    mine = _pair(db, ward, ward["champion"], ward["a"])
    dialog = make_dialog(qtbot, ward_context, "checkin")
    field = dialog.fields["pairing_id"].widget
    field.setEditText("nobody of that name")
    assert "not in the list" in field.input_problem()
    field.lineEdit().editingFinished.emit()
    assert field.value() == mine and field.input_problem() is None  # back to what was chosen, shown as such
