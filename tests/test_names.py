"""The name matcher: every form a name takes is found, places and kept names never are."""

from __future__ import annotations

import unicodedata

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from champion_desk.names import NameMatcher, fold, name_forms

X = "[x]"
# Letters with accents that have a composed and a decomposed form, and some that have not (ł, ø).
LETTERS = "abcdefghijklmnopqrstuvwxyzáéíóúàèìòùâêîôûäëïöüçñłøåšžčćăễịữơư"
word = st.text(alphabet=LETTERS, min_size=3, max_size=9).map(lambda w: w[0].upper() + w[1:])
particle = st.sampled_from(["", "Ó ", "Ní ", "van der ", "O'", "Mac ", "de la ", "Nic "])
surname = st.builds(lambda p, a, b: p + a + (f"-{b}" if b else ""), particle, word, st.one_of(st.none(), word))
full_name = st.builds(lambda first, last: f"{first} {last}", word, surname)


def spellings(name: str) -> list[str]:
    """Return ways a note may write a name: decomposed accents, other case, doubled spaces, a line break."""
    first, _, rest = name.partition(" ")
    return [
        name,
        unicodedata.normalize("NFD", name),
        name.upper(),
        unicodedata.normalize("NFD", name.upper()),
        name.lower(),
        name.replace(" ", "  "),
        f"{first}\n{rest}",
        f"{first}\u00a0{rest}",
        name.casefold(),
    ]


def test_the_forms_of_one_name_in_free_text():
    m = NameMatcher(["Seán Ó Súilleabháin"], refs=["E1955454"])
    text = "Seán Ó Súilleabháin's confidence is up; E1955454 signed off"
    assert m.replace(text, X) == "[x]'s confidence is up; [x] signed off"
    assert m.replace(unicodedata.normalize("NFD", "SEÁN  Ó\nSÚILLEABHÁIN met e1955454"), X) == "[x] met [x]"
    assert m.replace("Ó Súilleabháin came, and Sean O Suilleabhain", X) == "[x] came, and [x]"


def test_surname_first_rosters_and_middle_names():
    assert NameMatcher(["Adams, Zoë"]).replace("zoë adams; Adams,  Zoë", X) == "[x]; [x]"
    assert NameMatcher(["Anna Maria van der Berg"]).replace("Anna van der Berg met Anna Berg", X) == "[x] met [x]"
    assert (
        NameMatcher(["Seán O'Brien-Kelly"]).replace("O’Brien and OBrien and O'Brien-Kelly", X) == "[x] and [x] and [x]"
    )


def test_a_surname_that_is_a_place_word_stays_unless_the_name_is_whole():
    m = NameMatcher(["Stacey Ward"], places=["Cedar Ward"])
    assert (
        m.replace("Cedar Ward: Stacey Ward was on Ward rounds; stacey ward too", X)
        == "Cedar Ward: [x] was on Ward rounds; [x] too"
    )
    assert m.replace("Stacey helped", X) == "[x] helped"  # a first name alone names them on a ward


def test_a_place_named_after_a_colleague_is_no_place_to_spare():
    m = NameMatcher(["Mo Ali"], places=["Mo Ali's old ward"])
    assert m.replace("Mo Ali's old ward", X) == "[x]'s old ward"


def test_kept_names_win_over_a_shared_word_and_whole_words_only():
    m = NameMatcher(["Mai Tran"], keep=["Nguyễn Thị Mai"])
    assert m.replace("NGUYỄN THỊ MAI met mai tran", X) == "NGUYỄN THỊ MAI met [x]"
    assert NameMatcher(["Bo Quigley"]).replace("Quigleyville", X) == "Quigleyville"
    assert not NameMatcher(["Bo Quigley"], alone=False).search("Quigley alone")


def test_fullmatch_is_the_whole_text():
    m = NameMatcher(["Zoë Adams"])
    assert m.fullmatch(" zoe  ADAMS ") and not m.fullmatch("Zoë Adams and co")


@settings(max_examples=200, deadline=None)
@given(full_name, st.data())
def test_every_spelling_of_a_generated_name_is_found_and_replaced(name, data):
    m = NameMatcher([name], places=["Cedar Ward"])
    spelling = data.draw(st.sampled_from(spellings(name)))
    out = m.replace(f"Met {spelling} on Cedar Ward, twice.", X)
    assert out == f"Met {X} on Cedar Ward, twice.", (name, spelling, out)


@settings(max_examples=200, deadline=None)
@given(word, surname)
def test_places_holding_a_surname_are_never_altered(first, last):
    core = last.split()[-1].split("'")[-1].split("-")[0]
    assume(fold(first) not in {"cedar", "scribe"} and fold(core) not in {"cedar", "scribe"})
    places = [f"Cedar {core}", f"{core} Scribe"]
    m = NameMatcher([f"{first} {last}"], places=places)
    for place in places:
        assert m.replace(place, X) == place
        assert m.replace(f"On {place} today", X) == f"On {place} today"


def test_forms_of_a_name_with_a_particle():
    keys = {k for k, _ in name_forms("Seán Ó Súilleabháin")}
    assert ("sean", "o", "suilleabhain") in keys and ("o", "suilleabhain") in keys and ("sean", "suilleabhain") in keys


def test_a_name_that_is_an_everyday_word_matches_only_as_a_whole_name():
    m = NameMatcher(["Will Brown"])
    assert (
        m.replace("We will send the brown folder; Will Brown signed", X) == "We will send the brown folder; [x] signed"
    )
