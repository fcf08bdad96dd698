"""The Resources pages: what they list, in which order, filtered how, at what cost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from forum.models import FileKind
from forum.models._time import utcnow
from forum.services import browsing, moderation, thread_posts
from tests.attachment_rows import attach, opening_post
from tests.conftest import Person, counting_queries, make_person, thread_id_from

BOARD = "/n/oic-oshnet/confined-spaces/resources"
NETWORK = "/n/oic-oshnet/resources"
THEME = "/themes/confined-spaces/resources"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"THREADS_PER_PAGE": 3, "PAGE_CACHE_MB": 0}


def _thread(person: Person, title: str, board: str = "oic-oshnet/confined-spaces") -> int:
    return thread_id_from(person.start_thread(title, f"About {title}.", board=board))


def _names(html: str) -> list[str]:
    return re.findall(r'<h3 class="thread-title"><a href="[^"]*"[^>]*><bdi>([^<]*)</bdi>', html)


def test_every_page_lists_the_board_s_documents_with_their_details(
    app: Flask, member: Person, anonymous: Person
) -> None:
    thread_id = _thread(member, "Silo entry permits")
    attach(app, opening_post(app, thread_id), "permit-form.pdf", content=b"%PDF" + b"x" * 3000)
    for url in (BOARD, NETWORK, THEME):
        html = anonymous.get(url).get_data(as_text=True)
        assert _names(html) == ["permit-form.pdf"], url
        assert "Silo entry permits" in html
        assert f"/threads/{thread_id}" in html
        assert "2.9 KB" in html  # as the post itself lists the file
        assert "PDF" in html
        assert re.search(r'href="/attachments/\d+/permit-form.pdf"', html)
    other = anonymous.get("/n/ilo-global/confined-spaces/resources").get_data(as_text=True)
    assert _names(other) == []
    board_page = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert f'href="{BOARD}"' in board_page
    assert f'href="{NETWORK}"' in anonymous.get("/n/oic-oshnet").get_data(as_text=True)
    assert f'href="{THEME}"' in anonymous.get("/themes/confined-spaces").get_data(as_text=True)


def test_reviewed_resources_come_first_then_the_newest(app: Flask, member: Person) -> None:
    thread_id = _thread(member, "Gas detectors")
    post_id = opening_post(app, thread_id)
    now = utcnow()
    oldest = attach(app, post_id, "oldest.pdf", created_at=now - timedelta(days=3))
    attach(app, post_id, "middle.pdf", created_at=now - timedelta(days=2))
    attach(app, post_id, "newest.pdf", created_at=now - timedelta(days=1))
    assert _names(member.get(BOARD).get_data(as_text=True)) == [
        "newest.pdf",
        "middle.pdf",
        "oldest.pdf",
    ]
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    assert moderator.post(f"/mod/attachments/{oldest}/review").status_code == 302
    html = member.get(BOARD).get_data(as_text=True)
    assert _names(html) == ["oldest.pdf", "newest.pdf", "middle.pdf"]
    assert "last reviewed" in html
    assert "Reviewed resource" in html


def test_what_no_one_may_read_is_not_listed(app: Flask, member: Person) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    kept = _thread(member, "Kept thread")
    gone = _thread(member, "Deleted thread")
    attach(app, opening_post(app, kept), "kept.pdf")
    attach(app, opening_post(app, gone), "in-deleted-thread.pdf")
    assert member.reply(kept, "A reply with a file").status_code == 302
    assert member.reply(kept, "Another reply with a file").status_code == 302
    with app.app_context():
        thread = browsing.get_thread(kept)
        replies = thread_posts.page_of(thread, 1, 10).items[1:]
        reply_ids = [post.id for post in replies]
    hidden_id = attach(app, reply_ids[0], "in-hidden-post.pdf")
    attach(app, reply_ids[1], "in-deleted-post.pdf")
    removed = attach(app, opening_post(app, kept), "removed.pdf")
    _as_moderator(app, lambda mod: moderation.hide_post(mod, browsing.get_post(reply_ids[0]), "x"))
    assert member.post(f"/posts/{reply_ids[1]}/delete").status_code == 302
    _as_moderator(app, lambda mod: moderation.delete_thread(mod, browsing.get_thread(gone), "x"))
    response = moderator.post(f"/mod/attachments/{removed}/remove", {"reason": "Copyright"})
    assert response.status_code == 302
    for person in (member, moderator):
        for url in (BOARD, NETWORK, THEME):
            assert _names(person.get(url).get_data(as_text=True)) == ["kept.pdf"], url
    # the moderator still reaches the hidden post's file from its thread (not the library)
    assert moderator.get(f"/mod/attachments/{hidden_id}/remove").status_code == 200


def _as_moderator(app: Flask, action) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from forum.extensions import db
    from forum.models import User

    with app.app_context():
        action(db.session.scalar(select(User).where(User.username == "oic.mod")))
        db.session.remove()


def test_filters_by_kind_and_language(app: Flask, member: Person, anonymous: Person) -> None:
    english = _thread(member, "English thread")
    french = _thread(member, "Permis d'entrée")
    _set_language(app, opening_post(app, english), "en")
    _set_language(app, opening_post(app, french), "fr")
    attach(app, opening_post(app, english), "guide.pdf")
    attach(app, opening_post(app, english), "photo.png", kind=FileKind.image)
    attach(app, opening_post(app, french), "tableau.xlsx", kind=FileKind.spreadsheet)
    assert _names(anonymous.get(BOARD + "?kind=image").get_data(as_text=True)) == ["photo.png"]
    assert _names(anonymous.get(BOARD + "?language=fr").get_data(as_text=True)) == ["tableau.xlsx"]
    both = anonymous.get(BOARD + "?language=en&kind=pdf").get_data(as_text=True)
    assert _names(both) == ["guide.pdf"]
    # a value we do not know: ignored, and the form says so; never a 500
    response = anonymous.get(BOARD + "?kind=exe&language=xx")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(_names(html)) == 3
    assert "Not a valid choice" in html
    html = anonymous.get(BOARD).get_data(as_text=True)
    assert '<label class="label" for="kind">' in html
    assert 'for="language"' in html


def _set_language(app: Flask, post_id: int, language: str) -> None:
    from forum.extensions import db
    from forum.models import Post

    with app.app_context():
        db.session.get(Post, post_id).language = language
        db.session.commit()
        db.session.remove()


def test_pages_link_their_neighbours_and_end(app: Flask, member: Person, anonymous: Person) -> None:
    thread_id = _thread(member, "Many files")
    post_id = opening_post(app, thread_id)
    for number in range(7):
        attach(app, post_id, f"file-{number}.pdf")
    first = anonymous.get(BOARD).get_data(as_text=True)
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    second = anonymous.get(BOARD + "?page=2").get_data(as_text=True)
    assert 'rel="next"' in second
    assert 'rel="prev"' in second
    assert 'rel="next"' not in anonymous.get(BOARD + "?page=3").get_data(as_text=True)
    assert anonymous.get(BOARD + "?page=4").status_code == 404
    assert anonymous.get(BOARD + "?page=abc").status_code == 200
    assert anonymous.get("/n/nowhere/resources").status_code == 404
    assert anonymous.get("/themes/nothing/resources").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_a_page_costs_the_same_queries_whatever_its_rows(
    app: Flask, member: Person, anonymous: Person, who: str
) -> None:
    person = (
        anonymous if who == "anonymous" else make_person(app, "oic.mod", moderates=("oic-oshnet",))
    )
    first = _thread(member, "First")
    attach(app, opening_post(app, first), "one.pdf")

    def cost(url: str) -> int:
        person.get(url)
        with counting_queries(app) as counter:
            assert person.get(url).status_code == 200
        return counter.count

    few = {url: cost(url) for url in (BOARD, NETWORK, THEME)}
    for number in range(3):  # a full page, from other threads and boards of the theme
        board = "oic-oshnet/confined-spaces" if number % 2 else "ilo-global/confined-spaces"
        thread_id = _thread(member, f"Thread {number}", board=board)
        attach(app, opening_post(app, thread_id), f"more-{number}.pdf")
    many = {url: cost(url) for url in (BOARD, NETWORK, THEME)}
    assert many == few
    assert max(many.values()) <= 10


KEPT = [{"THREADS_PER_PAGE": 3, "PAGE_CACHE_MB": 8}]


@pytest.mark.parametrize("app_config", KEPT)
def test_a_kept_resources_page_is_never_stale(
    app: Flask, member: Person, anonymous: Person
) -> None:
    """Kept for visitors, made again when an attachment comes, is reviewed or removed, or its
    post is hidden; another board's kept page stays kept."""
    from forum.page_cache import HEADER

    elsewhere = "/n/ilo-global/confined-spaces/resources"
    thread_id = _thread(member, "Permits")
    post_id = opening_post(app, thread_id)
    first = attach(app, post_id, "first.pdf")
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))

    def shown(url: str) -> tuple[str, list[str]]:
        response = anonymous.get(url)
        return response.headers[HEADER], _names(response.get_data(as_text=True))

    def all_pages() -> dict[str, tuple[str, list[str]]]:
        return {url: shown(url) for url in (BOARD, NETWORK, THEME, elsewhere)}

    all_pages()
    assert {url: state for url, (state, _) in all_pages().items()} == dict.fromkeys(
        (BOARD, NETWORK, THEME, elsewhere), "hit"
    )
    # the same content as the first: no new StoredFile row (which moves every page, the site)
    second = attach(app, post_id, "second.pdf", content=b"first.pdf")
    pages = all_pages()
    for url in (BOARD, NETWORK, THEME):
        assert pages[url] == ("miss", ["second.pdf", "first.pdf"]), url
    assert pages[elsewhere][0] == "hit"  # an attachment moves its own board's pages only

    assert moderator.post(f"/mod/attachments/{first}/review").status_code == 302
    assert shown(BOARD) == ("miss", ["first.pdf", "second.pdf"])
    response = moderator.post(f"/mod/attachments/{second}/remove", {"reason": "Copyright"})
    assert response.status_code == 302
    assert shown(NETWORK) == ("miss", ["first.pdf"])
    _as_moderator(app, lambda mod: moderation.hide_post(mod, browsing.get_post(post_id), "x"))
    assert shown(THEME) == ("miss", [])
    assert shown(BOARD) == ("miss", [])
