"""Search through the API: the search page's query language (words, "phrases", -excluded,
theme:, network:, board:, author:, kind:, is:answered, is:expert, after:, before:...), its
ranking, facets and rate limit, over the same service."""

from __future__ import annotations

from typing import Any

from flask import current_app

from forum import limits, search
from forum.languages import lazy_gettext as _l
from forum.search.results import SORTS
from forum.services import topics
from forum.views.api import bp, cursors, shapes
from forum.views.api.errors import invalid
from forum.views.api.spec import operation
from forum.views.search import TYPED_ONLY

FACET = shapes.obj(slug=shapes.TEXT, name=shapes.TEXT, count=shapes.COUNT)
RESULT = shapes.obj(
    thread=shapes.THREAD,
    post_id=shapes.ID,
    snippet=shapes.TEXT,
    accepted=shapes.FLAG,
    expert=shapes.FLAG,
)
FOUND = shapes.obj(
    items={"type": "array", "items": RESULT},
    next_cursor=shapes.MAYBE_TEXT,
    total=shapes.COUNT,
    themes={"type": "array", "items": FACET},
    networks={"type": "array", "items": FACET},
    also_searched={"type": "array", "items": shapes.TEXT},
)


@operation(
    bp,
    "GET",
    "/search",
    summary=_l(
        "Search threads with the search page's query language, with facets; the OSH "
        "concepts the words name are searched too, in every language (also_searched), unless "
        "words=typed (institutions: /institutions?q=)"
    ),
    tag=_l("Search"),
    response=FOUND,
    query={
        "q": {"type": "string", "minLength": 1, "maxLength": 500},
        "sort": {"type": "string", "enum": list(SORTS), "default": "relevance"},
        "words": {"type": "string", "enum": ["all", TYPED_ONLY], "default": "all"},
        **cursors.QUERY,
    },
    limit=limits.searches,
)
def search_threads(query: dict[str, Any]) -> dict[str, Any]:
    if not (query["q"] or "").strip():
        raise invalid("q", _l("Say what to search for."))
    page, per_page = cursors.position(query, current_app.config["THREADS_PER_PAGE"])
    found = search.search_page(
        search.parse(query["q"]),
        page,
        per_page,
        query["sort"],  # declared with its default
        shows="threads",
        expand=query["words"] != TYPED_ONLY,
    )
    tagged = topics.of_threads([result.thread.id for result in found.results.items])
    items = [
        {
            "thread": shapes.thread(result.thread, tagged[result.thread.id]),
            "post_id": result.post.id,
            "snippet": "".join(text for text, _match in result.snippet),
            "accepted": result.accepted,
            "expert": result.expert,
        }
        for result in found.results.items
    ]
    listed = cursors.listing(items, found.results, query)
    return {
        **listed,
        "total": found.results.total,
        "themes": [_facet(theme, n) for theme, n in found.themes],
        "networks": [_facet(network, n) for network, n in found.networks],
        "also_searched": list(found.also_searched),
    }


def _facet(row: Any, count: int) -> dict[str, Any]:
    return {"slug": row.slug, "name": row.display_name, "count": count}
