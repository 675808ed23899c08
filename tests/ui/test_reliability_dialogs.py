"""The shared-PC dialogs and flows: who has it open, network folder, damaged logbook, crash, lock screen."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QPlainTextEdit, QPushButton

from champion_desk import crashlog
from champion_desk.domain import pin
from champion_desk.store import frontdoor, records
from champion_desk.store import lock as locking
from champion_desk.store.backups import BackupInfo, backup_database
from champion_desk.store.database import open_database
from champion_desk.store.location import NetworkLocation
from champion_desk.ui import instance_dialogs
from champion_desk.ui.crash_dialog import CrashDialog, CrashReporter
from champion_desk.ui.instance_dialogs import LockedChoice, OpenedDatabase, open_with_safeguards
from champion_desk.ui.lock_screen import AppLocker, IdleWatcher, LockScreen

FAST_PIN = dict(n=2**10, r=8, p=1)


class ScriptedAsker:
    """Answers open_with_safeguards' questions from a script and records what was asked."""

    def __init__(self, locked=LockedChoice.READ_ONLY, network=True, damaged=True):
        self.answers = {"locked": locked, "network": network, "damaged": damaged}
        self.asked: list[tuple[str, object]] = []

    def locked(self, error):
        self.asked.append(("locked", error))
        return self.answers["locked"]

    def network(self, location):
        self.asked.append(("network", location))
        return self.answers["network"]

    def damaged(self, path, problem, backup):
        self.asked.append(("damaged", backup))
        return self.answers["damaged"]

    def restored(self, result):
        self.asked.append(("restored", result))

    def failed(self, path, message):
        self.asked.append(("failed", message))

    def notice(self, message):
        self.asked.append(("notice", message))


def _make(path: Path) -> None:
    db = open_database(path)
    records.insert(db, "unit", {"name": "Ward 7"}, "t")
    db.close()


def test_open_takes_the_lock_and_close_gives_it_back(db_path):
    _make(db_path)
    opened = open_with_safeguards(db_path, ScriptedAsker())
    assert isinstance(opened, OpenedDatabase) and not opened.readonly
    assert locking.read_owner(db_path).pid == os.getpid()
    opened.close()
    assert locking.read_owner(db_path) is None


def test_second_instance_is_asked_and_may_open_read_only(db_path):
    _make(db_path)
    other = locking.LockOwner("Anna", locking._current_host(), os.getppid(), "2026-11-26T14:02:00Z", locking.boot_id())
    locking._write_new(locking.lock_path(db_path), other)
    asker = ScriptedAsker(locked=LockedChoice.READ_ONLY)
    opened = open_with_safeguards(db_path, asker)
    assert asker.asked[0][0] == "locked" and asker.asked[0][1].owner == other
    assert opened.readonly and opened.db.scalar("SELECT count(*) FROM unit") == 1
    opened.close()
    assert locking.read_owner(db_path) == other  # a read-only opener never touches the other's lock
    assert open_with_safeguards(db_path, ScriptedAsker(locked=LockedChoice.CANCEL)) is None


def test_lock_from_another_pc_can_be_taken_over_when_the_user_says_so(db_path):
    _make(db_path)
    locking._write_new(locking.lock_path(db_path), locking.LockOwner("Anna", "WARD9-PC", 1, "2026-11-26T14:02:00Z"))
    opened = open_with_safeguards(db_path, ScriptedAsker(locked=LockedChoice.TAKE_OVER))
    assert not opened.readonly and locking.read_owner(db_path).host == locking._current_host()
    opened.close()


def test_network_folder_is_warned_about_before_anything_is_written(db_path, monkeypatch):
    _make(db_path)
    where = NetworkLocation(db_path, "an NFS network share", "/mnt/wards")
    monkeypatch.setattr(frontdoor, "network_location", lambda path: where)
    assert open_with_safeguards(db_path, ScriptedAsker(network=False)) is None
    assert not locking.lock_path(db_path).exists()
    opened = open_with_safeguards(db_path, ScriptedAsker(network=True))
    assert opened is not None
    opened.close()


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096 : (page + 1) * 4096] = bytes(4096)
    path.write_bytes(bytes(data))


