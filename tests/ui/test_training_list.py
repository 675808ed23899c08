"""The Training list: what its search finds, and which sessions it shows for the scope bar's dates."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.store import records
from champion_desk.ui.pages.training import TrainingPage
from tests.factories import session_values

TODAY = dt.date.today()


def _day(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def page(qtbot, ward_context):
    page = TrainingPage(ward_context)
    qtbot.addWidget(page)
    return page


def _shown(page) -> list[str]:
    return [r["id"] for r in page.records.proxy.visible_rows()]


def test_search_finds_a_session_by_its_place_topic_notes_and_names(page, ward, db):
    seminar = records.insert(
        db,
        "training_session",
        session_values(ward, held_on=_day(-3), place="Seminar room 2", notes="Bring the laptop trolley"),
        "t",
    )
    other = records.insert(db, "training_session", session_values(ward, held_on=_day(-2), topic="Consent"), "t")
    page.refresh()
    for words in ("seminar", "laptop trolley", "checking drafts"):
        page.search.setText(words)
        assert _shown(page) == [seminar], words
    # The trainer, tool and unit are columns, searched as shown (accents ignored).
    page.search.setText("zoe scribe ward 7")
    assert sorted(_shown(page)) == sorted([seminar, other])
