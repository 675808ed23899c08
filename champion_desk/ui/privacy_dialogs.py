"""Help › Data protection report… and Help › Retention rules…: the pack for the trust's IG lead, and the rules a manager sets.

The domain and report modules are imported when a dialog opens: the menu is built at start-up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.ui.context import AppContext
from champion_desk.ui.widgets.save_path import ask_save_path


def add_help_menu_actions(menu: QMenu, context: AppContext, parent: QWidget) -> None:
    """Add Data protection report… and Retention rules… to ``menu``."""
    entries = (
        (
            "Data &protection report…",
            save_privacy_report,
            "Save the PDF a trust attaches to its data protection impact assessment",
        ),
        ("&Retention rules…", edit_retention_rules, "How long concerns, leavers and deleted records are kept"),
    )
    for text, handler, tip in entries:
        action = QAction(text, parent)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False, h=handler: h(context, parent))
        menu.addAction(action)


def save_privacy_report(context: AppContext, parent: QWidget | None) -> Path | None:
    """Ask where to save the data-protection report, write it, and say where it went; return the path."""
    from champion_desk.domain.data_protection import protection_facts
    from champion_desk.report.privacy_report import build_privacy_report

    db = context.db
    target = ask_save_path(
        parent, "Save the data protection report", Path.home() / "data-protection-report.pdf", "PDF (*.pdf)", db.path
    )
    if target is None:
        return None
    try:
        pages = build_privacy_report(protection_facts(db, db.path), target)
    except (ChampionDeskError, OSError) as exc:
        QMessageBox.warning(parent, "Data protection report", f"The report could not be written: {exc}")
        return None
    QMessageBox.information(parent, "Data protection report", f"Saved the report ({pages} pages) to {target}.")
    return target


class RetentionDialog(QDialog):
    """The retention rules in force, each a spin box within its allowed range; Save stores the changed ones (audited)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        from champion_desk.domain import retention

        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Retention rules")
        self.values = retention.rules(context.db)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "These rules are kept in the logbook, so every ward PC whose file is merged applies the same. "
            "They are applied when the app closes after a change. Every change is recorded in the audit log."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.setMinimumWidth(560)
        # Each explanation takes the width beside its box: wrapped under it in a form, a label got a
        # third of the width and its last line was cut off.
        form = QGridLayout()
        form.setColumnStretch(0, 1)
        form.setVerticalSpacing(10)
        self.spins: dict[str, QSpinBox] = {}
        for row, (name, rule) in enumerate(retention.RULES.items()):
            spin = QSpinBox(self)
            spin.setRange(rule.low, rule.high)
            spin.setValue(self.values[name])
            spin.setSuffix(f" {rule.unit}")
            spin.setToolTip(rule.meaning)
            spin.setAccessibleName(name.replace("_", " "))
            self.spins[name] = spin
            label = QLabel(rule.meaning[0].upper() + rule.meaning[1:] + f" (default {rule.default} {rule.unit}):")
            label.setWordWrap(True)
            label.setBuddy(spin)
            form.addWidget(label, row, 0)
            form.addWidget(spin, row, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #B42318")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Store the rules whose value changed, all in one transaction; show a broken rule beside the form."""
        from champion_desk.domain import retention

        changed = {n: s.value() for n, s in self.spins.items() if s.value() != self.values[n]}
        try:
            with self.context.db.transaction():
                for name, value in changed.items():
                    retention.set_rule(self.context.db, name, value, self.context.actor)
        except ValidationError as exc:
            self.error.setText(exc.message)
            return
        if changed:
            self.context.notify_changed("setting")
        self.accept()


def edit_retention_rules(context: AppContext, parent: QWidget | None) -> None:
    """Open the retention rules dialog."""
    RetentionDialog(context, parent).exec()
