"""Sync through a folder: write this logbook's snapshot there, merge every other ward's snapshot found there.

The app moves no files between PCs itself: the folder is a USB stick, a shared drive or a folder
a sync engine (Syncthing, OneDrive) keeps in step. So everything written there is written whole
(a temporary name starting with a dot, checked, synced to disk, renamed into place), and anything
found there is untrusted (each snapshot goes through :func:`merge_database`, all or nothing).

"The same trust": the folder holds a small marker (:data:`MARKER`) with a trust id, made by the
first sync into it. A logbook joins that trust at its first sync and records the trust id in its
own ``sync_peer`` row, which its snapshot carries; a snapshot whose logbook recorded another trust
(or none) is refused, and so is syncing a logbook of one trust with another trust's folder.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import tempfile
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from champion_desk.domain.syncs import STALE_AFTER_DAYS, WardStatus, sync_status  # noqa: F401 - sync's names, kept
from champion_desk.errors import ChampionDeskError, one_line
from champion_desk.exchange.merge import merge_database
from champion_desk.paths import is_demo_path
from champion_desk.store import merging, records, sealed, syncing
from champion_desk.store.backups import copy_verified, default_backup_dir, remove_leftovers
from champion_desk.store.connection import Database, file_logbook_identity, logbook_identity, open_foreign
from champion_desk.store.database import check_header
from champion_desk.store.importing import Cancelled

MARKER = "champion-desk-trust.json"
SNAPSHOT_PREFIX = "champion-desk-"
SNAPSHOT_SUFFIX = ".db"
# Progress steps per snapshot, so one bar covers the whole folder.
_STEPS = 1000
_NAME_PART = 40  # characters of the ward name kept in a file name (FAT allows 255 in all)


class SyncError(ChampionDeskError):
    """The sync was refused before anything was written or merged."""


@dataclass
class SyncLine:
    """What happened to one file of the folder."""

    path: Path
    outcome: str  # "written", "merged", "up to date", "skipped"
    message: str
    rows: int = 0

    def text(self) -> str:
        return f"{self.outcome:<10} {self.path.name}: {self.message}"


@dataclass
class SyncReport:
    """The outcome of one sync, file by file."""

    folder: Path
    trust_id: str
    ward_name: str
    snapshot: Path | None = None
    lines: list[SyncLine] = field(default_factory=list)
    backup: Path | None = None
    cancelled: bool = False
    on_line: Callable[[SyncLine], object] | None = None

    def add(self, line: SyncLine) -> None:
        self.lines.append(line)
        if self.on_line is not None:
            self.on_line(line)

    @property
    def merged(self) -> list[SyncLine]:
        return [line for line in self.lines if line.outcome == "merged"]

    @property
    def skipped(self) -> list[SyncLine]:
        return [line for line in self.lines if line.outcome == "skipped"]

    def text_lines(self) -> list[str]:
        """Return the report as lines; without the heading and file lines when they went to ``on_line``."""
        out = [] if self.on_line else [f"Sync with {self.folder}:"] + ["  " + line.text() for line in self.lines]
        out.append(f"Trust {self.trust_id}; this logbook syncs as {self.ward_name}.")
        rows = sum(line.rows for line in self.merged)
        out.append(
            f"{len(self.merged)} merged ({_rows(rows)} came across), {len(self.skipped)} skipped"
            + (", cancelled" if self.cancelled else "")
            + "."
        )
        if self.backup:
            out.append(f"A backup taken before the first merge: {self.backup}")
        return out


def pc_name() -> str:
    """Return this PC's network name (shown beside the ward's name in the sync status)."""
    return socket.gethostname() or "unknown PC"


def portable(text: str, limit: int = _NAME_PART) -> str:
    """Return ``text`` as a file-name part that FAT, exFAT, NTFS and every sync engine keep as it is.

    ASCII letters, digits and single hyphens only (accents dropped, anything else a hyphen).
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-") or "logbook"


def snapshot_name(identity: str, ward_name: str) -> str:
    """Return the stable file name of a logbook's snapshot: its ward's name and its identity, portable."""
    digits = re.sub(r"[^0-9]", "", identity.split("+")[0])
    return f"{SNAPSHOT_PREFIX}{portable(ward_name)}-{digits or portable(identity)}{SNAPSHOT_SUFFIX}"


