"""What each page shows, fetched in a fixed number of queries whatever its size."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from forum.database import read_once
from forum.extensions import db
from forum.models import (
    Board,
    ControlLevel,
    Network,
    Post,
    Theme,
    Thread,
    ThreadKind,
    ThreadTopic,
)
from forum.services import slices


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


@dataclass(frozen=True)
class ThreadFilter:
    """What a thread list shows: a kind, answered or not, and good-practice details."""

    kind: ThreadKind | None = None
    answered: bool | None = None  # only questions, answered or unanswered
    practice_country: str | None = None
    practice_sector: str | None = None
    practice_control: ControlLevel | None = None
    topic: str | None = None  # a concept of the vocabulary the threads are tagged with

    def apply(self, query: Select) -> Select:
        if self.topic is not None:
            tagged = select(ThreadTopic.thread_id).where(ThreadTopic.concept_id == self.topic)
            query = query.where(Thread.id.in_(tagged))
        if self.answered is not None:
            query = query.where(
                Thread.kind == ThreadKind.question, Thread.is_answered == self.answered
            )
        if self.kind is not None:
            query = query.where(Thread.kind == self.kind)
        for column, value in (
            (Thread.practice_country, self.practice_country),
            (Thread.practice_sector, self.practice_sector),
            (Thread.practice_control, self.practice_control),
        ):
            if value:
                query = query.where(column == value)
        return query


def paginate(query: Select, page: int, per_page: int) -> Page:
    """One count and one page of rows; a page past the end is a PageOutOfRange (404)."""
    total = (
        db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
    check_page(page, total, per_page)
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items, page, per_page, total)


def paginate_built(
    count: Select, rows: Select, parameters: dict[str, Any], page: int | None, per_page: int
) -> Page:
    """paginate() for statements built once: rows binds :limit and :offset. Page None: the
    last page."""
    total = db.session.scalar(count, parameters) or 0
    if page is None:
        page = max(1, math.ceil(total / per_page))
    check_page(page, total, per_page)
    window = {**parameters, "limit": per_page, "offset": (page - 1) * per_page}
    return Page(db.session.scalars(rows, window).unique().all(), page, per_page, total)


def networks_with_boards() -> list[NetworkOverview]:
    boards = db.session.scalars(
        select(Board).join(Board.network).order_by(Network.position, Network.id, Board.position)
    ).all()
    overviews: dict[int, NetworkOverview] = {}
    for board in boards:
        overviews.setdefault(board.network_id, NetworkOverview(board.network)).boards.append(board)
    return list(overviews.values())


def board_stats(board_ids: Sequence[int], *, with_latest: bool = True) -> dict[int, BoardStats]:
    """Thread counts and the latest active thread of each board: two queries in all (one
    without the latest threads)."""
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
    if not with_latest:
        return stats
    # one index seek per board (ix_threads_board_activity), not a ranking of every thread
    newest = (
        select(Thread.id)
        .where(Thread.board_id == Board.id, Thread.deleted_at.is_(None))
        .order_by(Thread.last_activity_at.desc())
        .limit(1)
        .correlate(Board)
        .scalar_subquery()
    )
    latest = db.session.scalars(
        select(Thread)
        .where(Thread.id.in_(select(newest).where(Board.id.in_(board_ids))))
        .options(joinedload(Thread.last_poster))
    )
    for thread in latest:
        stats[thread.board_id].latest = thread
    return stats


# The lookups every page of a network, board, theme or thread starts with, built once: made
# afresh, a statement costs SQLAlchemy about as much again as running it.
_NETWORK_BY_SLUG = select(Network).where(Network.slug == bindparam("slug"))
_THEME_BY_SLUG = select(Theme).where(Theme.slug == bindparam("slug"))
_BOARD_BY_SLUGS = (
    select(Board)
    .join(Board.network)
    .join(Board.theme)
    .where(Network.slug == bindparam("network_slug"), Theme.slug == bindparam("theme_slug"))
)
_THREAD_BY_ID = (
    select(Thread).where(Thread.id == bindparam("thread_id")).options(joinedload(Thread.board))
)
_THREAD_BY_ID_WITH_AUTHOR = _THREAD_BY_ID.options(joinedload(Thread.author))


def get_network(slug: str) -> Network | None:
    return db.session.scalar(_NETWORK_BY_SLUG, {"slug": slug})


def get_theme(slug: str) -> Theme | None:
    return db.session.scalar(_THEME_BY_SLUG, {"slug": slug})


def all_networks() -> Sequence[Network]:
    return _once_per_request("networks", select(Network).order_by(Network.position, Network.id))


def all_themes() -> Sequence[Theme]:
    return _once_per_request("themes", select(Theme).order_by(Theme.position, Theme.id))


def _once_per_request(name: str, query: Select) -> Sequence[Any]:
    """Short lists several parts of one page read (the form, the facets, the header): one
    query per request, whoever asks first."""
    return read_once(("list", name), lambda: db.session.scalars(query).all())


def get_board(network_slug: str, theme_slug: str) -> Board | None:
    return db.session.scalar(
        _BOARD_BY_SLUGS, {"network_slug": network_slug, "theme_slug": theme_slug}
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


def board_threads(board: Board, page: int, per_page: int, shown: ThreadFilter) -> Page:
    query = listed_threads([board.id], shown).order_by(*slices.order_by(slices.PINNED_FIRST))
    return paginate(query, page, per_page)


def threads_across_boards(
    board_ids: Sequence[int], page: int, per_page: int, shown: ThreadFilter
) -> Page:
    """A theme page or network page: threads from many boards, latest activity first."""
    query = listed_threads(board_ids, shown).order_by(*slices.order_by(slices.THREADS))
    return paginate(query, page, per_page)


def threads_after(
    board_ids: Sequence[int],
    shown: ThreadFilter,
    order: slices.Order,
    key: Sequence[Any] | None,
    limit: int,
) -> slices.Slice:
    """The API's thread lists in `order`, read after a cursor's thread."""
    return slices.read(listed_threads(board_ids, shown), order, key, limit)


def listed_threads(board_ids: Sequence[int], shown: ThreadFilter) -> Select:
    """The threads a list shows: these boards', not deleted, as filtered, with row details."""
    on_boards = (
        Thread.board_id == board_ids[0] if len(board_ids) == 1 else Thread.board_id.in_(board_ids)
    )
    query = select(Thread).where(on_boards, Thread.deleted_at.is_(None))
    return with_list_details(shown.apply(query))


