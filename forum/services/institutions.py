"""Institutions: creating and editing them, their networks and capacities, with the audit log.

Every way in (the pages, `forum import-institutions`) gives an InstitutionFields to create()
or update(): one set of rules, one message for each thing refused.
"""

from __future__ import annotations

import re
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import permissions
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import (
    Capacity,
    CapacityKind,
    Institution,
    InstitutionKind,
    InstitutionNetwork,
    Network,
    NetworkRole,
    Theme,
    User,
)
from forum.models.institutions import search_key
from forum.search import outbox as search_outbox
from forum.services import ServiceError
from forum.services.audit import record
from forum.services.institution_fields import InstitutionFields, checked, cleaned


def fields_of(institution: Institution) -> InstitutionFields:
    """What an edit form starts from, and what the audit log compares."""
    networks = db.session.execute(
        select(Network.slug, InstitutionNetwork.role)
        .join(Network, Network.id == InstitutionNetwork.network_id)
        .where(InstitutionNetwork.institution_id == institution.id)
        .order_by(Network.position)
    )
    capacities = db.session.execute(
        select(Theme.slug, Capacity.kind, Capacity.note)
        .join(Theme, Theme.id == Capacity.theme_id)
        .where(Capacity.institution_id == institution.id)
        .order_by(Theme.position, Capacity.kind)
    )
    return InstitutionFields(
        name=institution.name,
        country=institution.country,
        kind=institution.kind.value,
        acronym=institution.acronym,
        other_names=dict(institution.other_names),
        website=institution.website,
        description=institution.description_source,
        networks={slug: role.value for slug, role in networks},
        capacities=[(theme, kind.value, note) for theme, kind, note in capacities],
    )


def create(actor: User | None, fields: InstitutionFields) -> Institution:
    """A new institution. actor None: the command line (an operator), who may do anything."""
    fields = cleaned(fields)
    description_html = checked(fields)
    with write_transaction() as session:
        networks, themes = _known(session, fields)
        if actor is not None:
            permissions.require(actor, "create_institution", {n.id for n in networks.values()})
        _refuse_duplicate(session, fields, None)
        institution = Institution(
            slug=_free_slug(session, fields), kind=InstitutionKind(fields.kind)
        )
        session.add(institution)
        _apply(session, institution, fields, description_html, networks, themes)
        session.flush()
        search_outbox.institution_changed(session, institution.id)  # indexed after the commit
        record(
            session,
            actor,
            "institution.create",
            institution,
            network_id=None,
            label=institution.name,
            after=_audited(fields),
        )
    return institution


def update(actor: User | None, institution: Institution, fields: InstitutionFields) -> bool:
    """Save the changes; False when nothing changed (nothing is written or logged)."""
    fields = cleaned(fields)
    description_html = checked(fields)
    with write_transaction() as session:
        before = cleaned(fields_of(institution))  # in _cleaned's order: capacities by slug
        if _audited(before) == _audited(fields):
            return False
        networks, themes = _known(session, fields)
        if actor is not None:
            permissions.require(actor, "edit_institution", institution)
            changed = _changed_networks(before.networks, fields.networks)
            ids = set(session.scalars(select(Network.id).where(Network.slug.in_(changed))))
            permissions.require(actor, "place_institution", ids)
        _refuse_duplicate(session, fields, institution.id)
        _apply(session, institution, fields, description_html, networks, themes)
        search_outbox.institution_changed(session, institution.id)  # indexed after the commit
        record(
            session,
            actor,
            "institution.edit",
            institution,
            network_id=None,
            label=institution.name,
            before=_audited(before),
            after=_audited(fields),
        )
    return True


