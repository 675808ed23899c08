"""The base class of every page in the main window's navigation."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from champion_desk.ui.context import AppContext


class Page(QWidget):
    """A page: built once with the shared context, refreshed when shown or when data changes.

    Subclasses set ``name`` (the --page name) and ``title``, and implement ``refresh``.
    Refresh lazily: only when the page is visible, otherwise on the next ``on_shown``.
    """

    name = ""
    title = ""
    # A list of records: it deletes through the window's shared undo history, and the window
    # restores its remembered column widths and splitter.
    lists_records = False

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._stale = True
        self.setAccessibleName(self.title)
        context.data_changed.connect(self._mark_stale)
        context.scope_changed.connect(self._mark_stale)
        context.database_replaced.connect(self._mark_stale)

    def _mark_stale(self, *_: object) -> None:
        self._stale = True
        if self.isVisible():
            self.on_shown()

    def on_shown(self) -> None:
        """Called by the main window whenever the page becomes current."""
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Reload what the page shows from the database."""
