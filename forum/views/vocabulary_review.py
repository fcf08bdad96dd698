"""The vocabulary's upkeep: the searches that found nothing (network moderators and admins),
the labels they propose, and the admins' review of the proposals. The data files stay the
source of truth: nothing here changes them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import languages, permissions
from forum.forms import ActionForm
from forum.forms.topics import ProposalForm
from forum.models.topics import MISS_QUERY_MAX
from forum.services import ServiceError, label_proposals, search_misses

bp = Blueprint("vocabulary_review", __name__)


@bp.get("/mod/searches")
@login_required
def searches():
    """The most frequent searches that found nothing, per language, over 30 or 90 days."""
    permissions.require(current_user, "review_searches")
    days = request.args.get("days", search_misses.PERIODS[0], type=int)
    days = days if days in search_misses.PERIODS else search_misses.PERIODS[0]
    # "Propose a label" on a row of the report: the form filled with its words and language
    words = " ".join(request.args.get("words", "").split())[:MISS_QUERY_MAX]
    language = request.args.get("language", "")
    language = language if languages.is_supported(language) else languages.current()
    form = ProposalForm(language=language, label=words, query=words)
    return _report(form, days)


@bp.post("/mod/searches/propose")
@login_required
def propose():
    permissions.require(current_user, "review_searches")
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            label_proposals.propose(
                current_user,
                form.concept.data or "",
                form.language.data or "",
                form.label.data or "",
                form.kind.data or "alt",
                form.note.data or "",
                form.query.data or "",
            )
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("Your proposal is saved for the vocabulary's reviewers."), "success")
            return redirect(url_for("vocabulary_review.searches"))
    return _report(form, search_misses.PERIODS[0])


@bp.get("/mod/vocabulary")
@login_required
def proposals():
    permissions.require(current_user, "decide_proposals")
    return render_template(
        "topics/proposals.html", proposals=label_proposals.listed(), form=ActionForm()
    )


@bp.post("/mod/vocabulary/<int:proposal_id>/<any(done, declined, open):status>")
@login_required
def decide(proposal_id: int, status: str):
    permissions.require(current_user, "decide_proposals")
    proposal = label_proposals.get(proposal_id) or abort(404)
    if ActionForm().validate_on_submit():
        label_proposals.decide(current_user, proposal, status)
        flash(_("The proposal is marked."), "success")
    return redirect(url_for("vocabulary_review.proposals"))


def _report(form: ProposalForm, days: int):  # noqa: ANN202
    return render_template(
        "topics/searches.html",
        report=search_misses.report(days),
        days=days,
        periods=search_misses.PERIODS,
        form=form,
        may_decide=permissions.may("decide_proposals"),
    ), form.http_status
