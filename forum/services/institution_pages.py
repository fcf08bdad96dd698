"""What an institution's page shows, gathered as plain data before it is rendered: a fixed
number of queries whatever the number of its members, experts and posts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from forum import languages, permissions
from forum.extensions import db
from forum.models import (
    AcceptedAnswer,
    Affiliation,
    AffiliationStatus,
    AuditEntry,
    Board,
    Capacity,
    CapacityKind,
    ExpertVerification,
    Institution,
    InstitutionNetwork,
    Network,
    NetworkRole,
    Post,
    Theme,
    Thread,
    ThreadKind,
    User,
)
from forum.services.audit_sentences import AuditLine, audit_lines

RECENT = 8  # good practices, accepted answers and history entries shown


@dataclass(frozen=True)
class NetworkPlace:
    id: int
    slug: str
    name: str
    role: NetworkRole


@dataclass(frozen=True)
class CapacityLine:
    kind: CapacityKind
    note: str


@dataclass(frozen=True)
class ThemeCapacities:
    slug: str
    name: str
    capacities: list[CapacityLine]


@dataclass(frozen=True)
class Person:
    user_id: int
    username: str
    shown_name: str
    position: str = ""
    is_manager: bool = False
    requested_at: datetime | None = None
    # the reader may confirm or decline this request; of a confirmed member: remove them
    may_decide: bool = False


@dataclass(frozen=True)
class ThemeExperts:
    slug: str
    name: str
    experts: list[tuple[Person, list[str]]]  # each with the networks that verified them


@dataclass(frozen=True)
class Contribution:
    """A good practice (a thread) or an accepted answer (a post) by a confirmed member."""

    thread_id: int
    post_id: int | None
    title: str
    author: str
    network: str
    created_at: datetime


@dataclass
class InstitutionPage:
    institution: Institution
    name: str  # in the reader's language
    networks: list[NetworkPlace]
    capacities: list[ThemeCapacities]
    members: list[Person]
    experts: list[ThemeExperts]
    practices: list[Contribution]
    answers: list[Contribution]
    pending: list[Person] = field(default_factory=list)  # only for those who may confirm
    history: list[AuditLine] = field(default_factory=list)
    may_edit: bool = False
    may_appoint: bool = False
    mine: Affiliation | None = None  # the reader's own affiliation, wherever it is


def find(slug: str) -> Institution | None:
    return db.session.scalar(select(Institution).where(Institution.slug == slug))


def page(institution: Institution, reader: Any) -> InstitutionPage:
    networks = _networks(institution)
    # the policies read the institution's networks: these, not a query of their own
    institution.__dict__["_network_ids"] = frozenset(n.id for n in networks)
    members, pending = _people(institution, reader)
    shown = InstitutionPage(
        institution=institution,
        name=institution.name_in(languages.current()),
        networks=networks,
        capacities=_capacities(institution.id),
        members=members,
        experts=_experts(institution.id),
        practices=_practices(institution.id),
        answers=_answers(institution.id),
        pending=pending,
        may_edit=permissions.why_not(reader, "edit_institution", institution) is None,
        may_appoint=permissions.why_not(reader, "appoint_manager", institution) is None,
    )
    if shown.may_edit:
        shown.history = audit_lines(_history(institution.id))
    if reader is not None and reader.is_authenticated:
        shown.mine = db.session.get(Affiliation, reader.id)
    return shown


def _networks(institution: Institution) -> list[NetworkPlace]:
    rows = db.session.execute(
        select(Network, InstitutionNetwork.role)
        .join(InstitutionNetwork, InstitutionNetwork.network_id == Network.id)
        .where(InstitutionNetwork.institution_id == institution.id)
        .order_by(Network.position)
    )
    return [NetworkPlace(n.id, n.slug, n.display_short_name, role) for n, role in rows]


def _capacities(institution_id: int) -> list[ThemeCapacities]:
    rows = db.session.execute(
        select(Theme.slug, Theme.name, Capacity.kind, Capacity.note)
        .join(Theme, Theme.id == Capacity.theme_id)
        .where(Capacity.institution_id == institution_id)
        .order_by(Theme.position, Capacity.kind)
    )
    grouped: dict[str, ThemeCapacities] = {}
    for slug, name, kind, note in rows:
        theme = grouped.setdefault(slug, ThemeCapacities(slug, gettext(name), []))
        theme.capacities.append(CapacityLine(kind, note))
    return list(grouped.values())


def _people(institution: Institution, reader: Any) -> tuple[list[Person], list[Person]]:
    """Confirmed members (managers first), and the pending requests the reader may decide."""
    rows = db.session.execute(
        select(Affiliation, User.username, User.display_name)
        .join(User, User.id == Affiliation.user_id)
        .where(Affiliation.institution_id == institution.id)
        .order_by(Affiliation.is_manager.desc(), User.username_key)
    )
    members, pending = [], []
    may_confirm = permissions.why_not(reader, "edit_institution", institution) is None
    for affiliation, username, display_name in rows:
        shown = display_name or username
        set_committed_value(affiliation, "institution", institution)  # the policies read it
        if affiliation.status == AffiliationStatus.confirmed:
            members.append(
                Person(
                    affiliation.user_id,
                    username,
                    shown,
                    affiliation.position,
                    affiliation.is_manager,
                    may_decide=may_confirm
                    and permissions.why_not(reader, "remove_affiliation", affiliation) is None,
                )
            )
            continue
        if not may_confirm:
            continue
        pending.append(
            Person(
                affiliation.user_id,
                username,
                shown,
                affiliation.position,
                requested_at=affiliation.requested_at,
                may_decide=permissions.why_not(reader, "confirm_affiliation", affiliation) is None,
            )
        )
    return members, pending


_CONFIRMED = and_(
    Affiliation.institution_id == bindparam("institution_id"),
    Affiliation.status == AffiliationStatus.confirmed,
)


def _experts(institution_id: int) -> list[ThemeExperts]:
    rows = db.session.execute(
        select(
            Theme.slug,
            Theme.name,
            User.id,
            User.username,
            User.display_name,
            Affiliation.position,
            Network.short_name,
        )
        .select_from(ExpertVerification)
        .join(Affiliation, Affiliation.user_id == ExpertVerification.user_id)
        .join(User, User.id == ExpertVerification.user_id)
        .join(Theme, Theme.id == ExpertVerification.theme_id)
        .join(Network, Network.id == ExpertVerification.network_id)
        .where(_CONFIRMED, ExpertVerification.revoked_at.is_(None))
        .order_by(Theme.position, User.username_key, Network.position),
        {"institution_id": institution_id},
    )
    themes: dict[str, tuple[str, dict[int, tuple[Person, list[str]]]]] = {}
    for slug, theme, user_id, username, display_name, position, network in rows:
        _name, people = themes.setdefault(slug, (gettext(theme), {}))
        person = Person(user_id, username, display_name or username, position)
        people.setdefault(user_id, (person, []))[1].append(gettext(network))
    return [ThemeExperts(slug, name, list(ps.values())) for slug, (name, ps) in themes.items()]


def _visible(post: Any) -> Any:
    return and_(post.deleted_at.is_(None), post.hidden_at.is_(None), Thread.deleted_at.is_(None))


def _practices(institution_id: int) -> list[Contribution]:
    opening = aliased(Post)
    rows = db.session.execute(
        select(Thread.id, Thread.title, User.username, Network.short_name, Thread.created_at)
        .select_from(Thread)
        .join(Affiliation, Affiliation.user_id == Thread.author_id)
        .join(User, User.id == Thread.author_id)
        .join(opening, and_(opening.thread_id == Thread.id, opening.is_opening.is_(True)))
        .join(Board, Board.id == Thread.board_id)
        .join(Network, Network.id == Board.network_id)
        .where(_CONFIRMED, Thread.kind == ThreadKind.good_practice, _visible(opening))
        .order_by(Thread.created_at.desc())
        .limit(RECENT),
        {"institution_id": institution_id},
    )
    return [Contribution(t, None, title, a, gettext(n), at) for t, title, a, n, at in rows]


def _answers(institution_id: int) -> list[Contribution]:
    rows = db.session.execute(
        select(Thread.id, Post.id, Thread.title, User.username, Network.short_name, Post.created_at)
        .select_from(AcceptedAnswer)
        .join(Post, Post.id == AcceptedAnswer.post_id)
        .join(Thread, Thread.id == AcceptedAnswer.thread_id)
        .join(Affiliation, Affiliation.user_id == Post.author_id)
        .join(User, User.id == Post.author_id)
        .join(Board, Board.id == Thread.board_id)
        .join(Network, Network.id == Board.network_id)
        .where(_CONFIRMED, _visible(Post))
        .order_by(AcceptedAnswer.accepted_at.desc())
        .limit(RECENT),
        {"institution_id": institution_id},
    )
    return [Contribution(t, p, title, a, gettext(n), at) for t, p, title, a, n, at in rows]


def _history(institution_id: int) -> Sequence[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.target_type == "institution", AuditEntry.target_id == institution_id)
        .options(joinedload(AuditEntry.actor), joinedload(AuditEntry.network))
        .order_by(AuditEntry.id.desc())
        .limit(RECENT)
    ).all()
