"""Events: published by a network's moderators or proposed by members and approved; edited,
cancelled; their discussion thread, materials and report. Each call is one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import markup, permissions
from forum.database import write_transaction
from forum.languages import lazy_gettext as _l
from forum.models import (
    Event,
    EventKind,
    EventStatus,
    Institution,
    Network,
    Theme,
    User,
)
from forum.models._time import utcnow
from forum.services import ServiceError
from forum.services import events_discussion as discussion
from forum.services import events_notices as notices
from forum.services.audit import record
from forum.services.events_fields import CheckedEvent, EventFields, checked, cleaned, from_utc

MATERIALS_MAX = 20
REPORT_MAX = 20_000


def create(actor: User, network: Network, fields: EventFields) -> Event:
    """Published at once by a moderator of the network; a member's is a proposal."""
    event_checked = checked(cleaned(fields))
    publishes = permissions.why_not(actor, "create_event", network) is None
    if not publishes:
        permissions.require(actor, "propose_event", network)
    with write_transaction() as session:
        theme = _theme(session, event_checked.fields.theme)
        event = Event(
            network_id=network.id,
            status=EventStatus.scheduled if publishes else EventStatus.proposed,
            created_by_id=actor.id,
            approved_by_id=actor.id if publishes else None,
        )
        _apply(session, event, event_checked, theme)
        session.add(event)
        session.flush()
        if publishes:
            _publish(session, actor, event, network, theme)
        record(session, actor, "event.create", event, network_id=network.id, label=event.title)
    return event


def fields_of(event: Event, organiser_slug: str) -> EventFields:
    """What the edit form starts from: times as wall-clock in the event's zone."""
    zone = event.time_zone
    deadline = event.registration_deadline
    return EventFields(
        kind=event.kind.value,
        title=event.title,
        description=event.description_source,
        theme=event.theme.slug if event.theme_id else "",
        starts=from_utc(event.starts_at, zone).replace(tzinfo=None),
        ends=from_utc(event.ends_at, zone).replace(tzinfo=None),
        time_zone=zone,
        city=event.city,
        country=event.country or "",
        venue=event.venue,
        online_url=event.online_url,
        organiser_institution=organiser_slug,
        organiser_text=event.organiser_text,
        languages=list(event.languages),
        capacity=event.capacity,
        registration_deadline=from_utc(deadline, zone).replace(tzinfo=None) if deadline else None,
    )


def update(actor: User, event: Event, fields: EventFields) -> bool:
    """Save the changes; registered members hear of a change of time or place."""
    event_checked = checked(cleaned(fields))
    permissions.require(actor, "manage_event", event)
    if event.status == EventStatus.cancelled:
        raise ServiceError(_l("A cancelled event cannot be changed."))
    with write_transaction() as session:
        locked = locked_event(session, event.id)
        if event_checked.fields.capacity is not None and (
            event_checked.fields.capacity < locked.registered_count
        ):
            raise ServiceError(
                _l(
                    "%(n)d members are registered: give at least that many places, or cancel "
                    "registrations first.",
                    n=locked.registered_count,
                ),
                "capacity",
            )
        before = (locked.starts_at, locked.ends_at, locked.city, locked.venue, locked.online_url)
        theme = _theme(session, event_checked.fields.theme)
        _apply(session, locked, event_checked, theme)
        if not session.dirty:
            return False
        locked.updated_at = utcnow()
        locked.sequence += 1
        after = (locked.starts_at, locked.ends_at, locked.city, locked.venue, locked.online_url)
        if locked.capacity is not None or locked.waiting_count:
            from forum.services.events_registration import fill_free_places

            fill_free_places(session, locked)
        discussion.rewrite(session, locked)
        if before != after and locked.status == EventStatus.scheduled:
            notices.on_changed(session, actor, locked)
        record(
            session, actor, "event.edit", locked, network_id=locked.network_id, label=locked.title
        )
    return True


def approve(actor: User, event: Event) -> None:
    permissions.require(actor, "manage_event", event)
    with write_transaction() as session:
        locked = locked_event(session, event.id)
        if locked.status != EventStatus.proposed:  # under the lock: approved once
            raise ServiceError(_l("This event is not waiting for approval."))
        locked.status = EventStatus.scheduled
        locked.approved_by_id = actor.id
        network = session.get(Network, locked.network_id)
        theme = session.get(Theme, locked.theme_id) if locked.theme_id else None
        _publish(session, actor, locked, network, theme)
        record(
            session,
            actor,
            "event.approve",
            locked,
            network_id=locked.network_id,
            label=locked.title,
        )


