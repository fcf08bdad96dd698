"""Under load, and through a crash, the forum loses nothing (loopback only, bounded).

On SQLite: one `forum serve` with Whoosh. On PostgreSQL (CI's second run): `forum serve`
with Redis as message queue and rate-limit store and the PostgreSQL search backend.
bench/load.py runs the longer version and prints the figures.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from forum import create_app, search
from forum.extensions import db
from tests.conftest import make_config
from tests.live import live_server, start_server, stop_server
from tests.load import check, prepare, run, sqlite_integrity

pytestmark = [pytest.mark.live, pytest.mark.serial]
REDIS = "redis://127.0.0.1:6379/0"


def deployment(database_url: str) -> dict[str, str]:
    settings = {"FORUM_SEARCH_RATE_LIMIT": "100000 per hour"}  # 50 readers share one address
    if database_url.startswith("postgresql"):
        settings |= {
            "FORUM_MESSAGE_QUEUE": REDIS,
            "FORUM_RATELIMIT_STORAGE": REDIS,
            "FORUM_SEARCH_BACKEND": "postgres",
        }
    return settings


def unfound(database_url: str, index: Path, tokens: list[str]) -> list[str]:
    """The tokens a search does not find, asked of the index the servers wrote."""
    backend = "postgres" if database_url.startswith("postgresql") else "whoosh"
    app = create_app(make_config(database_url, SEARCH_INDEX=str(index), SEARCH_BACKEND=backend))
    with app.app_context():
        missing = [t for t in tokens if search.search(search.parse(t), 1, 5).results.total != 1]
        db.session.remove()
        db.engine.dispose()
    return missing


def test_twenty_writers_and_fifty_readers_lose_nothing(scratch: str, tmp_path: Path) -> None:
    with live_server(scratch, tmp_path / "serve.log", threads=100, **deployment(scratch)) as url:
        threads = prepare(url)
        load = run(url, threads, writers=20, replies_each=25, readers=50)

    assert dict(load.statuses).keys() <= {200, 302}, load.statuses
    assert load.failures == []
    assert len(load.acknowledged) == 20 * 25
    assert load.latencies["read"]  # readers really read...
    assert load.latencies["search"]  # ...and searched
    found = check(scratch, load)
    assert found.missing == []
    assert found.duplicated == []
    assert found.wrong_counts == {}
    assert unfound(scratch, tmp_path / "search_index", list(load.acknowledged)) == []
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def test_a_killed_server_loses_no_acknowledged_post(scratch: str, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    process, url = start_server(scratch, log, threads=100, **deployment(scratch))
    killed = threading.Event()

    def kill_mid_load(load) -> bool:  # noqa: ANN001
        if len(load.acknowledged) >= 60 and not killed.is_set():
            killed.set()
            # the server and its worker at once, as a crash would: no goodbye, no cleanup
            os.killpg(process.pid, signal.SIGKILL)
        return False

    try:
        threads = prepare(url)
        load = run(url, threads, writers=10, replies_each=30, readers=10, stop_when=kill_mid_load)
    finally:
        stop_server(process)
    assert killed.is_set()
    assert 60 <= len(load.acknowledged) < 300  # the kill came while posts were in flight
    assert load.server_errors == 0

    with live_server(scratch, tmp_path / "restart.log", **deployment(scratch)):
        pass  # the restart brings the index up to date before it serves
    found = check(scratch, load)
    assert found.missing == []
    assert found.duplicated == []
    assert found.wrong_counts == {}
    if scratch.startswith("sqlite"):
        assert sqlite_integrity(scratch) == "ok"
    assert unfound(scratch, tmp_path / "search_index", list(load.acknowledged)) == []
