"""Every control on every page and dialog has a name and a role a screen reader can announce.

Read through ``QAccessible``, as Qt's bridge to AT-SPI (Linux), UI Automation (Windows) and
NSAccessibility (macOS) reads it: a field's name may come from its label's buddy.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

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

from champion_desk.domain import pin

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


def record_tables() -> list[str]:
    from champion_desk.ui.dialogs.registry import DIALOGS

    return sorted(DIALOGS)


@pytest.mark.parametrize("table", record_tables())
def test_every_record_dialog_names_its_controls(qtbot, ward_context, table):
    from tests.ui.test_dialog_base import make_dialog

    dialog = make_dialog(qtbot, ward_context, table)
    dialog.show()
    QApplication.processEvents()
    found = unnamed_controls(dialog, f"dialog {table}")
    assert found == [], "\n".join(found)


# Windows of their own that are not dialogs: the lock screen covers the screen as a plain widget.
OTHER_WINDOWS = {"LockScreen", "KioskWindow"}


def window_classes() -> dict[str, type]:
    """Return every dialog, wizard and other window class defined under champion_desk.ui, by name.

    Found by importing every module of the package, so a dialog added tomorrow is in this list
    (and test_every_window_class_is_checked fails until it is built below).
    """
    from PySide6.QtWidgets import QDialog

    import champion_desk.ui as ui

    found = {}
    for info in pkgutil.walk_packages(ui.__path__, "champion_desk.ui."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            if issubclass(cls, QDialog) or name in OTHER_WINDOWS:
                found[name] = cls
    return found


def usage_file(tmp_path: Path) -> Path:
    path = tmp_path / "scribe-export.csv"
    path.write_text("User Principal Name;Activity Date;Notes Drafted\nlocum@nhs.net;02/11/2026;7\n", encoding="utf-8")
    return path


def kiosk_today(context) -> QWidget:
    """Return the sign-in screen over a session held today on the ward, three colleagues invited."""
    import datetime as dt

    from champion_desk.domain import logbook
    from champion_desk.ui.kiosk import KioskWindow

    db = context.db
    trainer = db.scalar("SELECT id FROM staff WHERE is_champion = 1 ORDER BY display_name LIMIT 1")
    invited = [r["id"] for r in db.query("SELECT id FROM staff WHERE is_champion = 0 ORDER BY display_name LIMIT 3")]
    values = {
        "tool_id": db.scalar("SELECT id FROM tool ORDER BY name LIMIT 1"),
        "unit_id": db.scalar("SELECT id FROM unit ORDER BY name LIMIT 1"),
        "trainer_id": trainer,
        "held_on": dt.date.today().isoformat(),
        "minutes": 30,
        "format": "hands-on",
        "starts_at": "14:00",
    }
    session_id = logbook.save_session(db, values, [], "t", invited=invited)
    kiosk = KioskWindow(db, session_id, "t", None, pin.PinAttempts())
    # Its controls are what is checked here; left open (it refuses to close without a PIN) it would
    # take the keys of every later test in the process.
    kiosk._may_close = True  # noqa: SLF001
    return kiosk


# How each window is built for the check (record dialogs: through the registry, above).
BUILDERS: dict[str, Callable[[Any, Path], QWidget]] = {
    "RecordDialog": None,  # the base of the record dialogs, each checked above
    "CrashDialog": lambda c, tmp: _import("crash_dialog").CrashDialog("ab12cd34", "ValueError", tmp / "cd.log"),
    "ExportDialog": lambda c, tmp: _import("exchange_dialogs").ExportDialog(c),
    "MergeDialog": lambda c, tmp: _import("exchange_dialogs").MergeDialog(c),
    "RestoreDialog": lambda c, tmp: _import("exchange_dialogs").RestoreDialog(c),
    "FirstRunDialog": lambda c, tmp: _import("first_run").FirstRunDialog(tmp / "champion-desk.db"),
    "ImportWizard": lambda c, tmp: _import("import_wizard").ImportWizard(c, None, ESR),
    "UsageWizard": lambda c, tmp: _import("usage_wizard").UsageWizard(c, None, usage_file(tmp)),
    "KioskWindow": lambda c, tmp: kiosk_today(c),
    "LockScreen": lambda c, tmp: _import("lock_screen").LockScreen(pin.hash_pin("2468", n=2**10, r=8, p=1)),
    "PinSetupDialog": lambda c, tmp: _import("lock_screen").PinSetupDialog(None, 10),
    "PassphraseDialog": lambda c, tmp: _import("passphrase_dialog").PassphraseDialog(
        "Seal the export", "Choose a passphrase for the file.", True
    ),
    "UnitsDialog": lambda c, tmp: _import("pages.people").UnitsDialog(
        c, _import("pages.operations").DeletionHistory(c)
    ),
    "RetentionDialog": lambda c, tmp: _import("privacy_dialogs").RetentionDialog(c),
    "SignDialog": lambda c, tmp: _import("sign_dialog").SignDialog(
        c.db, c.current_user["id"], "Countersign 1 session", "Countersign"
    ),
    "SigningPinDialog": lambda c, tmp: _import("signing_pin_dialog").SigningPinDialog(
        c.db, c.current_user["id"], c.actor
    ),
    "SyncDialog": lambda c, tmp: _import("sync_dialog").SyncDialog(c),
    "UserPickerDialog": lambda c, tmp: _import("user_picker").UserPickerDialog(c.db),
}
ESR = Path(__file__).resolve().parents[1] / "exchange" / "data" / "esr_staff_list.csv"


def _import(name: str):
    return importlib.import_module(f"champion_desk.ui.{name}")


def test_every_window_class_is_checked():
    from champion_desk.ui.dialogs.base import RecordDialog
    from champion_desk.ui.dialogs.registry import dialog_class

    classes = window_classes()
    records = {dialog_class(table) for table in record_tables()}
    unchecked = [
        name
        for name, cls in classes.items()
        if name not in BUILDERS and not (issubclass(cls, RecordDialog) and cls in records)
    ]
    assert unchecked == [], f"build these in BUILDERS so their controls are checked: {unchecked}"
    assert {"MergeDialog", "RestoreDialog", "ImportWizard", "UsageWizard", "LockScreen", "PinSetupDialog"} <= set(
        classes
    )


def walk_wizard(wizard, check: Callable[[int], None]) -> int:
    """Check each page of a wizard as it is shown, walking forward as far as its pages allow
    without doing its work (a commit page's Next writes to the logbook); return how many were checked."""
    number = 1
    check(number)
    while wizard.currentPage().isComplete() and wizard.nextId() != -1 and not wizard.currentPage().isCommitPage():
        before = wizard.currentPage()
        wizard.next()
        QApplication.processEvents()
        if wizard.currentPage() is before:
            break
        number += 1
        check(number)
    return number


@pytest.mark.parametrize("name", sorted(n for n, build in BUILDERS.items() if build is not None))
def test_every_other_dialog_and_window_names_its_controls(qtbot, ward_context, tmp_path, name):
    from PySide6.QtWidgets import QWizard

    top = BUILDERS[name](ward_context, tmp_path)
    qtbot.addWidget(top)
    top.show()
    QApplication.processEvents()
    found: list[str] = []
    if isinstance(top, QWizard):
        pages = walk_wizard(top, lambda number: found.extend(unnamed_controls(top, f"{name} page {number}")))
        assert pages >= 3, f"{name}: only {pages} pages reached"
    else:
        found = unnamed_controls(top, name)
    assert found == [], "\n".join(found)
