"""E-mail: composing (templates/mail/, per language), the mail outbox and its sender, and
inbound replies. Services queue mail with forum.mail.outbox.queue() in their transaction."""

from __future__ import annotations

from flask import Flask

from forum.extensions import mail
from forum.mail import transport

# each module registers the composers of its kinds of mail
from forum.mail import checks  # noqa: E402, F401  isort: skip
from forum.mail import notification_letters  # noqa: E402, F401  isort: skip
from forum.mail import digest_letters  # noqa: E402, F401  isort: skip
from forum.mail import account_letters  # noqa: E402, F401  isort: skip
from forum.mail import refusal_letters  # noqa: E402, F401  isort: skip


def init_app(app: Flask) -> None:
    app.config.update(transport.settings(app.config["MAIL_URL"], app.instance_path))
    app.config["MAIL_DEFAULT_SENDER"] = app.config["MAIL_FROM"]
    mail.init_app(app)
    if app.config["MAIL_BACKEND"] == "smtp" and not app.config["BASE_URL"]:
        app.logger.warning(
            "FORUM_BASE_URL is not set: links in mail will point at http://127.0.0.1:5000"
        )
