"""A SearchQuery as a PostgreSQL tsquery: its words read in every language's configuration,
and the labels of the concepts it names (forum.search.expansion) each in its own."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import cast, func, literal
from sqlalchemy.dialects.postgresql import REGCONFIG

from forum.search.expansion import Expansion, Label, slots
from forum.search.query import SearchQuery, Term

# each post's words are read by its language's text search configuration (Snowball all four;
# Arabic's also strips diacritics and tatweel and writes every alef one way)
CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic"}


def _config(config: str):  # noqa: ANN202
    return cast(literal(config, literal_execute=True), REGCONFIG)


def term_query(term: Term, config: str):  # noqa: ANN202
    to_query = func.phraseto_tsquery if term.phrase else func.plainto_tsquery
    return to_query(_config(config), term.text)


def either(left, right):  # noqa: ANN001, ANN202
    return right if left is None else left.op("||")(right)


def both(left, right):  # noqa: ANN001, ANN202
    return right if left is None else left.op("&&")(right)


def any_in(terms: Sequence[Term], config: str):  # noqa: ANN202
    combined = None
    for term in terms:
        combined = either(combined, term_query(term, config))
    return combined


def any_of(terms: Sequence[Term]):  # noqa: ANN202
    """Any of the terms, read in every language."""
    combined = None
    for config in CONFIGS.values():
        combined = either(combined, any_in(terms, config))
    return combined


def compile_query(query: SearchQuery):  # noqa: ANN202
    """Every group (any of its terms) must match, the query read in one language or another
    (a word common in one language drops out of that reading only); the groups naming a
    concept match by their words or any of its labels in that language. None without words."""
    combined = None
    for language, config in CONFIGS.items():
        reading = None
        for groups, expansion in slots(query):
            part = None
            for group in groups:
                part = both(part, any_in(group, config))
            if expansion is not None:
                part = either(part, _labels_in(expansion, language))
            reading = both(reading, part)
        if reading is not None:
            combined = either(combined, reading)
    return combined


def labels_of(query: SearchQuery):  # noqa: ANN202
    """Any label of the concepts the query names, each in its language (acronyms in every
    one); None when it names none."""
    combined = None
    for expansion in query.expansions:
        for language in CONFIGS:
            combined = either(combined, _labels_in(expansion, language))
    return combined


def _labels_in(expansion: Expansion, language: str):  # noqa: ANN202
    combined = None
    for label in expansion.labels_in(language):
        combined = either(combined, _label(label, CONFIGS[language]))
    return combined


def _label(label: Label, config: str):  # noqa: ANN202
    return func.phraseto_tsquery(_config(config), label.text)
