"""Replies by e-mail: `forum receive-mail` reads one message on standard input, as a mail
server's pipe hands it over, and posts the new text as the member's reply, or refuses it with
a short answer, or drops it when it is a loop or a bounce."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from forum import create_app
from forum.extensions import db
from forum.mail import inbound, tokens
from forum.models import MailOutbox, Notification, Post, Thread, User
from forum.models._time import utcnow
from tests.conftest import (
    Person,
    confirm_address,
    make_config,
    make_person,
    reply_ids,
    thread_id_from,
)
from tests.mail_server import text_of

SAMPLES = Path(__file__).parent / "mail_samples"
QUESTION = "Which gases should we test for in a sewer manhole?"


@pytest.fixture
def app_config(smtp) -> dict[str, object]:  # noqa: ANN001
    return {
        "MAIL_URL": smtp.url,
        "MAIL_FROM": "OSH e-Forum <forum@osh.example>",
        "MAIL_DOMAIN": "osh.example",
    }


@pytest.fixture
def thread_id(app: Flask, member: Person, other_member: Person, smtp) -> int:  # noqa: ANN001
    """amina asks; kemal (kemal@example.org, confirmed) answers by mail. The mail server then
    holds no message: the two registrations' confirmations are not what a test looks for."""
    confirm_address(app, "kemal")
    asked = thread_id_from(member.start_thread("Gas testing before entry", QUESTION))
    smtp.messages.clear()
    return asked


def _user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _address(app: Flask, thread_id: int, username: str = "kemal", now: float | None = None) -> str:
    with app.app_context(), app.test_request_context():
        return tokens.reply_token(_user_id(app, username), thread_id, now=now)


def _sample(app: Flask, thread_id: int, name: str, **replace: str) -> bytes:
    raw = (SAMPLES / name).read_bytes().replace(b"TOKEN", _address(app, thread_id).encode())
    for old, new in replace.items():
        raw = raw.replace(old.encode(), new.encode())
    return raw


def _message(token: str, body: str = "Wear a harness and a lifeline.", **headers: str) -> bytes:
    fields = {
        "From": "Kemal Yilmaz <kemal@example.org>",
        "To": f"reply+{token}@osh.example",
        "Subject": "Re: New reply",
        "Message-ID": "<original-1@example.org>",
        "Content-Type": "text/plain; charset=utf-8",
        **headers,
    }
    head = "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value is not None)
    return (head + "\r\n" + body + "\r\n").encode()


def _receive(app: Flask, raw: bytes, *args: str):  # noqa: ANN202
    return app.test_cli_runner().invoke(args=["receive-mail", *args], input=raw)


def _page(app: Flask, thread_id: int) -> str:
    return app.test_client().get(f"/threads/{thread_id}").get_data(as_text=True)


PERMIT = "has a line for the atmospheric test results, signed by the tester."
SAMPLE_TEXTS = {  # what each posts, exactly; something quoted or signed that must not show
    "gmail.eml": (
        "Check the oxygen level first, then test for H2S and methane before anyone goes in."
        "\n\nA standby person must stay at the entrance the whole time.",
        "wrote:",
    ),
    "outlook.eml": (f"Our permit form {PERMIT}\n\nWe keep the forms for five years.", "Sent:"),
    "outlook_html_only.eml": (
        f"Our permit form (https://example.org/permit.pdf) {PERMIT}\n\n"
        "We keep the forms for five years.",
        "Sent:",
    ),
    "apple_mail.eml": (
        "Ventilate the space for at least ten minutes and keep the fan running while people "
        "are inside.",
        "wrote:",
    ),
    "thunderbird.eml": (
        "Use a calibrated four-gas detector and record the bump test every day.",
        "Safety engineer, Istanbul",
    ),
    "french.eml": ("Il faut aussi un permis de travail signé avant chaque entrée.", "a écrit"),
    "arabic.eml": (
        "يجب قياس نسبة الأكسجين أولاً ثم الغازات السامة قبل الدخول.\n\n"
        "ويبقى مراقب عند المدخل طوال الوقت.",
        "كتب",
    ),
    "spanish_qp.eml": (
        "Según nuestra norma, el vigía no puede entrar nunca al espacio confinado.",
        "escribió",
    ),
    "signature.eml": (
        "Test again every time the work stops for more than half an hour.",
        "+90 212 555 0100",
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_TEXTS))
def test_a_reply_from_each_mail_program_posts_only_its_new_text(
    app: Flask,
    thread_id: int,
    smtp,
    name: str,  # noqa: ANN001
) -> None:
    new, quoted = SAMPLE_TEXTS[name]
    result = _receive(app, _sample(app, thread_id, name))
    assert (result.exit_code, result.output.strip()) == (0, "posted"), result.exception
    page = _page(app, thread_id)
    assert new.split("\n")[-1] in page
    assert quoted not in page
    assert page.count(QUESTION) == 1  # the question, not a quoted copy of it
    with app.app_context():
        [reply] = db.session.scalars(select(Post).where(Post.is_opening.is_(False))).all()
        assert reply.author_id == _user_id(app, "kemal")
        assert reply.body_source == new
        assert "<script" not in reply.body_html
    assert smtp.messages == []  # nothing refused


