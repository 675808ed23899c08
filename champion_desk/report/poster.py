"""The noticeboard poster: one page, large type, "You said, we did" for the period.

It shows the top themes staff raised and what was done about them, the next training dates, and
whom to ask. Everything comes from the same BriefingData as the briefing and passes the same
privacy rules; the body is shrunk to fit so the poster is always exactly one page.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table

from champion_desk import outfiles
from champion_desk.domain.briefing_data import BriefingData, Progress, concern_figures, report_progress
from champion_desk.domain.privacy import DEFAULT_K, Suppressor, meeting_scope
from champion_desk.report import ideas_section
from champion_desk.report.blocks import (
    CONFIDENTIAL,
    RANGE_WORDS,
    count_words,
    esc,
    nice_date,
    period_text,
    scope_line,
    session_topic,
    shorten,
    theme_order,
)
from champion_desk.report.fonts import BOLD, OBLIQUE, REGULAR, register_fonts
from champion_desk.report.styles import ACCENT, INK, MUTED, PAPER_TINT, PAPERS, PRIMARY, RULE, table_style

TOP_THEMES = 4
RESPONSES_SHOWN = 2
UNITS_SHOWN = 8
SESSIONS_SHOWN = 4
NEXT_SHOWN = 2
# When space is short: the next two sessions, the two most backed ideas and the champions of four
# units (the rest are in the briefing), with tighter gaps.
COMPACT_SESSIONS = 2
COMPACT_UNITS = 4
COMPACT_IDEAS = 2
# Read from across a room: a response is cut at a word with "…" beyond this many characters.
RESPONSE_CHARS = 320
A4_WIDTH = PAPERS["a4"][0]


class Poster:
    """Lay out the one-page poster for ``data`` on ``paper`` (a4 or a3), hiding counts under ``k``."""

    def __init__(self, data: BriefingData, k: int = DEFAULT_K, paper: str = "a4") -> None:
        register_fonts()
        self.data = data
        self.sup = Suppressor(k)
        self.pagesize = PAPERS[paper]
        # Everything scales with the paper, so an A3 poster reads from twice as far away.
        self.scale = self.pagesize[0] / A4_WIDTH
        self.margin = 16 * mm * self.scale
        self.width = self.pagesize[0] - 2 * self.margin

    def style(
        self, size: float, font: str = REGULAR, colour: colors.Color = INK, leading: float = 1.25, **kw: Any
    ) -> ParagraphStyle:
        size *= self.scale
        return ParagraphStyle(
            f"p{size}{font}", fontName=font, fontSize=size, leading=size * leading, textColor=colour, **kw
        )

    def themes(self, top: int = TOP_THEMES, shown: int = RESPONSES_SHOWN) -> list[Flowable]:
        d = self.data
        by_theme = d.figures.get("concerns_by_theme", {})
        cells = concern_figures(d, self.sup.k).themes
        # Hidden themes after the printed ones, in their own order: ranked by their true counts, two
        # "fewer than 5" (or two ranges) would say which is larger, narrowing what each may be.
        ranked = theme_order([t for t in by_theme if by_theme[t]], by_theme, cells)[:top]
        if not ranked:
            return [
                Paragraph(
                    "No concerns were raised in this period. If something about a new tool worries you, "
                    "tell a champion: every concern is heard in confidence.",
                    self.style(15, OBLIQUE, MUTED),
                )
            ]
        rows = []
        for t in ranked:
            n = by_theme[t]
            said = [
                Paragraph(esc(t.capitalize()), self.style(17, BOLD, PRIMARY)),
                Paragraph(esc(count_words(cells[t], n, verb="")), self.style(11.5, REGULAR, MUTED)),
            ]
            # A hidden count gets one response at most (as in the briefing), so none narrows it down.
            responses = d.responses.get(t, [])[: 1 if cells[t].suppressed else shown]
            if responses:
                did = [
                    Paragraph(
                        f"• {esc(shorten(r, RESPONSE_CHARS))}", self.style(12.5, leading=1.3, spaceAfter=3 * self.scale)
                    )
                    for r in responses
                ]
            else:
                did = [
                    Paragraph(
                        "We are working on it: the answer will be on the next poster.", self.style(12.5, OBLIQUE, MUTED)
                    )
                ]
            rows.append([said, did])
        t = Table(
            [
                [
                    Paragraph("YOU SAID", self.style(10, BOLD, ACCENT)),
                    Paragraph("WE DID", self.style(10, BOLD, ACCENT)),
                ],
                *rows,
            ],
            colWidths=[self.width * 0.34, self.width * 0.66],
        )
        t.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.6, RULE),
                    ("TOPPADDING", (0, 1), (-1, -1), 7 * self.scale),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 8 * self.scale),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 10 * self.scale),
                ]
            )
        )
        return [t]

    def box(self, title: str, lines: list[str], empty: str) -> Table:
        """Return a full-width tinted box: a heading and one paragraph per line."""
        body: list[Flowable] = [Paragraph(esc(title), self.style(15, BOLD, PRIMARY)), Spacer(1, 2 * self.scale)]
        if lines:
            body += [Paragraph(line, self.style(11.5, leading=1.3, spaceAfter=1.5 * self.scale)) for line in lines]
        else:
            body.append(Paragraph(esc(empty), self.style(11.5, OBLIQUE, MUTED)))
        t = Table([[body]], colWidths=[self.width])
        t.setStyle(
            table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), PAPER_TINT),
                    ("LINEABOVE", (0, 0), (-1, 0), 3, PRIMARY),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10 * self.scale),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 10 * self.scale),
                    ("TOPPADDING", (0, 0), (-1, -1), 7 * self.scale),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 9 * self.scale),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    def ideas_box(self, shown: int, gap: float) -> list[Flowable]:
        """Return the box of the ``shown`` most backed ideas acted on, and the gap below it (nothing when there are none)."""
        ideas = self.data.ideas or {}
        if not ideas.get("total"):
            return []
        lines = ideas_section.poster_lines(ideas, shown)
        return [self.box(ideas_section.TITLE, lines, ideas_section.EMPTY), Spacer(1, gap * self.scale)]

    def lower(self, compact: bool = False) -> list[Flowable]:
        """Return the boxes under the themes; ``compact`` lists fewer sessions and units, so that
        three themes still fit beside the ideas box (the themes are the poster's point)."""
        d = self.data
        sessions_shown, units_shown = (COMPACT_SESSIONS, COMPACT_UNITS) if compact else (SESSIONS_SHOWN, UNITS_SHOWN)
        grey = f"#{MUTED.hexval()[2:]}"
        sessions = [
            f"<b>{esc(nice_date(s['held_on']))}</b>   {esc(s['tool'])} · {esc(s['unit'])}"
            + (f"<font color='{grey}'> · {esc(session_topic(s))}</font>" if session_topic(s) else "")
            for s in d.upcoming[:sessions_shown]
        ]
        # One line per unit keeps a hospital's worth of champions readable on one page.
        by_unit: dict[str, list[str]] = {}
        for c in d.champions:
            by_unit.setdefault(c["unit"] or "Other", []).append(c["name"])
        champs = [
            f"<font color='{grey}'>{esc(unit)}:</font> <b>{esc(', '.join(names))}</b>"
            for unit, names in list(by_unit.items())[:units_shown]
        ]
        if len(by_unit) > units_shown:
            more = len(by_unit) - units_shown
            champs.append(
                f"<i>and the champions of {more} more unit{'s' if more != 1 else ''}: see the staff briefing</i>"
            )
        space = (3 if compact else 5) * mm
        gap = Spacer(1, space * self.scale)
        return [
            *self.ideas_box(COMPACT_IDEAS if compact else ideas_section.POSTER_SHOWN, space),
            self.box("Next training sessions", sessions, "None booked yet: ask a champion for a session."),
            gap,
            self.box("Whom to ask", champs, "Ask your ward manager who your champion is."),
        ]

    def body(
        self, top: int = TOP_THEMES, shown: int = RESPONSES_SHOWN, with_next: bool = True, compact: bool = False
    ) -> list[Flowable]:
        note = (
            f"Concerns are raised in confidence: nobody who raised one is named, and any count under "
            f"{self.sup.k} shows as “{self.sup.wording}”; {RANGE_WORDS}."
        )
        return [
            *self.themes(top, shown),
            Spacer(1, 3 * mm * self.scale),
            Paragraph(esc(note), self.style(9.5, OBLIQUE, MUTED)),
            *(self.next_line() if with_next else []),
            Spacer(1, (3 if compact else 7) * mm * self.scale),
            *self.lower(compact),
        ]

    def next_line(self) -> list[Flowable]:
        """Return one line of the actions agreed for the coming period (nothing when none is agreed)."""
        d = self.data
        if not d.next_steps_agreed or not d.next_steps:
            return []
        actions = [s["action"].rstrip(".") for s in d.next_steps[:NEXT_SHOWN]]
        more = len(d.next_steps) - len(actions)
        text = "; ".join(esc(a) for a in actions) + (f"; and {more} more (see the staff briefing)" if more > 0 else "")
        return [
            Spacer(1, 5 * mm * self.scale),
            Paragraph(
                f"<font color='#{ACCENT.hexval()[2:]}'><b>What we will do next:</b></font> {text}.",
                self.style(12.5, leading=1.3),
            ),
        ]

    def fitting_body(self, height: float) -> list[Flowable]:
        """Return the fullest body that fits ``height``: fewer themes and responses before any shrinking.

        KeepInFrame still shrinks the last, smallest variant if even that overflows, so the poster
        is one page whatever the data holds.
        """
        body: list[Flowable] = []
        # "What we will do next" gives way first: the themes and what was done are the poster's point.
        # Then the lists below give way (fewer sessions and units: the rest are in the briefing), so
        # that at least three themes stand beside the ideas box, before a third theme is dropped.
        variants = [
            (TOP_THEMES, RESPONSES_SHOWN, False),
            (3, RESPONSES_SHOWN, False),
            (TOP_THEMES, 1, False),
            (3, 1, False),
            (3, RESPONSES_SHOWN, True),
            (3, 1, True),
            (2, 1, True),
        ]
        for top, shown, compact in variants:
            for with_next in (True, False):
                body = self.body(top, shown, with_next, compact)
                if sum(f.wrap(self.width, height)[1] for f in body) <= height:
                    return body
        return body

    def header(self, canvas: Canvas, _doc: Any) -> None:
        d = self.data
        w, h = self.pagesize
        band = 62 * mm * self.scale
        canvas.saveState()
        canvas.setFillColor(PRIMARY)
        canvas.rect(0, h - band, w, band, stroke=0, fill=1)
        canvas.setFillColor(ACCENT)
        canvas.rect(0, h - band - 2.5 * mm * self.scale, w, 2.5 * mm * self.scale, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(BOLD, 40 * self.scale)
        canvas.drawString(self.margin, h - band + 30 * mm * self.scale, "You said, we did")
        canvas.setFont(REGULAR, 14 * self.scale)
        canvas.drawString(
            self.margin, h - band + 19 * mm * self.scale, "What staff told us about our new AI tools, and what was done"
        )
        canvas.setFont(REGULAR, 11 * self.scale)
        units = ", ".join(d.scope.units) if d.scope.units else "All units"
        canvas.drawString(
            self.margin,
            h - band + 10 * mm * self.scale,
            f"{units} · {period_text(d.scope.date_from, d.scope.date_to)}"[:120],
        )
        # Footer: confidentiality first, as on the briefing.
        canvas.setFillColor(MUTED)
        canvas.setFont(BOLD, 8 * self.scale)
        canvas.drawString(self.margin, 10 * mm * self.scale, CONFIDENTIAL)
        canvas.setFont(REGULAR, 8 * self.scale)
        canvas.drawRightString(w - self.margin, 10 * mm * self.scale, f"Made {nice_date(d.made_on)}")
        canvas.restoreState()

    def build(self, out: BinaryIO) -> None:
        d = self.data
        top = 62 * mm * self.scale + 10 * mm * self.scale
        doc = SimpleDocTemplate(
            out,
            pagesize=self.pagesize,
            leftMargin=self.margin,
            rightMargin=self.margin,
            topMargin=top,
            bottomMargin=20 * mm * self.scale,
            initialFontName=REGULAR,
            title=f"You said, we did: {period_text(d.scope.date_from, d.scope.date_to)}",
            subject=f"Staff poster: {scope_line(d)}",
            author=d.made_by or "Champion Desk",
            creator="Champion Desk",
        )
        frame_h = self.pagesize[1] - top - 20 * mm * self.scale - 12  # the frame's own padding
        doc.build(
            [KeepInFrame(self.width, frame_h, self.fitting_body(frame_h), mode="shrink")],
            onFirstPage=self.header,
            onLaterPages=self.header,
        )


def build_poster(
    data: BriefingData, out: Path | BinaryIO, k: int = DEFAULT_K, paper: str = "a4", progress: Progress | None = None
) -> None:
    """Write the one-page poster PDF for ``data`` (ValueError for paper other than a4/a3)."""
    if paper not in ("a4", "a3"):
        raise ValueError(f"paper must be a4 or a3, not {paper!r}")
    poster = Poster(data, k, paper)
    buffer = io.BytesIO()
    poster.build(buffer)
    report_progress(progress, 95)
    if isinstance(out, Path):
        outfiles.write_bytes(out, buffer.getvalue())  # whole or not at all
    else:
        out.write(buffer.getvalue())
    report_progress(progress, 100)


def make_poster(
    db: Any,
    scope: Any,
    out: Path | BinaryIO,
    k: int = DEFAULT_K,
    paper: str = "a4",
    made_by: str = "",
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> None:
    """Collect the data of ``scope`` from ``db`` and write the poster."""
    from champion_desk.domain.briefing_data import collect

    build_poster(
        collect(db, meeting_scope(scope), made_by=made_by, today=today, progress=progress, full=False),
        out,
        k=k,
        paper=paper,
        progress=progress,
    )
