from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import exists, insert, literal, select

from forum.extensions import db
from forum.models import ExpertiseClaim, ExpertVerification, Network, Theme, User
from forum.models._time import utcnow
from tests.conftest import Person, counting_queries, errors_in, make_person, thread_id_from


def _id(app: Flask, model, slug: str) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(model.id).where(model.slug == slug))


def _claim(
    app: Flask,
    person: Person,
    *themes: str,
    country: str = "MY",
    institution: str = "NIOSH Malaysia",
) -> None:
    response = person.post(
        "/profile",
        {
            "country": country,
            "institution": institution,
            "expertise": [_id(app, Theme, theme) for theme in themes],
        },
    )
    assert response.status_code == 302


def _verify(
    app: Flask,
    moderator: Person,
    username: str,
    theme: str = "confined-spaces",
    network: str = "oic-oshnet",
    **extra: str,
):
    return moderator.post(
        f"/u/{username}/verify",
        {
            "theme": _id(app, Theme, theme),
            "network": _id(app, Network, network),
            "note": "NIOSH Malaysia, confined spaces trainer",
            **extra,
        },
    )


@pytest.fixture
def expert(app: Flask) -> Person:
    person = make_person(app, "siti")
    _claim(app, person, "confined-spaces")
    return person


@pytest.fixture
def oic_moderator(app: Flask) -> Person:
    return make_person(app, "oic.mod", moderates=("oic-oshnet",))


@pytest.fixture
def ilo_moderator(app: Flask) -> Person:
    return make_person(app, "ilo.mod", moderates=("ilo-global",))


