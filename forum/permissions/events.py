"""Events: who creates, proposes, approves and edits them, who registers, who sees the list."""

from __future__ import annotations

from typing import Any

from forum import standing
from forum.languages import lazy_gettext as _l
from forum.models import Event, EventStatus, Network
from forum.models._time import utcnow
from forum.permissions.basics import Policy, Reason, moderates, sanctioned, signed_in


def _create_event(user: Any, network: Network) -> Reason | None:
    """Moderators of a network (and admins) publish its events directly."""
    if not moderates(user, network.id):
        return _l("Only moderators of this network can publish its events; members propose them.")
    return None


def _propose_event(user: Any, network: Network) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to propose an event.")
    return sanctioned(user, network.id)


def _see_event(user: Any, event: Event) -> Reason | None:
    """A proposal is seen by whoever proposed it and the network's moderators until approved."""
    if event.status != EventStatus.proposed:
        return None
    if signed_in(user) and (event.created_by_id == user.id or moderates(user, event.network_id)):
        return None
    return _l("This event is waiting for a moderator's approval.")


def _manage_event(user: Any, event: Event) -> Reason | None:
    """Edit, cancel, approve: the network's moderators and admins."""
    if not moderates(user, event.network_id):
        return _l("Only moderators of this event's network can change it.")
    return None


def _organise_event(user: Any, event: Event) -> Reason | None:
    """See and export the registrations, write the report and materials: the moderators, the
    member who proposed it, and the managers of the organising institution."""
    if not signed_in(user):
        return _l("Log in to see who registered.")
    if moderates(user, event.network_id) or event.created_by_id == user.id:
        return None
    managed = standing.of(user).managed_institution_ids
    if event.organiser_institution_id is not None and event.organiser_institution_id in managed:
        return None
    return _l("Only the event's organisers and the network's moderators can do that.")


def _register(user: Any, event: Event) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to register.")
    if event.status == EventStatus.cancelled:
        return _l("This event is cancelled.")
    if event.status != EventStatus.scheduled:
        return _l("This event is waiting for a moderator's approval.")
    now = utcnow()
    if event.starts_at <= now:
        return _l("Registration is closed: the event has started.")
    if event.registration_deadline is not None and event.registration_deadline < now:
        return _l("Registration is closed: the deadline has passed.")
    return sanctioned(user, event.network_id)


def _unregister(user: Any, event: Event) -> Reason | None:
    if not signed_in(user):
        return _l("Log in to cancel your registration.")
    if event.ends_at <= utcnow():
        return _l("This event is over.")
    return None


POLICIES: dict[str, Policy] = {
    "create_event": _create_event,  # the network
    "propose_event": _propose_event,  # the network
    "see_event": _see_event,
    "manage_event": _manage_event,
    "organise_event": _organise_event,
    "register_event": _register,
    "unregister_event": _unregister,
}
