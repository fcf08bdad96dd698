"""Live notification latency and fan-out, measured against the real server.

1. p50/p95 from a reply's HTTP response to its notification reaching a connected
   python-socketio client (the thread's author);
2. one new question in a busy theme: how many of N connected experts have it within 2 s.

    .venv/bin/python bench/notify.py [--replies 100] [--experts 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from forum import create_app  # noqa: E402
from forum.cli import init_database  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import ExpertiseClaim, Network, NetworkMembership, Theme, User  # noqa: E402
from forum.models._time import utcnow  # noqa: E402
from tests.live import (  # noqa: E402
    HTTP_PASSWORD,
    close_sessions,
    close_socket,
    connect_socket,
    csrf_token,
    live_server,
    log_in_over_http,
    start_thread_over_http,
    thread_id_in,
)


def seed_experts(database_url: str, count: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        init_database()
        password_hash = generate_password_hash(
            HTTP_PASSWORD
        )  # one hash for all: seeding stays fast
        names = [f"expert{i:04}" for i in range(count)] + ["asker", "replier"]
        db.session.execute(
            insert(User),
            [
                {
                    "username": n,
                    "username_key": n,
                    "email": f"{n}@example.org",
                    "password_hash": password_hash,
                    "is_admin": False,
                    "session_version": 1,
                    "created_at": utcnow(),
                }
                for n in names
            ],
        )
        theme = db.session.scalar(select(Theme.id).where(Theme.slug == "confined-spaces"))
        network = db.session.scalar(select(Network.id).where(Network.slug == "oic-oshnet"))
        experts = db.session.scalars(select(User.id).where(User.username.like("expert%"))).all()
        db.session.execute(
            insert(ExpertiseClaim), [{"user_id": u, "theme_id": theme} for u in experts]
        )
        db.session.execute(
            insert(NetworkMembership), [{"user_id": u, "network_id": network} for u in experts]
        )
        db.session.commit()
        db.engine.dispose()


def listen(server: str, session: requests.Session, arrived: dict, key: str):  # noqa: ANN201
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    client = connect_socket(server, {"Cookie": cookie})
    client.on(
        "notification",
        lambda payload: arrived.setdefault(key, []).append((time.perf_counter(), payload)),
    )
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=100)
    parser.add_argument("--experts", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        seed_experts(url, args.experts)
        # every open socket holds one of the server's threads
        # one address logs in every expert: lift the log-in limit for this run only
        limits = {"FORUM_LOGIN_RATE_LIMIT": "10000 per minute"}
        with live_server(
            url, Path(folder) / "serve.log", threads=args.experts + 50, **limits
        ) as server:
            asker, replier = log_in_over_http(server, "asker"), log_in_over_http(server, "replier")
            thread = thread_id_in(
                start_thread_over_http(server, asker, "Latency", kind="discussion")
            )

            arrived: dict = {}
            client = listen(server, asker, arrived, "asker")
            latencies, from_send = [], []
            page = f"{server}/threads/{thread}"
            for number in range(args.replies):
                before = len(arrived.get("asker", []))
                data = {"csrf_token": csrf_token(replier, page), "body": f"reply {number}"}
                sent = time.perf_counter()
                response = replier.post(
                    page + "/reply", data=data, timeout=30, allow_redirects=False
                )
                answered = time.perf_counter()
                assert response.status_code == 302, response.status_code
                deadline = answered + 5
                while len(arrived.get("asker", [])) <= before and time.perf_counter() < deadline:
                    time.sleep(0.0005)
                if len(arrived.get("asker", [])) > before:
                    latencies.append((arrived["asker"][before][0] - answered) * 1000)
                    from_send.append((arrived["asker"][before][0] - sent) * 1000)
            close_socket(client)

            print(f"reply -> notification at the author's socket ({args.replies} replies)")
            print(f"  delivered {len(latencies)}/{args.replies}")
            for label, values in (
                ("after the reply's response", latencies),
                ("from sending the reply", from_send),
            ):
                p95 = statistics.quantiles(values, n=20)[18]
                print(f"  {label}: p50 {statistics.median(values):.1f} ms, p95 {p95:.1f} ms")
            print("  (negative: delivery runs after the commit, before the response is sent)")

            sessions = [log_in_over_http(server, f"expert{i:04}") for i in range(args.experts)]
            fan: dict = {}
            clients = [listen(server, s, fan, f"e{i}") for i, s in enumerate(sessions)]
            time.sleep(1)
            started = time.perf_counter()
            start_thread_over_http(server, replier, "Busy theme question")
            sent = time.perf_counter()
            time.sleep(2.5)
            within = [key for key, got in fan.items() if got and got[0][0] - sent <= 2.0]
            print(f"new question -> {args.experts} connected experts")
            share = 100 * len(within) / args.experts
            print(f"  posting took {(sent - started) * 1000:.0f} ms; ", end="")
            print(f"delivered within 2 s: {len(within)}/{args.experts} ({share:.1f}%)")
            for client in clients:
                close_socket(client)
            close_sessions()


if __name__ == "__main__":
    main()
