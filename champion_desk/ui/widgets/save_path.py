"""Ask where to save an output file, never over the logbook, its companion files or its backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from champion_desk.errors import StoreError
from champion_desk.store.frontdoor import refuse_protected_output


def ask_save_path(
    parent: QWidget | None,
    title: str,
    suggested: Path | str,
    file_filter: str,
    logbook: Path | None,
    *,
    folder: bool = False,
) -> Path | None:
    """Show a save (or folder) dialog until the choice is not a file of the logbook; None when cancelled."""
    start = str(suggested)
    while True:
        if folder:
            name = QFileDialog.getExistingDirectory(parent, title, start)
        else:
            name, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
        if not name:
            return None
        if logbook is None:
            return Path(name)
        try:
            return refuse_protected_output(name, logbook).parent / Path(name).name
        except StoreError as exc:
            QMessageBox.warning(parent, title, str(exc).replace("--out ", "", 1))
            start = str(Path(name).parent)
