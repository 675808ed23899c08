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
from champion_desk.report.blocks import CONFIDENTIAL
from champion_desk.report.briefing import SECTIONS, Briefing, build_briefing
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
    for label, key in (
        ("SESSIONS HELD", "sessions"),
        ("CONCERNS RAISED", "concerns_raised"),
        ("CONCERNS STILL OPEN", "concerns_open"),
        ("ACTIVE MENTORING PAIRINGS", "pairings_active"),
        ("STALLED PAIRINGS", "stalled_pairings"),
        ("SUCCESS STORIES", "stories"),
    ):
        assert f"{label}\n{sup.figure(key, figures[key]).text}\n" in sample_text, label
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
    table = flat_text[start : flat_text.index("All units", start) + 12]
    assert "Ward 7 fewer than 5" in table
    # Ward 9's 12 is hidden too (honestly: "not shown"), so 15 - (Ward 9) cannot reveal Ward 7's 3.
    assert "Ward 9 not shown" in table
    assert "All units 15" in table
    assert "Ward 9 12" not in table


def test_you_said_we_did_hides_small_themes_and_their_complement(flat_text):
    section = flat_text[flat_text.index("You said, we did For each theme") :]
    assert "7 concerns raised" in section  # workload and time
    assert section.count("fewer than 5 concerns raised") == 1  # job security (3)
    assert section.count("concerns raised: number not shown") == 1  # accuracy (5), hidden beside it
    assert "Shared the trust's no-job-losses commitment" in section


def test_readiness_of_fewer_than_k_respondents_is_not_shown(flat_text):
    section = flat_text[flat_text.index("Readiness The latest") :]
    assert "not shown: too few people answered" in section
    assert "4.9" not in section  # Ward 7's pulse of 3 people


def test_every_font_is_embedded_and_is_dejavu(sample_pdf):
    used = fonts(sample_pdf)
    assert used and all(used.values()), used
    assert all("DejaVuSans" in name for name in used), used


def test_a_larger_k_hides_more(module_sample_db):
    text = pdf_text(render(module_sample_db, k=10))
    # 15 concerns, 12 of them on Ward 9: at k = 10 Ward 7's 3 hide as well as the themes under 10.
    assert "CONCERNS RAISED\n15\n" in text and "SESSIONS HELD\n6\n" in text
    assert "fewer than 10 concerns raised" in text


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
    # One session a week: sessions held count an activity, not people, so every bar is drawn.
    assert "number of sessions is fewer than" not in flat_text


def test_activity_counts_print_as_they_are_and_people_counts_stay_hidden(module_sample_db):
    """Three sessions on a ward is a fact about the ward, not about anyone; three concerns are not."""
    data = collect(module_sample_db, Scope(SCOPE.date_from, SCOPE.date_to, units=("Ward 9",)))
    data.figures["sessions"], data.figures["checkins"], data.figures["concerns_raised"] = 3, 2, 3
    data.training = data.training[:3]
    for row in data.training:
        row["sessions"] = 1
    b = Briefing(data)
    tiles = {
        label: cell
        for label, cell, _ in (b.count_tile("Sessions", "sessions"), b.count_tile("Concerns", "concerns_raised"))
    }
    assert tiles["Sessions"].text == "3" and tiles["Concerns"].text == "fewer than 5"
    values, marks = b.bar_counts(data.training, "sessions")
    assert values == [1, 1, 1] and not any(marks)


# --- a stub bucket at the start of the period (the GUI's "last 12 months") ---------------------------

YEAR = Scope(dt.date(2025, 11, 27), dt.date(2026, 11, 26))


