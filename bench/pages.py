"""Requests per second for the home, board and thread pages at 2,000 threads / 40,000 posts.

Seeds a scratch SQLite database, starts the real server (`forum serve`, gunicorn) and loads it
from this separate process with a few keep-alive clients. /healthz, served by the same server
in the same run, is the baseline: the ratios hold on a noisy machine, the absolute figures do not.

    .venv/bin/python bench/pages.py [--threads 2000] [--posts 40000] [--seconds 5] [--clients 4]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from forum import create_app, markup  # noqa: E402
from forum.cli import init_database  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Board, Post, Thread, User  # noqa: E402
from forum.models._time import utcnow  # noqa: E402
from tests.live import live_server  # noqa: E402

BODY = (
    "We ventilate the **wet well** for ten minutes, then test oxygen, LEL and H2S at three "
    "levels. The attendant stays outside with the tripod and winch. Is CO needed as well?"
)


def seed(database_url: str, threads: int, posts: int) -> tuple[str, int]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        init_database()
        boards = db.session.scalars(select(Board)).all()
        users = [
            {"username": f"member{i}", "username_key": f"member{i}", "email": f"m{i}@example.org",
             "password_hash": "!", "is_admin": False, "session_version": 1, "created_at": utcnow()}
            for i in range(200)
        ]  # fmt: skip
        db.session.execute(insert(User), users)
        user_ids = db.session.scalars(select(User.id)).all()
        html = markup.render(BODY)
        per_thread = max(1, posts // threads)
        now = utcnow()
        thread_rows = [
            {"board_id": boards[i % len(boards)].id, "author_id": user_ids[i % len(user_ids)],
             "kind": "question", "title": f"Confined space entry question number {i}",
             "created_at": now, "last_activity_at": now, "reply_count": per_thread - 1,
             "last_poster_id": user_ids[(i + 1) % len(user_ids)], "is_pinned": False,
             "is_locked": False}
            for i in range(threads)
        ]  # fmt: skip
        db.session.execute(insert(Thread), thread_rows)
        thread_ids = db.session.scalars(select(Thread.id).order_by(Thread.id)).all()
        post_rows = [
            {"thread_id": thread_id, "author_id": user_ids[(n + k) % len(user_ids)],
             "is_opening": k == 0, "body_source": BODY, "body_html": html, "created_at": now}
            for n, thread_id in enumerate(thread_ids)
            for k in range(per_thread)
        ]  # fmt: skip
        db.session.execute(insert(Post), post_rows)
        db.session.commit()
        busiest = boards[0]
        board_path = f"/n/{busiest.network.slug}/{busiest.theme.slug}"
        db.engine.dispose()
    return board_path, thread_ids[0]


def load(base: str, path: str, seconds: float, clients: int) -> tuple[float, float, float]:
    """Requests per second, p50 and p95 latency (ms) with keep-alive clients."""
    parts = urlsplit(base)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                with lock:
                    errors += 1
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    if errors:
        raise SystemExit(f"{errors} non-200 answers from {path}")
    quantiles = statistics.quantiles(latencies, n=20)
    return len(latencies) / elapsed, statistics.median(latencies), quantiles[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=40000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.monotonic()
        board_path, thread_id = seed(url, args.threads, args.posts)
        took = time.monotonic() - started
        print(f"seeded {args.threads} threads / {args.posts} posts in {took:.1f} s")
        pages = {
            "trivial (/healthz)": "/healthz",
            "home": "/",
            "board": board_path,
            "board, page 2": board_path + "?page=2",
            "thread": f"/threads/{thread_id}",
        }
        with live_server(url, Path(folder) / "serve.log") as base:
            for path in pages.values():  # warm caches and connections
                load(base, path, 0.5, 1)
            results = {
                name: load(base, path, args.seconds, args.clients) for name, path in pages.items()
            }

    baseline = results["trivial (/healthz)"][0]
    print(
        f"\n{args.clients} keep-alive clients, {args.seconds:.0f} s per page, one gunicorn process"
    )
    print(f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'vs trivial':>12}")
    for name, (rps, p50, p95) in results.items():
        print(f"{name:<22}{rps:>9.0f}{p50:>9.1f}{p95:>9.1f}{rps / baseline:>11.0%}")


if __name__ == "__main__":
    main()
