"""Shared fixtures: real temporary databases, never mocks of the store."""

from __future__ import annotations

import os

# Must be set before anything imports Qt: without a display the qapp fixture would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the user's real data and settings.
os.environ.setdefault("CHAMPION_DESK_TESTING", "1")

import pytest

from champion_desk.store.database import open_database


@pytest.fixture
def db_path(tmp_path):
    """Return the path of a database file that does not exist yet."""
    return tmp_path / "desk.db"


@pytest.fixture
def db(db_path):
    """Return a freshly created, empty Champion Desk database on disk."""
    database = open_database(db_path)
    yield database
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
