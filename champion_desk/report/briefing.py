"""The staff-meeting briefing: a PDF of key figures, charts, "you said, we did", stories and roadmap.

Layout only: every figure comes from ``domain.briefing_data`` (which reads ``metrics``/``series``),
and every count passes through ``domain.privacy.Suppressor`` before it is printed or drawn.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from champion_desk import outfiles
from champion_desk.domain.briefing_data import (
    BriefingData,
    Progress,
    next_step_whys,
    report_progress,
    tool_subset_scope,
)
from champion_desk.domain.privacy import (
    DEFAULT_K,
    Cell,
    meeting_scope,
)
from champion_desk.report import adoption_section, charts, ideas_section, summary
from champion_desk.report.blocks import (
    TITLE,
    bucket_label,
    count_words,
    edge_note,
    esc,
    nice_date,
    numbered_canvas,
    period_text,
    scope_line,
    session_topic,
    shorten,
    theme_order,
)
from champion_desk.report.fonts import REGULAR
from champion_desk.report.meeting import Meeting
from champion_desk.report.styles import (
    ACCENT,
    BAD,
    GOOD,
    MARGIN,
    MUTED,
    PAPER_TINT,
    PRIMARY,
    RULE,
    WARN,
    table_style,
    theme_colour,
)

SECTIONS = (
    "Key figures",
    "Training",
    "Concerns",
    "You said, we did",
    "You suggested, we did",
    "Mentoring",
    "Readiness",
    "Success stories",
    "Roadmap",
    "Next steps",
    "Your champions",
)
# Said on the cover of a briefing for some of the tools (``briefing_data.tool_subset``).
TOOL_SUBSET_NOTE = (
    " Counts of concerns, attendances, open concerns, mentoring pairings and refreshers are printed for "
    "all tools together only (“not shown” here): for some tools, beside the all-tools briefing, they "
    "would give the other tools' small numbers away."
)
# The cover's coloured band: the title and period on it, the key figures below it on the same page.
COVER_BAND = 62 * mm
PROPOSALS_HEADING = "Suggested by Champion Desk (not yet agreed)"
AGREED_HEADING = "What we agreed to do next"
SEVERITY_COLOURS = {"high": BAD, "medium": WARN, "low": PRIMARY}
ADKAR = ("awareness", "desire", "knowledge", "ability", "reinforcement")
ADKAR_NOTE = (
    "ADKAR: awareness of the change, desire to take part, knowledge of how, ability to do it, "
    "reinforcement so it sticks."
)
# Beyond these, sections summarise: a trust's year holds thousands of stories and hundreds of pulses.
READINESS_ROWS = 24
# A response is cut at a word with "…" beyond this many characters: a theme's four responses share
# one table row, which cannot run over a page (3,990 characters each stopped the briefing).
RESPONSE_CHARS = 900
# A rollout stage with more units than this prints as a count ("Live on 55 units").
ROADMAP_NAMES = 12
# The height of the half-width charts set in pairs (training, concerns, mentoring).
HALF_CHART = 42 * mm
# Beyond this many champions, one row per unit (names, roles and any tools they are limited to).
CHAMPION_ROWS = 12
# What the full briefing lists (the app lists them all): the next six sessions, three responses a
# theme (the most recent first), so a hospital's briefing is read in a meeting's fifteen minutes.
SESSIONS_SHOWN = 6
RESPONSES_SHOWN = 3
SHORT_BARRIER = {
    "awareness": "Aware.",
    "desire": "Desire",
    "knowledge": "Knowl.",
    "ability": "Ability",
    "reinforcement": "Reinf.",
}
SCORE_COLOURS = (colors.HexColor("#F6D5D1"), colors.HexColor("#FBEBC8"), colors.HexColor("#D6EBDD"))
STAGE_ORDER = ("live", "pilot", "planned", "paused", "retired")
STAGE_COLOURS = {"live": GOOD, "pilot": ACCENT, "planned": PRIMARY, "paused": WARN, "retired": MUTED}


def score_colour(score: float) -> colors.Color:
    """Return the cell tint of an ADKAR mean: red below 3 (a barrier), amber to 3.4, green from 3.5."""
    return SCORE_COLOURS[0] if score < 3 else SCORE_COLOURS[1] if score < 3.5 else SCORE_COLOURS[2]


def _cover_band(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """Draw the coloured band of the cover page (the title flowables sit on it)."""
    width, height = doc.pagesize
    canvas.saveState()
    canvas.setFillColor(PRIMARY)
    canvas.rect(0, height - COVER_BAND, width, COVER_BAND, stroke=0, fill=1)
    canvas.setFillColor(ACCENT)
    canvas.rect(0, height - COVER_BAND - 2 * mm, width, 2 * mm, stroke=0, fill=1)
    canvas.restoreState()


class Briefing(Meeting):
    """Lay out one briefing from BriefingData with suppression threshold ``k``."""

    def __init__(self, data: BriefingData, k: int = DEFAULT_K, paper: str = "a4", adoption: Any = None) -> None:
        super().__init__(data, k, paper)
        self.adoption_data = adoption  # report.adoption_section.AdoptionData, when the make read it

    # sections ------------------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        d = self.data
        out: list[Flowable] = [
            Spacer(1, 6 * mm),
            self.p("Staff briefing", "cover_title"),
            self.p("AI tools on our wards", "cover_sub"),
            Spacer(1, 2 * mm),
            self.p(esc(period_text(d.scope.date_from, d.scope.date_to)), "cover_sub"),
            Spacer(1, 19 * mm),  # down to below the band (COVER_BAND)
        ]
        # One row of what the band does not say, so the key figures fit on the cover.
        meta = [
            ("Units", ", ".join(d.scope.units) if d.scope.units else "All units"),
            ("Tools", ", ".join(d.scope.tools) if d.scope.tools else "All tools"),
            ("Made on", nice_date(d.made_on)),
            *([("Made by", d.made_by)] if d.made_by else []),
        ]
        t = Table(
            [[self.p(esc(k), "cell_head") for k, _ in meta], [self.p(esc(v), "cover_meta") for _, v in meta]],
            colWidths=[self.width / len(meta)] * len(meta),
            hAlign="LEFT",
        )
        t.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        out += [t, Spacer(1, 5 * mm)]
        if d.is_empty:
            out.append(
                self.callout(
                    "Nothing was logged in this period",
                    "No training sessions, concerns, mentoring check-ins, success stories or readiness pulses "
                    "were recorded for this scope and period. The sections below say so one by one; the roadmap "
                    "and your champions are still listed so staff know whom to ask.",
                    ACCENT,
                )
            )
            out.append(Spacer(1, 6 * mm))
        out.append(
            self.callout(
                "About this briefing",
                "This briefing shows how the introduction of AI tools is going on our wards: the training "
                "we ran, the concerns staff raised and what was done about them, mentoring, readiness, and "
                "what comes next. Concerns are raised in confidence: nobody who raised one is named, no "
                f"concern is quoted, and any count from 1 to {self.k - 1} is printed as “{self.sup.wording}”."
                + (TOOL_SUBSET_NOTE if tool_subset_scope(d.scope) else ""),
                PRIMARY,
            )
        )
        # The sections in one line: the key figures follow on the cover itself, so a manager opens
        # on the period at a glance (a page of contents made the full briefing a page longer).
        contents = self.p("<b>In this briefing:</b> " + " · ".join(esc(s) for s in SECTIONS), "body")
        out += [Spacer(1, 5 * mm), contents]
        return out

    def callout(self, title: str, text: str, colour: colors.Color) -> Table:
        return self.card([self.p(f"<b>{esc(title)}</b>", "body"), self.p(esc(text), "body")], colour, tinted=True)

    def card(self, blocks: Sequence[Flowable], colour: colors.Color, tinted: bool, width: float | None = None) -> Table:
        """Return blocks stacked in a card (full width by default) with a coloured rule at the left (tinted: a filled box)."""
        t = Table([[b] for b in blocks], colWidths=[width or self.width], hAlign="LEFT")
        style = [
            ("LINEBEFORE", (0, 0), (0, -1), 3, colour),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if tinted:
            style += [
                ("BACKGROUND", (0, 0), (-1, -1), PAPER_TINT),
                ("TOPPADDING", (0, 0), (-1, 0), 7),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        t.setStyle(table_style(style))
        return t

    # key figures ----------------------------------------------------------------------------------

    def key_figures(self) -> list[Flowable]:
        tiles = [
            self.share_tile("Training coverage", "training_coverage", "staff_active"),
            self.count_tile("Sessions held", "sessions"),
            self.ratio_tile(),
            self.concerns_tile(),
            self.count_tile("Concerns still open", "concerns_open"),
            self.share_tile("Concerns with a response", "response_rate", "concerns_raised"),
            self.count_tile("Active mentoring pairings", "pairings_active"),
            self.count_tile("Stalled pairings", "stalled_pairings"),
            self.count_tile("Success stories", "stories"),
        ]
        outer = self.tile_grid(tiles)
        f = self.data.figures
        facts = []
        if self.median_days_printable():
            facts.append(f"concerns resolved in the period took a median of {f['median_days_to_resolution']:.0f} days")
        if self.confidence_printable():
            facts.append(f"confidence after training rose by {f['confidence_uplift']:+.1f} points on a 1–5 scale")
        lead = (
            f"Figures for {esc(period_text(self.data.scope.date_from, self.data.scope.date_to))}, "
            f"each compared with {esc(self.previous_label())}."
        )
        if facts:
            lead += " " + esc("; ".join(facts)).capitalize() + "."
        # Kept whole: on the cover when it fits there, else at the top of the next page.
        return [KeepTogether([*self.heading("Key figures"), self.p(lead, "lead"), outer, self.small_note()])]

    # training -------------------------------------------------------------------------------------

    def unit_line_note(self, height: float) -> Flowable:
        """Return the note drawn in place of a line of people over time in an output for chosen units.

        Beside the all-units line and the other units' lines, a unit's own would be a table of its
        own to protect, week by week: the figure at the period's end is given above instead.
        """
        return self.note_box(
            "Drawn for all units together in the all-units briefing: a unit's own line, beside "
            "the others', could give a small number away. The figure at the period's end is above.",
            height,
        )

    def bars_note(
        self, marks: Sequence[str | None], rows: Sequence[dict[str, Any]] = (), bucket: str = "month"
    ) -> list[Flowable]:
        """Return the note under a chart: which days the first and last bars hold when they are not a
        whole week or month, and the key to the marks it shows (nothing when there is neither)."""
        bits = [esc(edge_note(rows, bucket))] if edge_note(rows, bucket) else []
        if any(marks):
            bits.append(
                f"&lt;{self.k}: fewer than {self.k}, not drawn · –: not shown, so that a small number "
                "cannot be worked out from the total."
            )
        return [self.p(" ".join(bits), "note")] if bits else []

    def training(self) -> list[Flowable]:
        d, f = self.data, self.data.figures
        out = self.heading("Training")
        if not f.get("sessions"):
            out.append(self.empty("No training sessions were logged in this period."))
        else:
            sessions = self.sup.figure("sessions", f["sessions"]).text
            if self.people:
                attendances = self.people["attendances"][None].text
                signed = self.people["signed_off_staff"][None].text
            else:
                attendances = self.sup.count(f.get("attendances")).text
                signed = self.sup.count(f.get("signed_off_staff")).text
            out.append(
                self.lead(
                    f"We ran <b>{esc(sessions)}</b> training sessions with <b>{esc(attendances)}</b> "
                    f"attendances. <b>{esc(signed)}</b> colleagues have now had their competency signed off.",
                )
            )
            labels = [bucket_label(r, d.bucket) for r in d.training]
            values, marks = self.bar_counts(d.training, "sessions")
            half = (self.width - 6 * mm) / 2
            bars = self.chart_or_note(
                values,
                [m == f"<{self.k}" for m in marks],
                f"{d.bucket}'s number of sessions",
                lambda: charts.bar_chart(labels, values, half, HALF_CHART, marks=marks),
                HALF_CHART,
            )
            # Each point is a share of staff: hidden when it would give away a small count of people.
            cells = [
                self.share_cell(r | {"staff_active": f.get("staff_active")}, "training_coverage", "staff_active")
                for r in d.training
            ]
            if cells and self.people and self.coverage_cell().suppressed:
                cells[-1] = self.coverage_cell()  # the period's end: as every output of the period prints it
            coverage = [None if c.suppressed or c.value is None else 100 * c.value for c in cells]
            line = (
                self.unit_line_note(HALF_CHART)
                if d.scope.units and self.people
                else self.chart_or_note(
                    coverage,
                    [c.suppressed for c in cells],
                    "point of the coverage line",
                    lambda: charts.line_chart(labels, [coverage], half, HALF_CHART, percent=True, ymax=100),
                    HALF_CHART,
                )
            )
            pair = self.chart_pair((f"Sessions per {d.bucket}", bars), ("Training coverage (staff trained)", line))
            # The note says which days the edge bars hold and what the marks mean: it stays with the charts.
            out.append(KeepTogether([pair, *self.bars_note(marks if any(values) else (), d.training, d.bucket)]))
        out += self.unit_table()
        out += self.upcoming()
        return out

    def unit_table(self) -> list[Flowable]:
        units = self.data.units
        if not units:
            return []
        champs = [Cell(u["champions_active"], False, f"{u['champions_active']:,}") for u in units]
        if self.people:  # decided over every unit, as every output of the period prints them
            staff = [self.people["staff_active"][u["unit"]] for u in units]
            signed = [self.people["signed_off_staff"][u["unit"]] for u in units]
            due = [self.people["refreshers_due"][u["unit"]] for u in units]
            staff_total, signed_total = self.people["staff_active"][None], self.people["signed_off_staff"][None]
            due_total = self.people["refreshers_due"][None]
        else:
            staff, _ = self.sup.table([u["staff_active"] for u in units], None)
            signed, signed_total = self.sup.table([u["signed_off_staff"] for u in units], None)
            due, due_total = self.sup.table([u["refreshers_due"] for u in units], None)
            staff_total = self.sup.count(sum(u["staff_active"] for u in units))
        rows = []
        for n, u in enumerate(units):
            covered = None if u["training_coverage"] is None else round(u["training_coverage"] * u["staff_active"])
            cov = self.coverage_cell(u["unit"]) if self.people else self.sup.share(covered, u["staff_active"])
            ratio = (
                "–"
                if u["staff_per_champion"] is None
                else ("not shown" if staff[n].suppressed else f"{u['staff_per_champion']:.1f}")
            )
            rows.append([u["unit"], staff[n].text, champs[n].text, ratio, cov.text, signed[n].text, due[n].text])
        f = self.data.figures
        cov_total = self.coverage_cell() if self.people else self.share_cell(f, "training_coverage", "staff_active")
        ratio_total = (
            "–"
            if f.get("staff_per_champion") is None
            else ("not shown" if staff_total.suppressed else f"{f['staff_per_champion']:.1f}")
        )
        if len(units) > 1:  # one unit's total row would only repeat it
            rows.append(
                [
                    "All units",
                    staff_total.text,
                    f"{sum(u['champions_active'] for u in units):,}",
                    ratio_total,
                    cov_total.text,
                    signed_total.text,
                    due_total.text,
                ]
            )
        w = self.width
        widths = [w * 0.24, w * 0.12, w * 0.13, w * 0.13, w * 0.12, w * 0.12, w * 0.14]
        table = self.table(
            ["Unit", "Staff", "Champions", "Staff per champion", "Coverage", "Signed off", "Refreshers due"],
            rows,
            widths,
            align_right=range(1, 7),
            total_row=len(units) > 1,
        )
        return [*self.kept([self.sub("By unit"), table], len(rows)), Spacer(1, 2 * mm)]

    def upcoming(self) -> list[Flowable]:
        def what(r: dict[str, Any]) -> str:
            topic = session_topic(r) or r["format"] or ""
            return f"{r['tool']}: {topic}" if topic else str(r["tool"])

        rows = [
            [nice_date(r["held_on"]), r["unit"], what(r), r["trainer"] or "a champion"]
            for r in self.data.upcoming[:SESSIONS_SHOWN]
        ]
        out: list[Flowable] = [self.sub("Next training sessions")]
        if not rows:
            return out + [self.empty("No sessions are booked yet: ask your champion (see “Your champions”).")]
        w = self.width
        table = self.table(["Date", "Unit", "Tool and topic", "Trainer"], rows, [w * 0.13, w * 0.19, w * 0.5, w * 0.18])
        return [KeepTogether(out + [table])]  # the heading never sits alone at a page's foot

    # concerns -------------------------------------------------------------------------------------

    def concerns(self) -> list[Flowable]:
        d, f = self.data, self.data.figures
        out = self.heading("Concerns")
        raised = f.get("concerns_raised") or 0
        if not raised and not f.get("concerns_open"):
            return out + [self.empty("No concerns were logged in this period, and none is open.")]
        bits = [
            f"<b>{esc(self.concern.total.text)}</b> concerns were raised in this period and "
            f"<b>{esc(self.still_open().text)}</b> were still open at its end."
        ]
        if self.median_days_printable():
            bits.append(
                f"Concerns resolved in the period took a median of "
                f"<b>{f['median_days_to_resolution']:.0f} days</b> from being raised."
            )
        out.append(self.lead(" ".join(bits)))
        out += self.theme_chart()
        labels = [bucket_label(r, d.bucket) for r in d.concerns]
        backlog, backlog_small = self.series_counts(d.concerns, "concerns_open")
        half = (self.width - 6 * mm) / 2
        line = (
            self.unit_line_note(HALF_CHART)
            if d.scope.units and self.people
            else self.chart_or_note(
                backlog,
                backlog_small,
                f"{d.bucket}'s backlog",
                lambda: charts.line_chart(labels, [backlog], half, HALF_CHART, colours=(ACCENT,)),
                HALF_CHART,
            )
        )
        # The note on which days the first and last points hold belongs to a drawn line only.
        line_drawn = not isinstance(line, Table)
        cells = self.concern.barriers
        keys = list(d.barriers)
        if cells:
            bar: Flowable = charts.hbar_chart(
                [k.capitalize() for k in keys],
                [None if cells[k].suppressed else d.barriers[k] for k in keys],
                half,
                HALF_CHART,
                colour=PRIMARY,
                hidden=[cells[k].text if cells[k].suppressed else None for k in keys],
            )
        else:
            bar = self.p(
                "The ADKAR barriers behind concerns are shown for all units together: a unit's own, "
                "beside its themes, could give a small number away.",
                "note",
            )
        out.append(
            KeepTogether(
                [
                    self.chart_pair(
                        ("Open concerns at each " + d.bucket + "’s end", line),
                        ("ADKAR barrier behind the concerns", bar),
                    ),
                    self.p(
                        "<br/>".join(
                            esc(x) for x in (edge_note(d.concerns, d.bucket) if line_drawn else "", ADKAR_NOTE) if x
                        ),
                        "note",
                    ),
                ]
            )
        )
        out += self.concerns_by_unit()
        return out

    def theme_chart(self) -> list[Flowable]:
        d = self.data
        # Stub buckets were merged when the data was collected, as for every other chart.
        rows = d.concern_themes or d.concerns
        by_theme = d.figures.get("concerns_by_theme", {})
        present = [t for t in by_theme if any(r["concerns_by_theme"].get(t) for r in rows)]
        if not present:
            return []
        if d.scope.units:
            # Each unit's months, beside the all-units chart and the other units' charts, would be
            # a table of its own to protect: units get the theme totals, the trust the chart.
            return []
        # A theme hidden in "You said, we did" stays hidden here too, whatever its monthly counts.
        cells = self.concern.themes
        drawn = self.sup.drawable(
            [r["concerns_by_theme"] for r in rows], present, hidden=[t for t in by_theme if cells[t].suppressed]
        )
        left_out = len(present) - len(drawn)
        title = self.p(f"Concerns raised per {d.theme_bucket}, by theme", "h3")
        if not drawn:
            return [
                title,
                self.p(
                    esc(
                        f"Every theme had fewer than {self.k} concerns in some {d.theme_bucket}, so this "
                        "chart is not drawn; each theme's total is in “You said, we did”."
                    ),
                    "note",
                ),
            ]
        labels = [bucket_label(r, d.theme_bucket) for r in rows]
        segments = [{t: r["concerns_by_theme"].get(t) or 0 for t in drawn} for r in rows]
        all_themes = list(by_theme)
        colours = [theme_colour(all_themes.index(t)) for t in drawn]
        chart = charts.stacked_bars(labels, drawn, segments, colours, self.width, 40 * mm)
        block: list[Flowable] = [
            title,
            chart,
            charts.legend([(t.capitalize(), c) for t, c in zip(drawn, colours)], self.width),
        ]
        notes = [edge_note(rows, d.theme_bucket)]
        if left_out:
            notes.append(
                f"{left_out} theme{'s are' if left_out != 1 else ' is'} not drawn: fewer than "
                f"{self.k} concerns in some {d.theme_bucket}, or hidden in “You said, we did” to "
                "protect a small number; each theme's total is in “You said, we did”."
            )
        if any(notes):
            block.append(self.p(esc(" ".join(n for n in notes if n)), "note"))
        return [KeepTogether(block), Spacer(1, 3 * mm)]

    def concerns_by_unit(self) -> list[Flowable]:
        by_unit = {u: n for u, n in self.data.concerns_by_unit.items()}
        if not any(by_unit.values()) or len(by_unit) == 1:
            return []  # one unit's row would only repeat the total above
        shown = {u: n for u, n in by_unit.items() if n}
        cells, total = self.concern.units, self.concern.total
        quiet = len(by_unit) - len(shown)
        notes = (
            [self.p(f"{quiet} unit{'s' if quiet != 1 else ''} in scope raised no concerns in this period.", "note")]
            if quiet
            else []
        )
        rows = [[u, cells[u].text] for u in shown]
        w = self.width
        if len(rows) > 6:
            # More than a few units read better side by side than down a page (a trust's sixty, two).
            half = (len(rows) + 1) // 2
            left, right = rows[:half], rows[half:] + [["", ""]] * (2 * half - len(rows))
            paired = [a + b for a, b in zip(left, right)] + [["All units", total.text, "", ""]]
            table = self.table(
                ["Unit", "Concerns", "Unit", "Concerns"],
                paired,
                [w * 0.34, w * 0.14, w * 0.38, w * 0.14],
                align_right=[1, 3],
                total_row=True,
                extra=[("LEFTPADDING", (2, 0), (2, -2 if notes else -1), w * 0.04)],
                notes=notes,
            )
        else:
            rows.append(["All units", total.text])
            table = self.table(
                ["Unit", "Concerns raised"], rows, [w * 0.5, w * 0.2], align_right=[1], total_row=True, notes=notes
            )
        return [KeepTogether([self.sub("Concerns raised by unit"), table])]

    # you said, we did -----------------------------------------------------------------------------

    def you_said(self) -> list[Flowable]:
        d = self.data
        out = self.heading("You said, we did")
        by_theme = d.figures.get("concerns_by_theme", {})
        if not any(by_theme.values()) and not d.responses:
            return out + [
                self.empty(
                    "No concerns were raised in this period. If something worries you about a tool, "
                    "tell your champion: every concern is logged in confidence."
                )
            ]
        out.append(
            self.p(
                "For each theme: how many concerns staff raised in this period, and what was done on "
                "concerns addressed or closed. Responses are as recorded; concerns themselves are never "
                "quoted.",
                "lead",
            )
        )
        cells = self.concern.themes
        themes = theme_order([t for t in by_theme if by_theme[t] or d.responses.get(t)], by_theme, cells)
        rows = []
        for t in themes:
            n = by_theme.get(t) or 0
            said = f"<b>{esc(t.capitalize())}</b><br/>" + esc(count_words(cells[t], n))
            done = self.responses_for(t, cells[t].suppressed)
            rows.append([self.p(said, "cell"), done])
        w = self.width
        table = self.table(["You said", "We did"], rows, [w * 0.3, w * 0.7], notes=[self.small_note()])
        return out + [table]

    def responses_for(self, theme: str, suppressed: bool) -> Flowable:
        """Return the "we did" cell; a hidden count gets one response at most so none narrows it down."""
        responses = self.data.responses.get(theme, [])[: 1 if suppressed else RESPONSES_SHOWN]
        if not responses:
            return self.p("Being worked on: responses will be reported at the next briefing.", "note")
        text = "<br/>".join(f"• {esc(shorten(r, RESPONSE_CHARS))}" for r in responses)
        return self.p(text, "cell")

    def you_suggested(self) -> list[Flowable]:
        return ideas_section.briefing_section(self)

    # mentoring ------------------------------------------------------------------------------------

    def mentoring(self) -> list[Flowable]:
        d, f = self.data, self.data.figures
        out = self.heading("Mentoring")
        if not f.get("pairings_active") and not f.get("checkins"):
            return out + [self.empty("No mentoring pairings were active in this period.")]
        keys = ("pairings_active", "stalled_pairings")
        active, stalled = (self.people[key][None] if self.people else self.sup.count(f.get(key)) for key in keys)
        out.append(
            self.lead(
                f"<b>{esc(active.text)}</b> mentoring pairings were active at the end of the "
                f"period, with <b>{esc(self.sup.figure('checkins', f.get('checkins')).text)}</b> check-ins. "
                f"<b>{esc(stalled.text)}</b> had no check-in for 30 days: champions "
                "will pick these up."
            )
        )
        labels = [bucket_label(r, d.bucket) for r in d.mentoring]
        checkins, marks = self.bar_counts(d.mentoring, "checkins")
        active, active_small = self.series_counts(d.mentoring, "pairings_active")
        half = (self.width - 6 * mm) / 2
        bars = self.chart_or_note(
            checkins,
            [m == f"<{self.k}" for m in marks],
            f"{d.bucket}'s number of check-ins",
            lambda: charts.bar_chart(labels, checkins, half, HALF_CHART, colour=GOOD, marks=marks),
            HALF_CHART,
        )
        line = (
            self.unit_line_note(HALF_CHART)
            if d.scope.units and self.people
            else self.chart_or_note(
                active,
                active_small,
                f"{d.bucket}'s number of active pairings",
                lambda: charts.line_chart(labels, [active], half, HALF_CHART, colours=(GOOD,)),
                HALF_CHART,
            )
        )
        out.append(
            KeepTogether(
                [
                    self.chart_pair((f"Check-ins per {d.bucket}", bars), ("Active pairings", line)),
                    *self.bars_note(marks if any(checkins) else (), d.mentoring, d.bucket),
                ]
            )
        )
        return out

    # readiness ------------------------------------------------------------------------------------

    def readiness(self) -> list[Flowable]:
        rows_in = self.data.readiness
        out = self.heading("Readiness")
        if not rows_in:
            return out + [self.empty("No readiness pulse has been taken for this scope yet.")]
        out.append(
            self.p(
                "The latest readiness pulse for each unit and tool: mean scores from 1 (not at all) to 5 "
                "(fully), for each step of ADKAR. The <b>barrier point</b> is the first step scoring "
                "below 3: that is where support should go first.",
                "lead",
            )
        )
        if len(rows_in) > READINESS_ROWS:
            return out + self.readiness_matrix()
        rows, extra = [], []
        this_year = self.data.made_on.year
        for r_i, r in enumerate(rows_in, start=1):
            taken = dt.date.fromisoformat(r["taken_on"])
            # Short dates keep the table to one line a row; the year shows only when it differs.
            when = f"{taken.day} {taken:%b}" if taken.year == this_year else f"{taken:%b %Y}"
            unit = "" if r_i > 1 and rows_in[r_i - 2]["unit"] == r["unit"] else r["unit"]
            if unit and r_i > 1:
                extra.append(("LINEABOVE", (0, r_i), (-1, r_i), 0.8, RULE))
            respondents = self.sup.count(r.get("respondents"))
            if respondents.suppressed:
                # Means over fewer than k people sit too close to individual answers.
                rows.append(
                    [
                        unit,
                        r["tool"],
                        when,
                        respondents.text,
                        self.p("not shown: too few people answered", "note"),
                        "",
                        "",
                        "",
                        "",
                        "–",
                    ]
                )
                extra.append(("SPAN", (4, r_i), (8, r_i)))
                continue
            scores = []
            for c_i, key in enumerate(ADKAR, start=4):
                v = r.get(key)
                scores.append("–" if v is None else f"{v:.1f}")
                if v is not None:
                    extra.append(("BACKGROUND", (c_i, r_i), (c_i, r_i), score_colour(v)))
            barrier = (r.get("barrier_point") or "none").capitalize()
            rows.append([unit, r["tool"], when, respondents.text, *scores, barrier])
        w = self.width
        widths = [w * 0.17, w * 0.17, w * 0.09, w * 0.12] + [w * 0.061] * 5 + [w * 0.145]
        legend = charts.legend(
            [
                ("below 3: a barrier", SCORE_COLOURS[0]),
                ("3 to 3.4", SCORE_COLOURS[1]),
                ("3.5 and above", SCORE_COLOURS[2]),
                ("A awareness · D desire · K knowledge · A ability · R reinforcement", colors.white),
            ],
            self.width - 8,
        )
        # The legend is a row of the table, so it never starts a page on its own.
        table = self.table(
            ["Unit", "Tool", "Taken", "People", "A", "D", "K", "A", "R", "Barrier point"],
            rows,
            widths,
            align_right=range(3, 9),
            extra=extra,
            notes=[legend],
        )
        return out + [table]

    def readiness_matrix(self) -> list[Flowable]:
        """Return one row per unit and one column per tool: the barrier point, tinted by the lowest score.

        Used when the detailed table would run to pages (a trust has hundreds of unit-tool pulses).
        """
        rows_in = self.data.readiness
        tools = sorted({r["tool"] for r in rows_in}, key=str.casefold)
        units = sorted({r["unit"] for r in rows_in}, key=str.casefold)
        cell = {(r["unit"], r["tool"]): r for r in rows_in}
        rows, extra = [], []
        for r_i, unit in enumerate(units, start=1):
            row: list[Any] = [unit]
            for c_i, tool in enumerate(tools, start=1):
                r = cell.get((unit, tool))
                if r is None:
                    row.append("")
                elif self.sup.is_small(r.get("respondents")):
                    row.append("not shown")
                else:
                    row.append(SHORT_BARRIER.get(r.get("barrier_point") or "", "Ready"))
                    scores = [r[k] for k in ADKAR if r.get(k) is not None]
                    if scores:
                        extra.append(("BACKGROUND", (c_i, r_i), (c_i, r_i), score_colour(min(scores))))
            rows.append(row)
        w = self.width
        first = w * 0.3  # wide enough for "Emergency Department" on one line
        small = [("FONTSIZE", (0, 0), (-1, -1), 7)]
        head = [self.p(esc(t), "cell_head_small") for t in tools]
        body = [[row[0], *[self.p(esc(c), "cell_small") for c in row[1:]]] for row in rows]
        legend = charts.legend(
            [
                ("a score below 3", SCORE_COLOURS[0]),
                ("lowest 3 to 3.4", SCORE_COLOURS[1]),
                ("all 3.5 and above", SCORE_COLOURS[2]),
            ],
            self.width - 8,
        )
        table = self.table(
            ["Unit", *head],
            body,
            [first] + [(w - first) / max(len(tools), 1)] * len(tools),
            extra=extra + small,
            notes=[legend],
        )
        block = [
            self.p(
                "Each cell is the barrier point of the unit's latest pulse for that tool (“Ready”: no step "
                "below 3; Aware. awareness, Knowl. knowledge, Reinf. reinforcement), tinted by its lowest "
                "score; an empty cell means no pulse yet.",
                "note",
            ),
            table,
        ]
        return self.kept(block, len(rows))

    # stories --------------------------------------------------------------------------------------

    def stories(self) -> list[Flowable]:
        out = self.heading("Success stories")
        if not self.data.stories:
            return out + [
                self.empty("No success stories were recorded in this period. Seen the tool help? Tell your champion.")
            ]
        shown = self.data.stories
        total = max(self.data.stories_total, len(shown))
        if total > len(shown):
            out.append(
                self.p(
                    f"{total:,} success stories were recorded in this period; here are the "
                    f"{len(shown)} most recent with a measured result. Ask your champion for the others.",
                    "lead",
                )
            )
        gap = 4 * mm
        half = (self.width - gap) / 2
        cards: list[list[Flowable]] = []
        for st in shown:
            where = " · ".join(
                x for x in (st.get("unit") or "", st.get("tool") or "", nice_date(st.get("told_on"))) if x
            )
            parts: list[Flowable] = [self.p(f"<b>{esc(st['title'])}</b>", "body"), self.p(esc(where), "small")]
            if st.get("summary"):
                parts.append(self.p(esc(st["summary"]), "body"))
            if st.get("measure") or st.get("value"):
                # The measured value leads, in the accent colour: evidence is what persuades.
                parts.append(
                    self.p(
                        f"<font color='#{ACCENT.hexval()[2:]}'><b>{esc(st.get('value') or '')}</b></font>"
                        f"  {esc(st.get('measure') or '')}",
                        "body",
                    )
                )
            cards.append(parts)
        # Two cards a row: four stories take half the page they took one under another. A story too
        # long for half a page's column (a row of a table cannot break) gets the full width, whose
        # card breaks between its paragraphs.
        halves = [self.card(parts, GOOD, tinted=True, width=half) for parts in cards]
        if any(c.wrap(half, self.height)[1] > self.height / 3 for c in halves):
            for parts in cards:
                out += [self.card(parts, GOOD, tinted=True), Spacer(1, 3 * mm)]
            return out
        for n in range(0, len(halves), 2):
            pair = Table([halves[n : n + 2]], colWidths=[half + gap, half], hAlign="LEFT")
            pair.setStyle(
                table_style(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ("TOPPADDING", (0, 0), (-1, -1), 0),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
                    ]
                )
            )
            out.append(pair)
        return out

    # roadmap --------------------------------------------------------------------------------------

    def roadmap(self) -> list[Flowable]:
        out = self.heading("Roadmap")
        if not self.data.roadmap:
            return out + [self.empty("No tools are recorded for this scope.")]
        out.append(
            self.p(
                "Each tool is introduced gradually, unit by unit: a pilot first, then live use once staff "
                "are trained and ready.",
                "lead",
            )
        )
        for tool in self.data.roadmap:
            stage = tool["stage"] or "planned"
            colour = STAGE_COLOURS.get(stage, PRIMARY)
            title = f"<b>{esc(tool['tool'])}</b>  <font color='#{colour.hexval()[2:]}' size='8'><b>{esc(stage.upper())}</b></font>"
            if tool.get("go_live_on"):
                title += f"<font color='#{MUTED.hexval()[2:]}' size='8'>  · go-live {esc(nice_date(tool['go_live_on']))}</font>"
            block: list[Flowable] = [self.p(title, "body")]
            if tool.get("purpose"):
                block.append(self.p(f"<i>What success will mean for staff:</i> {esc(tool['purpose'])}", "body"))
            by_stage: dict[str, list[str]] = {}
            for u in tool["units"]:
                by_stage.setdefault(u["stage"], []).append(u["unit"])
            if by_stage:
                lines = []
                for st in sorted(by_stage, key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else 99):
                    names = by_stage[st]
                    if len(names) > ROADMAP_NAMES:
                        lines.append(f"<b>{esc(st.capitalize())}</b> on {len(names)} units")
                    else:
                        lines.append(f"<b>{esc(st.capitalize())}</b> ({len(names)}): {esc(', '.join(names))}")
                block.append(self.p("<br/>".join(lines), "small"))
            else:
                block.append(self.p("Not yet rolled out to any unit in scope.", "small"))
            out += [KeepTogether([self.card(block, colour, tinted=False)]), Spacer(1, 4 * mm)]
        return out

    # next steps -----------------------------------------------------------------------------------

    def next_steps(self) -> list[Flowable]:
        d = self.data
        out = self.heading("Next steps")
        out[0] = CondPageBreak(85 * mm)  # the lead, the sub-heading and two rows at least
        if not d.next_steps:
            return out + [
                self.empty(
                    "Nothing calls for a change of course at the moment: no suggestion is open for "
                    "this scope. Keep going, and tell your champion what you notice."
                )
            ]
        if d.next_steps_agreed:
            out.append(
                self.p("The actions agreed for the coming period, each with the figure that called for it.", "lead")
            )
            out.append(self.sub(AGREED_HEADING))
        else:
            out.append(
                self.p(
                    "No action has been agreed for this scope yet. From this period's figures, Champion "
                    "Desk suggests the ones below, most pressing first: proposals for discussion at this "
                    "meeting, not decisions.",
                    "lead",
                )
            )
            out.append(self.sub(PROPOSALS_HEADING))
        whys = next_step_whys(d.next_steps, d, self.sup)
        rows, extra = [], []
        for n, (step, why) in enumerate(zip(d.next_steps, whys), start=1):
            where = " · ".join(x for x in (step["unit"], step["tool"]) if x)
            rows.append(
                [
                    self.p(f"<b>{esc(step['action'])}</b>", "cell"),
                    self.p(esc(where) or "All units", "cell"),
                    self.p(
                        esc(why) + f"<br/><font color='#{MUTED.hexval()[2:]}'><i>{esc(step['strategy'])}</i></font>",
                        "cell",
                    ),
                ]
            )
            if not d.next_steps_agreed:
                colour = SEVERITY_COLOURS.get(step["severity"], PRIMARY)
                extra.append(("LINEBEFORE", (0, n), (0, n), 2.5, colour))
        w = self.width
        out.append(
            self.table(
                ["What we will do" if d.next_steps_agreed else "Suggested action", "Where", "Why"],
                rows,
                [w * 0.42, w * 0.16, w * 0.42],
                extra=extra,
            )
        )
        notes = []
        if not d.next_steps_agreed:
            notes.append("The coloured rule marks how pressing each is: red high, amber medium, teal low.")
            if d.next_steps_partial:
                notes.append(
                    "For a scope this large the briefing draws on the quicker checks (concerns, champions, "
                    "readiness, refreshers, stories); the full list, with coverage and mentoring, is on "
                    "Champion Desk's Home page."
                )
        notes.append(
            "Agree, snooze or dismiss a suggestion on Champion Desk's Home page; agreed actions are listed "
            "here in the next briefing."
            if not d.next_steps_agreed
            else "Suggestions not yet agreed are on Champion Desk's Home page."
        )
        out.append(Spacer(1, 2 * mm))
        out.append(self.p(esc(" ".join(notes)), "note"))
        # The heading keeps its lead and the table's first rows (CondPageBreak); a long table may then
        # run on with its header repeated, rather than leaving half a page empty.
        return out

    # champions ------------------------------------------------------------------------------------

    def champions(self) -> list[Flowable]:
        out = self.heading("Your champions")
        if not self.data.champions:
            return out + [self.empty("No champion is named for this scope yet. Ask your ward manager.")]
        out.append(
            self.p(
                "Questions about a tool, a worry you would like to raise in confidence, or a session you "
                "would like to join: ask one of your champions.",
                "lead",
            )
        )
        w = self.width
        all_tools = {t["tool"] for t in self.data.roadmap}

        def tools(c: dict[str, Any]) -> str:
            return "all tools" if not c["tools"] or set(c["tools"]) >= all_tools else ", ".join(c["tools"])

        if len(self.data.champions) > CHAMPION_ROWS:
            # One row per unit, names and roles only: staff ask their own unit's champions, and each
            # champion's list of tools took a trust's sixty units to six pages (each unit's own
            # briefing still lists them).
            by_unit: dict[str, list[str]] = {}
            for c in self.data.champions:
                by_unit.setdefault(c["unit"] or "Other", []).append(
                    f"{c['name']} ({c['role']})" if c["role"] else c["name"]
                )
            rows = [[unit, ", ".join(names)] for unit, names in by_unit.items()]
            note = self.p("Which tools each champion covers is in the unit's own briefing.", "note")
            return out + [self.table(["Unit", "Champions"], rows, [w * 0.3, w * 0.7]), note]
        rows = []
        for c in self.data.champions:
            # Every row names its unit, so a row carried over to the next page still says where.
            rows.append(
                [
                    c["name"],
                    c["unit"],
                    c["role"],
                    tools(c),
                ]
            )
        w = self.width
        return out + [self.table(["Champion", "Unit", "Role", "Tools"], rows, [w * 0.28, w * 0.26, w * 0.2, w * 0.26])]

    # the whole document ---------------------------------------------------------------------------

    def adoption(self) -> list[Flowable]:
        return adoption_section.section(self, self.adoption_data)

    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        for part in (
            self.cover,
            self.key_figures,
            self.training,
            self.adoption,
            self.concerns,
            self.you_said,
            self.you_suggested,
            self.mentoring,
            self.readiness,
            self.stories,
            self.roadmap,
            self.next_steps,
            self.champions,
        ):
            out += part()
        return out

    def build(self, out: Path | BinaryIO) -> int:
        """Write the PDF to ``out`` (a path or a binary file); return the number of pages."""
        d = self.data
        target: Any = str(out) if isinstance(out, Path) else out
        doc = SimpleDocTemplate(
            target,
            pagesize=self.pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 6 * mm,
            title=f"{TITLE}, {period_text(d.scope.date_from, d.scope.date_to)}",
            subject=f"Staff briefing: {scope_line(d)}",
            author=d.made_by or "Champion Desk",
            creator="Champion Desk",
            keywords="AI tools, staff briefing, you said we did",
            # reportlab starts every page in Helvetica, which would be referenced un-embedded.
            initialFontName=REGULAR,
        )
        pages = [0]

        def count(canvas: Canvas, _doc: Any) -> None:
            pages[0] = canvas.getPageNumber()

        def first(canvas: Canvas, doc_: Any) -> None:
            _cover_band(canvas, doc_)
            count(canvas, doc_)

        doc.build(
            self.story(), onFirstPage=first, onLaterPages=count, canvasmaker=numbered_canvas(scope_line(d), d.sync_line)
        )
        return pages[0]


def build_briefing(
    data: BriefingData,
    out: Path | BinaryIO,
    k: int = DEFAULT_K,
    paper: str = "a4",
    progress: Progress | None = None,
    adoption: Any = None,
) -> int:
    """Write the briefing PDF for ``data`` to ``out``; return its page count.

    Raises ValueError for k < 2 or an unknown paper size, BriefingCancelled when ``progress`` cancels.
    """
    if paper not in ("a4", "letter"):
        raise ValueError(f"paper must be a4 or letter, not {paper!r}")
    report_progress(progress, 70)
    briefing = Briefing(data, k, paper, adoption)
    if isinstance(out, Path):
        # Built in memory, then written beside the target and moved into place: a failure, a cancel
        # or a full disk leaves last month's file (or none), never half of one.
        buffer = io.BytesIO()
        pages = briefing.build(buffer)
        report_progress(progress, 95)
        outfiles.write_bytes(out, buffer.getvalue())
    else:
        pages = briefing.build(out)
    report_progress(progress, 100)
    return pages


def make_briefing(
    db: Any,
    scope: Any,
    out: Path | BinaryIO,
    k: int = DEFAULT_K,
    paper: str = "a4",
    made_by: str = "",
    today: dt.date | None = None,
    progress: Progress | None = None,
    one_page: bool = False,
) -> int:
    """Collect the data of ``scope``, made whole months (``privacy.meeting_scope``), and write the briefing
    (``one_page``: the one-page summary, ``report.summary``); return its page count."""
    from champion_desk.domain.briefing_data import collect

    data = collect(
        db, meeting_scope(scope), made_by=made_by, today=today, progress=progress, bucket="month" if one_page else None
    )
    if one_page:
        return summary.build_summary(data, out, k=k, paper=paper, progress=progress)
    return build_briefing(
        data, out, k=k, paper=paper, progress=progress, adoption=adoption_section.collect(db, data.scope)
    )
