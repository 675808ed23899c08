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
