"""Reading the forum's structure and threads: networks, themes, boards, threads (with the
lists' filters) and a thread's posts, as a visitor or the token's member may see them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, current_app
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from forum import languages, permissions, reference
from forum.languages import lazy_gettext as _l
from forum.models import ControlLevel, Thread
from forum.models.topics import CONCEPT_ID_MAX
from forum.services import browsing, slices, thread_pages, topic_pages, topics
from forum.views.api import bp, cursors, shapes
from forum.views.api.errors import invalid
from forum.views.api.spec import operation
from forum.views.main import SHOWN, thread_filter

SLUG = {"type": "string", "minLength": 1, "maxLength": 64}


@operation(
    bp,
    "GET",
    "/networks",
    summary=_l("Every network"),
    tag=_l("Structure"),
    response={"type": "array", "items": shapes.NETWORK},
)
def networks() -> list[dict[str, Any]]:
    return [shapes.network(row) for row in browsing.all_networks()]


@operation(
    bp,
    "GET",
    "/themes",
    summary=_l("Every theme"),
    tag=_l("Structure"),
    response={"type": "array", "items": shapes.THEME},
)
def themes() -> list[dict[str, Any]]:
    return [shapes.theme(row) for row in browsing.all_themes()]


TOPIC = shapes.obj(
    id=shapes.TEXT,
    label=shapes.TEXT,
    labels={"type": "object", "additionalProperties": shapes.TEXT},
    themes={"type": "array", "items": shapes.TEXT},
    broader={"type": "array", "items": shapes.TEXT},
    threads=shapes.COUNT,
)


@operation(
    bp,
    "GET",
    "/topics",
    summary=_l("Every topic of the OSH vocabulary, by theme, with its threads counted"),
    tag=_l("Structure"),
    response={"type": "array", "items": TOPIC},
)
def topics_list() -> list[dict[str, Any]]:
    return [
        {
            "id": entry.concept.id,
            "label": entry.label,  # in the reader's language
            "labels": {code: names.pref for code, names in entry.concept.labels.items()},
            "themes": list(entry.concept.themes),
            "broader": list(entry.concept.broader),
            "threads": entry.threads,
        }
        for group in topic_pages.index(languages.current())
        for entry in group.entries
    ]


@operation(
    bp,
    "GET",
    "/boards",
    summary=_l("Boards, of a network or a theme or all"),
    tag=_l("Structure"),
    response={"type": "array", "items": shapes.BOARD},
    query={"network": SLUG, "theme": SLUG},
)
def boards(query: dict[str, Any]) -> list[dict[str, Any]]:
    return [shapes.board(row) for row in _boards(query["network"], query["theme"])]


def _boards(network_slug: str | None, theme_slug: str | None) -> list:
    """The boards a list reads: of a network, of a theme, the one of both, or all; a filter
    naming nothing is a 400 on its argument, as every list's are."""
    network = known(browsing.get_network, "network", network_slug)
    theme = known(browsing.get_theme, "theme", theme_slug)
    if network and theme:
        board = browsing.get_board(network.slug, theme.slug)
        if board is None:
            raise invalid("theme", _l("This network has no board on this theme."))
        return [board]
    if network:
        return list(browsing.boards_of_network(network))
    if theme:
        return list(browsing.boards_of_theme(theme))
    return [board for overview in browsing.networks_with_boards() for board in overview.boards]


THREAD_QUERY = {
    "network": SLUG,
    "theme": SLUG,
    "show": {"type": "string", "enum": sorted(SHOWN)},
    "practice_country": {"type": "string", "minLength": 2, "maxLength": 2},
    "practice_sector": {"type": "string", "minLength": 1, "maxLength": 1},
    "practice_control": {"type": "string", "enum": [level.value for level in ControlLevel]},
    "topic": {"type": "string", "minLength": 1, "maxLength": CONCEPT_ID_MAX},
    # activity: latest activity first, as the pages; newest: the threads started last first,
    # an order no reply or deletion changes, for scripts that must meet every thread once
    "sort": {"type": "string", "enum": ["activity", "newest"], "default": "activity"},
    **cursors.QUERY,
}


