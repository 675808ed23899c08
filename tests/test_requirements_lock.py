"""requirements.lock is in step with pyproject.toml: a dependency added without `make lock` fails here.

`make run`, `make test` and `make bundle` install only what the lock pins (pip's hash-checking mode),
so a dependency named in pyproject.toml but missing from the lock would break a fresh clone.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
# The extras the lock covers (`make lock`): the runtime list always, these on top.
LOCKED_EXTRAS = ("test", "bundle")


def declared(pyproject: dict) -> list[Requirement]:
    """What pyproject.toml asks for: runtime, the locked extras, and the build backend."""
    names = list(pyproject["project"]["dependencies"])
    for extra in LOCKED_EXTRAS:
        names += pyproject["project"]["optional-dependencies"][extra]
    names += pyproject["build-system"]["requires"]
    return [Requirement(name) for name in names]


def pins(lock: str) -> dict[str, list[tuple[Version, int]]]:
    """{name: [(version, number of sha256 hashes)]}; a universal lock may pin one name per Python range."""
    found: dict[str, list[tuple[Version, int]]] = {}
    for block in re.split(r"\n(?=\S)", lock):
        pin = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", block)
        if pin:
            hashes = len(re.findall(r"--hash=sha256:[0-9a-f]{64}\b", block))
            found.setdefault(canonicalize_name(pin.group(1)), []).append((Version(pin.group(2)), hashes))
    return found


def out_of_step(pyproject: dict, lock: str) -> list[str]:
    pinned = pins(lock)
    problems = [f"{name}=={v} has no sha256 hash" for name, vs in pinned.items() for v, n in vs if n == 0]
    for req in declared(pyproject):
        versions = pinned.get(canonicalize_name(req.name))
        if not versions:
            problems.append(f"{req} is not pinned")
            continue
        problems += [f"{req.name}=={v} is outside {req}" for v, _ in versions if not req.specifier.contains(v, True)]
    return problems


def test_every_dependency_in_pyproject_is_pinned_with_hashes_within_its_range():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    problems = out_of_step(pyproject, (ROOT / "requirements.lock").read_text(encoding="utf-8"))
    assert not problems, f"requirements.lock is out of step with pyproject.toml (run `make lock`): {problems}"


def test_the_check_catches_an_unlocked_dependency_a_pin_out_of_range_and_a_pin_without_hash():
    pyproject = {
        "build-system": {"requires": ["setuptools>=68"]},
        "project": {
            "dependencies": ["numpy>=2,<3", "pyrage>=1.2"],
            "optional-dependencies": {"test": ["pytest>=9"], "bundle": []},
        },
    }
    lock = (
        "setuptools==80.1 \\\n    --hash=sha256:" + "a" * 64 + "\n"
        "numpy==2.4.6 ; python_full_version < '3.12' \\\n    --hash=sha256:" + "b" * 64 + "\n"
        "numpy==3.0.0 ; python_full_version >= '3.12' \\\n    --hash=sha256:" + "c" * 64 + "\n"
        "pytest==9.2.0\n    # via champion-desk\n"
    )
    assert out_of_step(pyproject, lock) == [
        "pytest==9.2.0 has no sha256 hash",
        "numpy==3.0.0 is outside numpy<3,>=2",
        "pyrage>=1.2 is not pinned",
    ]


def test_the_lock_pins_every_platform_the_bundle_is_built_on():
    # A lock resolved for Linux alone would leave out PyInstaller's Windows dependencies, and the
    # ward PCs' bundle is built on Windows: `make lock` resolves for every platform (--universal).
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(r"^pywin32-ctypes==\S+ ; sys_platform == 'win32'", lock, re.M)
    assert re.search(r"^pefile==\S+ ; sys_platform == 'win32'", lock, re.M)
    # Every file of a pinned version is hashed: PySide6 ships one wheel per platform, Windows among them.
    pyside = next(n for name, vs in pins(lock).items() if name == "pyside6-essentials" for _, n in vs)
    assert pyside >= 3, "requirements.lock hashes only some of PySide6's wheels"
