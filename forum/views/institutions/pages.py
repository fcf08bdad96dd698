"""An institution's page, and adding and editing institutions."""

from __future__ import annotations

from flask import abort

from forum.views.institutions import bp


@bp.get("/institutions/<slug>")
def page(slug: str):  # noqa: ANN201
    abort(404)  # to be built
