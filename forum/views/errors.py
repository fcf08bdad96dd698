"""Friendly error pages (or JSON for API clients); never a bare 500."""

from __future__ import annotations

import time

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from forum.attachments.requests import takes_uploads
from forum.extensions import db, limiter
from forum.languages import lazy_gettext as _l
from forum.permissions import Denied
from forum.services.browsing import PageOutOfRange

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("You do not have permission to do that.")),
    404: (
        _l("Page not found"),
        _l("There is nothing at this address. It may have been moved or deleted."),
    ),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (
        _l("Too large"),
        _l("What you sent is larger than the forum accepts (1 MB). Shorten it and try again."),
    ),
    429: (_l("Slow down"), _l("Too many attempts in a short time.")),
    500: (
        _l("Something went wrong"),
        _l("The error is logged. Nothing you sent before this was lost; please try again."),
    ),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(Denied, _denied)
    app.register_error_handler(PageOutOfRange, lambda _e: _render(404))
    app.register_error_handler(OverflowError, _out_of_range)  # SQLite's, and date arithmetic's
    app.register_error_handler(DataError, _data_error)
    app.register_error_handler(Exception, _unexpected)


def _http_error(error: HTTPException):
    if error.code == 429:
        return _too_many(error)
    if error.code == 413:
        return _too_large()
    response = _render(error.code or 500)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _too_large():
    """A body over the limit is refused unread: say the limit that applies here."""
    if takes_uploads():
        config = current_app.config
        message = _l(
            "What you sent is larger than the forum accepts: at most %(n)d files of %(mb)d MB "
            "each, with the text. Go back, choose fewer or smaller files and send it again.",
            n=config["UPLOADS_PER_POST"],
            mb=config["UPLOAD_MAX_MB"],
        )
        return _render(413, message=message)
    return _render(413)


def _seconds_until_reset() -> int | None:
    window = limiter.current_limit
    return max(1, int(window.reset_at - time.time())) if window else None


def _too_many(error: HTTPException):
    """A rate limit: when to try again, the limit's own words if it has some, the typed text."""
    limit = getattr(error, "limit", None)
    message = error.description if limit is not None and limit.error_message else None
    return _render(429, message=message, retry_after=_seconds_until_reset(), kept_text=_typed())


def _typed() -> str:
    """The text of a refused post, handed back so that nothing typed is lost."""
    if request.method != "POST":
        return ""
    try:
        return request.form.get("body", "")
    except HTTPException:  # an oversized body: nothing to hand back
        return ""


def _csrf_error(error: CSRFError):
    return _render(
        400,
        title=_l("This form has expired"),
        message=_l(
            "The form was not sent with a valid security token, perhaps because it was open "
            "for a long time or you logged in again elsewhere. Go back, reload the page and "
            "send it again."
        ),
        kept_text=_typed(),
    )


def _denied(error: Denied):
    return _render(403, message=error.reason)


NUMERIC_VALUE_OUT_OF_RANGE = "22003"  # PostgreSQL's SQLSTATE


def _out_of_range(error: Exception):
    """A number larger than the database takes, from a form, a query or a URL that no check
    caught: bad input, not a fault of the forum."""
    db.session.rollback()  # PostgreSQL refuses every statement after the failed one
    current_app.logger.warning("Out of range on %s %s: %s", request.method, request.path, error)
    return _render(400)


def _data_error(error: DataError):
    if getattr(error.orig, "sqlstate", None) == NUMERIC_VALUE_OUT_OF_RANGE:
        return _out_of_range(error)
    return _unexpected(error)


def _unexpected(error: Exception):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()  # so that the error page itself can read (a PostgreSQL abort)
    return _render(500)


def _render(code: int, title=None, message=None, **context):  # noqa: ANN001, ANN202
    default_title, default_message = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    title, message = title or default_title, message or default_message
    if wants_json():
        from forum.views.api.errors import CODES

        answer = {"status": code, "code": CODES.get(code, "error"), "message": str(message)}
        if not request.path.startswith("/api/"):  # the pages' scripts show the title too
            answer["error"] = str(title)
        response = jsonify(answer)
        response.status_code = code
        if context.get("retry_after"):
            response.headers["Retry-After"] = str(context["retry_after"])
        return response
    try:
        html = render_template(
            "errors/error.html", code=code, title=title, message=message, **context
        )
    except Exception:  # the error page itself failed: plain text rather than nothing
        current_app.logger.exception("Error page failed for %s", code)
        html = escape(f"{code} {title}. {message}")
    return make_response(html, code)


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")
