"""A damaged database is set aside untouched and the newest good backup is put in its place."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from champion_desk.errors import NotADeskDatabaseError, StoreError
from champion_desk.store import records, recovery
from champion_desk.store.backups import backup_database, default_backup_dir
from champion_desk.store.database import open_database
from tests.reliability.checks import file_sha256

PAGE = 4096


def _ward_with_backups(path, backups: int = 2):
    db = open_database(path)
    taken = []
    for n in range(backups):
        records.insert(db, "unit", {"name": f"Ward {n}"}, "t")
        taken.append(backup_database(db, reason="manual"))
        time.sleep(0.002)  # distinct timestamps in the backup names
    records.insert(db, "unit", {"name": "After the last backup"}, "t")
    db.close()
    return taken


def _damage(path):
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    for page in range(1, pages):
        data[page * PAGE : (page + 1) * PAGE] = bytes(PAGE)
    path.write_bytes(bytes(data))


def test_damaged_database_is_set_aside_and_the_latest_backup_restored(db_path):
    _ward_with_backups(db_path)
    _damage(db_path)
    damaged_bytes = file_sha256(db_path)
    assert recovery.diagnose(db_path) is not None
    result = recovery.restore_latest_backup(db_path)
    # The damaged file is kept, byte for byte, under a name that says what it is.
    assert result.damaged_path.name.startswith("desk.damaged-") and result.damaged_path.suffix == ".db"
    assert file_sha256(result.damaged_path) == damaged_bytes
    assert result.restored_from.parent == default_backup_dir(db_path)
    assert recovery.diagnose(db_path) is None
    db = open_database(db_path, create=False)
    names = {r["name"] for r in db.query("SELECT name FROM unit")}
    db.close()
    assert names == {"Ward 0", "Ward 1"}  # as of the newest backup


def test_a_damaged_newest_backup_is_passed_over(db_path):
    older, newest = _ward_with_backups(db_path)
    _damage(newest)
    _damage(db_path)
    result = recovery.restore_latest_backup(db_path)
    assert result.restored_from == older
    db = open_database(db_path, create=False)
    assert {r["name"] for r in db.query("SELECT name FROM unit")} == {"Ward 0"}
    db.close()


def test_without_a_good_backup_nothing_is_moved(db_path):
    _ward_with_backups(db_path, backups=0)
    _damage(db_path)
    before = file_sha256(db_path)
    with pytest.raises(StoreError, match="No usable backup"):
        recovery.restore_latest_backup(db_path)
    assert file_sha256(db_path) == before
    assert list(db_path.parent.glob("*.damaged-*")) == []


def test_wal_companion_travels_with_the_damaged_file(db_path):
    _ward_with_backups(db_path, backups=1)
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"left over by a crash")
    when = dt.datetime(2026, 11, 26, 14, 2, 0, tzinfo=dt.timezone.utc)
    aside = recovery.set_aside(db_path, when)
    assert aside.name == "desk.damaged-20261126T140200Z.db"
    assert aside.with_name(aside.name + "-wal").read_bytes() == b"left over by a crash"
    assert not db_path.exists() and not wal.exists()
    # A second recovery in the same second never overwrites the first.
    db_path.write_bytes(b"x")
    assert recovery.set_aside(db_path, when).name == "desk.damaged-20261126T140200Z-1.db"


def test_a_file_that_is_not_ours_is_not_diagnosed_as_damaged(tmp_path):
    other = tmp_path / "notes.db"
    other.write_bytes(b"not a database at all" * 10)
    with pytest.raises(NotADeskDatabaseError):
        recovery.diagnose(other)


def test_diagnosing_leaves_no_wal_or_shm_behind(db_path):
    _ward_with_backups(db_path, backups=0)
    assert not list(db_path.parent.glob("desk.db-*"))
    assert recovery.diagnose(db_path) is None
    assert not list(db_path.parent.glob("desk.db-*"))


def test_a_backup_whose_rows_disagree_with_its_indexes_is_not_good(db_path, tmp_path):
    # quick_check misses a row whose bytes changed under its index; choosing a backup uses integrity_check.
    _ward_with_backups(db_path, backups=1)
    (backup,) = sorted(default_backup_dir(db_path).glob("*.db"))
    data = bytearray(backup.read_bytes())
    at = data.find(b"Ward 0")
    data[at + 5] = ord("9")  # "Ward 0" becomes "Ward 9" in one of table and index, not the other
    backup.write_bytes(bytes(data))
    assert recovery.diagnose(backup) is None  # quick_check is fooled
    assert not recovery.backup_is_good(backup)
