"""The bundled DejaVu Sans family, registered once with reportlab so every glyph is embedded.

Helvetica (reportlab's default) has no Ł, ễ or ị: names would print as boxes. DejaVu Sans covers
them; reportlab embeds a subset of each TrueType font it uses, so the PDF needs no installed fonts.
"""

from __future__ import annotations

from champion_desk.paths import resource_path

FAMILY = "DejaVuSans"
REGULAR = FAMILY
BOLD = f"{FAMILY}-Bold"
OBLIQUE = f"{FAMILY}-Oblique"
BOLD_OBLIQUE = f"{FAMILY}-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    OBLIQUE: "DejaVuSans-Oblique.ttf",
    BOLD_OBLIQUE: "DejaVuSans-BoldOblique.ttf",
}
_registered = False


def register_fonts() -> str:
    """Register the DejaVu Sans family with reportlab (idempotent); return the family name.

    Raises FileNotFoundError naming the missing file when the bundle lacks a font.
    """
    global _registered
    if _registered:
        return FAMILY
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in _FILES.items():
        path = resource_path("fonts", filename)
        if not path.is_file():
            raise FileNotFoundError(f"Bundled font missing: {path}")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD_OBLIQUE)
    # <b>/<i> inside paragraphs resolve through these mappings.
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, OBLIQUE)
    addMapping(FAMILY, 1, 1, BOLD_OBLIQUE)
    # reportlab.graphics starts every Drawing in its default font (Helvetica), which would be
    # referenced un-embedded; this app draws nothing that should not be DejaVu.
    from reportlab import rl_config

    rl_config.defaultGraphicsFontName = REGULAR
    _registered = True
    return FAMILY
