"""Topic pages: the vocabulary's concepts by theme, and one concept across networks and
languages; and the composer's topic suggestions as the author types."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import login_required

from forum import languages, limits
from forum.page_cache import for_visitors
from forum.services import topic_pages, topics

bp = Blueprint("topics", __name__)


@bp.get("/topics")
@for_visitors()
def index():
    return render_template("topics/index.html", groups=topic_pages.index(languages.current()))


@bp.get("/topics/<concept_id>")
@for_visitors(reads=("page",))
def concept(concept_id: str):
    shown = topic_pages.topic_page(
        concept_id,
        request.args.get("page", 1, type=int),
        current_app.config["THREADS_PER_PAGE"],
        languages.current(),
    )
    if shown is None:
        abort(404)
    return render_template("topics/concept.html", shown=shown)


@bp.get("/suggest/topics")
@login_required
@limits.searches
def suggest():
    """The topics a draft's title and body name, as JSON for static/js/topics.js: the same
    reading the composer's preview makes (forum/services/topics.py bounds the text)."""
    text = request.args.get("text", "")[: topics.SUGGESTED_TEXT_MAX]
    language = languages.current()
    return {
        "topics": [
            {"id": concept.id, "label": concept.label(language)}
            for concept in topics.suggested(text)
        ]
    }
