"""Databases on network folders are recognised so the app can warn about them."""

from __future__ import annotations

import pytest

from champion_desk.store.location import network_location, parse_mounts

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
tmpfs /tmp tmpfs rw 0 0
server:/export/wards /mnt/wards nfs4 rw,vers=4.2 0 0
//fileserver/Ward\\0407 /mnt/ward\\0407 cifs rw 0 0
anna@host:/home/anna /home/anna/remote fuse.sshfs rw 0 0
/dev/sdb1 /mnt/wards/local-usb vfat rw 0 0
"""


@pytest.mark.parametrize(
    "path, kind",
    [
        ("/mnt/wards/desk.db", "NFS"),
        ("/mnt/ward 7/sub/desk.db", "SMB"),
        ("/home/anna/remote/desk.db", "SSH"),
    ],
)
def test_network_mounts_are_recognised(path, kind):
    found = network_location(path, platform="linux", mounts_text=MOUNTS)
    assert found is not None and kind in found.kind
    assert "network" in found.message() and "this PC's own disk" in found.message()


@pytest.mark.parametrize(
    "path", ["/home/anna/desk.db", "/tmp/desk.db", "/mnt/wards/local-usb/desk.db", "/mnt/wardsX/desk.db"]
)
def test_local_paths_are_not_warned_about(path):
    assert network_location(path, platform="linux", mounts_text=MOUNTS) is None


def test_mount_escapes_are_decoded():
    assert ("//fileserver/Ward 7", "/mnt/ward 7", "cifs") in parse_mounts(MOUNTS)


@pytest.mark.parametrize(
    "path", [r"\\fileserver\wards\desk.db", "//fileserver/wards/desk.db", r"\\?\UNC\fileserver\wards\desk.db"]
)
def test_windows_unc_paths_are_network(path):
    found = network_location(path, platform="win32", drive_is_remote=lambda d: False)
    assert found is not None and "network share" in found.kind


def test_windows_mapped_drive_is_network_and_local_drive_is_not():
    remote = {"N:"}
    assert (
        network_location(r"N:\desk.db", platform="win32", drive_is_remote=lambda d: d in remote).kind
        == "mapped network drive"
    )
    assert network_location(r"C:\Users\anna\desk.db", platform="win32", drive_is_remote=lambda d: d in remote) is None
    assert network_location(r"\\?\C:\desk.db", platform="win32", drive_is_remote=lambda d: False) is None


def test_other_platforms_say_nothing():
    assert network_location("/Volumes/share/desk.db", platform="darwin") is None


def test_this_machine_temp_folder_is_local(tmp_path):
    # Uses the real /proc/mounts; a not-yet-created file is judged by its folder.
    assert network_location(tmp_path / "new" / "desk.db") is None
