"""The institution directory (/institutions) and a country's page (/countries/<code>)."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from forum import languages, permissions, reference
from forum.forms.institution_directory import InstitutionDirectoryForm
from forum.models.institutions import CapacityKind, InstitutionKind
from forum.page_cache import for_visitors
from forum.services import browsing, experts
from forum.services import institution_directory as found
from forum.views.institutions import bp

FILTERS = ("q", "country", "kind", "network", "theme", "capacity")


@bp.get("/institutions")
@for_visitors(reads=("page", *FILTERS), shows="site")
def directory():  # noqa: ANN201
    themes, networks = browsing.all_themes(), browsing.all_networks()
    form = InstitutionDirectoryForm(themes, networks, formdata=request.args)
    form.validate()
    kind, capacity = form.accepted("kind"), form.accepted("capacity")
    criteria = found.InstitutionFilter(
        country=form.accepted("country"),
        kind=InstitutionKind(kind) if kind else None,
        network=next((n for n in networks if n.slug == form.accepted("network")), None),
        theme=next((t for t in themes if t.slug == form.accepted("theme")), None),
        capacity=CapacityKind(capacity) if capacity else None,
        text="" if form.q.errors else (form.q.data or "").strip(),
    )
    institutions, counts = found.directory(
        criteria,
        request.args.get("page", 1, type=int),
        current_app.config["THREADS_PER_PAGE"],
        languages.current(),
    )
    form.show_counts(
        counts,
        {
            "network": {n.slug: str(n.id) for n in networks},
            "theme": {t.slug: str(t.id) for t in themes},
        },
    )
    return render_template(
        "institutions/directory.html",
        form=form,
        institutions=institutions,
        criteria=criteria,
        # moderators add institutions to their networks, admins anywhere
        may_add=permissions.may("create_institution", set()),
    )


@bp.get("/countries/<code>")
@for_visitors(shows="lists")  # its recent threads too
def country(code: str):  # noqa: ANN201
    if code.upper() not in reference.countries():
        abort(404)
    if code != code.upper():
        return redirect(url_for(".country", code=code.upper()), 301)
    shown = found.country_page(code, languages.current())
    expertise = experts.expertise_of([m.id for m in shown.experts.items])
    return render_template("institutions/country.html", shown=shown, expertise=expertise)
