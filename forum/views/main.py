"""Home, network, board and theme pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from forum import languages, reference
from forum.forms.threads import PracticeFilterForm
from forum.models import ControlLevel, ThreadKind
from forum.page_cache import for_visitors
from forum.services import browsing, home_page, list_pages
from forum.services.browsing import ThreadFilter

bp = Blueprint("main", __name__)

# ?show=... on every thread list
SHOWN = {
    "question": ThreadFilter(kind=ThreadKind.question),
    "unanswered": ThreadFilter(answered=False),
    "answered": ThreadFilter(answered=True),
    "good_practice": ThreadFilter(kind=ThreadKind.good_practice),
    "discussion": ThreadFilter(kind=ThreadKind.discussion),
}


# the query arguments of a thread list (thread_filter, _page_number)
LIST_ARGS = ("page", "show", "practice_country", "practice_sector", "practice_control")


@bp.get("/")
@for_visitors()
def home():
    return render_template("main/home.html", shown=home_page.home_page(languages.current()))


@bp.get("/healthz")
def healthz():
    """For load balancers and the bench's baseline: answers without touching the database."""
    return {"status": "ok"}


@bp.get("/n/<network_slug>")
@for_visitors(reads=LIST_ARGS)
def network(network_slug: str):
    network = browsing.get_network(network_slug) or abort(404)
    shown = list_pages.network_page(
        network,
        _page_number(),
        _threads_per_page(),
        thread_filter(request.args),
        languages.current(),
    )
    return render_template("main/network.html", network=network, shown=shown)


@bp.get("/n/<network_slug>/<theme_slug>")
@for_visitors(reads=LIST_ARGS, shows="board")
def board(network_slug: str, theme_slug: str):
    board = browsing.get_board(network_slug, theme_slug) or abort(404)
    shown = thread_filter(request.args)
    practice_filter = (
        PracticeFilterForm(request.args) if shown.kind == ThreadKind.good_practice else None
    )
    return render_template(
        "main/board.html",
        board=board,
        shown=list_pages.board_page(
            current_user, board, _page_number(), _threads_per_page(), shown
        ),
        practice_filter=practice_filter,
    )


@bp.get("/themes")
@for_visitors(shows="site")
def themes():
    return render_template("main/themes.html", themes=browsing.all_themes())


@bp.get("/themes/<theme_slug>")
@for_visitors(reads=(*LIST_ARGS, "network"))
def theme(theme_slug: str):
    theme = browsing.get_theme(theme_slug) or abort(404)
    shown = list_pages.theme_page(
        theme,
        request.args.get("network"),
        _page_number(),
        _threads_per_page(),
        thread_filter(request.args),
    )
    return render_template("main/theme.html", theme=theme, shown=shown)


def thread_filter(args: MultiDict) -> ThreadFilter:
    """?show=unanswered; for good practices also ?practice_country=MY&practice_sector=F&....

    Values we do not know are ignored: the list shows everything rather than an error.
    """
    shown = SHOWN.get(args.get("show", ""), ThreadFilter())
    if shown.kind != ThreadKind.good_practice:
        return shown
    country = args.get("practice_country")
    sector = args.get("practice_sector")
    control = args.get("practice_control")
    country = country if country in reference.countries() else None
    sector = sector if sector in reference.ISIC_SECTIONS else None
    control = control if control in ControlLevel.__members__ else None
    return ThreadFilter(
        kind=ThreadKind.good_practice,
        practice_country=country,
        practice_sector=sector,
        practice_control=ControlLevel(control) if control else None,
    )


def _page_number() -> int:
    return request.args.get("page", 1, type=int)


def _threads_per_page() -> int:
    return current_app.config["THREADS_PER_PAGE"]
