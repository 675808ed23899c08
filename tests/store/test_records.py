"""Record writes: audit rows, tombstones, conflicts."""

from __future__ import annotations

import json

import pytest

from champion_desk.errors import ConflictError, NotFoundError
from champion_desk.store import records


def test_insert_update_delete_undelete_each_write_one_audit_row(db):
    unit_id = records.insert(db, "unit", {"name": "Ward 7", "site": "North"}, "Ama")
    assert records.update(db, "unit", unit_id, {"site": "South", "name": "Ward 7"}, "Ama") == {
        "site": ("North", "South")
    }
    assert records.update(db, "unit", unit_id, {"site": "South"}, "Ama") == {}
    records.delete(db, "unit", unit_id, "Ama")
    with pytest.raises(NotFoundError):
        records.get(db, "unit", unit_id)
    assert records.get(db, "unit", unit_id, include_deleted=True)["deleted_at"]
    records.undelete(db, "unit", unit_id, "Ama")
    assert records.get(db, "unit", unit_id)["deleted_at"] is None
    audit = db.query('SELECT actor, "table", record_id, action, changes FROM audit ORDER BY at')
    assert [a["action"] for a in audit] == ["create", "update", "delete", "undelete"]
    assert {a["actor"] for a in audit} == {"Ama"}
    assert json.loads(audit[1]["changes"]) == {"site": ["North", "South"]}


def test_records_have_uuid_ids_and_utc_timestamps(db):
    unit_id = records.insert(db, "unit", {"name": "ICU"}, "x")
    row = records.get(db, "unit", unit_id)
    assert len(row["id"]) == 36 and row["id"].count("-") == 4
    assert row["created_at"].endswith("Z") and row["created_at"] == row["updated_at"]


def test_unique_name_conflict_names_the_field_and_writes_nothing(db):
    records.insert(db, "unit", {"name": "ICU"}, "x")
    with pytest.raises(ConflictError) as err:
        records.insert(db, "unit", {"name": "ICU"}, "x")
    assert err.value.field == "name" and err.value.rule == "must be unique"
    assert records.count(db, "unit") == 1
    assert db.scalar("SELECT count(*) FROM audit") == 1


def test_a_failed_write_inside_a_transaction_rolls_back_everything(db):
    with pytest.raises(ConflictError):
        with db.transaction():
            records.insert(db, "unit", {"name": "A"}, "x")
            records.insert(db, "staff", {"display_name": "Zoë", "unit_id": "no-such-unit"}, "x")
    assert records.count(db, "unit") == 0
    assert db.scalar("SELECT count(*) FROM audit") == 0


def test_unknown_field_is_refused(db):
    with pytest.raises(Exception, match="no field"):
        records.insert(db, "unit", {"name": "A", "nhs_number": "1"}, "x")
