"""Fixtures: an app on a fresh database per test, and clients per role.

Tests run on SQLite by default and on PostgreSQL when FORUM_TEST_DATABASE_URL is set.
CSRF stays on: clients fetch a real token from a page, as a browser does.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, select

from forum import create_app, page_cache, realtime
from forum.attachments import storage
from forum.cli import init_database
from forum.extensions import db, limiter, socketio
from forum.seed import seed_reference_data
from tests.databases import uploads_for_tests
from tests.mail_server import MailServer

# the search suites' fixtures (search_backend: each test on both backends; forum: an empty index)
pytest_plugins = ["tests.search_helpers"]

PASSWORD = "correct horse battery"
# Tests play many people from one address on their first day: the limits that would stop
# them are tested on their own (test_limits.py) with the production defaults.
GENEROUS_LIMITS = {
    "REGISTER_RATE_LIMIT": "1000 per hour",
    "NEW_ACCOUNT_THREAD_LIMIT": "1000 per day",
    "NEW_ACCOUNT_REPLY_LIMIT": "1000 per day",
}
SCRATCH_INDEX = os.path.join(tempfile.gettempdir(), f"forum-test-index-{os.getpid()}")
CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """SQLite in this run's (or xdist worker's) folder; or FORUM_TEST_DATABASE_URL, a
    database of its own for each xdist worker, as the tests empty its tables."""
    given = os.environ.get("FORUM_TEST_DATABASE_URL")
    if not given:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'forum.db'}"
    elif worker_id == "master":
        yield given
    else:
        from tests.databases import worker_database

        with worker_database(given, worker_id) as url:
            yield url
            _close_shared_app()  # its connections, before the database is dropped


def make_config(database_url: str, **overrides: object) -> dict[str, object]:
    return {
        "TESTING": True,
        # never the project's own search_index/; the app fixture gives each test its own
        "SEARCH_INDEX": SCRATCH_INDEX,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secrets.token_hex(16),
        "THREADS_PER_PAGE": 10,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses Werkzeug's default
        "POSTS_PER_PAGE": 10,
        **GENEROUS_LIMITS,
        **overrides,
    }


@pytest.fixture(scope="session")
def _schema(database_url: str) -> None:
    """Build the schema once through the real migrations."""
    app = create_app(make_config(database_url))
    with app.app_context():
        init_database()
        db.engine.dispose()


@pytest.fixture
def scratch(database_url: str, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """A fresh, empty database of the test database's kind, for tests that start servers."""
    from tests.databases import scratch_database
    from tests.live import close_sessions

    with scratch_database(database_url, tmp_path) as url:
        yield url
    close_sessions()


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change the app's configuration."""
    return {}


@dataclass
class _SharedApp:
    """The app a worker's tests share while they ask for the same configuration: building
    one costs more than most tests (its URL rules alone are compiled for 0.1 s)."""

    app: Flask
    key: str
    bound: tuple[object, object]  # what the global extensions were bound to when it was made
    config: dict[str, object]


_shared: _SharedApp | None = None


def _bindings() -> tuple[object, object]:
    """Socket.IO and the rate limiter are global objects bound to the newest app made: an
    app built since (a test's second process) means the shared one must be built again."""
    return socketio.server, limiter._storage


def _app_for(
    database_url: str,
    app_config: dict[str, object],
    tmp_path,  # noqa: ANN001
    own: bool,
) -> Flask:
    global _shared
    key = repr(sorted(app_config.items(), key=lambda item: item[0]))
    if own or _shared is None or _shared.key != key or _shared.bound != _bindings():
        _close_shared_app()
        config = {
            "SEARCH_INDEX": str(tmp_path / "search_index"),
            "MAIL_URL": f"file://{tmp_path / 'mail'}",
            "UPLOADS": uploads_for_tests(tmp_path, database_url),
            **app_config,
        }
        app = create_app(make_config(database_url, **config))
        _shared = None if own else _SharedApp(app, key, _bindings(), dict(app.config))
        return app
    app = _shared.app
    app.config.clear()
    app.config.update(_shared.config)
    # each test its own index and uploads, unless its module chose them; nothing kept or
    # counted by an earlier test
    if "SEARCH_INDEX" not in app_config:
        app.config["SEARCH_INDEX"] = str(tmp_path / "search_index")
    if "UPLOADS" not in app_config:
        app.config["UPLOADS"] = uploads_for_tests(tmp_path, database_url)
    storage.init_app(app)
    app.extensions["forum_search"] = None
    page_cache.init_store(app)
    realtime.init_limits(app)
    limiter.reset()
    return app


