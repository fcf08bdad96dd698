"""The survey's export: /institutions.csv and /institutions.json, what visitors can see."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request, url_for

from forum.page_cache import for_visitors
from forum.services import institution_export
from forum.views.institutions import bp


@bp.get("/institutions.csv")
@for_visitors(shows="site", for_everyone=True)
def export_csv():  # noqa: ANN201
    page = _page_url()
    body = institution_export.as_csv(
        institution_export.institutions(), lambda row: page(row["slug"])
    )
    return _attachment(body, "text/csv; charset=utf-8", "institutions.csv")


@bp.get("/institutions.json")
@for_visitors(shows="site", for_everyone=True)
def export_json():  # noqa: ANN201
    page = _page_url()
    rows = [{**row, "page": page(row["slug"])} for row in institution_export.institutions()]
    body = json.dumps(rows, ensure_ascii=False, indent=1)
    return _attachment(body, "application/json; charset=utf-8", "institutions.json")


def _page_url() -> Any:
    """Each institution's page, absolute (on FORUM_BASE_URL when set): one url_for for all."""
    marker = "__slug__"
    path = url_for("institutions.page", slug=marker).removeprefix(request.script_root)
    base = (current_app.config["BASE_URL"] or request.host_url).rstrip("/") + request.script_root
    prefix, suffix = (base + path).split(marker)
    return lambda slug: f"{prefix}{slug}{suffix}"


def _attachment(body: str, mimetype: str, filename: str) -> Any:
    response = current_app.response_class(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
