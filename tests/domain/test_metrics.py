"""Every figure of ``stats`` against a small hand-built trust, values worked out by hand in the comments.

The scope under test is 2026-01-01 .. 2026-03-31 (Q1) unless a test says otherwise; records sit on,
just inside and just outside both edges, and some are tombstoned, to pin down each definition.
"""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain.metrics import FIGURE_KEYS, THEMES, stats
from champion_desk.domain.scope import Scope
from champion_desk.errors import ValidationError
from champion_desk.store import records

D = dt.date.fromisoformat
Q1 = Scope(D("2026-01-01"), D("2026-03-31"))


def build_trust(db) -> dict[str, str]:
    """Create the hand-worked fixture; return record ids by short name (see the tables in comments)."""
    ids: dict[str, str] = {}

    def add(key: str, table: str, deleted: bool = False, **values) -> str:
        ids[key] = records.insert(db, table, values, "test")
        if deleted:
            records.delete(db, table, ids[key], "test")
        return ids[key]

    with db.transaction():
        add("uA", "unit", name="Ward A")
        add("uB", "unit", name="Ward B")
        add("uGone", "unit", name="Ward Gone", deleted=True)
        add("tS", "tool", name="Scribe", stage="live", refresher_months=12)
        add("tP", "tool", name="Sepsis", stage="pilot", refresher_months=6)
        # Staff     unit  champion active   deleted
        # c1 Ama     A     yes      yes
        # s2 Ben     A     -        yes
        # s3 Chen    A     -        yes
        # s4 Dara    A     -        no (inactive)
        # s5 Eve     A     -        yes      yes
        # c6 Femi    B     yes      yes
        # s7 Gus     B     -        yes
        # s8 Hana    B     -        yes
        # s9 Ivo     B     -        yes
        add("c1", "staff", display_name="Ama", unit_id=ids["uA"], is_champion=1)
        add("s2", "staff", display_name="Ben", unit_id=ids["uA"])
        add("s3", "staff", display_name="Chen", unit_id=ids["uA"])
        add("s4", "staff", display_name="Dara", unit_id=ids["uA"], active=0)
        add("s5", "staff", display_name="Eve", unit_id=ids["uA"], deleted=True)
        add("c6", "staff", display_name="Femi", unit_id=ids["uB"], is_champion=1)
        add("s7", "staff", display_name="Gus", unit_id=ids["uB"])
        add("s8", "staff", display_name="Hana", unit_id=ids["uB"])
        add("s9", "staff", display_name="Ivo", unit_id=ids["uB"])

        def session(key, tool, unit, held_on, deleted=False):
            return add(
                key,
                "training_session",
                deleted,
                tool_id=ids[tool],
                unit_id=ids[unit],
                trainer_id=ids["c1"],
                held_on=held_on,
                minutes=30,
                format="hands-on",
            )

        def attend(key, sess, who, before=None, after=None, signed=0, deleted=False):
            return add(
                key,
                "attendance",
                deleted,
                session_id=ids[sess],
                staff_id=ids[who],
                confidence_before=before,
                confidence_after=after,
                signed_off=signed,
                signed_off_by=ids["c1"] if signed else None,
                signed_off_on=records.get(db, "training_session", ids[sess], include_deleted=True)["held_on"]
                if signed
                else None,
            )

        # Sessions: X1 on the first day, X2 on the last, X3 the day before, X4 the day after, X5 deleted.
        session("X1", "tS", "uA", "2026-01-01")
        attend("a1", "X1", "s2", 2, 4, signed=1)  # +2
        attend("a2", "X1", "s3", 3, 3)  # +0
        attend("a3", "X1", "s4", 1, 5, signed=1)  # +4 (inactive colleague: still an attendance)
        attend("a4", "X1", "c6", 3, 5, signed=1)  # +2 (unit B champion trained on unit A)
        session("X2", "tP", "uA", "2026-03-31")
        attend("a5", "X2", "s2", None, 4)  # no "before": not in the uplift
        attend("a6", "X2", "c1", 1, 2)  # +1
        session("X3", "tS", "uB", "2025-12-31")
        attend("a7", "X3", "s7", 2, 3, signed=1)
        session("X4", "tS", "uB", "2026-04-01")
        attend("a8", "X4", "s8", 1, 2)
        session("X5", "tS", "uA", "2026-02-10", deleted=True)
        attend("a9", "X5", "s9", 1, 5, signed=1)
        session("X6", "tP", "uB", "2026-02-15")
        attend("a10", "X6", "s8", 2, 5, deleted=True)
        attend("a11", "X6", "s9", 3, 4)  # +1

        def concern(key, tool, unit, occurred, theme, response=None, resolved=None, deleted=False):
            return add(
                key,
                "incident",
                deleted,
                tool_id=ids[tool],
                unit_id=ids[unit],
                reported_by=ids["c1"],
                occurred_on=occurred,
                theme=theme,
                response=response,
                resolved_on=resolved,
                status="closed" if resolved else "open",
            )

        concern("I1", "tS", "uA", "2026-01-01", "job security", "We listened", "2026-01-11")  # 10 days
        concern("I2", "tS", "uA", "2026-02-01", "job security", "   \n")  # blank response
        concern("I3", "tP", "uB", "2026-03-31", "workload and time", None, "2026-04-02")  # resolved after Q1
        concern("I4", "tS", "uA", "2025-12-01", "privacy and data", "Explained", "2026-01-05")  # 35 days
        concern("I5", "tP", "uA", "2025-11-01", "other")  # never resolved
        concern("I6", "tS", "uB", "2026-02-10", "human connection", "Demo given", "2026-03-31")  # 18 + 31 = 49 days
        concern("I7", "tS", "uA", "2026-02-02", "job security", deleted=True)
        concern("I8", "tS", "uA", "2026-04-01", "accuracy and trust")

        def pairing(key, mentor, mentee, tool, started, ended=None, deleted=False):
            return add(
                key,
                "pairing",
                deleted,
                mentor_id=ids[mentor],
                mentee_id=ids[mentee],
                tool_id=ids[tool],
                started_on=started,
                ended_on=ended,
                status="ended" if ended else "active",
            )

        def checkin(key, pair, held_on, deleted=False):
            return add(key, "checkin", deleted, pairing_id=ids[pair], held_on=held_on, minutes=15, confidence=3)

        # At 2026-03-31 the stall window is (2026-03-01, 2026-03-31].
        pairing("P1", "c1", "s2", "tS", "2026-01-15")
        checkin("k1", "P1", "2026-01-20")
        checkin("k2", "P1", "2026-03-01")  # exactly 30 days before: outside the window
        pairing("P2", "c1", "s3", "tS", "2026-03-01")  # started exactly 30 days before: not stalled
        pairing("P3", "c6", "s7", "tP", "2025-10-01")
        checkin("k3", "P3", "2025-12-15")  # before Q1
        checkin("k4", "P3", "2026-03-02")  # inside the window
        pairing("P4", "c6", "s8", "tS", "2025-06-01", "2026-02-01")
        checkin("k5", "P4", "2026-01-10")
        pairing("P5", "c6", "s9", "tS", "2026-01-05", "2026-04-15")
        checkin("k6", "P5", "2026-03-20", deleted=True)  # a deleted check-in does not keep it alive
        pairing("P6", "c1", "s2", "tS", "2026-01-01", deleted=True)
        checkin("k7", "P6", "2026-02-01")
        pairing("P7", "c1", "s3", "tS", "2026-04-05")

        def story(key, tool, unit, told_on, deleted=False):
            return add(
                key,
                "story",
                deleted,
                tool_id=ids[tool],
                unit_id=ids[unit] if unit else None,
                told_on=told_on,
                title=f"Story {key}",
            )

        story("ST1", "tS", "uA", "2026-01-01")
        story("ST2", "tP", None, "2026-03-31")  # no unit: only when all units count
        story("ST3", "tS", "uB", "2026-04-01")
        story("ST4", "tS", "uA", "2026-02-01", deleted=True)
    return ids


