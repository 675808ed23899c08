"""The "Suggested next steps" panel on Home: ordered advice, each expandable to its why."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain.scope import Scope
from champion_desk.errors import ChampionDeskError
from champion_desk.ui.background import BackgroundRead, start_read
from champion_desk.ui.context import AppContext
from champion_desk.ui.dialogs.registry import open_record
from champion_desk.ui.messages import show_error

if TYPE_CHECKING:
    from champion_desk.domain.next_steps import Suggestion

PERIOD_MONTHS = 3  # suggestions compare the last quarter with the one before, like the briefing
SHOWN_FIRST = 12  # the rest behind "Show all", so the most important stay in view
SNOOZE_CHOICES = {"1 week": 7, "2 weeks": 14, "4 weeks": 28, "3 months": 91}
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def _rules():
    """Return ``champion_desk.domain.next_steps``, imported on first use.

    The rules (and the metrics they read) are only needed once suggestions are worked out, which
    happens on a background read after Home is on screen: importing them there keeps them off the
    start-up path.
    """
    from champion_desk.domain import next_steps

    return next_steps


class NextStepsPanel(QWidget):
    """Suggested next steps for the shared units and tools over the last three months.

    Emits ``drill_down_requested(page, filters)`` (the dashboard's contract) when an action
    leads to a filtered list; actions that mean logging something open the pre-filled form.
    """

    drill_down_requested = Signal(str, dict)
    suggestions_loaded = Signal(list)

    def __init__(self, context: AppContext, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._today = today
        self._loader: BackgroundRead | None = None
        self._reload_again = False
        self.suggestions: list[Suggestion] = []
        self.show_all = False

        title = QLabel("Suggested next steps", self)
        title.setObjectName("sectionTitle")
        self.caption = QLabel(self)
        self.caption.setObjectName("hint")
        self.caption.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Suggested next steps")
        self.tree.setHeaderLabels(["Priority", "Suggested action", "Where"])
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        # The action is what matters: it takes the width and wraps; priority and place fit their text.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 200)
        self.tree.itemActivated.connect(lambda *_: self.do_selected())
        self.detail = QLabel(self)
        self.detail.setObjectName("suggestionDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAccessibleName("The selected suggestion in full")
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())

        self.do_button = self._button("Do it", "Open the form or list this suggestion calls for", self.do_selected)
        self.agree_button = self._button(
            "Agree", "Agree to this action (it is listed in the briefing's Next steps)", self.agree_selected
        )
        self.snooze_button = self._button("Snooze…", "Hide this suggestion for a while", self.snooze_selected)
        self.dismiss_button = self._button(
            "Dismiss…", "Hide this suggestion, saying why it does not apply", self.dismiss_selected
        )
        self.withdraw_button = self._button(
            "Undo response",
            "Withdraw the agree, snooze or dismiss recorded for this suggestion",
            self.withdraw_selected,
        )
        self.more_button = self._button("Show all", "Show every suggestion, not only the first few", self._toggle_more)
        self.hidden_box = QCheckBox("Include snoozed and dismissed", self)
        self.hidden_box.setAccessibleName("Include snoozed and dismissed suggestions")
        self.hidden_box.toggled.connect(lambda *_: self.reload())

        # Two rows: in one, the five answers and the two view switches need 750 px, more than
        # the panel has beside "Needs attention" on a 1024 px ward screen.
        answers = QHBoxLayout()
        for button in (
            self.do_button,
            self.agree_button,
            self.snooze_button,
            self.dismiss_button,
            self.withdraw_button,
        ):
            answers.addWidget(button)
        answers.addStretch(1)
        view = QHBoxLayout()
        view.addWidget(self.hidden_box)
        view.addStretch(1)
        view.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.caption)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addLayout(answers)
        layout.addLayout(view)
        self._update_buttons()

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(lambda _=False: slot())
        return button

    # --- loading ----------------------------------------------------------------------------------

    def scope(self) -> Scope:
        """Return the period the suggestions cover: the last three months of the shared scope."""
        shared = self.context.scope
        return Scope.last_months(PERIOD_MONTHS, shared.date_to, shared.units, shared.tools)

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def reload(self) -> None:
        """Recompute the suggestions in the background (on a database file) and show them."""
        if self._loader is not None:
            self._reload_again = True
            return
        self.tree.clear()
        QTreeWidgetItem(self.tree, ["", "Working out suggestions…", ""])
        self.caption.setText(f"For {self.scope().caption()}.")
        path = self.context.db.path
        if path is None:  # an in-memory database cannot be opened twice: compute here
            self._show(_rules().suggestions(self.context.db, self.scope(), self.today(), self.hidden_box.isChecked()))
            return
        scope, today, hidden = self.scope(), self.today(), self.hidden_box.isChecked()
        self._loader = start_read(
            path,
            lambda db: _rules().suggestions(db, scope, today, hidden),
            self._show,
            self._show_failure,
            self._loader_finished,
        )

    def wait_until_loaded(self, ms: int = 30000) -> None:
        """Block until a background computation has finished and been shown (for tests and quit)."""
        if self._loader is not None:
            self._loader.wait(ms)
            QCoreApplication.processEvents()
            QCoreApplication.processEvents()

    def _loader_finished(self) -> None:
        self._loader = None
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _show_failure(self, message: str) -> None:
        self.tree.clear()
        QTreeWidgetItem(self.tree, ["", f"Suggestions could not be worked out: {message}", ""])

    def _show(self, found: list[Suggestion]) -> None:
        self.suggestions = found
        self.tree.clear()
        if not found:
            QTreeWidgetItem(
                self.tree, ["", "No suggestions: nothing in the figures calls for action now.", ""]
            ).setDisabled(True)
        shown = found if self.show_all else found[:SHOWN_FIRST]
        bold = QFont(self.tree.font())
        bold.setBold(True)
        high = _rules().HIGH
        for s in shown:
            where = " · ".join(x for x in (s.unit, s.tool) if x)
            top = QTreeWidgetItem(self.tree, [s.severity_name.capitalize(), s.action, where])
            top.setData(0, KEY_ROLE, s.key)
            top.setToolTip(1, f"Why: {s.signal}")
            if s.severity == high:
                top.setFont(0, bold)
            for text in (f"Why: {s.signal}", f"Strategy: {s.strategy}") + ((_response_text(s),) if s.response else ()):
                child = QTreeWidgetItem(top, ["", text, ""])
                child.setData(0, KEY_ROLE, s.key)
                child.setFirstColumnSpanned(False)
        self.more_button.setVisible(len(found) > SHOWN_FIRST)
        self.more_button.setText("Show fewer" if self.show_all else f"Show all {len(found)}")
        self._update_buttons()
        self.suggestions_loaded.emit(found)

    def _toggle_more(self) -> None:
        self.show_all = not self.show_all
        self._show(self.suggestions)

    # --- actions ------------------------------------------------------------------------------------

    def selected(self) -> Suggestion | None:
        """Return the suggestion the current row belongs to, or None."""
        item = self.tree.currentItem()
        key = item.data(0, KEY_ROLE) if item else None
        return next((s for s in self.suggestions if s.key == key), None)

    def select(self, key: str) -> None:
        """Make the suggestion with this key the current row."""
        for n in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(n)
            if item.data(0, KEY_ROLE) == key:
                self.tree.setCurrentItem(item)
                return

    def _update_buttons(self) -> None:
        s = self.selected()
        if s is None:
            self.detail.setText("Select a suggestion to see it in full; double-click or press Enter to act on it.")
        else:
            from html import escape  # html pulls in its entity table: not needed until a suggestion is picked

            parts = [f"<b>{escape(s.action)}</b>", f"Why: {escape(s.signal)}", f"Strategy: {escape(s.strategy)}"]
            if s.response:
                parts.append(escape(_response_text(s)))
            self.detail.setText("<br>".join(parts))
        for button in (self.do_button, self.agree_button, self.snooze_button, self.dismiss_button):
            button.setEnabled(s is not None)
        self.withdraw_button.setEnabled(bool(s and s.response))

    def do_selected(self) -> None:
        """Open what the selected suggestion calls for: a pre-filled form or a filtered list."""
        s = self.selected()
        if s is None:
            return
        if "dialog" in s.target:
            open_record(self.context, self, s.target["dialog"], prefill=dict(s.target.get("prefill") or {}))
        elif "page" in s.target:
            self.drill_down_requested.emit(s.target["page"], dict(s.target.get("filters") or {}))

    def agree_selected(self) -> None:
        self._respond("agreed")

    def snooze_selected(self, choice: str | None = None) -> None:
        if choice is None:
            choice, ok = QInputDialog.getItem(
                self, "Snooze suggestion", "Hide this suggestion for:", list(SNOOZE_CHOICES), 1, False
            )
            if not ok:
                return
        self._respond("snoozed", until=self.today() + dt.timedelta(days=SNOOZE_CHOICES[choice]))

    def dismiss_selected(self, reason: str | None = None) -> None:
        if reason is None:
            reason, ok = QInputDialog.getText(self, "Dismiss suggestion", "Why does this not apply? (kept in the log)")
            if not ok:
                return
        self._respond("dismissed", reason=reason)

    def withdraw_selected(self) -> None:
        s = self.selected()
        if s is None or not s.response:
            return
        try:
            _rules().withdraw(self.context.db, s.response["id"], self.context.actor)
        except ChampionDeskError as exc:
            show_error(self, "Could not undo the response", exc)
            return
        self.context.notify_changed("suggestion_response")
        self.reload()

    def _respond(self, decision: str, reason: str | None = None, until: dt.date | None = None) -> None:
        s = self.selected()
        if s is None:
            return
        user = self.context.current_user
        try:
            _rules().respond(
                self.context.db,
                s.key,
                decision,
                self.context.actor,
                reason=reason,
                until=until,
                decided_by=user["id"] if user else None,
                today=self.today(),
            )
        except ChampionDeskError as exc:
            show_error(self, "Could not record the response", exc)
            return
        self.context.notify_changed("suggestion_response")
        self.reload()


def _response_text(s: Suggestion) -> str:
    r = s.response or {}
    when = (r.get("created_at") or "")[:10]
    if r.get("decision") == "agreed":
        return f"Agreed on {when}."
    if r.get("decision") == "snoozed":
        return f"Snoozed on {when} until {r.get('until')}."
    return f"Dismissed on {when}: {r.get('reason') or ''}"
