"""The administrators' test message: proof that mail leaves the forum and arrives."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from forum.mail.compose import Letter, composer
from forum.models import MailOutbox, User


@composer("mail_check")
def mail_check(_rows: list[MailOutbox], _user: User | None) -> Letter:
    return Letter(
        subject=_("Test message from the OSH e-Forum"),
        template="mail_check",
        context={"mail_url_scheme": current_app.config["MAIL_URL"].partition(":")[0]},
    )
