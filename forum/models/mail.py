"""The mail outbox: every message the forum sends, written in the transaction that causes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models._time import utcnow


class MailOutbox(db.Model):
    """One message to send: what it is (kind), to whom, and when it is due.

    The text is composed when it is sent, not when it is queued: a notification mailed ten
    minutes later says what is still unread then, in the language the member reads then, and
    no secret (a reset link) sits in the database. Rows with the same group_key (a member's
    notifications in one thread) are sent as one message. A sender claims rows before sending
    (claimed_by, claimed_until), so two processes never send the same row.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_due", "status", "due_at"),
        Index("ix_mail_outbox_group", "group_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # set when the message goes to an address that is not the member's confirmed one (the
    # address being confirmed, the old address told of a change, a refused mail's sender)
    to_address: Mapped[str | None] = mapped_column(String(254))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    group_key: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # sent, skipped, failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
