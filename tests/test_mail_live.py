"""Mail from real `forum serve` processes to a real SMTP server: nothing lost while the mail
server is down, nothing sent twice by two processes."""

from __future__ import annotations

import os
import subprocess
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from tests.live import FORUM, HTTP_PASSWORD, csrf_token, live_server, log_in_over_http
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
