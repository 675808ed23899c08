"""Read-only work off the UI thread, on a connection of its own, so the window never waits for it.

SQLite in WAL mode lets a second connection read while the UI's connection is in use; each read
opens its own read-only connection, runs one function over it, and hands the result back by
signal. Quitting interrupts any read still running instead of waiting for it to finish.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QThread, Signal

from champion_desk.errors import ChampionDeskError

# Reads still running, held so none is garbage-collected mid-run (Qt aborts the process when a
# running QThread is destroyed).
_RUNNING: set[BackgroundRead] = set()
_QUIT_HOOKED = False


class BackgroundRead(QThread):
    """Runs ``fn(db)`` on its own read-only connection to ``path``; emits ``loaded`` or ``failed``."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: Path, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.path, self.fn = path, fn
        self._db = None
        # interrupt() runs in the UI thread while run() closes the connection in this one: without
        # the lock it could pick up ``_db`` just before close() and call interrupt() on a closed
        # connection, which raises out of the aboutToQuit slot and leaves later reads running.
        self._db_lock = threading.Lock()

    def run(self) -> None:  # Qt override
        from champion_desk.store.frontdoor import open_reader

        try:
            db = open_reader(self.path)
            with self._db_lock:
                self._db = db
            try:
                result = self.fn(db)
            finally:
                # Cleared and closed under the lock, so interrupt() sees an open connection or none.
                with self._db_lock:
                    self._db = None
                    db.close()
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                self.failed.emit(str(exc))
            return
        except ChampionDeskError as exc:
            self.failed.emit(str(exc))
            return
        self.loaded.emit(result)

    def interrupt(self) -> None:
        """Stop a query in progress (the read then ends without a result)."""
        with self._db_lock:
            if self._db is not None:
                self._db.conn.interrupt()


def _stop_all(timeout_ms: int = 30000) -> None:
    # SQLite's interrupt stops only the statement running at that moment: a read caught between
    # two statements (or still importing what it computes with) would run to its end. Repeat it
    # until the read ends.
    for read in list(_RUNNING):
        waited = 0
        read.interrupt()
        while not read.wait(20) and waited < timeout_ms:
            waited += 20
            read.interrupt()


def start_read(
    path: Path,
    fn: Callable[[Any], Any],
    on_loaded: Callable[[Any], None],
    on_failed: Callable[[str], None],
    on_finished: Callable[[], None] | None = None,
) -> BackgroundRead:
    """Start ``fn(db)`` in the background on ``path``; its result goes to ``on_loaded`` in the UI thread.

    Every handler is connected before the thread starts, so even an instant finish is delivered.
    """
    global _QUIT_HOOKED
    read = BackgroundRead(path, fn)
    _RUNNING.add(read)
    read.loaded.connect(on_loaded)
    read.failed.connect(on_failed)
    read.finished.connect(lambda: _RUNNING.discard(read))
    if on_finished is not None:
        read.finished.connect(on_finished)
    app = QCoreApplication.instance()
    if app is not None and not _QUIT_HOOKED:
        app.aboutToQuit.connect(_stop_all)
        _QUIT_HOOKED = True
    read.start()
    return read
