"""Signed tokens in links and reply addresses: nothing to store, nothing to guess."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

CONFIRM_AGE = 3 * 24 * 3600  # seconds a confirmation link works
RESET_AGE = 3600  # a password reset link: an hour
UNSUBSCRIBE_AGE = 365 * 24 * 3600
REPLY_DAYS = 90  # days a reply address works after the mail that carried it


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"forum-mail-{purpose}")


def sign(purpose: str, value: Any) -> str:
    return _serializer(purpose).dumps(value)


def unsign(purpose: str, token: str, max_age: int) -> Any | None:
    """The value, or None for a token that is forged, damaged, for another purpose or too old."""
    if not isinstance(token, str) or len(token) > 500:
        return None
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None


def _mac(text: str) -> str:
    key = current_app.config["SECRET_KEY"].encode() + b"/reply-address"
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()[:10]
    return base64.b32encode(digest).decode().lower()  # 16 letters and digits, any case


def reply_token(user_id: int, thread_id: int, now: float | None = None) -> str:
    """<member>-<thread>-<day>-<mac>: lower case, under 64 characters with "reply+" (the most
    an address's local part may hold), and read the same by mail servers that fold case."""
    day = int((now if now is not None else time.time()) // 86400)
    text = f"{user_id}-{thread_id}-{day}"
    return f"{text}-{_mac(text)}"


def read_reply_token(token: str, now: float | None = None) -> tuple[int, int] | None:
    """(member id, thread id) for a genuine token under REPLY_DAYS old, else None."""
    parts = token.strip().lower().split("-")
    if len(token) > 80 or not token.isascii() or len(parts) != 4:
        return None
    if not all(part.isdigit() for part in parts[:3]):
        return None
    user_id, thread_id, day = (int(part) for part in parts[:3])
    if not hmac.compare_digest(_mac(f"{user_id}-{thread_id}-{day}"), parts[3]):
        return None
    today = int((now if now is not None else time.time()) // 86400)
    if not 0 <= today - day <= REPLY_DAYS:
        return None
    return user_id, thread_id
