"""A clearly visible keyboard-focus ring, in the palette's highlight colour (light and dark alike).

The platform styles draw focus as a faint dotted line or a 1 px tint (invisible on the welcome
buttons, faint on form fields); a ward PC's user must see at a glance where typing will go.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QFocusFrame, QWidget
from shiboken6 import isValid

RING_WIDTH = 3


class FocusRing(QFocusFrame):
    """A ring drawn around the widget it is given, above its neighbours and never taking input."""

    def __init__(self) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName("")  # decoration: screen readers have the focused control itself

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), RING_WIDTH)
        painter.setPen(pen)
        half = RING_WIDTH / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), 4, 4)


class FocusRingTracker(QObject):
    """Moves one ring to whichever widget has the keyboard focus."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self.ring = FocusRing()
        app.focusChanged.connect(self._focus_moved)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        # The ring lives beside the widget it surrounds, so it goes when that window is deleted
        # (a closed dialog): a new one is made for the next widget.
        if not isValid(self.ring):
            self.ring = FocusRing()
        # A widget that lives inside another control (a combo box's line edit) is ringed as that control.
        target = (new.focusProxy() or new) if new is not None and isValid(new) else None
        while target is not None and target.parentWidget() is not None and target.parentWidget().focusProxy() is target:
            target = target.parentWidget()
        self.ring.setWidget(target if target is not None and target.parentWidget() is not None else None)

    def remove(self) -> None:
        """Stop ringing the focus (tests: the application outlives each of them)."""
        self._app.focusChanged.disconnect(self._focus_moved)
        if isValid(self.ring):
            self.ring.setWidget(None)
            self.ring.deleteLater()


def install_focus_ring(app: QApplication) -> FocusRingTracker:
    """Show a focus ring around the focused widget from now on; return the tracker (kept by the app)."""
    return FocusRingTracker(app)
