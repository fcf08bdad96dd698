"""Public member pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from forum.services import accounts, browsing

bp = Blueprint("profiles", __name__, url_prefix="/u")


@bp.get("/<username>")
def show(username: str):
    user = accounts.find_user(username) or abort(404)
    return render_template("profiles/show.html", user=user, threads=browsing.user_threads(user.id))
