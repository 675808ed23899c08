"""The app's answers to the front door's questions (``store/frontdoor.py``), as message boxes.

The rules of opening a logbook on a shared ward PC (network folder, one-instance lock, a stale
log set aside, damage and restore) live in the store, where every command follows them too;
this module only asks the person: "open read-only?", "open anyway?", "restore the backup?".
``open_with_safeguards`` is the app's call: the front door, with failures shown in a box.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QMessageBox, QWidget

from champion_desk.errors import ChampionDeskError
from champion_desk.store import frontdoor, recovery
from champion_desk.store import lock as locking
from champion_desk.store.backups import BackupInfo
from champion_desk.store.frontdoor import LockedChoice, Logbook
from champion_desk.store.location import NetworkLocation

# The app's name for a logbook opened through the front door (its database and its lock).
OpenedDatabase = Logbook


class Asker(frontdoor.Asker, Protocol):
    """The front door's questions plus the one the app alone needs: tell that opening failed."""

    def failed(self, path: Path, message: str) -> None: ...


def locked_box(parent: QWidget | None, error: locking.DatabaseLockedError) -> tuple[QMessageBox, dict]:
    """Return the "already open" message box and a map from its buttons to LockedChoice."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Logbook already open")
    if is_mine_here(error.owner):
        # Most often a second start of the app by the same person: they want the window they have.
        box.setText(f"Champion Desk already has this logbook open on this PC (since {error.owner.since_local()}).")
        info = (
            "Switch to that window (it is in the taskbar) to carry on. Only one copy of Champion Desk can "
            "change a logbook at a time, so nothing is lost between them; you can also open it read-only "
            "here to look things up and print."
        )
    else:
        who = error.owner.describe() if error.owner else "another copy of Champion Desk"
        box.setText(f"This logbook is already open by {who}.")
        info = (
            "Only one copy of Champion Desk can change a logbook at a time, so nothing is lost "
            "between them. You can open it read-only to look things up and print, or close it there first."
        )
    if error.stale_unknown:
        info += (
            " If Champion Desk is no longer running on that PC (for example it was switched off), "
            "you can open it here anyway."
        )
    box.setInformativeText(info)
    choices = {box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole): LockedChoice.READ_ONLY}
    if error.stale_unknown:
        choices[box.addButton("Open anyway", QMessageBox.ButtonRole.DestructiveRole)] = LockedChoice.TAKE_OVER
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    choices[cancel] = LockedChoice.CANCEL
    box.setDefaultButton(next(iter(choices)))
    box.setEscapeButton(cancel)
    return box, choices


def is_mine_here(owner: locking.LockOwner | None) -> bool:
    """Return True when ``owner`` is this person on this PC (another copy of the app they started)."""
    me = locking.current_owner()
    return owner is not None and owner.host.lower() == me.host.lower() and owner.user == me.user


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


def damaged_box(
    parent: QWidget | None, path: Path, problem: str, backup: BackupInfo | None
) -> tuple[QMessageBox, dict]:
    """Return the damaged-database message and a map from its buttons to 'restore' (True/False)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Logbook damaged")
    box.setText(f"The logbook {path.name} is damaged and cannot be used safely.")
    box.setDetailedText(f"{path}\n{problem}")
    if backup is None:
        box.setInformativeText(
            "No good backup was found beside it. The file has been left exactly as it is; ask your IT team "
            "for help, or open another logbook."
        )
        ok = box.addButton(QMessageBox.StandardButton.Ok)
        return box, {ok: False}
    when = backup.taken_at.astimezone()
    box.setInformativeText(
        f"Champion Desk can restore the latest good backup, taken at {when:%H:%M} on {when.day} {when:%b %Y}. "
        "Anything entered after that time is not in the backup. The damaged file is kept aside, untouched, "
        f"as {path.stem}.damaged-<date and time>{path.suffix or '.db'}, so IT can still try to get data out of it."
    )
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
        # True once the person chose not to open a logbook another copy has open: at start-up the
        # app then quits rather than offer to create or demo a file (the one they already have).
        self.declined_in_use = False

    def locked(self, error: locking.DatabaseLockedError) -> LockedChoice:
        choice = _ask(locked_box(self.parent, error), LockedChoice.CANCEL)
        self.declined_in_use = choice is LockedChoice.CANCEL
        return choice

    def network(self, location: NetworkLocation) -> bool:
        return _ask(network_box(self.parent, location), False)

    def damaged(self, path: Path, problem: str, backup: BackupInfo | None) -> bool:
        return _ask(damaged_box(self.parent, path, problem, backup), False)

    def restored(self, result: recovery.RecoveryResult) -> None:
        QMessageBox.information(
            self.parent,
            "Backup restored",
            f"The backup from {result.backup_taken_at.astimezone():%H:%M on %d %b %Y} is back in use. "
            f"The damaged file was kept as {result.damaged_path.name}.",
        )

    def failed(self, path: Path, message: str) -> None:
        QMessageBox.warning(self.parent, "Could not open the logbook", f"{path}\n\n{message}")

    def notice(self, message: str) -> None:
        QMessageBox.information(self.parent, "Opening the logbook", message)


def open_with_safeguards(
    path: Path | str, asker: Asker, *, create: bool = False, backup_dir: Path | None = None, verify: bool = True
) -> Logbook | None:
    """Open a logbook for the app through the front door; return it, or None when the user backed out.

    Problems are shown through ``asker.failed`` and give None. ``verify`` is False when the file is
    exactly as this PC last closed it cleanly (the damage check reads the whole file).
    """
    path = Path(path).expanduser()
    try:
        return frontdoor.open_logbook(path, asker, write=True, create=create, verify=verify, backup_dir=backup_dir)
    except (ChampionDeskError, OSError) as exc:
        asker.failed(path, str(exc))
        return None
