"""Open every page and dialog on the screen Qt was given and print, as JSON, what does not fit.

Run by ``test_screen_fit.py`` in a process of its own, because the screen's size is fixed when
Qt starts (``QT_QPA_PLATFORM=offscreen:configfile=...``). Usage: ``python screen_fit_probe.py DB``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleOptionFrame,
    QToolButton,
    QWidget,
    QWizard,
)

# Run as a script: the repository's root makes ``tests`` importable (the windows are built as there).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox)


def settle(app: QApplication) -> None:
    """Let layouts and deferred resizes run."""
    for _ in range(3):
        app.processEvents()


def inside_scroll_area(widget: QWidget, top: QWidget) -> bool:
    """Return True when ``widget`` sits in a scrolling list or panel (it is reached by scrolling it)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent.parentWidget(), QAbstractScrollArea) and parent is parent.parentWidget().viewport():
            return True
        parent = parent.parentWidget()
    return False


def problems_of(window: QWidget, where: str, screen: QRect, skip_scrolled: bool = True) -> list[str]:
    """Return what does not fit: the window outside the screen, a control cut off or outside the window."""
    found = []
    frame = window.frameGeometry()
    if not screen.contains(frame):
        found.append(f"{where}: window {frame.getRect()} is not inside the screen {screen.getRect()}")
    area = window.rect()
    for control in window.findChildren(QWidget):
        if not isinstance(control, CONTROLS) or not control.isVisible() or control.window() is not window:
            continue
        if skip_scrolled and inside_scroll_area(control, window):
            continue
        name = control.accessibleName() or control.objectName() or type(control).__name__
        box = QRect(control.mapTo(window, QPoint(0, 0)), control.size())
        if not area.contains(box):
            found.append(f"{where}: {name!r} at {box.getRect()} is outside the window {area.getRect()}")
        elif control.visibleRegion().boundingRect() != control.rect():
            found.append(f"{where}: {name!r} is cut off (shows {control.visibleRegion().boundingRect().getRect()})")
        elif isinstance(control, QPushButton) and control.width() < control.sizeHint().width():
            # Squeezed by its layout: the button is whole but its label is clipped ("port their dat").
            found.append(
                f"{where}: {name!r} is {control.width()} px wide, its label needs {control.sizeHint().width()}"
            )
    return found


def list_problems(page: QWidget, where: str) -> list[str]:
    """Return what is wrong with a page's list: columns off to the side, a title (ideas, stories) too
    narrow to read, and any name or word cut short ("Cedar W…")."""
    records = getattr(page, "records", None)
    if records is None or not records.view.isVisible():
        return []
    view = records.view
    model = records.model
    found = []
    if view.horizontalScrollBar().maximum() > 0:
        found.append(f"{where}: the list scrolls sideways by {view.horizontalScrollBar().maximum()} px")
    main = model.MAIN_COLUMN
    if main is not None:
        column = [c.key for c in model.COLUMNS].index(main)
        # Narrower than its titles need and than a fifth of the list: the titles are cut to a few words
        # (before the main column kept its width, 110 px of 756 at 1024x768).
        if view.columnWidth(column) < min(view.sizeHintForColumn(column), view.viewport().width() // 5):
            found.append(f"{where}: the {main} column is {view.columnWidth(column)} px of {view.viewport().width()}")
    found += elided_cells(view, model, where)
    return found


def elided_cells(view, model, where: str) -> list[str]:
    """Return the shown columns of names and words (units, tools, people, themes, statuses, dates,
    numbers: all but titles and notes) with a cell whose text is cut short, in any row of the list.

    A cell's text is drawn whole when it fits the column less the grid line and the item view's text
    margin either side (the focus frame's margin and a pixel), as Qt's style lays it out.
    """
    metrics = QFontMetricsF(view.font())
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    grid = 1 if view.showGrid() else 0
    header = view.horizontalHeader()
    # What each title needs, by Qt's own measure with the app's style sheet: the sorted column's
    # with the room for its arrow, the others' without it.
    with_arrow = [header.sectionSizeHint(c) for c in range(header.count())]
    header.setSortIndicatorShown(False)
    plain = [header.sectionSizeHint(c) for c in range(header.count())]
    header.setSortIndicatorShown(True)
    found = []
    for number, column in enumerate(model.COLUMNS):
        if view.isColumnHidden(number):
            continue
        room = view.columnWidth(number) - grid - 2 * margin
        title = with_arrow[number] if header.sortIndicatorSection() == number else plain[number]
        if view.columnWidth(number) < title:
            found.append(
                f"{where}: the title {column.title!r} needs {title} px, its column is {view.columnWidth(number)}"
            )
        if column.kind == "prose":
            continue  # a title or note may be cut with "…": its tooltip and its form show it whole
        cut = [
            text
            for text in {column.text(model.row(r)) for r in range(model.rowCount())}
            if metrics.horizontalAdvance(text) > room
        ]
        if cut:
            longest = max(cut, key=metrics.horizontalAdvance)
            found.append(
                f"{where}: {len(cut)} {column.title!r} texts are cut short in its {view.columnWidth(number)} px, "
                f"such as {longest!r} ({metrics.horizontalAdvance(longest):.0f} px)"
            )
    return found


def search_problems(page: QWidget, where: str) -> list[str]:
    """Return a list page's search box whose placeholder ("Search sessions (Ctrl+F)") is cut short.

    Measured as QLineEdit paints it: the style's contents rectangle, less the text margins, the room
    kept for each side button (the clear button, kept even while hidden) and the 2 px inner margins.
    """
    search = getattr(page, "search", None)
    if not isinstance(search, QLineEdit) or not search.isVisible() or not search.placeholderText():
        return []
    option = QStyleOptionFrame()
    search.initStyleOption(option)
    style = search.style()
    room = style.subElementRect(QStyle.SubElement.SE_LineEditContents, option, search).width()
    room -= search.textMargins().left() + search.textMargins().right() + 2 * 2
    side = style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconSize, None, search) + 6
    side += style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconMargin, None, search)
    room -= side * sum(1 for b in search.findChildren(QToolButton) if b.isVisibleTo(search))
    need = search.fontMetrics().horizontalAdvance(search.placeholderText())
    if need > room:
        return [f"{where}: the search box shows {room} px of its {need} px hint {search.placeholderText()!r}"]
    return []


