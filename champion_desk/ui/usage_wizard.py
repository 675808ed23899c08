"""File → Import usage…: the roster wizard's steps for a tool's usage export (exchange/usage.py).

The file page is the roster wizard's own; the column page asks for the tool and the user, day
and count columns; the report is a dry run of exactly the import that will run (``plan_usage``),
so what the user approves is what lands. The first page says how individual use is treated.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from champion_desk.errors import ChampionDeskError
from champion_desk.exchange import usage
from champion_desk.exchange.roster import Mapping_
from champion_desk.exchange.tabular import TableFile
from champion_desk.ui.context import AppContext
from champion_desk.ui.import_wizard import (
    PREVIEW_ROWS,
    ConfirmPage,
    DonePage,
    FilePage,
    ReportPage,
    offer_columns,
    preview_table,
    set_up_wizard,
)

TRUST_FIRST = (
    "How much one colleague uses a tool is theirs: it is here to offer help, never to rank anyone. "
    "Their own use shows only on their page under People and in their own data export; the dashboard, "
    "the briefing and every figure for managers count use by unit, with small numbers hidden."
)
HINTS = {
    "staff_ref": "Staff or employee number, as on the roster.",
    "email": "Work e-mail address, as on the roster.",
    "login": "Login or user name, as on the roster.",
    "day": "The day of use (a weekly file: the week's Monday).",
    "count": "How many times: encounters, notes drafted, alerts acknowledged…",
    "tool": "Only if the file covers several tools; otherwise choose the tool above.",
}


class UsageWizard(QWizard):
    """The usage import wizard: file → tool and columns → check report → confirm → done."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.table: TableFile | None = None
        self.mapping: Mapping_ = {}
        self.tool: str | None = None
        self.plan: usage.UsagePlan | None = None
        self.result: usage.UsagePlan | None = None
        set_up_wizard(self, "Import a tool's usage", "Import usage wizard")
        self.file_page = FilePage(self, None)
        self.file_page.setTitle("Step 1 of 4 — Choose the usage export")
        self.file_page.setSubTitle(
            "The usage report the tool's supplier or the EHR gives, saved as CSV or Excel (.xlsx): "
            "one row per user and day (or week), with a count. Nothing is changed until the last step."
        )
        self.file_page.path_edit.setAccessibleName("Usage file")
        for label in self.file_page.findChildren(QLabel):
            if label.text() == "Roster file:":
                label.setText("Usage file:")
        trust = QLabel(TRUST_FIRST, self.file_page)
        trust.setWordWrap(True)
        trust.setObjectName("trustFirst")
        trust.setStyleSheet("background: #eef5fb; border: 1px solid #9cc3e5; padding: 8px;")
        self.file_page.layout().insertWidget(0, trust)
        if path is not None:
            self.file_page.path_edit.setText(str(path))
            self.file_page.read_file()
        self.mapping_page = UsageMappingPage(self)
        self.report_page = UsageReportPage(self)
        self.confirm_page = UsageConfirmPage(self)
        self.done_page = UsageDonePage(self)
        for page in (self.file_page, self.mapping_page, self.report_page, self.confirm_page, self.done_page):
            self.addPage(page)
        self.resize(900, 660)


