"""Account mail through a real SMTP server: confirming an address, changing it, resetting a
forgotten password, and `forum set-password`."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import itsdangerous.timed
import pytest
from flask import Flask
from sqlalchemy import func, select

from forum.extensions import db
from forum.mail import outbox, tokens
from forum.models import LoginSession, MailOutbox, User
from forum.services import account_mail
from tests.conftest import PASSWORD, Person, make_person
from tests.mail_server import MailServer, html_of, text_of

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app_config(smtp: MailServer) -> dict[str, object]:
    return {"MAIL_URL": smtp.url, "BASE_URL": "http://forum.example"}


def user(app: Flask, username: str) -> User:
    with app.app_context():
        found = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge_all()
        db.session.remove()
        return found


def link_in(message, kind: str) -> str:  # noqa: ANN001
    """The path of the forum link of this kind in a message's text, as a reader would click."""
    match = re.search(rf"http://forum\.example(/auth/{kind}/\S+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def login_sessions(app: Flask, username: str) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(LoginSession)
            .join(User)
            .where(User.username == username)
        )
        db.session.remove()
        return count


def logged_in(person: Person) -> bool:
    return "Log out" in person.get("/").get_data(as_text=True)


@contextmanager
def signed_ago(monkeypatch: pytest.MonkeyPatch, seconds: int) -> Iterator[None]:
    """Tokens signed inside are stamped this many seconds in the past."""
    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - seconds)
    yield
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)


# -- confirming ------------------------------------------------------------------------------


def test_registering_mails_a_link_whose_page_confirms_with_a_button(
    app: Flask, anonymous: Person, smtp: MailServer
) -> None:
    assert anonymous.register("amina").status_code == 302
    [message] = smtp.messages
    assert message["To"].addresses[0].addr_spec == "amina@example.org"
    assert "Confirm your address" in message["Subject"]
    assert message["List-Unsubscribe"] is None  # account mail
    assert "<p>" in html_of(message)
    path = link_in(message, "confirm")

    page = anonymous.get(path)  # what a mail scanner's prefetch does: nothing changes
    assert page.status_code == 200
    assert "Confirm my address" in page.get_data(as_text=True)
    assert user(app, "amina").email_confirmed_at is None

    response = anonymous.post(path, follow_redirects=True)
    assert "amina@example.org is confirmed" in response.get_data(as_text=True)
    assert user(app, "amina").email_confirmed_at is not None
    assert anonymous.get(path).status_code == 400  # done: the link has nothing left to do


def test_forged_expired_and_other_purpose_links_are_refused(
    app: Flask, anonymous: Person, smtp: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    anonymous.register("amina")
    path = link_in(smtp.messages[0], "confirm")
    amina = user(app, "amina")
    with app.app_context():
        with signed_ago(monkeypatch, tokens.CONFIRM_AGE + 60):
            old = tokens.sign(account_mail.CONFIRM, [amina.id, amina.email])
        as_reset = tokens.sign(account_mail.RESET, [amina.id, amina.email])
        other_address = tokens.sign(account_mail.CONFIRM, [amina.id, "mallory@example.org"])
    for bad in (path[:-3] + "xyz", f"/auth/confirm/{old}", f"/auth/confirm/{as_reset}"):
        page = anonymous.get(bad)
        assert page.status_code == 400, bad
        assert "not valid any more" in page.get_data(as_text=True)
        assert anonymous.post(bad).status_code == 400
    assert anonymous.post(f"/auth/confirm/{other_address}").status_code == 400
    assert user(app, "amina").email_confirmed_at is None


def test_until_confirmed_only_account_mail_reaches_the_address(
    app: Flask, member: Person, smtp: MailServer
) -> None:
    amina = user(app, "amina")
    with app.app_context():
        with db.session.begin():
            outbox.queue(db.session, "reply", user_id=amina.id, to_address=amina.email)
        outbox.send_due()
        statuses = list(db.session.scalars(select(MailOutbox.status).order_by(MailOutbox.id)))
        db.session.remove()
    assert statuses == ["sent", "skipped"]  # the confirmation; the notification never left
    assert len(smtp.messages) == 1

    # a change of address while unconfirmed: a link to the new one, nothing to the old one
    member.post(
        "/auth/account/address", {"email": "amina@new.example", "current_password": PASSWORD}
    )
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages[1:]] == ["amina@new.example"]


