"""Table models without any view, and the proxy's search, filters and sorting."""

from __future__ import annotations

from PySide6.QtCore import Qt

from champion_desk.ui.models.proxy import RecordFilterProxy, equals
from champion_desk.ui.models.records import (
    ID_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    ConcernTableModel,
    SessionTableModel,
    StaffTableModel,
    fold,
)

CONCERNS = [
    {
        "id": "c1",
        "occurred_on": "2026-11-06",
        "unit": "Ward 7",
        "tool": "Scribe",
        "theme": "job security",
        "barrier": None,
        "severity": "high",
        "status": "open",
        "resolved": 0,
        "days_open": 20,
        "owner": None,
        "reported_by_name": "Zoë Adams",
        "description": "Worried the scribe replaces ward clerks",
    },
    {
        "id": "c2",
        "occurred_on": "2026-10-02",
        "unit": "Ward 9",
        "tool": "Sepsis alert",
        "theme": "accuracy and trust",
        "barrier": "knowledge",
        "severity": "low",
        "status": "closed",
        "resolved": 1,
        "days_open": 9,
        "owner": "Matron",
        "reported_by_name": "Łukasz Nowak",
        "description": None,
    },
    {
        "id": "c3",
        "occurred_on": "2026-11-20",
        "unit": "Ward 7",
        "tool": "Scribe",
        "theme": "workload and time",
        "barrier": None,
        "severity": "medium",
        "status": "in progress",
        "resolved": 0,
        "days_open": 6,
        "owner": None,
        "reported_by_name": None,
        "description": None,
    },
]


def _concerns():
    model = ConcernTableModel()
    model.set_rows(CONCERNS)
    return model


def test_columns_constants_and_display():
    model = _concerns()
    assert (model.rowCount(), model.columnCount()) == (3, len(ConcernTableModel.COLUMNS))
    assert model.COL_OCCURRED_ON == 0 and model.COLUMNS[model.COL_THEME].key == "theme"
    assert model.headerData(model.COL_DAYS_OPEN, Qt.Orientation.Horizontal) == "Days open"
    assert model.data(model.index(0, model.COL_OCCURRED_ON)) == "6 Nov 2026"
    assert model.data(model.index(0, model.COL_THEME)) == "Job security"
    assert model.data(model.index(0, model.COL_STATUS)) == "Open"
    assert model.data(model.index(1, model.COL_STATUS)) == "Closed"
    assert model.data(model.index(1, model.COL_BARRIER)) == "Knowledge"
    assert model.data(model.index(0, model.COL_BARRIER)) == ""
    assert model.data(model.index(0, model.COL_OCCURRED_ON), SORT_ROLE) == "2026-11-06"
    assert model.data(model.index(0, model.COL_DAYS_OPEN), SORT_ROLE) == 20.0
    assert model.data(model.index(2, 0), ID_ROLE) == "c3"
    assert model.data(model.index(2, 0), ROW_ROLE)["theme"] == "workload and time"
    assert model.row_of("c2") == 1 and model.row_of("nope") == -1
    assert model.count_text() == "3 concerns" and model.count_text(CONCERNS[:1]) == "1 concern"


def test_no_raised_by_column():
    assert "raised_by" not in {c.key for c in ConcernTableModel.COLUMNS}


def test_empty_values_sort_first_and_numbers_as_numbers():
    model = SessionTableModel()
    model.set_rows(
        [
            {"id": "a", "held_on": "2026-01-01", "minutes": 5, "confidence_uplift": None},
            {"id": "b", "held_on": "2026-01-02", "minutes": 45, "confidence_uplift": 1.5},
        ]
    )
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(model.COL_MINUTES, Qt.SortOrder.DescendingOrder)
    assert [r["id"] for r in proxy.visible_rows()] == ["b", "a"]  # 45 before 5, not "5" before "45"
    proxy.sort(model.COL_CONFIDENCE_UPLIFT, Qt.SortOrder.AscendingOrder)
    assert [r["id"] for r in proxy.visible_rows()] == ["a", "b"]
    assert model.data(model.index(1, model.COL_CONFIDENCE_UPLIFT)) == "+1.5"


def test_search_every_word_any_case_without_accents():
    model = _concerns()
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search("zoe")
    assert [r["id"] for r in proxy.visible_rows()] == ["c1"]
    proxy.set_search("LUKASZ")
    assert [r["id"] for r in proxy.visible_rows()] == ["c2"]
    proxy.set_search("ward 7 workload")
    assert [r["id"] for r in proxy.visible_rows()] == ["c3"]
    proxy.set_search("clerks")  # the description is searched though it is not a column
    assert [r["id"] for r in proxy.visible_rows()] == ["c1"]
    proxy.set_search("")
    assert proxy.rowCount() == 3


def test_filters_combine_with_search():
    model = _concerns()
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter("unresolved", lambda r: not r["resolved"])
    assert {r["id"] for r in proxy.visible_rows()} == {"c1", "c3"}
    proxy.set_filter("unit", equals("unit", "Ward 7"))
    proxy.set_search("security")
    assert [r["id"] for r in proxy.visible_rows()] == ["c1"]
    proxy.set_filter("unresolved", None)
    proxy.set_search("")
    assert proxy.filter_names() == ["unit"] and proxy.rowCount() == 2


def test_set_rows_resets():
    model = StaffTableModel()
    model.set_rows([{"id": "s1", "display_name": "Ama", "active": 1, "is_champion": 1}])
    assert model.data(model.index(0, model.COL_IS_CHAMPION)) == "Yes"
    assert model.data(model.index(0, model.COL_ACTIVE)) == "Active"
    model.set_rows([])
    assert model.rowCount() == 0


def test_fold():
    assert fold("Siobhán Ó Briain") == "siobhan o briain"
    assert fold("Nguyễn Thị Mai") == "nguyen thi mai"


def test_planned_sessions_say_so():
    model = SessionTableModel()
    model.set_rows([{"id": "p", "held_on": "2026-12-15", "planned": 1}])
    assert model.data(model.index(0, model.COL_HELD_ON)) == "15 Dec 2026 (planned)"
    assert model.data(model.index(0, model.COL_HELD_ON), SORT_ROLE) == "2026-12-15"


def test_sign_offs_read_verified_or_unverified_as_the_signing_dialogs_say():
    from champion_desk.ui.models.records import signed_off_text

    assert signed_off_text(3, 3) == "3 (verified)"
    assert signed_off_text(3, 1) == "3 (1 verified)"
    assert signed_off_text(1, 0) == "1 (unverified)"
    assert signed_off_text(0, 0) == "0"
