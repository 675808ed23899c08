"""Every control on every page and dialog has a name and a role a screen reader can announce.

Read through ``QAccessible``, as Qt's bridge to AT-SPI (Linux), UI Automation (Windows) and
NSAccessibility (macOS) reads it: a field's name may come from its label's buddy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

CONTROLS = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QAbstractSpinBox,
    QAbstractItemView,
    QAbstractSlider,
    QPlainTextEdit,
    QTextEdit,
    QTabBar,
)


def unnamed_controls(top: QWidget, where: str) -> list[str]:
    """Return each visible control of ``top`` without an accessible name or with no real role."""
    found = []
    for control in top.findChildren(QWidget):
        if not isinstance(control, CONTROLS) or not control.isVisibleTo(top) or control.window() is not top:
            continue
        parent = control.parentWidget()
        # Parts Qt builds inside a control are announced as (or with) that control: a combo box's
        # or spin box's line edit, a view's header (its cells are the table's column headers),
        # a scroll area's scroll bars.
        if isinstance(parent, (QComboBox, QAbstractSpinBox)) or isinstance(control, QHeaderView):
            continue
        if isinstance(control, QScrollBar) and parent is not None and parent.objectName().startswith("qt_scrollarea"):
            continue
        interface = QAccessible.queryAccessibleInterface(control)
        name = interface.text(QAccessible.Text.Name).strip() if interface else ""
        role = interface.role() if interface else QAccessible.Role.NoRole
        if not name or role in (QAccessible.Role.NoRole, QAccessible.Role.Client):
            found.append(f"{where}: {type(control).__name__} {control.objectName()!r} {role.name}: no name")
    return found


def test_every_page_names_its_controls(qtbot, window):
    from champion_desk.ui.main_window import PAGES

    found = []
    for spec in PAGES:
        window.show_page(spec.name)
        QApplication.processEvents()
        found += unnamed_controls(window, f"page {spec.name}")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "table",
    ["unit", "staff", "tool", "rollout", "training_session", "incident", "pairing", "checkin", "pulse", "story"],
)
def test_every_record_dialog_names_its_controls(qtbot, ward_context, table):
    from tests.ui.test_dialog_base import make_dialog

    dialog = make_dialog(qtbot, ward_context, table)
    dialog.show()
    QApplication.processEvents()
    found = unnamed_controls(dialog, f"dialog {table}")
    assert found == [], "\n".join(found)


def test_the_welcome_and_who_is_logging_dialogs_name_their_controls(qtbot, ward_context, tmp_path):
    from champion_desk.ui.first_run import FirstRunDialog
    from champion_desk.ui.user_picker import UserPickerDialog

    for where, dialog in (
        ("welcome", FirstRunDialog(Path(tmp_path / "champion-desk.db"))),
        ("who is logging", UserPickerDialog(ward_context.db)),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        found = unnamed_controls(dialog, where)
        assert found == [], "\n".join(found)
