"""Open the sign-in screen for a session, and print its sign-in sheet: from the session form or `--signin`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from champion_desk.domain import signin
from champion_desk.errors import ChampionDeskError
from champion_desk.ui.context import AppContext
from champion_desk.ui.messages import open_file

# The open sign-in screen (a top-level window with no parent): kept here so it is not collected.
_OPEN: list[QWidget] = []


def open_kiosk(context: AppContext, session_id: str, parent: QWidget | None = None) -> QWidget | None:
    """Show the full-screen sign-in screen for a session dated today; return it, or None (the user was told why)."""
    from champion_desk.ui.kiosk import KioskWindow, may_run
    from champion_desk.ui.settings import Settings, remembered_attempts

    settings = Settings()
    try:
        session = signin.kiosk_session(context.db, session_id)
    except ChampionDeskError as error:
        if not _moved_to_today(context, session_id, error, settings.pin_hash, parent):
            return None
        session = signin.kiosk_session(context.db, session_id)
    refusal = may_run(context.db, session, settings.pin_hash)
    if refusal:
        QMessageBox.warning(parent, "Sign-in screen", refusal)
        return None
    kiosk = KioskWindow(context.db, session["id"], context.actor, settings.pin_hash, remembered_attempts(settings))
    _OPEN.append(kiosk)

    def finished() -> None:
        _OPEN.remove(kiosk)
        kiosk.deleteLater()
        context.notify_changed("attendance")
        context.notify_changed("training_session")
        if parent is not None:  # the keyboard goes back to the window the champion left
            parent.window().activateWindow()

    kiosk.finished.connect(finished)
    kiosk.finished.connect(lambda: context.signin_screen_open.emit(False))
    context.signin_screen_open.emit(True)
    screen = parent.screen() if parent is not None else None
    if screen is not None:
        kiosk.setGeometry(screen.geometry())
    kiosk.showFullScreen()
    kiosk.raise_()
    kiosk.activateWindow()
    kiosk.name_edit.setFocus()
    return kiosk


def _moved_to_today(
    context: AppContext, session_id: str, error: ChampionDeskError, app_pin_hash: str | None, parent: QWidget | None
) -> bool:
    """Offer to move a session planned for a later day to today; return True once it was moved.

    The screen still opens only on a session's day (the rule stands); a session held earlier is
    refused as before, since its attendees are entered from its sheet, not re-dated.
    """
    import datetime as dt

    from champion_desk.domain.dates import format_uk_date
    from champion_desk.errors import ValidationError
    from champion_desk.store import records

    today = dt.date.today()
    from champion_desk.ui.kiosk import may_run

    try:
        session = records.get(context.db, "training_session", session_id)
    except ChampionDeskError:
        session = None
    planned = session is not None and session["held_on"] > today.isoformat()
    if not isinstance(error, ValidationError) or error.field != "session" or not planned:
        QMessageBox.warning(parent, "Sign-in screen", str(error))
        return False
    # Asked first: a session is never moved to today for a screen that then could not open.
    refusal = may_run(context.db, session, app_pin_hash)
    if refusal:
        QMessageBox.warning(parent, "Sign-in screen", refusal)
        return False
    held_on = session["held_on"]
    answer = QMessageBox.question(
        parent,
        "Sign-in screen",
        f"This session is planned for {format_uk_date(held_on)}; the sign-in screen opens on the day it is held.\n\n"
        "Move this session to today and open the sign-in screen?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        signin.move_to_today(context.db, session_id, context.actor, today)
    except ChampionDeskError as problem:
        QMessageBox.warning(parent, "Sign-in screen", f"The session was not moved: {problem}")
        return False
    context.notify_changed("training_session")
    context.status_message.emit(f"Moved the session to today, {format_uk_date(today.isoformat())}")
    return True


def print_sheet(context: AppContext, session_id: str, parent: QWidget | None = None) -> Path | None:
    """Ask where to save the session's sign-in sheet (PDF), write it and open it for printing."""
    from champion_desk.report.signin_sheet import default_file_name, write_signin_sheet

    name, _ = QFileDialog.getSaveFileName(
        parent, "Save the sign-in sheet", str(Path.home() / default_file_name(context.db, session_id)), "PDF (*.pdf)"
    )
    if not name:
        return None
    path = Path(name if name.lower().endswith(".pdf") else f"{name}.pdf")
    try:
        write_signin_sheet(context.db, session_id, path)
    except (ChampionDeskError, OSError) as error:
        QMessageBox.warning(parent, "Sign-in sheet", f"The sheet was not saved: {error}")
        return None
    context.status_message.emit(f"Saved the sign-in sheet to {path.name}")
    open_file(parent, path, "Sign-in sheet")
    return path


def export_calendar(context: AppContext, parent: QWidget | None = None) -> Path | None:
    """File › Export sessions to calendar: sessions from today for a year, in the scope bar's units and tools."""
    import datetime as dt

    from champion_desk.domain.validation import PLANNED_DAYS_AHEAD
    from champion_desk.exchange.calendar import write_calendar

    name, _ = QFileDialog.getSaveFileName(
        parent, "Export sessions to calendar", str(Path.home() / "Training sessions.ics"), "Calendar (*.ics)"
    )
    if not name:
        return None
    path = Path(name if name.lower().endswith(".ics") else f"{name}.ics")
    answer = QMessageBox.question(
        parent,
        "Export sessions to calendar",
        "Also list the invited colleagues' names in each entry?\n\n"
        "Anyone who can see the calendar will see them. Without names, each entry says only how many are invited.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    scope = context.scope
    today = dt.date.today()
    try:
        count = write_calendar(
            context.db,
            path,
            today,
            today + dt.timedelta(days=PLANNED_DAYS_AHEAD),
            scope.units,
            scope.tools,
            with_names=answer == QMessageBox.StandardButton.Yes,
        )
    except (ChampionDeskError, OSError) as error:
        QMessageBox.warning(parent, "Export sessions to calendar", f"The calendar file was not saved: {error}")
        return None
    context.status_message.emit(f"Exported {count} session{'' if count == 1 else 's'} to {path.name}")
    return path
