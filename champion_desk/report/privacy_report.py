"""The data-protection report: a PDF a trust's information governance lead can attach to its DPIA."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from champion_desk.domain import retention
from champion_desk.domain.data_protection import PROTECTIONS, PURPOSES, WHO_SEES, ProtectionFacts
from champion_desk.domain.dates import format_uk_date
from champion_desk.report.fonts import REGULAR
from champion_desk.report.styles import MARGIN, MUTED, PAPERS, PRIMARY_LIGHT, RULE, styles, table_style

TITLE = "Data protection report"


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def _table(head: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    s = styles()
    data = [[Paragraph(escape(h), s["cell_head"]) for h in head]]
    data += [[Paragraph(escape(str(c)), s["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), PRIMARY_LIGHT),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def story(f: ProtectionFacts, width: float) -> list[Any]:
    """Return the report's flowables: one section per question a DPIA asks."""
    out: list[Any] = [
        _p(TITLE, "h1"),
        _p(
            f"Logbook {f.logbook}, as of {format_uk_date(f.made_on)}. Counts of people only, never a name; "
            f'counts under {f.k} are printed as "fewer than {f.k}". No patient data is held.',
            "lead",
        ),
        _p("1. The personal data this file holds", "h2"),
        _table(
            ["table", "personal data in it", "records", "people"],
            [[h.table, h.what, f"{h.rows:,}", h.people] for h in f.holdings],
            [0.18 * width, 0.54 * width, 0.12 * width, 0.16 * width],
        ),
        Spacer(1, 2 * mm),
        _p(
            "Records include deleted ones kept until the retention rules purge them. People are the colleagues a "
            "table's rows concern (erased colleagues are not counted).",
            "small",
        ),
        _p("2. Why it is held", "h2"),
        *[_p(f"• {text}") for text in PURPOSES],
        _p("3. Who sees what", "h2"),
        _table(["who", "what they see"], [[a, b] for a, b in WHO_SEES], [0.3 * width, 0.7 * width]),
        _p("4. Retention rules in force", "h2"),
        _p(
            "Stored in the logbook itself, so every ward PC whose file is merged applies the same rules; applied when "
            "the app closes after a change and by 'champion-desk retention --apply'."
        ),
        _table(
            ["rule", "in force", "what it removes"],
            [
                [
                    name,
                    f"{f.rules[name]} {rule.unit}" + (" (default)" if f.rules[name] == rule.default else ""),
                    rule.meaning,
                ]
                for name, rule in retention.RULES.items()
            ],
            [0.22 * width, 0.16 * width, 0.62 * width],
        ),
        Spacer(1, 2 * mm),
    ]
    if f.runs:
        last = f.runs[0]
        removed = last["removed"]
        out.append(
            _p(
                f"Last applied {format_uk_date(last['at'])} {last['at'][11:16]} UTC: who raised {removed.get('raised_by', 0)} "
                f"concern(s) cleared, the text of {removed.get('concern_text', 0)} concern(s) cleared, "
                f"{removed.get('leavers', 0)} leaver(s) erased, "
                f"{sum((removed.get('tombstones') or {}).values())} deleted record(s) purged. "
                f"Runs recorded (latest {len(f.runs)}): " + ", ".join(format_uk_date(r["at"]) for r in f.runs) + "."
            )
        )
    else:
        out.append(
            _p(
                "The rules have not removed anything in this logbook yet (a run that finds nothing due is not recorded)."
            )
        )
    due = f.due
    out.append(
        _p(
            f"Due now (applied at the next run): who raised {due['raised_by']} concern(s), the text of "
            f"{due['concern_text']} concern(s), {due['leavers']} leaver(s), "
            f"{sum(due['tombstones'].values())} deleted record(s)."
        )
    )
    out.append(
        _p(
            "The merge horizon: a deleted record is purged once the tombstone period has passed, which assumes "
            "every ward file is merged at least once within it. A file that has not been merged for longer can "
            "bring a purged record back on its next merge; what the other rules removed never comes back.",
            "small",
        )
    )
    out += [_p("5. Erasures and subject-access requests", "h2")]
    if f.erasures:
        out.append(
            _table(
                ["day", "colleagues erased on request"],
                [[format_uk_date(d), str(n)] for d, n in f.erasures],
                [0.3 * width, 0.7 * width],
            )
        )
    else:
        out.append(_p("No colleague has been erased on request in this logbook."))
    out.append(_p(f"Leavers erased by the retention rules: {f.retention_erasures}."))
    if f.exports:
        out.append(
            _table(
                ["day", "subject-access exports written (export-person, People › Export their data…)"],
                [[format_uk_date(d), str(n)] for d, n in f.exports],
                [0.3 * width, 0.7 * width],
            )
        )
    else:
        out.append(_p("No subject-access export has been written from this logbook."))
    out.append(
        _p(
            "Each is recorded by its date only, never whose data it held. Exports written before schema "
            "version 14 were not recorded.",
            "small",
        )
    )
    out += [
        _p("6. Backups", "h2"),
        _p(
            f"Backups are kept in {f.backup_folder} beside the logbook: {f.backups} now"
            + (f", from {format_uk_date(f.oldest_backup)} to {format_uk_date(f.newest_backup)}." if f.backups else ".")
        ),
        _p(
            "A verified copy is taken when the app closes after a change and before any import, merge, restore or "
            "upgrade. The last 10 are kept, plus the newest of each day for 14 days and of each week for 8 weeks. A "
            "backup keeps what it held, including data later erased or removed by retention, until it is thinned."
        ),
        _p("7. Protections", "h2"),
        *[_p(f"• {text}") for text in PROTECTIONS],
    ]
    return out


def build_privacy_report(facts: ProtectionFacts, out: Path | BinaryIO, paper: str = "a4") -> int:
    """Write the data-protection report PDF to ``out``; return its page count."""
    pagesize = PAPERS[paper]
    target: Any = str(out) if isinstance(out, Path) else out
    doc = SimpleDocTemplate(
        target,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        title=f"{TITLE}: {facts.logbook}",
        author="Champion Desk",
        creator="Champion Desk",
        subject="Data protection impact assessment attachment",
        # reportlab starts every page in Helvetica, which would be referenced un-embedded.
        initialFontName=REGULAR,
    )
    pages = [0]

    def footer(canvas: Canvas, _doc: Any) -> None:
        pages[0] = canvas.getPageNumber()
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setFont(REGULAR, 7)
        canvas.drawString(
            MARGIN, 10 * mm, f"Champion Desk · {TITLE} · {facts.logbook} · {format_uk_date(facts.made_on)}"
        )
        canvas.drawRightString(pagesize[0] - MARGIN, 10 * mm, f"page {canvas.getPageNumber()}")
        canvas.restoreState()

    doc.build(story(facts, pagesize[0] - 2 * MARGIN), onFirstPage=footer, onLaterPages=footer)
    return pages[0]
