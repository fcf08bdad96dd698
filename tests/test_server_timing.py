"""FORUM_SERVER_TIMING: each response reports its SQL statement count, for the bench."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from forum import create_app
from tests.conftest import Person, counting_queries, make_config, thread_id_from


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"SERVER_TIMING": True, "PAGE_CACHE_MB": 0}  # counts measure the page


def reported(response) -> int:  # noqa: ANN001
    return int(re.fullmatch(r'sql;desc="(\d+)"', response.headers["Server-Timing"]).group(1))


def test_each_response_reports_the_statements_it_ran(
    app: Flask, member: Person, anonymous: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Counted", "Body"))
    for url in ("/", f"/threads/{thread_id}", "/healthz"):
        with counting_queries(app) as counter:
            response = anonymous.get(url)
        assert reported(response) == counter.count, url
    assert reported(anonymous.get("/healthz")) == 0
    assert reported(anonymous.get(f"/threads/{thread_id}")) > 0


def test_without_the_setting_nothing_is_reported(database_url: str) -> None:
    app = create_app(make_config(database_url))
    assert "Server-Timing" not in app.test_client().get("/healthz").headers
