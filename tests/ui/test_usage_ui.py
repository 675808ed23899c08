"""Usage in the GUI: a colleague's own use on their page only, the usage import wizard, the adoption chart."""

from __future__ import annotations

import datetime as dt

from champion_desk.store import records


def test_a_colleagues_own_use_shows_on_their_page_and_nobody_elses(db, ward):
    from champion_desk.ui.pages.people import person_html

    for day, count in (("2026-11-02", 4), ("2026-11-09", 3), ("2026-10-05", 1), ("2026-03-02", 9)):
        records.insert(db, "usage", {"staff_id": ward["a"], "tool_id": ward["tool"], "day": day, "count": count}, "t")
    person = {**records.get(db, "staff", ward["a"]), "unit": "Ward 7"}
    page = person_html(db, person, today=dt.date(2026, 11, 26))
    assert "Scribe — Nov 2026: used on 2 days (7 uses)" in page
    assert "Scribe — Oct 2026: used on 1 day (1 use)" in page
    assert "Mar 2026" not in page  # older than the last 6 months
    other = person_html(db, {**records.get(db, "staff", ward["b"]), "unit": "Ward 7"}, today=dt.date(2026, 11, 26))
    assert "No use imported in the last 6 months." in other and "7 uses" not in other
