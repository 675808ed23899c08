"""Signing in the app: nobody countersigns, signs off or switches to a colleague with a signing PIN without it."""

from __future__ import annotations

import pytest

from champion_desk.domain import logbook, pin, signing
from champion_desk.store import records
from champion_desk.ui.user_picker import find_user
from tests.factories import TODAY, session_values
from tests.ui.signing_helpers import CANCEL, SignAnswers
from tests.ui.test_dialog_base import make_dialog

MANAGER_PIN = "2468"


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    real = pin.hash_pin
    monkeypatch.setattr(pin, "hash_pin", lambda p, **_: real(p, n=2**4))


@pytest.fixture
def manager_has_pin(db, ward):
    signing.set_signing_pin(db, ward["manager"], MANAGER_PIN, "t", authoriser_id=ward["champion"])


def _countersign_page(window, ward, n=2):
    ids = [
        records.insert(window.context.db, "training_session", session_values(ward, held_on=f"2026-11-1{d}"), "t")
        for d in range(n)
    ]
    page = window.show_page("training")
    # As if the champion had got the manager's name on screen (Switch user asks the PIN; see below).
    window.context.set_user(find_user(window.context.db, ward["manager"]))
    page.records.select_ids(ids)
    return page, ids


def _states(db, ids):
    marks = ", ".join("?" for _ in ids)
    return {
        r["verified_signature"]
        for r in db.query(f"SELECT verified_signature FROM training_session WHERE id IN ({marks})", ids)
    }


def test_countersigning_as_a_manager_with_a_pin_needs_their_pin(qtbot, window, ward, manager_has_pin):
    page, ids = _countersign_page(window, ward)
    answers = SignAnswers(CANCEL)
    assert page.countersign_selected() == 0
    answers = SignAnswers("1111", "", CANCEL)  # a wrong PIN, then none at all
    assert page.countersign_selected() == 0
    assert "not Łukasz Nowak's signing PIN" in answers.messages[0]
    assert "Type Łukasz Nowak's signing PIN" in answers.messages[1]
    assert _states(window.context.db, ids) == {None}
    answers = SignAnswers(MANAGER_PIN)
    assert page.countersign_selected() == 2
    assert _states(window.context.db, ids) == {"pin"}
    assert page.records.model.row(page.records.model.row_of(ids[0]))["verified_signature"] == "pin"
    audit = window.context.db.query("SELECT changes FROM audit WHERE record_id = ? AND action = 'update'", (ids[0],))
    assert '"verified_signature": [null, "pin"]' in audit[-1]["changes"]


def test_wrong_pins_sign_nothing_and_then_make_the_signer_wait(qtbot, window, ward, manager_has_pin):
    page, ids = _countersign_page(window, ward, 1)
    answers = SignAnswers(*["0000"] * pin.FREE_TRIES, CANCEL)
    assert page.countersign_selected() == 0
    assert "Try again in 30 seconds" in answers.messages[-1]
    assert _states(window.context.db, ids) == {None}
    # Closing the dialog (or the app: the count is in the file) does not skip the wait.
    from champion_desk.ui.sign_dialog import SignDialog

    dialog = SignDialog(window.context.db, ward["manager"], "Countersign 1 session", "Countersign")
    qtbot.addWidget(dialog)
    assert not dialog.sign_button.isEnabled() and not dialog.pin.isEnabled()
    assert "Try again in" in dialog.message.text()
    dialog.pin.setText(MANAGER_PIN)
    dialog.try_sign()
    assert dialog.signature is None


def test_a_champion_cannot_sign_off_as_the_manager_without_their_pin(qtbot, ward_context, db, ward, manager_has_pin):
    sid = logbook.save_session(db, session_values(ward), [{"staff_id": ward["a"]}], "t", today=TODAY)
    logbook.save_session(
        db,
        session_values(ward),
        [{"staff_id": ward["a"], "signed_off": 1, "signed_off_by": ward["manager"], "signed_off_on": "2026-11-20"}],
        "t",
        sid,
        today=TODAY,
        signatures={ward["manager"]: signing.sign_as(db, ward["manager"], MANAGER_PIN)},
    )
    dialog = make_dialog(qtbot, ward_context, "training_session", record_id=sid)
    row = dialog.attendees.rows[0]
    assert "verified by PIN" in row.signed.toolTip()
    row.sign_date.set_value("2026-11-22")  # moving the manager's sign-off re-signs it as the manager
    answers = SignAnswers("1111", CANCEL)
    assert not dialog.save()
    assert answers.titles == ["Sign off as Łukasz Nowak", "Sign off as Łukasz Nowak"]
    assert "needs the signer's PIN" in row.error.message()
    (saved,) = records.find(db, "attendance", session_id=sid)
    assert (saved["signed_off_on"], saved["signed_off_signature"]) == ("2026-11-20", "pin")
    answers = SignAnswers(MANAGER_PIN)
    assert dialog.save()
    (saved,) = records.find(db, "attendance", session_id=sid)
    assert (saved["signed_off_on"], saved["signed_off_signature"]) == ("2026-11-22", "pin")


def test_the_champions_own_sign_off_is_stored_unverified_without_a_pin(qtbot, ward_context, db, ward):
    sid = logbook.save_session(db, session_values(ward), [{"staff_id": ward["a"]}], "t", today=TODAY)
    dialog = make_dialog(qtbot, ward_context, "training_session", record_id=sid)
    dialog.attendees.rows[0].signed.setChecked(True)
    answers = SignAnswers("")
    assert dialog.save()
    assert answers.titles == ["Sign off as Zoë Adams"]
    assert records.find(db, "attendance", session_id=sid)[0]["signed_off_signature"] == "unverified"


