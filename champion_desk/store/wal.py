"""Does the ``-wal`` beside a logbook belong to it? A stale one is set aside before SQLite reads it.

SQLite replays whatever valid write-ahead log it finds beside a database. A ``-wal`` left by
another file (a logbook copied over this one without its companion, a file of another program)
would be replayed into this one and damage it. So before a logbook is opened with a ``-wal`` that
no running Champion Desk is using, the log is checked: its header (SQLite's magic, version, page
size and header checksum, https://www.sqlite.org/fileformat.html#the_write_ahead_log), any image
of page 1 it carries (it must name Champion Desk), and finally a trial: the file and its log are
opened together in a private copy and must pass ``quick_check``. A log that fails while the file
alone passes does not belong here: it is renamed aside, never deleted, and the file itself is not
touched. Reading these files with Python is safe only while this process holds no connection to
them (see ``store.connection``): the check is skipped then, as the log is then this process's own.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import struct
from pathlib import Path

from champion_desk.store.backups import scratch_folder
from champion_desk.store.connection import SQLITE_MAGIC, is_open_here
from champion_desk.store.schema import APPLICATION_ID

WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_VERSION = 3007000
WAL_HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24


def _checksum(data: bytes, big_endian: bool, s0: int = 0, s1: int = 0) -> tuple[int, int]:
    """SQLite's WAL checksum over ``data`` (a multiple of 8 bytes), continuing from (s0, s1)."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def _page_size(database_header: bytes) -> int:
    size = struct.unpack(">H", database_header[16:18])[0]
    return 65536 if size == 1 else size


def header_problem(database: Path, wal: Path) -> str | None:
    """Return why ``wal`` cannot be ``database``'s write-ahead log from its bytes alone, or None.

    Looks at the log's header and at every committed image of page 1 it holds.
    """
    with open(database, "rb") as fh:
        db_header = fh.read(100)
    with open(wal, "rb") as fh:
        header = fh.read(WAL_HEADER_BYTES)
        if len(header) < WAL_HEADER_BYTES:
            return "its header is cut short"
        magic, version, page_size, _seq, salt1, salt2, sum1, sum2 = struct.unpack(">8I", header)
        if magic not in WAL_MAGIC or version != WAL_VERSION:
            return "it is not an SQLite write-ahead log"
        big_endian = magic & 1 == 1
        if _checksum(header[:24], big_endian) != (sum1, sum2):
            return "its header checksum does not match"
        if len(db_header) == 100 and db_header.startswith(SQLITE_MAGIC) and page_size != _page_size(db_header):
            return f"its page size ({page_size}) is not the logbook's ({_page_size(db_header)})"
        s0, s1 = sum1, sum2
        pending_first_page: bytes | None = None
        while True:
            frame = fh.read(FRAME_HEADER_BYTES)
            page = fh.read(page_size)
            if len(frame) < FRAME_HEADER_BYTES or len(page) < page_size:
                break
            number, commit, f_salt1, f_salt2, f_sum1, f_sum2 = struct.unpack(">6I", frame)
            if (f_salt1, f_salt2) != (salt1, salt2):
                break  # frames of an older generation of the log: SQLite stops here too
            s0, s1 = _checksum(frame[:8] + page, big_endian, s0, s1)
            if (s0, s1) != (f_sum1, f_sum2):
                break
            if number == 1:
                pending_first_page = page
            if commit and pending_first_page is not None:
                if not pending_first_page.startswith(SQLITE_MAGIC):
                    return "its copy of the logbook's first page is not an SQLite page"
                application_id = struct.unpack(">I", pending_first_page[68:72])[0]
                # 0: a logbook's very first commits, before its schema named it.
                if application_id not in (0, APPLICATION_ID):
                    return "it was written by a file of another application"
                pending_first_page = None
    return None


def _passes_quick_check(folder: Path, database: Path, wal: Path | None) -> bool:
    trial = folder / ("with-log.db" if wal else "alone.db")
    shutil.copyfile(database, trial)
    if wal is not None:
        shutil.copyfile(wal, f"{trial}-wal")
    try:
        conn = sqlite3.connect(trial)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
            ours = conn.execute("PRAGMA application_id").fetchone()[0] & 0xFFFFFFFF == APPLICATION_ID
            return ok and ours
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return False


def foreign_log_problem(database: Path, scratch_in: Path | None = None) -> str | None:
    """Return why the ``-wal`` beside ``database`` does not belong to it, or None when it does (or is absent).

    Call only when no running Champion Desk uses the file: a live writer's log is its own.
    """
    wal = Path(f"{database}-wal")
    if is_open_here(database) or not wal.is_file() or wal.stat().st_size == 0:
        return None
    try:
        problem = header_problem(database, wal)
    except OSError:
        return None  # unreadable: SQLite's own open reports it
    if problem is not None:
        return problem
    with scratch_folder(scratch_in) as folder:
        if _passes_quick_check(folder, database, wal):
            return None
        if _passes_quick_check(folder, database, None):
            return "the logbook passes its check on its own but fails it with this log replayed"
    return None  # damaged either way: the damage check speaks for that, not this one


def set_aside(database: Path, when: dt.datetime | None = None) -> Path:
    """Rename the ``-wal`` (and ``-shm``) beside ``database`` aside; return the log's new path."""
    when = when or dt.datetime.now(dt.timezone.utc)
    stamp = f"{when:%Y%m%dT%H%M%SZ}"
    target = database.with_name(f"{database.name}-wal.set-aside-{stamp}")
    n = 1
    while target.exists():
        target = database.with_name(f"{database.name}-wal.set-aside-{stamp}-{n}")
        n += 1
    os.replace(f"{database}-wal", target)
    shm = Path(f"{database}-shm")
    if shm.exists():
        os.replace(shm, target.with_name(target.name.replace("-wal.", "-shm.", 1)))
    return target
