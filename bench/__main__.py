"""The page bench: a large forum, the real server, every page side by side with a trivial one.

Seeds 10 networks x 12 themes, 20,000 threads, 200,000 posts and 5,000 members into a scratch
database (SQLite, or a fresh PostgreSQL database with --postgres), builds the search index,
starts `forum serve` (gunicorn) and measures from this process: each page alone at one client
(latency) and at --clients clients (throughput), with /healthz from the same server just
before and after each page as the baseline, so the ratios hold on a noisy machine. Prints a
table, writes JSON and, with matplotlib installed (pip install -e ".[bench]"), a PNG of
latency per page.

    .venv/bin/python -m bench [--posts 200000] [--threads 20000] [--postgres] [--also-small]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import measure, mixed
from bench.seed import PASSWORD, WORDS, Seeded, seed
from tests.live import FORUM, start_server, stop_server

POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_P95_MS, TARGET_SHARE, TARGET_REPLY_P95_MS, TARGET_MEMORY_MB = 50, 0.25, 100, 300
# a thread page no kept page answers, made for the request: its share of /healthz's req/s
TARGET_AFRESH_SHARE = {"visitor": 0.20, "member": 0.15}


def pages(seeded: Seeded) -> dict[str, tuple[str | Callable[[], str], bool]]:
    """name: (path, or what names a new one for each request; for members only). Pages are
    kept for visitors (forum/page_cache), members' pages are made for each request. A thread
    and a search that are new for each request measure what no kept page answers: making
    them."""
    return {
        "trivial (/healthz)": ("/healthz", False),
        "home": ("/", False),
        "network": (seeded.network, False),
        "board": (seeded.board, False),
        "board, last page": (f"{seeded.board}?page={seeded.board_pages}", False),
        "theme": (seeded.theme, False),
        "thread, first page": (f"/threads/{seeded.thread_id}", False),
        "thread, last page": (f"/threads/{seeded.thread_id}?page={seeded.thread_pages}", False),
        AFRESH: (_new_thread_addresses(seeded.threads), False),
        "profile": (seeded.profile, False),
        "experts": ("/experts", False),
        "search": (SEARCH, False),
        "search, new words": (_new_search_words(), False),
        "notifications": ("/notifications", True),
        "feed (theme)": (seeded.theme + "/feed.atom", False),
    }


SEARCH = "/search?q=ventilation+permit"
# what no kept page answers: the cost of making a page, and of search itself, beside the
# pages the targets are for (a page read again, as kept pages serve it)
AFRESH = "thread, made afresh"
FOR_REFERENCE = (AFRESH, "search, new words")


def _new_thread_addresses(threads: int) -> Callable[[], str]:
    """Another thread and an address never asked for before (a counter in the query, as
    links shared with tracking parameters have): no kept page or part answers it."""
    numbers = zip(itertools.cycle(range(1, threads + 1)), itertools.count(), strict=False)
    return _thread_safe(f"/threads/{thread}?from={visit}" for thread, visit in numbers)


def _new_search_words() -> Callable[[], str]:
    """Two words of the seed's vocabulary, another pair for each request (1,891 pairs, more
    than a run asks for): searches no kept page answers, the cost of search itself."""
    pairs = (f"/search?q={a}+{b}" for a, b in itertools.permutations(WORDS, 2))
    return _thread_safe(path for path in pairs if path != SEARCH)


def _thread_safe(paths: Iterator[str]) -> Callable[[], str]:
    lock = threading.Lock()  # the clients' threads share it; a generator is not thread-safe

    def next_path() -> str:
        with lock:
            return next(paths)

    return next_path


def run(args: argparse.Namespace, posts: int, threads: int, members: int) -> dict:
    with _database(args.postgres, args.keep, posts) as (url, folder):
        started = time.monotonic()
        kept = folder / "seeded.json"
        if kept.exists():  # --keep: the forum an earlier run seeded and indexed (and replied to)
            data = json.loads(kept.read_text())
            seeded = Seeded(**{**data, "boards": tuple(data["boards"])})
        else:
            seeded = seed(url, threads=threads, posts=posts, members=members)
        seeding = time.monotonic() - started
        environment = {
            "FORUM_SERVER_TIMING": "1",
            "FORUM_SEARCH_RATE_LIMIT": "1000000 per minute",
            "FORUM_SEARCH_INDEX": str(folder / "search_index"),
        }
        if args.postgres:
            environment |= {"FORUM_SEARCH_BACKEND": "postgres",
                            "FORUM_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0",
                            "FORUM_RATELIMIT_STORAGE": "redis://127.0.0.1:6379/1"}  # fmt: skip
        started = time.monotonic()
        if not kept.exists():
            subprocess.run(
                [str(FORUM), "reindex"],
                env={**os.environ, "FORUM_DATABASE_URL": url, **environment},
                check=True,
                capture_output=True,
            )
            if args.keep:
                kept.write_text(json.dumps(dataclasses.asdict(seeded)))
        indexing = time.monotonic() - started
        print(
            f"{posts:,} posts: seeded in {seeding:.0f} s, indexed in {indexing:.0f} s", flush=True
        )
        process, base = start_server(url, folder / "serve.log", **environment)
        try:
            member = measure.log_in(base, seeded.member, PASSWORD)
            cookie = measure.cookie_of(member)
            figures = {}
            for name, (path, members_only) in pages(seeded).items() if args.pages else ():
                for who, cookies in (("visitor", ""), ("member", cookie)):
                    if who == "visitor" and members_only:
                        continue
                    # the warm-up's first answer makes the page: what its SQL counts
                    made = measure.read(base, path, 0.5, 1, cookies).sql_statements
                    alone = measure.read(base, path, args.seconds, 1, cookies)
                    busy, trivial = _busy_beside_trivial(base, path, args, cookies)
                    row = figures.setdefault(name, {})
                    row[who] = {"one client": alone.as_dict(), "busy": busy.as_dict(),
                                "trivial_requests_per_second": trivial,
                                "sql_statements_made": made}  # fmt: skip
                print(f"  measured {name}", flush=True)
            if args.pages:
                replies = measure.post_replies(base, member, thread_id=2, count=args.replies)
                figures["posting a reply"] = {"member": {"one client": replies.as_dict()}}
            hot = mixed.hot_threads(seeded.threads)
            boards = list(dict.fromkeys(seeded.board_of(thread) for thread in hot))
            readers_and_writer = mixed.run(
                base, mixed.hot_paths(hot, boards), member, hot,
                seconds=args.mixed_seconds, clients=args.clients,
            )  # fmt: skip
            memory = measure.resident_memory_mb(process.pid)
        except BaseException:
            log = (folder / "serve.log").read_text(errors="replace").splitlines()
            print("the server's log, last lines:", *log[-60:], sep="\n", file=sys.stderr)
            raise
        finally:
            stop_server(process)
    return {"posts": posts, "threads": threads, "members": members,
            "seeding_s": seeding, "indexing_s": indexing, "pages": figures,
            "mixed": readers_and_writer, "memory_mb": memory}  # fmt: skip


def _busy_beside_trivial(
    base: str, path: str | Callable[[], str], args: argparse.Namespace, cookie: str
) -> tuple[measure.Figures, float]:
    """The page at --clients clients between two half-length runs of /healthz, and /healthz's
    requests per second over both: this machine's pace drifts over a run, and a share taken
    against a trivial figure measured minutes earlier drifts with it."""
    before = measure.read(base, "/healthz", args.seconds / 2, args.clients, cookie)
    busy = measure.read(base, path, args.seconds, args.clients, cookie)
    after = measure.read(base, "/healthz", args.seconds / 2, args.clients, cookie)
    return busy, (before.requests_per_second + after.requests_per_second) / 2


@contextmanager
def _database(postgres: bool, keep: Path | None, posts: int):
    if keep is not None and not postgres:  # a folder of its own per size, kept for next time
        folder = keep / f"forum-{posts}"
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / 'bench.db'}", folder
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if not postgres:
            yield f"sqlite:///{folder / 'bench.db'}", folder
            return
        from sqlalchemy import create_engine, text

        database = f"forum_bench_{os.getpid()}"
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {database}"))
        try:
            yield POSTGRES.rsplit("/", 1)[0] + f"/{database}", folder
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            admin.dispose()


def report(result: dict, clients: int) -> None:
    rows = result["pages"]
    print(f"\n{result['posts']:,} posts, {result['threads']:,} threads, {result['members']:,} "
          f"members; latency at one client, throughput at {clients} clients")  # fmt: skip
    print("vs trivial: requests per second against /healthz's, measured just before and after")
    print("SQL: statements per answer, at most; made: those of the first answer, which made it")
    print(f"for reference: {' and '.join(FOR_REFERENCE)}, new for every request: what no kept")
    print("page answers, the cost of making a page and of search itself")
    for who in ("visitor", "member"):
        kind = "pages kept for all" if who == "visitor" else "pages made for each request"
        print(f"\nas a {who} ({kind})")
        heading = ("page", "p50", "p95", "p99", "req/s", "vs trivial", "SQL", "made")
        print("{:<22}{:>7}{:>7}{:>7}{:>8}{:>11}{:>5}{:>6}  target".format(*heading))
        for name, row in rows.items():
            if who not in row:
                continue
            alone, busy = row[who]["one client"], row[who].get("busy")
            share = (
                busy["requests_per_second"] / row[who]["trivial_requests_per_second"]
                if busy
                else None
            )
            print(f"{name:<22}{alone['p50_ms']:>7.1f}{alone['p95_ms']:>7.1f}"
                  f"{alone['p99_ms']:>7.1f}"
                  f"{busy['requests_per_second'] if busy else alone['requests_per_second']:>8.0f}"
                  f"{'' if share is None else f'{share:.0%}':>11}{alone['sql_statements']:>5}"
                  f"{row[who].get('sql_statements_made', ''):>6}  "
                  f"{_verdict(name, who, alone, share)}")  # fmt: skip
    mixed.report(result["mixed"], clients)
    for pid, megabytes in result["memory_mb"].items():
        verdict = "met" if megabytes < TARGET_MEMORY_MB else "MISSED"
        print(f"memory of server process {pid}: {megabytes:.0f} MB  {verdict}")


def _verdict(name: str, who: str, alone: dict, share: float | None) -> str:
    if name == AFRESH:
        target = TARGET_AFRESH_SHARE[who]
        return f"{'met' if share >= target else 'MISSED'} (at least {target:.0%} of /healthz)"
    if name in FOR_REFERENCE:
        return f"for reference: p95 {'under' if alone['p95_ms'] < TARGET_P95_MS else 'OVER'} 50"
    if name == "posting a reply":
        return "met" if alone["p95_ms"] < TARGET_REPLY_P95_MS else "MISSED"
    if name.startswith("trivial"):
        return ""
    return "met" if alone["p95_ms"] < TARGET_P95_MS and share >= TARGET_SHARE else "MISSED"


def plot(results: list[dict], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        print("no matplotlib: no plot (pip install -e '.[bench]')")
        return
    largest = results[-1]
    names = list(largest["pages"])
    if not names:
        return
    figure, axis = pyplot.subplots(figsize=(10, 6))
    for offset, key in ((-0.2, "p50_ms"), (0.2, "p95_ms")):
        values = [_as_member(largest["pages"][n])["one client"][key] for n in names]
        axis.barh([i + offset for i in range(len(names))], values, height=0.4, label=key[:3])
    axis.axvline(TARGET_P95_MS, color="red", linestyle="--", label="p95 target (pages)")
    axis.set_yticks(range(len(names)), names)
    axis.invert_yaxis()
    axis.set_xlabel("milliseconds at one client, as a member")
    axis.set_title(f"OSH e-Forum at {largest['posts']:,} posts")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"plot: {path}")


def _sql_counts(figures: dict) -> str:
    kept = figures["one client"]["sql_statements"]
    return f"{kept} / {figures.get('sql_statements_made', kept)}"


def _as_member(row: dict) -> dict:
    """The member's figures: their own pages."""
    return row["member"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--replies", type=int, default=100)
    parser.add_argument("--mixed-seconds", type=float, default=20)
    parser.add_argument(
        "--no-pages", dest="pages", action="store_false", help="the mixed run alone"
    )
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, Redis, PG search")
    parser.add_argument("--also-small", action="store_true", help="first at 2,000 posts")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"))
    parser.add_argument(
        "--keep", type=Path, help="seed into this folder once and read it again (SQLite)"
    )
    args = parser.parse_args()

    scales = [(args.posts, args.threads, args.members)]
    if args.also_small:
        scales.insert(0, (2_000, 200, 100))
    results = [run(args, *scale) for scale in scales]
    for result in results:
        report(result, args.clients)
    if len(results) > 1:
        print("\nSQL statements per page as a member, kept / made, as the forum grows:")
        for name in results[-1]["pages"]:
            counts = [_sql_counts(_as_member(r["pages"][name])) for r in results]
            print(f"  {name:<22}" + " -> ".join(counts))
    args.out.write_text(json.dumps(results, indent=2))
    print(f"figures: {args.out}")
    plot(results, args.out.with_suffix(".png"))


if __name__ == "__main__":
    sys.exit(main())
