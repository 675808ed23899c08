"""A list page whose selected record has records of its own below it (a pairing's check-ins, a tool's rollout)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from champion_desk.ui.context import AppContext
from champion_desk.ui.models.records import RecordTableModel, Row
from champion_desk.ui.pages.operations import DeletionHistory
from champion_desk.ui.pages.record_list import RecordListPage, RecordTable


class MasterDetailPage(RecordListPage):
    """The main list on top; below it, the ``detail_table`` records of the selected main record."""

    detail_table: ClassVar[str] = ""
    detail_noun: ClassVar[str] = ""
    detail_model_class: ClassVar[type[RecordTableModel]] = RecordTableModel
    detail_key: ClassVar[str] = ""  # the detail record's field pointing at the main record

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent, deletions)
        self.records.selection_changed.connect(self.refresh_detail)
        self.records.rows_loaded.connect(self.refresh_detail)
        self.refresh_detail()

    def build_body(self) -> QWidget:
        self.detail = RecordTable(
            self.context,
            self.detail_table,
            self.detail_model_class(self),
            self.deletions,
            self.detail_noun,
            self.describe_detail,
            self,
        )
        self.detail.prefill = self._detail_prefill
        self.detail.view.setSortingEnabled(True)
        self.detail_heading = QLabel(self)
        self.detail_heading.setObjectName("sectionTitle")
        self.detail.bar.insertWidget(0, self.detail_heading)
        holder = QWidget(self)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 6, 0, 0)
        box.addWidget(self.detail)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName(f"{self.name}Splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.records)
        self.splitter.addWidget(holder)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        return self.splitter

    def refresh_detail(self) -> None:
        """Show the detail records of the current main record (none when nothing is selected)."""
        row = self.records.current_row()
        rows = self.load_detail(row) if row else []
        self.detail.set_rows(rows)
        self.detail_heading.setText(self.detail_title(row))
        self.detail.new_button.setEnabled(row is not None)
        self.detail._update_empty()

    def _detail_prefill(self) -> dict | None:
        row = self.records.current_row()
        return {self.detail_key: row["id"]} if row else None

    # --- for subclasses ----------------------------------------------------------------------
    def load_detail(self, row: Row) -> list[Row]:
        raise NotImplementedError

    def detail_title(self, row: Row | None) -> str:
        raise NotImplementedError

    def describe_detail(self, row: Row) -> str:
        return ""

    def layout_tables(self) -> dict[str, RecordTable]:
        return {"main": self.records, "detail": self.detail}
