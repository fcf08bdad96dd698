"""What the "Ask a question" composer offers: every open board the member may start a thread
in, network by network, in the order the forum's pages show them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from forum import permissions
from forum.extensions import db
from forum.models import Board, Network, Theme


def boards_to_ask_in(user: Any) -> Sequence[Board]:
    """One query (each board's network and theme come with it); archived boards and the
    networks where the member is suspended are left out."""
    boards = db.session.scalars(
        select(Board)
        .join(Board.network)
        .join(Board.theme)
        .where(Board.is_archived.is_(False))
        .order_by(Network.position, Network.id, Board.position, Theme.position, Board.id)
    ).unique()
    return [board for board in boards if permissions.may("start_thread", board, user)]