def test_an_html_only_reply_keeps_its_links_as_text_and_drops_the_rest(
    app: Flask, thread_id: int
) -> None:
    _receive(app, _sample(app, thread_id, "outlook_html_only.eml"))
    with app.app_context():
        body = db.session.scalar(select(Post.body_source).where(Post.is_opening.is_(False)))
    assert body.startswith("Our permit form (https://example.org/permit.pdf) has a line")
    assert "alert" not in body
    assert "<" not in body


def test_the_thread_author_is_notified_of_a_mailed_reply(
    app: Flask, thread_id: int, member: Person
) -> None:
    assert inbound_receive(app, _sample(app, thread_id, "gmail.eml")) == "posted"
    with app.app_context():
        [note] = db.session.scalars(select(Notification)).all()
        assert (note.recipient_id, note.actor_id) == (
            _user_id(app, "amina"),
            _user_id(app, "kemal"),
        )
    inbox = member.get("/notifications").get_data(as_text=True)
    assert "kemal" in inbox
    assert "Gas testing before entry" in inbox


def inbound_receive(app: Flask, raw: bytes, recipient: str | None = None) -> str:
    with app.app_context():
        return inbound.receive(raw, recipient)


def test_the_envelope_recipient_is_enough(app: Flask, thread_id: int) -> None:
    token = _address(app, thread_id)
    raw = _message(token, To="Undisclosed recipients:;")
    result = _receive(app, raw, "--recipient", f"reply+{token}@osh.example")
    assert result.output.strip() == "posted"


def _refusal(smtp) -> object:  # noqa: ANN001
    [message] = smtp.messages
    assert message["To"].addresses[0].addr_spec == "kemal@example.org"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] == "<original-1@example.org>"
    return message


def _nothing_posted(app: Flask, thread_id: int) -> None:
    assert reply_ids(app, thread_id) == []


