"""Institutions: OSH institutes, inspectorates, universities, social partners...; their networks,
their capacities, and the members who work for them."""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models._time import utcnow
from forum.models.networks import Network, Theme
from forum.models.users import User


class InstitutionKind(enum.StrEnum):
    national_institute = "national_institute"  # national OSH institute or centre
    inspectorate = "inspectorate"  # labour inspectorate or ministry
    research = "research"  # research institute or university
    social_security = "social_security"  # social security or insurance body
    employers = "employers"  # employers' organisation
    workers = "workers"  # workers' organisation
    training = "training"  # training provider
    international = "international"  # international organisation
    enterprise = "enterprise"


class NetworkRole(enum.StrEnum):
    member = "member"
    focal_point = "focal_point"  # the national focal point of its country in that network
    secretariat = "secretariat"
    coordinator = "coordinator"


class CapacityKind(enum.StrEnum):
    research = "research"
    training = "training"
    laboratory = "laboratory"  # laboratory and testing
    information = "information"  # information and advisory services
    inspection = "inspection"  # inspection and enforcement
    awareness = "awareness"  # awareness raising


class AffiliationStatus(enum.StrEnum):
    pending = "pending"  # the member says so; a manager, moderator or admin has not confirmed
    confirmed = "confirmed"


NAME_MAX = 200
ACRONYM_MAX = 24
NOTE_MAX = 300
OTHER_NAME_LANGUAGES = ("en", "fr", "ar", "es")


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=24, validate_strings=True)


_SPACES = re.compile(r"\s+")
# decomposition strips Arabic's harakat and the hamza of alef's forms; not tatweel or wasla
_ARABIC_LEFT = str.maketrans({"\u0640": "", "\u0671": "\u0627"})


def search_key(text: str) -> str:
    """Text as the directory compares it: case, accents, Arabic diacritics and alef forms,
    punctuation and spacing do not count ("Institut Sénégalais" finds "institut senegalais")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.translate(_ARABIC_LEFT)
    kept = "".join(c if c.isalnum() else " " for c in bare)
    return _SPACES.sub(" ", kept).strip()


class Institution(db.Model):
    __tablename__ = "institutions"
    # the same name in the same country is the same institution
    __table_args__ = (UniqueConstraint("name_key", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    name_key: Mapped[str] = mapped_column(String(NAME_MAX))  # search_key(name)
    # its name in the forum's other languages, where it has one: language code -> name
    other_names: Mapped[dict[str, str]] = mapped_column(db.JSON, default=dict)
    acronym: Mapped[str] = mapped_column(String(ACRONYM_MAX), default="")
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    kind: Mapped[InstitutionKind] = mapped_column(_enum(InstitutionKind), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")  # sanitised at write time
    # every name and the acronym, search_key()'d: what the directory's text search reads
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    networks: Mapped[list[InstitutionNetwork]] = relationship(
        back_populates="institution", lazy="raise", cascade="all, delete-orphan"
    )
    capacities: Mapped[list[Capacity]] = relationship(
        back_populates="institution", lazy="raise", cascade="all, delete-orphan"
    )

    def name_in(self, language: str) -> str:
        return self.other_names.get(language) or self.name

    def refresh_search_text(self) -> None:
        self.name_key = search_key(self.name)
        names = [self.name, self.acronym, *self.other_names.values()]
        self.search_text = " | ".join(search_key(n) for n in names if n)

    def __repr__(self) -> str:
        return f"<Institution {self.slug}>"


class InstitutionNetwork(db.Model):
    """An institution in a network, with its role there."""

    __tablename__ = "institution_networks"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), primary_key=True, index=True)
    role: Mapped[NetworkRole] = mapped_column(_enum(NetworkRole), default=NetworkRole.member)

    institution: Mapped[Institution] = relationship(back_populates="networks", lazy="raise")
    network: Mapped[Network] = relationship(lazy="raise")


class Capacity(db.Model):
    """What an institution can do in a theme: research, training, a laboratory..."""

    __tablename__ = "institution_capacities"
    __table_args__ = (
        UniqueConstraint("institution_id", "theme_id", "kind"),
        Index("ix_institution_capacities_finding", "theme_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    kind: Mapped[CapacityKind] = mapped_column(_enum(CapacityKind))
    # e.g. "accredited lab for respirable crystalline silica, NIOSH 7500"
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")

    institution: Mapped[Institution] = relationship(back_populates="capacities", lazy="raise")
    theme: Mapped[Theme] = relationship(lazy="raise")


class Affiliation(db.Model):
    """A member works for an institution (one at a time): said by the member, confirmed by the
    institution's managers, a moderator of one of its networks, or an admin. A confirmed
    affiliate may be made a manager, who edits the institution's page."""

    __tablename__ = "affiliations"
    __table_args__ = (Index("ix_affiliations_institution", "institution_id", "status"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    status: Mapped[AffiliationStatus] = mapped_column(
        _enum(AffiliationStatus), default=AffiliationStatus.pending
    )
    is_manager: Mapped[bool] = mapped_column(default=False)
    position: Mapped[str] = mapped_column(String(120), default="")  # "Head of the laboratory"
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    institution: Mapped[Institution] = relationship(lazy="raise")

    @property
    def is_confirmed(self) -> bool:
        return self.status == AffiliationStatus.confirmed
