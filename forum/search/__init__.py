"""Full-text search over threads: Whoosh embedded, or PostgreSQL full-text when scaled out.

backend() is the configured SearchBackend; search() and similar() answer the pages;
outbox.drain() and outbox.rebuild() keep the index in line with the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from forum.search import outbox, results
from forum.search.backend import SearchBackend
from forum.search.query import SearchQuery, Term, parse
from forum.search.results import SearchPage

SIMILAR_WORDS = 12
WORD = re.compile(r"\w[\w'-]*")

__all__ = ["SearchPage", "SearchQuery", "backend", "parse", "search", "similar"]


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


def search(query: SearchQuery, page: int, per_page: int, sort: str = "relevance") -> SearchPage:
    return results.search(backend(), query, page, per_page, sort)


def similar(title: str, limit: int = 5) -> list[results.Result]:
    """Threads whose words are like this title's: for a member about to ask again."""
    words = WORD.findall(title or "")[:SIMILAR_WORDS]
    if not words:
        return []
    query = SearchQuery(groups=(tuple(Term(word) for word in words),))
    return search(query, 1, limit).results.items
