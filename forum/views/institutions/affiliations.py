"""Members' affiliations: "I work here", withdrawing it, confirming or declining a request,
and choosing an institution's managers. POST only, CSRF-checked; each answers with the
institution's page."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.forms import ActionForm
from forum.forms.institutions import ClaimForm
from forum.models import Affiliation, Institution
from forum.services import ServiceError, affiliations, institution_pages
from forum.views.institutions import bp
from forum.views.institutions.pages import render_page


@bp.post("/institutions/<slug>/affiliation")
@login_required
def claim(slug: str):  # noqa: ANN201
    institution = institution_pages.find(slug) or abort(404)
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            affiliations.claim(current_user._get_current_object(), institution, form.position.data)
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(
                _("Your request is sent: the institution's managers or moderators confirm it."),
                "success",
            )
            return _back(institution)
    return render_page(institution, form, 422)


@bp.post("/institutions/<slug>/affiliation/withdraw")
@login_required
def withdraw(slug: str):  # noqa: ANN201
    institution = institution_pages.find(slug) or abort(404)
    if ActionForm().validate_on_submit() and affiliations.withdraw(
        current_user._get_current_object(), institution
    ):
        flash(_("You are no longer listed as working here."), "info")
    return _back(institution)


@bp.post("/institutions/<slug>/affiliations/<int:user_id>/confirm")
@login_required
def confirm(slug: str, user_id: int):  # noqa: ANN201
    return _decide(slug, user_id, "confirm")


@bp.post("/institutions/<slug>/affiliations/<int:user_id>/decline")
@login_required
def decline(slug: str, user_id: int):  # noqa: ANN201
    return _decide(slug, user_id, "decline")


@bp.post("/institutions/<slug>/affiliations/<int:user_id>/remove")
@login_required
def remove(slug: str, user_id: int):  # noqa: ANN201
    return _decide(slug, user_id, "remove")


@bp.post("/institutions/<slug>/managers/<int:user_id>")
@login_required
def appoint(slug: str, user_id: int):  # noqa: ANN201
    return _decide(slug, user_id, "appoint")


@bp.post("/institutions/<slug>/managers/<int:user_id>/remove")
@login_required
def unappoint(slug: str, user_id: int):  # noqa: ANN201
    return _decide(slug, user_id, "unappoint")


_DONE = {
    "confirm": lambda: _("The affiliation is confirmed."),
    "decline": lambda: _("The request is declined."),
    "remove": lambda: _("The member is no longer listed as working here."),
    "appoint": lambda: _("The member is now a manager of this institution."),
    "unappoint": lambda: _("The member is no longer a manager of this institution."),
}


def _decide(slug: str, user_id: int, what: str):  # noqa: ANN202
    institution = institution_pages.find(slug) or abort(404)
    affiliation: Affiliation = affiliations.request_of(institution, user_id) or abort(404)
    if not ActionForm().validate_on_submit():
        return _back(institution)
    actor = current_user._get_current_object()
    try:
        if what == "confirm":
            affiliations.confirm(actor, affiliation)
        elif what == "decline":
            affiliations.decline(actor, affiliation)
        elif what == "remove":
            affiliations.remove(actor, affiliation)
        else:
            affiliations.set_manager(actor, affiliation, manager=what == "appoint")
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_DONE[what](), "success")
    return _back(institution)


def _back(institution: Institution):  # noqa: ANN202
    return redirect(url_for("institutions.page", slug=institution.slug))
