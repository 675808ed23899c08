"""The status bar at 1024x768: every message reads beside the Undo button, none hidden under it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QApplication

from champion_desk.ui.user_picker import find_user
from tests.ui.test_dialog_base import make_dialog


@pytest.fixture
def small_window(qtbot, window, ward_context, ward):
    """Return the main window at 1024x768, logging as the ward manager (a longer name beside the bar's
    buttons), with a concern just saved, so Undo is showing."""
    ward_context.set_user(find_user(ward_context.db, ward["manager"]))
    window.resize(1024, 768)
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.fields["theme"].widget.set_value("privacy and data")
    dialog.fields["occurred_on"].widget.set_value("2026-11-02")
    dialog.fields["description"].widget.set_value("Worried the scribe keeps recordings")
    assert dialog.save()
    qtbot.waitUntil(lambda: window.undo_button.isVisible())
    qtbot.wait(20)  # the status bar lays its widgets out
    return window


def _assert_readable(window, message: str, whole: bool) -> None:
    """The message is shown left of the Undo button: whole, or ending in "…" with the whole text a hover away."""
    bar = window.statusBar()
    assert bar.currentMessage() == message
    undo = window.undo_button
    if whole:
        room = undo.geometry().left() - 8  # the bar's own margin, and a gap before the button
        assert bar.fontMetrics().horizontalAdvance(message) <= room, f"{message!r} does not fit beside Undo"
    shown = window.status_text
    assert shown.isVisible() and undo.isVisible()
    assert shown.geometry().right() < undo.geometry().left(), "the message reaches under the Undo button"
    room = shown.contentsRect().width()
    assert shown.fontMetrics().horizontalAdvance(shown.text()) <= room, (shown.text(), room)
    if shown.text() == message:
        assert not shown.is_elided()
    else:
        assert not whole, f"{message!r} is cut to {shown.text()!r} at 1024x768"
        assert shown.text().endswith("…")
        assert shown.toolTip() == message and shown.accessibleDescription() == message


def test_after_a_backup_the_message_is_seen_whole_beside_undo(small_window):
    small_window.backup_now()
    message = small_window.statusBar().currentMessage()
    _assert_readable(small_window, message, whole=True)
    assert message == "Backup written and checked, in the backups folder beside the logbook."
    assert list((small_window.context.db.path.parent / "backups").glob("*-manual.db"))


def test_the_app_s_status_messages_read_beside_undo(small_window, qtbot):
    whole = [
        # What saving, deleting and undoing say, for a session (the longest description).
        "Saved the training session of 20 Nov 2026 with 12 attendees. Press Ctrl+Z (or Undo) to take it back.",
        "Saved your changes to the training session of 20 Nov 2026. Press Ctrl+Z (or Undo) to put them back.",
        "Put back the training session of 20 Nov 2026 with 12 attendees as it was before your changes.",
        "Deleted 3 training sessions. Press Ctrl+Z to undo.",
        "Saved. The training session is outside the period, search or filters shown, so it is not in this list.",
        "Countersigned 12 sessions (with your signing PIN).",
    ]
    too_long = [
        # A path chosen in a file dialog, and the upgrade notice: whole only on a hover.
        "Backup written and checked: /home/nurse/Documents/ward backups/Willow Ward/champion-desk-backup.db.age",
        "This logbook was upgraded for this version of Champion Desk; a backup of it as it was "
        "is in the backups folder (File › Restore from backup).",
    ]
    for message in whole + too_long:
        small_window.context.status_message.emit(message)
        qtbot.wait(1)
        _assert_readable(small_window, message, whole=message in whole)


def test_a_menu_s_status_tip_shows_in_the_same_place(small_window, qtbot):
    # Qt shows a hovered menu item's tip from C++, not through the app's signal.
    tip = "Write a checked copy of the database"
    QApplication.sendEvent(small_window, QStatusTipEvent(tip))
    assert small_window.status_text.text() == tip
    _assert_readable(small_window, tip, whole=True)
    QApplication.sendEvent(small_window, QStatusTipEvent(""))
    assert small_window.status_text.text() == ""
