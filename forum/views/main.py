"""Home, network, board and theme pages."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from forum import reference
from forum.forms.threads import PracticeFilterForm
from forum.models import ControlLevel, ThreadKind
from forum.page_cache import for_members, for_visitors, with_parts
from forum.services import browsing, inbox
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


@bp.get("/")
@for_visitors
@for_members()
@with_parts
def home():
    # read_... are called inside the page's kept part (page_cache.kept): not while it is kept
    return render_template("main/home.html", read_overviews=browsing.networks_with_board_stats)


@bp.get("/healthz")
def healthz():
    """For load balancers and the bench's baseline: answers without touching the database."""
    return {"status": "ok"}


@bp.get("/n/<network_slug>")
@for_visitors
@for_members()
@with_parts
def network(network_slug: str):
    network = browsing.get_network(network_slug) or abort(404)
    page, shown = _page_number(), thread_filter(request.args)

    def read_boards_and_threads() -> tuple:
        boards = browsing.boards_of_network(network)
        ids = [b.id for b in boards]
        threads = browsing.threads_across_boards(ids, page, _threads_per_page(), shown)
        return boards, browsing.board_stats(ids), threads

    return render_template(
        "main/network.html", network=network, read_boards_and_threads=read_boards_and_threads
    )


@bp.get("/n/<network_slug>/<theme_slug>")
@for_visitors
@for_members(partial(inbox.board_watch, current_user))
@with_parts
def board(network_slug: str, theme_slug: str):
    board = browsing.get_board(network_slug, theme_slug) or abort(404)
    shown = thread_filter(request.args)
    read_threads = partial(
        browsing.board_threads, board, _page_number(), _threads_per_page(), shown
    )
    practice_filter = (
        PracticeFilterForm(request.args) if shown.kind == ThreadKind.good_practice else None
    )
    return render_template(
        "main/board.html",
        board=board,
        read_threads=read_threads,
        practice_filter=practice_filter,
        watch_state=inbox.board_watch(current_user, network_slug, theme_slug),
    )


@bp.get("/themes")
@for_visitors
@for_members()
def themes():
    return render_template("main/themes.html", themes=browsing.all_themes())


@bp.get("/themes/<theme_slug>")
@for_visitors
@for_members()
@with_parts
def theme(theme_slug: str):
    theme = browsing.get_theme(theme_slug) or abort(404)
    page, shown = _page_number(), thread_filter(request.args)
    network_slug = request.args.get("network")

    def read_boards_and_threads() -> tuple:
        boards = browsing.boards_of_theme(theme)
        listed = [b.id for b in boards if network_slug in (None, "", b.network.slug)]
        threads = browsing.threads_across_boards(listed, page, _threads_per_page(), shown)
        return boards, browsing.board_stats([b.id for b in boards]), threads

    return render_template(
        "main/theme.html",
        theme=theme,
        network_slug=network_slug,
        read_boards_and_threads=read_boards_and_threads,
    )


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
