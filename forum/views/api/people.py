"""Members' public profiles, the expert directory, and the calling member's notifications."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask_login import current_user

from forum.services import accounts, browsing, experts, inbox, profile_pages
from forum.services.experts import DirectoryFilter, Expertise
from forum.views.api import bp, cursors, shapes
from forum.views.api.reads import SLUG, check_country, known
from forum.views.api.spec import operation

EXPERTISE = shapes.obj(
    theme=shapes.TEXT,
    theme_name=shapes.TEXT,
    claimed=shapes.FLAG,
    verified_in={"type": "array", "items": shapes.TEXT},
)


def _expertise(found: list[Expertise]) -> list[dict[str, Any]]:
    return [
        {
            "theme": item.theme_slug,
            "theme_name": item.theme_name,
            "claimed": item.claimed,
            "verified_in": list(item.verified_in),
        }
        for item in found
    ]


PROFILE = shapes.obj(
    username=shapes.TEXT,
    name=shapes.TEXT,
    institution=shapes.TEXT,
    country=shapes.MAYBE_TEXT,
    bio_html=shapes.TEXT,
    joined_at=shapes.WHEN,
    networks={"type": "array", "items": shapes.TEXT},
    expertise={"type": "array", "items": EXPERTISE},
    accepted_answers=shapes.COUNT,
)


@operation(
    bp,
    "GET",
    "/members/<username>",
    summary="A member's public profile",
    tag="People",
    response=PROFILE,
    errors=(404,),
)
def member(username: str) -> dict[str, Any]:
    found = accounts.find_user(username) or abort(404)
    shown = profile_pages.profile_page(found)
    return {
        "username": found.username,
        "name": found.display_name or found.username,
        "institution": shown.affiliation.short if shown.affiliation else found.institution,
        "country": found.country,
        "bio_html": found.bio_html,
        "joined_at": shapes.when(found.created_at),
        "networks": [network.slug for network in shown.networks],
        "expertise": _expertise(shown.expertise),
        "accepted_answers": shown.accepted_count,
    }


EXPERT = shapes.obj(
    username=shapes.TEXT,
    name=shapes.TEXT,
    institution=shapes.TEXT,
    country=shapes.MAYBE_TEXT,
    expertise={"type": "array", "items": EXPERTISE},
)


@operation(
    bp,
    "GET",
    "/experts",
    summary="The expert directory: verified experts first",
    tag="People",
    response=shapes.listing(EXPERT),
    query={
        "theme": SLUG,
        "network": SLUG,
        "country": {"type": "string", "minLength": 2, "maxLength": 2},
        "verified": {"type": "string", "enum": ["true", "false"]},
        "q": {"type": "string", "maxLength": 100},
        **cursors.QUERY,
    },
)
def expert_directory(query: dict[str, Any]) -> dict[str, Any]:
    criteria = DirectoryFilter(
        theme=known(browsing.get_theme, "theme", query["theme"]),
        network=known(browsing.get_network, "network", query["network"]),
        country=query["country"],
        verified_only=query["verified"] == "true",
        text=(query["q"] or "").strip(),
    )
    check_country(criteria.country, "country")
    page, per_page = cursors.position(query, current_app.config["THREADS_PER_PAGE"])
    members = experts.directory(criteria, page, per_page)
    expertise = experts.expertise_of([m.id for m in members.items])
    items = [
        {
            "username": m.username,
            "name": m.display_name or m.username,
            "institution": m.institution,
            "country": m.country,
            "expertise": _expertise(expertise.get(m.id, [])),
        }
        for m in members.items
    ]
    return cursors.listing(items, members)


NOTIFICATION = shapes.obj(
    id=shapes.ID,
    kind=shapes.TEXT,
    text=shapes.TEXT,
    url=shapes.TEXT,
    created_at=shapes.WHEN,
    read=shapes.FLAG,
)


@operation(
    bp,
    "GET",
    "/notifications",
    summary="The calling member's notifications, unread first, then newest first",
    tag="Notifications",
    response=shapes.listing(NOTIFICATION),
    query=cursors.QUERY,
    access="member",
    errors=(401,),
)
def notifications(query: dict[str, Any]) -> dict[str, Any]:
    page, per_page = cursors.position(query, current_app.config["THREADS_PER_PAGE"])
    found = inbox.listing(current_user.id, page, per_page)
    items = [
        {
            "id": n.id,
            "kind": n.kind.value,
            "text": str(inbox.sentence(n)),
            "url": inbox.destination(n),
            "created_at": shapes.when(n.created_at),
            "read": n.read_at is not None,
        }
        for n in found.items
    ]
    return cursors.listing(items, found)
