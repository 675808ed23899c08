"""A planned session in the GUI: Invite who is due, the invite list saved and kept, the sheet and calendar."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFileDialog

from champion_desk.store import records
from tests.ui.test_dialog_base import make_dialog


def _planned_dialog(qtbot, ward_context, ward, db):
    for name in ("Carys Jones", "Dev Patel"):
        records.insert(db, "staff", {"display_name": name, "unit_id": ward["unit"]}, "t")
    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.fields["held_on"].widget.set_value((dt.date.today() + dt.timedelta(days=7)).isoformat())
    dialog.fields["starts_at"].widget.setText("14:00")
    dialog.fields["place"].widget.setText("Seminar room")
    return dialog


def _shown(dialog):
    return [dialog.invites.list.item(i).text() for i in range(dialog.invites.list.count())]


def test_invite_who_is_due_fills_the_list_and_the_save_keeps_it(qtbot, ward_context, ward, db):
    dialog = _planned_dialog(qtbot, ward_context, ward, db)
    dialog.invites.due_button.click()
    # Nobody on Ward 7 has trained on Scribe: everyone but the trainer (the champion) is due.
    names = sorted(r["display_name"] for r in dialog.invites.people())
    assert names == ["Carys Jones", "Dev Patel", "Nguyễn Thị Mai", "Siobhán Ó Briain", "Łukasz Nowak"]
    assert "Invited 5 due on Scribe (never trained)" in dialog.invites.note.text()
    dialog.invites.list.setCurrentRow(1)  # the first name (row 0 is its group's heading)
    dialog.invites.remove_selected()
    assert dialog.save(), dialog.banner.text()
    session = records.get(db, "training_session", dialog.saved_id)
    assert (session["starts_at"], session["place"]) == ("14:00", "Seminar room")
    invited = {r["staff_id"] for r in records.find(db, "invitation", session_id=dialog.saved_id)}
    assert len(invited) == 4 and ward["champion"] not in invited

    again = make_dialog(qtbot, ward_context, "training_session", record_id=dialog.saved_id)
    assert len(again.invites.value()) == 4
    again.attendees_from_invites()  # entering a completed sheet: the invited are the rows, each with a tick
    assert len(again.attendees.rows) == 4 and all(row.came is not None for row in again.attendees.rows)


def test_invite_who_is_due_is_grouped_by_unit_and_role_and_says_why(qtbot, ward_context, ward, db):
    from champion_desk.domain import logbook
    from tests.factories import session_values

    dialog = _planned_dialog(qtbot, ward_context, ward, db)
    carys = db.one("SELECT id FROM staff WHERE display_name = 'Carys Jones'")["id"]
    dev = db.one("SELECT id FROM staff WHERE display_name = 'Dev Patel'")["id"]
    records.update(db, "staff", carys, {"role": "Nurse"}, "t")
    records.update(db, "staff", dev, {"role": "HCA"}, "t")
    # Last week's session: Dev was invited and did not come; Nguyễn came (trained, so not due).
    held = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    logbook.save_session(db, session_values(ward, held_on=held), [{"staff_id": ward["a"]}], "t", invited=[dev])
    dialog.invites.due_button.click()
    assert _shown(dialog) == [
        "Ward 7 · HCA",
        "    Dev Patel — invited · missed their last invitation",
        "Ward 7 · Nurse",
        "    Carys Jones — invited · never trained",
        "Ward 7 · ward manager",
        "    Łukasz Nowak — invited · never trained",
        "Ward 7 · no role given",
        "    Siobhán Ó Briain — invited · never trained",
    ]
    assert "missed their last invitation, never trained" in dialog.invites.note.text()
    # A heading is not an invitation: selecting it and pressing Delete removes nobody.
    dialog.invites.list.setCurrentRow(0)
    dialog.invites.remove_selected()
    assert len(dialog.invites.value()) == 4
    # The list stays grouped after a save and reopening (the reason is this form's advice, not stored).
    assert dialog.save(), dialog.banner.text()
    again = make_dialog(qtbot, ward_context, "training_session", record_id=dialog.saved_id)
    assert _shown(again)[:2] == ["Ward 7 · HCA", "    Dev Patel — invited"]


def test_a_bad_start_time_is_shown_beside_its_field(qtbot, ward_context, ward, db):
    dialog = _planned_dialog(qtbot, ward_context, ward, db)
    dialog.fields["starts_at"].widget.setText("2pm")
    assert not dialog.save()
    assert "HH:MM" in dialog.fields["starts_at"].error.text()


def test_print_sheet_and_export_calendar_from_the_gui(qtbot, ward_context, ward, db, tmp_path, monkeypatch, messages):
    from PySide6.QtGui import QDesktopServices

    from champion_desk.ui import signin_actions

    dialog = _planned_dialog(qtbot, ward_context, ward, db)
    dialog.invites.due_button.click()
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "sheet"), ""))
    dialog.sheet_button.click()  # saves the session first
    assert dialog.saved_id and (tmp_path / "sheet.pdf").stat().st_size > 1000
    assert opened == [str(tmp_path / "sheet.pdf")]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "cal.ics"), ""))
    path = signin_actions.export_calendar(ward_context, None)
    text = path.read_text(encoding="utf-8")
    assert f"UID:session-{dialog.saved_id}@" in text
    # The messages fixture answers Yes to "also list names?": they are in the file.
    assert messages[-1][0] == "question" and "Carys Jones" in text.replace("\r\n ", "")


def _print_sheet(dialog, tmp_path, monkeypatch, opens=True):
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opens)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "sheet.pdf"), ""))
    dialog.sheet_button.click()


def test_printing_the_sheet_saves_and_stays_in_the_form_as_its_edit(
    qtbot, ward_context, ward, db, tmp_path, monkeypatch
):
    dialog = _planned_dialog(qtbot, ward_context, ward, db)
    _print_sheet(dialog, tmp_path, monkeypatch)
    assert (tmp_path / "sheet.pdf").exists()
    assert dialog.isVisible() and dialog.windowTitle() == "Edit training session"
    assert dialog.sheet_note.isVisibleTo(dialog) and "Saved the session" in dialog.sheet_note.text()
    assert dialog.cancel_button.text() == "Close" and not dialog.is_dirty()
    dialog.fields["place"].widget.setText("Cedar Ward day room")
    assert dialog.save()  # the same session, changed: not a second one
    (session,) = records.find(db, "training_session")
    assert (session["id"], session["place"]) == (dialog.saved_id, "Cedar Ward day room")
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted


def test_closing_after_the_sheet_asks_before_losing_later_changes_and_returns_the_session(
    qtbot, ward_context, ward, db, tmp_path, monkeypatch
):
    dialog = _planned_dialog(qtbot, ward_context, ward, db)
    _print_sheet(dialog, tmp_path, monkeypatch)
    dialog.fields["place"].widget.setText("Somewhere else")
    monkeypatch.setattr(dialog, "confirm_discard", lambda: False)
    dialog.reject()  # Esc: keep editing
    assert dialog.isVisible()
    monkeypatch.setattr(dialog, "confirm_discard", lambda: True)
    dialog.reject()
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted  # saved: its id goes back
    assert records.get(db, "training_session", dialog.saved_id)["place"] == "Seminar room"


def test_a_pc_without_a_pdf_viewer_is_told_where_the_sheet_was_saved(
    qtbot, ward_context, ward, db, tmp_path, monkeypatch, messages
):
    dialog = _planned_dialog(qtbot, ward_context, ward, db)
    _print_sheet(dialog, tmp_path, monkeypatch, opens=False)
    (kind, title, text) = messages[-1]
    assert (kind, title) == ("information", "Sign-in sheet")
    assert str(tmp_path / "sheet.pdf") in text and "no program to open it" in text
