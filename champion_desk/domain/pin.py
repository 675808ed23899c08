"""The optional app PIN and idle auto-lock: hashing, checking, and the wrong-try back-off policy.

Pure Python, no Qt, no storage: the UI keeps the string :func:`hash_pin` returns
(``security/pin_hash`` in the per-user settings file), the auto-lock minutes
(``security/auto_lock_minutes``) and the wrong-try record :meth:`PinAttempts.resume` reads back
(``security/pin_failures``, ``security/pin_last_failure``), so a restart does not clear a wait. The PIN itself is never stored or logged. It is hashed with
``hashlib.scrypt`` and a random salt per PIN, so two wards with the same PIN have different
hashes and a copied settings file does not give the PIN away without a costly search.

The PIN keeps a passer-by out of an unattended, unlocked app on a shared ward PC. It does not
encrypt the database file; the file's protection is the PC's own login and folder permissions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from champion_desk.errors import ValidationError

PIN_MIN_LENGTH = 4
PIN_MAX_LENGTH = 12
# scrypt cost: 2**14 x 8 x 1 takes ~16 MB and ~50 ms here, fine for one check at a lock screen.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
SCHEME = "scrypt"

FREE_TRIES = 5
FIRST_DELAY_SECONDS = 30.0
MAX_DELAY_SECONDS = 15 * 60.0

AUTO_LOCK_CHOICES_MINUTES = (0, 2, 5, 10, 15, 30, 60)  # 0 = never
DEFAULT_AUTO_LOCK_MINUTES = 10


def check_pin_format(pin: str) -> None:
    """Raise ValidationError('pin', …) unless the PIN is 4 to 12 digits."""
    if not isinstance(pin, str) or not pin.isdigit() or not pin.isascii():
        raise ValidationError("pin", "digits only", "The PIN must be made of digits only.")
    if not PIN_MIN_LENGTH <= len(pin) <= PIN_MAX_LENGTH:
        raise ValidationError(
            "pin",
            f"{PIN_MIN_LENGTH} to {PIN_MAX_LENGTH} digits",
            f"The PIN must be {PIN_MIN_LENGTH} to {PIN_MAX_LENGTH} digits long.",
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=128 * r * n * 2)


def hash_pin(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """Return a storable hash of a PIN: ``scrypt$n$r$p$salt$key`` (base64); raises ValidationError.

    The cost parameters travel with the hash, so raising them later keeps old hashes checkable.
    """
    check_pin_format(pin)
    salt = os.urandom(SALT_BYTES)
    key = _derive(pin, salt, n, r, p)
    return f"{SCHEME}${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_pin(pin: str, stored: str) -> bool:
    """Return True when ``pin`` matches a hash from :func:`hash_pin`; False for anything malformed."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        n_, r_, p_ = int(n), int(r), int(p)
        # Refuse absurd costs from a tampered settings file rather than hang the lock screen.
        if not (2 <= n_ <= 2**20 and 1 <= r_ <= 32 and 1 <= p_ <= 16):
            return False
        expected = _unb64(key)
        actual = _derive(pin if isinstance(pin, str) else "", _unb64(salt), n_, r_, p_)
    except (ValueError, TypeError, AttributeError):
        return False
    return hmac.compare_digest(actual, expected)


def delay_after(failures: int) -> float:
    """Return the wait in seconds before another try after ``failures`` wrong PINs in a row.

    The first five tries are free; then 30 s, doubling with each wrong try, at most 15 minutes:
    slow enough to stop guessing 10,000 four-digit PINs, short enough not to lock a ward out.
    """
    if failures < FREE_TRIES:
        return 0.0
    # The exponent is capped: a count read back from a settings file may be absurdly large.
    return min(FIRST_DELAY_SECONDS * 2 ** min(failures - FREE_TRIES, 16), MAX_DELAY_SECONDS)


@dataclass
class PinAttempts:
    """Counts wrong tries at the lock screen and says how long the next try must wait.

    ``clock`` is ``time.monotonic`` by default, so changing the PC's clock cannot skip a wait
    while the app runs. ``last_failure`` is the wall-clock time (``wall``) of the last wrong try:
    with ``failures`` it is what a restart needs (:meth:`resume`). ``on_change`` is called after
    every try that changes the count, for the caller to store it at once.
    """

    failures: int = 0
    blocked_until: float = 0.0
    last_failure: float = 0.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    wall: Callable[[], float] = field(default=time.time, repr=False)
    on_change: Callable[[PinAttempts], None] | None = field(default=None, repr=False)

    @classmethod
    def resume(
        cls,
        failures: int,
        last_failure: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        on_change: Callable[[PinAttempts], None] | None = None,
    ) -> PinAttempts:
        """Return the attempts a previous run left: ``failures`` wrong PINs, the last at wall time ``last_failure``.

        The wait still owed is the back-off less the time since the last failure. A last failure
        in the future (the clock was set back) or unreadable counts as now, so the whole wait
        starts again: setting the clock back never shortens it.
        """
        failures = max(0, min(int(failures), 10_000))
        now = wall()
        if not math.isfinite(last_failure) or last_failure > now:
            last_failure = now
        owed = delay_after(failures) - (now - last_failure) if failures else 0.0
        blocked_until = clock() + owed if owed > 0 else 0.0
        return cls(failures, blocked_until, last_failure if failures else 0.0, clock, wall, on_change)

    def wait_seconds(self) -> float:
        """Return how many seconds remain before another try is allowed (0 when allowed now)."""
        return max(0.0, self.blocked_until - self.clock())

    def attempt(self, pin: str, stored: str) -> bool:
        """Check a PIN unless a wait is in force; return True when it is right.

        A right PIN clears the count. A wrong one (or a try during a wait) counts as a failure
        only outside a wait, and sets the next wait by :func:`delay_after`.
        """
        if self.wait_seconds() > 0:
            return False
        if verify_pin(pin, stored):
            changed = self.failures != 0
            self.failures = 0
            self.blocked_until = 0.0
            self.last_failure = 0.0
            if changed and self.on_change is not None:
                self.on_change(self)
            return True
        self.failures += 1
        self.blocked_until = self.clock() + delay_after(self.failures)
        self.last_failure = self.wall()
        if self.on_change is not None:
            self.on_change(self)
        return False


def check_auto_lock_minutes(minutes: int) -> int:
    """Return the auto-lock minutes if allowed (0 = never); raise ValidationError otherwise."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes not in AUTO_LOCK_CHOICES_MINUTES:
        allowed = ", ".join(str(m) for m in AUTO_LOCK_CHOICES_MINUTES)
        raise ValidationError(
            "auto_lock_minutes", f"one of {allowed}", f"Auto-lock must be one of {allowed} minutes (0 = never)."
        )
    return minutes


def should_lock(idle_seconds: float, minutes: int, pin_set: bool) -> bool:
    """Return True when the app should lock: a PIN is set, auto-lock is on and the idle time is up."""
    return pin_set and minutes > 0 and idle_seconds >= minutes * 60
