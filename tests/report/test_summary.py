"""The one-page ward summary (`briefing --pages 1`): a ward's figures, sessions and people on one page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from champion_desk.domain.demo import generate_demo
from champion_desk.domain.metrics import stats
from champion_desk.domain.privacy import meeting_scope
from champion_desk.domain.scope import Scope
from champion_desk.report.blocks import shorten
from champion_desk.report.briefing import make_briefing
from champion_desk.store.database import open_database
from tests.report.pdf_text import page_count, pdf_text

END = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def ward_db(tmp_path_factory):
    """The ward demo: one ward of 40 people."""
    db = open_database(tmp_path_factory.mktemp("ward") / "ward.db")
    generate_demo(db, "ward", seed=1, end=END)
    yield db
    db.close()


def summary(db, scope) -> bytes:
    out = io.BytesIO()
    assert make_briefing(db, scope, out, one_page=True, made_by="Sam Okafor") == 1
    return out.getvalue()


def test_the_one_page_summary_of_a_40_person_ward_shows_its_sessions_on_one_page(ward_db):
    unit = ward_db.query("SELECT name FROM unit")[0]["name"]
    assert ward_db.scalar("SELECT count(*) FROM staff") == 40
    scope = Scope(dt.date(2026, 9, 1), END, units=(unit,))
    pdf = summary(ward_db, scope)
    text = pdf_text(pdf)
    assert page_count(pdf) == 1
    sessions = stats(ward_db, meeting_scope(scope))["sessions"]
    assert 0 < sessions < 40
    # Sessions held are an activity: printed as they are, however few, and charted by month.
    assert f"SESSIONS HELD\n{sessions}\n" in text
    assert "Sessions per month" in text and "Sep\n2026" in text
    for part in ("You said, we did", "Who is trained", "What comes next", "Your champions", "Made on"):
        assert part in text, part


def test_a_summary_of_the_longest_responses_still_fits_one_page(ward_db):
    from champion_desk.domain.briefing_data import collect
    from champion_desk.report.summary import build_summary

    unit = ward_db.query("SELECT name FROM unit")[0]["name"]
    data = collect(ward_db, meeting_scope(Scope(dt.date(2026, 9, 1), END, units=(unit,))), bucket="month")
    long = "Talked it through at the huddle and again one to one " * 80
    data.responses = {t: [long[:3990]] * 4 for t in data.figures["concerns_by_theme"]}
    out = io.BytesIO()
    build_summary(data, out)
    assert page_count(out.getvalue()) == 1
    assert "…" in pdf_text(out.getvalue())


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab c.,"), max_size=400), st.integers(10, 300))
def test_shorten_keeps_short_text_and_marks_what_it_cuts(text, limit):
    got = shorten(text, limit)
    assert len(got) <= limit
    if len(" ".join(text.split())) <= limit:
        assert got == " ".join(text.split())
    else:
        assert got.endswith("…")


def test_every_hospital_ward_s_summary_is_one_page_and_a_figure_held_back_reads_as_a_sentence(tmp_path):
    db = open_database(tmp_path / "hospital.db")
    generate_demo(db, "hospital", seed=1, end=END)
    held_back = 0
    for unit in [r["name"] for r in db.query("SELECT name FROM unit WHERE deleted_at IS NULL")]:
        pdf = summary(db, Scope(dt.date(2026, 9, 1), END, units=(unit,)))
        text = " ".join(pdf_text(pdf).split())
        assert page_count(pdf) == 1, unit
        # "not shown have had their competency signed off" read as a slip of the pen.
        for slip in ("not shown have", "not shown refresher", "not shown of", "not shown staff"):
            assert slip not in text, (unit, slip)
        held_back += text.count("is not shown, so that nobody can be singled out by a small number")
    assert held_back, "some ward of the demo should hold a figure back, or the check proves nothing"
    db.close()


def test_the_left_column_of_a_pair_keeps_a_gutter_before_the_right_one():
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    from champion_desk.report.blocks import Blocks

    blocks = Blocks()
    left = blocks.p("28 Dec 2026 · Brightdesk Admin Assistant · refresher and what has changed " * 3, "body")
    right = blocks.p("Thomas Harris (doctor)", "body")
    table = blocks.chart_pair(("What comes next", left), ("Your champions", right))
    table.wrap(blocks.width, 500 * mm)
    assert isinstance(left, Paragraph)
    # The text of the left column ends at least 5 mm before the right column's first letter.
    assert left.width <= blocks.width - table._colWidths[1] - 5 * mm


@given(st.lists(st.integers(0, 5000), min_size=1, max_size=12))
def test_a_count_axis_steps_in_whole_numbers_and_clears_the_tallest_bar(values):
    from champion_desk.report.charts import nice_max

    top, step = nice_max(values)
    assert float(step).is_integer() and step >= 1  # never "2.5 sessions" on the axis
    assert top >= max(values) and top / step <= 6
