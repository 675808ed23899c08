"""The scope bar above the list pages: period (presets or custom dates), units and tools."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from champion_desk.domain import dates, listings
from champion_desk.domain.scope import Scope, months_before
from champion_desk.errors import ValidationError
from champion_desk.ui.context import AppContext
from champion_desk.ui.widgets.fields import DateField

# Preset key → label; the dates are computed from today when chosen.
PRESETS: tuple[tuple[str, str], ...] = (
    ("3m", "Last 3 months"),
    ("6m", "Last 6 months"),
    ("12m", "Last 12 months"),
    # Whole calendar months, as the briefing covers them: the lists then count what the PDF prints.
    ("1mw", "Last whole month"),
    ("3mw", "Last 3 whole months"),
    ("ytd", "Year to date"),
    ("all", "All time"),
    ("custom", "Custom dates"),
)


def earliest_record_date(db) -> dt.date | None:
    """Return the earliest date any logged record carries (for "All time"), or None when empty."""
    sql = " UNION ALL ".join(
        f"SELECT min({column}) AS d FROM {table} WHERE deleted_at IS NULL"
        for table, column in (
            ("training_session", "held_on"),
            ("incident", "occurred_on"),
            ("pairing", "started_on"),
            ("pulse", "taken_on"),
            ("story", "told_on"),
            ("idea", "raised_on"),
        )
    )
    found = [r["d"] for r in db.query(sql) if r["d"]]
    return dt.date.fromisoformat(min(found)) if found else None


def preset_dates(key: str, today: dt.date, earliest: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Return (from, to) for a preset key ("3m", "6m", "12m", "1mw", "3mw", "ytd", "all")."""
    if key in ("1mw", "3mw"):
        end = today.replace(day=1) - dt.timedelta(days=1)
        start = end.replace(day=1)
        for _ in range(int(key[0]) - 1):
            start = (start - dt.timedelta(days=1)).replace(day=1)
        return start, end
    if key == "ytd":
        return dt.date(today.year, 1, 1), today
    if key == "all":
        return min(earliest or today, today), today
    months = {"3m": 3, "6m": 6, "12m": 12}[key]
    return months_before(today, months) + dt.timedelta(days=1), today


class NamePicker(QToolButton):
    """A drop-down of checkable names (units or tools); nothing checked means all of them."""

    selection_changed = Signal()

    def __init__(self, all_label: str, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.all_label, self.noun = all_label, noun
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setAccessibleName(f"Choose {noun}")
        self.setToolTip(f"Limit the lists to some {noun} (none ticked: all {noun})")
        self._menu = QMenu(self)
        self.setMenu(self._menu)
        self._actions: dict[str, QAction] = {}
        self.set_names([])

    def set_names(self, names: list[str], chosen: tuple[str, ...] = ()) -> None:
        """Offer these names, ticking ``chosen``."""
        self._menu.clear()
        every = self._menu.addAction(self.all_label)
        every.triggered.connect(lambda: self.set_chosen(()))
        self._menu.addSeparator()
        self._actions = {}
        for name in names:
            action = self._menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in chosen)
            action.toggled.connect(lambda _checked: self._changed())
            self._actions[name] = action
        self._update_text()

    def chosen(self) -> tuple[str, ...]:
        """Return the ticked names, in menu order (empty: all)."""
        return tuple(n for n, a in self._actions.items() if a.isChecked())

    def set_chosen(self, names: tuple[str, ...]) -> None:
        """Tick exactly these names (unknown names are ignored)."""
        for name, action in self._actions.items():
            action.blockSignals(True)
            action.setChecked(name in names)
            action.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self._update_text()
        self.selection_changed.emit()

    def _update_text(self) -> None:
        chosen = self.chosen()
        if not chosen:
            text = self.all_label
        elif len(chosen) <= 2:
            text = ", ".join(chosen)
        else:
            text = f"{len(chosen)} {self.noun}"
        self.setText(f"{text}  ▾")


