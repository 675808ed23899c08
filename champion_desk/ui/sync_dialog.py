"""File › Sync with folder…: where each ward stands, and a sync with a USB stick or shared folder.

The sync runs on the app's own open logbook behind the cancellable progress dialog (ui.workers),
like a merge; the table lists every ward logbook this one knows of, red past the threshold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain.syncs import STALE_AFTER_DAYS, WardStatus, status_summary, sync_status, synced_ago
from champion_desk.errors import ChampionDeskError
from champion_desk.exchange.sync import SyncReport, default_ward_name, sync_folder
from champion_desk.store import syncing
from champion_desk.store.connection import logbook_identity
from champion_desk.store.records import pc_name
from champion_desk.ui.context import AppContext
from champion_desk.ui.messages import show_error
from champion_desk.ui.models.records import Column, RecordTableModel
from champion_desk.ui.settings import Settings

# The red resources/style.qss gives a broken rule beside its field: one red for "needs doing".
STALE_COLOUR = QColor("#d13438")


def _rows(wards: list[WardStatus]) -> list[dict[str, Any]]:
    return [
        {
            **w.as_dict(),
            "id": w.logbook_id,
            "ward": w.ward_name + (" (this logbook)" if w.is_this_logbook else ""),
            "last_merged": (w.last_merged_here or "")[:10] or None,
        }
        for w in wards
    ]


class SyncStatusTableModel(RecordTableModel):
    """Every ward logbook this one knows of (``exchange.sync.sync_status``); stale ones in red."""

    NOUN = ("ward", "wards")
    COLUMNS = (
        Column("ward", "Ward", "name"),
        Column("pc_name", "PC", "name"),
        Column(
            "days_ago",
            "Last synced",
            "int",
            f"When it last wrote its snapshot; red after {STALE_AFTER_DAYS} days",
            display=lambda r: synced_ago(r.get("days_ago")),
        ),
        Column("last_merged", "Merged here", "date", "When this logbook last merged its snapshot"),
        Column("rows_received", "Rows came across", "int", "Records it brought into this logbook, over all syncs"),
    )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # Qt override
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and self.row(index.row()).get("stale"):
            return QBrush(STALE_COLOUR)
        return super().data(index, role)


class SyncDialog(QDialog):
    """Choose the sync folder and this logbook's ward name, sync, and see where every ward stands."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.report: SyncReport | None = None
        self.setWindowTitle("Sync with folder")
        intro = QLabel(
            "Write this logbook into a sync folder (a USB stick, a shared drive, or a folder Syncthing or "
            "OneDrive keeps in step) and bring in every other ward's logbook found there. Each ward's file "
            "is merged whole or not at all; a damaged or another trust's file is skipped and left as it is. "
            "The folder then holds this whole logbook, concerns included: with the trust's sync passphrase "
            "it is encrypted, and only PCs given the same passphrase can read it.",
            self,
        )
        intro.setWordWrap(True)
        self.folder = QLineEdit(self)
        self.folder.setPlaceholderText("The sync folder")
        self.folder.setAccessibleName("Sync folder")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self.browse)
        self.ward = QLineEdit(self)
        self.ward.setAccessibleName("This logbook's ward name")
        self.ward.setPlaceholderText("the ward or unit this logbook is for, e.g. Cedar Ward")
        self.ward.setToolTip("The name other PCs see for this logbook (remembered)")
        form = QFormLayout()
        folder_row = QWidget(self)
        line = QHBoxLayout(folder_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.folder, 1)
        line.addWidget(browse)
        form.addRow("Sync &folder:", folder_row)
        form.addRow("This &ward:", self.ward)
        # Typed each time, never remembered: settings on a shared PC are readable by every login.
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Sync passphrase")
        self.passphrase.setPlaceholderText("the trust's sync passphrase (encrypts the files)")
        form.addRow("Pass&phrase:", self.passphrase)
        self.model = SyncStatusTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Where each ward stands")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setAccessibleName("What the last sync did, file by file")
        self.log.setPlaceholderText("What the sync did, file by file, appears here.")
        self.log.setMaximumHeight(130)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.sync_button = buttons.addButton("&Sync now", QDialogButtonBox.ButtonRole.ActionRole)
        self.sync_button.clicked.connect(self.sync)
        buttons.rejected.connect(self.reject)
        if context.db.readonly:
            self.sync_button.setEnabled(False)
            self.sync_button.setToolTip("This logbook is open read-only: a sync writes into it.")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.log)
        layout.addWidget(buttons)
        self.ward.setText(self._ward_name())
        if settings is not None and settings.sync_folder is not None:
            self.folder.setText(str(settings.sync_folder))
        self.refresh()
        self.resize(760, 560)

    def _ward_name(self) -> str:
        """Return the ward name to offer: the one this logbook last synced as, else the unit of whoever
        is logging, else the logbook's only unit; else '' (the field's prompt asks for it)."""
        db = self.context.db
        own = syncing.own_row(db.conn, logbook_identity(db.conn))
        # A name equal to the PC that wrote it was the old default (the PC's name), never chosen.
        if own is not None and own.ward_name.casefold() != (own.pc_name or "").casefold():
            return own.ward_name
        user = self.context.current_user
        if user and user.get("unit"):
            return user["unit"]
        only_unit = default_ward_name(db)  # the only unit's name, else this PC's, which names no ward
        return "" if only_unit == pc_name() else only_unit

    def refresh(self) -> None:
        """Show where every ward stands now."""
        wards = sync_status(self.context.db)
        self.model.set_rows(_rows(wards))
        self.summary.setText(
            status_summary(wards) or "This logbook has never synced. Choose the folder and press Sync now."
        )

    def browse(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Choose the sync folder", self.folder.text() or str(Path.home()))
        if name:
            self.folder.setText(name)

    def sync(self) -> None:
        """Run the sync behind the progress dialog, then show its lines and the new status."""
        from champion_desk.ui.workers import OperationCancelled, run_with_progress

        text = self.folder.text().strip()
        if not text:
            self.folder.setFocus()
            return
        ward = self.ward.text().strip()
        if not ward:
            # Other PCs list this logbook by it: a guess (the PC's name) would name no ward.
            show_error(
                self,
                "Sync: not done",
                ChampionDeskError(
                    "This ward: type the ward or unit this logbook is for; other PCs list it by that name."
                ),
            )
            self.ward.setFocus()
            return
        passphrase = self.passphrase.text() or None
        if passphrase is not None:
            from champion_desk.errors import ValidationError
            from champion_desk.store.sealed import check_passphrase

            try:
                check_passphrase(passphrase)
            except ValidationError as exc:
                show_error(self, "Sync: not done", exc)
                self.passphrase.setFocus()
                return
        operation = run_with_progress(
            self,
            "Syncing",
            sync_folder,
            self.context.db,
            Path(text),
            self.context.actor,
            ward_name=ward,
            label="Writing this logbook and merging the other wards' files…",
            passphrase=passphrase,
        )
        try:
            self.report = operation.wait()
        except OperationCancelled:
            QMessageBox.information(
                self,
                "Sync",
                "Cancelled. Ward files merged before you pressed Cancel stay merged; the one under way was not merged.",
            )
            self.report = None
            self.context.data_changed.emit("*")
        except (ChampionDeskError, OSError) as exc:
            show_error(
                self, "Sync: not done", exc if isinstance(exc, ChampionDeskError) else ChampionDeskError(str(exc))
            )
            return
        if self.settings is not None:
            self.settings.sync_folder = Path(text)  # a USB stick mounts at the same place next week
        if self.report is not None:
            plain = (
                []
                if passphrase
                else ["Written unencrypted: type the trust's sync passphrase to encrypt this logbook's file."]
            )
            self.log.setPlainText("\n".join(plain + self.report.text_lines()))
            if self.report.merged:
                self.context.data_changed.emit("*")
        self.refresh()
