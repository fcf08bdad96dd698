"""The production set-up, tested: two `forum serve` processes on one PostgreSQL database and
one Redis (message queue and rate-limit store), with the PostgreSQL search backend, and a
short mixed workload across both. Runs on CI's PostgreSQL leg (FORUM_TEST_DATABASE_URL)."""

from __future__ import annotations

import queue
import re
import secrets
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from forum.models import Post, SearchOutbox
from forum.search.postgres_backend import posts as index
from tests.databases import scratch_database
from tests.live import (
    close_socket,
    connect_socket,
    live_server,
    redis_up,
    register_over_http,
    reply_over_http,
    start_thread_over_http,
    thread_id_in,
)

pytestmark = [pytest.mark.live, pytest.mark.serial]
PRODUCTION = {
    "FORUM_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0",
    "FORUM_RATELIMIT_STORAGE": "redis://127.0.0.1:6379/1",
    "FORUM_SEARCH_BACKEND": "postgres",
    # the check below searches 48 times in a second from one address, and the count is kept
    # in Redis across runs: a run right after another would meet the limit, not a bug
    "FORUM_SEARCH_RATE_LIMIT": "100000 per hour",
}
WRITERS, REPLIES_EACH = 4, 6
INDEXED_WITHIN = 5.0  # seconds: a reply is indexed before it is acknowledged, or retried soon


def _not_found_by(servers: list[str], token: str) -> list[str]:
    """The servers whose search does not show the one thread holding this token, once each
    has had INDEXED_WITHIN seconds: the status and the start of what each said instead."""
    deadline = time.monotonic() + INDEXED_WITHIN
    while True:
        answers = [
            requests.get(f"{server}/search", params={"q": token}, timeout=30) for server in servers
        ]
        missing = [
            f"{server}: {answer.status_code} {_main_text(answer.text)[:300]}"
            for server, answer in zip(servers, answers, strict=True)
            if "1 thread found" not in answer.text
        ]
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.2)


def _main_text(page: str) -> str:
    """What the page says after the search form (its status line), or its main part."""
    status = page.find('role="status"')
    said = page[page.find(">", status) + 1 :] if status >= 0 else page[page.find("<main") :]
    return " ".join(re.sub(r"<[^>]+>", " ", said).split())


def _index_state(engine, token: str) -> dict:  # noqa: ANN001
    """For the failure message: is the reply in the index table, and is its outbox row done."""
    with engine.connect() as connection:
        post_id = connection.scalar(select(Post.id).where(Post.body_source == f"Reply {token}"))
        indexed = connection.scalar(
            select(func.count()).select_from(index).where(index.c.post_id == post_id)
        )
        outbox = connection.execute(
            select(SearchOutbox.id, SearchOutbox.indexed_at).where(SearchOutbox.post_id == post_id)
        ).all()
    return {"post": post_id, "in the index": indexed, "outbox": outbox}


def test_two_processes_on_postgresql_and_redis_serve_one_forum(
    database_url: str, tmp_path: Path
) -> None:
    if make_url(database_url).get_backend_name() != "postgresql" or not redis_up():
        pytest.skip("runs on PostgreSQL with Redis (FORUM_TEST_DATABASE_URL, redis on 6379)")
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(database_url, tmp_path))
        servers = [
            stack.enter_context(live_server(url, tmp_path / f"{name}.log", **PRODUCTION))
            for name in ("a", "b")
        ]
        asker = register_over_http(servers[0], "asker.prod")
        thread_id = thread_id_in(start_thread_over_http(servers[0], asker, "Shared forum"))
        # the asker listens on process A; replies arrive through both processes
        heard: queue.Queue = queue.Queue()
        cookie = "; ".join(f"{c.name}={c.value}" for c in asker.cookies)
        listener = connect_socket(servers[0], {"Cookie": cookie})
        listener.on("notification", heard.put)
        stack.callback(close_socket, listener)

        tokens: list[str] = []
        failures: list[str] = []
        lock = threading.Lock()

        def writer(number: int) -> None:
            server = servers[number % 2]  # half the writers on each process
            session = register_over_http(server, f"writer.{number}")
            for _ in range(REPLIES_EACH):
                token = f"tok{secrets.token_hex(5)}"
                response = reply_over_http(server, session, thread_id, f"Reply {token}")
                with lock:
                    if response.status_code == 302:
                        tokens.append(token)
                    else:
                        failures.append(f"{response.status_code} from {server}")
                # readers on the other process at the same time
                requests.get(servers[(number + 1) % 2] + f"/threads/{thread_id}", timeout=30)

        workers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

        assert not failures
        assert len(tokens) == WRITERS * REPLIES_EACH
        # every acknowledged reply is in the database exactly once
        engine = create_engine(url)
        stack.callback(engine.dispose)
        with engine.connect() as connection:
            bodies = connection.scalars(
                select(Post.body_source).where(Post.thread_id == thread_id, ~Post.is_opening)
            ).all()
            count = connection.scalar(select(func.count(Post.id)))
        assert sorted(bodies) == sorted(f"Reply {token}" for token in tokens)
        assert count == len(tokens) + 1
        # and each one reached the asker's socket on process A, wherever it was posted
        received = set()
        deadline = time.monotonic() + 15
        while len(received) < len(tokens) and time.monotonic() < deadline:
            try:
                received.add(heard.get(timeout=1)["id"])
            except queue.Empty:
                continue
        assert len(received) == len(tokens)
        # both processes find every reply by search, and agree on what they find
        for token in tokens:
            missing = _not_found_by(servers, token)
            assert not missing, (token, missing, _index_state(engine, token))
