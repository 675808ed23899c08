"""The from-scratch recount of check-ins and stalled stretches equals the per-row formulation, row for row.

``rebuild`` and ``check`` count check-in days and stalled stretches with SQL of their own, faster
than the triggers' per-pairing templates; these tests hold the two against each other on drawn
data, including days the schema's pattern check lets through but that are no real day.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from champion_desk.store import summaries

# The triggers' wording, with nothing to narrow: the straightforward count.
REFERENCE = {
    "summary_checkin_day": summaries._CHECKIN_DAY_COUNT.format(where=""),
    "summary_pairing_stall": summaries._PAIRING_STALL_COUNT.format(where="", where2="", wherec=""),
}
STAMP = "2026-01-01T00:00:00Z"
# Days taken as written. The first six pass the GLOB check, but date arithmetic reads the first three
# as a later real day (date() alone gives them back unchanged) and cannot read the others; the last
# two are real, one with no day 30 days on.
RAW_DAYS = [
    "2026-02-30",
    "2026-02-31",
    "2026-04-31",
    "2026-13-01",
    "2026-02-00",
    "2026-00-10",
    "2024-02-29",
    "9999-12-15",
]
STARTS = ["2026-01-01", "2026-01-30", "2026-02-28", "2026-02-30", "2026-13-01", "9999-11-20"]
# Days after the start that sit on the edges: the day after (start + 31 = check-in + 30), 30 and 31
# days on, and so on.
OFFSETS = [-2, 0, 1, 2, 15, 29, 30, 31, 32, 45, 59, 60, 61, 62, 75, 90, 120]
MENTEES = ["s-unit-a", "s-unit-b", "s-no-unit", "s-gone"]  # the last has no staff row


@pytest.fixture
def conn(db):
    """Return the connection of a fresh file with summary upkeep off and foreign keys unchecked."""
    db.conn.execute("PRAGMA foreign_keys = OFF")  # a pairing whose mentee is gone must count too
    # Schema 10 refuses days that are no real day; a file from before it (read before its upgrade)
    # or written by another tool with checks off can still hold them, and the counts must agree.
    db.conn.execute("PRAGMA ignore_check_constraints = ON")
    summaries.drop_triggers(db.conn)
    for staff_id, unit in [("s-unit-a", "u-a"), ("s-unit-b", "u-b"), ("s-no-unit", None)]:
        db.conn.execute(
            "INSERT INTO staff (id, created_at, updated_at, display_name, unit_id) VALUES (?, ?, ?, ?, ?)",
            (staff_id, STAMP, STAMP, staff_id, unit),
        )
    return db.conn


def add_pairing(
    conn, pairing_id: str, mentee: str, tool: str, started_on: str, ended_on: str | None, deleted: bool = False
) -> None:
    conn.execute(
        """INSERT INTO pairing (id, created_at, updated_at, deleted_at, mentor_id, mentee_id, tool_id,
                                         started_on, ended_on) VALUES (?, ?, ?, ?, 's-unit-a', ?, ?, ?, ?)""",
        (pairing_id, STAMP, STAMP, STAMP if deleted else None, mentee, tool, started_on, ended_on),
    )


def add_checkin(conn, checkin_id: str, pairing_id: str, held_on: str, deleted: bool = False) -> None:
    conn.execute(
        "INSERT INTO checkin (id, created_at, updated_at, deleted_at, pairing_id, held_on) VALUES (?, ?, ?, ?, ?, ?)",
        (checkin_id, STAMP, STAMP, STAMP if deleted else None, pairing_id, held_on),
    )


def assert_recounts_agree(conn) -> None:
    for table, reference in REFERENCE.items():
        want = sorted(conn.execute(reference).fetchall(), key=repr)
        got = sorted(conn.execute(summaries._FULL_COUNT[table]).fetchall(), key=repr)
        assert got == want, table
        assert [tuple(map(type, r)) for r in got] == [tuple(map(type, r)) for r in want], table


def shifted(day: str, offset: int) -> str:
    """Return ``day`` plus ``offset`` days: from the first of its month when it is no real day, kept
    when its month is none, and at most the last day there is."""
    if day[5:7] == "13":
        return day
    try:
        first = date.fromisoformat(day)
    except ValueError:
        first = date.fromisoformat(day[:8] + "01")
    try:
        return (first + timedelta(days=offset)).isoformat()
    except OverflowError:
        return "9999-12-31"


def test_the_edges_of_a_stall_are_counted_as_the_triggers_count_them(conn):
    add_pairing(conn, "p", "s-unit-a", "t", "2026-01-01", "2026-04-15")
    add_checkin(conn, "c1", "p", "2026-01-02")  # + 30 is start + 31: one stretch, not two
    add_checkin(conn, "c2", "p", "2026-02-10")
    add_checkin(conn, "c3", "p", "2026-02-10")  # the same day twice
    add_checkin(conn, "c4", "p", "2026-03-01", deleted=True)
    add_checkin(conn, "c5", "p", "2026-02-30")  # read as 2026-03-02, yet covers 2026-03-12 as it sorts as written
    add_pairing(conn, "q", "s-gone", "t", "2026-01-01", None)
    add_checkin(conn, "d1", "q", "2026-02-05")
    add_checkin(conn, "d2", "q", "2026-03-07")  # on the 30th day after the last: covers it, no stretch
    add_pairing(conn, "r", "s-no-unit", "t", "2026-01-30", None)
    add_checkin(conn, "e1", "r", "2026-03-01")
    add_checkin(conn, "e2", "r", "2026-02-30")  # sorts first as written, yet its stretch starts later
    assert_recounts_agree(conn)
    assert sorted(conn.execute(summaries._FULL_COUNT["summary_pairing_stall"]).fetchall()) == [
        ("p", "2026-02-01", "2026-02-10"),
        ("p", "2026-04-01", "2026-04-15"),
        ("q", "2026-02-01", "2026-02-05"),
        ("q", "2026-04-06", "9999-12-31"),
        ("r", "2026-03-31", "9999-12-31"),
        ("r", "2026-04-01", "9999-12-31"),
    ]


PAIRINGS = st.lists(
    st.tuples(
        st.sampled_from(MENTEES),
        st.sampled_from(["t1", "t2"]),
        st.sampled_from(STARTS),
        st.one_of(st.none(), st.sampled_from(OFFSETS), st.sampled_from(RAW_DAYS)),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
CHECKINS = st.lists(
    st.tuples(
        st.integers(0, 4),  # 4 and above: a pairing that does not exist
        st.one_of(st.sampled_from(OFFSETS), st.sampled_from(RAW_DAYS)),
        st.booleans(),
    ),
    max_size=14,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairings=PAIRINGS, checkins=CHECKINS)
def test_the_bulk_recount_equals_the_per_pairing_one(conn, pairings, checkins):
    conn.execute("SAVEPOINT drawn")
    try:
        starts = {}
        for n, (mentee, tool, started_on, ended, deleted) in enumerate(pairings):
            ended_on = shifted(started_on, ended) if isinstance(ended, int) else ended
            add_pairing(conn, f"p{n}", mentee, tool, started_on, ended_on, deleted=deleted and n > 0)
            starts[f"p{n}"] = started_on
        for n, (which, day, deleted) in enumerate(checkins):
            pairing_id = f"p{which}"
            held_on = shifted(starts.get(pairing_id, "2026-01-01"), day) if isinstance(day, int) else day
            add_checkin(conn, f"c{n}", pairing_id, held_on, deleted=deleted and n % 3 == 0)
        assert_recounts_agree(conn)
    finally:
        conn.execute("ROLLBACK TO drawn")
        conn.execute("RELEASE drawn")


def test_the_files_summaries_are_rebuilt_with_the_same_rows(db):
    # The bulk path (rebuild) and the per-row path (triggers) leave the same summaries behind.
    conn = db.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA ignore_check_constraints = ON")  # days a file from before schema 10 may hold
    add_pairing(conn, "p", "s-gone", "t", "2026-01-01", None)
    for n, day in enumerate(["2026-01-02", "2026-02-10", "2026-02-10", "2026-02-30", "2026-13-01", "2026-05-01"]):
        add_checkin(conn, f"c{n}", "p", day)
    by_triggers = summaries.current(conn)
    with db.transaction():
        summaries.drop_triggers(conn)
        summaries.rebuild(conn)
        summaries.create_triggers(conn)
    assert summaries.current(conn) == by_triggers
    assert by_triggers["summary_pairing_stall"] and by_triggers["summary_checkin_day"]
