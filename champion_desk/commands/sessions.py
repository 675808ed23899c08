"""Planning sessions: who is due training, the calendar file of planned sessions, the printed sign-in sheet."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from champion_desk.commands.options import DATE_METAVAR, day_arg, open_for_command


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "due",
        help="colleagues due training on a tool: never trained, sign-off expired, refresher due, missed their last invitation",
    )
    p.add_argument("--tool", required=True, metavar="NAME", help="the tool")
    p.add_argument(
        "--unit", dest="units", action="append", default=[], metavar="NAME", help="limit to this unit (repeatable)"
    )
    p.add_argument(
        "--within", type=int, default=30, metavar="DAYS", help="refreshers falling due within DAYS (default 30)"
    )
    p.add_argument("--on", metavar=DATE_METAVAR, help="as things stand on this day (default: today)")
    p.add_argument("--json", action="store_true", help="print JSON rows")
    p.set_defaults(handler=cmd_due)

    p = subparsers.add_parser("signin-sheet", help="print a session's sign-in sheet (PDF) to fill in by hand")
    p.add_argument(
        "session_id", metavar="SESSION_ID", help="the session: its id, or the 8 characters printed on its sign-in sheet"
    )
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.set_defaults(handler=cmd_signin_sheet)

    p = subparsers.add_parser("calendar", help="planned sessions as a calendar file (.ics) for Outlook and phones")
    p.add_argument("--out", required=True, metavar="FILE.ics", help="where to write the calendar file")
    p.add_argument("--from", dest="date_from", metavar=DATE_METAVAR, help="first day (default: today)")
    p.add_argument("--to", dest="date_to", metavar=DATE_METAVAR, help="last day (default: a year from --from)")
    p.add_argument(
        "--unit", dest="units", action="append", default=[], metavar="NAME", help="limit to this unit (repeatable)"
    )
    p.add_argument(
        "--tool", dest="tools", action="append", default=[], metavar="NAME", help="limit to this tool (repeatable)"
    )
    p.add_argument(
        "--with-names", action="store_true", help="list the invited colleagues' names in each event (off by default)"
    )
    p.set_defaults(handler=cmd_calendar)


def _on(args: argparse.Namespace) -> dt.date:
    return day_arg(args.on, "on") if args.on else dt.date.today()


def cmd_due(args: argparse.Namespace) -> int:
    from champion_desk.domain.dates import format_uk_date
    from champion_desk.domain.due import REASON_TEXT, who_is_due

    with open_for_command(args, write=False) as db:
        rows = who_is_due(db, args.tool, args.units, args.within, _on(args))
    if args.json:
        keys = ("staff_id", "display_name", "unit", "role", "reason", "due_on")
        json.dump([{k: r[k] for k in keys} for r in rows], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(f"Due training on {args.tool}: {len(rows)} colleague{'' if len(rows) == 1 else 's'}")
    group = None
    for r in rows:
        if (r["unit"], r["role"]) != group:
            group = (r["unit"], r["role"])
            print(f"\n{r['unit'] or 'No unit'} · {r['role'] or 'no role given'}")
        print(f"  {r['display_name']}: {REASON_TEXT[r['reason']]} ({format_uk_date(r['due_on'])})")
    return 0


def cmd_signin_sheet(args: argparse.Namespace) -> int:
    from champion_desk.commands.options import refuse_protected_output
    from champion_desk.report.signin_sheet import write_signin_sheet

    out = refuse_protected_output(args, args.out)
    with open_for_command(args, write=False) as db:
        write_signin_sheet(db, args.session_id, out)
    print(f"Wrote the sign-in sheet to {out}")
    return 0


def cmd_calendar(args: argparse.Namespace) -> int:
    from champion_desk.commands.options import refuse_protected_output
    from champion_desk.domain.validation import PLANNED_DAYS_AHEAD
    from champion_desk.errors import ValidationError
    from champion_desk.exchange.calendar import write_calendar

    date_from = day_arg(args.date_from, "from") if args.date_from else dt.date.today()
    date_to = day_arg(args.date_to, "to") if args.date_to else date_from + dt.timedelta(days=PLANNED_DAYS_AHEAD)
    if date_to < date_from:
        raise ValidationError("to", "not before --from", "--to must not be before --from.")
    out = refuse_protected_output(args, args.out)
    with open_for_command(args, write=False) as db:
        count = write_calendar(db, out, date_from, date_to, args.units, args.tools, args.with_names)
    print(f"Wrote {count} session{'' if count == 1 else 's'} to {out}")
    return 0
