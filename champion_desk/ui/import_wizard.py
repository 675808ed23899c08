"""File → Import roster…: choose a file, match its columns, read the check report, confirm, import.

Nothing is written until the confirm page; the report page is a dry run of exactly the import
that will run (the same ``plan_import``), so what the user approves is what lands.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from champion_desk.errors import ChampionDeskError
from champion_desk.exchange import roster
from champion_desk.exchange.tabular import TableFile
from champion_desk.ui.context import AppContext
from champion_desk.ui.messages import show_error
from champion_desk.ui.screen_fit import fit_to_screen

PREVIEW_ROWS = 8
NOT_IN_FILE = "(not in the file)"
HINTS = {
    "staff_ref": "Employee or staff number. Re-importing matches colleagues on it.",
    "display_name": "The colleague's name, as the team knows it. Required.",
    "role": "Job title, e.g. Staff Nurse.",
    "unit": "Ward or department. New ones are created.",
    "is_champion": "Yes/No: is this colleague a champion?",
    "active": "An HR status (Active Assignment, Suspended, Leaver…) or Yes/No: are they in post?",
    "email": "Work e-mail: usage imports match colleagues on it.",
    "login": "Login name: usage imports match colleagues on it.",
}
# A CSV without a byte-order mark is read as UTF-8 unless the user names its encoding here.
ENCODINGS = (
    ("UTF-8 (or marked in the file)", ""),
    ("Windows-1252 (older Excel on Windows)", "cp1252"),
    ("UTF-16 without a mark", "utf-16"),
    ("Latin-1 (ISO 8859-1)", "latin-1"),
)


def set_up_wizard(wizard: QWizard, title: str, name: str) -> None:
    """Give an import wizard its title, its name for screen readers, and the look every import shares."""
    wizard.setWindowTitle(title)
    wizard.setAccessibleName(name)
    wizard.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
    wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
    wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)


def offer_columns(combo: QComboBox, headers: list[str]) -> None:
    """Offer every named column of the file in a column choice, after "(not in the file)" (data: '')."""
    combo.clear()
    combo.addItem(NOT_IN_FILE, "")
    for header in headers:
        if header:
            combo.addItem(header, header)


def preview_table(parent: QWidget) -> QTableWidget:
    """Return the read-only table a mapping page shows the file's first rows in."""
    preview = QTableWidget(parent)
    preview.setAccessibleName("Preview of the first rows")
    preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    # Qt's corner button (select all) has no name of its own: a screen reader would say only "button".
    corner = preview.findChild(QAbstractButton)
    if corner is not None:
        corner.setAccessibleName("Select every row of the preview")
    return preview