def _close_shared_app() -> None:
    global _shared
    if _shared is not None:
        with _shared.app.app_context():
            db.engine.dispose()
        _shared = None


@pytest.fixture
def app(
    _schema: None,
    database_url: str,
    app_config: dict[str, object],
    tmp_path,  # noqa: ANN001
    request: pytest.FixtureRequest,
) -> Iterator[Flask]:
    """The worker's shared app, emptied; a test marked own_app (it changes the app itself,
    say adds a route) gets one of its own."""
    own = request.node.get_closest_marker("own_app") is not None
    app = _app_for(database_url, app_config, tmp_path, own)
    with app.app_context():
        _wipe()
        seed_reference_data()
        db.session.remove()
    yield app
    if (backend := app.extensions.get("forum_search")) is not None:
        backend.close()
        app.extensions["forum_search"] = None
    with app.app_context():
        db.session.remove()
        if own:
            db.engine.dispose()


def _wipe() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


class Person:
    """A test client that fills in forms the way a person in a browser does."""

    def __init__(self, client: FlaskClient, username: str | None = None) -> None:
        self.client = client
        self.username = username

    def csrf_token(self) -> str:
        """The token a page would offer this browser now: signed from the secret in its
        session, as Flask-WTF signs it, made there first if the session has none (a log-in
        replaces it). Asking a page for it cost each post one or two page loads."""
        app = self.client.application
        field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        with self.client.session_transaction() as session:
            secret = session.setdefault(field, secrets.token_hex(20))
        key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        return URLSafeTimedSerializer(key, salt="wtf-csrf-token").dumps(secret)

    def get(self, url: str, **kwargs: object):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs: object):
        return self.client.post(
            url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs
        )

    def register(self, username: str, email: str | None = None, password: str = PASSWORD):
        self.username = username
        return self.post(
            "/auth/register",
            {
                "username": username,
                "email": email or f"{username}@example.org",
                "password": password,
                "confirm": password,
            },
        )

    def login(self, login: str, password: str = PASSWORD, remember: bool = False):
        data = {"login": login, "password": password}
        if remember:
            data["remember"] = "y"
        return self.post("/auth/login", data)

    def start_thread(
        self,
        title: str,
        body: str,
        board: str = "oic-oshnet/confined-spaces",
        kind: str = "question",
    ):
        return self.post(f"/n/{board}/new", {"kind": kind, "title": title, "body": body})

    def reply(self, thread_id: int, body: str):
        return self.post(f"/threads/{thread_id}/reply", {"body": body})


class LimitsClock:
    """The rate limits' clock (the limits library's memory storage and strategies, and what
    forum.limits calls now), moved forward by the test instead of waited for."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def time(self) -> float:
        return time.time() + self.ahead

    def advance(self, seconds: float) -> None:
        self.ahead += seconds

    def set(self, moment: datetime) -> None:
        """Now is this moment (an aware datetime), and the clock runs on from it."""
        self.ahead = moment.timestamp() - time.time()


@pytest.fixture
def limits_clock(monkeypatch: pytest.MonkeyPatch) -> LimitsClock:
    import limits.storage.memory
    import limits.strategies

    import forum.limits

    clock = LimitsClock()
    for module in (limits.storage.memory, limits.strategies, forum.limits):
        monkeypatch.setattr(module, "time", clock)
    return clock


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    """A real SMTP server; a module sends the forum's mail to it with
    `app_config = {"MAIL_URL": smtp.url}` (see tests/test_mail_outbox.py)."""
    server = MailServer()
    server.start()
    yield server
    server.stop()


def confirm_address(app: Flask, username: str) -> None:
    """As if the member had followed their confirmation link."""
    from forum.models import User
    from forum.models._time import utcnow

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        user.email_confirmed_at = utcnow()
        db.session.commit()
        db.session.remove()


def set_user(app: Flask, username: str, **columns: object) -> None:
    """Set a member's columns directly (a locale, a mail choice, a last visit)."""
    from forum.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        for name, value in columns.items():
            setattr(user, name, value)
        db.session.commit()
        db.session.remove()


