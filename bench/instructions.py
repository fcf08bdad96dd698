"""Instructions per request, counted by Valgrind: a visitor's thread page made afresh beside
/healthz, in-process (Flask's test client), on a forum the page bench kept.

    .venv/bin/python -m bench.instructions /work/perf-forum/forum-200000 [--requests 100]

Requests per second on a shared machine move by a third from one run to the next; the
number of instructions a request executes does not. Each kind is counted twice, with no
request and with --requests of them after the same start-up and warm-up, and the
difference divided (PYTHONHASHSEED fixed, so both runs build the same dicts). Needs Valgrind
(apt-get install valgrind); about three minutes, the four counts two at a time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WARM_UP = 20
FIRST_THREAD = 500


def serve(folder: Path, kind: str, requests: int) -> None:
    """In the counted process: start the app, warm it, then make `requests` answers."""
    os.environ["FORUM_DATABASE_URL"] = f"sqlite:///{folder / 'bench.db'}"
    os.environ["FORUM_SEARCH_INDEX"] = str(folder / "search_index")
    from forum import create_app

    client = create_app({"SECRET_KEY": "bench-instructions"}).test_client()

    def path(thread: int) -> str:
        return f"/threads/{thread}" if kind == "thread" else "/healthz"

    threads = iter(range(FIRST_THREAD, FIRST_THREAD + WARM_UP + requests))
    for thread in (next(threads) for _ in range(WARM_UP)):
        client.get(path(thread))
    for thread in threads:
        assert client.get(path(thread)).status_code == 200


def count(folder: Path, kind: str, requests: int) -> int:
    """Instructions the whole process executed (cachegrind's I refs)."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            "valgrind", "--tool=cachegrind", "--cache-sim=no",
            f"--cachegrind-out-file={Path(scratch) / 'out'}",
            sys.executable, "-m", "bench.instructions", str(folder),
            "--serve", kind, "--requests", str(requests),
        ]  # fmt: skip
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=True,
        )
    return int(re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)[1].replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a --keep folder's forum-N (bench.db)")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--serve", choices=("thread", "healthz"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.folder, args.serve, args.requests)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("needs Valgrind: apt-get install valgrind")
    runs = [(kind, n) for kind in ("healthz", "thread") for n in (0, args.requests)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        totals = dict(zip(runs, pool.map(lambda run: count(args.folder, *run), runs), strict=True))
    per = {kind: (totals[kind, n] - totals[kind, 0]) / n for kind, n in runs if n}
    print(f"instructions per request, {args.requests} requests each, in-process:")
    print(f"  /healthz                              {per['healthz'] / 1e6:6.2f} M")
    print(f"  a visitor's thread page made afresh   {per['thread'] / 1e6:6.2f} M")
    print(f"  /healthz's share of the page          {per['healthz'] / per['thread']:6.1%}")


if __name__ == "__main__":
    main()
