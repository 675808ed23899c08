"""The app PIN: hashed with scrypt and a salt, never in clear; wrong tries slow down; auto-lock policy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    "stored", ["", "plain", "md5$1$2$3$4$5", "scrypt$x$8$1$aa$bb", "scrypt$1073741824$8$1$aa$bb", None]
)
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


def test_a_resumed_record_owes_the_rest_of_the_wait():
    changes = []
    wall = [1_000_000.0]
    attempts = pin.PinAttempts(wall=lambda: wall[0], on_change=lambda a: changes.append((a.failures, a.last_failure)))
    stored = pin.hash_pin("1357", **FAST)
    for _ in range(5):
        attempts.attempt("0000", stored)
    assert changes[-1] == (5, 1_000_000.0) and len(changes) == 5
    # A restart ten seconds later: twenty seconds are still owed, and the right PIN is refused meanwhile.
    wall[0] += 10
    mono = [50.0]
    again = pin.PinAttempts.resume(*changes[-1], clock=lambda: mono[0], wall=lambda: wall[0])
    assert again.wait_seconds() == 20
    assert not again.attempt("1357", stored)
    mono[0] += 20
    assert again.attempt("1357", stored) and again.failures == 0


@pytest.mark.parametrize("last_failure", [2_000_000.0, float("nan"), float("inf"), float("-inf")])
def test_a_clock_set_back_or_an_unreadable_time_restarts_the_whole_wait(last_failure):
    again = pin.PinAttempts.resume(6, last_failure, clock=lambda: 0.0, wall=lambda: 1_000_000.0)
    assert again.wait_seconds() == pin.delay_after(6) == 60


@given(st.integers(-5, 10**12), st.floats(-1e12, 1e12, allow_nan=False))
def test_a_resumed_wait_is_never_longer_than_the_back_off_nor_shorter_than_what_is_left(failures, elapsed):
    now = 1_000_000.0
    again = pin.PinAttempts.resume(failures, now - elapsed, clock=lambda: 0.0, wall=lambda: now)
    full = pin.delay_after(max(0, min(failures, 10_000)))
    assert 0 <= again.wait_seconds() <= pin.MAX_DELAY_SECONDS
    # Wall times are floats: "now - (now - elapsed)" is elapsed to within a rounding.
    assert again.wait_seconds() == pytest.approx(full if elapsed <= 0 else max(0.0, full - elapsed), abs=1e-6)


def test_auto_lock_policy():
    assert pin.check_auto_lock_minutes(pin.DEFAULT_AUTO_LOCK_MINUTES) == 10
    for bad in (-1, 3, 10.0, True, "10"):
        with pytest.raises(ValidationError):
            pin.check_auto_lock_minutes(bad)
    assert pin.should_lock(600, 10, pin_set=True)
    assert not pin.should_lock(599, 10, pin_set=True)
    assert not pin.should_lock(10_000, 0, pin_set=True)
    assert not pin.should_lock(10_000, 10, pin_set=False)
