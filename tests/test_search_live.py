"""Search with real `forum serve` processes: two servers writing one index, and an index
folder deleted between two runs."""

from __future__ import annotations

import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from tests.live import (
    live_server,
    register_over_http,
    reply_over_http,
    start_thread_over_http,
    thread_id_in,
)

pytestmark = pytest.mark.live

WRITERS = 6
REPLIES_EACH = 5


def found_threads(server: str, words: str, *, within: float = 10.0) -> int:
    """Threads found, asking again for a while: nothing may be lost, but with two processes
    a post can reach the index a moment after its reply returned (the other process held
    the lock; the background drainer retries every 2 s). A lost post is never found."""
    deadline = time.monotonic() + within
    while True:
        page = requests.get(f"{server}/search", params={"q": words}, timeout=30)
        page.raise_for_status()
        found = 1 if "1 thread found" in page.text else 0 if "0 threads found" in page.text else -1
        if found == 1 or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.parametrize("backend", ["whoosh", "postgres"])
def test_two_servers_posting_at_once_into_one_index_lose_nothing(
    scratch: str, tmp_path: Path, backend: str
) -> None:
    if backend == "postgres" and not scratch.startswith("postgresql"):
        pytest.skip("the PostgreSQL backend runs against FORUM_TEST_DATABASE_URL")
    with ExitStack() as stack:
        servers = [
            stack.enter_context(
                live_server(scratch, tmp_path / f"{name}.log", FORUM_SEARCH_BACKEND=backend)
            )
            for name in ("a", "b")
        ]
        asker = register_over_http(servers[0], "asker")
        thread_id = thread_id_in(
            start_thread_over_http(servers[0], asker, "Two servers, one index")
        )

        def write(number: int) -> list[str]:
            server = servers[number % 2]
            session = register_over_http(server, f"writer{number}")
            tokens = [f"tok{secrets.token_hex(5)}" for _ in range(REPLIES_EACH)]
            for token in tokens:
                response = reply_over_http(server, session, thread_id, f"Reading {token}.")
                assert response.status_code == 302, response.status_code
            return tokens

        with ThreadPoolExecutor(WRITERS) as pool:
            tokens = [token for batch in pool.map(write, range(WRITERS)) for token in batch]

        assert len(tokens) == WRITERS * REPLIES_EACH
        for number, token in enumerate(tokens):  # asked of either server
            assert found_threads(servers[number % 2], token) == 1, token
    for log in ("a.log", "b.log"):  # no lock error, nor any other, reached anyone
        assert "Traceback" not in (tmp_path / log).read_text()


def test_a_deleted_index_comes_back_complete_on_restart(scratch: str, tmp_path: Path) -> None:
    titles = ["Silo entry permit", "Grain engulfment rescue", "Dust explosion venting"]
    with live_server(scratch, tmp_path / "first.log") as server:
        member = register_over_http(server, "amina")
        for title in titles:
            start_thread_over_http(server, member, title, body=f"About {title.lower()}.")
        assert found_threads(server, "engulfment") == 1

    shutil.rmtree(tmp_path / "search_index")

    with live_server(scratch, tmp_path / "second.log") as server:
        for title in titles:
            assert found_threads(server, f'"{title}"') == 1, title
    assert "Search index was missing: rebuilt" in (tmp_path / "second.log").read_text()