def with_list_details(query: Select) -> Select:
    """What a thread row shows, loaded with the threads themselves."""
    return query.options(
        joinedload(Thread.author), joinedload(Thread.last_poster), joinedload(Thread.board)
    )


def move_targets(thread: Thread, *, admin: bool) -> Sequence[Board]:
    """Open boards a thread may move to: its network's, or every network's for admins."""
    query = select(Board).join(Board.network).where(Board.is_archived.is_(False))
    if not admin:
        query = query.where(Board.network_id == thread.board.network_id)
    return db.session.scalars(query.order_by(Network.position, Board.position)).all()


def get_thread(thread_id: int, *, with_author: bool = False) -> Thread | None:
    """A thread with its board (the board's network and theme); its author only when asked
    (the API's thread shows it). The thread page reads thread_heads.head instead."""
    statement = _THREAD_BY_ID_WITH_AUTHOR if with_author else _THREAD_BY_ID
    return db.session.scalar(statement, {"thread_id": thread_id})


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


def user_replies(user_id: int, limit: int = 10) -> Sequence[Post]:
    """A member's latest replies that everyone can still read."""
    return db.session.scalars(
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.author_id == user_id,
            Post.is_opening.is_(False),
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Thread.deleted_at.is_(None),
        )
        .options(joinedload(Post.thread).joinedload(Thread.board))
        .order_by(Post.created_at.desc())
        .limit(limit)
    ).all()


def check_page(page: int, total: int, per_page: int) -> None:
    if page < 1 or (page > 1 and (page - 1) * per_page >= total):
        raise PageOutOfRange(page)
