"""The audit log read as sentences in the reader's language: one whole translatable sentence
per kind of action ("oic.mod suspended dave_t in OIC-OSHNET until 11 Dec 2026."), its values
escaped (forum.languages.lazy_gettext) and members' names and titles isolated with <bdi>.

What an entry names by id (a post's author and thread, a verification's member and theme) is
read for the whole page at once: at most four queries, whatever its length."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import format_date
from markupsafe import Markup
from sqlalchemy import select

from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import AuditEntry, ExpertVerification, Institution, Post, Report, Theme, User
from forum.services import browsing

DAY = "d MMM yyyy"  # the forum's dates (forum.languages.short_datetime), without the time


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    sentence: Any  # markup: the whole sentence, values escaped
    details: list[Any]  # further whole sentences (what a board's update changed)
    link: tuple[str, Any] | None  # (address, text): where to see more


@dataclass
class _Known:
    """What entries name by id, read for the page: post id -> (thread id, author name);
    report id -> post id; verification id -> (member name, theme)."""

    posts: dict[int, tuple[int, str]]
    reports: dict[int, int]
    verifications: dict[int, tuple[str, Theme]]
    institutions: dict[int, str]  # institution id -> slug


def audit_lines(entries: Sequence[AuditEntry]) -> list[AuditLine]:
    known = _gather(entries)
    return [_line(entry, known) for entry in entries]


def _gather(entries: Sequence[AuditEntry]) -> _Known:
    def ids(kind: str) -> set[int]:
        return {e.target_id for e in entries if e.target_type == kind}

    reports: dict[int, int] = {}
    if report_ids := ids("report"):
        rows = db.session.execute(
            select(Report.id, Report.post_id).where(Report.id.in_(report_ids))
        )
        reports = dict(rows.all())  # not dict(rows): a Result has keys(), the columns
    posts: dict[int, tuple[int, str]] = {}
    if post_ids := ids("post") | set(reports.values()):
        rows = db.session.execute(
            select(Post.id, Post.thread_id, User.username)
            .join(User, User.id == Post.author_id)
            .where(Post.id.in_(post_ids))
        )
        posts = {post_id: (thread_id, name) for post_id, thread_id, name in rows}
    verifications: dict[int, tuple[str, Theme]] = {}
    if verification_ids := ids("expertverification"):
        rows = db.session.execute(
            select(ExpertVerification.id, User.username, Theme)
            .join(User, User.id == ExpertVerification.user_id)
            .join(Theme, Theme.id == ExpertVerification.theme_id)
            .where(ExpertVerification.id.in_(verification_ids))
        )
        verifications = {id_: (name, theme) for id_, name, theme in rows}
    institutions: dict[int, str] = {}
    if institution_ids := ids("institution"):
        rows = db.session.execute(
            select(Institution.id, Institution.slug).where(Institution.id.in_(institution_ids))
        )
        institutions = dict(rows.all())
    return _Known(posts, reports, verifications, institutions)


def bdi(text: object) -> Markup:
    return Markup("<bdi>{}</bdi>").format(text)


def _link(address: str, text: object) -> Markup:
    return Markup('<a href="{}"><bdi>{}</bdi></a>').format(address, text)


@dataclass(frozen=True)
class _Values:
    entry: AuditEntry
    known: _Known

    @property
    def actor(self) -> Any:
        actor = self.entry.actor
        return bdi(actor.username) if actor else _l("An operator at the command line")

    @property
    def network(self) -> Any:
        network = self.entry.network
        return bdi(network.display_short_name) if network else ""

    @property
    def label(self) -> Markup:
        return bdi(self.entry.target_label)

    @property
    def thread_id(self) -> int | None:
        entry = self.entry
        if entry.target_type == "thread":
            return entry.target_id
        post_id = self.post_id
        return self.known.posts[post_id][0] if post_id in self.known.posts else None

    @property
    def post_id(self) -> int | None:
        entry = self.entry
        if entry.target_type == "report":
            return self.known.reports.get(entry.target_id)
        return entry.target_id if entry.target_type == "post" else None

    @property
    def thread(self) -> Markup:
        """The thread's title as it was, linked to the thread as it is."""
        thread_id = self.thread_id
        if thread_id is None:
            return self.label
        return _link(url_for("threads.show", thread_id=thread_id), self.entry.target_label)

    @property
    def author(self) -> Any:
        post = self.known.posts.get(self.post_id or 0)
        return bdi(post[1]) if post else _l("a member")

    @property
    def institution(self) -> Markup:
        """The institution's name as it was, linked to its page."""
        slug = self.known.institutions.get(self.entry.target_id)
        if self.entry.target_type != "institution" or slug is None:
            return self.label
        return _link(url_for("institutions.page", slug=slug), self.entry.target_label)

    @property
    def member(self) -> Markup:
        """The member an affiliation entry names (kept by name: the log outlives accounts)."""
        return bdi((self.entry.after or {}).get("member", ""))

    @property
    def until(self) -> str:
        until = (self.entry.after or {}).get("until")
        return format_date(datetime.fromisoformat(until), DAY) if until else ""

    @property
    def why(self) -> Any:
        reason = (self.entry.after or {}).get("report_reason", "other")
        return REPORT_REASONS.get(reason, REPORT_REASONS["other"])