@pytest.fixture
def trust(db):
    return build_trust(db)


def themes(**counts: int) -> dict[str, int]:
    """Return a by-theme dict with zeros for every theme not given (underscores stand for spaces)."""
    out = dict.fromkeys(THEMES, 0)
    for key, n in counts.items():
        out[key.replace("_", " ")] = n
    return out


def test_keys_are_the_documented_figures_in_order(db):
    figures = stats(db, Q1)
    assert list(figures) == ["scope", *FIGURE_KEYS]
    assert figures["scope"] == {"from": "2026-01-01", "to": "2026-03-31", "units": [], "tools": []}
    assert list(figures["concerns_by_theme"]) == list(THEMES)


def test_empty_database_gives_zeros_and_nulls(db):
    figures = stats(db, Q1)
    assert figures["staff_active"] == 0 and figures["sessions"] == 0 and figures["concerns_open"] == 0
    for key in (
        "staff_per_champion",
        "training_coverage",
        "confidence_uplift",
        "median_days_to_resolution",
        "response_rate",
    ):
        assert figures[key] is None, key
    assert figures["concerns_by_theme"] == themes()


def test_all_units_and_tools(db, trust):
    f = stats(db, Q1)
    # Live, active staff: c1 s2 s3 (A) + c6 s7 s8 s9 (B) = 7; s4 inactive, s5 deleted. Champions c1, c6.
    assert (f["staff_active"], f["champions_active"], f["staff_per_champion"]) == (7, 2, 3.5)
    # Sessions held in Q1, live: X1, X2, X6 (X3 before, X4 after, X5 deleted).
    assert f["sessions"] == 3
    # Attendances of those: X1 4 + X2 2 + X6 1 (a10 deleted) = 7.
    assert f["attendances"] == 7
    # Uplift over the 6 with both scores: (2 + 0 + 4 + 2 + 1 + 1) / 6 = 1.666.. -> 1.67.
    assert f["confidence_uplift"] == 1.67
    # Covered by 31 Mar (any session on or before, any unit): c1 s2 s3 c6 s7 (X3, before Q1) s9 (X6) = 6;
    # s8 only in X4 (after) and a deleted attendance; s9's X5 is deleted. 6 / 7 = 0.857142.. -> 0.8571.
    assert f["training_coverage"] == 0.8571
    # Signed off: s2, c6 (X1), s7 (X3); s4 signed but inactive; s9's X5 session is deleted.
    assert f["signed_off_staff"] == 3
    # Raised in Q1: I1 I2 I3 (on the last day) I6; I4 I5 before, I7 deleted, I8 after.
    assert f["concerns_raised"] == 4
    assert f["concerns_by_theme"] == themes(job_security=2, workload_and_time=1, human_connection=1)
    # Open at 31 Mar: I2 (unresolved), I3 (resolved 2 Apr > to), I5 (unresolved, raised before Q1);
    # I6 resolved on the last day is not open; I1 and I4 resolved in January.
    assert f["concerns_open"] == 3
    # Resolved within Q1: I1 10 days, I4 35 days (raised before Q1), I6 49 days -> median 35.
    assert f["median_days_to_resolution"] == 35.0
    # Responses among the 4 raised: I1, I6 (I2's is blank, I3 has none) -> 2 / 4.
    assert f["response_rate"] == 0.5
    # Active at 31 Mar: P1 P2 P3 P5 (ends 15 Apr); P4 ended 1 Feb, P6 deleted, P7 starts in April.
    assert f["pairings_active"] == 4
    # Check-ins in Q1 of live pairings: k1 k2 (P1), k4 (P3), k5 (P4, ended but the check-in is in Q1);
    # k3 before Q1, k6 deleted, k7 belongs to a deleted pairing.
    assert f["checkins"] == 4
    # Stalled: P1 (its last check-in is exactly 30 days back, outside the window) and P5 (only a
    # deleted check-in); P2 started exactly 30 days back; P3 had a check-in on 2 Mar.
    assert f["stalled_pairings"] == 2
    # Stories told in Q1: ST1 (first day), ST2 (last day, no unit); ST3 after, ST4 deleted.
    assert f["stories"] == 2