def test_damaged_logbook_offers_the_latest_backup_and_keeps_the_damaged_file(db_path):
    _make(db_path)
    db = open_database(db_path)
    backup_database(db, reason="manual")
    db.close()
    _damage(db_path)
    asker = ScriptedAsker(damaged=True)
    opened = open_with_safeguards(db_path, asker)
    kinds = [k for k, _ in asker.asked]
    assert kinds == ["damaged", "restored"], asker.asked
    assert opened.db.scalar("SELECT count(*) FROM unit") == 1
    opened.close()
    assert len(list(db_path.parent.glob("desk.damaged-*.db"))) == 1


def test_damaged_logbook_without_backup_is_left_alone(db_path):
    _make(db_path)
    _damage(db_path)
    before = db_path.read_bytes()
    asker = ScriptedAsker(damaged=True)
    assert open_with_safeguards(db_path, asker) is None
    assert asker.asked[0] == ("damaged", None)
    assert db_path.read_bytes() == before and not locking.lock_path(db_path).exists()


def test_locked_box_names_who_and_offers_take_over_only_for_another_pc(qapp):
    here = locking.DatabaseLockedError(
        Path("desk.db"), locking.LockOwner("Anna", "WARD7-PC", 5, "2026-11-26T14:02:00Z")
    )
    box, choices = instance_dialogs.locked_box(None, here)
    assert "Anna on WARD7-PC" in box.text()
    assert sorted(c.value for c in choices.values()) == ["cancel", "read-only"]
    there = locking.DatabaseLockedError(Path("desk.db"), here.owner, stale_unknown=True)
    box, choices = instance_dialogs.locked_box(None, there)
    assert LockedChoice.TAKE_OVER in choices.values()
    texts = {b.text(): c for b, c in choices.items()}
    assert texts["Open read-only"] is LockedChoice.READ_ONLY and texts["Open anyway"] is LockedChoice.TAKE_OVER


def test_network_and_damaged_boxes_say_what_to_do(qapp, tmp_path):
    box, choices = instance_dialogs.network_box(
        None, NetworkLocation(Path("/mnt/w/desk.db"), "an NFS network share", "/mnt/w")
    )
    assert "own disk" in box.informativeText() and set(choices.values()) == {True, False}
    assert choices[box.defaultButton()] is False  # the safe answer is the default
    info = BackupInfo(tmp_path / "b.db", dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.timezone.utc), "on-close", 1)
    box, choices = instance_dialogs.damaged_box(None, Path("desk.db"), "page 3 is damaged", info)
    assert "kept aside" in box.informativeText() and "desk.damaged-" in box.informativeText()
    assert choices[box.defaultButton()] is True
    box, choices = instance_dialogs.damaged_box(None, Path("desk.db"), "page 3 is damaged", None)
    assert list(choices.values()) == [False] and "No good backup" in box.informativeText()


# --- crash -----------------------------------------------------------------------------------


def test_crash_dialog_says_saved_work_is_safe_and_gives_the_reference(qtbot, tmp_path):
    dialog = CrashDialog("ab12cd34", "ValueError", tmp_path / "champion-desk.log")
    qtbot.addWidget(dialog)
    text = " ".join(b.text() for b in dialog.findChildren(QPushButton))
    labels = " ".join(lbl.text() for lbl in dialog.findChildren(QLabel))
    assert "ab12cd34" in labels and "safe" in labels
    assert dialog.log_button is not None and "Carry on" in text
    quits = []
    dialog.quit_requested.connect(lambda: quits.append(True))
    dialog.quit_button.click()
    assert quits == [True]


def test_an_exception_in_a_slot_is_logged_without_names_and_the_dialog_is_shown(qtbot, tmp_path, db, monkeypatch):
    from tests.factories import make_ward

    ward = make_ward(db)
    saved = records.insert(
        db,
        "incident",
        {
            "tool_id": ward["tool"],
            "unit_id": ward["unit"],
            "occurred_on": "2026-11-01",
            "theme": "other",
            "description": "Worried about the night shift",
        },
        "t",
    )
    shown = []
    monkeypatch.setattr(CrashDialog, "exec", lambda self: shown.append(self) or 0)
    crashlog.setup_logging(tmp_path)
    reporter = CrashReporter()
    undo = crashlog.install_excepthook(reporter.report, tmp_path)
    button = QPushButton()
    qtbot.addWidget(button)

    def faulty_slot():
        name = "Nguyễn Thị Mai"  # noqa: F841 - a local that must not reach the log
        raise RuntimeError(f"Could not show concern 'Worried about the night shift' for {name}")

    button.clicked.connect(faulty_slot)
    try:
        with qtbot.capture_exceptions() as caught:
            button.click()
        for exc_type, exc, tb in caught:  # pytest-qt took the exception; hand it to our hook as Qt would
            sys.excepthook(exc_type, exc, tb)
        qtbot.waitUntil(lambda: bool(shown), timeout=2000)
    finally:
        undo()
        logger = logging.getLogger(crashlog.LOGGER)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
    log = (tmp_path / crashlog.LOG_FILE).read_text(encoding="utf-8")
    assert "RuntimeError" in log and "faulty_slot" in log
    assert "night shift" not in log and "Nguyễn" not in log and "Mai" not in log
    assert reporter.reports and reporter.reports[0][1] == "RuntimeError"
    # Nothing already saved is lost.
    assert records.get(db, "incident", saved)["description"] == "Worried about the night shift"


