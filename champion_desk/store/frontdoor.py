"""The one way in to a logbook file, for the app and for every command.

Opening a logbook on a shared ward PC asks questions: it is in a network folder (open anyway?),
a colleague has it open (open read-only?), it is damaged (restore the latest good backup?). The
front door asks them through an :class:`Asker`; the app answers with dialogs
(``ui/instance_dialogs.py``), a command with :class:`CommandAsker`: one line on stderr, and a refusal
where a person would have had to choose. The order is fixed here, so no caller can skip a rule:

1. the path is resolved (a symlink or a second name reaches the same file, the same lock);
2. a path that is not a regular file is refused before anything opens it;
3. a network folder is asked about;
4. a writer takes the one-instance lock (``store/lock.py``): a second writer is told who has the
   logbook open and since when; a reader takes no lock and works beside the app;
5. a ``-wal`` that no running Champion Desk uses and that does not belong to the file is set
   aside (``store/wal.py``);
6. a writer's file is checked for damage (unless it is exactly as this PC last closed it), with
   the offer to restore the latest good backup;
7. the file is opened and, for a writer, upgraded after a backup (a reader of an older file has
   it upgraded first, under the lock, when nobody else has it open).

One write is let in beside a running Champion Desk: a command's record of what it did while
reading beside the app (:func:`write_beside`: an export's audit row), when the app runs on this
PC and the file is on its own disk, where SQLite's locking keeps two writers apart.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol, TextIO, TypeVar

from champion_desk.errors import ChampionDeskError, CorruptDatabaseError, ReadOnlyDatabaseError, StoreError
from champion_desk.store import lock as locking
from champion_desk.store import recovery, wal
from champion_desk.store.backups import BackupInfo, default_backup_dir
from champion_desk.store.connection import (
    Database,
    file_logbook_identity,
    is_open_here,
    logbook_identity,
    refuse_unless_regular_file,
)
from champion_desk.store.database import check_header, open_database, upgrade_notice
from champion_desk.store.location import NetworkLocation, network_location
from champion_desk.store.schema import SCHEMA_VERSION


class LockedChoice(Enum):
    """What to do when another Champion Desk has the logbook open."""

    READ_ONLY = "read-only"
    TAKE_OVER = "take-over"  # only offered when the other instance is on another PC
    CANCEL = "cancel"


class Asker(Protocol):
    """The questions the front door may ask, and the things it tells; each returns the answer."""

    def locked(self, error: locking.DatabaseLockedError) -> LockedChoice: ...

    def network(self, location: NetworkLocation) -> bool: ...

    def damaged(self, path: Path, problem: str, backup: BackupInfo | None) -> bool: ...

    def restored(self, result: recovery.RecoveryResult) -> None: ...

    def notice(self, message: str) -> None: ...


class CommandAsker:
    """Answers the front door's questions for a command: one line on ``out`` (stderr), never a prompt.

    A command that would write beside the running app is refused (the lock error is raised,
    naming who has it open since when) unless ``read_only_if_locked``; a damaged logbook is
    refused with where to restore it from; a network folder is warned about.
    """

    def __init__(self, *, read_only_if_locked: bool = False, out: TextIO | None = None) -> None:
        self.read_only_if_locked = read_only_if_locked
        self.out = out

    def _say(self, message: str) -> None:
        print(message, file=self.out or sys.stderr)

    def locked(self, error: locking.DatabaseLockedError) -> LockedChoice:
        if self.read_only_if_locked:
            return LockedChoice.READ_ONLY
        raise error

    def network(self, location: NetworkLocation) -> bool:
        self._say(f"Warning: {location.message()}")
        return True

    def damaged(self, path: Path, problem: str, backup: BackupInfo | None) -> bool:
        where = (
            f" The latest good backup is {backup.path}: restore it with 'champion-desk restore PATH --yes' "
            "or open the logbook in the app, which offers it."
            if backup
            else " No good backup was found beside it."
        )
        raise CorruptDatabaseError(f"{path} is damaged ({problem}); nothing was changed.{where}")

    def restored(self, result: recovery.RecoveryResult) -> None:
        self._say(f"Restored the backup {result.restored_from}; the damaged file was kept as {result.damaged_path}.")

    def notice(self, message: str) -> None:
        self._say(message)


@dataclass
class Logbook:
    """A logbook opened through the front door: its database and, for a writer, the lock to give up on close."""

    db: Database
    lock: locking.DatabaseLock | None
    notices: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path | None:
        return self.db.path

    @property
    def readonly(self) -> bool:
        return self.db.readonly

    def close(self) -> None:
        """Close the database, then give up the lock (in that order, so no one opens it mid-close)."""
        try:
            self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def __enter__(self) -> Logbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def resolve(path: Path | str) -> Path:
    """Return the one name of a logbook file: user folder expanded, symlinks and ``..`` resolved."""
    return Path(path).expanduser().resolve()


def open_logbook(
    path: Path | str,
    asker: Asker,
    *,
    write: bool = True,
    create: bool = False,
    verify: bool = True,
    backup_dir: Path | None = None,
) -> Logbook | None:
    """Open a logbook through the front door (see the module's docstring); None when the user backed out.

    ``write``: the caller will change it (takes the one-instance lock); otherwise it is opened
    read-only beside whoever has it open. ``create``: a missing or empty file becomes a new logbook.
    ``verify``: check a writer's file for damage first (the app skips it for a file exactly as it
    closed it). Raises ChampionDeskError, FileNotFoundError or OSError with a one-line message.
    """
    path = resolve(path)
    refuse_unless_regular_file(path)
    if not create and not path.exists():
        raise FileNotFoundError(f"No logbook at {path}.")
    where = network_location(path)
    if where is not None and not asker.network(where):
        return None
    held: locking.DatabaseLock | None = None
    readonly = not write
    # Who held it before (a killed writer's lock is taken over below), and which logbook this file is.
    previous = locking.read_owner(path)
    # A writer records the identity in its lock; a reader needs it only to judge a -wal left beside the file.
    wanted = write or _log_has_frames(path)
    identity = file_logbook_identity(path) if wanted and path.exists() and not is_open_here(path) else ""
    if write:
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)  # the lock file goes beside the new file
            held = locking.acquire(path, logbook=identity)
        except locking.DatabaseLockedError as exc:
            choice = asker.locked(exc)
            if choice is LockedChoice.CANCEL:
                return None
            if choice is LockedChoice.TAKE_OVER:
                held = locking.acquire(path, force=True, logbook=identity)
            else:
                readonly = True
        except OSError as exc:
            # The folder cannot take a lock file (read-only folder, full disk): reading is all it can do.
            if not path.exists():
                raise StoreError(
                    f"{path.parent} cannot be written ({exc.strerror or exc}), so no logbook can be created there."
                ) from exc
            readonly = True
    try:
        notices = _set_aside_a_foreign_log(path, previous, identity, asker, backup_dir)
        if held is not None and verify and path.exists() and path.stat().st_size > 0:
            problem = _damage(path)
            if problem is not None:
                backup = recovery.latest_good_backup(backup_dir or default_backup_dir(path))
                if not asker.damaged(path, problem, backup) or backup is None:
                    _release(held)
                    return None
                asker.restored(recovery.restore_latest_backup(path, backup_dir))
        if readonly and path.exists() and path.stat().st_size > 0 and check_header(path) < SCHEMA_VERSION:
            notices += _upgrade_for_reading(path, asker, backup_dir)
        db = open_database(path, create=create, readonly=readonly, backup_dir=backup_dir)
    except BaseException:
        _release(held)
        raise
    if held is not None and not identity:
        held.record_logbook(logbook_identity(db.conn))  # a logbook created just now
    notice = upgrade_notice(db)
    if notice:
        asker.notice(notice)
        notices.append(notice)
    return Logbook(db, held, notices)


T = TypeVar("T")

# How long a write beside the app waits for the app's own transaction to end: a ward's saves take
# milliseconds, a hub's merge or sync can hold the file for a minute or two.
BESIDE_PATIENCE_SECONDS = 180.0
# SQLite's primary result codes for "another connection has the file": retried, never skipped.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


def write_beside(
    path: Path | str, asker: Asker, write: Callable[[Database], T], *, patience: float = BESIDE_PATIENCE_SECONDS
) -> T:
    """Run ``write`` (one short transaction) on a logbook, beside the running app when it has it open.

    A free logbook is opened as any writer (:func:`open_logbook`: the lock, the checks). One that a
    live Champion Desk on this PC holds, on a local disk, gets a connection of its own beside the
    app's: the app opened, checked and upgraded it, and SQLite's locking between two processes of
    one PC (WAL with its shared memory) keeps the two writers apart. While the app is writing, the
    write waits and tries again for ``patience`` seconds. Raises DatabaseLockedError when the holder
    is on another PC or the file is in a network folder (SQLite's locking cannot be trusted across
    a network: only one program writes there), ReadOnlyDatabaseError when the file cannot be
    written, StoreError when it stayed busy for all of ``patience``.
    """
    path = resolve(path)
    try:
        logbook = open_logbook(path, asker, write=True)
    except locking.DatabaseLockedError as exc:
        if exc.owner is None or exc.stale_unknown or network_location(path) is not None:
            raise
        return _write_beside_the_holder(path, write, patience)
    if logbook is None:
        raise StoreError(f"{path.name} was not opened; nothing was written.")
    with logbook:
        if logbook.readonly:
            raise ReadOnlyDatabaseError(f"{path.parent} cannot be written, so {path.name} cannot be changed.")
        return write(logbook.db)


def _write_beside_the_holder(path: Path, write: Callable[[Database], T], patience: float) -> T:
    # migrate=False: the app holding the file upgraded it; a file that still needs it is left to the app.
    db = open_database(path, create=False, migrate=False)
    deadline = time.monotonic() + patience
    try:
        while True:
            try:
                return write(db)
            except sqlite3.OperationalError as exc:
                # Each try already waited the connection's busy timeout inside SQLite.
                if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in (_SQLITE_BUSY, _SQLITE_LOCKED):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{path.name} stayed busy with the app's own saving for {patience:.0f} seconds; nothing was written."
                    ) from exc
                time.sleep(0.2)
    finally:
        db.close()


def open_reader(path: Path | str) -> Database:
    """Return a read-only connection for work beside a logbook this process already has open.

    For the app's background reads: no lock, no questions (the front door asked them when the
    logbook was opened). Safe beside the process's own connection and any other program's.
    """
    return open_database(resolve(path), create=False, readonly=True)


def refuse_protected_output(out: Path | str, logbook: Path | str) -> Path:
    """Return ``out`` resolved, or raise StoreError when writing there would overwrite the logbook.

    Protected: the logbook itself, its ``-wal``/``-shm``/``-journal``, its lock file, and anything in
    its backups folder. An output file is written elsewhere; the caller replaces an existing file
    only through a temporary file moved into place.
    """
    target = resolve(out)
    book = resolve(logbook)
    protected = {book, *(Path(f"{book}{s}") for s in ("-wal", "-shm", "-journal")), locking.lock_path(book)}
    backups = resolve(default_backup_dir(book))
    same_file = target.exists() and any(p.exists() and target.samefile(p) for p in protected)
    if target in protected or same_file:
        raise StoreError(f"--out {out} is the logbook {book.name} or one of its own files; choose another file name.")
    if target == backups or backups in target.parents:
        raise StoreError(f"--out {out} is inside the logbook's backups folder; choose a file elsewhere.")
    return target


def _set_aside_a_foreign_log(
    path: Path, previous: locking.LockOwner | None, identity: str, asker: Asker, backup_dir: Path | None
) -> list[str]:
    """Set aside a ``-wal`` that no running Champion Desk uses and that does not belong to ``path``.

    ``previous`` held the lock before this open; ``identity`` is the file's own (read without its log).
    """
    if not _log_has_frames(path):
        return []
    if previous is not None and not locking.is_stale(previous):
        return []  # a running Champion Desk writes that log (or its PC's user said it no longer runs)
    if previous is not None and previous.logbook and identity and previous.logbook != identity:
        problem = "it was left by a Champion Desk that had another logbook open under this name"
    else:
        problem = wal.foreign_log_problem(path, backup_dir or default_backup_dir(path))
    if problem is None:
        return []
    aside = wal.set_aside(path)
    message = (
        f"{path.name}-wal did not belong to {path.name} ({problem}): it was set aside as {aside.name}, "
        f"untouched, and {path.name} was opened as it is on disk."
    )
    asker.notice(message)
    return [message]


def _log_has_frames(path: Path) -> bool:
    """Return True when a non-empty ``-wal`` lies beside ``path``."""
    log = Path(f"{path}-wal")
    return log.is_file() and log.stat().st_size > 0


def _upgrade_for_reading(path: Path, asker: Asker, backup_dir: Path | None) -> list[str]:
    """Upgrade an older logbook under the lock so it can then be read; refuse while someone has it open."""
    try:
        held = locking.acquire(path)
    except locking.DatabaseLockedError as exc:
        raise StoreError(
            f"{path.name} needs an upgrade for this version of Champion Desk, and {exc.owner.describe() if exc.owner else 'another Champion Desk'} "
            "has it open; close it there first."
        ) from exc
    try:
        db = open_database(path, create=False, backup_dir=backup_dir)
        notice = upgrade_notice(db)
        db.close()
    finally:
        held.release()
    if notice:
        asker.notice(notice)
        return [notice]
    return []


def _damage(path: Path) -> str | None:
    # A file that is not ours at all is not "damaged": open_database refuses it with its own message.
    try:
        return recovery.diagnose(path)
    except CorruptDatabaseError as exc:
        return str(exc)
    except ChampionDeskError:
        return None


def _release(held: locking.DatabaseLock | None) -> None:
    if held is not None:
        held.release()
