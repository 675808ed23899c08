"""Idea figures worked out by hand: ideas_raised, ideas_done, ideas_by_status in stats and the ideas series."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain.metrics import IDEA_STATUSES, stats
from champion_desk.domain.scope import Scope
from champion_desk.domain.series import ROW_KEYS, series
from champion_desk.exchange.series_csv import write_series_csv
from champion_desk.store import records

D = dt.date.fromisoformat
Q1 = Scope(D("2026-01-01"), D("2026-03-31"))


def by_status(**counts: int) -> dict[str, int]:
    """Return a by-status dict with zeros for every status not given (underscores stand for spaces)."""
    out = dict.fromkeys(IDEA_STATUSES, 0)
    for key, n in counts.items():
        out[key.replace("_", " ")] = n
    return out


@pytest.fixture
def ideas(db):
    """Seven ideas on two units and two tools around the first quarter of 2026 (ids i1..i7)."""
    a, b = (records.insert(db, "unit", {"name": n}, "t") for n in ("Ward A", "Ward B"))
    scribe, sepsis = (records.insert(db, "tool", {"name": n, "stage": "live"}, "t") for n in ("Scribe", "Sepsis"))
    rows = {
        "i1": (a, scribe, "2026-01-10", "done", "2026-02-15"),
        "i2": (a, None, "2026-01-20", "planned", "2026-03-01"),  # any tool
        "i3": (b, sepsis, "2026-02-05", "not now", "2026-02-20"),
        "i4": (b, scribe, "2025-12-20", "done", "2026-01-05"),  # raised before Q1, done in it
        "i5": (a, sepsis, "2026-03-30", "new", "2026-03-30"),
        "i6": (a, scribe, "2026-02-10", "done", "2026-02-11"),  # deleted below
        "i7": (b, sepsis, "2026-04-02", "done", "2026-04-03"),  # after Q1
    }
    ids = {}
    for key, (unit, tool, raised, status, status_on) in rows.items():
        ids[key] = records.insert(
            db,
            "idea",
            {
                "unit_id": unit,
                "tool_id": tool,
                "raised_on": raised,
                "title": key,
                "status": status,
                "status_on": status_on,
                "status_reason": "No budget" if status == "not now" else None,
            },
            "t",
        )
    records.delete(db, "idea", ids["i6"], "t")
    return ids


def test_q1_over_everything(db, ideas):
    # Raised in Q1: i1 i2 i3 i5 (i4 before, i7 after, i6 deleted). Done in Q1: i1 (15 Feb), i4 (5 Jan).
    f = stats(db, Q1)
    assert (f["ideas_raised"], f["ideas_done"]) == (4, 2)
    assert f["ideas_by_status"] == by_status(new=1, planned=1, done=1, not_now=1)
    assert list(f["ideas_by_status"]) == ["new", "under consideration", "planned", "done", "not now"]


@pytest.mark.parametrize(
    "units,tools,raised,done,statuses",
    [
        (("Ward A",), (), 3, 1, by_status(new=1, planned=1, done=1)),  # i1 i2 i5; done i1
        ((), ("Scribe",), 2, 2, by_status(planned=1, done=1)),  # i1 and i2 (any tool); done i1 i4
        (("Ward B",), ("Sepsis",), 1, 0, by_status(not_now=1)),  # i3 only: i2 is Ward A's
    ],
)
def test_q1_in_a_narrower_scope(db, ideas, units, tools, raised, done, statuses):
    f = stats(db, Scope(Q1.date_from, Q1.date_to, units, tools))
    assert (f["ideas_raised"], f["ideas_done"], f["ideas_by_status"]) == (raised, done, statuses)


def test_an_empty_logbook_has_every_status_at_zero(db):
    f = stats(db, Q1)
    assert (f["ideas_raised"], f["ideas_done"], f["ideas_by_status"]) == (0, 0, by_status())


def test_monthly_ideas_by_hand(db, ideas):
    # Jan: raised i1 (done) i2 (planned); done i4 (5 Jan). Feb: raised i3 (not now); done i1.
    # Mar: raised i5 (new); nothing done (i2 is planned).
    assert series(db, "ideas", Q1, "month") == [
        {
            "start": "2026-01-01",
            "end": "2026-01-31",
            "ideas_raised": 2,
            "ideas_done": 1,
            "ideas_by_status": by_status(planned=1, done=1),
        },
        {
            "start": "2026-02-01",
            "end": "2026-02-28",
            "ideas_raised": 1,
            "ideas_done": 1,
            "ideas_by_status": by_status(not_now=1),
        },
        {
            "start": "2026-03-01",
            "end": "2026-03-31",
            "ideas_raised": 1,
            "ideas_done": 0,
            "ideas_by_status": by_status(new=1),
        },
    ]


def test_the_csv_spreads_statuses_over_columns(db, ideas):
    import io

    out = io.StringIO()
    write_series_csv(series(db, "ideas", Q1, "month"), out, ROW_KEYS["ideas"])
    header, january = out.getvalue().splitlines()[:2]
    assert header == (
        "start,end,ideas_raised,ideas_done,ideas_by_status.new,ideas_by_status.under consideration,"
        "ideas_by_status.planned,ideas_by_status.done,ideas_by_status.not now"
    )
    assert january == "2026-01-01,2026-01-31,2,1,0,0,1,1,0"
