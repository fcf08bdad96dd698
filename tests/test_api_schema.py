"""Requests made from the OpenAPI document alone (schemathesis), as a visitor would and with a
member's write token: no answer is a 500, none breaks its declared status codes, content
type or schema, and invalid input is refused. The quick test sends each operation one
generated request; the sweep sends many."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks as openapi

from tests.api_helpers import bearer, token_for
from tests.conftest import Person, thread_id_from

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi.status_code_conformance,
    openapi.content_type_conformance,
    openapi.response_schema_conformance,
    openapi.response_headers_conformance,
]
QUIET = {"suppress_health_check": list(HealthCheck), "deadline": None, "derandomize": True}


@pytest.fixture
def api_schema(
    app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
) -> schemathesis.BaseSchema:
    # hundreds of posts a second: the search index is not what is tested here (Whoosh,
    # committing that fast, trips on its own segment files)
    monkeypatch.setattr("forum.search.outbox.drain_committed", lambda: 0)
    thread_id = thread_id_from(member.start_thread("Harnesses", "Which **harness**?"))
    assert member.reply(thread_id, "And a *lanyard*").status_code == 302
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def headers(app: Flask, member: Person) -> dict[str, str]:
    return bearer(token_for(app, member.username))


def _every_operation(
    schema: schemathesis.BaseSchema, headers: dict[str, str], checks: list, **chosen: object
) -> int:
    """Each operation of the document, its requests drawn from its declaration alone.
    (Schemathesis' own pytest plugin does not load under this pytest.)"""
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(**QUIET, **chosen)
        def send(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        send()
    return len(operations)


def test_each_operation_once(api_schema: schemathesis.BaseSchema, headers: dict) -> None:
    assert _every_operation(api_schema, headers, CHECKS, max_examples=1) >= 15


@pytest.mark.sweep
def test_every_operation_from_the_document(
    api_schema: schemathesis.BaseSchema, headers: dict
) -> None:
    checks = [*CHECKS, openapi.negative_data_rejection]
    _every_operation(api_schema, headers, checks, max_examples=40)


@pytest.mark.sweep
def test_every_operation_as_a_visitor(api_schema: schemathesis.BaseSchema) -> None:
    _every_operation(api_schema, {}, CHECKS, max_examples=15)
