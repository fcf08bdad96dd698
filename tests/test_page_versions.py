"""Each kind of change moves the kept pages that show it, and keeps every other one: a page
is made afresh after a change to what it shows (never stale), and is still a hit after a
change to what it does not (a reply in one board keeps the other boards' and threads' pages;
a member's own settings keep all)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import update

from forum.extensions import db
from forum.models import Network, SearchOutbox, StoredFile, TextState
from forum.page_cache import HEADER
from forum.search import outbox
from forum.services import accounts, admin, browsing
from tests import upload_samples
from tests.conftest import PASSWORD, Person, make_person, reply_ids, thread_id_from
from tests.upload_samples import post_files


@dataclass
class World:
    app: Flask
    member: Person  # amina: asked both threads
    other_member: Person  # kemal: replied in the first
    moderator: Person
    first: int  # a thread in board A
    second: int  # a thread in board B
    reply: int  # kemal's reply in the first thread

    def pages(self) -> dict[str, str]:
        return {
            "home": "/",
            "network": "/n/oic-oshnet",
            "board A": "/n/oic-oshnet/confined-spaces",
            "board B": "/n/oic-oshnet/fire-safety",
            "board C": "/n/oic-oshnet/hazardous-work",
            "theme": "/themes/confined-spaces",
            "themes": "/themes",
            "first thread": f"/threads/{self.first}",
            "second thread": f"/threads/{self.second}",
            "profile": "/u/kemal",
            "experts": "/experts",
            "board A feed": "/n/oic-oshnet/confined-spaces/feed.atom",
            "network feed": "/n/oic-oshnet/feed.atom",
            "first thread feed": f"/threads/{self.first}/feed.atom",
            "second thread feed": f"/threads/{self.second}/feed.atom",
        }


LISTS = {"home", "network", "theme", "profile", "network feed"}  # show threads anywhere
FIRST = {"board A", "first thread", "board A feed", "first thread feed"}
EVERY = set(World.pages(World(None, None, None, None, 0, 0, 0)))  # type: ignore[arg-type]


@pytest.fixture
def world(app: Flask, member: Person, other_member: Person) -> World:
    first = thread_id_from(member.start_thread("Gas testing before entry", "Which detector?"))
    second = thread_id_from(
        member.start_thread("Fire wardens per floor", "How many?", board="oic-oshnet/fire-safety")
    )
    other_member.reply(first, "A four-gas meter, bump-tested daily.")
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    return World(app, member, other_member, moderator, first, second, reply_ids(app, first)[0])


def _reply(w: World) -> None:
    assert w.other_member.reply(w.first, "And calibrate it monthly.").status_code == 302


def _vote(w: World) -> None:
    assert w.member.post(f"/posts/{w.reply}/vote").status_code == 302


def _accept(w: World) -> None:
    assert w.member.post(f"/threads/{w.first}/accept/{w.reply}").status_code == 302


def _edit(w: World) -> None:
    edited = w.other_member.post(f"/posts/{w.reply}/edit", {"body": "A five-gas meter."})
    assert edited.status_code == 302


def _retitle(w: World) -> None:
    opening = _opening(w)
    edited = w.member.post(
        f"/posts/{opening}/edit", {"title": "Gas tests before entry", "body": "Which detector?"}
    )
    assert edited.status_code == 302


def _opening(w: World) -> int:
    from forum.models import Post

    with w.app.app_context():
        return db.session.scalar(
            Post.__table__.select()
            .with_only_columns(Post.id)
            .where(Post.thread_id == w.first, Post.is_opening.is_(True))
        )


def _attach(w: World) -> None:
    """A file added to the reply by its author."""
    edited = post_files(
        w.other_member,
        f"/posts/{w.reply}/edit",
        [(upload_samples.small_pdf(), "Gas testing checklist.pdf")],
        body="A four-gas meter, bump-tested daily.",
    )
    assert edited.status_code == 302


def _hide(w: World) -> None:
    hidden = w.moderator.post(f"/mod/posts/{w.reply}/hide", {"reason": "Unsafe advice"})
    assert hidden.status_code == 302


def _pin(w: World) -> None:
    assert w.moderator.post(f"/mod/threads/{w.first}/pin").status_code == 302


def _lock(w: World) -> None:
    assert w.moderator.post(f"/mod/threads/{w.first}/lock").status_code == 302


def _move(w: World) -> None:
    """The second thread, from board B to board C."""
    with w.app.app_context():
        board_c = browsing.get_board("oic-oshnet", "hazardous-work").id
    moved = w.moderator.post(f"/mod/threads/{w.second}/move", {"board": board_c})
    assert moved.status_code == 302


def _practice(w: World) -> None:
    """A new good practice in board A: the home's fresh good practices."""
    shared = w.other_member.start_thread("Gas detector docking station", "Bump tests, logged.",
                                         kind="good_practice")  # fmt: skip
    assert shared.status_code == 302


