"""The append-only log of moderation and administration, written in each action's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from forum.models import AuditEntry, User
from forum.services.audit_sentences import AuditLine, audit_lines
from forum.services.browsing import Page, paginate


def record(
    session: Session,
    actor: User | None,
    action: str,
    target: Any,
    *,
    network_id: int | None,
    label: str = "",
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the caller's transaction: it is saved exactly when the action is."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        network_id=network_id,
        target_type=type(target).__name__.lower(),
        target_id=target.id,
        target_label=label[:200],
        reason=reason,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def entries(network_id: int | None, page: int, per_page: int) -> Page:
    """Newest first; one network's entries, or (None) every entry for administrators."""
    query = select(AuditEntry).options(joinedload(AuditEntry.actor), joinedload(AuditEntry.network))
    if network_id is not None:
        query = query.where(AuditEntry.network_id == network_id)
    return paginate(query.order_by(AuditEntry.id.desc()), page, per_page)


def log_page(network_id: int | None, page: int, per_page: int) -> tuple[Page, list[AuditLine]]:
    """A page of the log, each entry as a sentence in the reader's language."""
    shown = entries(network_id, page, per_page)
    return shown, audit_lines(shown.items)
