"""The API's refusals, always JSON: {"status", "code", "message"} and, for validation, which
field and why. The forum's error handlers (forum/views/errors.py) answer every other failure
under /api/ in the same shape."""

from __future__ import annotations

from dataclasses import dataclass

from flask import jsonify
from flask.wrappers import Response

CODES = {
    400: "invalid",  # as every refusal of the input says it
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: object

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "message": str(self.message)}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: object,
        errors: list[FieldError] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.status, self.code, self.message = status, code, message
        self.errors, self.retry_after = errors or [], retry_after


def invalid(field: str, message: object) -> ApiError:
    """A 400 about one argument or field."""
    return ApiError(400, "invalid", message, [FieldError(field, message)])


def answer(error: ApiError) -> Response:
    body: dict[str, object] = {
        "status": error.status,
        "code": error.code,
        "message": str(error.message),
    }
    if error.errors:
        body["errors"] = [problem.as_json() for problem in error.errors]
    response = jsonify(body)
    response.status_code = error.status
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="forum"'
    return response
