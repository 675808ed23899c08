"""Unit and tool names in a scope: any case matches; an unknown name lists the known ones."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain import metrics
from champion_desk.domain.scope import Scope
from champion_desk.errors import ValidationError

DAYS = (dt.date(2026, 1, 1), dt.date(2026, 11, 26))


def test_names_match_whatever_their_case(db, ward):
    f = metrics.resolve(db, Scope(*DAYS, units=("ward 7",), tools=("SCRIBE",)))
    assert (f.unit_ids, f.tool_ids) == ((ward["unit"],), (ward["tool"],))


def test_an_unknown_name_lists_the_known_ones(db, ward):
    with pytest.raises(ValidationError) as err:
        metrics.resolve(db, Scope(*DAYS, units=("Ward 9",)))
    assert (err.value.field, err.value.rule) == ("unit", "must name an existing unit")
    assert err.value.message == "unit: no unit named 'Ward 9' (there are: Ward 7)"
