"""The reference page's tables, made from an operation's declaration and the OpenAPI
operation document.py makes of it: plain rows the template only renders. Type names, JSON
Schema keywords and values are JSON's own and stay untranslated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from forum.views.api import errors
from forum.views.api.spec import Operation

Schema = dict[str, Any]

# shown as "keyword: value", in this order
LIMITS = ("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems")


@dataclass(frozen=True)
class Row:
    name: str  # a body's nested field is "author.name", an array's items "ids[]"
    where: str  # "path" or "query" for an argument, "" for a body's or an answer's field
    type: str  # "string", "integer | null", "array[integer]", "string (date-time)"
    required: bool | None  # None for an array's items: their array is, or is not
    values: list[str]  # the enum's values, as JSON writes them
    limits: list[str]  # "maxLength: 200"
    default: str  # as JSON writes it, "" when there is none


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str  # errors.CODES' name: "rate_limited"
    header: str  # the headers the document says the answer carries: "Retry-After"


@dataclass(frozen=True)
class Entry:
    declared: Operation
    anchor: str
    path: str  # as called: /api/v1/threads/{thread_id}
    arguments: list[Row]
    body: list[Row]
    body_schema: str  # the body's JSON Schema, indented, "" without a body
    status: int
    answer_type: str  # "object", "array[object]"; "" for an empty answer
    answer: list[Row]
    not_modified: bool  # a GET answers 304 to a matching If-None-Match
    refusals: list[Refusal]


def entry(declared: Operation, described: dict[str, Any]) -> Entry:
    """One operation as the page shows it; `described` is its OpenAPI operation, so the
    arguments and the answers' statuses are the ones the document lists."""
    arguments = [
        _row(parameter["name"], parameter["schema"], parameter["required"], parameter["in"])
        for parameter in described["parameters"]
    ]
    answers = described["responses"]
    statuses = sorted(int(status) for status in answers)
    return Entry(
        declared=declared,
        anchor=declared.endpoint.replace(".", "-"),
        path="/api/v1" + declared.path,
        arguments=arguments,
        body=fields(declared.body) if declared.body else [],
        body_schema=json.dumps(declared.body, indent=2) if declared.body else "",
        status=declared.status,
        answer_type=type_text(declared.response) if declared.status != 204 else "",
        answer=fields(declared.response) if declared.status != 204 else [],
        not_modified=304 in statuses,
        refusals=[
            Refusal(
                status, errors.CODES[status], ", ".join(answers[str(status)].get("headers", {}))
            )
            for status in statuses
            if status >= 400
        ],
    )


def fields(schema: Schema, prefix: str = "") -> list[Row]:
    """An object's properties, each followed by its own fields: an object's as "name.field",
    an array's items as "name[]" (or "name[].field" when they are objects). A bare array
    (a list answered whole) is its items' fields."""
    if schema.get("type") == "array" and not prefix:
        return fields(schema.get("items", {}), "[].")
    required = set(schema.get("required", ()))
    found = []
    for name, item in schema.get("properties", {}).items():
        found.append(_row(prefix + name, item, name in required))
        found += _inside(prefix + name, item)
    return found


def _inside(name: str, schema: Schema) -> list[Row]:
    if "properties" in schema:
        return fields(schema, name + ".")
    items = schema.get("items")
    if not items:
        return []
    if "properties" in items:
        return fields(items, name + "[].")
    if "enum" in items or any(key in items for key in LIMITS):
        return [_row(name + "[]", items, None)]
    return []


def _row(name: str, schema: Schema, required: bool | None, where: str = "") -> Row:
    return Row(
        name=name,
        where=where,
        type=type_text(schema),
        required=required,
        values=[
            json.dumps(value) if value in ("", None) else str(value)
            for value in schema.get("enum", ())
        ],
        limits=[f"{key}: {schema[key]}" for key in LIMITS if key in schema],
        default=json.dumps(schema["default"]) if "default" in schema else "",
    )


def type_text(schema: Schema) -> str:
    types = schema.get("type", "")
    named = " | ".join(types) if isinstance(types, list) else types
    if named == "array" and "items" in schema:
        named = f"array[{type_text(schema['items'])}]"
    if "format" in schema:
        named = f"{named} ({schema['format']})"
    return named
