"""Every rate limit in one place: what is counted, per what, and when it counts.

Limits come from the configuration (FORUM_*_RATE_LIMIT and friends); the store is memory by
default and Redis when several processes serve the forum (FORUM_RATELIMIT_STORAGE). A refusal
is a 429 page (or JSON) that says when to try again and hands back any text being posted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app, request
from flask.wrappers import Response
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


def _established() -> bool:
    return not current_user.is_authenticated or is_established(current_user)


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


# New accounts post a little on their first day: spam needs many posts, newcomers need few.
class FirstDay:
    """A new account's allowance of one kind of post, per member, in the limiter's store.

    The web form counts it with its decorator (.limit); replies by e-mail (forum.mail.inbound)
    ask refuses() and count() with the same setting, scope and key, so both ways of posting
    spend one allowance.
    """

    def __init__(self, setting: str, what: str, message: object) -> None:
        self.setting, self.scope, self.message = setting, f"new-account-{what}", message
        self.limit = limiter.shared_limit(
            _setting(setting),
            scope=self.scope,
            key_func=_member_key,
            methods=["POST"],
            exempt_when=_established,
            deduct_when=_succeeded,
            error_message=message,
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

    def count(self, member: Any) -> None:
        window = self._window(member)
        if window is not None:
            limiter.limiter.hit(window[0], *window[1])


new_account_thread_allowance = FirstDay(
    "NEW_ACCOUNT_THREAD_LIMIT",
    "threads",
    _l("New members can start only a few threads on their first day. Your text is below."),
)
new_account_reply_allowance = FirstDay(
    "NEW_ACCOUNT_REPLY_LIMIT",
    "replies",
    _l("New members can post only a few replies on their first day. Your text is below."),
)
new_account_threads = new_account_thread_allowance.limit
new_account_replies = new_account_reply_allowance.limit
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
