"""iCalendar (RFC 5545) for events: one event's .ics, the feeds of a network and a theme, and
a member's private feed of their registrations (its address revocable: a new token).

Times are written in the event's own zone (DTSTART;TZID=...) with that zone's VTIMEZONE,
so calendars show them right wherever the reader is.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import (
    CalendarFeed,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    User,
)
from forum.models._time import utcnow
from forum.public_urls import public_url
from forum.services import ServiceError
from forum.services.events_fields import from_utc, known_zone

FEED_SPAN = timedelta(days=400)  # feeds hold events that ended up to this long ago, and all to come
FEED_MAX = 500
PRODID = "-//OSH e-Forum//Events//EN"


def calendar(events: Sequence[Event], name: str) -> bytes:
    cal = icalendar.Calendar.new(name=name, prodid=PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for zone, first, last in _zone_spans(events):
        cal.add_component(
            icalendar.Timezone.from_tzinfo(
                ZoneInfo(zone), tzid=zone, first_date=first, last_date=last
            )
        )
    for event in events:
        cal.add_component(_vevent(event))
    return cal.to_ical()


def _zone_spans(events: Sequence[Event]) -> list[tuple[str, date, date]]:
    spans: dict[str, tuple[date, date]] = {}
    for event in events:
        first = date(event.starts_at.year, 1, 1)
        last = date(min(event.ends_at.year + 1, date.max.year), 1, 1)
        if event.time_zone in spans:
            known = spans[event.time_zone]
            first, last = min(first, known[0]), max(last, known[1])
        spans[event.time_zone] = (first, last)
    return [(zone, first, last) for zone, (first, last) in sorted(spans.items())]


def _vevent(event: Event) -> icalendar.Event:
    zone = event.time_zone
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.id}@{_domain()}")
    vevent.add("dtstamp", event.updated_at.replace(tzinfo=UTC))
    vevent.add("last-modified", event.updated_at.replace(tzinfo=UTC))
    vevent.add("created", event.created_at.replace(tzinfo=UTC))
    for name, moment in (("dtstart", event.starts_at), ("dtend", event.ends_at)):
        local = from_utc(moment, zone).replace(tzinfo=None)
        vevent.add(name, local, parameters={"TZID": zone})
    vevent.add("summary", event.title)
    if event.description_source:
        vevent.add("description", event.description_source)
    place = ", ".join(part for part in (event.venue, event.city) if part)
    if place or event.online_url:
        vevent.add("location", place or event.online_url)
    vevent.add("url", public_url("events.page", event_id=event.id))
    cancelled = event.status == EventStatus.cancelled
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("sequence", event.sequence)
    return vevent


def _domain() -> str:
    return current_app.config.get("MAIL_DOMAIN") or "osh-eforum"


def _published(since_days: timedelta = FEED_SPAN):  # noqa: ANN202
    return (
        select(Event)
        .options(joinedload(Event.network))
        .where(
            Event.status != EventStatus.proposed,
            Event.ends_at >= utcnow() - since_days,
        )
        .order_by(Event.starts_at, Event.id)
        .limit(FEED_MAX)
    )


def network_events(network_id: int) -> list[Event]:
    return list(db.session.scalars(_published().where(Event.network_id == network_id)).unique())


def theme_events(theme_id: int) -> list[Event]:
    return list(db.session.scalars(_published().where(Event.theme_id == theme_id)).unique())


def member_events(user_id: int) -> list[Event]:
    query = _published().join(Registration, Registration.event_id == Event.id)
    query = query.where(
        Registration.user_id == user_id,
        Registration.status.in_((RegistrationStatus.registered, RegistrationStatus.waiting)),
    )
    return list(db.session.scalars(query).unique())


def feed_owner(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token == token)
    )


def feed_token(member: User) -> str | None:
    return db.session.scalar(select(CalendarFeed.token).where(CalendarFeed.user_id == member.id))


def renew_feed(member: User) -> str:
    """A new private address; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    with write_transaction() as session:
        feed = session.get(CalendarFeed, member.id)
        if feed is None:
            session.add(CalendarFeed(user_id=member.id, token=token))
        else:
            feed.token, feed.created_at = token, utcnow()
    return token


def set_time_zone(member: User, zone: str) -> bool:
    """The zone a member reads event times in; "" shows each event in its own zone."""
    zone = zone.strip()
    if zone and not known_zone(zone):
        raise ServiceError(
            _l("Unknown time zone %(zone)s: use a name like Europe/Paris or Asia/Jakarta.",
               zone=zone),
            "time_zone",
        )  # fmt: skip
    if zone == member.time_zone:
        return False
    with write_transaction() as session:
        session.get(User, member.id).time_zone = zone
    return True


def revoke_feed(member: User) -> bool:
    with write_transaction() as session:
        feed = session.get(CalendarFeed, member.id)
        if feed is None:
            return False
        session.delete(feed)
    return True
