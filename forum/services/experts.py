"""Expertise: claims, verification by network moderators, badges and the expert directory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import (
    CompoundSelect,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from forum import permissions, standing
from forum.database import escape_like, write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import (
    ExpertiseClaim,
    ExpertVerification,
    Network,
    NetworkMembership,
    Theme,
    User,
)
from forum.models._time import utcnow
from forum.models.institutions import Affiliation, AffiliationStatus
from forum.search import outbox
from forum.services import ServiceError, notifications
from forum.services.audit import record
from forum.services.browsing import Page, paginate

NOTE_MAX = 300


@dataclass
class Expertise:
    """One theme on one member: verified in some networks, or only claimed."""

    theme_slug: str
    theme_name: str
    position: int
    claimed: bool = False
    verified_in: list[str] = field(default_factory=list)  # network short names

    @property
    def is_verified(self) -> bool:
        return bool(self.verified_in)


def expertise_of(
    user_ids: Sequence[int], theme_id: int | None = None
) -> dict[int, list[Expertise]]:
    """Each member's expertise (verified first), for a whole page of members in one query."""
    if not user_ids:
        return {}
    parameters: dict[str, object] = {"user_ids": list(user_ids)}
    if theme_id is not None:
        parameters["theme_id"] = theme_id
    # plain rows: the connection's, without the session's ORM work
    rows = db.session.connection().execute(_EXPERTISE_OF[theme_id is not None], parameters)
    found: dict[int, dict[str, Expertise]] = {}
    for user_id, slug, name, position, network in rows:
        entry = found.setdefault(user_id, {}).setdefault(
            slug, Expertise(slug, gettext(name), position)
        )
        if network is None:
            entry.claimed = True
        else:
            entry.verified_in.append(network)
    return {
        user_id: sorted(themes.values(), key=lambda e: (not e.is_verified, e.position))
        for user_id, themes in found.items()
    }


def _expertise_query(in_theme: bool) -> CompoundSelect:
    """Built once per kind (a thread page asks it for its theme, other pages for all themes)."""
    verified = (
        select(
            ExpertVerification.user_id,
            Theme.slug,
            Theme.name,
            Theme.position,
            Network.short_name.label("network"),
        )
        .join(Theme, Theme.id == ExpertVerification.theme_id)
        .join(Network, Network.id == ExpertVerification.network_id)
        .where(
            ExpertVerification.user_id.in_(bindparam("user_ids", expanding=True)),
            ExpertVerification.revoked_at.is_(None),
        )
    )
    claimed = (
        select(
            ExpertiseClaim.user_id,
            Theme.slug,
            Theme.name,
            Theme.position,
            literal(None).label("network"),
        )
        .join(Theme, Theme.id == ExpertiseClaim.theme_id)
        .where(ExpertiseClaim.user_id.in_(bindparam("user_ids", expanding=True)))
    )
    if in_theme:
        verified = verified.where(ExpertVerification.theme_id == bindparam("theme_id"))
        claimed = claimed.where(ExpertiseClaim.theme_id == bindparam("theme_id"))
    return union_all(verified, claimed)


_EXPERTISE_OF = {in_theme: _expertise_query(in_theme) for in_theme in (False, True)}


def verifications_of(user_id: int) -> Sequence[ExpertVerification]:
    return db.session.scalars(
        select(ExpertVerification)
        .where(ExpertVerification.user_id == user_id)
        .options(
            joinedload(ExpertVerification.verified_by),
            joinedload(ExpertVerification.theme),
            joinedload(ExpertVerification.network),
        )
        .order_by(ExpertVerification.revoked_at.is_not(None), ExpertVerification.verified_at.desc())
    ).all()


def verify(
    moderator: User, member: User, theme: Theme, network: Network, note: str, *, unclaimed_ok: bool
) -> ExpertVerification:
    """A moderator of the network (or an admin) vouches for a member's expertise."""
    permissions.require(moderator, "verify_expertise", network)
    return _record(member, theme, network, note, moderator, unclaimed_ok=unclaimed_ok)


def verify_as_operator(
    member: User, theme: Theme, network: Network, note: str
) -> ExpertVerification:
    """`forum verify-expert`: the forum's operators, at the command line, need no moderator."""
    return _record(member, theme, network, note, None, unclaimed_ok=True)


