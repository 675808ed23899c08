"""Verified backups and their thinning."""

from __future__ import annotations

import datetime as dt
import sqlite3

from champion_desk.store import records
from champion_desk.store.backups import BackupInfo, backup_database, backups_to_keep, list_backups


def test_backup_is_a_checked_single_file_copy(db, tmp_path):
    records.insert(db, "unit", {"name": "Ward 3"}, "x")
    path = backup_database(db, tmp_path / "bk", reason="manual")
    assert [b.path for b in list_backups(tmp_path / "bk")] == [path]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert conn.execute("SELECT name FROM unit").fetchall() == [("Ward 3",)]
    conn.close()
    assert not list((tmp_path / "bk").glob(".partial-*"))


def test_thinning_keeps_last_ten_then_daily_then_weekly(tmp_path):
    now = dt.datetime(2026, 6, 30, 12, tzinfo=dt.timezone.utc)
    backups = [BackupInfo(tmp_path / f"b{h}.db", now - dt.timedelta(hours=h), "x", 1) for h in range(0, 24 * 120, 6)]
    keep = backups_to_keep(backups, now)
    kept = sorted((b for b in backups if b.path in keep), key=lambda b: b.taken_at, reverse=True)
    assert all(b.path in keep for b in backups[:10])
    days = {b.taken_at.date() for b in kept if now - b.taken_at <= dt.timedelta(days=14)}
    assert len(days) == 15  # today plus 14 days back, one each
    assert all(now - b.taken_at <= dt.timedelta(weeks=8) for b in kept)
    assert len(kept) < 10 + 15 + 9
