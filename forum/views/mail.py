"""Mail seen from the web: the administrators' view of the outbox."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.forms import ActionForm
from forum.services import mail_status

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
        flash(_("%(n)d messages will be sent again.", n=count), "success")
    return redirect(url_for("mail.outbox_page"))


@bp.post("/admin/mail/check")
@login_required
def check():
    permissions.require(current_user, "administer")
    if ActionForm().validate_on_submit():
        mail_status.send_check(current_user)
        flash(_("A test message is on its way to your address."), "success")
    return redirect(url_for("mail.outbox_page"))
