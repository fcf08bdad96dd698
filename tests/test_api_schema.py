"""Requests made from the OpenAPI document alone (schemathesis), as a visitor would and with a
member's write token: no answer is a 500, none breaks its declared status codes, content
type or schema, and invalid input is refused. The quick test sends each operation a few
generated requests; the sweep many.

Drawn at random, an id names nothing and a slug no network, so each operation is also sent
requests whose references (path ids, network and theme slugs, the answer to accept) are
swapped for things that exist, the rest as drawn: every operation must then succeed at
least once, so that its success answers are checked against their schema too."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks as openapi
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post
from forum.views.api.spec import OPERATIONS
from tests.api_helpers import bearer, token_for
from tests.conftest import Person, board_id, make_person, reply_ids, thread_id_from
from tests.institution_helpers import make_institution
from tests.test_events import create_event

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi.status_code_conformance,
    openapi.content_type_conformance,
    openapi.response_schema_conformance,
    openapi.response_headers_conformance,
]
QUIET = {"suppress_health_check": list(HealthCheck), "deadline": None, "derandomize": True}


@dataclass
class Sent:
    """What each operation answered, by operationId."""

    statuses: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def never_succeeded(self) -> list[str]:
        return sorted(
            name for name, seen in self.statuses.items() if not any(s < 300 for s in seen)
        )


@pytest.fixture
def api_schema(
    app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
) -> schemathesis.BaseSchema:
    # hundreds of posts a second: the search index is not what is tested here (Whoosh,
    # committing that fast, trips on its own segment files)
    monkeypatch.setattr("forum.search.outbox.drain_committed", lambda: 0)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def real(app: Flask, member: Person, other_member: Person) -> dict[str, dict[str, object]]:
    """For each operation, the references that name something the token's member
    (amina) may act on: her question, kemal's reply to it (which notifies her), a board, an
    institution and an event."""
    thread_id = thread_id_from(member.start_thread("Harnesses", "Which **harness**?"))
    assert other_member.reply(thread_id, "A *full-body* harness").status_code == 302
    (reply_id,) = reply_ids(app, thread_id)
    with app.app_context():
        opening = db.session.scalar(
            select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(True))
        )
    event_id = create_event(make_person(app, "oic.mod", moderates=("oic-oshnet",)))
    institution = make_institution(app)
    board = {"network": "oic-oshnet", "theme": "confined-spaces"}
    return {
        "thread": {"thread_id": thread_id},
        "posts": {"thread_id": thread_id},
        "member": {"username": "kemal"},
        "institution": {"slug": institution},
        "event": {"event_id": event_id},
        "start_thread": board,
        "reply": {"thread_id": thread_id},
        "edit_post": {"post_id": opening},
        "vote": {"post_id": reply_id},
        "unvote": {"post_id": reply_id},
        "accept": {"thread_id": thread_id, "post_id": reply_id},
        "unaccept": {"thread_id": thread_id},
        "watch_thread": {"thread_id": thread_id},
        "watch_board": {"board_id": board_id(app, "oic-oshnet", "confined-spaces")},
    }


@pytest.fixture
def headers(app: Flask, member: Person) -> dict[str, str]:
    return bearer(token_for(app, member.username))


def _swap(case: schemathesis.Case, references: dict[str, object]) -> None:
    """The case as drawn, but naming things that exist."""
    for name, value in references.items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
        elif isinstance(case.body, dict) and name in case.body:
            case.body[name] = value


def _every_operation(
    schema: schemathesis.BaseSchema,
    headers: dict[str, str],
    checks: list,
    real: dict[str, dict[str, object]] | None = None,
    **chosen: object,
) -> Sent:
    """Each operation of the document, its requests drawn from its declaration alone, and
    then (given `real`) drawn again with real references. (Schemathesis' own pytest plugin
    does not load under this pytest.)"""
    sent = Sent()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(OPERATIONS)
    for operation in operations:
        name = operation.definition.raw["operationId"]
        for references in [None] if real is None else [None, real.get(name, {})]:
            _sender(operation, sent, name, references, headers, checks, chosen)()
    return sent


def _sender(
    operation: schemathesis.APIOperation,
    sent: Sent,
    name: str,
    references: dict[str, object] | None,
    headers: dict[str, str],
    checks: list,
    chosen: dict[str, object],
):  # noqa: ANN202
    @given(case=operation.as_strategy())
    @settings(**QUIET, **chosen)
    def send(case: schemathesis.Case) -> None:
        if references:
            _swap(case, references)
        answer = case.call_and_validate(headers=headers, checks=checks)
        sent.statuses[name].append(answer.status_code)

    return send


def test_each_operation_answers_as_declared_and_succeeds(
    api_schema: schemathesis.BaseSchema, headers: dict, real: dict
) -> None:
    sent = _every_operation(api_schema, headers, CHECKS, real, max_examples=5)
    assert sent.never_succeeded() == []


@pytest.mark.sweep
def test_every_operation_from_the_document(
    api_schema: schemathesis.BaseSchema, headers: dict, real: dict
) -> None:
    checks = [*CHECKS, openapi.negative_data_rejection]
    sent = _every_operation(api_schema, headers, checks, real, max_examples=40)
    assert sent.never_succeeded() == []


@pytest.mark.sweep
def test_every_operation_as_a_visitor(api_schema: schemathesis.BaseSchema) -> None:
    _every_operation(api_schema, {}, CHECKS, max_examples=15)