def test_a_moderator_verifies_a_claimed_theme_and_posts_carry_the_badge(
    app: Flask, expert: Person, oic_moderator: Person, member: Person, anonymous: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Rescue tripods", "Which anchor points?"))
    expert.reply(thread_id, "Use the davit arm, never the manhole frame.")
    assert "Claims: Confined spaces" in anonymous.get(f"/threads/{thread_id}").get_data(
        as_text=True
    )

    response = _verify(app, oic_moderator, "siti")
    assert response.status_code == 302
    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Verified expert: Confined spaces" in page
    assert "Claims: Confined spaces" not in page
    profile = anonymous.get("/u/siti").get_data(as_text=True)
    assert "NIOSH Malaysia, confined spaces trainer" in profile
    assert "Verified by <bdi>oic.mod</bdi>" in profile


def test_the_badge_is_for_the_boards_theme_only(
    app: Flask, expert: Person, oic_moderator: Person, member: Person, anonymous: Person
) -> None:
    _verify(app, oic_moderator, "siti")
    thread_id = thread_id_from(
        member.start_thread("Fire doors", "Self-closing?", board="oic-oshnet/fire-safety")
    )
    expert.reply(thread_id, "Yes, and never wedged open.")
    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Verified expert" not in page


def test_verifying_an_unclaimed_theme_needs_an_explicit_choice(
    app: Flask, expert: Person, oic_moderator: Person
) -> None:
    refused = _verify(app, oic_moderator, "siti", theme="mining")
    assert refused.status_code == 422
    assert "siti has not claimed Mining" in errors_in(refused)
    with app.app_context():
        assert db.session.query(ExpertVerification).count() == 0
    accepted = _verify(app, oic_moderator, "siti", theme="mining", unclaimed_ok="y")
    assert accepted.status_code == 302


def test_revoking_removes_the_badge_and_keeps_the_record(
    app: Flask, expert: Person, oic_moderator: Person, anonymous: Person
) -> None:
    _verify(app, oic_moderator, "siti")
    with app.app_context():
        verification_id = db.session.scalar(select(ExpertVerification.id))
    assert oic_moderator.post(f"/verifications/{verification_id}/revoke").status_code == 302
    profile = anonymous.get("/u/siti").get_data(as_text=True)
    assert "Verified expert" not in profile
    assert "Revoked on" in profile
    with app.app_context():
        verification = db.session.get(ExpertVerification, verification_id)
        assert verification.revoked_at is not None
        assert verification.revoked_by_id is not None
    # verified again: active anew, one row
    assert _verify(app, oic_moderator, "siti").status_code == 302
    with app.app_context():
        assert db.session.query(ExpertVerification).count() == 1
        assert db.session.get(ExpertVerification, verification_id).revoked_at is None


@pytest.mark.parametrize("who", ["anonymous", "member", "expert", "ilo_moderator"])
def test_only_moderators_of_the_network_or_admins_verify(
    app: Flask, request: pytest.FixtureRequest, expert: Person, who: str
) -> None:
    person = request.getfixturevalue(who)
    response = _verify(app, person, "siti")
    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert "/auth/login" in response.headers["Location"]
    with app.app_context():
        assert db.session.query(ExpertVerification).count() == 0


def test_an_admin_verifies_in_any_network(app: Flask, expert: Person) -> None:
    admin = make_person(app, "root.admin", admin=True)
    assert _verify(app, admin, "siti", network="ilo-global").status_code == 302


@pytest.mark.parametrize("who", ["anonymous", "member", "ilo_moderator"])
def test_only_moderators_of_the_network_or_admins_revoke(
    app: Flask, request: pytest.FixtureRequest, expert: Person, oic_moderator: Person, who: str
) -> None:
    _verify(app, oic_moderator, "siti")
    with app.app_context():
        verification_id = db.session.scalar(select(ExpertVerification.id))
    response = request.getfixturevalue(who).post(f"/verifications/{verification_id}/revoke")
    assert response.status_code == (302 if who == "anonymous" else 403)
    with app.app_context():
        assert db.session.get(ExpertVerification, verification_id).revoked_at is None


def test_the_verify_form_shows_only_to_moderators_and_offers_their_networks(
    app: Flask, expert: Person, oic_moderator: Person, member: Person
) -> None:
    assert "Verify expertise" not in member.get("/u/siti").get_data(as_text=True)
    page = oic_moderator.get("/u/siti").get_data(as_text=True)
    assert "Verify expertise" in page
    assert "OIC-OSHNET</option>" in page
    assert "ILO Global OSH</option>" not in page


def test_the_directory_finds_a_fire_safety_expert_in_malaysia(
    app: Flask, expert: Person, oic_moderator: Person, anonymous: Person
) -> None:
    fire = make_person(app, "rahim")
    _claim(app, fire, "fire-safety", institution="Bomba Malaysia")
    elsewhere = make_person(app, "jp.martin")
    _claim(app, elsewhere, "fire-safety", country="FR", institution="Inspection du travail")
    make_person(app, "no.expertise")

    page = anonymous.get("/experts?theme=fire-safety&country=MY").get_data(as_text=True)
    assert 'href="/u/rahim"' in page
    assert 'href="/u/jp.martin"' not in page
    assert 'href="/u/siti"' not in page

    everyone = anonymous.get("/experts").get_data(as_text=True)
    assert 'href="/u/no.expertise"' not in everyone
    assert "3 members match" in everyone

    _verify(app, oic_moderator, "siti")
    verified = anonymous.get("/experts?verified=y").get_data(as_text=True)
    assert 'href="/u/siti"' in verified
    assert 'href="/u/rahim"' not in verified
    in_oic = anonymous.get("/experts?network=oic-oshnet&verified=y").get_data(as_text=True)
    assert 'href="/u/siti"' in in_oic
    assert 'href="/u/siti"' not in anonymous.get("/experts?network=ilo-global&verified=y").get_data(
        as_text=True
    )
    assert everyone.index('href="/u/siti"') > 0
    ranked = anonymous.get("/experts").get_data(as_text=True)
    assert ranked.index('href="/u/siti"') < ranked.index('href="/u/jp.martin"')  # verified first

    by_text = anonymous.get("/experts?q=bomba").get_data(as_text=True)
    assert 'href="/u/rahim"' in by_text
    assert 'href="/u/jp.martin"' not in by_text


@pytest.mark.parametrize(
    "query",
    [
        "q=%25",
        "q=_",
        "q=%27%20OR%201%3D1",
        "theme=nope",
        "country=ZZZ",
        "network=%00x",
        "page=abc",
        "q=" + "x" * 500,
        "verified=maybe",
    ],
)
def test_the_directory_survives_odd_filters(anonymous: Person, expert: Person, query: str) -> None:
    response = anonymous.get(f"/experts?{query}")
    assert response.status_code in (200, 400)


def test_a_like_wildcard_in_the_search_is_taken_literally(
    app: Flask, expert: Person, anonymous: Person
) -> None:
    assert "No member matches" in anonymous.get("/experts?q=%25").get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_MB": 0}])  # what making the page costs
def test_the_directory_page_has_a_fixed_query_count_at_five_thousand_members(
    app: Flask, anonymous: Person
) -> None:
    def add_members(start: int, count: int) -> None:
        rows = [
            {
                "username": f"m{i}",
                "username_key": f"m{i}",
                "email": f"m{i}@example.org",
                "password_hash": "!",
                "is_admin": False,
                "session_version": 1,
                "created_at": utcnow(),
                "country": "MY",
                "institution": f"Institute {i}",
            }
            for i in range(start, start + count)
        ]
        with app.app_context():
            db.session.execute(insert(User), rows)
            theme_id = db.session.scalar(select(Theme.id).where(Theme.slug == "confined-spaces"))
            unclaimed = select(User.id, literal(theme_id)).where(
                User.username.like("m%"), ~exists().where(ExpertiseClaim.user_id == User.id)
            )
            db.session.execute(
                insert(ExpertiseClaim).from_select(["user_id", "theme_id"], unclaimed)
            )
            db.session.commit()

    url = "/experts?theme=confined-spaces&country=MY"
    add_members(0, 30)
    anonymous.get(url)
    with counting_queries(app) as few:
        assert anonymous.get(url).status_code == 200
    add_members(30, 4970)
    with counting_queries(app) as many:
        page = anonymous.get(url)
    assert "5,000 members match" in page.get_data(as_text=True)
    assert many.count == few.count
    assert many.count <= 6


def test_the_verification_list_is_shared_but_its_revoke_buttons_are_not(
    app: Flask, expert: Person, oic_moderator: Person, member: Person
) -> None:
    _verify(app, oic_moderator, "siti")
    seen_by_member = member.get("/u/siti").get_data(as_text=True)  # keeps the list as a part
    assert "NIOSH Malaysia, confined spaces trainer" in seen_by_member
    assert ">Revoke<" not in seen_by_member
    assert ">Revoke<" in oic_moderator.get("/u/siti").get_data(as_text=True)
    assert ">Revoke<" not in member.get("/u/siti").get_data(as_text=True)
