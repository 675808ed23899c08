"""Message boxes every part of the window shows the same way: pages, dialogs, wizards and panels.

Low in ui/ (it imports only Qt and errors), so a dialog or a wizard can report an error without
importing a page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from champion_desk.errors import ChampionDeskError


def show_error(parent: QWidget | None, title: str, exc: ChampionDeskError) -> None:
    """Show an expected error's message (it names the field and rule where there is one)."""
    QMessageBox.warning(parent, title, str(exc))


def open_file(parent: QWidget | None, path: Path, title: str) -> bool:
    """Open a file the app has just written in the PC's program for it; return True when it opened.

    A locked-down ward PC may have no PDF viewer, or no desktop to start one: Qt then only
    returns False. Said in a message, not the status bar, since whoever pressed the button is
    waiting for a window that will not come, and needs the whole path to find the file.
    """
    return _open_or_say(
        parent,
        path,
        title,
        f"The file was saved, but this PC has no program to open it with.\n\nIt is here:\n{path}\n\n"
        "Copy it to a PC that has a PDF viewer, or ask IT to set one up on this PC.",
    )


def open_folder(parent: QWidget | None, folder: Path, title: str) -> bool:
    """Show ``folder`` in the PC's file browser; return True when it opened (else its path is given)."""
    return _open_or_say(
        parent, folder, title, f"This PC has no file browser to show the folder in.\n\nIt is:\n{folder}"
    )


def _open_or_say(parent: QWidget | None, path: Path, title: str, otherwise: str) -> bool:
    """Hand ``path`` to the PC's program for it; when there is none, say ``otherwise`` (where it is)."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    QMessageBox.information(parent, title, otherwise)
    return False
