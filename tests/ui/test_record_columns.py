"""How a list's columns fit its width: names whole, numbers and dates to their content, the
model's HIDE_WHEN_NARROW columns left out first; and what of the layout is remembered."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from champion_desk.domain.scope import Scope
from champion_desk.store import records
from champion_desk.ui.pages.training import TrainingPage
from tests.factories import TODAY, session_values

LONG_UNIT = "Acute Medical Assessment Unit, North Wing"


def _page(qtbot, ward_context, ward, db, width):
    unit = records.insert(db, "unit", {"name": LONG_UNIT}, "t")
    for day in ("2026-11-02", "2026-11-03"):
        records.insert(db, "training_session", session_values(ward, held_on=day, unit_id=unit), "t")
    # A fixed period holding those sessions: the default (the last twelve months to the real today)
    # would lose them from November 2027.
    ward_context.set_scope(Scope(dt.date(2026, 1, 1), TODAY))
    page = TrainingPage(ward_context)
    qtbot.addWidget(page)
    page.resize(width, 500)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    page.records.fit_columns()
    qtbot.wait(20)  # the view lays out its scroll bars after the event loop turns
    return page


def _shown(view, model):
    return [c.key for n, c in enumerate(model.COLUMNS) if not view.isColumnHidden(n)]


def test_a_narrow_list_leaves_columns_out_before_it_cuts_a_name(qtbot, ward_context, ward, db):
    page = _page(qtbot, ward_context, ward, db, 700)
    view, model = page.records.view, page.records.model
    shown = _shown(view, model)
    assert {"held_on", "tool", "unit", "trainer", "attendees"} <= set(shown)
    assert "verified_by_name" not in shown and "minutes" not in shown
    unit = model.COL_UNIT
    room = view.columnWidth(unit) - 7  # the grid line and the item's text margins
    assert QFontMetricsF(view.font()).horizontalAdvance(LONG_UNIT) <= room
    # A number column takes about its title's width, not the sort arrow's room besides.
    title = view.horizontalHeader().fontMetrics().horizontalAdvance("Attendees")
    assert view.columnWidth(model.COL_ATTENDEES) < title + 30
    assert view.horizontalScrollBar().maximum() == 0

    # Wider, every column is back.
    page.resize(1600, 500)
    qtbot.wait(20)  # the list fits itself again to its new width
    assert _shown(view, model) == [c.key for c in model.COLUMNS]


def test_only_the_sort_is_remembered_until_the_user_sizes_the_columns(qtbot, ward_context, ward, db):
    page = _page(qtbot, ward_context, ward, db, 700)
    table = page.records
    table.view.sortByColumn(page.records.model.COL_TRAINER, Qt.SortOrder.AscendingOrder)
    fitted = table.header_state()
    assert bytes(fitted.data()).startswith(b"sort-only:")

    again = TrainingPage(ward_context)
    qtbot.addWidget(again)
    again.records.restore_header_state(fitted)
    header = again.records.view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        again.records.model.COL_TRAINER,
        Qt.SortOrder.AscendingOrder,
    )
    assert not again.records._user_sized  # its columns still fit its own rows and width

    table.view.setColumnWidth(table.model.COL_TOOL, 211)  # the user drags a column
    dragged = table.header_state()
    assert not bytes(dragged.data()).startswith(b"sort-only:")
    third = TrainingPage(ward_context)
    qtbot.addWidget(third)
    third.records.restore_header_state(dragged)
    assert third.records.view.columnWidth(third.records.model.COL_TOOL) == 211