def test_crash_storm_shows_at_most_a_few_dialogs(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(CrashDialog, "exec", lambda self: shown.append(self) or 0)
    reporter = CrashReporter()
    for n in range(10):
        reporter.report(f"ref{n}", "ValueError", None)
    qtbot.waitUntil(lambda: len(reporter.reports) == 10, timeout=2000)
    assert len(shown) == 3


# --- PIN lock screen and auto-lock ---------------------------------------------------------------


def test_lock_screen_unlocks_with_the_right_pin_and_waits_after_five_wrong(qtbot):
    stored = pin.hash_pin("2468", **FAST_PIN)
    now = [100.0]
    screen = LockScreen(stored, attempts=pin.PinAttempts(clock=lambda: now[0]))
    qtbot.addWidget(screen)
    unlocked = []
    screen.unlocked.connect(lambda: unlocked.append(True))
    for _ in range(5):
        screen.pin_edit.setText("1111")
        screen.try_unlock()
    assert not unlocked and "30" in screen.message.text()
    assert not screen.unlock_button.isEnabled()
    screen.pin_edit.setText("2468")
    screen.try_unlock()
    assert not unlocked  # still waiting
    now[0] += 31
    screen.refresh_wait()
    assert screen.unlock_button.isEnabled()
    screen.pin_edit.setText("2468")
    screen.try_unlock()
    assert unlocked == [True] and screen.pin_edit.text() == ""


def test_pin_field_accepts_digits_only_and_hides_them(qtbot):
    screen = LockScreen(pin.hash_pin("2468", **FAST_PIN))
    qtbot.addWidget(screen)
    assert screen.pin_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(screen.pin_edit, "12ab34")
    assert screen.pin_edit.text() == "1234"


def test_idle_watcher_fires_after_the_idle_time_and_input_resets_it(qtbot):
    now = [0.0]
    watcher = IdleWatcher(minutes=5, clock=lambda: now[0], check_ms=10_000)
    fired = []
    watcher.idle_timeout.connect(lambda: fired.append(True))
    now[0] = 299
    watcher.check()
    assert not fired
    watcher.eventFilter(None, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier))
    now[0] = 400
    watcher.check()
    assert not fired  # the key press at 299 s restarted the count
    now[0] = 600
    watcher.check()
    assert fired == [True]
    watcher.set_minutes(0)
    now[0] = 10_000
    watcher.check()
    assert fired == [True]  # auto-lock off


