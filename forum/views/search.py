"""The search page and the similar-threads lookup behind the composer."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from forum import languages, limits, search
from forum.forms.search import SearchForm
from forum.search import SearchPage
from forum.search.results import SORTS
from forum.services import browsing, search_misses

bp = Blueprint("search", __name__)
TITLE_MAX = 200
TYPED_ONLY = "typed"  # ?words=typed: the words typed only, not the concepts they name


@bp.get("/search")
@limits.searches
def results():
    """Not kept: every new query is a new page anyway."""
    form, found = _search_page()
    return render_template("search/results.html", form=form, found=found, refine_url=_refine_url)


def _search_page() -> tuple[SearchForm, SearchPage | None]:
    form = SearchForm(browsing.all_themes(), browsing.all_networks(), formdata=request.args)
    if form.is_blank:
        return form, None
    form.validate()
    query = form.to_query()
    sort = form.sort.data if form.sort.data in SORTS else "relevance"
    found = search.search_page(
        query,
        request.args.get("page", 1, type=int),
        current_app.config["THREADS_PER_PAGE"],
        sort,
        shows=form.type.data or "all",
        expand=request.args.get("words") != TYPED_ONLY,
    )
    form.show_query(found.query)
    search_misses.record_if_nothing(found, languages.current())  # the vocabulary's upkeep
    return form, found


def _refine_url(**changes: str) -> str:
    """This search with some filters changed, from its first page."""
    args = {**request.args.to_dict(), **changes}
    args.pop("page", None)
    return url_for("search.results", **{key: value for key, value in args.items() if value})


@bp.get("/search/similar")
@limits.searches
def similar():
    """Up to five threads like the title being typed, as JSON for the composer's script."""
    title = request.args.get("title", "")[:TITLE_MAX]
    return {
        "threads": [
            {
                "title": result.thread.title,
                "url": url_for("threads.show", thread_id=result.thread.id),
                "board": _board_label(result.thread.board),
                "answered": result.thread.is_answered,
                "replies": result.thread.reply_count,
            }
            for result in search.similar(title)
        ]
    }


def _board_label(board) -> str:  # noqa: ANN001
    return f"{board.network.display_short_name} · {board.name}"
