"""The day-before reminder to members registered for an event: each event once, however often
it runs (`forum send-event-reminders`, or the server's own loop)."""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from forum.database import run_every, write_transaction
from forum.extensions import db
from forum.models import Event, EventStatus
from forum.models._time import utcnow
from forum.services import events_notices as notices
from forum.services import events_pages

REMIND_BEFORE = timedelta(days=1)
LOOP_EVERY = 600.0  # seconds between the server's own passes (unless DIGEST_TIMER)


def send_due_reminders() -> int:
    """Remind those registered for events starting within a day; the number of events. And
    mark the events that are over, so no kept page lists them as next any longer."""
    mark_events_over()
    sent = 0
    for event_id in events_pages.reminders_due(REMIND_BEFORE):
        with write_transaction() as session:
            locked = select(Event).where(Event.id == event_id).with_for_update()
            event = session.scalar(locked.execution_options(populate_existing=True))
            # checked again under the lock: another process may have sent it meanwhile
            if event is None or event.reminded_at is not None:
                continue
            if event.status != EventStatus.scheduled:
                continue
            event.reminded_at = utcnow()
            notices.on_reminder(session, event)
            sent += 1
    return sent


def mark_events_over() -> None:
    """Read first, written only when some ended: any write to events moves the kept pages'
    versions (an UPDATE matching no row too), and this runs every few minutes."""
    now = utcnow()
    over = select(Event.id).where(Event.over_at.is_(None), Event.ends_at < now)
    if db.session.scalar(over.limit(1)) is None:
        return
    with write_transaction() as session:
        for event in session.scalars(select(Event).where(Event.id.in_(over))):
            event.over_at = now


def start_reminder_loop(app: Flask) -> threading.Thread | None:
    """In a server process, beside the digests' loop, unless an external timer runs the
    commands (FORUM_DIGEST_TIMER=1)."""
    if app.config["DIGEST_TIMER"]:
        return None
    return run_every(app, lambda: LOOP_EVERY, "event reminders", send_due_reminders)
