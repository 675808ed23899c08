"""One app instance per database: a lock file beside it says who has it open, since when, on which PC.

A ward PC is shared, and two open copies of the app would each hold a different picture of the
data (and on a network folder SQLite's WAL locking may not even work). So the app takes a lock
file ``<database>.lock`` when it opens a database for writing and removes it on close. A second
instance reads the file and tells the user *who* has it open; it may still open read-only.

The lock is advisory, like Qt's QLockFile (which it follows, without importing Qt): it records
user, host, pid and the time it was taken. A lock left behind by a crash or a power cut is
*stale* and is taken over silently when the owner was on this PC and its process is gone, or
the PC has restarted since (a new boot id, so a reused pid cannot keep a dead lock alive).
A lock from another PC can't be checked that way, so the user is asked before it's broken.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from champion_desk.errors import StoreError

LOCK_SUFFIX = ".lock"
APP_NAME = "champion-desk"
# A lock file that is empty or unreadable may be one being written right now by another
# instance (it is created, then filled); only after this many seconds is it treated as debris.
UNREADABLE_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class LockOwner:
    """Who holds a database open: the person, the PC, the process and since when (UTC, ISO-8601)."""

    user: str
    host: str
    pid: int
    since: str
    boot: str = ""
    app: str = APP_NAME
    # When the process started (Linux: clock ticks since boot), so a pid reused by another
    # program after a crash does not keep a dead lock alive; '' where it cannot be told.
    started: str = ""
    # The identity of the logbook file the lock was taken on (``connection.logbook_identity``): a
    # -wal a killed holder left is then known to be that logbook's, not a file copied over it.
    logbook: str = ""

    def since_local(self) -> str:
        """Return ``since`` as local time, e.g. '14:02 on 26 Nov 2026' (or as stored if unparsable)."""
        try:
            when = dt.datetime.fromisoformat(self.since.replace("Z", "+00:00")).astimezone()
        except ValueError:
            return self.since
        return f"{when:%H:%M} on {when.day} {when:%b %Y}"

    def describe(self) -> str:
        """Return a sentence a ward user understands: who, which PC, since when."""
        return f"{self.user} on {self.host} (since {self.since_local()})"


class DatabaseLockedError(StoreError):
    """Another Champion Desk has this database open; ``owner`` says who (None if unreadable)."""

    def __init__(self, path: Path, owner: LockOwner | None, stale_unknown: bool = False) -> None:
        self.path = Path(path)
        self.owner = owner
        # True when the owner is on another PC: we cannot tell whether it is still running.
        self.stale_unknown = stale_unknown
        who = owner.describe() if owner else "another Champion Desk"
        message = (
            f"{self.path.name} is already open by {who}. Only one copy of Champion Desk may change "
            "a database at a time: close it there, or open this one read-only."
        )
        super().__init__(message)


def lock_path(db_path: Path | str) -> Path:
    """Return the lock file of a database: ``<database file>.lock`` beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises when no login name is known (some services, containers)
        return "unknown user"


def _current_host() -> str:
    return socket.gethostname() or "unknown PC"


def boot_id() -> str:
    """Return a marker that changes whenever this PC restarts ('' when it cannot be told).

    Linux has a random boot id; elsewhere the boot time to the minute is close enough.
    """
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        pass
    if sys.platform == "win32":
        try:
            import ctypes

            uptime = ctypes.windll.kernel32.GetTickCount64() / 1000.0
            return f"boot@{int((time.time() - uptime) // 60)}"
        except Exception:
            return ""
    return ""


def pid_alive(pid: int) -> bool:
    """Return True when a process with this id is running on this PC (errs towards True)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        try:
            import ctypes

            PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
            STILL_ACTIVE = 259
            kernel32 = ctypes.windll.kernel32
            handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
            if not handle:
                return False
            try:
                code = ctypes.c_ulong()
                kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
                return code.value == STILL_ACTIVE
            finally:
                kernel32.CloseHandle(handle)
        except Exception:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, it just belongs to someone else
        return True
    except OSError:
        return True
    return True


def process_started(pid: int) -> str:
    """Return when process ``pid`` started, as a marker to compare ('' when it cannot be told)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may hold spaces: split after its ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else ""  # field 22 of stat: starttime


def current_owner() -> LockOwner:
    """Return the LockOwner describing this process now."""
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    pid = os.getpid()
    return LockOwner(_current_user(), _current_host(), pid, now, boot_id(), started=process_started(pid))


def read_owner(db_path: Path | str) -> LockOwner | None:
    """Return who holds the lock of a database, or None when there is no readable lock file."""
    return _read_file(lock_path(db_path))


