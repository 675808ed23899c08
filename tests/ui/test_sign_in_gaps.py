"""Sessions from plan to sign-in: a printed sheet entered with ticks and digits, walk-ins confirmed in one
press, a planned session moved to today for the sign-in screen, and no auto-lock over the sign-in screen."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow

from champion_desk.domain import logbook, pin, signin, signing
from champion_desk.store import records
from tests.factories import session_values
from tests.ui.test_dialog_base import make_dialog
from tests.ui.test_keyboard_path import Keyboard


def _invite_five(db, ward, held_on):
    """A session of five invited on Ward 7, planned ahead and then dated ``held_on`` (as when the day has passed)."""
    for name in ("Carys Jones", "Dev Patel"):
        ward[name] = records.insert(db, "staff", {"display_name": name, "unit_id": ward["unit"]}, "t")
    invited = [ward["a"], ward["b"], ward["manager"], ward["Carys Jones"], ward["Dev Patel"]]
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    session_id = logbook.save_session(db, session_values(ward, held_on=later), [], "t", invited=invited)
    records.update(db, "training_session", session_id, {"held_on": held_on}, "t")
    return session_id


def test_a_completed_sheet_of_five_invited_four_came_is_ticks_and_digits(qtbot, ward_context, ward, db):
    session_id = _invite_five(db, ward, (dt.date.today() - dt.timedelta(days=1)).isoformat())
    dialog = make_dialog(qtbot, ward_context, "training_session", record_id=session_id)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.invites.fill_button.click()
    rows = dialog.attendees.rows
    assert len(rows) == 5 and not any(row.attending for row in rows)  # nobody came until ticked
    # In the printed sheet's order (names, accent-blind), so the paper is copied row by row.
    names = [row.person["display_name"] for row in rows]
    assert names == ["Carys Jones", "Dev Patel", "Łukasz Nowak", "Nguyễn Thị Mai", "Siobhán Ó Briain"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is rows[0].came)
    absent = rows[2].person["id"]  # the third row on the sheet has no tick
    scores = iter([(2, 4), (1, 3), (3, 5), (4, 4)])
    keys = Keyboard()
    pressed = []
    for index in range(5):
        if index == 2:
            keys.key(Qt.Key.Key_Tab)  # no tick: on to the next row (their scores are out of reach)
            pressed.append("Tab")
            continue
        keys.key(Qt.Key.Key_Space)  # the tick
        before, after = next(scores)
        keys.type(f"{before}{after}")  # each digit moves on, as in the 30-key path
        pressed += ["Space", str(before), str(after)]
    assert QApplication.focusWidget() is not rows[4].after  # moved on past the last score
    assert "4 attendees (1 did not come)" in dialog.attendees.count_label.text()
    assert dialog.save(), dialog.banner.text()
    assert keys.count == 13 and set(pressed) <= {"Space", "Tab", "1", "2", "3", "4", "5"}

    came = {
        a["staff_id"]: (a["confidence_before"], a["confidence_after"])
        for a in records.find(db, "attendance", session_id=session_id)
    }
    expected_people = [row.person["id"] for i, row in enumerate(rows) if i != 2]
    assert came == dict(zip(expected_people, [(2, 4), (1, 3), (3, 5), (4, 4)]))
    statuses = {i["staff_id"]: i["status"] for i in records.find(db, "invitation", session_id=session_id)}
    assert statuses == {**{p: "attended" for p in expected_people}, absent: "did_not_attend"}


def test_the_30_key_path_rows_have_no_came_tick(qtbot, ward_context, ward, db):
    dialog = make_dialog(qtbot, ward_context, "training_session")
    row = dialog.attendees.add_person({"id": ward["a"], "display_name": "Nguyễn Thị Mai"})
    assert row.came is None and row.attending and row.focus_widgets() == [row.before, row.after]


def test_confirm_walk_ins_is_one_press(qtbot, ward_context, ward, db):
    today_id = _invite_five(db, ward, dt.date.today().isoformat())
    signin.sign_in(db, today_id, ward["a"], 3, "kiosk")
    priya = signin.sign_in(db, today_id, None, 4, "kiosk", new_name="Priya Shah")
    dialog = make_dialog(qtbot, ward_context, "training_session", record_id=today_id)
    assert dialog.invites.confirm_button.isVisibleTo(dialog)
    assert any("Priya Shah — walk-in, to confirm" in dialog.invites.list.item(i).text() for i in range(7))
    dialog.invites.confirm_button.click()
    invitation = records.find(db, "invitation", session_id=today_id, staff_id=priya)[0]
    assert (invitation["walk_in"], invitation["confirmed"], invitation["status"]) == (1, 1, "attended")
    assert not dialog.invites.confirm_button.isVisibleTo(dialog)
    assert "Confirmed 1 walk-in." in dialog.invites.note.text()
    audit = db.query("SELECT * FROM audit WHERE record_id = ? ORDER BY rowid DESC LIMIT 1", (invitation["id"],))
    assert audit and "confirmed" in str(audit[0])
    assert not dialog.is_dirty()  # confirmed in the logbook at once: nothing left to save


def test_a_planned_session_is_moved_to_today_for_the_sign_in_screen(qtbot, ward_context, ward, db, messages):
    from champion_desk.ui import signin_actions

    signing.set_signing_pin(db, ward["champion"], "2468", "t", authoriser_id=ward["manager"])
    later = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    planned = logbook.save_session(db, session_values(ward, held_on=later), [], "t", invited=[ward["a"]])
    kiosk = signin_actions.open_kiosk(ward_context, planned)
    assert kiosk is not None and kiosk.isVisible()
    kind, _title, text = messages[-1]
    assert kind == "question" and "Move this session to today and open the sign-in screen?" in text
    assert records.get(db, "training_session", planned)["held_on"] == dt.date.today().isoformat()
    edit = db.one(
        "SELECT actor, action FROM audit WHERE record_id = ? AND changes LIKE '%held_on%' ORDER BY rowid DESC",
        (planned,),
    )
    assert edit is not None and edit["actor"] == ward_context.actor
    kiosk.pin_edit.setText("2468")
    kiosk.leave()


def test_a_no_leaves_the_date_and_a_past_session_is_still_refused(qtbot, ward_context, ward, db, messages, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from champion_desk.ui import signin_actions

    signing.set_signing_pin(db, ward["champion"], "2468", "t", authoriser_id=ward["manager"])
    later = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    planned = logbook.save_session(db, session_values(ward, held_on=later), [], "t", invited=[ward["a"]])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert signin_actions.open_kiosk(ward_context, planned) is None
    assert records.get(db, "training_session", planned)["held_on"] == later
    past = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    held = logbook.save_session(db, session_values(ward, held_on=past), [{"staff_id": ward["a"]}], "t")
    assert signin_actions.open_kiosk(ward_context, held) is None
    assert messages[-1][0] == "warning" and "on the day it is held" in messages[-1][2]
    assert records.get(db, "training_session", held)["held_on"] == past


def test_auto_lock_is_paused_while_the_sign_in_screen_is_open(qtbot, ward_context, ward, db):
    from champion_desk.ui import signin_actions
    from champion_desk.ui.lock_screen import AppLocker

    signing.set_signing_pin(db, ward["champion"], "2468", "t", authoriser_id=ward["manager"])
    today_id = logbook.save_session(
        db, session_values(ward, held_on=dt.date.today().isoformat()), [], "t", invited=[ward["a"]]
    )
    window = QMainWindow()
    qtbot.addWidget(window)
    stored = pin.hash_pin("9753", n=2**4)
    locker = AppLocker(window, pin_hash=lambda: stored, minutes=lambda: 5)
    locker.start()
    ward_context.signin_screen_open.connect(locker.set_paused)  # as the app wires it (Desk._build)
    assert locker.watcher.watching
    kiosk = signin_actions.open_kiosk(ward_context, today_id)
    assert kiosk is not None and locker.paused and not locker.watcher.watching
    # Long idle while attendees sign in: no lock screen comes up over the sign-in screen.
    locker.watcher.last_activity -= 3600
    locker.watcher.check()
    assert not locker.is_locked
    with qtbot.waitSignal(kiosk.finished, timeout=2000):
        kiosk.show_champion()
        kiosk.pin_edit.setText("2468")
        kiosk.leave()
    assert not locker.paused and locker.watcher.watching and locker.watcher.timer.isActive()
    locker.watcher.last_activity -= 3600  # and once it is closed, idling locks the app again
    locker.watcher.check()
    assert locker.is_locked
    locker.screen.pin_edit.setText("9753")
    locker.screen.try_unlock()
    locker.watcher.stop()


def test_the_app_wires_the_sign_in_screen_to_its_auto_lock(qtbot, db_path, settings, monkeypatch):
    from champion_desk.app import Desk
    from champion_desk.store.database import open_database
    from champion_desk.ui.user_picker import find_user
    from tests.factories import make_ward

    with open_database(db_path) as db:
        champion = find_user(db, make_ward(db)["champion"])
    desk = Desk(settings)
    monkeypatch.setattr(desk, "ask_user", lambda current_id=None: champion)
    assert desk.start(db_path)
    qtbot.addWidget(desk.window)
    try:
        desk.context.signin_screen_open.emit(True)
        assert desk.locker.paused
        desk.context.signin_screen_open.emit(False)
        assert not desk.locker.paused
    finally:
        desk.shutdown()


def test_no_pin_to_leave_means_the_date_is_not_moved(qtbot, ward_context, ward, db, messages):
    from champion_desk.ui import signin_actions

    later = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    planned = logbook.save_session(db, session_values(ward, held_on=later), [], "t", invited=[ward["a"]])
    assert signin_actions.open_kiosk(ward_context, planned) is None
    assert messages[-1][0] == "warning" and "needs a PIN" in messages[-1][2]
    assert records.get(db, "training_session", planned)["held_on"] == later
