"""What the administrators see of the mail outbox, and a test message to check the set-up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from forum.database import write_transaction
from forum.extensions import db
from forum.mail import outbox
from forum.models import MailOutbox, User

SHOWN = 100


@dataclass
class MailStatus:
    counts: dict[str, int]  # pending, sent, skipped, failed
    troubled: list[MailOutbox]  # failed, and pending after a failed attempt, newest first
    usernames: dict[int, str]


def overview() -> MailStatus:
    counts = dict(
        db.session.execute(
            select(MailOutbox.status, func.count()).group_by(MailOutbox.status)
        ).all()
    )
    troubled = list(
        db.session.scalars(
            select(MailOutbox)
            .where(
                (MailOutbox.status == "failed")
                | ((MailOutbox.status == "pending") & (MailOutbox.attempts > 0))
            )
            .order_by(MailOutbox.id.desc())
            .limit(SHOWN)
        )
    )
    ids = {row.user_id for row in troubled if row.user_id}
    usernames = dict(
        db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()
    )
    return MailStatus(
        {status: counts.get(status, 0) for status in ("pending", "sent", "skipped", "failed")},
        troubled,
        usernames,
    )


def send_check(admin: User) -> None:
    """A message to the administrator's own address: is the mail set-up working?"""
    with write_transaction() as session:
        outbox.queue(session, "mail_check", user_id=admin.id, to_address=admin.email)


def retry_failed() -> int:
    return outbox.retry_failed()
