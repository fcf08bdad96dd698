"""Who hears about an event: a board's watchers of a new one; registered (and waiting) members
of a change, a cancellation, a place that freed for them, and the day-before reminder.

Called inside a service's write transaction: the notifications (and their e-mail) are written
with the change and delivered after the commit (forum.services.notifications).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.models import (
    Board,
    Event,
    NotificationKind,
    Registration,
    RegistrationStatus,
    User,
    Watch,
)
from forum.services import notifications

NEW, PLACE, CHANGED, CANCELLED, REMINDER = "new", "place", "changed", "cancelled", "reminder"


def on_new_event(session: Session, actor: User, event: Event, board: Board | None) -> None:
    if board is None:
        return
    watchers = session.scalars(
        select(Watch.user_id).where(Watch.board_id == board.id, Watch.watching.is_(True))
    )
    _send(session, actor, event, watchers, NEW)


def on_place(session: Session, event: Event, user_id: int) -> None:
    """A member moved up from the waiting list."""
    _send(session, None, event, [user_id], PLACE)


def on_changed(session: Session, actor: User, event: Event) -> None:
    _send(session, actor, event, _attending(session, event.id), CHANGED)


def on_cancelled(session: Session, actor: User, event: Event) -> None:
    _send(session, actor, event, _attending(session, event.id), CANCELLED)


def on_reminder(session: Session, event: Event) -> None:
    registered = session.scalars(
        select(Registration.user_id).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.registered,
        )
    )
    _send(session, None, event, registered, REMINDER)


def _attending(session: Session, event_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Registration.user_id).where(
                Registration.event_id == event_id,
                Registration.status.in_(
                    (RegistrationStatus.registered, RegistrationStatus.waiting)
                ),
            )
        )
    )


def _send(
    session: Session, actor: User | None, event: Event, user_ids: Iterable[int], what: str
) -> None:
    reasons = dict.fromkeys(user_ids, NotificationKind.event)
    data = {"event_id": event.id, "event": event.title, "what": what}
    notifications.send_event_notice(session, reasons, actor, data)