def test_switch_user_to_someone_with_a_signing_pin_asks_for_it(qtbot, db_path, settings, monkeypatch):
    from champion_desk.app import Desk
    from champion_desk.store.database import open_database
    from tests.factories import make_ward

    with open_database(db_path) as db:
        ward = make_ward(db)
        signing.set_signing_pin(db, ward["manager"], MANAGER_PIN, "t", authoriser_id=ward["champion"])
        users = {k: find_user(db, ward[k]) for k in ("champion", "manager", "a")}
    desk = Desk(settings)
    chosen = {"user": users["champion"]}
    monkeypatch.setattr(desk, "ask_user", lambda current_id=None: chosen["user"])
    assert desk.start(db_path)
    qtbot.addWidget(desk.window)
    try:
        assert desk.context.current_user["id"] == ward["champion"]
        chosen["user"] = users["manager"]
        answers = SignAnswers("1111", CANCEL)
        desk.switch_user()
        assert "not Łukasz Nowak's signing PIN" in answers.messages[0]
        assert desk.context.current_user["id"] == ward["champion"]
        answers = SignAnswers(MANAGER_PIN)
        desk.switch_user()
        assert answers.titles == ["Continue as Łukasz Nowak"]
        assert desk.context.current_user["id"] == ward["manager"]
        chosen["user"] = users["a"]  # no signing PIN: chosen for logging as today
        desk.switch_user()
        assert desk.context.current_user["id"] == ward["a"]
    finally:
        desk.shutdown()


def test_the_signing_pin_dialog_needs_a_second_person_and_their_pin(qtbot, db, ward):
    from champion_desk.ui.signing_pin_dialog import SigningPinDialog

    first = SigningPinDialog(db, ward["manager"], "Łukasz Nowak")
    qtbot.addWidget(first)
    first.new.setText(MANAGER_PIN)
    first.repeat.setText(MANAGER_PIN)
    first.save()
    assert "second person present" in first.message.text() and not signing.has_signing_pin(db, ward["manager"])
    first.new.setText(MANAGER_PIN)
    first.repeat.setText(MANAGER_PIN)
    first.second.setCurrentIndex(first.second.findData(ward["champion"]))
    first.save()
    assert signing.has_signing_pin(db, ward["manager"]) and "Signing PIN set for Łukasz Nowak" in first.result_text

    dialog = SigningPinDialog(db, ward["champion"], "Zoë Adams")
    qtbot.addWidget(dialog)
    dialog.second.setCurrentIndex(dialog.second.findData(ward["manager"]))
    for typed, again in (("1357", "1358"), ("1357", "1357")):
        dialog.new.setText(typed)
        dialog.repeat.setText(again)
        dialog.second_pin.setText("0000")
        dialog.save()
    assert "not Łukasz Nowak's signing PIN" in dialog.message.text() and not signing.has_signing_pin(
        db, ward["champion"]
    )
    dialog.new.setText("1357")
    dialog.repeat.setText("1357")
    dialog.second_pin.setText(MANAGER_PIN)
    dialog.save()
    assert signing.sign_as(db, ward["champion"], "1357").state == signing.VERIFIED


def test_a_countersign_is_undone_by_withdrawing_it_with_its_history_kept(
    qtbot, window, ward, manager_has_pin, messages
):
    page, ids = _countersign_page(window, ward)
    answers = SignAnswers(MANAGER_PIN)  # noqa: F841 - kept alive: it answers the PIN dialog
    assert page.countersign_selected() == 2
    said = window.statusBar().currentMessage()
    assert "Countersigned 2 sessions (verified by PIN)" in said and "Ctrl+Z" in said
    assert window.undo_button.isVisibleTo(window)
    assert window.undo_action.text() == "Undo countersign of 2 sessions"
    window.undo_action.trigger()  # Ctrl+Z
    assert messages == []
    assert _states(window.context.db, ids) == {None}
    assert {r["verified_by"] for r in records.find(window.context.db, "training_session")} == {None}
    assert "Withdrew your countersign of 2 sessions" in window.statusBar().currentMessage()
    assert not window.deletions.can_undo()
    # The audit keeps the signature and says it was withdrawn, by whom: an assurance reader sees both.
    changes = [
        r["changes"]
        for r in window.context.db.query(
            "SELECT changes FROM audit WHERE record_id = ? AND action = 'update' ORDER BY rowid", (ids[0],)
        )
    ]
    assert '"verified_signature": [null, "pin"]' in changes[0]
    assert '"verified_signature": ["pin", null]' in changes[1]
    assert "withdrawn by the signer" in changes[2] and ward["manager"] in changes[2]
    assert page.records.model.row(page.records.model.row_of(ids[0]))["countersigned"] == 0


def test_a_countersign_of_a_session_changed_since_is_not_withdrawn(qtbot, window, ward, manager_has_pin, messages):
    page, ids = _countersign_page(window, ward, 1)
    answers = SignAnswers(MANAGER_PIN)  # noqa: F841 - kept alive: it answers the PIN dialog
    assert page.countersign_selected() == 1
    assert window.undo_action.text().startswith("Undo countersign of the session of 1")
    logbook.save(window.context.db, "training_session", {"place": "Seminar room"}, "t", ids[0])  # edited since
    window.undo()
    (kind, title, text) = messages[-1]
    assert (kind, title) == ("warning", "Could not undo")
    assert "stands as signed" in text
    assert _states(window.context.db, ids) == {"pin"}
    assert not window.deletions.can_undo()
