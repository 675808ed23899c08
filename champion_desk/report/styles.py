"""Colours, paper sizes and paragraph styles shared by the briefing, the poster and the charts."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A3, A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from champion_desk.report.fonts import BOLD, OBLIQUE, REGULAR, register_fonts

if TYPE_CHECKING:  # the annotation only: platypus is imported when a style is built
    from reportlab.platypus import TableStyle

PAPERS = {"a4": A4, "letter": LETTER, "a3": A3}

# A calm, print-friendly palette: one deep teal for structure, a warm accent for emphasis.
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#D5DBE1")
PAPER_TINT = colors.HexColor("#F3F6F8")
PRIMARY = colors.HexColor("#0F4C5C")
PRIMARY_LIGHT = colors.HexColor("#DCEBEE")
ACCENT = colors.HexColor("#E36414")
GOOD = colors.HexColor("#2D6A4F")
WARN = colors.HexColor("#B7791F")
BAD = colors.HexColor("#B42318")

# One colour per concern theme, in documented theme order: Okabe-Ito hues (distinct for the
# colour-blind and apart in greyscale), led by the document's teal.
SERIES_COLOURS = [
    colors.HexColor(c)
    for c in (
        "#0F4C5C",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#CC79A7",
        "#0072B2",
        "#D55E00",
        "#8D6A4F",
        "#6C757D",
    )
]


def theme_colour(index: int) -> colors.Color:
    """Return the series colour for the n-th theme (stable across charts and the legend)."""
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


@lru_cache(maxsize=None)
def styles() -> dict[str, ParagraphStyle]:
    """Return the named paragraph styles (DejaVu Sans throughout, so every name prints)."""
    register_fonts()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13.5, textColor=INK, alignment=TA_LEFT)
    out = {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "note": ParagraphStyle("note", parent=base, fontName=OBLIQUE, fontSize=8, leading=10.5, textColor=MUTED),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=17, leading=21, textColor=PRIMARY, spaceBefore=10, spaceAfter=4
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=11.5, leading=15, textColor=INK, spaceBefore=8, spaceAfter=4
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontName=BOLD, fontSize=9.5, leading=13, textColor=PRIMARY, spaceBefore=4, spaceAfter=2
        ),
        "lead": ParagraphStyle("lead", parent=base, fontSize=10.5, leading=15, textColor=INK, spaceAfter=6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD, fontSize=8.5, leading=11),
        "cell_small": ParagraphStyle("cell_small", parent=base, fontSize=7, leading=8.5),
        "cell_head_small": ParagraphStyle(
            "cell_head_small", parent=base, fontName=BOLD, fontSize=6.5, leading=8, textColor=MUTED
        ),
        "cell_head_r": ParagraphStyle(
            "cell_head_r", parent=base, fontName=BOLD, fontSize=8, leading=10, textColor=MUTED, alignment=2
        ),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=BOLD, fontSize=8, leading=10, textColor=MUTED),
        "tile_label": ParagraphStyle(
            "tile_label", parent=base, fontName=BOLD, fontSize=7.5, leading=9.5, textColor=MUTED
        ),
        "tile_value": ParagraphStyle(
            "tile_value", parent=base, fontName=BOLD, fontSize=19, leading=23, textColor=PRIMARY
        ),
        "tile_value_small": ParagraphStyle(
            "tile_value_small", parent=base, fontName=BOLD, fontSize=12.5, leading=23, textColor=PRIMARY
        ),
        "tile_change": ParagraphStyle("tile_change", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cover_title": ParagraphStyle(
            "cover_title", parent=base, fontName=BOLD, fontSize=30, leading=36, textColor=colors.white
        ),
        "cover_sub": ParagraphStyle("cover_sub", parent=base, fontSize=13, leading=18, textColor=colors.white),
        "cover_meta": ParagraphStyle("cover_meta", parent=base, fontSize=10, leading=15, textColor=INK),
        "quote": ParagraphStyle(
            "quote", parent=base, fontSize=9.5, leading=13.5, leftIndent=10, bulletIndent=0, spaceAfter=3
        ),
        "empty": ParagraphStyle(
            "empty",
            parent=base,
            fontName=OBLIQUE,
            fontSize=9.5,
            leading=13.5,
            textColor=MUTED,
            spaceBefore=2,
            spaceAfter=6,
        ),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
    }
    return out


MARGIN = 17 * mm


def table_style(commands: list[tuple]) -> TableStyle:
    """Return a TableStyle whose cells default to DejaVu Sans.

    reportlab's table cells otherwise start in Helvetica, which would be referenced (un-embedded)
    in the PDF even where every cell holds a Paragraph.
    """
    from reportlab.platypus import TableStyle

    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])
