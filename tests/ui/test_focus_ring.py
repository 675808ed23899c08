"""The keyboard focus is ringed in the palette's highlight colour, on buttons and fields alike."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from champion_desk.ui.focus_ring import FocusRingTracker


def _ring_pixels(widget, ring, colour: QColor) -> int:
    """Count pixels of ``colour`` in the window's picture just outside/at the focused widget's edge."""
    image = widget.window().grab().toImage()
    box = ring.geometry()
    if ring.parentWidget() is not widget.window():
        box.moveTopLeft(ring.parentWidget().mapTo(widget.window(), box.topLeft()))
    y = box.center().y()
    return sum(1 for x in range(box.left(), box.left() + 4) if QColor(image.pixel(x, y)).name() == colour.name())


def test_the_ring_follows_the_focus_in_light_and_dark(qtbot):
    tracker = FocusRingTracker(QApplication.instance())
    window = QWidget()
    qtbot.addWidget(window)
    box = QVBoxLayout(window)
    button, line, combo, spin = QPushButton("Start a new logbook"), QLineEdit(), QComboBox(), QSpinBox()
    combo.setEditable(True)
    for widget in (button, line, combo, spin):
        box.addWidget(widget)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitActive(window)
    for dark in (False, True):
        palette = QPalette(window.palette())
        if dark:
            palette.setColor(QPalette.ColorRole.Window, QColor("#202020"))
            palette.setColor(QPalette.ColorRole.Highlight, QColor("#3a96dd"))
        tracker.ring.setPalette(palette)
        window.setPalette(palette)
        for widget in (button, line, combo, spin):
            widget.setFocus()
            QApplication.processEvents()
            assert tracker.ring.widget() is widget  # the combo's and spin box's inner line edits count as them
            assert tracker.ring.isVisible()
            assert _ring_pixels(widget, tracker.ring, palette.color(QPalette.ColorRole.Highlight)) >= 2
    window.close()
    window.deleteLater()
    QApplication.processEvents()  # the window, and the ring beside its widget, are deleted
    button2 = QPushButton("Another window")
    qtbot.addWidget(button2)
    button2.show()
    button2.setFocus()
    QApplication.processEvents()  # a new ring is made: no error on the deleted one
    tracker.remove()
