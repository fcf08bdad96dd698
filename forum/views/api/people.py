"""Members' public profiles, the expert directory, and the calling member's notifications."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask_login import current_user

from forum.languages import lazy_gettext as _l
from forum.public_urls import public_address
from forum.services import (
    accounts,
    browsing,
    experts,
    inbox,
    institution_pages,
    profile_pages,
    profiles,
    slices,
)
from forum.services.experts import DirectoryFilter, Expertise
from forum.services.profiles import ShownAffiliation
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


AFFILIATION = {
    "type": ["object", "null"],
    "properties": {"institution": shapes.TEXT, "name": shapes.TEXT, "position": shapes.TEXT},
    "required": ["institution", "name", "position"],
    "additionalProperties": False,
}


def _affiliation(shown: ShownAffiliation | None) -> dict[str, str] | None:
    """Confirmed by the institution: `institution` is its slug (GET /institutions/{slug})."""
    if shown is None:
        return None
    return {"institution": shown.slug, "name": shown.name, "position": shown.position}


PROFILE = shapes.obj(
    username=shapes.TEXT,
    name=shapes.TEXT,
    # what the pages show: the confirmed institution's short name, else the member's words
    institution=shapes.TEXT,
    affiliation=AFFILIATION,
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
    summary=_l("A member's public profile"),
    tag=_l("People"),
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
        "affiliation": _affiliation(shown.affiliation),
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
    affiliation=AFFILIATION,
    country=shapes.MAYBE_TEXT,
    expertise={"type": "array", "items": EXPERTISE},
)


@operation(
    bp,
    "GET",
    "/experts",
    summary=_l("The expert directory: verified experts first"),
    tag=_l("People"),
    response=shapes.listing(EXPERT),
    query={
        "theme": SLUG,
        "network": SLUG,
        "country": {"type": "string", "minLength": 2, "maxLength": 2},
        "verified": {"type": "string", "enum": ["true", "false"], "default": "false"},
        "institution": {"type": "string", "minLength": 1, "maxLength": 80},
        "q": {"type": "string", "maxLength": 100},
        **cursors.QUERY,
    },
)
def expert_directory(query: dict[str, Any]) -> dict[str, Any]:
    institution = known(institution_pages.find, "institution", query["institution"])
    criteria = DirectoryFilter(
        theme=known(browsing.get_theme, "theme", query["theme"]),
        network=known(browsing.get_network, "network", query["network"]),
        country=query["country"],
        verified_only=query["verified"] == "true",
        text=(query["q"] or "").strip(),
        institution_id=institution.id if institution is not None else None,
    )
    check_country(criteria.country, "country")
    page, per_page = cursors.position(query, current_app.config["THREADS_PER_PAGE"])
    members = experts.directory(criteria, page, per_page)
    ids = [m.id for m in members.items]
    expertise, confirmed = experts.expertise_of(ids), profiles.confirmed_affiliations(ids)
    items = [
        {
            "username": m.username,
            "name": m.display_name or m.username,
            "institution": confirmed[m.id].short if m.id in confirmed else m.institution,
            "affiliation": _affiliation(confirmed.get(m.id)),
            "country": m.country,
            "expertise": _expertise(expertise.get(m.id, [])),
        }
        for m in members.items
    ]
    return cursors.listing(items, members, query)


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
    summary=_l("The calling member's notifications, newest first (or only the unread ones)"),
    tag=_l("Notifications"),
    response=shapes.listing(NOTIFICATION),
    query={
        "unread": {"type": "string", "enum": ["true", "false"], "default": "false"},
        **cursors.QUERY,
    },
    access="member",
    errors=(401,),
)
def notifications(query: dict[str, Any]) -> dict[str, Any]:
    order = slices.NOTIFICATIONS
    after, limit = cursors.key(query, current_app.config["THREADS_PER_PAGE"], order)
    found = inbox.newest_after(current_user.id, query["unread"] == "true", after, limit)
    items = [
        {
            "id": n.id,
            "kind": n.kind.value,
            "text": str(inbox.sentence(n)),
            "url": public_address(inbox.destination(n)),
            "created_at": shapes.when(n.created_at),
            "read": n.read_at is not None,
        }
        for n in found.items
    ]
    return cursors.slice_listing(items, found, order, limit, query)
