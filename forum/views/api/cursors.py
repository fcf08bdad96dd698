"""Lists come a page at a time: the answer's `next_cursor`, sent back as `?cursor=` (with the
same filters), names the next page. A cursor holds a digest of the filters (defaults filled
in) and the path it was given for, and is refused with others. Cursors are opaque to
callers. Threads, posts, notifications, institutions and events are read after the last row
sent (forum/services/slices.py): a row added or removed meanwhile neither repeats nor skips
one at the seam, and each request may ask its own `limit`. The expert directory and search
hold a position in their stable order, where a change between two requests may; their pages
keep the first one's `limit`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from flask import request

from forum.forms import LARGEST_ID
from forum.languages import lazy_gettext as _l
from forum.services import slices
from forum.services.browsing import Page
from forum.views.api.errors import ApiError, FieldError

MAX_LIMIT = 100
QUERY = {
    # an institution's name may be in it: 200 characters, each up to 6 in JSON, in base64
    "cursor": {"type": "string", "minLength": 1, "maxLength": 2000},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
}


def position(query: dict[str, Any], per_page: int) -> tuple[int, int]:
    """(page number, rows per page) for this request."""
    if query.get("cursor") is None:
        return 1, query.get("limit") or per_page
    rows, page_number = _open(query)
    if type(page_number) is not int or not 2 <= page_number <= 2**20:
        raise not_ours()
    if query.get("limit") not in (None, rows):  # page N of another size starts elsewhere
        raise ApiError(
            400,
            "invalid",
            _l("This list keeps the limit of its first page."),
            [FieldError("limit", _l("Leave limit out, or send the same one."))],
        )
    return page_number, rows


def listing(items: list[Any], page: Page, query: dict[str, Any]) -> dict[str, Any]:
    following = _seal(query, page.per_page, [page.number + 1]) if page.has_next else None
    return {"items": items, "next_cursor": following}


def key(query: dict[str, Any], per_page: int, order: slices.Order) -> tuple[list | None, int]:
    """(where in `order` to read on after, None for the first rows; rows per request)."""
    if query.get("cursor") is None:
        return None, query.get("limit") or per_page
    rows, *values = _open(query)
    try:
        found = [
            _value(column.type.python_type, value)
            for (column, _), value in zip(order, values, strict=True)
        ]
    except (ValueError, TypeError, OverflowError):
        raise not_ours() from None
    return found, query.get("limit") or rows


def slice_listing(
    items: list[Any], found: slices.Slice, order: slices.Order, limit: int, query: dict[str, Any]
) -> dict[str, Any]:
    following = None
    if found.has_more:
        values = [_plain(value) for value in slices.key_of(found.items[-1], order)]
        following = _seal(query, limit, values)
    return {"items": items, "next_cursor": following}


def _filters(query: dict[str, Any]) -> str:
    """A digest of the request's filters (everything but the cursor and the limit, defaults
    filled in) and of the path's values (a thread's posts are not another's)."""
    given = {name: value for name, value in query.items() if name not in QUERY}
    given.update({f"/{name}": value for name, value in (request.view_args or {}).items()})
    text = json.dumps(given, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _seal(query: dict[str, Any], rows: int, place: list[Any]) -> str:
    text = json.dumps([rows, _filters(query), *place], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def _open(query: dict[str, Any]) -> list[Any]:
    """[rows, *place] from the request's cursor, or a 400: not one the forum gave, or given
    for other filters."""
    try:
        text = base64.urlsafe_b64decode(query["cursor"].encode("ascii"))
        rows, filters, *place = json.loads(text)
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise not_ours() from None
    if type(rows) is not int or not 1 <= rows <= MAX_LIMIT or not place:
        raise not_ours()
    if filters != _filters(query):
        raise ApiError(
            400,
            "invalid",
            _l("This cursor was given for other filters."),
            [FieldError("cursor", _l("Send the same filters as the request that gave it."))],
        )
    return [rows, *place]


_EPOCH = datetime(1970, 1, 1)  # the forum's times are UTC, without a zone


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value - _EPOCH) // timedelta(microseconds=1)
    return value


def _value(kind: type, value: Any) -> Any:
    """A cursor's value for a column of this Python type, or ValueError: a bool is no
    number here, no id or count is past what the database's integers hold, and no name
    longer than a name may be."""
    if kind is bool and type(value) is bool:
        return value
    if kind is int and type(value) is int and 0 <= value <= LARGEST_ID:
        return value
    if kind is datetime and type(value) is int:
        return _EPOCH + timedelta(microseconds=value)  # OverflowError past year 9999
    if kind is str and type(value) is str and len(value) <= 200 and "\x00" not in value:
        return value  # a name's sort key
    raise ValueError(value)


def gone() -> ApiError:
    """A position past the end: the list lost rows since the cursor was given (or it was
    never the forum's)."""
    return ApiError(
        400,
        "invalid",
        _l("The list has no rows past this cursor any more: read it again from the start."),
        [FieldError("cursor", _l("Use next_cursor from the previous answer."))],
    )


def not_ours() -> ApiError:
    return ApiError(
        400,
        "invalid",
        _l("This cursor is not one the forum gave."),
        [FieldError("cursor", _l("Use next_cursor from the previous answer."))],
    )
