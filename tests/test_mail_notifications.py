"""Notifications by mail: sent a few minutes later if still unread, folded per thread, only to
confirmed addresses and the kinds a member wants, unsubscribed in one click, safe to read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from babel.dates import format_datetime
from flask import Flask
from sqlalchemy import event, select

from forum.extensions import db
from forum.mail import outbox, tokens
from forum.models import (
    ExpertiseClaim,
    ExpertVerification,
    MailOutbox,
    Network,
    NetworkMembership,
    Notification,
    Theme,
    Thread,
    Watch,
)
from forum.models._time import utcnow
from forum.services import accounts
from tests.conftest import (
    PASSWORD,
    Person,
    confirm_address,
    make_person,
    reply_ids,
    set_user,
    thread_id_from,
    user_row,
)
from tests.mail_server import MailServer, html_of, text_of

BASE = "https://forum.example.org"


@pytest.fixture
def app_config(smtp: MailServer) -> dict[str, object]:
    return {
        "MAIL_URL": smtp.url,
        "MAIL_UNREAD_DELAY": 600,
        "BASE_URL": BASE,
        "MAIL_FROM": "OSH e-Forum <forum@osh.example>",
        "PAGE_CACHE_MB": 0,
    }


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


def later(app: Flask, minutes: float) -> int:
    with app.app_context():
        sent = outbox.send_due(now=utcnow() + timedelta(minutes=minutes))
        db.session.remove()
        return sent


def mail_rows(app: Flask) -> list[MailOutbox]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(MailOutbox).where(MailOutbox.kind == "notification").order_by(MailOutbox.id)
            )
        )
        db.session.remove()
        return rows


@pytest.fixture
def author(app: Flask, member: Person) -> Person:
    """amina, with a confirmed address."""
    confirm_address(app, "amina")
    return member


def test_a_reply_is_mailed_after_the_delay_when_unread(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(author.start_thread("Wet well ventilation", "How long?"))
    other_member.reply(thread_id, "Ten minutes of **forced** air at least.")
    assert later(app, 5) == 0
    assert smtp.messages == []
    assert later(app, 11) == 1
    [message] = smtp.messages
    assert [to.addr_spec for to in message["To"].addresses] == ["amina@example.org"]
    assert "Wet well ventilation" in message["Subject"]
    assert "replied to your thread" in text_of(message)
    assert "Ten minutes of forced air at least." in text_of(message)
    assert "<strong>forced</strong>" in html_of(message)
    assert f"{BASE}/posts/" in html_of(message)
    assert message["Reply-To"].startswith("reply+")
    assert message["In-Reply-To"] == f"<thread-{thread_id}@osh.example>"
    assert message["References"] == f"<thread-{thread_id}@osh.example>"
    assert later(app, 30) == 0  # sent once


def test_a_reply_read_on_the_site_first_is_not_mailed(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(author.start_thread("Harness inspection", "How often?"))
    other_member.reply(thread_id, "Before every use.")
    author.post("/notifications/read")
    assert later(app, 11) == 0
    assert smtp.messages == []
    assert [row.status for row in mail_rows(app)] == ["skipped"]


def test_three_replies_in_one_thread_make_one_message(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(author.start_thread("Permit to work", "Who signs?"))
    for text in ("The supervisor.", "And the entrant.", "And the attendant."):
        other_member.reply(thread_id, text)
    assert later(app, 11) == 1
    [message] = smtp.messages
    text = text_of(message)
    for reply in ("The supervisor.", "And the entrant.", "And the attendant."):
        assert reply in text


def test_a_reply_made_just_now_waits_its_own_delay_and_comes_in_the_same_message(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(author.start_thread("Sewer entry", "Which gases?"))
    other_member.reply(thread_id, "Oxygen first.")
    other_member.reply(thread_id, "Then hydrogen sulphide.")
    with app.app_context():  # the second reply came nine minutes after the first
        second = db.session.scalars(select(MailOutbox).order_by(MailOutbox.id.desc())).first()
        second.due_at += timedelta(minutes=9)
        db.session.commit()
        db.session.remove()
    assert later(app, 11) == 0  # the first is due, the second has had two minutes
    assert smtp.messages == []
    assert later(app, 20) == 1
    [message] = smtp.messages
    assert "Oxygen first." in text_of(message)
    assert "Then hydrogen sulphide." in text_of(message)


def test_a_busy_thread_is_mailed_at_most_one_more_delay_after_its_first_reply(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(author.start_thread("Silo entry", "Harness?"))
    other_member.reply(thread_id, "Always.")
    other_member.reply(thread_id, "And a standby person.")
    with app.app_context():  # replies keep coming: the newest is always a little ahead
        second = db.session.scalars(select(MailOutbox).order_by(MailOutbox.id.desc())).first()
        second.due_at += timedelta(minutes=60)
        db.session.commit()
        db.session.remove()
    assert later(app, 15) == 0
    assert later(app, 21) == 1  # the first fell due at 10 minutes; 10 more, and it goes


def test_a_member_who_chose_never_gets_nothing(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    author.post("/notifications/settings", {"kinds": ["reply_to_my_thread"],
                                            "mail_reply_to_my_thread": "never",
                                            "digest_every": "weekly"})  # fmt: skip
    thread_id = thread_id_from(author.start_thread("Noise at work", "Limits?"))
    other_member.reply(thread_id, "85 dB(A).")
    assert mail_rows(app) == []
    assert later(app, 11) == 0


def test_an_unconfirmed_address_gets_nothing(
    app: Flask, member: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(member.start_thread("Scaffold tags", "Colours?"))
    other_member.reply(thread_id, "Green is safe.")
    assert mail_rows(app) == []
    assert later(app, 11) == 0


def _make_expert(app: Flask, username: str, *, verified: bool) -> None:
    with app.app_context():
        user = accounts.register(username, f"{username}@example.org", PASSWORD, confirmed=True)
        theme = db.session.scalar(select(Theme.id).where(Theme.slug == "confined-spaces"))
        network = db.session.scalar(select(Network.id).where(Network.slug == "oic-oshnet"))
        db.session.add(ExpertiseClaim(user_id=user.id, theme_id=theme))
        db.session.add(NetworkMembership(user_id=user.id, network_id=network))
        if verified:
            db.session.add(ExpertVerification(user_id=user.id, theme_id=theme, network_id=network))
        db.session.commit()
        db.session.remove()
    confirm_address(app, username)


def test_a_question_reaches_a_verified_expert_at_once_and_a_claimant_in_the_digest(
    app: Flask, member: Person, smtp: MailServer
) -> None:
    from forum.services.digests import send_due_digests

    _make_expert(app, "vera.verified", verified=True)
    _make_expert(app, "cleo.claimant", verified=False)
    member.start_thread("Rescue plan for a silo", "Who must be on site?")
    assert later(app, 11) == 1
    [message] = smtp.messages
    assert message["To"].addresses[0].addr_spec == "vera.verified@example.org"
    assert "Rescue plan for a silo" in text_of(message)

    with app.app_context():
        assert send_due_digests(utcnow() + timedelta(minutes=1)) == 2
    digests = smtp.to("cleo.claimant@example.org")
    assert len(digests) == 1
    assert "Rescue plan for a silo" in text_of(digests[0])
    assert "New question in" in text_of(digests[0])


def _unsubscribe_path(message: Any) -> str:
    link = re.fullmatch(r"<(\S+)>", "".join(str(message["List-Unsubscribe"]).split())).group(1)
    assert link.startswith(f"{BASE}/mail/unsubscribe/")
    return urlsplit(link).path


def test_one_click_unsubscribe_turns_the_kind_off_and_a_get_changes_nothing(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(author.start_thread("Gas testing order", "O2 first?"))
    other_member.reply(thread_id, "Oxygen, then flammables, then toxics.")
    later(app, 11)
    [message] = smtp.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _unsubscribe_path(message)

    stranger = app.test_client()  # no session, no cookie, no CSRF token
    page = stranger.get(path)
    assert page.status_code == 200
    assert "Replies to threads I started" in page.get_data(as_text=True)
    assert "reply_to_my_thread" not in user_row(app, "amina").mail_choices

    done = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert user_row(app, "amina").mail_choices["reply_to_my_thread"] == "never"
    other_member.reply(thread_id, "And keep testing.")
    assert later(app, 30) == 0
    assert len(smtp.messages) == 1


@pytest.mark.parametrize(
    "token",
    ["forged", "x" * 600, "eyJhIjoxfQ.abc.def"],
)
def test_a_forged_unsubscribe_link_is_refused_clearly(app: Flask, token: str) -> None:
    client = app.test_client()
    for response in (client.get(f"/mail/unsubscribe/{token}"),
                     client.post(f"/mail/unsubscribe/{token}")):  # fmt: skip
        assert response.status_code == 400
        assert "not valid" in response.get_data(as_text=True)


def test_a_token_for_another_purpose_or_kind_is_refused(app: Flask, author: Person) -> None:
    amina = user_row(app, "amina").id
    with app.test_request_context():
        other_purpose = tokens.sign("confirm", [amina, "mention"])
        unknown_kind = tokens.sign("unsubscribe", [amina, "everything"])
    client = app.test_client()
    assert client.post(f"/mail/unsubscribe/{other_purpose}").status_code == 400
    assert client.post(f"/mail/unsubscribe/{unknown_kind}").status_code == 400
    assert user_row(app, "amina").mail_choices == {}


@pytest.mark.parametrize(
    ("language", "direction", "subject", "footer"),
    [
        ("fr", "ltr", "Re : Lockout", "Vos réglages d’e-mail"),
        ("es", "ltr", "Re: Lockout", "Tus ajustes de correo"),
        ("ar", "rtl", "رد: Lockout", "إعدادات بريدك الإلكتروني"),
    ],
)
def test_mail_speaks_the_members_language(
    app: Flask,
    author: Person,
    other_member: Person,
    smtp: MailServer,
    language: str,
    direction: str,
    subject: str,
    footer: str,
) -> None:
    set_user(app, "amina", locale=language)
    thread_id = thread_id_from(author.start_thread("Lockout", "Which padlocks?"))
    other_member.reply(thread_id, "One per worker.")
    later(app, 11)
    [message] = smtp.messages
    html = html_of(message)
    assert f'<html lang="{language}" dir="{direction}">' in html
    # (a folded encoded subject parses with a leading space, which mail readers drop)
    assert str(message["Subject"]).strip().startswith(subject)
    assert footer in html
    assert 'dir="auto"' in html  # the post keeps its own direction inside an Arabic message
    with app.app_context():
        created = db.session.scalar(select(Notification.created_at))
    when = format_datetime(created.replace(tzinfo=UTC), "medium", tzinfo=UTC, locale=language)
    assert when in text_of(message)


def test_a_title_with_line_breaks_cannot_add_headers(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(author.start_thread("Ladders", "Angle?"))
    with app.app_context():
        db.session.get(Thread, thread_id).title = "Ladders\r\nBcc: x@evil.example"
        db.session.commit()
        db.session.remove()
    other_member.reply(thread_id, "75 degrees.")
    later(app, 11)
    [message] = smtp.messages
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]
    assert "\r" not in message["Subject"]
    assert "Ladders Bcc: x@evil.example" in message["Subject"]
    assert [tos for _from, tos in smtp.envelopes] == [["amina@example.org"]]


def test_a_hostile_post_is_mailed_harmless_with_links_only_to_the_forum(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    thread_id = thread_id_from(author.start_thread("Hot work", "Fire watch?"))
    other_member.reply(
        thread_id,
        '<script>alert(1)</script> <img src=x onerror="alert(2)"> '
        "[click](javascript:alert(3)) [rules](/themes/fire-safety) @amina",
    )
    later(app, 11)
    [message] = smtp.messages
    html = html_of(message)
    assert not re.search(r'<script|<[^>]*\bonerror|="javascript:', html)
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert links
    assert all(link.startswith(f"{BASE}/") for link in links), links
    assert f'href="{BASE}/themes/fire-safety"' in html


def test_the_settings_page_shows_the_defaults_and_saves_choices(app: Flask, member: Person) -> None:
    page = member.get("/notifications/settings").get_data(as_text=True)
    defaults = {"reply_to_my_thread": "now", "reply_in_watched": "digest",
                "helpful_votes": "never", "question_in_expertise": "digest"}  # fmt: skip
    for kind, default in defaults.items():
        field = re.search(rf'<input checked id="(mail_{kind}-\d)"[^>]*value="{default}"', page)
        assert field, kind
        assert f'<label for="{field.group(1)}">' in page
    assert re.search(r'<input checked id="digest_every-\d"[^>]*value="weekly"', page)

    response = member.post(
        "/notifications/settings",
        {"kinds": ["mention", "reply_to_my_thread"], "mail_reply_to_my_thread": "now",
         "mail_reply_in_watched": "now", "mail_helpful_votes": "never",
         "digest_every": "daily"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = user_row(app, "amina")
    assert saved.mail_choices == {"reply_in_watched": "now"}  # only what the member changed
    assert saved.digest_every == "daily"
    page = member.get("/notifications/settings").get_data(as_text=True)
    assert re.search(r'<input checked id="mail_reply_in_watched-\d"[^>]*value="now"', page)
    assert re.search(r'<input checked id="digest_every-\d"[^>]*value="daily"', page)


def test_a_verified_expert_sees_questions_coming_at_once(app: Flask) -> None:
    _make_expert(app, "vera.verified", verified=True)
    person = Person(app.test_client(), "vera.verified")
    person.login("vera.verified")
    page = person.get("/notifications/settings").get_data(as_text=True)
    assert re.search(r'<input checked id="mail_question_in_expertise-\d"[^>]*value="now"', page)


def _watchers(app: Flask, thread_id: int, first: int, count: int) -> None:
    with app.app_context():
        for n in range(first, first + count):
            user = accounts.register(
                f"watcher{n}", f"watcher{n}@example.org", PASSWORD, confirmed=True
            )
            user.email_confirmed_at = utcnow()
            user.mail_choices = {"reply_in_watched": "now"}
            db.session.add(Watch(user_id=user.id, thread_id=thread_id, watching=True))
            db.session.commit()
        db.session.remove()


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def keep(_connection, _cursor, statement: str, *_args: object) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def _mail_work(seen: list[str]) -> list[str]:
    """The statements that read members' mail choices and queue their mail."""
    return [s for s in seen if "INTO mail_outbox" in s or "AS confirmed" in s]


