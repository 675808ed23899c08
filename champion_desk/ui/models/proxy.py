"""The proxy in front of every list: free-text search, named row filters, sorting by ``SORT_ROLE``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from champion_desk.ui.models.records import SORT_ROLE, RecordTableModel, Row, fold

RowFilter = Callable[[Row], bool]


class RecordFilterProxy(QSortFilterProxyModel):
    """Shows the rows of a RecordTableModel matching every search word and every filter."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._filters: dict[str, RowFilter] = {}
        self.setSortRole(SORT_ROLE)  # kept for views that sort through Qt; ``sort`` below is what runs

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # Qt override
        # The source model sorts itself, much faster; this proxy keeps the source order.
        self._sort_column, self._sort_order = column, order
        self.record_model().sort(column, order)

    def sortColumn(self) -> int:  # Qt override: what the view shows as sorted
        return getattr(self, "_sort_column", -1)

    def sortOrder(self) -> Qt.SortOrder:  # Qt override
        return getattr(self, "_sort_order", Qt.SortOrder.AscendingOrder)

    def record_model(self) -> RecordTableModel:
        """Return the source model."""
        return self.sourceModel()  # type: ignore[return-value]

    def set_search(self, text: str) -> None:
        """Show only rows whose text holds every word of ``text`` (any case, accents ignored)."""
        words = fold(text).split()
        if words != self._words:
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_filter(self, name: str, accepts: RowFilter | None) -> None:
        """Add or replace (None removes) a named row filter, e.g. ``("unit", lambda r: ...)``."""
        self.beginFilterChange()
        if accepts is None:
            self._filters.pop(name, None)
        else:
            self._filters[name] = accepts
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def visible_rows(self) -> list[Row]:
        """Return the rows currently shown, in view order."""
        model = self.record_model()
        return [model.row(self.mapToSource(self.index(n, 0)).row()) for n in range(self.rowCount())]

    def row_at(self, index: QModelIndex) -> Row:
        """Return the row dict behind a proxy index."""
        return self.record_model().row(self.mapToSource(index).row())

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:  # Qt override
        model = self.record_model()
        if self._words:
            text = model.search_text(source_row)
            if not all(word in text for word in self._words):
                return False
        if self._filters:
            row = model.row(source_row)
            return all(accepts(row) for accepts in self._filters.values())
        return True

    def filter_names(self) -> list[str]:
        """Return the names of the active filters."""
        return list(self._filters)


def equals(key: str, value: Any) -> RowFilter:
    """Return a filter accepting rows whose ``key`` equals ``value``."""
    return lambda row: row.get(key) == value
