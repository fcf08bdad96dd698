"""In a server, what follows a commit (indexing, live delivery) never holds up the member."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from forum.database import start_after_commit_worker, stop_after_commit_worker
from forum.search import outbox
from tests.conftest import Person, thread_id_from


@pytest.fixture
def worker(app: Flask) -> Iterator[threading.Thread]:
    started = start_after_commit_worker(app)
    yield started
    stop_after_commit_worker(started)


@pytest.mark.usefixtures("worker")
def test_a_reply_is_acknowledged_before_it_is_indexed_and_delivered(
    member: Person, other_member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread_id = thread_id_from(member.start_thread("Scaffold tags", "Green, yellow, red?"))
    release, indexed = threading.Event(), threading.Event()

    def slow_index() -> None:
        release.wait(10)
        indexed.set()

    monkeypatch.setattr(outbox, "drain_committed", slow_index)
    replied = other_member.reply(thread_id, "Green means inspected this week.")

    assert replied.status_code == 302  # acknowledged while indexing still waits
    assert not indexed.is_set()
    release.set()
    assert indexed.wait(10)  # and then it ran, in the worker
