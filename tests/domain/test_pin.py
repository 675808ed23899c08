"""The app PIN: hashed with scrypt and a salt, never in clear; wrong tries slow down; auto-lock policy."""

from __future__ import annotations

import pytest

from champion_desk.domain import pin
from champion_desk.errors import ValidationError

FAST = dict(n=2**10, r=8, p=1)  # a cheap cost for tests; the default cost is checked once below


def test_hash_holds_no_trace_of_the_pin_and_is_salted():
    a = pin.hash_pin("482913", **FAST)
    b = pin.hash_pin("482913", **FAST)
    assert a != b  # a new salt each time
    assert "482913" not in a
    assert a.startswith("scrypt$1024$8$1$")
    assert pin.verify_pin("482913", a) and pin.verify_pin("482913", b)
    assert not pin.verify_pin("482914", a)


def test_default_cost_hash_verifies():
    stored = pin.hash_pin("2468")
    assert stored.startswith(f"scrypt${pin.SCRYPT_N}$")
    assert pin.verify_pin("2468", stored)


@pytest.mark.parametrize("bad", ["", "123", "12a4", "1234567890123", "１２３４", None])
def test_pin_format_is_checked(bad):
    with pytest.raises(ValidationError) as caught:
        pin.check_pin_format(bad)
    assert caught.value.field == "pin"


@pytest.mark.parametrize("stored", ["", "plain", "md5$1$2$3$4$5", "scrypt$x$8$1$aa$bb", "scrypt$1073741824$8$1$aa$bb", None])
def test_malformed_or_tampered_hashes_never_verify(stored):
    assert pin.verify_pin("1234", stored) is False


def test_five_free_tries_then_an_increasing_delay():
    delays = [pin.delay_after(n) for n in range(1, 12)]
    assert delays[:4] == [0, 0, 0, 0]
    assert delays[4:8] == [30, 60, 120, 240]
    assert delays[-1] == pin.MAX_DELAY_SECONDS
    assert delays == sorted(delays)


def test_attempts_wait_after_five_wrong_tries_and_reset_on_success():
    now = [1000.0]
    attempts = pin.PinAttempts(clock=lambda: now[0])
    stored = pin.hash_pin("1357", **FAST)
    for _ in range(4):
        assert not attempts.attempt("0000", stored)
        assert attempts.wait_seconds() == 0
    assert not attempts.attempt("0000", stored)
    assert attempts.wait_seconds() == 30
    assert not attempts.attempt("1357", stored)  # even the right PIN is refused during the wait
    assert attempts.failures == 5
    now[0] += 30
    assert not attempts.attempt("0000", stored)
    assert attempts.wait_seconds() == 60
    now[0] += 60
    assert attempts.attempt("1357", stored)
    assert attempts.failures == 0 and attempts.wait_seconds() == 0


def test_auto_lock_policy():
    assert pin.check_auto_lock_minutes(pin.DEFAULT_AUTO_LOCK_MINUTES) == 10
    for bad in (-1, 3, 10.0, True, "10"):
        with pytest.raises(ValidationError):
            pin.check_auto_lock_minutes(bad)
    assert pin.should_lock(600, 10, pin_set=True)
    assert not pin.should_lock(599, 10, pin_set=True)
    assert not pin.should_lock(10_000, 0, pin_set=True)
    assert not pin.should_lock(10_000, 10, pin_set=False)
