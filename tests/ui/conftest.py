"""Fixtures for the GUI tests: settings in a temporary file, a shared context, a main window.

Modal message boxes would block a test, so every test records them instead of showing them.
"""

from __future__ import annotations

import pytest

from champion_desk.ui.settings import Settings


@pytest.fixture(autouse=True)
def messages(monkeypatch):
    """Record QMessageBox.warning/information/question calls instead of showing them; return the list."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str, str]] = []

    def record(kind, answer=None):
        def show(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return answer

        return show

    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", record("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Yes))
    return shown


@pytest.fixture
def settings(tmp_path):
    """Return Settings kept in a file of this test's temporary folder."""
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def context(qapp, db):
    """Return an AppContext on the empty test database."""
    from champion_desk.ui.context import AppContext

    return AppContext(db)


@pytest.fixture
def ward_context(context, ward):
    """Return the context on the hand-built ward, logging as its champion."""
    from champion_desk.ui.user_picker import find_user

    context.set_user(find_user(context.db, ward["champion"]))
    return context


@pytest.fixture
def window(qtbot, ward_context, settings):
    """Return a shown main window over the ward database."""
    from champion_desk.ui.main_window import MainWindow

    win = MainWindow(ward_context, settings)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def demo_db(tmp_path, finish_background_work):
    """Return a database filled with ward-scale demo data (fast), closed after the test."""
    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database

    database = open_database(tmp_path / "demo.db")
    generate_demo(database, "ward")
    yield database
    finish_background_work()  # pages started work on this connection: see tests/conftest.py
    database.close()
