"""Needs attention, computed by hand from a small fixture."""

from __future__ import annotations

import pytest

from champion_desk.domain import attention
from champion_desk.store import records
from tests.factories import TODAY, session_values


@pytest.fixture
def cases(db, ward):
    ids = {}
    concern = {"tool_id": ward["tool"], "unit_id": ward["unit"], "theme": "workload and time"}
    ids["old_open"] = records.insert(db, "incident", {**concern, "occurred_on": "2026-11-01"}, "t")  # 25 days
    ids["old_in_progress"] = records.insert(
        db, "incident", {**concern, "occurred_on": "2026-10-20", "status": "in progress"}, "t"
    )
    records.insert(db, "incident", {**concern, "occurred_on": "2026-11-20"}, "t")  # 6 days: not yet
    records.insert(db, "incident", {**concern, "occurred_on": "2026-11-12"}, "t")  # exactly 14 days: not more than 14
    records.insert(
        db,
        "incident",
        {**concern, "occurred_on": "2026-09-01", "status": "addressed", "resolved_on": "2026-09-10"},
        "t",
    )
    gone = records.insert(db, "incident", {**concern, "occurred_on": "2026-09-01"}, "t")
    records.delete(db, "incident", gone, "t")

    pairing = {"mentor_id": ward["champion"], "tool_id": ward["tool"]}
    ids["stalled_never"] = records.insert(
        db, "pairing", {**pairing, "mentee_id": ward["a"], "started_on": "2026-09-01"}, "t"
    )
    ids["stalled_old"] = records.insert(
        db, "pairing", {**pairing, "mentee_id": ward["b"], "started_on": "2026-08-01"}, "t"
    )
    records.insert(db, "checkin", {"pairing_id": ids["stalled_old"], "held_on": "2026-10-01"}, "t")
    fresh = records.insert(db, "pairing", {**pairing, "mentee_id": ward["manager"], "started_on": "2026-08-01"}, "t")
    records.insert(db, "checkin", {"pairing_id": fresh, "held_on": "2026-11-10"}, "t")
    records.insert(db, "pairing", {**pairing, "mentee_id": ward["a"], "started_on": "2026-11-10"}, "t")  # too new
    records.insert(
        db, "pairing", {**pairing, "mentee_id": ward["b"], "started_on": "2026-01-01", "status": "paused"}, "t"
    )

    ids["unsigned"] = records.insert(db, "training_session", session_values(ward, held_on="2026-11-02"), "t")
    records.insert(
        db,
        "training_session",
        session_values(ward, held_on="2026-11-03", verified_by=ward["manager"], verified_on="2026-11-04"),
        "t",
    )
    records.insert(db, "training_session", session_values(ward, held_on="2026-12-20"), "t")  # planned: not yet held
    return ids


def test_open_concerns_older_than_14_days(db, cases):
    group = attention.open_concerns(db, TODAY)
    assert group.total == 2
    assert [i.record_id for i in group.items] == [cases["old_in_progress"], cases["old_open"]]
    assert group.items[1].table == "incident" and "25 days" in group.items[1].title


def test_stalled_pairings(db, cases):
    group = attention.stalled_pairings(db, TODAY)
    assert group.total == 2
    assert [i.record_id for i in group.items] == [cases["stalled_never"], cases["stalled_old"]]
    assert "no check-in yet" in group.items[0].title
    assert "56 days" in group.items[1].title


def test_sessions_awaiting_countersign(db, cases):
    group = attention.awaiting_countersign(db, TODAY)
    assert (group.total, [i.record_id for i in group.items]) == (1, [cases["unsigned"]])


def test_limit_keeps_the_total(db, cases):
    group = attention.open_concerns(db, TODAY, limit=1)
    assert group.total == 2 and len(group.items) == 1


def test_needs_attention_in_fixed_order(db, cases):
    kinds = [g.kind for g in attention.needs_attention(db, TODAY)]
    assert kinds[:2] == ["concerns", "pairings"] and kinds[-1] == "countersign"


def test_refreshers_due(db, ward):
    session = records.insert(db, "training_session", session_values(ward, held_on="2025-12-01"), "t")
    records.insert(
        db,
        "attendance",
        {"session_id": session, "staff_id": ward["a"], "signed_off": 1, "signed_off_on": "2025-12-10"},
        "t",
    )
    group = attention.refreshers_due(db, TODAY)
    assert [(i.table, i.record_id) for i in group.items] == [("staff", ward["a"])]
    assert "Scribe" in group.items[0].title
