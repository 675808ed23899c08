"""The dialog shown after an unexpected error, and the hook that shows it.

Every save is its own committed transaction, so what was saved before the error is on disk;
the dialog says so, gives the log reference, and lets the user carry on or quit. The log
itself (``champion_desk.crashlog``) holds no names or concern text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from champion_desk import crashlog
from champion_desk.ui.messages import open_folder

# More crashes than this within STORM_SECONDS and the app stops showing dialogs (still logging):
# a crash in a paint event would otherwise stack dialogs faster than anyone can close them.
STORM_LIMIT = 3
STORM_SECONDS = 30.0


class CrashDialog(QDialog):
    """Says something went wrong, that saved work is safe, and where the (name-free) log is."""

    quit_requested = Signal()

    def __init__(self, reference: str, summary: str, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.log_file = log_file
        layout = QVBoxLayout(self)
        text = QLabel(
            "<b>Champion Desk hit an unexpected problem.</b><br><br>"
            "Everything you saved before this is safe: each save is written to the logbook straight away. "
            "If you were in the middle of entering something, check it is there before carrying on.<br><br>"
            f"A short technical note (with no names or concern text) was written to the log, "
            f"reference <b>{reference}</b> ({summary}). Give this reference to whoever supports the app."
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(text)
        buttons = QDialogButtonBox()
        self.continue_button = buttons.addButton("Carry on", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton("Quit Champion Desk", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.log_button: QPushButton | None = None
        if log_file is not None:
            self.log_button = buttons.addButton("Open log folder", QDialogButtonBox.ButtonRole.HelpRole)
            self.log_button.clicked.connect(self.open_log_folder)
        self.continue_button.clicked.connect(self.accept)
        self.quit_button.clicked.connect(self._quit)
        layout.addWidget(buttons)
        self.continue_button.setDefault(True)

    def open_log_folder(self) -> None:
        if self.log_file is not None:
            open_folder(self, self.log_file.parent, "Log folder")

    def _quit(self) -> None:
        self.quit_requested.emit()
        self.reject()


class CrashReporter(QObject):
    """Shows one CrashDialog per crash (never two at once, never a storm); built by the app once.

    The excepthook may run inside a failing slot or in another thread, so it only queues the
    report; the dialog opens from the event loop on the GUI thread.
    """

    crash_reported = Signal(str, str, object)  # reference, summary, log file: queued to the GUI thread

    def __init__(
        self,
        parent_widget: Callable[[], QWidget | None] = lambda: None,
        on_quit: Callable[[], None] | None = None,
        show_dialog: bool = True,
    ) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self.on_quit = on_quit or (lambda: QApplication.instance().quit())
        self.show_dialog = show_dialog
        self.showing = False
        self.recent: list[float] = []
        self.reports: list[tuple[str, str]] = []
        self.dialog: CrashDialog | None = None
        self.crash_reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, reference: str, summary: str, log_file: Path | None) -> None:
        """Called by the excepthook from any thread: queue the dialog."""
        self.crash_reported.emit(reference, summary, log_file)

    def _show(self, reference: str, summary: str, log_file: object) -> None:
        self.reports.append((reference, summary))
        now = time.monotonic()
        self.recent = [t for t in self.recent if now - t < STORM_SECONDS] + [now]
        if self.showing or len(self.recent) > STORM_LIMIT or not self.show_dialog:
            return
        self.showing = True
        try:
            self.dialog = CrashDialog(
                reference, summary, log_file if isinstance(log_file, Path) else None, self.parent_widget()
            )
            self.dialog.quit_requested.connect(self.on_quit)
            self.dialog.exec()
        finally:
            self.showing = False
            self.dialog = None


def install_crash_reporting(
    parent_widget: Callable[[], QWidget | None] = lambda: None, log_folder: Path | None = None
) -> tuple[CrashReporter, Callable[[], None]]:
    """Set up the rotating log and the excepthook that shows the crash dialog; return (reporter, undo)."""
    log_file = crashlog.setup_logging(log_folder)
    reporter = CrashReporter(parent_widget)
    undo = crashlog.install_excepthook(reporter.report, log_file.parent)
    # Keep the reporter alive as long as the application.
    app = QApplication.instance()
    if app is not None:
        reporter.setParent(app)
    return reporter, undo
