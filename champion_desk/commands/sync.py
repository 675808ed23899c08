"""Sync subcommands: sync (through a folder) and sync-status."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from champion_desk.commands.exchange import CLI_ACTOR
from champion_desk.commands.options import PASSPHRASE_ENV, add_passphrase_option, open_for_command, passphrase_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sync", help="write this logbook's snapshot into FOLDER and merge every other ward's snapshot there"
    )
    p.add_argument(
        "folder",
        type=Path,
        metavar="FOLDER",
        help="a USB stick, a shared drive or a synced folder (never the logbook's own)",
    )
    p.add_argument(
        "--ward",
        metavar="NAME",
        help="the name this logbook syncs under (remembered; default: its only unit's name, else this PC's)",
    )
    add_passphrase_option(p, "encrypts this ward's snapshot and opens the others")
    p.set_defaults(handler=cmd_sync)

    p = subparsers.add_parser("sync-status", help="list every ward logbook this one knows of and when each last synced")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--stale-after",
        type=int,
        default=None,
        metavar="DAYS",
        help="flag wards not synced for more than DAYS days (default 7)",
    )
    p.set_defaults(handler=cmd_sync_status)


def cmd_sync(args: argparse.Namespace) -> int:
    from champion_desk.exchange.sync import sync_folder

    # Encrypted when a passphrase is configured (a file or the environment): a sync run by a
    # scheduled task has no terminal to ask at, and a trust that has not chosen one keeps syncing.
    configured = args.passphrase_file is not None or bool(os.environ.get(PASSPHRASE_ENV))
    passphrase = passphrase_from_args(args, confirm=True) if configured else None
    with open_for_command(args, write=True) as db:
        print(f"Sync with {args.folder}{' (encrypted)' if passphrase else ''}:", flush=True)
        # Each file's line as soon as it is known: a hub merging 60 snapshots takes a while.
        report = sync_folder(
            db,
            args.folder,
            CLI_ACTOR,
            ward_name=args.ward,
            on_line=lambda line: print("  " + line.text(), flush=True),
            passphrase=passphrase,
        )
    for line in report.text_lines():
        print(line)
    return 0


def cmd_sync_status(args: argparse.Namespace) -> int:
    from champion_desk.exchange.sync import STALE_AFTER_DAYS, sync_status

    with open_for_command(args, write=False) as db:
        wards = sync_status(db, stale_after_days=args.stale_after if args.stale_after is not None else STALE_AFTER_DAYS)
    if args.json:
        json.dump([w.as_dict() for w in wards], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not wards:
        print("This logbook has never synced (champion-desk sync FOLDER starts).")
        return 0
    width = max(24, *(len(w.ward_name) + 7 for w in wards))
    print(f"{'ward':<{width}} {'PC':<16} {'last synced':<14} {'merged here':<20} {'rows here':>9}")
    for w in wards:
        ago = "never" if w.days_ago is None else "today" if w.days_ago == 0 else f"{w.days_ago} days ago"
        flag = "  STALE" if w.stale else ""
        name = w.ward_name + (" (this)" if w.is_this_logbook else "")
        merged = (w.last_merged_here or "-")[:19].replace("T", " ")
        print(f"{name:<{width}} {w.pc_name or '':<16} {ago:<14} {merged:<20} {w.rows_received:>9}{flag}")
    return 0