@operation(
    bp,
    "GET",
    "/threads",
    summary=_l("Threads, latest activity first (or started last first), filtered as on the lists"),
    tag=_l("Threads"),
    response=shapes.listing(shapes.THREAD),
    query=THREAD_QUERY,
    errors=(404,),
)
def threads(query: dict[str, Any]) -> dict[str, Any]:
    found = _boards(query["network"], query["theme"])
    _check_practice(query)
    shown = thread_filter(MultiDict({k: v for k, v in query.items() if v is not None}))
    if known(topics.exists, "topic", query["topic"]):
        shown = replace(shown, topic=query["topic"])
    if query["sort"] == "newest":
        order = slices.NEWEST
    elif len(found) == 1 and query["network"] and query["theme"]:
        order = slices.PINNED_FIRST  # as the board's page lists them
    else:
        order = slices.THREADS
    after, limit = cursors.key(query, current_app.config["THREADS_PER_PAGE"], order)
    ids = [board.id for board in found]
    listed = browsing.threads_after(ids, shown, order, after, limit)
    tagged = topics.of_threads([row.id for row in listed.items])
    items = [shapes.thread(row, tagged[row.id]) for row in listed.items]
    return cursors.slice_listing(items, listed, order, limit, query)


def _check_practice(query: dict[str, Any]) -> None:
    """The pages ignore values they do not know, and details without show=good_practice;
    the API says so."""
    given = [name for name in PRACTICE if query[name] is not None]
    if given and query["show"] != "good_practice":
        only = _l("Only good practices have these details: add show=good_practice.")
        raise invalid(given[0], only)
    check_country(query["practice_country"], "practice_country")
    sector = query["practice_sector"]
    if sector is not None and sector not in reference.ISIC_SECTIONS:
        raise invalid("practice_sector", _l("Not an ISIC Rev. 4 section."))


PRACTICE = ("practice_country", "practice_sector", "practice_control")


def check_country(code: str | None, name: str) -> None:
    if code is not None and code not in reference.countries():
        raise invalid(name, _l("Not a country code (ISO 3166-1)."))


UNKNOWN = {
    "network": _l("There is no such network."),
    "theme": _l("There is no such theme."),
    "topic": _l("There is no such topic."),
    "institution": _l("There is no such institution."),
}


def known(find: Any, name: str, slug: str | None) -> Any:
    """What an argument names (a network, theme, topic or institution), None when it is not
    given, a 400 when nothing has that name."""
    if slug is None:
        return None
    found = find(slug)
    if not found:
        raise invalid(name, UNKNOWN[name])
    return found


@operation(
    bp,
    "GET",
    "/threads/<int:thread_id>",
    summary=_l("One thread"),
    tag=_l("Threads"),
    response=shapes.THREAD,
    errors=(404,),
)
def thread(thread_id: int) -> dict[str, Any]:
    return shapes.thread(visible_thread(thread_id, with_author=True), topics.of_thread(thread_id))


@operation(
    bp,
    "GET",
    "/threads/<int:thread_id>/posts",
    summary=_l("A thread's posts, oldest first (or by votes), with sanitised HTML and Markdown"),
    tag=_l("Threads"),
    response=shapes.listing(shapes.POST),
    query={
        "sort": {"type": "string", "enum": ["oldest", "votes"], "default": "oldest"},
        **cursors.QUERY,
    },
    errors=(404,),
)
def posts(thread_id: int, query: dict[str, Any]) -> dict[str, Any]:
    thread = visible_thread(thread_id)
    order = slices.POSTS_BY_VOTES if query["sort"] == "votes" else slices.POSTS
    after, limit = cursors.key(query, current_app.config["POSTS_PER_PAGE"], order)
    shown, found = thread_pages.posts_after(current_user, thread, order, after, limit)
    rows = {row.id: row for row in shown.posts.items}
    items = [
        shapes.post(card, thread.id, rows[card.id].body_source, rows[card.id].edited_at)
        for card in shown.cards
    ]
    return cursors.slice_listing(items, found, order, limit, query)


def visible_thread(thread_id: int, *, with_author: bool = False) -> Thread:
    """The same rule as the thread page: a deleted thread is missing but to its moderators."""
    thread = browsing.get_thread(thread_id, with_author=with_author)
    if thread is None or not permissions.may("view_thread", thread):
        abort(404)
    return thread
