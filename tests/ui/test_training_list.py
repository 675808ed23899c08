"""The Training list: what its search finds, and which sessions it shows for the scope bar's dates."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.store import records
from champion_desk.ui.pages.training import TrainingPage
from tests.factories import session_values


def _day(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


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


def test_the_list_follows_the_scope_dates_and_planned_sessions_stay_findable(page, ward, db, ward_context):
    from champion_desk.domain.scope import Scope

    UPCOMING = "Planned ahead"  # noqa: N806 - the option's words, as the champion reads them
    held = records.insert(db, "training_session", session_values(ward, held_on=_day(-3)), "t")
    planned = records.insert(db, "training_session", session_values(ward, held_on=_day(10)), "t")
    ward_context.set_scope(Scope(dt.date.today() - dt.timedelta(days=60), dt.date.today()))
    page.refresh()
    # The scope bar ends today: the session planned in ten days is not at the top of the list...
    assert _shown(page) == [held]
    assert "1 more planned later" in page.counts.text()
    # ...and a manager's "awaiting countersign" is the held session only.
    page.countersign_filter.setCurrentText("Awaiting countersign")
    assert _shown(page) == [held] and "1 awaiting countersign" in page.counts.text()
    # "Planned ahead" lists every session ahead, whatever the period.
    page.countersign_filter.setCurrentText(UPCOMING)
    assert _shown(page) == [planned]
    assert page.counts.text().startswith("1 session planned · after")
    said = []
    ward_context.status_message.connect(said.append)
    page.countersign_filter.setCurrentText("All sessions")
    assert _shown(page) == [held]
    page.records._select_saved(planned)  # as after saving it from the list
    assert UPCOMING in said[-1] and "planned for" in said[-1]
    # A period reaching into the weeks ahead lists what is planned in it, marked so.
    ward_context.set_scope(Scope(dt.date.today() - dt.timedelta(days=60), dt.date.today() + dt.timedelta(days=30)))
    page.refresh()
    assert _shown(page) == [planned, held]
    assert page.records.model.data(page.records.model.index(0, 0)).endswith("(planned)")
    assert "more planned" not in page.counts.text()
