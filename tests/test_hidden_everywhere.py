"""What moderators hid stays hidden: every page that can show a post's text follows one rule
(permissions "read_post"), whatever the address.

The walk takes every GET route in the URL map, so a new page that shows posts is walked too:
an argument it does not know yet fails the test until it is given a value here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Attachment, Post
from forum.services import browsing, moderation
from tests import upload_samples
from tests.api_helpers import bearer, token_for
from tests.conftest import Person, every_role, make_person, set_user, thread_id_from
from tests.institution_helpers import make_institution
from tests.upload_samples import post_files

ROLES = ("anonymous", "member", "author", "moderator_elsewhere", "moderator_here", "admin")
MODERATORS_HERE = frozenset({"moderator_here", "admin"})
BOARD = "oic-oshnet/confined-spaces"
NOT_WALKED = {"static", "main.healthz"}  # files and a health check: no post text


@dataclass(frozen=True)
class Case:
    word: str  # only in the post's text: any page with it shows the post
    allowed: frozenset[str]  # the roles that may read it

    @property
    def text(self) -> str:
        # searched for by its other word: a page that echoes the query does not show the post
        return f"{self.word} beside {self.search}"

    @property
    def search(self) -> str:
        return f"Rosella{self.word.lower()}"


CASES = {
    # hidden by a moderator: the network's moderators (and admins) still read it
    "hidden post": Case("Quokkahiddenword", MODERATORS_HERE),
    # deleted by its author: nobody reads it any more
    "deleted post": Case("Wombatdeletedword", frozenset()),
    # the thread deleted by a moderator: its moderators may still read and restore it
    "post of a deleted thread": Case("Numbatgonethreadword", MODERATORS_HERE),
}


def _notes(case: str | Case) -> list[tuple[bytes, str]]:
    word = (CASES[case] if isinstance(case, str) else case).word
    return [(upload_samples.small_pdf(f"Notes {word}"), f"{word}-form.pdf")]


def _attachment_id(app: Flask, post_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Attachment.id).where(Attachment.post_id == post_id))


def _post_id(app: Flask, word: str) -> tuple[int, int]:
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.body_source.contains(word)))
        return post.id, post.thread_id


def _affiliate(app: Flask, username: str, slug: str) -> None:
    from forum.models import Affiliation, AffiliationStatus, Institution, User

    with app.app_context():
        db.session.add(
            Affiliation(
                user_id=db.session.scalar(select(User.id).where(User.username == username)),
                institution_id=db.session.scalar(
                    select(Institution.id).where(Institution.slug == slug)
                ),
                status=AffiliationStatus.confirmed,
            )
        )
        db.session.commit()
        db.session.remove()


def _as(app: Flask, username: str, action) -> None:  # noqa: ANN001
    from forum.models import User

    with app.app_context():
        action(db.session.scalar(select(User).where(User.username == username)))
        db.session.remove()


@pytest.fixture
def people(app: Flask, anonymous: Person, member: Person, other_member: Person) -> dict:
    """amina ("author") wrote the three posts; kemal is an ordinary member."""
    opener = make_person(app, "siti")
    thread_id = thread_id_from(opener.start_thread("Entering a silo", "Is a harness enough?"))
    # each with a file named with its word and holding it: the download and the library's rows
    for case in ("hidden post", "deleted post"):
        replied = post_files(
            member, f"/threads/{thread_id}/reply", _notes(case), body=CASES[case].text
        )
        assert replied.status_code == 302
    gone = CASES["post of a deleted thread"]
    started = post_files(
        member, f"/n/{BOARD}/new", _notes(gone), kind="question", title="Gas", body=gone.text
    )
    assert started.status_code == 302
    set_user(app, "amina", country="MY")
    people = every_role(app, anonymous, member, other_member)
    _affiliate(app, "amina", make_institution(app))  # her institution's page lists her work
    for case in CASES:  # reported by kemal: the moderators' queue lists them too
        post_id, _ = _post_id(app, CASES[case].word)
        assert other_member.post(f"/posts/{post_id}/report", {"reason": "spam"}).status_code == 302
    hidden, _ = _post_id(app, CASES["hidden post"].word)
    deleted, _ = _post_id(app, CASES["deleted post"].word)
    _, gone_thread = _post_id(app, CASES["post of a deleted thread"].word)
    _as(app, "oic.mod", lambda mod: moderation.hide_post(mod, browsing.get_post(hidden), "Unsafe"))
    assert member.post(f"/posts/{deleted}/delete").status_code == 302
    _as(
        app,
        "oic.mod",
        lambda mod: moderation.delete_thread(mod, browsing.get_thread(gone_thread), "Wrong"),
    )
    return people


def _attachment_id(app: Flask, post_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Attachment.id).where(Attachment.post_id == post_id))


def _urls(app: Flask, post_id: int, thread_id: int, search: str) -> list[str]:
    """Every GET address of the app, its arguments pointing at the post, its thread, their
    network, board and author; the query asks search and similar threads for the post."""
    values = {
        "post_id": post_id,
        "thread_id": thread_id,
        "network_slug": "oic-oshnet",
        "theme_slug": "confined-spaces",
        "username": "amina",
        "code": "MY",  # amina's country: its page lists her threads
        "slug": "niosh-my",  # the institution amina works for
        "token": "not-a-valid-token",  # the mailed links: a refusal page, no post text
        "attachment_id": _attachment_id(app, post_id),  # a PDF named with the post's word
        "name": "form.pdf",  # and holding it
        "event_id": 1,  # no post text on an event's pages (its discussion is a thread)
        "concept_id": "confined-space",  # its page lists threads found by its names
    }
    query = "?" + urlencode({"q": search, "title": search})
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_WALKED:
            continue
        unknown = rule.arguments - set(values)
        assert not unknown, f"give the walk a value for {unknown} of {rule.rule}"
        path = rule.rule
        for name in rule.arguments:
            for converter in ("", "int:", "path:"):
                path = path.replace(f"<{converter}{name}>", str(values[name]))
        assert "<" not in path, path
        urls.append(path + query)
    return urls + [f"/threads/{thread_id}?sort=votes"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_post_s_text_is_shown_only_to_those_the_rule_allows(
    app: Flask, people: dict[str, Person], case: str
) -> None:
    word, allowed = CASES[case].word, CASES[case].allowed
    post_id, thread_id = _post_id(app, word)
    urls = _urls(app, post_id, thread_id, CASES[case].search)
    leaks, seen_by = [], set()
    for role in ROLES:
        # the API reads no cookie: each role calls it with a read token of its own
        token = token_for(app, people[role].username, write=False) if role != "anonymous" else ""
        for url in urls:
            if url.startswith("/api/"):  # arguments it does not know are refused
                path, _, arguments = url.partition("?")
                url = path + ("?" + arguments.partition("&")[0] if path.endswith("/search") else "")
                response = people[role].get(url, headers=bearer(token) if token else {})
            else:
                response = people[role].get(url, follow_redirects=True)
            assert response.status_code != 500, (role, url)
            if word in response.get_data().decode("utf-8", "replace"):  # files are bytes
                seen_by.add(role)
                if role not in allowed:
                    leaks.append((role, url, response.status_code))
    assert not leaks, f"the {case} was shown to: {leaks}"
    assert seen_by == allowed  # and those allowed do read it (the thread page at least)
