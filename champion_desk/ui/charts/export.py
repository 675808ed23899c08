"""Writing a chart's rows to CSV and its picture to PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from champion_desk.exchange.series_csv import write_series_csv


def write_rows_csv(rows: Sequence[dict[str, Any]], path: Path | str) -> Path:
    """Write series rows to a UTF-8 CSV (with BOM, so Excel reads accents) and return the path."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        write_series_csv(rows, handle)
    return path


def write_widget_png(widget: QWidget, path: Path | str, scale: float = 2.0) -> Path:
    """Render a widget (title, legend and plot) to a PNG at ``scale`` × its size and return the path.

    QWidget.render rather than pyqtgraph's ImageExporter: it keeps the Qt-side title and legend,
    and ImageExporter's resized exports misplace items (pyqtgraph issue 16).
    Raises OSError when the file cannot be written.
    """
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QImage, QPainter

    path = Path(path)
    size = widget.size()
    image = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"Could not write {path}")
    return path
