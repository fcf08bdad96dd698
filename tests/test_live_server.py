"""`forum serve` as an operator runs it: schema, seed and pages over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live import (
    close_socket,
    connect_socket,
    live_server,
    register_over_http,
    start_thread_over_http,
)

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("live")
    with live_server(f"sqlite:///{folder / 'live.db'}", folder / "serve.log") as url:
        yield url


def test_serve_creates_and_seeds_the_database(server: str) -> None:
    home = requests.get(server + "/", timeout=10)
    assert home.status_code == 200
    assert "OIC Occupational Safety and Health Network" in home.text
    assert requests.get(server + "/n/ilo-global/fire-safety", timeout=10).status_code == 200


def test_static_assets_are_served_locally(server: str) -> None:
    home = requests.get(server + "/", timeout=10).text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', home)
    assert assets
    for asset in assets:
        assert requests.get(server + asset, timeout=10).status_code == 200
    assert not re.search(r'(?:href|src)="(?:https?:)?//', home)  # no CDN


def test_a_member_posts_over_real_http(server: str) -> None:
    session = register_over_http(server, "live.member")
    response = start_thread_over_http(
        server, session, "Dust", board="oic-oshnet/mining", body="How?"
    )
    assert response.status_code == 200
    assert re.search(r"/threads/\d+", response.url)
    assert "How?" in response.text


def test_socketio_accepts_members_and_refuses_anonymous_connections(server: str) -> None:
    import socketio

    with pytest.raises(socketio.exceptions.ConnectionError):
        connect_socket(server)

    session = register_over_http(server, "socket.member")
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    member = connect_socket(server, {"Cookie": cookie})
    assert member.connected
    close_socket(member)


def test_server_log_has_no_errors(server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    logs = list(Path(tmp_path_factory.getbasetemp()).glob("live*/serve.log"))
    assert logs
    assert "Traceback" not in logs[0].read_text()