# Translators: what a report gave as its reason, inside "(reported as: …)"
REPORT_REASONS = {
    "unsafe_advice": _l("unsafe advice"),
    "spam": _l("spam"),
    "off_topic": _l("off-topic"),
    "abusive": _l("abuse"),
    "other": _l("another reason"),
}

Sentence = Callable[[_Values], Any]

SENTENCES: dict[str, Sentence] = {
    "thread.pin": lambda v: _l("%(actor)s pinned %(thread)s.", actor=v.actor, thread=v.thread),
    "thread.unpin": lambda v: _l("%(actor)s unpinned %(thread)s.", actor=v.actor, thread=v.thread),
    "thread.lock": lambda v: _l(
        "%(actor)s locked %(thread)s: it takes no new replies.", actor=v.actor, thread=v.thread
    ),
    "thread.unlock": lambda v: _l(
        "%(actor)s unlocked %(thread)s: it takes replies again.", actor=v.actor, thread=v.thread
    ),
    "thread.move": lambda v: _move(v),
    "thread.delete": lambda v: _l(
        "%(actor)s deleted the thread %(thread)s.", actor=v.actor, thread=v.thread
    ),
    "thread.restore": lambda v: _l(
        "%(actor)s restored the thread %(thread)s.", actor=v.actor, thread=v.thread
    ),
    "post.hide": lambda v: _l(
        "%(actor)s hid a post by %(author)s in %(thread)s.",
        actor=v.actor,
        author=v.author,
        thread=v.thread,
    ),
    "post.unhide": lambda v: _l(
        "%(actor)s made a post by %(author)s in %(thread)s visible again.",
        actor=v.actor,
        author=v.author,
        thread=v.thread,
    ),
    "post.edit": lambda v: _l(
        "%(actor)s edited a post by %(author)s in %(thread)s.",
        actor=v.actor,
        author=v.author,
        thread=v.thread,
    ),
    "post.delete": lambda v: _l(
        "%(actor)s deleted a post by %(author)s in %(thread)s.",
        actor=v.actor,
        author=v.author,
        thread=v.thread,
    ),
    "report.dismiss": lambda v: _l(
        "%(actor)s dismissed a report of %(why)s on a post by %(author)s in %(thread)s.",
        actor=v.actor,
        why=v.why,
        author=v.author,
        thread=v.thread,
    ),
    "report.hide_post": lambda v: _l(
        "%(actor)s hid a post by %(author)s in %(thread)s, reported for %(why)s.",
        actor=v.actor,
        author=v.author,
        thread=v.thread,
        why=v.why,
    ),
    "user.suspension": lambda v: _l(
        "%(actor)s suspended %(member)s in %(network)s until %(until)s.",
        actor=v.actor,
        member=v.label,
        network=v.network,
        until=v.until,
    ),
    "user.ban": lambda v: (
        _l(
            "%(actor)s banned %(member)s from the whole forum until %(until)s.",
            actor=v.actor,
            member=v.label,
            until=v.until,
        )
        if v.until
        else _l(
            "%(actor)s banned %(member)s from the whole forum until further notice.",
            actor=v.actor,
            member=v.label,
        )
    ),
    "user.lift_suspension": lambda v: _l(
        "%(actor)s lifted the suspension of %(member)s in %(network)s.",
        actor=v.actor,
        member=v.label,
        network=v.network,
    ),
    "user.lift_ban": lambda v: _l(
        "%(actor)s lifted the ban of %(member)s.", actor=v.actor, member=v.label
    ),
    "board.create": lambda v: _l(
        "%(actor)s created the board %(board)s in %(network)s.",
        actor=v.actor,
        board=v.label,
        network=v.network,
    ),
    "board.update": lambda v: _l(
        "%(actor)s changed the board %(board)s in %(network)s.",
        actor=v.actor,
        board=v.label,
        network=v.network,
    ),
    "board.archive": lambda v: _l(
        "%(actor)s archived the board %(board)s in %(network)s: it can be read, not added to.",
        actor=v.actor,
        board=v.label,
        network=v.network,
    ),
    "board.unarchive": lambda v: _l(
        "%(actor)s reopened the archived board %(board)s in %(network)s.",
        actor=v.actor,
        board=v.label,
        network=v.network,
    ),
    "network.create": lambda v: _l(
        "%(actor)s created the network %(network)s.", actor=v.actor, network=v.label
    ),
    "moderator.grant": lambda v: _l(
        "%(actor)s made %(member)s a moderator of %(network)s.",
        actor=v.actor,
        member=v.label,
        network=v.network,
    ),
    "moderator.revoke": lambda v: _l(
        "%(actor)s removed %(member)s from the moderators of %(network)s.",
        actor=v.actor,
        member=v.label,
        network=v.network,
    ),
    "institution.create": lambda v: _l(
        "%(actor)s added %(institution)s to the directory of institutions.",
        actor=v.actor,
        institution=v.institution,
    ),
    "institution.edit": lambda v: _l(
        "%(actor)s edited the page of %(institution)s.", actor=v.actor, institution=v.institution
    ),
    "affiliation.confirm": lambda v: _l(
        "%(actor)s confirmed that %(member)s works at %(institution)s.",
        actor=v.actor,
        member=v.member,
        institution=v.institution,
    ),
    "affiliation.decline": lambda v: _l(
        "%(actor)s declined the request of %(member)s to be listed as working at %(institution)s.",
        actor=v.actor,
        member=v.member,
        institution=v.institution,
    ),
    "affiliation.remove": lambda v: _l(
        "%(actor)s removed %(member)s from the members of %(institution)s.",
        actor=v.actor,
        member=v.member,
        institution=v.institution,
    ),
    "institution.manager_add": lambda v: _l(
        "%(actor)s made %(member)s a manager of %(institution)s.",
        actor=v.actor,
        member=v.member,
        institution=v.institution,
    ),
    "institution.manager_remove": lambda v: _l(
        "%(actor)s removed %(member)s from the managers of %(institution)s.",
        actor=v.actor,
        member=v.member,
        institution=v.institution,
    ),
    "expertise.verify": lambda v: _expertise(v, verified=True),
    "expertise.revoke": lambda v: _expertise(v, verified=False),
}


