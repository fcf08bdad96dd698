"""What the events pages show, gathered before rendering: the list with its filters, one
event with the reader's registration, the organisers' list and its CSV, next events for the
network and theme pages. A fixed number of queries whatever the number of rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_datetime
from flask_babel import get_locale
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import (
    Event,
    EventKind,
    EventStatus,
    Institution,
    Network,
    Registration,
    RegistrationStatus,
    Theme,
    User,
)
from forum.models._time import utcnow
from forum.services import browsing, slices
from forum.services.browsing import Page
from forum.services.events_fields import from_utc, known_zone
from forum.services.institution_import import FORMULA_STARTS

NEXT_EVENTS = 3
_MONTH = re.compile(r"^(2\d{3})-(0[1-9]|1[0-2])$")  # years 2000-2999: any other is no month


@dataclass(frozen=True)
class EventFilter:
    network: str = ""
    theme: str = ""
    kind: str = ""
    country: str = ""
    month: str = ""  # YYYY-MM
    past: bool = False

    @classmethod
    def from_args(cls, args: Any) -> EventFilter:
        """Values we do not know are ignored: the list shows everything rather than an error."""
        kind = args.get("kind", "")
        month = args.get("month", "")
        return cls(
            network=args.get("network", "")[:64],
            theme=args.get("theme", "")[:64],
            kind=kind if kind in EventKind.__members__ else "",
            country=args.get("country", "")[:2].upper(),
            month=month if _MONTH.match(month) else "",
            past=args.get("past") == "1",
        )


@dataclass(frozen=True)
class When:
    """An event's times as a reader sees them: in a zone, named."""

    starts: str
    ends: str
    zone: str
    starts_iso: str

    @property
    def text(self) -> str:
        return f"{self.starts} – {self.ends} ({self.zone})"


def reader_zone(reader: Any, event: Event) -> str:
    """The member's own zone if they chose one; visitors see the event's."""
    chosen = getattr(reader, "time_zone", "") if getattr(reader, "is_authenticated", False) else ""
    return chosen if chosen and known_zone(chosen) else event.time_zone


def when(event: Event, zone: str) -> When:
    starts, ends = from_utc(event.starts_at, zone), from_utc(event.ends_at, zone)
    locale = get_locale() or "en"
    pattern = "EEE d MMM yyyy, HH:mm"
    same_day = starts.date() == ends.date()
    abbreviation = starts.tzname() or ""
    named = (
        zone
        if abbreviation in ("", zone) or abbreviation.startswith(("+", "-"))
        else (f"{zone}, {abbreviation}")
    )
    return When(
        starts=format_datetime(starts, pattern, locale=locale),
        ends=format_datetime(ends, "HH:mm" if same_day else pattern, locale=locale),
        zone=named,
        starts_iso=starts.isoformat(),
    )


def moment_text(moment: datetime | None, zone: str) -> str:
    """One stored moment (a deadline) in a zone, with the zone named."""
    if moment is None:
        return ""
    local = from_utc(moment, zone)
    text = format_datetime(local, "EEE d MMM yyyy, HH:mm", locale=get_locale() or "en")
    return f"{text} ({zone})"


def _with_names(query: Select) -> Select:
    return query.options(
        joinedload(Event.network), joinedload(Event.theme), joinedload(Event.organiser_institution)
    )


def listing(shown: EventFilter, page: int, per_page: int) -> Page:
    query, order = _listed(shown)
    return browsing.paginate(query.order_by(*slices.order_by(order)), page, per_page)


def listing_after(shown: EventFilter, after: Sequence[Any] | None, limit: int) -> slices.Slice:
    """The API's list, read on after a cursor's event (in order_of(shown))."""
    query, order = _listed(shown)
    return slices.read(query, order, after, limit)


def order_of(shown: EventFilter) -> slices.Order:
    """Coming events soonest first, past ones latest first."""
    return slices.PAST_EVENTS if shown.past else slices.COMING_EVENTS


