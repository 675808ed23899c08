"""The idea dialog (status, reason, backing in the same save) and the Ideas page (most backed first, by age)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from champion_desk.domain.ideas import back_idea, save_idea, support
from champion_desk.store import records
from tests.ui.test_dialog_base import make_dialog


def _idea(db, ward, title: str, raised_on: str, backers: int = 0) -> str:
    idea = save_idea(db, {"unit_id": ward["unit"], "raised_on": raised_on, "title": title}, "t")
    if backers:
        back_idea(db, idea, "t", raised_on, backers=backers)
    return idea


def test_not_now_without_a_reason_is_shown_beside_the_reason(qtbot, ward_context, db, ward):
    idea = _idea(db, ward, "Headsets for the bays", "2026-11-01")
    dialog = make_dialog(qtbot, ward_context, "idea", record_id=idea)
    dialog.fields["status"].widget.set_value("not now")
    assert not dialog.save()
    assert "Reason is required" in dialog.error_of("status_reason")
    dialog.fields["status_reason"].widget.set_value("Waiting for the supplier")
    assert dialog.save()
    row = records.get(db, "idea", idea)
    assert (row["status"], row["status_on"]) == ("not now", dt.date.today().isoformat())


def test_the_form_backs_an_idea_in_the_same_save(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "idea")
    dialog.fields["title"].widget.set_value("Train night staff at handover")
    dialog.fields["tool_id"].widget.set_value(None)
    dialog.fields["suggested_by"].widget.set_value(ward["a"])
    dialog.fields["new_backers"].widget.set_value(5)
    dialog.fields["named_backer"].widget.set_value(ward["b"])
    assert dialog.save(), dialog.banner.message()
    row = records.get(db, "idea", dialog.saved_id)
    assert (row["tool_id"], row["status"], row["suggested_by"]) == (None, "new", ward["a"])
    assert support(db, dialog.saved_id) == 6


def test_a_colleague_backing_twice_is_refused_beside_the_named_backer_and_nothing_is_saved(
    qtbot, ward_context, db, ward
):
    idea = _idea(db, ward, "Card by each PC", "2026-11-01")
    back_idea(db, idea, "t", "2026-11-02", backed_by=ward["b"])
    dialog = make_dialog(qtbot, ward_context, "idea", record_id=idea)
    dialog.fields["title"].widget.set_value("Card beside each PC")
    dialog.fields["named_backer"].widget.set_value(ward["b"])
    assert not dialog.save()
    assert "already backed" in dialog.error_of("named_backer")
    assert records.get(db, "idea", idea)["title"] == "Card by each PC", "the idea's edit was rolled back with it"


def test_the_ideas_page_lists_the_most_backed_first_and_sorts_by_age(qtbot, ward_context, db, ward):
    from champion_desk.ui.pages.ideas import IdeasPage

    _idea(db, ward, "Few backers", "2026-11-20", backers=2)
    _idea(db, ward, "Many backers", "2026-10-01", backers=9)
    _idea(db, ward, "None yet", "2026-11-25")
    page = IdeasPage(ward_context)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.records.proxy.rowCount() == 3)
    proxy = page.records.proxy
    titles = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert titles == ["Many backers", "Few backers", "None yet"]
    model = page.records.model
    page.records.view.sortByColumn(model.COL_RAISED_ON, Qt.SortOrder.DescendingOrder)  # youngest first
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["None yet", "Few backers", "Many backers"]
    assert "3 ideas, 3 waiting for a decision, 0 done" in page.summary(page.load_rows())


def test_all_time_reaches_back_to_the_first_idea(db, ward):
    from champion_desk.ui.scope_bar import earliest_record_date

    assert earliest_record_date(db) is None
    _idea(db, ward, "Older than any session", "2024-03-05")
    assert earliest_record_date(db) == dt.date(2024, 3, 5)
