"""How the rest of the app opens a record dialog: ``open_record_dialog(context, table, ...)``.

Dialog modules are imported on first use, so opening the main window does not build them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from champion_desk.errors import NotFoundError
from champion_desk.ui.context import AppContext

# table -> "module:Class" under champion_desk.ui.dialogs
DIALOGS: dict[str, str] = {
    "unit": "unit:UnitDialog",
    "staff": "staff:StaffDialog",
    "tool": "tool:ToolDialog",
    "rollout": "rollout:RolloutDialog",
    "training_session": "training_session:TrainingSessionDialog",
    "incident": "incident:IncidentDialog",
    "pairing": "pairing:PairingDialog",
    "checkin": "checkin:CheckinDialog",
    "pulse": "pulse:PulseDialog",
    "story": "story:StoryDialog",
    "idea": "idea:IdeaDialog",
}


def dialog_class(table: str) -> type:
    """Return the dialog class for a record table. Raises KeyError for a table without a dialog."""
    module_name, class_name = DIALOGS[table].split(":")
    module = importlib.import_module(f"champion_desk.ui.dialogs.{module_name}")
    return getattr(module, class_name)


def open_record_dialog(
    context: AppContext,
    table: str,
    record_id: str | None = None,
    prefill: Mapping[str, Any] | None = None,
    parent: QWidget | None = None,
) -> str | None:
    """Open the dialog for a new record (``record_id`` None) or to edit one, modally.

    ``prefill`` gives a new record's starting values by field name (e.g. ``{"unit_id": ...}``).
    Returns the saved record's id, or None when cancelled. After a save the dialog has called
    ``context.notify_changed(table)``. A record deleted meanwhile is reported and None returned.
    """
    cls = dialog_class(table)
    try:
        dialog = cls(context, record_id=record_id, prefill=prefill, parent=parent)
    except NotFoundError as error:
        QMessageBox.information(
            parent, "Record not found", f"{error} It may have been deleted on this PC or by a merge."
        )
        return None
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.saved_id if accepted else None
    finally:
        dialog.deleteLater()


def open_record(
    context: AppContext,
    parent: QWidget | None,
    table: str,
    record_id: str | None = None,
    prefill: dict[str, Any] | None = None,
) -> str | None:
    """Open the form for a new (no ``record_id``) or existing record; return the saved id or None.

    The pages' and panels' way in, parent first as for a message box; the dialog tells every page
    about the change itself (context.notify_changed).
    """
    return open_record_dialog(context, table, record_id=record_id, prefill=prefill, parent=parent)