def test_one_unit(db, trust):
    f = stats(db, Scope(Q1.date_from, Q1.date_to, ("Ward A",)))
    # Staff of A: c1 s2 s3 (one champion) -> 3 / 1.
    assert (f["staff_active"], f["champions_active"], f["staff_per_champion"]) == (3, 1, 3.0)
    # Sessions on A in Q1: X1, X2 -> 6 attendances; uplift (2 + 0 + 4 + 2 + 1) / 5 = 1.8.
    assert (f["sessions"], f["attendances"], f["confidence_uplift"]) == (2, 6, 1.8)
    # c1 s2 s3 all attended: 3 / 3; only s2 signed off.
    assert (f["training_coverage"], f["signed_off_staff"]) == (1.0, 1)
    # Concerns on A raised in Q1: I1, I2; open: I2, I5; resolved in Q1: I1 10, I4 35 -> 22.5; 1 of 2 answered.
    assert (f["concerns_raised"], f["concerns_open"]) == (2, 2)
    assert f["concerns_by_theme"] == themes(job_security=2)
    assert (f["median_days_to_resolution"], f["response_rate"]) == (22.5, 0.5)
    # Pairings by the mentee's unit: P1 (s2), P2 (s3) active; P7 not yet. Check-ins k1 k2; P1 stalled.
    assert (f["pairings_active"], f["checkins"], f["stalled_pairings"]) == (2, 2, 1)
    # Stories on A: ST1 (ST2 has no unit).
    assert f["stories"] == 1


