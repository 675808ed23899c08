"""`champion-desk next-steps` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from champion_desk.store import records
from tests.factories import make_ward


def test_next_steps_json_and_text(db, db_path):
    ward = make_ward(db)
    records.insert(
        db, "rollout", {"tool_id": ward["tool"], "unit_id": ward["unit"], "stage": "live", "since": "2026-01-05"}, "t"
    )
    db.close()
    args = [sys.executable, "-m", "champion_desk", "--db", str(db_path), "next-steps", "--to", "2026-11-26"]
    out = json.loads(subprocess.run(args + ["--json"], capture_output=True, text=True, check=True).stdout)
    rules = {s["rule"] for s in out["suggestions"]}
    # No training at all on a live unit, and no success story: both call for action.
    assert {"low_coverage", "story_gap"} <= rules
    assert out["scope"] == "27 Aug 2026 to 26 Nov 2026 · all units · all tools"
    text = subprocess.run(args + ["--limit", "1"], capture_output=True, text=True, check=True).stdout
    assert text.startswith("Next steps for 27 Aug 2026 to 26 Nov 2026") and "Why:" in text and "Do:" in text
    bad = subprocess.run(args + ["--unit", "Nowhere"], capture_output=True, text=True)
    assert (
        bad.returncode == 1
        and bad.stderr.strip() == "champion-desk: error: unit: no unit named 'Nowhere' (there are: Ward 7)"
    )
