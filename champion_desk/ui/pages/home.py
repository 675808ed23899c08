"""Home: log something in seconds, and see what needs attention today."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain import attention, listings
from champion_desk.ui.background import start_read
from champion_desk.ui.context import AppContext
from champion_desk.ui.dialogs.registry import open_record
from champion_desk.ui.next_steps_panel import NextStepsPanel
from champion_desk.ui.pages.base import Page

# (label, table, shortcut): the main window turns these into window-wide actions too.
QUICK_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Log a training session", "training_session", "Ctrl+1"),
    ("Log a concern", "incident", "Ctrl+2"),
    ("Log a mentoring check-in", "checkin", "Ctrl+3"),
    ("Add a success story", "story", "Ctrl+4"),
    ("Log an idea", "idea", "Ctrl+5"),
)
# Where the "and N more" line of each attention group leads.
ITEMS_PER_GROUP = 5  # the rest sit behind "and N more", so every group stays in view
SIDE_BY_SIDE_WIDTH = 960  # the page width from which suggestions and "Needs attention" sit side by side
GROUP_PAGES = {"concerns": "concerns", "pairings": "mentoring", "countersign": "training", "refreshers": "people"}

TABLE_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_ROLE = Qt.ItemDataRole.UserRole + 3


def quick_prefill(context: AppContext, table: str) -> dict:
    """Return what a quick-logged record starts with: the current user as trainer or reporter."""
    user = context.current_user
    if not user:
        return {}
    return {"training_session": {"trainer_id": user["id"]}, "incident": {"reported_by": user["id"]}}.get(table, {})


class HomePage(Page):
    """Quick actions and the "needs attention" list (computed after the window is on screen)."""

    name = "home"
    title = "Home"
    uses_scope = False

    open_requested = Signal(str, str)  # table, record id: an attention item was activated
    page_requested = Signal(str)  # page name: "and N more" was activated
    drill_down_requested = Signal(str, dict)  # page, filters: a suggestion leads to a filtered list

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        heading = QLabel("Home", self)
        heading.setObjectName("pageTitle")
        self.greeting = QLabel(self)
        self.greeting.setObjectName("pageIntro")
        self.greeting.setWordWrap(True)

        self.getting_started = QLabel(
            "<b>This logbook is empty.</b> First add your unit (People › Units…), your colleagues (People) "
            "and the AI tool being introduced (Tools &amp; roadmap). Then log sessions, concerns and mentoring here.",
            self,
        )
        self.getting_started.setObjectName("gettingStarted")
        self.getting_started.setWordWrap(True)
        self.getting_started.setVisible(False)

        # Where the trust's wards stand in their syncs (issue 23), once this logbook has synced.
        self.sync_line = QLabel(self)
        self.sync_line.setObjectName("syncStatus")
        self.sync_line.setWordWrap(True)
        self.sync_line.setToolTip("File › Sync with folder… lists every ward and when it last synced.")
        self.sync_line.setVisible(False)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        self.quick_buttons: dict[str, QPushButton] = {}
        for number, (label, table, shortcut) in enumerate(QUICK_ACTIONS):
            button = QPushButton(f"{label}\n{shortcut}", self)
            button.setObjectName("quickAction")
            button.setAccessibleName(label)
            button.setToolTip(f"{label} ({shortcut})")
            button.setMinimumHeight(64)
            button.clicked.connect(lambda _=False, t=table: self.quick_log(t))
            # Three a row: two rows instead of three leave the next steps room for more than two lines at 768 px.
            grid.addWidget(button, number // 3, number % 3)
            self.quick_buttons[table] = button

        attention_title = QLabel("Needs attention", self)
        attention_title.setObjectName("sectionTitle")
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Needs attention")
        self.tree.setHeaderLabels(["What", "Where"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        # Long titles end in "…" within the panel (the full text is their tooltip): sized to its
        # text, the first column pushed "Where" and the counts past the edge, behind a sideways scroll.
        self.tree.setUniformRowHeights(True)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.header().resizeSection(1, 120)
        self.tree.itemActivated.connect(self._on_activated)
        hint = QLabel("Double-click an item, or select it and press Enter, to open it.", self)
        hint.setObjectName("hint")

        self._attention_read = None
        self.next_steps = NextStepsPanel(context, self)
        self.next_steps.drill_down_requested.connect(self.drill_down_requested)
        attention_box = QWidget(self)
        attention_layout = QVBoxLayout(attention_box)
        attention_layout.setContentsMargins(0, 0, 0, 0)
        attention_layout.addWidget(attention_title)
        attention_layout.addWidget(self.tree, 1)
        attention_layout.addWidget(hint)
        # Side by side on a wide screen, one above the other on a narrow one (see resizeEvent):
        # what to do next, and what is overdue.
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("homeSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.next_steps)
        self.splitter.addWidget(attention_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 440])

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.greeting)
        layout.addWidget(self.getting_started)
        layout.addWidget(self.sync_line)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(self.splitter, 1)
        context.user_changed.connect(lambda *_: self._update_greeting())
        self._update_greeting()

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        # Side by side the two panels need about 820 px: on a 1024 px ward screen beside the
        # navigation they would push the window past the screen's edge.
        wanted = Qt.Orientation.Horizontal if event.size().width() >= SIDE_BY_SIDE_WIDTH else Qt.Orientation.Vertical
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)
        super().resizeEvent(event)

    def _update_greeting(self) -> None:
        user = self.context.current_user
        who = f"Logging as <b>{user['display_name']}</b>." if user else "Nobody is chosen as the person logging yet."
        self.greeting.setText(f"{who} Everything you log is saved at once on this PC.")

    def quick_log(self, table: str) -> str | None:
        """Open the form for a new record of ``table`` (a quick action)."""
        return open_record(self.context, self, table, prefill=quick_prefill(self.context, table) or None)

    def refresh(self) -> None:
        self.getting_started.setVisible(not listings.has_units_and_tools(self.context.db))
        self.tree.clear()
        QTreeWidgetItem(self.tree, ["Checking…", ""])
        # Computed after this event: the window (and this page) paints first.
        QTimer.singleShot(0, self._load_if_shown)

    def _load_if_shown(self) -> None:
        # The window may have closed (and its database with it) before this event came round.
        if self.isVisible():
            self.load_attention_in_background()
            self.next_steps.reload()
            self.show_sync_status()
        else:
            self._stale = True

    def show_sync_status(self, today: dt.date | None = None) -> None:
        """Show one line on where the wards stand in their syncs (hidden before this logbook's first sync)."""
        from champion_desk.domain.syncs import status_summary, sync_status

        wards = sync_status(self.context.db, today)
        line = status_summary(wards)
        self.sync_line.setVisible(line is not None)
        if line is not None:
            text = f"Sync: {html.escape(line)}"
            # Red, as in the Sync dialog, when a ward is past the threshold.
            self.sync_line.setText(
                f'<span style="color: #d13438">{text}</span>' if any(w.stale for w in wards) else text
            )

    def load_attention_in_background(self) -> None:
        """Compute the needs-attention groups on a connection of their own, then show them.

        At trust scale they take a few tenths of a second (refreshers due over every sign-off):
        the window must not wait for them.
        """
        path = self.context.db.path
        if path is None:
            self.load_attention()
            return
        if self._attention_read is not None:
            return
        today = dt.date.today()

        def finished() -> None:
            self._attention_read = None

        self._attention_read = start_read(
            path,
            lambda db: attention.needs_attention(db, today, limit=ITEMS_PER_GROUP),
            self.show_attention,
            lambda message: self._show_tree_message(f"Could not work out what needs attention: {message}"),
            finished,
        )

    def load_attention(self, today: dt.date | None = None) -> list[attention.Group]:
        """Compute the needs-attention groups here and show them; return them."""
        groups = attention.needs_attention(self.context.db, today, limit=ITEMS_PER_GROUP)
        self.show_attention(groups)
        return groups

    def _show_tree_message(self, text: str) -> None:
        self.tree.clear()
        QTreeWidgetItem(self.tree, [text, ""])

    def show_attention(self, groups: list[attention.Group]) -> None:
        """Show the needs-attention groups."""
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for group in groups:
            # The count first: a heading cut short by a narrow panel still says how many.
            top = QTreeWidgetItem(self.tree, [f"{group.total:,} · {group.title}", ""])
            top.setToolTip(0, f"{group.title}: {group.total:,}")
            top.setFont(0, bold)
            top.setFirstColumnSpanned(True)
            top.setData(0, PAGE_ROLE, GROUP_PAGES.get(group.kind))
            for item in group.items:
                child = QTreeWidgetItem(top, [item.title, item.detail])
                child.setToolTip(0, item.title)
                child.setToolTip(1, item.detail)
                child.setData(0, TABLE_ROLE, item.table)
                child.setData(0, ID_ROLE, item.record_id)
            if group.total > len(group.items):
                more = QTreeWidgetItem(top, [f"… and {group.total - len(group.items)} more (open the list)", ""])
                more.setData(0, PAGE_ROLE, GROUP_PAGES.get(group.kind))
            if not group.total:
                QTreeWidgetItem(top, ["Nothing here. Well done.", ""]).setDisabled(True)
            top.setExpanded(bool(group.total))

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        table, record_id = item.data(0, TABLE_ROLE), item.data(0, ID_ROLE)
        if table and record_id:
            self.open_requested.emit(table, record_id)
        elif item.parent() is not None and item.data(0, PAGE_ROLE):
            self.page_requested.emit(item.data(0, PAGE_ROLE))
