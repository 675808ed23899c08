"""Fixtures for the report tests: the sample database and its briefing, built once per module."""

from __future__ import annotations

import pytest

from champion_desk.store.database import open_database
from tests.report.sample import build_sample


@pytest.fixture
def sample_db(db):
    """Return the test database filled with the sample of tests/report/sample.py."""
    build_sample(db)
    return db


@pytest.fixture(scope="module")
def module_sample_db(tmp_path_factory):
    """Return a sample database shared by a module's read-only tests (faster than one per test)."""
    database = open_database(tmp_path_factory.mktemp("sample") / "desk.db")
    build_sample(database)
    yield database
    database.close()
