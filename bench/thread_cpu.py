"""CPU per thread page made afresh, in this process, on a forum the page bench kept.

    .venv/bin/python -m bench.thread_cpu /work/perf-forum/forum-200000 [--pages 300] [--profile]

A visitor reads threads no kept page answers (the page cache on, as served), each once; the
figure is this process's CPU time per page, which other sessions' load on a shared machine
moves far less than requests per second do. --profile prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a --keep folder's forum-N (bench.db)")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--first-thread", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ["FORUM_DATABASE_URL"] = f"sqlite:///{args.folder / 'bench.db'}"
    os.environ["FORUM_SEARCH_INDEX"] = str(args.folder / "search_index")
    from forum import create_app

    client = create_app({"SECRET_KEY": "thread-cpu"}).test_client()
    threads = iter(range(args.first_thread, args.first_thread + 20 + 2 * args.pages))
    for thread in (next(threads) for _ in range(20)):  # warm: templates, statements
        client.get(f"/threads/{thread}")
    started = time.process_time()
    for thread in (next(threads) for _ in range(args.pages)):
        assert client.get(f"/threads/{thread}").status_code == 200
    per_page = (time.process_time() - started) / args.pages * 1000
    print(f"{per_page:.2f} ms CPU per visitor's thread page made afresh ({args.pages} pages)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for thread in (next(threads) for _ in range(args.pages)):
            client.get(f"/threads/{thread}")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
