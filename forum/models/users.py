from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from forum import usernames
from forum.extensions import db
from forum.models._time import utcnow
from forum.models.networks import Network, Theme


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    # NFKC, casefolded: "Amina" and "ａｍｉｎａ" are "amina", the same account
    username_key: Mapped[str] = mapped_column(String(32), unique=True)
    # what the name looks like (forum.usernames.skeleton): a name that looks like a member's is
    # refused; None only for a look-alike that was registered before that rule (migration 0009)
    username_skeleton: Mapped[str | None] = mapped_column(
        String(usernames.SKELETON_MAX),
        unique=True,
        index=True,
        default=lambda context: usernames.skeleton(context.get_current_parameters()["username"]),
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # bumped on password change and ban: every session and remember cookie stops working
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # the public profile
    display_name: Mapped[str] = mapped_column(String(80), default="")
    institution: Mapped[str] = mapped_column(String(160), default="", index=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1 codes
    bio_source: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")  # sanitised at write time
    # the interface language chosen in the profile; "" follows the browser
    locale: Mapped[str] = mapped_column(String(8), default="")
    # the IANA zone event times are shown in; "" shows each event in its own zone
    time_zone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # notification kinds switched off (everything else is on)
    muted_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)

    # e-mail: nothing but a confirmation goes to an address before it is confirmed
    email_confirmed_at: Mapped[datetime | None]
    pending_email: Mapped[str | None] = mapped_column(String(254))  # a new address to confirm
    # notification kind -> "now" | "digest" | "never", where the member chose (forum.mail.settings)
    mail_choices: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    digest_every: Mapped[str] = mapped_column(String(8), default="weekly")  # daily, weekly, never
    digest_sent_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]  # at most a few minutes old (forum.mail.settings)

    # the log-in (LoginSession.token) this object was loaded for or started; not a column
    login_token = ""

    def set_password(self, password: str) -> None:
        self.password_hash = _hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What the session and remember cookies hold: a log-out, a password change or a ban
        (a new session version) ends them on the server."""
        return f"{self.id}:{self.session_version}:{self.login_token}"

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    @staticmethod
    def key_for(username: str) -> str:
        return usernames.key(username)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


def password_matches(user: User | None, password: str) -> bool:
    """One hash check of the same cost whether or not the account exists, so a log-in does not
    tell by its time which names and addresses have accounts."""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password)


def _hash(password: str) -> str:
    # None: Werkzeug's default (scrypt); the tests choose a fast method
    method = current_app.config.get("PASSWORD_HASH_METHOD") if current_app else None
    return generate_password_hash(password, **({"method": method} if method else {}))


_dummy_hashes: dict[str | None, str] = {}


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD")
    if method not in _dummy_hashes:
        _dummy_hashes[method] = _hash(secrets.token_hex(16))
    return _dummy_hashes[method]


class LoginSession(db.Model):
    """One log-in in one browser, named by a token in its session and remember cookies:
    log-out deletes the row, and those cookies, copies included, stop working."""

    __tablename__ = "login_sessions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkMembership(db.Model):
    __tablename__ = "network_memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkModerator(db.Model):
    __tablename__ = "network_moderators"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), primary_key=True, index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExpertiseClaim(db.Model):
    """A theme a member says they know; shown as claimed until a moderator verifies it."""

    __tablename__ = "expertise_claims"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), primary_key=True, index=True)


class ExpertVerification(db.Model):
    """A moderator of a network vouches for a member's expertise in a theme.

    One row per (user, theme, network): revoking keeps the row with who and when,
    verifying again makes it active anew.
    """

    __tablename__ = "expert_verifications"
    __table_args__ = (UniqueConstraint("user_id", "theme_id", "network_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id], lazy="raise")
    theme: Mapped[Theme] = relationship(lazy="raise")
    network: Mapped[Network] = relationship(lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
