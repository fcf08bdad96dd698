"""What an operator relies on in production: the proxy in front, the headers, the files."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum import create_app
from forum.cli import init_database
from forum.config import build_config
from forum.extensions import db
from tests.conftest import Person, make_config

LOG_IN = {"login": "nobody-here", "password": "wrong password"}


@pytest.fixture
def make_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Apps of other settings on the test database (which the app fixture made ready)."""
    made: list[Flask] = []

    def make(**overrides: object) -> Flask:
        config = {"SEARCH_INDEX": str(tmp_path / "index"), "LOGIN_RATE_LIMIT": "3 per minute"}
        made.append(create_app(make_config(database_url, **{**config, **overrides})))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()


def _log_in(client: FlaskClient, address: str) -> int:
    token = Person(client).csrf_token()
    response = client.post(
        "/auth/login",
        data={**LOG_IN, "csrf_token": token},
        headers={"X-Forwarded-For": address},
    )
    return response.status_code


def test_behind_a_proxy_each_client_has_its_own_log_in_limit(make_app: Callable) -> None:
    proxied = make_app(PROXY_HOPS=1)
    first, second = proxied.test_client(), proxied.test_client()
    statuses = [_log_in(first, "203.0.113.7") for _ in range(4)]
    assert statuses == [422, 422, 422, 429]  # this client's limit is spent...
    assert _log_in(second, "198.51.100.9") == 422  # ...not the next one's: a wrong password


def test_without_a_proxy_forged_addresses_change_nothing(make_app: Callable) -> None:
    direct = make_app()  # FORUM_PROXY_HOPS unset: 0
    client = direct.test_client()
    statuses = [_log_in(client, f"203.0.113.{n}") for n in range(4)]
    assert statuses == [
        422,
        422,
        422,
        429,
    ]  # a new forged address each time does not reset the count


def test_links_are_https_when_the_proxy_says_so(make_app: Callable) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    proxied = make_app(PROXY_HOPS=1).test_client()
    direct = make_app().test_client()
    feed = "/themes/confined-spaces/feed.atom"
    assert 'href="https://localhost/' in proxied.get(feed, headers=headers).get_data(as_text=True)
    assert 'href="http://localhost/' in direct.get(feed, headers=headers).get_data(as_text=True)


def test_proxy_hops_must_be_a_small_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORUM_PROXY_HOPS", "one")
    with pytest.raises(ValueError, match="FORUM_PROXY_HOPS"):
        build_config(str(tmp_path))
    monkeypatch.setenv("FORUM_PROXY_HOPS", "2")
    assert build_config(str(tmp_path))["PROXY_HOPS"] == 2


def test_members_pages_are_never_stored_by_browsers_or_proxies(
    member: Person, anonymous: Person
) -> None:
    assert member.get("/").headers["Cache-Control"] == "private, no-store"
    assert "no-store" not in anonymous.get("/").headers.get("Cache-Control", "")
    with member.get("/static/css/forum.css") as stylesheet:
        assert "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_strict_transport_security_comes_with_secure_cookies(make_app: Callable) -> None:
    secure = make_app(SECURE_COOKIES=True).test_client()
    plain = make_app().test_client()
    assert secure.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain.get("/").headers


def test_a_new_sqlite_database_is_readable_by_its_owner_alone(tmp_path: Path) -> None:
    app = create_app(make_config(f"sqlite:///{tmp_path / 'forum.db'}"))
    with app.app_context():
        init_database()
        db.engine.dispose()
    for name in ("forum.db", "forum.db-wal", "forum.db-shm", "forum.db.schema-lock"):
        if (tmp_path / name).exists():
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert (tmp_path / "forum.db").exists()
