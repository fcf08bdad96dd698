"""One account flooding its sockets does not take the forum down (a real `forum serve`).

Pages are timed quietly, then again while one member's sockets send Socket.IO frames as fast
as a client can (tests/socket_flood.py, in its own process) and try to open more sockets than
allowed: pages stay within twice their quiet p95, the flooding sockets are cut, the extra
sockets are refused and the server's thread count stays bounded.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio
import websocket

from forum.config import DEFAULTS
from forum.realtime import FLOOD, PER_SOCKET
from tests.live import (
    close_socket,
    connect_socket,
    register_over_http,
    reply_over_http,
    start_server,
    start_thread_over_http,
    stop_server,
    thread_id_in,
)

pytestmark = [pytest.mark.live, pytest.mark.serial]

FLOOD_SCRIPT = Path(__file__).with_name("socket_flood.py")
SERVER_THREADS = 16
CAP = DEFAULTS["SOCKETS_PER_MEMBER"]  # the default an operator gets
FLOODING_SOCKETS = 4
IDLE_CONNECTIONS = 2  # of the CAP: handshakes that never connect a socket hold a place too
EXTRA_SOCKETS = 3  # tried while the member already holds CAP
SAMPLES = 240  # page timings per phase: p95 is then the 12th slowest
MIN_FLOOD_SECONDS = 10  # the flood lasts at least this long, however fast the pages are
MAX_FLOOD_SECONDS = 90  # and at most this long, however slow
PAGE_TIMEOUT = 30
# On a loaded 2-core machine the server, the flooding process and this test share the
# cores: a page of 10 ms quietly can take 25 ms from scheduling alone. 50 ms more than quiet
# is well below what a reader notices, and far from the minutes a flood used to cost.
FLOOR_SECONDS = 0.050


def p95(samples: list[float]) -> float:
    return sorted(samples)[math.ceil(0.95 * len(samples)) - 1]


def worker_pid(master_pid: int) -> int:
    """The gunicorn worker serving the requests: the `forum serve` process's only child."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master_pid:
                return int(stat.parent.name)
        time.sleep(0.1)
    raise AssertionError("no gunicorn worker found")


