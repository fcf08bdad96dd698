"""Members' public profiles: who they are, where they work, what they know."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from flask import url_for
from sqlalchemy import bindparam, delete, func, select

from forum import languages, markup, reference
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import (
    AcceptedAnswer,
    Affiliation,
    AffiliationStatus,
    ExpertiseClaim,
    Institution,
    Network,
    NetworkMembership,
    Post,
    Theme,
    User,
)
from forum.services import ServiceError

BIO_MAX = 5_000
DISPLAY_NAME_MAX = 80
INSTITUTION_MAX = 160


@dataclass
class ProfileChanges:
    display_name: str
    institution: str
    country: str | None
    languages: list[str]
    bio: str
    network_ids: set[int]
    theme_ids: set[int]
    locale: str = ""  # "": the browser's language


def current_profile(user: User) -> ProfileChanges:
    """A member's profile as a form shows it, and as update_profile takes it back."""
    return ProfileChanges(
        display_name=user.display_name or "",
        institution=user.institution or "",
        country=user.country,
        languages=list(user.languages or []),
        bio=user.bio_source or "",
        network_ids={network.id for network in member_networks(user.id)},
        theme_ids=claimed_theme_ids(user.id),
        locale=user.locale or "",
    )


def update_profile(user: User, changes: ProfileChanges) -> User:
    _check(changes)
    bio_html = _bio_html(changes.bio.strip())
    with write_transaction() as session:
        known_networks = set(session.scalars(select(Network.id)))
        known_themes = set(session.scalars(select(Theme.id)))
        if not changes.network_ids <= known_networks:
            raise ServiceError(_l("Choose networks from the list."), "networks")
        if not changes.theme_ids <= known_themes:
            raise ServiceError(_l("Choose themes from the list."), "expertise")
        user.display_name = " ".join(changes.display_name.split())
        user.institution = " ".join(changes.institution.split())
        user.country = changes.country or None
        user.languages = sorted(set(changes.languages))
        user.locale = changes.locale
        user.bio_source = changes.bio.strip()
        user.bio_html = bio_html
        _replace(session, NetworkMembership, "network_id", user.id, changes.network_ids)
        _replace(session, ExpertiseClaim, "theme_id", user.id, changes.theme_ids)
    return user


def _bio_html(bio: str) -> str:
    try:
        return markup.render(bio) if bio else ""
    except markup.TooComplex as error:
        raise ServiceError(error.message, "bio") from None


def set_locale(user: User, code: str) -> None:
    """The interface language from the footer's switcher, kept in the profile."""
    if not languages.is_supported(code):
        raise ServiceError(_l("Choose a language from the list."), "language")
    with write_transaction():
        user.locale = code


def _replace(session, model, column: str, user_id: int, wanted: Iterable[int]) -> None:  # noqa: ANN001
    current = set(session.scalars(select(getattr(model, column)).where(model.user_id == user_id)))
    wanted = set(wanted)
    if current - wanted:
        session.execute(
            delete(model).where(
                model.user_id == user_id, getattr(model, column).in_(current - wanted)
            )
        )
    session.add_all(model(user_id=user_id, **{column: value}) for value in wanted - current)


def _check(changes: ProfileChanges) -> None:
    if len(changes.bio) > BIO_MAX:
        raise ServiceError(_l("Keep your bio under %(n)d characters.", n=BIO_MAX), "bio")
    if len(changes.display_name) > DISPLAY_NAME_MAX:
        raise ServiceError(
            _l("Keep the name under %(n)d characters.", n=DISPLAY_NAME_MAX), "display_name"
        )
    if len(changes.institution) > INSTITUTION_MAX:
        raise ServiceError(
            _l("Keep the institution under %(n)d characters.", n=INSTITUTION_MAX), "institution"
        )
    if changes.country and changes.country not in reference.countries():
        raise ServiceError(_l("Choose a country from the list."), "country")
    if changes.locale and not languages.is_supported(changes.locale):
        raise ServiceError(_l("Choose a language from the list."), "locale")
    if not set(changes.languages) <= set(reference.languages()):
        raise ServiceError(_l("Choose languages from the list."), "languages")


def member_networks(user_id: int) -> list[Network]:
    return list(
        db.session.scalars(
            select(Network)
            .join(NetworkMembership, NetworkMembership.network_id == Network.id)
            .where(NetworkMembership.user_id == user_id)
            .order_by(Network.position)
        )
    )


def claimed_theme_ids(user_id: int) -> set[int]:
    return set(
        db.session.scalars(select(ExpertiseClaim.theme_id).where(ExpertiseClaim.user_id == user_id))
    )


def accepted_answer_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AcceptedAnswer)
            .join(Post, Post.id == AcceptedAnswer.post_id)
            .where(Post.author_id == user_id, Post.deleted_at.is_(None))
        )
        or 0
    )


@dataclass(frozen=True, slots=True)
class ShownAffiliation:
    """Where a member works, confirmed by the institution (or a moderator or an admin): what
    their posts and profile show instead of the words they typed themselves."""

    name: str  # in the reader's language, where the institution has a name in it
    acronym: str
    url: str
    position: str
    slug: str

    @property
    def short(self) -> str:
        return self.acronym or self.name


# built once: every thread page asks it for its authors
_CONFIRMED = (
    select(
        Affiliation.user_id,
        Affiliation.position,
        Institution.slug,
        Institution.name,
        Institution.other_names,
        Institution.acronym,
    )
    .join(Institution, Institution.id == Affiliation.institution_id)
    .where(
        Affiliation.user_id.in_(bindparam("user_ids", expanding=True)),
        Affiliation.status == AffiliationStatus.confirmed,
    )
)


def confirmed_affiliations(user_ids: Sequence[int]) -> dict[int, ShownAffiliation]:
    """Each member's confirmed affiliation, for a whole page of members in one query; a
    pending one is nobody's business but theirs and the institution's."""
    if not user_ids:
        return {}
    shown = AffiliationShown()
    return {
        user_id: shown(*affiliation)
        # plain rows: the connection's, without the session's ORM work
        for user_id, *affiliation in db.session.connection().execute(
            _CONFIRMED, {"user_ids": list(user_ids)}
        )
    }


class AffiliationShown:
    """A confirmed affiliation as pages show it, from its row (position, and the institution's
    slug, name, other names and acronym): named in the reader's language, linked."""

    @cached_property
    def _language(self) -> str:
        return languages.current()

    @cached_property
    def _address(self) -> tuple[str, str]:  # what comes before and after the slug
        prefix, suffix = url_for("institutions.page", slug="__slug__").split("__slug__")
        return prefix, suffix

    def __call__(
        self, position: str, slug: str, name: str, other_names: dict | None, acronym: str
    ) -> ShownAffiliation:
        prefix, suffix = self._address
        return ShownAffiliation(
            name=(other_names or {}).get(self._language) or name,
            acronym=acronym,
            url=f"{prefix}{slug}{suffix}",  # slugs are [a-z0-9-]: nothing to quote
            position=position,
            slug=slug,
        )
