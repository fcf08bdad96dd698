"""Personal access tokens: made, listed, revoked by their member, and checked on every API
request (no caching: a revoked token is refused on the next request)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update

from forum import standing
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import ApiToken, User
from forum.models._time import utcnow
from forum.services import ServiceError

PREFIX = "osh_"  # recognisable: secret scanners and members can tell what leaked
MAX_TOKENS = 20  # live tokens per member
NAME_LENGTH = 80
# last use is written at most this often: a busy script does not write on every request
LAST_USED_GRAIN = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def tokens_of(user: User) -> Sequence[ApiToken]:
    """The member's live tokens: not revoked, nor ended with their sessions."""
    return db.session.scalars(
        select(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.session_version == user.session_version,
        )
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def create(user: User, name: str, write: bool) -> tuple[ApiToken, str]:
    """A new token and its text, which is shown once and never kept."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_l("Give the token a name, so you know what uses it."), "name")
    if len(name) > NAME_LENGTH:
        raise ServiceError(_l("Use at most %(n)d characters.", n=NAME_LENGTH), "name")
    if len(tokens_of(user)) >= MAX_TOKENS:
        raise ServiceError(
            _l("You have %(n)d tokens: revoke one you no longer use first.", n=MAX_TOKENS),
            "name",
        )
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        scopes="read write" if write else "read",
        token_hash=digest(raw),
        prefix=raw[: len(PREFIX) + 6],
        session_version=user.session_version,
    )
    with write_transaction() as session:
        session.add(token)
    return token, raw


def revoke(user: User, token_id: int) -> bool:
    """False when the member has no such live token (another's is as good as missing)."""
    with write_transaction() as session:
        revoked = session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        )
    return revoked.rowcount == 1


def authenticate(raw: str) -> tuple[User, ApiToken] | None:
    """The member and token a bearer token names, while it is not revoked and the member's
    sessions have not been ended since it was made (a new password, a reset). A ban ends
    them too, but a banned member's token is still named, so the API can say why it refuses."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    row = db.session.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == digest(raw),
            ApiToken.revoked_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    user, token = row
    if token.session_version != user.session_version and standing.of(user).ban is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRAIN:
        with write_transaction() as session:
            session.execute(
                update(ApiToken)
                .where(
                    ApiToken.id == token.id,
                    (ApiToken.last_used_at.is_(None))
                    | (ApiToken.last_used_at < now - LAST_USED_GRAIN),
                )
                .values(last_used_at=now)
            )
    return user, token
