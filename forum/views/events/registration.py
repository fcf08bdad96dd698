"""Registering for an event and cancelling (POST only); the organisers' list and its CSV."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.forms import ActionForm
from forum.models import RegistrationStatus
from forum.services import events_pages, events_registration
from forum.views.events import bp
from forum.views.events.pages import _visible


@bp.post("/events/<int:event_id>/register")
@login_required
def register(event_id: int):  # noqa: ANN201
    event = _visible(event_id)
    reader = current_user._get_current_object()
    permissions.require(reader, "register_event", event)
    if ActionForm().validate_on_submit():
        status = events_registration.register(reader, event)
        if status == RegistrationStatus.registered:
            flash(_("You are registered."), "success")
        else:
            flash(
                _(
                    "The event is full: you are on the waiting list, and will be told if a "
                    "place frees."
                ),
                "info",
            )
    return redirect(url_for("events.page", event_id=event.id))


@bp.post("/events/<int:event_id>/unregister")
@login_required
def unregister(event_id: int):  # noqa: ANN201
    event = _visible(event_id)
    reader = current_user._get_current_object()
    permissions.require(reader, "unregister_event", event)
    if ActionForm().validate_on_submit() and events_registration.unregister(reader, event):
        flash(_("Your registration is cancelled."), "info")
    return redirect(url_for("events.page", event_id=event.id))


@bp.get("/events/<int:event_id>/registrations")
@login_required
def registrations(event_id: int):  # noqa: ANN201
    event = _visible(event_id)
    permissions.require(current_user._get_current_object(), "organise_event", event)
    return render_template(
        "events/registrations.html", event=event, people=events_pages.registrations(event)
    )


@bp.get("/events/<int:event_id>/registrations.csv")
@login_required
def registrations_csv(event_id: int):  # noqa: ANN201
    event = _visible(event_id)
    permissions.require(current_user._get_current_object(), "organise_event", event)
    with_email = permissions.may("manage_event", event)
    response = current_app.response_class(
        events_pages.registrations_csv(event, with_email), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="event-{event.id}-registrations.csv"'
    )
    return response
