"""The list every record page is made of: a table with search, New/Edit/Delete, undo and counts.

``RecordTable`` is one table of one store table (used for the main list of a page and for detail
lists such as a pairing's check-ins); ``RecordListPage`` is a page with a title, counts, a search
box and a main ``RecordTable``. Subclasses say which rows to load and how to describe them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetricsF, QKeySequence, QShortcut
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

TEXT_KINDS = ("name", "text", "prose")
MAX_COLUMN = 360  # no text column wider: a long title or note is read whole in its form or tooltip
PROSE_FLOOR = 110  # the start of a title or note, enough to tell rows apart
SORT_ONLY = "sort-only:"  # a remembered layout that keeps only the sort: "sort-only:COLUMN:ORDER"


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
        # The columns are the user's once dragged (or remembered so): then nothing here resizes them.
        self._user_sized = False
        # The list's width the columns were last fitted to (None before the first fit).
        self._fitted_width: int | None = None
        self._fitting = False
        header.sectionResized.connect(self._on_section_resized)
        # The sorted column's title needs room for the arrow: fit again, unless the user sized them.
        header.sortIndicatorChanged.connect(lambda *_: self._fitted_width is not None and self._refit())
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
                QTimer.singleShot(0, self._refit)
        return super().eventFilter(watched, event)

    # --- rows --------------------------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        """Show new rows, keeping the selection and the current record where they still exist."""
        keep = self.selected_ids()
        current = self.current_id()
        self.model.set_rows(rows)
        if rows:
            # New rows may be wider (a planned session's date, a longer name). After this event the
            # view has its real width (the page may have only just been shown).
            QTimer.singleShot(0, self._refit)
        self.select_ids(keep, current)
        self._on_selection()
        self._update_empty()
        self.rows_loaded.emit()

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        # The last column shown stretches with the list by itself, and Qt reports a column left out
        # (hidden) later as sized to 0; any other change not made here is the user's.
        if self._fitting or column == self._last_shown_column() or self.view.isColumnHidden(column):
            return
        self._user_sized = True

    def _last_shown_column(self) -> int:
        header = self.view.horizontalHeader()
        shown = [
            header.logicalIndex(v) for v in range(header.count()) if not header.isSectionHidden(header.logicalIndex(v))
        ]
        return shown[-1] if shown else -1

    def _refit(self) -> None:
        if not self._user_sized and self.model.rowCount():
            self.fit_columns()

    def fit_columns(self) -> None:
        """Size the columns to the screen: numbers and dates take their content's width, names take
        theirs whole; when they do not all fit, the model's HIDE_WHEN_NARROW columns are left out
        (their record's form shows them) before any name is cut short."""
        self._fitting = True
        try:
            self._fit_columns()
        finally:
            self._fitting = False
        self._fitted_width = self.view.viewport().width()

    def _fit_columns(self) -> None:
        view = self.view
        columns = self.model.COLUMNS
        count = len(columns)
        # Qt measures a hidden column's title as 0 px: show them all to measure, hide again below.
        for c in range(count):
            view.setColumnHidden(c, False)
        heads = self._header_widths()
        cells = [self._cells_width(c) for c in range(count)]
        needs = [
            max(heads[c], min(cells[c], MAX_COLUMN) if col.kind in TEXT_KINDS else cells[c])
            for c, col in enumerate(columns)
        ]
        main = next((c for c, col in enumerate(columns) if col.key == self.model.MAIN_COLUMN), None)
        available = view.viewport().width()
        bar = view.verticalScrollBar()
        if not bar.isVisible():
            # Rows usually arrive before the scroll bar shows: leave its room, or the list would
            # scroll sideways by what it takes.
            available -= bar.sizeHint().width()
        # What each column must have to be read: all of a number, date or name; of a title or note
        # (prose) a short start; the main column a third of the list, or all of it if less.
        floors = [
            max(heads[c], min(needs[c], available // 3))
            if c == main
            else max(heads[c], min(needs[c], PROSE_FLOOR))
            if col.kind == "prose"
            else needs[c]
            for c, col in enumerate(columns)
        ]
        hidden = self._columns_left_out(floors, available)
        shown = [c for c in range(count) if c not in hidden]
        widths = dict.fromkeys(range(count), 0)
        if sum(floors[c] for c in shown) <= available:
            # Everything readable fits: titles and notes take what is left, the main one first.
            widths.update({c: floors[c] for c in shown})
            spare = available - sum(widths.values())
            for c in sorted(shown, key=lambda c: c != main):
                grow = min(needs[c] - widths[c], spare)
                if grow > 0:
                    widths[c] += grow
                    spare -= grow
        else:
            widths.update(self._squeeze({c: needs[c] for c in shown}, heads, main, available))
        for c in range(count):
            view.setColumnHidden(c, c in hidden)
            if c not in hidden:
                view.setColumnWidth(c, widths[c])

    def _cells_width(self, column: int) -> int:
        """Return the width that shows every row's text in a column whole.

        Qt measures only the rows around those on screen (60 here, so a page opens fast on a trust's
        logbook); the widest of all the column's texts is measured too, with the room the item
        delegate leaves around text (a focus-frame margin and a pixel, either side) and the grid line.
        """
        view = self.view
        metrics = QFontMetricsF(view.font())
        widest = max((metrics.horizontalAdvance(text) for text in self.model.column_texts(column)), default=0.0)
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        grid = 1 if view.showGrid() else 0
        return max(view.sizeHintForColumn(column), math.ceil(widest) + 2 * margin + grid)

    def _header_widths(self) -> list[int]:
        """Return the width each column's title needs whole, as Qt measures it with the app's style
        sheet: the room for the sort arrow only on the sorted column (Qt's own hint keeps it on
        every column, some 25 px each of a 756 px list)."""
        header = self.view.horizontalHeader()
        sorted_column = header.sortIndicatorSection() if header.isSortIndicatorShown() else -1
        with_arrow = [header.sectionSizeHint(c) for c in range(header.count())]
        blocked = header.blockSignals(True)
        header.setSortIndicatorShown(False)
        plain = [header.sectionSizeHint(c) for c in range(header.count())]
        header.setSortIndicatorShown(True)
        header.blockSignals(blocked)
        return [with_arrow[c] if c == sorted_column else plain[c] for c in range(header.count())]

    def _columns_left_out(self, floors: list[int], available: int) -> set[int]:
        """Return the columns to leave out, in HIDE_WHEN_NARROW's order (a group of keys goes
        together), until the rest fit readable."""
        keys = [col.key for col in self.model.COLUMNS]
        groups = [
            {keys.index(key) for key in ((entry,) if isinstance(entry, str) else entry)}
            for entry in self.model.HIDE_WHEN_NARROW
        ]

        def fits(hidden: set[int]) -> bool:
            return sum(f for c, f in enumerate(floors) if c not in hidden) <= available

        left_out: list[set[int]] = []
        for group in groups:
            if fits(set().union(*left_out)):
                break
            left_out.append(group)
        # Leaving out a wide column may make room for a narrower one left out before it.
        for group in reversed(left_out[:-1]):
            rest = [g for g in left_out if g is not group]
            if fits(set().union(*rest)):
                left_out = rest
        return set().union(*left_out)

    def _squeeze(self, widths: dict[int, int], heads: list[int], main: int | None, available: int) -> dict[int, int]:
        """Return widths cut to fit as far as titles allow: prose first, then the widest names
        alike, then the main column; none below its title."""
        columns = self.model.COLUMNS
        prose = [c for c in widths if columns[c].kind == "prose" and c != main]
        names = [c for c in widths if columns[c].kind in ("name", "text") and c != main]
        for group in (prose, names, [main] if main in widths else []):
            excess = sum(widths.values()) - available
            if excess <= 0:
                break
            if not group:
                continue

            # The largest cap at which the group gives up the excess (all it can, if it cannot).
            def given(cap: int, group: list[int] = group) -> int:
                return sum(widths[c] - max(min(widths[c], cap), heads[c]) for c in group)

            low, high = 0, max(widths[c] for c in group)
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if given(middle) >= excess else (low, middle - 1)
            widths.update({c: max(min(widths[c], low), heads[c]) for c in group})
        return widths

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
        """Return what to remember of the columns: all of their layout once the user sized them;
        otherwise only the sort, so they fit the rows and the screen afresh next time (a layout
        fitted to one list would keep its left-out columns hidden on a wider screen)."""
        header = self.view.horizontalHeader()
        if self._user_sized:
            return header.saveState()
        order = header.sortIndicatorOrder().value
        return QByteArray(f"{SORT_ONLY}{header.sortIndicatorSection()}:{order}".encode())

    def restore_header_state(self, state: QByteArray | None) -> None:
        if state is None:
            return
        text = bytes(state.data())
        if text.startswith(SORT_ONLY.encode()):
            try:
                column, order = (int(part) for part in text[len(SORT_ONLY) :].split(b":"))
            except ValueError:
                return
            if 0 <= column < self.model.columnCount():
                sort_order = Qt.SortOrder(order)
                self.view.horizontalHeader().setSortIndicator(column, sort_order)
                self.proxy.sort(column, sort_order)
        elif self.view.horizontalHeader().restoreState(state):
            self._user_sized = True


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
