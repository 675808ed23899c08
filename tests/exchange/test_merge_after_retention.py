"""Merging two PCs' files where one has applied the retention rules: what it removed does not come back."""

from __future__ import annotations

import shutil

from champion_desk.domain import retention
from champion_desk.exchange.merge import merge_database
from champion_desk.store import erasure, records
from champion_desk.store.database import open_database
from champion_desk.store.retention import CLEARED_TEXT
from tests.factories import TODAY
from tests.store.test_retention import LEAVER, OLD_TEXT, PURGED_TITLE, _raw, kept_ward  # noqa: F401 (fixture)


def _twin(db, tmp_path):
    """Return the path of a copy of ``db`` as another ward PC holds it (before retention ran here)."""
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    other = tmp_path / "other-ward.db"
    shutil.copyfile(db.path, other)
    return other


def _records_cleared(db, ids) -> None:
    assert records.get(db, "incident", ids["closed_old"])["raised_by"] is None
    assert records.get(db, "incident", ids["ancient"])["description"] == CLEARED_TEXT
    assert erasure.is_erased_row(records.get(db, "staff", ids["leaver"], include_deleted=True))


def _removed_stays_removed(db, ids) -> None:
    _records_cleared(db, ids)
    for needle in (LEAVER, "E102", OLD_TEXT):
        assert needle.encode() not in _raw(db.path), needle


def test_the_other_pcs_older_copy_does_not_bring_it_back(db, kept_ward, tmp_path):
    other = _twin(db, tmp_path)
    with open_database(other, create=False) as theirs:  # the other PC keeps working meanwhile
        records.insert(theirs, "unit", {"name": "Ward 9"}, "Łukasz Nowak")
    retention.apply(db, "Zoë Adams", TODAY)
    merge_database(db, other, "Zoë Adams", backup=False)
    _removed_stays_removed(db, kept_ward)
    assert records.find(db, "unit", name="Ward 9")  # their new work did arrive
    # The purged tombstones came back only as tombstones, and the next run purges them again.
    assert db.scalar("SELECT count(*) FROM story WHERE deleted_at IS NULL") == 0
    assert retention.plan(db, TODAY).counts() == {
        "raised_by": 0,
        "concern_text": 0,
        "leavers": 0,
        "tombstones": {"story": 1, "training_session": 1, "attendance": 1},
    }
    retention.apply(db, "Zoë Adams", TODAY)
    assert PURGED_TITLE.encode() not in _raw(db.path)


def test_merging_the_applied_file_into_the_other_pc_removes_it_there(db, kept_ward, tmp_path):
    other = _twin(db, tmp_path)
    retention.apply(db, "Zoë Adams", TODAY)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open_database(other, create=False) as theirs:
        merge_database(theirs, db.path, "Łukasz Nowak", backup=False)
        _records_cleared(theirs, kept_ward)
        # Their own audit still remembers the cleared values: their next run (the app runs it on
        # closing after the merge) clears those under the same rules, which the merge brought.
        assert retention.plan(theirs, TODAY).counts()["concern_text"] == 1
        retention.apply(theirs, "Łukasz Nowak", TODAY)
        _removed_stays_removed(theirs, kept_ward)
