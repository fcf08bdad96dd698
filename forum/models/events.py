"""Events of a network: study visits, workshops, panels, webinars; who registers, who waits.

Times are stored as naive UTC with the IANA zone the event happens in (time_zone): pages and
calendars show them in that zone, or in the reader's own.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models._time import utcnow
from forum.models.institutions import Institution
from forum.models.networks import Network, Theme
from forum.models.users import User


class EventKind(enum.StrEnum):
    study_visit = "study_visit"
    workshop = "workshop"  # training workshop
    conference = "conference"  # conference or panel session
    webinar = "webinar"
    meeting = "meeting"


class EventStatus(enum.StrEnum):
    proposed = "proposed"  # by a member; a moderator of its network approves it
    scheduled = "scheduled"
    cancelled = "cancelled"


class RegistrationStatus(enum.StrEnum):
    registered = "registered"
    waiting = "waiting"  # the event was full: moves up, in order, when a place frees
    cancelled = "cancelled"


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, validate_strings=True)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_status_starts", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind), index=True)
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus), default=EventStatus.scheduled)
    title: Mapped[str] = mapped_column(String(200))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")  # sanitised at write time
    starts_at: Mapped[datetime] = mapped_column(index=True)  # naive UTC
    ends_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA, e.g. Africa/Nouakchott
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    venue: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    organiser_institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id"), index=True
    )
    organiser_text: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1 codes
    capacity: Mapped[int | None]  # None: no limit
    registration_deadline: Mapped[datetime | None]  # naive UTC
    # kept here, changed under the event's lock: lists show places left without counting
    registered_count: Mapped[int] = mapped_column(default=0)
    waiting_count: Mapped[int] = mapped_column(default=0)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    # after the event: links [{"title", "url"}] and a short report
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    report_source: Mapped[str] = mapped_column(Text, default="")
    report_html: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the iCalendar SEQUENCE: raised with each change a calendar shows (and the cancellation),
    # so calendar clients replace their copy
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # the day-before reminder went out
    # set by the periodic pass once the event is over: the change raises the versions of the
    # visitors' kept pages (forum.page_cache) that listed it among the next events
    over_at: Mapped[datetime | None]

    network: Mapped[Network] = relationship(lazy="raise")
    theme: Mapped[Theme | None] = relationship(lazy="raise")
    organiser_institution: Mapped[Institution | None] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="raise")

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not (self.city or self.venue)

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered_count, 0)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class Registration(db.Model):
    """One member on one event: registered, waiting (in order of created_at, id) or
    cancelled; registering again after cancelling joins the end of the queue."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_event_registrations_event_user"),
        Index("ix_event_registrations_queue", "event_id", "status", "queued_at", "id"),
        Index("ix_event_registrations_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


class CalendarFeed(db.Model):
    """A member's private calendar address of their registrations; a new token revokes the
    old one."""

    __tablename__ = "event_calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
