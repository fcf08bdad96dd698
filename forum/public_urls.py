"""Absolute links for what leaves the site (feeds, calendars): on FORUM_BASE_URL when it is
set, so a forged Host header cannot change them; else on the address the request came to."""

from __future__ import annotations

from flask import current_app, request, url_for


def public_url(endpoint: str, **values: object) -> str:
    base = current_app.config["BASE_URL"]
    if not base:
        return url_for(endpoint, **values, _external=True)
    return base.rstrip("/") + url_for(endpoint, **values).removeprefix(request.script_root)
