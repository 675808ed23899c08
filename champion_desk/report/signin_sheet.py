"""The printed sign-in sheet of a session: the invited in name order, tick and 1-5 boxes, rows for walk-ins.

Entered afterwards in the session form row by row in the same order (Invited → attendees), so
the champion types only ticks and digits.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from champion_desk import outfiles
from champion_desk.domain import pickers, signin
from champion_desk.domain.dates import format_uk_date
from champion_desk.report.blocks import esc
from champion_desk.report.fonts import BOLD, REGULAR, register_fonts
from champion_desk.report.styles import INK, MUTED, PAPERS, PRIMARY_LIGHT, RULE, styles, table_style
from champion_desk.store.connection import Database

PRIVACY_LINE = "No patient details"
WALK_IN_ROWS = 6
MARGIN = 14 * mm
ROW_HEIGHT = 9 * mm


def default_file_name(db: Database, session_id: str) -> str:
    s = signin.session_details(db, session_id)
    return f"Sign-in sheet {s['held_on']} {pickers.fold(s['tool_name']).replace(' ', '-')}.pdf"


def _scale_boxes() -> Table:
    boxes = Table([[str(n) for n in range(1, 6)]], colWidths=[6 * mm] * 5, rowHeights=[6 * mm])
    boxes.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, INK),
                ("FONT", (0, 0), (-1, -1), REGULAR, 7),
                ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return boxes


def _tick_box() -> Table:
    box = Table([[""]], colWidths=[6 * mm], rowHeights=[6 * mm])
    box.setStyle(table_style([("BOX", (0, 0), (-1, -1), 0.8, INK)]))
    return box


def build_sheet(db: Database, session_id: str) -> bytes:
    """Return the sign-in sheet of a session as PDF bytes (A4 portrait)."""
    register_fonts()
    s = signin.session_details(db, session_id)
    session_id = s["id"]
    st = styles()
    # Accent-blind name order (Łukasz among the Ls), as people look for themselves.
    invited = sorted(
        (r for r in signin.invite_list(db, session_id) if not r["walk_in"]),
        key=lambda r: pickers.fold(r["display_name"]),
    )
    when = format_uk_date(s["held_on"]) + (f", {s['starts_at']}" if s["starts_at"] else "")
    details = [
        ("Tool", s["tool_name"]),
        ("Topic", s["topic"] or s["format"]),
        ("When", f"{when} ({s['minutes']} minutes)"),
        ("Where", s["place"] or s["unit_name"]),
        ("Unit", s["unit_name"]),
        ("Trainer", s["trainer_name"] or ""),
    ]
    story: list[Any] = [
        Paragraph("Training sign-in sheet", st["h1"]),
        Paragraph(f"<b>{esc(PRIVACY_LINE)}</b> on this sheet: names, ticks and scores only.", st["body"]),
        Spacer(1, 3 * mm),
    ]
    info = Table(
        [[Paragraph(f"<b>{esc(k)}</b>", st["body"]), Paragraph(esc(v), st["body"])] for k, v in details],
        colWidths=[22 * mm, 150 * mm],
        hAlign="LEFT",
    )
    info.setStyle(table_style([("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story += [info, Spacer(1, 4 * mm)]
    small = st["small"]
    header = ["Here", "Name", "Staff no.", "Confidence before", "Confidence after", "Signed off\n(trainer)"]
    rows: list[list[Any]] = [header]
    for person in invited:
        rows.append(
            [
                _tick_box(),
                Paragraph(esc(person["display_name"]), st["body"]),
                person["staff_ref"] or "",
                _scale_boxes(),
                _scale_boxes(),
                _tick_box(),
            ]
        )
    for _ in range(WALK_IN_ROWS):
        rows.append([_tick_box(), "", "", _scale_boxes(), _scale_boxes(), _tick_box()])
    widths = [13 * mm, 58 * mm, 21 * mm, 33 * mm, 33 * mm, 24 * mm]
    table = Table(rows, colWidths=widths, rowHeights=[10 * mm] + [ROW_HEIGHT] * (len(rows) - 1), repeatRows=1)
    first_blank = len(invited) + 1
    commands = [
        ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("FONT", (0, 1), (-1, -1), REGULAR, 9),
        ("BACKGROUND", (0, 0), (-1, 0), PRIMARY_LIGHT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (3, 0), (-1, -1), "CENTER"),
    ]
    if first_blank < len(rows):
        commands.append(("LINEABOVE", (0, first_blank), (-1, first_blank), 1, INK))
    table.setStyle(table_style(commands))
    story.append(table)
    story += [
        Spacer(1, 3 * mm),
        Paragraph(
            "Tick <b>Here</b> when you arrive and tick your confidence using the tool before the session "
            "(1 not at all, 5 very); at the end, after. Not listed? Write your name in an empty row. "
            "The trainer ticks <b>Signed off</b> only after checking you can use the tool safely.",
            small,
        ),
        Paragraph(f"{esc(PRIVACY_LINE)}. Session {esc(signin.short_id(session_id))} · {len(invited)} invited.", small),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAPERS["a4"],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"Sign-in sheet: {s['tool_name']}, {format_uk_date(s['held_on'])}",
        author="Champion Desk",
    )
    doc.build(story)
    return buffer.getvalue()


def write_signin_sheet(db: Database, session_id: str, out: Path | str) -> Path:
    """Write the session's sign-in sheet to ``out`` whole or not at all; return the path."""
    data = build_sheet(db, session_id)
    outfiles.write_bytes(out, data)
    return Path(out)
