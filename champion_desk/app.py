"""The GUI composition root: builds the QApplication, opens the database, builds and wires the window.

Nothing else constructs the world. ``Desk`` is the controller: it owns the open database and the
shared context, answers the window's requests (another database, another user) and writes the
automatic backup when a changed database is closed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QObject
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from champion_desk.errors import ChampionDeskError
from champion_desk.store.connection import Database
from champion_desk.ui.settings import APPLICATION, ORGANISATION, Settings


def audit_count(db: Database) -> int:
    """Return how many audit rows the database holds (it grows with every change)."""
    return int(db.scalar("SELECT count(*) FROM audit") or 0)


def resolve_db_path(explicit: Path | None, settings: Settings) -> Path:
    """Return the database to open: --db, else $CHAMPION_DESK_DB, else the last one opened on this PC
    (the same choice every command makes), else the default path."""
    from champion_desk.paths import DB_ENV, chosen_db_path, remembered_db_path

    if explicit is None and not os.environ.get(DB_ENV) and remembered_db_path() is None:
        # Remembered by an earlier version in the Qt settings only.
        last = settings.last_database
        if last is not None and last.exists():
            return last
    return chosen_db_path(explicit)


class Desk(QObject):
    """The app's controller: the open database, the context, the window, and the switches between them."""

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.context = None
        self.window = None
        self._audit_at_open = 0
        self.opened = None  # the open database with its one-instance lock (ui.instance_dialogs.OpenedDatabase)
        # The last open_safely was refused by the person because another copy has the logbook open.
        self.declined_in_use = False
        self.locker = None  # the PIN lock (ui.lock_screen.AppLocker), built with the window

    # --- start ---------------------------------------------------------------------------------
    def start(self, db_path: Path | None = None, page: str | None = None, signin: str | None = None) -> bool:
        """Open (or set up) the database, show the window on ``page`` and ask who is logging.

        Returns False when the user backed out of the first-run dialog (the app then quits).
        """
        target = resolve_db_path(db_path, self.settings)
        opened, summary = None, {}
        if target.exists():
            opened = self.open_safely(target)
            if opened is None and self.declined_in_use:
                # A second start beside the copy that has it open: the welcome dialog would only
                # offer to create or fill a file they already have.
                return False
        while opened is None:
            from champion_desk.ui.first_run import run_first_run

            result = run_first_run(target)
            if result is None:
                return False
            summary = result.demo_summary
            # Reopen through the shared-PC safeguards, so this instance holds the file's lock.
            path = result.db.path
            result.db.close()
            opened = self.open_safely(path)
        from champion_desk.ui.main_window import PAGE_NAMES

        self._build(opened)
        self.window.show()
        self._tell_if_upgraded(opened.db)
        # With a PIN set, nothing (not even "who is logging?") shows before it is typed.
        self.locker.wait_until_unlocked()
        name = page if page in PAGE_NAMES else self.settings.last_page
        self.window.show_page_soon(name if name in PAGE_NAMES else "home")
        # Asked over the window already on screen; the page fills in behind the dialog.
        self._choose_initial_user(summary)
        if signin:
            from champion_desk.ui.signin_actions import open_kiosk

            open_kiosk(self.context, signin, self.window)
        return True

    def open_safely(self, path: Path, parent: QWidget | None = None, create: bool = False):
        """Open a database with the shared-PC safeguards (network folder, one-instance lock, damage
        check); return the OpenedDatabase, or None when it cannot or should not be opened (the user
        was told why)."""
        from champion_desk.store.recovery import needs_damage_check
        from champion_desk.ui.instance_dialogs import MessageBoxAsker, open_with_safeguards

        # The full damage check reads the whole file (seconds at trust scale): skip it only when the
        # file is exactly as this PC last closed it cleanly.
        verify = create or needs_damage_check(path, self.settings.clean_close)
        asker = MessageBoxAsker(parent)
        opened = open_with_safeguards(path, asker, create=create, verify=verify)
        self.declined_in_use = asker.declined_in_use
        return opened

    def _build(self, opened) -> None:
        from champion_desk.ui.context import AppContext
        from champion_desk.ui.main_window import MainWindow

        self.opened = opened
        self.context = AppContext(opened.db)
        self._remember_open(opened.db)
        self.window = MainWindow(self.context, self.settings)
        self.window.new_database_requested.connect(self.new_database)
        self.window.open_database_requested.connect(self.open_other_database)
        self.window.switch_user_requested.connect(self.switch_user)
        self.window.lock_requested.connect(self.lock_now)
        self.window.pin_setup_requested.connect(self.set_up_pin)
        from champion_desk.ui.lock_screen import AppLocker

        # Read each time, so a PIN set or changed applies at once.
        self.locker = AppLocker(
            self.window,
            lambda: self.settings.pin_hash,
            lambda: self.settings.auto_lock_minutes,
            on_wrong=self.record_wrong_pin,
        )
        self.locker.start()
        # The sign-in screen already needs a PIN to leave: no lock screen over attendees signing in.
        self.context.signin_screen_open.connect(self.locker.set_paused)

    def _remember_open(self, db: Database) -> None:
        self._audit_at_open = audit_count(db)
        if db.path is not None:
            from champion_desk.paths import remember_db_path

            self.settings.last_database = db.path.resolve()
            remember_db_path(db.path)

    # --- who is logging ------------------------------------------------------------------------
    def _choose_initial_user(self, demo_summary: dict[str, Any] | None = None) -> None:
        from champion_desk.ui.user_picker import find_user

        db = self.context.db
        user = find_user(db, self.settings.user_for(db.path))
        if user is None:
            suggested = self._suggested_id(demo_summary or {})
            user = self.ask_user(suggested)
        if user is not None:
            self.set_user(user)

    def _suggested_id(self, summary: dict[str, Any]) -> str | None:
        # After demo data, preselect the champion the generator suggests logging in as.
        name = summary.get("champion")
        if not name:
            return None
        row = self.context.db.one("SELECT id FROM staff WHERE display_name = ? AND deleted_at IS NULL", (name,))
        return row["id"] if row else None

    def ask_user(self, current_id: str | None = None) -> dict[str, Any] | None:
        from champion_desk.ui.user_picker import choose_user

        return choose_user(self.context.db, current_id, self.window)

    def set_user(self, user: dict[str, Any]) -> None:
        """Make ``user`` the person logging, remembered for this database on this PC."""
        self.context.set_user(user)
        self.settings.set_user_for(self.context.db.path, user["id"])
        self.settings.sync()

    def switch_user(self) -> None:
        """Ask who is logging; someone with a signing PIN must type it before the app works as them."""
        from champion_desk.ui.sign_dialog import confirm_identity

        current = self.context.current_user["id"] if self.context.current_user else None
        user = self.ask_user(current)
        if user is None or user["id"] == current:
            return
        if not confirm_identity(self.context.db, user["id"], self.window):
            self.context.status_message.emit(
                f"Still logging as {self.context.current_user['display_name']}."
                if self.context.current_user
                else "Nobody chosen."
            )
            return
        self.set_user(user)

    # --- app PIN ----------------------------------------------------------------------------------
    def lock_now(self) -> None:
        """Lock the app (File > Lock now); without a PIN, say how to set one."""
        if not self.locker.lock():
            QMessageBox.information(
                self.window,
                "No PIN set",
                "Set a PIN first (File > App PIN and auto-lock…); then the app can be locked.",
            )

    def record_wrong_pin(self, failures: int) -> None:
        """Put a wrong app PIN (and a lock-out) in the audit log; the lock screen never fails for it."""
        from champion_desk.domain.signing import record_wrong_app_pin
        from champion_desk.errors import ChampionDeskError

        if self.context is None:
            return
        try:
            record_wrong_app_pin(self.context.db, self.context.actor, failures)
        except ChampionDeskError:
            # A full disk must not keep anyone at the lock screen; the count in settings still holds the wait.
            pass

    def set_up_pin(self) -> None:
        """Set, change or remove the PIN and the auto-lock minutes (kept in this PC's settings)."""
        from champion_desk.ui.lock_screen import PinSetupDialog

        dialog = PinSetupDialog(
            self.settings.pin_hash, self.settings.auto_lock_minutes, self.window, on_wrong=self.record_wrong_pin
        )
        if dialog.exec():
            self.settings.pin_hash = dialog.pin_hash
            self.settings.auto_lock_minutes = dialog.minutes
            self.settings.sync()
            self.locker.watcher.set_minutes(dialog.minutes if dialog.pin_hash else 0)
        dialog.deleteLater()

    # --- switching databases -------------------------------------------------------------------
    def new_database(self) -> None:
        from champion_desk.ui.first_run import ask_new_path

        path = ask_new_path(self.window, self.context.db.path.parent if self.context.db.path else None)
        if path is None:
            return
        if path.exists() and path.stat().st_size > 0:
            QMessageBox.warning(self.window, "File exists", f"{path} already exists. Use File > Open to open it.")
            return
        opened = self.open_safely(path, self.window, create=True)
        if opened is not None:
            self.replace_database(opened)

    def open_other_database(self) -> None:
        from champion_desk.ui.first_run import ask_open_path

        path = ask_open_path(self.window, self.context.db.path.parent if self.context.db.path else None)
        if path is None:
            return
        opened = self.open_safely(path, self.window)
        if opened is not None:
            self.replace_database(opened)

    def replace_database(self, opened) -> None:
        """Close the current database (with its on-close backup) and switch every page to ``opened.db``."""
        self.close_database()
        self.opened = opened
        db = opened.db
        self._remember_open(db)
        self.context.set_user(None)
        self.context.set_database(db)
        self._choose_initial_user()
        self.window.statusBar().showMessage(f"Opened {db.path}", 8000)
        self._tell_if_upgraded(db)

    def _tell_if_upgraded(self, db: Database) -> None:
        """Say in the status bar that opening upgraded the file, and where the copy of it as it was went."""
        if db.upgraded_from is not None:
            self.window.statusBar().showMessage(
                "This logbook was upgraded for this version of Champion Desk; a backup of it as it was "
                "is in the backups folder (File › Restore from backup).",
                30000,
            )

    # --- closing -------------------------------------------------------------------------------
    def backup_if_changed(self) -> Path | None:
        """Write a verified "on-close" backup when anything changed since the database was opened."""
        from champion_desk.store.backups import backup_database

        db = self.context.db
        if db.path is None or db.readonly or audit_count(db) == self._audit_at_open:
            return None
        return backup_database(db, reason="on-close")

    def apply_retention_if_changed(self) -> None:
        """Apply the retention rules when anything changed since the database was opened (before the on-close backup)."""
        from champion_desk.domain.retention import apply

        db = self.context.db
        if db.path is None or db.readonly or audit_count(db) == self._audit_at_open:
            return
        apply(db, self.context.actor)

    def close_database(self) -> None:
        """Back up the open database if it changed, then close it (a failed backup is reported)."""
        if self.context is None or self.opened is None:
            return
        try:
            self.apply_retention_if_changed()
        except (ChampionDeskError, OSError) as exc:
            QMessageBox.warning(
                self.window,
                "Retention rules not applied",
                f"The retention rules could not be applied on closing: {exc}\nNothing was removed; "
                "they are tried again next time.",
            )
        try:
            self.backup_if_changed()
        except (ChampionDeskError, OSError) as exc:
            QMessageBox.warning(
                self.window,
                "Backup on close failed",
                f"The automatic backup could not be written: {exc}\nYour data itself is saved.",
            )
        if self.opened is not None:
            path, clean = self.opened.db.path, not self.opened.db.readonly
            self.opened.close()  # the database, then its lock
            self.opened = None
            if path is not None and clean:
                from champion_desk.store.recovery import file_signature

                try:
                    self.settings.clean_close = file_signature(path)
                except OSError:
                    self.settings.clean_close = None

    def shutdown(self) -> None:
        """Called once the event loop ends (closes the window first, so no page reads the closed file)."""
        if self.window is not None:
            self.window.close()
        self.close_database()
        self.settings.sync()


