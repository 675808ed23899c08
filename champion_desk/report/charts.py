"""Vector charts (reportlab.graphics Drawings) for the briefing: bars, lines, stacked bars, legends.

Every function takes values already passed through ``domain.privacy``: a None is a value that must
not be drawn. Where a hidden count sits, the chart writes a small "<k" mark at the baseline
instead of a bar, so the reader sees that something is there without seeing how much.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from champion_desk.domain.series import years_to_print
from champion_desk.report.fonts import BOLD, REGULAR, register_fonts
from champion_desk.report.styles import INK, MUTED, PRIMARY, RULE

AXIS_FONT_SIZE = 7
LEFT_PAD = 30
BOTTOM_PAD = 24


def nice_max(values: Sequence[float | None], minimum: float = 1.0) -> tuple[float, float]:
    """Return (axis maximum, step) giving 3-6 round gridlines above the largest value."""
    top = max([v for v in values if v is not None] + [minimum])
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for mult in (1, 2, 2.5, 5, 10):
        step = mult * power
        if minimum >= 1 and not float(step).is_integer():
            continue  # counts: "2.5 sessions" on an axis reads as a mistake
        if step * 5 >= top:
            break
    if step < 1 and minimum >= 1:
        step = 1
    return step * math.ceil(top / step), step


def split_runs(values: Sequence[float | None]) -> list[list[float | None]]:
    """Return one copy of ``values`` per unbroken run of non-None values, None everywhere else."""
    runs: list[list[float | None]] = []
    current: list[float | None] | None = None
    for i, v in enumerate(values):
        if v is None:
            current = None
            continue
        if current is None:
            current = [None] * len(values)
            runs.append(current)
        current[i] = v
    return runs


LABEL_GAP = 3  # points of white space at least between two neighbouring axis labels


def _width(text: str, font_size: float = AXIS_FONT_SIZE) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return stringWidth(text, REGULAR, font_size)


def _shown(labels: Sequence[str], every: int) -> list[str]:
    """Return every ``every``-th label, the others blank, with a second line (the year) on the first
    printed label and wherever it changes (``series.years_to_print``)."""
    parts = [label.partition("\n") if not i % every else None for i, label in enumerate(labels)]
    dated = years_to_print([(p[2] or None) if p else None for p in parts])
    return ["" if p is None else f"{p[0]}\n{p[2]}" if dated[i] else p[0] for i, p in enumerate(parts)]


def _fits(labels: Sequence[str], slot: float) -> bool:
    """Return True when no printed label line runs into the same line of the next label that has one."""
    lines: dict[int, list[tuple[int, float]]] = {}
    for i, label in enumerate(labels):
        if label:
            for n, line in enumerate(label.split("\n")):
                lines.setdefault(n, []).append((i, _width(line)))
    for placed in lines.values():
        for (i, a), (j, b) in zip(placed, placed[1:]):
            if (a + b) / 2 + LABEL_GAP > (j - i) * slot:
                return False
    return True


def thin_labels(labels: Sequence[str], room: float) -> list[str]:
    """Return the axis labels to print: every k-th one, k as small as lets none run into the next,
    and a second line (the year) only at the first printed label and where it changes.

    Labels come whole ("Mar\n2026"): printed once per year, the year says "Mar" is not a day
    without crowding the axis with repeats; lines are measured, not guessed.
    """
    n = len(labels)
    if not n:
        return []
    slot = max(room, 1) / n
    for every in range(1, n + 1):
        shown = _shown(labels, every)
        if _fits(shown, slot):
            return shown
    return _shown(labels, n)


def _style_axes(chart, labels: Sequence[str], ymax: float, step: float, percent: bool = False) -> None:
    register_fonts()
    chart.categoryAxis.categoryNames = thin_labels(labels, chart.width)
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = REGULAR
        axis.labels.fontSize = AXIS_FONT_SIZE
        axis.labels.fillColor = MUTED
        axis.strokeColor = RULE
        axis.strokeWidth = 0.6
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.labels.leading = AXIS_FONT_SIZE + 1
    chart.categoryAxis.labels.textAnchor = "middle"  # each line centred under its bar, not the widest one
    chart.categoryAxis.tickDown = 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = ymax
    chart.valueAxis.valueStep = step
    chart.valueAxis.visibleAxis = False
    chart.valueAxis.visibleTicks = False
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.valueAxis.labels.rightPadding = 4
    if percent:
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f}%"
    else:
        chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:.1f}"


def _marks(drawing: Drawing, chart, marks: Sequence[str | None]) -> None:
    """Write each category's mark ("<5" small, "–" not shown) at the baseline where its bar would be."""
    n = len(marks)
    if not n:
        return
    slot = chart.width / n
    for i, mark in enumerate(marks):
        if mark:
            drawing.add(
                String(
                    chart.x + slot * (i + 0.5),
                    chart.y + 2,
                    mark,
                    fontName=REGULAR,
                    fontSize=6,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[int | None],
    width: float,
    height: float,
    colour: colors.Color = PRIMARY,
    marks: Sequence[str | None] = (),
) -> Drawing:
    """Return a vertical bar chart; None values draw no bar, and ``marks`` say why at the baseline."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = LEFT_PAD, BOTTOM_PAD
    chart.width, chart.height = width - LEFT_PAD - 6, height - BOTTOM_PAD - 8
    chart.data = [[v if v is not None else None for v in values]]
    ymax, step = nice_max(values)
    _style_axes(chart, labels, ymax, step)
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.barSpacing = 0
    chart.groupSpacing = max(2, chart.width / max(len(values), 1) * 0.3)
    drawing.add(chart)
    _marks(drawing, chart, marks)
    return drawing


def line_chart(
    labels: Sequence[str],
    series: Sequence[Sequence[float | None]],
    width: float,
    height: float,
    colours: Sequence[colors.Color] = (PRIMARY,),
    percent: bool = False,
    ymax: float | None = None,
) -> Drawing:
    """Return a line chart of one or more series; None leaves a gap (nothing is interpolated)."""
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = LEFT_PAD, BOTTOM_PAD
    chart.width, chart.height = width - LEFT_PAD - 6, height - BOTTOM_PAD - 8
    # reportlab joins a line across None points, which would draw a slope through a hidden value;
    # each unbroken run becomes its own series (same colour), so a gap stays a gap.
    runs: list[list[float | None]] = []
    run_colours: list[colors.Color] = []
    for index, values in enumerate(series):
        for run in split_runs(values):
            runs.append(run)
            run_colours.append(colours[index % len(colours)])
    series, colours = runs or [[None] * len(labels)], run_colours or list(colours)
    chart.data = [list(s) for s in series]
    flat = [v for s in series for v in s]
    if ymax is None:
        ymax, step = nice_max(flat)
    else:
        step = ymax / 4
    _style_axes(chart, labels, ymax, step, percent)
    chart.joinedLines = 1
    for i, colour in enumerate(colours[: len(series)]):
        chart.lines[i].strokeColor = colour
        chart.lines[i].strokeWidth = 1.8
        chart.lines[i].symbol = None
    # Single points between gaps would vanish without a marker; a small dot keeps them visible.
    from reportlab.graphics.widgets.markers import makeMarker

    for i in range(len(series)):
        marker = makeMarker("FilledCircle")
        marker.size = 3
        marker.fillColor = colours[i % len(colours)]
        marker.strokeColor = None
        chart.lines[i].symbol = marker
    drawing.add(chart)
    return drawing


def stacked_bars(
    labels: Sequence[str],
    keys: Sequence[str],
    segments: Sequence[dict[str, int | None]],
    colours: Sequence[colors.Color],
    width: float,
    height: float,
) -> Drawing:
    """Return a stacked vertical bar chart: one series per key."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = LEFT_PAD, BOTTOM_PAD
    chart.width, chart.height = width - LEFT_PAD - 6, height - BOTTOM_PAD - 8
    chart.categoryAxis.style = "stacked"
    chart.data = [[(seg.get(key) or 0) for seg in segments] for key in keys]
    totals = [sum((seg.get(key) or 0) for key in keys) for seg in segments]
    ymax, step = nice_max(totals)
    _style_axes(chart, labels, ymax, step)
    for i, colour in enumerate(colours):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = colors.white
        chart.bars[i].strokeWidth = 0.3
    chart.barSpacing = 0
    chart.groupSpacing = max(2, chart.width / max(len(segments), 1) * 0.3)
    drawing.add(chart)
    return drawing


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[int | None],
    width: float,
    height: float,
    colour: colors.Color = PRIMARY,
    hidden: Sequence[str | None] = (),
) -> Drawing:
    """Return a horizontal bar chart with the category names at the left and the value at each bar's end.

    ``hidden`` gives, per category, the words written in place of a hidden bar (None: no words).
    """
    register_fonts()
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    label_room = 82
    chart.x, chart.y = label_room, 6
    chart.width, chart.height = width - label_room - 40, height - 10
    # Top-down reading order: reportlab draws the first category at the bottom.
    chart.data = [[v for v in reversed(values)]]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    ymax, _ = nice_max(values)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, ymax
    chart.valueAxis.visible = False
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: f"{v:,.0f}" if v else ""
    chart.barLabels.fontName = BOLD
    chart.barLabels.fontSize = 7
    chart.barLabels.fillColor = INK
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    n = len(values)
    slot = chart.height / max(n, 1)
    for i, words in enumerate(hidden):
        if words:
            row = n - 1 - i
            drawing.add(
                String(
                    chart.x + 4,
                    chart.y + slot * (row + 0.5) - 2.5,
                    words,
                    fontName=REGULAR,
                    fontSize=7,
                    fillColor=MUTED,
                )
            )
    return drawing


def legend(items: Sequence[tuple[str, colors.Color]], width: float, font_size: float = 7.5) -> Drawing:
    """Return a flowing legend: a colour swatch and a label per item, wrapped to ``width``."""
    register_fonts()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    line_h = font_size + 5
    placed: list[tuple[float, int, str, colors.Color]] = []
    x, row = 0.0, 0
    for label, colour in items:
        w = 12 + stringWidth(label, REGULAR, font_size) + 12
        if x + w > width and x > 0:
            x, row = 0.0, row + 1
        placed.append((x, row, label, colour))
        x += w
    rows = row + 1
    drawing = Drawing(width, rows * line_h)
    for x, row, label, colour in placed:
        y = (rows - 1 - row) * line_h + 2
        drawing.add(Rect(x, y, 8, 8, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 12, y + 1, label, fontName=REGULAR, fontSize=font_size, fillColor=INK))
    return drawing
