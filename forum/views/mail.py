"""Mail seen from the web: the administrators' view of the outbox, and the unsubscribe links
in every message."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.extensions import csrf
from forum.forms import ActionForm
from forum.forms.notifications import MAIL_KIND_LABELS
from forum.services import mail_choices, mail_status

bp = Blueprint("mail", __name__)


@bp.get("/admin/mail")
@login_required
def outbox_page():
    permissions.require(current_user, "administer")
    return render_template("admin/mail.html", status=mail_status.overview(), form=ActionForm())


@bp.post("/admin/mail/retry")
@login_required
def retry():
    permissions.require(current_user, "administer")
    if ActionForm().validate_on_submit():
        count = mail_status.retry_failed()
        flash(_("Messages to send again: %(n)d.", n=count), "success")
    return redirect(url_for("mail.outbox_page"))


@bp.post("/admin/mail/check")
@login_required
def check():
    permissions.require(current_user, "administer")
    if ActionForm().validate_on_submit():
        mail_status.send_check(current_user)
        flash(_("A test message is on its way to your address."), "success")
    return redirect(url_for("mail.outbox_page"))


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail clients post it in one click (RFC 8058)
def unsubscribe(token: str):
    """GET asks (mail scanners fetch links: a GET changes nothing); POST turns the kind off,
    from the page's button or from a mail client's List-Unsubscribe-Post."""
    found = mail_choices.read_unsubscribe(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 400
    member, kind = found
    what = MAIL_KIND_LABELS[kind]
    done = request.method == "POST"
    if done:
        mail_choices.unsubscribe(member, kind)
    return render_template(
        "notifications/unsubscribe.html", invalid=False, done=done, what=what, token=token
    )
