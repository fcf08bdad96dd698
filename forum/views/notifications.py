"""The inbox, notification settings, and watching or muting threads and boards."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.extensions import db
from forum.forms import ActionForm
from forum.forms.notifications import KIND_LABELS, SettingsForm, mail_field
from forum.languages import lazy_gettext as _l
from forum.mail import settings as mail_settings
from forum.models import Board, Notification
from forum.services import browsing, inbox, mail_choices
from forum.services.browsing import Page

bp = Blueprint("notifications", __name__)
logger = logging.getLogger(__name__)

WATCH_DONE = {
    "watch": _l("You will hear about new activity here."),
    "mute": _l("Muted: you will not hear about this any more."),
    "none": _l("Back to the default: you hear about it only when you take part."),
}


@bp.after_app_request
def _note_visit(response):  # noqa: ANN001, ANN202
    """A member who visits is not sent a digest of what they saw: remember the visit, at
    most once every few minutes, and only for a request that loaded the member anyway."""
    user = g.get("_login_user")
    if user is not None and user.is_authenticated and response.status_code < 400:
        try:
            mail_choices.note_seen(user)
        except Exception:  # a busy database: the next visit notes it
            logger.warning("could not note a visit", exc_info=True)
    return response


@bp.get("/notifications")
@login_required
def inbox_page():
    page, items = _read_page()
    return render_template("notifications/inbox.html", page=page, items=items)


def _read_page() -> tuple[Page, list[tuple[Notification, str]]]:
    page = inbox.listing(
        current_user.id,
        request.args.get("page", 1, type=int),
        current_app.config["THREADS_PER_PAGE"],
    )
    return page, [(n, inbox.sentence(n)) for n in page.items]


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    """Following a notification marks it read."""
    notification = inbox.get_own(current_user, notification_id) or abort(404)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("notifications.inbox_page"))
    inbox.mark_read(current_user, [notification.id])
    notification = inbox.load([notification.id])[0]
    return redirect(inbox.destination(notification))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if ActionForm().validate_on_submit():
        inbox.mark_read(current_user)
        flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.inbox_page"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.kinds.data = [k for k in KIND_LABELS if k not in current_user.muted_kinds]
        expert = mail_choices.is_verified_expert(current_user)
        for kind, value in mail_choices.shown_choices(current_user, expert).items():
            getattr(form, mail_field(kind)).data = value
        form.digest_every.data = current_user.digest_every or mail_settings.DIGEST_DEFAULT
    elif form.validate_on_submit():
        wanted = set(form.kinds.data or [])
        inbox.set_muted_kinds(current_user, [k for k in KIND_LABELS if k not in wanted])
        mail_choices.save_choices(current_user, form.mail_choices(), form.digest_every.data)
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form), form.http_status


@bp.post("/threads/<int:thread_id>/watch/<any(watch, mute, none):state>")
@login_required
def watch_thread(thread_id: int, state: str):
    thread = browsing.get_thread(thread_id)
    if thread is None or thread.is_deleted:
        abort(404)
    if ActionForm().validate_on_submit():
        inbox.set_watch(current_user, thread=thread, state=state)
        flash(WATCH_DONE[state], "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.post("/boards/<int:board_id>/watch/<any(watch, mute, none):state>")
@login_required
def watch_board(board_id: int, state: str):
    board = db.session.get(Board, board_id) or abort(404)
    if ActionForm().validate_on_submit():
        inbox.set_watch(current_user, board=board, state=state)
        flash(WATCH_DONE[state], "success")
    return redirect(
        url_for("main.board", network_slug=board.network.slug, theme_slug=board.theme.slug)
    )