def _record(
    member: User,
    theme: Theme,
    network: Network,
    note: str,
    verified_by: User | None,
    *,
    unclaimed_ok: bool,
) -> ExpertVerification:
    note = " ".join(note.split())
    if len(note) > NOTE_MAX:
        raise ServiceError(_l("Keep the note under %(n)d characters.", n=NOTE_MAX), "note")
    with write_transaction() as session:
        claimed = session.get(ExpertiseClaim, (member.id, theme.id)) is not None
        if not claimed and not unclaimed_ok:
            raise ServiceError(
                _l(
                    "%(name)s has not claimed %(theme)s. Tick “Verify even though it is not "
                    "claimed” to verify it anyway.",
                    name=member.username,
                    theme=theme.display_name,
                ),
                "unclaimed_ok",
            )
        verification = session.scalar(
            select(ExpertVerification).where(
                ExpertVerification.user_id == member.id,
                ExpertVerification.theme_id == theme.id,
                ExpertVerification.network_id == network.id,
            )
        )
        if verification is None:
            verification = ExpertVerification(
                user_id=member.id, theme_id=theme.id, network_id=network.id
            )
            session.add(verification)
        verification.note = note
        verification.verified_by_id = verified_by.id if verified_by else None
        verification.verified_at = utcnow()
        verification.revoked_at = verification.revoked_by_id = None
        session.flush()
        outbox.member_threads_changed(session, member.id, theme.id)
        notifications.on_expertise(
            session, verified_by, member.id, theme.name, network.short_name, verified=True
        )
        record(
            session,
            verified_by,
            "expertise.verify",
            verification,
            network_id=network.id,
            label=f"{member.username}: {theme.name}",
            reason=note,
        )
    return verification


def revoke(actor: User, verification: ExpertVerification) -> None:
    network = db.session.get(Network, verification.network_id)
    permissions.require(actor, "verify_expertise", network)
    if not verification.is_active:
        return
    with write_transaction() as session:
        verification.revoked_at = utcnow()
        verification.revoked_by_id = actor.id
        theme = session.get(Theme, verification.theme_id)
        outbox.member_threads_changed(session, verification.user_id, theme.id)
        notifications.on_expertise(
            session, actor, verification.user_id, theme.name, network.short_name, verified=False
        )
        record(
            session,
            actor,
            "expertise.revoke",
            verification,
            network_id=network.id,
            label=f"{verification.user_id}: {verification.theme_id}",
        )


def verifiable_networks(moderator: User) -> Sequence[Network]:
    """The networks in which this member may verify expertise."""
    query = select(Network).order_by(Network.position)
    if not moderator.is_admin:
        moderated = standing.of(moderator).moderated_network_ids
        if not moderated:
            return []
        query = query.where(Network.id.in_(moderated))
    return db.session.scalars(query).all()


@dataclass
class DirectoryFilter:
    theme: Theme | None = None
    network: Network | None = None
    country: str | None = None
    verified_only: bool = False
    text: str = ""
    institution_id: int | None = None  # members with a confirmed affiliation to it
    themes: tuple[Theme, ...] = ()  # any of these (a topic's themes), beside theme


def directory(criteria: DirectoryFilter, page: int, per_page: int) -> Page:
    """Members with expertise, verified experts first; a fixed number of queries per page."""
    query = _directory_query(criteria)
    return paginate(query, page, per_page)


def _directory_query(criteria: DirectoryFilter) -> Select:
    active = ExpertVerification.revoked_at.is_(None)
    verification = and_(ExpertVerification.user_id == User.id, active)
    claim = ExpertiseClaim.user_id == User.id
    if criteria.theme is not None:
        verification = and_(verification, ExpertVerification.theme_id == criteria.theme.id)
        claim = and_(claim, ExpertiseClaim.theme_id == criteria.theme.id)
    if criteria.themes:
        theme_ids = [theme.id for theme in criteria.themes]
        verification = and_(verification, ExpertVerification.theme_id.in_(theme_ids))
        claim = and_(claim, ExpertiseClaim.theme_id.in_(theme_ids))
    if criteria.network is not None:
        verification = and_(verification, ExpertVerification.network_id == criteria.network.id)
    is_verified = exists().where(verification)
    query = select(User)
    if criteria.verified_only:
        query = query.where(is_verified)
    else:
        query = query.where(or_(is_verified, exists().where(claim)))
    if criteria.network is not None:
        member = exists().where(
            NetworkMembership.user_id == User.id,
            NetworkMembership.network_id == criteria.network.id,
        )
        query = query.where(or_(member, is_verified))
    if criteria.country:
        query = query.where(User.country == criteria.country)
    if criteria.institution_id is not None:
        query = query.where(
            exists().where(
                Affiliation.user_id == User.id,
                Affiliation.institution_id == criteria.institution_id,
                Affiliation.status == AffiliationStatus.confirmed,
            )
        )
    if criteria.text:
        pattern = "%" + escape_like(criteria.text.casefold()) + "%"
        query = query.where(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
                func.lower(User.institution).like(pattern, escape="\\"),
            )
        )
    return query.order_by(case((is_verified, 0), else_=1), User.username_key)
