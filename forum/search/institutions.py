"""How a search query is asked of institutions, the same on every backend.

Their words are indexed folded (search_key: no case, accents, Arabic marks) and read in every
language, so a query's words are folded too before each backend reads them as it reads a
thread's: "securite" finds "Sécurité", "معهد" finds "مَعْهَد". Only the words, themes and
networks say anything about an institution: a query that asks for an author, a kind of
thread, a state or dates is about threads, and finds no institution.
"""

from __future__ import annotations

from dataclasses import replace

from forum.languages import LANGUAGES
from forum.models.institutions import search_key
from forum.search.query import SearchQuery, Term
from forum.search.whoosh_analysis import _LANGUAGE_RULES, _STEMS, _TOKEN, words_of


def applies(query: SearchQuery) -> bool:
    """Whether institutions can answer this query at all."""
    return (
        query.has_words
        and not query.unmatchable
        and not (query.author or query.kind or query.expert or query.after or query.before)
        and query.answered is None
    )


def themes_and_networks(query: SearchQuery) -> tuple[str | None, str | None]:
    """The theme (of a capacity) and network an institution must have; a board is both."""
    theme, network = query.theme, query.network
    if query.board:
        board_network, _, board_theme = query.board.partition("/")
        network, theme = network or board_network, theme or board_theme
        if (query.network and query.network != board_network) or (
            query.theme and query.theme != board_theme
        ):
            return "\x00", "\x00"  # two different ones: nothing has both
    return theme, network


def folded(query: SearchQuery) -> SearchQuery:
    def fold(term: Term) -> Term:
        return Term(search_key(term.text), term.phrase)

    return replace(
        query,
        groups=tuple(tuple(fold(term) for term in group) for group in query.groups),
        excluded=tuple(fold(term) for term in query.excluded),
    )


def query_words(query: SearchQuery) -> set[tuple[str, str]]:
    """(language, stem) of every word the query looks for, folded."""
    return {
        (language, word)
        for term in folded(query).positive_terms()
        for language in LANGUAGES
        for word in words_of(term.text, language)
    }


def matches(text: str, words: set[tuple[str, str]]) -> list[tuple[int, int]]:
    """Where the query's words are in an institution's text (a name, its description), read
    as the index reads them in each language."""
    spans = []
    for found in _TOKEN.finditer(text):
        token = search_key(found.group())
        if len(token) < 2 or " " in token:
            continue
        for language in LANGUAGES:
            stops = _LANGUAGE_RULES[language][0]
            if token not in stops and (language, _STEMS[language](token)) in words:
                spans.append(found.span())
                break
    return spans
