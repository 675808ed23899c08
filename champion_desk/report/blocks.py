"""The building blocks the briefing, its sections, the one-page summary and the poster are laid out with.

Text made safe and short (``esc``, ``shorten``), dates as a noticeboard writes them, the footer that
counts pages, and ``Blocks``: paragraphs, headings, the ruled table, figure tiles, chart pairs and
the note drawn in a chart's place. Nothing here knows a section: the sections import these, never
the other way round (docs/architecture.md, "The reports are drawn from the bottom up").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table
from reportlab.platypus.flowables import HRFlowable

from champion_desk.domain.briefing_data import BriefingData
from champion_desk.domain.privacy import DEFAULT_K, Cell, Suppressor
from champion_desk.report.fonts import BOLD, REGULAR
from champion_desk.report.styles import (
    ACCENT,
    INK,
    MARGIN,
    MUTED,
    PAPER_TINT,
    PAPERS,
    PRIMARY,
    RULE,
    styles,
    table_style,
)

TITLE = "Staff briefing: AI tools on our wards"
CONFIDENTIAL = "Confidential: for staff meetings"
# A table of up to this many rows stays on one page with what leads it (``Blocks.kept``): a
# hospital's dozen units; a trust's sixty break, the header repeated.
SHORT_TABLE = 16


def esc(text: Any) -> str:
    """Return text safe inside a reportlab Paragraph (which parses a little XML)."""
    return str(text if text is not None else "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nice_date(value: str | dt.date | None) -> str:
    """Return a date as people write it on a noticeboard: 3 Nov 2026."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.day} {day:%b %Y}"


def period_text(date_from: dt.date, date_to: dt.date) -> str:
    """Return "1 Sep 2026 to 30 Nov 2026"."""
    return f"{nice_date(date_from)} to {nice_date(date_to)}"


def bucket_label(row: dict[str, Any], bucket: str) -> str:
    """Return a two-line axis label for a series row: "3 Nov\n2026" for weeks, "Nov\n2026" for months.

    The year is the second line, so "Mar" never reads as a day (the chart prints it only where it
    changes). A month bucket merged with a stub, or clipped by the period's edges, is named after
    the month holding most of its days; ``edge_note`` says which days the first and last bars hold.
    """
    start, end = dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"])
    if bucket == "week":
        return f"{start.day} {start:%b}\n{start.year}"
    main = start
    if (start.year, start.month) != (end.year, end.month):
        first_month_days = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - start
        main = start if first_month_days.days > end.day else end
    return f"{main:%b}\n{main.year}"


def session_topic(session: dict[str, Any]) -> str:
    """Return a session's topic without its tool's name in front ("SepsisWatch Alert: refresher" → "refresher").

    Topics often start with the tool's name, which every listing prints beside them already.
    """
    topic = str(session.get("topic") or "").strip()
    tool = str(session.get("tool") or "")
    if tool and topic.casefold().startswith(tool.casefold()):
        rest = topic[len(tool) :].lstrip(" :–-·")
        return rest or topic
    return topic


def date_range(start: dt.date, end: dt.date) -> str:
    """Return "1–26 Nov 2026", "27 Nov–31 Dec 2025" or "29 Dec 2025–4 Jan 2026"."""
    if start.year != end.year:
        return f"{nice_date(start)}–{nice_date(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%b}–{nice_date(end)}"
    return f"{start.day}–{nice_date(end)}" if start != end else nice_date(end)


def whole_bucket(row: dict[str, Any], bucket: str) -> bool:
    """Return True when a series row is exactly one whole ISO week or calendar month."""
    start, end = dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"])
    if bucket == "week":
        return start.weekday() == 0 and (end - start).days == 6
    return start.day == 1 and end.month == start.month and (end + dt.timedelta(days=1)).day == 1


def edge_note(rows: Sequence[dict[str, Any]], bucket: str) -> str:
    """Return what the first and last bars hold when they are not a whole week or month ("" if both are).

    The period's first days are added into the first whole bucket when they are under half of one
    (``briefing_data.merge_stubs``), so the first bar may hold more than its label says.
    """
    if not rows:
        return ""
    parts = []
    first, last = rows[0], rows[-1]
    if not whole_bucket(first, bucket):
        parts.append(("first", first))
    if len(rows) > 1 and not whole_bucket(last, bucket):
        parts.append(("last", last))
    if not parts:
        return ""
    texts = [
        f"{which} bar: {date_range(dt.date.fromisoformat(r['start']), dt.date.fromisoformat(r['end']))}"
        for which, r in parts
    ]
    text = " · ".join(texts) + "."
    return text[:1].upper() + text[1:]


def scope_line(data: BriefingData) -> str:
    """Return the scope as printed in the footer: units and tools, then the period."""
    units = ", ".join(data.scope.units) if data.scope.units else "All units"
    tools = ", ".join(data.scope.tools) if data.scope.tools else "all tools"
    return f"{units} · {tools} · {period_text(data.scope.date_from, data.scope.date_to)}"