def thread_count(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^Threads:\s+(\d+)", status, re.M)[1])


class ThreadWatch(threading.Thread):
    """The most threads the server had at once, read every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.most, self.stopping = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.02):
            self.most = max(self.most, thread_count(self.pid))


def timed_pages(pages: list[tuple[requests.Session, str]], enough: object) -> list[float]:
    """Fetch the pages in turn until enough() says so; every page must answer 200."""
    samples: list[float] = []
    while not enough(samples):
        session, url = pages[len(samples) % len(pages)]
        started = time.perf_counter()
        try:
            status = session.get(url, timeout=PAGE_TIMEOUT).status_code
        except requests.RequestException:
            status = None
        samples.append(time.perf_counter() - started)
        if status != 200:
            samples[-1] = max(samples[-1], PAGE_TIMEOUT)  # an error counts as a timeout
    return samples


def cookie_of(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def try_socket(server: str, cookie: str) -> socketio.Client | None:
    try:
        return connect_socket(server, {"Cookie": cookie})
    except socketio.exceptions.ConnectionError:
        return None


def open_connection(server: str, cookie: str) -> websocket.WebSocket | None:
    """An Engine.IO connection on which no socket ever connects: its handshake only."""
    address = server.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    try:
        connection = websocket.create_connection(address, header=[f"Cookie: {cookie}"])
    except websocket.WebSocketBadStatusException:
        return None
    connection.recv()  # Engine.IO's open packet
    return connection


def test_a_members_socket_flood_leaves_pages_answering(scratch: str, tmp_path: Path) -> None:
    process, server = start_server(scratch, tmp_path / "serve.log", threads=SERVER_THREADS)
    sockets: list[socketio.Client] = []
    visitor = requests.Session()
    try:
        flooder = register_over_http(server, "flooder")
        replier = register_over_http(server, "replier")
        reader = register_over_http(server, "reader")
        thread_id = thread_id_in(start_thread_over_http(server, flooder, "Flood target"))
        assert reply_over_http(server, replier, thread_id, "Something to be told").ok
        inbox = flooder.get(server + "/notifications", timeout=30).text
        notification_id = int(re.search(r"/notifications/(\d+)/open", inbox)[1])
        thread_page = f"{server}/threads/{thread_id}"
        pages = [(visitor, server + "/"), (visitor, thread_page)]
        pages += [(reader, server + "/"), (reader, thread_page)]
        timed_pages(pages, lambda samples: len(samples) >= 20)  # warm up
        quiet = timed_pages(pages, lambda samples: len(samples) >= SAMPLES)

        # at most CAP connections, with a socket or not: the extra ones are refused
        cookie = cookie_of(flooder)
        idle = [open_connection(server, cookie) for _ in range(IDLE_CONNECTIONS)]
        for _ in range(CAP - IDLE_CONNECTIONS):
            sockets.append(try_socket(server, cookie))
        extra = [try_socket(server, cookie) for _ in range(EXTRA_SOCKETS)]
        accepted = sum(each is not None for each in [*idle, *sockets])
        extra_accepted = sum(client is not None for client in extra)
        room = FLOODING_SOCKETS - IDLE_CONNECTIONS  # for the flooders
        for connection in idle:
            if connection is not None:
                connection.close()
        for client in [*sockets[:room], *extra]:
            if client is not None:
                close_socket(client)
        quiet_sockets = [client for client in sockets[room:] if client is not None]

        worker = worker_pid(process.pid)
        threads_before = thread_count(worker)
        watch = ThreadWatch(worker)
        watch.start()
        flood = subprocess.Popen(
            [sys.executable, str(FLOOD_SCRIPT), server, cookie]
            + [str(notification_id), str(FLOODING_SOCKETS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert flood.stdout.readline().strip() == "flooding"
        flood_started = time.monotonic()

        def flood_long_enough(samples: list[float]) -> bool:
            lasted = time.monotonic() - flood_started
            return lasted > MAX_FLOOD_SECONDS or (
                len(samples) >= SAMPLES and lasted > MIN_FLOOD_SECONDS
            )

        loud = timed_pages(pages, flood_long_enough)
        flood_lasted = time.monotonic() - flood_started
        flood.stdin.close()
        counts = json.loads(flood.stdout.readline() or "{}")
        flood.stdout.close()
        flood.wait(timeout=60)
        watch.stopping.set()
        watch.join()
        quiet_sockets_kept = sum(client.connected for client in quiet_sockets)
    finally:
        for client in sockets:
            if client is not None:
                close_socket(client)
        visitor.close()
        stop_server(process)

    figures = (
        f"quiet p95 {p95(quiet) * 1000:.0f} ms (n={len(quiet)}), "
        f"flood p95 {p95(loud) * 1000:.0f} ms (n={len(loud)}, max {max(loud) * 1000:.0f} ms) "
        f"over {flood_lasted:.1f} s; flood {dict(counts)}; "
        f"sockets accepted {accepted}/{CAP}, extra accepted {extra_accepted}/{EXTRA_SOCKETS}; "
        f"quiet sockets kept {quiet_sockets_kept}/{len(quiet_sockets)}; "
        f"server threads {threads_before} before, at most {watch.most} during the flood"
    )
    sys.stdout.write(figures + "\n")  # seen with -s or -rP: the figures the issue asks for
    # a flood did happen: each socket let in sent enough to be cut
    assert counts.get("connections", 0) >= 1, figures
    assert counts["frames sent"] >= counts["connections"] * (PER_SOCKET.burst + FLOOD), figures
    assert p95(loud) <= max(2 * p95(quiet), p95(quiet) + FLOOR_SECONDS), figures
    # every flooding socket let in was cut (a member paying off a flood is let in no more)
    assert counts.get("closed by the server", 0) == counts["connections"], figures
    assert accepted == CAP, figures
    assert extra_accepted == 0, figures
    assert quiet_sockets_kept == len(quiet_sockets), figures  # only the flooders are cut
    # a gunicorn thread, a reader and a writer per socket, a few more for the flooders
    # reconnecting and for the server's own work
    assert watch.most <= SERVER_THREADS + 3 * CAP + 3 * FLOODING_SOCKETS + 8, figures