def test_other_unit_counts_training_on_any_unit(db, trust):
    f = stats(db, Scope(Q1.date_from, Q1.date_to, ("Ward B",)))
    # Staff of B: c6 s7 s8 s9 -> 4 / 1.
    assert (f["staff_active"], f["champions_active"], f["staff_per_champion"]) == (4, 1, 4.0)
    # Sessions on B in Q1: X6 only (X3 before, X4 after), 1 attendance (+1).
    assert (f["sessions"], f["attendances"], f["confidence_uplift"]) == (1, 1, 1.0)
    # Covered: c6 (X1, on unit A), s7 (X3), s9 (X6) -> 3 / 4; signed: c6, s7.
    assert (f["training_coverage"], f["signed_off_staff"]) == (0.75, 2)
    # Concerns on B: I3, I6 raised; open: I3 only; resolved in Q1: I6 49; answered: I6 -> 1 / 2.
    assert (f["concerns_raised"], f["concerns_open"], f["median_days_to_resolution"], f["response_rate"]) == (
        2,
        1,
        49.0,
        0.5,
    )
    # Pairings with B mentees: P3, P5 active (P4 ended); check-ins k4, k5; P5 stalled.
    assert (f["pairings_active"], f["checkins"], f["stalled_pairings"]) == (2, 2, 1)
    assert f["stories"] == 0


def test_one_tool(db, trust):
    f = stats(db, Scope(Q1.date_from, Q1.date_to, (), ("Sepsis",)))
    # Staff figures do not depend on the tool.
    assert f["staff_active"] == 7
    # Sepsis sessions in Q1: X2, X6 -> 3 attendances; uplift (c1 +1, s9 +1) / 2 = 1.0.
    assert (f["sessions"], f["attendances"], f["confidence_uplift"]) == (2, 3, 1.0)
    # Covered by a Sepsis session: c1, s2 (X2), s9 (X6) -> 3 / 7 = 0.428571.. -> 0.4286; none signed.
    assert (f["training_coverage"], f["signed_off_staff"]) == (0.4286, 0)
    # Sepsis concerns: I3 raised (no response -> 0.0); open I3, I5; nothing resolved in Q1.
    assert (f["concerns_raised"], f["concerns_open"], f["response_rate"]) == (1, 2, 0.0)
    assert f["median_days_to_resolution"] is None
    # Sepsis pairings: P3, with check-in k4, not stalled.
    assert (f["pairings_active"], f["checkins"], f["stalled_pairings"]) == (1, 1, 0)
    assert f["stories"] == 1  # ST2


