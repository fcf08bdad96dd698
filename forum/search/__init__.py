"""Full-text search over threads: Whoosh embedded, or PostgreSQL full-text when scaled out.

backend() is the configured SearchBackend; search() and similar() answer the pages;
outbox.drain() and outbox.rebuild() keep the index in line with the database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask import Flask, current_app

from forum import languages
from forum.search import expansion, institution_results, outbox, results
from forum.search.backend import SearchBackend
from forum.search.query import SearchQuery, Term, parse
from forum.search.results import SearchPage

SIMILAR_WORDS = 12
SIMILAR_CANDIDATES = 20  # the best matches of any of the words, weighed again by their titles
SIMILAR_SHARE = 0.5  # of the title words the best suggestion shares, each other one must share
SIMILAR_SCORE_SHARE = 0.25  # of the best suggestion's relevance, each other one must have
WORD = re.compile(r"\w[\w'-]*")

INSTITUTIONS_BESIDE = 3  # shown above the threads, with a link to all of them
SHOWS = ("all", "threads", "institutions")

__all__ = ["SearchPage", "SearchQuery", "backend", "parse", "search", "search_page", "similar"]


def init_app(app: Flask) -> None:
    outbox.listen()
    app.extensions["forum_search"] = None  # made on first use: no I/O while the app is built


def make_backend(config: Mapping[str, Any]) -> SearchBackend:
    if config["SEARCH_BACKEND"] == "postgres":
        from forum.search.postgres_backend import PostgresBackend

        return PostgresBackend()
    from forum.search.whoosh_backend import WhooshBackend

    return WhooshBackend(config["SEARCH_INDEX"])


def backend() -> SearchBackend:
    found = current_app.extensions.get("forum_search")
    if found is None:
        found = current_app.extensions["forum_search"] = make_backend(current_app.config)
    return found


def search(
    query: SearchQuery, page: int, per_page: int, sort: str = "relevance", expand: bool = True
) -> SearchPage:
    """expand: the OSH concepts the words name are searched by their labels too."""
    return results.search(backend(), _expanded(query, expand), page, per_page, sort)


def search_page(
    query: SearchQuery,
    page: int,
    per_page: int,
    sort: str = "relevance",
    shows: str = "all",
    expand: bool = True,
) -> SearchPage:
    """The search page: threads, and institutions as a result type of their own, both
    counted for the facet. all: the best few institutions above the first page of threads;
    institutions: a page of them instead of threads; threads: threads only. Institutions
    are found by the words typed only. also_searched: the concepts' labels searched besides
    the words, in the reader's language and the results' (see expansion.also_searched)."""
    shows = shows if shows in SHOWS else "all"
    only_institutions = shows == "institutions"
    found = results.search(
        backend(),
        _expanded(query, expand),
        1 if only_institutions else page,
        per_page,
        sort,
        fetch=not only_institutions,
    )
    also = expansion.also_searched(
        found.query, [languages.current(), *(r.post.language for r in found.results.items)]
    )
    typed = replace(found.query, expansions=())
    if only_institutions:
        total, listed = institution_results.count_and_page(backend(), typed, page, per_page)
    else:
        total, listed = institution_results.count_and_page(
            backend(), typed, 1, INSTITUTIONS_BESIDE, fetch=shows == "all" and page == 1
        )
    return replace(
        found,
        shows=shows,
        institutions=listed,
        institution_total=total,
        also_searched=also,
        # the words typed only, though they name concepts: the page offers them back
        typed_only=not expand and bool(expansion.expand(query).expansions),
    )


def _expanded(query: SearchQuery, expand: bool) -> SearchQuery:
    return expansion.expand(query) if expand else query


def similar(title: str, limit: int = 5) -> list[results.Result]:
    """Threads asking what this draft title asks, best first: for a member about to ask again.

    The title decides. A thread is suggested only when its own title shares the draft's words
    (as the index reads them: stems, not common words): at least half as many as the best
    suggestion's title does, and two when that one shares two or more; and its relevance is
    at least a quarter of the best's. Its body only orders threads that share as many. A
    thread that merely mentions a word in its text (the "well" of "it worked well"), or
    shares one word of a longer draft ("workers"), is no suggestion: nothing is shown rather
    than weak matches.
    """
    words = list(dict.fromkeys(WORD.findall(title or "")))[:SIMILAR_WORDS]
    if not words:
        return []
    query = SearchQuery(groups=(tuple(Term(word) for word in words),))
    # the concepts the title names are alternatives to its words: "SDS" finds "safety data
    # sheet" and "fiche de données de sécurité"
    query = expansion.expand_group(query, 0, title)
    found = search(query, 1, SIMILAR_CANDIDATES, expand=False).results.items  # best first
    shared = [_title_words(result) for result in found]
    sharing = [result for result, count in zip(found, shared, strict=True) if count]
    if not sharing:
        return []
    best = max(shared)
    # one shared word is enough only when no thread shares more: it may be a common one
    needed = max(math.ceil(best * SIMILAR_SHARE), min(best, 2))
    relevant = max(result.score for result in sharing) * SIMILAR_SCORE_SHARE
    ranked = sorted(
        (
            rank
            for rank, count in enumerate(shared)
            if count >= needed and found[rank].score >= relevant
        ),
        key=lambda rank: (-shared[rank], rank),
    )
    return [found[rank] for rank in ranked[:limit]]


def _title_words(result: results.Result) -> int:
    """How many different words of the query the thread's title holds (marked)."""
    return len({text.casefold() for text, is_match in result.title if is_match})
