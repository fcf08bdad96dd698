"""How the forum talks to its database: SQLite tuned for concurrent use, one write transaction.

On SQLite every write transaction starts with BEGIN IMMEDIATE, so concurrent writers queue
on the busy timeout instead of failing half-way with "database is locked"; reads stay
deferred and run alongside (WAL). PostgreSQL needs none of this.
"""

from __future__ import annotations

import fcntl
import logging
import os
import queue
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from forum.extensions import db

WRITE_OPTION = "forum_write"
AFTER_COMMIT = "forum_after_commit"
logger = logging.getLogger(__name__)
# How long a writer waits for SQLite's one write lock. Under many busy threads a transaction
# holding it waits for the GIL between its statements, so the lock is held far longer than
# its work: 30 s before a member sees an error (PostgreSQL, past one machine, has no such wait).
SQLITE_BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")


def read_once(key: Hashable, read: Callable[[], T]) -> T:
    """What several parts of one request read (a short list for a form and its facets): read
    by whoever asks first, once."""
    if not has_request_context():
        return read()
    readings = g.setdefault("forum_read_once", {})
    if key not in readings:
        readings[key] = read()
    return readings[key]


def escape_like(text: str) -> str:
    """Text matched literally by LIKE ... ESCAPE '\\': its % and _ are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "do_connect")
    def _create_private(_dialect, _record, cargs, _cparams) -> None:  # noqa: ANN001
        # SQLite would make the file readable by everyone (umask); members' data is not.
        # Its -wal and -shm files take the database file's mode.
        path = engine.url.database
        if path and path != ":memory:" and not path.startswith("file:"):
            with suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        write = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# Any fixed number, the same in every process: PostgreSQL's advisory lock for schema changes.
_SCHEMA_LOCK_KEY = 0x05F0_0001


@contextmanager
def schema_lock() -> Iterator[None]:
    """One process at a time creates, upgrades or seeds the schema: several servers started
    at once would otherwise race to create the same tables."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({_SCHEMA_LOCK_KEY})")
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_SCHEMA_LOCK_KEY})")
        return
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        yield
        return
    fd = os.open(f"{path}.schema-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def write_transaction() -> Iterator[Session]:
    """One service call, one transaction: commit on success, roll back on any error.

    Work registered with after_commit() runs once the data is safe (in a server, off the
    request: start_after_commit_worker), and never breaks the request: a failure there is
    logged, and what it would have done is retried elsewhere
    (the search outbox) or seen on the next page load (notifications).
    """
    session = db.session()
    if session.in_transaction():
        # End the request's read snapshot first: upgrading it to a writer could fail on SQLite.
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        session.info.pop(AFTER_COMMIT, None)
        raise
    for callback in session.info.pop(AFTER_COMMIT, []):
        if _off_request is not None:
            _off_request.put(callback)
        else:
            _run_after_commit(callback)


def _run_after_commit(callback: Callable[[], object]) -> None:
    try:
        callback()
    except Exception:
        logger.exception("after-commit work failed; the committed data is safe")


_off_request: queue.SimpleQueue | None = None


def start_after_commit_worker(app: Flask) -> threading.Thread:
    """In a server process: after-commit work (search indexing, live delivery) runs in this
    thread, in order, so a member's redirect waits for none of it. Without one (commands,
    tests) it runs at once, in the caller's thread. Put None in its queue to stop it."""
    global _off_request
    jobs: queue.SimpleQueue = queue.SimpleQueue()

    def run() -> None:
        while (callback := jobs.get()) is not None:
            with app.app_context():
                try:
                    _run_after_commit(callback)
                finally:
                    db.session.remove()

    worker = threading.Thread(target=run, name="after-commit", daemon=True)
    worker.jobs = jobs  # type: ignore[attr-defined]
    worker.start()
    _off_request = jobs
    return worker


def stop_after_commit_worker(worker: threading.Thread) -> None:
    global _off_request
    _off_request = None
    worker.jobs.put(None)  # type: ignore[attr-defined]
    worker.join(10)


def run_every(
    app: Flask,
    seconds: Callable[[], float],
    name: str,
    work: Callable[[], object],
    wake: threading.Event | None = None,
) -> threading.Thread:
    """A server process's background duty (search indexing, mail, digests): work runs every
    seconds() in an app context, and at once when `wake` is set; a failure is logged and the
    next pass tries again. Set the thread's `stopping` event to end it."""

    def run() -> None:
        while True:
            (wake or stopping).wait(seconds())
            if stopping.is_set():
                return
            if wake is not None:
                wake.clear()
            with app.app_context():
                try:
                    work()
                except Exception:
                    logger.exception("%s failed; the next pass tries again", name)
                finally:
                    db.session.remove()

    stopping = threading.Event()
    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.stopping = stopping  # type: ignore[attr-defined]
    thread.start()
    return thread


def after_commit(callback: Callable[[], object]) -> None:
    """Run callback once the current write transaction has committed (once, however often
    the same callback is asked for)."""
    callbacks = db.session().info.setdefault(AFTER_COMMIT, [])
    if callback not in callbacks:
        callbacks.append(callback)


_NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")  # transaction control


def report_query_counts(app: Flask) -> None:
    """With SERVER_TIMING on, every response says how many SQL statements it cost, in a
    Server-Timing header (`sql;desc="12"`): the bench reads it from outside the server."""
    if not app.config["SERVER_TIMING"]:
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_connection, _cursor, statement: str, *_args: object) -> None:  # noqa: ANN001
        if has_request_context() and not statement.lstrip().upper().startswith(_NOT_QUERIES):
            g.sql_statements = g.get("sql_statements", 0) + 1

    @app.after_request
    def _report(response):  # noqa: ANN001, ANN202
        response.headers["Server-Timing"] = f'sql;desc="{g.get("sql_statements", 0)}"'
        return response
