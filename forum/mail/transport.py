"""Where mail goes: FORUM_MAIL_URL read into Flask-Mailman's settings, and the .eml folder."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flask_mailman.backends.base import BaseEmailBackend

SCHEMES = ("smtp", "smtps", "file")
TIMEOUT = 20  # seconds: a mail server that hangs must not hold the sender for ever


def settings(url: str, instance_path: str) -> dict[str, Any]:
    """Flask-Mailman's settings for a FORUM_MAIL_URL; a clear ValueError for a wrong one."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(
            f"FORUM_MAIL_URL must start with smtp://, smtps:// or file://, not {url!r}"
        )
    if parts.scheme == "file":
        folder = unquote(parts.netloc + parts.path)
        if folder.startswith("instance/") or folder == "instance":
            folder = os.path.join(instance_path, folder.removeprefix("instance").lstrip("/"))
        return {"MAIL_BACKEND": EmlFolder, "MAIL_FILE_PATH": folder}
    if not parts.hostname:
        raise ValueError(f"FORUM_MAIL_URL names no mail server: {url!r}")
    options = parse_qs(parts.query)
    starttls = parts.scheme == "smtp" and options.get("starttls", ["on"])[0] != "off"
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": parts.hostname,
        "MAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587),
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_SSL": parts.scheme == "smtps",
        "MAIL_USE_TLS": starttls,
        "MAIL_TIMEOUT": TIMEOUT,
    }


class EmlFolder(BaseEmailBackend):
    """Each message as one .eml file (private to the forum's user): mail without a server."""

    def __init__(self, *args: Any, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or self.mailman.file_path)

    def send_messages(self, email_messages: list) -> int:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for message in email_messages:
            name = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(6)}.eml"  # in order
            fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.message().as_bytes())
        return len(email_messages)