def test_period_with_nothing_raised_gives_null_response_rate(db, trust):
    f = stats(db, Scope(D("2026-05-01"), D("2026-05-31")))
    # Nothing raised in May; open at 31 May: I2, I5, I8 (I3 resolved 2 Apr).
    assert (f["concerns_raised"], f["response_rate"], f["concerns_open"]) == (0, None, 3)
    assert f["median_days_to_resolution"] is None
    assert (f["sessions"], f["confidence_uplift"]) == (0, None)
    # Covered by 31 May adds s8 (X4 on 1 Apr): 7 / 7.
    assert f["training_coverage"] == 1.0
    # Active at 31 May: P1 P2 P3 P7 (P5 ended 15 Apr). Window (1 May, 31 May]: no check-ins at all, so
    # P1 P2 (started 1 Mar < 1 May) P3 P7 (started 5 Apr < 1 May) are all stalled.
    assert (f["pairings_active"], f["checkins"], f["stalled_pairings"]) == (4, 0, 4)


def test_single_day_scopes_include_both_edges(db, trust):
    first = stats(db, Scope(D("2026-01-01"), D("2026-01-01")))
    last = stats(db, Scope(D("2026-03-31"), D("2026-03-31")))
    # X1, I1, ST1 on 1 Jan; X2, I3, ST2 on 31 Mar.
    assert (first["sessions"], first["concerns_raised"], first["stories"]) == (1, 1, 1)
    assert (last["sessions"], last["concerns_raised"], last["stories"]) == (1, 1, 1)
    # I6 resolved on 31 Mar: counted in that day's median (49) and no longer open.
    assert last["median_days_to_resolution"] == 49.0


def test_stall_window_edges(db, trust):
    # At 2 Mar the window is (31 Jan, 2 Mar]: P1's check-in on 1 Mar is inside -> not stalled;
    # P3's on 2 Mar (the last day, inclusive) -> not stalled; P5 (started 5 Jan < 31 Jan) -> stalled;
    # P2 started 1 Mar, not 30 days back. P4 ended 1 Feb.
    f = stats(db, Scope(D("2026-03-02"), D("2026-03-02")))
    assert (f["pairings_active"], f["stalled_pairings"]) == (4, 1)
    # At 1 Mar the window is (30 Jan, 1 Mar]: P3's only check-ins are 15 Dec and 2 Mar -> stalled, with P5.
    f = stats(db, Scope(D("2026-03-01"), D("2026-03-01")))
    assert f["stalled_pairings"] == 2


def test_resolved_after_to_counts_as_open(db, trust):
    # I3 raised 31 Mar, resolved 2 Apr: open at 1 Apr, not at 2 Apr.
    tool = ("Sepsis",)
    assert stats(db, Scope(D("2026-04-01"), D("2026-04-01"), (), tool))["concerns_open"] == 2  # I3, I5
    assert stats(db, Scope(D("2026-04-02"), D("2026-04-02"), (), tool))["concerns_open"] == 1  # I5


def test_deleted_records_are_excluded_and_restoring_brings_them_back(db, trust):
    before = stats(db, Q1)
    records.undelete(db, "incident", trust["I7"], "test")  # job security, 2 Feb, unresolved
    records.undelete(db, "training_session", trust["X5"], "test")  # 10 Feb on A; s9 signed, 1 -> 5
    after = stats(db, Q1)
    assert after["concerns_raised"] == before["concerns_raised"] + 1
    assert after["concerns_by_theme"]["job security"] == 3
    assert after["concerns_open"] == before["concerns_open"] + 1
    assert (after["sessions"], after["attendances"]) == (4, 8)
    # s9 now signed off: 3 -> 4. Uplift (10 + 4) / 7 = 2.0.
    assert (after["signed_off_staff"], after["confidence_uplift"]) == (4, 2.0)


