"""Skipping the start-up damage check only for a file untouched since its last clean close."""

from __future__ import annotations

import os

from champion_desk.store import records
from champion_desk.store.database import open_database
from champion_desk.store.recovery import file_signature, needs_damage_check


def test_only_an_untouched_cleanly_closed_file_skips_the_check(db_path):
    db = open_database(db_path)
    records.insert(db, "unit", {"name": "Ward 1"}, "t")
    db.close()
    signature = file_signature(db_path)
    assert needs_damage_check(db_path, None)  # never closed cleanly on this PC
    assert not needs_damage_check(db_path, signature)
    # Touched afterwards (another program, a copy, a restore): checked again.
    os.utime(db_path, ns=(0, 0))
    assert needs_damage_check(db_path, signature)


def test_a_file_left_with_a_wal_is_checked(db_path):
    db = open_database(db_path)
    db.close()
    signature = file_signature(db_path)
    crashed = open_database(db_path)
    crashed.conn.execute("PRAGMA wal_autocheckpoint = 0")
    records.insert(crashed, "unit", {"name": "Ward 2"}, "t")  # stays in the -wal: as after a crash
    assert needs_damage_check(db_path, signature)
    crashed.close()
