"""Monthly bars are named for what they hold: the month, or the real dates of a clipped or merged edge."""

from __future__ import annotations

import datetime as dt

from champion_desk.domain.briefing_data import merge_stubs
from champion_desk.ui.charts.time_panel import _timestamp, month_ticks


def _months(first: dt.date, last: dt.date) -> list[dict]:
    """Return month rows clipped to [first, last], as the series gives them."""
    rows, start = [], first
    while start <= last:
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = min(following - dt.timedelta(days=1), last)
        rows.append({"start": start.isoformat(), "end": end.isoformat(), "sessions": 1})
        start = following
    return rows


def test_a_12_month_view_names_every_month_and_the_real_dates_of_its_edges():
    rows = merge_stubs(_months(dt.date(2025, 12, 8), dt.date(2026, 12, 7)), "month")
    ticks, _ = month_ticks(rows, width_px=2000)
    labels = [text for _, text in ticks]
    assert labels[0] == "8–31 Dec"  # clipped by the period: not "Dec", and never a bare "2026"
    assert labels[1:4] == ["Jan 2026", "Feb", "Mar"]
    assert labels[-1] == "1 Nov–7 Dec"  # the 7-day stub is merged into November, as in the briefing
    assert rows[-1]["sessions"] == 2
    last = rows[-1]
    middle = (_timestamp(dt.date(2026, 11, 1)) + _timestamp(dt.date(2026, 12, 8))) / 2
    assert ticks[-1][0] == middle and last["start"] == "2026-11-01"


def test_a_narrow_chart_names_fewer_months_but_always_its_edges():
    rows = _months(dt.date(2024, 1, 1), dt.date(2026, 11, 30))
    ticks, _ = month_ticks(rows, width_px=300)
    labels = [text for _, text in ticks]
    assert labels[0] == "Jan 2024" and labels[-1] == "Nov"
    assert len(labels) <= 300 // 44 + 2
