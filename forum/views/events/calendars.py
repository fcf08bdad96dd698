"""iCalendar: one event's .ics, the feeds of a network and a theme, and a member's private
feed of their registrations (its address renewed or revoked from the events page)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.forms import ActionForm
from forum.forms.events import TimeZoneForm
from forum.public_urls import public_url
from forum.services import ServiceError, browsing, events_calendar
from forum.views.events import bp
from forum.views.events.pages import _visible


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):  # noqa: ANN201
    event = _visible(event_id)
    return _ics(events_calendar.calendar([event], event.title), f"event-{event.id}.ics")


@bp.get("/n/<network_slug>/events.ics")
def network_ics(network_slug: str):  # noqa: ANN201
    network = browsing.get_network(network_slug) or abort(404)
    shown = events_calendar.network_events(network.id)
    return _ics(events_calendar.calendar(shown, network.display_short_name), f"{network.slug}.ics")


@bp.get("/themes/<theme_slug>/events.ics")
def theme_ics(theme_slug: str):  # noqa: ANN201
    theme = browsing.get_theme(theme_slug) or abort(404)
    shown = events_calendar.theme_events(theme.id)
    return _ics(events_calendar.calendar(shown, theme.display_name), f"{theme.slug}.ics")


@bp.get("/events/feed/<token>.ics")
def member_ics(token: str):  # noqa: ANN201
    """The token is the authority: anyone holding the address reads that member's calendar."""
    member = events_calendar.feed_owner(token) or abort(404)
    shown = events_calendar.member_events(member.id)
    return _ics(events_calendar.calendar(shown, _("My events")), "my-events.ics")


@bp.get("/events/calendar")
@login_required
def my_calendar():  # noqa: ANN201
    form = TimeZoneForm(time_zone=current_user.time_zone)
    return _calendar_page(form)


@bp.post("/events/time-zone")
@login_required
def time_zone():  # noqa: ANN201
    form = TimeZoneForm()
    if form.validate_on_submit():
        try:
            events_calendar.set_time_zone(
                current_user._get_current_object(), form.time_zone.data or ""
            )
        except ServiceError as error:
            form.apply_service_error(error)
            return _calendar_page(form), 422
        flash(_("Your time zone is saved."), "success")
    return redirect(url_for("events.my_calendar"))


def _calendar_page(form: TimeZoneForm) -> str:
    token = events_calendar.feed_token(current_user._get_current_object())
    address = public_url("events.member_ics", token=token) if token else None
    return render_template("events/calendar.html", address=address, zone_form=form)


@bp.post("/events/calendar/renew")
@login_required
def renew_feed():  # noqa: ANN201
    if ActionForm().validate_on_submit():
        events_calendar.renew_feed(current_user._get_current_object())
        flash(_("Your calendar has a new private address; the old one no longer works."), "success")
    return redirect(url_for("events.my_calendar"))


@bp.post("/events/calendar/revoke")
@login_required
def revoke_feed():  # noqa: ANN201
    if ActionForm().validate_on_submit() and events_calendar.revoke_feed(
        current_user._get_current_object()
    ):
        flash(_("Your calendar's private address no longer works."), "info")
    return redirect(url_for("events.my_calendar"))


def _ics(body: bytes, filename: str):  # noqa: ANN202
    response = current_app.response_class(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
