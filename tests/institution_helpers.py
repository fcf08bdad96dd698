"""Institutions for tests: made through the service, as every way in makes them."""

from __future__ import annotations

from flask import Flask

from forum.extensions import db
from forum.services.institutions import InstitutionFields, create


def niohs_fields(**changes: object) -> InstitutionFields:
    """Malaysia's national OSH institute, in OIC-OSHNET and ASEAN-OSHNET, with a laboratory."""
    fields = InstitutionFields(
        name="National Institute of Occupational Safety and Health",
        acronym="NIOSH",
        country="MY",
        kind="national_institute",
        other_names={"ar": "المعهد الوطني للسلامة والصحة المهنية"},
        website="https://www.niosh.com.my",
        description="Training and **laboratory** services.",
        networks={"oic-oshnet": "focal_point", "asean-oshnet": "member"},
        capacities=[("chemical-safety", "laboratory", "Respirable crystalline silica, NIOSH 7500")],
    )
    for name, value in changes.items():
        setattr(fields, name, value)
    return fields


def make_institution(app: Flask, **changes: object) -> str:
    """Made by the command line (no actor); returns its slug."""
    with app.test_request_context():
        slug = create(None, niohs_fields(**changes)).slug
        db.session.remove()
    return slug
