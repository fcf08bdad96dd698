"""Atom feeds: the newest posts that anyone may read, of a board, a theme, a network or a thread."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from forum.extensions import db
from forum.models import Board, Post, Thread

FEED_ENTRIES = 30


def latest_posts(
    *, board_ids: Sequence[int] | None = None, thread_id: int | None = None
) -> Sequence[Post]:
    """Newest first; hidden and deleted posts, and posts of deleted threads, never appear."""
    query = (
        select(Post)
        .join(Post.thread)
        .where(
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Thread.deleted_at.is_(None),
        )
        .options(
            contains_eager(Post.thread).joinedload(Thread.board).joinedload(Board.network),
            joinedload(Post.author),
        )
        .order_by(Post.id.desc())
        .limit(FEED_ENTRIES)
    )
    if board_ids is not None:
        query = query.where(Thread.board_id.in_(board_ids))
    if thread_id is not None:
        query = query.where(Post.thread_id == thread_id)
    return db.session.scalars(query).unique().all()
