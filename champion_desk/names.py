"""Whether a text names a colleague: the one matcher behind erasure and the hiding of names in outputs.

A name is found in every form people and programs write it: composed or decomposed accents
(NFC/NFD), compatibility forms (NFKC: full-width letters, ligatures), any case, with or without
its accents ("Sean" for "Seán"), any run of spaces, line breaks, hyphens or apostrophes between
its words, "Surname, First" as rosters give it, first name next to surname without the middle
names, the surname with its particle ("Ó Súilleabháin", "van der Berg"), and the staff number.
Matching is by whole words, longest form first.

A single word of a name (3+ letters, not a particle) is a match on its own unless it is also an
everyday word ("Will", "Brown") or a word of a place name: "Ward" alone stays when there is a
"Cedar Ward", and place names (units, tools)
and the names to keep (champions) are never touched, even where a hidden name shares a word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator

# Letters, digits and the combining marks that decomposed accents are written with (NFD text).
_TOKEN = re.compile(r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"
# Characters that may stand between two words of one name: spacing of any kind, hyphens, apostrophes.
_JOINERS = frozenset(_HYPHENS + _APOSTROPHES + "\u200b\u200c\u200d\u2060\ufeff")
_SPLIT_HYPHENS = re.compile(f"[{re.escape(_HYPHENS)}]")
# Particles of surnames: never a match alone, and they start a surname run ("Ó Súilleabháin").
PARTICLES = frozenset(
    {
        "o",
        "ni",
        "nic",
        "mac",
        "mc",
        "ua",
        "ap",
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "ten",
        "st",
    }
)
MIN_WORD = 3
# Names that are also everyday words of a ward's notes ("we will", "a brown envelope", "ward
# round"): alone they are words, so only the whole name (or first name next to surname) matches.
WORDS_TOO = frozenset(
    """
    will may can mark bill pat sue rose grace hope joy faith june april august guy jack rob frank dean
    drew gene art ray bob don pearl ruby summer dawn amber holly ivy iris lily sky rich penny chase
    hunter carter baker cook ward hall king young green brown white black wood hill lane long moore
    little bell price bond mason page rush wise sharp day best love fox lamb swan nice gray grey read
    reading field fields bank banks rice lee wing christian sterling stone street park parks
    march bay west east north south short tall small major miles rivers brook lord knight bishop
    sage sunny star nurse doctor mann power fish bush cross land bird kind close hart port gold
    """.split()
)

_HIDE, _KEEP = 1, 0


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Return a word as it is compared: NFKC, case-folded, without accents ("SEÁN" -> "sean")."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", word).casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> tuple[str, ...]:
    """Return the folded words of a text, in order."""
    return tuple(fold(m.group()) for m in _TOKEN.finditer(text or ""))


def _is_gap(gap: str, comma_ok: bool) -> bool:
    return all(c.isspace() or c in _JOINERS or (comma_ok and c == ",") for c in gap)


@functools.lru_cache(maxsize=16384)
def name_forms(name: str) -> frozenset[tuple[tuple[str, ...], bool]]:
    """Return the word sequences a name is written as, each with whether a comma may separate its words.

    "Adams, Zoë" gives ("adams", "zoe") with commas allowed and ("zoe", "adams"); "Anna Maria van
    der Berg" gives the whole name, ("anna", "berg"), ("van", "der", "berg"), ("anna", "van", "der",
    "berg"); "O'Brien-Kelly" gives ("o", "brien", "kelly"), ("o", "brien") and ("obrien",).
    """
    name = unicodedata.normalize("NFKC", name or "").strip()
    last, comma, first = name.partition(",")
    ordered = f"{first} {last}" if comma and words(first) and words(last) else name
    parts = ordered.split()
    part_words = [words(part) for part in parts]
    spaced = [w for w in part_words if w]
    if not spaced:
        return frozenset()
    forms: set[tuple[tuple[str, ...], bool]] = {(tuple(t for w in spaced for t in w), False)}
    if ordered is not name:
        forms.add((words(name), True))  # as the roster wrote it: "Adams, Zoë"
    if len(spaced) >= 3:
        forms.add((spaced[0] + spaced[-1], False))  # first name next to surname, middle names left out
    for i in range(1, len(spaced) - 1):
        if all(t in PARTICLES for t in spaced[i]):
            run = tuple(t for w in spaced[i:] for t in w)
            forms.update({(run, False), (spaced[0] + run, False)})  # "van der Berg", "Anna van der Berg"
            break
    for part, found in zip(parts, part_words):
        if len(found) < 2:
            continue  # a plain word: no hyphen or apostrophe inside
        for piece in [part, *_SPLIT_HYPHENS.split(part)]:
            piece_words = words(piece)
            if len(piece_words) > 1:
                forms.add((piece_words, False))
                forms.add((("".join(piece_words),), False))  # "OBrien" as some notes write "O'Brien"
    return frozenset(forms)


def single_words(name: str) -> set[str]:
    """Return the words of a name that are a match on their own: 3+ letters, not a particle, not an everyday word."""
    return {
        w
        for w in words(unicodedata.normalize("NFKC", name or ""))
        if len(w) >= MIN_WORD and w not in PARTICLES and w not in WORDS_TOO
    }


def _holds_any(sequence: tuple[str, ...], keys: set[tuple[str, ...]], longest: int) -> bool:
    return any(
        sequence[i:j] in keys for i in range(len(sequence)) for j in range(i + 2, min(len(sequence), i + longest) + 1)
    )


class NameMatcher:
    """Find the names of some people (and their staff numbers) in free text, and replace them.

    ``hide``: names to find; ``refs``: staff numbers to find; ``keep``: names never touched (a
    champion's, which may share a first name with a hidden colleague); ``places``: unit and tool
    names, never touched, whose words are not matched alone; ``not_alone``: more words never
    matched alone (e.g. a word of another colleague's name, when one colleague is erased).
    ``alone=False`` matches whole names and staff numbers only.
    """

    def __init__(
        self,
        hide: Iterable[str] = (),
        refs: Iterable[str | None] = (),
        keep: Iterable[str] = (),
        places: Iterable[str] = (),
        not_alone: Iterable[str] = (),
        alone: bool = True,
    ) -> None:
        hide, refs = [h for h in hide if h], [r for r in refs if r and words(r)]
        self._names, self._refs = hide, refs
        forms_of = {name: name_forms(name) for name in hide}
        whole = {key for found in forms_of.values() for key, _ in found if len(key) > 1} | {words(r) for r in refs}
        longest = max((len(key) for key in whole), default=0)
        # A place named after a colleague ("Mo Ali's old ward") names them: it is no place to spare.
        places = [p for p in places if p and not _holds_any(words(p), whole, longest)]
        barred = {w for p in places for w in words(p)} | {fold(w) for w in not_alone if w}
        forms: dict[tuple[str, ...], tuple[int, bool]] = {}
        if alone:
            for name in hide:
                forms.update(((w,), (_HIDE, False)) for w in single_words(name) if w not in barred)
        for found in forms_of.values():
            for key, comma_ok in found:
                if len(key) > 1 or key[0] not in barred:
                    forms[key] = (_HIDE, comma_ok or forms.get(key, (0, False))[1])
        for ref in refs:
            forms[words(ref)] = (_HIDE, False)
        # Later entries win a tie: a champion's own full name, then place names, stay as written.
        for name in keep:
            forms.update((key, (_KEEP, comma_ok)) for key, comma_ok in name_forms(name) if len(key) > 1)
        for place in places:
            forms[words(place)] = (_KEEP, False)
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, bool]]] = {}
        for key, (action, comma_ok) in sorted(forms.items(), key=lambda kv: -len(kv[0])):
            self._by_first.setdefault(key[0], []).append((key, action, comma_ok))
        self.hides = any(action == _HIDE for action, _ in forms.values())

    def __bool__(self) -> bool:
        return self.hides

    def whole_names(self) -> NameMatcher:
        """Return a matcher of the same people's whole names and staff numbers only (for place names)."""
        return NameMatcher(self._names, refs=self._refs, alone=False)

    def spans(self, text: str | None) -> Iterator[tuple[int, int]]:
        """Yield the (start, end) of every hidden name in ``text``, in order, never overlapping."""
        if not text or not self.hides:
            return
        found = [(m.start(), m.end(), fold(m.group())) for m in _TOKEN.finditer(text)]
        i = 0
        while i < len(found):
            for key, action, comma_ok in self._by_first.get(found[i][2], ()):
                end = i + len(key)
                if (
                    end <= len(found)
                    and all(found[i + j][2] == key[j] for j in range(1, len(key)))
                    and all(_is_gap(text[found[j][1] : found[j + 1][0]], comma_ok) for j in range(i, end - 1))
                ):
                    if action == _HIDE:
                        yield found[i][0], found[end - 1][1]
                    i = end
                    break
            else:
                i += 1

    def search(self, text: str | None) -> bool:
        """Return True when ``text`` names one of the hidden people."""
        return next(self.spans(text), None) is not None

    def fullmatch(self, text: str | None) -> bool:
        """Return True when ``text`` is, apart from surrounding spaces, one hidden name and nothing else."""
        stripped = (text or "").strip()
        return [(0, len(stripped))] == list(self.spans(stripped))

    def replace(self, text: str | None, replacement: str) -> str | None:
        """Return ``text`` with every hidden name replaced by ``replacement`` (None stays None)."""
        if not text:
            return text
        out, last = [], 0
        for start, end in self.spans(text):
            out += [text[last:start], replacement]
            last = end
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)
