"""A member's personal access tokens for the JSON API: made, named, scoped and revoked here,
with the cookie session and CSRF like every other settings page. A new token is shown once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.forms import ActionForm
from forum.forms.api_tokens import NewTokenForm
from forum.services import ServiceError, api_tokens

bp = Blueprint("api_tokens", __name__)


@bp.route("/profile/api-tokens", methods=["GET", "POST"])
@login_required
def index():
    form, made = NewTokenForm(), None
    if form.validate_on_submit():
        try:
            token, made = api_tokens.create(current_user, form.name.data, form.write.data)
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            form = NewTokenForm(formdata=None)
            flash(_("Copy your new token now: it is not shown again."), "success")
    return render_template(
        "profiles/api_tokens.html",
        form=form,
        made=made,
        tokens=api_tokens.tokens_of(current_user),
        revoke_form=ActionForm(),
    ), form.http_status


@bp.post("/profile/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if ActionForm().validate_on_submit():
        if not api_tokens.revoke(current_user, token_id):
            abort(404)
        flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("api_tokens.index"))