def _earlier_names(folder: Path, identity: str, own: str) -> list[Path]:
    """Return this logbook's snapshots under a name it no longer writes (a conflicted copy is not one)."""
    tail = snapshot_name(identity, "x")[len(SNAPSHOT_PREFIX) + 1 :]  # "-<identity digits>.db"
    return [
        p
        for p in folder.glob(f"{SNAPSHOT_PREFIX}*{tail}")
        if p.name != own and re.fullmatch(re.escape(SNAPSHOT_PREFIX) + r"[A-Za-z0-9-]+" + re.escape(tail), p.name)
    ]


def find_snapshots(folder: Path, own: str | None = None) -> list[Path]:
    """Return the snapshots in ``folder`` to merge, oldest change (file time) first, without the one named ``own``.

    Every ``*.db`` file counts, so a sync engine's conflicted copies (``*.sync-conflict-*``,
    ``(conflicted copy)``) are merged like any other; names starting with a dot are copies still
    being written (or killed halfway) and are never read.
    """
    found = []
    for path in folder.iterdir():
        name = path.name
        if name.startswith(".") or not name.lower().endswith(SNAPSHOT_SUFFIX) or name == own:
            continue
        try:
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.stat().st_mtime, name, path))
        except OSError:
            continue
    return [path for _, _, path in sorted(found)]


def merge_first_those_holding_kept_ids(db: Database, snapshots: list[Path]) -> list[Path]:
    """Return ``snapshots`` with those holding the id a shared unit or tool name keeps first, else as they are.

    Units and tools created apart with one name become one record with the smallest id, and every
    record pointing at the others is re-pointed (exchange/merge.py). Merged in file order, a hub
    takes a smaller id for the same ward name or tool several times over, rewriting every
    colleague, session and incident of the wards merged before: at trust scale a quarter of the
    rows its first sync wrote. With the snapshots holding the ids that are kept merged first, those
    rewrites happen while the hub holds little. The result is the same in any order (the union is
    symmetric and associative); only the report's lines come in this order. Sealed, unreadable or
    foreign files keep their place after those (their merge says what is wrong with them).
    """
    kept: dict[tuple[str, str], tuple[str, int | None]] = {}  # (table, key) -> smallest id, the file holding it
    holders: dict[
        tuple[str, str], int
    ] = {}  # (table, key) -> how many files hold it (a name in one file moves nothing)

    def consider(conn: sqlite3.Connection, holder: int | None) -> None:
        names = set()
        for table in merging.RECONCILED_WITH_EVERY_FILE:
            key = merging.NATURAL_KEYS[table]
            for record_id, value in conn.execute(f"SELECT id, {key} FROM {table} WHERE {key} IS NOT NULL"):
                name = (table, " ".join(str(value).split()).casefold())
                names.add(name)
                if name not in kept or record_id < kept[name][0]:
                    kept[name] = (record_id, holder)
        for name in names:
            holders[name] = holders.get(name, 0) + 1

    consider(db.conn, None)
    for index, path in enumerate(snapshots):
        try:
            if sealed.is_sealed(path):
                continue
            conn = open_foreign(path)
            try:
                consider(conn, index)
            finally:
                conn.close()
        except Exception:  # noqa: BLE001 - only the order is at stake: the file's own merge reports it
            continue
    first = {holder for name, (_, holder) in kept.items() if holder is not None and holders[name] > 1}
    return [p for i, p in enumerate(snapshots) if i in first] + [p for i, p in enumerate(snapshots) if i not in first]


