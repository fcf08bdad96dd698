"""Notifications, persisted per recipient, and what members watch or mute."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models._time import utcnow
from forum.models.threads import Thread
from forum.models.users import User


class NotificationKind(enum.StrEnum):
    # in order of precedence: when one event gives a member several reasons, the first wins
    mention = "mention"
    reply_to_my_thread = "reply_to_my_thread"
    reply_in_watched = "reply_in_watched"
    new_thread_watched = "new_thread_watched"
    question_in_expertise = "question_in_expertise"
    answer_accepted = "answer_accepted"
    helpful_votes = "helpful_votes"
    expertise_verified = "expertise_verified"
    expertise_revoked = "expertise_revoked"
    moderation = "moderation"
    event = "event"  # data["what"]: new, place, changed, cancelled, reminder (events_notices)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_inbox", "recipient_id", "read_at", "id"),
        # the API's list, newest first by id (an order no reading or grouping changes)
        Index("ix_notifications_recent", "recipient_id", "id"),
        # the inbox's order (inbox.listing): a page is read from it, not sorted each time
        Index(
            "ix_notifications_listing",
            "recipient_id",
            text("(read_at IS NOT NULL)"),
            text("created_at DESC"),
            text("id DESC"),
        ),
        # one unread grouped notification (helpful votes on one post) per recipient
        Index("ix_notifications_group", "recipient_id", "group_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = mapped_column(
        Enum(NotificationKind, native_enum=False, length=30, validate_strings=True)
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    # what the text needs beyond the rows above (a theme's name, a count, a reason)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    group_key: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise")
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id], lazy="raise")
    thread: Mapped[Thread | None] = relationship(lazy="raise")

    @property
    def recipient_username(self) -> str:
        return self.recipient.username


class Watch(db.Model):
    """A member watches (or mutes, watching=False) a thread or a board."""

    __tablename__ = "watches"
    __table_args__ = (
        # named here: the convention would give both the same name, which PostgreSQL refuses
        UniqueConstraint("user_id", "thread_id", name="uq_watches_user_thread"),
        UniqueConstraint("user_id", "board_id", name="uq_watches_user_board"),
        Index("ix_watches_thread", "thread_id"),
        Index("ix_watches_board", "board_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id"))
    watching: Mapped[bool] = mapped_column(default=True)
