"""The search outbox: what the index must catch up with, written with the content itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models._time import utcnow
from forum.models.threads import Post, Thread


class SearchOutbox(db.Model):
    """One change to index: a post (post_id set), a whole thread (post_id empty), or an
    institution (institution_id set, no thread).

    Rows are marked indexed rather than deleted at once, so a rebuild of the index can replay
    every change made while it ran; old indexed rows are pruned later.
    """

    __tablename__ = "search_outbox"
    __table_args__ = (Index("ix_search_outbox_pending", "indexed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    indexed_at: Mapped[datetime | None]

    # set on pending rows, so a new thread's ids are filled in by the flush
    thread: Mapped[Thread | None] = relationship(lazy="raise")
    post: Mapped[Post | None] = relationship(lazy="raise")
