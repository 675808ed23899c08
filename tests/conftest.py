"""Shared fixtures: real temporary databases, never mocks of the store."""

from __future__ import annotations

import os
import sys

# Must be set before anything imports Qt: without a display the qapp fixture would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the user's real data and settings.
os.environ.setdefault("CHAMPION_DESK_TESTING", "1")

import pytest

from champion_desk.store.database import open_database


def _finish_background_work() -> None:
    """Stop every worker thread the UI started and deliver its outcome; call before closing a database.

    A page's long operation (ui/workers.py) runs on the test's own connection, and a test that does
    not wait for it would otherwise have its database closed under the running thread: SQLite then
    crashes the whole interpreter, usually in some later test. Background reads (ui/background.py)
    have connections of their own but still read the test's file. Does nothing until the UI has
    been imported, so the store and domain tests never load Qt.
    """
    background = sys.modules.get("champion_desk.ui.background")
    workers = sys.modules.get("champion_desk.ui.workers")
    if background is not None:
        background._stop_all()  # interrupts each read and waits for its thread to end
    if workers is not None:
        workers._stop_all()  # cancels each operation and waits for its thread to end
    if background is not None or workers is not None:
        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is not None:
            # Their "finished" is queued to this thread: deliver it now, while the database is still
            # open, so the pages hear the outcome and the modal progress dialog closes (left open it
            # swallows the next test's key presses).
            QCoreApplication.processEvents()


@pytest.fixture
def finish_background_work():
    """Return the function a fixture calls before it closes a database the UI may have used."""
    return _finish_background_work


@pytest.fixture
def db_path(tmp_path):
    """Return the path of a database file that does not exist yet."""
    return tmp_path / "desk.db"


@pytest.fixture
def db(db_path):
    """Return a freshly created, empty Champion Desk database on disk."""
    database = open_database(db_path)
    yield database
    _finish_background_work()  # no thread may still be using the connection when it closes
    database.close()


@pytest.fixture
def ward(db):
    """Return the ids of a small hand-built ward (see tests/factories.py)."""
    from tests.factories import make_ward

    return make_ward(db)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point the app's data, config and settings folders at a temporary home for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.delenv("CHAMPION_DESK_DB", raising=False)
