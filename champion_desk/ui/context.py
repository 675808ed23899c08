"""The state every page and dialog shares: the open database, who is logging, the scope."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal

from champion_desk.domain.scope import Scope
from champion_desk.store.connection import Database
from champion_desk.store.syncing import own_unit_names


def default_scope(db: Database, today: dt.date | None = None) -> Scope:
    """Return the scope pages start with: the last 12 months; a ward that syncs, its own units only.

    A ward logbook that syncs holds every other ward's records too (for trust-wide figures): its
    champion wants their own ward first, and ticks "All units" in the scope bar for the trust.
    """
    return Scope.last_months(12, today or dt.date.today(), units=own_unit_names(db.conn))


class AppContext(QObject):
    """Shared app state as a plain QObject with signals; built once by ``champion_desk.app``.

    Pages read ``db``, ``actor`` and ``scope`` and call domain/store functions with plain
    values; after a write they call ``notify_changed(table)`` so every page can refresh.
    """

    data_changed = Signal(str)  # table name, or "*" after imports, merges and restores
    scope_changed = Signal(object)  # the new Scope
    user_changed = Signal(object)  # the new current user (dict: id, display_name, role) or None
    database_replaced = Signal(object)  # the new Database after File > New/Open/Restore
    status_message = Signal(str)
    signin_screen_open = Signal(bool)  # the full-screen sign-in screen opened (True) or closed: auto-lock pauses
    record_saved = Signal(str, str, bool, str)  # table, record id, whether new, what was saved (no free text)
    edit_saved = Signal(object, str)  # after record_saved for a changed record: its logbook.Before, what

    def __init__(self, db: Database, scope: Scope | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.scope = scope or default_scope(db)
        self.current_user: dict | None = None

    @property
    def actor(self) -> str:
        """Return the audit actor: the current user's name, or 'unknown' before anyone is chosen."""
        return self.current_user["display_name"] if self.current_user else "unknown"

    def set_scope(self, scope: Scope) -> None:
        """Change the shared scope and tell every page."""
        if scope != self.scope:
            self.scope = scope
            self.scope_changed.emit(scope)

    def set_user(self, user: dict | None) -> None:
        """Change who is logging (recorded as the audit actor)."""
        self.current_user = user
        self.user_changed.emit(user)

    def set_database(self, db: Database) -> None:
        """Switch to another database file; pages reload from it."""
        self.db = db
        self.database_replaced.emit(db)
        # Another ward's file: its own units (or all units), over the same period.
        units = own_unit_names(db.conn)
        self.set_scope(Scope(self.scope.date_from, self.scope.date_to, units, self.scope.tools))
        self.data_changed.emit("*")

    def notify_changed(self, table: str) -> None:
        """Tell every page that records of ``table`` changed."""
        self.data_changed.emit(table)
