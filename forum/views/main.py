"""Home, network, board and theme pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from forum.models import ThreadKind
from forum.services import browsing

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    overviews = browsing.networks_with_boards()
    stats = browsing.board_stats([b.id for o in overviews for b in o.boards])
    return render_template("main/home.html", overviews=overviews, stats=stats)


@bp.get("/n/<network_slug>")
def network(network_slug: str):
    network = browsing.get_network(network_slug) or abort(404)
    boards = browsing.boards_of_network(network)
    board_ids = [b.id for b in boards]
    kind = _kind()
    threads = browsing.threads_across_boards(
        board_ids, _page_number(), current_app.config["THREADS_PER_PAGE"], kind
    )
    return render_template(
        "main/network.html",
        network=network,
        boards=boards,
        threads=threads,
        kind=kind,
        stats=browsing.board_stats(board_ids),
    )


@bp.get("/n/<network_slug>/<theme_slug>")
def board(network_slug: str, theme_slug: str):
    board = browsing.get_board(network_slug, theme_slug) or abort(404)
    kind = _kind()
    threads = browsing.board_threads(
        board, _page_number(), current_app.config["THREADS_PER_PAGE"], kind
    )
    return render_template("main/board.html", board=board, threads=threads, kind=kind)


@bp.get("/healthz")
def healthz():
    """For load balancers and the bench's baseline: answers without touching the database."""
    return {"status": "ok"}


@bp.get("/themes")
def themes():
    return render_template("main/themes.html", themes=browsing.all_themes())


@bp.get("/themes/<theme_slug>")
def theme(theme_slug: str):
    theme = browsing.get_theme(theme_slug) or abort(404)
    boards = browsing.boards_of_theme(theme)
    network_slug = request.args.get("network")
    shown = [b for b in boards if network_slug in (None, "", b.network.slug)]
    kind = _kind()
    threads = browsing.threads_across_boards(
        [b.id for b in shown], _page_number(), current_app.config["THREADS_PER_PAGE"], kind
    )
    return render_template(
        "main/theme.html",
        theme=theme,
        boards=boards,
        threads=threads,
        kind=kind,
        network_slug=network_slug,
        stats=browsing.board_stats([b.id for b in boards]),
    )


def _page_number() -> int:
    return request.args.get("page", 1, type=int)


def _kind() -> ThreadKind | None:
    try:
        return ThreadKind(request.args.get("kind", ""))
    except ValueError:
        return None  # no filter, or one we do not know: show every kind
