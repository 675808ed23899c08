"""Spot free text that looks like a patient identifier, so the user is warned before saving.

No patient data may ever be stored. These checks cannot prove text is clean; they catch the
common slips: an NHS number (10 digits with a valid modulus-11 check digit), a date of birth
(a date after "DOB"/"born"/"date of birth", or a full date too old to be about the roll-out),
and hospital-number (MRN) codes.
"""

from __future__ import annotations

import datetime as dt
import re

_NHS = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
_DOB_KEYWORD = re.compile(
    r"\b(d\.?o\.?b\.?|date of birth|born( on)?|birth ?date)\b[\s:]*"
    r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2} [a-z]{3,9} \d{4})",
    re.IGNORECASE,
)
_FULL_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_MRN_KEYWORD = re.compile(
    r"\b(mrn|hospital (no|number)|patient (id|no|number)|unit (no|number)|case (no|number))\b[\s:#.]*[A-Z0-9]{5,}",
    re.IGNORECASE,
)
_MRN_CODE = re.compile(r"\b[A-Z]{1,3}\d{6,10}\b")
# Dates older than this many years are unlikely to be about an AI tool's roll-out.
_OLD_DATE_YEARS = 5


def nhs_check_digit_valid(digits: str) -> bool:
    """Return True when a 10-digit string passes the NHS number modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _old_full_date(text: str, today: dt.date) -> bool:
    for m in _FULL_DATE.finditer(text):
        year = int(m.group(3) or m.group(4))
        if 1900 <= year <= today.year - _OLD_DATE_YEARS:
            return True
    return False


def find_identifiers(text: str | None, today: dt.date | None = None) -> list[str]:
    """Return descriptions of what in ``text`` looks like a patient identifier (empty when none)."""
    if not text:
        return []
    today = today or dt.date.today()
    found = []
    if any(nhs_check_digit_valid("".join(m.groups())) for m in _NHS.finditer(text)):
        found.append("an NHS number")
    if _DOB_KEYWORD.search(text) or _old_full_date(text, today):
        found.append("a date of birth")
    if _MRN_KEYWORD.search(text) or _MRN_CODE.search(text):
        found.append("a hospital number (MRN)")
    return found
