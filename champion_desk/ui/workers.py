"""Run long work off the UI thread behind a modal progress dialog that can cancel.

Usage (the function gets a ``progress`` keyword: call ``progress(done, total)``; it returns
False once the user pressed Cancel, and the function should then stop and roll back)::

    op = run_with_progress(window, "Creating demo data", generate_demo, db, "hospital")
    op.succeeded.connect(lambda summary: ...)
    op.failed.connect(lambda exc: ...)      # the exception the function raised
    op.cancelled.connect(lambda: ...)

or, where the caller needs the answer before going on (first run, a menu action)::

    summary = run_with_progress(window, "Creating demo data", generate_demo, db, "hospital").wait()

SQLite connections here are opened with ``check_same_thread=False`` but only one thread may
use a connection at a time: the dialog is application-modal, so the UI cannot touch the
database while the worker runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

# Operations still running: held here so a caller that drops its reference cannot have the
# thread garbage-collected mid-run (Qt aborts the process when a running QThread is destroyed).
_RUNNING: set[Operation] = set()
_QUIT_HOOKED = False


def _stop_all() -> None:
    """Ask every running operation to cancel and wait for it (the app is quitting)."""
    for op in list(_RUNNING):
        op._cancel.set()
        op._runner.wait(30000)


class OperationCancelled(Exception):
    """The user cancelled a long operation; nothing of it was kept."""


class _Runner(QThread):
    """The thread: runs the function once and keeps its result or exception."""

    progressed = Signal(int, int)

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, cancel: threading.Event) -> None:
        super().__init__()
        self._fn, self._args, self._kwargs, self._cancel = fn, args, kwargs, cancel
        self.result: Any = None
        self.error: BaseException | None = None

    def report(self, done: int, total: int) -> bool:
        # Called from the worker thread; the signal is queued to the dialog in the UI thread.
        self.progressed.emit(int(done), int(total))
        return not self._cancel.is_set()

    def run(self) -> None:  # Qt override
        try:
            self.result = self._fn(*self._args, progress=self.report, **self._kwargs)
        except BaseException as exc:  # handed to the UI thread, which decides what to show
            self.error = exc


class Operation(QObject):
    """One running operation; exactly one of ``succeeded``, ``failed``, ``cancelled`` is emitted."""

    succeeded = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception it raised
    cancelled = Signal()
    finished = Signal()  # after any of the three

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[..., Any],
        args: tuple,
        kwargs: dict,
        label: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.was_cancelled = False
        self.dialog = QProgressDialog(label or f"{title}…", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setAccessibleName(title)
        # Application-modal and shown at once: the UI must not use the database meanwhile.
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self._runner = _Runner(fn, args, kwargs, self._cancel)
        self._runner.progressed.connect(self._on_progress)
        self._runner.finished.connect(self._on_finished)

    def start(self) -> Operation:
        """Show the dialog and start the thread; return self."""
        global _QUIT_HOOKED
        app = QCoreApplication.instance()
        if app is not None and not _QUIT_HOOKED:
            app.aboutToQuit.connect(_stop_all)
            _QUIT_HOOKED = True
        _RUNNING.add(self)
        self.dialog.show()
        self._runner.start()
        return self

    def cancel(self) -> None:
        """Ask the function to stop: its next ``progress`` call returns False."""
        if not self.done:
            self._cancel.set()
            self.dialog.setLabelText("Cancelling… nothing will be kept.")
            self.dialog.setCancelButtonText("Cancelling…")

    def _on_progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            return
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _on_finished(self) -> None:
        self._runner.wait()
        _RUNNING.discard(self)
        self.done = True
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        self.error = self._runner.error
        if self._cancel.is_set():
            # Whatever the function did after seeing the cancel, the user asked for nothing to be kept.
            self.was_cancelled = True
            self.cancelled.emit()
        elif self.error is not None:
            self.failed.emit(self.error)
        else:
            self.result = self._runner.result
            self.succeeded.emit(self.result)
        self.finished.emit()

    def wait(self) -> Any:
        """Spin the event loop until done; return the result, or raise the error or OperationCancelled."""
        if not self.done:
            loop = QEventLoop()
            self.finished.connect(loop.quit)
            if not self.done:  # it may have finished while connecting
                loop.exec()
        if self.was_cancelled:
            raise OperationCancelled("Cancelled; nothing was kept.")
        if self.error is not None:
            raise self.error
        return self.result


def run_with_progress(
    parent: QWidget | None, title: str, fn: Callable[..., Any], *args: Any, label: str | None = None, **kwargs: Any
) -> Operation:
    """Run ``fn(*args, progress=callback, **kwargs)`` in a thread behind a modal progress dialog.

    Returns the started Operation; connect to its signals or call ``wait()``.
    """
    return Operation(parent, title, fn, args, kwargs, label).start()