def cancel(actor: User, event: Event) -> None:
    """A cancelled event stays on its page, marked so; everyone registered or waiting hears."""
    permissions.require(actor, "manage_event", event)
    with write_transaction() as session:
        locked = locked_event(session, event.id)
        if locked.status == EventStatus.cancelled:  # under the lock: told once
            raise ServiceError(_l("This event is already cancelled."))
        was_scheduled = locked.status == EventStatus.scheduled
        locked.status = EventStatus.cancelled
        locked.cancelled_at = locked.updated_at = utcnow()
        locked.sequence += 1
        if was_scheduled:
            notices.on_cancelled(session, actor, locked)
        record(
            session, actor, "event.cancel", locked, network_id=locked.network_id, label=locked.title
        )


def save_follow_up(
    actor: User, event: Event, materials: list[tuple[str, str]], report: str
) -> None:
    """After the event: links to its materials and a short report."""
    permissions.require(actor, "organise_event", event)
    if event.status != EventStatus.scheduled:
        raise ServiceError(_l("Only a scheduled event has materials and a report."))
    links = _checked_materials(materials)
    if len(report) > REPORT_MAX:
        raise ServiceError(_l("Keep the report under %(n)d characters.", n=REPORT_MAX), "report")
    try:
        report_html = markup.render(report) if report.strip() else ""
    except markup.TooComplex as error:
        raise ServiceError(error.message, "report") from None
    with write_transaction() as session:
        locked = locked_event(session, event.id)
        locked.materials = links
        locked.report_source = report.strip()
        locked.report_html = report_html
        locked.updated_at = utcnow()
        record(
            session, actor, "event.report", locked, network_id=locked.network_id, label=locked.title
        )


def _checked_materials(materials: list[tuple[str, str]]) -> list[dict[str, Any]]:
    from forum.services.events_fields import URL_MAX, WEB_ADDRESS

    links = []
    for title, url in materials:
        title, url = " ".join(title.split()), url.strip()
        if not title and not url:
            continue
        if not url or len(url) > URL_MAX or not WEB_ADDRESS.match(url):
            raise ServiceError(
                _l("Give each material's link as a full address, like https://example.org/a.pdf."),
                "materials",
            )
        links.append({"title": title[:200] or url, "url": url})
    if len(links) > MATERIALS_MAX:
        raise ServiceError(_l("At most %(n)d materials.", n=MATERIALS_MAX), "materials")
    return links


def locked_event(session: Session, event_id: int) -> Event:
    """The event's row, locked until the commit (PostgreSQL; SQLite's writers queue anyway):
    counts and the waiting list change one request at a time. populate_existing: the request
    read the event before (expire_on_commit is off); its counts as they are now, not then."""
    event = session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if event is None:
        raise ServiceError(_l("This event no longer exists."))
    return event


def _theme(session: Session, slug: str) -> Theme | None:
    if not slug:
        return None
    theme = session.scalar(select(Theme).where(Theme.slug == slug))
    if theme is None:
        raise ServiceError(_l("Choose the theme from the list."), "theme")
    return theme


def _apply(session: Session, event: Event, ok: CheckedEvent, theme: Theme | None) -> None:
    fields = ok.fields
    institution_id = None
    if fields.organiser_institution:
        institution_id = session.scalar(
            select(Institution.id).where(Institution.slug == fields.organiser_institution)
        )
        if institution_id is None:
            raise ServiceError(_l("Choose the organising institution from the list."), "organiser")
    values = {
        "kind": EventKind(fields.kind),
        "title": fields.title,
        "description_source": fields.description,
        "description_html": ok.description_html,
        "theme_id": theme.id if theme else None,
        "starts_at": ok.starts_at,
        "ends_at": ok.ends_at,
        "time_zone": fields.time_zone,
        "city": fields.city,
        "country": fields.country or None,
        "venue": fields.venue,
        "online_url": fields.online_url,
        "organiser_institution_id": institution_id,
        "organiser_text": fields.organiser_text,
        "languages": fields.languages,
        "capacity": fields.capacity,
        "registration_deadline": ok.deadline_at,
    }
    for name, value in values.items():
        if getattr(event, name, None) != value:
            setattr(event, name, value)


def _publish(
    session: Session, actor: User, event: Event, network: Network, theme: Theme | None
) -> None:
    """A scheduled event gets its discussion thread, and its network's watchers hear of it."""
    board = discussion.board_for(session, network.id, theme)
    if board is not None and event.thread_id is None:
        event.thread_id = discussion.open_thread(session, actor, event, board)
    notices.on_new_event(session, actor, event, board)
