"""An institution's page (what it shows, to whom, at what cost), and adding and editing
institutions through the forms."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    AcceptedAnswer,
    Affiliation,
    AffiliationStatus,
    AuditEntry,
    Board,
    ExpertVerification,
    Institution,
    Network,
    Post,
    Theme,
    Thread,
    ThreadKind,
    User,
)
from forum.models._time import utcnow
from forum.services import institutions
from tests.conftest import (
    Person,
    counting_queries,
    errors_in,
    every_role,
    make_person,
    user_row,
)
from tests.institution_helpers import make_institution


def affiliate(
    app: Flask, username: str, slug: str, *, confirmed: bool = True, manager: bool = False
) -> None:
    """Put a member at an institution directly (the routes are tested in test_affiliations)."""
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        institution_id = db.session.scalar(select(Institution.id).where(Institution.slug == slug))
        db.session.merge(
            Affiliation(
                user_id=user_id,
                institution_id=institution_id,
                status=AffiliationStatus.confirmed if confirmed else AffiliationStatus.pending,
                is_manager=manager,
                position="Head of the laboratory",
            )
        )
        db.session.commit()
        db.session.remove()


def make_manager(app: Flask, username: str, slug: str) -> Person:
    person = make_person(app, username)
    affiliate(app, username, slug, manager=True)
    return person


def text_of(response) -> str:  # noqa: ANN001
    html = response.get_data(as_text=True)
    return (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        .replace("\u2068", "")
        .replace("\u2069", "")
    )


def _board(network: str = "oic-oshnet", theme: str = "chemical-safety") -> Board:
    return db.session.scalar(
        select(Board)
        .join(Network, Network.id == Board.network_id)
        .join(Theme, Theme.id == Board.theme_id)
        .where(Network.slug == network, Theme.slug == theme)
    )


def add_work(app: Flask, username: str, title: str, **hidden: bool) -> None:
    """A good practice by the member, and an accepted answer by them to a question; each
    deleted or hidden when asked (deleted=True, hidden=True)."""
    with app.app_context():
        board = _board()
        author = db.session.scalar(select(User).where(User.username == username))
        when = utcnow()
        practice = Thread(
            board_id=board.id,
            author_id=author.id,
            kind=ThreadKind.good_practice,
            title=f"{title} practice",
            last_activity_at=when,
        )
        question = Thread(
            board_id=board.id,
            author_id=author.id,
            kind=ThreadKind.question,
            title=f"{title} question",
            last_activity_at=when,
        )
        db.session.add_all([practice, question])
        db.session.flush()
        opening = Post(thread_id=practice.id, author_id=author.id, is_opening=True,
                       body_source="b", body_html="<p>b</p>")  # fmt: skip
        asked = Post(thread_id=question.id, author_id=author.id, is_opening=True,
                     body_source="q", body_html="<p>q</p>")  # fmt: skip
        answer = Post(thread_id=question.id, author_id=author.id, body_source="a",
                      body_html="<p>a</p>")  # fmt: skip
        db.session.add_all([opening, asked, answer])
        db.session.flush()
        db.session.add(
            AcceptedAnswer(thread_id=question.id, post_id=answer.id, accepted_by_id=author.id)
        )
        if hidden.get("deleted"):
            practice.deleted_at = answer.deleted_at = when
        if hidden.get("hidden"):
            opening.hidden_at = answer.hidden_at = when
        db.session.commit()
        db.session.remove()


def verify(app: Flask, username: str, theme: str = "chemical-safety") -> None:
    with app.app_context():
        db.session.add(
            ExpertVerification(
                user_id=db.session.scalar(select(User.id).where(User.username == username)),
                theme_id=db.session.scalar(select(Theme.id).where(Theme.slug == theme)),
                network_id=db.session.scalar(
                    select(Network.id).where(Network.slug == "asean-oshnet")
                ),
            )
        )
        db.session.commit()
        db.session.remove()


# --- what the page shows ---------------------------------------------------------------


def test_the_page_shows_the_institution_its_people_and_their_work(
    app: Flask, anonymous: Person, member: Person, other_member: Person
) -> None:
    slug = make_institution(app)
    affiliate(app, "amina", slug)
    affiliate(app, "kemal", slug, confirmed=False)  # pending: not listed
    verify(app, "amina")
    verify(app, "kemal")  # an expert, but not confirmed here
    add_work(app, "amina", "Silica sampling")
    add_work(app, "amina", "Removed", deleted=True)
    add_work(app, "amina", "Hushed", hidden=True)
    add_work(app, "kemal", "Pending person's")

    response = anonymous.get(f"/institutions/{slug}")
    assert response.status_code == 200
    page = text_of(response)
    assert "National Institute of Occupational Safety and Health ( NIOSH )" in page
    assert "National OSH institute or centre · Malaysia" in page
    assert "Training and laboratory services." in page
    assert (
        "Chemical safety Laboratory and testing Respirable crystalline silica, NIOSH 7500" in page
    )
    assert "OIC-OSHNET · National focal point" in page
    assert "ASEAN-OSHNET · Member institution" in page
    assert "amina Head of the laboratory" in page
    assert "verified by ASEAN-OSHNET" in page
    assert "Silica sampling practice" in page
    assert "Silica sampling question" in page
    for gone in ("Removed", "Hushed", "Pending person's", "kemal"):
        assert gone not in page, gone
    # a visitor is asked to log in; no edit link, no queue, no history
    assert "Log in to say you work here." in page
    assert "Edit this institution" not in page
    assert "Waiting for confirmation" not in page
    assert "History" not in page


def test_the_name_is_shown_in_the_readers_language(app: Flask, anonymous: Person) -> None:
    slug = make_institution(app)
    page = text_of(anonymous.get(f"/institutions/{slug}", headers={"Accept-Language": "ar"}))
    assert "المعهد الوطني للسلامة والصحة المهنية" in page
    assert "National Institute of Occupational Safety and Health" in page  # its official name


def test_an_unknown_institution_is_404(anonymous: Person, member: Person) -> None:
    assert anonymous.get("/institutions/nowhere-xx").status_code == 404
    assert member.get("/institutions/nowhere-xx/edit").status_code == 404


def test_who_sees_the_edit_link_and_the_claim_button(
    app: Flask, anonymous: Person, member: Person, other_member: Person
) -> None:
    slug = make_institution(app)
    roles = every_role(app, anonymous, other_member, member)
    roles["manager_here"] = make_manager(app, "manager.here", slug)
    other = make_institution(app, name="Institut national de recherche et de sécurité",
                             acronym="INRS", country="FR", networks={}, capacities=[])  # fmt: skip
    roles["manager_elsewhere"] = make_manager(app, "manager.there", other)
    editors = {"moderator_here", "admin", "manager_here"}
    for role, person in roles.items():
        response = person.get(f"/institutions/{slug}")
        page = text_of(response)
        assert ("Edit this institution" in page) == (role in editors), role
        claims = 'value="I work here"' in response.get_data(as_text=True)
        assert claims == (role not in ("anonymous", "manager_here")), role


def test_the_visitors_page_is_kept_and_freshened_by_a_change(app: Flask, anonymous: Person) -> None:
    slug = make_institution(app)
    assert anonymous.get(f"/institutions/{slug}").headers["X-Page-Cache"] == "miss"
    assert anonymous.get(f"/institutions/{slug}").headers["X-Page-Cache"] == "hit"
    with app.test_request_context():
        found = db.session.scalar(select(Institution).where(Institution.slug == slug))
        fields = institutions.fields_of(found)
        fields.website = "https://niosh.example.org"
        institutions.update(None, found, fields)
        db.session.remove()
    fresh = anonymous.get(f"/institutions/{slug}")
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert "https://niosh.example.org" in fresh.get_data(as_text=True)
    # a request waiting for confirmation is on no visitor's page: asking, withdrawing and
    # asking again keep it (and every other kept page)
    assert anonymous.get(f"/institutions/{slug}").headers["X-Page-Cache"] == "hit"
    amina_person = make_person(app, "amina")
    amina_person.post(f"/institutions/{slug}/affiliation", {"position": "Chemist"})
    amina_person.post(f"/institutions/{slug}/affiliation/withdraw")
    amina_person.post(f"/institutions/{slug}/affiliation", {"position": "Chemist"})
    assert anonymous.get(f"/institutions/{slug}").headers["X-Page-Cache"] == "hit"
    # a member confirmed there is on the next visitor's page
    admin = make_person(app, "root.admin", admin=True)
    amina = user_row(app, "amina").id
    assert admin.post(f"/institutions/{slug}/affiliations/{amina}/confirm").status_code == 302
    fresh = anonymous.get(f"/institutions/{slug}")
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert "Chemist" in fresh.get_data(as_text=True)


# --- query counts ------------------------------------------------------------------------


@pytest.fixture
def uncached(database_url: str, app: Flask) -> Flask:
    app.config["PAGE_CACHE_MB"] = 0
    app.extensions.pop("forum_page_cache", None)
    return app


def _crowd(app: Flask, slug: str, start: int, count: int) -> None:
    for number in range(start, start + count):
        _user(app, f"staff{number}")
        affiliate(app, f"staff{number}", slug, manager=number % 5 == 0)
        verify(app, f"staff{number}")
        add_work(app, f"staff{number}", f"Work {number}")
    _user(app, f"asker{start}")
    affiliate(app, f"asker{start}", slug, confirmed=False)


def _user(app: Flask, username: str) -> None:
    with app.app_context():
        db.session.add(User(username=username, username_key=username,
                            email=f"{username}@example.org", password_hash="x"))  # fmt: skip
        db.session.commit()
        db.session.remove()


def _cost(app: Flask, person: Person, url: str) -> int:
    person.get(url)
    with counting_queries(app) as counter:
        assert person.get(url).status_code == 200
    return counter.count


def test_the_page_costs_the_same_whatever_its_number_of_members(
    uncached: Flask, anonymous: Person, member: Person
) -> None:
    app = uncached
    slug = make_institution(app)
    admin = make_person(app, "root.admin", admin=True)
    readers = {"anonymous": anonymous, "member": member, "admin": admin}
    _crowd(app, slug, 0, 2)
    few = {name: _cost(app, person, f"/institutions/{slug}") for name, person in readers.items()}
    _crowd(app, slug, 2, 25)
    page = admin.get(f"/institutions/{slug}").get_data(as_text=True)
    assert "staff26" in page
    assert "asker2" in page
    many = {name: _cost(app, person, f"/institutions/{slug}") for name, person in readers.items()}
    assert many == few
    assert max(many.values()) <= 12, many


# --- adding and editing ------------------------------------------------------------------

NEW = {
    "name": "Department of Occupational Safety and Health",
    "acronym": "DOSH",
    "country": "MY",
    "kind": "inspectorate",
    "name_ar": "إدارة السلامة والصحة المهنية",
    "website": "https://www.dosh.gov.my",
    "description": "Enforces the *OSH Act 1994*.",
    "network-oic-oshnet": "member",
    "capacity-0-theme": "chemical-safety",
    "capacity-0-kind": "laboratory",
    "capacity-0-note": "Industrial hygiene laboratory",
    "capacity-1-theme": "confined-spaces",
    "capacity-1-kind": "inspection",
}


def test_a_moderator_adds_an_institution_in_their_network(app: Flask) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    form = moderator.get("/institutions/new").get_data(as_text=True)
    assert 'name="network-oic-oshnet"' in form
    assert 'name="network-asean-oshnet"' not in form  # not theirs to place in
    assert 'name="capacity-2-theme"' in form  # blank rows, no script needed
    response = moderator.post("/institutions/new", NEW)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/institutions/dosh-my")
    page = text_of(moderator.get("/institutions/dosh-my"))
    assert "Labour inspectorate or ministry · Malaysia" in page
    assert "Industrial hygiene laboratory" in page
    assert "Confined spaces Inspection and enforcement" in page
    assert "OIC-OSHNET · Member institution" in page
    assert "oic.mod added Department of Occupational Safety and Health to the directory" in page
    with app.app_context():
        made = db.session.scalar(select(Institution).where(Institution.slug == "dosh-my"))
        assert made.other_names == {"ar": "إدارة السلامة والصحة المهنية"}
        assert "<em>OSH Act 1994</em>" in made.description_html


def test_an_admin_is_offered_every_network(app: Flask) -> None:
    admin = make_person(app, "root.admin", admin=True)
    form = admin.get("/institutions/new").get_data(as_text=True)
    for network in ("oic-oshnet", "asean-oshnet", "ilo-global"):
        assert f'name="network-{network}"' in form
    assert (
        admin.post("/institutions/new", {**NEW, "network-ilo-global": "coordinator"}).status_code
        == 302
    )


def test_a_manager_edits_the_page_but_not_its_networks(app: Flask) -> None:
    slug = make_institution(app)
    manager = make_manager(app, "manager.here", slug)
    form = manager.get(f"/institutions/{slug}/edit").get_data(as_text=True)
    assert re.search(r'<select id="network-oic-oshnet" name="network-oic-oshnet" disabled>', form)
    assert 'value="Respirable crystalline silica, NIOSH 7500"' in form
    changed = _as_posted(form) | {
        "website": "https://niosh.example.org",
        "network-oic-oshnet": "member",  # forged: a manager cannot change it
        "capacity-0-note": "",
        "capacity-0-theme": "",
        "capacity-0-kind": "",
    }
    response = manager.post(f"/institutions/{slug}/edit", changed)
    assert response.status_code == 302, errors_in(response)
    page = text_of(manager.get(f"/institutions/{slug}"))
    assert "https://niosh.example.org" in page
    assert "OIC-OSHNET · National focal point" in page  # unchanged
    assert "No capacities listed yet." in page
    assert "manager.here edited the page of National Institute" in page
    assert "Its website changed." in page
    assert "Its capacities changed." in page


def test_a_moderator_changes_the_role_in_their_network_only(app: Flask) -> None:
    slug = make_institution(app)
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    form = moderator.get(f"/institutions/{slug}/edit").get_data(as_text=True)
    assert '<select id="network-oic-oshnet" name="network-oic-oshnet">' in form
    assert '<select id="network-asean-oshnet" name="network-asean-oshnet" disabled>' in form
    posted = _as_posted(form) | {"network-oic-oshnet": "secretariat", "network-asean-oshnet": ""}
    assert moderator.post(f"/institutions/{slug}/edit", posted).status_code == 302
    page = text_of(moderator.get(f"/institutions/{slug}"))
    assert "OIC-OSHNET · Secretariat" in page
    assert "ASEAN-OSHNET · Member institution" in page  # not theirs: kept


def test_saving_an_unchanged_form_changes_and_logs_nothing(app: Flask) -> None:
    slug = make_institution(app)
    admin = make_person(app, "root.admin", admin=True)
    form = admin.get(f"/institutions/{slug}/edit").get_data(as_text=True)
    response = admin.post(f"/institutions/{slug}/edit", _as_posted(form), follow_redirects=True)
    assert "Nothing changed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == (
            "institution.create"
        )


def _as_posted(form_html: str) -> dict[str, str]:
    """What a browser sends for the form as shown (enabled controls only)."""
    sent: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form_html):
        sent[name] = value.replace("&#34;", '"').replace("&amp;", "&")
    for attributes, body in re.findall(r"<select([^>]*)>(.*?)</select>", form_html, re.S):
        name = re.search(r'name="([^"]+)"', attributes).group(1)
        if "disabled" in attributes:
            continue
        chosen = re.search(
            r'<option (?:selected )?value="([^"]*)"[^>]*selected', body
        ) or re.search(r'<option selected value="([^"]*)"', body)
        sent[name] = chosen.group(1) if chosen else ""
    description = re.search(
        r'<textarea[^>]*name="description"[^>]*>\s*(.*?)</textarea>', form_html, re.S
    )
    sent["description"] = description.group(1) if description else ""
    sent.pop("csrf_token", None)
    return sent


# --- who may add and edit ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_who_may_add_and_edit_institutions(
    app: Flask, anonymous: Person, member: Person, other_member: Person, method: str
) -> None:
    slug = make_institution(app)
    other = make_institution(app, name="Institut national de recherche et de sécurité",
                             acronym="INRS", country="FR", networks={}, capacities=[])  # fmt: skip
    roles = every_role(app, anonymous, other_member, member)
    roles["manager_here"] = make_manager(app, "manager.here", slug)
    roles["manager_elsewhere"] = make_manager(app, "manager.there", other)
    may_add = {"moderator_here", "moderator_elsewhere", "admin"}
    may_edit = {"moderator_here", "admin", "manager_here"}
    for role, person in roles.items():
        for url, allowed in (
            (f"/institutions/{slug}/edit", may_edit),
            ("/institutions/new", may_add),
        ):
            data = {"name": f"{url} by {role}", "country": "MY", "kind": "training"}
            response = person.get(url) if method == "get" else person.post(url, data)
            if role == "anonymous":
                assert response.status_code == 302
                assert "/auth/login" in response.headers["Location"]
            elif role in allowed:
                assert response.status_code in (200, 302), (role, url, response.status_code)
            else:
                assert response.status_code == 403, (role, url, response.status_code)
    with app.app_context():
        names = set(db.session.scalars(select(Institution.name)))
    for role in roles:
        assert (f"/institutions/new by {role}" in names) == (method == "post" and role in may_add)
    assert any(name.endswith("by admin") for name in names) == (method == "post")


def test_forms_need_their_csrf_token(app: Flask) -> None:
    slug = make_institution(app)
    admin = make_person(app, "root.admin", admin=True)
    assert admin.client.post("/institutions/new", data=NEW).status_code == 400
    assert admin.client.post(f"/institutions/{slug}/edit", data=NEW).status_code == 400
    with app.app_context():
        assert (
            db.session.scalar(select(Institution.id).where(Institution.slug == "dosh-my")) is None
        )


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"country": "XX"}, "Unknown country XX"),
        ({"kind": "club"}, "Unknown type club"),
        ({"capacity-0-theme": "juggling"}, "Unknown theme juggling"),
        ({"capacity-0-kind": "magic"}, "Unknown kind of capacity magic"),
        ({"capacity-4-note": "a note alone"}, "Choose both a theme and a kind"),
        ({"network-oic-oshnet": "king"}, "Unknown role king"),
        ({"website": "javascript:alert(1)"}, "full address"),
        ({"name": ""}, "Give the institution's name."),
        ({"name": "N" * 300}, "Keep the name under 200 characters."),
        ({"name_fr": "N" * 300}, "Keep the name under 200 characters."),
        ({"description": "x" * 10_001}, "Keep the description under"),
        ({"acronym": "A\x01B"}, "characters that are not allowed"),
        # never sent on to the database (PostgreSQL cannot hold NUL)
        ({"capacity-0-note": "a\x00b"}, "characters that are not allowed"),
        ({"capacity-0-theme": "fire\x00"}, "characters that are not allowed"),
        ({"network-oic-oshnet": "member\x00"}, "Unknown role -"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept_as_typed(
    app: Flask, changes: dict[str, str], words: str
) -> None:
    admin = make_person(app, "root.admin", admin=True)
    response = admin.post("/institutions/new", {**NEW, **changes})
    assert response.status_code == 422
    assert words in errors_in(response)
    html = response.get_data(as_text=True)
    if "capacity-0-note" not in changes:
        assert 'value="Industrial hygiene laboratory"' in html  # what was typed is kept
    if changes.get("country") == "XX":
        assert '<option selected value="XX">XX</option>' in html
    with app.app_context():
        assert db.session.scalar(select(Institution.id)) is None


def test_a_duplicate_is_refused_with_a_link_to_the_existing_one(app: Flask) -> None:
    slug = make_institution(app)
    admin = make_person(app, "root.admin", admin=True)
    response = admin.post(
        "/institutions/new",
        {**NEW, "name": "national institute of occupational SAFETY and health", "country": "MY"},
    )
    assert response.status_code == 409
    assert "already in the directory" in errors_in(response)
    assert f'<a href="/institutions/{slug}">' in response.get_data(as_text=True)
    # renaming another institution to it is refused alike
    admin.post("/institutions/new", NEW)
    form = admin.get("/institutions/dosh-my/edit").get_data(as_text=True)
    renamed = _as_posted(form) | {"name": "National Institute of Occupational Safety and Health"}
    response = admin.post("/institutions/dosh-my/edit", renamed)
    assert response.status_code == 409
    assert f'<a href="/institutions/{slug}">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "value", ["", " ", "x" * 5000, "\x00", "<script>alert(1)</script>", "١٢٣", "../../etc", "%00"]
)
def test_hostile_values_in_every_control_are_never_a_server_error(app: Flask, value: str) -> None:
    slug = make_institution(app)
    admin = make_person(app, "root.admin", admin=True)
    names = [*NEW, "name_en", "name_fr", "name_es", "capacity-99-note", "capacity-100-theme"]
    for name in names:
        for url in ("/institutions/new", f"/institutions/{slug}/edit"):
            response = admin.post(url, {**NEW, name: value})
            assert response.status_code < 500, (url, name, value)
        response = admin.post(f"/institutions/{slug}/affiliation", {"position": value})
        assert response.status_code < 500, value
    assert "<script>alert(1)</script>" not in admin.get(f"/institutions/{slug}").get_data(
        as_text=True
    )