def make_application(argv: list[str] | None = None) -> QApplication:
    """Return the QApplication (created once), named for settings and styled with ``resources/style.qss``."""
    from champion_desk import __version__
    from champion_desk.paths import resource_path
    from champion_desk.ui.main_window import icon

    # What Qt formats itself (the file dialog's dates, a calendar's weekday order) the UK way, as the
    # app's own dates are, whatever the PC's locale: the file dialog showed "8 12 2026 00:41".
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("champion-desk")
    app.setWindowIcon(icon("app"))
    qss = resource_path("style.qss")
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    global _focus_ring
    if _focus_ring is None:
        from champion_desk.ui.focus_ring import install_focus_ring

        _focus_ring = install_focus_ring(app)
    return app


_focus_ring = None  # the one focus-ring tracker, kept alive beside the application


# Set to 1 to quit as soon as the main window is shown and the event loop is idle: the start-up
# benchmark (tests/perf/run.py) times the real app this way. The moment is written to stderr as
# "shown-and-idle <time.monotonic()>", since quitting still waits for background work.
EXIT_WHEN_SHOWN_ENV = "CHAMPION_DESK_EXIT_WHEN_SHOWN"


def quit_when_idle(app: QApplication) -> None:
    """Quit once the events already queued (showing the first page) and those they post have run."""
    import time

    from PySide6.QtCore import QTimer

    def done() -> None:
        print(f"shown-and-idle {time.monotonic()}", file=sys.stderr, flush=True)
        app.quit()

    QTimer.singleShot(0, lambda: QTimer.singleShot(0, done))


def run_gui(db_path: Path | None = None, page: str | None = None, signin: str | None = None) -> int:
    """Start the desktop app and return its exit status."""
    from champion_desk.ui.crash_dialog import install_crash_reporting

    app = make_application()
    desk = Desk(Settings())
    # An unexpected error shows the crash dialog over the window (and goes to the scrubbed log).
    install_crash_reporting(lambda: desk.window)
    if not desk.start(db_path, page, signin):
        return 0
    if os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1":
        quit_when_idle(app)
    try:
        return app.exec()
    finally:
        desk.shutdown()