def test_an_unconfirmed_member_is_told_and_can_ask_again_a_few_times(
    app: Flask, member: Person, smtp: MailServer
) -> None:
    page = member.get("/profile").get_data(as_text=True)
    assert "is not confirmed yet" in page
    for _ in range(3):
        response = member.post("/auth/account/send-again", follow_redirects=True)
        assert "We sent a new link to amina@example.org" in response.get_data(as_text=True)
    assert len(smtp.messages) == 4
    assert member.post("/auth/account/send-again").status_code == 429
    assert len(smtp.messages) == 4

    member.post(link_in(smtp.messages[-1], "confirm"))
    assert "is not confirmed yet" not in member.get("/profile").get_data(as_text=True)


# -- changing the address --------------------------------------------------------------------


def test_changing_the_address_mails_the_new_one_a_link_and_tells_the_old_one(
    app: Flask, smtp: MailServer
) -> None:
    amina = make_person(app, "amina")
    wrong = amina.post(
        "/auth/account/address", {"email": "amina@new.example", "current_password": "wrong!"}
    )
    assert wrong.status_code == 422
    assert "current password is not correct" in wrong.get_data(as_text=True)
    assert smtp.messages == []

    response = amina.post(
        "/auth/account/address",
        {"email": "Amina@New.example", "current_password": PASSWORD},
        follow_redirects=True,
    )
    assert "We sent a link to amina@new.example" in response.get_data(as_text=True)
    to_new, to_old = smtp.to("amina@new.example"), smtp.to("amina@example.org")
    assert len(to_new) == len(to_old) == 1
    told = text_of(to_old[0])
    assert "a***@new.example" in told
    assert "amina@new.example" not in told
    assert to_old[0]["List-Unsubscribe"] is None
    assert user(app, "amina").email == "amina@example.org"  # until the new one is confirmed

    amina.post(link_in(to_new[0], "confirm"))
    changed = user(app, "amina")
    assert (changed.email, changed.pending_email) == ("amina@new.example", None)
    assert changed.email_confirmed_at is not None
    assert Person(app.test_client()).login("amina@new.example").status_code == 302


def test_an_address_another_account_took_meanwhile_is_refused_clearly(
    app: Flask, smtp: MailServer
) -> None:
    amina = make_person(app, "amina")
    amina.post(
        "/auth/account/address", {"email": "shared@example.org", "current_password": PASSWORD}
    )
    path = link_in(smtp.to("shared@example.org")[0], "confirm")
    Person(app.test_client()).register("kemal", "shared@example.org")
    response = amina.post(path)
    assert response.status_code == 400
    assert "Another account now uses this address" in response.get_data(as_text=True)
    assert user(app, "amina").email == "amina@example.org"


def test_an_address_another_account_holds_is_answered_like_any_other_and_not_mailed(
    app: Flask, smtp: MailServer
) -> None:
    make_person(app, "kemal")
    amina = make_person(app, "amina")
    answers = [
        amina.post(
            "/auth/account/address",
            {"email": address, "current_password": PASSWORD},
            follow_redirects=True,
        ).get_data(as_text=True)
        for address in ("kemal@example.org", "nobody@example.org")
    ]
    assert "We sent a link to kemal@example.org" in answers[0]
    assert "We sent a link to nobody@example.org" in answers[1]
    assert smtp.to("kemal@example.org") == []
    assert len(smtp.to("amina@example.org")) == 2  # told of each request


# -- resetting a forgotten password ----------------------------------------------------------


