"""Configuration: defaults, then FORUM_* environment variables, then the test mapping."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_DATABASE_URI": None,  # None: SQLite in the instance folder
    "SECRET_KEY": None,  # None: generated once into the instance folder
    "SEARCH_BACKEND": "whoosh",
    "SEARCH_INDEX": str(PROJECT_ROOT / "search_index"),
    "MESSAGE_QUEUE": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on every 429
    # a moving window: no burst of twice the limit across a window's edge
    "RATELIMIT_STRATEGY": "moving-window",
    "LOGIN_RATE_LIMIT": "6 per minute",  # attempts per address
    "LOGIN_ACCOUNT_RATE_LIMIT": "6 per minute",  # failed attempts per account
    "REGISTER_RATE_LIMIT": "5 per hour",  # new accounts per address
    "RESET_RATE_LIMIT": "5 per hour",  # password reset requests per client address
    "RESET_ACCOUNT_RATE_LIMIT": "5 per hour",  # reset mails per account (or typed name)
    "ADDRESS_MAIL_RATE_LIMIT": "3 per hour",  # confirmation links a member asks for
    "NEW_ACCOUNT_DAYS": 1,
    "NEW_ACCOUNT_THREAD_LIMIT": "3 per day",
    "NEW_ACCOUNT_REPLY_LIMIT": "10 per day",
    "SEARCH_RATE_LIMIT": "60 per minute",
    "PREVIEW_RATE_LIMIT": "30 per minute",  # previews per member
    "SOCKETS_PER_MEMBER": 8,  # live connections per member, per server process (realtime)
    "SECURE_COOKIES": False,
    # How many proxies in front set X-Forwarded-For/-Proto; 0 ignores those headers, so a
    # client without a proxy cannot forge its address or scheme.
    "PROXY_HOPS": 0,
    "SERVER_TIMING": False,  # a Server-Timing header with each response's SQL count
    "PAGE_CACHE_MB": 64,  # visitors' pages kept per server process (page_cache); 0: none
    # Request bodies: a post is at most 50,000 characters; 1 MB leaves room for encoding.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 28,
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session: long posts are not lost
    "THREADS_PER_PAGE": 25,
    # origins (space or comma separated) whose pages may call the JSON API; none by default
    "API_CORS_ORIGINS": "",
    "POSTS_PER_PAGE": 20,
    "BABEL_DEFAULT_LOCALE": "en",
    "SQLALCHEMY_RECORD_QUERIES": False,
    "PASSWORD_HASH_METHOD": None,  # None: Werkzeug's default
    # e-mail (forum.mail): smtp://user:pass@host:587 (STARTTLS; ?starttls=off for a local relay
    # without it), smtps://user:pass@host:465, or file://DIR (one .eml file per message)
    "MAIL_URL": "file://instance/mail",
    "MAIL_FROM": "OSH e-Forum <forum@localhost>",
    "MAIL_DOMAIN": None,  # reply+<token>@ this; None: the host of MAIL_FROM
    # the public address, for absolute links in mail and feeds; None: feeds take the request's
    # host, mail the run command's http://127.0.0.1:5000
    "BASE_URL": None,
    "MAIL_UNREAD_DELAY": 600,  # seconds a notification waits, unread, before it is mailed
    "MAIL_SEND_EVERY": 5,  # seconds between the server's passes over the mail outbox
    "MAIL_RETRY_AFTER": 60,  # seconds before a failed message's first retry; doubled each time
    # replies by e-mail (forum receive-mail): larger messages are refused, unread
    "MAIL_INBOUND_MAX_BYTES": 1024 * 1024,
    "MAIL_REFUSALS_PER_HOUR": 3,  # "not posted" answers to one address in an hour, at most
    # True: an external timer (cron, systemd) runs `forum send-digests`; False: `forum serve`
    # queues the digests that are due itself, every ten minutes
    "DIGEST_TIMER": False,
    # attachments (forum.attachments): a folder shared by the machine's processes, or
    # "database" (PostgreSQL) so that several machines serve the same files; None: instance/uploads
    "UPLOADS": None,
    "UPLOAD_MAX_MB": 10,  # per file
    "UPLOADS_PER_POST": 5,
    "UPLOAD_DAILY_MB": 50,  # per member, in the last 24 hours
    "NEW_ACCOUNT_UPLOAD_DAILY_MB": 10,  # in the first NEW_ACCOUNT_DAYS
    "EXTRACT_TIMEOUT": 20,  # seconds to read one document's text, else found by its name only
}

# FORUM_<NAME> environment variable -> config key
ENVIRONMENT = {
    "FORUM_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "FORUM_SECRET_KEY": "SECRET_KEY",
    "FORUM_SEARCH_BACKEND": "SEARCH_BACKEND",
    "FORUM_SEARCH_INDEX": "SEARCH_INDEX",
    "FORUM_MESSAGE_QUEUE": "MESSAGE_QUEUE",
    "FORUM_RATELIMIT_STORAGE": "RATELIMIT_STORAGE_URI",
    "FORUM_SECURE_COOKIES": "SECURE_COOKIES",
    "FORUM_PROXY_HOPS": "PROXY_HOPS",
    "FORUM_SERVER_TIMING": "SERVER_TIMING",
    "FORUM_PAGE_CACHE_MB": "PAGE_CACHE_MB",
    "FORUM_LOGIN_RATE_LIMIT": "LOGIN_RATE_LIMIT",
    "FORUM_LOGIN_ACCOUNT_RATE_LIMIT": "LOGIN_ACCOUNT_RATE_LIMIT",
    "FORUM_REGISTER_RATE_LIMIT": "REGISTER_RATE_LIMIT",
    "FORUM_RESET_RATE_LIMIT": "RESET_RATE_LIMIT",
    "FORUM_RESET_ACCOUNT_RATE_LIMIT": "RESET_ACCOUNT_RATE_LIMIT",
    "FORUM_ADDRESS_MAIL_RATE_LIMIT": "ADDRESS_MAIL_RATE_LIMIT",
    "FORUM_NEW_ACCOUNT_THREAD_LIMIT": "NEW_ACCOUNT_THREAD_LIMIT",
    "FORUM_NEW_ACCOUNT_REPLY_LIMIT": "NEW_ACCOUNT_REPLY_LIMIT",
    "FORUM_SEARCH_RATE_LIMIT": "SEARCH_RATE_LIMIT",
    "FORUM_PREVIEW_RATE_LIMIT": "PREVIEW_RATE_LIMIT",
    "FORUM_SOCKETS_PER_MEMBER": "SOCKETS_PER_MEMBER",
    "FORUM_MAIL_URL": "MAIL_URL",
    "FORUM_MAIL_FROM": "MAIL_FROM",
    "FORUM_MAIL_DOMAIN": "MAIL_DOMAIN",
    "FORUM_BASE_URL": "BASE_URL",
    "FORUM_MAIL_UNREAD_DELAY": "MAIL_UNREAD_DELAY",
    "FORUM_DIGEST_TIMER": "DIGEST_TIMER",
    "FORUM_MAIL_SEND_EVERY": "MAIL_SEND_EVERY",
    "FORUM_MAIL_RETRY_AFTER": "MAIL_RETRY_AFTER",
    "FORUM_UPLOADS": "UPLOADS",
    "FORUM_API_CORS_ORIGINS": "API_CORS_ORIGINS",
    "FORUM_UPLOAD_MAX_MB": "UPLOAD_MAX_MB",
    "FORUM_UPLOADS_PER_POST": "UPLOADS_PER_POST",
    "FORUM_UPLOAD_DAILY_MB": "UPLOAD_DAILY_MB",
    "FORUM_NEW_ACCOUNT_UPLOAD_DAILY_MB": "NEW_ACCOUNT_UPLOAD_DAILY_MB",
}

BOOLEAN_KEYS = {"SECURE_COOKIES", "SERVER_TIMING", "DIGEST_TIMER"}
COUNT_KEYS = {"PROXY_HOPS"}
MEGABYTE_KEYS = {
    "UPLOAD_MAX_MB",
    "UPLOADS_PER_POST",
    "UPLOAD_DAILY_MB",
    "NEW_ACCOUNT_UPLOAD_DAILY_MB",
}
SECONDS_KEYS = {"MAIL_UNREAD_DELAY", "MAIL_SEND_EVERY", "MAIL_RETRY_AFTER"}


def build_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    config = dict(DEFAULTS)
    for variable, key in ENVIRONMENT.items():
        value = os.environ.get(variable)
        if value:
            config[key] = _parse_bool(value) if key in BOOLEAN_KEYS else value
    config.update(overrides or {})
    for key in COUNT_KEYS:
        config[key] = _parse_count(key, config[key])
    for key in SECONDS_KEYS:
        config[key] = _parse_seconds(key, config[key])
    for key in MEGABYTE_KEYS:
        config[key] = _parse_amount(key, config[key])

    instance = Path(instance_path)
    if not config["SQLALCHEMY_DATABASE_URI"]:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'forum.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # a threaded server: room for bursts, while a few processes stay far below
        # PostgreSQL's default of 100 connections
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_size": 10, "max_overflow": 20})
    if not config["UPLOADS"]:
        config["UPLOADS"] = str(instance / "uploads")
    _check_uploads(config)
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = instance_secret_key(instance)
    _check_search_backend(config)
    if config["SECURE_COOKIES"]:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    return config


SEARCH_BACKENDS = ("whoosh", "postgres")


def _check_search_backend(config: dict[str, Any]) -> None:
    backend = config["SEARCH_BACKEND"]
    if backend not in SEARCH_BACKENDS:
        raise ValueError(f"FORUM_SEARCH_BACKEND must be one of {', '.join(SEARCH_BACKENDS)}")
    if backend == "postgres" and not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise ValueError("FORUM_SEARCH_BACKEND=postgres needs a PostgreSQL FORUM_DATABASE_URL")


def _check_uploads(config: dict[str, Any]) -> None:
    if config["UPLOADS"] == "database" and not config["SQLALCHEMY_DATABASE_URI"].startswith(
        "postgresql"
    ):
        raise ValueError("FORUM_UPLOADS=database needs a PostgreSQL FORUM_DATABASE_URL")


def normalise_database_url(url: str) -> str:
    """Accept plain postgres:// URLs and drive them with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance: Path) -> str:
    """The key is made once per installation and kept beside the database, never in code."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _parse_count(key: str, value: object) -> int:
    try:
        count = int(str(value).strip())
    except ValueError:
        count = -1
    if not 0 <= count <= 10:
        raise ValueError(f"FORUM_{key} must be a whole number from 0 to 10, not {value!r}")
    return count


def _parse_seconds(key: str, value: object) -> int:
    try:
        seconds = int(str(value).strip())
    except ValueError:
        seconds = -1
    if not 0 <= seconds <= 7 * 24 * 3600:
        raise ValueError(f"FORUM_{key} must be a number of seconds up to a week, not {value!r}")
    return seconds


def _parse_amount(key: str, value: object) -> int:
    try:
        amount = int(str(value).strip())
    except ValueError:
        amount = -1
    if not 0 <= amount <= 10_000:
        raise ValueError(f"FORUM_{key} must be a whole number from 0 to 10000, not {value!r}")
    return amount


def _parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