def _move(v: _Values) -> Any:
    before = _board_names((v.entry.before or {}).get("board", ""))
    after = _board_names((v.entry.after or {}).get("board", ""))
    return _l(
        "%(actor)s moved %(thread)s from %(old_theme)s in %(old_network)s to %(new_theme)s "
        "in %(new_network)s.",
        actor=v.actor,
        thread=v.thread,
        old_theme=before[1],
        old_network=before[0],
        new_theme=after[1],
        new_network=after[0],
    )


def _board_names(slugs: str) -> tuple[Markup, Markup]:
    """ "oic-oshnet/confined-spaces" as the network's and the theme's names (the per-request
    lists every page header reads: no query of its own)."""
    network_slug, _, theme_slug = slugs.partition("/")
    networks = {n.slug: n.display_short_name for n in browsing.all_networks()}
    themes = {t.slug: t.display_name for t in browsing.all_themes()}
    return (
        bdi(networks.get(network_slug, network_slug)),
        bdi(themes.get(theme_slug, theme_slug)),
    )


def _expertise(v: _Values, *, verified: bool) -> Any:
    found = v.known.verifications.get(v.entry.target_id)
    member, theme = (bdi(found[0]), bdi(found[1].display_name)) if found else (v.label, "")
    if verified:
        return _l(
            "%(actor)s verified %(member)s as an expert in %(theme)s for %(network)s.",
            actor=v.actor,
            member=member,
            theme=theme,
            network=v.network,
        )
    return _l(
        "%(actor)s withdrew the verification of %(member)s as an expert in %(theme)s for "
        "%(network)s.",
        actor=v.actor,
        member=member,
        theme=theme,
        network=v.network,
    )


