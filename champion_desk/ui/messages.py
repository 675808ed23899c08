"""Message boxes every part of the window shows the same way: pages, dialogs, wizards and panels.

Low in ui/ (it imports only Qt and errors), so a dialog or a wizard can report an error without
importing a page.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from champion_desk.errors import ChampionDeskError


def show_error(parent: QWidget | None, title: str, exc: ChampionDeskError) -> None:
    """Show an expected error's message (it names the field and rule where there is one)."""
    QMessageBox.warning(parent, title, str(exc))
