"""Opening a database safely on a shared ward PC: who has it open, network folders, damaged files.

``open_with_safeguards`` is the one call the app makes instead of ``open_database``: it warns
about a network folder, takes the one-instance lock (offering read-only when someone else has
the database open), and offers to restore the latest good backup when the file is damaged,
keeping the damaged file aside as Firefox does. The questions go through an ``Asker`` so tests
(and a future non-modal UI) can answer them without message boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QMessageBox, QWidget

from champion_desk.errors import ChampionDeskError, CorruptDatabaseError
from champion_desk.store import lock as locking
from champion_desk.store import recovery
from champion_desk.store.backups import BackupInfo, default_backup_dir
from champion_desk.store.database import Database, open_database
from champion_desk.store.location import NetworkLocation, network_location


class LockedChoice(Enum):
    READ_ONLY = "read-only"
    TAKE_OVER = "take-over"  # only offered when the other instance is on another PC
    CANCEL = "cancel"


class Asker(Protocol):
    """The questions ``open_with_safeguards`` may ask; each returns the user's answer."""

    def locked(self, error: locking.DatabaseLockedError) -> LockedChoice: ...

    def network(self, location: NetworkLocation) -> bool: ...

    def damaged(self, path: Path, problem: str, backup: BackupInfo | None) -> bool: ...

    def restored(self, result: recovery.RecoveryResult) -> None: ...

    def failed(self, path: Path, message: str) -> None: ...


def locked_box(parent: QWidget | None, error: locking.DatabaseLockedError) -> tuple[QMessageBox, dict]:
    """Return the "already open" message box and a map from its buttons to LockedChoice."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Logbook already open")
    who = error.owner.describe() if error.owner else "another copy of Champion Desk"
    box.setText(f"This logbook is already open by {who}.")
    info = ("Only one copy of Champion Desk can change a logbook at a time, so nothing is lost "
            "between them. You can open it read-only to look things up and print, or close it there first.")
    if error.stale_unknown:
        info += (" If Champion Desk is no longer running on that PC (for example it was switched off), "
                 "you can open it here anyway.")
    box.setInformativeText(info)
    choices = {box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole): LockedChoice.READ_ONLY}
    if error.stale_unknown:
        choices[box.addButton("Open anyway", QMessageBox.ButtonRole.DestructiveRole)] = LockedChoice.TAKE_OVER
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    choices[cancel] = LockedChoice.CANCEL
    box.setDefaultButton(next(iter(choices)))
    box.setEscapeButton(cancel)
    return box, choices


def network_box(parent: QWidget | None, location: NetworkLocation) -> tuple[QMessageBox, dict]:
    """Return the network-folder warning and a map from its buttons to 'open anyway' (True/False)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Logbook in a network folder")
    box.setText("This logbook is in a network folder.")
    box.setInformativeText(location.message())
    anyway = box.addButton("Open anyway", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box, {anyway: True, cancel: False}


def damaged_box(parent: QWidget | None, path: Path, problem: str, backup: BackupInfo | None) -> tuple[QMessageBox, dict]:
    """Return the damaged-database message and a map from its buttons to 'restore' (True/False)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Logbook damaged")
    box.setText(f"The logbook {path.name} is damaged and cannot be used safely.")
    box.setDetailedText(f"{path}\n{problem}")
    if backup is None:
        box.setInformativeText(
            "No good backup was found beside it. The file has been left exactly as it is; ask your IT team "
            "for help, or open another logbook.")
        ok = box.addButton(QMessageBox.StandardButton.Ok)
        return box, {ok: False}
    when = backup.taken_at.astimezone()
    box.setInformativeText(
        f"Champion Desk can restore the latest good backup, taken at {when:%H:%M} on {when.day} {when:%b %Y}. "
        "Anything entered after that time is not in the backup. The damaged file is kept aside, untouched, "
        f"as {path.stem}.damaged-<date and time>{path.suffix or '.db'}, so IT can still try to get data out of it.")
    restore = box.addButton("Restore the backup", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(restore)
    box.setEscapeButton(cancel)
    return box, {restore: True, cancel: False}


def _ask(box_and_choices: tuple[QMessageBox, dict], default):
    box, choices = box_and_choices
    box.exec()
    return choices.get(box.clickedButton(), default)


class MessageBoxAsker:
    """Asks with modal message boxes over ``parent``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def locked(self, error: locking.DatabaseLockedError) -> LockedChoice:
        return _ask(locked_box(self.parent, error), LockedChoice.CANCEL)

    def network(self, location: NetworkLocation) -> bool:
        return _ask(network_box(self.parent, location), False)

    def damaged(self, path: Path, problem: str, backup: BackupInfo | None) -> bool:
        return _ask(damaged_box(self.parent, path, problem, backup), False)

    def restored(self, result: recovery.RecoveryResult) -> None:
        QMessageBox.information(
            self.parent, "Backup restored",
            f"The backup from {result.backup_taken_at.astimezone():%H:%M on %d %b %Y} is back in use. "
            f"The damaged file was kept as {result.damaged_path.name}.")

    def failed(self, path: Path, message: str) -> None:
        QMessageBox.warning(self.parent, "Could not open the logbook", f"{path}\n\n{message}")


@dataclass
class OpenedDatabase:
    """A database opened by :func:`open_with_safeguards`, with the lock to release when closing it."""

    db: Database
    lock: locking.DatabaseLock | None

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


def open_with_safeguards(path: Path | str, asker: Asker, *, create: bool = False,
                         backup_dir: Path | None = None, verify: bool = True) -> OpenedDatabase | None:
    """Open a database after the shared-PC checks; return it, or None when the user backed out.

    Order: network warning (before anything is written beside the file), then the lock, then the
    damage check with an offer to restore (skipped when ``verify`` is False: the caller knows the
    file is untouched since a clean close), then ``open_database``. Problems are reported through
    ``asker.failed`` and give None.
    """
    path = Path(path).expanduser()
    where = network_location(path)
    if where is not None and not asker.network(where):
        return None
    held: locking.DatabaseLock | None = None
    readonly = False
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)  # the lock file goes beside the new file
        held = locking.acquire(path)
    except locking.DatabaseLockedError as exc:
        choice = asker.locked(exc)
        if choice is LockedChoice.CANCEL:
            return None
        if choice is LockedChoice.TAKE_OVER:
            held = locking.acquire(path, force=True)
        else:
            readonly = True
    except OSError as exc:
        # The folder cannot take a lock file (read-only folder, full disk): read-only is all it can do.
        readonly = True
        if not path.exists():
            asker.failed(path, f"The folder cannot be written ({exc.strerror or exc}).")
            return None
    try:
        if verify and path.exists() and path.stat().st_size > 0 and not readonly:
            problem = _damage(path)
            if problem is not None:
                backup = recovery.latest_good_backup(backup_dir or default_backup_dir(path))
                if not asker.damaged(path, problem, backup) or backup is None:
                    _release(held)
                    return None
                asker.restored(recovery.restore_latest_backup(path, backup_dir))
        db = open_database(path, create=create, readonly=readonly, backup_dir=backup_dir)
    except (ChampionDeskError, OSError) as exc:
        _release(held)
        asker.failed(path, str(exc))
        return None
    except BaseException:
        _release(held)
        raise
    return OpenedDatabase(db, held)


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