def folder_trust(folder: Path, joined: str | None = None) -> str:
    """Return the trust id the folder's marker holds; make the marker when there is none.

    A new marker holds ``joined`` (the trust this logbook already syncs for: a new USB stick for
    the same trust), else a new trust id. Raises SyncError for a marker that cannot be read.
    """
    marker = folder / MARKER
    if marker.exists():
        try:
            trust = json.loads(marker.read_text(encoding="utf-8"))["trust_id"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SyncError(f"{marker} cannot be read ({one_line(exc)}); it is left as it is.") from exc
        if not isinstance(trust, str) or not trust:
            raise SyncError(f"{marker} holds no trust id; it is left as it is.")
        return trust
    trust = joined or str(uuid.uuid4())
    _write_whole(
        marker,
        json.dumps({"trust_id": trust, "created_at": records.utc_now(), "created_on": pc_name()}, indent=2).encode(
            "utf-8"
        ),
    )
    return trust


def _write_whole(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary name (a copy in progress), synced, then renamed."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".partial-{os.getpid()}-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def default_ward_name(db: Database) -> str:
    """Return the name a logbook syncs under when none was given: its only unit's, else this PC's name."""
    units = [r[0] for r in db.conn.execute("SELECT name FROM unit WHERE deleted_at IS NULL LIMIT 2")]
    return units[0] if len(units) == 1 else pc_name()


def sync_folder(
    db: Database,
    folder: Path | str,
    actor: str,
    *,
    ward_name: str | None = None,
    progress: Callable[[int, int], object] | None = None,
    backup: bool = True,
    on_line: Callable[[SyncLine], object] | None = None,
    passphrase: str | None = None,
) -> SyncReport:
    """Write this logbook's snapshot into ``folder`` and merge every other snapshot there; return the SyncReport.

    The merges are one write transaction, each snapshot a savepoint of it (:func:`merge_database`
    inside ``store.merging.merge_run``): merged whole or not at all; a damaged, foreign, newer or other
    trust's snapshot is skipped with one line and left as it is. A snapshot merged before and not
    written again since is not read again. When anything came across, the snapshot is written
    again, so the folder carries the merged picture. ``progress(done, total)`` answering False
    cancels: the merge under way rolls back, those before stay. ``on_line`` is told each file's
    line as soon as it is known (a hub's 60 merges take a while). Raises SyncError when the folder
    cannot be used (missing, holding the logbook itself, another trust's).

    ``passphrase``: this logbook's snapshot is written sealed (``store.sealed``, same file name),
    and sealed snapshots there are opened with it; one sealed with another passphrase, or any
    sealed one when none is given, is skipped with one line.
    """
    if passphrase is not None:
        sealed.check_passphrase(passphrase)
    folder = Path(folder)
    if db.path is not None and is_demo_path(Path(db.path)):
        # A demo logbook's made-up colleagues and concerns would travel to every real ward that syncs.
        raise SyncError(
            f"{Path(db.path).name} holds demo data: it never syncs, so made-up records cannot reach a ward's "
            "real logbook. Open your ward's logbook (File › Open) to sync."
        )
    if not folder.is_dir():
        raise SyncError(f"No folder at {folder}.")
    if db.path is not None and Path(db.path).resolve().parent == folder.resolve():
        raise SyncError(
            f"{folder} holds the logbook itself; sync with a folder of its own (the live logbook never lives there)."
        )
    backups = default_backup_dir(Path(db.path)).resolve() if db.path is not None else None
    if backups is not None and (folder.resolve() == backups or backups in folder.resolve().parents):
        # Thinning would delete snapshots there, and the backups would be merged as wards.
        raise SyncError(f"{folder} is the logbook's backups folder; sync with a folder of its own.")
    identity = logbook_identity(db.conn)
    if not identity:
        raise SyncError("This logbook has no identity to sync under.")
    mine = syncing.own_row(db.conn, identity)
    # A folder another PC shares: only copies older than an hour are another's killed ones.
    remove_leftovers(folder, shared=True)
    trust = folder_trust(folder, joined=mine.trust_id if mine else None)
    if mine is not None and mine.trust_id and mine.trust_id != trust:
        raise SyncError(
            f"{folder} belongs to another trust ({trust}); this logbook syncs for {mine.trust_id}. Nothing was changed."
        )
    ward = ward_name or (mine.ward_name if mine else None) or default_ward_name(db)
    report = SyncReport(folder, trust, ward, on_line=on_line)
    own_name = snapshot_name(identity, ward)
    report.snapshot = _write_snapshot(db, folder, own_name, identity, trust, ward, actor, passphrase)
    for earlier in _earlier_names(folder, identity, own_name):
        # Written under a former ward name: it would be merged by every PC as a stale copy.
        earlier.unlink(missing_ok=True)
    report.add(SyncLine(report.snapshot, "written", f"this logbook's snapshot ({ward} on {pc_name()})"))
    snapshots = merge_first_those_holding_kept_ids(db, find_snapshots(folder, own=own_name))
    total = max(1, len(snapshots)) * _STEPS
    # One write transaction for every merge of the sync, each merge a savepoint (whole or not at
    # all): the summaries are recounted once at the end instead of once per snapshot, which is what
    # lets a hub merge 60 wards in one run (README, "Hub sync"). Committed when the loop ends.
    with merging.merge_run(db, incoming_bytes=sum(_size(path) for path in snapshots)):
        for index, path in enumerate(snapshots):

            def step(done: int, of: int, base: int = index * _STEPS) -> object:
                share = done * _STEPS // of if of else 0
                return progress(base + share, total) if progress is not None else None

            try:
                line = _merge_one(
                    db, path, identity, trust, actor, step, backup and report.backup is None, report, passphrase
                )
            except Cancelled:
                report.cancelled = True
                report.add(SyncLine(path, "skipped", "cancelled: not merged (those before it stay merged)"))
                break
            report.add(line)
    if report.merged and not report.cancelled:
        _write_snapshot(db, folder, own_name, identity, trust, ward, actor, passphrase)
        report.add(SyncLine(report.snapshot, "written", "again, with what came across"))
    if progress is not None and not report.cancelled:
        progress(total, total)
    return report


def _write_snapshot(
    db: Database,
    folder: Path,
    name: str,
    identity: str,
    trust: str,
    ward: str,
    actor: str,
    passphrase: str | None = None,
) -> Path:
    """Record this logbook's own row, then write its verified snapshot under ``name`` (sealed with a passphrase)."""
    syncing.record_own_snapshot(db, identity, trust, ward, pc_name(), actor)
    if passphrase is not None:
        return sealed.backup_sealed(db, folder / name, passphrase)
    return copy_verified(db.conn, folder / name)


def _merge_one(
    db: Database,
    path: Path,
    identity: str,
    trust: str,
    actor: str,
    progress: Callable[[int, int], object],
    backup: bool,
    report: SyncReport,
    passphrase: str | None = None,
) -> SyncLine:
    """Merge one snapshot of the folder when it is this trust's and new here; return its line.

    A sealed snapshot is opened into a private copy first (``store.sealed.opened``), read as a plain one.
    """
    scratch = default_backup_dir(Path(db.path)) if db.path is not None else None
    try:
        with sealed.opened(path, passphrase, scratch) as plain:
            return _merge_plain(db, path, plain, identity, trust, actor, progress, backup, report)
    except sealed.PassphraseError as exc:
        return SyncLine(path, "skipped", f"{one_line(exc)} Left as it is.")


def _merge_plain(
    db: Database,
    path: Path,
    plain: Path,
    identity: str,
    trust: str,
    actor: str,
    progress: Callable[[int, int], object],
    backup: bool,
    report: SyncReport,
) -> SyncLine:
    """Merge the plain snapshot ``plain`` of the folder's ``path`` (the same file unless it was sealed)."""
    try:
        check_header(plain)
        theirs = file_logbook_identity(plain)
        if not theirs:
            return SyncLine(path, "skipped", "not a Champion Desk logbook, or damaged; left as it is")
        peer = syncing.snapshot_own_row(plain, theirs)
    except (ChampionDeskError, OSError) as exc:
        return SyncLine(path, "skipped", f"{one_line(exc)} Left as it is.")
    except Exception as exc:  # noqa: BLE001 - sqlite3 errors of a damaged file: one line, never a traceback
        return SyncLine(path, "skipped", f"damaged ({exc.__class__.__name__}); left as it is")
    if peer is None or not peer.trust_id:
        return SyncLine(
            path,
            "skipped",
            "not written by a sync (no trust recorded); left as it is "
            "(`champion-desk merge` takes a ward's file by hand)",
        )
    if peer.trust_id != trust:
        return SyncLine(path, "skipped", f"belongs to another trust ({peer.trust_id}); left as it is")
    seen = db.conn.execute(
        "SELECT last_written_at FROM sync_peer WHERE id = ? AND deleted_at IS NULL", (syncing.row_id(theirs, identity),)
    ).fetchone()
    if seen is not None and seen[0] == peer.last_written_at and theirs != identity:
        return SyncLine(path, "up to date", f"{peer.ward_name}: merged before, not written again since")
    try:
        merged = merge_database(db, plain, actor, backup=backup, progress=progress)
    except Cancelled:
        raise
    except (ChampionDeskError, OSError) as exc:
        return SyncLine(path, "skipped", f"{one_line(exc)} Left as it is.")
    if merged.backup is not None:
        report.backup = merged.backup
    rows = sum(c.added + c.updated + c.deleted + c.reconciled for c in merged.counts.values())
    if theirs != identity:
        syncing.record_merged(db, theirs, identity, peer, peer.ward_name, rows, actor)
    where = f"{peer.ward_name} on {peer.pc_name}" if peer.pc_name else peer.ward_name
    return SyncLine(path, "merged", f"{where}, written {peer.last_written_at}: {_rows(rows)} came across", rows)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # gone since it was listed: it is skipped with its line


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"
