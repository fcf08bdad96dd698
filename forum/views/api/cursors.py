"""Lists come a page at a time: the answer's `next_cursor`, sent back as `?cursor=`, names the
next page (and keeps the first request's `limit`). The cursor is opaque to callers; today it
holds a position in the list's stable order (latest activity, then id; or a thread's posts
by id), so a list that changes between two requests may repeat or skip a row at the seam."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from forum.languages import lazy_gettext as _l
from forum.services.browsing import Page
from forum.views.api.errors import ApiError, FieldError

MAX_LIMIT = 100
QUERY = {
    "cursor": {"type": "string", "minLength": 1, "maxLength": 40},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
}


def position(query: dict[str, Any], per_page: int) -> tuple[int, int]:
    """(page number, rows per page) for this request."""
    if query.get("cursor") is None:
        return 1, query.get("limit") or per_page
    try:
        page, size = base64.urlsafe_b64decode(query["cursor"].encode("ascii")).split(b".")
        page_number, rows = int(page), int(size)
    except (ValueError, UnicodeError, binascii.Error):
        page_number = rows = 0
    if not (1 <= page_number <= 2**20 and 1 <= rows <= MAX_LIMIT):
        raise ApiError(
            400,
            "invalid",
            _l("This cursor is not one the forum gave."),
            [FieldError("cursor", _l("Use next_cursor from the previous answer."))],
        )
    return page_number, rows


def cursor(page: int, per_page: int) -> str:
    return base64.urlsafe_b64encode(f"{page}.{per_page}".encode()).decode("ascii")


def listing(items: list[Any], page: Page) -> dict[str, Any]:
    following = cursor(page.number + 1, page.per_page) if page.has_next else None
    return {"items": items, "next_cursor": following}
