"""Patient-identifier detection in free text."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain.identifiers import find_identifiers, nhs_check_digit_valid

TODAY = dt.date(2026, 11, 26)


def test_nhs_check_digit_worked_by_hand():
    # 943 476 5919: weights 10..2 give 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299;
    # 299 % 11 = 2; 11 - 2 = 9 = the last digit, so valid.
    assert nhs_check_digit_valid("9434765919")
    assert not nhs_check_digit_valid("9434765918")
    assert not nhs_check_digit_valid("943476591")


@pytest.mark.parametrize(
    "text, what",
    [
        ("Patient 943 476 5919 asked about the scribe", "an NHS number"),
        ("nhs no 943-476-5919", "an NHS number"),
        ("DOB: 12/03/1954, worried about AI", "a date of birth"),
        ("born on 3 March 1961", "a date of birth"),
        ("lady from 04/07/1948 asked", "a date of birth"),
        ("MRN RTH1234567 flagged", "a hospital number (MRN)"),
        ("hospital number: K99882211", "a hospital number (MRN)"),
    ],
)
def test_identifiers_are_spotted(text, what):
    assert what in find_identifiers(text, TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "Ran a hands-on session on checking the scribe's draft on 12/11/2026",
        "Staff worried about job security; 12 attended the huddle",
        "Phone extension 4421, bleep 1234567890",  # ten digits failing the check digit
        "",
        None,
    ],
)
def test_ordinary_notes_pass(text):
    assert find_identifiers(text, TODAY) == []
