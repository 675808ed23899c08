"""Mentoring dialogs: the mentor picker shows current mentees; the check-in picker names the pairing."""

from __future__ import annotations

from champion_desk.domain import logbook
from champion_desk.store import records
from tests.ui.test_dialog_base import make_dialog


def _pair(db, ward, mentee, **extra):
    values = {
        "mentor_id": ward["champion"],
        "mentee_id": mentee,
        "tool_id": ward["tool"],
        "started_on": "2026-10-01",
        **extra,
    }
    return logbook.save(db, "pairing", values, "t")


def _items(combo):
    return [combo.itemText(i) for i in range(combo.count())]


def test_mentor_picker_lists_active_mentees(qtbot, ward_context, db, ward):
    _pair(db, ward, ward["a"])
    _pair(db, ward, ward["b"])
    _pair(db, ward, ward["manager"], status="ended", ended_on="2026-11-01")
    second = records.insert(db, "staff", {"display_name": "Amir Haddad", "is_champion": 1}, "t")
    dialog = make_dialog(qtbot, ward_context, "pairing")
    mentor = dialog.fields["mentor_id"].widget
    assert _items(mentor) == [
        "Amir Haddad — no active mentees",
        "Zoë Adams — 2 active mentees: Nguyễn Thị Mai, Siobhán Ó Briain",
    ]
    assert mentor.value() == ward["champion"]  # the champion logging mentors by default
    assert mentor.findData(second) == 0


def test_ending_a_pairing_sets_its_end_date(qtbot, ward_context, db, ward):
    pairing = _pair(db, ward, ward["a"])
    dialog = make_dialog(qtbot, ward_context, "pairing", record_id=pairing)
    dialog.fields["status"].widget.set_value("completed")
    dialog.fields["progress"].widget.set_value(100)
    assert dialog.save()
    saved = records.get(db, "pairing", pairing)
    assert saved["status"] == "completed" and saved["ended_on"] is not None


def test_a_champion_cannot_mentor_themselves(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "pairing")
    dialog.fields["mentee_id"].widget.set_value(ward["champion"])
    assert dialog.save() is False
    assert "themselves" in dialog.error_of("mentee_id")


def test_checkin_picker_shows_mentor_mentee_and_tool(qtbot, ward_context, db, ward):
    pairing = _pair(db, ward, ward["a"])
    dialog = make_dialog(qtbot, ward_context, "checkin")
    picker = dialog.fields["pairing_id"].widget
    assert _items(picker) == ["— choose a pairing —", "Zoë Adams → Nguyễn Thị Mai (Scribe)"]
    assert picker.value() == pairing  # the user's own pairing by default


def test_checkin_without_active_pairings_says_what_to_do(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "checkin")
    assert "no active mentoring pairings" in dialog.banner.message()
    assert dialog.save() is False
    assert "required" in dialog.error_of("pairing_id")
    assert records.count(db, "checkin") == 0