def cut_placeholders(top: QWidget, where: str) -> list[str]:
    """Return the empty fields whose grey hint is wider than the room the field gives it ("(Ct…")."""
    found = []
    for field in top.findChildren(QLineEdit):
        hint = field.placeholderText()
        if not hint or field.text() or not field.isVisible():
            continue
        option = QStyleOptionFrame()
        field.initStyleOption(option)
        room = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field).width()
        margins = field.textMargins()
        room -= margins.left() + margins.right() + 4  # Qt's own 2 px either side of the text
        if field.fontMetrics().horizontalAdvance(hint) > room:
            found.append(f"{where}: the hint {hint!r} is cut to {room} px")
    return found


def cut_labels(top: QWidget, where: str) -> list[str]:
    """Return the wrapped texts given less height than their lines need (the last line cut off)."""
    found = []
    for label in top.findChildren(QLabel):
        if not label.isVisible() or not label.wordWrap() or not label.text():
            continue
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            found.append(f"{where}: {label.text()[:40]!r}… needs {needed} px of height, has {label.height()}")
    return found


def main(db_path: str) -> list[str]:
    """Open the main window, every page and the dialogs; return every problem found."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from champion_desk.domain import listings
    from champion_desk.paths import resource_path
    from champion_desk.store.database import open_database
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.dialogs.registry import DIALOGS, dialog_class
    from champion_desk.ui.main_window import PAGES, MainWindow
    from champion_desk.ui.settings import Settings
    from tests.ui.test_accessibility import BUILDERS, walk_wizard

    # Styled as the app is (make_application): the style sheet sets the headers' weight and padding.
    app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    screen = app.primaryScreen().availableGeometry()
    db = open_database(db_path)
    context = AppContext(db)
    # Logged in as a ward manager, who sees the most: Training's "Countersign selected" too.
    context.set_user(next(r for r in listings.loggers(db) if r["is_manager"]))
    window = MainWindow(context, Settings(Path(db_path).with_suffix(".ini")))
    window.show()
    settle(app)
    found = []
    for spec in PAGES:
        window.show_page(spec.name)
        settle(app)
        found += problems_of(window, f"page {spec.name}", screen)
        for bar, way in (
            (window.page_scroll.horizontalScrollBar(), "sideways"),
            (window.page_scroll.verticalScrollBar(), "down"),
        ):
            if bar.maximum() > 0:
                found.append(f"page {spec.name}: scrolls {way} by {bar.maximum()} px")
        found += list_problems(window.pages[spec.name], f"page {spec.name}")
        # A filter may read other rows (Training's planned sessions, dated "15 Dec 2026 (planned)").
        for name, combo in getattr(window.pages[spec.name], "_filter_combos", {}).items():
            for option in range(1, combo.count()):
                combo.setCurrentIndex(option)
                settle(app)
                found += list_problems(window.pages[spec.name], f"page {spec.name} ({combo.itemText(option)})")
            combo.setCurrentIndex(0)
            settle(app)
        found += search_problems(window.pages[spec.name], f"page {spec.name}")
        found += cut_placeholders(window, f"page {spec.name}") + cut_labels(window, f"page {spec.name}")
        # A panel may scroll down (a long list of charts), never sideways: what is off to the side is not seen.
        for area in window.pages[spec.name].findChildren(QScrollArea):
            if area.isVisible() and area.horizontalScrollBar().maximum() > 0:
                found.append(
                    f"page {spec.name}: {area.objectName() or 'a panel'} scrolls sideways by "
                    f"{area.horizontalScrollBar().maximum()} px"
                )
    dialogs = [(f"dialog {table}", lambda t=table: dialog_class(t)(context, parent=window)) for table in DIALOGS]
    # Every other dialog and window, built as the accessibility test builds them (it finds them all).
    scratch = Path(db_path).parent / "screen-fit"
    scratch.mkdir(exist_ok=True)
    dialogs += [(name, lambda b=build: b(context, scratch)) for name, build in sorted(BUILDERS.items()) if build]
    for where, build in dialogs:
        dialog = build()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        dialog.show()
        settle(app)

        def check(number: int, dialog=dialog, where=where) -> None:
            settle(app)
            name = where if number == 1 else f"{where} page {number}"
            found.extend(problems_of(dialog, name, screen) + cut_placeholders(dialog, name) + cut_labels(dialog, name))

        if isinstance(dialog, QWizard):
            walk_wizard(dialog, check)
        else:
            check(1)
        if hasattr(dialog, "_may_close"):
            dialog._may_close = True  # noqa: SLF001 - the sign-in screen refuses to close without a PIN
        dialog.hide()
        dialog.deleteLater()
    window.close()
    # Quitting the event loop stops the pages' background reads (aboutToQuit), as the app does.
    QTimer.singleShot(0, app.quit)
    app.exec()
    db.close()
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