def _known(
    session: Session, fields: InstitutionFields
) -> tuple[dict[str, Network], dict[str, Theme]]:
    networks = {
        n.slug: n for n in session.scalars(select(Network).where(Network.slug.in_(fields.networks)))
    }
    for slug in fields.networks:
        if slug not in networks:
            raise ServiceError(_l("Unknown network %(slug)s.", slug=slug), "networks")
    wanted = {theme for theme, _kind, _note in fields.capacities}
    themes = {t.slug: t for t in session.scalars(select(Theme).where(Theme.slug.in_(wanted)))}
    for slug in wanted:
        if slug not in themes:
            raise ServiceError(_l("Unknown theme %(slug)s.", slug=slug), "capacities")
    return networks, themes


class DuplicateInstitution(ServiceError):
    """The same name in the same country: the existing one is named, with its address."""

    def __init__(self, existing: Institution) -> None:
        super().__init__(
            _l("%(name)s in this country is already in the directory.", name=existing.name),
            "name",
        )
        self.existing_slug = existing.slug
        self.existing_url = url_for("institutions.page", slug=existing.slug)


def _refuse_duplicate(session: Session, fields: InstitutionFields, own_id: int | None) -> None:
    existing = session.scalar(
        select(Institution).where(
            Institution.name_key == search_key(fields.name),
            Institution.country == fields.country,
            Institution.id != (own_id or 0),
        )
    )
    if existing is not None:
        raise DuplicateInstitution(existing)


def _apply(
    session: Session,
    institution: Institution,
    fields: InstitutionFields,
    description_html: str,
    networks: dict[str, Network],
    themes: dict[str, Theme],
) -> None:
    institution.name = fields.name
    institution.country = fields.country
    institution.kind = InstitutionKind(fields.kind)
    institution.acronym = fields.acronym
    institution.other_names = dict(fields.other_names)
    institution.website = fields.website
    institution.description_source = fields.description
    institution.description_html = description_html
    institution.refresh_search_text()
    session.flush()
    current = {
        row.network_id: row
        for row in session.scalars(
            select(InstitutionNetwork).where(InstitutionNetwork.institution_id == institution.id)
        )
    }
    wanted = {networks[slug].id: NetworkRole(role) for slug, role in fields.networks.items()}
    for network_id, row in current.items():
        if network_id not in wanted:
            session.delete(row)
        elif row.role != wanted[network_id]:
            row.role = wanted[network_id]
    for network_id, role in wanted.items():
        if network_id not in current:
            session.add(
                InstitutionNetwork(institution_id=institution.id, network_id=network_id, role=role)
            )
    held = {
        (row.theme_id, row.kind.value): row
        for row in session.scalars(
            select(Capacity).where(Capacity.institution_id == institution.id)
        )
    }
    asked = {(themes[t].id, kind): note for t, kind, note in fields.capacities}
    for key, row in held.items():
        if key not in asked:
            session.delete(row)
        elif row.note != asked[key]:
            row.note = asked[key]
    for (theme_id, kind), note in asked.items():
        if (theme_id, kind) not in held:
            session.add(
                Capacity(
                    institution_id=institution.id,
                    theme_id=theme_id,
                    kind=CapacityKind(kind),
                    note=note,
                )
            )


def _changed_networks(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {slug for slug in before.keys() | after.keys() if before.get(slug) != after.get(slug)}


_SLUG_WORDS = re.compile(r"[^a-z0-9]+")


def _free_slug(session: Session, fields: InstitutionFields) -> str:
    """acronym-country (niohs-my), else the name's ASCII words; -2, -3... when taken."""
    base = _SLUG_WORDS.sub("-", search_key(fields.acronym or fields.name)).strip("-")[:60]
    base = f"{base or 'institution'}-{fields.country.lower()}"
    taken = set(session.scalars(select(Institution.slug).where(Institution.slug.like(f"{base}%"))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _audited(fields: InstitutionFields) -> dict[str, Any]:
    return {
        "name": fields.name,
        "country": fields.country,
        "kind": fields.kind,
        "acronym": fields.acronym,
        "other_names": dict(fields.other_names),
        "website": fields.website,
        "description": fields.description,
        "networks": dict(fields.networks),
        "capacities": [list(c) for c in fields.capacities],
    }
