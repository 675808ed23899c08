"""'You suggested, we did' in the briefing and on the poster: ideas acted on, no names, small counts hidden."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from champion_desk.domain.briefing_data import collect
from champion_desk.domain.ideas import back_idea, save_idea
from champion_desk.domain.scope import Scope
from champion_desk.report.briefing import build_briefing
from champion_desk.report.poster import build_poster
from tests.factories import TODAY
from tests.report.pdf_text import pdf_text
from tests.report.sample import SCOPE, SECRET_NAME, build_sample, day


def _idea(db, ids, title: str, raised: int, status: str, decided: int, backers: int = 0) -> str:
    idea = save_idea(
        db,
        {
            "unit_id": ids["ward9"],
            "tool_id": ids["tool"],
            "raised_on": day(raised),
            "title": title,
            "suggested_by": ids["secret"],
            "status": status,
            "status_on": day(decided),
            "status_reason": "Budget" if status == "not now" else None,
        },
        "t",
        today=TODAY,
    )
    if backers:
        back_idea(db, idea, "t", day(raised), backers=backers, today=TODAY)
    return idea


@pytest.fixture(scope="module")
def ideas_db(tmp_path_factory):
    from champion_desk.store.database import open_database

    db = open_database(tmp_path_factory.mktemp("ideas") / "desk.db")
    ids = build_sample(db)
    _idea(db, ids, "Headsets for the busy bays", 60, "done", 20, backers=7)
    _idea(db, ids, f"Night-shift drop-in, as {SECRET_NAME} asked", 50, "planned", 10, backers=3)
    _idea(db, ids, "Card beside each PC", 200, "done", 150, backers=9)  # done before the period
    _idea(db, ids, "Patient leaflet", 30, "not now", 5, backers=12)  # not acted on
    _idea(db, ids, "Quick-reference video", 20, "under consideration", 20, backers=6)
    _idea(db, ids, "Coffee-break demos", 80, "new", 80)  # waiting for a decision since long before the 30 days
    yield db
    db.close()


def _briefing(db, scope=SCOPE, k: int = 5) -> str:
    out = io.BytesIO()
    build_briefing(collect(db, scope, made_by="Zoë Adams", today=TODAY), out, k=k)
    return pdf_text(out.getvalue())


def _section(text: str) -> str:
    start = text.rindex("You suggested, we did")  # the cover lists it too
    return text[start : text.index("Mentoring", start)]


def test_the_briefing_lists_ideas_planned_or_done_in_the_period_most_backed_first(ideas_db):
    section = _section(_briefing(ideas_db))
    assert "Headsets for the busy bays" in section and "Night-shift drop-in" in section
    for other in ("Card beside each PC", "Patient leaflet", "Quick-reference video"):
        assert other not in section, other
    assert section.index("Headsets") < section.index("Night-shift")
    assert re.search(r"Done \d+ \w+ 2026", section) and "Planned since" in section


def test_no_one_is_named_and_small_backing_is_hidden(ideas_db):
    text = _briefing(ideas_db)
    section = _section(text)
    assert SECRET_NAME not in text and "Quigley" not in text
    assert "as a colleague asked" in section  # the suggester's name typed in the title, redacted
    assert re.search(r"Headsets for the busy bays.*\b7\b", section, re.S)
    assert "fewer than 5" in section  # the drop-in's 3 backers
    assert not re.search(r"Night-shift.*\b3\b", section, re.S)
    # Two ideas: a count under 5, so the lead gives none (the rows can be counted anyway).
    assert "Ideas staff put forward that were planned or put in place" in section
    assert "fewer than 5 ideas" not in section


def test_with_a_lower_threshold_the_count_prints_but_not_parts_that_are_small(tmp_path):
    from champion_desk.store.database import open_database

    db = open_database(tmp_path / "desk.db")
    ids = build_sample(db)
    _idea(db, ids, "Headsets for the busy bays", 60, "done", 20, backers=7)
    _idea(db, ids, f"Night-shift drop-in, as {SECRET_NAME} asked", 50, "planned", 10, backers=3)
    _idea(db, ids, "Shift handover checklist", 40, "done", 15, backers=4)
    section = " ".join(_section(_briefing(db, k=3)).split())
    # 2 done and 1 planned are small under k = 3: either beside the total would give the other away.
    assert "3 ideas staff put forward were planned or put in place in this period. Who" in section
    assert re.search(r"Night-shift.*\b3\b", section)
    assert "2 done" not in section and "1 planned" not in section
    db.close()


def test_a_period_without_ideas_acted_on_says_so(ideas_db):
    section = _section(_briefing(ideas_db, Scope(dt.date(2026, 1, 1), dt.date(2026, 3, 31))))
    assert "No staff idea was planned or put in place in this period" in " ".join(section.split())


def test_the_poster_shows_the_ideas_without_names(ideas_db):
    out = io.BytesIO()
    build_poster(collect(ideas_db, SCOPE, made_by="Zoë Adams", today=TODAY, full=False), out)
    text = pdf_text(out.getvalue())
    assert "You suggested, we did" in text and "Headsets for the busy bays" in text
    assert SECRET_NAME not in text and "Patient leaflet" not in text


def test_an_agreed_ideas_waiting_step_prints_its_why_with_the_count_hidden(ideas_db):
    # Last in the module: it records a response in the shared database.
    from champion_desk.domain import next_steps

    [step] = [s for s in next_steps.suggestions(ideas_db, SCOPE, today=TODAY) if s.rule == "ideas_waiting"]
    assert step.figures["waiting"] == 1 and step.unit == "Ward 9"
    next_steps.respond(ideas_db, step.key, "agreed", "t", today=TODAY)
    text = " ".join(_briefing(ideas_db).split())
    assert "Fewer than 5 staff ideas on Ward 9 waiting more than 30 days for a decision." in text
    assert "Decide on the waiting ideas from Ward 9" in text