def test_forgot_answers_the_same_whether_or_not_the_account_exists(
    app: Flask, member: Person, smtp: MailServer
) -> None:
    login_page = Person(app.test_client()).get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot">Forgot your password?' in login_page
    answers = []
    for login in ("amina@example.org", "nobody@example.org", "amina", "nobody"):
        response = Person(app.test_client()).post("/auth/forgot", {"login": login})
        answers.append((response.status_code, response.get_data(as_text=True)))
    assert len(set(answers)) == 1
    assert answers[0][0] == 200
    assert "a link to choose a new password is on its way" in answers[0][1]
    resets = [m for m in smtp.messages if "Reset your" in m["Subject"]]
    assert [m["To"].addresses[0].addr_spec for m in resets] == ["amina@example.org"] * 2
    assert all(m["List-Unsubscribe"] is None for m in resets)
    # the same work behind each answer: a row written either way, the unknown ones skipped
    with app.app_context():
        rows = db.session.scalars(
            select(MailOutbox.status).where(MailOutbox.kind == "password_reset")
        ).all()
    assert sorted(rows) == ["sent", "sent", "skipped", "skipped"]


def test_a_reset_link_works_once_ends_every_session_and_logs_this_browser_in(
    app: Flask, smtp: MailServer
) -> None:
    elsewhere = make_person(app, "amina")  # logged in on another device
    stranger = Person(app.test_client())
    stranger.post("/auth/forgot", {"login": "amina"})
    path = link_in(smtp.messages[-1], "reset")
    form = stranger.get(path)
    assert form.status_code == 200
    assert "Choose a new password" in form.get_data(as_text=True)

    short = stranger.post(path, {"password": "short", "confirm": "short"})
    assert short.status_code == 422

    response = stranger.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(stranger)
    assert "amina" in stranger.get("/").get_data(as_text=True)
    assert not logged_in(elsewhere)
    assert login_sessions(app, "amina") == 1  # this browser's alone
    assert Person(app.test_client()).login("amina", NEW_PASSWORD).status_code == 302

    again = Person(app.test_client()).get(path)
    assert again.status_code == 400
    assert 'href="/auth/forgot"' in again.get_data(as_text=True)  # ask again


def test_following_a_reset_link_confirms_the_address(
    app: Flask, member: Person, smtp: MailServer
) -> None:
    Person(app.test_client()).post("/auth/forgot", {"login": "amina"})
    path = link_in(smtp.messages[-1], "reset")
    Person(app.test_client()).post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert user(app, "amina").email_confirmed_at is not None


