"""File-menu actions for data exchange (import, export, merge, restore) and colleague data rights.

The main window calls ``add_file_menu_actions``; the People page calls ``export_person`` and
``erase_person`` with the selected colleague's id.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from champion_desk.ui.context import AppContext


def add_file_menu_actions(menu: QMenu, context: AppContext, parent: QWidget) -> None:
    """Add Import roster…, Import usage…, Export…, Export sessions to calendar…, Merge a ward database… and Restore from backup… to ``menu``."""
    entries = (
        ("&Import roster…", import_roster, "Add or update staff from an HR roster (CSV or Excel)"),
        ("Import &usage…", import_usage, "Read a tool's usage export (CSV or Excel) and match its users to colleagues"),
        ("&Export…", export_data, "Export every table for Excel (one workbook, or CSV files)"),
        ("Export sessions to &calendar…", export_calendar, "Planned sessions as a calendar file (.ics) for Outlook"),
        ("&Merge a ward database…", merge_ward, "Bring another ward PC's Champion Desk file into this one"),
        ("&Restore from backup…", restore_backup, "Replace this database with one of its backups"),
    )
    for text, handler, tip in entries:
        action = QAction(text, parent)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _=False, h=handler: h(context, parent))
        menu.addAction(action)


def export_calendar(context: AppContext, parent: QWidget | None) -> None:
    from champion_desk.ui.signin_actions import export_calendar as export

    export(context, parent)


def import_roster(context: AppContext, parent: QWidget | None) -> None:
    """Open the roster import wizard."""
    from champion_desk.ui.import_wizard import ImportWizard

    ImportWizard(context, parent).exec()


def import_usage(context: AppContext, parent: QWidget | None) -> None:
    """Open the usage import wizard."""
    from champion_desk.ui.usage_wizard import UsageWizard

    UsageWizard(context, parent).exec()


def export_data(context: AppContext, parent: QWidget | None) -> None:
    """Open the export dialog."""
    from champion_desk.ui.exchange_dialogs import ExportDialog

    ExportDialog(context, parent).exec()


def merge_ward(context: AppContext, parent: QWidget | None) -> None:
    """Open the ward-merge dialog (check first, then merge)."""
    from champion_desk.ui.exchange_dialogs import MergeDialog

    MergeDialog(context, parent).exec()


def restore_backup(context: AppContext, parent: QWidget | None) -> None:
    """Open the restore dialog listing this database's backups."""
    from champion_desk.ui.exchange_dialogs import RestoreDialog

    RestoreDialog(context, parent).exec()


def export_person(context: AppContext, parent: QWidget | None, staff_id: str) -> Path | None:
    """Ask where, then write every record naming this colleague to a JSON file; return the path."""
    from champion_desk.exchange.person import export_person as write_export
    from champion_desk.store import records
    from champion_desk.ui.exchange_dialogs import run_operation, without_progress

    person = records.get(context.db, "staff", staff_id, include_deleted=True)
    suggested = Path.home() / f"{person['staff_ref'] or 'colleague'}-data.json.age"
    from champion_desk.ui.exchange_dialogs import sealed_name
    from champion_desk.ui.passphrase_dialog import SEAL_PURPOSE, ask_passphrase
    from champion_desk.ui.widgets.save_path import ask_save_path

    name = ask_save_path(
        parent,
        f"Save {person['display_name']}'s data as",
        suggested,
        "Encrypted JSON (*.json.age)",
        context.db.path,
    )
    if not name:
        return None
    # Their concerns go with it, to them, by hand or by email: sealed, the passphrase told apart.
    passphrase = ask_passphrase(parent, "Encrypt their data", SEAL_PURPOSE, confirm=True)
    if passphrase is None:
        return None
    name = str(sealed_name(Path(name), ".json"))
    counts = run_operation(
        parent,
        "Export their data",
        without_progress,
        write_export,
        context.db,
        staff_id,
        Path(name),
        context.actor,
        passphrase=passphrase,
    )
    if counts is None:
        return None
    QMessageBox.information(
        parent,
        "Export their data",
        f"Wrote {sum(counts.values())} records naming {person['display_name']} to {name}.\n\n"
        "The file includes the concerns they raised and is encrypted: give it only to them, and tell them "
        "the passphrase separately. They open it with the age tool (age -d) or Champion Desk's unseal command.",
    )
    return Path(name)


def erase_person(context: AppContext, parent: QWidget | None, staff_id: str) -> bool:
    """Confirm, naming what will happen, then erase this colleague's personal data; return True when done."""
    from champion_desk.exchange.person import erase_person as erase
    from champion_desk.store import records
    from champion_desk.ui.exchange_dialogs import run_operation, without_progress

    person = records.get(context.db, "staff", staff_id, include_deleted=True)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Erase a colleague's personal data",
        f"Erase {person['display_name']}'s personal data for good?",
        parent=parent,
    )
    box.setInformativeText(
        "Their name, staff number and role are removed from every record, every note that mentions their name, "
        "and the audit log. Their attendance, mentoring and concern records stay, without their name, so the "
        "figures still add up. Merging another ward's file will not bring them back.\n\n"
        "This cannot be undone. Older backups still hold their data until they are thinned or deleted."
    )
    erase_button = box.addButton("Erase for good", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is not erase_button:
        return False
    report = run_operation(parent, "Erasing", without_progress, erase, context.db, staff_id, context.actor)
    if report is None:
        return False
    context.notify_changed("*")
    context.status_message.emit("A colleague's personal data was erased.")
    # Old copies stay while another program reads the file or the disk is full: the person at
    # the PC can fix that and retry here, without the command line.
    while report.result.purge_problem is not None:
        retry = QMessageBox(
            QMessageBox.Icon.Warning,
            "Erased, not yet finished",
            "\n".join(report.lines(again="choose Try again")),
            parent=parent,
        )
        try_again = retry.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        retry.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        retry.setDefaultButton(try_again)
        retry.exec()
        if retry.clickedButton() is not try_again:
            return True
        again = run_operation(
            parent, "Clearing old copies", without_progress, erase, context.db, staff_id, context.actor
        )
        if again is None:
            return True
        report = again
    QMessageBox.information(parent, "Erased", "\n".join(report.lines()))
    return True


def backup_to(context: AppContext, parent: QWidget | None) -> Path | None:
    """Ask where, then write a verified backup there; outside the data folder it is sealed with a passphrase."""
    from champion_desk.store.backups import backup_database
    from champion_desk.store.sealed import backup_sealed, leaves_the_pc
    from champion_desk.ui.exchange_dialogs import run_operation, sealed_name, without_progress
    from champion_desk.ui.passphrase_dialog import SEAL_PURPOSE, ask_passphrase
    from champion_desk.ui.widgets.save_path import ask_save_path

    stem = context.db.path.stem if context.db.path else "champion-desk"
    name = ask_save_path(
        parent, "Back up to", Path.home() / f"{stem}-backup.db.age", "Backups (*.db *.age)", context.db.path
    )
    if not name:
        return None
    target = Path(name)
    if context.db.path is None or leaves_the_pc(target, context.db.path):
        passphrase = ask_passphrase(parent, "Encrypt the backup", SEAL_PURPOSE, confirm=True)
        if passphrase is None:
            return None
        target = sealed_name(target, ".db")
        written = run_operation(parent, "Backup", without_progress, backup_sealed, context.db, target, passphrase)
    else:
        written = run_operation(parent, "Backup", without_progress, backup_database, context.db, to=target)
    if written is not None:
        context.status_message.emit(f"Backup written and checked: {written}")
    return written
