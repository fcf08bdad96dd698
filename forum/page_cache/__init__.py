"""Whole pages kept for visitors, and feeds, served only while what they show is unchanged.

Visitors who are not logged in all see the same page for the same address and language, and
it carries nothing of theirs (no CSRF token: the language switcher needs none from them), so
a visitor's page, and any feed, is kept whole and served as stored, with an ETag: asked again
with If-None-Match, it is a 304. Members' pages are made for each request.

"Unchanged" is a few version numbers, raised in the same transaction as the change that moves
them, whichever server process makes it (see `versions`):

    site     anything any page may show: names, profiles, boards, networks, verifications...;
             and every change that module cannot place, so nothing is ever missed. Pages
             that show no thread (the themes, the expert directory) show only the site
    lists    threads and posts anywhere: home, network, theme, profile and feed pages
    board    its threads and their posts: that board's pages
    thread   its posts, votes and answer: that thread's pages

A view says which it shows (`@for_visitors(shows="thread")`); every page shows the site. A
reply moves its thread, its board and the lists: the pages of every other thread and board
stay kept. What is private (notifications, watches, reports, a member's settings and
password, the search index's bookkeeping) moves nothing.

A page is kept under the query arguments its view reads, declared with the decorator; the
view sees no others, so `?utm_source=...` is the same page and can change nothing in it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, make_response, request, session
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict

from forum import languages
from forum.page_cache import versions

HEADER = "X-Page-Cache"  # hit or miss, for operators and tests
STORE = "forum_page_cache"  # app.extensions
_OVERHEAD = 200  # bytes a kept page costs beyond its body: key, headers


@dataclass(frozen=True)
class KeptPage:
    versions: tuple[int, ...]
    body: bytes
    headers: tuple[tuple[str, str], ...]

    @property
    def size(self) -> int:
        return len(self.body) + _OVERHEAD


class PageCache:
    """Kept pages, least recently used dropped first, within a budget of bytes."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget = budget_bytes
        self.used = 0
        self.pages: OrderedDict[tuple, KeptPage] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, current: tuple[int, ...]) -> KeptPage | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None or page.versions != current:
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: KeptPage) -> None:
        if page.size > self.budget:
            return
        with self.lock:
            previous = self.pages.pop(key, None)
            if previous is not None:
                self.used -= previous.size
            self.pages[key] = page
            self.used += page.size
            while self.used > self.budget:
                _, dropped = self.pages.popitem(last=False)
                self.used -= dropped.size


def for_visitors(
    *, reads: Iterable[str] = (), shows: str = "lists", for_everyone: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Keep this GET view's pages for visitors. `reads`: the query arguments the page depends
    on (the view sees no others); `shows`: "site", "lists", "board" (by network_slug and
    theme_slug) or "thread" (by thread_id), as the module's docstring says. `for_everyone`:
    members too, for answers that hold nothing of who asks, not even a page header (feeds)."""
    names = frozenset(reads)
    if shows not in versions.SHOWS:
        raise ValueError(f"shows={shows!r}: one of {sorted(versions.SHOWS)}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def serve(**kwargs: Any) -> Any:
            request.args = ImmutableMultiDict(  # type: ignore[misc]
                [(k, v) for k, v in request.args.items(multi=True) if k in names]
            )
            cache: PageCache | None = current_app.extensions.get(STORE)
            if not _keepable(cache, for_everyone):
                return view(**kwargs)
            current = versions.read(shows, kwargs)
            # the path the forum is mounted at, as its links begin with it
            key = (request.host_url, request.script_root, request.path,
                   tuple(sorted(request.args.items(multi=True))), languages.current())  # fmt: skip
            etag = hashlib.blake2b(repr((key, current)).encode(), digest_size=12).hexdigest()
            if etag in request.if_none_match:
                return _not_modified(etag)
            kept = cache.get(key, current)
            if kept is None:
                response = make_response(view(**kwargs))
                if response.status_code != 200 or response.is_streamed or _holds_a_token():
                    return response
                response.set_etag(etag)
                _vary(response)
                cache.put(key, KeptPage(current, response.get_data(), _kept_headers(response)))
                response.headers[HEADER] = "miss"
                return response
            response = current_app.response_class(kept.body)
            response.headers.clear()
            response.headers.extend(kept.headers)
            response.headers[HEADER] = "hit"
            return response

        return serve

    return decorate


def _keepable(cache: PageCache | None, for_everyone: bool) -> bool:
    return (
        cache is not None
        and request.method == "GET"
        and (for_everyone or not current_user.is_authenticated)
        and "_flashes" not in session
    )


def _holds_a_token() -> bool:
    """A page made with a CSRF token (a form with one) is this visitor's alone: never kept."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


def _not_modified(etag: str) -> Any:
    response = current_app.response_class(status=304)
    response.set_etag(etag)
    _vary(response)
    return response


def _vary(response: Any) -> None:
    # a member's page and a visitor's differ (the session cookie), and so do languages
    response.vary.update(("Cookie", "Accept-Language"))
    response.headers["Cache-Control"] = "no-cache"  # browsers keep it, and ask with the ETag


def _kept_headers(response: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, value)
        for name, value in response.headers.items()
        if name not in ("Set-Cookie", HEADER)
    )


def this_page() -> str:
    """The address of the page being made with only the query arguments it reads (a kept
    page's are declared with for_visitors), for links back to it: never the raw query
    string, which would put one visitor's text into a page kept for all."""
    if request.method != "GET":
        return ""
    query = urlencode(list(request.args.items(multi=True)))
    return f"{request.script_root}{request.path}" + (f"?{query}" if query else "")


def init_store(app: Flask) -> None:
    """An empty store of PAGE_CACHE_MB, or none when that is 0."""
    megabytes = int(app.config["PAGE_CACHE_MB"])
    if megabytes > 0:
        app.extensions[STORE] = PageCache(megabytes * 1024 * 1024)
    else:
        app.extensions.pop(STORE, None)


def init_app(app: Flask) -> None:
    init_store(app)
    app.add_template_global(this_page)
    versions.init_app()
