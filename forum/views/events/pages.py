"""The events list, one event's page, publishing or proposing an event, editing, approving,
cancelling, and its materials and report afterwards."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.forms import ActionForm
from forum.forms.events import MATERIAL_ROWS, EventForm, FollowUpForm
from forum.models import Event, EventStatus, Network
from forum.services import (
    ServiceError,
    browsing,
    events,
    events_pages,
    events_registration,
    resource_library,
)
from forum.services.events_pages import EventFilter
from forum.views.events import bp

EVENTS_PER_PAGE = 20
LIST_ARGS = ("network", "theme", "kind", "country", "month", "past", "page")


@bp.get("/events")
def index():  # noqa: ANN201
    shown = EventFilter.from_args(request.args)
    page = request.args.get("page", 1, type=int)
    listed = events_pages.listing(shown, max(page, 1), EVENTS_PER_PAGE)
    reader = current_user._get_current_object()
    return render_template(
        "events/index.html",
        listed=listed,
        shown=shown,
        networks=browsing.all_networks(),
        themes=browsing.all_themes(),
        when={
            e.id: events_pages.when(e, events_pages.reader_zone(reader, e)) for e in listed.items
        },
    )


@bp.get("/events/<int:event_id>")
def page(event_id: int):  # noqa: ANN201
    event = _visible(event_id)
    reader = current_user._get_current_object()
    zone = events_pages.reader_zone(reader, event)
    return render_template(
        "events/page.html",
        event=event,
        when=events_pages.when(event, zone),
        deadline=events_pages.moment_text(event.registration_deadline, zone),
        own_when=events_pages.when(event, event.time_zone),
        mine=events_registration.status_of(reader, event.id),
        is_past=events_pages.is_past(event),
        documents=resource_library.thread_documents(reader, event.thread_id)
        if event.thread_id
        else [],
    )


@bp.route("/n/<network_slug>/events/new", methods=["GET", "POST"])
@login_required
def new(network_slug: str):  # noqa: ANN201
    network = browsing.get_network(network_slug) or abort(404)
    reader = current_user._get_current_object()
    publishes = permissions.may("create_event", network, reader)
    if not publishes:
        permissions.require(reader, "propose_event", network)
    form = _event_form()
    if not form.is_submitted():
        form.time_zone.data = ""
    elif form.validate_on_submit():
        try:
            made = events.create(reader, network, form.fields())
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(
                _("The event is published.")
                if made.status == EventStatus.scheduled
                else _("Thank you: a moderator of the network will review your proposal."),
                "success",
            )
            return redirect(url_for("events.page", event_id=made.id))
    return _form_page(form, network, None, publishes)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):  # noqa: ANN201
    event = _visible(event_id)
    reader = current_user._get_current_object()
    permissions.require(reader, "manage_event", event)
    network = event.network  # kept: a refused save rolls back and expires the event
    form = _event_form()
    if not form.is_submitted():
        organiser = event.organiser_institution.slug if event.organiser_institution else ""
        form.start_from(events.fields_of(event, organiser))
    elif form.validate_on_submit():
        try:
            changed = events.update(reader, event, form.fields())
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("The event is saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("events.page", event_id=event.id))
    return _form_page(form, network, event, True)


@bp.post("/events/<int:event_id>/approve")
@login_required
def approve(event_id: int):  # noqa: ANN201
    return _act(event_id, events.approve, _("The event is approved and published."))


@bp.post("/events/<int:event_id>/cancel")
@login_required
def cancel(event_id: int):  # noqa: ANN201
    return _act(event_id, events.cancel, _("The event is cancelled; those registered are told."))


@bp.route("/events/<int:event_id>/follow-up", methods=["GET", "POST"])
@login_required
def follow_up(event_id: int):  # noqa: ANN201
    event = _visible(event_id)
    reader = current_user._get_current_object()
    permissions.require(reader, "organise_event", event)
    form = FollowUpForm()
    typed = request.form if form.is_submitted() else None
    rows = _material_rows(typed, event)
    if not form.is_submitted():
        form.report.data = event.report_source
    elif form.validate_on_submit():
        try:
            events.save_follow_up(reader, event, rows, form.report.data or "")
        except ServiceError as error:
            form.apply_service_error(error)
        else:
            flash(_("The materials and report are saved."), "success")
            return redirect(url_for("events.page", event_id=event.id))
    rows += [("", "")] * max(MATERIAL_ROWS - len(rows), 1)
    return render_template(
        "events/follow_up.html", form=form, event=event, rows=rows
    ), form.http_status


def _material_rows(typed, event: Event) -> list[tuple[str, str]]:  # noqa: ANN001
    if typed is None:
        return [(m.get("title", ""), m.get("url", "")) for m in event.materials]
    titles, urls = typed.getlist("material_title")[:50], typed.getlist("material_url")[:50]
    return [(t, u) for t, u in zip(titles, urls, strict=False)]


def _act(event_id: int, action, done: str):  # noqa: ANN001, ANN202
    event = _visible(event_id)
    reader = current_user._get_current_object()
    permissions.require(reader, "manage_event", event)
    if ActionForm().validate_on_submit():
        try:
            action(reader, event)
        except ServiceError as error:
            flash(str(error.message), "error")
            return page(event.id), 409
        flash(done, "success")
    return redirect(url_for("events.page", event_id=event.id))


def _visible(event_id: int) -> Event:
    """The event, or a 404 for one missing or a proposal the reader may not see."""
    event = events_pages.get(event_id)
    if event is None or not permissions.may("see_event", event):
        abort(404)
    return event


def _event_form() -> EventForm:
    return EventForm(browsing.all_themes(), events_pages.institution_choices())


def _form_page(form: EventForm, network: Network, event: Event | None, publishes: bool):  # noqa: ANN202
    return render_template(
        "events/form.html", form=form, network=network, event=event, publishes=publishes
    ), form.http_status
