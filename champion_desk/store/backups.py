"""Verified backups through SQLite's backup API, and thinning of old ones."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from champion_desk.errors import CorruptDatabaseError, StoreError

_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<reason>[a-z-]+)\.db$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file and when it was taken (UTC)."""

    path: Path
    taken_at: dt.datetime
    reason: str
    size: int


def default_backup_dir(db_path: Path) -> Path:
    """Return the folder that holds a database's backups: ``backups/`` beside it."""
    return Path(db_path).parent / "backups"


def _quick_check(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(f"The backup copy failed its check ({exc}).") from exc
    finally:
        conn.close()
    if result != [("ok",)]:
        raise CorruptDatabaseError(f"The backup copy failed its check: {result[:3]}")


def copy_verified(source: sqlite3.Connection, target: Path) -> Path:
    """Copy a live database into ``target`` with the backup API, check it, then move it into place.

    Returns ``target``. A failed copy or check leaves no file at ``target``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".partial-", suffix=".db", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)
            # A backup is a single file: switch it out of WAL so it can be copied anywhere.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        _quick_check(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise StoreError(f"The backup could not be written to {target} ({exc}).") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def backup_database(db, folder: Path | None = None, reason: str = "manual", to: Path | None = None) -> Path:
    """Write a verified backup of an open database; return its path.

    With ``to`` the copy goes exactly there; otherwise into ``folder`` (default: beside the
    database) under a timestamped name, and old backups in that folder are thinned.
    """
    if to is not None:
        return copy_verified(db.conn, Path(to))
    if folder is None:
        if db.path is None:
            raise StoreError("An in-memory database has no backup folder; give a target path.")
        folder = default_backup_dir(db.path)
    stem = db.path.stem if db.path else "champion-desk"
    now = dt.datetime.now(dt.timezone.utc)
    target = Path(folder) / f"{stem}-{now.strftime(_STAMP)}-{reason}.db"
    copy_verified(db.conn, target)
    thin_backups(Path(folder), now=now)
    return target


def list_backups(folder: Path) -> list[BackupInfo]:
    """Return the backups in a folder, newest first."""
    found = []
    if not Path(folder).is_dir():
        return found
    for path in Path(folder).iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        taken = dt.datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=dt.timezone.utc)
        found.append(BackupInfo(path, taken, match["reason"], path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def backups_to_keep(
    backups: list[BackupInfo], now: dt.datetime, keep_last: int = 10, daily_days: int = 14, weekly_weeks: int = 8
) -> set[Path]:
    """Return which backups survive thinning: the last ``keep_last``, the newest of each day for
    ``daily_days`` days and the newest of each ISO week for ``weekly_weeks`` weeks."""
    ordered = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    keep = {b.path for b in ordered[:keep_last]}
    seen_days: set[dt.date] = set()
    seen_weeks: set[tuple[int, int]] = set()
    for b in ordered:
        age = now - b.taken_at
        day = b.taken_at.date()
        if age <= dt.timedelta(days=daily_days) and day not in seen_days:
            seen_days.add(day)
            keep.add(b.path)
        week = tuple(b.taken_at.isocalendar())[:2]
        if age <= dt.timedelta(weeks=weekly_weeks) and week not in seen_weeks:
            seen_weeks.add(week)
            keep.add(b.path)
    return keep


def thin_backups(folder: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete backups that the retention rule no longer keeps; return the deleted paths."""
    now = now or dt.datetime.now(dt.timezone.utc)
    backups = list_backups(folder)
    keep = backups_to_keep(backups, now)
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed
