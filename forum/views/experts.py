"""The expert directory, and the questions waiting for a member's expertise."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from forum.forms.experts import DirectoryForm
from forum.languages import lazy_gettext as _l
from forum.models.institutions import Institution
from forum.page_cache import for_visitors
from forum.services import browsing, experts, institution_pages, qa
from forum.services.browsing import Page
from forum.services.experts import DirectoryFilter

bp = Blueprint("experts", __name__)


@bp.get("/experts")
@for_visitors(
    reads=("page", "q", "theme", "country", "network", "verified", "institution"), shows="site"
)
def directory():
    form, members, expertise, institution = _read_directory()
    return render_template(
        "experts/directory.html",
        form=form,
        members=members,
        expertise=expertise,
        institution=institution,
        every_institution=url_for(
            "experts.directory", **{k: v for k, v in request.args.items() if k != "institution"}
        ),
    )


def _read_directory() -> tuple[DirectoryForm, Page, dict, Institution | None]:
    """The filters as asked (unknown choices shown as errors and ignored), one page of
    members, and their expertise."""
    themes, networks = browsing.all_themes(), browsing.all_networks()
    form = DirectoryForm(themes, networks, formdata=request.args)
    form.validate()
    institution = None
    if form.institution.data and not form.institution.errors:
        institution = institution_pages.find(form.institution.data)
        if institution is None:
            form.institution.errors = [_l("There is no such institution: it is not filtered by.")]
    criteria = DirectoryFilter(
        theme=next(
            (t for t in themes if t.slug == form.theme.data and not form.theme.errors), None
        ),
        network=next(
            (n for n in networks if n.slug == form.network.data and not form.network.errors), None
        ),
        country=form.country.data if form.country.data and not form.country.errors else None,
        verified_only=bool(form.verified.data),
        text="" if form.q.errors else (form.q.data or "").strip(),
        institution_id=institution.id if institution else None,
    )
    members = experts.directory(
        criteria, request.args.get("page", 1, type=int), current_app.config["THREADS_PER_PAGE"]
    )
    return form, members, experts.expertise_of([m.id for m in members.items]), institution


@bp.get("/unanswered")
@login_required
def unanswered():
    """Open questions in the member's themes, verified themes first, oldest first."""
    threads = qa.unanswered_page(
        current_user, request.args.get("page", 1, type=int), current_app.config["THREADS_PER_PAGE"]
    )
    return render_template("experts/unanswered.html", threads=threads)
