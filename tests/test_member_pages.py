"""A member's whole page is kept for them alone (page_cache.for_members), under the content
version and all of theirs that it shows and no content change moves: never another
member's, never behind their notifications, reports, watches or rights."""

from __future__ import annotations

import re

from flask import Flask

from forum.database import write_transaction
from forum.models import Notification
from forum.models import NotificationKind as Kind
from forum.page_cache import HEADER
from forum.services import accounts
from tests.conftest import CSRF_PATTERN, Person, counting_queries, make_person, thread_id_from

BOARD = "/n/oic-oshnet/confined-spaces"


def test_a_members_page_is_kept_for_them_alone(
    app: Flask, member: Person, other_member: Person
) -> None:
    page = f"/threads/{thread_id_from(member.start_thread('Tank entry', 'Which gas test?'))}"
    assert "Your thread is posted." in member.get(page).get_data(as_text=True)  # not kept
    member.get(page)
    with counting_queries(app) as kept:
        again = member.get(page)
    assert again.headers[HEADER] == "hit"
    assert kept.count == 3  # who they are, their standing with the content version, their watch
    other_member.get("/")  # the welcome message, shown once
    member.get("/themes")
    assert member.get("/themes").headers[HEADER] == "hit"
    theirs = other_member.get("/themes")  # the same standing, the same page but for who
    assert theirs.headers[HEADER] == "miss"
    text = theirs.get_data(as_text=True)
    assert _account_link("kemal") in text
    assert _account_link("amina") not in text
    tokens = set(CSRF_PATTERN.findall(again.get_data(as_text=True)))
    assert len(tokens) == 1  # their own, put back into the kept page
    assert tokens != set(CSRF_PATTERN.findall(text))


def _account_link(name: str) -> str:
    return f'<li><a href="/u/{name}"><bdi>{name}</bdi></a></li>'


def test_a_kept_page_shows_the_members_notifications_and_reports_at_once(
    app: Flask, member: Person, other_member: Person
) -> None:
    """Neither a notification nor a report changes what visitors see (no content version):
    the counts in the header are part of what a member's page is kept under."""
    member.get("/")  # the welcome message, shown once
    member.get(BOARD)
    assert member.get(BOARD).headers[HEADER] == "hit"
    with app.app_context(), write_transaction() as session:
        recipient = accounts.find_user("amina")
        session.add(Notification(recipient_id=recipient.id, kind=Kind.moderation, data={}))
    assert _unread(member.get(BOARD).get_data(as_text=True)) == "1"

    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    thread_id = thread_id_from(member.start_thread("Rescue plan", "Who writes it?"))
    page = f"/threads/{thread_id}"
    moderator.get(page)
    moderator.get(page)
    assert moderator.get(page).headers[HEADER] == "hit"
    post_id = re.search(r'id="post-(\d+)"', moderator.get(page).get_data(as_text=True))[1]
    assert other_member.post(f"/posts/{post_id}/report", {"reason": "spam"}).status_code == 302
    badge = '<span class="count-badge" title="Open reports">1</span>'
    assert badge in moderator.get(page).get_data(as_text=True)


def _unread(page: str) -> str:
    return re.search(r'id="unread-count"[^>]*>(\d+)<', page)[1]


def test_watching_a_board_shows_at_once_on_its_kept_page(member: Person) -> None:
    member.get("/")  # the welcome message, shown once
    member.get(BOARD)
    assert member.get(BOARD).headers[HEADER] == "hit"
    page = member.get(BOARD).get_data(as_text=True)
    board_id = re.search(r'action="/boards/(\d+)/watch/watch"', page)[1]
    assert member.post(f"/boards/{board_id}/watch/watch").status_code == 302
    assert "You are watching." in member.get(BOARD).get_data(as_text=True)
    assert member.post(f"/boards/{board_id}/watch/mute").status_code == 302
    assert "Muted." in member.get(BOARD).get_data(as_text=True)


def test_a_message_is_shown_once_and_never_kept(member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Hot work permit", "Who signs it?"))
    page = f"/threads/{thread_id}"
    assert "Your thread is posted." in member.get(page).get_data(as_text=True)
    member.get(page)
    assert member.get(page).headers[HEADER] == "hit"
    shown = member.reply(thread_id, "The area supervisor.")
    after = member.get(shown.headers["Location"])
    assert "Your reply is posted." in after.get_data(as_text=True)
    assert HEADER not in after.headers  # made afresh, and not kept
    assert "Your reply is posted." not in member.get(page).get_data(as_text=True)
