"""Verified backups through SQLite's backup API, thinning of old ones, and the scratch space of
copies in progress.

Copies in progress (a backup not yet checked, another ward's file being checked before a merge)
live in the logbook's own ``backups`` folder under names that carry their process id, so a later
backup, merge or ``check`` finds what a killed run left and removes it: such a copy may hold names
and concern text that an erasure since has removed from the logbook."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from champion_desk.errors import CorruptDatabaseError, StoreError
from champion_desk.store.lock import pid_alive

_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<reason>[a-z-]+)\.db$")
# Copies in progress: ".partial-<pid>-<random>.db" (a backup) and ".scratch-<pid>-<random>" (a folder).
_IN_PROGRESS = re.compile(r"^\.(?:partial|scratch)-(?P<pid>\d+)-")
# A copy in progress older than this is a leftover even if its process id is in use again.
LEFTOVER_AFTER_SECONDS = 6 * 3600
# In a folder other PCs write too (a sync folder on a shared drive or a synced one), a process id
# says nothing about their copies: only age tells a killed copy from one being written. A
# hospital-sized snapshot is written in seconds; an hour leaves room for a slow USB stick.
SHARED_LEFTOVER_AFTER_SECONDS = 3600


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


def copy_into(source: sqlite3.Connection, path: Path) -> None:
    """Copy ``source`` into a new file at ``path``, fast and not yet durable.

    Every caller writes a file nobody uses until it was checked: copy_verified fsyncs it before
    moving it into place, checked_copy's copy is private and deleted after use. So the copy's own
    transaction need not sync, which halves the time of a big copy.
    """
    dest = sqlite3.connect(path)
    try:
        dest.execute("PRAGMA synchronous = OFF")
        source.backup(dest)
        # A copy is a single file: switch it out of WAL so it can be moved or copied anywhere.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


def copy_verified(source: sqlite3.Connection, target: Path) -> Path:
    """Copy a live database into ``target`` with the backup API, check it, then move it into place.

    Returns ``target``. A failed copy or check leaves no file at ``target``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".partial-{os.getpid()}-", suffix=".db", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        copy_into(source, tmp)
        _quick_check(tmp)
        with open(tmp, "r+b") as fh:  # Windows syncs only a file open for writing
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
    remove_leftovers(Path(folder))
    copy_verified(db.conn, target)
    thin_backups(Path(folder), now=now, stem=stem)
    return target


def list_backups(folder: Path, stem: str | None = None) -> list[BackupInfo]:
    """Return the backups in a folder, newest first; with ``stem``, only those of that database.

    Databases kept side by side share one ``backups`` folder; the stem tells their backups apart.
    """
    found = []
    if not Path(folder).is_dir():
        return found
    for path in Path(folder).iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file() or (stem is not None and match["stem"] != stem):
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


def thin_backups(folder: Path, now: dt.datetime | None = None, stem: str | None = None) -> list[Path]:
    """Delete backups that the retention rule no longer keeps (of one database with ``stem``); return them."""
    now = now or dt.datetime.now(dt.timezone.utc)
    backups = list_backups(folder, stem)
    keep = backups_to_keep(backups, now)
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def remove_leftovers(folder: Path, shared: bool = False) -> list[Path]:
    """Remove the copies in progress that killed runs left in ``folder``; return what was removed.

    A copy belongs to a run that is over when its process is gone, or when it is older than
    :data:`LEFTOVER_AFTER_SECONDS` (a process id can be reused). Copies of live runs stay.
    ``shared``: other PCs write into ``folder`` too, so only copies older than
    :data:`SHARED_LEFTOVER_AFTER_SECONDS` are removed, whatever their process id.
    """
    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    now = time.time()
    for path in Path(folder).iterdir():
        match = _IN_PROGRESS.match(path.name)
        if not match:
            continue
        try:
            age = now - path.lstat().st_mtime
        except OSError:
            continue
        if shared:
            if age < SHARED_LEFTOVER_AFTER_SECONDS:
                continue
        elif pid_alive(int(match["pid"])) and age < LEFTOVER_AFTER_SECONDS:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


@contextmanager
def scratch_folder(folder: Path | None) -> Iterator[Path]:
    """Yield a private folder for a copy in progress inside ``folder`` (the system's temp folder when None).

    The folder goes when the block ends; one a killed run left is found by :func:`remove_leftovers`.
    """
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        remove_leftovers(Path(folder))
    with tempfile.TemporaryDirectory(prefix=f".scratch-{os.getpid()}-", dir=folder) as name:
        yield Path(name)
