"""A guard for PySide6 6.12.0 on Python 3.11: void methods return None without a reference.

Every call from Python to a Qt method returning void (QPainter.drawRect, QGraphicsItem.setPos,
QLabel.setText…) drops one reference to ``None`` that it never took. None starts with a few
thousand, and one pyqtgraph paint makes hundreds of such calls, so a dashboard aborts with
"none_dealloc: deallocating None" after a few redraws. ``champion_desk.app.guard_bool_refcounts``
guards True and False the same way (Signal.emit); None belongs there too, and this guard can go
once it is. Python 3.12+ makes None immortal: nothing to do there.
"""

from __future__ import annotations

import sys

_GUARDED = False


def guard_none_refcount() -> None:
    """Give None a reserve of references (2**40) no session can use up; idempotent."""
    global _GUARDED
    if _GUARDED or sys.version_info >= (3, 12):
        return
    import ctypes

    # ob_refcnt is the first field of every CPython object.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
    _GUARDED = True
