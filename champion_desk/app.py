"""The GUI composition root: builds the QApplication, opens the database, builds and wires the window."""

from __future__ import annotations

from pathlib import Path


def run_gui(db_path: Path | None = None, page: str | None = None) -> int:
    """Start the desktop app and return its exit status."""
    import sys

    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Champion Desk")
    window.setCentralWidget(QLabel("Champion Desk — the logbook window is being built."))
    window.show()
    return app.exec()
