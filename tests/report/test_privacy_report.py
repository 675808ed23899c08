"""The data-protection report: every DPIA question answered, counts of people only, no name in it."""

from __future__ import annotations

import datetime as dt
import re

from champion_desk.domain import retention
from champion_desk.domain.data_protection import protection_facts
from champion_desk.domain.dates import format_uk_date
from champion_desk.exchange.person import erase_person_by_ref, export_person
from champion_desk.report.privacy_report import build_privacy_report
from champion_desk.store.backups import backup_database
from tests.factories import TODAY
from tests.report.pdf_text import fonts, pdf_text
from tests.store.test_retention import LEAVER, OLD_TEXT, OLD_TRAINER, RECENT_LEAVER, kept_ward  # noqa: F401 (fixture)

NAMES = (
    "Zoë Adams",
    "Łukasz Nowak",
    "Nguyễn Thị Mai",
    "Siobhán Ó Briain",
    LEAVER,
    RECENT_LEAVER,
    OLD_TRAINER,
    "E100",
    "E101",
    "E102",
    "E103",
    "E104",
)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_report_answers_each_question_without_a_name(db, kept_ward, tmp_path):
    retention.set_rule(db, "tombstone_months", 18, "Łukasz Nowak")
    backup_database(db, reason="manual")
    export_person(db, kept_ward["b"], tmp_path / "siobhan.json", "Zoë Adams")  # answered, then erased
    erase_person_by_ref(db, "E101", "Zoë Adams")
    retention.apply(db, "Zoë Adams", TODAY)
    out = tmp_path / "dp.pdf"
    facts = protection_facts(db, db.path, TODAY)
    pages = build_privacy_report(facts, out)
    assert pages >= 2 and all(fonts(out).values())
    text = _flat(pdf_text(out))
    for name in NAMES + (OLD_TEXT,):
        assert name not in text, name
    for heading in (
        "The personal data this file holds",
        "Why it is held",
        "Who sees what",
        "Retention rules in force",
        "Erasures and subject-access requests",
        "Backups",
        "Protections",
    ):
        assert heading in text, heading
    # Counts of people, small ones hidden: the ward has a handful of colleagues.
    people = {h.table: h.people for h in facts.holdings}
    assert people["staff"] == "5" and people["attendance"] == people["incident"] == "fewer than 5"
    assert text.count("fewer than 5") >= 2 + len([p for p in people.values() if p == "fewer than 5"])
    assert "18 months" in text and "6 months (default)" in text
    assert "Last applied" in text and "1 leaver(s) erased" in text
    assert f"{format_uk_date(dt.date.today())} 1" in text  # the erasure on request: the day it ran, and how many
    # Dates as people write them on a ward, never ISO.
    assert f"as of {format_uk_date(facts.made_on)}" in text and not re.search(r"\d{4}-\d\d-\d\d", text)
    assert "Leavers erased by the retention rules: 1." in text
    assert facts.exports == [(dt.date.today().isoformat(), 1)]  # still counted after the erasure
    assert "subject-access exports written" in text
    assert "backups beside the logbook: 1 now" in text.replace("Backups are kept in", "").replace(
        str(db.path.parent / "backups"), "backups"
    )
    assert "synchronous=FULL" in text
