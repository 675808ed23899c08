"""Warn about a database kept on a network folder, where SQLite's WAL mode is not safe.

SQLite's WAL needs shared memory between every process that opens the file, which only a
local disk gives; on NFS, SMB/CIFS or sshfs two PCs can corrupt the file or lose changes.
This module only *detects*: the UI shows a warning and suggests a local folder. Linux is
judged by ``/proc/mounts``, Windows by UNC paths (``\\\\server\\share``) and mapped network
drives; elsewhere nothing is known and no warning is given.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

# File system types (as /proc/mounts names them) whose locking SQLite cannot rely on.
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smbfs",
        "smb2",
        "smb3",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "coda",
        "ocfs2",
        "gfs2",
        "fuse.sshfs",
        "sshfs",
        "fuse.glusterfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.smbnetfs",
        "fuse.gvfsd-fuse",
        "fuse.cephfs",
    }
)


@dataclass(frozen=True)
class NetworkLocation:
    """Why a path is judged to be on a network: the kind of share and where it is mounted."""

    path: Path
    kind: str
    mount_point: str

    def message(self) -> str:
        """Return the warning shown to the user, in plain words."""
        return (
            f"This database is in a network folder ({self.kind} at {self.mount_point}). Champion Desk "
            "keeps its database safe with a method that does not work over a network: changes can be "
            "lost or the file damaged. Keep the database on this PC's own disk, and share it by "
            "exporting or merging instead."
        )


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes spaces, tabs, newlines and backslashes in octal (\040 …).
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 4 <= len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mounts(text: str) -> list[tuple[str, str, str]]:
    """Return (device, mount point, file system type) for each line of a /proc/mounts text."""
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            mounts.append((_unescape_mount(parts[0]), _unescape_mount(parts[1]), parts[2]))
    return mounts


def mount_of(path: Path | str, mounts: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """Return the mount holding ``path`` (the longest matching mount point), or None."""
    target = PurePosixPath(str(path))
    best = None
    for mount in mounts:
        point = PurePosixPath(mount[1])
        if target == point or point in target.parents:
            if best is None or len(point.parts) > len(PurePosixPath(best[1]).parts):
                best = mount
    return best


def _existing_ancestor(path: Path) -> Path:
    # The database may not exist yet (File > New): judge the folder it will be created in.
    path = path.expanduser().absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.resolve()
    return path


def _windows_drive_is_remote(drive: str) -> bool:
    try:
        import ctypes

        DRIVE_REMOTE = 4
        return ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\") == DRIVE_REMOTE
    except Exception:
        return False


def network_location_windows(path: Path | str, drive_is_remote=None) -> NetworkLocation | None:
    """Return a NetworkLocation for a UNC path or a mapped network drive, else None."""
    text = str(path)
    win = PureWindowsPath(text)
    if text.startswith(("\\\\", "//")):
        # \\?\ and \\.\ are local device paths unless they wrap a UNC share (\\?\UNC\server\share).
        if text[2:4] in ("?\\", ".\\", "?/", "./"):
            rest = text[4:]
            if not rest.upper().startswith("UNC"):
                return None
            share = "\\\\" + "\\".join(rest[4:].replace("/", "\\").split("\\")[:2])
            return NetworkLocation(Path(text), "Windows network share", share)
        return NetworkLocation(Path(text), "Windows network share", win.anchor.rstrip("\\") or text)
    drive = win.drive
    check = drive_is_remote or _windows_drive_is_remote
    if drive and len(drive) == 2 and drive[1] == ":" and check(drive):
        return NetworkLocation(Path(text), "mapped network drive", drive)
    return None


def network_location(
    path: Path | str, *, platform: str | None = None, mounts_text: str | None = None, drive_is_remote=None
) -> NetworkLocation | None:
    """Return why ``path`` is on a network file system, or None when it is local (or unknown).

    ``platform``, ``mounts_text`` and ``drive_is_remote`` let tests stand in for the machine.
    """
    platform = platform or sys.platform
    if platform == "win32":
        return network_location_windows(path, drive_is_remote)
    if not platform.startswith("linux"):
        return None  # macOS and others: no cheap, reliable test; say nothing rather than guess
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        where = _existing_ancestor(Path(path))
    else:
        where = PurePosixPath(os.path.normpath(str(path)))
    mount = mount_of(where, parse_mounts(mounts_text))
    if mount is None:
        return None
    device, point, fstype = mount
    if fstype in NETWORK_FS_TYPES or fstype.startswith(("nfs", "smb", "cifs")):
        return NetworkLocation(Path(path), _describe(fstype), point)
    if fstype.startswith("fuse") and device.split("#")[0].startswith(("sshfs", "davfs", "smb", "nfs")):
        return NetworkLocation(Path(path), _describe(fstype), point)
    return None


def _describe(fstype: str) -> str:
    name = fstype.removeprefix("fuse.")
    return {
        "nfs": "an NFS network share",
        "nfs4": "an NFS network share",
        "cifs": "a Windows (SMB) network share",
        "smb": "a Windows (SMB) network share",
        "smbfs": "a Windows (SMB) network share",
        "smb3": "a Windows (SMB) network share",
        "sshfs": "an SSH network folder",
    }.get(name, f"a {name} network file system")
