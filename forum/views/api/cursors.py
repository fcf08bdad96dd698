"""Lists come a page at a time: the answer's `next_cursor`, sent back as `?cursor=` (with the
same filters), names the next page and keeps the first request's `limit`. Cursors are opaque
to callers. Threads and posts are read after the last row sent (forum/services/slices.py):
a row added or removed meanwhile neither repeats nor skips one at the seam. The other lists
(members, experts, institutions, events, search, notifications) hold a position in their
stable order, where a change between two requests may."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timedelta
from typing import Any

from forum.forms import LARGEST_ID
from forum.languages import lazy_gettext as _l
from forum.services import slices
from forum.services.browsing import Page
from forum.views.api.errors import ApiError, FieldError

MAX_LIMIT = 100
QUERY = {
    "cursor": {"type": "string", "minLength": 1, "maxLength": 120},
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
        raise _not_ours()
    return page_number, rows


def cursor(page: int, per_page: int) -> str:
    return base64.urlsafe_b64encode(f"{page}.{per_page}".encode()).decode("ascii")


def listing(items: list[Any], page: Page) -> dict[str, Any]:
    following = cursor(page.number + 1, page.per_page) if page.has_next else None
    return {"items": items, "next_cursor": following}


def key(query: dict[str, Any], per_page: int, order: slices.Order) -> tuple[list | None, int]:
    """(where in `order` to read on after, None for the first rows; rows per request)."""
    if query.get("cursor") is None:
        return None, query.get("limit") or per_page
    try:
        rows, *values = json.loads(base64.urlsafe_b64decode(query["cursor"].encode("ascii")))
        found = [
            _value(column.type.python_type, value)
            for (column, _), value in zip(order, values, strict=True)
        ]
    except (ValueError, TypeError, UnicodeError, binascii.Error, OverflowError):
        raise _not_ours() from None
    if type(rows) is not int or not 1 <= rows <= MAX_LIMIT:
        raise _not_ours()
    return found, rows


def slice_listing(
    items: list[Any], found: slices.Slice, order: slices.Order, limit: int
) -> dict[str, Any]:
    following = None
    if found.has_more:
        values = [_plain(value) for value in slices.key_of(found.items[-1], order)]
        text = json.dumps([limit, *values], separators=(",", ":"))
        following = base64.urlsafe_b64encode(text.encode()).decode("ascii")
    return {"items": items, "next_cursor": following}


_EPOCH = datetime(1970, 1, 1)  # the forum's times are UTC, without a zone


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value - _EPOCH) // timedelta(microseconds=1)
    return value


def _value(kind: type, value: Any) -> Any:
    """A cursor's value for a column of this Python type, or ValueError: a bool is no
    number here, and no id or count is past what the database's integers hold."""
    if kind is bool and type(value) is bool:
        return value
    if kind is int and type(value) is int and 0 <= value <= LARGEST_ID:
        return value
    if kind is datetime and type(value) is int:
        return _EPOCH + timedelta(microseconds=value)  # OverflowError past year 9999
    raise ValueError(value)


def _not_ours() -> ApiError:
    return ApiError(
        400,
        "invalid",
        _l("This cursor is not one the forum gave."),
        [FieldError("cursor", _l("Use next_cursor from the previous answer."))],
    )
