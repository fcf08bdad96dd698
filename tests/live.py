"""A real `forum serve` process on a free loopback port, for live-server and browser tests."""

from __future__ import annotations

import gc
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.databases import uploads_for_tests

FORUM = Path(sys.executable).parent / "forum"


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(
    database_url: str, log_path: Path, *, threads: int = 16, **environment: str
) -> Iterator[str]:
    process, url = start_server(database_url, log_path, threads=threads, **environment)
    try:
        yield url
    finally:
        stop_server(process)


def start_server(
    database_url: str, log_path: Path, *, threads: int = 16, **environment: str
) -> tuple[subprocess.Popen, str]:
    """A `forum serve` process answering on a free port (the log appends across restarts)."""
    port = free_port()
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": secrets.token_hex(16),
        # servers of one database share one index, as in production
        "FORUM_SEARCH_INDEX": str(log_path.parent / "search_index"),
        # mail as .eml files beside the log, never in the project's instance folder
        "FORUM_MAIL_URL": f"file://{log_path.parent / 'mail'}",
        "FORUM_UPLOADS": uploads_for_tests(log_path.parent, database_url),
        # many people from one address on their first day (see tests/conftest.py)
        "FORUM_REGISTER_RATE_LIMIT": "1000 per hour",
        "FORUM_NEW_ACCOUNT_THREAD_LIMIT": "1000 per day",
        "FORUM_NEW_ACCOUNT_REPLY_LIMIT": "1000 per day",
        **environment,
    }
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [str(FORUM), "serve", "--port", str(port), "--threads", str(threads)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a crash test kills it whole
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log_path)
    except BaseException:
        stop_server(process)
        raise
    return process, url


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"forum serve exited:\n{log_path.read_text()}")
        try:
            if requests.get(url + "/", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"forum serve did not answer in time:\n{log_path.read_text()}")


def connect_socket(url: str, headers: dict[str, str] | None = None):  # noqa: ANN201
    """A python-socketio client on the WebSocket transport (HTTP session closed if refused)."""
    import socketio

    client = socketio.Client(reconnection=False)
    refused = None
    try:
        client.connect(url, transports=["websocket"], headers=headers or {}, wait_timeout=10)
    except socketio.exceptions.ConnectionError as error:
        refused = str(error)
        if client.eio.http is not None:
            client.eio.http.close()
    if refused is not None:
        # websocket-client leaves the raw socket of a refused handshake open. Once the
        # exception (and the frames it holds) is gone, collect it here, where we know why,
        # instead of letting it warn inside some later test.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        raise socketio.exceptions.ConnectionError(refused)
    # engineio forgets its websocket, unclosed, when the server drops it: keep hold of it
    client.forum_websocket = client.eio.ws
    return client


def close_socket(client) -> None:  # noqa: ANN001
    """Disconnect, and close the transport even when the server already dropped it."""
    client.disconnect()
    websocket = getattr(client, "forum_websocket", None) or client.eio.ws
    if websocket is not None:
        websocket.close()
        websocket.shutdown()  # close() skips the socket of a connection already dropped
    if client.eio.http is not None:
        client.eio.http.close()


# --- a member over real HTTP (requests), for live tests and benches ----------------------------

HTTP_PASSWORD = "a long password"  # noqa: S105 (test accounts)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_open_sessions: list[requests.Session] = []


def csrf_token(session: requests.Session, url: str) -> str:
    return CSRF.search(session.get(url, timeout=30).text)[1]


def register_over_http(server: str, username: str) -> requests.Session:
    session = _session()
    response = session.post(
        server + "/auth/register",
        timeout=30,
        data={
            "csrf_token": csrf_token(session, server + "/auth/register"),
            "username": username,
            "email": f"{username}@example.org",
            "password": HTTP_PASSWORD,
            "confirm": HTTP_PASSWORD,
        },
    )
    response.raise_for_status()
    assert username in response.text  # logged in
    return session


def log_in_over_http(server: str, username: str, password: str = HTTP_PASSWORD) -> requests.Session:
    session = _session()
    session.post(
        server + "/auth/login",
        timeout=30,
        data={
            "csrf_token": csrf_token(session, server + "/auth/login"),
            "login": username,
            "password": password,
        },
    ).raise_for_status()
    return session


def start_thread_over_http(
    server: str,
    session: requests.Session,
    title: str,
    *,
    board: str = "oic-oshnet/confined-spaces",
    kind: str = "question",
    body: str = "Details",
) -> requests.Response:
    """Post the new-thread form; the response is the new thread's page (see thread_id_in)."""
    url = f"{server}/n/{board}/new"
    data = {"csrf_token": csrf_token(session, url), "kind": kind, "title": title, "body": body}
    return session.post(url, data=data, timeout=30)


def reply_over_http(
    server: str, session: requests.Session, thread_id: int, body: str
) -> requests.Response:
    """Post the reply form; a 302 means the reply was taken."""
    url = f"{server}/threads/{thread_id}"
    data = {"csrf_token": csrf_token(session, url), "body": body}
    return session.post(f"{url}/reply", data=data, allow_redirects=False, timeout=60)


def thread_id_in(response: requests.Response) -> int:
    return int(re.search(r"/threads/(\d+)", response.url)[1])


def close_sessions() -> None:
    """Close every session the helpers above opened (a test's teardown, a bench's end)."""
    while _open_sessions:
        _open_sessions.pop().close()


def _session() -> requests.Session:
    session = requests.Session()
    _open_sessions.append(session)
    return session
