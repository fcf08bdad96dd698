"""The OSH vocabulary shipped with the forum: concepts with their labels in every language.

The files in data/ are the source of truth (one per theme, and general.toml); they change
through review like code. load() reads them once per process; find_concepts() says which
concepts a text names, reading each label as its own language's search analysis reads it
(accents folded, Arabic normalised, common words dropped, stemmed), so "chutes de hauteur",
"working at heights" and "SCBA" each find their concept.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from forum.languages import LANGUAGES
from forum.search import arabic
from forum.search.whoosh_analysis import words_of

DATA = Path(__file__).parent / "data"
MAX_LABEL_WORDS = 8  # no label is longer: a query is read in spans of at most this many words
SHORT_ACRONYM = 2  # acronyms this short (CO, UV) are recognised only when typed in capitals
_ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9&-]{1,7}$")
# letters with the Arabic marks (harakat, tatweel) that \w alone would split a word at
_QUERY_WORD = re.compile(r"[\w&\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed-]+")


@dataclass(frozen=True)
class Labels:
    pref: str
    alt: tuple[str, ...]
    acronyms: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        """The labels a search adds for this concept in this language."""
        return (self.pref, *self.alt, *self.acronyms)


@dataclass(frozen=True)
class Concept:
    id: str
    themes: tuple[str, ...]
    broader: tuple[str, ...]
    labels: Mapping[str, Labels]
    source: str  # the data file it is written in

    def label(self, language: str) -> str:
        return self.labels.get(language, self.labels["en"]).pref


@dataclass(frozen=True)
class Found:
    """A concept named in a text, and the words of the text that name it."""

    concept: Concept
    typed: str


@dataclass
class Vocabulary:
    concepts: dict[str, Concept]
    sources: dict[str, tuple[str, ...]]  # file name -> the sources its labels were checked against
    narrower: dict[str, list[str]] = field(default_factory=dict)
    # (language, the label's analysed words) -> concept ids; acronyms by their capitals
    _phrases: dict[tuple[str, tuple[str, ...]], set[str]] = field(default_factory=dict)
    _acronyms: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for concept in self.concepts.values():
            for parent in concept.broader:
                self.narrower.setdefault(parent, []).append(concept.id)
            for language, labels in concept.labels.items():
                for label in (labels.pref, *labels.alt):
                    if key := label_key(label, language):
                        self._phrases.setdefault((language, key), set()).add(concept.id)
                for acronym in labels.acronyms:
                    self._acronyms.setdefault(acronym.upper(), set()).add(concept.id)

    def find_concepts(self, text: str) -> list[Found]:
        """The concepts a query or title names, longest phrases first, each once, in the
        order they are written. A word already read as part of a longer label is not read
        again (so "fall arrest system" is not also "system")."""
        words = _QUERY_WORD.findall(text)
        found: dict[str, tuple[int, Found]] = {}
        taken = [False] * len(words)
        for size in range(min(MAX_LABEL_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(taken[start : start + size]):
                    continue
                span = words[start : start + size]
                ids = self._named_by(span)
                if ids:
                    taken[start : start + size] = [True] * size
                    for concept_id in sorted(ids):
                        found.setdefault(
                            concept_id, (start, Found(self.concepts[concept_id], " ".join(span)))
                        )
        return [item for _, item in sorted(found.values(), key=lambda pair: pair[0])]

    def _named_by(self, span: list[str]) -> set[str]:
        ids: set[str] = set()
        if len(span) == 1:
            word = span[0]
            if len(word) > SHORT_ACRONYM or word.isupper():
                ids |= self._acronyms.get(word.upper(), set())
        phrase = " ".join(span)
        written = as_written(phrase)
        for language in LANGUAGES:
            ids |= self._phrases.get((language, written), set())
            # a span read in this language begins and ends with a word that counts in it, so
            # "a fall arrest system" is read as "fall arrest system"
            if len(span) > 1 and not (analysed(span[0], language) and analysed(span[-1], language)):
                continue
            if key := analysed(phrase, language):
                ids |= self._phrases.get((language, key), set())
        return ids

    def broader_of(self, concept_id: str) -> list[Concept]:
        return [self.concepts[parent] for parent in self.concepts[concept_id].broader]

    def narrower_of(self, concept_id: str) -> list[Concept]:
        return [self.concepts[child] for child in self.narrower.get(concept_id, [])]


def fold(text: str) -> str:
    """Lower case without accents (Arabic letters keep their marks for the analysis)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(
        char
        for char in decomposed
        if not (unicodedata.combining(char) and "\u0300" <= char <= "\u036f")
    )


@lru_cache(20_000)
def analysed(text: str, language: str) -> tuple[str, ...]:
    return tuple(words_of(fold(text), language))


def label_key(label: str, language: str) -> tuple[str, ...]:
    """How a label is looked up: its words as search reads them; or, when that leaves one
    word of several ("العمل عن بعد", telework, would be any "work"), the words as written."""
    key = analysed(label, language)
    if len(key) < 2 and len(_QUERY_WORD.findall(label)) > 1:
        return as_written(label)
    return key


def as_written(text: str) -> tuple[str, ...]:
    return ("=", *(arabic.normalise(fold(word)) for word in _QUERY_WORD.findall(text)))


@cache
def load(folder: Path = DATA) -> Vocabulary:
    concepts: dict[str, Concept] = {}
    sources: dict[str, tuple[str, ...]] = {}
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        sources[path.name] = tuple(data.get("sources", ()))
        for entry in data.get("concept", ()):
            concept = _concept(entry, data.get("theme", ""), path.name)
            if concept.id in concepts:
                raise ValueError(
                    f"{path.name}: concept {concept.id!r} is also in {concepts[concept.id].source}"
                )
            concepts[concept.id] = concept
    return Vocabulary(concepts, sources)


def _concept(entry: Mapping, theme: str, source: str) -> Concept:
    themes = tuple(dict.fromkeys(([theme] if theme else []) + list(entry.get("themes", ()))))
    labels = {
        language: Labels(
            pref=entry[language]["pref"],
            alt=tuple(entry[language].get("alt", ())),
            acronyms=tuple(entry[language].get("acronyms", ())),
        )
        for language in LANGUAGES
        if language in entry
    }
    return Concept(entry["id"], themes, tuple(entry.get("broader", ())), labels, source)


def is_acronym(text: str) -> bool:
    return bool(_ACRONYM.match(text))


def labels_of(concepts: Iterable[Concept]) -> list[str]:
    """Every label of these concepts in every language, each once."""
    return list(
        dict.fromkeys(
            word
            for concept in concepts
            for labels in concept.labels.values()
            for word in labels.words
        )
    )
