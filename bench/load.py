"""The long load: writers posting replies and readers browsing and searching, all at once.

Starts `forum serve` on a scratch SQLite database (or, with --postgres, a scratch PostgreSQL
database with Redis and the PostgreSQL search backend), runs the load from this process over
loopback, and prints throughput, p50/p95/p99 latency per kind of request, and the loss count:
acknowledged posts missing from the database, duplicated, or not found by search.

    .venv/bin/python bench/load.py [--writers 20] [--replies 100] [--readers 50] [--postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.databases import scratch_database  # noqa: E402
from tests.live import close_sessions, live_server  # noqa: E402
from tests.load import check, prepare, run  # noqa: E402
from tests.test_load import deployment, unfound  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--replies", type=int, default=100, help="replies per writer")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        kind = "postgresql://postgres@127.0.0.1:5432/postgres" if options.postgres else "sqlite://"
        with scratch_database(kind, folder) as url:
            with live_server(url, folder / "serve.log", threads=150, **deployment(url)) as server:
                threads = prepare(server)
                start = time.perf_counter()
                load = run(server, threads, writers=options.writers,
                           replies_each=options.replies, readers=options.readers)  # fmt: skip
                elapsed = time.perf_counter() - start
            found = check(url, load)
            not_found = unfound(url, folder / "search_index", list(load.acknowledged))
        close_sessions()

    print(f"\n{options.writers} writers x {options.replies} replies, {options.readers} readers,"
          f" {'PostgreSQL + Redis' if options.postgres else 'SQLite + Whoosh'}:"
          f" {elapsed:.1f} s\n")  # fmt: skip
    print(f"{'requests':10}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, samples in sorted(load.latencies.items()):
        cuts = statistics.quantiles(samples, n=100) if len(samples) > 1 else samples * 99
        print(f"{name:10}{len(samples):>8}{len(samples) / elapsed:>9.1f}"
              f"{statistics.median(samples) * 1000:>9.0f}{cuts[94] * 1000:>9.0f}"
              f"{cuts[98] * 1000:>9.0f}")  # fmt: skip
    print(f"\nstatuses: {dict(load.statuses)}")
    print(f"acknowledged posts: {len(load.acknowledged)}; missing {len(found.missing)}, "
          f"duplicated {len(found.duplicated)}, wrong reply counters {len(found.wrong_counts)}, "
          f"not found by search {len(not_found)}")  # fmt: skip


if __name__ == "__main__":
    main()
