"""The one-page ward summary: what a ward manager talks through in a 15-minute staff meeting.

Key figures against the previous period, sessions per month, who is trained, "you said, we did",
what comes next and the unit's champions, on one page. It is a ``Meeting`` like the full briefing, laid out differently:
every figure passes the same privacy rules, and the body shrinks to fit rather than run over.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, SimpleDocTemplate, Spacer

from champion_desk import outfiles
from champion_desk.domain.briefing_data import Progress, report_progress
from champion_desk.domain.privacy import DEFAULT_K
from champion_desk.report import charts
from champion_desk.report.blocks import (
    RANGE_WORDS,
    TITLE,
    bucket_label,
    count_words,
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
from champion_desk.report.styles import MARGIN

# What fits beside everything else on the page; the full briefing has the rest.
THEMES_SHOWN = 3
RESPONSES_SHOWN = 2
SESSIONS_SHOWN = 3
STEPS_SHOWN = 3
UNITS_SHOWN = 5  # units whose champions are listed when the summary covers several
# A response longer than this is cut at a word with "…": the page holds three themes' worth.
RESPONSE_CHARS = 240


def held_back(what: str) -> str:
    """Return the sentence that stands for a figure held back, e.g. held_back("How many refreshers are due")."""
    return f"{what} is not shown, so that nobody can be singled out by a small number."


class Summary(Meeting):
    """Lay out the one-page summary of ``data`` (best with monthly series: ``collect(bucket="month")``)."""

    def title_block(self) -> list[Flowable]:
        d = self.data
        where = ", ".join(d.scope.units) if d.scope.units else "All units"
        made = f"Made on {nice_date(d.made_on)}" + (f" by {d.made_by}" if d.made_by else "")
        return [
            self.p(f"{esc(where)}: AI tools summary", "h1"),
            self.p(
                esc(f"{period_text(d.scope.date_from, d.scope.date_to)}, against {self.previous_label()}. {made}."),
                "small",
            ),
            Spacer(1, 3 * mm),
        ]

    def figures(self) -> list[Flowable]:
        tiles = [
            self.count_tile("Sessions held", "sessions"),
            self.share_tile("Training coverage", "training_coverage", "staff_active"),
            self.count_tile("Staff signed off so far", "signed_off_staff"),  # a running total, not the period's
            self.concerns_tile(),
            self.count_tile("Concerns still open", "concerns_open"),
            self.count_tile("Success stories", "stories"),
        ]
        return [self.tile_grid(tiles)]

    def sessions_and_training(self) -> list[Flowable]:
        d, f = self.data, self.data.figures
        half = (self.width - 6 * mm) / 2
        labels = [bucket_label(r, d.bucket) for r in d.training]
        values, marks = self.bar_counts(d.training, "sessions")
        bars = self.chart_or_note(
            values,
            [bool(m) for m in marks],
            f"{d.bucket}'s number of sessions",
            lambda: charts.bar_chart(labels, values, half, 40 * mm, marks=marks),
            40 * mm,
        )
        if self.people:
            covered, staff = self.coverage_cell(), self.people["staff_active"][None]
            signed, due_cell = self.people["signed_off_staff"][None], self.people["refreshers_due"][None]
        else:
            covered = self.share_cell(f, "training_coverage", "staff_active")
            staff, signed = self.sup.count(f.get("staff_active")), self.sup.count(f.get("signed_off_staff"))
            due_cell = self.sup.count(sum(int(u.get("refreshers_due") or 0) for u in d.units))
        due = int(due_cell.value or 0)
        whose = "the unit's" if len(d.scope.units) == 1 else "the"
        staff_words = f"{whose} staff" if staff.withheld else f"{whose} <b>{esc(staff.text)}</b> staff"
        # A figure held back for privacy gets a sentence of its own: "not shown have had…" reads as a slip.
        lines = [
            held_back(f"How many of {staff_words} have been trained")
            if covered.withheld
            else f"<b>{esc(covered.text)}</b> of {staff_words} have been trained on the tools in scope.",
            held_back("How many have had their competency signed off")
            if signed.withheld
            else f"<b>{esc(signed.text)}</b> have had their competency signed off.",
        ]
        if self.confidence_printable():
            lines.append(
                f"Confidence after training rose by <b>{f['confidence_uplift']:+.1f}</b> points on a 1–5 scale."
            )
        if d.units and due_cell.withheld:
            lines.append(held_back("How many refreshers are due"))
        elif d.units:
            one = due == 1 and not due_cell.suppressed
            lines.append(f"<b>{esc(due_cell.text)}</b> refresher{' is' if one else 's are'} due.")
        trained = [self.p(line, "body") for line in lines]
        return [self.chart_pair((f"Sessions per {d.bucket}", bars), ("Who is trained", trained))]

    def you_said(self) -> list[Flowable]:
        d = self.data
        by_theme = d.figures.get("concerns_by_theme", {})
        cells = self.concern.themes
        themes = theme_order([t for t in by_theme if by_theme[t] or d.responses.get(t)], by_theme, cells)
        out: list[Flowable] = [self.sub("You said, we did")]
        if not themes:
            return out + [
                self.empty(
                    "No concerns were raised in this period. Worried about a tool? Tell a champion: "
                    "every concern is logged in confidence."
                )
            ]
        rows = []
        for t in themes[:THEMES_SHOWN]:
            said = f"<b>{esc(t.capitalize())}</b><br/>" + esc(count_words(cells[t], by_theme.get(t) or 0))
            responses = d.responses.get(t, [])[: 1 if cells[t].suppressed else RESPONSES_SHOWN]
            did = (
                "<br/>".join(f"• {esc(shorten(r, RESPONSE_CHARS))}" for r in responses)
                or "<i>Being worked on: responses will be reported at the next briefing.</i>"
            )
            rows.append([self.p(said, "cell"), self.p(did, "cell")])
        w = self.width
        more = len(themes) - THEMES_SHOWN
        notes = (
            [
                self.p(
                    f"{more} more theme{'s' if more != 1 else ''} in the full briefing. {self.small_wording()}", "note"
                )
            ]
            if more > 0
            else [self.p(self.small_wording(), "note")]
        )
        return out + [self.table(["You said", "We did"], rows, [w * 0.3, w * 0.7], notes=notes)]

    def small_wording(self) -> str:
        return (
            f"Nobody who raised a concern is named. So that nobody can be singled out, a count from 1 to "
            f"{self.k - 1} prints as “{self.sup.wording}”, “not shown” hides a figure one could be worked out "
            f"from, and {RANGE_WORDS}."
        )

    def next_and_champions(self) -> list[Flowable]:
        d = self.data
        left: list[Flowable] = []
        sessions = [
            f"<b>{esc(nice_date(s['held_on']))}</b> · {esc(s['tool'])}"
            + (f" · {esc(session_topic(s))}" if session_topic(s) else "")
            for s in d.upcoming[:SESSIONS_SHOWN]
        ]
        left.append(
            self.p("<br/>".join(sessions) if sessions else "<i>No session booked yet: ask a champion.</i>", "body")
        )
        if d.next_steps:
            left.append(Spacer(1, 2 * mm))
            label = "Agreed:" if d.next_steps_agreed else "Suggested (not yet agreed):"
            steps = [f"• {esc(shorten(s['action'], 140))}" for s in d.next_steps[:STEPS_SHOWN]]
            left.append(self.p(f"<b>{label}</b><br/>" + "<br/>".join(steps), "body"))
        if len(d.scope.units) == 1:
            names = [
                f"<b>{esc(c['name'])}</b>" + (f" ({esc(c['role'])})" if c.get("role") else "") for c in d.champions
            ]
        else:  # one line per unit keeps a hospital's champions readable on the page
            by_unit: dict[str, list[str]] = {}
            for c in d.champions:
                by_unit.setdefault(c["unit"] or "Other", []).append(c["name"])
            names = [
                f"{esc(unit)}: <b>{esc(', '.join(people))}</b>" for unit, people in list(by_unit.items())[:UNITS_SHOWN]
            ]
            if len(by_unit) > UNITS_SHOWN:
                more = len(by_unit) - UNITS_SHOWN
                names.append(
                    f"<i>and the champions of {more} more unit{'s' if more != 1 else ''}: see the full briefing</i>"
                )
        right = [
            self.p("<br/>".join(names) if names else "<i>No champion named yet: ask your ward manager.</i>", "body"),
            self.p("Ask them about a tool, a worry you would like to raise in confidence, or a session.", "note"),
        ]
        return [self.chart_pair(("What comes next", left), ("Your champions", right))]

    def body(self) -> list[Flowable]:
        gap = Spacer(1, 3 * mm)
        return [
            *self.title_block(),
            *self.figures(),
            *self.sessions_and_training(),
            gap,
            *self.you_said(),
            gap,
            *self.next_and_champions(),
        ]

    def build(self, out: Any) -> int:
        """Write the one-page PDF to ``out`` (a path or a binary file); return 1."""
        d = self.data
        target: Any = str(out) if not hasattr(out, "write") else out
        bottom = MARGIN + 6 * mm
        doc = SimpleDocTemplate(
            target,
            pagesize=self.pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=bottom,
            title=f"{TITLE}: summary, {period_text(d.scope.date_from, d.scope.date_to)}",
            subject=f"Staff briefing summary: {scope_line(d)}",
            author=d.made_by or "Champion Desk",
            creator="Champion Desk",
            initialFontName=REGULAR,
        )
        height = self.pagesize[1] - MARGIN - bottom - 12  # the frame's own padding
        # Shrinks rather than spills: a page of long responses still prints as one page.
        doc.build(
            [KeepInFrame(self.width, height, self.body(), mode="shrink", hAlign="CENTER")],
            canvasmaker=numbered_canvas(scope_line(d)),
        )
        return 1


def build_summary(data: Any, out: Any, k: int = DEFAULT_K, paper: str = "a4", progress: Progress | None = None) -> int:
    """Write the one-page summary of ``data`` to ``out`` (a path or binary file); return 1."""
    if paper not in ("a4", "letter"):
        raise ValueError(f"paper must be a4 or letter, not {paper!r}")
    report_progress(progress, 70)
    buffer = io.BytesIO()
    pages = Summary(data, k, paper).build(buffer)
    report_progress(progress, 95)
    if isinstance(out, Path):
        outfiles.write_bytes(out, buffer.getvalue())  # whole or not at all
    else:
        out.write(buffer.getvalue())
    report_progress(progress, 100)
    return pages
