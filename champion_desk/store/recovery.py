"""Recover from a damaged database: set it aside, untouched, and put the latest good backup in its place.

Modelled on Firefox's places.sqlite recovery: the damaged file is never deleted or repaired in
place (someone may still get data out of it), it is renamed ``<name>.damaged-<timestamp>.db``
together with its ``-wal`` so the two stay a pair, and the newest backup that passes
``PRAGMA integrity_check`` is copied in through SQLite's backup API.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from champion_desk.errors import ChampionDeskError, StoreError
from champion_desk.store.backups import BackupInfo, copy_verified, default_backup_dir, list_backups
from champion_desk.store.connection import remove_created_companions, sqlite_connect
from champion_desk.store.database import check_header

QUICK_CHECK_ROWS = 5


@dataclass(frozen=True)
class RecoveryResult:
    """What :func:`restore_latest_backup` did: where the damaged file went, which backup came back."""

    damaged_path: Path
    restored_from: Path
    backup_taken_at: dt.datetime


def file_signature(path: Path | str) -> str:
    """Return a signature of a closed database file (resolved path, size, modification time).

    After a clean close the WAL is checkpointed away, so an unchanged signature at the next start
    means nothing has touched the file since it was last closed whole.
    """
    path = Path(path).resolve()
    info = path.stat()
    return f"{path}|{info.st_size}|{info.st_mtime_ns}"


def needs_damage_check(path: Path | str, clean_close: str | None) -> bool:
    """Return True unless ``path`` is exactly as it was after the last clean close on this PC.

    A crash, a copy from elsewhere, another program or a restore all change the signature (or
    leave a -wal behind), so only an untouched, cleanly closed file skips the check at start-up.
    """
    path = Path(path)
    wal = Path(f"{path}-wal")
    if not clean_close or (wal.exists() and wal.stat().st_size > 0):
        return True
    try:
        return file_signature(path) != clean_close
    except OSError:
        return True


def diagnose(path: Path | str, thorough: bool = False) -> str | None:
    """Return why a database file is damaged, or None when it passes ``quick_check``.

    ``thorough`` runs ``integrity_check`` instead, which also compares every index with its table
    (so it sees a bit flipped inside a row, which ``quick_check`` cannot); slower, so it is kept
    for choosing a backup. Reads only (``mode=ro``); a file that is not ours at all raises
    NotADeskDatabaseError or NewerVersionError from the header check instead, since restoring
    over it would be wrong.
    """
    path = Path(path)
    check_header(path)
    existed = {c: c.exists() for c in (Path(f"{path}-wal"), Path(f"{path}-shm"))}
    try:
        conn = sqlite_connect(f"file:{path.as_posix()}?mode=ro", path)
    except sqlite3.Error as exc:
        return f"cannot be opened ({exc})"
    try:
        rows = conn.execute(f"PRAGMA {'integrity_check' if thorough else 'quick_check'}").fetchmany(QUICK_CHECK_ROWS)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    except UnicodeDecodeError:
        # SQLite's error text quoted a damaged table definition that is not even valid UTF-8.
        return "the file's table definitions are damaged"
    finally:
        conn.close()
        # A read-only connection to a WAL-mode file creates -wal/-shm it cannot delete on close:
        # leave the folder as it was found.
        remove_created_companions(path, existed)
    if rows == [("ok",)]:
        return None
    return "; ".join(" ".join(str(r[0]).split()) for r in rows)


def backup_is_good(backup: Path) -> bool:
    """Return True when a backup file is a Champion Desk database that passes ``integrity_check``."""
    try:
        return diagnose(backup, thorough=True) is None
    except (ChampionDeskError, OSError):
        return False


def latest_good_backup(folder: Path) -> BackupInfo | None:
    """Return the newest backup in ``folder`` that passes the checks, or None when there is none."""
    for info in list_backups(folder):
        if backup_is_good(info.path):
            return info
    return None


def damaged_name(path: Path, when: dt.datetime | None = None) -> Path:
    """Return where a damaged database is set aside: ``<stem>.damaged-<UTC timestamp>.db`` beside it."""
    when = when or dt.datetime.now(dt.timezone.utc)
    return path.with_name(f"{path.stem}.damaged-{when:%Y%m%dT%H%M%SZ}{path.suffix or '.db'}")


def set_aside(path: Path | str, when: dt.datetime | None = None) -> Path:
    """Rename a damaged database and its ``-wal``/``-shm`` companions aside; return the new path.

    The companions follow SQLite's naming (``<new name>-wal``), so the set-aside pair can still be
    opened together with any SQLite tool. The database must be closed by every process.
    """
    path = Path(path)
    target = damaged_name(path, when)
    n = 1
    while target.exists():  # two recoveries in the same second: never overwrite an earlier one
        target = target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    return target


def restore_latest_backup(path: Path | str, backup_dir: Path | None = None) -> RecoveryResult:
    """Set a damaged database aside and put the newest good backup in its place; return what was done.

    Raises StoreError (nothing changed) when no backup passes its check. The database must be
    closed. The restored file is checked again before this returns.
    """
    path = Path(path)
    folder = backup_dir or default_backup_dir(path)
    good = latest_good_backup(folder)
    if good is None:
        raise StoreError(
            f"No usable backup was found in {folder}. The damaged file has been left where it is; "
            "ask your IT team for help before using Champion Desk on it again."
        )
    aside = set_aside(path)
    try:
        source = sqlite3.connect(f"file:{good.path.as_posix()}?mode=ro", uri=True)
        try:
            copy_verified(source, path)
        finally:
            source.close()
    except BaseException:
        # Could not put a backup in place: bring the damaged file back so nothing is lost.
        if not path.exists():
            os.replace(aside, path)
            for suffix in ("-wal", "-shm", "-journal"):
                companion = aside.with_name(aside.name + suffix)
                if companion.exists():
                    os.replace(companion, path.with_name(path.name + suffix))
        raise
    return RecoveryResult(aside, good.path, good.taken_at)
