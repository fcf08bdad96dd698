"""What a member is mailed about, and when: per notification kind "now" (a message a few
minutes after the notification, if it is still unread), "digest" (in the daily or weekly
digest) or "never". users.mail_choices holds only what the member chose; the rest follows
the defaults here.

Defaults: what is about the member directly (a reply to their thread, a mention, their
answer accepted, a moderator's decision, their expertise verified or revoked) comes at
once; a question in their expertise comes at once to a verified expert of its theme and in
the digest to a member who only claims it; activity they watch comes in the digest;
helpful votes never.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from forum.languages import lazy_gettext as _l
from forum.models import NotificationKind

Kind = NotificationKind
NOW, DIGEST, NEVER = "now", "digest", "never"
CHOICES = (NOW, DIGEST, NEVER)
CHOICE_LABELS = {NOW: _l("Immediately"), DIGEST: _l("In the digest"), NEVER: _l("Never")}

# the kinds that can be mailed, in the order the settings page lists them
MAILABLE = (
    Kind.reply_to_my_thread.value,
    Kind.mention.value,
    Kind.answer_accepted.value,
    Kind.moderation.value,
    Kind.event.value,
    Kind.expertise_verified.value,
    Kind.expertise_revoked.value,
    Kind.question_in_expertise.value,
    Kind.reply_in_watched.value,
    Kind.new_thread_watched.value,
    Kind.helpful_votes.value,
)
DEFAULTS = {
    Kind.reply_to_my_thread.value: NOW,
    Kind.mention.value: NOW,
    Kind.answer_accepted.value: NOW,
    Kind.moderation.value: NOW,
    Kind.event.value: NOW,
    Kind.expertise_verified.value: NOW,
    Kind.expertise_revoked.value: NOW,
    Kind.question_in_expertise.value: DIGEST,  # NOW for a verified expert of the theme
    Kind.reply_in_watched.value: DIGEST,
    Kind.new_thread_watched.value: DIGEST,
    Kind.helpful_votes.value: NEVER,
}

DIGEST_EVERY = ("daily", "weekly", "never")
DIGEST_LABELS = {"daily": _l("Daily"), "weekly": _l("Weekly"), "never": _l("Never")}
DIGEST_PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
DIGEST_DEFAULT = "weekly"
# members who visited this recently read the site, not the digest
RECENT_VISIT = timedelta(days=1)
# last_seen_at is written at most this often per member
SEEN_EVERY = timedelta(minutes=5)
UNSUBSCRIBABLE = frozenset(MAILABLE) | {"digest"}


def default_choice(kind: str, *, verified_expert: bool = False) -> str:
    if kind == Kind.question_in_expertise.value and verified_expert:
        return NOW
    return DEFAULTS.get(kind, NEVER)


def choice(chosen: Mapping[str, str] | None, kind: str, *, verified_expert: bool = False) -> str:
    """What the member wants for this kind: their own choice, else the default."""
    value = (chosen or {}).get(str(kind))
    return value if value in CHOICES else default_choice(str(kind), verified_expert=verified_expert)


def seen_is_stale(last_seen_at: datetime | None, now: datetime) -> bool:
    return last_seen_at is None or now - last_seen_at >= SEEN_EVERY
