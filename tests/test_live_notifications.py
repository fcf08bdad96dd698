"""Notifications over real sockets: python-socketio clients against `forum serve` processes."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
import socketio
from sqlalchemy.engine import make_url

from tests.conftest import readable
from tests.databases import scratch_database
from tests.live import (
    close_socket,
    connect_socket,
    csrf_token,
    live_server,
    redis_up,
    register_over_http,
    start_thread_over_http,
    thread_id_in,
)

pytestmark = [pytest.mark.live, pytest.mark.serial]
REDIS = "redis://127.0.0.1:6379/0"


def reply(server: str, session: requests.Session, thread_id: int, body: str) -> None:
    page = server + f"/threads/{thread_id}"
    session.post(
        page + "/reply", data={"csrf_token": csrf_token(session, page), "body": body}, timeout=10
    ).raise_for_status()


def listen(
    server: str, session: requests.Session, **headers: str
) -> tuple[socketio.Client, queue.Queue]:
    received: queue.Queue = queue.Queue()
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    client = connect_socket(server, {"Cookie": cookie, **headers})
    client.on("notification", received.put)
    return client, received


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("live-notify")
    with live_server(f"sqlite:///{folder / 'live.db'}", folder / "serve.log") as url:
        yield url


def test_the_author_hears_a_reply_live_and_others_do_not(server: str) -> None:
    asker, replier, bystander = (
        register_over_http(server, name) for name in ("asker", "replier", "bystander")
    )
    thread_id = thread_id_in(start_thread_over_http(server, asker, "Live reply please"))
    asker_socket, asker_events = listen(server, asker)
    bystander_socket, bystander_events = listen(server, bystander)
    replier_socket, replier_events = listen(server, replier)
    try:
        reply(server, replier, thread_id, "Here is the answer")
        event = asker_events.get(timeout=5)
        assert readable(event["text"]) == "replier replied to your thread “Live reply please”"
        assert event["unread"] == 1
        with pytest.raises(queue.Empty):
            bystander_events.get(timeout=1)
        assert replier_events.empty()  # never to the actor
    finally:
        for client in (asker_socket, bystander_socket, replier_socket):
            close_socket(client)


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:1"])
def test_cross_origin_sockets_are_refused(server: str, origin: str) -> None:
    member = register_over_http(server, f"origin{abs(hash(origin)) % 10_000}")
    with pytest.raises(socketio.exceptions.ConnectionError):
        listen(server, member, Origin=origin)


def test_oversized_socket_messages_are_dropped(server: str) -> None:
    member = register_over_http(server, "big.sender")
    client, _ = listen(server, member)
    try:
        client.emit("notifications:read", {"id": 1, "padding": "x" * 100_000})
        client.sleep(0.5)
    finally:
        close_socket(client)
    assert requests.get(server + "/healthz", timeout=5).status_code == 200


# --- several processes: PostgreSQL and Redis --------------------------------------------------


def test_a_reply_through_one_process_reaches_a_socket_on_another(
    database_url: str, tmp_path: Path
) -> None:
    if make_url(database_url).get_backend_name() != "postgresql" or not redis_up():
        pytest.skip("runs on PostgreSQL with Redis (FORUM_TEST_DATABASE_URL, redis on 6379)")
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(database_url, tmp_path))
        env = {"FORUM_MESSAGE_QUEUE": REDIS}
        server_a = stack.enter_context(live_server(url, tmp_path / "a.log", **env))
        server_b = stack.enter_context(live_server(url, tmp_path / "b.log", **env))
        asker, replier = (
            register_over_http(server_b, "asker.b"),
            register_over_http(server_a, "replier.a"),
        )
        thread_id = thread_id_in(start_thread_over_http(server_b, asker, "Across processes"))
        client, events = listen(server_b, asker)  # connected to process B
        try:
            reply(server_a, replier, thread_id, "Posted through process A")  # posted through A
            event = events.get(timeout=10)
            assert readable(event["text"]) == "replier.a replied to your thread “Across processes”"
        finally:
            close_socket(client)


def test_a_reply_through_one_process_reaches_the_thread_s_readers_on_another(
    database_url: str, tmp_path: Path
) -> None:
    """A live thread: the reply's announcement goes through the queue, to the thread's room."""
    if make_url(database_url).get_backend_name() != "postgresql" or not redis_up():
        pytest.skip("runs on PostgreSQL with Redis (FORUM_TEST_DATABASE_URL, redis on 6379)")
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(database_url, tmp_path))
        env = {"FORUM_MESSAGE_QUEUE": REDIS}
        server_a = stack.enter_context(live_server(url, tmp_path / "a.log", **env))
        server_b = stack.enter_context(live_server(url, tmp_path / "b.log", **env))
        asker, reader, replier = (
            register_over_http(server_b, "asker.t"),
            register_over_http(server_b, "reader.t"),
            register_over_http(server_a, "replier.t"),
        )
        thread_id = thread_id_in(start_thread_over_http(server_b, asker, "Read live"))
        client, _ = listen(server_b, reader)  # connected to process B, watching the thread
        announced: queue.Queue = queue.Queue()
        client.on("threads:reply", announced.put)
        try:
            assert client.call("threads:watch", {"thread": thread_id}, timeout=5) is True
            reply(server_a, replier, thread_id, "Posted through process A")
            event = announced.get(timeout=10)
            assert event["thread"] == thread_id
            assert set(event) == {"thread", "post"}  # its number, never its text
        finally:
            close_socket(client)
