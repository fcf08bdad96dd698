"""The versioned JSON API (/api/v1/...), over the same services and permissions as the pages.

Each operation is declared once (spec.operation) and the OpenAPI document is made from the
declarations (document.py). Members authenticate with personal access tokens (auth.py);
cookies are neither read nor set here, so no CSRF token is needed and none is asked for.
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, current_app, request
from flask.wrappers import Response
from flask_login import current_user

from forum import languages
from forum.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    from forum.views.api import auth, document, errors, people, places, reads, search, writes  # noqa: F401

    app.session_interface = auth.Sessions()
    csrf.exempt(bp)  # only because it ignores cookies: a browser's session is no authority here
    app.register_error_handler(errors.ApiError, errors.answer)
    app.register_blueprint(bp)
    app.register_blueprint(document.pages)
    app.after_request(_cross_origin)


@bp.before_request
def _authenticate() -> None:
    from forum.views.api import auth

    auth.authenticate()


@bp.after_request
def _conditional(response: Response) -> Response:
    """Reads carry an ETag of their body; asked again with If-None-Match, a 304."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    return response


def allowed_origins() -> set[str]:
    return set(re.split(r"[\s,]+", current_app.config["API_CORS_ORIGINS"].strip())) - {""}


def _cross_origin(response: Response) -> Response:
    """Off unless the operator lists origins (FORUM_API_CORS_ORIGINS); tokens, never cookies."""
    if not request.path.startswith("/api/"):
        return response
    origin = request.headers.get("Origin")
    if origin and origin in allowed_origins():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, Content-Type, If-None-Match, Accept-Language"
        )
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After, Content-Language"
        response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    response.vary.add("Authorization")  # a member's answer is theirs, a visitor's is everyone's
    # names and messages are in the reader's language (Accept-Language, else the default)
    response.vary.add("Accept-Language")
    response.headers["Content-Language"] = languages.current()
    if request.method == "OPTIONS" and response.status_code == 200:  # a preflight: no body
        response.status_code = 204
        response.set_data(b"")
        response.headers.pop("Content-Type", None)
    # a copy may be kept, to be asked again with its ETag (no-store would forbid the copy a
    # 304 revalidates); a member's answer is theirs, kept by no shared cache
    private = current_user.is_authenticated
    response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    return response
