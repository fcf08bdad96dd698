"""Fresh, empty databases of the same kind as the test database."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(database_url: str, folder: Path) -> Iterator[str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / f'scratch-{secrets.token_hex(4)}.db'}"
        return
    with _postgres_database(database_url, f"forum_scratch_{secrets.token_hex(4)}") as made:
        yield made


@contextmanager
def worker_database(database_url: str, worker_id: str) -> Iterator[str]:
    """A PostgreSQL database beside the given one, for one xdist worker."""
    with _postgres_database(database_url, f"{make_url(database_url).database}_{worker_id}") as made:
        yield made


@contextmanager
def _postgres_database(database_url: str, name: str) -> Iterator[str]:
    """A database of that name on the same server, made afresh and dropped after."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def uploads_for_tests(folder: Path, database_url: str) -> str:
    """Attachments in a folder of the test's own, or in the database when CI's PostgreSQL leg
    asks for it (FORUM_TEST_UPLOADS=database) and the database is PostgreSQL: every test then
    runs on that storage too (a test's own SQLite server keeps a folder)."""
    if os.environ.get("FORUM_TEST_UPLOADS") == "database" and database_url.startswith("postgres"):
        return "database"
    return str(folder / "uploads")
