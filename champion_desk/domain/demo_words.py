"""The words of the demo story: tools, units, names and the phrases free text is built from.

They live as data in ``resources/demo/*.json`` (shipped with the bundle like the fonts and icons),
so the generator in ``domain/demo.py`` holds only how the story unfolds, and a phrase can be
reworded without reading code. Free text never holds long digit runs, dates or codes, so nothing
can be mistaken for a patient identifier. The conventions inside the files:

- a phrase starting ``[a|b] `` fits only tools with one of those traits (see ``phrases``);
- ``{tool}`` / ``{Tool}`` stand for a tool's short name, ``{unit}`` for a unit's name;
- in a name list, ``_`` stands for a space inside a name, ``:f`` / ``:m`` mark a gendered given
  name, and ``masculine|feminine`` a family name with two forms.

Every list is read as a tuple: the generator draws from them with ``random`` and adds to them,
and the same seed must give the same data whatever the JSON reader returns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from champion_desk.domain.vocab import Theme
from champion_desk.paths import resource_path

FILES = ("tools.json", "places.json", "people.json", "concerns.json", "training.json", "ideas.json")


def _frozen(value: Any) -> Any:
    """Return ``value`` with every list made a tuple, at any depth."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _load(name: str) -> Any:
    return _frozen(json.loads(resource_path("demo", name).read_text(encoding="utf-8")))


def _by_theme(table: dict[str, Any]) -> dict[str, Any]:
    # Keyed by the vocabulary's members, so a theme misspelt in a file fails here, not in the data.
    return {Theme(key): value for key, value in table.items()}


@dataclass(frozen=True)
class ToolInfo:
    """One AI tool of the catalogue, with the phrases its story uses."""

    key: str
    name: str
    vendor: str
    purpose: str
    short: str  # how staff call it in a sentence: "the scribe"
    traits: frozenset[str]  # which tagged phrases fit it: listening, drafting, alert, suggesting, patient, admin, rota
    refresher_months: int
    kinds: tuple[str, ...]  # unit kinds it is rolled out to
    themes: dict[str, float]  # concern theme weights
    topics: tuple[str, ...]
    goals: tuple[str, ...]
    accuracy_responses: tuple[str, ...]
    # title, summary, measure, (value early on, value once settled), unit suffix, source
    stories: tuple[tuple[str, str, str, tuple[int, int], str, str], ...]


def _tool(entry: dict[str, Any]) -> ToolInfo:
    return ToolInfo(
        entry["key"],
        entry["name"],
        entry["vendor"],
        entry["purpose"],
        entry["short"],
        frozenset(entry["traits"]),
        entry["refresher_months"],
        entry["kinds"],
        _by_theme(entry["themes"]),
        entry["topics"],
        entry["goals"],
        entry["accuracy_responses"],
        tuple(
            (s["title"], s["summary"], s["measure"], (s["early"], s["settled"]), s["unit"], s["source"])
            for s in entry["stories"]
        ),
    )


TOOLS: dict[str, ToolInfo] = {entry["key"]: _tool(entry) for entry in _load("tools.json")}

_places = _load("places.json")
# (name, specialty, kind). The first is the showcase unit; the rest are taken in order.
UNITS: tuple[tuple[str, str, str], ...] = tuple((u["name"], u["specialty"], u["kind"]) for u in _places["units"])
WARD_TREES: tuple[str, ...] = _places["ward_trees"]  # more wards are named after these
WARD_SPECIALTIES: tuple[str, ...] = _places["ward_specialties"]
SITES: tuple[str, ...] = _places["sites"]

_people = _load("people.json")
# (culture, weight, given names, family names): the weights roughly follow the make-up of NHS
# staff. Names are combined within a culture, sometimes across. The name lists are joined with
# spaces, as the name pool splits them.
NAMES: tuple[tuple[str, int, str, str], ...] = tuple(
    (c["culture"], c["weight"], " ".join(c["given"]), " ".join(c["family"])) for c in _people["cultures"]
)
# Vietnamese names are composed in their own order (family, middle, given), so they stand apart.
VIET_FAMILY: tuple[str, ...] = _people["vietnamese"]["family"]
VIET_GIVEN_F: tuple[str, ...] = _people["vietnamese"]["given_f"]
VIET_GIVEN_M: tuple[str, ...] = _people["vietnamese"]["given_m"]
# The showcase unit's people, so every scale shows the names a trainer can point at: (name, role, position).
SHOWCASE_PEOPLE: tuple[tuple[str, str, str], ...] = tuple(
    (p["name"], p["role"], p["position"]) for p in _people["showcase"]
)

_concerns = _load("concerns.json")
DESCRIPTIONS: dict[str, tuple[str, ...]] = _by_theme(_concerns["descriptions"])  # by theme
WHERE: tuple[str, ...] = _concerns["where"]
AFTERWORD: tuple[str, ...] = _concerns["afterword"]
ROOT_CAUSES: dict[str, tuple[str, ...]] = _by_theme(_concerns["root_causes"])
RESPONSES: dict[str, tuple[str, ...]] = _by_theme(_concerns["responses"])
RESPONSE_AFTERWORD: tuple[str, ...] = _concerns["response_afterword"]
INTERIM_RESPONSES: tuple[str, ...] = _concerns["interim_responses"]

_training = _load("training.json")
TRAIN_THE_TRAINER: str = _training["train_the_trainer"]  # {tool}: the tool's full name
UPCOMING_TOPICS: tuple[str, ...] = _training["upcoming_topics"]  # {tool}: the tool's full name
REFRESHER_TOPIC: str = _training["refresher_topic"]  # {topic}: the topic, lower-cased first letter
NOTE_THEMES: tuple[str, ...] = _training["note_themes"]  # what a session note says the questions were about
SESSION_NOTES: tuple[str, ...] = _training["session_notes"]  # {theme}: one of NOTE_THEMES
SHARED_GOAL: str = _training["shared_goal"]  # a mentee's goal whatever the tool
# A check-in's note by how confident the mentee is: low, middle, high.
CHECKIN_NOTES: tuple[tuple[str, ...], ...] = tuple(_training["checkin_notes"][b] for b in ("low", "middle", "high"))
ENDED_NOTES: tuple[str, ...] = _training["ended_notes"]

_ideas = _load("ideas.json")
IDEAS: tuple[tuple[str, str], ...] = tuple((i["title"], i["text"]) for i in _ideas["ideas"])  # title, text
NOT_NOW_REASONS: tuple[str, ...] = _ideas["not_now_reasons"]

_PHRASE_CACHE: dict[tuple[int, str, str], tuple[str, ...]] = {}


def phrases(info: ToolInfo, table: dict[str, tuple[str, ...]], theme: str) -> tuple[str, ...]:
    """Return the phrases of a theme that fit a tool: untagged ones, and '[a|b] ...' ones sharing a trait."""
    key = (id(table), info.key, theme)
    found = _PHRASE_CACHE.get(key)
    if found is None:
        out = []
        for phrase in table[theme]:
            if phrase.startswith("["):
                tags, _, phrase = phrase[1:].partition("] ")
                if not info.traits.intersection(tags.split("|")):
                    continue
            out.append(phrase)
        found = _PHRASE_CACHE[key] = tuple(out)
    return found