def _delete_thread(w: World) -> None:
    deleted = w.moderator.post(f"/mod/threads/{w.first}/delete", {"reason": "Duplicate"})
    assert deleted.status_code == 302


def _hide_opening(w: World) -> None:
    hidden = w.moderator.post(f"/mod/posts/{_opening(w)}/hide", {"reason": "Unsafe advice"})
    assert hidden.status_code == 302


def _archive(w: World) -> None:
    """Board A archived: its open questions take no answers, so the home lists them no more."""
    with w.app.app_context():
        board_a = browsing.get_board("oic-oshnet", "confined-spaces").id
    assert w.moderator.post(f"/mod/boards/{board_a}/archive").status_code == 302


def _profile(w: World) -> None:
    saved = w.other_member.post("/profile", {"institution": "NIOSH Malaysia"})
    assert saved.status_code == 302


def _verify(w: World) -> None:
    with w.app.app_context():
        theme = browsing.get_theme("confined-spaces").id
        network = browsing.get_network("oic-oshnet").id
    verified = w.moderator.post(
        "/u/kemal/verify",
        {"theme": theme, "network": network, "note": "Gas testing", "unclaimed_ok": "y"},
    )
    assert verified.status_code == 302


def _rename_board(w: World) -> None:
    with w.app.app_context():
        board = browsing.get_board("oic-oshnet", "fire-safety")
        admin.update_board(
            accounts.find_user("oic.mod"), board, "Fire and evacuation", "", board.position
        )


def _rename_network(w: World) -> None:
    with w.app.app_context():
        db.session.execute(
            update(Network).where(Network.slug == "oic-oshnet").values(short_name="OIC-OSH")
        )
        db.session.commit()


def _language(w: World) -> None:
    assert w.member.post("/language", {"language": "fr", "next": "/"}).status_code == 303


def _muted_kinds(w: World) -> None:
    saved = w.member.post("/notifications/settings", {"kinds": ["mention"]})
    assert saved.status_code == 302


