"""`forum serve` and `forum init-db` as an operator runs them on one machine."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from forum.models import Board, Network, Theme
from tests.live import FORUM, live_server

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("production")
    home = folder / "home"
    home.mkdir()
    database = f"sqlite:///{folder / 'forum.db'}"
    # two servers on one machine, as an operator scaling out would start them
    with (
        live_server(database, folder / "serve.log", HOME=str(home)),
        live_server(database, folder / "serve2.log", HOME=str(home)) as url,
    ):
        yield url, home


def _raw(url: str, request: bytes) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"b" * 9000 + b"\r\n\r\n", b"431"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 200 + b"\r\n", b"431"),
        (b"GET /<script> HTTP/9.9\r\n\r\n", b"400"),
    ],
    ids=["huge URL", "huge header", "too many headers", "malformed"],
)
def test_the_servers_own_refusals_carry_the_security_headers(
    served: tuple[str, Path], request_bytes: bytes, status: bytes
) -> None:
    answer = _raw(served[0], request_bytes)
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.split()[1] == status.decode()
    assert "Content-Security-Policy: default-src 'self'" in head
    assert "X-Content-Type-Options: nosniff" in head
    assert "X-Frame-Options: DENY" in head


def test_two_servers_on_one_machine_share_no_control_socket(served: tuple[str, Path]) -> None:
    _url, home = served
    assert not (home / ".gunicorn").exists()


def test_without_a_proxy_a_forged_scheme_changes_no_link(served: tuple[str, Path]) -> None:
    url, _home = served
    feed = requests.get(
        url + "/themes/fire-safety/feed.atom",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
        timeout=10,
    )
    assert 'href="http://127.0.0.1' in feed.text
    assert "https://" not in feed.text


def test_a_proxy_counted_in_proxy_hops_gives_https_links(tmp_path: Path) -> None:
    with live_server(
        f"sqlite:///{tmp_path / 'forum.db'}", tmp_path / "serve.log", FORUM_PROXY_HOPS="1"
    ) as url:
        feed = requests.get(
            url + "/themes/fire-safety/feed.atom",
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"},
            timeout=10,
        )
    assert 'href="https://127.0.0.1' in feed.text


def test_servers_starting_at_once_build_the_schema_once(scratch: str, tmp_path: Path) -> None:
    env = {**os.environ, "FORUM_DATABASE_URL": scratch, "FORUM_SECRET_KEY": "x" * 32}
    env["FORUM_SEARCH_INDEX"] = str(tmp_path / "index")
    starts = [
        subprocess.Popen(
            [str(FORUM), "init-db"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(4)
    ]
    outputs = [start.communicate(timeout=120)[0].decode() for start in starts]
    assert [start.returncode for start in starts] == [0, 0, 0, 0], outputs
    engine = create_engine(scratch.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        counts = {
            model.__name__: connection.scalar(select(func.count()).select_from(model))
            for model in (Theme, Network, Board)
        }
        heads = connection.scalars(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    assert len(heads) == 1
    assert counts["Board"] == counts["Theme"] * counts["Network"] > 0
