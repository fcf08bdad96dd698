"""A bounded load on a live forum, over loopback only: writers post replies that each carry a
unique token, readers browse and search meanwhile. Used by tests/test_load.py (short) and
bench/load.py (long). Afterwards, check() compares what was acknowledged with the database.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from sqlalchemy import create_engine, func, select, text

from forum.config import normalise_database_url
from forum.models import Post, Thread
from tests.live import (
    register_over_http,
    reply_over_http,
    start_thread_over_http,
    thread_id_in,
)

READ_WORDS = ("ventilation", "harness", "permit", "gas", "ladder")


@dataclass
class Load:
    statuses: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    acknowledged: dict[str, int] = field(default_factory=dict)  # token -> thread id
    failures: list[str] = field(default_factory=list)  # what went wrong, for the report
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int | str, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.setdefault(kind, []).append(seconds)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if isinstance(code, int) and code >= 500)


def prepare(server: str, threads: int = 4) -> list[int]:
    """An asker and the threads the writers reply to."""
    asker = register_over_http(server, f"asker{secrets.token_hex(3)}")
    return [
        thread_id_in(start_thread_over_http(server, asker, f"Load thread {n} about ventilation"))
        for n in range(threads)
    ]


def run(
    server: str,
    thread_ids: list[int],
    *,
    writers: int,
    replies_each: int,
    readers: int,
    stop_when: Callable[[Load], bool] = lambda _load: False,
) -> Load:
    """Writers and readers at once; returns when the writers are done (or stop_when says so)."""
    load = Load()
    done = threading.Event()

    def write(number: int) -> None:
        try:
            session = register_over_http(server, f"writer{number}{secrets.token_hex(3)}")
        except requests.RequestException as error:
            load.failures.append(f"writer {number} could not register: {error}")
            return
        rng = random.Random(number)
        for _ in range(replies_each):
            if done.is_set():
                return
            token = f"tok{secrets.token_hex(6)}"
            thread_id = rng.choice(thread_ids)
            _reply(server, session, load, thread_id, token)
            if stop_when(load):
                done.set()

    def read(number: int) -> None:
        rng = random.Random(1000 + number)
        session = requests.Session()
        while not done.is_set():
            path = rng.choice(
                ["/", "/n/oic-oshnet/confined-spaces", f"/threads/{rng.choice(thread_ids)}",
                 f"/search?q={rng.choice(READ_WORDS)}"]
            )  # fmt: skip
            kind = "search" if path.startswith("/search") else "read"
            _timed(load, kind, lambda p=path: session.get(server + p, timeout=60))
        session.close()

    with ThreadPoolExecutor(writers + readers) as pool:
        reading = [pool.submit(read, n) for n in range(readers)]
        writing = [pool.submit(write, n) for n in range(writers)]
        for future in writing:
            future.result()
        done.set()
        for future in reading:
            future.result()
    return load


def _reply(server: str, session: requests.Session, load: Load, thread_id: int, token: str) -> None:
    body = f"Reading {token} at the hatch."
    # the timing includes fetching the form's token, as a person's reply would
    response = _timed(load, "reply", lambda: reply_over_http(server, session, thread_id, body))
    if response is not None and response.status_code == 302:
        with load.lock:
            load.acknowledged[token] = thread_id


def _timed(load: Load, kind: str, request: Callable[[], requests.Response]):  # noqa: ANN202
    start = time.perf_counter()
    try:
        response = request()
    except requests.RequestException as error:
        load.record(kind, type(error).__name__, time.perf_counter() - start)
        return None
    load.record(kind, response.status_code, time.perf_counter() - start)
    return response


@dataclass
class Check:
    missing: list[str]
    duplicated: list[str]
    wrong_counts: dict[int, tuple[int, int]]  # thread -> (counter, real)


def check(database_url: str, load: Load) -> Check:
    """Every acknowledged post is there once; reply counters equal the real counts."""
    engine = create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as connection:
            bodies = connection.scalars(select(Post.body_source).where(Post.is_opening.is_(False)))
            seen = Counter(body.split()[1] for body in bodies if body.startswith("Reading tok"))
            real = dict(
                connection.execute(
                    select(Post.thread_id, func.count(Post.id))
                    .where(Post.is_opening.is_(False), Post.deleted_at.is_(None))
                    .group_by(Post.thread_id)
                ).all()
            )
            counters = dict(connection.execute(select(Thread.id, Thread.reply_count)).all())
    finally:
        engine.dispose()
    return Check(
        missing=[token for token in load.acknowledged if seen[token] == 0],
        duplicated=[token for token, n in seen.items() if n > 1],
        wrong_counts={
            thread: (counter, real.get(thread, 0))
            for thread, counter in counters.items()
            if counter != real.get(thread, 0)
        },
    )


def sqlite_integrity(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("PRAGMA integrity_check")).scalar()
    finally:
        engine.dispose()
