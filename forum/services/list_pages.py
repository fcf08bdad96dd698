"""What the network, board and theme pages show, gathered before they are rendered:
board cards with their counts, and a page of threads. A page past the end is a
PageOutOfRange (404), raised here. The home page's are in home_page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forum.models import Board, Network, Theme
from forum.services import browsing, events_pages, inbox, institution_directory
from forum.services.browsing import BoardStats, Page, ThreadFilter


@dataclass(frozen=True)
class NetworkPage:
    network: Network
    boards: list[Board]
    stats: dict[int, BoardStats]
    threads: Page
    institutions: institution_directory.NetworkInstitutions
    events: list[events_pages.EventCard]  # the next few


@dataclass(frozen=True)
class BoardPage:
    board: Board
    threads: Page
    watch_state: str  # the reader's: "watch", "mute" or "none"


@dataclass(frozen=True)
class ThemePage:
    theme: Theme
    boards: list[Board]  # in every network
    stats: dict[int, BoardStats]
    threads: Page  # in the chosen network's board, or all of them
    network_slug: str | None
    events: list[events_pages.EventCard]  # the next few


def network_page(
    network: Network, page: int, per_page: int, shown: ThreadFilter, language: str
) -> NetworkPage:
    boards = list(browsing.boards_of_network(network))
    ids = [board.id for board in boards]
    threads = browsing.threads_across_boards(ids, page, per_page, shown)
    institutions = institution_directory.of_network(network, language)
    events = events_pages.next_event_cards(network_id=network.id)
    return NetworkPage(network, boards, browsing.board_stats(ids), threads, institutions, events)


def board_page(
    reader: Any, board: Board, page: int, per_page: int, shown: ThreadFilter
) -> BoardPage:
    threads = browsing.board_threads(board, page, per_page, shown)
    return BoardPage(board, threads, inbox.board_watch(reader, board.id))


def theme_page(
    theme: Theme, network_slug: str | None, page: int, per_page: int, shown: ThreadFilter
) -> ThemePage:
    boards = list(browsing.boards_of_theme(theme))
    listed = [board.id for board in boards if network_slug in (None, "", board.network.slug)]
    threads = browsing.threads_across_boards(listed, page, per_page, shown)
    stats = browsing.board_stats([board.id for board in boards])
    events = events_pages.next_event_cards(theme_id=theme.id)
    return ThemePage(theme, boards, stats, threads, network_slug, events)
