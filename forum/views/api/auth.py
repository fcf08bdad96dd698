"""Who calls the API: the member whose personal access token comes as `Authorization:
Bearer`, or nobody. Cookies are never read or written under /api/ (see `Sessions`), so a
page on another site cannot act with a member's browser session: no CSRF token is needed.
The token is checked on every request, never remembered: a revoked token, or a banned
member's, is refused at once."""

from __future__ import annotations

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from forum import standing
from forum.extensions import login_manager
from forum.languages import lazy_gettext as _l
from forum.services import api_tokens
from forum.views.api.errors import ApiError

PREFIX = "/api/"


def is_api(path: str) -> bool:
    return path.startswith(PREFIX)


class Sessions(SecureCookieSessionInterface):
    """The cookie session everywhere but under /api/: there an empty one, never saved."""

    def open_session(self, app: Flask, request):  # noqa: ANN001, ANN201
        if is_api(request.path):
            # nobody until the token says otherwise: Flask-Login must not fall back to the
            # session or the remember-me cookie
            g._login_user = login_manager.anonymous_user()
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:  # noqa: ANN001
        if is_api(request.path):
            return
        super().save_session(app, session, response)


def authenticate() -> None:
    """Before every API request: the token's member, or a 401 for a bad token."""
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiError(401, "unauthorized", _l("Send the token as: Authorization: Bearer <token>"))
    found = api_tokens.authenticate(raw.strip())
    if found is None:
        raise ApiError(401, "unauthorized", _l("This token is not known, or it was revoked."))
    user, token = found
    ban = standing.of(user).ban
    if ban is not None:
        raise ApiError(
            403,
            "banned",
            _l("You are banned from the forum. Reason: %(reason)s", reason=ban.reason),
        )
    g._login_user = user
    g.api_token = token


def require(access: str) -> None:
    """ "public": anyone; "member": any token; "write": a token with the write scope."""
    if access == "public":
        return
    if not current_user.is_authenticated:
        raise ApiError(401, "unauthorized", _l("Send a personal access token for this."))
    if access == "write" and not g.api_token.may_write:
        raise ApiError(
            403, "insufficient_scope", _l("This token may only read: make one that may write.")
        )
