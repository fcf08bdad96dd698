"""Sanctions mean what they say: a member suspended in a network reads it and takes no part
in it; reports follow their post to another network; numbers too large for the database are
bad input (400), never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask, request
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AcceptedAnswer, Board, Post, Report, Vote, Watch
from tests.conftest import Person, board_id, errors_in, make_person, reply_ids, thread_id_from

REFUSED = "You are suspended in OIC-OSHNET until"


def _count(app: Flask, model) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _suspend(moderator: Person, username: str, network: str = "oic-oshnet") -> None:
    until = (date.today() + timedelta(days=7)).isoformat()
    response = moderator.post(
        f"/mod/{network}/sanctions", {"username": username, "ends_on": until, "reason": "Spam"}
    )
    assert response.status_code == 302


@pytest.fixture
def oic_mod(app: Flask) -> Person:
    return make_person(app, "oic.mod", moderates=("oic-oshnet",))


def test_a_suspended_member_reads_but_takes_no_part_in_that_network(
    app: Flask, member: Person, other_member: Person, oic_mod: Person
) -> None:
    # kemal asked a question before his suspension; amina answered it
    question = thread_id_from(other_member.start_thread("Entering a silo", "Is a harness ok?"))
    member.reply(question, "Use a winch as well.")
    answer = reply_ids(app, question)[0]
    elsewhere = thread_id_from(member.start_thread("Dust", "Masks?", board="ilo-global/mining"))
    make_person(app, "siti").reply(elsewhere, "FFP3 at least.")
    _suspend(oic_mod, "kemal")

    page = other_member.get(f"/threads/{question}").get_data(as_text=True)
    assert "Use a winch as well." in page  # reading is untouched
    for button in (
        f'action="/posts/{answer}/vote"',
        f'href="/posts/{answer}/report"',
        f'action="/threads/{question}/accept/{answer}"',
    ):
        assert button not in page
    before = {model: _count(app, model) for model in (Vote, Report, AcceptedAnswer, Watch)}
    for url, data in (
        (f"/posts/{answer}/vote", {}),
        (f"/posts/{answer}/report", {"reason": "spam"}),
        (f"/threads/{question}/accept/{answer}", {}),
        (f"/threads/{question}/watch/watch", {}),
        (f"/boards/{board_id(app, 'oic-oshnet', 'confined-spaces')}/watch/watch", {}),
    ):
        refused = other_member.post(url, data)
        assert refused.status_code == 403, url
        assert REFUSED in refused.get_data(as_text=True), url
    assert other_member.get(f"/posts/{answer}/report").status_code == 403
    assert {model: _count(app, model) for model in before} == before
    board = other_member.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert "/watch/watch" not in board

    # muting is still theirs to do, and every other network is untouched
    assert other_member.post(f"/threads/{question}/watch/mute").status_code == 302
    assert other_member.post(f"/threads/{elsewhere}/watch/watch").status_code == 302
    assert other_member.post(f"/posts/{reply_ids(app, elsewhere)[0]}/vote").status_code == 302
    assert _count(app, Vote) == before[Vote] + 1


def test_a_vote_given_before_the_suspension_stays_as_it_is(
    app: Flask, member: Person, other_member: Person, oic_mod: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Entering a silo", "Is a harness ok?"))
    member.reply(thread_id, "Use a winch as well.")
    answer = reply_ids(app, thread_id)[0]
    make_person(app, "siti").reply(thread_id, "Test the air first.")
    other_member.post(f"/posts/{answer}/vote")
    _suspend(oic_mod, "kemal")
    assert other_member.post(f"/posts/{answer}/unvote").status_code == 403
    assert _count(app, Vote) == 1


def test_reports_follow_their_post_when_a_thread_moves_to_another_network(
    app: Flask, member: Person, other_member: Person, oic_mod: Person
) -> None:
    admin = make_person(app, "root.admin", admin=True)
    ilo_mod = make_person(app, "ilo.mod", moderates=("ilo-global",))
    thread_id = thread_id_from(member.start_thread("Entering a silo", "Is a harness ok?"))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread_id))
    assert other_member.post(f"/posts/{post_id}/report", {"reason": "spam"}).status_code == 302
    assert "Is a harness ok?" in oic_mod.get("/mod/oic-oshnet/reports").get_data(as_text=True)

    target = board_id(app, "ilo-global", "confined-spaces")
    assert admin.post(f"/mod/threads/{thread_id}/move", {"board": target}).status_code == 302

    assert "Is a harness ok?" in ilo_mod.get("/mod/ilo-global/reports").get_data(as_text=True)
    assert 'title="Open reports"' in ilo_mod.get("/").get_data(as_text=True)
    assert "Is a harness ok?" not in oic_mod.get("/mod/oic-oshnet/reports").get_data(as_text=True)
    assert 'title="Open reports"' not in oic_mod.get("/").get_data(as_text=True)
    with app.app_context():
        report_id = db.session.scalar(select(Report.id))
    assert oic_mod.post(f"/mod/reports/{report_id}/dismiss").status_code == 403
    assert ilo_mod.post(f"/mod/reports/{report_id}/dismiss").status_code == 302


# --- numbers too large for the database --------------------------------------------------

TOO_LARGE = ("99999999999999999999", str(2**63), str(2**31))  # int64 and int32 overflow


@pytest.mark.parametrize("number", TOO_LARGE)
def test_ids_too_large_for_the_database_in_forms_are_refused_not_a_500(
    app: Flask, member: Person, number: str
) -> None:
    admin = make_person(app, "root.admin", admin=True)
    thread_id = thread_id_from(member.start_thread("Entering a silo", "Is a harness ok?"))
    for url, data in (
        (f"/mod/threads/{thread_id}/move", {"board": number}),
        ("/u/amina/verify", {"theme": number, "network": number}),
        ("/mod/oic-oshnet/boards", {"theme": number}),
        ("/profile", {"networks": number, "expertise": number}),
    ):
        response = admin.post(url, data)
        assert response.status_code == 422, (url, response.status_code)
        assert errors_in(response), url  # said next to the field
    for url in (
        f"/threads/{number}",
        f"/posts/{number}",
        f"/threads/{thread_id}?page={number}",
        f"/search?q=harness&page={number}",
        f"/mod/oic-oshnet/audit?page={number}",
    ):
        assert admin.get(url).status_code == 404, url


@pytest.fixture
def app_with_a_careless_route(app: Flask) -> Flask:
    """A route that hands a number from the query to the database unchecked, as a new route
    might: the app answers 400 all the same, and the next request works."""

    def careless():  # noqa: ANN202
        board = db.session.get(Board, int(request.args["id"]))
        return board.name if board else "none"

    app.add_url_rule("/test-careless", view_func=careless)
    return app


@pytest.mark.own_app
@pytest.mark.parametrize("number", TOO_LARGE[:2])
def test_a_number_too_large_for_the_database_anywhere_is_a_400(
    app_with_a_careless_route: Flask, anonymous: Person, number: str
) -> None:
    response = anonymous.get(f"/test-careless?id={number}")
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)
    assert anonymous.get("/test-careless?id=1").status_code == 200
    assert anonymous.get("/").status_code == 200