class ImportWizard(QWizard):
    """The roster import wizard: file → columns → check report → confirm → done."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.table: TableFile | None = None
        self.mapping: roster.Mapping_ = {}
        self.plan: roster.ImportPlan | None = None
        self.result: roster.ImportPlan | None = None
        set_up_wizard(self, "Import staff from an HR roster", "Import roster wizard")
        self.file_page = FilePage(self, path)
        self.mapping_page = MappingPage(self)
        self.report_page = ReportPage(self)
        self.confirm_page = ConfirmPage(self)
        self.done_page = DonePage(self)
        for page in (self.file_page, self.mapping_page, self.report_page, self.confirm_page, self.done_page):
            self.addPage(page)
        fit_to_screen(self, QSize(900, 660))


class FilePage(QWizardPage):
    """Step 1: choose the file; it is read at once so problems show before going on."""

    def __init__(self, wizard: ImportWizard, path: Path | None) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Step 1 of 4 — Choose the roster file")
        self.setSubTitle(
            "Use the staff list your HR or rostering system exports, saved as CSV or Excel (.xlsx). "
            "Its first row must hold the column names. Nothing is changed until the last step."
        )
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText("Choose a .csv or .xlsx file…")
        self.path_edit.setAccessibleName("Roster file")
        self.path_edit.editingFinished.connect(self.read_file)
        browse = QPushButton("Browse…", self)
        browse.setAccessibleName("Browse for the roster file")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.encoding = QComboBox(self)
        self.encoding.setAccessibleName("Text encoding of a CSV file")
        for label, name in ENCODINGS:
            self.encoding.addItem(label, name)
        self.encoding.currentIndexChanged.connect(self.read_file)
        encoding_row = QHBoxLayout()
        encoding_row.addWidget(QLabel("Text encoding (CSV only):", self))
        encoding_row.addWidget(self.encoding)
        encoding_row.addStretch(1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Roster file:", self))
        layout.addLayout(row)
        layout.addLayout(encoding_row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        if path is not None:
            self.path_edit.setText(str(path))
            self.read_file()

    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the roster file", str(Path.home()), "Rosters (*.csv *.xlsx *.txt);;All files (*)"
        )
        if name:
            self.path_edit.setText(name)
            self.read_file()

    def read_file(self) -> None:
        text = self.path_edit.text().strip()
        self.wiz.table = None
        if text:
            try:
                self.wiz.table = roster.read_roster(Path(text), self.encoding.currentData() or None)
            except (ChampionDeskError, OSError) as exc:
                self.status.setStyleSheet("color: #a00;")
                self.status.setText(f"This file cannot be imported: {exc}")
            else:
                table = self.wiz.table
                self.status.setStyleSheet("")
                self.status.setText(
                    f"Read {table.path.name}: {table.describe()}, "
                    f"{len(table.headers)} columns. Press Next to match the columns."
                )
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # Qt override
        return self.wiz.table is not None


class MappingPage(QWizardPage):
    """Step 2: which column holds what, with the first rows as Champion Desk will read them."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Step 2 of 4 — Match the columns")
        self.setSubTitle(
            "Champion Desk guessed which column holds what from the column names. "
            "Check the preview below; change a choice if it is wrong."
        )
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        for name in roster.FIELDS:
            combo = QComboBox(self)
            combo.setAccessibleName(roster.FIELD_LABELS[name])
            combo.setToolTip(HINTS[name])
            combo.currentIndexChanged.connect(self.update_preview)
            self.combos[name] = combo
            hint = QLabel(HINTS[name], self)
            hint.setStyleSheet("color: #555;")
            cell = QHBoxLayout()
            cell.addWidget(combo, 1)
            cell.addWidget(hint, 2)
            form.addRow(f"{roster.FIELD_LABELS[name]}:", cell)
        self.ignored = QLabel(self)
        self.ignored.setWordWrap(True)
        self.preview = preview_table(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.ignored)
        layout.addWidget(QLabel(f"Preview — the first {PREVIEW_ROWS} rows as they will be read:", self))
        layout.addWidget(self.preview, 1)

    def initializePage(self) -> None:  # Qt override
        table = self.wiz.table
        guessed = roster.guess_mapping(table.headers)
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            offer_columns(combo, table.headers)
            # Item data is the column names joined by tabs: Qt compares strings reliably, tuples not.
            if len(guessed.get(name, ())) > 1:
                combo.addItem(" + ".join(guessed[name]), "\t".join(guessed[name]))
            index = combo.findData("\t".join(guessed.get(name, ())))
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self.update_preview()

    def current_mapping(self) -> roster.Mapping_:
        return {
            name: tuple(combo.currentData().split("\t")) for name, combo in self.combos.items() if combo.currentData()
        }

    def update_preview(self) -> None:
        table = self.wiz.table
        if table is None:
            return
        mapping = self.current_mapping()
        self.wiz.mapping = mapping
        used = {c for cols in mapping.values() for c in cols}
        unused = [h for h in table.headers if h and h not in used]
        self.ignored.setText(f"Not imported: {', '.join(unused)}." if unused else "Every column is used.")
        index = {h: i for i, h in reversed(list(enumerate(table.headers)))}
        self.preview.clear()
        self.preview.setColumnCount(len(roster.FIELDS))
        self.preview.setHorizontalHeaderLabels([roster.FIELD_LABELS[f] for f in roster.FIELDS])
        rows = table.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        self.preview.setVerticalHeaderLabels([f"line {line}" for line, _ in rows])
        for r, (_, cells) in enumerate(rows):
            for c, name in enumerate(roster.FIELDS):
                parts = [cells[index[col]].strip() for col in mapping.get(name, ()) if index[col] < len(cells)]
                text = " ".join(p for p in parts if p)
                if name in ("is_champion", "active") and text:
                    flag = roster.parse_flag(text) if name == "is_champion" else roster.parse_status(text)
                    # Show how the word is read; the file's own word too when it is not plain yes/no.
                    word = {1: "yes", 0: "no"}.get(
                        flag, "? not yes or no" if name == "is_champion" else "? unknown status"
                    )
                    text = word if text.lower() in ("yes", "no") else f"{word} ({text})"
                self.preview.setItem(r, c, QTableWidgetItem(text))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # Qt override
        return bool(self.current_mapping().get("display_name"))