@pytest.fixture(scope="module")
def stub_year_db(tmp_path_factory):
    """A ward whose year starts with a 4-day stub holding 2 sessions and 2 privacy concerns.

    Every whole month holds 20 sessions and 6 privacy concerns (January 18 sessions, the
    smallest), so nothing but the stub is small.
    """
    from champion_desk.store import records
    from champion_desk.store.database import open_database
    from tests.factories import make_ward

    database = open_database(tmp_path_factory.mktemp("stub") / "desk.db")
    ids = make_ward(database)
    ins = records.insert

    def sessions(day: dt.date, n: int) -> None:
        for i in range(n):
            ins(
                database,
                "training_session",
                {
                    "tool_id": ids["tool"],
                    "unit_id": ids["unit"],
                    "trainer_id": ids["champion"],
                    "held_on": day.isoformat(),
                    "minutes": 30,
                    "format": "hands-on",
                    "topic": f"Drop-in {i}",
                },
                "t",
            )

    def concerns(day: dt.date, n: int) -> None:
        for _ in range(n):
            ins(
                database,
                "incident",
                {
                    "tool_id": ids["tool"],
                    "unit_id": ids["unit"],
                    "reported_by": ids["champion"],
                    "occurred_on": day.isoformat(),
                    "theme": "privacy and data",
                    "status": "open",
                },
                "t",
            )

    sessions(dt.date(2025, 11, 28), 2)
    concerns(dt.date(2025, 11, 29), 2)
    month = dt.date(2025, 12, 1)
    while month <= YEAR.date_to:
        sessions(month.replace(day=10), 18 if (month.year, month.month) == (2026, 1) else 20)
        concerns(month.replace(day=12), 6)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    yield database
    database.close()


@pytest.fixture(scope="module")
def stub_year(stub_year_db):
    data = collect(stub_year_db, YEAR, today=TODAY)
    out = io.BytesIO()
    build_briefing(data, out)
    return data, " ".join(pdf_text(out.getvalue()).split())


def test_a_stub_first_month_is_merged_into_the_next_on_every_chart(stub_year):
    data, _ = stub_year
    for rows in (data.training, data.concerns, data.concern_themes, data.mentoring):
        assert (rows[0]["start"], rows[0]["end"]) == ("2025-11-27", "2025-12-31")
        assert rows[-1]["end"] == "2026-11-26"
    assert data.training[0]["sessions"] == 22 and data.training[1]["sessions"] == 18
    assert sum(r["sessions"] for r in data.training) == data.figures["sessions"]
    assert data.concern_themes[0]["concerns_by_theme"]["privacy and data"] == 8


def test_a_stub_never_hides_a_whole_month_or_a_theme(stub_year):
    _, text = stub_year
    # No "<5" for the stub, so no "–" either: January's 18 sessions are drawn, not blanked.
    assert "<5" not in text and "not shown, so that a small number" not in text
    start = text.index("Sessions per month")
    assert "First bar: 27 Nov–31 Dec 2025" in text[start:]
    # The theme's only small count was the stub's: it is drawn, and no theme is left out.
    chart = text[text.index("Concerns raised per month, by theme") :]
    assert "Privacy and data" in chart[:400]
    assert "not drawn" not in chart[:600]


def test_month_labels_carry_the_year_and_say_which_days_a_merged_bar_holds():
    from champion_desk.report.blocks import bucket_label, edge_note

    rows = [
        {"start": "2025-11-27", "end": "2025-12-31"},
        {"start": "2026-01-01", "end": "2026-01-31"},
        {"start": "2026-02-01", "end": "2026-02-20"},
    ]
    assert [bucket_label(r, "month") for r in rows] == ["Dec\n2025", "Jan\n2026", "Feb\n2026"]
    assert bucket_label({"start": "2026-08-27", "end": "2026-08-30"}, "week") == "27 Aug\n2026"
    assert edge_note(rows, "month") == "First bar: 27 Nov–31 Dec 2025 · last bar: 1–20 Feb 2026."
    assert edge_note(rows[1:2], "month") == ""


def test_axis_labels_print_the_year_once_per_change_and_never_run_together():
    from champion_desk.report.charts import LABEL_GAP, _width, thin_labels

    months = ["Dec\n2025"] + [
        f"{m}\n2026" for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov")
    ]
    wide = thin_labels(months, 400)  # room for every month: the first is dated, and so is January
    assert wide[:3] == ["Dec\n2025", "Jan\n2026", "Feb"] and all(wide)
    assert sum("2026" in s for s in wide) == 1
    # The half-width chart of a 12-month briefing: "2025" and "2026" side by side would run together,
    # so every other month is named, still dated at the first label and where the year changes.
    shown = thin_labels(months, 205)
    assert shown[:3] == ["Dec\n2025", "", "Feb\n2026"] and sum("2026" in s for s in shown) == 1
    crowded = thin_labels(months, 120)
    printed = [(i, s) for i, s in enumerate(crowded) if s]
    assert 1 < len(printed) < len(months)
    slot = 120 / len(months)
    for (i, a), (j, b) in zip(printed, printed[1:]):
        wa, wb = _width(a.split("\n")[0]), _width(b.split("\n")[0])
        assert (wa + wb) / 2 + LABEL_GAP <= (j - i) * slot
    assert printed[0][1] == "Dec\n2025" and sum("2026" in s for _, s in printed) == 1


