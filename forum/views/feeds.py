"""Atom feeds per board, theme (across networks), network and thread."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from forum.models._time import utcnow
from forum.page_cache import for_visitors
from forum.public_urls import public_url
from forum.services import browsing, feeds

bp = Blueprint("feeds", __name__)

ATOM = "application/atom+xml; charset=utf-8"


@bp.get("/n/<network_slug>/<theme_slug>/feed.atom")
@for_visitors(shows="board", for_everyone=True)
def board(network_slug: str, theme_slug: str):
    board = browsing.get_board(network_slug, theme_slug) or abort(404)
    return _feed(
        _("%(board)s in %(network)s", board=board.name, network=board.network.display_short_name),
        public_url("main.board", network_slug=network_slug, theme_slug=theme_slug),
        feeds.latest_posts(board_ids=[board.id]),
    )


@bp.get("/themes/<theme_slug>/feed.atom")
@for_visitors(for_everyone=True)
def theme(theme_slug: str):
    theme = browsing.get_theme(theme_slug) or abort(404)
    boards = browsing.boards_of_theme(theme)
    return _feed(
        _("%(theme)s in every network", theme=theme.display_name),
        public_url("main.theme", theme_slug=theme_slug),
        feeds.latest_posts(board_ids=[b.id for b in boards]),
    )


@bp.get("/n/<network_slug>/feed.atom")
@for_visitors(for_everyone=True)
def network(network_slug: str):
    network = browsing.get_network(network_slug) or abort(404)
    boards = browsing.boards_of_network(network)
    return _feed(
        network.display_name,
        public_url("main.network", network_slug=network_slug),
        feeds.latest_posts(board_ids=[b.id for b in boards]),
    )


@bp.get("/threads/<int:thread_id>/feed.atom")
@for_visitors(shows="thread", for_everyone=True)
def thread(thread_id: int):
    thread = browsing.get_thread(thread_id)
    if thread is None or thread.deleted_at is not None:
        abort(404)
    return _feed(
        thread.title,
        public_url("threads.show", thread_id=thread_id),
        feeds.latest_posts(thread_id=thread_id),
    )


def _feed(title: str, page_url: str, posts):  # noqa: ANN001, ANN202
    updated = max((post.edited_at or post.created_at for post in posts), default=utcnow())
    body = render_template(
        "feeds/atom.xml",
        title=title,
        page_url=page_url,
        self_url=public_url(request.endpoint, **request.view_args),
        link=public_url,
        posts=posts,
        updated=updated,
    )
    return body, 200, {"Content-Type": ATOM}
