"""Text of any length the app accepts lays out in the briefing, the summary and the poster."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from champion_desk.domain.scope import Scope
from champion_desk.domain.validation import LONG_TEXT_MAX, NAME_MAX, SHORT_TEXT_MAX
from champion_desk.report.briefing import make_briefing
from champion_desk.report.poster import make_poster
from champion_desk.store import records
from tests.report.pdf_text import page_count, pdf_text
from tests.report.sample import build_sample, day

SCOPE = Scope(dt.date(2026, 8, 1), dt.date(2026, 10, 31))
OPENINGS = ("Alpha rota", "Bravo huddle", "Charlie vendor", "Delta mentor", "Echo leaflet", "Foxtrot drop-in")


def long_text(seed: str, size: int) -> str:
    """Return ``size`` characters of words starting with ``seed`` (distinct actions stay distinct)."""
    word = seed.split()[-1].lower()
    words = seed + " " + " ".join(f"{word} {word[::-1]}{'x' * (n % 7)}" for n in range(2000))
    return words[:size]


@pytest.fixture(scope="module")
def long_db(tmp_path_factory):
    from champion_desk.store.database import open_database

    db = open_database(tmp_path_factory.mktemp("long") / "long.db")
    ids = build_sample(db)
    unit = records.insert(db, "unit", {"name": "W" * NAME_MAX}, "t")
    champion = records.insert(
        db,
        "staff",
        {"display_name": "Champion " + "Q" * (NAME_MAX - 9), "unit_id": unit, "is_champion": 1, "role": "nurse"},
        "t",
    )
    db.conn.execute("UPDATE tool SET purpose = ? WHERE id = ?", (long_text("Purpose", LONG_TEXT_MAX), ids["tool"]))
    # 3,990-character responses, three printed in one theme (four before): the briefing stopped with a LayoutError on these.
    for n, opening in enumerate(OPENINGS):
        records.insert(
            db,
            "incident",
            {
                "tool_id": ids["tool"],
                "unit_id": unit,
                "reported_by": champion,
                "occurred_on": day(40 + n),
                "theme": "ethics and liability",
                "status": "closed",
                "resolved_on": day(39),
                "response": long_text(opening, 3990),
            },
            "t",
        )
    records.insert(
        db,
        "story",
        {
            "tool_id": ids["tool"],
            "unit_id": unit,
            "told_on": day(45),
            "title": long_text("Title", SHORT_TEXT_MAX),
            "summary": long_text("Story", LONG_TEXT_MAX),
            "measure": long_text("Measure", SHORT_TEXT_MAX),
            "value": long_text("Value", SHORT_TEXT_MAX),
        },
        "t",
    )
    records.insert(
        db,
        "training_session",
        {
            "tool_id": ids["tool"],
            "unit_id": unit,
            "trainer_id": champion,
            "held_on": (dt.date(2026, 11, 26) + dt.timedelta(days=3)).isoformat(),
            "minutes": 30,
            "format": "hands-on",
            "topic": long_text("Topic", SHORT_TEXT_MAX),
        },
        "t",
    )
    yield db
    db.close()


@pytest.mark.parametrize("one_page", [False, True], ids=["full", "one page"])
def test_the_longest_text_the_app_accepts_lays_out_and_is_marked_where_cut(long_db, one_page):
    out = io.BytesIO()
    pages = make_briefing(long_db, SCOPE, out, one_page=one_page)
    text = pdf_text(out.getvalue())
    assert page_count(out.getvalue()) == pages and (pages == 1 if one_page else pages > 1)
    from champion_desk.report.briefing import RESPONSES_SHOWN

    assert sum(opening in text for opening in OPENINGS) >= (2 if one_page else RESPONSES_SHOWN) and "…" in text


def test_the_poster_takes_the_longest_text_on_one_page(long_db):
    out = io.BytesIO()
    make_poster(long_db, SCOPE, out)
    assert page_count(out.getvalue()) == 1
