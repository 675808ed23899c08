"""The noticeboard poster: one page, top themes with what was done, next sessions, whom to ask."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from champion_desk.domain.briefing_data import collect
from champion_desk.domain.scope import Scope
from champion_desk.report.poster import build_poster
from tests.factories import TODAY
from tests.report.pdf_text import fonts, page_count, pdf_text
from tests.report.sample import SCOPE, SECRET_DESCRIPTION, SECRET_NAME, WARD9_CHAMPIONS


def render(db, scope=SCOPE, paper="a4") -> bytes:
    out = io.BytesIO()
    build_poster(collect(db, scope, made_by="Zoë Adams", today=TODAY), out, paper=paper)
    return out.getvalue()


@pytest.fixture(scope="module")
def poster(module_sample_db) -> bytes:
    return render(module_sample_db)


def test_poster_is_one_page_with_themes_responses_sessions_and_champions(poster):
    assert page_count(poster) == 1
    text = " ".join(pdf_text(poster).split())
    assert "You said, we did" in text
    assert "Workload and time" in text and "7 concerns" in text
    assert "Protected 15 minutes a shift to practise" in text
    assert "1 Dec 2026" in text and "Night-shift drop-in" in text
    for name in WARD9_CHAMPIONS:
        assert name in text
    assert SECRET_NAME not in text and SECRET_DESCRIPTION not in text
    assert "Confidential: for staff meetings" in text


def test_poster_fonts_are_embedded(poster):
    used = fonts(poster)
    assert used and all(used.values()), used


def test_a3_poster_is_a3_and_one_page(module_sample_db):
    pdf = render(module_sample_db, paper="a3")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 and round(float(reader.pages[0].mediabox.width)) == 842


def test_a_poster_with_more_than_fits_is_still_one_page(db):
    from champion_desk.store import records

    unit = records.insert(db, "unit", {"name": "Ward 1"}, "t")
    tool = records.insert(db, "tool", {"name": "Scribe"}, "t")
    for n in range(60):
        records.insert(db, "staff", {"display_name": f"Champion {n}", "unit_id": unit, "is_champion": 1}, "t")
    for n in range(90):
        records.insert(
            db,
            "incident",
            {
                "tool_id": tool,
                "unit_id": unit,
                "occurred_on": "2026-11-01",
                "theme": ["workload and time", "job security", "other", "training gap"][n % 4],
                "status": "closed",
                "resolved_on": "2026-11-02",
                "response": f"A long response number {n} " + "with many words " * 12,
            },
            "t",
        )
    assert page_count(render(db)) == 1


def test_empty_scope_poster_says_so(module_sample_db):
    text = pdf_text(render(module_sample_db, scope=Scope(dt.date(2020, 1, 1), dt.date(2020, 3, 31))))
    assert "No concerns were raised in this period" in " ".join(text.split())


def test_a_hospital_poster_with_its_ideas_box_still_shows_three_themes(tmp_path):
    """The themes are the poster's point: the lists below give way before a third theme does."""
    from champion_desk.domain.demo import generate_demo
    from champion_desk.domain.privacy import meeting_scope
    from champion_desk.report.ideas_section import TITLE
    from champion_desk.store.database import open_database

    db = open_database(tmp_path / "demo.db")
    end = dt.date(2026, 11, 30)
    generate_demo(db, "hospital", seed=1, end=end)
    data = collect(db, meeting_scope(Scope(dt.date(2026, 9, 1), end)), full=False, today=end)
    db.close()
    out = io.BytesIO()
    build_poster(data, out)
    text = " ".join(pdf_text(out.getvalue()).split())
    assert page_count(out.getvalue()) == 1 and data.ideas.get("total") and TITLE in text
    ranked = sorted(
        (t for t, n in data.figures["concerns_by_theme"].items() if n),
        key=lambda t: -data.figures["concerns_by_theme"][t],
    )
    assert len(ranked) >= 3
    for theme in ranked[:3]:
        assert theme.capitalize() in text, theme


def test_hidden_themes_on_a_ward_s_poster_keep_their_own_order_not_their_true_counts(tmp_path):
    """Ranked by true count, two "fewer than 5" (or "5–12" above "7–13") said which was larger."""
    from champion_desk.domain.briefing_data import THEMES, concern_figures
    from champion_desk.domain.demo import generate_demo
    from champion_desk.domain.privacy import meeting_scope
    from champion_desk.store.database import open_database

    db = open_database(tmp_path / "demo.db")
    end = dt.date(2026, 11, 30)
    generate_demo(db, "hospital", seed=1, end=end)
    units = [r["name"] for r in db.query("SELECT name FROM unit WHERE deleted_at IS NULL")]
    checked = 0
    for unit in units:
        data = collect(db, meeting_scope(Scope(dt.date(2026, 9, 1), end, units=(unit,))), full=False, today=end)
        out = io.BytesIO()
        build_poster(data, out)
        text = " ".join(pdf_text(out.getvalue()).split())
        cells = concern_figures(data, 5).themes
        shown = sorted((t for t in THEMES if t.capitalize() in text), key=lambda t: text.index(t.capitalize()))
        hidden = [t for t in shown if cells[t].suppressed]
        assert hidden == [t for t in THEMES if t in hidden], (unit, hidden)
        printed = [t for t in shown if not cells[t].suppressed]
        assert shown[: len(printed)] == printed, unit  # the printed ones first, most raised first
        checked += len(hidden) > 1
    db.close()
    assert checked, "some ward's poster should show two hidden themes, or the check proves nothing"