def test_unknown_unit_or_tool_is_a_validation_error(db, trust):
    with pytest.raises(ValidationError) as err:
        stats(db, Scope(Q1.date_from, Q1.date_to, ("Ward Z",)))
    assert (err.value.field, err.value.rule) == ("unit", "must name an existing unit")
    with pytest.raises(ValidationError) as err:
        stats(db, Scope(Q1.date_from, Q1.date_to, ("Ward Gone",)))  # deleted units are not in use
    assert err.value.field == "unit"
    with pytest.raises(ValidationError) as err:
        stats(db, Scope(Q1.date_from, Q1.date_to, (), ("Crystal ball",)))
    assert (err.value.field, err.value.rule) == ("tool", "must name an existing tool")


def test_two_units_add_up(db, trust):
    both = stats(db, Scope(Q1.date_from, Q1.date_to, ("Ward A", "Ward B")))
    # A has 3 staff and B 4: 7 / 2 champions. Sessions A 2 + B 1. Stories: ST1 only (ST2 has no unit).
    assert (both["staff_active"], both["staff_per_champion"], both["sessions"], both["stories"]) == (7, 3.5, 3, 1)


def test_stats_never_writes(db, trust):
    audit = db.scalar("SELECT count(*) FROM audit")
    changes = db.conn.total_changes
    stats(db, Q1)
    assert db.conn.total_changes == changes and db.scalar("SELECT count(*) FROM audit") == audit


def test_median_from_counted_values_matches_the_textbook_median():
    import random
    import statistics

    from champion_desk.domain.metrics import _median

    assert _median([]) is None
    assert _median([(10.0, 1), (35.0, 1), (49.0, 1)]) == 35.0
    assert _median([(10.0, 1), (35.0, 1)]) == 22.5
    rnd = random.Random(5)
    for _ in range(200):
        histogram = [(float(v), rnd.randint(1, 4)) for v in rnd.sample(range(-3, 120), rnd.randint(1, 8))]
        flat = [v for v, n in histogram for _ in range(n)]
        assert _median(histogram) == round(statistics.median(flat), 2)


def test_a_concern_dated_on_no_real_day_is_left_out_of_days_to_resolution_in_every_scope(db, trust):
    # Schemas 1-9 checked a date's pattern only: '2026-02-00' and '2026-13-01' passed it, and
    # julianday() of them is NULL. Schema 10 refuses them, but a file read before its upgrade (or
    # written with checks off) may hold one: such a concern took no number of days
    # (docs/figures.md), whichever way the figure is read: from the store's totals or per unit.
    db.conn.execute("PRAGMA ignore_check_constraints = ON")
    units = tuple(r["name"] for r in db.query("SELECT name FROM unit WHERE deleted_at IS NULL"))
    every = Scope(Q1.date_from, Q1.date_to, units)
    before = stats(db, Q1)["median_days_to_resolution"], stats(db, every)["median_days_to_resolution"]
    unit, tool = db.query("SELECT i.unit_id, i.tool_id FROM incident i WHERE i.deleted_at IS NULL LIMIT 1")[0].values()
    with db.transaction():
        for n, (occurred, resolved) in enumerate(
            [("2026-01-10", "2026-02-00"), ("2026-01-00", "2026-02-10"), ("2026-13-01", "2026-03-01")]
        ):
            db.conn.execute(
                "INSERT INTO incident (id, created_at, updated_at, unit_id, tool_id, occurred_on, theme, resolved_on)"
                " VALUES (?, 'x', 'x', ?, ?, ?, 'other', ?)",
                (f"bad{n}", unit, tool, occurred, resolved),
            )
    assert (stats(db, Q1)["median_days_to_resolution"], stats(db, every)["median_days_to_resolution"]) == before
    assert before[0] == before[1]
