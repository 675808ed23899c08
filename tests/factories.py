"""Small hand-built fixtures shared by tests: a ward with a tool, a champion, a manager and colleagues."""

from __future__ import annotations

import datetime as dt

from champion_desk.store import records

TODAY = dt.date(2026, 11, 26)


def make_ward(db) -> dict[str, str]:
    """Create a unit, a tool, a champion, a manager and two colleagues; return their ids by role."""
    ids = {}
    ids["unit"] = records.insert(db, "unit", {"name": "Ward 7"}, "t")
    ids["tool"] = records.insert(db, "tool", {"name": "Scribe", "stage": "live", "refresher_months": 12}, "t")
    ids["champion"] = records.insert(
        db, "staff", {"display_name": "Zoë Adams", "unit_id": ids["unit"], "is_champion": 1, "role": "nurse"}, "t"
    )
    ids["manager"] = records.insert(
        db, "staff", {"display_name": "Łukasz Nowak", "unit_id": ids["unit"], "role": "ward manager"}, "t"
    )
    ids["a"] = records.insert(
        db, "staff", {"display_name": "Nguyễn Thị Mai", "unit_id": ids["unit"], "staff_ref": "E100"}, "t"
    )
    ids["b"] = records.insert(
        db, "staff", {"display_name": "Siobhán Ó Briain", "unit_id": ids["unit"], "staff_ref": "E101"}, "t"
    )
    return ids


def session_values(ward: dict[str, str], **overrides) -> dict:
    """Return valid training-session values for ``make_ward``'s ward, with overrides."""
    values = {
        "tool_id": ward["tool"],
        "unit_id": ward["unit"],
        "trainer_id": ward["champion"],
        "held_on": "2026-11-20",
        "minutes": 45,
        "format": "hands-on",
        "topic": "Checking drafts",
    }
    values.update(overrides)
    return values
