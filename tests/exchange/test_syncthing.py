"""Two wards sync through two folders that two real Syncthing instances keep in step (loopback only).

Skipped when the `syncthing` program is not installed (Debian: `apt-get install syncthing`). Each
instance has its own home, listens on 127.0.0.1 only, with discovery, relays, NAT, usage and crash
reporting switched off; the test gives up after SYNCTHING_WAIT_S per file it waits for.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import sqlite3
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from champion_desk.exchange.sync import MARKER, sync_folder
from champion_desk.store import records
from champion_desk.store.database import open_database
from champion_desk.store.schema import RECORD_TABLES

SYNCTHING = shutil.which("syncthing")
SYNCTHING_WAIT_S = 90
FOLDER_ID = "champion-desk-sync"

pytestmark = pytest.mark.skipif(SYNCTHING is None, reason="syncthing is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set(parent: ET.Element, tag: str, text: str) -> None:
    node = parent.find(tag)
    if node is None:
        node = ET.SubElement(parent, tag)
    node.text = text


class Instance:
    """One Syncthing instance with its own home, GUI and listening port, all on loopback."""

    def __init__(self, home: Path, folder: Path) -> None:
        self.home, self.folder = home, folder
        self.gui_port, self.listen_port = _free_port(), _free_port()
        subprocess.run(
            [SYNCTHING, "generate", f"--home={home}", "--no-default-folder", "--skip-port-probing"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        self.tree = ET.parse(home / "config.xml")
        self.device_id = self.tree.getroot().find("device").get("id")
        self.process: subprocess.Popen | None = None

    def configure(self, peer: Instance) -> None:
        root = self.tree.getroot()
        _set(root.find("gui"), "address", f"127.0.0.1:{self.gui_port}")
        options = root.find("options")
        for tag, value in {
            "listenAddress": f"tcp://127.0.0.1:{self.listen_port}",
            "globalAnnounceEnabled": "false",
            "localAnnounceEnabled": "false",
            "relaysEnabled": "false",
            "natEnabled": "false",
            "urAccepted": "-1",
            "crashReportingEnabled": "false",
            "startBrowser": "false",
            "autoUpgradeIntervalH": "0",
            "reconnectionIntervalS": "1",
        }.items():
            _set(options, tag, value)
        device = ET.SubElement(
            root, "device", id=peer.device_id, name="peer", compression="metadata", introducer="false"
        )
        ET.SubElement(device, "address").text = f"tcp://127.0.0.1:{peer.listen_port}"
        folder = ET.SubElement(
            root,
            "folder",
            id=FOLDER_ID,
            label="Champion Desk sync",
            path=str(self.folder),
            type="sendreceive",
            rescanIntervalS="2",
            fsWatcherEnabled="true",
            fsWatcherDelayS="1",
        )
        ET.SubElement(folder, "device", id=self.device_id)
        ET.SubElement(folder, "device", id=peer.device_id)
        self.tree.write(self.home / "config.xml")

    def start(self) -> None:
        self.log = open(self.home / "syncthing.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                SYNCTHING,
                "serve",
                f"--home={self.home}",
                "--no-browser",
                "--no-restart",
                "--no-upgrade",
                f"--gui-address=127.0.0.1:{self.gui_port}",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _arrived(source: Path, folder: Path, instances: list[Instance]) -> None:
    """Wait until ``folder`` holds a byte-identical copy of ``source`` (the other instance carried it)."""
    target = folder / source.name
    wanted = _digest(source)
    deadline = time.monotonic() + SYNCTHING_WAIT_S
    while time.monotonic() < deadline:
        if any(i.process.poll() is not None for i in instances):
            pytest.fail(
                "a Syncthing instance stopped: "
                + (instances[0].home / "syncthing.log").read_text(errors="replace")[-2000:]
            )
        if target.exists() and _digest(target) == wanted:
            return
        time.sleep(0.5)
    pytest.fail(f"{source.name} did not reach {folder} within {SYNCTHING_WAIT_S} s")


def _records(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in RECORD_TABLES if t != "sync_peer"}
    finally:
        conn.close()


def _sync(path: Path, folder: Path):
    with open_database(path, backup_dir=path.parent / "bk") as db:
        return sync_folder(db, folder, "t")


def test_two_wards_converge_through_two_folders_syncthing_keeps_in_step(tmp_path):
    folders = [tmp_path / "pc1-sync", tmp_path / "pc2-sync"]
    for folder in folders:
        folder.mkdir()
    instances = [Instance(tmp_path / "st1", folders[0]), Instance(tmp_path / "st2", folders[1])]
    instances[0].configure(instances[1])
    instances[1].configure(instances[0])
    wards = []
    for n, name in enumerate(("Cedar Ward", "Birch Ward"), start=1):
        path = tmp_path / f"pc{n}" / "desk.db"
        path.parent.mkdir()
        with open_database(path) as db:
            unit = records.insert(db, "unit", {"name": name}, "t")
            tool = records.insert(db, "tool", {"name": "Scribe"}, "t")
            records.insert(
                db, "story", {"tool_id": tool, "unit_id": unit, "told_on": "2026-11-01", "title": f"{name} story"}, "t"
            )
        wards.append(path)
    for instance in instances:
        instance.start()
    try:
        first = _sync(wards[0], folders[0])  # the first sync makes the trust marker
        _arrived(folders[0] / MARKER, folders[1], instances)
        _arrived(first.snapshot, folders[1], instances)
        second = _sync(wards[1], folders[1])
        assert [line.path.name for line in second.merged] == [first.snapshot.name]
        _arrived(second.snapshot, folders[0], instances)
        with open_database(wards[1]) as db:
            records.delete(db, "story", records.find(db, "story", title="Cedar Ward story")[0]["id"], "t")
        third = _sync(wards[1], folders[1])
        _arrived(third.snapshot, folders[0], instances)
        back = _sync(wards[0], folders[0])
        assert [line.path.name for line in back.merged] == [second.snapshot.name]
        assert _records(wards[0]) == _records(wards[1])
        with open_database(wards[0]) as db:
            assert [s["title"] for s in records.find(db, "story")] == ["Birch Ward story"]
        assert not [p for p in folders[0].iterdir() if "sync-conflict" in p.name]
    finally:
        for instance in instances:
            instance.stop()
