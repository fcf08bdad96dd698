"""A real `forum serve` process on a free loopback port, for live-server and browser tests."""

from __future__ import annotations

import gc
import os
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

FORUM = Path(sys.executable).parent / "forum"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(
    database_url: str, log_path: Path, *, threads: int = 16, **environment: str
) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": secrets.token_hex(16),
        **environment,
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(FORUM), "serve", "--port", str(port), "--threads", str(threads)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, log_path)
            yield url
        finally:
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
