"""Templates' url_for, each address built once per process: a page links to the same few
dozen places (the header's, the footer's, its board's), and building an address costs more
than the rest of such a link."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import Flask, has_request_context, request

REMEMBERED = 4096  # addresses; the least recently used is dropped first
SHORT = 100  # characters of a text value remembered: longer ones are a visitor's query


def remembered_url_for(app: Flask) -> Callable[..., str]:
    """`app.url_for` for templates. Only what depends on nothing but its arguments and the
    script root is remembered: a relative address of a named endpoint whose values are
    numbers, short texts or None. Anything else (`_external`, `_anchor`, an endpoint relative
    to the current blueprint, a visitor's long query text, outside a request) is built each
    time, so what visitors send cannot fill the memory or push out the page's own links."""

    @lru_cache(maxsize=REMEMBERED)
    def build(script_root: str, endpoint: str, values: tuple) -> str:
        return app.url_for(endpoint, **dict(values))

    def url_for(endpoint: str, /, **values: Any) -> str:
        if endpoint[:1] == "." or not has_request_context() or not _plain(values):
            return app.url_for(endpoint, **values)
        return build(request.script_root, endpoint, tuple(values.items()))

    url_for.cache_info = build.cache_info  # type: ignore[attr-defined]
    return url_for


def _plain(values: dict[str, Any]) -> bool:
    """Values whose equal ones are written alike in an address: not True for 1, nor 1.0."""
    return all(
        name[:1] != "_"
        and (value is None or type(value) is int or (type(value) is str and len(value) <= SHORT))
        for name, value in values.items()
    )
