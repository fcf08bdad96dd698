"""Personal access tokens for the JSON API: a member's, named, scoped, revocable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models._time import utcnow

SCOPES = ("read", "write")


class ApiToken(db.Model):
    """Only the SHA-256 of the token is kept: it is random and long, so no slow hash is
    needed, and a stolen table names no usable token. `prefix` is its first characters,
    shown so that a member can tell their tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[str] = mapped_column(String(32))  # "read" or "read write"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    # the member's session version when it was made: a new password, a reset or a ban ends
    # it with their sessions (a token made from a stolen session dies with that session)
    session_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @property
    def may_write(self) -> bool:
        return "write" in self.scopes.split()