class UsageMappingPage(QWizardPage):
    """Step 2: which tool, and which column names the user, the day and the count."""

    def __init__(self, wizard: UsageWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Step 2 of 4 — The tool and the columns")
        self.setSubTitle(
            "Users are matched to colleagues by staff number, e-mail or login: give at least one. "
            "Users who match nobody are listed and left out; no colleague is created."
        )
        form = QFormLayout()
        self.tool_combo = QComboBox(self)
        self.tool_combo.setAccessibleName("Tool")
        self.tool_combo.currentIndexChanged.connect(self.update_preview)
        form.addRow("Tool:", self.tool_combo)
        self.combos: dict[str, QComboBox] = {}
        for name in usage.FIELDS:
            combo = QComboBox(self)
            combo.setAccessibleName(usage.FIELD_LABELS[name])
            combo.setToolTip(HINTS[name])
            combo.currentIndexChanged.connect(self.update_preview)
            self.combos[name] = combo
            form.addRow(f"{usage.FIELD_LABELS[name]}:", combo)
        self.preview = preview_table(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(f"Preview — the first {PREVIEW_ROWS} rows as they will be read:", self))
        layout.addWidget(self.preview, 1)

    def initializePage(self) -> None:  # Qt override
        table = self.wiz.table
        guessed = usage.guess_mapping(table.headers)
        self.tool_combo.blockSignals(True)
        self.tool_combo.clear()
        # No tool is guessed: importing one tool's use as another's would be worse than asking.
        self.tool_combo.addItem("(named in the file's tool column)" if "tool" in guessed else "Choose the tool…", "")
        for row in self.wiz.context.db.query("SELECT name FROM tool WHERE deleted_at IS NULL ORDER BY name"):
            self.tool_combo.addItem(row["name"], row["name"])
        self.tool_combo.setCurrentIndex(1 if self.tool_combo.count() == 2 and "tool" not in guessed else 0)
        self.tool_combo.blockSignals(False)
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            offer_columns(combo, table.headers)
            combo.setCurrentIndex(max(combo.findData(guessed.get(name, ("",))[0]), 0))
            combo.blockSignals(False)
        self.update_preview()

    def update_preview(self) -> None:
        table = self.wiz.table
        if table is None:
            return
        self.wiz.mapping = {name: (combo.currentData(),) for name, combo in self.combos.items() if combo.currentData()}
        self.wiz.tool = self.tool_combo.currentData() or None
        index = {h: i for i, h in reversed(list(enumerate(table.headers)))}
        self.preview.clear()
        self.preview.setColumnCount(len(usage.FIELDS))
        self.preview.setHorizontalHeaderLabels([usage.FIELD_LABELS[f] for f in usage.FIELDS])
        rows = table.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        self.preview.setVerticalHeaderLabels([f"line {line}" for line, _ in rows])
        for r, (_, cells) in enumerate(rows):
            for c, name in enumerate(usage.FIELDS):
                cols = self.wiz.mapping.get(name, ())
                text = " ".join(cells[index[col]].strip() for col in cols if index[col] < len(cells))
                if name == "day" and text:
                    day = usage.parse_day(text)
                    text = f"{day.day} {day:%b %Y}" if day else f"? {text}"
                self.preview.setItem(r, c, QTableWidgetItem(text))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # Qt override
        mapping = self.wiz.mapping
        return (
            any(mapping.get(f) for f in usage.IDENTIFIERS)
            and bool(mapping.get("day"))
            and bool(mapping.get("count"))
            and bool(self.wiz.tool or mapping.get("tool"))
        )


class UsageReportPage(ReportPage):
    """Step 3: what would be added, corrected, removed, left alone; unmatched users; every bad line."""

    def __init__(self, wizard: UsageWizard) -> None:
        super().__init__(wizard)
        self.setSubTitle("Every line was checked and its user matched. Nothing has been written yet.")
        self.unmatched = QPlainTextEdit(self)
        self.unmatched.setReadOnly(True)
        self.unmatched.setAccessibleName("Users who match no colleague")
        self.unmatched.setMaximumHeight(110)
        self.unmatched_label = QLabel("Users who match no colleague (left out; nobody is added):", self)
        self.layout().insertWidget(2, self.unmatched_label)
        self.layout().insertWidget(3, self.unmatched)

    def initializePage(self) -> None:  # Qt override
        from PySide6.QtWidgets import QApplication

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.wiz.plan = usage.plan_usage(self.wiz.context.db, self.wiz.table, self.wiz.mapping, self.wiz.tool)
        except ChampionDeskError as exc:
            self.wiz.plan = None
            self.summary.setText("This file cannot be imported.")
            self.details.setText(str(exc))
            for widget in (self.problems, self.problems_label, self.skip, self.unmatched, self.unmatched_label):
                widget.setVisible(False)
            return
        finally:
            QApplication.restoreOverrideCursor()
        plan = self.wiz.plan
        c = plan.counts
        self.summary.setText(
            f"{plan.days} days: {c['added']} to add, {c['updated']} to correct, {c['removed']} to remove, "
            f"{c['unchanged']} already up to date, {c['invalid']} with problems"
        )
        n = c["unmatched"]
        details = [
            f"{n} user{' matches' if n == 1 else 's match'} no colleague." if n else "Every user matches a colleague."
        ]
        if c["removed"]:
            details.append(
                "Rows to remove are use stored for the file's days, of colleagues this file names, that it "
                "no longer lists: the newer export replaces those days. Colleagues it does not name are left alone."
            )
        if not plan.has_changes() and not plan.problems:
            details.append("Nothing to import: Champion Desk already holds this usage.")
        self.details.setText(" ".join(details))
        self.unmatched.setPlainText("\n".join(str(p) for p in plan.unmatched))
        for widget in (self.unmatched, self.unmatched_label):
            widget.setVisible(bool(plan.unmatched))
        self.problems.setPlainText("\n".join(str(p) for p in plan.problems))
        for widget in (self.problems, self.problems_label, self.skip):
            widget.setVisible(bool(plan.problems))
        self.skip.setChecked(False)


class UsageConfirmPage(ConfirmPage):
    """Step 4: say what will happen; the Import button runs it (with progress, cancellable)."""

    progress_title = "Importing usage"

    def initializePage(self) -> None:  # Qt override
        plan = self.wiz.plan
        c = plan.counts
        tool = plan.tool or "the tools the file names"
        self.text.setText(
            f"<p>From <b>{plan.table.path.name}</b> ({tool}), Champion Desk will add <b>{c['added']}</b> days of use, "
            f"correct <b>{c['updated']}</b> and remove <b>{c['removed']}</b>.</p>"
            + (f"<p><b>{c['invalid']}</b> lines with problems will be left out.</p>" if plan.problems else "")
            + "<p>Days the file does not cover are left as they are. If something looks wrong afterwards, "
            "File → Restore from backup… brings back the database as it was.</p>"
        )

    def import_call(self) -> tuple[Callable[..., Any], dict[str, Any]]:
        return usage.import_usage, {"tool": self.wiz.tool}


class UsageDonePage(DonePage):
    """The outcome, in the same words as the command line's report."""

    def initializePage(self) -> None:  # Qt override
        result = self.wiz.result
        if result is None:
            return
        self.text.setText(
            f"Usage imported: {result.summary()}.\n\nThe Dashboard's Training → use chart and the "
            "suggested next steps now include it."
        )
        self.wiz.context.status_message.emit(f"Usage imported: {result.summary()}.")
