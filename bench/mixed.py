"""Readers and a writer at once: what visitors feel while members post.

Readers (visitors) ask for a hot set of threads and their boards, at random, on --clients
connections, while one member replies to one of those threads every second (and, in a run of
its own, once a minute). Figures: the readers' requests per second and p50/p95/p99, beside
the same readers with no writer in the same run. The load comes from wrk (Debian's `wrk`)
when it is on the PATH, else from this process's own clients (bench/measure.py), and the
report says which.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import requests

from bench import measure
from tests.live import CSRF

HOT_THREADS = 200
TARGET_SHARE, TARGET_P99_MS = 0.60, 50

# wrk: each request a random path of the hot set; at the end, the figures as one line
_WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
math.randomseed(%(seed)d)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format("FIGURES %%d %%d %%.3f %%.3f %%.3f %%.3f %%d\\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status))
end
"""
_FIGURES = re.compile(r"FIGURES (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)")


@dataclass
class Readers:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    replies: int  # posted during the run


def hot_paths(threads: list[int], boards: list[str]) -> list[str]:
    """The hot set: HOT_THREADS threads, and one board for every ten of them (of the boards
    they are in), so that one request in eleven reads a board."""
    paths = [f"/threads/{thread}" for thread in threads[:HOT_THREADS]]
    return paths + boards[: max(1, len(paths) // 10)]


def run(
    base: str,
    paths: list[str],
    member: requests.Session,
    reply_threads: list[int],
    *,
    seconds: float,
    clients: int,
) -> dict:
    """Read-only, then with a reply every second, then (for a minute) one a minute."""
    generator = "wrk" if shutil.which("wrk") else "python"
    with requests.Session() as visitor:  # every page made once: the quiet run reads kept ones
        for path in paths:
            visitor.get(base + path, timeout=30).raise_for_status()
    quiet = _read(base, paths, seconds, clients, generator)
    busy = _while_replying(base, paths, member, reply_threads, 1.0, seconds, clients, generator)
    calm = _while_replying(base, paths, member, reply_threads, 60.0, 60.0, clients, generator)
    return {
        "generator": generator,
        "hot paths": len(set(paths)),
        "read only": asdict(quiet),
        "a reply a second": asdict(busy),
        "a reply a minute": asdict(calm),
    }


def report(figures: dict, clients: int) -> None:
    quiet = figures["read only"]
    print(f"\nreaders (visitors) on {figures['hot paths']} hot threads and boards, {clients} "
          f"connections, load from {figures['generator']}")  # fmt: skip
    print("{:<20}{:>8}{:>7}{:>7}{:>7}{:>9}{:>9}  target".format(
        "writer", "req/s", "p50", "p95", "p99", "replies", "of quiet"))  # fmt: skip
    for name in ("read only", "a reply a second", "a reply a minute"):
        row = figures[name]
        share = row["requests_per_second"] / quiet["requests_per_second"]
        verdict = ""
        if name != "read only":
            met = share >= TARGET_SHARE and row["p99_ms"] < TARGET_P99_MS
            verdict = "met" if met else "MISSED"
        print(f"{name:<20}{row['requests_per_second']:>8.0f}{row['p50_ms']:>7.1f}"
              f"{row['p95_ms']:>7.1f}{row['p99_ms']:>7.1f}{row['replies']:>9}"
              f"{share:>9.0%}  {verdict}")  # fmt: skip


def _while_replying(
    base: str,
    paths: list[str],
    member: requests.Session,
    reply_threads: list[int],
    every: float,
    seconds: float,
    clients: int,
    generator: str,
) -> Readers:
    stop = threading.Event()
    posted = [0]

    def writer() -> None:
        rng = random.Random(5)
        while not stop.wait(every if posted[0] else min(every, seconds) / 2):
            thread = rng.choice(reply_threads)
            page = member.get(f"{base}/threads/{thread}", timeout=30).text
            answer = member.post(
                f"{base}/threads/{thread}/reply",
                data={"csrf_token": CSRF.search(page)[1], "body": "Checked the permit again."},
                allow_redirects=False,
                timeout=30,
            )
            if answer.status_code != 302:
                raise SystemExit(f"a reply answered {answer.status_code}")
            posted[0] += 1

    replying = threading.Thread(target=writer)
    replying.start()
    try:
        readers = _read(base, paths, seconds, clients, generator)
    finally:
        stop.set()
        replying.join()
    readers.replies = posted[0]
    return readers


def _read(base: str, paths: list[str], seconds: float, clients: int, generator: str) -> Readers:
    if generator == "python":
        rng = random.Random(3)
        lock = threading.Lock()

        def next_path() -> str:
            with lock:
                return rng.choice(paths)

        figures = measure.read(base, next_path, seconds, clients)
        return Readers(figures.requests_per_second, figures.p50_ms, figures.p95_ms,
                       figures.p99_ms, 0)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        listing, script = Path(folder) / "paths", Path(folder) / "hot.lua"
        listing.write_text("\n".join(paths) + "\n")
        script.write_text(_WRK_SCRIPT % {"paths": listing, "seed": 3})
        threads = min(clients, 2)
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds:.0f}s",
             "--timeout", "10s", "-s", str(script), base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    found = _FIGURES.search(out)
    if found is None:
        raise SystemExit(f"wrk printed no figures:\n{out}")
    count, duration_us, p50, p95, p99, _max, errors = found.groups()
    if int(errors):
        raise SystemExit(f"{errors} answers were not 2xx or 3xx:\n{out}")
    return Readers(int(count) / (int(duration_us) / 1e6), float(p50), float(p95), float(p99), 0)


def hot_threads(count: int, rng_seed: int = 11) -> list[int]:
    """Thread ids 2..count (thread 1 is the bench's one long thread), a fixed random sample."""
    rng = random.Random(rng_seed)
    return rng.sample(range(2, count + 1), min(HOT_THREADS, count - 1))
