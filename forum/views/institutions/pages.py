"""An institution's page, and adding and editing institutions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions, standing
from forum.forms.institutions import (
    BLANK_CAPACITY_ROWS,
    CapacityRow,
    ClaimForm,
    InstitutionForm,
    read_capacity_rows,
    read_network_rows,
)
from forum.models import Institution, User
from forum.page_cache import for_visitors
from forum.services import ServiceError, browsing, institution_pages, institutions
from forum.services.institutions import DuplicateInstitution
from forum.views.institutions import bp


@bp.get("/institutions/<slug>")
@for_visitors(shows="lists")
def page(slug: str):  # noqa: ANN201
    institution = institution_pages.find(slug) or abort(404)
    # a visitor's page holds no form (no CSRF token): it is kept for the next visitor
    return render_page(institution, ClaimForm() if current_user.is_authenticated else None)


def render_page(institution: Institution, claim_form: ClaimForm | None, status: int = 200):  # noqa: ANN201
    reader = current_user._get_current_object()
    shown = institution_pages.page(institution, reader)
    return render_template("institutions/page.html", shown=shown, claim_form=claim_form), status


@bp.route("/institutions/new", methods=["GET", "POST"])
@login_required
def new():  # noqa: ANN201
    reader = current_user._get_current_object()
    permissions.require(reader, "create_institution", set())
    offered = [(n.slug, n.display_short_name, True) for n in _placeable(reader)]
    form = InstitutionForm()
    typed = request.form if form.is_submitted() else None
    form.network_rows = read_network_rows(typed, offered, {})
    if _read_rows(form) and form.validate_on_submit():
        try:
            made = institutions.create(reader, form.fields())
        except ServiceError as error:
            return _refused(form, error, None)
        flash(_("The institution is added."), "success")
        return redirect(url_for("institutions.page", slug=made.slug))
    return _form_page(form, None)


@bp.route("/institutions/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):  # noqa: ANN201
    institution = institution_pages.find(slug) or abort(404)
    reader = current_user._get_current_object()
    permissions.require(reader, "edit_institution", institution)
    current = institutions.fields_of(institution)
    placeable = {n.slug for n in _placeable(reader)}
    offered = [
        (n.slug, n.display_short_name, n.slug in placeable)
        for n in browsing.all_networks()
        if n.slug in placeable or n.slug in current.networks
    ]
    form = InstitutionForm()
    form.network_rows = read_network_rows(
        request.form if form.is_submitted() else None, offered, current.networks
    )
    if not form.is_submitted():
        form.start_from(current)
    elif _read_rows(form) and form.validate_on_submit():
        try:
            changed = institutions.update(reader, institution, form.fields())
        except ServiceError as error:
            return _refused(form, error, institution)
        flash(_("The page is saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for("institutions.page", slug=institution.slug))
    return _form_page(form, institution)


def _placeable(reader: User) -> list:
    """The networks this reader may place an institution in: those they moderate, or all."""
    networks = browsing.all_networks()
    if reader.is_admin:
        return list(networks)
    moderated = standing.of(reader).moderated_network_ids
    return [n for n in networks if n.id in moderated]


def _read_rows(form: InstitutionForm) -> bool:
    """The capacity rows as typed (kept whatever else is refused); False for a half row."""
    if not form.is_submitted():
        return False
    form.capacity_rows, refusal = read_capacity_rows(request.form)
    if refusal is not None:
        form.group_errors.setdefault("capacities", []).append(refusal)
        return False
    return True


def _refused(form: InstitutionForm, error: ServiceError, institution: Institution | None):  # noqa: ANN202
    """The form again, as typed, with the refusal where it belongs: 409 for a duplicate (the
    existing one is linked), 422 for anything else."""
    form.apply_service_error(error)
    page, status = _form_page(form, institution)
    return page, 409 if isinstance(error, DuplicateInstitution) else status


def _form_page(form: InstitutionForm, institution: Institution | None):  # noqa: ANN202
    rows = [*form.capacity_rows, *(CapacityRow() for _ in range(BLANK_CAPACITY_ROWS))]
    form.keep_unknown_choices()
    status = form.http_status
    if form.group_errors:
        status = 422
    return render_template(
        "institutions/form.html",
        form=form,
        institution=institution,
        capacity_rows=rows,
        themes=browsing.all_themes(),
    ), status
