"""The sign-in screen: five colleagues sign themselves in, by name and by a scanned badge; exit needs the PIN."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from champion_desk.domain import logbook, pin, signing
from champion_desk.store import records
from tests.factories import session_values


@pytest.fixture
def today_session(db, ward):
    """A session today with four invited (two of them badge holders) and the trainer's signing PIN 2468."""
    for name, ref in (("Carys Jones", "E200"), ("Dev Patel", None)):
        ward[name] = records.insert(db, "staff", {"display_name": name, "unit_id": ward["unit"], "staff_ref": ref}, "t")
    signing.set_signing_pin(db, ward["champion"], "2468", "t", authoriser_id=ward["manager"])
    invited = [ward["a"], ward["b"], ward["Carys Jones"], ward["Dev Patel"]]
    session_id = logbook.save_session(
        db, session_values(ward, held_on=dt.date.today().isoformat(), starts_at="14:00"), [], "t", invited=invited
    )
    # Saving a session held today with nobody yet needs an attendee; the invitations stand.
    return session_id


def _kiosk(qtbot, db, session_id, app_pin_hash=None):
    from champion_desk.ui.kiosk import KioskWindow

    kiosk = KioskWindow(db, session_id, "Zoë Adams", app_pin_hash, pin.PinAttempts())
    qtbot.addWidget(kiosk)
    kiosk.resize(1024, 768)
    kiosk.show()
    return kiosk


def _type(qtbot, kiosk, text):
    kiosk.name_edit.setFocus()
    qtbot.keyClicks(kiosk.name_edit, text)
    qtbot.keyClick(kiosk.name_edit, Qt.Key.Key_Return)


def _score(qtbot, kiosk, n):
    assert kiosk.stack.currentIndex() == 1, kiosk.find_message.text()
    qtbot.keyClick(kiosk, getattr(Qt.Key, f"Key_{n}"))
    assert kiosk.stack.currentIndex() == 3
    kiosk.show_find()


def test_five_sign_in_by_name_and_badge_and_leaving_needs_the_pin(qtbot, db, ward, today_session):
    kiosk = _kiosk(qtbot, db, today_session)
    # Every page fits the smallest screen: large type wraps instead of widening the window.
    for page in range(kiosk.stack.count()):
        kiosk.stack.setCurrentIndex(page)
        hint = kiosk.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768, (page, hint)
    kiosk.show_find()
    # The invite list comes first, before anyone types.
    assert kiosk.matches.count() == 4
    _type(qtbot, kiosk, "siob")  # accent-blind type-ahead: Siobhán Ó Briain
    _score(qtbot, kiosk, 2)
    _type(qtbot, kiosk, "E100")  # a badge scanner types the staff number and Enter: Nguyễn Thị Mai
    _score(qtbot, kiosk, 3)
    _type(qtbot, kiosk, "e200")  # Carys Jones by her badge
    _score(qtbot, kiosk, 4)
    _type(qtbot, kiosk, "dev")
    _score(qtbot, kiosk, 1)
    # A colleague not invited is found among everyone: the ward manager.
    _type(qtbot, kiosk, "lukasz")
    _score(qtbot, kiosk, 5)
    rows = db.query(
        """SELECT s.display_name, a.confidence_before, i.status, i.walk_in, i.confirmed
             FROM attendance a JOIN staff s ON s.id = a.staff_id
             JOIN invitation i ON i.session_id = a.session_id AND i.staff_id = a.staff_id AND i.deleted_at IS NULL
            WHERE a.session_id = ? AND a.deleted_at IS NULL ORDER BY s.display_name""",
        (today_session,),
    )
    assert [(r["display_name"], r["confidence_before"], r["status"], r["walk_in"], r["confirmed"]) for r in rows] == [
        ("Carys Jones", 4, "attended", 0, 1),
        ("Dev Patel", 1, "attended", 0, 1),
        ("Nguyễn Thị Mai", 3, "attended", 0, 1),
        ("Siobhán Ó Briain", 2, "attended", 0, 1),
        ("Łukasz Nowak", 5, "attended", 1, 0),
    ]
    # Only names are on screen, never a score.
    assert "Here now: 5" in kiosk.here_label.text() and not any(str(n) in kiosk.here_label.text() for n in "1234")

    # Nothing else is reachable: Escape and closing leave the screen up.
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    kiosk.close()
    assert kiosk.isVisible() and kiosk.stack.currentIndex() == 4  # the champion's PIN page
    kiosk.pin_edit.setText("1111")
    kiosk.leave()
    assert kiosk.isVisible() and "not" in kiosk.pin_message.text()

    # After the session: the champion switches mode with the PIN; attendees give their score after.
    kiosk.show_champion()
    kiosk.pin_edit.setText("2468")
    kiosk.switch_mode()
    assert kiosk.after_mode and kiosk.stack.currentIndex() == 0
    _type(qtbot, kiosk, "E100")
    _score(qtbot, kiosk, 5)
    assert records.find(db, "attendance", session_id=today_session, staff_id=ward["a"])[0]["confidence_after"] == 5

    with qtbot.waitSignal(kiosk.finished, timeout=2000):
        kiosk.show_champion()
        kiosk.pin_edit.setText("2468")
        qtbot.keyClick(kiosk.pin_edit, Qt.Key.Key_Return)
    assert not kiosk.isVisible()