def test_a_footnote_is_never_split_from_its_table():
    from reportlab.lib.units import mm

    from champion_desk.report.briefing import Briefing

    briefing = Briefing(collect_empty(), 5)
    note = briefing.small_note()
    rows = [[f"Theme {n}", "text"] for n in range(10)]
    table = briefing.table(["You said", "We did"], rows, [60 * mm, 100 * mm], notes=[note])
    _, full = table.wrap(160 * mm, 1000 * mm)
    plain = briefing.table(["You said", "We did"], rows, [60 * mm, 100 * mm])
    _, without = plain.wrap(160 * mm, 1000 * mm)
    # Room for every row but not the note: the last row goes over with the note.
    parts = table.split(160 * mm, without + 1)
    assert len(parts) == 2

    def text(cell):
        cell = cell[0] if isinstance(cell, (list, tuple)) else cell
        return cell.getPlainText()

    carried = parts[1]._cellvalues
    assert text(carried[-1][0]) == note.getPlainText() and text(carried[-2][0]) == "Theme 9"
    assert full > without


def collect_empty():
    from champion_desk.domain.briefing_data import BriefingData

    return BriefingData(
        scope=SCOPE, made_on=TODAY, made_by="", bucket="week", theme_bucket="month", figures={}, previous={}
    )


def test_a_hospital_briefing_of_a_quarter_is_read_in_eight_pages(tmp_path):
    """The full all-units briefing of the hospital demo: every section, in at most eight pages (was 12)."""
    from champion_desk.domain.demo import generate_demo
    from champion_desk.report.briefing import make_briefing
    from champion_desk.store.database import open_database

    db = open_database(tmp_path / "demo.db")
    end = dt.date(2026, 11, 30)
    generate_demo(db, "hospital", seed=1, end=end)
    out = io.BytesIO()
    pages = make_briefing(db, Scope(dt.date(2026, 9, 1), end), out)
    db.close()
    text = pdf_text(out.getvalue())
    assert page_count(out.getvalue()) == pages <= 8
    lines = [line.strip() for line in text.splitlines()]
    assert all(h in lines for h in SECTIONS)


def test_a_session_topic_is_printed_without_its_tool_name_in_front():
    from champion_desk.report.blocks import session_topic

    assert session_topic({"tool": "SepsisWatch Alert", "topic": "SepsisWatch Alert: refresher"}) == "refresher"
    assert session_topic({"tool": "Scribe", "topic": "Night-shift drop-in"}) == "Night-shift drop-in"
    assert session_topic({"tool": "Scribe", "topic": "Scribe"}) == "Scribe"  # nothing else to say
    assert session_topic({"tool": "Scribe", "topic": None}) == ""


def test_a_briefing_of_many_champions_lists_them_by_unit_with_roles_not_tools(tmp_path):
    """Each champion's tools took a trust's champions to six pages; the unit's own briefing keeps them."""
    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database

    db = open_database(tmp_path / "hospital.db")
    generate_demo(db, "hospital", seed=1, end=dt.date(2026, 11, 30))
    data = collect(db, Scope(dt.date(2026, 9, 1), dt.date(2026, 11, 30)), full=True)
    out = io.BytesIO()
    build_briefing(data, out)
    text = " ".join(pdf_text(out.getvalue()).split())
    section = text[text.rindex("Your champions") :]
    champion = data.champions[0]
    assert f"{champion['name']} ({champion['role']})" in section
    assert not [t["tool"] for t in data.roadmap if t["tool"] in section]
    assert "Which tools each champion covers is in the unit's own briefing." in section
    db.close()
