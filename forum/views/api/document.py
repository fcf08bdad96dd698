"""The API described: an OpenAPI 3.1 document made from the operations' declarations
(spec.OPERATIONS), and a reference page made from the same declarations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask.wrappers import Response

from forum.views.api import bp, errors
from forum.views.api import reference as reference_rows
from forum.views.api.spec import OPERATIONS, Operation

VERSION = "1.0.0"
# any request may carry a bad token (401) or a banned member's (403), and any list may be
# asked past its end or with a bad argument
COMMON_ERRORS = (400, 401, 403, 404, 429)
ERROR = {
    "type": "object",
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["status", "code", "message"],
}
DESCRIPTION = (
    "Read the forum as a visitor, or as a member with a personal access token (made on "
    "your profile's API tokens page) sent as `Authorization: Bearer <token>`. Tokens with "
    "the write scope may also post, edit, vote, accept answers and watch. Lists come a page "
    "at a time: send `next_cursor` back as `?cursor=`, with the same filters (a cursor "
    "given for other filters is refused). Threads, posts, notifications, institutions and "
    "events are read on after the last one sent: one added or marked read meanwhile is neither "
    "repeated nor skipped, but a thread whose activity changes while you read moves (drop "
    "repeats by id, or use `sort=newest`). Reads carry an ETag: send it as "
    "If-None-Match for a 304. Answers are in the language of Accept-Language. Every "
    "refusal is JSON with a status, a code and a message."
)


def build() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for declared in OPERATIONS:
        paths.setdefault("/api/v1" + declared.path, {})[declared.method.lower()] = _operation(
            declared
        )
    return {
        "openapi": "3.1.0",
        "info": {"title": "OSH e-Forum API", "version": VERSION, "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "osh_..."}
            },
        },
    }


def _operation(declared: Operation) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in declared.path_parameters.items()
    ] + [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in declared.query.items()
    ]
    success: dict[str, Any] = {"description": str(declared.summary)}
    if declared.status != 204:
        success["content"] = {"application/json": {"schema": declared.response}}
    responses: dict[str, Any] = {str(declared.status): success}
    if declared.method == "GET":
        responses["304"] = {"description": "Unchanged since the ETag sent as If-None-Match"}
    for status in sorted({*COMMON_ERRORS, *declared.errors}):
        responses[str(status)] = {
            "description": errors.CODES[status].replace("_", " "),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        if status == 429:
            responses["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}
            }
    found: dict[str, Any] = {
        "operationId": declared.endpoint.removeprefix("api."),
        "summary": str(declared.summary),
        "tags": [str(declared.tag)],
        "parameters": parameters,
        "responses": responses,
        "security": [{"token": []}] if declared.access != "public" else [{}, {"token": []}],
    }
    if declared.body is not None:
        found["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": declared.body}},
        }
    return found


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build())


# An HTML page among the site's pages, not under /api/: there no cookie is read, so a member
# would see the visitor's header and a language switcher without its form token.
pages = Blueprint("api_reference", __name__)


@bp.get("/docs")
def old_reference() -> Response:
    return redirect(url_for("api_reference.reference"), 301)


@pages.get("/help/api")
def reference() -> str:
    """The reference, readable without a script: each operation with its arguments, body,
    answer and refusals in tables, grouped by tag, made from the document's own operations."""
    groups: dict[str, list[reference_rows.Entry]] = {}
    for declared in OPERATIONS:
        entry = reference_rows.entry(declared, _operation(declared))
        groups.setdefault(str(declared.tag), []).append(entry)
    anchors = {tag: f"tag-{n}" for n, tag in enumerate(groups, 1)}  # tags are translated
    return render_template("api/docs.html", groups=groups, anchors=anchors, version=VERSION)
