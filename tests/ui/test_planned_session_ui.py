"""A planned session in the GUI: Invite who is due, the invite list saved and kept, the sheet and calendar."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFileDialog

from champion_desk.store import records
from tests.ui.test_dialog_base import make_dialog

TODAY = dt.date.today()


def _planned_dialog(qtbot, ward_context, ward, db):
    for name in ("Carys Jones", "Dev Patel"):
        records.insert(db, "staff", {"display_name": name, "unit_id": ward["unit"]}, "t")
    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.fields["held_on"].widget.set_value((TODAY + dt.timedelta(days=7)).isoformat())
    dialog.fields["starts_at"].widget.setText("14:00")
    dialog.fields["place"].widget.setText("Seminar room")
    return dialog


def test_invite_who_is_due_fills_the_list_and_the_save_keeps_it(qtbot, ward_context, ward, db):
    dialog = _planned_dialog(qtbot, ward_context, ward, db)
    dialog.invites.due_button.click()
    # Nobody on Ward 7 has trained on Scribe: everyone but the trainer (the champion) is due.
    names = [dialog.invites.list.item(i).text().split(" (")[0] for i in range(dialog.invites.list.count())]
    assert names == ["Carys Jones", "Dev Patel", "Łukasz Nowak", "Nguyễn Thị Mai", "Siobhán Ó Briain"]
    assert "Invited 5 due on Scribe (never trained)" in dialog.invites.note.text()
    dialog.invites.list.setCurrentRow(0)
    dialog.invites.remove_selected()
    assert dialog.save(), dialog.banner.text()
    session = records.get(db, "training_session", dialog.saved_id)
    assert (session["starts_at"], session["place"]) == ("14:00", "Seminar room")
    invited = {r["staff_id"] for r in records.find(db, "invitation", session_id=dialog.saved_id)}
    assert len(invited) == 4 and ward["champion"] not in invited

    again = make_dialog(qtbot, ward_context, "training_session", record_id=dialog.saved_id)
    assert again.invites.list.count() == 4
    again.attendees_from_invites()  # entering a completed sheet: the invited are the rows
    assert len(again.attendees.rows) == 4


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
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
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
