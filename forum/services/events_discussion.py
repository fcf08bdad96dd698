"""An event's discussion thread, in its network's board for its theme: questions before,
notes after. Its opening post carries the event's summary and description, so the event is
found by full-text search through it (the thread is indexed like any other), and it is
rewritten when the event changes."""

from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import languages, markup, reference
from forum.forms.events import EVENT_KIND_LABELS
from forum.languages import lazy_gettext as _l
from forum.models import Board, Event, Post, Theme, Thread, ThreadKind, User
from forum.models._time import utcnow
from forum.services.events_pages import when


def board_for(session: Session, network_id: int, theme: Theme | None) -> Board | None:
    """The network's board for the event's theme; else its first open board."""
    boards = session.scalars(
        select(Board)
        .where(Board.network_id == network_id, Board.is_archived.is_(False))
        .order_by(Board.position, Board.id)
    ).all()
    if theme is not None:
        for board in boards:
            if board.theme_id == theme.id:
                return board
    return boards[0] if boards else None


def open_thread(session: Session, actor: User, event: Event, board: Board) -> int:
    now = utcnow()
    thread = Thread(
        board_id=board.id,
        author_id=actor.id,
        kind=ThreadKind.discussion,
        title=event.title,
        created_at=now,
        last_activity_at=now,
        last_poster_id=actor.id,
    )
    session.add(thread)
    session.flush()
    body = summary(event)
    session.add(
        Post(
            thread_id=thread.id,
            author_id=actor.id,
            is_opening=True,
            body_source=body,
            body_html=markup.render(body),
            language=languages.content_language(f"{event.title}\n{body}", ""),
            created_at=now,
        )
    )
    return thread.id


def rewrite(session: Session, event: Event) -> None:
    """The event changed: its thread's title and opening post follow (and are re-indexed)."""
    if event.thread_id is None:
        return
    thread = session.get(Thread, event.thread_id)
    opening = session.scalar(
        select(Post).where(Post.thread_id == event.thread_id, Post.is_opening.is_(True))
    )
    if thread is None or opening is None:
        return
    thread.title = event.title
    body = summary(event)
    if opening.body_source != body:
        opening.body_source, opening.body_html = body, markup.render(body)


def summary(event: Event) -> str:
    """Markdown: what, when (in the event's zone), where, the link, then its description."""
    address = (
        url_for("events.page", event_id=event.id)
        if has_request_context()
        else f"/events/{event.id}"
    )
    place = ", ".join(part for part in (event.venue, event.city) if part)
    if event.country:
        place = ", ".join(part for part in (place, reference.country_name(event.country)) if part)
    lines = [
        str(
            _l(
                "Questions before the event, notes after it: this is the discussion of "
                "“%(title)s”.",
                title=event.title,
            )
        ),
        "",
        f"- {EVENT_KIND_LABELS[event.kind.value]}: {when(event, event.time_zone).text}",
    ]
    if place:
        lines.append(f"- {_l('Where')}: {place}")
    if event.online_url:
        lines.append(f"- {_l('Online link')}: <{event.online_url}>")
    page = _l("The event’s page: registration and calendar")  # outside the f-string: extracted
    lines.append(f"- [{page}]({address})")
    if event.description_source:
        lines += ["", event.description_source]
    return "\n".join(lines)
