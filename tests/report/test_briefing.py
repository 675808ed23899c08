"""The staff-meeting briefing: headings, figures equal to stats, privacy, Unicode, fonts, empty scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from champion_desk.domain.briefing_data import collect
from champion_desk.domain.metrics import stats
from champion_desk.domain.privacy import Suppressor
from champion_desk.domain.scope import Scope
from champion_desk.report.briefing import CONFIDENTIAL, SECTIONS, build_briefing
from tests.factories import TODAY
from tests.report.pdf_text import fonts, page_count, pdf_text
from tests.report.sample import SCOPE, SECRET_DESCRIPTION, SECRET_NAME, SECRET_OWNER, UNICODE_CHAMPIONS


def render(db, scope=SCOPE, k=5, paper="a4") -> bytes:
    out = io.BytesIO()
    build_briefing(collect(db, scope, made_by="Siobhán Ó Briain", today=TODAY), out, k=k, paper=paper)
    return out.getvalue()


@pytest.fixture(scope="module")
def sample_pdf(module_sample_db) -> bytes:
    return render(module_sample_db)


@pytest.fixture(scope="module")
def sample_text(sample_pdf) -> str:
    return pdf_text(sample_pdf)


@pytest.fixture(scope="module")
def flat_text(sample_text) -> str:
    """The text with every run of whitespace made one space (table cells extract on separate lines)."""
    return " ".join(sample_text.split())


def test_every_section_heading_is_printed_in_order(sample_text):
    lines = [line.strip() for line in sample_text.splitlines()]
    positions = [lines.index(h) for h in SECTIONS]
    assert positions == sorted(positions)


def test_key_figure_tiles_equal_stats(module_sample_db, sample_text):
    figures = stats(module_sample_db, SCOPE)
    sup = Suppressor(5)
    for label, key in (("SESSIONS HELD", "sessions"), ("CONCERNS RAISED", "concerns_raised"),
                       ("CONCERNS STILL OPEN", "concerns_open"), ("ACTIVE MENTORING PAIRINGS", "pairings_active"),
                       ("STALLED PAIRINGS", "stalled_pairings"), ("SUCCESS STORIES", "stories")):
        assert f"{label}\n{sup.count(figures[key]).text}\n" in sample_text, label
    covered = round(figures["training_coverage"] * figures["staff_active"])
    assert f"TRAINING COVERAGE\n{sup.share(covered, figures['staff_active']).text}\n" in sample_text
    assert f"STAFF PER CHAMPION\n{figures['staff_per_champion']:.1f}\n" in sample_text
    # The sample is built so the tiles show real numbers as well as hidden ones.
    assert figures["sessions"] == 6 and figures["concerns_raised"] == 15


def test_footer_has_page_x_of_y_scope_and_confidentiality(sample_pdf):
    reader = PdfReader(io.BytesIO(sample_pdf))
    total = len(reader.pages)
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"page {n} of {total}" in text
        assert CONFIDENTIAL in text
        assert "All units · all tools · 1 Sep 2026 to 26 Nov 2026" in text


def test_metadata_names_title_subject_author_and_dates(sample_pdf):
    meta = PdfReader(io.BytesIO(sample_pdf)).metadata
    assert "Staff briefing" in meta.title and "1 Sep 2026" in meta.title
    assert "All units" in meta.subject
    assert meta.author == "Siobhán Ó Briain"
    assert meta.creation_date is not None and meta.modification_date is not None


def test_a_non_champion_and_concern_details_never_appear(sample_text):
    assert SECRET_NAME not in sample_text
    for part in SECRET_NAME.split():
        assert part not in sample_text
    assert SECRET_DESCRIPTION not in sample_text
    assert "Concern text" not in sample_text
    assert SECRET_OWNER not in sample_text and "Ophelia" not in sample_text
    # The response that named the colleague prints, redacted.
    assert "Spoke with a colleague; added time on the rota" in sample_text


def test_only_champions_are_named(module_sample_db, sample_text):
    people = module_sample_db.query("SELECT display_name, is_champion FROM staff")
    for person in people:
        if not person["is_champion"]:
            assert person["display_name"] not in sample_text, person["display_name"]
    assert "Your champions" in sample_text


def test_unicode_champion_names_extract_correctly(sample_text):
    for name in UNICODE_CHAMPIONS:
        assert name in sample_text, name


def test_a_unit_with_three_concerns_prints_fewer_than_5_and_its_total_does_not_give_it_away(flat_text):
    start = flat_text.index("Concerns raised by unit")
    table = flat_text[start: flat_text.index("All units", start) + 12]
    assert "Ward 7 fewer than 5" in table
    # Ward 9's 12 is hidden too (honestly: "not shown"), so 15 - (Ward 9) cannot reveal Ward 7's 3.
    assert "Ward 9 not shown" in table
    assert "All units 15" in table
    assert "Ward 9 12" not in table


def test_you_said_we_did_hides_small_themes_and_their_complement(flat_text):
    section = flat_text[flat_text.index("You said, we did For each theme"):]
    assert "7 concerns raised" in section                       # workload and time
    assert section.count("fewer than 5 concerns raised") == 1   # job security (3)
    assert section.count("concerns raised: number not shown") == 1  # accuracy (5), hidden beside it
    assert "Shared the trust's no-job-losses commitment" in section


def test_readiness_of_fewer_than_k_respondents_is_not_shown(flat_text):
    section = flat_text[flat_text.index("Readiness The latest"):]
    assert "not shown: too few people answered" in section
    assert "4.9" not in section  # Ward 7's pulse of 3 people


def test_every_font_is_embedded_and_is_dejavu(sample_pdf):
    used = fonts(sample_pdf)
    assert used and all(used.values()), used
    assert all("DejaVuSans" in name for name in used), used


def test_a_larger_k_hides_more(module_sample_db):
    text = pdf_text(render(module_sample_db, k=10))
    assert "SESSIONS HELD\nfewer than 10\n" in text


def test_letter_paper(module_sample_db):
    reader = PdfReader(io.BytesIO(render(module_sample_db, paper="letter")))
    assert round(float(reader.pages[0].mediabox.width)) == 612


def test_empty_scope_says_nothing_was_logged_and_draws_no_chart(module_sample_db):
    empty = Scope(dt.date(2020, 1, 1), dt.date(2020, 3, 31))
    pdf = render(module_sample_db, scope=empty)
    text = pdf_text(pdf)
    assert "Nothing was logged in this period" in text
    for heading in SECTIONS:
        assert heading in text
    assert "No training sessions were logged in this period." in text
    assert "No concerns were logged in this period" in text
    assert page_count(pdf) <= 4


def test_empty_database_makes_a_briefing(db):
    text = pdf_text(render(db))
    assert "Nothing was logged in this period" in text
    assert "No champion is named for this scope yet" in text


def test_charts_leave_out_themes_and_bars_that_would_give_a_small_count_away(flat_text):
    # Every theme of the sample has a small month, so the theme chart says so instead of drawing.
    assert "so this chart is not drawn; each theme's total is in “You said, we did”" in flat_text
    # One session a week: every bar is small, and the chart says so rather than drawing "<5" marks.
    assert "Every week's number of sessions is fewer than 5, so this chart is not drawn." in flat_text


def test_a_short_first_month_is_added_into_the_next_for_the_theme_chart():
    from champion_desk.report.briefing import bucket_label, merge_stubs

    rows = [{"start": "2026-08-27", "end": "2026-08-31", "concerns_by_theme": {"a": 2, "b": 1}},
            {"start": "2026-09-01", "end": "2026-09-30", "concerns_by_theme": {"a": 10, "b": 0}},
            {"start": "2026-10-01", "end": "2026-10-31", "concerns_by_theme": {"a": 7, "b": 6}}]
    merged = merge_stubs(rows, "concerns_by_theme")
    assert [r["concerns_by_theme"] for r in merged] == [{"a": 12, "b": 1}, {"a": 7, "b": 6}]
    assert bucket_label(merged[0], "month") == "27 Aug–30 Sep"
    assert bucket_label(merged[1], "month") == "Oct 26"