def _listed(shown: EventFilter) -> tuple[Select, slices.Order]:
    """The events a list shows (not proposals), filtered, and their order."""
    now = utcnow()
    query = _with_names(select(Event)).where(Event.status != EventStatus.proposed)
    query = query.where(Event.ends_at < now) if shown.past else query.where(Event.ends_at >= now)
    if shown.network:
        query = query.join(Network, Network.id == Event.network_id).where(
            Network.slug == shown.network
        )
    if shown.theme:
        query = query.join(Theme, Theme.id == Event.theme_id).where(Theme.slug == shown.theme)
    if shown.kind:
        query = query.where(Event.kind == EventKind(shown.kind))
    if shown.country:
        query = query.where(Event.country == shown.country)
    if shown.month:
        year, month = int(shown.month[:4]), int(shown.month[5:])
        first = datetime(year, month, 1)
        following = datetime(year + month // 12, month % 12 + 1, 1)
        # an event that overlaps the month, by UTC: close enough for a filter
        query = query.where(Event.starts_at < following, Event.ends_at >= first)
    return query, order_of(shown)


def next_events(*, network_id: int | None = None, theme_id: int | None = None) -> list[Event]:
    """The next few scheduled events of a network or a theme, for their pages."""
    query = _with_names(select(Event)).where(
        Event.status == EventStatus.scheduled, Event.ends_at >= utcnow()
    )
    if network_id is not None:
        query = query.where(Event.network_id == network_id)
    if theme_id is not None:
        query = query.where(Event.theme_id == theme_id)
    query = query.order_by(Event.starts_at, Event.id).limit(NEXT_EVENTS)
    return list(db.session.scalars(query).unique())


@dataclass(frozen=True)
class EventCard:
    event: Event
    when: When


def next_event_cards(
    *, network_id: int | None = None, theme_id: int | None = None
) -> list[EventCard]:
    """For the network and theme pages. Shown in each event's own zone: those pages are kept
    for visitors (forum.page_cache), and a member's zone would make them differ per reader."""
    found = next_events(network_id=network_id, theme_id=theme_id)
    return [EventCard(event, when(event, event.time_zone)) for event in found]


def get(event_id: int) -> Event | None:
    return db.session.scalar(_with_names(select(Event)).where(Event.id == event_id))


def institution_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Institution.slug, Institution.name).order_by(Institution.name))
    return [(slug, name) for slug, name in rows]


@dataclass(frozen=True)
class Attendee:
    username: str
    shown_name: str
    email: str
    institution: str
    country: str
    status: str
    queued_at: datetime


def registrations(event: Event) -> list[Attendee]:
    """Registered first, then the waiting list, each in the order they joined."""
    order = {RegistrationStatus.registered: 0, RegistrationStatus.waiting: 1}
    rows = db.session.execute(
        select(Registration.status, Registration.queued_at, User)
        .join(User, User.id == Registration.user_id)
        .where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.cancelled,
        )
        .order_by(Registration.queued_at, Registration.id)
    ).all()
    people = [
        Attendee(
            user.username,
            user.shown_name,
            user.email,
            user.institution,
            user.country or "",
            status.value,
            queued_at,
        )
        for status, queued_at, user in rows
    ]
    return sorted(people, key=lambda a: order[RegistrationStatus(a.status)])


def registrations_csv(event: Event, with_email: bool) -> str:
    """with_email: for the network's moderators only; members' addresses are private, and an
    organiser who is a member reaches registrants through the event's discussion."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ["username", "name", "email", "institution", "country", "status", "since"]
    writer.writerow([column for column in columns if with_email or column != "email"])
    for person in registrations(event):
        values = [
            person.username,
            person.shown_name,
            *([person.email] if with_email else []),
            person.institution,
            person.country,
            person.status,
            person.queued_at.strftime("%Y-%m-%d %H:%M UTC"),
        ]
        writer.writerow([_safe_cell(value) for value in values])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet would run as a formula is kept as text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def is_past(event: Event) -> bool:
    return event.ends_at < utcnow()


def reminders_due(within: timedelta = timedelta(days=1)) -> list[int]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(Event.id).where(
                Event.status == EventStatus.scheduled,
                Event.reminded_at.is_(None),
                Event.starts_at > now,
                Event.starts_at <= now + within,
            )
        )
    )