def _board_details(entry: AuditEntry) -> list[Any]:
    before, after = entry.before or {}, entry.after or {}
    details = []
    if before.get("name") != after.get("name"):
        details.append(
            _l(
                "Its name changed from %(before)s to %(after)s.",
                before=bdi(before.get("name") or "—"),
                after=bdi(after.get("name") or "—"),
            )
        )
    if before.get("description") != after.get("description"):
        details.append(_l("Its description changed."))
    if before.get("position") != after.get("position"):
        details.append(
            _l(
                "Its position changed from %(before)s to %(after)s.",
                before=before.get("position"),
                after=after.get("position"),
            )
        )
    return details


# Translators: what changed in an institution's edit, one whole sentence each
_INSTITUTION_PARTS = {
    "country": _l("Its country changed."),
    "kind": _l("Its type changed."),
    "acronym": _l("Its acronym changed."),
    "other_names": _l("Its names in other languages changed."),
    "website": _l("Its website changed."),
    "description": _l("Its description changed."),
    "networks": _l("Its networks or its roles in them changed."),
    "capacities": _l("Its capacities changed."),
}


def _institution_details(entry: AuditEntry) -> list[Any]:
    before, after = entry.before or {}, entry.after or {}
    details: list[Any] = []
    if before.get("name") != after.get("name"):
        details.append(
            _l(
                "Its name changed from %(before)s to %(after)s.",
                before=bdi(before.get("name") or "—"),
                after=bdi(after.get("name") or "—"),
            )
        )
    for part, sentence in _INSTITUTION_PARTS.items():
        if before.get(part) != after.get(part):
            details.append(sentence)
    return details


def _line(entry: AuditEntry, known: _Known) -> AuditLine:
    values = _Values(entry, known)
    make = SENTENCES.get(entry.action)
    if make is None:  # an action this module does not know yet: said plainly, never lost
        sentence = _l("%(actor)s: %(action)s.", actor=values.actor, action=entry.action)
    else:
        sentence = make(values)
    details = (
        _board_details(entry)
        if entry.action == "board.update"
        else _institution_details(entry)
        if entry.action == "institution.edit"
        else []
    )
    link = None
    if entry.action == "post.edit" and values.thread_id is not None:
        address = url_for("threads.history", thread_id=values.thread_id, post_id=entry.target_id)
        link = (address, _l("See what changed"))
    return AuditLine(entry, sentence, details, link)
