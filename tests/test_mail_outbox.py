"""The mail outbox: messages reach a real SMTP server, wait while it is down, are sent once."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.config import build_config
from forum.extensions import db
from forum.mail import outbox
from forum.models import MailOutbox, User
from forum.models._time import utcnow
from tests.conftest import make_person
from tests.mail_server import html_of, text_of


@pytest.fixture
def app_config(smtp) -> dict[str, object]:  # noqa: ANN001
    return {"MAIL_URL": smtp.url, "MAIL_FROM": "OSH e-Forum <forum@osh.example>"}


@pytest.fixture
def admin(app):  # noqa: ANN001, ANN201
    return make_person(app, "root.admin", admin=True)


def _rows(app) -> list[MailOutbox]:  # noqa: ANN001
    with app.app_context():
        rows = list(db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)))
        db.session.remove()
        return rows


def test_a_test_message_reaches_the_mail_server(app, admin, smtp) -> None:  # noqa: ANN001
    response = admin.post("/admin/mail/check", follow_redirects=True)
    assert "on its way" in response.get_data(as_text=True)
    [message] = smtp.messages
    [to] = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("root.admin", "root.admin@example.org")
    assert message["From"] == "OSH e-Forum <forum@osh.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@osh.example>")
    assert "test message" in text_of(message)
    assert "<p>" in html_of(message)
    assert message["List-Unsubscribe"] is None  # account mail: nothing to unsubscribe from
    assert [row.status for row in _rows(app)] == ["sent"]


def test_messages_wait_while_the_server_is_down_and_are_sent_once(app, admin, smtp) -> None:  # noqa: ANN001
    smtp.stop()
    admin.post("/admin/mail/check")
    admin.post("/admin/mail/check")
    [first, second] = _rows(app)
    assert (first.status, first.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in first.last_error
    assert (second.status, second.attempts) == ("pending", 1)
    assert second.due_at > utcnow()  # each waits its back-off before the next attempt
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert "ConnectionRefusedError" in page
    assert "Retrying" in page

    with app.app_context():
        assert outbox.send_due() == 0  # nothing due yet
    smtp.start()
    with app.app_context():
        assert outbox.send_due(utcnow() + timedelta(minutes=3)) == 2
        assert outbox.send_due(utcnow() + timedelta(hours=5)) == 0
    assert len(smtp.messages) == 2
    assert [row.status for row in _rows(app)] == ["sent", "sent"]


def test_after_repeated_failures_a_message_shows_as_failed_and_can_be_sent_again(
    app,
    admin,
    smtp,  # noqa: ANN001
) -> None:
    smtp.stop()
    admin.post("/admin/mail/check")
    later = utcnow()
    with app.app_context():
        for _ in range(outbox.MAX_ATTEMPTS):
            later += timedelta(hours=2)
            outbox.send_due(later)
    [row] = _rows(app)
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert "Failed" in page
    assert "ConnectionRefusedError" in page

    smtp.start()
    response = admin.post("/admin/mail/retry", follow_redirects=True)
    assert "Messages to send again: 1." in response.get_data(as_text=True)
    assert len(smtp.messages) == 1
    assert [row.status for row in _rows(app)] == ["sent"]


def test_two_senders_at_once_send_each_message_once(app, admin, smtp) -> None:  # noqa: ANN001
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.username == "root.admin"))
        db.session.add_all(
            MailOutbox(kind="mail_check", user_id=admin_id, to_address=f"n{n}@example.org")
            for n in range(30)
        )
        db.session.commit()
        db.session.remove()
    start = threading.Barrier(3)
    sent: list[int] = []

    def sender() -> None:
        with app.app_context():
            start.wait()
            sent.append(outbox.send_due())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(sent) == 30
    recipients = sorted(to for _from, tos in smtp.envelopes for to in tos)
    assert recipients == sorted(f"n{n}@example.org" for n in range(30))
    assert {row.status for row in _rows(app)} == {"sent"}


def test_only_administrators_see_the_mail_page(app, member) -> None:  # noqa: ANN001
    assert member.get("/admin/mail").status_code == 403
    assert member.post("/admin/mail/check").status_code == 403
    assert member.post("/admin/mail/retry").status_code == 403


class TestWithoutAMailServer:
    @pytest.fixture
    def app_config(self, tmp_path) -> dict[str, object]:  # noqa: ANN001
        return {"MAIL_URL": f"file://{tmp_path}/outgoing"}

    def test_each_message_is_written_as_an_eml_file(self, app, admin, tmp_path) -> None:  # noqa: ANN001
        admin.post("/admin/mail/check")
        [path] = (tmp_path / "outgoing").iterdir()
        assert path.suffix == ".eml"
        assert path.stat().st_mode & 0o077 == 0
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["To"].addresses[0].addr_spec == "root.admin@example.org"
        assert "test message" in text_of(message)


@pytest.mark.parametrize(
    "url",
    ["ftp://mail.example.org", "smtp://", "smtp:///nohost", "mailto:a@b"],
)
def test_a_wrong_mail_url_is_refused_with_a_clear_message(url: str, tmp_path) -> None:  # noqa: ANN001
    from forum import create_app

    with pytest.raises(ValueError, match="FORUM_MAIL_URL"):
        create_app({"MAIL_URL": url, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_the_mail_url_gives_the_mail_settings(tmp_path) -> None:  # noqa: ANN001
    from forum.mail.transport import settings

    assert settings("smtp://u%40x:p%3Aw@mail.example.org", "/i") | {} == {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "mail.example.org",
        "MAIL_PORT": 587,
        "MAIL_USERNAME": "u@x",
        "MAIL_PASSWORD": "p:w",
        "MAIL_USE_SSL": False,
        "MAIL_USE_TLS": True,
        "MAIL_TIMEOUT": 20,
    }
    assert settings("smtps://mail.example.org", "/i")["MAIL_PORT"] == 465
    assert settings("smtps://mail.example.org", "/i")["MAIL_USE_SSL"] is True
    assert settings("smtp://127.0.0.1:25?starttls=off", "/i")["MAIL_USE_TLS"] is False
    assert settings("file://instance/mail", "/srv/forum/instance")["MAIL_FILE_PATH"] == (
        "/srv/forum/instance/mail"
    )
    assert build_config(str(tmp_path))["MAIL_UNREAD_DELAY"] == 600


def test_a_sent_message_is_recorded_even_when_the_database_is_busy_a_moment(
    app,
    admin,
    smtp,
    monkeypatch,  # noqa: ANN001
) -> None:
    """Were it left claimed, its lease would run out and it would be sent again."""
    from sqlalchemy.exc import OperationalError

    smtp.stop()
    admin.post("/admin/mail/check")  # waits for the mail server
    smtp.start()
    finish, busy = outbox._finish, ["once"]

    def busy_once(rows, status, error=""):  # noqa: ANN001, ANN202
        if status == "sent" and busy:
            busy.pop()
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        return finish(rows, status, error)

    monkeypatch.setattr(outbox, "_finish", busy_once)
    monkeypatch.setattr(outbox.time, "sleep", lambda _seconds: None)
    with app.app_context():
        assert outbox.send_due(utcnow() + timedelta(minutes=3)) == 1
    assert busy == []
    assert [row.status for row in _rows(app)] == ["sent"]
    with app.app_context():
        assert outbox.send_due(utcnow() + timedelta(hours=1)) == 0
    assert len(smtp.messages) == 1
