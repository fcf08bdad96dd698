"""A live thread (issue #23, item 9): a reply posted while a member reads the thread is
announced to their page, which fetches it as that reader may see it, without reloading.

The socket side runs on Flask-SocketIO's test client: the reply is posted through the app, its
after-commit step runs in the request's thread (no worker in tests).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient
from sqlalchemy import event, select

from forum import live_threads
from forum.extensions import db, socketio
from forum.models import User
from forum.services import browsing, moderation
from tests.conftest import Person, make_person, reply_ids, thread_id_from


def _socket(app: Flask, person: Person) -> SocketIOTestClient:
    return socketio.test_client(app, flask_test_client=person.client)


def _watch(socket: SocketIOTestClient, thread_id: object) -> bool:
    return socket.emit("threads:watch", {"thread": thread_id}, callback=True)


def _announced(socket: SocketIOTestClient) -> list[dict]:
    return [e["args"][0] for e in socket.get_received() if e["name"] == "threads:reply"]


def _post_item(html: str, post_id: int) -> str:
    """The <li> of one post, as a page or a fragment shows it."""
    match = re.search(rf'<li class="post[^"]*" id="post-{post_id}">.*?\n</li>', html, re.S)
    assert match, f"post {post_id} not shown"
    return match.group(0)


def _as_moderator(app: Flask, action) -> None:  # noqa: ANN001
    with app.app_context():
        action(db.session.scalar(select(User).where(User.username == "oic.mod")))
        db.session.remove()


@pytest.fixture
def thread_id(member: Person) -> int:
    return thread_id_from(member.start_thread("Ladder or scaffold?", "For two hours of work."))


# --- the fragment: one post, as the thread page shows it to this reader ------------------------


TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def test_the_fragment_is_the_post_as_the_thread_page_shows_it(
    app: Flask, member: Person, other_member: Person, thread_id: int
) -> None:
    response = other_member.reply(thread_id, "A **mobile** scaffold, with guardrails.")
    assert response.status_code == 302
    (reply_id,) = reply_ids(app, thread_id)
    tokens = 0
    for reader in (member, other_member):  # the asker may accept it; its author may edit it
        page = reader.get(f"/threads/{thread_id}").get_data(as_text=True)
        fragment = reader.get(f"/threads/{thread_id}/posts/{reply_id}/fragment")
        assert fragment.status_code == 200
        html = fragment.get_data(as_text=True)
        assert "<strong>mobile</strong>" in html
        assert "<html" not in html  # the post alone, not a page
        assert fragment.headers["Cache-Control"] == "private, no-store"
        # the same markup, once the forms' tokens are set aside (each response makes its own)
        tokens += len(TOKEN.findall(_post_item(page, reply_id)))
        same = re.sub(TOKEN, "", _post_item(page, reply_id))
        assert re.sub(TOKEN, "", _post_item(html, reply_id)) == same
    assert tokens  # the asker's vote and accept buttons carry them: the pattern finds them
    assert "Accept as answer" in member.get(f"/threads/{thread_id}/posts/{reply_id}/fragment").text
    assert "Edit" in other_member.get(f"/threads/{thread_id}/posts/{reply_id}/fragment").text


def test_a_hidden_or_deleted_post_or_thread_is_not_served(
    app: Flask, anonymous: Person, member: Person, other_member: Person, thread_id: int
) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    other_member.reply(thread_id, "Quokkahiddenword: stand on the top rung.")
    other_member.reply(thread_id, "Wombatdeletedword, a second thought.")
    hidden, deleted = reply_ids(app, thread_id)
    _as_moderator(
        app, lambda mod: moderation.hide_post(mod, browsing.get_post(hidden), "Unsafe advice")
    )
    assert other_member.post(f"/posts/{deleted}/delete").status_code == 302
    url = f"/threads/{thread_id}/posts/{{}}/fragment"

    for reader in (anonymous, member, other_member):  # its author too: the page shows a notice
        assert reader.get(url.format(hidden)).status_code == 404
    assert "Quokkahiddenword" in moderator.get(url.format(hidden)).text
    for reader in (member, moderator):
        assert reader.get(url.format(deleted)).status_code == 404
    # a post of another thread, through this thread's address; no such post
    elsewhere = thread_id_from(other_member.start_thread("Other thread", "Otherthreadword"))
    opening = browsing_opening(app, elsewhere)
    assert member.get(url.format(opening)).status_code == 404
    assert member.get(f"/threads/{elsewhere}/posts/{opening}/fragment").status_code == 200
    assert member.get(url.format(10**9)).status_code == 404
    # the thread deleted by a moderator: its moderators only
    _as_moderator(
        app, lambda mod: moderation.delete_thread(mod, browsing.get_thread(elsewhere), "Spam")
    )
    assert member.get(f"/threads/{elsewhere}/posts/{opening}/fragment").status_code == 404
    assert moderator.get(f"/threads/{elsewhere}/posts/{opening}/fragment").status_code == 200


def browsing_opening(app: Flask, thread_id: int) -> int:
    from forum.models import Post

    with app.app_context():
        return db.session.scalar(
            select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(True))
        )


def test_fetching_a_fragment_changes_nothing(
    app: Flask, member: Person, other_member: Person, thread_id: int
) -> None:
    other_member.reply(thread_id, "Scaffold.")
    (reply_id,) = reply_ids(app, thread_id)
    writes: list[str] = []
    with app.app_context():
        engine = db.engine

    def seen(_conn, _cursor, sql: str, *_args: object) -> None:  # noqa: ANN001
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE")):
            writes.append(sql)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        for _ in range(2):
            assert member.get(f"/threads/{thread_id}/posts/{reply_id}/fragment").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert writes == []


def test_a_members_thread_page_carries_the_bar_and_a_visitors_does_not(
    anonymous: Person, member: Person, thread_id: int
) -> None:
    page = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f'data-live-thread="{thread_id}"' in page
    assert 'data-last-page="true"' in page
    assert "js/live-thread.js" in page
    assert '<li data-n="1">__N__ new reply</li>' in page
    assert '<li data-n="2">__N__ new replies</li>' in page
    visitor_page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "data-live-thread" not in visitor_page
    assert "live-thread.js" not in visitor_page


# --- the socket: watching a thread, hearing of its replies --------------------------------------


def test_a_reader_watching_the_thread_hears_of_a_reply_by_its_id_only(
    app: Flask, member: Person, other_member: Person, thread_id: int
) -> None:
    reader, bystander = _socket(app, member), _socket(app, other_member)
    assert _watch(reader, thread_id) is True
    reader.get_received(), bystander.get_received()  # the connection's own events
    assert other_member.reply(thread_id, "Scaffold, secretword.").status_code == 302
    (reply_id,) = reply_ids(app, thread_id)
    assert _announced(reader) == [{"thread": thread_id, "post": reply_id}]  # no text
    assert _announced(bystander) == []  # not watching it


def test_a_thread_the_member_may_not_see_is_not_watched(
    app: Flask, member: Person, other_member: Person, thread_id: int
) -> None:
    make_person(app, "oic.mod", moderates=("oic-oshnet",))
    _as_moderator(
        app, lambda mod: moderation.delete_thread(mod, browsing.get_thread(thread_id), "Spam")
    )
    socket = _socket(app, other_member)
    assert _watch(socket, thread_id) is False
    assert _watch(socket, 10**9) is False  # no such thread
    for malformed in ("1", -1, 2**70, None, [thread_id]):
        assert _watch(socket, malformed) is False
    assert socket.emit("threads:watch", "nonsense", callback=True) is False
    with app.app_context():
        live_threads.announce_reply(thread_id, 1)
    assert _announced(socket) == []


def test_a_thread_deleted_after_it_was_watched_is_left_when_asked_again(
    app: Flask, member: Person, other_member: Person, thread_id: int
) -> None:
    make_person(app, "oic.mod", moderates=("oic-oshnet",))
    socket = _socket(app, other_member)
    assert _watch(socket, thread_id) is True
    _as_moderator(
        app, lambda mod: moderation.delete_thread(mod, browsing.get_thread(thread_id), "Spam")
    )
    assert _watch(socket, thread_id) is False
    with app.app_context():
        live_threads.announce_reply(thread_id, 1)
    assert _announced(socket) == []


def test_a_socket_watches_a_few_threads_at_most(
    app: Flask, member: Person, other_member: Person
) -> None:
    limit = live_threads.THREADS_PER_SOCKET
    threads = [
        thread_id_from(member.start_thread(f"Question {n}", "Body")) for n in range(limit + 1)
    ]
    socket = _socket(app, other_member)
    assert [_watch(socket, t) for t in threads] == [True] * limit + [False]
    assert _watch(socket, threads[0]) is True  # asked again: still watched, not one more
    assert _socket(app, other_member).emit("threads:watch", {"thread": threads[-1]}, callback=True)
    with app.app_context():
        live_threads.announce_reply(threads[-1], 1)
    assert _announced(socket) == []


def test_watching_costs_against_the_sockets_allowance(
    app: Flask, member: Person, thread_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forum import realtime

    monkeypatch.setattr(realtime, "clock", lambda: 1000.0)  # no allowance comes back
    socket = _socket(app, member)
    answers = [_watch(socket, thread_id) for _ in range(realtime.PER_SOCKET.burst + 2)]
    assert answers == [True] * realtime.PER_SOCKET.burst + [False, False]


def test_visitors_have_no_socket(app: Flask, anonymous: Person) -> None:
    assert not _socket(app, anonymous).is_connected()


@pytest.mark.parametrize("app_config", [{"POSTS_PER_PAGE": 2}])
def test_off_the_last_page_show_goes_to_the_reply_instead(
    member: Person, other_member: Person, thread_id: int
) -> None:
    """The bar's Show adds replies where they follow on: the last page, in time order."""
    for text in ("First", "Second"):
        other_member.reply(thread_id, text)
    last_page = 'data-last-page="true"'
    assert last_page not in member.get(f"/threads/{thread_id}").text  # page 1 of 2
    assert last_page in member.get(f"/threads/{thread_id}?page=2").text
    assert last_page not in member.get(f"/threads/{thread_id}?page=2&sort=votes").text
