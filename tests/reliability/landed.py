"""Which of the other engineers' features are in this checkout.

Some reliability tests drive features that land during the same session (merge, restore, the
briefing, export, erase-person). A test of a feature that is not in the checkout is skipped
with a reason naming it (visible in the summary, never silent); once it lands, it runs.
"""

from __future__ import annotations

import importlib


def landed(module: str, attribute: str | None = None) -> bool:
    """Return True when ``module`` (and ``attribute`` in it) can be imported."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return False
    return attribute is None or hasattr(found, attribute)


MERGE = landed("champion_desk.exchange.merge", "merge_database")
RESTORE = landed("champion_desk.store.backups", "restore_database")
EXPORT = landed("champion_desk.exchange.export", "export_database")
ERASE = landed("champion_desk.exchange.person", "erase_person_by_ref")
BRIEFING = landed("champion_desk.report.briefing", "make_briefing")
POSTER = landed("champion_desk.report.poster", "make_poster")
IMPORT = landed("champion_desk.exchange.roster", "import_roster")


def reason(feature: str) -> str:
    return f"{feature} has not landed in this checkout yet (the test runs once it does)"
