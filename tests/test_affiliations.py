"""Members and the institutions they work for: claiming, confirming, declining, withdrawing,
choosing managers; who may do each, and the audit log's sentences for them."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Affiliation, AuditEntry, Institution, User
from forum.permissions import Denied
from forum.services import affiliations, institution_pages
from tests.conftest import Person, every_role, make_person
from tests.institution_helpers import make_institution
from tests.test_institution_pages import affiliate, make_manager, text_of

INRS = {
    "name": "Institut national de recherche et de sécurité",
    "acronym": "INRS",
    "country": "FR",
    "networks": {"ilo-global": "member"},
    "capacities": [],
}


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def affiliation_of(app: Flask, username: str) -> tuple[str, str, bool] | None:
    """(institution slug, status, manager) of the member's affiliation, or None."""
    with app.app_context():
        found = db.session.get(Affiliation, user_id(app, username))
        if found is None:
            return None
        slug = db.session.get(Institution, found.institution_id).slug
        return slug, found.status.value, found.is_manager


def log(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def slug(app: Flask) -> str:
    return make_institution(app)


def test_a_member_claims_and_a_manager_confirms(
    app: Flask, slug: str, member: Person, other_member: Person
) -> None:
    manager = make_manager(app, "manager.here", slug)
    response = member.post(f"/institutions/{slug}/affiliation", {"position": "Chemist"})
    assert response.status_code == 302
    assert affiliation_of(app, "amina") == (slug, "pending", False)
    mine = text_of(member.get(f"/institutions/{slug}"))
    assert "Your request to be listed here is waiting for confirmation." in mine
    assert "Waiting for confirmation" not in mine.replace("is waiting for confirmation", "")
    # the queue is the manager's, not another member's
    assert "Waiting for confirmation" not in text_of(other_member.get(f"/institutions/{slug}"))
    queue = manager.get(f"/institutions/{slug}").get_data(as_text=True)
    assert f"/institutions/{slug}/affiliations/{user_id(app, 'amina')}/confirm" in queue
    response = manager.post(f"/institutions/{slug}/affiliations/{user_id(app, 'amina')}/confirm")
    assert response.status_code == 302
    assert affiliation_of(app, "amina") == (slug, "confirmed", False)
    page = text_of(manager.get(f"/institutions/{slug}"))
    assert "amina Chemist" in page
    assert "manager.here confirmed that amina works at National Institute" in page
    assert log(app)[-1] == "affiliation.confirm"


def test_nobody_confirms_their_own_affiliation(app: Flask, slug: str) -> None:
    """Not even a moderator of one of the institution's networks, who confirms others'."""
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    moderator.post(f"/institutions/{slug}/affiliation", {"position": "Director"})
    own = f"/institutions/{slug}/affiliations/{user_id(app, 'oic.mod')}/confirm"
    page = moderator.get(f"/institutions/{slug}").get_data(as_text=True)
    assert own not in page
    assert "Your own request: another manager or a moderator confirms it." in text_of(
        moderator.get(f"/institutions/{slug}")
    )
    assert moderator.post(own).status_code == 403
    assert affiliation_of(app, "oic.mod") == (slug, "pending", False)
    assert "affiliation.confirm" not in log(app)


@pytest.mark.parametrize("decision", ["confirm", "decline"])
def test_who_may_confirm_or_decline(
    app: Flask, slug: str, anonymous: Person, member: Person, other_member: Person, decision: str
) -> None:
    roles = every_role(app, anonymous, other_member, member)
    roles["manager_here"] = make_manager(app, "manager.here", slug)
    roles["manager_elsewhere"] = make_manager(app, "manager.there", make_institution(app, **INRS))
    allowed = {"moderator_here", "admin", "manager_here"}
    asker = make_person(app, "asker")
    for role, person in roles.items():
        asker.post(f"/institutions/{slug}/affiliation")
        url = f"/institutions/{slug}/affiliations/{user_id(app, 'asker')}/{decision}"
        response = person.post(url)
        if role == "anonymous":
            assert response.status_code == 302
            assert "/auth/login" in response.headers["Location"]
        elif role in allowed:
            assert response.status_code == 302, role
            expected = (slug, "confirmed", False) if decision == "confirm" else None
            assert affiliation_of(app, "asker") == expected, role
            asker.post(f"/institutions/{slug}/affiliation/withdraw")
        else:
            assert response.status_code == 403, role
            assert affiliation_of(app, "asker") == (slug, "pending", False), role
    assert log(app).count(f"affiliation.{decision}") == len(allowed)


def test_a_declined_member_may_ask_again(app: Flask, slug: str, member: Person) -> None:
    admin = make_person(app, "root.admin", admin=True)
    member.post(f"/institutions/{slug}/affiliation", {"position": "Intern"})
    admin.post(f"/institutions/{slug}/affiliations/{user_id(app, 'amina')}/decline")
    assert affiliation_of(app, "amina") is None
    page = text_of(admin.get(f"/institutions/{slug}"))
    assert "root.admin declined the request of amina to be listed as working at" in page
    assert member.post(f"/institutions/{slug}/affiliation").status_code == 302
    assert affiliation_of(app, "amina") == (slug, "pending", False)


def test_a_new_claim_replaces_the_old_one_and_is_pending(
    app: Flask, slug: str, member: Person
) -> None:
    affiliate(app, "amina", slug, manager=True)
    other = make_institution(app, **INRS)
    page = text_of(member.get(f"/institutions/{other}"))
    assert "You are listed at another institution" in page
    member.post(f"/institutions/{other}/affiliation", {"position": "Researcher"})
    assert affiliation_of(app, "amina") == (other, "pending", False)  # no longer manages
    assert "No confirmed members yet." in text_of(member.get(f"/institutions/{slug}"))
    assert member.get(f"/institutions/{slug}/edit").status_code == 403


def test_a_new_position_at_the_same_place_is_confirmed_again(
    app: Flask, slug: str, member: Person
) -> None:
    """The confirmed tag vouches for the position shown beside it."""
    affiliate(app, "amina", slug)
    member.post(f"/institutions/{slug}/affiliation", {"position": "Director General"})
    assert affiliation_of(app, "amina") == (slug, "pending", False)
    assert "Director General" not in text_of(Person(app.test_client()).get(f"/institutions/{slug}"))


def test_those_who_confirm_remove_a_member_and_only_moderators_remove_a_manager(
    app: Flask, slug: str, member: Person, other_member: Person
) -> None:
    manager = make_manager(app, "manager.here", slug)
    other_manager = make_manager(app, "manager.two", slug)
    affiliate(app, "amina", slug)
    amina, two = user_id(app, "amina"), user_id(app, "manager.two")
    # the member leaves by saying so, not by removing themself; another member cannot
    assert member.post(f"/institutions/{slug}/affiliations/{amina}/remove").status_code == 403
    assert other_member.post(f"/institutions/{slug}/affiliations/{amina}/remove").status_code == 403
    assert manager.post(f"/institutions/{slug}/affiliations/{two}/remove").status_code == 403
    assert affiliation_of(app, "manager.two") == (slug, "confirmed", True)
    page = manager.get(f"/institutions/{slug}").get_data(as_text=True)
    assert f"/affiliations/{amina}/remove" in page
    assert f"/affiliations/{two}/remove" not in page
    assert manager.post(f"/institutions/{slug}/affiliations/{amina}/remove").status_code == 302
    assert affiliation_of(app, "amina") is None
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    assert moderator.post(f"/institutions/{slug}/affiliations/{two}/remove").status_code == 302
    assert affiliation_of(app, "manager.two") is None
    assert log(app).count("affiliation.remove") == 2
    assert "manager.here removed amina from the members of National Institute" in text_of(
        moderator.get(f"/institutions/{slug}")
    )
    assert other_manager.get(f"/institutions/{slug}/edit").status_code == 403


def test_a_pending_request_is_declined_not_removed(app: Flask, slug: str, member: Person) -> None:
    manager = make_manager(app, "manager.here", slug)
    member.post(f"/institutions/{slug}/affiliation")
    refused = manager.post(
        f"/institutions/{slug}/affiliations/{user_id(app, 'amina')}/remove", follow_redirects=True
    )
    assert "This request is not confirmed yet: decline it instead." in text_of(refused)
    assert affiliation_of(app, "amina") == (slug, "pending", False)


def test_a_member_withdraws(app: Flask, slug: str, member: Person) -> None:
    affiliate(app, "amina", slug)
    page = member.get(f"/institutions/{slug}").get_data(as_text=True)
    assert "I no longer work here" in page
    assert member.post(f"/institutions/{slug}/affiliation/withdraw").status_code == 302
    assert affiliation_of(app, "amina") is None


def test_a_position_too_long_is_refused_on_the_page(app: Flask, slug: str, member: Person) -> None:
    response = member.post(f"/institutions/{slug}/affiliation", {"position": "P" * 121})
    assert response.status_code == 422
    assert "Field cannot be longer than 120 characters." in response.get_data(as_text=True)
    assert affiliation_of(app, "amina") is None


def test_a_banned_member_cannot_claim(app: Flask, slug: str, member: Person) -> None:
    admin = make_person(app, "root.admin", admin=True)
    admin.post("/admin/bans", {"username": "amina", "reason": "spam"})
    # a ban ends the member's session (302 to log in); a session that outlived it gets 403
    assert member.post(f"/institutions/{slug}/affiliation").status_code in (302, 403)
    assert affiliation_of(app, "amina") is None
    with app.test_request_context():
        banned = db.session.scalar(select(User).where(User.username == "amina"))
        institution = institution_pages.find(slug)
        with pytest.raises(Denied, match="banned"):
            affiliations.claim(banned, institution, "")


def test_who_may_choose_managers(
    app: Flask, slug: str, anonymous: Person, member: Person, other_member: Person
) -> None:
    roles = every_role(app, anonymous, other_member, member)
    roles["manager_here"] = make_manager(app, "manager.here", slug)
    allowed = {"moderator_here", "admin"}
    make_person(app, "staff")
    affiliate(app, "staff", slug)
    staff = user_id(app, "staff")
    for role, person in roles.items():
        made = person.post(f"/institutions/{slug}/managers/{staff}")
        if role == "anonymous":
            assert made.status_code == 302
            continue
        if role not in allowed:
            assert made.status_code == 403, role
            assert affiliation_of(app, "staff") == (slug, "confirmed", False)
            assert 'value="Make manager' not in person.get(f"/institutions/{slug}").get_data(
                as_text=True
            )
            continue
        assert made.status_code == 302
        assert affiliation_of(app, "staff") == (slug, "confirmed", True), role
        assert person.post(f"/institutions/{slug}/managers/{staff}/remove").status_code == 302
        assert affiliation_of(app, "staff") == (slug, "confirmed", False), role
    assert log(app).count("institution.manager_add") == 2
    assert log(app).count("institution.manager_remove") == 2


def test_a_new_manager_edits_the_page_and_confirms_requests(
    app: Flask, slug: str, member: Person, other_member: Person
) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    affiliate(app, "amina", slug)
    assert member.get(f"/institutions/{slug}/edit").status_code == 403
    moderator.post(f"/institutions/{slug}/managers/{user_id(app, 'amina')}")
    assert member.get(f"/institutions/{slug}/edit").status_code == 200
    other_member.post(f"/institutions/{slug}/affiliation")
    confirmed = member.post(f"/institutions/{slug}/affiliations/{user_id(app, 'kemal')}/confirm")
    assert confirmed.status_code == 302
    assert affiliation_of(app, "kemal") == (slug, "confirmed", False)
    page = text_of(moderator.get(f"/institutions/{slug}"))
    assert "oic.mod made amina a manager of National Institute" in page


def test_only_confirmed_members_become_managers(app: Flask, slug: str, member: Person) -> None:
    admin = make_person(app, "root.admin", admin=True)
    member.post(f"/institutions/{slug}/affiliation")
    response = admin.post(
        f"/institutions/{slug}/managers/{user_id(app, 'amina')}", follow_redirects=True
    )
    assert "Only confirmed members of the institution can manage it." in response.get_data(
        as_text=True
    )
    assert affiliation_of(app, "amina") == (slug, "pending", False)


def test_a_request_not_found_is_404(app: Flask, slug: str, member: Person) -> None:
    admin = make_person(app, "root.admin", admin=True)
    assert (
        admin.post(f"/institutions/{slug}/affiliations/{user_id(app, 'amina')}/confirm").status_code
        == 404
    )
    assert admin.post(f"/institutions/{slug}/affiliations/99999999999/confirm").status_code == 404
    assert admin.post("/institutions/nowhere-xx/affiliation").status_code == 404
    # an affiliation elsewhere is not this institution's to decide
    other = make_institution(app, **INRS)
    member.post(f"/institutions/{other}/affiliation")
    assert (
        admin.post(f"/institutions/{slug}/affiliations/{user_id(app, 'amina')}/confirm").status_code
        == 404
    )
    assert affiliation_of(app, "amina") == (other, "pending", False)


def test_affiliation_changes_are_post_only_and_need_their_token(
    app: Flask, slug: str, member: Person
) -> None:
    admin = make_person(app, "root.admin", admin=True)
    member.post(f"/institutions/{slug}/affiliation")
    amina = user_id(app, "amina")
    urls = [
        f"/institutions/{slug}/affiliations/{amina}/confirm",
        f"/institutions/{slug}/affiliations/{amina}/decline",
        f"/institutions/{slug}/managers/{amina}",
        f"/institutions/{slug}/managers/{amina}/remove",
    ]
    for url in urls:
        assert admin.get(url).status_code == 405, url
        assert admin.client.post(url).status_code == 400, url
    assert member.get(f"/institutions/{slug}/affiliation/withdraw").status_code == 405
    assert member.client.post(f"/institutions/{slug}/affiliation/withdraw").status_code == 400
    assert member.client.post(f"/institutions/{slug}/affiliation").status_code == 400
    assert affiliation_of(app, "amina") == (slug, "pending", False)
    assert log(app) == ["institution.create"]


def test_the_whole_audit_log_reads_the_new_actions_as_sentences(
    app: Flask, slug: str, member: Person
) -> None:
    admin = make_person(app, "root.admin", admin=True)
    member.post(f"/institutions/{slug}/affiliation")
    amina = user_id(app, "amina")
    admin.post(f"/institutions/{slug}/affiliations/{amina}/confirm")
    admin.post(f"/institutions/{slug}/managers/{amina}")
    admin.post(f"/institutions/{slug}/managers/{amina}/remove")
    html = admin.get("/admin/audit").get_data(as_text=True)
    sentences = [
        re.sub(r"<[^>]+>", "", s).strip()
        for s in re.findall(r'<p class="audit-sentence">(.*?)</p>', html, re.S)
    ]
    name = "National Institute of Occupational Safety and Health"
    assert sentences[:4] == [
        f"root.admin removed amina from the managers of {name}.",
        f"root.admin made amina a manager of {name}.",
        f"root.admin confirmed that amina works at {name}.",
        f"An operator at the command line added {name} to the directory of institutions.",
    ]
    assert f'<a href="/institutions/{slug}"><bdi>{name}</bdi></a>' in html
    assert "affiliation.confirm" not in html
