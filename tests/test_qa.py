"""Accepted answers, helpful votes, answered filters, good practices and routing to experts."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import AcceptedAnswer, ExpertVerification, Post, Theme, Thread, Vote
from tests.conftest import Person, errors_in, make_person, reply_ids, thread_id_from


@dataclass
class Question:
    thread_id: int
    reply_id: int
    second_reply_id: int


def _answered(app: Flask, thread_id: int) -> tuple[bool, int | None]:
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        accepted = db.session.get(AcceptedAnswer, thread_id)
        return thread.is_answered, accepted.post_id if accepted else None


@pytest.fixture
def expert(app: Flask) -> Person:
    return make_person(app, "siti")


@pytest.fixture
def question(app: Flask, member: Person, expert: Person, other_member: Person) -> Question:
    thread_id = thread_id_from(member.start_thread("CO monitoring in a wet well?", "Is CO needed?"))
    expert.reply(thread_id, "Yes: sludge and generators both make CO.")
    other_member.reply(thread_id, "We test CO at three levels.")
    first, second = reply_ids(app, thread_id)
    return Question(thread_id, first, second)


def test_the_asker_accepts_an_answer_shown_under_the_question(
    app: Flask, member: Person, question: Question, anonymous: Person
) -> None:
    response = member.post(f"/threads/{question.thread_id}/accept/{question.reply_id}")
    assert response.status_code == 302
    assert _answered(app, question.thread_id) == (True, question.reply_id)

    page = anonymous.get(f"/threads/{question.thread_id}").get_data(as_text=True)
    question_at = page.index("Is CO needed?")
    accepted_at = page.index('id="accepted-heading"')
    replies_at = page.index("All replies")
    assert question_at < accepted_at < replies_at
    assert page.index("Yes: sludge and generators", accepted_at) < replies_at
    board = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert "Answered" in board


def test_the_asker_changes_and_removes_the_accepted_answer(
    app: Flask, member: Person, question: Question
) -> None:
    member.post(f"/threads/{question.thread_id}/accept/{question.reply_id}")
    member.post(f"/threads/{question.thread_id}/accept/{question.second_reply_id}")
    assert _answered(app, question.thread_id) == (True, question.second_reply_id)
    member.post(f"/threads/{question.thread_id}/unaccept")
    assert _answered(app, question.thread_id) == (False, None)


def test_a_reply_from_another_thread_cannot_be_accepted(
    app: Flask, member: Person, question: Question, other_member: Person
) -> None:
    other = thread_id_from(member.start_thread("Another question", "?"))
    response = member.post(f"/threads/{other}/accept/{question.reply_id}")
    assert response.status_code == 404
    assert _answered(app, other) == (False, None)


def test_only_replies_to_questions_can_be_accepted(
    app: Flask, member: Person, question: Question, other_member: Person
) -> None:
    with app.app_context():
        opening = db.session.scalar(
            select(Post.id).where(Post.thread_id == question.thread_id, Post.is_opening)
        )
    refused = member.post(f"/threads/{question.thread_id}/accept/{opening}")
    assert refused.status_code == 403
    discussion = thread_id_from(member.start_thread("Talk", "Open talk", kind="discussion"))
    other_member.reply(discussion, "A view")
    reply = reply_ids(app, discussion)[0]
    response = member.post(f"/threads/{discussion}/accept/{reply}")
    assert response.status_code == 403
    assert "Only questions have accepted answers." in response.get_data(as_text=True)


def test_deleting_the_accepted_reply_reopens_the_question(
    app: Flask, member: Person, expert: Person, question: Question
) -> None:
    member.post(f"/threads/{question.thread_id}/accept/{question.reply_id}")
    expert.post(f"/posts/{question.reply_id}/delete")
    assert _answered(app, question.thread_id) == (False, None)


def test_helpful_votes_count_once_and_can_be_withdrawn(
    app: Flask, member: Person, question: Question, anonymous: Person
) -> None:
    assert member.post(f"/posts/{question.reply_id}/vote").status_code == 302
    again = member.post(f"/posts/{question.reply_id}/vote", follow_redirects=True)
    assert "You already voted." in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Post, question.reply_id).vote_count == 1
        assert db.session.query(Vote).count() == 1
    assert "1 found this helpful" in anonymous.get(f"/threads/{question.thread_id}").get_data(
        as_text=True
    )
    member.post(f"/posts/{question.reply_id}/unvote")
    member.post(f"/posts/{question.reply_id}/unvote")  # withdrawing twice changes nothing more
    with app.app_context():
        assert db.session.get(Post, question.reply_id).vote_count == 0


def test_nobody_votes_for_their_own_post(app: Flask, expert: Person, question: Question) -> None:
    response = expert.post(f"/posts/{question.reply_id}/vote")
    assert response.status_code == 403
    assert "You cannot vote for your own post." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Post, question.reply_id).vote_count == 0


def test_replies_sort_by_votes(
    app: Flask, member: Person, expert: Person, question: Question, anonymous: Person
) -> None:
    member.post(f"/posts/{question.second_reply_id}/vote")
    by_votes = anonymous.get(f"/threads/{question.thread_id}?sort=votes").get_data(as_text=True)
    assert by_votes.index("We test CO at three levels.") < by_votes.index(
        "Yes: sludge and generators"
    )
    by_date = anonymous.get(f"/threads/{question.thread_id}").get_data(as_text=True)
    assert by_date.index("Yes: sludge and generators") < by_date.index(
        "We test CO at three levels."
    )
    assert by_votes.index("Is CO needed?") < by_votes.index("We test CO at three levels.")


def test_boards_filter_unanswered_answered_and_good_practices(
    app: Flask, member: Person, question: Question, anonymous: Person
) -> None:
    open_id = thread_id_from(member.start_thread("Still open", "?"))
    member.start_thread("Our permit template", "Works well", kind="good_practice")
    member.post(f"/threads/{question.thread_id}/accept/{question.reply_id}")
    board = "/n/oic-oshnet/confined-spaces"
    unanswered = anonymous.get(f"{board}?show=unanswered").get_data(as_text=True)
    assert f"/threads/{open_id}" in unanswered
    assert f'/threads/{question.thread_id}"' not in unanswered
    assert "Our permit template" not in unanswered
    answered = anonymous.get(f"{board}?show=answered").get_data(as_text=True)
    assert "CO monitoring in a wet well?" in answered
    assert "Still open" not in answered
    practices = anonymous.get(f"{board}?show=good_practice").get_data(as_text=True)
    assert "Our permit template" in practices
    assert "Still open" not in practices


def test_good_practices_record_where_and_how_and_filter_on_it(
    member: Person, anonymous: Person
) -> None:
    response = member.post(
        "/n/oic-oshnet/fire-safety/new",
        {
            "kind": "good_practice",
            "title": "Hoist instead of ladders",
            "body": "We removed ladder access.",
            "practice_country": "MY",
            "practice_sector": "F",
            "practice_control": "elimination",
        },
    )
    thread_id = thread_id_from(response)
    member.start_thread("PPE only", "Gloves.", board="oic-oshnet/fire-safety", kind="good_practice")
    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Malaysia" in page
    assert "ISIC F" in page
    assert "Elimination" in page
    board = "/n/oic-oshnet/fire-safety?show=good_practice"
    filtered = anonymous.get(f"{board}&practice_country=MY&practice_control=elimination").get_data(
        as_text=True
    )
    assert "Hoist instead of ladders" in filtered
    assert "PPE only" not in filtered
    assert "PPE only" in anonymous.get(board).get_data(as_text=True)
    assert anonymous.get(f"{board}&practice_country=XX&practice_sector=!").status_code == 200


def test_good_practice_details_are_validated(app: Flask, member: Person) -> None:
    response = member.post(
        "/n/oic-oshnet/fire-safety/new",
        {
            "kind": "good_practice",
            "title": "t",
            "body": "b",
            "practice_country": "QQ",
            "practice_control": "prayer",
        },
    )
    assert response.status_code == 422
    assert "Not a valid choice" in errors_in(response)
    with app.app_context():
        assert db.session.query(Thread).count() == 0


def test_unanswered_in_my_expertise_routes_verified_themes_first_then_oldest(
    app: Flask, member: Person, anonymous: Person
) -> None:
    expert = make_person(app, "routed.expert")
    with app.app_context():
        themes = dict(db.session.execute(select(Theme.slug, Theme.id)).all())
    expert.post("/profile", {"expertise": [themes["confined-spaces"], themes["fire-safety"]]})
    admin = make_person(app, "root.admin", admin=True)
    admin.post(
        "/u/routed.expert/verify", {"theme": themes["fire-safety"], "network": _network_id(app)}
    )

    old_confined = member.start_thread("Old confined question", "?")
    old_fire = member.start_thread("Older fire question", "?", board="ilo-global/fire-safety")
    new_fire = member.start_thread("Newer fire question", "?", board="oic-oshnet/fire-safety")
    member.start_thread("Mining question", "?", board="oic-oshnet/mining")
    member.start_thread("A discussion", "?", kind="discussion")
    answered = thread_id_from(member.start_thread("Answered confined question", "?"))
    expert.reply(answered, "answer")
    member.post(f"/threads/{answered}/accept/{reply_ids(app, answered)[0]}")
    assert all(r.status_code == 302 for r in (old_confined, old_fire, new_fire))

    page = expert.get("/unanswered").get_data(as_text=True)
    titles = re.findall(r'class="thread-title"><a [^>]*><bdi>([^<]+)</bdi></a>', page)
    assert titles == ["Older fire question", "Newer fire question", "Old confined question"]
    assert anonymous.get("/unanswered").status_code == 302


def _network_id(app: Flask) -> int:
    from forum.models import Network

    with app.app_context():
        return db.session.scalar(select(Network.id).where(Network.slug == "oic-oshnet"))


# --- who may do what: every new state-changing route against every role ---

ROLES = ["anonymous", "member", "asker", "moderator_here", "moderator_elsewhere", "admin"]


@pytest.fixture
def people(
    app: Flask, anonymous: Person, member: Person, other_member: Person
) -> dict[str, Person]:
    return {
        "anonymous": anonymous,
        "member": other_member,
        "asker": member,
        "moderator_here": make_person(app, "oic.mod", moderates=("oic-oshnet",)),
        "moderator_elsewhere": make_person(app, "ilo.mod", moderates=("ilo-global",)),
        "admin": make_person(app, "root.admin", admin=True),
    }


def _state(app: Flask) -> tuple:
    with app.app_context():
        return (
            tuple(
                db.session.execute(select(AcceptedAnswer.thread_id, AcceptedAnswer.post_id)).all()
            ),
            tuple(db.session.execute(select(Vote.post_id, Vote.user_id)).all()),
            tuple(
                db.session.execute(
                    select(ExpertVerification.id, ExpertVerification.revoked_at)
                ).all()
            ),
            tuple(db.session.execute(select(Thread.id, Thread.is_answered)).all()),
        )


MATRIX = {
    # route: roles that may use it
    "accept": {"asker", "moderator_here", "admin"},
    "unaccept": {"asker", "moderator_here", "admin"},
    "vote": {"member", "asker", "moderator_here", "moderator_elsewhere", "admin"},
    "unvote": {"member", "asker", "moderator_here", "moderator_elsewhere", "admin"},
    "verify": {"moderator_here", "admin"},
    "revoke": {"moderator_here", "admin"},
}


@pytest.mark.parametrize("route", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(
    app: Flask, people: dict[str, Person], question: Question, expert: Person, route: str, role: str
) -> None:
    with app.app_context():
        themes = dict(db.session.execute(select(Theme.slug, Theme.id)).all())
    network = _network_id(app)
    setup_admin = make_person(app, "setup.admin", admin=True)
    if route == "unaccept":
        people["asker"].post(f"/threads/{question.thread_id}/accept/{question.reply_id}")
    if route == "unvote" and role != "anonymous":
        people[role].post(f"/posts/{question.reply_id}/vote")
    if route == "revoke":
        setup_admin.post(
            "/u/siti/verify", {"theme": themes["mining"], "network": network, "unclaimed_ok": "y"}
        )
    with app.app_context():
        verification = db.session.scalar(select(ExpertVerification.id))
    url, data = {
        "accept": (f"/threads/{question.thread_id}/accept/{question.reply_id}", {}),
        "unaccept": (f"/threads/{question.thread_id}/unaccept", {}),
        "vote": (f"/posts/{question.reply_id}/vote", {}),
        "unvote": (f"/posts/{question.reply_id}/unvote", {}),
        "verify": (
            "/u/siti/verify",
            {"theme": themes["fire-safety"], "network": network, "unclaimed_ok": "y"},
        ),
        "revoke": (f"/verifications/{verification}/revoke", {}),
    }[route]

    before = _state(app)
    response = people[role].post(url, data)
    after = _state(app)
    if role in MATRIX[route]:
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        assert after != before
    else:
        expected = 302 if role == "anonymous" else 403
        assert response.status_code == expected
        if role == "anonymous":
            assert "/auth/login" in response.headers["Location"]
        assert after == before  # a refusal changes nothing
