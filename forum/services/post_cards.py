"""One post as a thread page shows it, made before rendering as plain data: its author's
name and link, its dates already written in the reader's language, its addresses, and what
the reader may see of it and do with it. The template (threads/_post.html, post_card) only
places these: a thread page made afresh renders twenty of them, and a url_for, a Babel date
or a permission asked per post and per action cost more than the rest of the page."""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask import current_app, url_for
from werkzeug.routing.converters import UnicodeConverter

from forum import languages, permissions
from forum.forms import LARGEST_ID
from forum.services.attachment_pages import AttachmentCard
from forum.services.experts import Expertise
from forum.services.profiles import ShownAffiliation
from forum.services.thread_heads import AnyThread
from forum.services.thread_posts import ThreadPost

_ANY_ID = LARGEST_ID  # an id no address holds otherwise: where each post's own id goes
_ANY_NAME = "__any_member__"


@dataclass(frozen=True, slots=True)
class ActionUrls:
    """Where each of the reader's actions on the post goes (only those they may take)."""

    withdraw_vote: str = ""
    vote: str = ""
    unaccept: str = ""
    accept: str = ""
    edit: str = ""
    delete: str = ""
    report: str = ""
    hide: str = ""
    unhide: str = ""

    def __bool__(self) -> bool:  # any action at all
        return self is not NO_URLS


NO_URLS = ActionUrls()


@dataclass(frozen=True, slots=True)
class PostCard:
    id: int
    is_opening: bool
    is_deleted: bool
    is_hidden: bool
    is_accepted: bool
    cautioned: bool  # reported as unsafe, awaiting a moderator
    author_username: str
    author_name: str
    author_initial: str
    author_url: str
    institution: str  # the author's own words, shown when no affiliation is confirmed
    affiliation: ShownAffiliation | None  # confirmed
    expertise: list[Expertise]
    language: str  # the post's (its lang attribute)
    language_name: str | None  # its name, when it is not the interface's language
    created_at: str  # ISO 8601, UTC
    created: str  # in the reader's language
    permalink: str
    edited: str  # when it was last edited, in the reader's language, or ""
    history_url: str  # its history, for whoever may read it, or ""
    refusal: Any  # why the reader does not see its text (permissions "read_post"), or None
    hidden_reason: str
    hidden_notice: bool  # hidden, and this reader sees it: say why
    hidden_from_author: bool  # hidden, and this reader wrote it: say why in the placeholder
    body_html: str
    attachments: list[AttachmentCard]  # only when the reader may read the post
    vote_count: int
    can: permissions.PostActions
    urls: ActionUrls


class Addresses:
    """The page's addresses built once, each post's id put in with string formatting."""

    def __init__(self, thread_id: int) -> None:
        self.thread_id = thread_id
        self.permalink = _pattern("threads.permalink", post_id=_ANY_ID)
        prefix, suffix = url_for("profiles.show", username=_ANY_NAME).split(_ANY_NAME)
        quote = UnicodeConverter(current_app.url_map).to_url  # what url_for quotes a name with
        self._profile = lambda name: f"{prefix}{quote(name)}{suffix}"
        self._actions: dict[str, Callable[[int], str]] | None = None

    @cached_property
    def history(self) -> Callable[[int], str]:  # an edited post's: most pages have none
        return _pattern("threads.history", thread_id=self.thread_id, post_id=_ANY_ID)

    def profile(self, username: str) -> str:
        return self._profile(username)

    def actions(self, post_id: int, can: permissions.PostActions, hidden: bool) -> ActionUrls:
        if not any(can):
            return NO_URLS
        if self._actions is None:  # members only: a visitor's page has no actions
            thread_id = self.thread_id
            self._actions = {
                "withdraw_vote": _pattern("threads.unvote", post_id=_ANY_ID),
                "vote": _pattern("threads.vote", post_id=_ANY_ID),
                "unaccept": _pattern("threads.unaccept", thread_id=thread_id),
                "accept": _pattern("threads.accept", thread_id=thread_id, post_id=_ANY_ID),
                "edit": _pattern("threads.edit", post_id=_ANY_ID),
                "delete": _pattern("threads.delete", post_id=_ANY_ID),
                "report": _pattern("moderation.report", post_id=_ANY_ID),
                "hide": _pattern("moderation.hide", post_id=_ANY_ID),
                "unhide": _pattern("moderation.unhide", post_id=_ANY_ID),
            }
        allowed = can._asdict()
        allowed["hide"] = can.moderate and not hidden
        allowed["unhide"] = can.moderate and hidden
        return ActionUrls(
            **{name: make(post_id) for name, make in self._actions.items() if allowed.get(name)}
        )


