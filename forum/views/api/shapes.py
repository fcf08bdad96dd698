"""What the API answers with: each resource's JSON Schema beside the function that makes it,
so the document says exactly what is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from forum.models import Board, Network, Theme, Thread
from forum.public_urls import public_address
from forum.services.post_cards import PostCard

Schema = dict[str, Any]

TEXT: Schema = {"type": "string"}
ID: Schema = {"type": "integer"}
WHEN: Schema = {"type": "string", "format": "date-time"}
MAYBE_WHEN: Schema = {"type": ["string", "null"], "format": "date-time"}
MAYBE_TEXT: Schema = {"type": ["string", "null"]}
COUNT: Schema = {"type": "integer", "minimum": 0}
FLAG: Schema = {"type": "boolean"}


def obj(**properties: Schema) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


def listing(item: Schema) -> Schema:
    """A page of a list, and the cursor of the next one (null at the end)."""
    return obj(items={"type": "array", "items": item}, next_cursor=MAYBE_TEXT)


def when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat() + "Z"


NETWORK = obj(slug=TEXT, name=TEXT, short_name=TEXT, description=TEXT)


def network(row: Network) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.display_name,
        "short_name": row.display_short_name,
        "description": row.display_description,
    }


THEME = obj(slug=TEXT, name=TEXT, description=TEXT)


def theme(row: Theme) -> dict[str, Any]:
    return {"slug": row.slug, "name": row.display_name, "description": row.display_description}


BOARD = obj(id=ID, network=TEXT, theme=TEXT, name=TEXT, description=TEXT, is_archived=FLAG)


def board(row: Board) -> dict[str, Any]:
    return {
        "id": row.id,
        "network": row.network.slug,
        "theme": row.theme.slug,
        "name": row.custom_name or row.theme.display_name,
        "description": row.description,
        "is_archived": row.is_archived,
    }


AUTHOR = obj(username=TEXT, name=TEXT)
KINDS = ["question", "good_practice", "discussion"]

THREAD = obj(
    id=ID,
    title=TEXT,
    kind={"type": "string", "enum": KINDS},
    network=TEXT,
    theme=TEXT,
    board_id=ID,
    author=AUTHOR,
    created_at=WHEN,
    last_activity_at=WHEN,
    reply_count=COUNT,
    is_pinned=FLAG,
    is_locked=FLAG,
    is_answered=FLAG,
    is_deleted=FLAG,
    practice_country=MAYBE_TEXT,
    practice_sector=MAYBE_TEXT,
    practice_control=MAYBE_TEXT,
    topics={"type": "array", "items": TEXT},
)


def thread(row: Thread, topics: list[str]) -> dict[str, Any]:
    """`topics`: the vocabulary's concepts it is tagged with (GET /topics names them)."""
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind.value,
        "network": row.board.network.slug,
        "theme": row.board.theme.slug,
        "board_id": row.board_id,
        "author": {
            "username": row.author.username,
            "name": row.author.display_name or row.author.username,
        },
        "created_at": when(row.created_at),
        "last_activity_at": when(row.last_activity_at),
        "reply_count": row.reply_count,
        "is_pinned": row.is_pinned,
        "is_locked": row.is_locked,
        "is_answered": row.is_answered,
        "is_deleted": row.is_deleted,
        "practice_country": row.practice_country,
        "practice_sector": row.practice_sector,
        "practice_control": row.practice_control.value if row.practice_control else None,
        "topics": topics,
    }


ATTACHMENT = obj(name=TEXT, kind=TEXT, url=TEXT)

POST = obj(
    id=ID,
    thread_id=ID,
    is_opening=FLAG,
    author=AUTHOR,
    created_at=WHEN,
    edited_at=MAYBE_WHEN,
    language=TEXT,
    vote_count=COUNT,
    is_accepted=FLAG,
    is_deleted=FLAG,
    is_hidden=FLAG,
    withheld=MAYBE_TEXT,
    body_html=MAYBE_TEXT,
    body_markdown=MAYBE_TEXT,
    attachments={"type": "array", "items": ATTACHMENT},
)


def post(card: PostCard, thread_id: int, source: str, edited_at: datetime | None) -> dict:
    """A post as the thread page shows it to this reader: its text only when they may read
    it (permissions "read_post"), else `withheld` says why."""
    readable = card.refusal is None
    return {
        "id": card.id,
        "thread_id": thread_id,
        "is_opening": card.is_opening,
        "author": {"username": card.author_username, "name": card.author_name},
        "created_at": card.created_at,
        "edited_at": when(edited_at) if not card.is_deleted else None,
        "language": card.language,
        "vote_count": card.vote_count,
        "is_accepted": card.is_accepted,
        "is_deleted": card.is_deleted,
        "is_hidden": card.is_hidden,
        "withheld": None if readable else str(card.refusal),
        "body_html": card.body_html if readable else None,
        "body_markdown": source if readable else None,
        "attachments": [
            {"name": file.name, "kind": file.kind.value, "url": public_address(file.url)}
            for file in card.attachments  # none when the post is withheld
        ],
    }
