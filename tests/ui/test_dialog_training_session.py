"""The training-session dialog: attendees by keyboard, inline new colleague, row errors, identifier warning."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from champion_desk.domain import logbook
from champion_desk.store import records
from champion_desk.ui.dialogs.staff import StaffDialog
from tests.factories import session_values
from tests.ui.signing_helpers import SignAnswers
from tests.ui.test_dialog_base import make_dialog

VALID_NHS_NUMBER = "943 476 5919"  # the NHS's published test number: passes the check digit


def _choose(qtbot, picker, typed):
    picker.setFocus()
    qtbot.keyClicks(picker, typed)
    popup = picker.completer_.popup()
    assert popup.isVisible(), typed
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def _type_scale(qtbot, spin, digit):
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, digit)


def test_log_a_session_with_three_attendees_by_keyboard(qtbot, ward_context, db, ward):
    ama = records.insert(db, "staff", {"display_name": "Ama Mensah", "unit_id": ward["unit"], "staff_ref": "E102"}, "t")
    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.fields["trainer_id"].widget.value() == ward["champion"]  # the current champion
    assert dialog.fields["held_on"].widget.value() == dt.date.today().isoformat()
    assert dialog.fields["unit_id"].widget.value() == ward["unit"]  # the user's unit

    picker = dialog.attendees.picker
    _choose(qtbot, picker, "mai")  # by name, accents not needed
    _choose(qtbot, picker, "E101")  # by staff number
    _choose(qtbot, picker, "ama m")
    assert picker.text() == ""  # ready for the next name
    rows = dialog.attendees.rows
    assert [r.person["id"] for r in rows] == [ward["a"], ward["b"], ama]

    _type_scale(qtbot, rows[0].before, "2")
    _type_scale(qtbot, rows[0].after, "4")
    _type_scale(qtbot, rows[2].after, "5")
    rows[0].signed.setFocus()
    qtbot.keyClick(rows[0].signed, Qt.Key.Key_Space)
    qtbot.keyClicks(dialog.fields["topic"].widget, "Checking drafts")
    answers = SignAnswers("")  # the champion has no signing PIN: the sign-off is stored as unverified
    qtbot.keyClick(dialog.fields["topic"].widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.saved_id, dialog.banner.message()
    assert answers.titles == ["Sign off as Zoë Adams"]
    session = records.get(db, "training_session", dialog.saved_id)
    assert session["topic"] == "Checking drafts" and session["trainer_id"] == ward["champion"]
    attended = {a["staff_id"]: a for a in records.find(db, "attendance", session_id=dialog.saved_id)}
    assert set(attended) == {ward["a"], ward["b"], ama}
    first = attended[ward["a"]]
    assert (first["confidence_before"], first["confidence_after"], first["signed_off"]) == (2, 4, 1)
    assert first["signed_off_by"] == ward["champion"] and first["signed_off_on"] == session["held_on"]
    assert first["signed_off_signature"] == "unverified"
    assert attended[ama]["confidence_after"] == 5 and attended[ama]["confidence_before"] is None
    assert attended[ward["b"]]["signed_off"] == 0


def test_enter_in_the_attendee_box_takes_the_single_match(qtbot, ward_context, ward):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    picker = dialog.attendees.picker
    picker.setText("E100")
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert [r.person["id"] for r in dialog.attendees.rows] == [ward["a"]]
    assert dialog.saved_id is None


def test_attendee_error_is_shown_on_that_row_and_nothing_is_saved(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.attendees.add_person(records.get(db, "staff", ward["a"]))
    own = dialog.attendees.add_person(records.get(db, "staff", ward["champion"]))
    own.signed.setChecked(True)  # the champion cannot sign off their own competency
    assert dialog.save() is False
    assert "own competency" in own.error.message()
    assert dialog.attendees.rows[0].error.message() == ""
    assert records.count(db, "training_session") == 0


def test_a_typed_but_unchosen_attendee_is_not_silently_dropped(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.attendees.picker.setText("Somebody")
    assert dialog.save() is False
    assert "Somebody" in dialog.error_of("attendees")
    assert records.count(db, "training_session") == 0


def test_signoff_date_follows_the_session_date_unless_changed(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    row = dialog.attendees.add_person(records.get(db, "staff", ward["a"]))
    dialog.fields["held_on"].widget.set_value("2026-11-02")
    assert row.sign_date.value() == "2026-11-02"


def test_add_a_colleague_inline_and_list_them(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.show()

    def fill_new_colleague():
        staff_dialog = QApplication.activeModalWidget()
        assert isinstance(staff_dialog, StaffDialog)
        assert staff_dialog.fields["display_name"].widget.value() == "Jane Roe"
        assert staff_dialog.fields["unit_id"].widget.value() == ward["unit"]
        staff_dialog.fields["role"].widget.set_value("nurse")
        qtbot.keyClicks(staff_dialog.fields["staff_ref"].widget, "E200")
        staff_dialog.save()

    QTimer.singleShot(0, fill_new_colleague)
    staff_id = dialog.add_new_colleague("Jane Roe")
    assert staff_id
    assert records.get(db, "staff", staff_id)["staff_ref"] == "E200"
    assert [r.person["id"] for r in dialog.attendees.rows] == [staff_id]
    assert dialog.attendees.picker.matches("E200")[0]["id"] == staff_id


def test_the_add_new_entry_is_offered_while_typing(qtbot, ward_context):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    picker = dialog.attendees.picker
    picker.setFocus()
    requested = []
    picker.new_colleague_requested.connect(requested.append)
    qtbot.keyClicks(picker, "Nobody Known")
    popup = picker.completer_.popup()
    assert popup.model().rowCount() == 1  # only the "add as new colleague" entry
    opened = []

    def cancel_new_colleague():
        staff_dialog = QApplication.activeModalWidget()
        opened.append(staff_dialog.fields["display_name"].widget.value())
        staff_dialog.reject()

    QTimer.singleShot(0, cancel_new_colleague)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert requested == ["Nobody Known"] and opened == ["Nobody Known"]
    assert dialog.attendees.rows == []


def test_identifier_warning_defaults_to_going_back(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.attendees.add_person(records.get(db, "staff", ward["a"]))
    dialog.show()
    dialog.fields["notes"].widget.set_value(f"Asked about patient {VALID_NHS_NUMBER}")
    seen = []

    def press_enter_on_warning():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.informativeText())
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: go back and edit

    QTimer.singleShot(0, press_enter_on_warning)
    assert dialog.save() is False
    assert "Notes: looks like an NHS number" in seen[0]
    assert "NHS number" in dialog.error_of("notes")
    assert records.count(db, "training_session") == 0


def test_identifier_warning_must_be_acknowledged_before_saving(qtbot, ward_context, db, monkeypatch, ward):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.attendees.add_person(records.get(db, "staff", ward["a"]))
    dialog.fields["notes"].widget.set_value(f"Order ref {VALID_NHS_NUMBER} for the headsets")
    asked = []
    monkeypatch.setattr(dialog, "confirm_identifiers", lambda findings: asked.append(findings) or True)
    assert dialog.save() is True
    assert asked == [[("notes", "an NHS number")]]
    assert VALID_NHS_NUMBER in records.get(db, "training_session", dialog.saved_id)["notes"]


def test_editing_a_session_keeps_earlier_signoffs_and_removes_dropped_attendees(qtbot, ward_context, db, ward):
    session = logbook.save_session(
        db,
        session_values(ward),
        [
            {"staff_id": ward["a"], "signed_off": 1, "signed_off_by": ward["manager"], "signed_off_on": "2026-11-21"},
            {"staff_id": ward["b"]},
        ],
        "t",
    )
    dialog = make_dialog(qtbot, ward_context, "training_session", record_id=session)
    assert dialog.windowTitle() == "Edit training session"
    rows = dialog.attendees.rows
    assert [r.person["display_name"] for r in rows] == ["Nguyễn Thị Mai", "Siobhán Ó Briain"]
    assert not dialog.is_dirty()
    rows[1].remove.click()
    assert dialog.save() is True
    live = records.find(db, "attendance", session_id=session)
    assert [(a["staff_id"], a["signed_off_by"], a["signed_off_on"]) for a in live] == [
        (ward["a"], ward["manager"], "2026-11-21")
    ]


def test_a_planned_session_takes_no_confidence_after_or_signoff(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    row = dialog.attendees.add_person(records.get(db, "staff", ward["a"]))
    assert row.after.isEnabled() and row.signed.isEnabled()
    future = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    dialog.fields["held_on"].widget.set_value(future)
    assert not row.after.isEnabled() and not row.signed.isEnabled()
    assert row.before.isEnabled()  # confidence before can be asked ahead
    assert dialog.save() is True
    assert records.find(db, "attendance", session_id=dialog.saved_id)[0]["confidence_after"] is None


def test_a_planned_session_with_a_signoff_says_why_on_the_row(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    row = dialog.attendees.add_person(records.get(db, "staff", ward["a"]))
    row.signed.setChecked(True)
    dialog.fields["held_on"].widget.set_value((dt.date.today() + dt.timedelta(days=3)).isoformat())
    assert dialog.save() is False
    assert "once the session has been held" in row.error.message()
    assert records.count(db, "training_session") == 0


def test_a_held_session_without_attendees_is_refused_beside_the_list(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    assert dialog.save() is False
    assert records.count(db, "training_session") == 0
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisibleTo(dialog))
    assert "needs at least one attendee" in shown
