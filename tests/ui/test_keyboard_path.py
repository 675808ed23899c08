"""The keyboard path: a session with five attendees and their confidence in at most 30 keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from champion_desk.domain import pickers
from champion_desk.domain.pickers import fold, match_staff
from champion_desk.store import records

KEY_BUDGET = 30


def shortest_prefix(person, people, unit_id):
    """Return the fewest first letters of a name that put that person first in the attendee list.

    Typed without accents, as on a UK keyboard ("lu" finds Łukasz).
    """
    name = fold(person["display_name"])
    for end in range(1, len(name) + 1):
        found = match_staff(people, name[:end], prefer_unit_id=unit_id)
        if found and found[0]["id"] == person["id"]:
            return name[:end]
    raise AssertionError(f"no prefix picks {name}")


class Keyboard:
    """Presses keys where a person's keys go (an open pop-up list first), counting them."""

    def __init__(self) -> None:
        self.count = 0

    def target(self):
        return QApplication.activePopupWidget() or QApplication.focusWidget()

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.count += 1
        QTest.keyClick(self.target(), key, modifier)
        QApplication.processEvents()  # as between a person's key presses (rows are shown, lists open)

    def type(self, text: str) -> None:
        for char in text:
            self.count += 1
            QTest.keyClicks(self.target(), char)
            QApplication.processEvents()


@pytest.fixture
def window(qtbot, ward_context, settings):
    from champion_desk.ui.main_window import MainWindow

    win = MainWindow(ward_context, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_a_session_with_five_attendees_takes_at_most_30_keys(qtbot, window, ward_context, db, ward):
    for name in ("Ama Mensah", "Tomasz Wójcik"):
        records.insert(db, "staff", {"display_name": name, "unit_id": ward["unit"]}, "t")
    people = pickers.staff(db)
    attendees = [p for p in people if p["id"] != ward["champion"]][:5]
    scores = [(2, 4), (1, 3), (3, 5), (2, 5), (4, 4)]
    keys = Keyboard()
    dialogs = []

    def log_session():
        dialog = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if dialog is None or focus is None or focus.window() is not dialog:
            QTimer.singleShot(10, log_session)  # not on screen and focused yet
            return
        dialogs.append(dialog)
        try:
            type_session(dialog)
        finally:
            if dialog.isVisible():  # a failed step must not leave the test waiting on the dialog
                dialog.saved_id = dialog.saved_id or None
                dialog.done(0)

    def type_session(dialog):
        assert QApplication.focusWidget() is dialog.attendees.picker  # opens on the attendee box
        for person in attendees:
            keys.type(shortest_prefix(person, people, ward["unit"]))
            keys.key(Qt.Key.Key_Return)
        keys.key(Qt.Key.Key_Tab)  # from the attendee box to the first score
        for before, after in scores:
            keys.type(f"{before}{after}")  # each digit moves on to the next score
        keys.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    QTimer.singleShot(0, log_session)
    keys.key(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Home's "Log a training session"
    assert dialogs and dialogs[0].saved_id, "the session was not saved"
    saved = {
        a["staff_id"]: (a["confidence_before"], a["confidence_after"])
        for a in db.query("SELECT * FROM attendance WHERE session_id = ?", (dialogs[0].saved_id,))
    }
    assert saved == {p["id"]: s for p, s in zip(attendees, scores)}
    assert keys.count <= KEY_BUDGET, f"{keys.count} keys"


def test_ticks_dates_and_remove_are_off_the_tab_chain_but_reached_with_arrows(qtbot, ward_context, ward):
    from tests.ui.test_dialog_base import make_dialog

    dialog = make_dialog(qtbot, ward_context, "training_session")
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    row = dialog.attendees.add_person(pickers.staff_member(ward_context.db, ward["a"]))
    QApplication.processEvents()  # the new row is shown
    row.after.setFocus()
    QTest.keyClick(row.after, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.attendees.new_button  # tick, date and ✕ skipped
    row.after.setFocus()
    QTest.keyClick(row.after, Qt.Key.Key_Right)
    assert QApplication.focusWidget() is row.signed
    QTest.keyClick(row.signed, Qt.Key.Key_Left)
    assert QApplication.focusWidget() is row.after
    QTest.keyClick(row.before, Qt.Key.Key_Left)
    assert QApplication.focusWidget() is row.remove  # wraps round to ✕ (the disabled date is skipped)


def _run_in_dialog(keys: Keyboard, shortcut, steps) -> list:
    """Press ``shortcut`` in the main window, then run ``steps(dialog)`` once the form has the keyboard."""
    dialogs = []

    def when_ready():
        dialog = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if dialog is None or focus is None or focus.window() is not dialog:
            QTimer.singleShot(10, when_ready)
            return
        dialogs.append(dialog)
        try:
            steps(dialog)
        finally:
            if dialog.isVisible():
                dialog.done(0)

    QTimer.singleShot(0, when_ready)
    keys.key(shortcut, Qt.KeyboardModifier.ControlModifier)
    return dialogs


def test_a_concern_takes_few_keys_besides_its_words(qtbot, window, db):
    keys = Keyboard()
    words = "Worried about recordings"

    def steps(dialog):
        keys.type("p")  # Theme: the first letter picks "Privacy and data"
        keys.key(Qt.Key.Key_Tab)
        keys.type("k")  # ADKAR barrier: "Knowledge"
        for _ in range(4):  # severity, unit, tool and date keep their defaults
            keys.key(Qt.Key.Key_Tab)
        keys.key(Qt.Key.Key_Tab)
        QTest.keyClicks(QApplication.focusWidget(), words)  # the description: words, not counted as keys
        keys.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    dialogs = _run_in_dialog(keys, Qt.Key.Key_2, steps)
    assert dialogs and dialogs[0].saved_id, "the concern was not saved"
    saved = db.one("SELECT theme, barrier, description FROM incident WHERE id = ?", (dialogs[0].saved_id,))
    assert dict(saved) == {"theme": "privacy and data", "barrier": "knowledge", "description": words}
    assert keys.count <= KEY_BUDGET, f"{keys.count} keys"


def test_a_check_in_on_your_own_pairing_takes_few_keys_besides_its_note(qtbot, window, db, ward):
    from champion_desk.domain import logbook

    pairing = logbook.save(
        db,
        "pairing",
        {"mentor_id": ward["champion"], "mentee_id": ward["a"], "tool_id": ward["tool"], "started_on": "2026-10-01"},
        "t",
    )
    keys = Keyboard()

    def steps(dialog):
        keys.key(Qt.Key.Key_Tab)  # the pairing is already yours; the date is today
        keys.key(Qt.Key.Key_Tab)
        keys.type("20")  # minutes
        keys.key(Qt.Key.Key_Tab)
        keys.type("4")  # confidence, and on to the note
        QTest.keyClicks(QApplication.focusWidget(), "Practised corrections")
        keys.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    dialogs = _run_in_dialog(keys, Qt.Key.Key_3, steps)
    assert dialogs and dialogs[0].saved_id, "the check-in was not saved"
    saved = db.one("SELECT pairing_id, minutes, confidence, note FROM checkin WHERE id = ?", (dialogs[0].saved_id,))
    assert dict(saved) == {"pairing_id": pairing, "minutes": 20, "confidence": 4, "note": "Practised corrections"}
    assert keys.count <= KEY_BUDGET, f"{keys.count} keys"
