"""What each page shows, fetched in a fixed number of queries whatever its size."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from forum.extensions import db
from forum.models import Board, Network, Post, Theme, Thread, ThreadKind


@dataclass
class Page:
    items: Sequence[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


@dataclass
class BoardStats:
    thread_count: int = 0
    latest: Thread | None = None


@dataclass
class NetworkOverview:
    network: Network
    boards: list[Board] = field(default_factory=list)


class PageOutOfRange(LookupError):
    pass


def networks_with_boards() -> list[NetworkOverview]:
    boards = db.session.scalars(
        select(Board).join(Board.network).order_by(Network.position, Network.id, Board.position)
    ).all()
    overviews: dict[int, NetworkOverview] = {}
    for board in boards:
        overviews.setdefault(board.network_id, NetworkOverview(board.network)).boards.append(board)
    return list(overviews.values())


def board_stats(board_ids: Sequence[int]) -> dict[int, BoardStats]:
    """Thread counts and the latest active thread of each board: two queries in all."""
    if not board_ids:
        return {}
    stats = {board_id: BoardStats() for board_id in board_ids}
    counts = db.session.execute(
        select(Thread.board_id, func.count(Thread.id))
        .where(Thread.board_id.in_(board_ids), Thread.deleted_at.is_(None))
        .group_by(Thread.board_id)
    )
    for board_id, count in counts:
        stats[board_id].thread_count = count
    ranked = (
        select(
            Thread.id,
            func.row_number()
            .over(partition_by=Thread.board_id, order_by=Thread.last_activity_at.desc())
            .label("rank"),
        )
        .where(Thread.board_id.in_(board_ids), Thread.deleted_at.is_(None))
        .subquery()
    )
    latest = db.session.scalars(
        select(Thread)
        .join(ranked, ranked.c.id == Thread.id)
        .where(ranked.c.rank == 1)
        .options(joinedload(Thread.last_poster))
    )
    for thread in latest:
        stats[thread.board_id].latest = thread
    return stats


def get_network(slug: str) -> Network | None:
    return db.session.scalar(select(Network).where(Network.slug == slug))


def get_theme(slug: str) -> Theme | None:
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def all_themes() -> Sequence[Theme]:
    return db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)).all()


def get_board(network_slug: str, theme_slug: str) -> Board | None:
    return db.session.scalar(
        select(Board)
        .join(Board.network)
        .join(Board.theme)
        .where(Network.slug == network_slug, Theme.slug == theme_slug)
    )


def boards_of_network(network: Network) -> Sequence[Board]:
    return db.session.scalars(
        select(Board).where(Board.network_id == network.id).order_by(Board.position, Board.id)
    ).all()


def boards_of_theme(theme: Theme) -> Sequence[Board]:
    return db.session.scalars(
        select(Board)
        .join(Board.network)
        .where(Board.theme_id == theme.id)
        .order_by(Network.position, Network.id)
    ).all()


def board_threads(board: Board, page: int, per_page: int, kind: ThreadKind | None) -> Page:
    query = select(Thread).where(Thread.board_id == board.id)
    return _thread_page(query, page, per_page, kind, pinned_first=True)


def threads_across_boards(
    board_ids: Sequence[int], page: int, per_page: int, kind: ThreadKind | None
) -> Page:
    """A theme page or network page: threads from many boards, latest activity first."""
    query = select(Thread).where(Thread.board_id.in_(board_ids))
    return _thread_page(query, page, per_page, kind, pinned_first=False)


def _thread_page(
    query: Select, page: int, per_page: int, kind: ThreadKind | None, *, pinned_first: bool
) -> Page:
    query = query.where(Thread.deleted_at.is_(None))
    if kind is not None:
        query = query.where(Thread.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    _check_page(page, total, per_page)
    order = [Thread.last_activity_at.desc(), Thread.id.desc()]
    if pinned_first:
        order.insert(0, Thread.is_pinned.desc())
    threads = db.session.scalars(
        query.options(
            joinedload(Thread.author),
            joinedload(Thread.last_poster),
            joinedload(Thread.board),
        )
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(threads, page, per_page, total)


def get_thread(thread_id: int) -> Thread | None:
    return db.session.scalar(
        select(Thread)
        .where(Thread.id == thread_id)
        .options(joinedload(Thread.board), joinedload(Thread.author))
    )


def thread_posts(thread: Thread, page: int | None, per_page: int) -> Page:
    """A page of a thread's posts, deleted ones included (shown as placeholders); None: the last."""
    query = select(Post).where(Post.thread_id == thread.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if page is None:
        page = max(1, math.ceil(total / per_page))
    _check_page(page, total, per_page)
    posts = db.session.scalars(
        query.options(joinedload(Post.author))
        .order_by(Post.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    for post in posts:
        # the page already holds the thread: no query per post for it
        set_committed_value(post, "thread", thread)
    return Page(posts, page, per_page, total)


def page_of_post(post: Post, per_page: int) -> int:
    before = db.session.scalar(
        select(func.count(Post.id)).where(Post.thread_id == post.thread_id, Post.id < post.id)
    )
    return (before or 0) // per_page + 1


def get_post(post_id: int) -> Post | None:
    return db.session.scalar(
        select(Post)
        .where(Post.id == post_id)
        .options(joinedload(Post.thread).joinedload(Thread.board), joinedload(Post.author))
    )


def user_threads(user_id: int, limit: int = 10) -> Sequence[Thread]:
    return db.session.scalars(
        select(Thread)
        .where(Thread.author_id == user_id, Thread.deleted_at.is_(None))
        .options(joinedload(Thread.board))
        .order_by(Thread.created_at.desc())
        .limit(limit)
    ).all()


def _check_page(page: int, total: int, per_page: int) -> None:
    if page < 1 or (page > 1 and (page - 1) * per_page >= total):
        raise PageOutOfRange(page)