def test_a_walk_in_adds_their_name_for_the_champion_to_confirm(qtbot, db, ward, today_session):
    kiosk = _kiosk(qtbot, db, today_session, app_pin_hash=pin.hash_pin("9753", n=2**4))
    _type(qtbot, kiosk, "Priya Shah")
    assert kiosk.stack.currentIndex() == 0 and "No one by that name" in kiosk.find_message.text()
    kiosk.walk_in_button.click()
    assert kiosk.walk_in_edit.text() == "Priya Shah"
    qtbot.keyClick(kiosk.walk_in_edit, Qt.Key.Key_Return)
    _score(qtbot, kiosk, 3)
    row = db.one(
        """SELECT s.unit_id, a.confidence_before, i.walk_in, i.confirmed FROM staff s
             JOIN attendance a ON a.staff_id = s.id JOIN invitation i ON i.staff_id = s.id
            WHERE s.display_name = 'Priya Shah'"""
    )
    assert (row["unit_id"], row["confidence_before"], row["walk_in"], row["confirmed"]) == (ward["unit"], 3, 1, 0)
    # The champion confirms the walk-in by saving the session form with them listed; one left out goes.
    priya = db.one("SELECT id FROM staff WHERE display_name = 'Priya Shah'")["id"]
    logbook.save_session(db, {}, [{"staff_id": priya, "confidence_before": 3}], "t", today_session)
    assert records.find(db, "invitation", session_id=today_session, staff_id=priya)[0]["confirmed"] == 1
    logbook.save_session(db, {}, [{"staff_id": ward["a"]}], "t", today_session)
    assert records.find(db, "invitation", session_id=today_session, staff_id=priya) == []
    assert records.find(db, "invitation", session_id=today_session, staff_id=ward["a"])[0]["status"] == "attended"
    assert records.find(db, "invitation", session_id=today_session, staff_id=ward["b"])[0]["status"] == "did_not_attend"
    # The app PIN lets the champion out as well.
    kiosk.show_champion()
    kiosk.pin_edit.setText("9753")
    kiosk.leave()
    assert not kiosk.isVisible()


def test_the_screen_opens_only_on_the_sessions_day_and_when_someone_can_leave_it(db, ward):
    from champion_desk.domain.signin import kiosk_session
    from champion_desk.errors import ValidationError
    from champion_desk.ui.kiosk import may_run

    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    planned = logbook.save_session(db, session_values(ward, held_on=later), [], "t")
    with pytest.raises(ValidationError) as exc:
        kiosk_session(db, planned)
    assert exc.value.field == "session" and "on the day" in exc.value.message
    session = records.get(db, "training_session", planned)
    assert "needs a PIN" in may_run(db, session, None)
    assert may_run(db, session, "scrypt$x") is None


def test_the_name_list_shows_four_names_even_in_a_window_not_made_full_screen(qtbot, db, ward, today_session):
    from champion_desk.ui.kiosk import KioskWindow

    kiosk = KioskWindow(db, today_session, "Zoë Adams", None, pin.PinAttempts())
    qtbot.addWidget(kiosk)
    kiosk.show()  # at its own size, as under a desktop that ignores "full screen"
    qtbot.waitExposed(kiosk)
    kiosk.show_find()
    rows = kiosk.matches.count()
    assert rows >= 4
    assert kiosk.matches.viewport().height() >= 4 * kiosk.matches.sizeHintForRow(0)
    kiosk._may_close = True  # noqa: SLF001 - it refuses to close without a PIN
