"""Each API operation declared once: its route, its arguments and body as JSON Schema, and its
answers. The OpenAPI 3.1 document (forum/views/api/document.py) is made from these
declarations, and every request is checked against them before the view runs, so the
document and what the server accepts cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from babel.lists import format_list
from flask import Blueprint, jsonify, request
from flask.wrappers import Response
from flask_babel import get_locale

from forum.forms import LARGEST_ID
from forum.languages import DEFAULT
from forum.languages import lazy_gettext as _l
from forum.services import ServiceError
from forum.services.browsing import PageOutOfRange
from forum.views.api import auth, cursors
from forum.views.api.errors import ApiError, FieldError

Schema = dict[str, Any]


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # Flask's, e.g. /threads/<int:thread_id>
    endpoint: str
    summary: Any  # lazily translated: str() in the reader's language
    tag: Any
    response: Schema
    status: int
    query: dict[str, Schema]
    body: Schema | None
    access: str  # "public", "member" (any token) or "write" (a write-scoped token)
    errors: tuple[int, ...] = field(default=())

    @property
    def path(self) -> str:
        """The OpenAPI path: /threads/{thread_id}."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.rule)

    @property
    def path_parameters(self) -> dict[str, Schema]:
        found = {}
        for converter, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", self.rule):
            if converter == "int":
                found[name] = {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}
            else:
                found[name] = {"type": "string", "minLength": 1, "maxLength": 200}
        return found


OPERATIONS: list[Operation] = []


def operation(
    bp: Blueprint,
    method: str,
    rule: str,
    *,
    summary: Any,
    tag: Any,
    response: Schema | None,
    status: int = 200,
    query: dict[str, Schema] | None = None,
    body: Schema | None = None,
    access: str = "public",
    errors: tuple[int, ...] = (),
    limit: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Declare and route one operation. The view gets the path's values, then `query` (the
    checked arguments, defaults filled in) and `body` when it declares them, and returns
    plain data for the JSON answer (None for an empty 204). `limit`: the pages' rate limit
    for the same action (forum/limits.py)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        declared = Operation(
            method=method,
            rule=rule,
            endpoint=f"{bp.name}.{view.__name__}",
            summary=summary,
            tag=tag,
            response=response or {},
            status=status,
            query=query or {},
            body=body,
            access=access,
            errors=errors,
        )
        OPERATIONS.append(declared)

        @wraps(view)
        def run(**values: Any) -> Response:
            auth.require(declared.access)
            extra: dict[str, Any] = {}
            asked = parse_query(query or {})  # an argument not declared is refused
            if query is not None:
                extra["query"] = asked
            if body is not None:
                extra["body"] = parse_body(body)
            try:
                result = view(**values, **extra)
            except ServiceError as error:
                raise from_service_error(error) from None
            except PageOutOfRange:
                raise cursors.gone() from None
            if result is None:
                return Response(status=204)
            answer = jsonify(result)
            answer.status_code = status
            return answer

        routed = limit(run) if limit is not None else run
        bp.add_url_rule(rule, view.__name__, routed, methods=[method])
        return routed

    return decorate


def from_service_error(error: ServiceError) -> ApiError:
    """A refusal about one field is a validation error; one about the thing's state a 409."""
    if error.field:
        return ApiError(400, "invalid", str(error.message), [FieldError(error.field, error)])
    return ApiError(409, "conflict", str(error.message))


def parse_query(declared: dict[str, Schema]) -> dict[str, Any]:
    unknown = sorted(set(request.args) - set(declared))
    problems = [FieldError(name, _l("This argument is not known here.")) for name in unknown]
    values: dict[str, Any] = {}
    for name, schema in declared.items():
        raw = request.args.getlist(name)
        if not raw:
            values[name] = schema.get("default")
            continue
        if len(raw) > 1:
            problems.append(FieldError(name, _l("Give this argument once.")))
            continue
        value: Any = raw[0]
        if schema.get("type") == "integer":
            if not re.fullmatch(r"-?[0-9]{1,12}", value):  # int() takes "+5", " 5" and "1_0"
                problems.append(FieldError(name, _l("Give a whole number.")))
                continue
            value = int(value)
        problems += check(schema, value, name)
        values[name] = value
    if problems:
        raise ApiError(400, "invalid", _l("Some arguments are not valid."), problems)
    return values


def parse_body(declared: Schema) -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(400, "invalid", _l("Send a JSON body (Content-Type: application/json)."))
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: not a body anyone means
        data = None
    if data is None:
        raise ApiError(400, "invalid", _l("The body is not valid JSON."))
    problems = check(declared, data, "")
    if problems:
        raise ApiError(400, "invalid", _l("Some fields are not valid."), problems)
    return data


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _either(names: list[str]) -> str:
    """ "integer or string" in the reader's language (the type names are JSON's own)."""
    return format_list(names, style="or", locale=str(get_locale() or DEFAULT))


def check(schema: Schema, value: Any, where: str) -> list[FieldError]:
    """The part of JSON Schema the declarations use: types, enum, lengths, bounds, objects'
    required and unknown properties, arrays' items."""
    types = schema.get("type")
    if types is not None:
        wanted = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in wanted):
            return [FieldError(where, _l("Give a value of type %(type)s.", type=_either(wanted)))]
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(str(choice) for choice in schema["enum"])
        return [FieldError(where, _l("Choose one of: %(choices)s.", choices=choices))]
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            return [FieldError(where, _l("This is too short."))]
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return [FieldError(where, _l("Use at most %(n)d characters.", n=schema["maxLength"]))]
        if "\x00" in value:
            return [FieldError(where, _l("Text may not contain NUL characters."))]
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # JSON's \ud800: half of a pair, no character at all
            return [FieldError(where, _l("Text must be valid Unicode."))]
    if _TYPES["integer"](value) and not (
        schema.get("minimum", value) <= value <= schema.get("maximum", value)
    ):
        return [FieldError(where, _l("This number is out of range."))]
    if isinstance(value, dict):
        return _check_object(schema, value, where)
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", len(value)):
            return [FieldError(where, _l("Give at most %(n)d items.", n=schema["maxItems"]))]
        items = schema.get("items", {})
        return [p for i, item in enumerate(value) for p in check(items, item, f"{where}[{i}]")]
    return []


def _check_object(schema: Schema, value: dict[str, Any], where: str) -> list[FieldError]:
    prefix = f"{where}." if where else ""
    properties = schema.get("properties", {})
    problems = [
        FieldError(prefix + name, _l("This field is required."))
        for name in schema.get("required", ())
        if name not in value
    ]
    if schema.get("additionalProperties") is False:
        problems += [
            FieldError(prefix + name, _l("This field is not known here."))
            for name in sorted(set(value) - set(properties))
        ]
    for name, item in value.items():
        if name in properties:
            problems += check(properties[name], item, prefix + name)
    return problems