def user_row(app: Flask, username: str):  # noqa: ANN201
    """A member's row as it is now, detached."""
    from forum.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        db.session.remove()
        return user


@pytest.fixture
def anonymous(app: Flask) -> Person:
    return Person(app.test_client())


def _member(app: Flask, username: str) -> Person:
    person = Person(app.test_client())
    response = person.register(username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return person


def make_person(
    app: Flask, username: str, *, admin: bool = False, moderates: tuple[str, ...] = ()
) -> Person:
    """A logged-in person with an account made directly (admins, moderators), its address
    confirmed as `forum create-user` does."""
    from forum.services import accounts, browsing
    from forum.services.admin import set_moderator

    with app.app_context():
        user = accounts.register(
            username, f"{username}@example.org", PASSWORD, is_admin=admin, confirmed=True
        )
        for slug in moderates:
            set_moderator(None, user, browsing.get_network(slug), moderator=True)
        db.session.remove()
    person = Person(app.test_client(), username)
    assert person.login(username).status_code == 302
    return person


def every_role(app: Flask, visitor: Person, author: Person, member: Person) -> dict[str, Person]:
    """Who may see or do something in OIC-OSHNET, for tests that walk every role."""
    return {
        "anonymous": visitor,
        "member": member,
        "author": author,
        "moderator_elsewhere": make_person(app, "ilo.mod", moderates=("ilo-global",)),
        "moderator_here": make_person(app, "oic.mod", moderates=("oic-oshnet",)),
        "admin": make_person(app, "root.admin", admin=True),
    }


def board_id(app: Flask, network: str, theme: str) -> int:
    from forum.models import Board, Network, Theme

    with app.app_context():
        return db.session.scalar(
            select(Board.id)
            .join(Network)
            .join(Theme)
            .where(Network.slug == network, Theme.slug == theme)
        )


@pytest.fixture
def member(app: Flask) -> Person:
    return _member(app, "amina")


@pytest.fixture
def other_member(app: Flask) -> Person:
    return _member(app, "kemal")


def reply_ids(app: Flask, thread_id: int) -> list[int]:
    """A thread's replies (not its opening post), oldest first."""
    from forum.models import Post

    with app.app_context():
        query = select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(False))
        return list(db.session.scalars(query.order_by(Post.id)))


def ids_of(app: Flask, model, *slugs: str) -> list[int]:  # noqa: ANN001
    """Ids of themes or networks by slug."""
    with app.app_context():
        return list(db.session.scalars(select(model.id).where(model.slug.in_(slugs))))


ERROR_PATTERN = re.compile(
    r'<(?:p class="error"[^>]*|div class="form-errors"[^>]*)>(.*?)</(?:p|div)>', re.S
)


def errors_in(response) -> str:  # noqa: ANN001
    """Only the error messages a page shows next to fields or atop its form."""
    html = response.get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", m) for m in ERROR_PATTERN.findall(html)).replace(
        "&#39;", "'"
    )


def thread_id_from(response) -> int:  # noqa: ANN001
    match = re.search(r"/threads/(\d+)", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


@dataclass
class QueryCounter:
    count: int = 0


@contextmanager
def counting_queries(app: Flask, *, kept_pages: bool = False) -> Iterator[QueryCounter]:
    """What a page costs to make: with the page cache off (PAGE_CACHE_MB=0), unless the test
    measures what a kept page costs (kept_pages=True)."""
    if not kept_pages:
        assert "forum_page_cache" not in app.extensions, "count queries with PAGE_CACHE_MB=0"
    counter = QueryCounter()
    with app.app_context():
        engine = db.engine

    def count(_connection, _cursor, statement: str, *_args: object) -> None:  # noqa: ANN001
        # transaction control (SQLite's explicit BEGIN) is not a query
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT")):
            counter.count += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def readable(text: str) -> str:
    """Text as a reader sees it: without the invisible marks that isolate members' words
    (forum.languages.isolate) inside sentences."""
    return text.replace("\u2068", "").replace("\u2069", "")


@pytest.fixture(autouse=True)
def _close_http_sessions() -> Iterator[None]:
    """HTTP sessions that tests/live.py's helpers opened end with their test."""
    yield
    from tests.live import close_sessions

    close_sessions()
