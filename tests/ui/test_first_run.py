"""First run and start-up: create new, open existing, demo data (with cancel), --page, remembered user."""

from __future__ import annotations

import pytest

from champion_desk.app import Desk, audit_count
from champion_desk.store import records
from champion_desk.store.backups import default_backup_dir, list_backups
from champion_desk.store.database import open_database
from champion_desk.ui import first_run
from champion_desk.ui.first_run import CREATE, DEMO, OPEN, FirstRunDialog, setup_database


@pytest.fixture
def ward_scale(monkeypatch):
    monkeypatch.setattr(first_run, "DEMO_SCALE", "ward")


def test_dialog_buttons_choose(qtbot, tmp_path):
    for button, choice in (("create_button", CREATE), ("open_button", OPEN), ("demo_button", DEMO)):
        dialog = FirstRunDialog(tmp_path / "desk.db")
        qtbot.addWidget(dialog)
        dialog.show()
        getattr(dialog, button).click()
        assert dialog.choice == choice and dialog.result() == FirstRunDialog.DialogCode.Accepted


def test_create_new(qapp, tmp_path):
    result = setup_database(CREATE, tmp_path / "new" / "desk.db")
    assert result.db.path.exists() and records.count(result.db, "staff") == 0
    result.db.close()


def test_open_existing(qapp, tmp_path, monkeypatch):
    path = tmp_path / "ward.db"
    open_database(path).close()
    monkeypatch.setattr(first_run, "ask_open_path", lambda parent, start=None: path)
    result = setup_database(OPEN, tmp_path / "default.db")
    assert result.db.path == path and not (tmp_path / "default.db").exists()
    result.db.close()
    monkeypatch.setattr(first_run, "ask_open_path", lambda parent, start=None: None)
    assert setup_database(OPEN, tmp_path / "default.db") is None


def test_demo_data(qtbot, tmp_path, ward_scale):
    result = setup_database(DEMO, tmp_path / "demo.db")
    assert records.count(result.db, "training_session") > 0
    assert result.demo_summary["champion"]
    result.db.close()


def test_cancelled_demo_leaves_no_file(qtbot, tmp_path, ward_scale, monkeypatch):
    from champion_desk.ui import workers

    started = workers.Operation.start

    def start_then_cancel(self):
        self._cancel.set()  # as if Cancel were pressed before the first progress report
        return started(self)

    monkeypatch.setattr(workers.Operation, "start", start_then_cancel)
    assert setup_database(DEMO, tmp_path / "demo.db") is None
    assert list(tmp_path.glob("demo.db*")) == []


def _desk(settings, monkeypatch, user=None):
    desk = Desk(settings)
    monkeypatch.setattr(desk, "ask_user", lambda current_id=None: user)
    return desk


def test_start_opens_the_requested_page(qtbot, db_path, settings, monkeypatch):
    open_database(db_path).close()
    desk = _desk(settings, monkeypatch)
    assert desk.start(db_path, page="concerns")
    qtbot.addWidget(desk.window)
    qtbot.waitUntil(lambda: desk.window.current_page_name() == "concerns")
    desk.shutdown()


def test_start_without_page_uses_the_last_one(qtbot, db_path, settings, monkeypatch):
    open_database(db_path).close()
    settings.last_page = "stories"
    desk = _desk(settings, monkeypatch)
    desk.start(db_path)
    qtbot.addWidget(desk.window)
    qtbot.waitUntil(lambda: desk.window.current_page_name() == "stories")
    desk.shutdown()


def test_no_database_runs_first_run_and_backing_out_quits(qtbot, db_path, settings, monkeypatch):
    import champion_desk.ui.first_run as module

    monkeypatch.setattr(module, "run_first_run", lambda target, parent=None: None)
    assert _desk(settings, monkeypatch).start(db_path) is False
    assert not db_path.exists()


def test_user_is_remembered_per_database_and_is_the_audit_actor(qtbot, db, ward, settings, monkeypatch):
    from champion_desk.ui.user_picker import find_user

    path = db.path
    db.close()
    champion = find_user(open_database(path), ward["champion"])
    desk = _desk(settings, monkeypatch, champion)
    desk.start(path)
    qtbot.addWidget(desk.window)
    assert desk.context.actor == "Zoë Adams"
    assert "Zoë Adams" in desk.window.user_label.text()
    assert settings.user_for(path) == ward["champion"]
    desk.shutdown()
    # Next start on this PC: nobody is asked.
    again = _desk(settings, monkeypatch, None)
    again.start(path)
    qtbot.addWidget(again.window)
    assert again.context.actor == "Zoë Adams"
    again.shutdown()


def test_backup_on_close_only_when_something_changed(qtbot, db, ward, settings, monkeypatch):
    path = db.path
    db.close()
    desk = _desk(settings, monkeypatch)
    desk.start(path)
    qtbot.addWidget(desk.window)
    assert desk.backup_if_changed() is None
    records.insert(desk.context.db, "unit", {"name": "Ward 12"}, desk.context.actor)
    desk.shutdown()
    found = list_backups(default_backup_dir(path))
    assert [b.reason for b in found] == ["on-close"]
    with open_database(found[0].path, create=False) as copy:
        assert audit_count(copy) > 0


def test_user_picker_add_yourself(qtbot, db):
    from champion_desk.ui.user_picker import UserPickerDialog

    dialog = UserPickerDialog(db)
    qtbot.addWidget(dialog)
    dialog.add_yourself()
    assert "required" in dialog.add_error.text() and dialog.chosen is None
    qtbot.keyClicks(dialog.name, "Ama Mensah")
    chosen = dialog.add_yourself()
    assert chosen["display_name"] == "Ama Mensah" and chosen["is_champion"] == 1
    assert db.one("SELECT actor FROM audit WHERE record_id = ?", (chosen["id"],))["actor"] == "Ama Mensah"


