"""The ward-PC bundle: build it with build.spec, then run its CLI and its GUI as a ward PC would."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    pytest.importorskip("PyInstaller", reason="the bundle extra is not installed")
    work = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    folder = work / "dist" / "champion-desk"
    assert (folder / "champion-desk").exists() and (folder / "champion-desk-cli").exists()
    return folder


def test_the_bundle_is_one_folder_with_resources_and_no_test_tools(bundle):
    internal = bundle / "_internal"
    assert (internal / "resources" / "fonts" / "LICENSE-DejaVu.txt").exists()
    assert (internal / "resources" / "style.qss").exists()
    assert not list(internal.glob("**/pytest*")) and not list(internal.glob("PySide6/Qt/qml"))
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbundle size: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)")
    assert size <= 200e6, f"the bundle grew to {size / 1e6:.1f} MB (goal: at most 200 MB)"


def test_the_bundled_cli_makes_a_demo_checks_it_and_writes_a_briefing(bundle, tmp_path):
    cli = str(bundle / "champion-desk-cli")
    db = tmp_path / "ward.db"

    def run(*args):
        result = subprocess.run([cli, "--db", str(db), *args], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "Demo data written" in run("demo", "--scale", "ward", "--end", "2026-06-30")
    assert "All checks passed." in run("check")
    run("briefing", "--out", str(tmp_path / "b.pdf"), "--to", "2026-06-30")
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_the_bundled_gui_shows_its_main_window(bundle, tmp_path):
    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database
    from champion_desk.ui.settings import Settings

    db_path = tmp_path / "ward.db"
    db = open_database(db_path)
    summary = generate_demo(db, "ward", end=__import__("datetime").date(2026, 6, 30))
    champion = db.scalar("SELECT id FROM staff WHERE display_name = ?", (summary["champion"],))
    db.close()
    config = tmp_path / "config"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(config),
        "CHAMPION_DESK_EXIT_WHEN_SHOWN": "1",
    }
    # Who is logging, remembered as the app remembers it, so no dialog waits for an answer.
    old = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(config)
    try:
        settings = Settings()
        settings.set_user_for(db_path, champion)
        settings.sync()
    finally:
        if old is None:
            os.environ.pop("XDG_CONFIG_HOME")
        else:
            os.environ["XDG_CONFIG_HOME"] = old
    # The dashboard imports pyqtgraph and the briefing pdfium only when shown: a module left out
    # of the bundle fails there, as a crash report in the log rather than a failed exit.
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    for page in ("home", "dashboard", "briefing"):
        result = subprocess.run(
            [str(bundle / "champion-desk"), "--db", str(db_path), "--page", page],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        assert Settings(config / "ChampionDesk" / "champion-desk.ini").last_page == page  # the window ran its page
        logs = list((tmp_path / "state").rglob("*.log"))
        assert not any("crash" in log.read_text() for log in logs), [log.read_text()[-2000:] for log in logs]


def _distributions_by_top_level_name() -> dict[str, set[str]]:
    """{first part of an installed file's path: the distributions that install files under it}."""
    owners: dict[str, set[str]] = {}
    for dist in importlib.metadata.distributions():
        for file in dist.files or ():
            top = file.parts[0]
            top = top[: -len(".py")] if top.endswith(".py") else top
            owners.setdefault(top, set()).add(canonicalize_name(dist.metadata["Name"]))
    return owners


def _what_the_bundle_holds(bundle: Path) -> dict[str, str]:
    """Read from the built folder itself, not from the spec's analysis (which writes the SBOM): the
    files under _internal and the modules in the executable's archive, each traced to the installed
    distribution that owns that name, plus the dist-info folders PyInstaller copied."""
    from PyInstaller.archive.readers import CArchiveReader

    internal = bundle / "_internal"
    names = {p.name for p in internal.iterdir()}
    package = CArchiveReader(str(bundle / "champion-desk"))
    archive = package.open_embedded_archive(next(n for n in package.toc if n.endswith(".pyz")))
    names |= {module.split(".")[0] for module in archive.toc}
    owners = _distributions_by_top_level_name()
    held = {dist for name in names for dist in owners.get(name, ())} - {"champion-desk"}
    found = {dist: importlib.metadata.version(dist) for dist in held}
    for info in internal.glob("*.dist-info"):
        name, version = info.name[: -len(".dist-info")].rsplit("-", 1)
        found[canonicalize_name(name)] = version
    return found


def test_the_sbom_beside_the_bundle_lists_every_distribution_it_holds(bundle):
    sbom = json.loads((bundle.parent / "champion-desk.cdx.json").read_text(encoding="utf-8"))
    assert sbom["bomFormat"] == "CycloneDX" and sbom["metadata"]["component"]["name"] == "champion-desk"
    listed = {canonicalize_name(c["name"]): c for c in sbom["components"]}
    held = _what_the_bundle_holds(bundle)
    # The app's own stack must be among them, or the tracing above found nothing to compare.
    assert {"pyside6-essentials", "shiboken6", "numpy", "pyqtgraph", "reportlab", "pypdfium2"} <= held.keys()
    missing = sorted(f"{name}=={version}" for name, version in held.items() if name not in listed)
    assert not missing, f"the bundle holds {missing}, which its SBOM does not list"
    wrong = sorted(f"{n}: {listed[n]['version']} != {v}" for n, v in held.items() if listed[n]["version"] != v)
    assert not wrong, f"the SBOM's versions are not the bundle's: {wrong}"
    # What the build environment has only for testing is not in the bundle, so not in its SBOM either.
    assert not {"pytest", "hypothesis", "ruff", "import-linter", "cyclonedx-bom"} & listed.keys()
    for name, component in listed.items():
        assert component["purl"] == f"pkg:pypi/{name}@{component['version']}"
        hashes = [h for ref in component.get("externalReferences", []) for h in ref.get("hashes", [])]
        assert hashes and all(h["alg"] == "SHA-256" for h in hashes), f"{name} has no hash in the SBOM"
