"""Window sizes that fit the screen a window opens on, window manager's frame included."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# What a window manager adds outside a window's geometry (title bar and borders). Qt only knows
# it once the window is shown, but a first size must leave room for it, or a 760 px window on
# a 768 px screen hides its own status bar below the screen's edge.
FRAME_ALLOWANCE = QSize(16, 40)


def room_for(widget: QWidget) -> QSize:
    """Return the largest size a window of ``widget`` can have on its screen and still show its frame."""
    anchor = widget.parentWidget() or widget
    screen = anchor.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1024, 768) - FRAME_ALLOWANCE
    return screen.availableGeometry().size() - FRAME_ALLOWANCE


def fit_to_screen(widget: QWidget, wanted: QSize) -> QSize:
    """Resize ``widget`` to ``wanted``, made no larger than its screen allows; return the size given."""
    size = wanted.boundedTo(room_for(widget))
    widget.resize(size)
    return size