def test_user_picker_search(qtbot, db, ward):
    from champion_desk.ui.user_picker import UserPickerDialog

    dialog = UserPickerDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2  # the champion and the manager
    qtbot.keyClicks(dialog.search, "lukasz")
    assert dialog.list.count() == 1 and dialog.list.currentItem().text().startswith("Łukasz")
    dialog.search.clear()
    dialog.everyone.setChecked(True)
    assert dialog.list.count() == 4


def test_the_database_is_locked_while_open(qtbot, db_path, settings, monkeypatch):
    from champion_desk.store.lock import lock_path

    open_database(db_path).close()
    desk = _desk(settings, monkeypatch)
    desk.start(db_path)
    qtbot.addWidget(desk.window)
    assert lock_path(db_path).exists()
    desk.shutdown()
    assert not lock_path(db_path).exists()


def test_file_new_and_open_switch_the_whole_window(qtbot, db, ward, settings, monkeypatch, tmp_path):
    from champion_desk.store.lock import lock_path

    old = db.path
    db.close()
    desk = _desk(settings, monkeypatch)
    desk.start(old)
    qtbot.addWidget(desk.window)
    training = desk.window.show_page("people")
    assert training.records.model.rowCount() == 4
    records.insert(desk.context.db, "unit", {"name": "Ward 3"}, "t")  # a change: File > New backs up the old file
    new = tmp_path / "other" / "fresh.db"
    monkeypatch.setattr(first_run, "ask_new_path", lambda parent, start=None: new)
    desk.new_database()
    assert desk.context.db.path == new and lock_path(new).exists() and not lock_path(old).exists()
    assert [b.reason for b in list_backups(default_backup_dir(old))] == ["on-close"]
    assert training.records.model.rowCount() == 0  # the page reloaded from the new file
    monkeypatch.setattr(first_run, "ask_open_path", lambda parent, start=None: old)
    desk.open_other_database()
    assert desk.context.db.path == old and training.records.model.rowCount() == 4
    desk.shutdown()


def test_lock_now_needs_a_pin_then_covers_the_app(qtbot, db_path, settings, monkeypatch, messages):
    from champion_desk.domain.pin import hash_pin

    open_database(db_path).close()
    desk = _desk(settings, monkeypatch)
    desk.start(db_path)
    qtbot.addWidget(desk.window)
    desk.lock_now()
    assert not desk.locker.is_locked and messages[-1][1] == "No PIN set"
    settings.pin_hash = hash_pin("2468", n=2**4)
    desk.lock_now()
    assert desk.locker.is_locked
    desk.locker.screen.pin_edit.setText("2468")
    desk.locker.screen.try_unlock()
    assert not desk.locker.is_locked
    desk.shutdown()


def test_a_second_start_beside_the_open_copy_says_so_and_offers_no_file_to_create(
    qtbot, tmp_path, settings, monkeypatch
):
    """The trial's second start after the demo: the lock's Cancel quit, never the welcome dialog."""
    from champion_desk.paths import demo_db_path
    from champion_desk.store import lock as locking
    from champion_desk.store.frontdoor import LockedChoice
    from champion_desk.ui import instance_dialogs

    demo = demo_db_path(tmp_path / "champion-desk.db")
    open_database(demo).close()
    asked, welcomed = [], []

    def answer(box_and_choices, default):
        asked.append(box_and_choices[0].text())
        return LockedChoice.CANCEL

    monkeypatch.setattr(instance_dialogs, "_ask", answer)
    monkeypatch.setattr(first_run, "run_first_run", lambda target, parent=None: welcomed.append(target))
    first_copy = locking.acquire(demo)  # the copy that opened the demo holds its lock
    try:
        assert _desk(settings, monkeypatch).start(demo) is False
    finally:
        first_copy.release()
    assert welcomed == []
    assert asked == [
        f"Champion Desk already has this logbook open on this PC (since {first_copy.owner.since_local()})."
    ]


def test_the_welcome_dialog_on_an_existing_demo_opens_it_and_creates_only_a_new_file(qtbot, tmp_path, monkeypatch):
    from champion_desk.errors import ChampionDeskError
    from champion_desk.paths import demo_db_path

    real = tmp_path / "champion-desk.db"
    demo = demo_db_path(real)
    open_database(demo).close()
    dialog = FirstRunDialog(demo)
    qtbot.addWidget(dialog)
    assert dialog.create_button.description() == f"Creates {real.name} in {tmp_path}"
    assert dialog.demo_button.text() == "Open the hospital demo data"
    result = setup_database(DEMO, demo)
    assert result.db.path == demo and sorted(p.name for p in tmp_path.glob("*.db")) == [demo.name]
    result.db.close()
    created = setup_database(CREATE, demo)
    assert created.db.path == real
    created.db.close()
    # With the real logbook there too, nothing is created until a free name is chosen.
    dialog = FirstRunDialog(demo)
    qtbot.addWidget(dialog)
    assert "you choose the new one's name and folder" in dialog.create_button.description()
    monkeypatch.setattr(first_run, "ask_new_path", lambda parent, start=None: real)
    with pytest.raises(ChampionDeskError, match="already there"):
        setup_database(CREATE, demo)
    monkeypatch.setattr(first_run, "ask_new_path", lambda parent, start=None: None)
    assert setup_database(CREATE, demo) is None