def test_a_reset_link_expires_after_an_hour(
    app: Flask, smtp: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_person(app, "amina")
    amina = user(app, "amina")
    with app.app_context():
        with signed_ago(monkeypatch, tokens.RESET_AGE - 60):
            fresh = account_mail.reset_token(amina)
        with signed_ago(monkeypatch, tokens.RESET_AGE + 60):
            stale = account_mail.reset_token(amina)
    anyone = Person(app.test_client())
    assert anyone.get(f"/auth/reset/{fresh}").status_code == 200
    response = anyone.post(
        f"/auth/reset/{stale}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert "not valid any more" in response.get_data(as_text=True)
    assert Person(app.test_client()).login("amina").status_code == 302  # unchanged


def test_reset_mails_per_account_stop_quietly_and_per_client_with_a_429(
    app: Flask, member: Person, smtp: MailServer
) -> None:
    # five an hour per account, whether named by its username or its address
    pages = set()
    for n in range(6):
        client = Person(app.test_client())
        client.client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        response = client.post("/auth/forgot", {"login": "amina" if n % 2 else "amina@example.org"})
        pages.add((response.status_code, response.get_data(as_text=True)))
    assert len(pages) == 1  # the sixth looks the same, and sends nothing
    assert len(smtp.to("amina@example.org")) == 1 + 5  # the confirmation, five resets

    # five an hour per client address, whatever is asked for: the sixth is a 429
    one = Person(app.test_client())
    statuses = [one.post("/auth/forgot", {"login": f"nobody{n}"}).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]


# -- the command -----------------------------------------------------------------------------


def test_set_password_asks_twice_ends_every_session_and_refuses_mistakes(
    app: Flask, member: Person
) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["set-password", "amina"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # hidden
    assert not logged_in(member)
    assert login_sessions(app, "amina") == 0
    assert Person(app.test_client()).login("amina", NEW_PASSWORD).status_code == 302

    typed = runner.invoke(
        args=["set-password", "amina", "--password-stdin"], input="another long one\n"
    )
    assert typed.exit_code == 0, typed.output
    assert Person(app.test_client()).login("amina", "another long one").status_code == 302

    weak = runner.invoke(args=["set-password", "amina", "--password-stdin"], input="short\n")
    assert weak.exit_code != 0
    assert "at least 10 characters" in weak.output
    unknown = runner.invoke(args=["set-password", "nobody", "--password-stdin"], input="x" * 12)
    assert unknown.exit_code != 0
    assert "No user called nobody" in unknown.output


def test_create_user_makes_a_confirmed_account_and_mails_nothing(
    app: Flask, smtp: MailServer
) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "zahra", "--email", "zahra@example.org", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert user(app, "zahra").email_confirmed_at is not None
    assert smtp.messages == []


# -- languages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "direction", "subject"),
    [
        ("ar", "rtl", "أعد تعيين كلمة مرورك"),
        ("fr", "ltr", "Réinitialisez votre mot de passe"),
        ("es", "ltr", "Restablece tu contraseña"),
        ("en", "ltr", "Reset your OSH e-Forum password"),
    ],
)
def test_account_mail_is_written_in_the_members_language(
    app: Flask, smtp: MailServer, locale: str, direction: str, subject: str
) -> None:
    make_person(app, "amina")
    with app.app_context():
        found = db.session.scalar(select(User).where(User.username == "amina"))
        found.locale = locale
        db.session.commit()
        db.session.remove()
    Person(app.test_client()).post("/auth/forgot", {"login": "amina"})
    [message] = smtp.messages
    html = html_of(message)
    assert f'<html lang="{locale}" dir="{direction}">' in html
    assert subject in str(message["Subject"])
    assert link_in(message, "reset")


def test_a_banned_member_who_resets_the_password_is_told_of_the_ban_not_let_in(
    app: Flask, member: Person, smtp: MailServer
) -> None:
    from forum.services import accounts, sanctions

    make_person(app, "root.admin", admin=True)
    with app.app_context():
        sanctions.ban(accounts.find_user("root.admin"), accounts.find_user("amina"), None, "Spam")
        db.session.remove()
    browser = Person(app.test_client())
    browser.post("/auth/forgot", {"login": "amina"})
    path = link_in(smtp.messages[-1], "reset")
    response = browser.post(
        path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True
    )
    assert "This account is banned" in response.get_data(as_text=True)
    assert not logged_in(browser)


def test_a_change_of_address_started_with_a_stolen_password_dies_with_the_reset(
    app: Flask, smtp: MailServer
) -> None:
    """The thief asks for their own address; the owner, told at the old one, resets the
    password: the thief's confirmation link must then confirm nothing."""
    thief = make_person(app, "amina")
    thief.post(
        "/auth/account/address", {"email": "thief@evil.example", "current_password": PASSWORD}
    )
    [to_thief] = smtp.to("thief@evil.example")
    owner = Person(app.test_client())
    owner.post("/auth/forgot", {"login": "amina@example.org"})
    reset = link_in(smtp.to("amina@example.org")[-1], "reset")
    owner.post(reset, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert user(app, "amina").pending_email is None

    Person(app.test_client()).post(link_in(to_thief, "confirm"))
    assert user(app, "amina").email == "amina@example.org"