def test_queueing_mail_costs_the_same_for_three_recipients_or_twelve(
    app: Flask, author: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(author.start_thread("Confined space signs", "Wording?"))
    other_member.reply(thread_id, "warm up")
    _watchers(app, thread_id, 0, 3)
    with statements(app) as few:
        other_member.reply(thread_id, "three watchers")
    queued_few = len(mail_rows(app))
    _watchers(app, thread_id, 3, 9)
    with statements(app) as many:
        other_member.reply(thread_id, "twelve watchers")
    assert len(mail_rows(app)) - queued_few == 13  # twelve watchers and amina
    assert queued_few == 5  # warm up and three watchers' for amina, the three watchers
    assert len(_mail_work(many)) == len(_mail_work(few)) == 2  # one read, one insert


def test_a_reply_hidden_before_the_delay_is_not_mailed(
    app: Flask, author: Person, other_member: Person, smtp: MailServer
) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    thread_id = thread_id_from(author.start_thread("Fall arrest", "Which anchor?"))
    other_member.reply(thread_id, "Buy my product at spam.example")
    [reply] = reply_ids(app, thread_id)
    moderator.post(f"/mod/posts/{reply}/hide", {"reason": "Advertising"})
    assert later(app, 11) == 0
    assert smtp.to("amina@example.org") == []
