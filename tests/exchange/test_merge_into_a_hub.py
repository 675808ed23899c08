"""Merging a small ward file into a hub many times its size: only the ward's ids are looked up, newer still wins."""

from __future__ import annotations

import shutil

from champion_desk.exchange import merge as merge_module
from champion_desk.exchange.merge import merge_database
from champion_desk.store import records
from champion_desk.store.database import open_database


def test_a_small_file_merged_into_a_big_one_keeps_the_newer_version_and_counts_right(tmp_path, monkeypatch):
    hub_path, ward_path = tmp_path / "hub.db", tmp_path / "ward.db"
    with open_database(hub_path) as hub:
        unit = records.insert(hub, "unit", {"name": "Ward 1"}, "t")
        tool = records.insert(hub, "tool", {"name": "Scribe"}, "t")
        ids = [
            records.insert(
                hub, "story", {"tool_id": tool, "unit_id": unit, "told_on": "2026-11-01", "title": f"s{i}"}, "t"
            )
            for i in range(40)
        ]
    shutil.copyfile(hub_path, ward_path)  # the ward holds the hub's records as they were
    with open_database(ward_path) as ward:
        for record_id in ids[10:]:
            records.delete(ward, "story", record_id, "t")  # leaves it a fraction of the hub's live size
        records.update(ward, "story", ids[0], {"summary": "older edit, made on the ward"}, "t")
        records.update(ward, "story", ids[1], {"summary": "newer edit, made on the ward"}, "t")
        records.insert(ward, "story", {"tool_id": tool, "unit_id": unit, "told_on": "2026-11-02", "title": "new"}, "t")
    with open_database(hub_path) as hub:
        # Bigger than the ward by far: the hub holds 400 more stories the ward never saw.
        for i in range(400):
            records.insert(
                hub, "story", {"tool_id": tool, "unit_id": unit, "told_on": "2026-11-03", "title": f"h{i}"}, "t"
            )
        records.update(hub, "story", ids[0], {"summary": "newest edit, made on the hub"}, "t")
        looked_up = []
        real = merge_module._shared_ids

        def spy(conn, table, theirs):
            shared, held = real(conn, table, theirs)
            looked_up.append((table, len(theirs) * 4 < held))
            return shared, held

        monkeypatch.setattr(merge_module, "_shared_ids", spy)
        report = merge_database(hub, ward_path, "t", backup=False)
        assert ("story", True) in looked_up, "the ward's story ids were looked up, not the hub's all read"
        assert records.get(hub, "story", ids[0])["summary"] == "newest edit, made on the hub"
        assert records.get(hub, "story", ids[1])["summary"] == "newer edit, made on the ward"
        assert report.counts["story"].added == 1 and report.counts["story"].deleted == 30
        assert report.counts["story"].updated == 1
