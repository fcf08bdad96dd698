"""A confirmed affiliation shows beside its member on posts and on their profile; a pending
one does not; the member's own words show, marked as theirs, when none is confirmed."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Affiliation, AffiliationStatus, Institution, User
from tests.conftest import Person, counting_queries, set_user, thread_id_from
from tests.institution_helpers import make_institution

OWN_WORDS = "In their own words: not confirmed by the institution"


def _affiliate(
    app: Flask, username: str, slug: str, status: AffiliationStatus, position: str = ""
) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        institution = db.session.scalar(select(Institution).where(Institution.slug == slug))
        db.session.merge(
            Affiliation(
                user_id=user.id, institution_id=institution.id, status=status, position=position
            )
        )
        db.session.commit()


def _thread(app: Flask, member: Person) -> int:
    response = member.start_thread(
        "Silica sampling on a quarry crusher",
        "Which method do you use for respirable crystalline silica?",
        board="oic-oshnet/chemical-safety",
    )
    return thread_id_from(response)


def _author_line(page: str, username: str) -> str:
    start = page.index('<div class="post-author">')
    return page[start : page.index("</div>", start)]


def test_posts_show_the_confirmed_institution_not_a_pending_one(
    app: Flask, member: Person, anonymous: Person
) -> None:
    set_user(app, member.username, institution="Quarry consultancy (my words)")
    slug = make_institution(app)
    thread_id = _thread(app, member)

    _affiliate(app, member.username, slug, AffiliationStatus.pending)
    author = _author_line(anonymous.get(f"/threads/{thread_id}").get_data(as_text=True), "")
    assert f"/institutions/{slug}" not in author
    assert "Quarry consultancy (my words)" in author
    assert OWN_WORDS in author

    _affiliate(app, member.username, slug, AffiliationStatus.confirmed)
    author = _author_line(anonymous.get(f"/threads/{thread_id}").get_data(as_text=True), "")
    assert f'<a href="/institutions/{slug}" title="National Institute of Occupational' in author
    assert "<bdi>NIOSH</bdi>" in author
    assert "(affiliation confirmed)" in author
    assert "Quarry consultancy" not in author
    # the live fragment of a new reply shows it too
    reply = member.reply(thread_id, "We use NIOSH 7500 with a cyclone at 2.5 L/min.")
    assert reply.status_code == 302
    with app.app_context():
        from forum.models import Post

        newest = db.session.scalar(select(Post.id).order_by(Post.id.desc()))
    fragment = member.get(f"/threads/{thread_id}/posts/{newest}/fragment")
    assert f"/institutions/{slug}" in fragment.get_data(as_text=True)


def test_the_name_is_in_the_readers_language_where_it_has_one(
    app: Flask, member: Person, anonymous: Person
) -> None:
    slug = make_institution(app, acronym="")
    thread_id = _thread(app, member)
    _affiliate(app, member.username, slug, AffiliationStatus.confirmed)
    arabic = anonymous.get(f"/threads/{thread_id}", headers={"Accept-Language": "ar"})
    assert "المعهد الوطني للسلامة والصحة المهنية" in _author_line(arabic.get_data(as_text=True), "")


def test_the_profile_shows_the_confirmed_institution_else_the_members_words(
    app: Flask, member: Person, anonymous: Person
) -> None:
    set_user(app, member.username, institution="Quarry consultancy")
    slug = make_institution(app)
    page = anonymous.get(f"/u/{member.username}").get_data(as_text=True)
    assert "Quarry consultancy" in page
    assert "(in their own words, not confirmed by the institution)" in page

    _affiliate(app, member.username, slug, AffiliationStatus.pending, "Chemist")
    page = anonymous.get(f"/u/{member.username}").get_data(as_text=True)
    assert f"/institutions/{slug}" not in page
    assert "Chemist" not in page

    _affiliate(app, member.username, slug, AffiliationStatus.confirmed, "Chemist")
    page = anonymous.get(f"/u/{member.username}").get_data(as_text=True)
    assert (
        f'<bdi>Chemist</bdi> · <a href="/institutions/{slug}"><bdi>National Institute of '
        "Occupational Safety and Health</bdi> (<bdi>NIOSH</bdi>)</a>" in page
    )
    assert "Affiliation confirmed" in page
    assert "Quarry consultancy" not in page


def test_a_thread_page_reads_every_authors_affiliation_in_one_query(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    app.extensions.pop("forum_page_cache", None)
    thread_id = _thread(app, member)
    slugs = [make_institution(app, name=f"Institute {n}", acronym=f"I{n}") for n in range(2)]

    def cost() -> int:
        anonymous.get(f"/threads/{thread_id}")
        with counting_queries(app) as counter:
            page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
        return counter.count, page

    few, _page = cost()
    _affiliate(app, member.username, slugs[0], AffiliationStatus.confirmed)
    for number in range(6):
        other_member.reply(thread_id, f"Reply number {number} from another institute.")
    _affiliate(app, other_member.username, slugs[1], AffiliationStatus.confirmed)
    many, page = cost()
    assert many == few
    assert page.count("<bdi>I1</bdi>") == 6
    assert page.count("<bdi>I0</bdi>") == 1
