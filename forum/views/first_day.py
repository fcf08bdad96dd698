"""A new member's first-day allowance, as every web composer answers it: before posting, a
spent allowance is a refusal on the form (which keeps the title and text) saying when they
can post again; after a post, the allowance is counted."""

from __future__ import annotations

from flask import jsonify, make_response
from flask.wrappers import Response
from flask_login import current_user

from forum.forms import ForumForm
from forum.limits import FirstDay, Spent
from forum.views.errors import MESSAGES, wants_json


def spent(allowance: FirstDay, form: ForumForm) -> Spent | None:
    """None when the member may post now; else the refusal is on the form."""
    found = allowance.spent(current_user)
    if found is not None:
        form.form_errors.append(allowance.refusal(found))
    return found


def answer(html: str, form: ForumForm, refused: Spent | None) -> Response:
    """The composer page as rendered; when the allowance refused the post, a 429 with
    Retry-After (JSON for scripts, like every other refusal)."""
    if refused is None:
        return make_response(html, form.http_status)
    if wants_json():
        response = jsonify(error=str(MESSAGES[429][0]), message=str(form.form_errors[-1]))
    else:
        response = make_response(html)
    response.status_code = 429
    response.headers["Retry-After"] = str(refused.retry_after)
    return response