def test_the_idle_watcher_only_filters_events_while_auto_lock_can_fire(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    stored = [None]
    locker = AppLocker(window, pin_hash=lambda: stored[0], minutes=lambda: 10)
    locker.start()
    assert not locker.watcher.watching  # no PIN: nothing can lock, so no filter on every event
    stored[0] = pin.hash_pin("2468", **FAST_PIN)
    locker.watcher.set_minutes(10)  # as the app does once a PIN is set
    assert locker.watcher.watching and locker.watcher.timer.isActive()
    locker.watcher.set_minutes(0)
    assert not locker.watcher.watching and not locker.watcher.timer.isActive()
    locker.watcher.stop()
    with_pin = AppLocker(window, pin_hash=lambda: stored[0], minutes=lambda: 10)
    with_pin.start()
    assert with_pin.watcher.watching
    with_pin.watcher.stop()
    assert not with_pin.watcher.watching


def test_app_locker_covers_the_window_keeps_typed_text_and_unlocks(qtbot):
    window = QMainWindow()
    editor = QPlainTextEdit()
    window.setCentralWidget(editor)
    qtbot.addWidget(window)
    window.show()
    editor.setPlainText("half-typed concern")
    stored = pin.hash_pin("2468", **FAST_PIN)
    locker = AppLocker(window, pin_hash=lambda: stored, minutes=lambda: 10)
    assert locker.lock()
    assert locker.is_locked and locker.screen.isVisible()
    assert locker.screen.windowModality() == Qt.WindowModality.ApplicationModal  # every window is blocked
    locker.screen.pin_edit.setText("2468")
    locker.screen.try_unlock()
    assert not locker.is_locked and locker.screen is None
    assert editor.toPlainText().startswith("half-typed concern")


def test_no_pin_means_no_lock(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    locker = AppLocker(window, pin_hash=lambda: None, minutes=lambda: 10)
    assert not locker.lock() and not locker.is_locked


def test_a_new_logbook_in_a_new_folder_is_created_and_locked(tmp_path):
    path = tmp_path / "new folder" / "ward.db"
    opened = open_with_safeguards(path, ScriptedAsker(), create=True)
    assert opened is not None and not opened.readonly and path.exists()
    assert locking.read_owner(path).pid == os.getpid()
    opened.close()
    assert not locking.lock_path(path).exists()


def test_wait_until_unlocked_returns_after_the_right_pin(qtbot):
    from PySide6.QtCore import QTimer

    window = QMainWindow()
    qtbot.addWidget(window)
    stored = pin.hash_pin("2468", **FAST_PIN)
    locker = AppLocker(window, pin_hash=lambda: stored, minutes=lambda: 10)

    def type_pin():
        locker.screen.pin_edit.setText("2468")
        locker.screen.try_unlock()

    QTimer.singleShot(50, type_pin)
    locker.wait_until_unlocked()
    assert not locker.is_locked


def test_pin_setup_sets_changes_and_removes_the_pin_only_with_the_current_one(qtbot):
    from champion_desk.ui.lock_screen import PinSetupDialog

    dialog = PinSetupDialog(None, 10)
    qtbot.addWidget(dialog)
    dialog.new_edit.setText("1357")
    dialog.repeat_edit.setText("1358")
    dialog.try_accept()
    assert dialog.result() == 0 and "not the same" in dialog.message.text()
    dialog.repeat_edit.setText("1357")
    dialog.minutes_box.setCurrentIndex(dialog.minutes_box.findData(5))
    dialog.try_accept()
    assert dialog.result() == 1 and pin.verify_pin("1357", dialog.pin_hash) and dialog.minutes == 5
    assert dialog.new_edit.text() == "" and "1357" not in dialog.pin_hash

    change = PinSetupDialog(dialog.pin_hash, 5)
    qtbot.addWidget(change)
    change.current_edit.setText("0000")
    change.remove_box.setChecked(True)
    change.try_accept()
    assert change.result() == 0 and "not right" in change.message.text()
    change.current_edit.setText("1357")
    change.remove_box.setChecked(True)
    change.try_accept()
    assert change.result() == 1 and change.pin_hash is None

    keep = PinSetupDialog(dialog.pin_hash, 5)
    qtbot.addWidget(keep)
    keep.current_edit.setText("1357")
    keep.minutes_box.setCurrentIndex(keep.minutes_box.findData(0))
    keep.try_accept()
    assert keep.pin_hash == dialog.pin_hash and keep.minutes == 0


def test_the_app_opens_through_the_safeguards(qapp, tmp_path, monkeypatch):
    # The composition root's open path asks "already open by …?" rather than opening twice.
    from champion_desk.app import Desk
    from champion_desk.ui.settings import Settings

    path = tmp_path / "ward.db"
    _make(path)
    other = locking.LockOwner("Anna", locking._current_host(), os.getppid(), "2026-11-26T14:02:00Z", locking.boot_id())
    locking._write_new(locking.lock_path(path), other)
    asked = []

    def answer(box_and_choices, default):
        box, choices = box_and_choices
        asked.append(box.text())
        return next(c for c in choices.values() if c == LockedChoice.READ_ONLY)

    monkeypatch.setattr(instance_dialogs, "_ask", answer)
    desk = Desk(Settings(tmp_path / "settings.ini"))
    opened = desk.open_safely(path)
    try:
        assert asked and "Anna" in asked[0]
        assert opened.readonly
    finally:
        opened.close()
    assert locking.read_owner(path) == other
