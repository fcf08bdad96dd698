"""Object-level checks: another member's post, profile, notification, report or thread is not
reachable by changing an id in the URL or adding a field to a form.

Every state-changing route is also run against every role in test_authorization.py; these
tests cover what a role matrix cannot see: pages that would show someone else's things,
objects borrowed from elsewhere, and fields a form never offered.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Notification, Post, Report, Thread, User
from tests.conftest import Person, make_person, reply_ids, thread_id_from


def opening_post(app: Flask, thread_id: int) -> int:
    with app.app_context():
        query = select(Post.id).where(Post.thread_id == thread_id, Post.is_opening)
        return db.session.scalar(query)


def test_another_members_post_cannot_be_opened_for_editing_or_deleting(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Mine", "My draft source **text**"))
    post_id = opening_post(app, thread_id)
    edit = other_member.get(f"/posts/{post_id}/edit")
    assert edit.status_code == 403
    assert "My draft source **text**" not in edit.get_data(as_text=True)  # no source shown
    assert other_member.get(f"/posts/{post_id}/delete").status_code == 403
    refused = other_member.post(f"/posts/{post_id}/edit", {"body": "Taken over", "title": "X"})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(Post, post_id).body_source == "My draft source **text**"


def test_a_profile_form_changes_only_its_own_member(
    app: Flask, member: Person, other_member: Person
) -> None:
    with app.app_context():
        other_id = db.session.scalar(select(User.id).where(User.username == "kemal"))
    response = member.post(
        "/profile",
        {"display_name": "Amina R.", "user_id": str(other_id), "username": "kemal",
         "is_admin": "y", "session_version": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        amina = db.session.scalar(select(User).where(User.username == "amina"))
        kemal = db.session.get(User, other_id)
        assert amina.display_name == "Amina R."
        assert not amina.is_admin
        assert kemal.display_name == ""


def test_registration_ignores_fields_it_does_not_offer(app: Flask, anonymous: Person) -> None:
    anonymous.post(
        "/auth/register",
        {"username": "mallory", "email": "m@example.org", "password": "correct horse battery",
         "confirm": "correct horse battery", "is_admin": "y", "id": "1"},
    )  # fmt: skip
    with app.app_context():
        mallory = db.session.scalar(select(User).where(User.username == "mallory"))
        assert mallory is not None
        assert not mallory.is_admin


def test_another_members_notification_cannot_be_opened(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Question", "Details"))
    other_member.reply(thread_id, "An answer")  # amina is notified
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id))
    response = other_member.post(f"/notifications/{notification_id}/open")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Notification, notification_id).read_at is None
    assert "An answer" not in other_member.get("/notifications").get_data(as_text=True)


def test_moderation_pages_of_another_network_are_closed(app: Flask, member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Question", "Details"))
    reporter = make_person(app, "reporter")
    reply_author = make_person(app, "replier")
    reply_author.reply(thread_id, "Skip the gas test.")
    reply_id = reply_ids(app, thread_id)[0]
    reporter.post(f"/posts/{reply_id}/report", {"reason": "unsafe_advice", "details": "secret"})
    elsewhere = make_person(app, "mod_asean", moderates=("asean-oshnet",))
    for url in (
        "/mod/oic-oshnet/reports",
        "/mod/oic-oshnet/audit",
        "/mod/oic-oshnet/sanctions",
        "/mod/oic-oshnet/boards",
        f"/mod/posts/{reply_id}/history",
        f"/mod/posts/{reply_id}/hide",
    ):
        for person in (member, elsewhere):
            response = person.get(url)
            assert response.status_code == 403, (url, person.username)
            assert "secret" not in response.get_data(as_text=True)
    with app.app_context():
        report_id = db.session.scalar(select(Report.id))
    assert elsewhere.post(f"/mod/reports/{report_id}/dismiss").status_code == 403


def test_a_post_from_another_thread_is_not_this_questions_answer(
    app: Flask, member: Person, other_member: Person
) -> None:
    mine = thread_id_from(member.start_thread("My question", "Details"))
    theirs = thread_id_from(other_member.start_thread("Their question", "Details"))
    member.reply(theirs, "My reply in their thread")
    foreign_reply = reply_ids(app, theirs)[0]
    assert member.post(f"/threads/{mine}/accept/{foreign_reply}").status_code == 404
    with app.app_context():
        assert not db.session.get(Thread, mine).is_answered
        assert not db.session.get(Thread, theirs).is_answered


def test_a_deleted_thread_stays_closed_to_members_and_other_networks(
    app: Flask, member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Soon gone", "Deleted content"))
    here = make_person(app, "mod_oic", moderates=("oic-oshnet",))
    elsewhere = make_person(app, "mod_ilo", moderates=("ilo-global",))
    assert here.post(f"/mod/threads/{thread_id}/delete", {"reason": "Duplicate"}).status_code == 302
    for person in (member, elsewhere):  # not even told that it exists
        page = person.get(f"/threads/{thread_id}")
        assert page.status_code == 404
        assert "Deleted content" not in page.get_data(as_text=True)
    assert "Deleted content" in here.get(f"/threads/{thread_id}").get_data(as_text=True)
    post_id = opening_post(app, thread_id)
    assert member.get(f"/posts/{post_id}").status_code == 404  # the permalink too


def test_a_hidden_post_shows_its_text_to_no_member(app: Flask, member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Question", "Details"))
    replier = make_person(app, "replier")
    replier.reply(thread_id, "Unsafe words here")
    moderator = make_person(app, "mod_oic", moderates=("oic-oshnet",))
    reply_id = reply_ids(app, thread_id)[0]
    moderator.post(f"/mod/posts/{reply_id}/hide", {"reason": "Unsafe"})
    assert "Unsafe words here" not in member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert replier.get(f"/posts/{reply_id}/edit").status_code == 403  # not by its author either
    assert "Unsafe words here" in moderator.get(f"/threads/{thread_id}").get_data(as_text=True)
