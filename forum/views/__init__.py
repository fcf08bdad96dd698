"""Blueprints, one per area, and what every template can use."""

from __future__ import annotations

from flask import Flask, abort, current_app, has_request_context, request, url_for
from flask_babel import format_date, format_datetime, format_number, get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from forum import languages, permissions, reference, standing
from forum.forms import LARGEST_ID
from forum.forms.events import EVENT_KIND_LABELS
from forum.forms.threads import KIND_LABELS, SHOW_LABELS
from forum.template_urls import remembered_url_for
from forum.views import (
    admin,
    api,
    api_tokens,
    ask,
    attachments,
    auth,
    errors,
    events,
    experts,
    feeds,
    institutions,
    mail,
    main,
    moderation,
    notifications,
    profiles,
    resources,
    search,
    threads,
    topics,
    vocabulary_review,
)


class DatabaseId(IntegerConverter):
    """<int:...> in every route: past a 32-bit id there is nothing to find, so such a URL is a
    404 here instead of an out-of-range error from the database (PostgreSQL's integer)."""

    def __init__(self, url_map, *args, **kwargs) -> None:  # noqa: ANN001
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId  # before any rule is made with it
    for module in (
        main,
        threads,
        ask,
        auth,
        profiles,
        experts,
        search,
        moderation,
        admin,
        notifications,
        feeds,
        mail,
        institutions,
        attachments,
        resources,
        events,
        api_tokens,
        topics,
        vocabulary_review,
    ):
        app.register_blueprint(module.bp)
    api.init_app(app)
    errors.init_app(app)

    app.jinja_env.globals.update(
        get_locale=get_locale,
        format_date=format_date,
        format_datetime=format_datetime,
        short_datetime=languages.short_datetime,
        format_number=format_number,
        may=permissions.may,
        refusal=permissions.refusal,
        kind_labels=KIND_LABELS,
        event_kind_labels=EVENT_KIND_LABELS,
        show_labels=SHOW_LABELS,
        control_labels=reference.CONTROL_LABELS,
        institution_kind_labels=reference.INSTITUTION_KIND_LABELS,
        file_kind_labels=reference.FILE_KIND_LABELS,
        network_role_labels=reference.NETWORK_ROLE_LABELS,
        capacity_kind_labels=reference.CAPACITY_KIND_LABELS,
        isic_sections=reference.ISIC_SECTIONS,
        country_name=reference.country_name,
        page_url=page_url,
        interface_languages=languages.LANGUAGES,
        interface_language=languages.current,
        text_direction=languages.direction,
        csrf_field=csrf_field,
        url_for=remembered_url_for(app),
    )
    app.jinja_env.filters["isolate"] = languages.isolate
    app.jinja_env.filters["bdi"] = languages.bdi
    app.jinja_env.filters["language_name"] = lambda code: reference.languages().get(code, code)
    app.context_processor(_header)
    app.before_request(_refuse_nul_bytes)
    app.after_request(_security_headers)


def page_url(number: int) -> str:
    """The current page's URL with another page number, keeping its other arguments."""
    args = {**request.view_args, **request.args.to_dict(), "page": number}
    if number == 1:
        args.pop("page")
    return url_for(request.endpoint, **args)


def csrf_field() -> Markup:
    """The CSRF token of a form with no other fields (log out, vote, watch): a WTForms form
    for each costs more than the rest of such a button, and a thread page has dozens."""
    return Markup('<input name="csrf_token" type="hidden" value="%s">') % generate_csrf()


def _header() -> dict[str, object]:
    """What every member's page header shows, read before the page is rendered: (unread
    notifications, open reports or None for those who moderate nowhere). The same reading
    (standing) answers what templates ask of permissions."""
    if not has_request_context() or not current_user.is_authenticated:
        return {}
    mine = standing.of(current_user)
    moderates = mine.moderated_network_ids or current_user.is_admin
    return {"header_counts": (mine.unread_notifications, mine.open_reports if moderates else None)}


def _refuse_nul_bytes() -> None:
    """No text in the forum holds NUL (PostgreSQL cannot store it): such a URL names nothing."""
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in key + value for key, value in request.args.items(multi=True)):
        abort(400)


# Sent with every answer, the server's own error pages included (forum/server.py).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# answers that say themselves how a browser keeps them (forum/views/attachments.py)
PRIVATELY_CACHED = {"static", "attachments.download", "attachments.thumbnail"}


def _security_headers(response):  # noqa: ANN001, ANN202
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["SECURE_COOKIES"]:  # served over HTTPS: browsers keep to it
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if (
        request.endpoint not in PRIVATELY_CACHED
        and current_user.is_authenticated
        and not request.path.startswith("/api/")  # the API's say it (forum/views/api/)
    ):
        # A member's page is theirs alone: no shared cache or back-button copy keeps it.
        response.headers["Cache-Control"] = "private, no-store"
    return response
