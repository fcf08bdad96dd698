"""The load generator: keep-alive HTTP clients in this process, the server in another.

Each figure is read from outside the server, as a browser would see it; the server's
Server-Timing header (FORUM_SERVER_TIMING=1) adds how many SQL statements each answer cost.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from urllib.parse import urlencode, urlsplit

import requests

from tests.live import CSRF

STATEMENTS = re.compile(r'sql;desc="(\d+)"')


@dataclass
class Figures:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    sql_statements: int  # the most any answer needed
    answers: int

    def as_dict(self) -> dict:
        return asdict(self)


def _figures(latencies: list[float], statements: list[int], elapsed: float) -> Figures:
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Figures(
        requests_per_second=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies),
        p95_ms=cuts[94],
        p99_ms=cuts[98],
        sql_statements=max(statements, default=0),
        answers=len(latencies),
    )


def read(
    base: str, path: str | Callable[[], str], seconds: float, clients: int, cookie: str = ""
) -> Figures:
    """GET path (or the path `path()` names, afresh for each request) with `clients` keep-alive
    connections for `seconds`; any non-200 stops the run."""
    next_path = path if callable(path) else lambda: path
    parts = urlsplit(base)
    latencies: list[float] = []
    statements: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine, counts = [], []
        while time.monotonic() < stop and not failures:
            asked = next_path()
            started = time.perf_counter()
            connection.request("GET", asked, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            counts.append(_statements(response))
            if response.status != 200:
                failures.append(f"{response.status} from {asked}")
        with lock:
            latencies.extend(mine)
            statements.extend(counts)

    workers = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        raise SystemExit(failures[0])
    return _figures(latencies, statements, time.monotonic() - started)


def _statements(response: http.client.HTTPResponse) -> int:
    found = STATEMENTS.search(response.getheader("Server-Timing") or "")
    return int(found.group(1)) if found else 0


def log_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    token = CSRF.search(session.get(base + "/auth/login", timeout=30).text)[1]
    response = session.post(
        base + "/auth/login",
        data={"csrf_token": token, "login": username, "password": password},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"could not log in as {username}: {response.status_code}")
    return session


def cookie_of(session: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def post_replies(base: str, session: requests.Session, thread_id: int, count: int) -> Figures:
    """One member replying `count` times, one after another: the time to an acknowledged,
    indexed reply (the redirect), as a person posting sees it."""
    parts = urlsplit(base)
    token = CSRF.search(session.get(f"{base}/threads/{thread_id}", timeout=30).text)[1]
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {
        "Cookie": cookie_of(session),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    latencies, statements = [], []
    started_all = time.monotonic()
    for n in range(count):
        body = urlencode({"csrf_token": token, "body": f"Bench reply {n}: checked the permit."})
        started = time.perf_counter()
        connection.request("POST", f"/threads/{thread_id}/reply", body=body, headers=headers)
        try:
            response = connection.getresponse()
        except TimeoutError:
            print(f"  reply {n} had no answer within 60 s; figures are of the {n} before it")
            break
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        statements.append(_statements(response))
        if response.status != 302:
            raise SystemExit(f"reply {n} answered {response.status}")
    return _figures(latencies, statements, time.monotonic() - started_all)


def resident_memory_mb(pid: int) -> dict[int, float]:
    """VmRSS of a process and its children (gunicorn's master and workers), in MB."""
    found = {}
    for candidate in [pid, *_children(pid)]:
        try:
            status = open(f"/proc/{candidate}/status").read()  # noqa: SIM115, PTH123
        except OSError:
            continue
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        if rss:
            found[candidate] = int(rss.group(1)) / 1024
    return found


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:  # noqa: PTH123
            direct = [int(child) for child in listing.read().split()]
    except OSError:
        return []
    return direct + [grandchild for child in direct for grandchild in _children(child)]
