"""The app lock: a PIN screen over every window, and the idle timer that brings it up.

On a shared ward PC the app may be left open with a concern on screen. With a PIN set, the app
locks after N idle minutes (or on demand): a full-screen, application-modal lock screen covers
and blocks every window. Nothing is closed or hidden behind it, so a half-typed record is still
there after unlocking. The rules (hashing, wrong-try delays, idle policy) live in
``champion_desk.domain.pin``; this module only shows them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain import pin
from champion_desk.errors import ValidationError
from champion_desk.ui.settings import Settings, remembered_attempts

# Input that counts as "someone is here".
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
}


class LockScreen(QWidget):
    """A full-screen PIN prompt that blocks every other window until the right PIN is typed."""

    unlocked = Signal()

    def __init__(self, pin_hash: str, attempts: pin.PinAttempts | None = None, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setObjectName("lockScreen")
        self.setWindowTitle("Champion Desk is locked")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.pin_hash = pin_hash
        self.attempts = attempts or pin.PinAttempts()
        self._may_close = False
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h2>Champion Desk is locked</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel("Type the app PIN to carry on. Anything you were typing is kept.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(pin.PIN_MAX_LENGTH)
        self.pin_edit.setValidator(QRegularExpressionValidator(r"\d*", self.pin_edit))
        self.pin_edit.setAccessibleName("App PIN")
        self.pin_edit.setMaximumWidth(220)
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_edit.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.pin_edit, alignment=Qt.AlignmentFlag.AlignCenter)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.clicked.connect(self.try_unlock)
        layout.addWidget(self.unlock_button, alignment=Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel("")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setAccessibleName("Lock screen message")
        layout.addWidget(self.message)
        layout.addStretch(2)
        # Counts down the wait after too many wrong PINs.
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(1000)
        self._wait_timer.timeout.connect(self.refresh_wait)
        if self.attempts.wait_seconds() > 0:
            self.refresh_wait()  # a wait owed from before a restart shows at once

    def try_unlock(self) -> None:
        """Check the typed PIN (unless a wait is in force); emit ``unlocked`` when it is right."""
        typed = self.pin_edit.text()
        self.pin_edit.clear()  # never leave a PIN in a widget
        if self.attempts.wait_seconds() > 0:
            self.refresh_wait()
            return
        if self.attempts.attempt(typed, self.pin_hash):
            self.message.setText("")
            self.unlocked.emit()
            return
        self.refresh_wait()
        if self.attempts.wait_seconds() == 0:
            left = pin.FREE_TRIES - self.attempts.failures
            self.message.setText(
                "That PIN is not right." + (f" {left} more tries before a wait." if 0 < left < pin.FREE_TRIES else "")
            )

    def refresh_wait(self) -> None:
        """Show the remaining wait (and disable Unlock) or re-enable Unlock when it is over."""
        wait = self.attempts.wait_seconds()
        waiting = wait > 0
        self.unlock_button.setEnabled(not waiting)
        self.pin_edit.setEnabled(not waiting)
        if waiting:
            self.message.setText(f"Too many wrong PINs. Try again in {int(wait + 0.999)} seconds.")
            if not self._wait_timer.isActive():
                self._wait_timer.start()
        else:
            if self._wait_timer.isActive():
                self._wait_timer.stop()
                self.message.setText("")
            self.pin_edit.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override: Escape must not dismiss the lock
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override: Alt+F4 must not dismiss it either
        if self._may_close:
            event.accept()
        else:
            event.ignore()

    def dismiss(self) -> None:
        """Hide the lock screen (only the locker calls this, after a right PIN)."""
        self._may_close = True
        self.hide()
        self._may_close = False


class IdleWatcher(QObject):
    """Emits ``idle_timeout`` once after ``minutes`` without keyboard, mouse or touch input.

    Installed as an application-wide event filter; ``clock`` is monotonic so a clock change
    cannot lock or unlock the app. 0 minutes turns auto-lock off.
    """

    idle_timeout = Signal()

    def __init__(
        self,
        minutes: int,
        clock: Callable[[], float] = time.monotonic,
        check_ms: int = 15_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.minutes = minutes
        self.last_activity = clock()
        self.fired = False
        self.running = False  # started by the app
        self.watching = False  # the event filter and the timer are on
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        """Watch every input event of the application and check the idle time periodically
        (only while auto-lock is on)."""
        self.running = True
        self._watch(bool(self.minutes))

    def stop(self) -> None:
        self.running = False
        self._watch(False)

    def _watch(self, on: bool) -> None:
        # A Python filter on the whole application runs for every event (thousands while a
        # window is built): install it only while there is an idle time to count.
        app = QApplication.instance()
        if on and not self.watching:
            if app is not None:
                app.installEventFilter(self)
            self.timer.start()
        elif not on and self.watching:
            if app is not None:
                app.removeEventFilter(self)
            self.timer.stop()
        self.watching = on

    def set_minutes(self, minutes: int) -> None:
        """Change the auto-lock time (0 = never); the idle count starts again."""
        self.minutes = pin.check_auto_lock_minutes(minutes)
        self.reset()
        if self.running:
            self._watch(bool(self.minutes))

    def reset(self) -> None:
        self.last_activity = self.clock()
        self.fired = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() in _ACTIVITY:
            self.last_activity = self.clock()
            self.fired = False
        return False

    def check(self) -> None:
        """Emit ``idle_timeout`` (once per idle spell) when the idle time is up."""
        idle = self.clock() - self.last_activity
        if not self.fired and pin.should_lock(idle, self.minutes, pin_set=True):
            self.fired = True
            self.idle_timeout.emit()


class AppLocker(QObject):
    """Locks the app on demand or when idle, if a PIN is set; built once by the app.

    ``pin_hash`` and ``minutes`` are read each time (from settings), so a PIN set or changed in
    the options applies at once.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        pin_hash: Callable[[], str | None],
        minutes: Callable[[], int],
        parent: QObject | None = None,
        settings: Settings | None = None,
        on_wrong: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.window = window
        self.pin_hash = pin_hash
        self.minutes = minutes
        self.screen: LockScreen | None = None
        self.paused = False  # while the sign-in screen is up: it needs a PIN to leave already
        # Survives re-locking and restarts: waiting cannot be skipped by idling or by a kill.
        self.attempts = remembered_attempts(settings, on_wrong)
        # Without a PIN nothing can lock, so there is no idle time to count.
        self.watcher = IdleWatcher((minutes() or 0) if pin_hash() else 0, parent=self)
        self.watcher.idle_timeout.connect(self._idle)

    def set_paused(self, paused: bool) -> None:
        """Pause the auto-lock (True) or resume it with a fresh idle count (False).

        The sign-in screen pauses it: attendees tap it for an hour without touching the app, and a
        lock screen over it would stop the sign-in while it already needs the champion's PIN to leave.
        """
        self.paused = paused
        if paused:
            self.watcher.stop()
        else:
            # Read again: the PIN or the minutes may have changed while the sign-in screen was up.
            self.watcher.set_minutes((self.minutes() or 0) if self.pin_hash() else 0)
            self.watcher.start()

    @property
    def is_locked(self) -> bool:
        return self.screen is not None and self.screen.isVisible()

    def start(self) -> None:
        """Start watching for idleness."""
        self.watcher.start()

    def _idle(self) -> None:
        # A check already queued when the sign-in screen paused the watcher must not lock over it.
        if not self.paused:
            self.lock()

    def lock(self) -> bool:
        """Show the lock screen over everything; return False (nothing done) when no PIN is set."""
        stored = self.pin_hash()
        if not stored:
            return False
        if self.is_locked:
            return True
        self.screen = LockScreen(stored, self.attempts)
        self.screen.unlocked.connect(self._unlock)
        screen = self.window.screen() if self.window is not None else None
        if screen is not None:
            self.screen.setGeometry(screen.geometry())
        self.screen.show()
        self.screen.raise_()
        self.screen.activateWindow()
        self.screen.pin_edit.setFocus()
        self.locked.emit()
        return True

    def wait_until_unlocked(self) -> None:
        """Lock (if a PIN is set) and return only once the right PIN was typed: for start-up,
        before any other dialog, so no modal dialog can open above the lock screen."""
        if not self.lock():
            return
        loop = QEventLoop()
        self.unlocked.connect(loop.quit)
        if self.is_locked:
            loop.exec()

    def _unlock(self) -> None:
        if self.screen is not None:
            self.screen.dismiss()
            self.screen.deleteLater()
            self.screen = None
        self.watcher.set_minutes(self.minutes() or 0)
        self.unlocked.emit()


