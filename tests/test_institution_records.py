"""The rules every way of making or changing an institution goes through (services.institutions)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, Capacity, Institution, InstitutionNetwork, User
from forum.permissions import Denied
from forum.services import ServiceError
from forum.services.institutions import (
    DuplicateInstitution,
    create,
    fields_of,
    update,
)
from tests.conftest import make_person
from tests.institution_helpers import niohs_fields as _niohs


def test_an_institution_is_made_with_its_networks_capacities_and_a_log_entry(app: Flask) -> None:
    with app.test_request_context():
        institution = create(None, _niohs())
        assert institution.slug == "niosh-my"
        assert "<strong>laboratory</strong>" in institution.description_html
        roles = dict(
            db.session.execute(select(InstitutionNetwork.network_id, InstitutionNetwork.role)).all()
        )
        assert sorted(r.value for r in roles.values()) == ["focal_point", "member"]
        assert (
            db.session.scalar(select(Capacity.note)) == "Respirable crystalline silica, NIOSH 7500"
        )
        entry = db.session.scalar(select(AuditEntry))
        assert (entry.action, entry.target_type, entry.actor_id) == (
            "institution.create",
            "institution",
            None,
        )
        assert fields_of(institution).networks == {
            "asean-oshnet": "member",
            "oic-oshnet": "focal_point",
        }


def test_the_same_name_in_the_same_country_is_refused_with_the_existing_one(app: Flask) -> None:
    with app.test_request_context():
        create(None, _niohs())
        with pytest.raises(DuplicateInstitution) as refused:
            create(None, _niohs(name="  national institute of occupational SAFETY and health "))
        assert refused.value.existing_url == "/institutions/niosh-my"
        other = create(None, _niohs(country="SN", acronym="NIOSH"))
        assert other.slug == "niosh-sn"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"country": "XX"}, "country", "Unknown country XX"),
        ({"kind": "club"}, "kind", "Unknown type club"),
        ({"capacities": [("juggling", "research", "")]}, "capacities", "Unknown theme juggling"),
        ({"capacities": [("fire-safety", "magic", "")]}, "capacities", "kind of capacity magic"),
        ({"networks": {"nowhere": "member"}}, "networks", "Unknown network nowhere"),
        ({"networks": {"oic-oshnet": "king"}}, "networks", "Unknown role king"),
        ({"website": "javascript:alert(1)"}, "website", "full address"),
        ({"name": "  "}, "name", "name"),
        ({"name": "ß" * 150}, "name", "under 200 characters"),  # its key is 300 long
        ({"acronym": "NIO\x00SH"}, "acronym", "not allowed"),
        ({"capacities": [("fire-safety", "training", "\x1b[31mred")]}, "capacities", "not allowed"),
        ({"other_names": {"fr": "Institut\x07"}}, "other_names", "not allowed"),
    ],
)
def test_bad_fields_are_refused_with_what_and_why(app: Flask, changes, field, words) -> None:  # noqa: ANN001
    with app.test_request_context():
        with pytest.raises(ServiceError) as refused:
            create(None, _niohs(**changes))
        assert refused.value.field == field
        assert words in str(refused.value.message)
        assert db.session.scalar(select(Institution.id)) is None


def test_only_a_networks_moderators_place_an_institution_in_it(app: Flask) -> None:
    make_person(app, "oic.mod", moderates=("oic-oshnet",))
    with app.test_request_context():
        moderator = db.session.scalar(select(User).where(User.username == "oic.mod"))
        with pytest.raises(Denied, match="moderators"):
            create(moderator, _niohs())  # ASEAN-OSHNET is not theirs
        institution = create(moderator, _niohs(networks={"oic-oshnet": "member"}))
        assert update(moderator, institution, _niohs(networks={"oic-oshnet": "focal_point"}))
        with pytest.raises(Denied, match="moderators"):
            update(
                moderator,
                institution,
                _niohs(networks={"oic-oshnet": "member", "ilo-global": "member"}),
            )
        assert not update(moderator, institution, _niohs(networks={"oic-oshnet": "focal_point"}))
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target_type == "institution")
        ).all()
        assert actions == ["institution.create", "institution.edit"]
