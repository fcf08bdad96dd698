"""What a member's rights depend on beyond their own row: the networks they moderate and the
sanctions in force. permissions.py answers with it; it is read once per request, in the same
statement as the two counts every page header of theirs shows (unread notifications, open
reports where they moderate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from forum.extensions import db
from forum.models import (
    Affiliation,
    AffiliationStatus,
    NetworkModerator,
    Notification,
    Report,
    ReportStatus,
    Sanction,
    SanctionKind,
)
from forum.models._time import utcnow


@dataclass(frozen=True)
class SanctionInForce:
    reason: str
    ends_at: datetime | None


@dataclass(frozen=True)
class Standing:
    """What a member's rights depend on beyond their own row: roles and sanctions in force."""

    moderated_network_ids: frozenset[int] = frozenset()
    managed_institution_ids: frozenset[int] = frozenset()
    suspensions: dict[int, SanctionInForce] = field(default_factory=dict)  # by network id
    ban: SanctionInForce | None = None
    unread_notifications: int = 0
    open_reports: int = 0  # in the networks they moderate (all of them for an admin)


def of(user: Any) -> Standing:
    """Loaded once per request in one query, then remembered on the user object."""
    if user is None or not user.is_authenticated:
        return Standing()
    cached = user.__dict__.get("_standing")
    if cached is None:
        cached = _load_standing(user.id, user.is_admin)
        user.__dict__["_standing"] = cached
    return cached


# Built once: made afresh for each request, the statement cost SQLAlchemy four times what
# running it does, and every page a member asks for reads it. Rows: (network, kind, reason,
# end, count), kind "moderator", "manager" (its first column an institution), a sanction's
# kind, "unread" or "open_reports".
_NO_COUNT = cast(null(), BigInteger)  # typed: PostgreSQL makes two untyped NULLs text
_STANDING = union_all(
    select(
        NetworkModerator.network_id,
        literal("moderator").label("kind"),
        literal(None).label("reason"),
        literal(None).label("ends_at"),
        _NO_COUNT.label("count"),
    ).where(NetworkModerator.user_id == bindparam("user_id")),
    select(Sanction.network_id, Sanction.kind, Sanction.reason, Sanction.ends_at, _NO_COUNT).where(
        Sanction.user_id == bindparam("user_id"),
        Sanction.lifted_at.is_(None),
        or_(Sanction.ends_at.is_(None), Sanction.ends_at > bindparam("now")),
    ),
    # after the sanctions: PostgreSQL types a UNION's columns from its first rows, and two
    # untyped NULLs before the sanctions' end would make that column text
    select(
        Affiliation.institution_id, literal("manager"), literal(None), literal(None), _NO_COUNT
    ).where(
        Affiliation.user_id == bindparam("user_id"),
        Affiliation.is_manager.is_(True),
        Affiliation.status == AffiliationStatus.confirmed,
    ),
    select(
        literal(None), literal("unread"), literal(None), literal(None), func.count(Notification.id)
    ).where(Notification.recipient_id == bindparam("user_id"), Notification.read_at.is_(None)),
    select(
        literal(None), literal("open_reports"), literal(None), literal(None), func.count(Report.id)
    ).where(
        Report.status == ReportStatus.open,
        or_(
            bindparam("is_admin", type_=Boolean),
            Report.network_id.in_(
                select(NetworkModerator.network_id).where(
                    NetworkModerator.user_id == bindparam("user_id")
                )
            ),
        ),
    ),
)


def _load_standing(user_id: int, is_admin: bool) -> Standing:
    rows = db.session.execute(
        _STANDING, {"user_id": user_id, "now": utcnow(), "is_admin": is_admin}
    )
    moderated, managed, suspensions, ban, counts = set(), set(), {}, None, {}
    for network_id, kind, reason, ends_at, count in rows:
        if kind == "moderator":
            moderated.add(network_id)
        elif kind == "manager":
            managed.add(network_id)
        elif kind in ("unread", "open_reports"):
            counts[kind] = count or 0
        elif kind == SanctionKind.ban.value:
            ban = SanctionInForce(reason, _as_datetime(ends_at))
        else:
            suspensions[network_id] = SanctionInForce(reason, _as_datetime(ends_at))
    return Standing(
        frozenset(moderated),
        frozenset(managed),
        suspensions,
        ban,
        unread_notifications=counts.get("unread", 0),
        open_reports=counts.get("open_reports", 0),
    )


def _as_datetime(value: Any) -> datetime | None:
    """A UNION loses the column type on SQLite: its datetimes come back as text."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def forget(user: Any) -> None:
    """After a change to roles, sanctions or notifications read within the same request."""
    user.__dict__.pop("_standing", None)
