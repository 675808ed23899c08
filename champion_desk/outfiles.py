"""Output files written whole or not at all: built beside their target, moved into place when complete.

A ward PC's disk fills up, or the PC is switched off, in the middle of things. A briefing, poster,
export or person export written straight into its target would then be left half-written, over
the good copy from last month. Written here, the target is the old file (or nothing) until the new
one is complete and on disk, then the new one: ``os.replace`` within one folder is atomic.

Plain Python on purpose (no project imports): every layer that writes a file for people may use it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

PARTIAL_PREFIX = ".partial-"


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform can: not on Windows)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` to write; on success move it over ``target``.

    The file is synced to disk before the move. If the block raises (a full disk, a cancel), the
    temporary file is removed and ``target`` is left exactly as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=PARTIAL_PREFIX, suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _sync_folder(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: Path | str, data: bytes) -> None:
    """Write ``data`` to ``target`` whole or not at all (see :func:`replacing`)."""
    with replacing(target) as tmp:
        tmp.write_bytes(data)


@contextmanager
def replacing_files(folder: Path | str, names: Mapping[str, str] | list[str]) -> Iterator[dict[str, Path]]:
    """Yield temporary paths for files ``names`` of ``folder``; when all are written, move each into place.

    The temporary files sit in a hidden folder inside ``folder`` (the same disk, so the moves are
    renames that need no space); if the block raises, none of the targets is touched. Other files
    already in ``folder`` are left alone: it may be any folder the user chose.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=folder))
    try:
        paths = {name: work / name for name in names}
        yield paths
        for path in paths.values():
            with open(path, "rb+") as fh:
                os.fsync(fh.fileno())
        for name, path in paths.items():
            os.replace(path, folder / name)
        _sync_folder(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
