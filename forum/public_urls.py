"""Absolute links for what leaves the site (feeds, calendars, the API's addresses): on
FORUM_BASE_URL when it is set, so a forged Host header cannot change them; else on the
address the request came to."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import current_app, request, url_for


def public_url(endpoint: str, **values: object) -> str:
    return public_address(url_for(endpoint, **values))


def public_address(path: str) -> str:
    """A path url_for made (it starts with the script root), made whole."""
    base = current_app.config["BASE_URL"]
    if not base:
        return urljoin(request.host_url, path)
    return base.rstrip("/") + path.removeprefix(request.script_root)
