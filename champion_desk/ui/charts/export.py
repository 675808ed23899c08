"""Writing a chart's rows to CSV and its picture to PNG."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """Return a series row with nested figures spread into columns.

    ``concerns_by_theme`` {theme: n} becomes ``concerns_by_theme.job security`` … so a
    spreadsheet gets one column per theme instead of a Python dict in one cell.
    """
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for sub, n in value.items():
                out[f"{key}.{sub}"] = n
        else:
            out[key] = value
    return out


def write_rows_csv(rows: Sequence[dict[str, Any]], path: Path | str) -> Path:
    """Write series rows to a UTF-8 CSV (with BOM, so Excel reads accents) and return the path.

    Columns follow the first row's key order; empty figures (None) are written as empty cells.
    """
    path = Path(path)
    flat = [flatten(r) for r in rows]
    columns: list[str] = []
    for r in flat:
        columns.extend(k for k in r if k not in columns)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for r in flat:
            writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
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
