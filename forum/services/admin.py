"""Boards of a network (its moderators), networks and moderators (administrators)."""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select

from forum import permissions, standing
from forum.database import write_transaction
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import Board, Network, NetworkModerator, Theme, User
from forum.services import ServiceError
from forum.services.audit import record

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_MAX, DESCRIPTION_MAX = 120, 2_000


def create_board(actor: User, network: Network, theme: Theme, name: str, description: str) -> Board:
    permissions.require(actor, "moderate", network)
    name, description = _clean_name(name, required=False), _clean_description(description)
    with write_transaction() as session:
        if session.scalar(
            select(Board.id).where(Board.network_id == network.id, Board.theme_id == theme.id)
        ):
            raise ServiceError(_l("This network already has a board for that theme."), "theme")
        position = session.scalar(
            select(func.coalesce(func.max(Board.position), -1) + 1).where(
                Board.network_id == network.id
            )
        )
        board = Board(
            network_id=network.id,
            theme_id=theme.id,
            custom_name=name,
            description=description,
            position=position,
        )
        session.add(board)
        session.flush()
        record(
            session, actor, "board.create", board, network_id=network.id, label=name or theme.name
        )
    return board


def update_board(actor: User, board: Board, name: str, description: str, position: int) -> None:
    """Rename, describe or move a board in its network's order."""
    permissions.require(actor, "moderate", board.network)
    name, description = _clean_name(name, required=False), _clean_description(description)
    if not 0 <= position <= 1_000:
        raise ServiceError(_l("Choose a position from 0 to 1000."), "position")
    before = {
        "name": board.custom_name,
        "description": board.description,
        "position": board.position,
    }
    after = {"name": name, "description": description, "position": position}
    if before == after:
        return
    with write_transaction() as session:
        board.custom_name, board.description, board.position = name, description, position
        record(
            session,
            actor,
            "board.update",
            board,
            network_id=board.network_id,
            label=board.custom_name or board.theme.name,
            before=before,
            after=after,
        )


def set_archived(actor: User, board: Board, archived: bool) -> None:
    """Archived boards stay readable and take no new threads or replies."""
    permissions.require(actor, "moderate", board.network)
    if board.is_archived == archived:
        return
    with write_transaction() as session:
        board.is_archived = archived
        record(
            session,
            actor,
            "board.archive" if archived else "board.unarchive",
            board,
            network_id=board.network_id,
            label=board.custom_name or board.theme.name,
        )


def create_network(actor: User, slug: str, short_name: str, name: str, description: str) -> Network:
    """A new network, with a board for every theme."""
    permissions.require(actor, "administer")
    slug = slug.strip().lower()
    if not SLUG.match(slug) or len(slug) > 64:
        raise ServiceError(_l("Use lowercase letters, digits and dashes, like oic-oshnet."), "slug")
    short_name = _clean_name(short_name, required=True, field="short_name")[:40]
    name = _clean_name(name, required=True, field="name")
    with write_transaction() as session:
        if session.scalar(select(Network.id).where(Network.slug == slug)):
            raise ServiceError(_l("A network with that address exists."), "slug")
        position = session.scalar(select(func.coalesce(func.max(Network.position), -1) + 1))
        network = Network(
            slug=slug,
            short_name=short_name,
            name=name,
            description=_clean_description(description),
            position=position,
        )
        session.add(network)
        session.flush()
        for theme in session.scalars(select(Theme).order_by(Theme.position)):
            session.add(Board(network_id=network.id, theme_id=theme.id, position=theme.position))
        record(session, actor, "network.create", network, network_id=network.id, label=name)
    return network


def set_moderator(actor: User | None, member: User, network: Network, moderator: bool) -> bool:
    """Grant or take back a network's moderation; actor None is the command line.

    Returns False when nothing changed.
    """
    if actor is not None:
        permissions.require(actor, "administer")
    with write_transaction() as session:
        current = session.get(NetworkModerator, (member.id, network.id))
        if (current is not None) == moderator:
            return False
        if moderator:
            session.add(
                NetworkModerator(
                    user_id=member.id,
                    network_id=network.id,
                    granted_by_id=actor.id if actor else None,
                )
            )
        else:
            session.execute(
                delete(NetworkModerator).where(
                    NetworkModerator.user_id == member.id, NetworkModerator.network_id == network.id
                )
            )
        record(
            session,
            actor,
            "moderator.grant" if moderator else "moderator.revoke",
            member,
            network_id=network.id,
            label=member.username,
        )
    standing.forget(member)
    return True


def _clean_name(name: str, *, required: bool, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if required and not name:
        raise ServiceError(_l("Give it a name."), field)
    if len(name) > NAME_MAX:
        raise ServiceError(_l("Keep the name under %(n)d characters.", n=NAME_MAX), field)
    return name


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            _l("Keep the description under %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    return description


def moderators_by_network() -> dict[int, list[User]]:
    rows = db.session.execute(
        select(NetworkModerator.network_id, User)
        .join(User, User.id == NetworkModerator.user_id)
        .order_by(User.username_key)
    )
    found: dict[int, list[User]] = {}
    for network_id, user in rows:
        found.setdefault(network_id, []).append(user)
    return found
