"""Core subcommands: init, check, stats, backup."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from champion_desk.commands.options import (
    add_passphrase_option,
    add_scope_options,
    db_path,
    open_for_command,
    passphrase_from_args,
    refuse_protected_output,
    scope_from_args,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("init", help="create an empty database (does nothing if it exists)")
    p.set_defaults(handler=cmd_init)

    p = subparsers.add_parser(
        "check", help="check integrity, links, file identity, schema version, summaries; print counts"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--repair",
        action="store_true",
        help="if the summary tables disagree with the records, back up, recount them, and check again",
    )
    p.set_defaults(handler=cmd_check)

    p = subparsers.add_parser("stats", help="print the key figures for a scope (see README: Figures)")
    p.add_argument("--json", action="store_true", help="print JSON (the default output is a readable table)")
    add_scope_options(p, default_months=12)
    p.set_defaults(handler=cmd_stats)

    p = subparsers.add_parser("backup", help="write a verified backup of the database")
    p.add_argument(
        "--to",
        type=str,
        metavar="PATH",
        help="write the backup exactly here (default: the backups folder beside the database); "
        "outside the logbook's folder and the data folder it is encrypted with a passphrase",
    )
    add_passphrase_option(p, "encrypts a backup written outside the data folder")
    p.set_defaults(handler=cmd_backup)


def cmd_init(args: argparse.Namespace) -> int:
    path = db_path(args)
    existed = path.exists() and path.stat().st_size > 0
    with open_for_command(args, write=True, create=True):
        pass
    print(f"{'Database already exists' if existed else 'Created database'}: {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from champion_desk.store.backups import default_backup_dir, remove_leftovers
    from champion_desk.store.health import check_database, repair_summaries

    path = args_path(args)
    for leftover in remove_leftovers(default_backup_dir(path)):
        print(f"Removed {leftover.name}, a copy left by an interrupted backup or merge.", file=sys.stderr)
    report = check_database(path)
    if args.repair and report.only_summaries_stale:
        from champion_desk.store.backups import backup_database

        with open_for_command(args, write=True) as db:
            backup = backup_database(db, reason="before-repair")
            repair_summaries(db)
        print(f"Recounted {', '.join(report.stale_summaries)} (a backup taken first: {backup}).", file=sys.stderr)
        report = check_database(args_path(args))
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        for line in report.lines():
            print(line)
    return 0 if report.ok else 1


def args_path(args: argparse.Namespace):
    path = db_path(args)
    if not path.exists():
        raise FileNotFoundError(f"No database at {path}.")
    return path


def cmd_stats(args: argparse.Namespace) -> int:
    from champion_desk.domain.metrics import stats

    scope = scope_from_args(args)
    with open_for_command(args, write=False) as db:
        figures = stats(db, scope)
    if args.json:
        json.dump(figures, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(f"Scope: {scope.describe()}")
    for key, value in figures.items():
        if key in ("scope",):
            continue
        if isinstance(value, dict):
            print(f"{key}:")
            for k, v in value.items():
                print(f"  {k:<26} {v}")
        else:
            print(f"{key:<28} {value}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from champion_desk.store.backups import backup_database
    from champion_desk.store.sealed import leaves_the_pc

    target = refuse_protected_output(args, args.to) if args.to else None
    leaves = target is not None and leaves_the_pc(Path(target), db_path(args))
    # Asked before the logbook is opened: nobody waits at a prompt while holding it.
    passphrase = passphrase_from_args(args, confirm=True) if leaves else None
    # Read-only: a backup can be taken beside the running app.
    with open_for_command(args, write=False) as db:
        if passphrase is not None:
            from champion_desk.store.sealed import backup_sealed

            path = backup_sealed(db, target, passphrase)
        else:
            path = backup_database(db, to=target, reason="manual") if target else backup_database(db, reason="manual")
    print(f"Backup written and checked{', encrypted' if passphrase else ''}: {path}")
    return 0