def _password(w: World) -> None:
    new = "another correct horse"
    changed = w.member.post(
        "/auth/password", {"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert changed.status_code == 302


def _registration(w: World) -> None:
    assert Person(w.app.test_client()).register("newcomer").status_code == 302


def _read_notifications(w: World) -> None:
    assert w.member.post("/notifications/read").status_code == 302


def _search_drain(w: World) -> None:
    """The search index's bookkeeping: a pending row indexed, the outbox tidied."""
    with w.app.app_context():
        db.session.add(SearchOutbox(thread_id=w.first))
        db.session.commit()
        outbox.drain()
        db.session.commit()


# each change, the pages made again after it, and one of them that shows it
CHANGES: list[tuple[Callable[[World], None], set[str], str | None]] = [
    (_reply, LISTS | FIRST, "first thread"),
    (_vote, LISTS | FIRST, "first thread"),
    (_accept, LISTS | FIRST, "first thread"),
    (_edit, LISTS | FIRST, "first thread"),
    (_attach, LISTS | FIRST, "first thread"),
    (_retitle, LISTS | FIRST, "board A"),
    (_hide, LISTS | FIRST, "first thread"),
    (_pin, LISTS | FIRST, "board A"),
    (_lock, LISTS | FIRST, "first thread"),
    (_move, LISTS | {"board B", "board C", "second thread", "second thread feed"}, "board C"),
    (_practice, LISTS | {"board A", "board A feed"}, "home"),
    (_hide_opening, LISTS | FIRST, "home"),
    (_archive, EVERY, "home"),
    (_profile, EVERY, "profile"),
    (_verify, EVERY, "profile"),
    (_rename_board, EVERY, "board B"),
    (_rename_network, EVERY, "network"),
    (_language, set(), None),
    (_muted_kinds, set(), None),
    (_password, set(), None),
    (_registration, set(), None),
    (_read_notifications, set(), None),
    (_search_drain, set(), None),
]


@pytest.mark.parametrize(
    ("change", "made_again", "shown_on"),
    CHANGES,
    ids=[change.__name__[1:] for change, *_ in CHANGES],
)
def test_a_change_moves_the_pages_that_show_it_and_keeps_the_others(
    world: World,
    anonymous: Person,
    change: Callable[[World], None],
    made_again: set[str],
    shown_on: str | None,
) -> None:
    pages = world.pages()
    before = {name: anonymous.get(url) for name, url in pages.items()}
    assert all(page.status_code == 200 for page in before.values())
    assert all(anonymous.get(url).headers[HEADER] == "hit" for url in pages.values())

    change(world)

    after = {name: anonymous.get(url) for name, url in pages.items()}
    missed = {name for name, page in after.items() if page.headers[HEADER] == "miss"}
    assert missed == made_again
    if shown_on is not None:
        assert after[shown_on].get_data() != before[shown_on].get_data()


def test_a_documents_text_read_for_search_keeps_every_page(world: World, anonymous: Person) -> None:
    """forum.attachments.extract writes each document's text after the upload: no page shows
    it, so no kept page is thrown away for it."""
    _attach(world)
    urls = world.pages().values()
    for url in urls:
        anonymous.get(url)
    with world.app.app_context():
        db.session.execute(update(StoredFile).values(text="Checklist", text_state=TextState.done))
        db.session.commit()
    assert {url: anonymous.get(url).headers[HEADER] for url in urls} == dict.fromkeys(urls, "hit")


# the home's recent activity after each change: (list, title, listed after the change)
HOME_CHANGES = [
    (_practice, "fresh-practices", "Gas detector docking station", True),
    (_accept, "unanswered-questions", "Gas testing before entry", False),
    (_lock, "unanswered-questions", "Gas testing before entry", False),
    (_archive, "unanswered-questions", "Gas testing before entry", False),
    (_delete_thread, "newest-questions", "Gas testing before entry", False),
    (_hide_opening, "newest-questions", "Gas testing before entry", False),
    (_retitle, "newest-questions", "Gas tests before entry", True),
]


@pytest.mark.parametrize(
    ("change", "listed_in", "title", "listed"),
    HOME_CHANGES,
    ids=[change.__name__[1:] for change, *_ in HOME_CHANGES],
)
def test_the_kept_home_shows_each_change_to_its_lists(
    world: World,
    anonymous: Person,
    change: Callable[[World], None],
    listed_in: str,
    title: str,
    listed: bool,
) -> None:
    anonymous.get("/")
    assert anonymous.get("/").headers[HEADER] == "hit"

    change(world)

    home = anonymous.get("/")
    assert home.headers[HEADER] == "miss"
    page = home.get_data(as_text=True)
    shown = page.split(f'id="{listed_in}"')[1].split("</section>")[0]
    assert (f"<bdi>{title}</bdi>" in shown) is listed
    assert anonymous.get("/").headers[HEADER] == "hit"
