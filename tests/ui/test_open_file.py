"""A PDF the app writes and opens: on a PC with no viewer to open it, the user is told where it is."""

from __future__ import annotations

from PySide6.QtGui import QDesktopServices


def test_a_file_that_opens_says_nothing(monkeypatch, messages, tmp_path, qapp):
    from champion_desk.ui.messages import open_file

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    assert open_file(None, tmp_path / "a.pdf", "Sign-in sheet")
    assert opened == [str(tmp_path / "a.pdf")] and messages == []


def test_the_briefing_opened_without_a_viewer_says_where_it_was_written(qtbot, db, monkeypatch, messages):
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.pages.briefing import BriefingPage

    page = BriefingPage(AppContext(db))
    qtbot.addWidget(page)
    page.pdf = b"%PDF-1.4\n"  # as if previewed: opening writes it to a folder of its own first
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    page.open_in_viewer()
    (kind, title, text) = messages[-1]
    assert (kind, title) == ("information", "Open briefing")
    written = next(line for line in text.splitlines() if line.endswith(".pdf"))
    assert open(written, "rb").read() == b"%PDF-1.4\n"


def test_the_data_and_log_folders_shown_without_a_file_browser_are_given_by_path(
    qtbot, db, settings, monkeypatch, messages, tmp_path
):
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.crash_dialog import CrashDialog
    from champion_desk.ui.main_window import MainWindow

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    window = MainWindow(AppContext(db), settings)
    qtbot.addWidget(window)
    window.open_data_folder()
    assert messages[-1][1] == "Data folder" and str(db.path.parent) in messages[-1][2]
    crash = CrashDialog("ab12cd34", "ValueError", tmp_path / "logs" / "cd.log")
    qtbot.addWidget(crash)
    crash.open_log_folder()
    assert messages[-1][1] == "Log folder" and str(tmp_path / "logs") in messages[-1][2]
