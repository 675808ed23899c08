"""The concern dialog: editing, the resolved date following the status, the confidential raised-by."""

from __future__ import annotations

import datetime as dt

from champion_desk.domain import logbook
from champion_desk.store import records
from tests.ui.test_dialog_base import make_dialog


def _concern(db, ward, **extra):
    values = {
        "tool_id": ward["tool"],
        "unit_id": ward["unit"],
        "occurred_on": "2026-11-02",
        "theme": "accuracy and trust",
        "description": "Drafts miss allergies",
        "reported_by": ward["manager"],
        **extra,
    }
    return logbook.save(db, "incident", values, "t")


def test_edit_an_existing_concern_and_close_it(qtbot, ward_context, db, ward):
    concern = _concern(db, ward, raised_by=ward["a"])
    dialog = make_dialog(qtbot, ward_context, "incident", record_id=concern)
    assert dialog.fields["description"].widget.value() == "Drafts miss allergies"
    assert dialog.fields["raised_by"].widget.text() == "Nguyễn Thị Mai"
    resolved = dialog.fields["resolved_on"].widget
    assert resolved.value() is None and not resolved.isEnabled()

    dialog.fields["status"].widget.set_value("closed")
    assert resolved.isEnabled() and resolved.value() == dt.date.today().isoformat()  # defaults to today once closed
    dialog.fields["response"].widget.set_value("Showed how to check the allergy list in drafts")
    assert dialog.save()
    saved = records.get(db, "incident", concern)
    assert (saved["status"], saved["resolved_on"], saved["raised_by"]) == (
        "closed",
        dt.date.today().isoformat(),
        ward["a"],
    )
    assert saved["reported_by"] == ward["manager"]  # editing keeps who reported it


def test_reopening_clears_the_resolved_date(qtbot, ward_context, db, ward):
    concern = _concern(db, ward, status="addressed", resolved_on="2026-11-10")
    dialog = make_dialog(qtbot, ward_context, "incident", record_id=concern)
    assert dialog.fields["resolved_on"].widget.value() == "2026-11-10"  # the stored date, not today
    dialog.fields["status"].widget.set_value("in progress")
    assert dialog.fields["resolved_on"].widget.value() is None
    assert dialog.save()
    assert records.get(db, "incident", concern)["resolved_on"] is None


def test_a_new_concern_is_reported_by_the_current_user(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.fields["theme"].widget.set_value("privacy and data")
    assert dialog.save()
    assert records.get(db, "incident", dialog.saved_id)["reported_by"] == ward["champion"]


def test_raised_by_is_marked_confidential(qtbot, ward_context):
    dialog = make_dialog(qtbot, ward_context, "incident")
    picker = dialog.fields["raised_by"].widget
    assert "never printed" in picker.toolTip()
    assert "confidential" in picker.parentWidget().parentWidget().title().lower()


def test_resolved_date_before_the_concern_is_shown_beside_it(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.fields["theme"].widget.set_value("other")
    dialog.fields["occurred_on"].widget.set_value("2026-11-20")
    dialog.fields["status"].widget.set_value("addressed")
    dialog.fields["resolved_on"].widget.set_value("2026-11-01")
    assert dialog.save() is False
    assert "must not be before" in dialog.error_of("resolved_on")
    assert records.count(db, "incident") == 0


def test_a_field_message_goes_once_the_field_is_changed(qtbot, ward_context, db):
    from champion_desk.ui.dialogs.registry import dialog_class

    dialog = dialog_class("incident")(ward_context)
    qtbot.addWidget(dialog)
    assert dialog.save() is False
    assert dialog.error_of("theme") == "Theme is required."
    dialog.fields["theme"].widget.set_value("job security")
    assert dialog.error_of("theme") == ""
