"""Institutions: adding and placing them in networks, editing, managers and affiliations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from forum import standing
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import Affiliation, Institution, InstitutionNetwork
from forum.permissions.basics import Policy, Reason, is_admin, sanctioned, signed_in


def institution_network_ids(institution: Institution) -> frozenset[int]:
    """The networks an institution is in: read once per institution object (a page asks
    several questions of it)."""
    cached = institution.__dict__.get("_network_ids")
    if cached is None:
        cached = frozenset(
            db.session.scalars(
                select(InstitutionNetwork.network_id).where(
                    InstitutionNetwork.institution_id == institution.id
                )
            )
        )
        institution.__dict__["_network_ids"] = cached
    return cached


def _moderates_any(user: Any, network_ids: Iterable[int]) -> bool:
    return is_admin(user) or bool(standing.of(user).moderated_network_ids.intersection(network_ids))


def _create_institution(user: Any, network_ids: set[int]) -> Reason | None:
    """A moderator adds institutions to the networks they moderate; an admin anywhere."""
    if is_admin(user):
        return None
    moderated = standing.of(user).moderated_network_ids if signed_in(user) else frozenset()
    if not moderated:
        return _l("Only moderators and administrators can add institutions.")
    return _place_institution(user, network_ids)


def _place_institution(user: Any, network_ids: set[int]) -> Reason | None:
    """Who is in a network, and in what role (member, focal point...), is for its moderators."""
    if is_admin(user) or set(network_ids) <= standing.of(user).moderated_network_ids:
        return None
    return _l("Only a network's moderators can add an institution to it or change its role there.")


def _edit_institution(user: Any, institution: Institution) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to edit institutions.")
    if institution.id in standing.of(user).managed_institution_ids:
        return None
    if _moderates_any(user, institution_network_ids(institution)):
        return None
    return _l(
        "Only the institution's managers, moderators of its networks and administrators can "
        "edit it."
    )


def _appoint_manager(user: Any, institution: Institution) -> Reason | None:
    if _moderates_any(user, institution_network_ids(institution)):
        return None
    return _l(
        "Only moderators of the institution's networks and administrators can choose its managers."
    )


def _claim_affiliation(user: Any, _institution: Institution) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to say where you work.")
    if standing.of(user).ban is not None:
        return sanctioned(user, 0)
    return None


def _confirm_affiliation(user: Any, affiliation: Affiliation) -> Reason | None:
    if signed_in(user) and affiliation.user_id == user.id:
        return _l("You cannot confirm your own affiliation: the institution's managers do.")
    return _edit_institution(user, affiliation.institution)


def _remove_affiliation(user: Any, affiliation: Affiliation) -> Reason | None:
    """A confirmed member taken off an institution's list (they left, or were confirmed by
    mistake): by those who confirm; a manager only by those who choose managers."""
    if signed_in(user) and affiliation.user_id == user.id:
        return _l("To leave an institution, say that you no longer work there.")
    if affiliation.is_manager:
        return _appoint_manager(user, affiliation.institution)
    return _edit_institution(user, affiliation.institution)


# the first two take a set of network ids, the rest the institution (or affiliation)
POLICIES: dict[str, Policy] = {
    "create_institution": _create_institution,
    "place_institution": _place_institution,
    "edit_institution": _edit_institution,
    "appoint_manager": _appoint_manager,
    "claim_affiliation": _claim_affiliation,
    "confirm_affiliation": _confirm_affiliation,  # and decline it
    "remove_affiliation": _remove_affiliation,
}
