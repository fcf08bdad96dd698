"""The daily or weekly digest: which members are due one, queued once each.

send_due_digests() is safe to run every few minutes, from cron (`forum send-digests`) or the
server's own loop, and from several processes at once: each member is claimed by a
conditional UPDATE of digest_sent_at in the transaction that queues their digest, so a
member claimed by another run is skipped. What the digest says is composed when it is sent
(forum.mail.digest_letters); members who visited the site in the last day are not sent one,
but their period moves on all the same.
"""

from __future__ import annotations

import threading
from datetime import datetime

from flask import Flask
from sqlalchemy import and_, or_, select, update

from forum.database import run_every, write_transaction
from forum.extensions import db
from forum.mail import outbox
from forum.mail import settings as mail_settings
from forum.models import User
from forum.models._time import utcnow

LOOP_EVERY = 600.0  # seconds between the server's own passes (unless DIGEST_TIMER)


def _due(now: datetime):  # noqa: ANN202
    daily, weekly = mail_settings.DIGEST_PERIOD["daily"], mail_settings.DIGEST_PERIOD["weekly"]
    return (
        select(User.id, User.digest_every, User.digest_sent_at, User.last_seen_at)
        .where(
            User.email_confirmed_at.is_not(None),
            or_(
                and_(User.digest_every == "daily", User.digest_sent_at.is_(None)),
                and_(User.digest_every == "daily", User.digest_sent_at <= now - daily),
                and_(User.digest_every == "weekly", User.digest_sent_at.is_(None)),
                and_(User.digest_every == "weekly", User.digest_sent_at <= now - weekly),
            ),
        )
        .order_by(User.id)
    )


def send_due_digests(now: datetime | None = None) -> int:
    """Queue a digest for every member due one; returns how many were queued."""
    now = now or utcnow()
    members = db.session.execute(_due(now)).all()
    db.session.commit()  # no read transaction held across the writes below
    queued = 0
    for member in members:
        start = member.digest_sent_at or now - mail_settings.DIGEST_PERIOD[member.digest_every]
        visited = (
            member.last_seen_at is not None
            and now - member.last_seen_at < mail_settings.RECENT_VISIT
        )
        with write_transaction() as session:
            # digest_sent_at is private to its member (no page shows it): a plain statement
            claimed = session.connection().execute(
                update(User.__table__)
                .where(
                    User.__table__.c.id == member.id,
                    User.__table__.c.digest_sent_at.is_not_distinct_from(member.digest_sent_at),
                )
                .values(digest_sent_at=now)
            )
            if claimed.rowcount != 1 or visited:
                continue  # another run has them; or they read the site itself
            outbox.queue(
                session,
                "digest",
                user_id=member.id,
                data={"start": start.isoformat(), "end": now.isoformat()},
            )
            queued += 1
    return queued


def start_digest_loop(app: Flask) -> threading.Thread | None:
    """In a server process: queue the digests that are due every ten minutes, unless an
    external timer runs `forum send-digests` (FORUM_DIGEST_TIMER=1)."""
    if app.config["DIGEST_TIMER"]:
        return None
    return run_every(app, lambda: LOOP_EVERY, "digests", send_due_digests)
