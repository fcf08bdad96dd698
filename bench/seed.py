"""A large, realistic forum written straight into the database for benchmarks.

10 networks x 12 themes, 20,000 threads, 200,000 posts, 5,000 members (verified experts among
them), helpful votes, accepted answers and notifications. Rows go in with bulk inserts and
explicit ids; Markdown is rendered once per distinct body, as the forum stores it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from forum import create_app, markup, usernames
from forum.cli import init_database
from forum.extensions import db
from forum.models import (
    AcceptedAnswer,
    Board,
    ExpertiseClaim,
    ExpertVerification,
    Network,
    Notification,
    Post,
    Theme,
    Thread,
    User,
    Vote,
)
from forum.models._time import utcnow

PASSWORD = "bench password"  # noqa: S105 (seeded accounts on a scratch database)
BATCH = 10_000
COUNTRIES = ["MY", "FR", "SN", "CL", "MA", "ID", "TR", "EG"]
VOCABULARY = """
ventilation oxygen permit harness scaffold extinguisher evacuation solvent respirator lockout
isolation dust noise vibration ergonomics stress training audit inspection hazard risk control
substitution guard ladder trench crane silo sewer tank welding asbestos silica pesticide heat
fatigue shift contractor supervisor emergency rescue
"""
WORDS = VOCABULARY.split()
OPENINGS = [
    "How do you organise {a} and {b} on small sites?",
    "Our procedure for **{a}** fails when {b} changes. What works for you?",
    "Good practice: we replaced {a} with {b} and incidents fell by a third.",
    "Is {a} required before {b}, or only recommended?",
]
REPLIES = [
    "We check {a} first, then {b}, and record both on the permit.",
    "Yes. The national guidance treats {a} as part of {b}; see the annex.",
    "- {a} every shift\n- {b} every month\n- review after any incident",
    "In our plant the supervisor signs for {a}; the attendant keeps {b} at the entry.",
]


@dataclass
class Seeded:
    member: str  # a member with notifications, to log in as
    board: str  # the busiest board's path
    board_pages: int
    theme: str
    thread_id: int  # the longest thread
    thread_pages: int
    profile: str
    network: str
    threads: int  # numbered from 1
    boards: tuple[str, ...]  # paths; thread t (but the long first) is in boards[t % len]

    def board_of(self, thread_id: int) -> str:
        return self.boards[0 if thread_id == 1 else thread_id % len(self.boards)]


def seed(
    database_url: str,
    *,
    networks: int = 10,
    threads: int = 20_000,
    posts: int = 200_000,
    members: int = 5_000,
    seed_value: int = 8,
) -> Seeded:
    rng = random.Random(seed_value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        init_database()
        boards = _networks_and_boards(networks)
        now = utcnow()
        password = generate_password_hash(PASSWORD)
        _bulk(User, [
            {"id": i, "username": f"member{i}", "username_key": f"member{i}",
             "username_skeleton": usernames.skeleton(f"member{i}"),
             "email": f"member{i}@example.org", "password_hash": password,
             "created_at": now - timedelta(days=400), "display_name": f"Member {i}",
             "institution": f"Institute {i % 300}", "country": COUNTRIES[i % len(COUNTRIES)]}
            for i in range(1, members + 1)
        ])  # fmt: skip
        themes = db.session.scalars(select(Theme.id)).all()
        network_ids = db.session.scalars(select(Network.id)).all()
        experts = range(1, members // 15 + 1)
        _bulk(
            ExpertiseClaim, [{"user_id": u, "theme_id": themes[u % len(themes)]} for u in experts]
        )
        _bulk(ExpertVerification, [
            {"user_id": u, "theme_id": themes[u % len(themes)],
             "network_id": network_ids[u % len(network_ids)], "note": "bench"}
            for u in experts
        ])  # fmt: skip

        bodies = [markup.render(_text(rng, t)) for t in OPENINGS + REPLIES for _ in range(5)]
        sources = [markup.html_to_text(html) for html in bodies]
        # one long thread for the last-page figure, the rest even
        long_thread = 400
        # the rest even, the remainder one more each in the first threads: `posts` in all
        per_thread, remainder = divmod(posts - long_thread, threads - 1)
        thread_rows, post_rows, votes, accepted = [], [], [], []
        post_id = 0
        for thread_id in range(1, threads + 1):
            count = long_thread if thread_id == 1 else per_thread + (thread_id - 2 < remainder)
            started = now - timedelta(minutes=5 * (threads - thread_id) + 60)
            board = boards[0] if thread_id == 1 else boards[thread_id % len(boards)]
            kind = ["question", "question", "good_practice", "discussion"][thread_id % 4]
            answered = kind == "question" and thread_id % 3 == 0
            first = post_id + 1
            for k in range(count):
                post_id += 1
                body = rng.randrange(len(bodies))
                voters = 2 if k and post_id % 5 == 0 else 0
                post_rows.append({
                    "id": post_id, "thread_id": thread_id,
                    "author_id": 1 + (thread_id * 7 + k * 13) % members,
                    "is_opening": k == 0, "body_source": sources[body], "body_html": bodies[body],
                    "language": "en", "created_at": started + timedelta(seconds=20 * k),
                    "vote_count": voters,
                })  # fmt: skip
                votes += [{"post_id": post_id, "user_id": 1 + (post_id + v * 97) % members}
                          for v in range(voters)]  # fmt: skip
            if answered and count > 1:
                accepted.append({"thread_id": thread_id, "post_id": first + 1,
                                 "accepted_by_id": post_rows[-count]["author_id"]})  # fmt: skip
            thread_rows.append({
                "id": thread_id, "board_id": board, "author_id": post_rows[-count]["author_id"],
                "kind": kind, "title": _title(rng, thread_id), "created_at": started,
                "reply_count": count - 1, "last_activity_at": post_rows[-1]["created_at"],
                "last_poster_id": post_rows[-1]["author_id"], "is_answered": answered,
            })  # fmt: skip
        _bulk(Thread, thread_rows)
        _bulk(Post, post_rows)
        _bulk(Vote, votes)
        _bulk(AcceptedAnswer, accepted)
        _advance_sequences(User, Thread, Post)
        _bulk(Notification, [
            {"recipient_id": 1 + n % 50, "kind": "reply_to_my_thread", "actor_id": 2 + n % 40,
             "thread_id": 1 + n % threads, "post_id": 1 + n * 9 % post_id,
             "created_at": now - timedelta(minutes=n), "read_at": now if n % 3 else None}
            for n in range(25_000)
        ])  # fmt: skip
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # what autovacuum does for a forum that grew over time: this one was loaded at once
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        busiest = db.session.get(Board, boards[0])
        seeded = Seeded(
            member="member1",
            board=_board_path(busiest),
            board_pages=-(
                -sum(1 for t in thread_rows if t["board_id"] == boards[0])
                // app.config["THREADS_PER_PAGE"]
            ),  # fmt: skip
            theme=f"/themes/{busiest.theme.slug}",
            thread_id=1,
            thread_pages=-(-long_thread // app.config["POSTS_PER_PAGE"]),
            profile=f"/u/member{1 + 7 % members}",
            network=f"/n/{busiest.network.slug}",
            threads=threads,
            boards=tuple(_board_path(db.session.get(Board, board)) for board in boards),
        )
        db.engine.dispose()
    return seeded


def _board_path(board: Board) -> str:
    return f"/n/{board.network.slug}/{board.theme.slug}"


def _networks_and_boards(count: int) -> list[int]:
    existing = db.session.scalar(select(func.count(Network.id))) or 0
    themes = db.session.scalars(select(Theme.id).order_by(Theme.position)).all()
    for n in range(existing, count):
        network = Network(slug=f"bench-net-{n}", short_name=f"NET-{n}", name=f"Network {n}",
                          position=n)  # fmt: skip
        db.session.add(network)
        db.session.flush()
        db.session.add_all(
            Board(network_id=network.id, theme_id=theme, position=p)
            for p, theme in enumerate(themes)
        )
    db.session.commit()
    return db.session.scalars(select(Board.id).order_by(Board.id)).all()


def _text(rng: random.Random, template: str) -> str:
    a, b = rng.sample(WORDS, 2)
    return template.format(a=a, b=b) + "\n\n" + " ".join(rng.choices(WORDS, k=60)) + "."


def _title(rng: random.Random, number: int) -> str:
    a, b, c = rng.sample(WORDS, 3)
    return f"{a.capitalize()} and {b} during {c} work ({number})"


def _advance_sequences(*models: type) -> None:
    """Explicit ids leave PostgreSQL's sequences behind: the forum's own inserts come next."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__table__
        highest = db.session.scalar(select(func.max(table.c.id)))
        sequence = db.session.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
        db.session.execute(select(func.setval(sequence, highest)))


def _bulk(model: type, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])