def _digits_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(pin.PIN_MAX_LENGTH)
    edit.setValidator(QRegularExpressionValidator(r"\d*", edit))
    edit.setAccessibleName(name)
    return edit


class PinSetupDialog(QDialog):
    """Set, change or remove the app PIN, and choose the auto-lock minutes.

    After ``accept()``, ``pin_hash`` is the new hash to store (None: no PIN) and ``minutes`` the
    auto-lock time. Changing or removing a PIN needs the current one; the PIN itself never leaves
    this dialog.
    """

    def __init__(
        self,
        current_hash: str | None,
        minutes: int,
        parent: QWidget | None = None,
        on_wrong: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("App PIN and auto-lock")
        self.current_hash = current_hash
        self.pin_hash: str | None = current_hash
        self.minutes = minutes
        layout = QVBoxLayout(self)
        intro = QLabel(
            "A PIN locks Champion Desk after the idle time below, so a passer-by cannot read an "
            f"unattended screen: {pin.PIN_MIN_LENGTH} to {pin.PIN_MAX_LENGTH} digits. It does not encrypt "
            "the logbook file, which the PC's own login protects."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.current_edit = _digits_edit("Current PIN")
        if current_hash:
            form.addRow("&Current PIN:", self.current_edit)
        self.new_edit = _digits_edit("New PIN")
        self.repeat_edit = _digits_edit("New PIN again")
        form.addRow("&New PIN:", self.new_edit)
        form.addRow("New PIN &again:", self.repeat_edit)
        self.remove_box = QCheckBox("&Remove the PIN (no lock)")
        if current_hash:
            form.addRow("", self.remove_box)
        self.minutes_box = QComboBox()
        self.minutes_box.setAccessibleName("Lock after")
        for choice in pin.AUTO_LOCK_CHOICES_MINUTES:
            self.minutes_box.addItem("never" if choice == 0 else f"{choice} minutes idle", choice)
        index = self.minutes_box.findData(minutes)
        self.minutes_box.setCurrentIndex(
            index if index >= 0 else self.minutes_box.findData(pin.DEFAULT_AUTO_LOCK_MINUTES)
        )
        form.addRow("&Lock after:", self.minutes_box)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Same back-off and record as the lock screen, so this dialog is no way round it.
        self.attempts = remembered_attempts(on_wrong=on_wrong)

    def try_accept(self) -> None:
        """Check the entries; accept with the new hash and minutes, or say what is wrong.

        With a PIN set, every change (even of the minutes, which could switch auto-lock off)
        needs the current PIN. An empty new PIN keeps the current one unless "remove" is ticked.
        """
        new, repeat = self.new_edit.text(), self.repeat_edit.text()
        if self.current_hash and not self._current_ok():
            return
        if new != repeat:
            self.message.setText("The two new PINs are not the same.")
            return
        if new:
            try:
                self.pin_hash = pin.hash_pin(new)
            except ValidationError as exc:
                self.message.setText(exc.message)
                return
        elif self.remove_box.isChecked():
            self.pin_hash = None
        else:
            self.pin_hash = self.current_hash
        self.minutes = int(self.minutes_box.currentData())
        for edit in (self.current_edit, self.new_edit, self.repeat_edit):
            edit.clear()
        self.accept()

    def _current_ok(self) -> bool:
        wait = self.attempts.wait_seconds()
        if wait > 0:
            self.message.setText(f"Too many wrong PINs. Try again in {int(wait + 0.999)} seconds.")
            return False
        if not self.attempts.attempt(self.current_edit.text(), self.current_hash or ""):
            self.message.setText("The current PIN is not right.")
            self.current_edit.clear()
            return False
        return True
