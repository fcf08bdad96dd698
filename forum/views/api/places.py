"""Institutions and events through the API: the directory's and the events list's filters,
over the same services as their pages."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from forum import languages, permissions
from forum.languages import lazy_gettext as _l
from forum.models import CapacityKind, Event, EventKind, InstitutionKind
from forum.services import (
    browsing,
    events_pages,
    institution_directory,
    institution_pages,
    slices,
)
from forum.services.events_pages import EventFilter
from forum.views.api import bp, cursors, shapes
from forum.views.api.errors import invalid
from forum.views.api.reads import SLUG, check_country, known
from forum.views.api.spec import operation

COUNTRY = {"type": "string", "minLength": 2, "maxLength": 2}
INSTITUTION = shapes.obj(
    slug=shapes.TEXT,
    name=shapes.TEXT,
    acronym=shapes.TEXT,
    country=shapes.MAYBE_TEXT,
    kind=shapes.TEXT,
    networks={
        "type": "array",
        "items": shapes.obj(network=shapes.TEXT, role=shapes.TEXT),
    },
    capacities={
        "type": "array",
        "items": shapes.obj(kind=shapes.TEXT, themes={"type": "array", "items": shapes.TEXT}),
    },
)


@operation(
    bp,
    "GET",
    "/institutions",
    summary=_l("The institution directory, by name"),
    tag=_l("Institutions and events"),
    response=shapes.listing(INSTITUTION),
    query={
        "country": COUNTRY,
        "kind": {"type": "string", "enum": [k.value for k in InstitutionKind]},
        "network": SLUG,
        "theme": SLUG,
        "capacity": {"type": "string", "enum": [k.value for k in CapacityKind]},
        "q": {"type": "string", "maxLength": 100},
        **cursors.QUERY,
    },
)
def institutions(query: dict[str, Any]) -> dict[str, Any]:
    check_country(query["country"], "country")
    criteria = institution_directory.InstitutionFilter(
        country=query["country"],
        kind=InstitutionKind(query["kind"]) if query["kind"] else None,
        network=known(browsing.get_network, "network", query["network"]),
        theme=known(browsing.get_theme, "theme", query["theme"]),
        capacity=CapacityKind(query["capacity"]) if query["capacity"] else None,
        text=(query["q"] or "").strip(),
    )
    order = slices.INSTITUTIONS
    after, limit = cursors.key(query, current_app.config["THREADS_PER_PAGE"], order)
    shown, found = institution_directory.cards_after(criteria, after, limit, languages.current())
    items = [
        {
            "slug": card.slug,
            "name": card.name,
            "acronym": card.acronym,
            "country": card.country,
            "kind": card.kind.value,
            "networks": [{"network": n.slug, "role": n.role.value} for n in card.networks],
            "capacities": [{"kind": c.kind.value, "themes": c.themes} for c in card.capacities],
        }
        for card in shown
    ]
    return cursors.slice_listing(items, found, order, limit, query)


PERSON = shapes.obj(username=shapes.TEXT, name=shapes.TEXT)
CONTRIBUTION = shapes.obj(
    thread_id=shapes.ID,
    post_id={"type": ["integer", "null"]},
    title=shapes.TEXT,
    author=shapes.TEXT,
    network=shapes.TEXT,
    created_at=shapes.WHEN,
)
INSTITUTION_PAGE = shapes.obj(
    slug=shapes.TEXT,
    name=shapes.TEXT,
    acronym=shapes.TEXT,
    other_names={"type": "object", "additionalProperties": shapes.TEXT},
    country=shapes.MAYBE_TEXT,
    kind=shapes.TEXT,
    website=shapes.TEXT,
    description_html=shapes.TEXT,
    networks=INSTITUTION["properties"]["networks"],
    capacities={
        "type": "array",
        "items": shapes.obj(
            theme=shapes.TEXT,
            kind=shapes.TEXT,
            note=shapes.TEXT,
        ),
    },
    members={"type": "array", "items": shapes.obj(position=shapes.TEXT, **PERSON["properties"])},
    experts={
        "type": "array",
        "items": shapes.obj(
            theme=shapes.TEXT,
            verified_in={"type": "array", "items": shapes.TEXT},
            **PERSON["properties"],
        ),
    },
    good_practices={"type": "array", "items": CONTRIBUTION},
    accepted_answers={"type": "array", "items": CONTRIBUTION},
)


def _contribution(row: institution_pages.Contribution) -> dict[str, Any]:
    return {
        "thread_id": row.thread_id,
        "post_id": row.post_id,
        "title": row.title,
        "author": row.author,
        "network": row.network,
        "created_at": shapes.when(row.created_at),
    }


@operation(
    bp,
    "GET",
    "/institutions/<slug>",
    summary=_l("One institution as its page shows it: networks, capacities, members, experts"),
    tag=_l("Institutions and events"),
    response=INSTITUTION_PAGE,
    errors=(404,),
)
def institution(slug: str) -> dict[str, Any]:
    found = institution_pages.find(slug) or abort(404)
    shown = institution_pages.page(found, current_user)
    return {
        "slug": found.slug,
        "name": shown.name,
        "acronym": found.acronym,
        "other_names": dict(found.other_names or {}),
        "country": found.country,
        "kind": found.kind.value,
        "website": found.website,
        "description_html": found.description_html,
        "networks": [{"network": n.slug, "role": n.role.value} for n in shown.networks],
        "capacities": [
            {"theme": theme.slug, "kind": line.kind.value, "note": line.note}
            for theme in shown.capacities
            for line in theme.capacities
        ],
        "members": [
            {"username": p.username, "name": p.shown_name, "position": p.position}
            for p in shown.members
        ],
        "experts": [
            {"theme": theme.slug, "username": p.username, "name": p.shown_name, "verified_in": nets}
            for theme in shown.experts
            for p, nets in theme.experts
        ],
        "good_practices": [_contribution(row) for row in shown.practices],
        "accepted_answers": [_contribution(row) for row in shown.answers],
    }


EVENT = shapes.obj(
    id=shapes.ID,
    kind=shapes.TEXT,
    status=shapes.TEXT,
    title=shapes.TEXT,
    network=shapes.TEXT,
    theme=shapes.MAYBE_TEXT,
    starts_at=shapes.WHEN,
    ends_at=shapes.WHEN,
    time_zone=shapes.TEXT,
    city=shapes.TEXT,
    country=shapes.MAYBE_TEXT,
    online=shapes.FLAG,
    capacity={"type": ["integer", "null"]},
    registered=shapes.COUNT,
    thread_id={"type": ["integer", "null"]},
    description_html=shapes.TEXT,
)


def _event(row: Event) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind.value,
        "status": row.status.value,
        "title": row.title,
        "network": row.network.slug,
        "theme": row.theme.slug if row.theme is not None else None,
        "starts_at": shapes.when(row.starts_at),
        "ends_at": shapes.when(row.ends_at),
        "time_zone": row.time_zone,
        "city": row.city,
        "country": row.country,
        "online": bool(row.online_url),
        "capacity": row.capacity,
        "registered": row.registered_count,
        "thread_id": row.thread_id,
        "description_html": row.description_html,
    }


@operation(
    bp,
    "GET",
    "/events",
    summary=_l("Coming events (or past ones), soonest first, filtered as on the events page"),
    tag=_l("Institutions and events"),
    response=shapes.listing(EVENT),
    query={
        "network": SLUG,
        "theme": SLUG,
        "kind": {"type": "string", "enum": [k.value for k in EventKind]},
        "country": COUNTRY,
        "month": {"type": "string", "minLength": 7, "maxLength": 7},
        "past": {"type": "string", "enum": ["0", "1"], "default": "0"},
        **cursors.QUERY,
    },
)
def events(query: dict[str, Any]) -> dict[str, Any]:
    check_country(query["country"], "country")
    known(browsing.get_network, "network", query["network"])
    known(browsing.get_theme, "theme", query["theme"])
    given = MultiDict({k: v for k, v in query.items() if v is not None})
    shown = EventFilter.from_args(given)
    if query["month"] and not shown.month:
        raise invalid("month", _l("Give the month as YYYY-MM."))
    order = events_pages.order_of(shown)
    after, limit = cursors.key(query, current_app.config["THREADS_PER_PAGE"], order)
    listed = events_pages.listing_after(shown, after, limit)
    return cursors.slice_listing([_event(row) for row in listed.items], listed, order, limit, query)


@operation(
    bp,
    "GET",
    "/events/<int:event_id>",
    summary=_l("One event"),
    tag=_l("Institutions and events"),
    response=EVENT,
)
def event(event_id: int) -> dict[str, Any]:
    found = events_pages.get(event_id)
    if found is None or not permissions.may("see_event", found):
        abort(404)  # missing, or a proposal the caller may not see
    return _event(found)
