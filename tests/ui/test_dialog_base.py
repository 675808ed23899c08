"""The shared record dialog and the registry: validation beside fields, discard guard, keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from champion_desk.store import records
from champion_desk.ui.dialogs.registry import DIALOGS, dialog_class, open_record_dialog


def make_dialog(qtbot, context, table, record_id=None, prefill=None):
    """Build (not exec) a record dialog, registered with qtbot so it is closed after the test."""
    dialog = dialog_class(table)(context, record_id=record_id, prefill=prefill)
    # Closing at teardown must not stop on the "discard changes?" question.
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "confirm_discard", lambda: True))
    return dialog


def test_registry_has_a_dialog_for_every_logged_record():
    from champion_desk.store.schema import RECORD_TABLES

    # Attendances are edited inside the session dialog; other tables (settings…) are not logged by hand.
    logged = {
        "unit",
        "staff",
        "tool",
        "rollout",
        "training_session",
        "incident",
        "pairing",
        "checkin",
        "pulse",
        "story",
        "idea",
    }
    assert set(DIALOGS) == logged <= set(RECORD_TABLES)
    assert all(dialog_class(table).table == table for table in DIALOGS)


def test_validation_error_is_shown_beside_its_field_and_nothing_is_saved(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "unit")
    dialog.fields["site"].widget.setText("North")
    assert dialog.save() is False
    assert "required" in dialog.error_of("name").lower()
    assert dialog.fields["name"].error.isVisibleTo(dialog)
    assert dialog.focusWidget() is dialog.fields["name"].widget
    assert records.find(db, "unit", site="North") == []
    assert dialog.fields["site"].widget.text() == "North"  # nothing typed is lost


def test_conflict_on_save_is_shown_beside_the_field(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "unit")
    dialog.fields["name"].widget.setText("ward 7")  # clashes with "Ward 7", ignoring case
    assert dialog.save() is False
    assert "already" in dialog.error_of("name")


def test_saving_notifies_the_context_and_returns_the_id(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "unit")
    qtbot.keyClicks(dialog.fields["name"].widget, "Ward 9")
    with qtbot.waitSignal(ward_context.data_changed) as changed:
        qtbot.keyClick(dialog.fields["name"].widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert changed.args == ["unit"]
    assert records.get(db, "unit", dialog.saved_id)["name"] == "Ward 9"
    assert dialog.result() == dialog.DialogCode.Accepted


def test_enter_in_a_line_moves_on_instead_of_saving(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "unit")
    dialog.show()
    name = dialog.fields["name"].widget
    name.setFocus()
    qtbot.keyClicks(name, "Ward 10")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert dialog.saved_id is None
    assert records.find(db, "unit", name="Ward 10") == []
    assert dialog.focusWidget() is dialog.fields["site"].widget


def test_escape_asks_before_discarding_typed_changes(qtbot, ward_context, monkeypatch):
    dialog = make_dialog(qtbot, ward_context, "unit")
    dialog.show()
    asked = []
    monkeypatch.setattr(dialog, "confirm_discard", lambda: asked.append(1) or False)
    dialog.fields["name"].widget.setText("Ward 11")
    qtbot.keyClick(dialog.fields["name"].widget, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()  # kept open: the user chose to keep editing
    monkeypatch.setattr(dialog, "confirm_discard", lambda: True)
    dialog.reject()
    assert not dialog.isVisible()


def test_escape_on_an_untouched_form_closes_without_asking(qtbot, ward_context, monkeypatch):
    dialog = make_dialog(qtbot, ward_context, "unit")
    dialog.show()
    monkeypatch.setattr(dialog, "confirm_discard", lambda: pytest.fail("asked without changes"))
    dialog.reject()
    assert not dialog.isVisible()


def test_every_field_has_an_accessible_name(qtbot, ward_context):
    for table in DIALOGS:
        dialog = make_dialog(qtbot, ward_context, table)
        for field in dialog.fields.values():
            for widget in field.focus_widgets():
                assert widget.accessibleName(), (table, field.name)


def test_open_record_dialog_reports_a_missing_record(qtbot, ward_context, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a))
    assert open_record_dialog(ward_context, "unit", record_id="no-such-id") is None
    assert shown


def test_a_failed_write_keeps_the_dialog_open_with_every_value(qtbot, ward_context, db, monkeypatch):
    from champion_desk.domain import logbook
    from champion_desk.errors import DiskFullError

    def full(*args, **kwargs):
        raise DiskFullError("The disk is full.")

    monkeypatch.setattr(logbook, "save", full)
    dialog = make_dialog(qtbot, ward_context, "story")
    dialog.fields["title"].widget.set_value("Handover faster")
    dialog.fields["summary"].widget.set_value("Night team say so")
    assert dialog.save() is False
    assert "disk is full" in dialog.banner.message() and "Nothing was lost" in dialog.banner.message()
    assert dialog.fields["summary"].widget.value() == "Night team say so"
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.saved_id is None


def test_tab_goes_through_the_fields_in_form_order(qtbot, ward_context):
    dialog = make_dialog(qtbot, ward_context, "pairing")
    dialog.show()
    dialog.first_focus().setFocus()
    seen = []
    for _ in range(len(dialog.fields) + 2):
        seen.append(dialog.focusWidget().accessibleName())
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert seen == ["Mentor", "Mentee", "Tool", "Started", "Goal", "Progress", "Status", "Cancel", "Save", "Mentor"]


def test_a_name_typed_but_not_chosen_counts_as_a_change(qtbot, ward_context):
    dialog = make_dialog(qtbot, ward_context, "incident")
    assert not dialog.is_dirty()
    dialog.fields["raised_by"].widget.setText("Sam")
    assert dialog.is_dirty()


def test_enter_on_a_tick_box_moves_on_without_toggling(qtbot, ward_context):
    dialog = make_dialog(qtbot, ward_context, "staff")
    dialog.show()
    champion = dialog.fields["is_champion"].widget
    champion.setFocus()
    qtbot.keyClick(champion, Qt.Key.Key_Return)
    assert not champion.isChecked()
    assert dialog.focusWidget() is dialog.fields["active"].widget
