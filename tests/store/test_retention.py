"""Retention rules on a hand-built ward: what goes, what stays, and the figures that must not change."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from champion_desk.domain import retention
from champion_desk.domain.logbook import save_session
from champion_desk.errors import ValidationError
from champion_desk.store import erasure, records
from champion_desk.store import retention as store_retention
from tests.factories import TODAY, session_values

LEAVER = "Olumide Bankole"
RECENT_LEAVER = "Ffion Hughes"
OLD_TRAINER = "Priya Raman"
OLD_TEXT = "Rota worries about the scribe on nights"
PURGED_TITLE = "Handover notes finally on time"


def _raw(path: Path) -> bytes:
    data = path.read_bytes()
    wal = Path(str(path) + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _backdate(db, table: str, record_id: str, at: str, column: str = "updated_at") -> None:
    with db.transaction():
        db.conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (at, record_id))
        if column == "updated_at":
            db.conn.execute("UPDATE audit SET at = ? WHERE record_id = ? AND action = 'update'", (at, record_id))


def _leave(db, staff_id: str, on: str) -> None:
    records.update(db, "staff", staff_id, {"active": 0}, "t")
    _backdate(db, "staff", staff_id, f"{on}T09:00:00.000000Z")


def _delete(db, table: str, record_id: str, on: str) -> None:
    records.delete(db, table, record_id, "t")
    _backdate(db, table, record_id, f"{on}T09:00:00.000000Z", column="deleted_at")


def _concern(db, ward, **values) -> str:
    base = {"tool_id": ward["tool"], "unit_id": ward["unit"], "occurred_on": "2022-01-10", "theme": "workload and time"}
    return records.insert(db, "incident", {**base, **values}, "t")


@pytest.fixture
def kept_ward(db, ward):
    """The ward (today 2026-11-26 under the defaults: cut-offs 2026-05-26, 2023-11-26, 2025-11-26, 2025-11-26)."""
    ids = dict(ward)
    ids["leaver"] = records.insert(
        db, "staff", {"display_name": LEAVER, "unit_id": ward["unit"], "staff_ref": "E102"}, "t"
    )
    ids["recent"] = records.insert(
        db, "staff", {"display_name": RECENT_LEAVER, "unit_id": ward["unit"], "staff_ref": "E103"}, "t"
    )
    ids["trainer"] = records.insert(
        db, "staff", {"display_name": OLD_TRAINER, "unit_id": ward["unit"], "staff_ref": "E104"}, "t"
    )
    ids["session"] = save_session(
        db,
        session_values(ward, notes=f"{LEAVER} brought the laptops"),
        [
            {"staff_id": ward["a"], "confidence_before": 2, "confidence_after": 4},
            {"staff_id": ids["leaver"], "confidence_before": 1, "confidence_after": 3},
        ],
        "t",
        today=TODAY,
    )
    save_session(
        db,
        session_values(ward, trainer_id=ids["trainer"], held_on="2024-03-01"),
        [{"staff_id": ward["b"]}],
        "t",
        today=TODAY,
    )
    _leave(db, ids["leaver"], "2025-06-01")  # left 18 months ago: erased
    _leave(db, ids["recent"], "2026-09-01")  # left 3 months ago: stays
    _leave(db, ids["trainer"], "2025-01-01")  # left long ago but trained others: a champion of record
    ids["closed_old"] = _concern(
        db, ward, raised_by=ward["a"], status="closed", resolved_on="2026-03-01", occurred_on="2026-02-01"
    )
    ids["closed_new"] = _concern(
        db, ward, raised_by=ward["b"], status="closed", resolved_on="2026-10-01", occurred_on="2026-09-01"
    )
    ids["open"] = _concern(db, ward, raised_by=ward["a"], occurred_on="2025-01-01")
    ids["ancient"] = _concern(
        db,
        ward,
        status="addressed",
        resolved_on="2022-06-01",
        description=OLD_TEXT,
        response="We changed the rota",
        owner="Zoë Adams",
    )
    ids["story_old"] = records.insert(
        db, "story", {"tool_id": ward["tool"], "told_on": "2024-12-01", "title": PURGED_TITLE}, "t"
    )
    ids["story_new"] = records.insert(
        db, "story", {"tool_id": ward["tool"], "told_on": "2026-09-01", "title": "Quicker discharges"}, "t"
    )
    _delete(db, "story", ids["story_old"], "2025-01-10")
    _delete(db, "story", ids["story_new"], "2026-10-01")
    ids["gone_session"] = save_session(
        db,
        session_values(ward, held_on="2024-11-01", topic="Dictation basics"),
        [{"staff_id": ward["b"]}],
        "t",
        today=TODAY,
    )
    attendance = db.one("SELECT id FROM attendance WHERE session_id = ?", (ids["gone_session"],))["id"]
    ids["gone_attendance"] = attendance
    _delete(db, "attendance", attendance, "2025-01-10")
    _delete(db, "training_session", ids["gone_session"], "2025-01-10")
    ids["old_unit"] = records.insert(db, "unit", {"name": "Old Annexe"}, "t")
    records.update(db, "staff", ward["manager"], {"unit_id": ids["old_unit"]}, "t")
    _delete(db, "unit", ids["old_unit"], "2025-01-10")  # a live colleague still points at it: it stays
    return ids


def _stats(path: Path) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "champion_desk",
            "--db",
            str(path),
            "stats",
            "--json",
            "--from",
            "2020-01-01",
            "--to",
            "2026-11-26",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def test_dry_run_lists_what_goes_and_changes_nothing(db, kept_ward):
    before = _raw(db.path)
    due = retention.plan(db, TODAY)
    assert due.raised_by == [kept_ward["closed_old"]]
    assert due.concern_text == [kept_ward["ancient"]]
    assert due.leavers == [kept_ward["leaver"]]
    assert due.tombstones == {
        "story": [kept_ward["story_old"]],
        "training_session": [kept_ward["gone_session"]],
        "attendance": [kept_ward["gone_attendance"]],
    }
    assert due.counts() == {
        "raised_by": 1,
        "concern_text": 1,
        "leavers": 1,
        "tombstones": {"story": 1, "training_session": 1, "attendance": 1},
    }
    assert _raw(db.path) == before
    lines = "\n".join(retention.describe(due.counts(), retention.cutoffs(retention.rules(db), TODAY), applied=False))
    assert "who raised 1 concern(s) closed before 2026-05-26" in lines
    assert LEAVER not in lines and "E102" not in lines


def test_apply_removes_erasure_grade_and_keeps_the_figures(db, kept_ward):
    figures = _stats(db.path)
    due = retention.apply(db, "Zoë Adams", TODAY)
    assert due.leavers == [kept_ward["leaver"]]
    raw = _raw(db.path)
    for needle in (LEAVER, "E102", OLD_TEXT, "We changed the rota", PURGED_TITLE, "Dictation basics"):
        assert needle.encode() not in raw, needle
    # What stays: the recent leaver, the old trainer (a champion of record), the recent tombstone, the
    # unit a live colleague points at, and who raised the concerns that closed recently or are open.
    for needle in (RECENT_LEAVER, OLD_TRAINER, "Quicker discharges", "Old Annexe"):
        assert needle.encode() in raw, needle
    raised = {r["id"]: r["raised_by"] for r in db.query("SELECT id, raised_by FROM incident")}
    assert raised[kept_ward["closed_old"]] is None
    assert raised[kept_ward["closed_new"]] == kept_ward["b"] and raised[kept_ward["open"]] == kept_ward["a"]
    # The audit log no longer says who raised it either.
    audit = " ".join(
        r["changes"] for r in db.query("SELECT changes FROM audit WHERE record_id = ?", (kept_ward["closed_old"],))
    )
    assert kept_ward["a"] not in audit
    ancient = records.get(db, "incident", kept_ward["ancient"])
    assert (ancient["description"], ancient["response"], ancient["owner"], ancient["root_cause"]) == (
        store_retention.CLEARED_TEXT,
        store_retention.CLEARED_TEXT,
        store_retention.CLEARED_TEXT,
        None,
    )
    assert ancient["theme"] == "workload and time" and ancient["resolved_on"] == "2022-06-01"
    leaver = records.get(db, "staff", kept_ward["leaver"], include_deleted=True)
    assert erasure.is_erased_row(leaver)
    assert kept_ward["leaver"] in erasure.erased_ids(db)
    assert (
        db.scalar("SELECT count(*) FROM attendance WHERE staff_id = ? AND deleted_at IS NULL", (kept_ward["leaver"],))
        == 1
    )
    assert db.scalar("SELECT count(*) FROM story") == 1
    assert db.scalar("PRAGMA foreign_key_check") is None
    assert _stats(db.path) == figures
    runs = store_retention.last_runs(db)
    assert len(runs) == 1 and runs[0]["removed"]["leavers"] == 1 and runs[0]["rules"]["leaver_months"] == 12
    # Once applied, nothing more is due.
    assert retention.plan(db, TODAY).empty


def test_nothing_due_writes_nothing(db, ward):
    audit = db.scalar("SELECT count(*) FROM audit")
    assert retention.apply(db, "t", TODAY).empty
    assert db.scalar("SELECT count(*) FROM audit") == audit


def test_a_manager_changes_a_rule_audited_and_it_applies(db, kept_ward):
    retention.set_rule(db, "raised_by_months", "1", "Łukasz Nowak")
    assert retention.rules(db)["raised_by_months"] == 1
    assert db.scalar("SELECT count(*) FROM audit WHERE record_id = 'setting:retention.raised_by_months'") == 1
    # Closed on 2026-10-01, more than a month before today: now it goes too.
    assert set(retention.plan(db, TODAY).raised_by) == {kept_ward["closed_old"], kept_ward["closed_new"]}


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("leaver_months", "0", "between 1 and 120"),
        ("tombstone_months", "2", "between 3 and 120"),
        ("concern_text_years", "three", "must be a whole number"),
        ("keep_forever", "1", "must be a known retention rule"),
    ],
)
def test_a_bad_rule_value_is_refused_naming_the_rule(db, name, value, rule):
    with pytest.raises(ValidationError) as caught:
        retention.set_rule(db, name, value, "t")
    assert caught.value.field == name and caught.value.rule == rule
    assert db.scalar("SELECT count(*) FROM setting") == 0


def test_a_reader_holding_old_pages_is_reported_and_a_second_run_finishes(db, kept_ward):
    import sqlite3

    reader = sqlite3.connect(db.path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM staff").fetchone()  # holds a snapshot with the leaver's name
    try:
        due = retention.apply(db, "t", TODAY)
        assert due.leavers and due.purge_problem == erasure.BUSY
        assert retention.apply(db, "t", TODAY).purge_problem is None  # nothing due, nothing purged: as the app's close
    finally:
        reader.close()
    assert LEAVER.encode() in _raw(db.path)
    finished = retention.apply(db, "t", TODAY, purge_when_empty=True)
    assert finished.empty and finished.purge_problem is None
    assert LEAVER.encode() not in _raw(db.path)
