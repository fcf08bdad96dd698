"""The answer to a reply by e-mail that was not posted: why, in a few words.

Queued by forum.mail.inbound (kind "refusal", an account kind: it goes to the From address of
the refused message), in the member's language when the sender is a member. It answers the
message (In-Reply-To) and says it is an automatic answer (Auto-Submitted: auto-replied), so
that well-behaved auto-responders do not answer it in turn.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from forum.languages import lazy_gettext as _l
from forum.mail import tokens
from forum.mail.compose import Letter, composer
from forum.models import MailOutbox, User

REASONS = {
    "bad_token": _l(
        "The address you wrote to is not a reply address of the forum, or it is older than "
        "%(days)d days. Reply to a newer e-mail from the forum, or post on the website.",
        days=tokens.REPLY_DAYS,
    ),
    "bad_sender": _l(
        "Replies are accepted only from the confirmed e-mail address of the member the "
        "forum wrote to. Send your reply from that address, or post on the website."
    ),
    "empty": _l("We found no new text above the quoted message. Write your reply at the top."),
    "too_long": _l("Your reply is longer than a post may be. Shorten it, or post on the website."),
    "too_big": _l(
        "Your message is too large (over 1 MB with its attachments). Send the text alone."
    ),
    "locked": _l("The thread is locked: it takes no new replies."),
    "deleted": _l("The thread was deleted: it takes no new replies."),
    "archived": _l("The board is archived: it takes no new replies."),
    "suspended": _l("Your account is suspended in this network: you cannot reply there now."),
    "banned": _l("Your account is banned from the forum."),
    "rate_limited": _l(
        "New members can post only a few replies on their first day. Try again tomorrow."
    ),
    "not_allowed": _l("You may not reply in this thread."),
    "invalid": _l("The forum could not format your reply. Simplify it, or post on the website."),
}


@composer("refusal")
def refusal(rows: list[MailOutbox], _user: User | None) -> Letter:
    data = rows[0].data or {}
    thread_id = data.get("thread_id")
    headers = {"Auto-Submitted": "auto-replied"}
    if data.get("message_id"):
        headers["In-Reply-To"] = headers["References"] = data["message_id"]
    return Letter(
        subject=_("Not posted: %(subject)s", subject=data.get("subject") or _("your reply")),
        template="refusal",
        context={
            "explanation": str(REASONS.get(data.get("reason"), REASONS["not_allowed"])),
            "thread_url": url_for("threads.show", thread_id=thread_id, _external=True)
            if thread_id
            else None,
        },
        headers=headers,
    )
