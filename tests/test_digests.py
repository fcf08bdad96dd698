"""Digests: what a member's period held, sent once, never empty, not to those who visited."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import MailOutbox, Post
from forum.models._time import utcnow
from forum.services.digests import send_due_digests
from tests.conftest import (
    Person,
    board_id,
    confirm_address,
    reply_ids,
    set_user,
    thread_id_from,
    user_row,
)
from tests.mail_server import MailServer, html_of, text_of

BASE = "https://forum.example.org"


@pytest.fixture
def app_config(smtp: MailServer) -> dict[str, object]:
    return {"MAIL_URL": smtp.url, "MAIL_UNREAD_DELAY": 600, "BASE_URL": BASE}


@pytest.fixture
def member(member: Person, smtp: MailServer) -> Person:
    """amina; the mail server then holds nothing (her registration's confirmation is not
    what these tests look for)."""
    smtp.messages.clear()
    smtp.envelopes.clear()
    return member


@pytest.fixture
def other_member(other_member: Person, smtp: MailServer) -> Person:
    """kemal, likewise."""
    smtp.messages.clear()
    smtp.envelopes.clear()
    return other_member


def digests_now(app: Flask, minutes: float = 1) -> int:
    with app.app_context():
        queued = send_due_digests(utcnow() + timedelta(minutes=minutes))
        db.session.remove()
        return queued


def away(app: Flask, *usernames: str) -> None:
    """As if they had not visited the site for days."""
    for username in usernames:
        set_user(app, username, last_seen_at=utcnow() - timedelta(days=3))


@pytest.fixture
def reader(app: Flask, member: Person) -> Person:
    """amina, confirmed, watching the confined spaces board of OIC-OSHNET."""
    confirm_address(app, "amina")
    member.post(f"/boards/{board_id(app, 'oic-oshnet', 'confined-spaces')}/watch/watch")
    return member


def test_a_digest_tells_of_new_threads_helpful_replies_and_notifications(
    app: Flask, reader: Person, other_member: Person, smtp: MailServer
) -> None:
    practice = thread_id_from(
        other_member.start_thread("Tank entry checklist", "Our checklist.", kind="good_practice")
    )
    mine = thread_id_from(reader.start_thread("Rescue tripod", "Which one?"))
    other_member.reply(mine, "A **davit** arm is better.")
    with app.app_context():
        db.session.get(Post, reply_ids(app, mine)[0]).vote_count = 4
        db.session.commit()
    reader.post("/notifications/read")
    third = thread_id_from(reader.start_thread("Watched thread", "x"))
    other_member.reply(third, "shared")  # kemal now watches it
    reader.reply(third, "a reply kemal reads in his digest")
    confirm_address(app, "kemal")
    away(app, "amina", "kemal")

    assert digests_now(app) == 2
    [message] = smtp.to("amina@example.org")
    text, html = text_of(message), html_of(message)
    assert "Tank entry checklist" in text
    assert f'href="{BASE}/threads/{practice}"' in html
    assert "A davit arm is better." in text  # the period's most helpful reply
    assert "<strong>davit</strong>" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [kemals] = smtp.to("kemal@example.org")
    assert "amina replied in" in text_of(kemals).replace("\u2068", "").replace("\u2069", "")


def test_a_digest_is_queued_once_however_often_it_runs(
    app: Flask, reader: Person, other_member: Person, smtp: MailServer
) -> None:
    other_member.start_thread("Sewer work", "Gas?", kind="discussion")
    away(app, "amina")
    assert digests_now(app) == 1
    assert digests_now(app) == 0
    assert digests_now(app, minutes=60 * 24 * 3) == 0  # weekly: not yet
    assert len(smtp.messages) == 1


def test_two_runs_at_once_queue_one_digest(
    app: Flask, reader: Person, other_member: Person, smtp: MailServer
) -> None:
    other_member.start_thread("Silo entry", "Rules?", kind="discussion")
    away(app, "amina")
    start = threading.Barrier(2)
    queued: list[int] = []

    def run() -> None:
        with app.app_context():
            start.wait()
            queued.append(send_due_digests(utcnow() + timedelta(minutes=1)))
            db.session.remove()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(60)
    assert sorted(queued) == [0, 1]
    with app.app_context():
        assert (
            len(db.session.scalars(select(MailOutbox).where(MailOutbox.kind == "digest")).all())
            == 1
        )
    assert len(smtp.messages) == 1


def test_an_empty_digest_is_not_sent(app: Flask, reader: Person, smtp: MailServer) -> None:
    away(app, "amina")
    assert digests_now(app) == 1
    assert smtp.messages == []
    with app.app_context():
        assert (
            db.session.scalar(select(MailOutbox.status).where(MailOutbox.kind == "digest"))
            == "skipped"
        )
    assert user_row(app, "amina").digest_sent_at is not None


def test_a_recent_visitor_is_skipped_but_their_period_moves_on(
    app: Flask, reader: Person, other_member: Person, smtp: MailServer
) -> None:
    other_member.start_thread("Trench shoring", "Depth?", kind="discussion")
    set_user(app, "amina", last_seen_at=None)
    reader.get("/")  # a visit
    assert user_row(app, "amina").last_seen_at is not None
    assert digests_now(app) == 0
    assert smtp.messages == []
    assert user_row(app, "amina").digest_sent_at is not None


def test_daily_and_weekly_digests_come_when_due(
    app: Flask, reader: Person, other_member: Person, smtp: MailServer
) -> None:
    confirm_address(app, "kemal")
    two_days_ago = utcnow() - timedelta(days=2)
    set_user(app, "amina", digest_every="daily", digest_sent_at=two_days_ago)
    set_user(app, "kemal", digest_every="weekly", digest_sent_at=two_days_ago)
    away(app, "amina", "kemal")
    other_member.start_thread("Ventilation fans", "Size?", kind="discussion")
    away(app, "kemal")
    assert digests_now(app) == 1  # amina's daily one; kemal's week is not over
    assert len(smtp.to("amina@example.org")) == 1
    assert user_row(app, "kemal").digest_sent_at == two_days_ago
    set_user(app, "amina", digest_every="never")
    assert digests_now(app, minutes=60 * 24 * 4) == 0  # six days since kemal's last one
    assert digests_now(app, minutes=60 * 24 * 6) == 1  # eight
    assert user_row(app, "kemal").digest_sent_at > two_days_ago


def test_never_means_no_digest_and_unconfirmed_addresses_get_none(
    app: Flask, member: Person, other_member: Person, smtp: MailServer
) -> None:
    member.post(f"/boards/{board_id(app, 'oic-oshnet', 'confined-spaces')}/watch/watch")
    other_member.start_thread("Hoists", "Load test?", kind="discussion")
    away(app, "amina")
    assert digests_now(app) == 0  # not confirmed
    confirm_address(app, "amina")
    set_user(app, "amina", digest_every="never")
    assert digests_now(app) == 0
    assert smtp.messages == []


def test_the_digest_link_turns_the_digest_off_in_one_click(
    app: Flask, reader: Person, other_member: Person, smtp: MailServer
) -> None:
    other_member.start_thread("Lifelines", "Length?", kind="discussion")
    away(app, "amina")
    digests_now(app)
    [message] = smtp.messages
    link = re.search(r"<(\S+)>", "".join(str(message["List-Unsubscribe"]).split())).group(1)
    response = app.test_client().post(urlsplit(link).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert user_row(app, "amina").digest_every == "never"


def test_forum_send_digests_says_how_many_it_queued(
    app: Flask, reader: Person, other_member: Person
) -> None:
    other_member.start_thread("Entry permits", "Who signs?", kind="discussion")
    away(app, "amina")
    result = app.test_cli_runner().invoke(args=["send-digests"])
    assert (result.exit_code, result.output.strip()) == (0, "Digests queued: 1.")
    result = app.test_cli_runner().invoke(args=["send-digests"])
    assert result.output.strip() == "Digests queued: 0."
