"""The right people hear about each event, once; the actor and the unauthorised do not."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient
from sqlalchemy import select

from forum.extensions import db, socketio
from forum.models import Network, Notification, NotificationKind, Theme, User
from tests.conftest import (
    Person,
    counting_queries,
    ids_of,
    make_person,
    readable,
    reply_ids,
    thread_id_from,
)

Kind = NotificationKind


def _inbox(app: Flask, username: str) -> list[tuple[str, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(Notification.kind, Notification.thread_id)
            .join(User, User.id == Notification.recipient_id)
            .where(User.username == username)
            .order_by(Notification.id)
        ).all()
        return [(kind.value, thread_id) for kind, thread_id in rows]


def _socket(app: Flask, person: Person) -> SocketIOTestClient:
    return socketio.test_client(app, flask_test_client=person.client)


def test_the_author_hears_of_replies_and_the_replier_does_not(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Wet well ventilation", "How long?"))
    other_member.reply(thread_id, "Ten minutes at least.")
    assert _inbox(app, "amina") == [("reply_to_my_thread", thread_id)]
    assert _inbox(app, "kemal") == []


def test_watchers_hear_of_replies_and_muters_do_not(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Gas detectors", "Which brand?"))
    other_member.reply(thread_id, "Any with a bump station.")  # kemal now watches it
    third = make_person(app, "third")
    third.reply(thread_id, "Calibrate monthly.")
    assert ("reply_in_watched", thread_id) in _inbox(app, "kemal")
    other_member.post(f"/threads/{thread_id}/watch/mute")
    third.reply(thread_id, "And log every bump test.")
    assert _inbox(app, "kemal").count(("reply_in_watched", thread_id)) == 1
    assert _inbox(app, "amina").count(("reply_to_my_thread", thread_id)) == 3


def test_a_mention_is_linked_and_notifies_once_even_with_other_reasons(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Hot work", "Fire watch length?"))
    other_member.reply(thread_id, "@amina sixty minutes; ask @nobody.here too")
    assert _inbox(app, "amina") == [("mention", thread_id)]
    page = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert '<a href="/u/amina" rel="nofollow ugc">@amina</a>' in page
    assert "@nobody.here" in page
    assert 'href="/u/nobody.here"' not in page


def test_mentions_notify_at_most_twenty_and_say_so(app: Flask, member: Person) -> None:
    with app.app_context():
        db.session.add_all(
            User(
                username=f"m{i:03}", username_key=f"m{i:03}", email=f"m{i}@e.org", password_hash="!"
            )
            for i in range(30)
        )
        db.session.commit()
    body = (
        " ".join(f"@m{i:03}" for i in range(30)) + " " + " ".join(f"@ghost{i}" for i in range(470))
    )
    response = member.start_thread("Roll call", body)
    thread_id = thread_id_from(response)
    assert "only the first 20 were notified" in member.get(f"/threads/{thread_id}").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.query(Notification).filter_by(kind=Kind.mention).count() == 20


def test_a_new_question_reaches_the_experts_of_its_theme_in_its_network(
    app: Flask, member: Person
) -> None:
    confined, mining = ids_of(app, Theme, "confined-spaces"), ids_of(app, Theme, "mining")
    oic, ilo = ids_of(app, Network, "oic-oshnet"), ids_of(app, Network, "ilo-global")
    cases = {
        "expert.here": (confined, oic),
        "expert.elsewhere": (confined, ilo),
        "other.theme": (mining, oic),
        "muter": (confined, oic),
    }
    people = {username: make_person(app, username) for username in cases}
    for username, (themes, networks) in cases.items():
        people[username].post("/profile", {"expertise": themes, "networks": networks})
    people["muter"].post(f"/boards/{_board_id(app)}/watch/mute")

    thread_id = thread_id_from(member.start_thread("Sewer entry rescue plan", "Tripod or davit?"))
    assert _inbox(app, "expert.here") == [("question_in_expertise", thread_id)]
    for username in ("expert.elsewhere", "other.theme", "muter", "amina"):
        assert _inbox(app, username) == [], username
    member.start_thread("A discussion, not a question", "x", kind="discussion")
    assert len(_inbox(app, "expert.here")) == 1


def _board_id(app: Flask) -> int:
    from forum.services import browsing

    with app.app_context():
        return browsing.get_board("oic-oshnet", "confined-spaces").id


def test_accepted_answers_and_grouped_votes(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Ear plugs", "Which?"))
    other_member.reply(thread_id, "Foam, rolled properly.")
    reply = reply_ids(app, thread_id)[0]
    member.post(f"/threads/{thread_id}/accept/{reply}")
    member.post(f"/posts/{reply}/vote")
    make_person(app, "voter.two").post(f"/posts/{reply}/vote")
    kinds = [kind for kind, _ in _inbox(app, "kemal")]
    assert kinds == ["answer_accepted", "helpful_votes"]
    page = readable(other_member.get("/notifications").get_data(as_text=True))
    assert "2 members found your reply in “Ear plugs” helpful" in page
    assert "amina accepted your answer in “Ear plugs”" in page


def test_expertise_and_moderation_reach_the_member(
    app: Flask, member: Person, other_member: Person
) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    moderator.post(
        "/u/kemal/verify",
        {
            "theme": ids_of(app, Theme, "mining")[0],
            "network": ids_of(app, Network, "oic-oshnet")[0],
            "unclaimed_ok": "y",
        },
    )
    thread_id = thread_id_from(member.start_thread("Silo", "Alone?"))
    other_member.reply(thread_id, "Sure, go alone.")
    moderator.post(f"/mod/posts/{reply_ids(app, thread_id)[0]}/hide", {"reason": "Unsafe advice"})
    page = readable(other_member.get("/notifications").get_data(as_text=True))
    assert "oic.mod verified your expertise in Mining (OIC-OSHNET)." in page
    assert "A moderator hid your post in “Silo”. Reason: Unsafe advice" in page
    assert _inbox(app, "oic.mod") == []


def test_nobody_hears_about_what_they_cannot_see(
    app: Flask, member: Person, other_member: Person
) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    thread_id = thread_id_from(member.start_thread("Going away", "x"))
    moderator.post(f"/mod/threads/{thread_id}/delete", {"reason": "Duplicate"})
    moderator.reply(thread_id, "Moderators can still write here.")
    assert ("reply_to_my_thread", thread_id) not in _inbox(app, "amina")


def test_kinds_can_be_switched_off(app: Flask, member: Person, other_member: Person) -> None:
    member.post("/notifications/settings", {"kinds": ["mention"]})
    thread_id = thread_id_from(member.start_thread("Quiet", "x"))
    other_member.reply(thread_id, "a reply")
    other_member.reply(thread_id, "@amina look")
    assert _inbox(app, "amina") == [("mention", thread_id)]
    page = member.get("/notifications/settings").get_data(as_text=True)
    assert re.search(
        r'<input checked id="kinds-\d+" name="kinds" type="checkbox" value="mention"', page
    )
    assert re.search(
        r'<input id="kinds-\d+" name="kinds" type="checkbox" value="reply_to_my_thread"', page
    )


def test_the_inbox_lists_unread_first_and_opening_marks_read(
    app: Flask, member: Person, other_member: Person
) -> None:
    first = thread_id_from(member.start_thread("First", "x"))
    second = thread_id_from(member.start_thread("Second", "x"))
    other_member.reply(first, "one")
    other_member.reply(second, "two")
    with app.app_context():
        older = db.session.scalar(select(Notification.id).order_by(Notification.id))
    response = member.post(f"/notifications/{older}/open")
    first_reply = reply_ids(app, first)[0]
    assert response.headers["Location"] == f"/posts/{first_reply}"
    page = readable(member.get("/notifications").get_data(as_text=True))
    assert page.index("replied to your thread “Second”") < page.index(
        "replied to your thread “First”"
    )
    assert 'id="unread-count" class="count-badge" aria-label="unread">1<' in page
    member.post("/notifications/read")
    assert 'aria-label="unread" hidden>0<' in member.get("/").get_data(as_text=True)


def test_another_members_notification_is_not_found(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Mine", "x"))
    other_member.reply(thread_id, "reply")
    with app.app_context():
        notification = db.session.scalar(select(Notification))
    assert other_member.post(f"/notifications/{notification.id}/open").status_code == 404
    with app.app_context():
        assert db.session.get(Notification, notification.id).read_at is None


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_MB": 0}])
def test_the_header_count_costs_no_query_of_its_own(app: Flask, member: Person) -> None:
    member.get("/themes")
    with counting_queries(app) as counter:
        page = member.get("/themes")
    assert 'id="unread-count"' in page.get_data(as_text=True)
    assert counter.count == 3  # the member, their standing with the header's counts, the themes


# --- live, through Flask-SocketIO's test client -------------------------------------------


def test_sockets_need_a_logged_in_session(app: Flask, anonymous: Person, member: Person) -> None:
    assert not _socket(app, anonymous).is_connected()
    assert _socket(app, member).is_connected()


def test_a_reply_arrives_live_with_the_unread_count(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Live", "x"))
    author, replier = _socket(app, member), _socket(app, other_member)
    author.get_received()
    other_member.reply(thread_id, "Hello live")
    events = [e for e in author.get_received() if e["name"] == "notification"]
    assert len(events) == 1
    payload = events[0]["args"][0]
    assert payload["kind"] == "reply_to_my_thread"
    assert readable(payload["text"]) == "kemal replied to your thread “Live”"
    assert payload["url"] == f"/posts/{reply_ids(app, thread_id)[0]}"
    assert payload["unread"] == 1
    assert [e for e in replier.get_received() if e["name"] == "notification"] == []


def test_socket_events_are_checked_and_malformed_ones_ignored(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Events", "x"))
    other_member.reply(thread_id, "r")
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id))
    intruder, owner = _socket(app, other_member), _socket(app, member)
    for payload in (None, "x", {"id": "1"}, {"id": notification_id}, [1, 2], {"id": 10**30}):
        intruder.emit("notifications:read", payload)
    intruder.emit("no-such-event", {"x": 1})
    with app.app_context():
        assert db.session.get(Notification, notification_id).read_at is None  # not the intruder's
    owner.emit("notifications:read", {"id": notification_id})
    with app.app_context():
        assert db.session.get(Notification, notification_id).read_at is not None


def test_changing_the_password_ends_the_members_sockets(app: Flask, member: Person) -> None:
    from tests.conftest import PASSWORD

    other_device = Person(app.test_client(), "amina")
    other_device.login("amina")
    socket = _socket(app, other_device)
    assert socket.is_connected()
    member.post(
        "/auth/password", {"current_password": PASSWORD, "password": "n" * 12, "confirm": "n" * 12}
    )
    assert not socket.is_connected()


def test_logging_out_ends_only_that_browsers_sockets(app: Flask, member: Person) -> None:
    laptop = Person(app.test_client(), "amina")
    laptop.login("amina")
    phone, desk = _socket(app, member), _socket(app, laptop)
    member.post("/auth/logout")
    assert not phone.is_connected()
    assert desk.is_connected()


def test_a_suspension_and_a_revocation_reach_the_member(app: Flask, other_member: Person) -> None:
    from datetime import date, timedelta

    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    moderator.post(
        "/mod/oic-oshnet/sanctions",
        {
            "username": "kemal",
            "reason": "Spam links",
            "ends_on": (date.today() + timedelta(days=3)).isoformat(),
        },
    )
    moderator.post(
        "/u/kemal/verify",
        {
            "theme": ids_of(app, Theme, "mining")[0],
            "network": ids_of(app, Network, "oic-oshnet")[0],
            "unclaimed_ok": "y",
        },
    )
    with app.app_context():
        from forum.models import ExpertVerification

        verification = db.session.scalar(select(ExpertVerification.id))
    moderator.post(f"/verifications/{verification}/revoke")
    page = other_member.get("/notifications").get_data(as_text=True)
    assert "A moderator suspended you from posting. Reason: Spam links" in page
    assert "Your verification in Mining (OIC-OSHNET) was revoked." in page


def test_a_client_cannot_join_another_members_room(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Private", "x"))
    with app.app_context():
        amina = db.session.scalar(select(User.id).where(User.username == "amina"))
    intruder = _socket(app, other_member)
    for event in ("join", "join_room", "enter_room", "subscribe"):
        intruder.emit(event, {"room": f"user:{amina}"})
    third = make_person(app, "third")
    third.reply(thread_id, "for amina's eyes")
    assert [e for e in intruder.get_received() if e["name"] == "notification"] == []


@pytest.mark.usefixtures("_schema")
def test_posting_works_and_nothing_is_lost_when_the_message_queue_is_down(
    database_url: str,
) -> None:
    from forum import create_app
    from tests.conftest import make_config

    # nothing listens on port 1: every publish to the queue fails
    app = create_app(make_config(database_url, MESSAGE_QUEUE="redis://127.0.0.1:1/0"))
    try:
        with app.app_context():
            from tests.conftest import _wipe, init_database

            _wipe()
            init_database()
        member, other = Person(app.test_client()), Person(app.test_client())
        member.register("asker.down")
        other.register("replier.down")
        thread_id = thread_id_from(member.start_thread("Queue down", "x"))
        assert other.reply(thread_id, "still posted").status_code == 302
        assert "still posted" in member.get(f"/threads/{thread_id}").get_data(as_text=True)
        page = readable(member.get("/notifications").get_data(as_text=True))
        assert "replier.down replied to your thread “Queue down”" in page
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_failing_emit_never_fails_the_post(
    app: Flask, member: Person, other_member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forum import realtime

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("message queue unreachable")

    monkeypatch.setattr(realtime.socketio, "emit", broken)
    thread_id = thread_id_from(member.start_thread("Emit fails", "x"))
    assert other_member.reply(thread_id, "saved anyway").status_code == 302
    page = readable(member.get("/notifications").get_data(as_text=True))
    assert "kemal replied to your thread “Emit fails”" in page
