"""The list every record page is made of: a table with search, New/Edit/Delete, undo and counts.

``RecordTable`` is one table of one store table (used for the main list of a page and for detail
lists such as a pairing's check-ins); ``RecordListPage`` is a page with a title, counts, a search
box and a main ``RecordTable``. Subclasses say which rows to load and how to describe them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from champion_desk.errors import ChampionDeskError
from champion_desk.ui.context import AppContext
from champion_desk.ui.dialogs.registry import open_record
from champion_desk.ui.messages import show_error
from champion_desk.ui.models.proxy import RecordFilterProxy, RowFilter
from champion_desk.ui.models.records import RecordTableModel, Row, format_date
from champion_desk.ui.pages.base import Page
from champion_desk.ui.pages.operations import DeletionHistory
from champion_desk.ui.widgets.fields import enable_clear_button

Prefill = Callable[[], "dict[str, Any] | None"]


class RecordTable(QWidget):
    """A sortable, searchable table of one kind of record, with New…, Edit… and Delete."""

    selection_changed = Signal()
    rows_loaded = Signal()

    def __init__(
        self,
        context: AppContext,
        table: str,
        model: RecordTableModel,
        deletions: DeletionHistory,
        noun: str,
        describe: Callable[[Row], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.table = table
        self.noun = noun
        self.describe = describe
        self.deletions = deletions
        self.prefill: Prefill = dict  # what a new record starts with; returning None means "cannot add now"
        # Why a saved record is not in the list, when the page knows better than "outside the period".
        self.explain_not_shown: Callable[[str], str | None] = lambda _record_id: None
        self.model = model
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(model)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName(f"{noun.capitalize()} list")
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # Size columns from the first rows only: measuring thousands of rows would delay the page.
        header.setResizeContentsPrecision(60)
        key, order = model.DEFAULT_SORT
        column = next((n for n, c in enumerate(model.COLUMNS) if c.key == key), 0)
        header.setSortIndicator(column, order)
        self.proxy.sort(column, order)
        self._sized = False
        # The list's width the columns were last fitted to; None once they are the user's (dragged
        # or remembered), which a resize then leaves alone.
        self._fitted_width: int | None = None
        self._fitting = False
        header.sectionResized.connect(self._on_section_resized)
        # Enter and double-click both emit ``activated``: both edit the record.
        self.view.activated.connect(lambda _index: self.edit_current())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)

        self.new_button = QPushButton(f"New {noun}…", self)
        self.new_button.setAccessibleName(f"New {noun}")
        self.new_button.clicked.connect(self.new_record)
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.setAccessibleName(f"Edit the selected {noun}")
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setAccessibleName(f"Delete the selected {noun}")
        self.delete_button.setToolTip("Delete the selected records (Delete key); Ctrl+Z undoes it")
        self.delete_button.clicked.connect(self.delete_selected)

        # Said inside the empty table, so an empty list never looks broken.
        self.empty_label = QLabel(self.view.viewport())
        self.empty_label.setObjectName("emptyHint")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        for signal in (
            self.proxy.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_empty)
        self.view.viewport().installEventFilter(self)

        self.bar = QHBoxLayout()
        self.bar.setContentsMargins(0, 0, 0, 0)
        self.bar.addStretch(1)
        for button in (self.new_button, self.edit_button, self.delete_button):
            self.bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.bar)
        layout.addWidget(self.view, 1)
        self._on_selection()
        self._update_empty()

    # --- empty state ---------------------------------------------------------------------------
    def empty_text(self) -> str:
        """Return what the empty table says: nothing logged yet, or nothing matching the search."""
        if self.model.rowCount():
            return f"No {self.model.NOUN[1]} match the search or filters."
        if not self.new_button.isEnabled():
            return ""
        return f"No {self.model.NOUN[1]} here yet.\nPress “New {self.noun}…” to add one."

    def _update_empty(self, *_: object) -> None:
        empty = self.proxy.rowCount() == 0
        self.empty_label.setText(self.empty_text() if empty else "")
        self.empty_label.setVisible(empty and bool(self.empty_label.text()))
        self.empty_label.setGeometry(self.view.viewport().rect().adjusted(20, 20, -20, -20))

    def eventFilter(self, watched, event) -> bool:  # Qt override: keep the hint centred on resize
        if watched is self.view.viewport() and event.type() == event.Type.Resize:
            self.empty_label.setGeometry(self.view.viewport().rect().adjusted(20, 20, -20, -20))
            if self._fitted_width not in (None, self.view.viewport().width()):
                # Fitted before the page had its final width (or the window was resized): fit again.
                QTimer.singleShot(0, self.fit_columns)
        return super().eventFilter(watched, event)

    # --- rows --------------------------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        """Show new rows, keeping the selection and the current record where they still exist."""
        keep = self.selected_ids()
        current = self.current_id()
        self.model.set_rows(rows)
        if not self._sized and rows:
            self._sized = True
            # After this event the view has its real width (the page may have only just been shown).
            QTimer.singleShot(0, self.fit_columns)
        self.select_ids(keep, current)
        self._on_selection()
        self._update_empty()
        self.rows_loaded.emit()

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        # The last column stretches with the list by itself; any other change not made here is the user's.
        if not self._fitting and column != self.model.columnCount() - 1:
            self._fitted_width = None

    def fit_columns(self) -> None:
        """Size columns to their contents; when they do not all fit, narrow only the text columns
        (names, notes), never below their header, so numbers and dates stay whole."""
        self._fitting = True
        try:
            self._fit_columns()
        finally:
            self._fitting = False
        self._fitted_width = self.view.viewport().width()

    def _fit_columns(self) -> None:
        self.view.resizeColumnsToContents()
        bold = QFont(self.view.horizontalHeader().font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        columns = self.model.COLUMNS
        # A header needs its bold title plus room for the sort arrow and padding.
        heads = [metrics.horizontalAdvance(col.title) + 26 for col in columns]
        wanted = [max(self.view.columnWidth(c) + 10, heads[c]) for c in range(len(columns))]
        main = next((c for c, col in enumerate(columns) if col.key == self.model.MAIN_COLUMN), None)
        # Beside a main column the other names may narrow further: the row is read by its title.
        narrowest = 110 if main is None else 80
        floors = [
            wanted[c] if col.kind not in ("name", "text") else max(heads[c], min(wanted[c], narrowest))
            for c, col in enumerate(columns)
        ]
        available = self.view.viewport().width() - 4
        bar = self.view.verticalScrollBar()
        if not bar.isVisible():
            # Rows usually arrive before the scroll bar shows: leave its room, or the list would
            # scroll sideways by what it takes.
            available -= bar.sizeHint().width()
        hidden = self._columns_left_out(columns, main, heads, wanted, floors, available)
        for c in range(len(columns)):
            self.view.setColumnHidden(c, c in hidden)
            if c in hidden:
                wanted[c] = floors[c] = heads[c] = 0
        if main is not None:
            others = sum(f for c, f in enumerate(floors) if c != main)
            floors[main] = max(heads[main], min(wanted[main], available - others, 360))
        cap = max(wanted, default=0)
        while cap > narrowest and sum(max(min(w, cap), f) for w, f in zip(wanted, floors)) > available:
            cap -= 10
        widths = [min(max(min(width, cap), floor), 360) for width, floor in zip(wanted, floors)]
        # The cap moves in steps of 10 px: what it leaves over the width comes off the widest other
        # text column (down to its header), so the list never scrolls sideways for a few pixels.
        shrinkable = [
            c for c, col in enumerate(columns) if col.kind in ("name", "text") and c != main and c not in hidden
        ]
        excess = sum(widths) - available
        for column in sorted(shrinkable, key=lambda c: -widths[c]):
            if excess <= 0:
                break
            cut = min(excess, widths[column] - heads[column])
            if cut > 0:
                widths[column] -= cut
                excess -= cut
        for column, width in enumerate(widths):
            if column not in hidden:
                self.view.setColumnWidth(column, width)

    def _columns_left_out(
        self, columns, main: int | None, heads: list[int], wanted: list[int], floors: list[int], available: int
    ) -> set[int]:
        """Return the columns to leave out so the main column keeps a third of a narrow list (see HIDE_WHEN_NARROW)."""
        hidden: set[int] = set()
        if main is None:
            return hidden
        readable = max(heads[main], min(wanted[main], available // 3))
        keys = [col.key for col in columns]
        for key in self.model.HIDE_WHEN_NARROW:
            others = sum(f for c, f in enumerate(floors) if c != main and c not in hidden)
            if others + readable <= available:
                break
            hidden.add(keys.index(key))
        return hidden

    def select_ids(self, record_ids: list[str], current: str | None = None) -> None:
        """Select the rows of these records (those still shown)."""
        selection = self.view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for record_id in record_ids:
            row = self.model.row_of(record_id)
            if row >= 0:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    selection.select(index, flags)
        target = current or (record_ids[0] if record_ids else None)
        row = self.model.row_of(target) if target else -1
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.view.scrollTo(index)

    def selected_rows(self) -> list[Row]:
        """Return the selected rows, in view order."""
        indexes = sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())
        return [self.proxy.row_at(i) for i in indexes]

    def selected_ids(self) -> list[str]:
        """Return the ids of the selected records."""
        return [r["id"] for r in self.selected_rows()]

    def current_row(self) -> Row | None:
        """Return the row with the keyboard focus (or the first selected), or None."""
        index = self.view.currentIndex()
        if index.isValid() and self.view.selectionModel().isRowSelected(index.row(), index.parent()):
            return self.proxy.row_at(index)
        rows = self.selected_rows()
        return rows[0] if rows else None

    def current_id(self) -> str | None:
        row = self.current_row()
        return row["id"] if row else None

    def _on_selection(self) -> None:
        selected = bool(self.view.selectionModel().selectedRows())
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.selection_changed.emit()

    # --- actions -----------------------------------------------------------------------------
    def new_record(self) -> str | None:
        """Open the form for a new record (with this table's prefill); select it once saved."""
        prefill = self.prefill()
        if prefill is None:
            return None
        saved = open_record(self.context, self, self.table, prefill=prefill or None)
        if saved:
            self._select_soon(saved)
        return saved

    def edit_current(self) -> str | None:
        """Open the form of the current record."""
        row = self.current_row()
        if row is None:
            return None
        return open_record(self.context, self, self.table, record_id=row["id"])

    def delete_selected(self) -> bool:
        """Tombstone the selected records (undoable); return True if something was deleted."""
        rows = self.selected_rows()
        if not rows:
            return False
        if len(rows) == 1:
            description = f"the {self.noun} {self.describe(rows[0])}"
        else:
            description = f"{len(rows)} {self.model.NOUN[1]}"
        try:
            self.deletions.delete(self.table, [r["id"] for r in rows], description)
        except ChampionDeskError as exc:
            show_error(self, "Not deleted", exc)
            return False
        return True

    def _select_soon(self, record_id: str) -> None:
        # The list reloads on the data_changed signal; select the saved record after that.
        QTimer.singleShot(0, lambda: self._select_saved(record_id))

    def _select_saved(self, record_id: str) -> None:
        row = self.model.row_of(record_id)
        if row < 0 or not self.proxy.mapFromSource(self.model.index(row, 0)).isValid():
            # Saved, but outside the period, units, tools, search or filters shown: say so.
            self.context.status_message.emit(
                self.explain_not_shown(record_id)
                or f"Saved. The {self.noun} is outside the period, search or filters shown, so it is not in this list."
            )
            return
        self.view.clearSelection()
        self.select_ids([record_id])

    # --- remembered layout ---------------------------------------------------------------------
    def header_state(self) -> QByteArray:
        return self.view.horizontalHeader().saveState()

    def restore_header_state(self, state: QByteArray | None) -> None:
        if state is not None and self.view.horizontalHeader().restoreState(state):
            self._sized = True
            self._fitted_width = None


class RecordListPage(Page):
    """A page listing one kind of record: title, counts, search (Ctrl+F), the table and its buttons."""

    table: ClassVar[str] = ""
    noun: ClassVar[str] = "record"
    model_class: ClassVar[type[RecordTableModel]] = RecordTableModel
    uses_scope: ClassVar[bool] = True
    lists_records: ClassVar[bool] = True
    intro: ClassVar[str] = ""
    filters_row: ClassVar[bool] = False  # True: search and filters above the table, buttons beside it

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent)
        self.deletions = deletions or DeletionHistory(context, self)
        self.records = RecordTable(
            context, self.table, self.model_class(self), self.deletions, self.noun, self.describe, self
        )
        self.records.prefill = self.prefill

        self.heading = QLabel(self.title, self)
        self.heading.setObjectName("pageTitle")
        self.heading.setAccessibleName(f"{self.title} page")
        self.counts = QLabel(self)
        self.counts.setObjectName("pageCounts")
        self.counts.setWordWrap(True)  # wraps rather than widening the page past a 1024 px screen
        self.counts.setAccessibleName(f"{self.title} counts")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(f"Search {self.model_class.NOUN[1]} (Ctrl+F)")
        self.search.setAccessibleName(f"Search {self.model_class.NOUN[1]}")
        self.search.setAccessibleDescription("Shortcut: Ctrl+F. Shows the rows holding every word typed.")
        self.search.setToolTip(f"Search the {self.model_class.NOUN[1]}: the rows holding every word typed (Ctrl+F)")
        enable_clear_button(self.search)
        self.search.setMinimumWidth(max(180, placeholder_width(self.search)))
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self.records.view.setFocus)
        self.records.proxy.rowsInserted.connect(self.update_counts)
        self.records.proxy.rowsRemoved.connect(self.update_counts)
        self.records.proxy.modelReset.connect(self.update_counts)
        self.records.proxy.layoutChanged.connect(self.update_counts)

        self._filter_combos: dict[str, QComboBox] = {}
        self.filter_bar = QHBoxLayout()
        self.filter_bar.setContentsMargins(0, 0, 0, 0)
        if self.filters_row:
            # Many filters: search and filters get a row of their own, so the page stays narrow.
            self.filter_bar.addWidget(self.search)
            self.filter_bar.addStretch(1)
        else:
            self.records.bar.insertWidget(0, self.search)
            self.records.bar.insertLayout(1, self.filter_bar)

        title_row = QHBoxLayout()
        title_row.addWidget(self.heading)
        title_row.addSpacing(12)
        title_row.addWidget(self.counts, 1, Qt.AlignmentFlag.AlignBottom)
        self.main_layout = QVBoxLayout(self)
        self.main_layout.addLayout(title_row)
        if self.filters_row:
            self.main_layout.addLayout(self.filter_bar)
        if self.intro:
            intro = QLabel(self.intro, self)
            intro.setObjectName("pageIntro")
            intro.setWordWrap(True)
            self.main_layout.addWidget(intro)
        self.body = self.build_body()
        self.main_layout.addWidget(self.body, 1)
        self.setTabOrder(self.search, self.records.view)

    # --- for subclasses ----------------------------------------------------------------------
    def build_body(self) -> QWidget:
        """Return the widget below the title: by default the main table alone."""
        return self.records

    def load_rows(self) -> list[Row]:
        """Return the rows to list (from ``domain.listings``)."""
        raise NotImplementedError

    def describe(self, row: Row) -> str:
        """Return how one record is named in "Deleted …" messages."""
        return ""

    def prefill(self) -> dict[str, Any] | None:
        """Return the values a new record starts with (None: cannot add one now)."""
        return {}

    def summary(self, rows: list[Row]) -> str:
        """Return the count line for all loaded rows, e.g. "128 concerns, 17 open"."""
        return self.records.model.count_text(rows)

    # --- behaviour ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.records.set_rows(self.load_rows())

    def update_counts(self, *_: object) -> None:
        """Show the counts; say how many are shown when a search or filter hides some."""
        rows = self.records.model.rows()
        text = self.summary(rows)
        shown = self.records.proxy.rowCount()
        if shown != len(rows):
            text += f" · {shown} shown"
        if self.uses_scope:
            text += f" · {self.period_text()}"
        self.counts.setText(text)

    def period_text(self) -> str:
        """Return what the count line says the list covers: by default the scope's period."""
        scope = self.context.scope
        return f"{format_date(scope.date_from.isoformat())} – {format_date(scope.date_to.isoformat())}"

    def add_filter(self, name: str, label: str, options: list[tuple[str, RowFilter | None]]) -> QComboBox:
        """Add a drop-down filter to the bar: each option is (text, row filter or None for all)."""
        combo = QComboBox(self)
        # Sized for short entries, so long ones (roles, units) never widen the page beyond the screen.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(7)  # four filters, search and a button fit a 1024 px screen
        combo.setAccessibleName(label)
        combo.setToolTip(label)
        for text, accepts in options:
            combo.addItem(text, accepts)
        combo.currentIndexChanged.connect(lambda n: self.records.proxy.set_filter(name, combo.itemData(n)))
        self.filter_bar.insertWidget(
            self.filter_bar.count() - 1 if self.filters_row else self.filter_bar.count(), combo
        )
        self._filter_combos[name] = combo
        return combo

    def apply_filters(self, filters: dict[str, Any]) -> None:
        """Show the records behind a chart bar or a suggestion (the dashboard's drill-down contract).

        "from"/"to"/"units"/"tools" become the shared scope; any other key chooses the option of this
        page's filter of that name whose text starts with the value ("theme": "job security" picks
        "Job security"); "stalled": True picks the stalled option. Filters not named are reset.
        """
        from champion_desk.domain.scope import Scope, parse_date

        if filters.get("from") and filters.get("to") and self.uses_scope:
            self.context.set_scope(
                Scope(
                    parse_date(filters["from"]),
                    parse_date(filters["to"]),
                    tuple(filters.get("units") or ()),
                    tuple(filters.get("tools") or ()),
                )
            )
        wanted = dict(filters)
        if wanted.pop("stalled", False):
            wanted["status"] = "stalled"
        for name, combo in self._filter_combos.items():
            value = wanted.get(name)
            index = 0
            if value is not None:
                index = next(
                    (i for i in range(combo.count()) if combo.itemText(i).lower().startswith(str(value).lower())), 0
                )
            combo.setCurrentIndex(index)

    def set_filter_options(self, name: str, options: list[tuple[str, RowFilter | None]]) -> None:
        """Replace a drop-down filter's options (e.g. units after a reload), keeping the chosen text."""
        combo = self._filter_combos[name]
        chosen = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        for text, accepts in options:
            combo.addItem(text, accepts)
        found = combo.findText(chosen)
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)
        self.records.proxy.set_filter(name, combo.currentData())

    def _on_search(self, text: str) -> None:
        self.records.proxy.set_search(text)

    def focus_search(self) -> None:
        """Put the cursor in the search box (Edit > Find, Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def select_record(self, record_id: str) -> None:
        """Select a record in the list (after clearing a search that would hide it)."""
        self.on_shown()
        if (
            self.records.model.row_of(record_id) >= 0
            and not self.records.proxy.mapFromSource(
                self.records.model.index(self.records.model.row_of(record_id), 0)
            ).isValid()
        ):
            self.search.clear()
        self.records.view.clearSelection()
        self.records.select_ids([record_id])

    def layout_tables(self) -> dict[str, RecordTable]:
        """Return the tables whose column layout is remembered, by a key unique within the page."""
        return {"main": self.records}


def placeholder_width(edit: QLineEdit) -> int:
    """Return the width a line edit needs to show its placeholder whole beside its clear button
    (a squeezed box cut "Search sessions… (Ctrl+F)" to "(Ct…", hiding the shortcut)."""
    style = edit.style()
    # Qt keeps room for the clear button even while it is hidden: an icon, its padding and margin.
    button = style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconSize, None, edit) + 6
    button += style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconMargin, None, edit)
    frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit)
    margins = edit.textMargins()
    # 2 px each side is QLineEdit's own inner margin around the text.
    text = edit.fontMetrics().horizontalAdvance(edit.placeholderText()) + 2 * 2 + margins.left() + margins.right()
    return text + button + 2 * frame + 2


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask a yes/no question; return True for yes."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