class ReportPage(QWizardPage):
    """Step 3: the check report — what would be added, updated, left alone, and every bad row."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Step 3 of 4 — Check the report")
        self.setSubTitle("Every row was checked against Champion Desk's rules. Nothing has been written yet.")
        self.summary = QLabel(self)
        font = QFont(self.summary.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setWordWrap(True)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.problems = QPlainTextEdit(self)
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName("Rows that cannot be imported")
        self.skip = QCheckBox("Import the valid rows now and leave out the rows listed above", self)
        self.skip.toggled.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        self.problems_label = QLabel(
            "Rows that cannot be imported (line numbers as in the file; line 1 is the header):", self
        )
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.skip)
        self.warnings_label = QLabel("Rows that will be imported, but check them (line numbers as in the file):", self)
        self.warnings = QPlainTextEdit(self)
        self.warnings.setReadOnly(True)
        self.warnings.setAccessibleName("Rows imported with a warning")
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.warnings, 1)
        self.warnings_label.setVisible(False)
        self.warnings.setVisible(False)

    def initializePage(self) -> None:  # Qt override
        from PySide6.QtWidgets import QApplication

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.wiz.plan = roster.plan_import(self.wiz.context.db, self.wiz.table, self.wiz.mapping)
        except ChampionDeskError as exc:
            self.wiz.plan = None
            self.summary.setText("This roster cannot be imported.")
            self.details.setText(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        plan = self.wiz.plan
        c = plan.counts
        self.summary.setText(
            f"{c['added']} to add, {c['updated']} to update, {c['unchanged']} already up to date, "
            f"{c['invalid']} with problems"
        )
        lines = []
        if plan.new_units:
            lines.append(f"New units to create: {', '.join(plan.new_units)}.")
        if not plan.has_changes() and not plan.problems:
            lines.append("Nothing to import: Champion Desk already matches this roster.")
        self.details.setText(" ".join(lines))
        has_problems = bool(plan.problems)
        self.problems.setPlainText("\n".join(p.described(plan.mapping) for p in plan.problems))
        for widget in (self.problems, self.problems_label, self.skip):
            widget.setVisible(has_problems)
        self.warnings.setPlainText("\n".join(str(w) for w in plan.warnings))
        for widget in (self.warnings, self.warnings_label):
            widget.setVisible(bool(plan.warnings))
        self.skip.setChecked(False)
        if has_problems:
            self.details.setText(
                self.details.text() + " Fix these rows in the file and import it again, "
                "or tick the box below to import the other rows now."
            )

    def isComplete(self) -> bool:  # Qt override
        plan = self.wiz.plan
        if plan is None or not plan.has_changes():
            return False
        return not plan.problems or self.skip.isChecked()


class ConfirmPage(QWizardPage):
    """Step 4: say exactly what will happen; the Import button runs it (with progress, cancellable).

    The usage wizard's page is this one with its own words and its own import (``import_call``).
    """

    progress_title = "Importing the roster"

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Step 4 of 4 — Import")
        self.setSubTitle("Press Import to write these changes. A backup of the database is taken first.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def initializePage(self) -> None:  # Qt override
        plan = self.wiz.plan
        c = plan.counts
        items = [f"add <b>{c['added']}</b> colleagues", f"update <b>{c['updated']}</b> colleagues"]
        if plan.new_units:
            items.append(f"create <b>{len(plan.new_units)}</b> units ({', '.join(plan.new_units)})")
        skipped = f"<p><b>{c['invalid']}</b> rows with problems will be left out.</p>" if plan.problems else ""
        self.text.setText(
            f"<p>From <b>{plan.table.path.name}</b>, Champion Desk will:</p><ul>"
            + "".join(f"<li>{i}</li>" for i in items)
            + "</ul>"
            + skipped
            + "<p>Colleagues not in the file are left as they are. Blank cells never clear what is stored.</p>"
            "<p>If something looks wrong afterwards, File → Restore from backup… brings back the database as it was.</p>"
        )

    def import_call(self) -> tuple[Callable[..., Any], dict[str, Any]]:
        """Return the import to run on (db, table, mapping, actor) and its own keywords."""
        return roster.import_roster, {}

    def validatePage(self) -> bool:  # Qt override
        from champion_desk.ui.workers import OperationCancelled, run_with_progress

        plan = self.wiz.plan
        run_import, keywords = self.import_call()
        try:
            self.wiz.result = run_with_progress(
                self,
                self.progress_title,
                run_import,
                self.wiz.context.db,
                plan.table,
                plan.mapping,
                self.wiz.context.actor,
                skip_invalid=bool(plan.problems),
                label=f"Importing {plan.table.path.name}…",
                **keywords,
            ).wait()
        except OperationCancelled:
            self.text.setText(self.text.text() + "<p><b>Cancelled: nothing was imported.</b></p>")
            return False
        except ChampionDeskError as exc:
            show_error(self, "Import not done", exc)
            return False
        self.wiz.context.notify_changed("*")
        return True


class DonePage(QWizardPage):
    """The outcome, in the same words as the command line's report (the usage wizard's: its own words)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Import finished")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def initializePage(self) -> None:  # Qt override
        result = self.wiz.result
        if result is None:
            return
        c = result.counts
        lines = [
            f"{n} colleague{'s' if n != 1 else ''} {what}."
            for n, what in ((c["added"], "added"), (c["updated"], "updated"), (c["unchanged"], "already up to date"))
            if n
        ]
        if result.new_units:
            lines.append(f"Units created: {', '.join(result.new_units)}.")
        if c["invalid"]:
            lines.append(
                f"{c['invalid']} rows with problems were left out. Fix them in the file and import it "
                "again: the rows imported now will show as already up to date."
            )
        lines.append("You will find everyone on the People page.")
        self.text.setText("\n\n".join(lines))
        self.wiz.context.status_message.emit(f"Roster imported: {result.summary()}.")
