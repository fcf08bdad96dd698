"""Reports and their review queue, sanctions, and the append-only audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models._time import utcnow
from forum.models.networks import Network
from forum.models.threads import Post
from forum.models.users import User


class ReportReason(enum.StrEnum):
    spam = "spam"
    off_topic = "off_topic"
    unsafe_advice = "unsafe_advice"  # in OSH a wrong answer can hurt someone: shown first
    abusive = "abusive"
    other = "other"


class ReportStatus(enum.StrEnum):
    open = "open"
    dismissed = "dismissed"
    actioned = "actioned"


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("post_id", "reporter_id"),
        Index("ix_reports_queue", "network_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"))  # the post's, for the queue
    reason: Mapped[ReportReason] = mapped_column(
        Enum(ReportReason, native_enum=False, length=20, validate_strings=True)
    )
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ReportStatus] = mapped_column(
        Enum(ReportStatus, native_enum=False, length=20, validate_strings=True),
        default=ReportStatus.open,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]

    post: Mapped[Post] = relationship(lazy="raise")
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id], lazy="raise")


class SanctionKind(enum.StrEnum):
    suspension = "suspension"  # no posting in one network until ends_at
    ban = "ban"  # site-wide: no logging in until ends_at (None: for good)


class Sanction(db.Model):
    __tablename__ = "sanctions"
    __table_args__ = (Index("ix_sanctions_user_active", "user_id", "lifted_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[SanctionKind] = mapped_column(
        Enum(SanctionKind, native_enum=False, length=20, validate_strings=True)
    )
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    network: Mapped[Network | None] = relationship(lazy="raise")

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > now)


class AuditEntry(db.Model):
    """One moderation or administration action. Appended, never edited or deleted."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_network", "network_id", "id"),
        # one target's history, newest first (an institution's page)
        Index("ix_audit_entries_target", "target_type", "target_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the CLI
    action: Mapped[str] = mapped_column(String(40))
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id"))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    target_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship(lazy="raise")
    network: Mapped[Network | None] = relationship(lazy="raise")
