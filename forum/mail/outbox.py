"""Sending that never loses a message: queued with its cause, sent after the commit, retried.

queue() adds a MailOutbox row to the caller's write transaction. send_due() sends what is due:
it claims each row (and the rest of its group) with one conditional UPDATE, so two server
processes never send the same message; a failure puts the row back with a longer wait each
time, and after MAX_ATTEMPTS it is marked failed, for the administrators' mail page. A mail
server that cannot be reached stops the pass: the rest wait for the next one.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from forum.database import after_commit, run_every, write_transaction
from forum.extensions import db, mail
from forum.models import MailOutbox, User
from forum.models._time import utcnow

logger = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)  # a claimed row whose sender died is sent by another after this
MAX_ATTEMPTS = 8  # by default 1, 2, 4 ... 64 minutes apart: about four hours of trying
UNREACHABLE = (OSError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)


def queue(
    session: Session,
    kind: str,
    *,
    user_id: int | None = None,
    to_address: str | None = None,
    data: dict[str, Any] | None = None,
    group_key: str | None = None,
    delay: float = 0,
) -> MailOutbox:
    """A message to send once this transaction commits (after delay seconds)."""
    row = MailOutbox(
        kind=kind,
        user_id=user_id,
        to_address=to_address,
        data=data or {},
        group_key=group_key,
        due_at=utcnow() + timedelta(seconds=delay),
    )
    session.add(row)
    if delay <= 0:
        after_commit(_send_soon)
    return row


_wake_sender: threading.Event | None = None  # the server's sender thread, when it runs


def _send_soon() -> None:
    """After the commit: in a server, wake its sender thread (a mail server that hangs must
    not hold up the after-commit work of others: live notifications, indexing); without one
    (commands, tests), send now."""
    if _wake_sender is not None:
        _wake_sender.set()
    else:
        send_due()


def send_due(now: datetime | None = None) -> int:
    """Send every message due by now; returns how many were sent."""
    now = now or utcnow()
    due = db.session.scalars(
        select(MailOutbox.id)
        .where(
            MailOutbox.status == "pending",
            MailOutbox.due_at <= now,
            or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until < now),
        )
        .order_by(MailOutbox.due_at, MailOutbox.id)
        .limit(BATCH)
    ).all()
    db.session.commit()  # no read transaction held while talking to the mail server
    sent = 0
    connection = mail.get_connection()
    try:
        for row_id in due:
            try:
                outcome = _send_one(row_id, now, connection)
            except OperationalError as error:  # the database busy past its timeout
                db.session.rollback()
                logger.warning("mail waits for a busy database: %s", error.orig)
                break
            sent += outcome == "sent"
            if outcome == "unreachable":
                break
    finally:
        try:
            connection.close()
        except Exception:  # closing a connection that failed to open
            logger.debug("closing the mail connection failed", exc_info=True)
    return sent


def _send_one(row_id: int, now: datetime, connection: Any) -> str:
    from forum.mail.compose import build

    rows = _claim(row_id, now)
    if not rows:
        return "taken"
    user = db.session.get(User, rows[0].user_id) if rows[0].user_id else None
    try:
        message = build(rows, user)
    except Exception as error:  # a fault in composing must not hold up the queue
        logger.exception("composing mail %s failed", row_id)
        _finish(rows, "failed", repr(error))
        return "failed"
    if message is None:
        _finish(rows, "skipped")
        return "skipped"
    try:
        connection.send_messages([message])
    except (*UNREACHABLE, smtplib.SMTPException) as error:
        logger.warning("sending mail %s failed: %s", row_id, error)
        _retry(rows, now, error)
        if isinstance(error, UNREACHABLE):
            connection.close()
            return "unreachable"
        return "retry"
    _record_sent(rows)
    return "sent"


def _record_sent(rows: list[MailOutbox]) -> None:
    """A sent message must be marked sent, or its lease would run out and it would go again:
    a database busy past its timeout is waited for, a few times over."""
    for wait in (1, 2, 4, 8, 0):
        try:
            _finish(rows, "sent")
            return
        except OperationalError:
            db.session.rollback()
            if not wait:
                raise
            time.sleep(wait)


def _claim(row_id: int, now: datetime) -> list[MailOutbox]:
    """This row, and the pending rows of its group, for this sender alone; [] if another
    sender holds the row, or if its group is still gathering (see _gathering)."""
    claimer = secrets.token_hex(8)
    with write_transaction() as session:
        group = session.scalar(select(MailOutbox.group_key).where(MailOutbox.id == row_id))
        which = MailOutbox.id == row_id if group is None else MailOutbox.group_key == group
        unclaimed = [
            which,
            MailOutbox.status == "pending",
            or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until < now),
        ]
        if group is not None and _gathering(session, unclaimed, now):
            return []
        # the lease runs from the real time: a long pass must not hand its last rows to another
        # sender while it is still sending them
        lease_end = max(now, utcnow()) + LEASE
        session.execute(
            update(MailOutbox).where(*unclaimed).values(claimed_by=claimer, claimed_until=lease_end)
        )
        rows = list(
            session.scalars(
                select(MailOutbox).where(MailOutbox.claimed_by == claimer).order_by(MailOutbox.id)
            )
        )
        if rows and row_id not in {row.id for row in rows}:  # another sender has the row
            for row in rows:
                row.claimed_by, row.claimed_until = None, None
            return []
    return rows


def _gathering(session: Session, unclaimed: list, now: datetime) -> bool:
    """A group (a member's notifications in one thread) is sent once its newest row is due,
    so each notification has had its unread delay and a busy thread makes one message; but
    it waits at most one more delay after its first row fell due."""
    first_due, last_due = session.execute(
        select(func.min(MailOutbox.due_at), func.max(MailOutbox.due_at)).where(*unclaimed)
    ).one()
    if last_due is None or last_due <= now:
        return False
    return now - first_due < timedelta(seconds=current_app.config["MAIL_UNREAD_DELAY"])


def _finish(rows: list[MailOutbox], status: str, error: str = "") -> None:
    with write_transaction() as session:
        for row in rows:
            session.add(row)
            row.status, row.finished_at, row.claimed_by, row.claimed_until = (
                status,
                utcnow(),
                None,
                None,
            )
            row.last_error = error[:500]


def _retry(rows: list[MailOutbox], now: datetime, error: Exception) -> None:
    with write_transaction() as session:
        for row in rows:
            session.add(row)
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:500]
            row.claimed_by, row.claimed_until = None, None
            if row.attempts >= MAX_ATTEMPTS:
                row.status, row.finished_at = "failed", utcnow()
            else:
                wait = current_app.config["MAIL_RETRY_AFTER"] * 2 ** (row.attempts - 1)
                row.due_at = now + timedelta(seconds=wait)


def retry_failed(row_ids: list[int] | None = None) -> int:
    """An administrator sends failed messages again (all, or these); returns how many."""
    with write_transaction() as session:
        which = [MailOutbox.status == "failed"]
        if row_ids is not None:
            which.append(MailOutbox.id.in_(row_ids))
        count = session.execute(
            update(MailOutbox)
            .where(*which)
            .values(status="pending", attempts=0, due_at=utcnow(), finished_at=None)
        ).rowcount
        after_commit(_send_soon)
    return count


def start_background_sender(app: Flask) -> threading.Thread:
    """In a server process: sends what is due (delayed notifications, retries) every few
    seconds."""
    global _wake_sender
    every = max(app.config["MAIL_SEND_EVERY"], 1)
    _wake_sender = threading.Event()
    return run_every(app, lambda: every, "mail-sender", send_due, wake=_wake_sender)