def _read_file(path: Path) -> LockOwner | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockOwner(
            user=str(data["user"]),
            host=str(data["host"]),
            pid=int(data["pid"]),
            since=str(data["since"]),
            boot=str(data.get("boot", "")),
            app=str(data.get("app", APP_NAME)),
            started=str(data.get("started", "")),
            logbook=str(data.get("logbook", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_stale(owner: LockOwner, *, host: str | None = None, boot: str | None = None) -> bool:
    """Return True when the owner certainly no longer runs: same PC and (restarted, pid gone, or
    the pid now belongs to a process started at another time)."""
    host = host if host is not None else _current_host()
    if owner.host.lower() != host.lower():
        return False  # another PC: its processes cannot be seen from here
    boot = boot if boot is not None else boot_id()
    if owner.boot and boot and owner.boot != boot:
        return True
    if owner.pid == os.getpid():
        return False  # this very process (a second open of the same file): not stale
    if not pid_alive(owner.pid):
        return True
    # Alive, but is it still the process that took the lock? A reused pid started later.
    now_started = process_started(owner.pid)
    return bool(owner.started and now_started and owner.started != now_started)


def _write_new(path: Path, owner: LockOwner) -> bool:
    """Create the lock file holding ``owner`` atomically; return False if one already exists.

    The content is written to a temporary file first and then hard-linked into place, so the
    lock never exists half-written; on file systems without hard links (FAT USB sticks) it
    falls back to exclusive create-then-write.
    """
    payload = json.dumps(asdict(owner), indent=1).encode("utf-8")
    fd, tmp_name = tempfile.mkstemp(prefix=".lock-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp_name, path)
            return True
        except FileExistsError:
            return False
        except OSError:
            pass  # no hard links here: fall back below
    finally:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    return True


class DatabaseLock:
    """A held lock on one database file; release it (or use ``with``) when the database closes."""

    def __init__(self, db_path: Path, owner: LockOwner) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self.owner = owner
        self.released = False

    def release(self) -> None:
        """Remove the lock file, if it is still ours (never someone else's that replaced it)."""
        if self.released:
            return
        self.released = True
        if read_owner(self.db_path) == self.owner:
            try:
                self.path.unlink()
            except OSError:
                pass  # a read-only folder or a vanished file: nothing more to do

    def record_logbook(self, identity: str) -> None:
        """Write the identity of the logbook into the held lock (for a file created after it was taken)."""
        if self.released or not identity or self.owner.logbook == identity or read_owner(self.db_path) != self.owner:
            return
        owner = replace(self.owner, logbook=identity)
        fd, tmp_name = tempfile.mkstemp(prefix=".lock-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(asdict(owner), indent=1).encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, self.path)
            self.owner = owner
        except OSError:
            Path(tmp_name).unlink(missing_ok=True)  # the lock as taken still holds; only the identity is missing

    def __enter__(self) -> DatabaseLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(
    db_path: Path | str, *, force: bool = False, owner: LockOwner | None = None, logbook: str = ""
) -> DatabaseLock:
    """Take the lock of a database for this process and return it.

    A stale lock (see :func:`is_stale`) is taken over. ``force`` breaks any lock: only after the
    user confirmed that the other PC no longer has it open. Raises DatabaseLockedError naming
    who has it open; ``stale_unknown`` on the error is True when that is another PC. ``logbook``
    is recorded in the lock as the identity of the file it is taken on.
    """
    db_path = Path(db_path)
    path = lock_path(db_path)
    owner = owner or current_owner()
    if logbook:
        owner = replace(owner, logbook=logbook)
    for _attempt in range(3):
        if _write_new(path, owner):
            if read_owner(db_path) == owner:
                return DatabaseLock(db_path, owner)
            continue  # lost a race with another instance: look again
        held = read_owner(db_path)
        if held is None:
            try:
                age = time.time() - path.stat().st_mtime
            except FileNotFoundError:
                continue
            if not force and age < UNREADABLE_GRACE_SECONDS:
                raise DatabaseLockedError(db_path, None)
        elif not force and not is_stale(held):
            raise DatabaseLockedError(db_path, held, stale_unknown=held.host.lower() != owner.host.lower())
        # Stale or forced: move the old lock aside under a unique name, then try again. The
        # rename is atomic, so of two instances taking over at once only one renames it.
        aside = path.with_name(f"{path.name}.stale-{os.getpid()}-{time.monotonic_ns()}")
        try:
            os.replace(path, aside)
        except FileNotFoundError:
            continue
        moved = _read_file(aside)
        if held is not None and moved != held:
            # Another instance replaced the stale lock between our read and our rename:
            # that one is live, so put it back rather than steal it.
            try:
                os.link(aside, path)
            except OSError:
                pass
        aside.unlink(missing_ok=True)
    raise DatabaseLockedError(db_path, read_owner(db_path))
