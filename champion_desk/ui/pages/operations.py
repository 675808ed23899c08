"""What pages do to records: delete with undo.

Pages never write SQL: deleting goes through ``domain.logbook.delete`` (a tombstone), undo
through ``logbook.restore`` (a delete), ``logbook.delete`` (a new record), ``logbook.undo_edit``
(an edit) or ``signing.withdraw_countersign`` (a countersign). Forms open through
``ui/dialogs/registry.open_record``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from champion_desk.errors import ChampionDeskError
from champion_desk.ui.context import AppContext


@dataclass(frozen=True)
class Deletion:
    """One undoable delete: the records of one table and how to describe them."""

    table: str
    record_ids: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Addition:
    """One undoable new record (a form just saved): undone by deleting it, as Delete would."""

    table: str
    record_ids: tuple[str, ...]
    description: str
    saved: Any = None  # domain.logbook.Before as saved: Undo refuses once the record has changed since


@dataclass(frozen=True)
class Edit:
    """One undoable edit (a form just saved over a record): undone by putting back what it replaced."""

    table: str
    record_ids: tuple[str, ...]
    description: str
    before: Any  # domain.logbook.Before, imported only when a form saves
    saved: Any = None  # the record as the edit left it: Undo refuses once it has changed since


@dataclass(frozen=True)
class Countersign:
    """One undoable countersign (a manager just signed sessions): undone by withdrawing it, audited as such."""

    table: str
    record_ids: tuple[str, ...]
    description: str  # "the session of 3 Dec 2026", "3 sessions"
    signer_id: str
    saved: tuple[Any, ...] = ()  # each session's logbook.Before as signed: Undo refuses once one changed since


Change = Deletion | Addition | Edit | Countersign


class DeletionHistory(QObject):
    """Deletes records as tombstones and undoes the latest deletes, new records, edits or countersigns (Ctrl+Z)."""

    changed = Signal()  # the undo stack grew or shrank
    undone = Signal(object)  # the Change just undone

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._done: list[Change] = []
        # Undo must never restore into another file than the one it deleted from, nor take back
        # one person's work in another's name after "Switch user".
        context.database_replaced.connect(self.clear)
        context.user_changed.connect(self.clear)

    def delete(self, table: str, record_ids: list[str], description: str) -> Deletion:
        """Tombstone records in one transaction and remember them for undo.

        Raises ChampionDeskError (nothing deleted) when the database refuses.
        """
        # The validation rules behind logbook are not needed to start the app.
        from champion_desk.domain import logbook

        with self.context.db.transaction():
            for record_id in record_ids:
                logbook.delete(self.context.db, table, record_id, self.context.actor)
        done = Deletion(table, tuple(record_ids), description)
        self._done.append(done)
        self.changed.emit()
        self.context.notify_changed(table)
        self.context.status_message.emit(f"Deleted {description}. Press Ctrl+Z to undo.")
        return done

    def added(self, table: str, record_id: str, description: str) -> Addition:
        """Remember a record just saved as new, so Undo can take it back; say so in the status bar."""
        done = Addition(table, (record_id,), description, self._as_saved(table, record_id))
        self._done.append(done)
        self.changed.emit()
        self.context.status_message.emit(f"Saved the {description}. Press Ctrl+Z (or Undo) to take it back.")
        return done

    def edited(self, before: Any, description: str) -> Edit:
        """Remember an edit just saved (``before``: the logbook.Before it replaced), so Undo can put it back."""
        done = Edit(
            before.table, (before.record_id,), description, before, self._as_saved(before.table, before.record_id)
        )
        self._done.append(done)
        self.changed.emit()
        self.context.status_message.emit(
            f"Saved your changes to the {description}. Press Ctrl+Z (or Undo) to put them back."
        )
        return done

    def countersigned(self, record_ids: list[str], signer_id: str, description: str, how: str) -> Countersign:
        """Remember sessions just countersigned (``how``: how it was signed), so Undo can withdraw it; say so."""
        saved = tuple(self._as_saved("training_session", record_id) for record_id in record_ids)
        done = Countersign("training_session", tuple(record_ids), description, signer_id, saved)
        self._done.append(done)
        self.changed.emit()
        # Short: beside the Undo button at 1024 px wide, a longer line loses its end.
        self.context.status_message.emit(f"Countersigned {description} ({how}); Undo (Ctrl+Z) withdraws it.")
        return done

    def _as_saved(self, table: str, record_id: str) -> Any:
        from champion_desk.domain import logbook

        try:
            return logbook.before_edit(self.context.db, table, record_id)
        except ChampionDeskError:
            return None

    def _changed_since(self, change: Change) -> bool:
        """Return True when a saved record is no longer as it was saved (signed into since, edited elsewhere)."""
        if isinstance(change, Countersign):
            # Gone since counts too: a deleted session's countersign is not withdrawn behind it.
            return any(
                self._as_saved(change.table, record_id) != saved
                for record_id, saved in zip(change.record_ids, change.saved, strict=True)
            )
        saved = getattr(change, "saved", None)
        if saved is None:
            return False
        now = self._as_saved(change.table, change.record_ids[0])
        # Gone since (deleted elsewhere): the undo itself says so.
        return now is not None and now != saved

    def can_undo(self) -> bool:
        """Return True when there is a change to undo."""
        return bool(self._done)

    def last_description(self) -> str:
        """Return what the next undo would restore, or ''."""
        return self._done[-1].description if self._done else ""

    def undo(self) -> Change | None:
        """Restore the latest deleted records, delete the latest new one, put back the latest edit or
        withdraw the latest countersign; return it (None if nothing to undo)."""
        if not self._done:
            return None
        from champion_desk.domain import logbook

        last = self._done[-1]
        if self._changed_since(last):
            # Taking it back now would also take back what was added to it since (attendees who
            # signed in at the kiosk, another change): forget it instead, and say so.
            self._done.pop()
            self.changed.emit()
            if isinstance(last, Countersign):
                raise ChampionDeskError(
                    f"{last.description[:1].upper()}{last.description[1:]} changed since you countersigned "
                    "(edited, signed into or deleted), so your countersign was not withdrawn: it stands as signed."
                )
            raise ChampionDeskError(
                f"The {last.description} has changed since it was saved, so it was not undone. "
                "Change or delete it from its page if it is wrong."
            )
        db, actor = self.context.db, self.context.actor
        with db.transaction():
            if isinstance(last, Countersign):
                from champion_desk.domain import signing

                signing.withdraw_countersign(db, last.record_ids, last.signer_id, actor)
            elif isinstance(last, Edit):
                logbook.undo_edit(db, last.before, actor)
            else:
                undo = logbook.delete if isinstance(last, Addition) else logbook.restore
                for record_id in last.record_ids:
                    undo(db, last.table, record_id, actor)
        self._done.pop()
        self.changed.emit()
        self.context.notify_changed(last.table)
        if isinstance(last, Countersign):
            said = f"Withdrew your countersign of {last.description}: awaiting countersign again."
        elif isinstance(last, Edit):
            said = f"Put back the {last.description} as it was before your changes."
        elif isinstance(last, Addition):
            said = f"Took back the {last.description} just saved."
        else:
            said = f"Restored {last.description}."
        self.context.status_message.emit(said)
        self.undone.emit(last)
        return last

    def last_kind(self) -> str:
        """Return how the undo menu names the next undo: 'new', 'changes to', 'delete of', 'countersign of' or ''."""
        if not self._done:
            return ""
        kinds = {Addition: "new", Edit: "changes to", Deletion: "delete of", Countersign: "countersign of"}
        return kinds[type(self._done[-1])]

    def clear(self, *_: object) -> None:
        """Forget every undoable change."""
        self._done.clear()
        self.changed.emit()
