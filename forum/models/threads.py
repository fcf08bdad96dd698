from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models._time import utcnow
from forum.models.networks import Board
from forum.models.users import User


class ThreadKind(enum.StrEnum):
    question = "question"
    good_practice = "good_practice"
    discussion = "discussion"


class ControlLevel(enum.StrEnum):
    """The hierarchy of controls, most effective first."""

    elimination = "elimination"
    substitution = "substitution"
    engineering = "engineering"
    administrative = "administrative"
    ppe = "ppe"


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (
        # the board list: pinned first, then latest activity
        Index("ix_threads_board_listing", "board_id", "is_pinned", "last_activity_at"),
        Index("ix_threads_last_activity_at", "last_activity_at"),
        # each board's thread count and latest thread (the home, network and theme pages)
        Index("ix_threads_board_activity", "board_id", "deleted_at", "last_activity_at"),
        # the home page's newest questions, good practices and open questions
        Index("ix_threads_kind_created", "kind", "created_at"),
    )

    # how many @names its opening post's writer typed, for the page's notice; never stored
    mentions_written = 0

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[ThreadKind] = mapped_column(
        Enum(ThreadKind, native_enum=False, length=20, validate_strings=True)
    )
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # denormalised in the same transaction as each reply
    reply_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # a question with an accepted answer (kept with AcceptedAnswer in one transaction)
    is_answered: Mapped[bool] = mapped_column(default=False)
    # good practices: where, in which sector, at which level of the hierarchy of controls
    practice_country: Mapped[str | None] = mapped_column(String(2))
    practice_sector: Mapped[str | None] = mapped_column(String(1))  # ISIC Rev. 4 section
    practice_control: Mapped[ControlLevel | None] = mapped_column(
        Enum(ControlLevel, native_enum=False, length=20, validate_strings=True)
    )
    # raised with every change to what its pages show (forum.page_cache)
    page_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    board: Mapped[Board] = relationship(lazy="raise")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id], lazy="raise")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_thread_listing", "thread_id", "id"),)
    # how many @names the writer typed, for the page's notice; set by posting, never stored
    mentions_written = 0

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_opening: Mapped[bool] = mapped_column(default=False)
    body_source: Mapped[str] = mapped_column(Text)
    # sanitised once at write time; never rendered on read
    body_html: Mapped[str] = mapped_column(Text)
    # chosen by the writer or detected (forum.languages); "" for posts from before languages
    language: Mapped[str] = mapped_column(String(8), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    vote_count: Mapped[int] = mapped_column(default=0)  # helpful votes, kept with Vote rows
    # hidden by a moderator: members see a placeholder, moderators the text and why
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    thread: Mapped[Thread] = relationship(lazy="raise")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self) -> str:
        return f"<Post {self.id} in {self.thread_id}>"


class PostRevision(db.Model):
    """The text a post had before an edit; the newest text lives on the post."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(String(200))
    body_source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(db.Model):
    """A member found a reply helpful; one per member and post."""

    __tablename__ = "votes"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AcceptedAnswer(db.Model):
    """The reply that answered a question: at most one per thread."""

    __tablename__ = "accepted_answers"

    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), unique=True)
    accepted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(lazy="raise")
