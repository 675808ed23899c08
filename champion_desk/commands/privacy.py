"""Data-protection subcommands: retention (what the rules remove, and removing it) and privacy-report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from champion_desk.commands.options import db_path, open_for_command, refuse_protected_output

# The audit actor for changes made from the command line (as commands/exchange.py records it).
CLI_ACTOR = "command line"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "safety-reminder",
        help="show or set the concern form's reminder to report harm to a patient through the trust's incident system",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--set", dest="text", metavar="TEXT", help="one line naming the trust's own incident system")
    mode.add_argument("--default", action="store_true", help="go back to the default wording")
    p.set_defaults(handler=cmd_safety_reminder)

    p = subparsers.add_parser(
        "retention", help="list (--dry-run) or remove (--apply) what the retention rules say goes"
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--dry-run", action="store_true", help="list what would go (counts and kinds), write nothing (the default)"
    )
    mode.add_argument("--apply", action="store_true", help="remove it, erasure-grade, in one audited transaction")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(handler=cmd_retention)

    p = subparsers.add_parser("privacy-report", help="write the data-protection report (PDF) for the trust's DPIA")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4")
    p.set_defaults(handler=cmd_privacy_report)


def cmd_retention(args: argparse.Namespace) -> int:
    from champion_desk.domain import retention

    with open_for_command(args, write=args.apply) as db:
        values = retention.rules(db)
        cut = retention.cutoffs(values)
        # Run again after a busy or full disk, it finishes clearing the old copies even with nothing due.
        due = retention.apply(db, CLI_ACTOR, purge_when_empty=True) if args.apply else retention.plan(db)
    if args.json:
        print(
            json.dumps(
                {"applied": bool(args.apply), "rules": values, "cutoffs": vars(cut), "removed": due.counts()}, indent=2
            )
        )
        return 0
    print("Retention rules in force:")
    for line in retention.rule_lines(values):
        print(f"  {line}")
    for line in retention.describe(due.counts(), cut, applied=args.apply):
        print(line)
    if not args.apply:
        print("Dry run: nothing was removed. 'champion-desk retention --apply' removes it.")
    elif due.purge_problem is not None:
        from champion_desk.store.erasure import BUSY

        why = (
            "another program still has this database open (another Champion Desk window, DB Browser for SQLite, "
            "Datasette or sqlite3)"
            if due.purge_problem == BUSY
            else "the disk is full"
        )
        print(
            f"Old copies of what was removed are still in the file because {why}; close it (or free some space) "
            "and run 'champion-desk retention --apply' again.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_privacy_report(args: argparse.Namespace) -> int:
    from champion_desk.domain.data_protection import protection_facts
    from champion_desk.report.privacy_report import build_privacy_report

    refuse_protected_output(args, args.out)
    with open_for_command(args, write=False) as db:
        facts = protection_facts(db, db_path(args).resolve())
    pages = build_privacy_report(facts, args.out, args.paper)
    print(f"Wrote the data-protection report ({pages} page(s)) to {args.out}")
    return 0


def cmd_safety_reminder(args: argparse.Namespace) -> int:
    from champion_desk.domain import patient_safety

    if args.text is None and not args.default:
        with open_for_command(args, write=False) as db:
            print(patient_safety.reminder(db))
        return 0
    # A logbook setting, so a merge or sync carries the trust's wording to every ward PC.
    with open_for_command(args, write=True) as db:
        wording = patient_safety.set_reminder(db, "" if args.default else args.text, CLI_ACTOR)
    print(f"The concern form now says, when a concern points at harm to a patient: {wording}")
    return 0
