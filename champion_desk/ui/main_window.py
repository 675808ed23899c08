"""The main window: page navigation, the scope bar, menus and the status bar.

It is a view: it builds pages (lazily, the first time each is shown, so start-up stays fast),
and asks ``champion_desk.app`` by signal for what concerns the whole app (another database,
another user). Pages change data through domain functions, never here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QIcon,
    QIconEngine,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import champion_desk
from champion_desk import navigation
from champion_desk.errors import ChampionDeskError
from champion_desk.paths import resource_path
from champion_desk.ui.context import AppContext
from champion_desk.ui.dialogs.registry import open_record
from champion_desk.ui.pages.base import Page
from champion_desk.ui.pages.operations import DeletionHistory
from champion_desk.ui.screen_fit import room_for
from champion_desk.ui.settings import Settings

if TYPE_CHECKING:
    from champion_desk.ui.scope_bar import ScopeBar


@dataclass(frozen=True)
class PageSpec:
    """A page in the navigation: its --page name, title, icon file and where its class lives."""

    name: str
    title: str
    module: str
    class_name: str


# Each page lives in ui/pages/<name>.py as <Name>Page; the list and its order are navigation.PAGES.
PAGES: tuple[PageSpec, ...] = tuple(
    PageSpec(p.name, p.title, f"champion_desk.ui.pages.{p.name}", f"{p.name.capitalize()}Page")
    for p in navigation.PAGES
)
PAGE_NAMES = navigation.PAGE_NAMES


ICON_COLOUR = "#2E7DB8"  # the stroke colour the page icons are drawn in


def icon(name: str) -> QIcon:
    """Return an icon from ``resources/icons/<name>.svg`` (an empty icon if it is missing)."""
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


class _PageIconEngine(QIconEngine):
    """Draws a page icon from its SVG at the size and screen scale asked for, on first use.

    The selected row gets the strokes in the highlighted-text colour (blue would vanish on the
    blue highlight). Rendering only what is painted keeps start-up light: every icon at every
    common scale up front was most of the navigation's cost.
    """

    def __init__(self, normal: bytes, selected: bytes) -> None:
        super().__init__()
        self._svg = {False: normal, True: selected}
        self._pixmaps: dict[tuple[int, int, bool, float], QPixmap] = {}

    def clone(self) -> QIconEngine:  # Qt override
        return _PageIconEngine(self._svg[False], self._svg[True])

    def _render(self, size: QSize, mode: QIcon.Mode, scale: float) -> QPixmap:
        selected = mode == QIcon.Mode.Selected
        key = (size.width(), size.height(), selected, scale)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            from PySide6.QtSvg import QSvgRenderer

            pixmap = QPixmap(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            QSvgRenderer(QByteArray(self._svg[selected])).render(painter)
            painter.end()
            pixmap.setDevicePixelRatio(scale)
            self._pixmaps[key] = pixmap
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:  # Qt override
        return self._render(size, mode, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:  # Qt override
        return self._render(size, mode, scale)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:  # Qt override
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self._render(rect.size(), mode, scale))


def nav_icon(name: str, selected: QColor) -> QIcon:
    """Return a page icon that is redrawn in ``selected`` (the highlighted-text colour) when its
    navigation row is selected, sharp at any screen scale (an empty icon if the file is missing)."""
    path = resource_path("icons", f"{name}.svg")
    if not path.exists():
        return QIcon()
    text = path.read_text(encoding="utf-8")
    return QIcon(_PageIconEngine(text.encode("utf-8"), text.replace(ICON_COLOUR, selected.name()).encode("utf-8")))


def page_class(spec: PageSpec) -> type[Page]:
    """Return the page class a spec names (imported on first use, so start-up stays light)."""
    return getattr(importlib.import_module(spec.module), spec.class_name)


def first_window_size(widget: QWidget) -> QSize:
    """Return the size of a first window: most of the screen, so wide lists need no scrolling."""
    room = room_for(widget)
    wide = QSize(max(1180, int(room.width() * 0.95)), max(760, int(room.height() * 0.95)))
    return wide.boundedTo(room)


class _PageHolder(QWidget):
    """Holds the page stack in the page scroll area, asking only for the pages' minimum size.

    Given the stack itself, the scroll area would ask for the height its word-wrapped labels
    prefer at that width (the stack's layout has a height-for-width) and scroll pages that fit.
    """

    def __init__(self, stack: QStackedWidget) -> None:
        super().__init__()
        self.stack = stack
        stack.setParent(self)

    def minimumSizeHint(self) -> QSize:  # Qt override
        return self.stack.minimumSizeHint()

    def sizeHint(self) -> QSize:  # Qt override
        return self.stack.minimumSizeHint()

    def resizeEvent(self, event) -> None:  # Qt override
        self.stack.setGeometry(self.rect())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:  # Qt override
        # The stack's minimum changed (a page was built, a page's layout grew): tell the scroll area.
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().event(event)


class StatusMessage(QLabel):
    """The status bar's message, in the room left of the Undo button.

    QStatusBar paints its message up to its first permanent widget and cuts it off there
    (mid-word, under the Undo button at 1024x768). This label takes that room instead and follows
    every message, the app's and the menus' status tips alike; one too long for it ends in "…"
    and its tooltip and accessible description hold the whole text.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Status message")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setContentsMargins(4, 0, 0, 0)  # where QStatusBar itself starts its message
        # Its text sets no minimum: the label gives way to the permanent widgets beside it and elides.
        self.setMinimumWidth(1)
        self.full_text = ""

    def show_text(self, text: str) -> None:
        """Show ``text`` (elided to the label's width when it is too long)."""
        self.full_text = text
        self.setAccessibleDescription(text)
        self._elide()

    def is_elided(self) -> bool:
        """Return True when the label shows less than the whole message."""
        return self.text() != self.full_text

    def minimumSizeHint(self) -> QSize:  # Qt override: the text never widens the status bar
        return QSize(1, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(1, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, self.contentsRect().width())
        self.setText(shown)
        self.setToolTip(self.full_text if shown != self.full_text else "")


class MainWindow(QMainWindow):
    """Navigation list on the left, the current page on the right, with the scope bar above list pages."""

    page_changed = Signal(str)
    new_database_requested = Signal()
    open_database_requested = Signal()
    switch_user_requested = Signal()
    lock_requested = Signal()
    pin_setup_requested = Signal()

    def __init__(self, context: AppContext, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.deletions = DeletionHistory(context, self)
        self.pages: dict[str, Page] = {}
        self.setWindowIcon(icon("app"))
        self.setObjectName("mainWindow")

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Pages")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setUniformItemSizes(True)
        for spec in PAGES:
            selected = self.palette().color(QPalette.ColorRole.HighlightedText)
            item = QListWidgetItem(nav_icon(spec.name, selected), spec.title, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, spec.name)
            item.setSizeHint(QSize(0, 36))
        # Wide enough for the longest title at any font size or screen scale.
        widest = max(self.nav.fontMetrics().horizontalAdvance(spec.title) for spec in PAGES)
        self.nav.setMinimumWidth(widest + 90)
        # A current row from the start: otherwise the list picks one itself when it first gets focus.
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(0)
        self.nav.blockSignals(False)
        self._closed = False
        self.nav.currentRowChanged.connect(self._on_nav_row)

        self._scope_bar: ScopeBar | None = None  # built with the first page other than Home
        self.stack = QStackedWidget(self)
        right = QWidget(self)
        self._right_box = QVBoxLayout(right)
        self._right_box.setContentsMargins(12, 8, 12, 4)
        # Pages fit a 1024 px screen; at 200 % scaling, or in a window made smaller, a page
        # scrolls instead of pushing the window (and its status bar) past the screen's edge.
        self.page_scroll = QScrollArea(right)
        self.page_scroll.setObjectName("pageScroll")
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setWidget(_PageHolder(self.stack))
        self._right_box.addWidget(self.page_scroll, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([self.nav.minimumWidth(), 1000])
        self.setCentralWidget(self.splitter)

        self._build_status_bar()
        self._build_menus()

        context.user_changed.connect(lambda *_: self._update_user())
        context.database_replaced.connect(lambda *_: self._update_title())
        context.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.deletions.changed.connect(self._update_undo)
        context.record_saved.connect(self._on_record_saved)
        context.edit_saved.connect(self.deletions.edited)
        self._update_user()
        self._update_title()
        self._update_undo()
        self.resize(first_window_size(self))
        geometry = settings.layout_state("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = settings.layout_state("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    # --- building ----------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        # A permanent widget, first and stretching, so the bar's own painted message has no room
        # left: every message shows in this label, beside the Undo button rather than under it.
        self.status_text = StatusMessage(self)
        bar.messageChanged.connect(self.status_text.show_text)
        bar.addPermanentWidget(self.status_text, 1)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.setAccessibleName("Undo the last change")
        self.undo_button.clicked.connect(self.undo)
        self.user_label = QLabel(self)
        self.user_label.setAccessibleName("Who is logging")
        self.switch_button = QPushButton("Switch user", self)
        self.switch_button.setAccessibleName("Switch user")
        self.switch_button.setToolTip("Choose who is logging on this PC (recorded with every change)")
        self.switch_button.clicked.connect(self.switch_user_requested)
        bar.addPermanentWidget(self.undo_button)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.switch_button)

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def open_sync_dialog(self) -> None:
        """Open File › Sync with folder… (where each ward stands; sync now)."""
        from champion_desk.ui.sync_dialog import SyncDialog

        SyncDialog(self.context, self, settings=self.settings).exec()

    def _build_menus(self) -> None:
        from champion_desk.ui import exchange_actions
        from champion_desk.ui.pages.home import QUICK_ACTIONS

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(
            file_menu,
            "&New database…",
            self.new_database_requested.emit,
            QKeySequence.StandardKey.New,
            "Start a new, empty logbook file",
        )
        self._action(
            file_menu,
            "&Open…",
            self.open_database_requested.emit,
            QKeySequence.StandardKey.Open,
            "Open another Champion Desk database file",
        )
        self._action(file_menu, "&Backup now", self.backup_now, tip="Write a checked copy of the database")
        self._action(
            file_menu,
            "Back up &to…",
            lambda: exchange_actions.backup_to(self.context, self),
            tip="Write a checked copy elsewhere (a USB stick): encrypted with a passphrase",
        )
        file_menu.addSeparator()
        self._action(
            file_menu, "&Lock now", self.lock_requested.emit, "Ctrl+L", "Cover the screen until the PIN is typed"
        )
        self._action(
            file_menu,
            "App &PIN and auto-lock…",
            self.pin_setup_requested.emit,
            tip="Set a PIN so the app locks itself when left idle on a shared PC",
        )
        self._action(
            file_menu,
            "My &signing PIN…",
            self.set_signing_pin,
            tip="Set or change the PIN that verifies your countersigns and sign-offs",
        )
        file_menu.addSeparator()
        self._action(
            file_menu,
            "&Print briefing…",
            lambda _=False: self.show_page("briefing").print_briefing(),
            QKeySequence.StandardKey.Print,
            "Print the briefing for the staff meeting",
        )
        exchange_actions.add_file_menu_actions(file_menu, self.context, self)
        self._action(
            file_menu,
            "S&ync with folder…",
            self.open_sync_dialog,
            tip="Sync this logbook with the other wards' through a USB stick or shared folder",
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action(edit_menu, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self._action(edit_menu, "&Find", self.focus_find, QKeySequence.StandardKey.Find, "Search the list on this page")

        log_menu = bar.addMenu("&Log")
        for label, table, shortcut in QUICK_ACTIONS:
            self._action(log_menu, f"{label}…", lambda _=False, t=table: self.quick_log(t), shortcut)

        view_menu = bar.addMenu("&View")
        for number, spec in enumerate(PAGES, start=1):
            # "&" marks a shortcut letter in a menu: "Tools & roadmap" needs it doubled. Alt+1 … Alt+0
            # go to the first ten pages; the briefing, last, has Ctrl+P.
            self._action(
                view_menu,
                spec.title.replace("&", "&&"),
                lambda _=False, n=spec.name: self.show_page(n),
                f"Alt+{number % 10}" if number <= 10 else None,
            )

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About Champion Desk", self.show_about)
        self._action(
            help_menu,
            "Open &data folder",
            self.open_data_folder,
            tip="Show the folder holding the database and its backups",
        )
        from champion_desk.ui import privacy_dialogs

        privacy_dialogs.add_help_menu_actions(help_menu, self.context, self)

    # --- pages ---------------------------------------------------------------------------------
    @property
    def scope_bar(self) -> ScopeBar:
        """The period, unit and tool pickers above the pages that list by period (built on first use).

        Home does not show it, so a start on Home does without it; it is built before any other
        page, so the remembered period is the shared scope before a page reads it.
        """
        return self._ensure_scope_bar()

    def _ensure_scope_bar(self) -> ScopeBar:
        if self._scope_bar is None:
            from champion_desk.ui.scope_bar import ScopeBar

            bar = ScopeBar(self.context, self, preset=self.settings.scope_preset)
            bar.preset_chosen.connect(lambda key: setattr(self.settings, "scope_preset", key))
            bar.setVisible(False)
            self._right_box.insertWidget(0, bar)
            self.setTabOrder(self.nav, bar)
            self._scope_bar = bar
        return self._scope_bar

    def page(self, name: str) -> Page:
        """Return the page called ``name``, building it the first time."""
        if name not in self.pages:
            if name != "home":
                self._ensure_scope_bar()
            spec = next(s for s in PAGES if s.name == name)
            self.pages[name] = self._build_page(spec)
            self.stack.addWidget(self.pages[name])
        return self.pages[name]

    def _build_page(self, spec: PageSpec) -> Page:
        from champion_desk.ui.pages.home import HomePage

        cls = page_class(spec)
        if cls.lists_records:
            page = cls(self.context, self, deletions=self.deletions)
            self._restore_layout(page)
        else:
            page = cls(self.context, self)
        if isinstance(page, HomePage):
            page.open_requested.connect(self.open_item)
            page.page_requested.connect(self.show_page)
        # The dashboard's bars and Home's suggestions lead to the records behind them.
        if hasattr(page, "drill_down_requested"):
            page.drill_down_requested.connect(self.open_drill_down)
        return page

    def open_drill_down(self, name: str, filters: dict) -> Page:
        """Show page ``name`` filtered to the records a chart bar or a suggestion stands for."""
        page = self.show_page(name)
        if hasattr(page, "apply_filters"):
            page.apply_filters(filters)
        return page

    def _on_nav_row(self, row: int) -> None:
        # After closing, the database may already be closed: no page may load from it.
        if row >= 0 and not self._closed:
            self.show_page(PAGES[row].name)

    def show_page(self, name: str) -> Page:
        """Make ``name`` the current page (refreshing it if its data changed) and remember it."""
        page = self.page(name)
        row = PAGE_NAMES.index(name)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        self.stack.setCurrentWidget(page)
        uses_scope = bool(getattr(page, "uses_scope", False))
        if uses_scope or self._scope_bar is not None:
            self.scope_bar.setVisible(uses_scope)
        self.settings.last_page = name
        page.on_shown()
        self.page_changed.emit(name)
        return page

    def current_page_name(self) -> str | None:
        page = self.stack.currentWidget()
        return getattr(page, "name", None)

    def show_page_soon(self, name: str) -> None:
        """Show a page once the window is on screen (pages load their rows when shown)."""
        QTimer.singleShot(0, lambda: self.show_page(name) if self.isVisible() else None)

    # --- actions -------------------------------------------------------------------------------
    def quick_log(self, table: str) -> str | None:
        from champion_desk.ui.pages.home import quick_prefill

        return open_record(self.context, self, table, prefill=quick_prefill(self.context, table) or None)

    def open_item(self, table: str, record_id: str) -> None:
        """Open a record from Home: a colleague on the People page, anything else in its form."""
        if table == "staff":
            self.show_page("people").open_person(record_id)
        else:
            open_record(self.context, self, table, record_id=record_id)

    def focus_find(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "focus_search"):
            page.focus_search()

    def undo(self) -> None:
        """Undo the last delete (restore the records), take back the record just saved or put back the last edit."""
        try:
            self.deletions.undo()
        except ChampionDeskError as exc:
            QMessageBox.warning(self, "Could not undo", str(exc))

    def backup_now(self) -> None:
        from champion_desk.store.backups import backup_database

        try:
            backup_database(self.context.db, reason="manual")
        except ChampionDeskError as exc:
            QMessageBox.warning(self, "Backup failed", str(exc))
            return
        # Where it went, not its whole path and timestamped name, so the message fits beside Undo at
        # 1024x768; File › Restore from backup lists it by its date.
        self.statusBar().showMessage("Backup written and checked, in the backups folder beside the logbook.", 10000)

    def set_signing_pin(self) -> str:
        """Set or change the signing PIN of who is logging (or, with a second person, a colleague's)."""
        from champion_desk.ui.signing_pin_dialog import set_signing_pin

        user = self.context.current_user
        done = set_signing_pin(self.context.db, user["id"] if user else None, self.context.actor, self)
        if done:
            self.context.status_message.emit(done)
        return done

    def show_about(self) -> None:
        path = self.context.db.path or "in memory"
        QMessageBox.about(
            self,
            "About Champion Desk",
            f"<h3>Champion Desk {champion_desk.__version__}</h3>"
            "<p>A logbook for unit champions introducing AI tools: training, concerns, mentoring, "
            "stories and readiness; trend charts and briefings. Works offline; no patient data.</p>"
            f"<p>Database: <code>{path}</code></p>",
        )

    def open_data_folder(self) -> None:
        from champion_desk.paths import data_dir
        from champion_desk.ui.messages import open_folder

        folder = self.context.db.path.parent if self.context.db.path else data_dir()
        open_folder(self, folder, "Data folder")

    # --- status --------------------------------------------------------------------------------
    def _update_user(self) -> None:
        user = self.context.current_user
        if user:
            role = f" ({user['role']})" if user.get("role") else ""
            # The name beside "Switch user" says who is logging; the words "Logging as" would take
            # the room a save's confirmation needs beside Undo at 1024x768, so they are in the tooltip.
            self.user_label.setText(f"{user['display_name']}{role}")
            self.user_label.setToolTip(f"Logging as {user['display_name']}{role}: recorded with every change")
        else:
            self.user_label.setText("Nobody chosen as the person logging")
            self.user_label.setToolTip("")

    def _on_record_saved(self, table: str, record_id: str, new: bool, description: str) -> None:
        # Every save is confirmed where the eye goes after a form closes; a new record can be
        # taken back at once (a form saved by mistake from Home). An edit that changed something
        # is then offered for undo by edit_saved, whose message replaces this one.
        if new:
            self.deletions.added(table, record_id, description)
        else:
            self.statusBar().showMessage(f"Saved your changes to the {description}.", 8000)

    def _update_undo(self) -> None:
        can = self.deletions.can_undo()
        self.undo_button.setVisible(can)
        self.undo_action.setEnabled(can)
        text = f"Undo {self.deletions.last_kind()} {self.deletions.last_description()}" if can else "Undo"
        self.undo_action.setText(text if len(text) < 60 else "Undo the last change")
        self.undo_button.setToolTip(text)
        self.undo_button.setAccessibleName(text)

    def _update_title(self) -> None:
        path = self.context.db.path
        from champion_desk.domain.listings import is_demo

        title = f"Champion Desk — {path.name}" if path else "Champion Desk"
        if is_demo(self.context.db):
            title += " — demo data (made up; File › New database for real work)"
        # Someone else has the file open on another PC: say so, changes cannot be saved.
        self.setWindowTitle(f"{title} (read-only)" if self.context.db.readonly else title)

    # --- remembered layout ---------------------------------------------------------------------
    def _restore_layout(self, page) -> None:
        for key, table in page.layout_tables().items():
            table.restore_header_state(self.settings.layout_state(f"{page.name}/{key}"))
        splitter = getattr(page, "splitter", None)
        state = self.settings.layout_state(f"{page.name}/splitter")
        if splitter is not None and state is not None:
            splitter.restoreState(state)

    def save_layout(self) -> None:
        """Remember geometry, splitters and column widths of every page built."""
        self.settings.set_layout_state("window/geometry", self.saveGeometry())
        self.settings.set_layout_state("window/splitter", self.splitter.saveState())
        for page in self.pages.values():
            for key, table in getattr(page, "layout_tables", dict)().items():
                self.settings.set_layout_state(f"{page.name}/{key}", table.header_state())
            splitter = getattr(page, "splitter", None)
            if splitter is not None:
                self.settings.set_layout_state(f"{page.name}/splitter", splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        self._closed = True
        self.save_layout()
        super().closeEvent(event)
