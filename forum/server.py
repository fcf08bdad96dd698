"""gunicorn in-process: one worker with threads serves HTTP and Socket.IO (simple-websocket)."""

from __future__ import annotations

import gc
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from forum.search import outbox


class _ForumServer(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _worker_ready(app: Flask) -> None:
    """In the worker, not before: gunicorn forks it, and threads do not cross a fork."""
    # What start-up made lives as long as the process: keep it out of the collector's full
    # passes, which otherwise add 100 ms pauses to requests that allocate a lot (search).
    gc.freeze()
    # A search allocates objects by the hundred thousand: at the default (700) it pays for
    # hundreds of young collections each, and now and then a full pass. 20,000: p95 -15 ms.
    gc.set_threshold(20_000, 20, 20)
    outbox.start_background_drainer(app)


def run_gunicorn(app: Flask, *, host: str, port: int, threads: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,  # Socket.IO sessions live in one process; scale out with more servers
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "post_worker_init": lambda _worker: _worker_ready(app),
    }
    _ForumServer(app, options).run()
