"""Templates' url_for, each address built once per process: a page links to the same few
dozen places (the header's, the footer's, its board's), and building an address costs more
than the rest of such a link."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import Flask, has_request_context, request

REMEMBERED = 4096  # addresses; the least recently used is dropped first


def remembered_url_for(app: Flask) -> Callable[..., str]:
    """`app.url_for` for templates. Only what depends on nothing but its arguments and the
    script root is remembered: a relative address of a named endpoint with hashable values.
    Anything else (`_external`, `_anchor`, an endpoint relative to the current blueprint,
    outside a request) goes to `app.url_for` each time."""

    @lru_cache(maxsize=REMEMBERED)
    def build(script_root: str, endpoint: str, values: tuple) -> str:
        return app.url_for(endpoint, **{name: value for name, _type, value in values})

    def url_for(endpoint: str, /, **values: Any) -> str:
        if endpoint[:1] == "." or not has_request_context() or any(n[:1] == "_" for n in values):
            return app.url_for(endpoint, **values)
        # the type too: 1, 1.0 and True are equal keys, and not the same text in an address
        key = tuple((name, value.__class__, value) for name, value in values.items())
        try:
            return build(request.script_root, endpoint, key)
        except TypeError:  # an unhashable value (a list): built, not remembered
            return app.url_for(endpoint, **values)

    return url_for