def _pattern(endpoint: str, **values: int) -> Callable[[int], str]:
    """url_for once; each post's address from it by formatting (the same text url_for gives)."""
    url = url_for(endpoint, **values)
    if _ANY_ID not in values.values():
        return lambda _post_id: url
    prefix, suffix = url.split(str(_ANY_ID))
    return lambda post_id: f"{prefix}{post_id}{suffix}"


class PostCards:
    """Cards for the posts of one page of `thread`, as `reader` sees them: what is the same
    for every post (addresses, the interface language, the reader's votes, the authors'
    expertise and confirmed affiliations) is read once, here."""

    def __init__(
        self,
        reader: Any,
        thread: AnyThread,
        *,
        accepted: ThreadPost | None,
        my_votes: Container[int],
        expertise: Mapping[int, list[Expertise]],
        cautioned: Container[int],
        attachments: Mapping[int, list[AttachmentCard]],
    ) -> None:
        # the user itself, not the proxy: the policies read it many times per post
        self.reader = reader = getattr(reader, "_get_current_object", lambda: reader)()
        self.reader_id = reader.id if getattr(reader, "is_authenticated", False) else None
        self.thread = thread
        self.accepted = accepted
        self.my_votes = my_votes
        self.expertise = expertise
        self.cautioned = cautioned
        self.attachments = attachments
        self.addresses = Addresses(thread.id)
        self.interface_language = languages.current()
        self.short_datetime = languages.short_datetimes()

    def card(self, post: ThreadPost) -> PostCard:
        """What one post of the thread shows."""
        addresses, username = self.addresses, post.author_username
        deleted, hidden = post.deleted_at is not None, post.hidden_at is not None
        refusal = permissions.why_not(self.reader, "read_post", post)
        can = permissions.post_actions(post, self.thread, self.accepted, self.my_votes)
        shown_hidden = hidden and not deleted
        edited = post.edited_at is not None and not deleted
        language = post.language or ""
        other_language = bool(language) and language != self.interface_language
        return PostCard(
            id=post.id,
            is_opening=post.is_opening,
            is_deleted=deleted,
            is_hidden=hidden,
            is_accepted=self.accepted is not None and self.accepted.id == post.id,
            cautioned=post.id in self.cautioned,
            author_username=username,
            author_name=post.author_display_name or username,
            author_initial=username[:1].upper(),
            author_url=addresses.profile(username),
            institution=post.author_institution or "",
            affiliation=post.affiliation,
            expertise=self.expertise.get(post.author_id, []),
            language=language,
            language_name=languages.LANGUAGES.get(language, "") if other_language else None,
            created_at=post.created_at.isoformat() + "Z",
            created=self.short_datetime(post.created_at),
            permalink=addresses.permalink(post.id),
            edited=self.short_datetime(post.edited_at) if edited else "",
            history_url=addresses.history(post.id)
            if edited and permissions.why_not(self.reader, "read_history", post) is None
            else "",
            refusal=refusal,
            hidden_reason=post.hidden_reason,
            hidden_notice=shown_hidden and refusal is None,
            hidden_from_author=shown_hidden and self.reader_id == post.author_id,
            body_html=post.body_html,
            attachments=self.attachments.get(post.id, []) if refusal is None else [],
            vote_count=post.vote_count,
            can=can,
            urls=addresses.actions(post.id, can, hidden),
        )
