"""The Briefing page: makes the PDF off the UI thread, previews its pages, saves, prints, makes the poster."""

from __future__ import annotations

import pytest

from champion_desk.report.briefing import SECTIONS
from tests.report.pdf_text import page_count, pdf_text
from tests.report.sample import SCOPE, SECRET_NAME, build_sample


@pytest.fixture
def page(qtbot, qapp, db):
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.pages.briefing import BriefingPage

    build_sample(db)
    context = AppContext(db, SCOPE)
    briefing = BriefingPage(context)
    qtbot.addWidget(briefing)
    briefing.resize(1000, 800)
    return briefing


def make(page):
    page.make()
    page._operation.wait()


def test_the_page_previews_every_page_of_the_briefing(page):
    from champion_desk.ui.pages.briefing import pdfium_available

    assert page.uses_scope and page.name == "briefing"
    make(page)
    assert page.pdf and page.pdf.startswith(b"%PDF")
    pages = page_count(page.pdf)
    if pdfium_available():
        assert len(page.images) == pages and page.pages_layout.count() == pages
        assert page.images[0].width() > 400
    else:
        assert page.sections.count() == len(SECTIONS) + 1
    assert f"{pages} pages" in page.status.text()
    assert page.save_button.isEnabled()


def test_options_reach_the_pdf(page):
    page.k_spin.setValue(10)
    page.paper.setCurrentIndex(page.paper.findData("letter"))
    page.made_by.setText("Zoë Adams")
    make(page)
    text = pdf_text(page.pdf)
    assert "fewer than 10 concerns raised" in text and "Zoë Adams" in text
    assert SECRET_NAME not in text


def test_save_writes_the_previewed_pdf(page, tmp_path, qtbot):
    make(page)
    with qtbot.waitSignal(page.briefing_saved):
        path = page.save_to(tmp_path / "b.pdf")
    assert path.read_bytes() == page.pdf


def test_print_paints_every_page(page, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from champion_desk.ui.pages.briefing import pdfium_available

    if not pdfium_available():
        pytest.skip("printing from the app needs pypdfium2")
    make(page)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert page.print_to(printer) == page_count(page.pdf)
    assert page_count(tmp_path / "printed.pdf") == page_count(page.pdf)


def test_a_changed_option_says_the_preview_is_out_of_date(page):
    make(page)
    page.k_spin.setValue(7)
    assert "Update preview" in page.status.text()


def test_an_unknown_unit_is_reported_not_raised(page, messages):
    import dataclasses

    page.context.scope = dataclasses.replace(SCOPE, units=("Nowhere",))
    page.make()
    with pytest.raises(Exception):
        page._operation.wait()
    assert "Nowhere" in page.status.text()


def test_one_unit_gets_the_one_page_summary_unless_the_manager_chose(page):
    import dataclasses

    page.context.scope = dataclasses.replace(SCOPE, units=("Ward 9",))
    page.default_length()
    assert page.options()[4] is True
    make(page)
    assert page_count(page.pdf) == 1 and "1 page ·" in page.status.text()
    page.context.scope = SCOPE
    page.default_length()
    assert page.options()[4] is False
    page.length.setCurrentIndex(page.length.findData(True))
    page.length.activated.emit(page.length.currentIndex())  # as a click does
    page.context.scope = dataclasses.replace(SCOPE, units=("Ward 7", "Ward 9"))
    page.default_length()
    assert page.options()[4] is True


def test_the_file_offered_says_whose_it_is_and_the_whole_months_it_covers(page):
    import dataclasses

    # The scope bar runs to 26 Nov; the briefing covers the whole months ended by then.
    assert page.suggested_name() == "Briefing all units 1 Aug 2026 to 31 Oct 2026.pdf"
    page.context.scope = dataclasses.replace(SCOPE, units=("Ward 9",))
    page.default_length()
    assert page.suggested_name() == "Summary Ward 9 1 Aug 2026 to 31 Oct 2026.pdf"
    assert page.suggested_name("poster") == "Poster Ward 9 1 Aug 2026 to 31 Oct 2026.pdf"
    page.context.scope = dataclasses.replace(SCOPE, units=("A/E: Minors",))
    assert "/" not in page.suggested_name() and ":" not in page.suggested_name()
