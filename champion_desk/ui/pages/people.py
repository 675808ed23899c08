"""People: staff, with filters, and one colleague's journey across every log beside the list.

Concerns a colleague raised are confidential: this panel is the only place they are shown.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain import breakdowns, listings
from champion_desk.domain.scope import Scope
from champion_desk.domain.vocab import ROLE_SUGGESTIONS
from champion_desk.errors import ChampionDeskError
from champion_desk.ui.context import AppContext
from champion_desk.ui.dialogs.registry import open_record
from champion_desk.ui.messages import show_error
from champion_desk.ui.models.proxy import equals
from champion_desk.ui.models.records import StaffTableModel, UnitTableModel, format_date
from champion_desk.ui.pages.operations import DeletionHistory
from champion_desk.ui.pages.record_list import RecordListPage, RecordTable
from champion_desk.ui.screen_fit import fit_to_screen

REFRESHER_WITHIN_DAYS = 30
JOURNEY_LIMIT = 200


def _section(title: str, lines: list[str], empty: str) -> str:
    body = "".join(f"<li>{line}</li>" for line in lines) if lines else f"<li><i>{html.escape(empty)}</i></li>"
    return f"<h3>{html.escape(title)}</h3><ul>{body}</ul>"


def person_html(db, person: dict[str, Any], today: dt.date | None = None) -> str:
    """Return the colleague panel as HTML: who they are, refreshers due, concerns raised, journey."""
    today = today or dt.date.today()
    esc = html.escape
    facts = [person.get("role") or "role not recorded", person.get("unit") or "no unit"]
    if person.get("staff_ref"):
        facts.append(f"staff number {person['staff_ref']}")
    if person.get("is_champion"):
        facts.append("champion")
    if not person.get("active"):
        facts.append("has left")
    parts = [f"<h2>{esc(person['display_name'])}</h2><p>{esc(' · '.join(facts))}</p>"]

    unit_scope = (person["unit"],) if person.get("unit") else ()
    rows = breakdowns.refreshers_due(db, Scope(dt.date(1900, 1, 1), today, unit_scope), REFRESHER_WITHIN_DAYS)
    due_rows = [r for r in rows if r.get("staff_id") == person["id"]]
    parts.append(
        _section(
            "Refreshers due (next 30 days or overdue)",
            [f"{esc(str(r.get('tool', '')))}: due {esc(format_date(str(r.get('due_on', ''))))}" for r in due_rows],
            "None due.",
        )
    )

    concerns = listings.person_concerns(db, person["id"], today)
    parts.append(
        _section(
            "Concerns they raised (confidential)",
            [
                f"{esc(format_date(c['occurred_on']))}: {esc(c['theme'])} — {esc(c['status'])} ({esc(c['unit'])}, {esc(c['tool'])})"
                for c in concerns
            ],
            "None recorded.",
        )
    )

    use = breakdowns.person_usage(db, person["id"], today=today)
    parts.append(
        _section(
            "Their own use of the tools (shown only here, to offer help)",
            [
                f"{esc(r['tool'])} — {esc(dt.date.fromisoformat(r['month'] + '-01').strftime('%b %Y'))}: "
                f"used on {r['days']} day{'s' if r['days'] != 1 else ''} ({r['uses']} use{'s' if r['uses'] != 1 else ''})"
                for r in use
            ],
            "No use imported in the last 6 months.",
        )
    )

    rows = [r for r in breakdowns.journey(db, person["id"]) if r.get("kind") != "raised a concern"]
    shown = rows[-JOURNEY_LIMIT:][::-1]  # newest first; the journey comes in date order
    lines = [
        f"{esc(format_date(str(r.get('date') or '')))}: {esc(str(r.get('summary') or r.get('kind') or ''))}"
        for r in shown
    ]
    title = "Journey across every log" + (
        f" (latest {JOURNEY_LIMIT} of {len(rows)})" if len(rows) > JOURNEY_LIMIT else ""
    )
    parts.append(_section(title, lines, "Nothing logged yet."))
    return "".join(parts)


class UnitsDialog(QDialog):
    """The units list: New…, Edit…, Delete (with undo), like every other list."""

    def __init__(self, context: AppContext, deletions: DeletionHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Units")
        self.setAccessibleName("Units")
        fit_to_screen(self, QSize(780, 440))
        self.table = RecordTable(context, "unit", UnitTableModel(self), deletions, "unit", lambda r: r["name"], self)
        intro = QLabel("Wards and departments. Colleagues, sessions and concerns each belong to one.", self)
        intro.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)
        self.context = context
        context.data_changed.connect(self.reload)
        self.reload()

    def reload(self, *_: object) -> None:
        self.table.set_rows(listings.units(self.context.db))


class PeoplePage(RecordListPage):
    """Staff with unit, role and champion filters; the selected colleague's page on the right."""

    name = "people"
    title = "People"
    table = "staff"
    noun = "colleague"
    model_class = StaffTableModel
    uses_scope = False
    filters_row = True

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent, deletions)
        self.unit_filter = self.add_filter("unit", "Filter by unit", [("All units", None)])
        roles = [("All roles", None)] + [(r.capitalize(), equals("role", r)) for r in ROLE_SUGGESTIONS]
        self.role_filter = self.add_filter("role", "Filter by role", roles)
        self.kind_filter = self.add_filter(
            "kind",
            "Champions or managers",
            [
                ("Everyone", None),
                ("Champions", lambda r: bool(r["is_champion"])),
                ("Managers", lambda r: bool(r["is_manager"])),
            ],
        )
        self.active_filter = self.add_filter(
            "active",
            "Current staff or leavers",
            [
                ("Current staff", lambda r: bool(r["active"])),
                ("Including leavers", None),
                ("Leavers only", lambda r: not r["active"]),
            ],
        )
        self.records.proxy.set_filter("active", self.active_filter.currentData())
        self.units_button = QPushButton("Units…", self)
        self.units_button.setAccessibleName("Add, edit or delete units")
        self.units_button.setToolTip("The wards and departments colleagues belong to")
        self.units_button.clicked.connect(self.show_units)
        self.filter_bar.addWidget(self.units_button)
        self.records.selection_changed.connect(self.show_person)
        self.records.rows_loaded.connect(self.show_person)
        order = [
            self.search,
            self.unit_filter,
            self.role_filter,
            self.kind_filter,
            self.active_filter,
            self.records.view,
        ]
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    def build_body(self) -> QWidget:
        self.panel = QTextBrowser(self)
        self.panel.setAccessibleName("The selected colleague's page")
        self.panel.setOpenLinks(False)
        self.edit_person = QPushButton("Edit…", self)
        self.edit_person.setAccessibleName("Edit this colleague")
        self.edit_person.clicked.connect(lambda: self.records.edit_current())
        self.export_person = QPushButton("Export their data…", self)
        self.export_person.setAccessibleName("Export this colleague's data")
        self.export_person.clicked.connect(lambda: self._data_right("export_person"))
        self.erase_person = QPushButton("Erase…", self)
        self.erase_person.setAccessibleName("Erase this colleague")
        self.erase_person.setToolTip("Erase this colleague's personal data (right to erasure)")
        self.erase_person.clicked.connect(lambda: self._data_right("erase_person"))
        buttons = QHBoxLayout()
        for button in (self.edit_person, self.export_person, self.erase_person):
            buttons.addWidget(button)
        buttons.addStretch(1)
        side = QWidget(self)
        # No fixed minimum: the layout's (the three buttons' whole labels) wins, so "Export their
        # data…" is never cut at 1024x768; the list beside it gives the room.
        box = QVBoxLayout(side)
        box.setContentsMargins(6, 0, 0, 0)
        caption = QLabel("Colleague", side)
        caption.setObjectName("sectionTitle")
        box.addWidget(caption)
        box.addWidget(self.panel, 1)
        box.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("peopleSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.records)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 320])
        return self.splitter

    def load_rows(self):
        rows = listings.staff(self.context.db)
        units = sorted({r["unit"] for r in rows if r["unit"]}, key=str.casefold)
        self.set_filter_options("unit", [("All units", None)] + [(u, equals("unit", u)) for u in units])
        return rows

    def describe(self, row):
        return row["display_name"]

    def summary(self, rows):
        current = [r for r in rows if r["active"]]
        champions = sum(1 for r in current if r["is_champion"])
        return f"{len(current)} current staff, {champions} champions"

    def show_person(self) -> None:
        """Show the current colleague's page (or a hint when nobody is selected)."""
        row = self.records.current_row()
        for button in (self.edit_person, self.export_person, self.erase_person):
            button.setEnabled(row is not None)
        exchange = self._exchange()
        self.export_person.setVisible(getattr(exchange, "export_person", None) is not None)
        self.erase_person.setVisible(getattr(exchange, "erase_person", None) is not None)
        if row is None:
            self.panel.setHtml(
                "<p><i>Select a colleague to see their training, mentoring, sign-offs, "
                "refreshers due and the concerns they raised.</i></p>"
            )
            return
        try:
            self.panel.setHtml(person_html(self.context.db, row))
        except ChampionDeskError as exc:
            self.panel.setPlainText(str(exc))

    @staticmethod
    def _exchange():
        from champion_desk.ui import exchange_actions

        return exchange_actions

    def _data_right(self, action: str) -> None:
        row = self.records.current_row()
        handler = getattr(self._exchange(), action, None)
        if row is None or handler is None:
            return
        try:
            handler(self.context, self, row["id"])
        except ChampionDeskError as exc:
            show_error(self, "Not done", exc)

    def prefill(self):
        return {}

    def show_units(self) -> None:
        """Open the list of units (wards and departments) to add, edit or delete them."""
        dialog = UnitsDialog(self.context, self.deletions, self)
        dialog.exec()
        dialog.deleteLater()

    def open_person(self, staff_id: str) -> None:
        """Select a colleague (used by Home's refresher items); clears filters that would hide them."""
        self.on_shown()
        if self.records.model.row_of(staff_id) < 0:
            open_record(self.context, self, "staff", record_id=staff_id)
            return
        for combo in (self.unit_filter, self.role_filter, self.kind_filter):
            combo.setCurrentIndex(0)
        self.active_filter.setCurrentIndex(1)
        self.select_record(staff_id)
