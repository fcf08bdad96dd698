"""Members and the institutions they work for: a member says so (a claim, pending until the
institution's managers, a moderator of one of its networks or an admin confirm it), withdraws
it; the institution's deciders confirm or decline; moderators and admins choose its managers
among its confirmed members. Every decision is in the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from forum import permissions, standing
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import Affiliation, AffiliationStatus, Institution, User
from forum.models._time import utcnow
from forum.services import ServiceError
from forum.services.audit import record

POSITION_MAX = 120


def claim(member: User, institution: Institution, position: str) -> Affiliation:
    """ "I work here". One affiliation per member: a claim for another institution replaces the
    current one (and its managing) and is pending again; the same institution keeps its
    status and takes the new position."""
    permissions.require(member, "claim_affiliation", institution)
    position = " ".join((position or "").split())
    if len(position) > POSITION_MAX:
        raise ServiceError(
            _l("Keep your position under %(n)d characters.", n=POSITION_MAX), "position"
        )
    with write_transaction() as session:
        affiliation = session.get(Affiliation, member.id)
        if affiliation is None:
            affiliation = Affiliation(user_id=member.id, institution_id=institution.id)
            session.add(affiliation)
        elif affiliation.institution_id != institution.id:
            affiliation.institution_id = institution.id
            affiliation.is_manager = False
            _unconfirm(affiliation)
        elif affiliation.position != position:
            _unconfirm(affiliation)  # the confirmed tag vouches for the position shown with it
        affiliation.position = position
    standing.forget(member)
    return affiliation


def _unconfirm(affiliation: Affiliation) -> None:
    affiliation.status = AffiliationStatus.pending
    affiliation.confirmed_by_id = affiliation.confirmed_at = None
    affiliation.requested_at = utcnow()


def withdraw(member: User, institution: Institution) -> bool:
    """The member no longer works there (or no longer asks to); False if they were not."""
    with write_transaction() as session:
        affiliation = session.get(Affiliation, member.id)
        if affiliation is None or affiliation.institution_id != institution.id:
            return False
        session.delete(affiliation)
    standing.forget(member)
    return True


def request_of(institution: Institution, user_id: int) -> Affiliation | None:
    """A member's affiliation with this institution (pending or confirmed), or None."""
    affiliation = db.session.scalar(
        select(Affiliation).where(
            Affiliation.user_id == user_id, Affiliation.institution_id == institution.id
        )
    )
    if affiliation is not None:
        set_committed_value(affiliation, "institution", institution)
    return affiliation


def confirm(actor: User, affiliation: Affiliation) -> None:
    permissions.require(actor, "confirm_affiliation", affiliation)
    if affiliation.is_confirmed:
        return
    with write_transaction() as session:
        affiliation.status = AffiliationStatus.confirmed
        affiliation.confirmed_by_id = actor.id
        affiliation.confirmed_at = utcnow()
        _log(session, actor, "affiliation.confirm", affiliation)


def decline(actor: User, affiliation: Affiliation) -> None:
    """A pending request refused: it is gone, and the member may ask again."""
    permissions.require(actor, "confirm_affiliation", affiliation)
    if affiliation.is_confirmed:
        raise ServiceError(_l("This member's affiliation is already confirmed."))
    with write_transaction() as session:
        _log(session, actor, "affiliation.decline", affiliation)
        session.delete(affiliation)


def remove(actor: User, affiliation: Affiliation) -> None:
    """A confirmed member taken off the institution's list; a pending one is declined."""
    permissions.require(actor, "remove_affiliation", affiliation)
    if not affiliation.is_confirmed:
        raise ServiceError(_l("This request is not confirmed yet: decline it instead."))
    with write_transaction() as session:
        _log(session, actor, "affiliation.remove", affiliation)
        session.delete(affiliation)


def set_manager(actor: User, affiliation: Affiliation, *, manager: bool) -> None:
    permissions.require(actor, "appoint_manager", affiliation.institution)
    if not affiliation.is_confirmed:
        raise ServiceError(_l("Only confirmed members of the institution can manage it."))
    if affiliation.is_manager == manager:
        return
    with write_transaction() as session:
        affiliation.is_manager = manager
        action = "institution.manager_add" if manager else "institution.manager_remove"
        _log(session, actor, action, affiliation)


def _log(session: Session, actor: User, action: str, affiliation: Affiliation) -> None:
    """Logged against the institution (its page shows its history), naming the member."""
    institution: Institution = affiliation.institution
    username = session.scalar(select(User.username).where(User.id == affiliation.user_id))
    record(
        session,
        actor,
        action,
        institution,
        network_id=None,
        label=institution.name,
        after={"member": username, "position": affiliation.position},
    )
