"""Dialogs for File → Export…, Merge a ward database… and Restore from backup….

Each dialog gathers plain values, runs an exchange/store operation off the UI thread behind a
cancellable progress dialog (ui.workers), and tells the context what changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from champion_desk.errors import ChampionDeskError
from champion_desk.ui.context import AppContext
from champion_desk.ui.messages import show_error
from champion_desk.ui.screen_fit import fit_to_screen


def run_operation(parent: QWidget, title: str, fn: Any, *args: Any, **kwargs: Any) -> Any | None:
    """Run ``fn`` behind the progress dialog; return its result, or None after showing why it stopped."""
    from champion_desk.ui.workers import OperationCancelled, run_with_progress

    try:
        return run_with_progress(parent, title, fn, *args, **kwargs).wait()
    except OperationCancelled:
        QMessageBox.information(parent, title, "Cancelled: nothing was changed.")
    except ChampionDeskError as exc:
        show_error(parent, f"{title}: not done", exc)
    except OSError as exc:
        show_error(parent, f"{title}: not done", ChampionDeskError(str(exc)))
    return None


def sealed_name(path: Path, inner: str) -> Path:
    """Return ``path`` named as a sealed file holding an ``inner`` file (``export.xlsx.age``, ``export.zip.age``)."""
    from champion_desk.store.sealed import SUFFIX

    if path.name.endswith(SUFFIX):
        return path
    return path.with_name((path.stem if path.suffix.lower() == inner else path.name) + inner + SUFFIX)


def passphrase_to_open(parent: QWidget, path: Path) -> tuple[bool, str | None]:
    """For a sealed ``path``, ask its passphrase: return (go on?, passphrase); a plain file needs none."""
    from champion_desk.store.sealed import is_sealed
    from champion_desk.ui.passphrase_dialog import OPEN_PURPOSE, ask_passphrase

    if not is_sealed(path):
        return True, None
    passphrase = ask_passphrase(parent, "Encrypted file", OPEN_PURPOSE.format(name=path.name), confirm=False)
    return passphrase is not None, passphrase


def _file_row(parent: QWidget, placeholder: str, browse: Any) -> tuple[QHBoxLayout, QLineEdit]:
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(placeholder)
    button = QPushButton("Browse…", parent)
    button.clicked.connect(browse)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row, edit


class ExportDialog(QDialog):
    """Choose Excel or CSV and where; export every table's live records."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result: Any = None
        self.setWindowTitle("Export for Excel")
        intro = QLabel(
            "Export every table's current records (deleted ones are left out) for analysis in Excel "
            "or another tool. The export is fit to share with a manager: only champions are named, "
            "concern text and notes are left empty, and the audit log and who raised each concern "
            "are never exported.",
            self,
        )
        intro.setWordWrap(True)
        self.full = QCheckBox(
            # Short enough for a 1024 px screen; the tooltip says what the manager's copy leaves out.
            "Full copy: every name, concern text and notes (encrypted with a passphrase)",
            self,
        )
        self.full.setToolTip(
            "Unticked, the export is fit for a manager: only champions are named and concern text is left empty."
        )
        self.xlsx = QRadioButton("One Excel workbook (.xlsx), a sheet per table", self)
        self.csv = QRadioButton("A folder of CSV files, one per table (staff.csv, unit.csv, …)", self)
        self.xlsx.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.xlsx)
        group.addButton(self.csv)
        row, self.path = _file_row(self, "Where to save the export", self.browse)
        home = Path.home()
        self.path.setText(str(home / "champion-desk-export.xlsx"))
        self.xlsx.toggled.connect(self._format_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.xlsx, self.csv):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.full)
        layout.addWidget(buttons)
        self.setMinimumSize(660, 280)  # room for the wrapped introduction on every platform font

    def fmt(self) -> str:
        return "xlsx" if self.xlsx.isChecked() else "csv"

    def _format_changed(self) -> None:
        path = Path(self.path.text() or Path.home() / "champion-desk-export")
        self.path.setText(str(path.with_suffix(".xlsx") if self.fmt() == "xlsx" else path.with_suffix("")))

    def browse(self) -> None:
        from champion_desk.ui.widgets.save_path import ask_save_path

        if self.fmt() == "xlsx":
            name = ask_save_path(
                self, "Save the workbook as", self.path.text(), "Excel workbook (*.xlsx)", self.context.db.path
            )
        else:
            name = ask_save_path(
                self, "Choose a folder for the CSV files", self.path.text(), "", self.context.db.path, folder=True
            )
        if name:
            self.path.setText(name)

    def export(self) -> None:
        from champion_desk.exchange.export import export_database
        from champion_desk.ui.passphrase_dialog import SEAL_PURPOSE, ask_passphrase

        if not self.path.text().strip():
            return
        out = Path(self.path.text().strip())
        passphrase = None
        if self.full.isChecked():
            # Everyone's name and the concerns' text: it is sealed into one file, whatever the format.
            passphrase = ask_passphrase(self, "Encrypt the full export", SEAL_PURPOSE, confirm=True)
            if passphrase is None:
                return
            out = sealed_name(out, ".xlsx" if self.fmt() == "xlsx" else ".zip")
        self.result = run_operation(
            self,
            "Export",
            export_database,
            self.context.db,
            out,
            self.fmt(),
            full=self.full.isChecked(),
            passphrase=passphrase,
            actor=self.context.actor,
        )
        if self.result is not None:
            total = sum(self.result.counts.values())
            sealed_note = (
                "\n\nIt is encrypted: open it with Champion Desk's unseal command or the age tool, and the passphrase."
                if passphrase
                else ""
            )
            QMessageBox.information(self, "Export", f"Exported {total:,} records to {self.result.path}.{sealed_note}")
            self.context.status_message.emit(f"Exported to {self.result.path}.")
            self.accept()


