"""Data-exchange subcommands: import-roster, export, backups, restore, merge, export-person, erase-person."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from champion_desk.commands.options import (
    add_passphrase_option,
    db_path,
    open_for_command,
    passphrase_from_args,
    refuse_protected_output,
)
from champion_desk.errors import ChampionDeskError

# The audit actor for changes made from the command line (no one is "logged in" there).
CLI_ACTOR = "command line"


class CommandRefused(ChampionDeskError):
    """An exchange command stopped on purpose (invalid rows, a missing --yes); nothing was written."""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import-roster", help="import staff from an HR roster (CSV or XLSX)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read FIELD (staff_ref, display_name, role, unit, is_champion, active, email, login) from COLUMN; "
        "join columns with + (display_name=Forename+Surname)",
    )
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--skip-invalid", action="store_true", help="write the valid rows, report the invalid ones")
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="a CSV's encoding when it has no byte-order mark and is not UTF-8 (cp1252 for older Excel)",
    )
    p.set_defaults(handler=cmd_import_roster)

    p = subparsers.add_parser("export", help="export every table's live records to CSV files or one XLSX workbook")
    p.add_argument("--out", type=Path, required=True, metavar="PATH", help="a folder (csv) or a .xlsx file")
    p.add_argument("--format", choices=("csv", "xlsx"), help="default: xlsx when PATH ends in .xlsx, else csv")
    p.add_argument(
        "--full",
        action="store_true",
        help="keep every colleague's name and the concern text (your own copy, encrypted with a passphrase "
        "into one file; the default export is fit for a manager)",
    )
    add_passphrase_option(p, "encrypts a --full export")
    p.set_defaults(handler=cmd_export)

    p = subparsers.add_parser("backups", help="list the backups beside the database, newest first")
    p.set_defaults(handler=cmd_backups)

    p = subparsers.add_parser("restore", help="check a backup, back up the current database, then restore the backup")
    p.add_argument("path", type=Path, metavar="PATH")
    p.add_argument("--yes", action="store_true", help="confirm: the current contents are replaced (a backup is kept)")
    add_passphrase_option(p, "opens an encrypted backup")
    p.set_defaults(handler=cmd_restore)

    p = subparsers.add_parser("merge", help="merge another ward's database into this one")
    p.add_argument("other", type=Path, metavar="OTHER.db")
    p.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    add_passphrase_option(p, "opens an encrypted file")
    p.set_defaults(handler=cmd_merge)

    p = subparsers.add_parser(
        "export-person", help="write every record naming one colleague to a JSON file, encrypted with a passphrase"
    )
    p.add_argument("ref", metavar="REF", help="the colleague's staff number or id")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.json.age")
    add_passphrase_option(p, "encrypts the file (tell it to the colleague separately)")
    p.set_defaults(handler=cmd_export_person)

    p = subparsers.add_parser("unseal", help="decrypt an encrypted backup, export or snapshot into a plain file")
    p.add_argument("file", type=Path, metavar="FILE.age")
    p.add_argument("--out", type=Path, required=True, metavar="PLAIN")
    add_passphrase_option(p, "opens the file")
    p.set_defaults(handler=cmd_unseal)

    p = subparsers.add_parser("erase-person", help="remove one colleague's personal data everywhere")
    p.add_argument("ref", metavar="REF", help="the colleague's staff number or id")
    p.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    p.set_defaults(handler=cmd_erase_person)


def cmd_import_roster(args: argparse.Namespace) -> int:
    from champion_desk.exchange import roster

    table = roster.read_roster(args.file, args.encoding)
    # Fields not named by --map are still matched by their usual header names.
    mapping = roster.complete_mapping(args.map, table.headers)
    from champion_desk.store.database import memory_database

    # A new ward starts from its HR roster, so the database is created when missing (a dry run
    # against a missing database checks the file against an empty one and creates nothing).
    missing = not db_path(args).exists()
    with (
        memory_database()
        if args.dry_run and missing
        else open_for_command(args, write=not args.dry_run, create=not args.dry_run)
    ) as db:
        plan = roster.import_roster(db, table, mapping, CLI_ACTOR, skip_invalid=args.skip_invalid, dry_run=args.dry_run)
    print(f"Roster: {table.path.name} ({table.describe()})")
    print_mapping(roster.FIELDS, mapping, 13)
    for problem in plan.problems:
        print(problem)
    for warning in plan.warnings:
        print(warning)
    if plan.new_units:
        print(f"New units{'' if plan.written else ' (would be created)'}: {', '.join(plan.new_units)}")
    print(plan.summary())
    finish_import(args, plan, "Nothing to change: the database already matches the roster.")
    return 0


def print_mapping(fields: Sequence[str], mapping: Mapping[str, Sequence[str]], width: int) -> None:
    """Print which columns each field of an import is read from, one field a line."""
    for name in fields:
        cols = mapping.get(name)
        print(f"  {name:<{width}} <- {' + '.join(repr(c) for c in cols) if cols else '(not in the file)'}")


def finish_import(args: argparse.Namespace, plan: Any, unchanged: str) -> None:
    """End an import's report: a dry run wrote nothing; invalid rows without --skip-invalid refuse it
    (nothing was written: exit 1); otherwise say so when it changed nothing (``unchanged``)."""
    if args.dry_run:
        print("Dry run: nothing was written.")
    elif plan.problems and not args.skip_invalid:
        raise CommandRefused(
            f"{plan.invalid} invalid row{'s' if plan.invalid != 1 else ''}; nothing was written. "
            "Fix the file, or use --skip-invalid to import the valid rows."
        )
    elif not plan.written:
        print(unchanged)


def cmd_export(args: argparse.Namespace) -> int:
    from champion_desk.exchange.export import export_database

    fmt = args.format or ("xlsx" if args.out.suffix.lower() == ".xlsx" else "csv")
    refuse_protected_output(args, args.out)
    passphrase = passphrase_from_args(args, confirm=True) if args.full else None
    # A full export is a writer: it is recorded in the audit log with the export. The default one
    # reads beside the running app (a manager's copy must not wait for the ward to close it), and
    # is recorded by a short write afterwards, beside the app too when it runs on this PC.
    with open_for_command(args, write=args.full) as db:
        result = export_database(db, args.out, fmt, full=args.full, passphrase=passphrase, actor=CLI_ACTOR)
    if not args.full:
        _record_manager_export(args, fmt, sum(result.counts.values()))
    print(f"Exported{' (encrypted)' if passphrase else ''} to {result.path}:")
    for table, n in result.counts.items():
        print(f"  {table:<18} {n:>8}")
    print(
        "The audit table is not exported (it holds names and concern text); "
        "incident.raised_by is left out (who raised a concern is confidential)."
    )
    if not args.full:
        print(
            "Fit for a manager: only champions are named, and concern text and notes are left empty "
            "(use --full for your own complete copy)."
        )
    return 0


def _record_manager_export(args: argparse.Namespace, fmt: str, rows: int) -> None:
    """Record a default export (done read-only) as a security event: what kind and how many rows, no names.

    Written after the export through the front door's one write beside the app
    (``frontdoor.write_beside``): with the app open on this PC the row waits for the app's own
    saving and lands. Only where one writer alone is safe (the app on another PC, a network
    folder) or the file cannot be written does stderr say the export was not recorded, and why;
    the export is not undone for that.
    """
    from champion_desk.errors import ReadOnlyDatabaseError, StoreError
    from champion_desk.store import records
    from champion_desk.store.frontdoor import CommandAsker, write_beside
    from champion_desk.store.lock import DatabaseLockedError

    details = {"format": fmt, "encrypted": False, "rows": rows}
    why = ""
    try:
        write_beside(
            db_path(args),
            CommandAsker(),
            lambda db: records.security_event(db, CLI_ACTOR, records.MANAGER_EXPORT, details),
        )
    except DatabaseLockedError as exc:
        if exc.owner is None:
            why = "another Champion Desk has it open"
        elif exc.stale_unknown:
            why = f"{exc.owner.describe()} has it open from another PC, and only one PC may write to it"
        else:
            why = f"{exc.owner.describe()} has it open in a network folder, where only one program may write to it"
    except ReadOnlyDatabaseError:
        why = "the logbook's folder cannot be written"
    except StoreError as exc:
        why = str(exc).rstrip(".")
    if why:
        print(
            f"Note: this export was not recorded in the logbook's audit log ({why}); "
            "exports made in the app, or here while the logbook is closed or open in the app on this PC, are.",
            file=sys.stderr,
        )


def cmd_backups(args: argparse.Namespace) -> int:
    from champion_desk.store.backups import default_backup_dir, list_backups

    folder = default_backup_dir(db_path(args))
    found = list_backups(folder, db_path(args).stem)
    if not found:
        print(f"No backups in {folder}.")
        return 0
    print(f"Backups in {folder} (newest first):")
    for b in found:
        print(
            f"  {b.taken_at.astimezone().strftime('%Y-%m-%d %H:%M:%S')}  {b.reason:<16} {b.size / 1024:>9.0f} KB  {b.path.name}"
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from champion_desk.store.foreign import restore_database

    if not args.yes:
        raise CommandRefused(
            "restore replaces the whole database; add --yes to confirm (a backup of the current one is kept)."
        )
    from champion_desk.store.sealed import is_sealed

    passphrase = passphrase_from_args(args, confirm=False) if is_sealed(args.path) else None
    with open_for_command(args, write=True) as db:
        result = restore_database(db, args.path, passphrase=passphrase, actor=CLI_ACTOR)
    print(f"Restored from {args.path}.")
    print(f"The previous contents were backed up to {result}.")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from champion_desk.exchange.merge import merge_database
    from champion_desk.store.sealed import is_sealed

    passphrase = passphrase_from_args(args, confirm=False) if is_sealed(args.other) else None
    with open_for_command(args, write=not args.dry_run) as db:
        report = merge_database(db, args.other, CLI_ACTOR, dry_run=args.dry_run, passphrase=passphrase)
    for line in report.lines():
        print(line)
    if args.dry_run:
        print("Dry run: nothing was written.")
    elif not report.changed:
        print("Nothing to change: this database already holds everything in the other file.")
    return 0


def cmd_export_person(args: argparse.Namespace) -> int:
    from champion_desk.exchange.person import export_person, find_person

    refuse_protected_output(args, args.out)
    passphrase = passphrase_from_args(args, confirm=True)
    # A writer: the export is recorded (date only) for the data-protection report.
    with open_for_command(args, write=True) as db:
        person = find_person(db, args.ref)
        counts = export_person(db, person["id"], args.out, CLI_ACTOR, passphrase=passphrase)
    print(f"Wrote every record naming this colleague, encrypted, to {args.out}:")
    for section, n in counts.items():
        print(f"  {section:<22} {n:>6}")
    return 0


def cmd_unseal(args: argparse.Namespace) -> int:
    from champion_desk import outfiles
    from champion_desk.store.sealed import is_sealed, unseal_bytes

    if not is_sealed(args.file):
        raise CommandRefused(f"{args.file} is not an encrypted Champion Desk (age) file.")
    refuse_protected_output(args, args.out)
    data = unseal_bytes(args.file.read_bytes(), passphrase_from_args(args, confirm=False), args.file.name)
    outfiles.write_bytes(args.out, data)
    print(f"Decrypted {args.file.name} to {args.out}. It is plain now: keep it on this PC and delete it when done.")
    return 0


def cmd_erase_person(args: argparse.Namespace) -> int:
    from champion_desk.exchange.person import erase_person_by_ref

    if not args.yes:
        raise CommandRefused("erase-person removes this colleague's personal data for good; add --yes to confirm.")
    with open_for_command(args, write=True) as db:
        result = erase_person_by_ref(db, args.ref, CLI_ACTOR)
    for line in result.lines():
        print(line)
    # Not finished (old copies still in the file): a script must not take it as done.
    return 0 if result.result.purge_problem is None else 1
