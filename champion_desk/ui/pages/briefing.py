"""The Briefing page: choose what the staff briefing covers, preview its pages, save, open or print it.

The PDF is made off the UI thread (``ui.workers``) by ``report.briefing.make_briefing`` into memory;
the preview shows the pages of that very file, rendered with pypdfium2 when it is installed (Qt's
own PDF module is not in PySide6-Essentials), so what the manager sees is what prints. Without
pypdfium2 the preview falls back to the list of sections and "Open in viewer" still works.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from champion_desk import outfiles
from champion_desk.domain.dates import format_uk_date
from champion_desk.domain.privacy import DEFAULT_K, MIN_K, meeting_scope
from champion_desk.domain.scope import Scope
from champion_desk.ui.context import AppContext
from champion_desk.ui.messages import open_file
from champion_desk.ui.pages.base import Page
from champion_desk.ui.widgets.save_path import ask_save_path

PREVIEW_DPI = 72
PRINT_DPI = 300
PAPERS = (("a4", "A4"), ("letter", "US Letter"))
LENGTHS = ((True, "One-page summary"), (False, "Full briefing"))


def pdfium_available() -> bool:
    """Return True when pypdfium2 can render pages (the visual preview and printing need it)."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def render_pages(pdf: bytes, dpi: float) -> list[QImage]:
    """Return every page of ``pdf`` as a QImage at ``dpi`` (safe off the UI thread: no QPixmap)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        for page in document:
            # RGB byte order straight into a QImage: no Pillow (the bundle leaves it out).
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            data = bytes(bitmap.buffer)
            image = QImage(data, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
            images.append(image.copy())  # own the pixels: ``data`` is freed when this returns
            bitmap.close()
            page.close()
    finally:
        document.close()
    return images


def make_preview(
    db: Any,
    scope: Scope,
    k: int,
    paper: str,
    made_by: str,
    progress=None,
    one_page: bool = False,
    pixel_ratio: float = 1.0,
) -> dict[str, Any]:
    """Make the briefing in memory and render its pages; return {"pdf", "pages", "images"} (runs in a worker).

    The pages are rendered with ``pixel_ratio`` device pixels per point shown (2 at 200% display
    scaling), so the preview is as sharp on a scaled screen, at the same size on screen.
    """
    from champion_desk.report.briefing import make_briefing

    buffer = io.BytesIO()
    pages = make_briefing(db, scope, buffer, k=k, paper=paper, made_by=made_by, progress=progress, one_page=one_page)
    pdf = buffer.getvalue()
    images = render_pages(pdf, PREVIEW_DPI * pixel_ratio) if pdfium_available() else []
    for image in images:
        image.setDevicePixelRatio(pixel_ratio)
    return {"pdf": pdf, "pages": pages, "images": images}


class BriefingPage(Page):
    """Make the staff-meeting briefing for the scope in the bar above; preview, save, open, print."""

    name = "briefing"
    title = "Briefing"
    uses_scope = True

    briefing_made = Signal(int)  # pages, once a preview is ready
    briefing_saved = Signal(str)  # the path written

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.pdf: bytes | None = None
        self.images: list[QImage] = []
        self.made_for: tuple | None = None

        heading = QLabel(self.title, self)
        heading.setObjectName("pageTitle")
        lead = QLabel(
            "The PDF for the staff meeting: key figures, charts, “you said, we did”, stories and the "
            "roadmap for the period, units and tools chosen above. Nobody who raised a concern is named.",
            self,
        )
        lead.setWordWrap(True)

        self.k_spin = QSpinBox(self)
        self.k_spin.setRange(MIN_K, 50)
        self.k_spin.setValue(DEFAULT_K)
        self.k_spin.setAccessibleName("Hide counts below")
        self.k_spin.setToolTip("Counts from 1 to this number minus one print as “fewer than …”")
        self.paper = QComboBox(self)
        for key, label in PAPERS:
            self.paper.addItem(label, key)
        self.paper.setAccessibleName("Paper size")
        self.length = QComboBox(self)
        for key, label in LENGTHS:
            self.length.addItem(label, key)
        self.length.setAccessibleName("Length")
        self.length.setToolTip("One page for a ward's staff meeting; the full briefing for a trust meeting")
        # Until the manager picks a length, one unit gets the one-page summary and more get the full briefing.
        self.length_chosen = False
        self.length.activated.connect(self._length_picked)
        self.default_length()
        self.made_by = QLineEdit(self)
        self.made_by.setPlaceholderText("your name, printed on the cover")
        self.made_by.setAccessibleName("Made by")

        self.preview_button = QPushButton("&Update preview", self)
        self.save_button = QPushButton("&Save PDF…", self)
        self.open_button = QPushButton("&Open in viewer", self)
        self.print_button = QPushButton("&Print…", self)
        self.poster_button = QPushButton("Save &poster…", self)
        self.preview_button.clicked.connect(self.make)
        self.save_button.clicked.connect(self.save_dialog)
        self.open_button.clicked.connect(self.open_in_viewer)
        self.print_button.clicked.connect(self.print_briefing)
        self.poster_button.clicked.connect(self.save_poster_dialog)
        for widget in (self.k_spin, self.paper, self.length):
            signal = widget.valueChanged if isinstance(widget, QSpinBox) else widget.currentIndexChanged
            signal.connect(self._options_changed)
        self.made_by.editingFinished.connect(self._options_changed)

        options = QHBoxLayout()
        for label, widget in (
            ("Length", self.length),
            ("Hide counts below", self.k_spin),
            ("Paper", self.paper),
            ("Made by", self.made_by),
        ):
            text = QLabel(label, self)
            text.setBuddy(widget)
            options.addWidget(text)
            options.addWidget(widget)
        options.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.preview_button, self.save_button, self.open_button, self.print_button, self.poster_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.status = QLabel("", self)
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.pages_box = QWidget(self)
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages_box)
        self.scroll.setAccessibleName("Preview of the briefing's pages")
        # A grey desk under white pages, as in a PDF viewer.
        self.pages_box.setObjectName("briefingPages")
        self.pages_box.setStyleSheet("#briefingPages { background: #e4e8eb; }")
        self.pages_layout.setSpacing(12)
        self.sections = QListWidget(self)  # the fallback preview: section headings
        self.sections.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(lead)
        layout.addLayout(options)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.sections, 1)
        self._set_ready(False)

    # --- state ---------------------------------------------------------------------------------
    def options(self) -> tuple[Scope, int, str, str, bool]:
        """Return (scope, k, paper, made by, one page) as chosen now."""
        made_by = self.made_by.text().strip() or self.context.actor
        return (
            self.context.scope,
            self.k_spin.value(),
            self.paper.currentData(),
            "" if made_by == "unknown" else made_by,
            bool(self.length.currentData()),
        )

    def _length_picked(self, *_: object) -> None:
        self.length_chosen = True

    def default_length(self) -> None:
        """Choose the one-page summary for one unit and the full briefing otherwise, unless the manager chose."""
        if not self.length_chosen:
            self.length.setCurrentIndex(self.length.findData(len(self.context.scope.units) == 1))

    def _set_ready(self, ready: bool) -> None:
        for button in (self.save_button, self.open_button):
            button.setEnabled(ready)
        self.print_button.setEnabled(ready and pdfium_available())
        if not pdfium_available():
            self.print_button.setToolTip("Printing from here needs pypdfium2; use Open in viewer and print from there.")

    def _options_changed(self, *_: object) -> None:
        if self.pdf is not None and self.made_for != self.options():
            self.status.setText("The options changed: press Update preview to see them.")

    def refresh(self) -> None:  # Page override: the scope or the data changed
        if not self.made_by.text() and self.context.actor != "unknown":
            self.made_by.setText(self.context.actor)
        self.default_length()
        self.make()

    # --- making --------------------------------------------------------------------------------
    def make(self) -> None:
        """Make the briefing for the chosen options off the UI thread, then show its pages."""
        from champion_desk.ui.workers import run_with_progress

        scope, k, paper, made_by, one_page = chosen = self.options()
        op = run_with_progress(
            self,
            "Making the briefing",
            make_preview,
            self.context.db,
            scope,
            k,
            paper,
            made_by,
            one_page=one_page,
            pixel_ratio=self.devicePixelRatioF(),
        )
        op.succeeded.connect(lambda result, chosen=chosen: self._show(result, chosen))
        op.failed.connect(self._failed)
        op.cancelled.connect(lambda: self.status.setText("Cancelled: the preview was not updated."))
        self._operation = op  # keep it alive until it reports

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"The briefing could not be made: {exc}")
        QMessageBox.warning(self, "Briefing", f"The briefing could not be made.\n\n{exc}")

    def _show(self, result: dict[str, Any], chosen: tuple) -> None:
        self.pdf = result["pdf"]
        self.images = result["images"]
        self.made_for = chosen
        scope = chosen[0]
        from champion_desk.report.blocks import period_text

        pages = f"{result['pages']} page{'s' if result['pages'] != 1 else ''}"
        covered = meeting_scope(scope)
        units = ", ".join(covered.units) if covered.units else "all units"
        tools = ", ".join(covered.tools) if covered.tools else "all tools"
        # A meeting output covers whole months: say which, as the scope bar may show other days.
        self.status.setText(
            f"{pages} · whole months {period_text(covered.date_from, covered.date_to)} · {units} · "
            f"{tools} · counts under {chosen[1]} hidden."
        )
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if self.images:
            self.sections.setVisible(False)
            self.scroll.setVisible(True)
            for n, image in enumerate(self.images, start=1):
                label = QLabel(self.pages_box)
                label.setPixmap(QPixmap.fromImage(image))
                # Never squeezed: a page keeps its proportions (its size in points, whatever the scaling).
                label.setFixedSize(image.deviceIndependentSize().toSize())
                label.setAccessibleName(f"Page {n} of {len(self.images)}")
                label.setStyleSheet("background: white; border: 1px solid #c8ced4;")
                self.pages_layout.addWidget(label)
        else:
            self.scroll.setVisible(False)
            self.sections.setVisible(True)
            self.sections.clear()
            from champion_desk.report.briefing import SECTIONS

            self.sections.addItems(["Cover", *SECTIONS])
        self._set_ready(True)
        self.briefing_made.emit(result["pages"])

    # --- saving, opening, printing -------------------------------------------------------------
    def suggested_name(self, kind: str = "briefing") -> str:
        """Return e.g. "Briefing Cedar Ward 1 Sep 2026 to 30 Nov 2026.pdf": whose, and the whole months it covers.

        Named from the scope bar's dates it once ended on a day the PDF does not cover, and never
        said which ward's it was.
        """
        scope = meeting_scope(self.context.scope)
        if kind == "briefing" and self.options()[4]:
            kind = "summary"
        units = scope.units if len(scope.units) <= 2 else (f"{len(scope.units)} units",)
        whose = " and ".join(units) or "all units"
        name = f"{kind.capitalize()} {whose} {format_uk_date(scope.date_from)} to {format_uk_date(scope.date_to)}.pdf"
        return "".join("-" if ch in '<>:"/\\|?*' else ch for ch in name)  # no character Windows refuses

    def save_to(self, path: Path) -> Path:
        """Write the previewed PDF to ``path``; return it."""
        if self.pdf is None:
            raise RuntimeError("Make the preview first.")
        outfiles.write_bytes(path, self.pdf)  # whole or not at all: a full disk keeps the old file
        self.briefing_saved.emit(str(path))
        self.context.status_message.emit(f"Briefing saved: {path}")
        return path

    def save_dialog(self) -> None:
        name = ask_save_path(
            self, "Save briefing", Path.home() / self.suggested_name(), "PDF (*.pdf)", self.context.db.path
        )
        if name:
            try:
                self.save_to(Path(name))
            except OSError as exc:
                QMessageBox.warning(self, "Save briefing", f"The briefing could not be saved.\n\n{exc}")

    def open_in_viewer(self) -> None:
        """Write the PDF to a temporary file and open it in the system's PDF viewer."""
        if self.pdf is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="champion-desk-"))
        path = self.save_to(folder / self.suggested_name())
        open_file(self, path, "Open briefing")

    def print_briefing(self) -> None:
        """Print the previewed briefing through the system print dialog (File → Print briefing…)."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if self.pdf is None:  # Ctrl+P before any preview: make it first, then print what it shows
            self.make()
            try:
                self._operation.wait()
            except Exception:  # cancelled or failed: the page already says why
                return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name())
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer) -> int:
        """Paint every page onto ``printer`` (fitted to its page, aspect kept); return pages printed."""
        images = render_pages(self.pdf, PRINT_DPI)
        painter = QPainter(printer)
        try:
            for n, image in enumerate(images):
                if n:
                    printer.newPage()
                target = painter.viewport()
                size = image.size().scaled(QSize(target.width(), target.height()), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(
                    target.x(),
                    target.y(),
                    image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation),
                )
        finally:
            painter.end()
        return len(images)

    def save_poster_dialog(self) -> None:
        """Save the one-page "You said, we did" poster for the same scope."""
        from champion_desk.report.poster import make_poster
        from champion_desk.ui.workers import run_with_progress

        name = ask_save_path(
            self, "Save poster", Path.home() / self.suggested_name("poster"), "PDF (*.pdf)", self.context.db.path
        )
        if not name:
            return
        scope, k, paper, made_by, _ = self.options()
        op = run_with_progress(
            self,
            "Making the poster",
            make_poster,
            self.context.db,
            scope,
            Path(name),
            k=k,
            paper="a4",
            made_by=made_by,
            today=dt.date.today(),
        )
        op.succeeded.connect(lambda _: self.context.status_message.emit(f"Poster saved: {name}"))
        op.failed.connect(self._failed)
        self._poster_operation = op