def test_a_forged_token_is_refused(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    token = _address(app, thread_id)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert inbound_receive(app, _message(forged)) == "refused:bad_token"
    _nothing_posted(app, thread_id)
    message = _refusal(smtp)
    assert "not a reply address" in text_of(message)
    assert message["Subject"] == "Not posted: Re: New reply"


def test_an_expired_token_is_refused(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    old = time.time() - (tokens.REPLY_DAYS + 1) * 86400
    assert inbound_receive(app, _message(_address(app, thread_id, now=old))) == "refused:bad_token"
    with app.app_context(), app.test_request_context():  # the same token, read in the future
        token = tokens.reply_token(_user_id(app, "kemal"), thread_id)
        assert tokens.read_reply_token(token, now=time.time() + 91 * 86400) is None
    _nothing_posted(app, thread_id)
    _refusal(smtp)


def test_a_reply_from_another_address_is_refused(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    token = _address(app, thread_id)
    raw = _message(token, From="Mallory <mallory@example.net>")
    assert inbound_receive(app, raw) == "refused:bad_sender"
    _nothing_posted(app, thread_id)
    assert smtp.messages == []  # a stranger's (or a forged) From is never mailed: backscatter
    # another member's confirmed address is told why
    confirm_address(app, "amina")
    raw = _message(token, From="Amina <amina@example.org>")
    assert inbound_receive(app, raw) == "refused:bad_sender"
    _nothing_posted(app, thread_id)
    [message] = smtp.messages
    assert message["To"].addresses[0].addr_spec == "amina@example.org"
    assert "confirmed e-mail address" in text_of(message)
    # the member's own address in another case is the same address
    raw = _message(token, From="Kemal <KEMAL@Example.ORG>")
    assert inbound_receive(app, raw) == "posted"


def test_an_unconfirmed_address_cannot_reply(app: Flask, thread_id: int) -> None:
    with app.app_context():
        db.session.execute(update(User).values(email_confirmed_at=None))
        db.session.commit()
    assert inbound_receive(app, _message(_address(app, thread_id))) == "refused:bad_sender"
    _nothing_posted(app, thread_id)


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Auto-Submitted": "auto-replied"}, "auto-submitted"),
        ({"Precedence": "bulk"}, "precedence"),
        ({"Return-Path": "<>"}, "bounce"),
        ({"X-Autoreply": "yes"}, "auto-reply"),
        ({"X-Auto-Response-Suppress": "All"}, "auto-reply"),
        ({"From": "MAILER-DAEMON@mx.example.org"}, "bounce"),
    ],
)
def test_automatic_mail_is_dropped_without_an_answer(
    app: Flask,
    thread_id: int,
    smtp,
    headers: dict[str, str],
    why: str,  # noqa: ANN001
) -> None:
    result = _receive(app, _message(_address(app, thread_id), **headers))
    assert (result.exit_code, result.output.strip()) == (0, f"dropped:{why}")
    _nothing_posted(app, thread_id)
    assert smtp.messages == []


def test_a_bounce_report_is_dropped(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    token = _address(app, thread_id)
    raw = (
        "From: Mail Delivery System <kemal@example.org>\r\n"
        f"To: reply+{token}@osh.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b1--\r\n"
    ).encode()
    assert inbound_receive(app, raw) == "dropped:bounce"
    _nothing_posted(app, thread_id)
    assert smtp.messages == []


def test_a_reply_with_no_new_text_is_refused(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    body = "On Mon, 3 Mar 2025 at 10:02, OSH e-Forum <forum@osh.example> wrote:\r\n> " + QUESTION
    assert inbound_receive(app, _message(_address(app, thread_id), body)) == "refused:empty"
    _nothing_posted(app, thread_id)
    assert "no new text" in text_of(_refusal(smtp))


def test_a_locked_thread_takes_no_mailed_reply(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    with app.app_context():
        db.session.execute(update(Thread).values(is_locked=True))
        db.session.commit()
    assert inbound_receive(app, _message(_address(app, thread_id))) == "refused:locked"
    _nothing_posted(app, thread_id)
    message = _refusal(smtp)
    assert "locked" in text_of(message)
    assert f"/threads/{thread_id}" in text_of(message)


def test_a_deleted_thread_takes_no_mailed_reply(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    with app.app_context():
        db.session.execute(update(Thread).values(deleted_at=utcnow()))
        db.session.commit()
    assert inbound_receive(app, _message(_address(app, thread_id))) == "refused:deleted"
    _nothing_posted(app, thread_id)
    _refusal(smtp)


def test_a_suspended_member_cannot_reply_by_mail(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    from forum.services import browsing, sanctions

    make_person(app, "oic.mod", moderates=("oic-oshnet",))
    with app.app_context():
        moderator = db.session.scalar(select(User).where(User.username == "oic.mod"))
        kemal = db.session.get(User, _user_id(app, "kemal"))
        network = browsing.get_network("oic-oshnet")
        sanctions.suspend(moderator, kemal, network, utcnow() + timedelta(days=7), "Spam")
    assert inbound_receive(app, _message(_address(app, thread_id))) == "refused:suspended"
    _nothing_posted(app, thread_id)
    assert "suspended" in text_of(_refusal(smtp))


def test_a_new_account_shares_its_first_day_allowance_between_web_and_mail(
    app: Flask,
    thread_id: int,
    other_member: Person,
    smtp,  # noqa: ANN001
) -> None:
    app.config["NEW_ACCOUNT_REPLY_LIMIT"] = "2 per day"
    assert other_member.reply(thread_id, "From the website.").status_code == 302
    assert inbound_receive(app, _message(_address(app, thread_id))) == "posted"
    assert other_member.reply(thread_id, "Third, on the website.").status_code == 429
    raw = _message(_address(app, thread_id), "Third, by mail.")
    assert inbound_receive(app, raw) == "refused:rate_limited"
    assert len(reply_ids(app, thread_id)) == 2
    assert "first day" in text_of(_refusal(smtp))


def test_refusals_to_one_address_are_few(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    for _ in range(5):
        assert inbound_receive(app, _message("1-2-3-forged")) == "refused:bad_token"
    assert len(smtp.messages) == app.config["MAIL_REFUSALS_PER_HOUR"] == 3
    with app.app_context():
        rows = db.session.scalars(select(MailOutbox).where(MailOutbox.kind == "refusal")).all()
        assert [row.data["reason"] for row in rows] == ["bad_token"] * 3


def test_an_oversized_message_is_refused_unread(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    raw = _message(_address(app, thread_id), "x" * (1024 * 1024 + 10))
    result = _receive(app, raw)
    assert (result.exit_code, result.output.strip()) == (0, "refused:too_big")
    _nothing_posted(app, thread_id)
    assert "too large" in text_of(_refusal(smtp))


def test_a_reply_longer_than_a_post_is_refused(app: Flask, thread_id: int, smtp) -> None:  # noqa: ANN001
    raw = _message(_address(app, thread_id), "word " * 12_000)
    assert inbound_receive(app, raw) == "refused:too_long"
    _nothing_posted(app, thread_id)
    _refusal(smtp)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe\x00garbage",
        b"From: \r\nTo: reply+1-2-3-x@osh.example\r\n\r\nhi",
        b"From: =?utf-8?b?!!!?= <kemal@example.org>\r\nContent-Type: text/plain; charset=nope"
        b"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64",
    ],
)
def test_hostile_input_never_fails(app: Flask, thread_id: int, raw: bytes) -> None:
    result = _receive(app, raw)
    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith(("refused:", "dropped:"))
    _nothing_posted(app, thread_id)


def test_an_unavailable_database_asks_the_mail_server_to_try_again(tmp_path: Path) -> None:
    unreachable = "postgresql://forum@127.0.0.1:1/forum"  # a database server that is down
    app = create_app(make_config(unreachable, SEARCH_INDEX=str(tmp_path / "index")))
    raw = _message("1-2-3-abcdefghijklmnop")
    result = _receive(app, raw)
    assert result.exit_code == 75
    assert "try again later" in result.output


def test_hostile_structure_and_lookalike_tokens_are_dropped_not_retried(
    app: Flask, thread_id: int
) -> None:
    """Exit 0 (dealt with), never 75: a mail server would retry a poison message for days."""
    nested = "".join(
        f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n' for n in range(3000)
    )
    raw = (
        "From: Kemal <kemal@example.org>\r\nTo: reply+1-1-1-a@osh.example\r\n"
        "MIME-Version: 1.0\r\n" + nested
    ).encode()
    result = _receive(app, raw)
    assert (result.exit_code, result.output.strip()) == (0, "dropped:malformed")
    token = _address(app, thread_id)
    lookalike = token[:-1] + "ı"  # a dotless i: re.I would take it for an "i"
    result = _receive(app, _message(lookalike))
    assert result.exit_code == 0
    assert result.output.strip().startswith("refused:")
    _nothing_posted(app, thread_id)
