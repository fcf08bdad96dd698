"""A member's mail choices: the settings page, one-click unsubscribing, and when they were
last seen (members who visit the site are not sent a digest of it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from forum.database import write_transaction
from forum.extensions import db
from forum.mail import settings, tokens
from forum.models import ExpertVerification, User
from forum.models._time import utcnow


def is_verified_expert(user: User) -> bool:
    """Verified in some theme: the settings page shows questions in one's expertise as
    coming at once."""
    return (
        db.session.scalar(
            select(ExpertVerification.id)
            .where(ExpertVerification.user_id == user.id, ExpertVerification.revoked_at.is_(None))
            .limit(1)
        )
        is not None
    )


def shown_choices(user: User, verified_expert: bool) -> dict[str, str]:
    """Every mailable kind with what applies now: the member's choice, else the default."""
    return {
        kind: settings.choice(user.mail_choices, kind, verified_expert=verified_expert)
        for kind in settings.MAILABLE
    }


def save_choices(user: User, submitted: Mapping[str, str], digest_every: str) -> None:
    """Keep what the member changed from what the page showed; the rest keeps following the
    defaults."""
    shown = shown_choices(user, is_verified_expert(user))
    chosen = dict(user.mail_choices or {})
    for kind, value in submitted.items():
        if kind in shown and value in settings.CHOICES and value != shown[kind]:
            chosen[kind] = value
    with write_transaction():
        user.mail_choices = chosen
        if digest_every in settings.DIGEST_EVERY:
            user.digest_every = digest_every


def read_unsubscribe(token: str) -> tuple[User, str] | None:
    """The member and kind a genuine unsubscribe link names, else None."""
    value = tokens.unsign("unsubscribe", token, tokens.UNSUBSCRIBE_AGE)
    if not (isinstance(value, list) and len(value) == 2):
        return None
    user_id, kind = value
    if not isinstance(user_id, int) or kind not in settings.UNSUBSCRIBABLE:
        return None
    user = db.session.get(User, user_id)
    return (user, kind) if user is not None else None


def unsubscribe(user: User, kind: str) -> None:
    """Turn one kind of mail off (or the digest), as the link in it said."""
    with write_transaction():
        if kind == "digest":
            user.digest_every = "never"
        else:
            user.mail_choices = {**(user.mail_choices or {}), kind: settings.NEVER}


def note_seen(user: User, now: datetime | None = None) -> bool:
    """Remember that the member visited, at most once every few minutes."""
    now = now or utcnow()
    if not settings.seen_is_stale(user.last_seen_at, now):
        return False
    with write_transaction():
        user.last_seen_at = now
    return True
