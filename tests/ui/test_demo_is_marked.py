"""Demo data never lands in the real logbook's file, and the window says when it is showing demo data."""

from __future__ import annotations

from champion_desk.domain.demo import generate_demo
from champion_desk.domain.listings import is_demo
from champion_desk.store.database import open_database
from champion_desk.ui import first_run


def test_first_run_demo_goes_to_a_file_of_its_own(tmp_path, qtbot, monkeypatch):
    target = tmp_path / "champion-desk.db"
    monkeypatch.setattr(first_run, "DEMO_SCALE", "ward")
    result = first_run.setup_database(first_run.DEMO, target)
    assert result.db.path == tmp_path / "champion-desk-demo.db"
    assert not target.exists()
    assert is_demo(result.db)
    result.db.close()


def test_is_demo_tells_demo_data_from_real_records(tmp_path, ward, db):
    assert not is_demo(db)  # a hand-built ward is real records
    demo = open_database(tmp_path / "demo.db")
    generate_demo(demo, "ward")
    assert is_demo(demo)
    demo.close()
