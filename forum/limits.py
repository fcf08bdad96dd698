"""Every rate limit in one place: what is counted, per what, and when it counts.

Limits come from the configuration (FORUM_*_RATE_LIMIT and friends); the store is memory by
default and Redis when several processes serve the forum (FORUM_RATELIMIT_STORAGE). A refusal
is a 429 page (or JSON) that says when to try again and hands back any text being posted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, request
from flask.wrappers import Response
from flask_babel import format_date, format_time
from flask_login import current_user
from limits import RateLimitItem, parse

from forum.extensions import limiter
from forum.languages import lazy_gettext as _l
from forum.models._time import utcnow


def _setting(name: str):  # noqa: ANN202
    return lambda: current_app.config[name]


def _succeeded(response: Response) -> bool:
    """Forms answer a success with a redirect; a refused or previewed form is re-shown."""
    return response.status_code in (302, 303)


def _failed(response: Response) -> bool:
    return not _succeeded(response)


def _account_key() -> str:
    """One count per account, typed by name or by address; per typed name when none."""
    from forum import usernames
    from forum.services.accounts import account_for

    login = (request.form.get("login") or "").strip()[:254]
    account = account_for(login)
    return f"account:{account.id}" if account else "login:" + usernames.key(login)


def _created_or_conflicted(response: Response) -> bool:
    """A new account, or a name or address refused as an account's (409): each one tells
    something of who has an account, so each one counts."""
    return _succeeded(response) or response.status_code == 409


def _member_key() -> str:
    return f"member:{current_user.id}"  # not get_id(): a new log-in is the same member


def is_established(member: Any) -> bool:
    """Members past their first day(s) post without a count; others are new accounts."""
    age = utcnow() - member.created_at
    return age >= timedelta(days=current_app.config["NEW_ACCOUNT_DAYS"])


# Log-in attempts per address, and failed ones per account: an attacker spreading guesses over
# many addresses is slowed too, and a member is locked out at most for one window after the
# last failed guess.
login_per_address = limiter.limit(_setting("LOGIN_RATE_LIMIT"), methods=["POST"])
login_per_account = limiter.limit(
    _setting("LOGIN_ACCOUNT_RATE_LIMIT"),
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message=_l("Too many failed log-ins for this account. Wait a minute, then try again."),
)
registrations = limiter.limit(
    _setting("REGISTER_RATE_LIMIT"),
    methods=["POST"],
    deduct_when=_created_or_conflicted,
    error_message=_l("Too many accounts were made from your address. Try again later."),
)


@dataclass(frozen=True)
class Spent:
    """A new member's allowance spent: when they may post again (naive UTC, as stored)."""

    until: datetime
    now: datetime

    @property
    def retry_after(self) -> int:
        return max(1, int((self.until - self.now).total_seconds() + 0.999))

    @property
    def day(self) -> str:
        """ "today", "tomorrow" or "later": which of a sentence's wordings says when."""
        days = (self.until.date() - self.now.date()).days
        return "today" if days <= 0 else "tomorrow" if days == 1 else "later"


# New accounts post a little on their first day: spam needs many posts, newcomers need few.
class FirstDay:
    """A new account's allowance of one kind of post, per member, in the limiter's store.

    The web composers ask spent() before posting and count() after; replies by e-mail
    (forum.mail.inbound) ask refuses() and count() with the same setting, scope and key, so
    both ways of posting spend one allowance.
    """

    def __init__(
        self, setting: str, what: str, sentences: dict[str, Callable[..., object]]
    ) -> None:
        self.setting, self.scope, self.sentences = setting, f"new-account-{what}", sentences

    def refusal(self, spent: Spent) -> object:
        """The whole sentence, in the reader's language: "... tomorrow at 09:14 (UTC) ..."."""
        return self.sentences[spent.day](
            date=format_date(spent.until, "d MMMM yyyy"), time=format_time(spent.until, "HH:mm")
        )

    def _window(self, member: Any) -> tuple[RateLimitItem, list[str]] | None:
        if not limiter.enabled or is_established(member):
            return None
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
        keys = [f"member:{member.id}", self.scope]
        return parse(current_app.config[self.setting]), [prefix, *keys] if prefix else keys

    def refuses(self, member: Any, posted_in_window: Callable[[timedelta], int]) -> bool:
        """True when a new member's allowance is spent. posted_in_window(window) counts what
        they posted in the window in the database: a process of its own (`forum
        receive-mail`) does not see the web's counts in a memory store."""
        window = self._window(member)
        if window is None:
            return False
        item, keys = window
        if not limiter.limiter.test(item, *keys):
            return True
        return posted_in_window(timedelta(seconds=item.get_expiry())) >= item.amount

    def spent(self, member: Any) -> Spent | None:
        """None while a member may post; else when they may again: when the oldest post of
        the window leaves it (the moving window), or when the account stops being new."""
        window = self._window(member)
        if window is None:
            return None
        item, keys = window
        if limiter.limiter.test(item, *keys):
            return None
        reset_at = limiter.limiter.get_window_stats(item, *keys).reset_time
        established_at = member.created_at + timedelta(days=current_app.config["NEW_ACCOUNT_DAYS"])
        until = min(_naive_utc(reset_at), established_at)
        return Spent(until=until, now=_naive_utc(time.time()))

    def count(self, member: Any) -> None:
        window = self._window(member)
        if window is not None:
            limiter.limiter.hit(window[0], *window[1])


def _naive_utc(timestamp: float) -> datetime:
    """The limiter's clock (seconds) as the forum stores times."""
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


# Whole sentences, one per wording of "when", each translated as a whole with its values.
new_account_thread_allowance = FirstDay(
    "NEW_ACCOUNT_THREAD_LIMIT",
    "threads",
    {
        "today": lambda **when: _l(
            "New members can start only a few threads on their first day. You can start "
            "another today at %(time)s (UTC). Your title and text are kept below.",
            **when,
        ),
        "tomorrow": lambda **when: _l(
            "New members can start only a few threads on their first day. You can start "
            "another tomorrow at %(time)s (UTC). Your title and text are kept below.",
            **when,
        ),
        "later": lambda **when: _l(
            "New members can start only a few threads on their first day. You can start "
            "another on %(date)s at %(time)s (UTC). Your title and text are kept below.",
            **when,
        ),
    },
)
new_account_reply_allowance = FirstDay(
    "NEW_ACCOUNT_REPLY_LIMIT",
    "replies",
    {
        "today": lambda **when: _l(
            "New members can post only a few replies on their first day. You can reply "
            "again today at %(time)s (UTC). Your text is kept below.",
            **when,
        ),
        "tomorrow": lambda **when: _l(
            "New members can post only a few replies on their first day. You can reply "
            "again tomorrow at %(time)s (UTC). Your text is kept below.",
            **when,
        ),
        "later": lambda **when: _l(
            "New members can post only a few replies on their first day. You can reply "
            "again on %(date)s at %(time)s (UTC). Your text is kept below.",
            **when,
        ),
    },
)
# the search page and the composer's lookups share one budget per client
searches = limiter.shared_limit(_setting("SEARCH_RATE_LIMIT"), scope="search")


def _not_previewing() -> bool:
    return "preview" not in request.form


# Previews render a post as it would be stored, and store nothing: every one is counted, per
# member, across the composers (new thread, reply, edit).
previews = limiter.shared_limit(
    _setting("PREVIEW_RATE_LIMIT"),
    scope="previews",
    key_func=_member_key,
    methods=["POST"],
    exempt_when=_not_previewing,
    error_message=_l("Too many previews in a short time. Your text is below."),
)
