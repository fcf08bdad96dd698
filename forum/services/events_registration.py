"""Registering for an event and cancelling; the waiting list moves up in order.

Each call locks the event's row first (SELECT ... FOR UPDATE on PostgreSQL; on SQLite every
write transaction already holds the one write lock), so two members can never take the last
place together, and the counts kept on the event always match its registrations.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import permissions
from forum.database import write_transaction
from forum.models import Event, Registration, RegistrationStatus, User
from forum.models._time import utcnow
from forum.services import events_notices as notices
from forum.services.events import locked_event

REGISTERED, WAITING, CANCELLED = (
    RegistrationStatus.registered,
    RegistrationStatus.waiting,
    RegistrationStatus.cancelled,
)


def register(member: User, event: Event) -> RegistrationStatus:
    """Registered while places are left, else on the waiting list; said back to the member."""
    permissions.require(member, "register_event", event)
    with write_transaction() as session:
        locked = locked_event(session, event.id)
        permissions.require(member, "register_event", locked)  # as it is now, under the lock
        mine = _registration(session, locked.id, member.id)
        if mine is not None and mine.status != CANCELLED:
            return mine.status
        full = locked.capacity is not None and locked.registered_count >= locked.capacity
        status = WAITING if full or locked.waiting_count else REGISTERED
        now = utcnow()
        if mine is None:
            session.add(
                Registration(
                    event_id=locked.id, user_id=member.id, status=status, queued_at=now,
                    changed_at=now,
                )
            )  # fmt: skip
        else:  # back after cancelling: the end of the queue
            mine.status, mine.queued_at, mine.changed_at = status, now, now
        _count(locked, status, +1)
    return status


def unregister(member: User, event: Event) -> bool:
    """False when the member was not registered or waiting. A freed place goes to the first
    member waiting, who is told."""
    permissions.require(member, "unregister_event", event)
    with write_transaction() as session:
        locked = locked_event(session, event.id)
        mine = _registration(session, locked.id, member.id)
        if mine is None or mine.status == CANCELLED:
            return False
        _count(locked, mine.status, -1)
        mine.status, mine.changed_at = CANCELLED, utcnow()
        session.flush()
        fill_free_places(session, locked)
    return True


def fill_free_places(session: Session, event: Event) -> None:
    """Move the first members waiting up into free places, in the order they joined (inside a
    transaction holding the event's lock)."""
    free = None if event.capacity is None else event.capacity - event.registered_count
    if event.waiting_count == 0 or (free is not None and free <= 0):
        return
    waiting = select(Registration).where(
        Registration.event_id == event.id, Registration.status == WAITING
    )
    waiting = waiting.order_by(Registration.queued_at, Registration.id)
    waiting = waiting.execution_options(populate_existing=True)
    if free is not None:
        waiting = waiting.limit(free)
    now = utcnow()
    for registration in session.scalars(waiting).all():
        registration.status, registration.changed_at = REGISTERED, now
        _count(event, WAITING, -1)
        _count(event, REGISTERED, +1)
        notices.on_place(session, event, registration.user_id)


def status_of(member: User | None, event_id: int) -> RegistrationStatus | None:
    """The reader's registration, for the event page (one query; None for visitors)."""
    from forum.extensions import db

    if member is None or not member.is_authenticated:
        return None
    return db.session.scalar(
        select(Registration.status).where(
            Registration.event_id == event_id, Registration.user_id == member.id
        )
    )


def _registration(session: Session, event_id: int, user_id: int) -> Registration | None:
    return session.scalar(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.user_id == user_id)
        .execution_options(populate_existing=True)
    )


def _count(event: Event, status: RegistrationStatus, step: int) -> None:
    if status == REGISTERED:
        event.registered_count += step
    elif status == WAITING:
        event.waiting_count += step