# What a printed range means, in every output's note (privacy.PeriodProtection prints them).
RANGE_WORDS = "a range (from–to) stands for a period with such a month in it"


def count_words(cell: Cell, n: int, what: str = "concern", verb: str = " raised") -> str:
    """Return "7 concerns raised", "fewer than 5 concerns raised", "concerns raised: number not shown"."""
    if not n:
        return f"no new {what}s this period"
    if cell.withheld:
        return f"{what}s{verb}: number not shown"
    return f"{cell.text} {what}{'s' if n != 1 or cell.suppressed else ''}{verb}"


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut at the last whole word within ``limit`` characters, marked with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def theme_order(themes: Sequence[str], counts: dict[str, int], cells: dict[str, Cell]) -> list[str]:
    """Return themes most raised first; hidden ones after the printed ones, in their own order.

    Ordered by their true counts, hidden themes would tell which of two "fewer than 5" is larger.
    """
    order = {t: n for n, t in enumerate(counts)}
    return sorted(
        themes,
        key=lambda t: (1, 0, order.get(t, 99)) if cells[t].suppressed else (0, -(counts.get(t) or 0), order.get(t, 99)),
    )


def numbered_canvas(footer_scope: str, sync_line: str | None = None) -> type[Canvas]:
    """Return a Canvas class that writes the footer, with "page X of Y", once the page count is known.

    ``sync_line``: where the trust's wards stand in their syncs, in a second, smaller line.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab override: hold each page until the total is known
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:  # reportlab override
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _ = self._pagesize
            y = 10 * mm
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, y + 4.2 * mm, width - MARGIN, y + 4.2 * mm)
            self.setFillColor(MUTED)
            self.setFont(BOLD, 7)
            self.drawString(MARGIN, y, CONFIDENTIAL)
            self.setFont(REGULAR, 7)
            self.drawCentredString(width / 2, y, footer_scope[:110])
            self.drawRightString(width - MARGIN, y, f"page {self._pageNumber} of {total}")
            if sync_line:
                self.setFont(REGULAR, 6)
                self.drawCentredString(width / 2, y - 3 * mm, f"Sync: {sync_line}"[:150])
            self.restoreState()

    return NumberedCanvas


class Blocks:
    """The drawing helpers of a page ``paper`` wide within the margins, counts hidden under ``k``."""

    def __init__(self, k: int = DEFAULT_K, paper: str = "a4") -> None:
        self.sup = Suppressor(k)
        self.k = self.sup.k
        self.paper = paper
        self.pagesize = PAPERS[paper]
        self.width = self.pagesize[0] - 2 * MARGIN
        self.height = self.pagesize[1] - 2 * MARGIN - 6 * mm  # the frame (the documents' margins)
        self.s = styles()

    def p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(text, self.s[style])

    def lead(self, text: str) -> Paragraph:
        """Return a lead paragraph whose first letter is a capital ("fewer than 5" can start it)."""
        i = text.find(">", text.find("<b>")) + 1 if text.startswith("<b>") else 0
        return self.p(text[:i] + text[i : i + 1].upper() + text[i + 1 :], "lead")

    def heading(self, title: str) -> list[Flowable]:
        """Return a section heading that never sits alone at the bottom of a page."""
        return [
            CondPageBreak(55 * mm),  # a heading, its lead and the first rows of what follows
            self.p(esc(title), "h1"),
            HRFlowable(width="100%", thickness=1.2, color=PRIMARY, spaceBefore=0, spaceAfter=8),
        ]

    def sub(self, title: str) -> Paragraph:
        return self.p(esc(title), "h2")

    def empty(self, text: str) -> Paragraph:
        return self.p(esc(text), "empty")

    def kept(self, block: list[Flowable], rows: int) -> list[Flowable]:
        """Return ``block`` (a heading or note, then a table of ``rows`` rows) whole on one page when
        the table is short, else as it is, to break where it must.

        A last row and a legend alone overleaf read badly; a long table would leave half a page empty.
        """
        return [KeepTogether(block)] if rows <= SHORT_TABLE else block

    def table(
        self,
        header: Sequence[str | Flowable],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        align_right: Sequence[int] = (),
        total_row: bool = False,
        extra: Sequence[tuple] = (),
        notes: Sequence[Flowable] = (),
    ) -> Table:
        """Return a clean ruled table: bold muted header, light rules, numbers right-aligned.

        Number columns hold plain strings rather than Paragraphs: they never wrap, and a trust's
        sixty-row tables lay out several times faster without a Paragraph per cell.

        ``notes`` (footnotes, a legend) go in rows of their own below the last, which the table
        never splits from them: a footnote cannot be left alone at the top of the next page.
        """
        right = set(align_right)
        last = len(rows) - 1
        head = [
            h if isinstance(h, Flowable) else self.p(esc(h), "cell_head_r" if i in right else "cell_head")
            for i, h in enumerate(header)
        ]
        body = [
            [
                c
                if isinstance(c, Flowable)
                else (str(c) if i in right else self.p(esc(c), "cell_bold" if total_row and r == last else "cell"))
                for i, c in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]
        end = len(rows)  # the last row of the table proper; notes follow it
        note_rows = [[n, *[""] * (len(widths) - 1)] for n in notes]
        t = Table([head, *body, *note_rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, PRIMARY),
            ("LINEBELOW", (0, 1), (-1, end), 0.3, RULE),
            # Two points above and below a row: tables are most of a hospital's briefing, and a point
            # more each way made it a page longer without reading any better.
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("FONTSIZE", (0, 1), (-1, -1), 8.5),
            ("LEADING", (0, 1), (-1, -1), 11),
            ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ]
        style += [("ALIGN", (col, 1), (col, -1), "RIGHT") for col in right]
        if total_row and rows:
            style += [
                ("LINEABOVE", (0, end), (-1, end), 0.8, INK),
                ("BACKGROUND", (0, end), (-1, end), PAPER_TINT),
                ("FONTNAME", (0, end), (-1, end), BOLD),
            ]
        for r in range(end + 1, end + 1 + len(note_rows)):
            style += [
                ("SPAN", (0, r), (-1, r)),
                ("LEFTPADDING", (0, r), (-1, r), 0),
                ("TOPPADDING", (0, r), (-1, r), 5 if r == end + 1 else 2),
            ]
        if note_rows and rows:
            style.append(("NOSPLIT", (0, end), (-1, -1)))
        t.setStyle(table_style(style + list(extra)))
        return t

    def small_note(self) -> Paragraph:
        return self.p(
            f"“{self.sup.wording}”, “not shown” and ranges keep small numbers private: a count from 1 to "
            f"{self.k - 1}, or a figure it could be worked out from, is never printed, and {RANGE_WORDS}.",
            "note",
        )

    def tile_grid(self, tiles: Sequence[tuple[str, Cell, str]]) -> Table:
        """Return figure tiles (label, value, change note) in rows of three."""
        per_row = 3
        gap = 4 * mm
        tile_w = (self.width - (per_row - 1) * gap) / per_row
        cells = []
        for label, cell, note in tiles:
            value_style = "tile_value" if len(cell.text) <= 9 else "tile_value_small"
            inner = Table(
                [
                    [self.p(esc(label.upper()), "tile_label")],
                    [self.p(esc(cell.text), value_style)],
                    [self.p(esc(note), "tile_change")],
                ],
                colWidths=[tile_w],
                rowHeights=[12, 26, 22],
            )
            inner.setStyle(
                table_style(
                    [
                        ("BACKGROUND", (0, 0), (-1, -1), PAPER_TINT),
                        ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT if cell.suppressed else PRIMARY),
                        ("LEFTPADDING", (0, 0), (-1, -1), 9),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                        ("TOPPADDING", (0, 0), (-1, 0), 7),
                        ("TOPPADDING", (0, 1), (-1, -1), 0),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("VALIGN", (0, 1), (-1, 1), "MIDDLE"),
                    ]
                )
            )
            cells.append(inner)
        grid = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
        outer = Table(grid, colWidths=[tile_w + gap] * (per_row - 1) + [tile_w], hAlign="LEFT")
        outer.setStyle(
            table_style(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), gap),
                    ("RIGHTPADDING", (1, 0), (1, -1), gap),
                    ("RIGHTPADDING", (2, 0), (2, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), gap),
                ]
            )
        )
        return outer

    def chart_pair(self, left: tuple[str, Flowable], right: tuple[str, Flowable]) -> Table:
        half = (self.width - 6 * mm) / 2
        t = Table(
            [[self.p(esc(left[0]), "h3"), self.p(esc(right[0]), "h3")], [left[1], right[1]]],
            colWidths=[half + 6 * mm, half],
            hAlign="LEFT",
        )
        t.setStyle(
            table_style(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    # The gutter: a line of text in the left column ran on into the right one's.
                    ("RIGHTPADDING", (0, 0), (0, -1), 6 * mm),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    def chart_or_note(
        self,
        values: Sequence[float | None],
        small: Sequence[bool],
        what: str,
        draw: Callable[[], Flowable],
        height: float,
    ) -> Flowable:
        """Return the chart, or a short note in its place when every non-zero value is hidden.

        A chart of nothing but "<5" marks says less than a sentence does.
        """
        if any(v for v in values if v is not None):
            return draw()
        if any(small):
            text = f"Every {what} is {self.sup.wording}, so this chart is not drawn."
        else:
            text = f"Nothing to chart: no {what} in this period."
        return self.note_box(text, height)

    def note_box(self, text: str, height: float) -> Table:
        """Return a short tinted box holding a sentence, in a chart's place (no chart-sized hole around it)."""
        note = Table(
            [[self.p(esc(text), "note")]], colWidths=[(self.width - 6 * mm) / 2], rowHeights=[min(height, 22 * mm)]
        )
        note.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, -1), PAPER_TINT),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ]
            )
        )
        return note
