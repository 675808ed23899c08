"""The PIN back-off is kept beside the settings: a kill and a restart do not clear a wait."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from champion_desk.domain import pin
from champion_desk.ui.lock_screen import LockScreen, PinSetupDialog, remembered_attempts
from champion_desk.ui.settings import Settings

FAST_PIN = dict(n=2**10, r=8, p=1)
ROOT = Path(__file__).resolve().parents[2]

# Five wrong PINs at the lock screen, then the process is killed (SIGKILL: no clean-up runs).
_KILLED_RUN = textwrap.dedent("""
    import os, signal, sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from champion_desk.ui.lock_screen import LockScreen, remembered_attempts
    screen = LockScreen(sys.argv[1], remembered_attempts())
    for _ in range(5):
        screen.pin_edit.setText("1111")
        screen.try_unlock()
    print(screen.message.text(), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_wait_survives_a_kill_and_a_restart(qtbot):
    stored = pin.hash_pin("2468", **FAST_PIN)
    run = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, stored],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert run.returncode == -9 and "Try again in 30 seconds" in run.stdout, run.stderr
    screen = LockScreen(stored, remembered_attempts())
    qtbot.addWidget(screen)
    assert "Try again in" in screen.message.text() and not screen.unlock_button.isEnabled()
    unlocked = []
    screen.unlocked.connect(lambda: unlocked.append(True))
    screen.pin_edit.setText("2468")
    screen.try_unlock()
    assert not unlocked, "the right PIN waits too, after a restart as before it"
    # The PIN settings dialog reads the same record, so it is no way round the wait.
    dialog = PinSetupDialog(stored, 10)
    qtbot.addWidget(dialog)
    assert dialog.attempts.wait_seconds() > 25


def test_a_right_pin_clears_the_record_on_disk(qtbot):
    stored = pin.hash_pin("2468", **FAST_PIN)
    Settings().set_pin_failures(3, 1.0)
    screen = LockScreen(stored, remembered_attempts())
    qtbot.addWidget(screen)
    screen.pin_edit.setText("2468")
    screen.try_unlock()
    text = Settings().path.read_text(encoding="utf-8")
    assert "pin_failures" not in text and "pin_last_failure" not in text
    assert Settings().pin_failures == (0, 0.0)


def test_a_hand_edited_record_does_not_clear_the_wait(qtbot):
    path = Settings().path
    path.write_text("[security]\npin_failures=lots\n", encoding="utf-8")
    assert Settings(path).pin_failures[0] == pin.FREE_TRIES
    assert remembered_attempts().wait_seconds() > 25
