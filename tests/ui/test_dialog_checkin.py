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


def _other_ward_pairing(db, ward):
    """A pairing on another ward, whose mentor sorts before anyone on the champion's own."""
    unit = records.insert(db, "unit", {"name": "Oak Ward"}, "t")
    mentor = records.insert(db, "staff", {"display_name": "Abel Adeyemi", "unit_id": unit, "is_champion": 1}, "t")
    mentee = records.insert(db, "staff", {"display_name": "Ada Okafor", "unit_id": unit}, "t")
    return _pair(db, ward, mentor, mentee)


def _offered(field):
    return [field.itemData(i) for i in range(1, field.count())]


def test_with_your_pairings_ended_your_units_are_offered_and_none_is_chosen(qtbot, ward_context, db, ward):
    ended = _pair(db, ward, ward["champion"], ward["a"])
    logbook.save(db, "pairing", {"status": "completed", "ended_on": "2026-11-01"}, "t", ended)
    on_your_ward = _others_pairing(db, ward)
    _other_ward_pairing(db, ward)
    dialog = make_dialog(qtbot, ward_context, "checkin")
    field = dialog.fields["pairing_id"].widget
    assert _offered(field) == [on_your_ward]  # not Oak Ward's, though its mentor sorts first
    assert field.value() is None
    assert "none of yours is active" in field.currentText()
    assert not dialog.save() and dialog.error_of("pairing_id")


def test_yours_come_first_then_your_units_and_never_another_wards(qtbot, ward_context, db, ward):
    _other_ward_pairing(db, ward)
    on_your_ward = _others_pairing(db, ward)
    mine = _pair(db, ward, ward["champion"], ward["a"])
    dialog = make_dialog(qtbot, ward_context, "checkin")
    field = dialog.fields["pairing_id"].widget
    assert _offered(field) == [mine, on_your_ward]
    assert field.value() == mine


def test_another_wards_pairing_chosen_on_the_mentoring_page_is_offered(qtbot, ward_context, db, ward):
    _pair(db, ward, ward["champion"], ward["a"])
    elsewhere = _other_ward_pairing(db, ward)
    dialog = make_dialog(qtbot, ward_context, "checkin", prefill={"pairing_id": elsewhere})
    assert dialog.fields["pairing_id"].widget.value() == elsewhere


def test_with_nothing_of_yours_or_your_units_every_pairing_is_offered_none_chosen(qtbot, ward_context, db, ward):
    elsewhere = _other_ward_pairing(db, ward)
    dialog = make_dialog(qtbot, ward_context, "checkin")
    field = dialog.fields["pairing_id"].widget
    assert _offered(field) == [elsewhere]
    assert field.value() is None
    assert "none is yours or your unit's" in field.currentText()
