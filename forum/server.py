"""gunicorn in-process: one worker with threads serves HTTP and Socket.IO (simple-websocket)."""

from __future__ import annotations

import gc
import threading
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from forum import vocabulary
from forum.attachments import extract
from forum.database import start_after_commit_worker
from forum.mail import outbox as mail_outbox
from forum.search import outbox
from forum.services import digests, events_reminders
from forum.views import SECURITY_HEADERS

_ERROR_HEADERS = "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS.items())


class _WithSecurityHeaders:
    """A client socket whose one answer, gunicorn's own error page, gains our headers."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def sendall(self, data: bytes) -> None:
        status_line, _, rest = data.partition(b"\r\n")
        self._sock.sendall(status_line + b"\r\n" + _ERROR_HEADERS.encode("latin-1") + rest)


class _ForumWorker(ThreadWorker):
    """gunicorn's worker, whose own answers (a 414 for a huge URL, a 431 for huge headers,
    a 400 for a malformed request) carry the same security headers as the forum's."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        super().handle_error(req, _WithSecurityHeaders(client), addr, exc)


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


def _quiet_socket_writer_hang_ups(args: threading.ExceptHookArgs) -> None:
    """engineio's WebSocket writer thread ends by closing the socket, and simple-websocket's
    reader closes it too when the client goes: if the reader wins, the writer's last send
    fails (OSError: bad file descriptor) and the thread dies with a traceback in the server's
    log. The client is merely gone: nothing to report. Anything else keeps Python's report."""
    thread_name = args.thread.name if args.thread is not None else ""
    if isinstance(args.exc_value, OSError) and thread_name.endswith("(writer)"):
        return
    threading.__excepthook__(args)  # the server installs no other hook


def _worker_ready(app: Flask) -> None:
    """In the worker, not before: gunicorn forks it, and threads do not cross a fork."""
    threading.excepthook = _quiet_socket_writer_hang_ups
    # What start-up made lives as long as the process: keep it out of the collector's full
    # passes, which otherwise add 100 ms pauses to requests that allocate a lot (search).
    # Read the OSH vocabulary now, off the first search's or composer's time (about a second)
    threading.Thread(target=vocabulary.load, name="vocabulary", daemon=True).start()
    gc.freeze()
    # A search allocates objects by the hundred thousand: at the default (700) it pays for
    # hundreds of young collections each, and now and then a full pass. 20,000: p95 -15 ms.
    gc.set_threshold(20_000, 20, 20)
    outbox.start_background_drainer(app)
    extract.start_background_extractor(app)
    mail_outbox.start_background_sender(app)
    digests.start_digest_loop(app)
    events_reminders.start_reminder_loop(app)
    start_after_commit_worker(app)


def run_gunicorn(app: Flask, *, host: str, port: int, threads: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,  # Socket.IO sessions live in one process; scale out with more servers
        "worker_class": _ForumWorker,
        # The app decides what to trust of X-Forwarded-* (FORUM_PROXY_HOPS); gunicorn trusts
        # none, even from 127.0.0.1, so a local client cannot claim https.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        # One control socket per user would be shared by every `forum serve` on a machine.
        "control_socket_disable": True,
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "post_worker_init": lambda _worker: _worker_ready(app),
    }
    _ForumServer(app, options).run()