class ScopeBar(QWidget):
    """Sets ``context.scope`` from a period preset or custom dates, and unit and tool pickers."""

    preset_chosen = Signal(str)  # a preset key, e.g. "12m" (the window remembers it)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, today: dt.date | None = None, preset: str = "12m"
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scopeBar")
        self.context = context
        self._today = today
        self.period = QComboBox(self)
        self.period.setAccessibleName("Period")
        for key, label in PRESETS:
            self.period.addItem(label, key)
        self.date_from = DateField(self)
        self.date_to = DateField(self)
        for edit, label in ((self.date_from, "From date"), (self.date_to, "To date")):
            edit.setAccessibleName(label)
            # Applied when a whole date is in: each key press of a typed date would re-scope the page.
            edit.committed.connect(self._on_dates_edited)
        self.units = NamePicker("All units", "units", self)
        self.tools = NamePicker("All tools", "tools", self)
        self.units.selection_changed.connect(self.apply)
        self.tools.selection_changed.connect(self.apply)
        self.period.currentIndexChanged.connect(self._on_preset)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Showing", self)
        label.setBuddy(self.period)
        layout.addWidget(label)
        layout.addWidget(self.period)
        layout.addWidget(self.date_from)
        layout.addWidget(QLabel("to", self))
        layout.addWidget(self.date_to)
        layout.addSpacing(12)
        layout.addWidget(self.units)
        layout.addWidget(self.tools)
        layout.addStretch(1)
        self.error = QLabel(self)
        self.error.setObjectName("fieldError")
        layout.addWidget(self.error)
        for first, second in (
            (self.period, self.date_from),
            (self.date_from, self.date_to),
            (self.date_to, self.units),
            (self.units, self.tools),
        ):
            self.setTabOrder(first, second)

        self._loading = False
        context.data_changed.connect(self._on_data_changed)
        context.scope_changed.connect(self.show_scope)
        context.database_replaced.connect(lambda *_: self.reload_names())
        self.reload_names()
        # A remembered custom range is not restored: its dates would be stale; fall back to 12 months.
        self.set_preset(preset if preset in dict(PRESETS) and preset != "custom" else "12m")

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def show_scope(self, scope: Scope) -> None:
        """Show a scope set elsewhere (a chart's drill-down, a suggestion) without re-applying it."""
        shown = (self.date_from.value(), self.date_to.value(), self.units.chosen(), self.tools.chosen())
        if shown == (scope.date_from.isoformat(), scope.date_to.isoformat(), scope.units, scope.tools):
            return
        self._loading = True
        try:
            self.date_from.set_value(scope.date_from)
            self.date_to.set_value(scope.date_to)
            self.units.set_chosen(scope.units)
            self.tools.set_chosen(scope.tools)
            self.period.blockSignals(True)
            self.period.setCurrentIndex(self.period.findData("custom"))
            self.period.blockSignals(False)
        finally:
            self._loading = False

    def reload_names(self) -> None:
        """Offer the database's current units and tools (keeping what is still there ticked)."""
        self._loading = True
        try:
            db = self.context.db
            self.units.set_names([u["name"] for u in listings.units(db)], self.context.scope.units)
            self.tools.set_names(listings.tool_names(db), self.context.scope.tools)
        finally:
            self._loading = False

    def _on_data_changed(self, table: str) -> None:
        if table in ("unit", "tool", "*"):
            self.reload_names()
            self.apply()

    def preset(self) -> str:
        """Return the chosen preset key."""
        return self.period.currentData()

    def set_preset(self, key: str) -> None:
        """Choose a period preset ("3m", "6m", "12m", "1mw", "3mw", "ytd", "all", "custom") and apply it."""
        index = self.period.findData(key)
        if index == self.period.currentIndex():
            self._on_preset(index)
        else:
            self.period.setCurrentIndex(max(index, 0))

    def _on_preset(self, index: int) -> None:
        key = self.period.itemData(index)
        self.preset_chosen.emit(key)
        if key != "custom":
            earliest = earliest_record_date(self.context.db) if key == "all" else None
            start, end = preset_dates(key, self.today(), earliest)
            self._loading = True
            self.date_from.set_value(start)
            self.date_to.set_value(end)
            self._loading = False
        self.apply()

    def _on_dates_edited(self) -> None:
        if self._loading:
            return
        if self.preset() != "custom":
            self.period.blockSignals(True)
            self.period.setCurrentIndex(self.period.findData("custom"))
            self.period.blockSignals(False)
        self.apply()

    def apply(self) -> None:
        """Build the Scope from the controls and share it (an impossible range is shown, not applied)."""
        if self._loading:
            return
        try:
            scope = Scope(
                dates.parse_uk_date(self.date_from.text(), self.today(), "date_from"),
                dates.parse_uk_date(self.date_to.text(), self.today(), "date_to"),
                self.units.chosen(),
                self.tools.chosen(),
            )
        except ValidationError as exc:
            self.error.setText(exc.message)
            return
        self.error.clear()
        self.context.set_scope(scope)