class MergeDialog(QDialog):
    """Choose another ward's file, preview what would change (a dry run), then merge."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.preview_report: Any = None
        self.report: Any = None
        # Asked when the file is checked, kept for the merge that follows; never stored.
        self.passphrase: str | None = None
        self.setWindowTitle("Merge a ward database")
        intro = QLabel(
            "Bring another ward PC's Champion Desk file into this one. The other file is only read, "
            "never changed. Records edited on both PCs keep the newest edit; units and tools entered on "
            "both with the same name become one, and so do colleagues with the same staff number "
            "(two colleagues who only share a name stay two people).",
            self,
        )
        intro.setWordWrap(True)
        row, self.path = _file_row(self, "The other ward's database file (.db)", self.browse)
        self.check_button = QPushButton("Check the file", self)
        self.check_button.clicked.connect(self.check)
        self.status = QLabel("Choose the file, then press Check the file to see what would change.", self)
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setAccessibleName("What the merge would change")
        self.table.setHorizontalHeaderLabels(["Table", "Added", "Updated", "Deleted", "Merged duplicates"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The table names take the room left; each count column is as wide as its heading ("Merged duplicates").
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.merge_button = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.path.textChanged.connect(lambda: self.merge_button.setEnabled(False))
        fit_to_screen(self, QSize(660, 640))

    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Choose the other ward's database",
            str(Path.home()),
            "Champion Desk databases (*.db *.sqlite *.age);;All files (*)",
        )
        if name:
            self.path.setText(name)
            self.check()

    def _show(self, report: Any) -> None:
        from champion_desk.exchange.merge import ORDER

        rows = [t for t in ORDER if any(vars(report.counts[t]).values())]
        self.table.setRowCount(len(rows))
        for r, table in enumerate(rows):
            c = report.counts[table]
            for col, value in enumerate((table.replace("_", " "), c.added, c.updated, c.deleted, c.reconciled)):
                item = QTableWidgetItem(f"{value:,}" if isinstance(value, int) else value)
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)

    def check(self) -> None:
        from champion_desk.exchange.merge import merge_database

        text = self.path.text().strip()
        if not text:
            return
        go_on, self.passphrase = passphrase_to_open(self, Path(text))
        if not go_on:
            return
        self.preview_report = run_operation(
            self,
            "Checking the other file",
            merge_database,
            self.context.db,
            Path(text),
            self.context.actor,
            dry_run=True,
            passphrase=self.passphrase,
        )
        if self.preview_report is None:
            self.status.setText("The file was not merged (see the message).")
            return
        # A merge that changes nothing may still fold the other file's duplicate units into ours
        # again; counting those under "Nothing to merge" read as a contradiction.
        if self.preview_report.changed:
            self._show(self.preview_report)
        else:
            self.table.setRowCount(0)
        if self.preview_report.changed:
            merged = any(c.reconciled for c in self.preview_report.counts.values())
            self.status.setText(
                "The file passed its checks. This is what merging it would change "
                "(nothing has been written yet). Press Merge to go ahead; a backup is taken first."
                + (" Updated includes records moved onto a unit, tool or colleague that became one." if merged else "")
            )
        else:
            self.status.setText("Nothing to merge: this database already holds everything in that file.")
        self.merge_button.setEnabled(self.preview_report.changed)

    def merge(self) -> None:
        from champion_desk.exchange.merge import merge_database

        self.report = run_operation(
            self,
            "Merging",
            merge_database,
            self.context.db,
            Path(self.path.text().strip()),
            self.context.actor,
            passphrase=self.passphrase,
        )
        if self.report is None:
            return
        self._show(self.report)
        self.context.notify_changed("*")
        self.context.status_message.emit(f"Merged {Path(self.path.text()).name}.")
        backup = (
            f" A backup of the database as it was before: {self.report.backup.name} (in the backups folder)."
            if self.report.backup
            else ""
        )
        QMessageBox.information(self, "Merge", f"Merged.{backup}")
        self.accept()


class RestoreDialog(QDialog):
    """Pick a backup (newest first) or another file; it is checked, the current one backed up, then restored."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from champion_desk.store.backups import default_backup_dir, list_backups

        self.context = context
        self.restored_from: Path | None = None
        self.setWindowTitle("Restore from backup")
        intro = QLabel(
            "Replace everything in this database with a backup. The database as it is now is backed up "
            "first, so a restore can itself be undone by restoring that backup.",
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Backups, newest first")
        folder = default_backup_dir(context.db.path) if context.db.path else None
        for backup in list_backups(folder, context.db.path.stem) if folder else []:
            when = backup.taken_at.astimezone().strftime("%a %d %b %Y, %H:%M")
            reason = backup.reason.replace("-", " ")
            item = QListWidgetItem(f"{when} — {reason} ({backup.size / 1024 / 1024:.1f} MB)")
            item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        other = QPushButton("Another file…", self)
        other.clicked.connect(self.choose_file)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = buttons.addButton("Restore…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(self.list.count() > 0)
        self.list.currentRowChanged.connect(lambda row: self.restore_button.setEnabled(row >= 0))
        buttons.accepted.connect(self.restore)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        empty = QLabel(
            f"No backups yet in {folder}." if self.list.count() == 0 else "Backups beside this database:", self
        )
        layout.addWidget(empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(other, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(560, 420))

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a backup file",
            str(Path.home()),
            "Champion Desk databases (*.db *.sqlite *.age);;All files (*)",
        )
        if name:
            self.restore(Path(name))

    def restore(self, path: Path | None = None) -> None:
        from champion_desk.store.database import open_database
        from champion_desk.store.foreign import restore_database

        if path is None:
            item = self.list.currentItem()
            if item is None:
                return
            path = Path(item.data(Qt.ItemDataRole.UserRole))
        answer = QMessageBox.question(
            self,
            "Restore from backup",
            f"Replace everything in this database with {path.name}?\n\nChanges made since that backup will be "
            "gone from this database (they stay in the backup taken now, just before restoring).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        go_on, passphrase = passphrase_to_open(self, path)
        if not go_on:
            return
        previous = run_operation(
            self,
            "Restoring",
            without_progress,
            restore_database,
            self.context.db,
            path,
            passphrase=passphrase,
            actor=self.context.actor,
        )
        if previous is None:
            return
        # Reopen on a fresh connection; closing the old one first checkpoints its WAL into the file.
        old = self.context.db
        old.close()
        self.context.set_database(open_database(old.path))
        self.restored_from = path
        self.context.status_message.emit(
            f"Restored from {path.name}; the previous contents are in {Path(previous).name}."
        )
        QMessageBox.information(
            self, "Restore", f"Restored from {path.name}.\n\nThe database as it was is in {previous}."
        )
        self.accept()


def without_progress(fn: Any, *args: Any, progress: Any = None, **kwargs: Any) -> Any:
    """Call ``fn`` for run_with_progress when it has no steps to count (a restore, a VACUUM): a busy bar shows."""
    return fn(*args, **kwargs)
