"""Helpers to read back what a PDF prints, as a reader (or a copy-paste) would get it."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader


def pdf_text(source: Path | bytes) -> str:
    """Return the extracted text of every page, joined by newlines."""
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(source: Path | bytes) -> int:
    """Return the number of pages."""
    return len(PdfReader(io.BytesIO(source) if isinstance(source, bytes) else str(source)).pages)


def fonts(source: Path | bytes) -> dict[str, bool]:
    """Return {font name: embedded?} for every font any page uses (descendant fonts resolved)."""
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    out: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont"))
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            out[name] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return out
