"""Copies that leave the PC, sealed with a passphrase: backups elsewhere, full and personal exports, ward snapshots.

A USB stick or a shared folder is read by whoever finds it; the PC's login and disk encryption
stop at the PC. What leaves it with names or concern text is sealed with age's passphrase mode
(scrypt, then ChaCha20-Poly1305, through pyrage's bindings to the Rust ``age`` crate): a
published format with a second, independent reader (``age -d`` or ``rage -d``), so a trust can
open a file without this app, and any change to a sealed file is found, not read as data. The
live logbook stays plain SQLite on the PC's own encrypted disk (docs/security.md says why).

A sealed file starts with age's header line (``age-encryption.org/v1``), which is how it is
recognised. It is written through a temporary name beside its target and moved into place when
complete (``outfiles.replacing``); it is opened into a private scratch copy in the logbook's
backups folder (``backups.scratch_folder``), which goes when the work ends and which a killed
run's leftovers check removes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from champion_desk.errors import StoreError, ValidationError
from champion_desk.outfiles import replacing
from champion_desk.store.backups import copy_verified, default_backup_dir, scratch_folder

MAGIC = b"age-encryption.org/v1"
# An age file is the suffix people and the age tools know.
SUFFIX = ".age"
# Long enough that three random words pass, as the NCSC advises; age's scrypt slows each guess.
MIN_PASSPHRASE = 12
MAX_PASSPHRASE = 1024


class PassphraseError(StoreError):
    """A sealed file was opened with a wrong passphrase, or with none."""


def is_sealed(path: Path | str) -> bool:
    """Return True when the file at ``path`` is an age file (it starts with age's header line)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def is_sealed_bytes(data: bytes) -> bool:
    """Return True when ``data`` is an age file's content."""
    return data[: len(MAGIC)] == MAGIC


def check_passphrase(passphrase: str | None, field: str = "passphrase") -> str:
    """Return a passphrase fit to seal with; raise ValidationError naming ``field`` and the rule."""
    if not passphrase:
        raise ValidationError(field, "is required", "Passphrase: type one to encrypt the copy.")
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            field,
            f"at least {MIN_PASSPHRASE} characters",
            f"Passphrase: at least {MIN_PASSPHRASE} characters (three random words are easy to remember).",
        )
    if len(passphrase) > MAX_PASSPHRASE:
        raise ValidationError(field, f"at most {MAX_PASSPHRASE} characters", "Passphrase: too long.")
    return passphrase


def seal_bytes(data: bytes, passphrase: str) -> bytes:
    """Return ``data`` sealed with ``passphrase`` (checked first: see :func:`check_passphrase`)."""
    from pyrage import passphrase as age

    return age.encrypt(data, check_passphrase(passphrase))


def unseal_bytes(data: bytes, passphrase: str | None, name: str) -> bytes:
    """Return what sealed ``data`` holds; raise PassphraseError in one line naming the file ``name``."""
    from pyrage import DecryptError
    from pyrage import passphrase as age

    if not passphrase:
        raise PassphraseError(f"{name} is encrypted: its passphrase is needed to open it.")
    try:
        return age.decrypt(data, passphrase)
    except DecryptError as exc:
        # age cannot tell a wrong passphrase from a changed file: both fail the same authentication.
        raise PassphraseError(f"{name} could not be opened: wrong passphrase, or the file was changed.") from exc


def write_sealed(target: Path | str, data: bytes, passphrase: str) -> Path:
    """Seal ``data`` and write it to ``target`` whole or not at all; return ``target``."""
    sealed = seal_bytes(data, passphrase)
    target = Path(target)
    with replacing(target) as tmp:
        tmp.write_bytes(sealed)
    return target


def seal_file(source: Path | str, target: Path | str, passphrase: str) -> Path:
    """Seal the file at ``source`` into ``target`` (through a temporary name); return ``target``."""
    return write_sealed(target, Path(source).read_bytes(), passphrase)


@contextmanager
def opened(path: Path | str, passphrase: str | None, scratch_in: Path | None = None) -> Iterator[Path]:
    """Yield a plain file to read for ``path``: itself when it is not sealed, else a private opened copy.

    The copy keeps the file's name less ``.age`` (so messages about it read as about the file)
    in a scratch folder inside ``scratch_in`` (the logbook's backups folder; the system's temp
    folder when None), and goes when the block ends. Raises PassphraseError for a wrong or
    missing passphrase, in one line.
    """
    path = Path(path)
    if not is_sealed(path):
        yield path
        return
    data = unseal_bytes(path.read_bytes(), passphrase, path.name)
    with scratch_folder(scratch_in) as folder:
        name = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) and len(path.name) > len(SUFFIX) else path.name
        plain = folder / name
        fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        del data
        yield plain


def backup_sealed(db, target: Path | str, passphrase: str) -> Path:
    """Write a verified backup of an open logbook, sealed, to ``target``; return ``target``.

    The backup is made and checked as every backup is (``copy_verified``) in a scratch folder
    beside the logbook's backups, then sealed into place: the plain copy never leaves the PC's disk.
    """
    check_passphrase(passphrase)
    scratch = default_backup_dir(db.path) if db.path is not None else None
    with scratch_folder(scratch) as folder:
        plain = copy_verified(db.conn, folder / "backup.db")
        return seal_file(plain, target, passphrase)


def leaves_the_pc(target: Path | str, logbook: Path | str) -> bool:
    """Return True when a copy written to ``target`` leaves the logbook's folder and the app's data folder.

    Those two are on the PC's own (encrypted) disk, where the logbook itself is plain; anything
    else (a USB stick, a shared drive, the desktop someone emails from) may travel, so it is sealed.
    """
    from champion_desk.paths import data_dir

    return not inside(target, Path(logbook).parent) and not inside(target, data_dir())


def inside(path: Path | str, folder: Path | str) -> bool:
    """Return True when ``path`` is ``folder`` or lies inside it (both resolved)."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True
