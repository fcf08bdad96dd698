"""Mail from real `forum serve` processes to a real SMTP server: nothing lost while the mail
server is down, nothing sent twice by two processes."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from contextlib import ExitStack
from email.message import EmailMessage
from pathlib import Path

import pytest
import requests

from tests.live import (
    FORUM,
    HTTP_PASSWORD,
    close_socket,
    csrf_token,
    live_server,
    log_in_over_http,
    register_over_http,
    start_thread_over_http,
    thread_id_in,
)
from tests.mail_server import MailServer

pytestmark = pytest.mark.live
MAIL = {"FORUM_MAIL_SEND_EVERY": "1", "FORUM_MAIL_RETRY_AFTER": "1"}


def forum_command(database_url: str, *args: str, stdin: bytes | None = None, **env: str):  # noqa: ANN201
    return subprocess.run(
        [str(FORUM), *args],
        env={**os.environ, "FORUM_DATABASE_URL": database_url, **env},
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def post_check(server: str, session: requests.Session) -> None:
    response = session.post(
        f"{server}/admin/mail/check",
        data={"csrf_token": csrf_token(session, f"{server}/admin/mail")},
        timeout=30,
    )
    response.raise_for_status()


def test_mail_waits_out_an_outage_and_two_processes_send_each_message_once(
    scratch: str, tmp_path: Path
) -> None:
    mail_server = MailServer()  # not started yet: the mail server is down
    assert forum_command(scratch, "init-db").returncode == 0
    made = forum_command(
        scratch, "create-user", "root.admin", "--email", "root@example.org",
        "--password", HTTP_PASSWORD, "--admin",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with ExitStack() as stack:
        stack.callback(mail_server.stop)
        servers = [
            stack.enter_context(
                live_server(
                    scratch, tmp_path / f"{name}.log", FORUM_MAIL_URL=mail_server.url, **MAIL
                )
            )
            for name in ("a", "b")
        ]
        for number in range(10):
            server = servers[number % 2]
            post_check(server, log_in_over_http(server, "root.admin"))
        page = log_in_over_http(servers[0], "root.admin").get(f"{servers[0]}/admin/mail").text
        assert "ConnectionRefusedError" in page  # each tried, failed, and waits

        mail_server.start()  # both processes' senders now find the messages due
        messages = mail_server.wait_for(10, timeout=60)
        # a little longer: a second copy of any message would arrive now
        with pytest.raises(AssertionError):
            mail_server.wait_for(11, timeout=4)
    assert len({m["Message-ID"] for m in messages}) == 10  # stable per message: no copies
    assert all(m["To"].addresses[0].addr_spec == "root@example.org" for m in messages)


def test_a_verified_expert_answers_a_routed_question_from_their_mailbox(
    scratch: str, tmp_path: Path
) -> None:
    mail_server = MailServer()
    mail_server.start()
    secret = secrets.token_hex(16)  # the server and `forum receive-mail` share it, as in production
    environment = {
        "FORUM_SECRET_KEY": secret,
        "FORUM_MAIL_URL": mail_server.url,
        "FORUM_MAIL_DOMAIN": "forum.example.org",
        "FORUM_MAIL_UNREAD_DELAY": "2",  # the test setting: minutes in production
        **MAIL,
    }
    assert forum_command(scratch, "init-db").returncode == 0
    for command in (
        [
            "create-user",
            "dr.hassan",
            "--email",
            "hassan@inspect.example",
            "--password",
            HTTP_PASSWORD,
        ],
        ["verify-expert", "dr.hassan", "confined-spaces", "--network", "oic-oshnet"],
    ):
        done = forum_command(scratch, *command)
        assert done.returncode == 0, done.stderr
    with ExitStack() as stack:
        stack.callback(mail_server.stop)
        server = stack.enter_context(live_server(scratch, tmp_path / "a.log", **environment))
        asker = register_over_http(server, "asker.mail")
        thread_id = thread_id_in(
            start_thread_over_http(
                server, asker, "Gas testing before entering a sewer", body="Which gases first?"
            )
        )
        # the expert is not online: the routed question reaches their mailbox within a minute
        question = wait_for_mail_to(mail_server, "hassan@inspect.example", within=60)
        assert "Gas testing before entering a sewer" in str(question["Subject"])
        reply_to = question["Reply-To"].addresses[0].addr_spec
        assert reply_to.startswith("reply+")
        assert reply_to.endswith("@forum.example.org")

        answer = EmailMessage()
        answer["From"] = "Dr Hassan <hassan@inspect.example>"
        answer["To"] = reply_to
        answer["Subject"] = f"Re: {question['Subject']}"
        answer["In-Reply-To"] = question["Message-ID"]
        answer.set_content(
            "Oxygen first, then flammable gases, then toxic ones such as hydrogen sulphide.\n\n"
            "On Fri, 4 Dec 2026 at 10:00, OSH e-Forum <forum@localhost> wrote:\n"
            "> Which gases first?\n"
        )
        received = forum_command(scratch, "receive-mail", stdin=answer.as_bytes(), **environment)
        assert received.returncode == 0, received.stderr

        page = requests.get(f"{server}/threads/{thread_id}", timeout=30).text
        assert "Oxygen first, then flammable gases" in page
        assert "Which gases first?" in page  # the question itself, once
        assert page.count("Which gases first?") == 1  # the quoted copy was not posted
        assert "dr.hassan" in page
        inbox = asker.get(f"{server}/notifications", timeout=30).text
        assert "dr.hassan" in inbox


def wait_for_mail_to(mail_server: MailServer, address: str, within: float):  # noqa: ANN201
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = mail_server.to(address)
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} within {within} s")


def test_a_mail_server_that_hangs_does_not_hold_up_live_notifications(
    scratch: str, tmp_path: Path
) -> None:
    """Registering queues a confirmation; the mail server takes the connection and never
    answers (20 s until the sender gives up). A reply's live notification must not wait."""
    from tests.test_live_notifications import listen, reply

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel accepts; nobody ever says hello
        mail_url = f"smtp://127.0.0.1:{silent.getsockname()[1]}?starttls=off"
        with ExitStack() as stack:
            server = stack.enter_context(
                live_server(scratch, tmp_path / "a.log", FORUM_MAIL_URL=mail_url, **MAIL)
            )
            asker = register_over_http(server, "asker.hang")
            thread_id = thread_id_in(start_thread_over_http(server, asker, "Hanging mail"))
            listener, heard = listen(server, asker)
            stack.callback(close_socket, listener)
            replier = register_over_http(server, "replier.hang")  # another mail to send
            reply(server, replier, thread_id, "An answer while the mail server hangs")
            event = heard.get(timeout=5)
            assert "replier.hang" in event["text"]
