"""Suspensions from posting in a network, and site-wide bans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from forum import permissions, standing
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import Network, Sanction, SanctionKind, User
from forum.models._time import utcnow
from forum.services import ServiceError, notifications
from forum.services.audit import record
from forum.services.moderation import clean_reason

LONGEST = timedelta(days=3 * 365)  # anything longer is a ban's job, or a typing error


def suspend(
    actor: User, member: User, network: Network, ends_at: datetime, reason: str
) -> Sanction:
    """No posting in this network until ends_at."""
    permissions.require(actor, "sanction", (member, network))
    return _impose(actor, member, network, SanctionKind.suspension, ends_at, reason)


def ban(actor: User, member: User, ends_at: datetime | None, reason: str) -> Sanction:
    """No logging in anywhere until ends_at (None: until lifted). Ends every session at once."""
    permissions.require(actor, "sanction", (member, None))
    return _impose(actor, member, None, SanctionKind.ban, ends_at, reason)


def _impose(
    actor: User,
    member: User,
    network: Network | None,
    kind: SanctionKind,
    ends_at: datetime | None,
    reason: str,
) -> Sanction:
    reason = clean_reason(reason)
    now = utcnow()
    if ends_at is not None and ends_at <= now:
        raise ServiceError(_l("Choose an end in the future."), "ends_at")
    if ends_at is not None and ends_at - now > LONGEST:
        raise ServiceError(_l("A sanction lasts three years at most."), "ends_at")
    if kind == SanctionKind.suspension and ends_at is None:
        raise ServiceError(_l("A suspension needs an end date."), "ends_at")
    with write_transaction() as session:
        sanction = Sanction(
            user_id=member.id,
            kind=kind,
            reason=reason,
            starts_at=now,
            ends_at=ends_at,
            created_by_id=actor.id,
            network_id=network.id if network else None,
        )
        session.add(sanction)
        if kind == SanctionKind.ban:
            member.session_version = User.session_version + 1  # every session and cookie ends
        session.flush()
        if kind == SanctionKind.suspension:
            notifications.on_moderation(
                session, actor, member.id, "user.suspension", None, None, reason
            )
        record(
            session,
            actor,
            f"user.{kind.value}",
            member,
            network_id=network.id if network else None,
            label=member.username,
            reason=reason,
            after={"until": ends_at.isoformat() if ends_at else None},
        )
    standing.forget(member)
    if kind == SanctionKind.ban:
        from forum.realtime import end_sessions

        end_sessions(user_id=member.id)
    return sanction


def lift(actor: User, sanction: Sanction) -> None:
    target = (sanction.user, sanction.network)
    permissions.require(actor, "sanction", target)
    if sanction.lifted_at is not None:
        return
    with write_transaction() as session:
        sanction.lifted_at, sanction.lifted_by_id = utcnow(), actor.id
        record(
            session,
            actor,
            f"user.lift_{sanction.kind.value}",
            sanction.user,
            network_id=sanction.network_id,
            label=sanction.user.username,
        )


def active_ban(user: User) -> Sanction | None:
    now = utcnow()
    return db.session.scalar(
        select(Sanction).where(
            Sanction.user_id == user.id,
            Sanction.kind == SanctionKind.ban,
            Sanction.lifted_at.is_(None),
            or_(Sanction.ends_at.is_(None), Sanction.ends_at > now),
        )
    )


def in_force(network_id: int | None) -> Sequence[Sanction]:
    """Sanctions in force: a network's suspensions, or (None) the bans."""
    now = utcnow()
    kind = SanctionKind.ban if network_id is None else SanctionKind.suspension
    return db.session.scalars(
        select(Sanction)
        .where(
            Sanction.kind == kind,
            Sanction.network_id.is_(None)
            if network_id is None
            else Sanction.network_id == network_id,
            Sanction.lifted_at.is_(None),
            or_(Sanction.ends_at.is_(None), Sanction.ends_at > now),
        )
        .options(joinedload(Sanction.user), joinedload(Sanction.network))
        .order_by(Sanction.starts_at.desc())
    ).all()


def get(sanction_id: int) -> Sanction | None:
    return db.session.scalar(
        select(Sanction)
        .where(Sanction.id == sanction_id)
        .options(joinedload(Sanction.user), joinedload(Sanction.network))
    )
