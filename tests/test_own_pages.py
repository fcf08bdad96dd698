"""A member's page is made for them on every request: their own buttons, watches, counts,
rights and token, nothing of anyone else's, and never behind what changed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from forum import standing
from forum.database import write_transaction
from forum.models import Notification
from forum.models import NotificationKind as Kind
from forum.models._time import utcnow
from forum.page_cache import HEADER
from forum.services import accounts, browsing, sanctions
from tests.conftest import (
    CSRF_PATTERN,
    Person,
    make_person,
    readable,
    reply_ids,
    thread_id_from,
)

BOARD = "/n/oic-oshnet/confined-spaces"


def _actions(page: str) -> list[str]:
    """Each post's buttons, in order, as words."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", block).split())
        for block in re.findall(r'<div class="post-actions">(.*?)</div>', page, re.DOTALL)
    ]


def _sessions(page: str) -> set[str]:
    """The sessions whose tokens a page holds: each is signed afresh with the second."""
    return {token.split(".", 1)[0] for token in CSRF_PATTERN.findall(page)}


def test_each_member_gets_their_own_buttons_and_token(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Gas test before entry", "Which order?"))
    other_member.reply(thread_id, "Oxygen first, then flammables, then toxics.")
    page = f"/threads/{thread_id}"
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    voter = make_person(app, "voter")
    assert voter.post(f"/posts/{reply_ids(app, thread_id)[0]}/vote").status_code == 302

    anonymous.get(page)  # kept for visitors: nothing of it reaches members
    seen = {}
    for person in (voter, member, other_member, moderator, voter):
        response = person.get(page)
        assert HEADER not in response.headers
        text = response.get_data(as_text=True)
        assert _sessions(text) == {person.csrf_token().split(".", 1)[0]}  # theirs alone
        seen[person.username] = _actions(text)
    opening, reply = 0, 1
    assert "Withdraw my vote" in seen["voter"][reply]
    assert "Helpful" not in seen["voter"][reply]
    assert "Helpful" in seen["amina"][reply]
    assert "Accept as answer" in seen["amina"][reply]
    assert "Edit" in seen["amina"][opening]
    assert "Edit" not in seen["amina"][reply]
    assert "Edit" in seen["kemal"][reply]
    assert "Helpful" not in seen["kemal"][reply]
    assert "Accept as answer" not in seen["kemal"][reply]
    assert "Hide" in seen["oic.mod"][reply]
    assert "Hide" not in seen["voter"][reply]


def test_the_reply_form_posts_with_the_members_own_token(
    member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Lockout padlocks", "One per worker?"))
    page = f"/threads/{thread_id}"
    member.get(page)
    text = other_member.get(page).get_data(as_text=True)
    form = text[text.index('<section class="reply-box"') :]
    token = CSRF_PATTERN.search(form).group(1)
    replied = other_member.client.post(
        f"/threads/{thread_id}/reply", data={"csrf_token": token, "body": "Yes, and one key."}
    )
    assert replied.status_code == 302
    assert "Yes, and one key." in member.get(page).get_data(as_text=True)


def test_a_hidden_post_reads_as_each_reader_may_read_it(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Harness inspection", "How often?"))
    other_member.reply(thread_id, "Buy the cheapest harness online.")
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    reply_id = reply_ids(app, thread_id)[0]
    hidden = moderator.post(f"/mod/posts/{reply_id}/hide", {"reason": "Unsafe advice"})
    assert hidden.status_code == 302
    page = f"/threads/{thread_id}"
    for person in (moderator, other_member, member, moderator):
        text = person.get(page).get_data(as_text=True)
        shows_body = "Buy the cheapest harness online." in text
        assert shows_body == (person is moderator), person.username
        assert ("Reason: Unsafe advice" in text) == (person is not member), person.username


def test_the_inbox_shows_what_arrives_and_what_is_read_at_once(
    app: Flask, member: Person, other_member: Person
) -> None:
    inbox = "/notifications"
    thread_id = thread_id_from(member.start_thread("Silo entry", "Who holds the permit?"))
    other_member.reply(thread_id, "The entry supervisor.")
    first = readable(member.get(inbox).get_data(as_text=True))
    assert first.count("replied to your thread “Silo entry”") == 1
    assert "Silo entry" not in other_member.get(inbox).get_data(as_text=True)
    opened = re.search(r'action="(/notifications/\d+/open)"', first).group(1)
    assert member.post(opened).status_code == 302
    with app.app_context(), write_transaction() as session:
        recipient = accounts.find_user("amina")
        session.add(Notification(recipient_id=recipient.id, kind=Kind.moderation, data={}))
    assert "A moderator acted on your content." in member.get(inbox).get_data(as_text=True)
    member.post("/notifications/read")
    assert "tag-new" in first
    assert "tag-new" not in member.get(inbox).get_data(as_text=True)


def test_the_header_shows_notifications_and_reports_at_once(
    app: Flask, member: Person, other_member: Person
) -> None:
    member.get("/")  # the welcome message, shown once
    member.get(BOARD)
    with app.app_context(), write_transaction() as session:
        recipient = accounts.find_user("amina")
        session.add(Notification(recipient_id=recipient.id, kind=Kind.moderation, data={}))
    unread = re.search(r'id="unread-count"[^>]*>(\d+)<', member.get(BOARD).get_data(as_text=True))
    assert unread[1] == "1"

    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    thread_id = thread_id_from(member.start_thread("Rescue plan", "Who writes it?"))
    page = f"/threads/{thread_id}"
    post_id = re.search(r'id="post-(\d+)"', moderator.get(page).get_data(as_text=True))[1]
    assert other_member.post(f"/posts/{post_id}/report", {"reason": "spam"}).status_code == 302
    badge = '<span class="count-badge" title="Open reports">1</span>'
    assert badge in moderator.get(page).get_data(as_text=True)


def test_watches_and_a_suspension_that_ends_show_at_once(
    app: Flask, member: Person, other_member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread_id = thread_id_from(member.start_thread("Trench shoring", "From which depth?"))
    page = f"/threads/{thread_id}"
    assert "You are watching." not in other_member.get(page).get_data(as_text=True)
    other_member.post(f"/threads/{thread_id}/watch/watch")
    assert "You are watching." in other_member.get(page).get_data(as_text=True)
    assert "You are watching." in member.get(page).get_data(as_text=True)  # they started it
    member.post(f"/threads/{thread_id}/watch/mute")
    assert "Muted." in member.get(page).get_data(as_text=True)
    assert "You are watching." in other_member.get(page).get_data(as_text=True)

    with app.app_context():
        board_id = browsing.get_board("oic-oshnet", "confined-spaces").id
    assert member.post(f"/boards/{board_id}/watch/watch").status_code == 302
    assert "You are watching." in member.get(BOARD).get_data(as_text=True)
    assert "You are watching." not in other_member.get(BOARD).get_data(as_text=True)

    make_person(app, "root", admin=True)
    with app.app_context():
        sanctions.suspend(
            accounts.find_user("root"),
            accounts.find_user("kemal"),
            browsing.get_network("oic-oshnet"),
            utcnow() + timedelta(days=1),
            "Off-topic adverts",
        )
    suspended = other_member.get(page).get_data(as_text=True)
    assert "Off-topic adverts" in suspended
    assert f'action="/threads/{thread_id}/reply"' not in suspended
    monkeypatch.setattr(standing, "utcnow", lambda: utcnow() + timedelta(days=2))
    assert f'action="/threads/{thread_id}/reply"' in other_member.get(page).get_data(as_text=True)


def test_a_message_is_shown_once(member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Hot work permit", "Who signs it?"))
    page = f"/threads/{thread_id}"
    assert "Your thread is posted." in member.get(page).get_data(as_text=True)
    shown = member.reply(thread_id, "The area supervisor.")
    assert "Your reply is posted." in member.get(shown.headers["Location"]).get_data(as_text=True)
    assert "Your reply is posted." not in member.get(page).get_data(as_text=True)


def test_the_frame_is_each_members_own_and_in_their_language(
    member: Person, other_member: Person, anonymous: Person
) -> None:
    for person, name in ((member, "amina"), (other_member, "kemal")):
        page = person.get("/themes").get_data(as_text=True)
        assert "Unanswered for me" in page
        assert f'<a href="/u/{name}" class="nav-name"><bdi>{name}</bdi></a>' in page
    assert "Unanswered for me" not in anonymous.get(BOARD).get_data(as_text=True)
    member.post("/language", {"language": "fr", "next": "/themes"})
    french = member.get("/themes").get_data(as_text=True)
    assert "Non résolues pour moi" in french
    assert 'aria-current="true">Français' in french
    assert "Unanswered for me" in other_member.get("/themes").get_data(as_text=True)


def test_the_owner_of_a_profile_sees_their_own_buttons(
    member: Person, other_member: Person, anonymous: Person
) -> None:
    profile = f"/u/{other_member.username}"
    anonymous.get(profile)
    assert "Edit your profile" in other_member.get(profile).get_data(as_text=True)
    assert "Edit your profile" not in member.get(profile).get_data(as_text=True)
    assert "Edit your profile" not in anonymous.get(profile).get_data(as_text=True)
