"""Query understanding: the OSH concepts a query names, searched by their labels too.

expand() finds, in the query's plain words (not "quoted phrases", OR groups or -exclusions),
the concepts of forum.vocabulary they name, and records for each run of words naming one the
labels to search as well: every language's, each read in its own language (acronyms in
every one). Both backends then read such a run as (its typed words) OR (any label), the
labels weighing LABEL_WEIGHT of typed words, so exact matches still rank first. A query
naming no concept is returned as it came: it runs exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from forum.languages import LANGUAGES
from forum.search.query import SearchQuery, Term
from forum.search.whoosh_analysis import words_of
from forum.vocabulary import _QUERY_WORD, Concept, Vocabulary, analysed, load

MAX_CONCEPTS = 4  # per query: the first named
MAX_LABELS = 16  # per query, shared between its concepts (each label a posting-list read)
LABEL_WEIGHT = 0.4  # a label's match against a typed word's (per word of the label: Whoosh)
ACRONYM = ""  # the language of an acronym's label: read in every language


@dataclass(frozen=True)
class Label:
    text: str
    language: str  # ACRONYM: read in every language


@dataclass(frozen=True)
class Expansion:
    """Groups first..last (inclusive) of the query name these concepts: either those typed
    words or any of the labels matches."""

    first: int
    last: int
    concepts: tuple[str, ...]
    labels: tuple[Label, ...]
    typed: tuple[str, ...] = ()  # the words that named them, as typed
    weight: float = LABEL_WEIGHT  # of a label's match, against a typed word's

    def labels_in(self, language: str) -> list[Label]:
        return [label for label in self.labels if label.language in (language, ACRONYM)]


def vocabulary() -> Vocabulary:
    """The shipped vocabulary, read once per process (tests put a small one in its place)."""
    return load()


def expand(query: SearchQuery) -> SearchQuery:
    if not query.groups or query.expansions:
        return query
    words = vocabulary()
    found: list[tuple[int, int, Concept, str]] = []
    for run in _runs(query.groups):
        found += _named(words, query.groups, run)
    if not found:
        return query
    return replace(query, expansions=_merged(found[:MAX_CONCEPTS]))


def expand_group(query: SearchQuery, group: int, text: str) -> SearchQuery:
    """The concepts a text (a draft's title) names, as alternatives of one group of the
    query (its words OR'd): for similar threads."""
    found = [(group, group, item.concept, item.typed) for item in vocabulary().find_concepts(text)]
    if not found:
        return query
    # a title naming a concept asks what a title naming it in other words asks: as much weight
    merged = _merged(found[:MAX_CONCEPTS])
    return replace(query, expansions=tuple(replace(e, weight=1.0) for e in merged))


def _runs(groups: Sequence[tuple[Term, ...]]) -> list[list[int]]:
    """Runs of consecutive groups that are one plain word each (what may name a concept)."""
    runs: list[list[int]] = [[]]
    for index, group in enumerate(groups):
        if len(group) == 1 and not group[0].phrase:
            runs[-1].append(index)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _named(
    words: Vocabulary, groups: Sequence[tuple[Term, ...]], run: list[int]
) -> list[tuple[int, int, Concept, str]]:
    """(first group, last group, concept, typed words) for each concept the run names."""
    tokens: list[str] = []
    owner: list[int] = []
    for index in run:
        for token in _QUERY_WORD.findall(groups[index][0].text):
            tokens.append(token)
            owner.append(index)
    taken = [False] * len(tokens)
    named = []
    for item in words.find_concepts(" ".join(tokens)):
        span = item.typed.split(" ")
        for start in range(len(tokens) - len(span) + 1):
            if tokens[start : start + len(span)] == span and not any(
                taken[start : start + len(span)]
            ):
                taken[start : start + len(span)] = [True] * len(span)
                named.append((owner[start], owner[start + len(span) - 1], item.concept, item.typed))
                break
    return named


def _merged(found: list[tuple[int, int, Concept, str]]) -> tuple[Expansion, ...]:
    """One expansion per run of groups, concepts naming overlapping groups together."""
    found.sort(key=lambda item: (item[0], item[1]))
    spans: list[list] = []
    for first, last, concept, typed in found:
        if spans and first <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], last)
            spans[-1][2].append((concept, typed))
        else:
            spans.append([first, last, [(concept, typed)]])
    share = max(1, MAX_LABELS // len(found))
    return tuple(
        Expansion(
            first,
            last,
            tuple(concept.id for concept, _ in named),
            tuple(
                dict.fromkeys(
                    label for c, t in named for label in _without_longer(labels(c, t)[:share])
                )
            ),
            tuple(dict.fromkeys(typed for _, typed in named)),
        )
        for first, last, named in spans
    )


def labels(concept: Concept, typed: str) -> list[Label]:
    """The labels a concept adds, each once as its language reads it: preferred labels
    first, then acronyms, then its narrower concepts' preferred labels, then the other
    variants (the bound keeps the first). None that holds all the words typed, as
    the index reads them in its language (they are searched already: "lockout procedure"
    adds nothing to "lockout" but work); accents count, as in the index (a label with them
    finds what the words typed without them do not)."""
    words = {language: set(words_of(typed, language)) for language in LANGUAGES}
    seen: set[tuple[str, tuple[str, ...]]] = {(ACRONYM, (typed.upper(),))}
    found: list[Label] = []

    def add(text: str, language: str) -> None:
        if language == ACRONYM:
            key = (language, (text.upper(),))
        else:
            key = (language, tuple(words_of(text, language)))
            if not key[1] or (words[language] and words[language] <= set(key[1])):
                return
        if key not in seen:
            seen.add(key)
            found.append(Label(text, language))

    entries = [
        (language, concept.labels[language]) for language in LANGUAGES if language in concept.labels
    ]
    for language, entry in entries:
        add(entry.pref, language)
    for _, entry in entries:
        for acronym in entry.acronyms:
            add(acronym, ACRONYM)
    # what it holds, one level down: "work at height" finds "fall arrest system" too
    for narrower in vocabulary().narrower_of(concept.id):
        for language in LANGUAGES:
            if language in narrower.labels:
                add(narrower.labels[language].pref, language)
    for language, entry in entries:
        for alt in entry.alt:
            add(alt, language)
    return found


def _without_longer(searched: list[Label]) -> list[Label]:
    """Without the labels that hold another searched label's words in a row, as written
    ("material safety data sheet" beside "safety data sheet"): they find nothing more, on
    either backend, and each costs a phrase read. As written, not as analysed: PostgreSQL
    keeps a common word's place in a phrase ("politique de santé et de sécurité au travail"
    does not hold "politique santé sécurité")."""
    written = [_written(label.text) for label in searched]
    kept = []
    for label, words in zip(searched, written, strict=True):
        if label.language == ACRONYM or not any(
            other.language in (label.language, ACRONYM)
            and 0 < len(shorter) < len(words)
            and _holds(words, shorter)
            for other, shorter in zip(searched, written, strict=True)
        ):
            kept.append(label)
    return kept


def _written(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _QUERY_WORD.findall(text))


def _holds(words: tuple[str, ...], run: tuple[str, ...]) -> bool:
    return any(words[start : start + len(run)] == run for start in range(len(words) - len(run) + 1))


def slots(query: SearchQuery) -> list[tuple[tuple[tuple[Term, ...], ...], Expansion | None]]:
    """The query's groups in the order typed, those an expansion covers together with it;
    all must match."""
    found: list[tuple[tuple[tuple[Term, ...], ...], Expansion | None]] = []
    by_first = {expansion.first: expansion for expansion in query.expansions}
    index = 0
    while index < len(query.groups):
        expansion = by_first.get(index)
        if expansion is None:
            found.append(((query.groups[index],), None))
            index += 1
        else:
            found.append((query.groups[index : expansion.last + 1], expansion))
            index = expansion.last + 1
    return found


def label_words(query: SearchQuery) -> dict[str, set]:
    """For each language, the labels read in it as the Whoosh index reads them: a word, or
    a tuple of words (a phrase, marked only whole): what a snippet in that language marks
    besides the words typed."""
    found: dict[str, set] = {}
    for expansion in query.expansions:
        for language in LANGUAGES:
            for label in expansion.labels_in(language):
                words = tuple(words_of(label.text, language))
                if words:
                    found.setdefault(language, set()).add(words[0] if len(words) == 1 else words)
    return found


def also_searched(query: SearchQuery, languages: Iterable[str]) -> list[str]:
    """What the page says it searched besides the words typed: each concept's preferred
    label in these languages (the reader's first, then the results'), each once, not one
    that reads as the words typed; when that leaves none for an expansion, its first label
    (the words typed were a concept's label: the page still says it searched others)."""
    words = vocabulary()
    shown: list[str] = []
    for expansion in query.expansions:
        named: list[str] = []
        for concept_id in expansion.concepts:
            concept = words.concepts.get(concept_id)
            for language in dict.fromkeys(languages) if concept else ():
                if language not in concept.labels:
                    continue
                pref = concept.labels[language].pref
                if all(analysed(pref, language) != analysed(t, language) for t in expansion.typed):
                    named.append(pref)
        shown += named or [label.text for label in expansion.labels[:1]]
    return list(dict.fromkeys(shown))
